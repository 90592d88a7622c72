//! Text normalisation shared by the alias index and the question reader.
//!
//! Names and questions are compared in one normal form: lower case, curly
//! quotes straightened, possessive `'s` removed, every run of punctuation
//! or space turned into a single space. "Alibaba's Qwen-7B" and
//! "alibaba qwen 7b" normalise to the same text.

/// Normalises `text` for matching (see the module documentation).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut pending_space = false;
    while i < chars.len() {
        let c = chars[i];
        let apostrophe = c == '\'' || c == '\u{2019}' || c == '\u{2018}' || c == '`';
        if apostrophe {
            // Possessive 's (or s') at the end of a word is dropped.
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            if matches!(next, Some('s') | Some('S')) && after.is_none_or(|a| !a.is_alphanumeric()) {
                i += 2;
                continue;
            }
            // Contractions and names ("o'brien", "who's" handled above):
            // the apostrophe just disappears.
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else if c == '.' && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) && out.ends_with(|p: char| p.is_ascii_digit()) {
            // Keep decimal points: "7.5".
            out.push('.');
        } else {
            pending_space = true;
        }
        i += 1;
    }
    out
}

/// Splits normalised text into its words.
pub fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(' ').filter(|w| !w.is_empty())
}

/// A slug for an entity id: normalised words joined by hyphens.
pub fn slug(name: &str) -> String {
    normalize(name).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_case_punctuation_and_possessives() {
        assert_eq!(normalize("Alibaba's Qwen-7B"), "alibaba qwen 7b");
        assert_eq!(normalize("  Who leads   the unit?? "), "who leads the unit");
        assert_eq!(normalize("Alibaba\u{2019}s"), "alibaba");
        assert_eq!(normalize("rated 7.5 stars"), "rated 7.5 stars");
        assert_eq!(normalize("end."), "end");
        assert_eq!(normalize("O'Brien"), "obrien");
        assert_eq!(normalize("João Miguel"), "joão miguel");
    }

    #[test]
    fn slugs_are_hyphenated() {
        assert_eq!(slug("Zhipu AI"), "zhipu-ai");
    }
}
