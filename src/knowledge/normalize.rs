//! Text normalisation shared by the alias index and the question reader.
//!
//! Names and questions are compared in one normal form: lower case, curly
//! quotes straightened, possessive `'s` removed, every run of punctuation
//! or space turned into a single space. "Alibaba's Qwen-7B" and
//! "alibaba qwen 7b" normalise to the same text.
//!
//! Accented Latin letters lose their accents and full-width forms become
//! their ASCII letters, digits and punctuation ([`fold`]): "Wéiguāng Liú"
//! is "weiguang liu" and "ＧＰＴ－３" is "gpt 3". Other scripts (Chinese,
//! Cyrillic, ...) are kept as they are, not transliterated.

/// Folds accents and full-width forms: accented Latin letters (Latin-1,
/// Latin Extended A and B, Latin Extended Additional: "é", "ā", "ø",
/// "ß") become their plain letters, combining accents are dropped, and
/// full-width ASCII forms ("ＧＰＴ－３") and the ideographic space become
/// ASCII. Everything else is left alone.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c as u32 {
            // Combining diacritical marks (as in decomposed "e\u{301}").
            0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF => {}
            // Ideographic space.
            0x3000 => out.push(' '),
            // Full-width ASCII: same order as ASCII from '!'.
            0xFF01..=0xFF5E => out.push(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c)),
            // Accented Latin letters (not the signs of Latin-1: those are
            // punctuation anyway, and "×" or "¼" should not become words).
            0x00C0..=0x024F | 0x1E00..=0x1EFF if c.is_alphabetic() => match deunicode::deunicode_char(c) {
                Some(plain) if !plain.is_empty() && plain.chars().all(|p| p.is_ascii_alphabetic()) => out.push_str(plain),
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Normalises `text` for matching (see the module documentation).
pub fn normalize(text: &str) -> String {
    let text = fold(text);
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

/// The text with its first letter upper-cased ("the IPO" -> "The IPO").
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
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
        assert_eq!(normalize("João Miguel"), "joao miguel");
    }

    #[test]
    fn folds_accents() {
        assert_eq!(normalize("Wéiguāng Liú"), "weiguang liu");
        assert_eq!(normalize("WÉIGUĀNG LIÚ"), "weiguang liu");
        // Decomposed: letters followed by combining accents.
        assert_eq!(normalize("We\u{301}iguang Liu\u{301}"), "weiguang liu");
        assert_eq!(normalize("François Truffaut"), "francois truffaut");
        assert_eq!(normalize("Søren Kierkegaard, Łódź, Straße"), "soren kierkegaard lodz strasse");
        assert_eq!(normalize("Nguyễn Thị Minh Khai"), "nguyen thi minh khai");
    }

    #[test]
    fn folds_full_width_forms() {
        assert_eq!(normalize("ＧＰＴ－３"), "gpt 3");
        assert_eq!(normalize("ＧＰＴ－３"), normalize("GPT-3"));
        assert_eq!(normalize("Ｗｈｏ　ｌｅａｄｓ　Ａｌｉｂａｂａ＇ｓ　ｃｌｏｕｄ？"), "who leads alibaba cloud");
        assert_eq!(normalize("Ｑｗｅｎ－７Ｂ has ７．５ stars"), "qwen 7b has 7.5 stars");
    }

    #[test]
    fn other_scripts_are_kept_as_they_are() {
        assert_eq!(normalize("阿里巴巴 的 云"), "阿里巴巴 的 云");
        assert_eq!(normalize("Алибаба"), "алибаба");
        assert_eq!(fold("plain ascii"), "plain ascii");
        assert_eq!(normalize("7 × 3"), "7 3");
    }

    #[test]
    fn slugs_are_hyphenated() {
        assert_eq!(slug("Zhipu AI"), "zhipu-ai");
    }
}
