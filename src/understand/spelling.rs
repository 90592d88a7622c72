//! Misspelt words ("paramters", "univeristy", "hybird"): a word the reader
//! knows nothing about, and that is no English word, is read as the one
//! word of the reader's own vocabulary one edit away (a letter added,
//! dropped, changed, or two swapped). English words come from WordNet
//! (`data/lexical/words.txt`, made by `scripts/wordnet-table`), so a real
//! word the reader does not know ("brought", "pubic") is never taken for
//! one it does ("bought", "public"): it stays unknown, and the question
//! is declined as before.

use std::collections::HashMap;
use std::sync::OnceLock;

const WORDS: &str = include_str!("../../data/lexical/words.txt");

/// The shortest word corrected, and the shortest word corrected to: below
/// it one edit turns too many words into others.
pub(crate) const MIN_LEN: usize = 5;

/// WordNet's single-word lemmas and irregular forms, sorted.
fn english() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| WORDS.lines().filter(|l| !l.is_empty()).collect())
}

/// Whether `w` (lower case) is an English word or a regular inflection of
/// one ("outages", "prioritizing", "studied").
pub(crate) fn is_english(w: &str) -> bool {
    let list = english();
    let has = |x: &str| list.binary_search(&x).is_ok();
    if has(w) {
        return true;
    }
    let stripped = |suffix: &str| w.strip_suffix(suffix).filter(|s| s.len() >= 3);
    for suffix in ["s", "es", "ed", "d", "ing", "er", "est", "ly", "ers"] {
        if let Some(stem) = stripped(suffix) {
            if has(stem) || has(&format!("{stem}e")) {
                return true;
            }
            // "stopped", "running": a doubled last consonant.
            let b = stem.as_bytes();
            if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] && has(&stem[..stem.len() - 1]) {
                return true;
            }
        }
    }
    for (suffix, base) in [("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y")] {
        if let Some(stem) = stripped(suffix) {
            if has(&format!("{stem}{base}")) {
                return true;
            }
        }
    }
    false
}

/// The words a misspelling may be read as, by length.
#[derive(Default)]
pub(crate) struct Speller {
    by_len: HashMap<usize, Vec<String>>,
}

impl Speller {
    /// A speller for these (normalised) words; words of several words are
    /// split, and words shorter than [`MIN_LEN`] or not alphabetic are left
    /// out. Regular inflections of each word are added ("lead": "leads",
    /// "leading"), so that "leadng" finds "leading".
    pub(crate) fn new<'a>(words: impl Iterator<Item = &'a str>) -> Speller {
        let mut all: Vec<String> = Vec::new();
        for phrase in words {
            for w in phrase.split(' ') {
                if w.len() < 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
                    continue;
                }
                all.push(w.to_string());
                let stem = w.strip_suffix('e').unwrap_or(w);
                let plural = if ["s", "x", "z", "ch", "sh"].iter().any(|e| w.ends_with(e)) { format!("{w}es") } else { format!("{w}s") };
                for form in [plural, format!("{stem}ed"), format!("{stem}ing"), format!("{stem}er")] {
                    all.push(form);
                }
            }
        }
        all.sort();
        all.dedup();
        let mut by_len: HashMap<usize, Vec<String>> = HashMap::new();
        for w in all.into_iter().filter(|w| w.len() >= MIN_LEN) {
            by_len.entry(w.len()).or_default().push(w);
        }
        Speller { by_len }
    }

    /// The one known word one edit from `w`, if `w` is long enough, is
    /// not a word already, and no other known word is as close.
    pub(crate) fn correct(&self, w: &str) -> Option<&str> {
        if w.len() < MIN_LEN || !w.bytes().all(|b| b.is_ascii_lowercase()) || is_english(w) {
            return None;
        }
        let mut found: Option<&str> = None;
        for len in [w.len() - 1, w.len(), w.len() + 1] {
            for v in self.by_len.get(&len).into_iter().flatten() {
                if v == w {
                    return None;
                }
                if strsim::osa_distance(w, v) == 1 {
                    // Two words as close: which one was meant is a guess.
                    if found.is_some_and(|f| f != v) {
                        return None;
                    }
                    found = Some(v);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_and_their_inflections_are_words() {
        for w in ["brought", "pubic", "outage", "outages", "prioritizing", "studied", "stopped", "companies"] {
            assert!(is_english(w), "{w}");
        }
        for w in ["paramters", "univeristy", "hybird", "qwen"] {
            assert!(!is_english(w), "{w}");
        }
    }

    #[test]
    fn one_edit_to_one_known_word() {
        let s = Speller::new(["parameters", "university", "hybrid cloud unit", "lead"].into_iter());
        assert_eq!(s.correct("paramters"), Some("parameters"));
        assert_eq!(s.correct("univeristy"), Some("university"));
        assert_eq!(s.correct("hybird"), Some("hybrid"));
        assert_eq!(s.correct("leadng"), Some("leading"));
        let s = Speller::new(["river"].into_iter());
        assert_eq!(s.correct("rivres"), Some("rivers"));
        // A real word is not a typo; nor is a word two edits away.
        assert_eq!(s.correct("brought"), None);
        assert_eq!(s.correct("paramtrs"), None);
        // Short words are left alone.
        assert_eq!(s.correct("lade"), None);
        // Two known words as close: no guess.
        let s = Speller::new(["bakers", "bikers"].into_iter());
        assert_eq!(s.correct("bokers"), None);
    }
}
