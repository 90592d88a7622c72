//! The lexical table derived from WordNet (`data/lexical/`, made by
//! `scripts/wordnet-table`): synonyms and derived forms of the words the
//! lexicons use, and irregular inflections. The reader uses it to know
//! words the lexicon does not list ("construct" for "build", "boss" for
//! "chief", "built" for "build"), never to override the words it does.

use std::collections::HashMap;

const TABLE: &str = include_str!("../../data/lexical/wordnet.tsv");
const INFLECTIONS: &str = include_str!("../../data/lexical/inflections.tsv");

/// How a word relates to a lexicon word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A synonym, same part of speech.
    Synonym,
    /// A derived form ("leader" from "lead").
    Derived,
}

/// The table, indexed by lexicon word.
pub struct Lexical {
    /// (part of speech, lexicon word) to the related words.
    related: HashMap<(String, String), Vec<(Link, String)>>,
    /// Irregular inflected form to its base form.
    bases: HashMap<String, String>,
}

impl Lexical {
    /// Parses the bundled table.
    pub fn bundled() -> Lexical {
        let mut related: HashMap<(String, String), Vec<(Link, String)>> = HashMap::new();
        for line in TABLE.lines() {
            let mut f = line.split('\t');
            let (Some(pos), Some(word), Some(rel), Some(other)) = (f.next(), f.next(), f.next(), f.next()) else { continue };
            let link = match rel {
                "syn" => Link::Synonym,
                "der" => Link::Derived,
                // Hypernyms are broader words: too loose to read a question by.
                _ => continue,
            };
            related.entry((pos.to_string(), word.to_string())).or_default().push((link, other.to_string()));
        }
        let mut bases = HashMap::new();
        for line in INFLECTIONS.lines() {
            let mut f = line.split('\t');
            if let (Some(inflected), Some(base)) = (f.next(), f.next()) {
                bases.entry(inflected.to_string()).or_insert_with(|| base.to_string());
            }
        }
        Lexical { related, bases }
    }

    /// The inflection map, for the reader's stemmer.
    pub fn into_bases(self) -> HashMap<String, String> {
        self.bases
    }

    /// The base form of an irregular inflection ("built" -> "build").
    pub fn base<'a>(&'a self, word: &'a str) -> &'a str {
        self.bases.get(word).map(String::as_str).unwrap_or(word)
    }

    /// The words related to a lexicon word used as `pos` ("verb", "noun").
    pub fn related(&self, pos: &str, word: &str) -> &[(Link, String)] {
        self.related.get(&(pos.to_string(), self.base(word).to_string())).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Whether a derived noun names the doer of its verb ("leader", "founder",
/// "director"), rather than the act ("leadership", "founding").
pub fn agentive(noun: &str) -> bool {
    !noun.contains(' ') && ["er", "or", "ist"].iter().any(|e| noun.len() > e.len() + 2 && noun.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_links_lexicon_words_to_others() {
        let t = Lexical::bundled();
        assert!(t.related("verb", "build").iter().any(|(l, w)| *l == Link::Synonym && w == "construct"));
        assert!(t.related("verb", "lead").iter().any(|(l, w)| *l == Link::Derived && w == "leader"));
        assert_eq!(t.base("built"), "build");
        assert_eq!(t.base("unknownword"), "unknownword");
        assert!(agentive("founder") && agentive("director") && !agentive("founding") && !agentive("leadership"));
    }
}
