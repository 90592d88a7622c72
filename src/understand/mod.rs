//! Question understanding: question text to a [`Query`].
//!
//! Three steps. [`Reader::tokens`] normalises the text (contractions,
//! fillers, case, punctuation) and splits it into [`lexer::Tok`]ens: closed
//! word classes by the nom rules in [`lexer`], entity names and relation
//! phrases by longest match against the store's aliases and the lexicon
//! (relation phrases are compared by stem). [`grammar`] then reads the
//! tokens as noun phrases and a clause and builds the [`Query`]. Nothing
//! here knows a particular relation or entity: all of that comes from the
//! lexicon and the store.

pub mod chain;
pub(crate) mod degree;
pub(crate) mod elapsed;
pub mod grammar;
pub mod guard;
pub mod lexer;
pub mod lexical;
pub mod paraphrase;
mod spelling;
mod statement;

use crate::conversation::Conversation;
use crate::knowledge::lexicon::{Language, ValueType};
use crate::knowledge::normalize::{normalize, slug};
use crate::knowledge::catalog::Catalog;
use crate::knowledge::{Entity, Fact, Lexicon, Value};
use crate::store::Store;
use lexer::{Mention, Role, Tok, Wh};
use std::collections::{HashMap, HashSet};

/// Possessives read into the name after them: (owner span, owned span).
type Owned = Vec<(String, String)>;

pub use crate::query::{Ask, Dir, Query, RelId, Set, Time};

/// The default language vocabulary, used when the store carries none.
const DEFAULT_LANGUAGE: &str = include_str!("../../data/language.toml");

/// A declarative statement read for /teach and /forget.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The fact it states (sources filled in by the caller).
    pub fact: Fact,
    /// Entities the statement names that the store does not know yet.
    pub new_entities: Vec<Entity>,
    /// The statement rendered back from the lexicon.
    pub sentence: String,
}

/// A relation phrase, stemmed, with its readings.
#[derive(Debug, Clone)]
struct Phrase {
    stems: Vec<String>,
    mention: Mention,
}

/// Reads questions against one store's lexicon and entities.
pub struct Reader {
    /// The lexicon, names, kinds and aliases.
    pub(crate) cat: Catalog,
    pub(crate) lang: Language,
    stemmer: rust_stemmers::Stemmer,
    /// Irregular inflections to base forms, from the lexical table.
    bases: HashMap<String, String>,
    /// Every stem the relation phrases use.
    known_stems: HashSet<String>,
    /// Normalised words that ask for ended facts ("former").
    former: HashSet<String>,
    /// Normalised words that ask for facts that hold now ("current").
    current: HashSet<String>,
    /// The most words in any alias.
    max_alias_words: usize,
    /// Relation phrases by the stem of their first word.
    phrases: HashMap<String, Vec<Phrase>>,
    /// Kind nouns (normalised, possibly several words) to kinds.
    kind_nouns: HashMap<String, String>,
    /// Normalised title nouns.
    title_nouns: HashSet<String>,
    /// Normalised pronouns.
    pronouns: HashSet<String>,
    /// Normalised words skipped inside relation phrases.
    skippable: HashSet<String>,
    /// Normalised stopwords.
    pub(crate) stopwords: HashSet<String>,
    /// Normalised fillers, longest first.
    fillers: Vec<String>,
    /// Normalised rewrites, longest first.
    rewrites: Vec<(String, String)>,
    /// Every relation phrase as written (normalised), to tell a phrase
    /// from a kind noun that only shares its stem ("department", "depart").
    phrase_surfaces: HashSet<String>,
    /// Normalised phrases that ask for a name, padded with spaces.
    name_asks: Vec<String>,
    /// Normalised "else" words, padded with spaces.
    else_words: Vec<String>,
    /// Stems of light verbs.
    pub(crate) light_verbs: HashSet<String>,
    /// Stems of light verbs of taking, light where no date is asked.
    pub(crate) taking_verbs: HashSet<String>,
    /// Normalised words that make a relation reciprocal.
    reciprocal: HashSet<String>,
    /// Kind nouns, as a set.
    kind_set: HashSet<String>,
    /// Normalised list imperatives.
    list_set: HashSet<String>,
    /// Normalised phrases that ask for a description, except those that
    /// start with a question word (the grammar reads those).
    describe_set: HashSet<String>,
    /// One word of a person's name ("Jia", "Zhang") to the people whose
    /// names have it, for words that are nothing else.
    part_names: HashMap<String, Vec<String>>,
    /// Alias words, for spotting misspelt names.
    alias_words: HashMap<String, Vec<String>>,
    /// Degree phrases (normalised words), longest first.
    degree_words: Vec<(Vec<String>, degree::Word)>,
    /// The words a misspelt word may be read as.
    speller: spelling::Speller,
    /// Every word of every alias, found on first use.
    alias_word_set: std::sync::OnceLock<HashSet<String>>,
    /// This reader's number, unique in the process: the tokens cached for
    /// a question are this reader's only.
    generation: u64,
    /// The subjects of statements (facts of text-valued relations), by
    /// relation, for the paraphrase ranker; read from the store on first
    /// use (None when the store is too large to read them all).
    pub(crate) statement_subjects: std::sync::OnceLock<Option<HashMap<String, Vec<String>>>>,
    /// The stems of each relation's words, for the paraphrase ranker.
    pub(crate) relation_stems: std::sync::OnceLock<Vec<HashSet<String>>>,
    /// The words of the facts the ranker has read, by fact and reading.
    pub(crate) fact_words: std::sync::Mutex<HashMap<(String, u8), std::sync::Arc<paraphrase::Words>>>,
    /// The facts around the names the ranker has read (None: too many).
    pub(crate) entity_facts: std::sync::Mutex<HashMap<String, Option<std::sync::Arc<Vec<Fact>>>>>,
}

thread_local! {
    /// A shared name read as one of its entities while the reader tries
    /// each (`Asker::answered_alike` in the engine): its normalised surface and the id.
    static PINNED: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

thread_local! {
    /// The misspelt-name matches of the question being answered, by span
    /// (cleared at the start of each question).
    static FUZZY: std::cell::RefCell<HashMap<String, Option<Vec<String>>>> = std::cell::RefCell::new(HashMap::new());
    /// The tokens of the texts read for the question being answered (its
    /// parts are read again and again), by reader, text and fuzziness; not
    /// used while a name is pinned. Cleared with [`FUZZY`].
    static TOKENS: std::cell::RefCell<HashMap<(u64, String, bool), Vec<Tok>>> = std::cell::RefCell::new(HashMap::new());
}

/// The words of a text that has a possessive, apostrophes made plain;
/// None when it has none.
fn possessive_words(text: &str) -> Option<Vec<String>> {
    text.contains(['\'', '\u{2019}']).then(|| text.split_whitespace().map(|w| w.replace('\u{2019}', "'")).collect())
}

/// The owner of a word in the possessive ("state's", "states'").
fn owner_of(w: &str) -> Option<&str> {
    w.strip_suffix("'s").or_else(|| w.strip_suffix('\'').filter(|b| b.ends_with('s')))
}

/// Pins a shared name to one entity for as long as it lives.
pub(crate) struct Pin;

impl Pin {
    pub(crate) fn new(surface: &str, id: &str) -> Pin {
        PINNED.with(|p| *p.borrow_mut() = Some((surface.to_string(), id.to_string())));
        Pin
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        PINNED.with(|p| *p.borrow_mut() = None);
    }
}

fn norm_list(items: &[String]) -> HashSet<String> {
    items.iter().map(|s| normalize(s)).filter(|s| !s.is_empty()).collect()
}

impl Reader {
    /// Whether a name shared by several things is read as one of them
    /// just now (each reading of the question is being tried).
    pub(crate) fn pinned(&self) -> bool {
        PINNED.with(|p| p.borrow().is_some())
    }

    /// Whether a (normalised) word is a degree phrase of one word
    /// ("largest", "most").
    /// Whether `w` is the plain form of an adjective of degree ("long"
    /// in "how many miles long").
    pub(crate) fn plain_degree_word(&self, w: &str) -> bool {
        self.degree_words.iter().any(|(p, word)| p.len() == 1 && p[0] == w && matches!(word, degree::Word::Base { .. }))
    }

    /// The phrases that ask for a name ("what is the name of").
    pub(crate) fn name_asks(&self) -> &[String] {
        &self.name_asks
    }

    /// Forgets the names and tokens read for the last question (they
    /// hold only while one question is read).
    pub(crate) fn new_question(&self) {
        FUZZY.with(|c| c.borrow_mut().clear());
        TOKENS.with(|c| c.borrow_mut().clear());
    }

    fn degree_word(&self, w: &str) -> bool {
        self.degree_words.iter().any(|(p, _)| p.len() == 1 && p[0] == w)
    }

    /// Builds the reader from the store's lexicon and aliases.
    pub fn build(store: &Store) -> anyhow::Result<Reader> {
        let mut lex = store.lexicon()?;
        if lex.language.is_none() {
            let default = Lexicon::parse("language.toml", DEFAULT_LANGUAGE)?;
            lex.language = default.language;
        }
        let lang = lex.language.clone().unwrap_or_default();
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let cat = Catalog::load(store, lex)?;
        let max_alias_words = cat.aliases.keys().map(|a| a.split(' ').count()).max().unwrap_or(1);
        // Index alias words only for stores small enough to search by
        // similarity quickly; large stores rely on exact names.
        let mut alias_words: HashMap<String, Vec<String>> = HashMap::new();
        if cat.aliases.len() <= 20_000 {
            for alias in cat.aliases.keys() {
                alias_words.entry(alias.split(' ').count().to_string()).or_default().push(alias.clone());
            }
        }
        let mut reader = Reader {
            cat,
            lang,
            stemmer,
            bases: HashMap::new(),
            known_stems: HashSet::new(),
            former: HashSet::new(),
            current: HashSet::new(),
            max_alias_words,
            phrases: HashMap::new(),
            kind_nouns: HashMap::new(),
            title_nouns: HashSet::new(),
            pronouns: HashSet::new(),
            skippable: HashSet::new(),
            stopwords: HashSet::new(),
            fillers: Vec::new(),
            rewrites: Vec::new(),
            phrase_surfaces: HashSet::new(),
            name_asks: Vec::new(),
            else_words: Vec::new(),
            light_verbs: HashSet::new(),
            taking_verbs: HashSet::new(),
            reciprocal: HashSet::new(),
            kind_set: HashSet::new(),
            list_set: HashSet::new(),
            describe_set: HashSet::new(),
            part_names: HashMap::new(),
            alias_words,
            degree_words: Vec::new(),
            speller: Default::default(),
            alias_word_set: std::sync::OnceLock::new(),
            generation: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            statement_subjects: std::sync::OnceLock::new(),
            relation_stems: std::sync::OnceLock::new(),
            fact_words: Default::default(),
            entity_facts: Default::default(),
        };
        reader.degree_words = degree::index(&reader);
        reader.title_nouns = norm_list(&reader.lang.title_nouns);
        reader.pronouns = norm_list(&reader.lang.pronouns);
        reader.skippable = norm_list(&reader.lang.skippable);
        reader.stopwords = norm_list(&reader.lang.stopwords);
        // A word that begins the name of a class ("major" of "major
        // cities") says which things are meant: not a stopword here. Alone
        // it is then a word nothing claims, and the question is declined
        // rather than read without it.
        for class in &reader.cat.classes {
            for name in reader.cat.names_of(class) {
                if let Some(first) = normalize(&name).split(' ').next() {
                    reader.stopwords.remove(first);
                }
            }
        }
        reader.reciprocal = norm_list(&reader.lang.reciprocal);
        reader.former = norm_list(&reader.lang.former);
        reader.current = norm_list(&reader.lang.current);
        reader.list_set = norm_list(&reader.lang.list);
        reader.describe_set = norm_list(&reader.lang.describe)
            .into_iter()
            .filter(|p| !matches!(lexer::wh_word(p.split(' ').next().unwrap_or("")), Ok(("", _))))
            .collect();
        reader.fillers = reader.lang.fillers.iter().map(|f| normalize(f)).filter(|f| !f.is_empty()).collect();
        reader.fillers.sort_by_key(|f| std::cmp::Reverse(f.len()));
        reader.rewrites = reader.lang.rewrites.iter().map(|(a, b)| (normalize(a), normalize(b))).filter(|(a, _)| !a.is_empty()).collect();
        let padded = |list: &[String]| -> Vec<String> { norm_list(list).into_iter().map(|w| format!(" {w} ")).collect() };
        reader.name_asks = padded(&reader.lang.name_asks);
        reader.else_words = padded(&reader.lang.else_words);
        reader.rewrites.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        for (kind, nouns) in &reader.cat.lex.kinds {
            for n in nouns {
                reader.kind_nouns.insert(normalize(n), kind.clone());
            }
        }
        reader.kind_set = reader.kind_nouns.keys().cloned().collect();
        reader.phrase_surfaces = reader
            .cat
            .lex
            .relations
            .iter()
            .flat_map(|r| r.verbs.iter().chain(&r.inverse_verbs).chain(&r.subject_nouns).chain(&r.object_nouns))
            .map(|p| normalize(p))
            .collect();
        let table = lexical::Lexical::bundled();
        let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::new();
        let all_nouns: HashSet<String> =
            reader.cat.lex.relations.iter().flat_map(|r| r.subject_nouns.iter().chain(r.object_nouns.iter())).map(|n| normalize(n)).collect();
        for (i, r) in reader.cat.lex.relations.iter().enumerate() {
            let lists = [
                (&r.verbs, Role::Verb),
                (&r.inverse_verbs, Role::InverseVerb),
                (&r.subject_nouns, Role::SubjectNoun),
                (&r.object_nouns, Role::ObjectNoun),
            ];
            for (list, role) in lists {
                for p in list.iter() {
                    let mut words: Vec<&str> = p.split_whitespace().collect();
                    // "be based in": the copula is read as an auxiliary.
                    if role.verb() && words.len() > 1 && words[0] == "be" {
                        words.remove(0);
                        // "be a", "be in": nothing left to recognise; "be
                        // CEO of", "be part of": a noun, read as a noun
                        // phrase after the copula.
                        let empty = words.iter().all(|w| reader.stopwords.contains(*w) || reader.skippable.contains(*w));
                        let noun_of = words.len() > 1
                            && words.last() == Some(&"of")
                            && all_nouns.contains(&normalize(&words[..words.len() - 1].join(" ")));
                        if empty || noun_of {
                            continue;
                        }
                    }
                    let stems: Vec<String> =
                        normalize(&words.join(" ")).split(' ').filter(|w| !w.is_empty()).map(|w| reader.stem(w)).collect();
                    if stems.is_empty() {
                        continue;
                    }
                    let entry = phrases.entry(stems[0].clone()).or_default();
                    let mention = Mention { rel: RelId(i), role };
                    if !entry.iter().any(|x| x.stems == stems && x.mention == mention) {
                        entry.push(Phrase { stems, mention });
                    }
                }
            }
        }
        // Words the lexicon does not list but the lexical table relates to
        // one it does: synonyms of a one-word phrase read as that phrase,
        // and the doer noun of a verb ("leader", "founder") as its noun.
        // They never add a reading to a phrase the lexicon itself has.
        let lexicon_stems: HashSet<Vec<String>> = phrases.values().flatten().map(|p| p.stems.clone()).collect();
        let mut derived: Vec<Phrase> = Vec::new();
        for p in phrases.values().flatten() {
            let [word] = p.stems.as_slice() else { continue };
            let Some(surface) = reader.surface_of(p.mention, word) else { continue };
            let pos = if p.mention.role.verb() { "verb" } else { "noun" };
            for (link, other) in table.related(pos, &surface) {
                let mention = match (link, p.mention.role) {
                    (lexical::Link::Synonym, _) => p.mention,
                    (lexical::Link::Derived, Role::Verb) if lexical::agentive(other) => Mention { rel: p.mention.rel, role: Role::SubjectNoun },
                    (lexical::Link::Derived, Role::InverseVerb) if lexical::agentive(other) => Mention { rel: p.mention.rel, role: Role::ObjectNoun },
                    _ => continue,
                };
                let stems: Vec<String> = normalize(other).split(' ').filter(|w| !w.is_empty()).map(|w| reader.stem(w)).collect();
                // Nor a word the reader knows as something else: a kind
                // noun ("institute" is also a verb for "found"), a title
                // noun, a pronoun, a stopword or a name.
                let n = normalize(other);
                let claimed = reader.kind_set.contains(&n) || reader.title_nouns.contains(&n) || reader.pronouns.contains(&n) || reader.stopwords.contains(&n) || reader.cat.aliases.contains_key(&n);
                if stems.is_empty() || lexicon_stems.contains(&stems) || claimed {
                    continue;
                }
                if !derived.iter().any(|d| d.stems == stems && d.mention == mention) {
                    derived.push(Phrase { stems, mention });
                }
            }
        }
        for d in derived {
            phrases.entry(d.stems[0].clone()).or_default().push(d);
        }
        // A question word that is an irregular inflection ("built", "ran")
        // is read as its base form, unless the lexicon uses the word as it
        // is ("found" the verb is not "find", "held" is in "be held").
        reader.known_stems = phrases.values().flatten().flat_map(|p| p.stems.iter().cloned()).collect();
        reader.bases = table.into_bases();
        reader.phrases = phrases;
        reader.light_verbs = reader.lang.light_verbs.iter().map(|v| reader.stem(&normalize(v))).collect();
        reader.taking_verbs = reader.lang.taking_verbs.iter().map(|v| reader.stem(&normalize(v))).collect();
        reader.part_names = reader.part_names_index();
        reader.speller = reader.speller();
        Ok(reader)
    }

    /// The words a misspelling may be read as: every word of the
    /// lexicon's phrases, kinds and names and of the language's lists.
    fn speller(&self) -> spelling::Speller {
        let lang = &self.lang;
        let language = [&lang.fillers, &lang.describe, &lang.list, &lang.title_nouns, &lang.former, &lang.current, &lang.name_asks, &lang.else_words];
        let units: Vec<String> = lang.units.iter().flat_map(|u| u.names.iter().map(|n| normalize(n))).collect();
        let language: Vec<String> = language.iter().flat_map(|l| l.iter().map(|w| normalize(w))).chain(self.rewrites.iter().map(|(a, _)| a.clone())).collect();
        // Names only where they are few enough to search by similarity.
        let names = self.cat.aliases.keys().filter(|_| !self.alias_words.is_empty());
        let degree: Vec<String> = self.degree_words.iter().map(|(p, _)| p.join(" ")).collect();
        spelling::Speller::new(
            self.phrase_surfaces
                .iter()
                .chain(&self.kind_set)
                .chain(&self.stopwords)
                .chain(&units)
                .chain(&language)
                .chain(&degree)
                .chain(names)
                .map(String::as_str),
        )
    }

    /// "who reported her departure?": a possessive pronoun before words
    /// that, after the antecedent's name, make the name of something
    /// ("Yang Hongxia's departure"): the question with the name in the
    /// pronoun's place. None when no pronoun does.
    pub(crate) fn owner_named(&self, text: &str, conv: &crate::conversation::Conversation) -> Option<String> {
        let toks = self.tokens(text);
        let at = toks.iter().position(|t| matches!(t, Tok::Pron(_, true, None)))?;
        let Tok::Pron(personal, ..) = toks[at] else { return None };
        if !matches!(toks.get(at + 1), Some(Tok::Unknown(_) | Tok::Kind(_) | Tok::Rel(..))) {
            return None;
        }
        let owner = [&conv.answer_focus, &conv.focus, &conv.person].into_iter().flatten().find(|e| self.cat.is_person(e) == personal)?;
        let name = self.cat.name(owner).to_string();
        let possessive: Vec<String> = self.lang.possessive_pronouns.iter().map(|p| normalize(p)).collect();
        let mut done = false;
        let fixed = rewrite_words(text, |core| {
            let hit = !done && possessive.contains(&normalize(core));
            done |= hit;
            hit.then(|| format!("{name}'s"))
        })?;
        self.names_beyond(&fixed, &name, owner).then_some(fixed)
    }

    /// Whether `text` reads a name that starts with `name` (of `owner`)
    /// and goes on ("Yang Hongxia's departure" after "Yang Hongxia"),
    /// naming something else.
    fn names_beyond(&self, text: &str, name: &str, owner: &str) -> bool {
        let own = normalize(name);
        self.tokens(text).iter().any(|t| matches!(t, Tok::Ent(ids, surface) if surface.starts_with(&own) && surface.len() > own.len() && !ids.iter().any(|i| i == owner)))
    }

    /// "who reported fu ruijis departure", "alibabas public cloud
    /// division": a word that is a name's last word with an "s" after it
    /// is the possessive written without its apostrophe. The question
    /// with the apostrophes put in, or None when no word is one.
    pub(crate) fn apostrophes(&self, text: &str) -> Option<String> {
        let words = self.alias_word_set.get_or_init(|| self.cat.aliases.keys().flat_map(|a| a.split(' ').map(String::from).collect::<Vec<_>>()).collect());
        rewrite_words(text, |core| {
            let n = normalize(core);
            // ("its" is a possessive already, not "it's".)
            let owner = n
                .strip_suffix('s')
                .filter(|o| o.len() >= 2 && !n.contains(' ') && !words.contains(&n) && words.contains(*o) && !spelling::is_english(&n))
                .filter(|_| !matches!(self.tokens(&n).as_slice(), [Tok::Pron(..)]));
            owner.map(|_| format!("{}'s", &core[..core.len() - 1]))
        })
    }

    /// "... besides Tongyi Qianwen", "... other than M6": an exception
    /// phrase and one name that end the question. The question before
    /// the phrase, and the name's entity.
    pub(crate) fn exception(&self, plain: &str) -> Option<(String, String)> {
        for phrase in &self.lang.except {
            let padded = format!(" {} ", normalize(phrase));
            let Some(at) = plain.rfind(&padded) else { continue };
            let (before, after) = (&plain[..at], &plain[at + padded.len()..]);
            if let [Tok::Ent(ids, _)] = self.tokens(after).as_slice() {
                if let ([id], false) = (ids.as_slice(), before.trim().is_empty()) {
                    return Some((before.trim().to_string(), id.clone()));
                }
            }
        }
        None
    }

    /// "who first reported the exit of Zhou Chang?": "the N of X" where
    /// "X's N" names something ("Zhou Chang's exit"). The question with
    /// that name in the phrase's place, or None.
    pub(crate) fn of_possessive(&self, text: &str) -> Option<String> {
        let plain = normalize(text);
        let words: Vec<&str> = plain.split(' ').filter(|w| !w.is_empty()).collect();
        for i in 1..words.len() {
            if words[i] != "of" {
                continue;
            }
            let j = if words.get(i + 1) == Some(&"the") { i + 2 } else { i + 1 };
            for k in (1..=4).rev() {
                let Some(span) = words.get(j..j + k) else { continue };
                let name = span.join(" ");
                let toks = self.tokens(&name);
                let [Tok::Ent(ids, _)] = toks.as_slice() else { continue };
                let [owner] = ids.as_slice() else { continue };
                for n in [2, 1] {
                    let Some(start) = i.checked_sub(n) else { continue };
                    let noun = words[start..i].join(" ");
                    // ("the exit of X" is "X's exit": the article goes.)
                    let before = match words[..start].split_last() {
                        Some((&"the", rest)) => rest,
                        _ => &words[..start],
                    };
                    let fixed = format!("{} {name}'s {noun} {}", before.join(" "), words[j + k..].join(" "));
                    if self.names_beyond(&fixed, &name, owner) {
                        return Some(fixed.trim().to_string());
                    }
                }
                break;
            }
        }
        None
    }

    /// The question with its misspelt words put right, and which words
    /// those were ("paramters" -> "parameters"): words that read as
    /// nothing, are no English word, and are one edit from one word the
    /// reader knows. None when there is nothing to put right.
    pub(crate) fn spelled(&self, text: &str) -> Option<(String, Vec<(String, String)>)> {
        let mut fixes: Vec<(String, String)> = Vec::new();
        for t in self.tokens(text) {
            if let Tok::Unknown(span) = t {
                for w in span.split(' ') {
                    if let Some(right) = self.speller.correct(w) {
                        if !fixes.iter().any(|(typo, _)| typo == w) {
                            fixes.push((w.to_string(), right.to_string()));
                        }
                    }
                }
            }
        }
        let fixed = rewrite_words(text, |core| fixes.iter().find(|(typo, _)| normalize(core) == *typo).map(|(_, right)| right.clone()))?;
        Some((fixed, fixes))
    }

    /// The words of the names of entities whose kind has personal names
    /// (the lexicon's `swap_names`), each to the entities that have it,
    /// leaving out words the reader knows as anything else.
    fn part_names_index(&self) -> HashMap<String, Vec<String>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        if self.cat.lex.swap_names.is_empty() {
            return out;
        }
        for (alias, ids) in &self.cat.aliases {
            if !alias.contains(' ') {
                continue;
            }
            for id in ids {
                if !self.cat.names.get(id).is_some_and(|(_, k)| self.cat.lex.swap_names.contains(k)) {
                    continue;
                }
                for w in alias.split(' ') {
                    let claimed = w.len() < 2
                        || !w.chars().all(char::is_alphabetic)
                        || self.cat.aliases.contains_key(w)
                        || self.stopwords.contains(w)
                        || self.kind_set.contains(w)
                        || self.title_nouns.contains(w)
                        || self.pronouns.contains(w)
                        || self.known_stems.contains(&self.stem(w));
                    if claimed {
                        continue;
                    }
                    let e = out.entry(w.to_string()).or_default();
                    if !e.contains(id) {
                        e.push(id.clone());
                    }
                }
            }
        }
        // The same order on every start, for "which do you mean".
        for ids in out.values_mut() {
            ids.sort();
        }
        out
    }

    /// People whose names have the word `w` (or `w` without a possessive
    /// "s": "jias").
    fn part_name(&self, w: &str) -> Option<Vec<String>> {
        if let Some(ids) = self.part_names.get(w) {
            return Some(ids.clone());
        }
        w.strip_suffix('s').and_then(|b| self.part_names.get(b)).cloned()
    }

    /// The stem of a word, after mapping an irregular inflection to its
    /// base ("built" -> "build").
    pub(crate) fn stem(&self, w: &str) -> String {
        let raw = self.stemmer.stem(w).into_owned();
        match self.bases.get(w) {
            Some(base) if !self.known_stems.contains(&raw) => self.stemmer.stem(base).into_owned(),
            _ => raw,
        }
    }

    /// The lexicon's own word for a one-word phrase of a relation, whose
    /// stem is `stem` (the table is keyed by words, not stems).
    fn surface_of(&self, m: Mention, stem: &str) -> Option<String> {
        let r = self.cat.lex.rel(m.rel);
        let list = match m.role {
            Role::Verb => &r.verbs,
            Role::InverseVerb => &r.inverse_verbs,
            Role::SubjectNoun => &r.subject_nouns,
            Role::ObjectNoun => &r.object_nouns,
        };
        list.iter()
            .map(|p| normalize(p.trim_start_matches("be ")))
            .find(|p| !p.contains(' ') && self.stemmer.stem(p) == stem)
    }

    /// "Who reported that?", "what's your source?", "how do you know?":
    /// a question made only of the language's provenance words, with one
    /// of its cues, and no name ("who wrote Proof?" asks about a film),
    /// asks where the last answer comes from.
    pub fn asks_provenance(&self, text: &str) -> bool {
        let plain = normalize(text);
        let words: Vec<&str> = plain.split(' ').filter(|w| !w.is_empty()).collect();
        let l = &self.lang;
        let known = |w: &&str| l.provenance_cues.iter().chain(&l.provenance_words).any(|x| x == w);
        !words.is_empty()
            && words.iter().all(known)
            && l.provenance_cues.iter().any(|c| c.split(' ').all(|p| words.contains(&p)))
            && !self.tokens(text).iter().any(|t| matches!(t, Tok::Ent(..)))
    }

    /// Whether a relation's facts change over time: not timeless, not an
    /// event, between entities. "Now", "former" and "before X" date these.
    pub fn changes(&self, rel: RelId) -> bool {
        self.cat.lex.rel(rel).changes()
    }

    /// Whether a verb form is in the past tense.
    pub fn is_past_form(&self, word: &str) -> bool {
        word.ends_with("ed") || self.lang.past_forms.iter().any(|p| p == word)
    }

    /// Expands contractions, normalises, removes fillers.
    pub fn clean(&self, text: &str) -> String {
        let lowered = crate::knowledge::normalize::fold(text).to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
        let mut expanded = String::with_capacity(lowered.len());
        for w in lowered.split_whitespace() {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            match self.lang.contractions.get(bare) {
                Some(full) => expanded.push_str(full),
                None => expanded.push_str(w),
            }
            expanded.push(' ');
        }
        let mut n = normalize(&expanded);
        for (from, to) in &self.rewrites {
            if !n.contains(from.as_str()) {
                continue;
            }
            let padded = format!(" {n} ");
            n = padded.replace(&format!(" {from} "), &format!(" {to} ")).trim().to_string();
        }
        for f in &self.fillers {
            if !n.contains(f.as_str()) {
                continue;
            }
            loop {
                let padded = format!(" {n} ");
                let needle = format!(" {f} ");
                match padded.find(&needle) {
                    Some(at) => {
                        n = format!("{}{}", &padded[..at + 1], &padded[at + needle.len()..]).trim().to_string();
                    }
                    None => break,
                }
            }
        }
        self.unfront(n)
    }

    /// Moves a preposition before a question or relative word to the end
    /// of the question: "states through which the river runs" reads
    /// "states which the river runs through". Once, and only where the
    /// question does not already end in it.
    fn unfront(&self, n: String) -> String {
        let words: Vec<&str> = n.split(' ').collect();
        let at = (0..words.len().saturating_sub(2)).find(|&i| {
            self.lang.fronted_prepositions.iter().any(|p| p == words[i]) && self.lang.fronted_before.iter().any(|w| w == words[i + 1])
        });
        match at {
            Some(i) if words.last() != Some(&words[i]) => {
                let mut out: Vec<&str> = words[..i].iter().chain(&words[i + 1..]).copied().collect();
                out.push(words[i]);
                out.join(" ")
            }
            _ => n,
        }
    }

    /// Longest entity name at the start of `words` (also trying a missing
    /// apostrophe: "alibabas"). Returns the ids and the words used.
    fn entity_at(&self, words: &[&str], bracket_end: Option<usize>) -> Option<(Vec<String>, usize)> {
        let max = self.max_alias_words.min(words.len());
        for len in (1..=max).rev() {
            if let Some(end) = bracket_end {
                if len != end {
                    continue;
                }
            }
            let span = words[..len].join(" ");
            if let Some(ids) = self.cat.aliases.get(&span) {
                return Some((ids.clone(), len));
            }
            if let Some(stripped) = span.strip_suffix('s') {
                if stripped.len() >= 3 {
                    if let Some(ids) = self.cat.aliases.get(stripped) {
                        return Some((ids.clone(), len));
                    }
                }
            }
        }
        None
    }

    /// Longest relation phrase at the start of `words`, skipping
    /// skippable words inside it. Returns the readings and words used.
    fn phrase_at(&self, words: &[&str], question: &[&str]) -> Option<(Vec<Mention>, usize)> {
        let first = self.stem(words[0]);
        let candidates = self.phrases.get(&first)?;
        // Best so far: readings, words used, whether a particle was missing.
        let mut best: Option<(Vec<Mention>, usize, bool)> = None;
        for p in candidates {
            let mut wi = 1;
            let mut ok = true;
            let mut partial = false;
            for (k, s) in p.stems.iter().enumerate().skip(1) {
                let matched_end = wi;
                while wi < words.len() && self.skippable.contains(words[wi]) && self.stem(words[wi]) != *s {
                    wi += 1;
                }
                if wi < words.len() && self.stem(words[wi]) == *s {
                    wi += 1;
                } else {
                    // A particle moved to the front ("into how many units
                    // did X split"): the verb matches without it, ranked
                    // below full matches.
                    // "Where did X do his PhD?": "where" stands for a
                    // missing place particle.
                    let place = question.contains(&"where") && self.cat.lex.rel(p.mention.rel).value == ValueType::Entity;
                    ok = p.stems[k..].iter().all(|w| matches!(lexer::prep_word(w), Ok(("", _))) && (question.contains(&w.as_str()) || place && self.lang.place_particles.iter().any(|p| p == w)));
                    partial = true;
                    wi = matched_end;
                    break;
                }
            }
            if !ok {
                continue;
            }
            let better = |len: usize, part: bool| (wi, !partial) > (len, !part);
            match &mut best {
                Some((ms, len, part)) if *len == wi && *part == partial => {
                    if !ms.contains(&p.mention) {
                        ms.push(p.mention)
                    }
                }
                Some((_, len, part)) if !better(*len, *part) => {}
                _ => best = Some((vec![p.mention], wi, partial)),
            }
        }
        best.map(|(ms, len, _)| (ms, len))
    }

    /// A relation phrase after a reciprocal prefix ("co-starred").
    fn prefixed_phrase_at(&self, words: &[&str], question: &[&str]) -> Option<(Vec<Mention>, usize)> {
        let prefix = self.lang.reciprocal_prefixes.iter().find(|p| words[0].len() > p.len() + 1 && words[0].starts_with(p.as_str()))?;
        let mut stripped: Vec<&str> = words.to_vec();
        stripped[0] = &words[0][prefix.len()..];
        self.phrase_at(&stripped, question)
    }

    /// Longest phrase from a set of normalised phrases at the start of `words`.
    fn set_phrase_at(set: &HashSet<String>, words: &[&str], max: usize) -> Option<usize> {
        (1..=max.min(words.len())).rev().find(|&len| set.contains(&words[..len].join(" ")))
    }

    /// Splits a question into tokens. Text in [brackets] is taken as the
    /// place where a name sits.
    pub fn tokens(&self, text: &str) -> Vec<Tok> {
        self.tokens_with(text, true)
    }

    /// Like [`Reader::tokens`], but names only as written (no misspelt
    /// names): for statements, which change the store.
    pub(crate) fn exact_tokens(&self, text: &str) -> Vec<Tok> {
        self.tokens_with(text, false)
    }

    fn tokens_with(&self, text: &str, fuzzy: bool) -> Vec<Tok> {
        let pinned = self.pinned();
        if !pinned {
            if let Some(toks) = TOKENS.with(|c| c.borrow().get(&(self.generation, text.to_string(), fuzzy)).cloned()) {
                return toks;
            }
        }
        let toks = self.read_tokens(text, fuzzy);
        if !pinned {
            TOKENS.with(|c| {
                let mut c = c.borrow_mut();
                // A bound on what one question may hold.
                if c.len() > 4096 {
                    c.clear();
                }
                c.insert((self.generation, text.to_string(), fuzzy), toks.clone());
            });
        }
        toks
    }

    fn read_tokens(&self, text: &str, fuzzy: bool) -> Vec<Tok> {
        let (source, bracket, raw_bracket) = self.bracketed(text);
        let words: Vec<&str> = source.split(' ').filter(|w| !w.is_empty()).collect();
        let bracketed = bracket.is_some();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (rest, before) = (&words[i..], &words[..i]);
            let (read, used) = match bracket.filter(|(s, l)| i == *s && *l > 0) {
                Some((_, len)) => self.bracket_token(rest, len, raw_bracket),
                None => (if i == 0 { self.opening_list(rest) } else { None })
                    .or_else(|| self.grammar_word(rest, before, bracketed))
                    .unwrap_or_else(|| self.longest_reading(rest, before, bracketed)),
            };
            toks.extend(read);
            i += used.max(1);
        }
        let toks = if fuzzy { self.merge_unknown_names(toks) } else { toks };
        let toks = self.determiners(toks);
        PINNED.with(|p| match &*p.borrow() {
            Some((surface, id)) => toks
                .into_iter()
                .map(|t| match t {
                    Tok::Ent(ids, s) if s == *surface && ids.contains(id) => Tok::Ent(vec![id.clone()], s),
                    t => t,
                })
                .collect(),
            None => toks,
        })
    }

    /// The text cleaned for reading, and where brackets mark a name: the
    /// first word it covers and how many (of the cleaned words), and the
    /// name as typed.
    fn bracketed<'t>(&self, text: &'t str) -> (String, Option<(usize, usize)>, &'t str) {
        match (text.find('['), text.find(']')) {
            (Some(a), Some(b)) if a < b => {
                let before = self.clean(&text[..a]);
                let raw = text[a + 1..b].trim();
                let inside = normalize(raw);
                let after = self.clean(&text[b + 1..]);
                let start = before.split(' ').filter(|w| !w.is_empty()).count();
                let len = inside.split(' ').filter(|w| !w.is_empty()).count();
                (normalize(&format!("{before} {inside} {after}")), Some((start, len)), raw)
            }
            _ => (self.clean(text), None, ""),
        }
    }

    /// The name in brackets at the start of `rest` (`len` words), or an
    /// unknown word when nothing has it.
    fn bracket_token(&self, rest: &[&str], len: usize, typed: &str) -> (Vec<Tok>, usize) {
        let span = rest[..len.min(rest.len())].join(" ");
        match self.entity_at(rest, Some(len)) {
            Some((mut ids, used)) => {
                // Names that differ only in punctuation ("Hush",
                // "Hush!"): the one typed exactly wins.
                if ids.len() > 1 {
                    let typed = typed.to_lowercase();
                    let exact: Vec<String> = ids.iter().filter(|id| self.cat.name(id).to_lowercase() == typed).cloned().collect();
                    if exact.len() == 1 {
                        ids = exact;
                    }
                }
                (vec![Tok::Ent(ids, span)], used)
            }
            None => (vec![Tok::Unknown(span)], len),
        }
    }

    /// At the start of a question, "Describe X", "information about X",
    /// "list ...": asks for a description or a list, unless the domain
    /// makes the words a relation.
    fn opening_list(&self, rest: &[&str]) -> Option<(Vec<Tok>, usize)> {
        let len = Self::set_phrase_at(&self.describe_set, rest, 5).filter(|_| self.phrase_at(rest, &[]).is_none()).or_else(|| Self::set_phrase_at(&self.list_set, rest, 3))?;
        Some((vec![Tok::List], len))
    }

    /// A word of the grammar (a question word, an auxiliary, a
    /// preposition, a number or a date) at the start of `rest`, unless a
    /// relation phrase or a name reads the words first.
    fn grammar_word(&self, rest: &[&str], before: &[&str], bracketed: bool) -> Option<(Vec<Tok>, usize)> {
        let joined = rest.join(" ");
        // A relation phrase that starts with a preposition ("in charge
        // of") is read as the phrase, not as the preposition.
        let grammar = lexer::grammar_token(&joined);
        // So does one that starts with an auxiliary ("do his PhD at").
        if let Ok((_, Tok::Prep(_) | Tok::Aux(_))) = &grammar {
            let phrase = self.phrase_at(rest, before).filter(|(_, used)| *used >= 2);
            // A name as long wins ("In the Mood for Love").
            if let Some((ms, used)) = phrase.filter(|(_, used)| !bracketed && self.entity_at(rest, None).is_none_or(|(_, l)| l < *used)) {
                return Some((vec![Tok::Rel(ms, rest[..used].join(" "))], used));
            }
        }
        let (remaining, tok) = grammar.ok()?;
        let used = joined.len() - remaining.len();
        let n = joined[..used].split(' ').filter(|w| !w.is_empty()).count().max(1);
        // A number that is also the start of a name ("M6" is not
        // affected; "2001 a space odyssey" is) yields to the name.
        let ent = if matches!(tok, Tok::Date(_) | Tok::Num(..)) { self.entity_at(rest, None) } else { None };
        Some(if tok == Tok::Wh(lexer::Wh::Who) && !before.is_empty() && rest[0] == "whose" {
            (vec![Tok::Whose], 1)
        } else if let Some((ids, l)) = ent.filter(|(_, l)| *l > n) {
            (vec![Tok::Ent(ids, rest[..l].join(" "))], l)
        } else {
            (vec![tok], n)
        })
    }

    /// The longest reading of the words at the start of `rest`: a name, a
    /// relation phrase, a kind, title or reciprocal noun, or a pronoun;
    /// else a number word, a dropped stopword or an unknown word.
    fn longest_reading(&self, rest: &[&str], before: &[&str], bracketed: bool) -> (Vec<Tok>, usize) {
        let phrase = self.phrase_at(rest, before);
        // Outside brackets a name is looked up only when nothing else
        // reads the words (see below).
        let ent = if bracketed && (phrase.is_some() || self.stopwords.contains(rest[0]) || Self::set_phrase_at(&self.kind_set, rest, 3).is_some()) {
            None
        } else {
            self.entity_at(rest, None)
        };
        // "co-starred", "co-writers": a reciprocal prefix on a relation phrase.
        if ent.is_none() && phrase.is_none() {
            if let Some((rel, used)) = self.prefixed_phrase_at(rest, before) {
                return (vec![Tok::Recip, Tok::Rel(rel, rest[..used].join(" "))], used);
            }
        }
        let recip = Self::set_phrase_at(&self.reciprocal, rest, 3).unwrap_or(0);
        let plen = phrase.as_ref().map(|p| p.1).unwrap_or(0);
        let klen = Self::set_phrase_at(&self.kind_set, rest, 3).unwrap_or(0);
        let tlen = Self::set_phrase_at(&self.title_nouns, rest, 3).unwrap_or(0);
        let prlen = Self::set_phrase_at(&self.pronouns, rest, 3).unwrap_or(0);
        // Brackets mark where the name is: outside them, a name must be
        // longer than any other reading of its words.
        let others = plen.max(klen).max(tlen).max(prlen).max(recip);
        let elen = match &ent {
            Some((_, l)) if bracketed && (others >= *l || self.stopwords.contains(rest[0])) => 0,
            Some((_, l)) => *l,
            None => 0,
        };
        let best = elen.max(others);
        if best == 0 {
            let tok = if !before.is_empty() && rest.len() == 1 && self.lang.final_pronouns.iter().any(|p| p == rest[0]) {
                Some(Tok::Pron(false, false, None))
            } else if self.stopwords.contains(rest[0]) || number_word_here(rest[0]) {
                lexer::number_word(rest[0]).ok().map(|(_, n)| Tok::Num(n, false))
            } else {
                Some(Tok::Unknown(rest[0].to_string()))
            };
            return (tok.into_iter().collect(), 1);
        }
        let words = rest[..best].join(" ");
        let kind = || self.kind_nouns.get(&words).cloned().unwrap_or_default();
        // Ties: relation phrases and grammar nouns win over names made
        // of the same words, except a multi-word name.
        let tok = if recip == best && elen < best && plen < best {
            Some(Tok::Recip)
        } else if klen == best && plen == best && elen < best && !self.phrase_surfaces.contains(&words) {
            // A kind noun as written beats a relation phrase that only
            // shares its stem ("department" is not "depart").
            Some(Tok::Kind(kind()))
        } else if plen == best && (elen < best || best == 1) {
            Some(Tok::Rel(phrase.map(|p| p.0).unwrap_or_default(), words.clone()))
        } else if tlen == best && elen < best {
            Some(Tok::Title)
        } else if prlen == best && elen < best {
            let personal = self.lang.personal_pronouns.iter().any(|p| normalize(p) == words);
            let possessive = self.lang.possessive_pronouns.iter().any(|p| normalize(p) == words);
            let kind = rest[..best].iter().find_map(|w| self.kind_nouns.get(*w).cloned());
            // "the company that built X" is a noun and its relative
            // clause, not the pronoun "the company".
            Some(match kind {
                Some(k) if rest.get(best) == Some(&"that") && rest.get(best + 1).is_some_and(|w| !self.stopwords.contains(*w)) => Tok::Kind(k),
                kind => Tok::Pron(personal, possessive, kind),
            })
        } else if klen == best && (elen < best || best == 1) {
            Some(Tok::Kind(kind()))
        } else {
            ent.filter(|_| elen > 0).map(|(ids, l)| Tok::Ent(ids, rest[..l].join(" ")))
        };
        (tok.into_iter().collect(), best)
    }

    /// Determiners that ask nothing of their own: "other" before a kind
    /// noun ("border other states") is dropped, and "no" after a verb
    /// ("border no states") negates the verb, as "do not border" does.
    fn determiners(&self, toks: Vec<Tok>) -> Vec<Tok> {
        let mut kept: Vec<Tok> = Vec::with_capacity(toks.len());
        // "state capital": a kind noun before a relation noun of that kind
        // alone says nothing the noun does not ("the largest state
        // capital" is the largest capital, not the capital of the largest
        // state).
        let compound = |k: &str, next: Option<&Tok>| match next {
            Some(Tok::Rel(ms, _)) => ms.iter().all(|m| !m.role.verb() && m.role != Role::SubjectNoun && self.cat.lex.rel(m.rel).subject == [k]),
            _ => false,
        };
        for (i, t) in toks.iter().enumerate() {
            match t {
                Tok::Kind(k) if compound(k, toks.get(i + 1)) => {}
                // "Idaho or Oregon": either of two names.
                Tok::Unknown(w) if self.lang.degree.or.contains(w) && i > 0 && matches!(toks.get(i + 1), Some(Tok::Ent(..))) && matches!(toks.get(i - 1), Some(Tok::Ent(..))) => kept.push(Tok::Or),
                Tok::Unknown(w) if self.lang.others.contains(w) && matches!(toks.get(i + 1), Some(Tok::Kind(_))) => {}
                t => kept.push(t.clone()),
            }
        }
        let mut out: Vec<Tok> = Vec::with_capacity(kept.len());
        for (i, t) in kept.iter().enumerate() {
            match t {
                Tok::Not if matches!(out.last(), Some(Tok::Rel(ms, _)) if ms.iter().any(|m| m.role.verb())) && matches!(kept.get(i + 1), Some(Tok::Kind(_))) => {
                    let verb = out.pop();
                    out.push(Tok::Not);
                    out.extend(verb);
                }
                t => out.push(t.clone()),
            }
        }
        out
    }

    /// Runs of unknown words are tried as misspelt names: when exactly one
    /// alias is close, the run becomes that entity.
    fn merge_unknown_names(&self, toks: Vec<Tok>) -> Vec<Tok> {
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if let Tok::Unknown(_) = &toks[i] {
                let mut j = i;
                let mut words = Vec::new();
                while j < toks.len() {
                    match &toks[j] {
                        Tok::Unknown(w) => words.push(w.clone()),
                        _ => break,
                    }
                    j += 1;
                }
                // Words of degree ("largest", "most") are words of the
                // language, not misspelt names: no search for them.
                if words.iter().all(|w| self.degree_word(w)) {
                    out.extend(words.into_iter().map(Tok::Unknown));
                    i = j;
                    continue;
                }
                // A run may be followed by a name it belongs to
                // ("jiangwei jang"): try the run alone and with neighbours.
                let span = words.join(" ");
                // A kind noun next to it says which of the close names
                // ("the missisippi river" is the river, not the state).
                let beside: Vec<&String> = [toks.get(j), i.checked_sub(1).and_then(|b| toks.get(b))]
                    .into_iter()
                    .flatten()
                    .filter_map(|t| if let Tok::Kind(k) = t { Some(k) } else { None })
                    .collect();
                let of_kind = |ids: Vec<String>| -> Vec<String> {
                    let kept: Vec<String> = ids.iter().filter(|id| self.cat.kind(id).is_some_and(|k| beside.iter().any(|b| *b == k))).cloned().collect();
                    if kept.is_empty() { ids } else { kept }
                };
                match self.fuzzy(&span).map(of_kind) {
                    Some(ids) => out.push(Tok::Ent(ids, span)),
                    None => {
                        // One word of a person's name ("Jia"): that person,
                        // or a question of which when several have it.
                        for w in words {
                            match self.part_name(&w) {
                                Some(ids) => out.push(Tok::Ent(ids, w)),
                                None => out.push(Tok::Unknown(w)),
                            }
                        }
                    }
                }
                i = j;
            } else {
                out.push(toks[i].clone());
                i += 1;
            }
        }
        out
    }

    /// The entities whose alias is within a small edit distance of `span`.
    fn fuzzy(&self, span: &str) -> Option<Vec<String>> {
        // The readers of one question tokenize its parts again and again:
        // each span is matched once a question.
        if let Some(hit) = FUZZY.with(|c| c.borrow().get(span).cloned()) {
            return hit;
        }
        let ids: Vec<String> = self.close_aliases(span).into_iter().map(|(id, _)| id).collect();
        let hit = (!ids.is_empty()).then_some(ids);
        FUZZY.with(|c| c.borrow_mut().insert(span.to_string(), hit.clone()));
        hit
    }

    /// Known names close to a new `name` (as the misspelt-name fallback
    /// would read it): (entity id, the normalised alias that is close).
    /// Names with other digits are other names, not misspellings ("GPT-5"
    /// is not "GPT-3").
    pub fn near_names(&self, name: &str) -> Vec<(String, String)> {
        let n = normalize(name);
        if self.cat.aliases.contains_key(&n) {
            return Vec::new();
        }
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        self.close_aliases(&n).into_iter().filter(|(_, alias)| digits(alias) == digits(&n)).collect()
    }

    /// The closest aliases to `span` (within a small edit distance), with
    /// their entities, each entity once.
    fn close_aliases(&self, span: &str) -> Vec<(String, String)> {
        if span.len() < 4 {
            return Vec::new();
        }
        let n_words = span.split(' ').count();
        let span_len = span.chars().count();
        let mut best: Vec<(f64, &String)> = Vec::new();
        for n in [n_words, n_words + 1] {
            let Some(list) = self.alias_words.get(&n.to_string()) else { continue };
            for alias in list {
                // A score of 0.8 allows at most a fifth of the longer one's
                // length in edits, and so in length difference: skip the
                // rest without computing (this changes no result).
                let alias_len = alias.chars().count();
                if span_len.abs_diff(alias_len) * 5 > span_len.max(alias_len) {
                    continue;
                }
                let score = strsim::normalized_damerau_levenshtein(span, alias);
                if score >= 0.8 {
                    best.push((score, alias));
                }
            }
        }
        // A name of several words with one word misspelt ("eddy wu"): the
        // other words exact, that one within two edits and starting with
        // the same letter.
        if n_words > 1 {
            let words: Vec<&str> = span.split(' ').collect();
            for alias in self.alias_words.get(&n_words.to_string()).into_iter().flatten() {
                let other: Vec<&str> = alias.split(' ').collect();
                let differ: Vec<(&str, &str)> = words.iter().zip(&other).filter(|(a, b)| a != b).map(|(a, b)| (*a, *b)).collect();
                if let [(a, b)] = differ.as_slice() {
                    if a.len() >= 3 && b.len() >= 2 && a.chars().next() == b.chars().next() && strsim::damerau_levenshtein(a, b) <= 2 && !best.iter().any(|(_, x)| *x == alias) {
                        best.push((0.8, alias));
                    }
                }
            }
        }
        best.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let Some(top) = best.first().map(|b| b.0) else { return Vec::new() };
        let mut out: Vec<(String, String)> = Vec::new();
        for (s, alias) in &best {
            if top - s < 0.05 {
                for id in self.cat.aliases.get(*alias).into_iter().flatten() {
                    if !out.iter().any(|(x, _)| x == id) {
                        out.push((id.clone(), (*alias).clone()));
                    }
                }
            }
        }
        out
    }

    /// The reading of a question with one negation before its verb (or
    /// before what "have" takes): the members of the kind asked for that
    /// the question without it does not name. Only where the kind and the
    /// relations are complete: elsewhere a missing fact is not a "no".
    pub(crate) fn negated(&self, toks: &[Tok], conv: &Conversation) -> Option<grammar::Query> {
        let at = toks.iter().position(|t| matches!(t, Tok::Not))?;
        if toks.iter().filter(|t| matches!(t, Tok::Not)).count() != 1 {
            return None;
        }
        let negates = match (toks.get(at + 1), at.checked_sub(1).and_then(|b| toks.get(b))) {
            (Some(Tok::Kind(_) | Tok::Ent(..) | Tok::Rel(..)), Some(Tok::Aux(lexer::Aux::Have))) => true,
            // "which states don't have rivers"
            (Some(Tok::Aux(lexer::Aux::Have)), Some(Tok::Aux(lexer::Aux::Do | lexer::Aux::Did))) => true,
            (Some(Tok::Rel(ms, _)), _) => ms.iter().any(|m| m.role.verb()),
            _ => false,
        };
        if !negates {
            return None;
        }
        let rest: Vec<Tok> = toks.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, t)| t.clone()).collect();
        let q = match degree::kind_in_place(self, &rest) {
            Some(s) => grammar::Query { ask: grammar::Ask::Values(s), past: grammar::is_past(self, &rest) },
            None => grammar::read(self, &rest, conv, "").ok()?,
        };
        guard::check_typed(self, &rest, &q).ok()?;
        let (set, count) = match q.ask {
            grammar::Ask::Values(s) => (s, false),
            grammar::Ask::Count(s) => (s, true),
            _ => return None,
        };
        let [kind] = &chain::kinds_of(self, &set)?[..] else { return None };
        if !self.cat.lex.complete_kinds.contains(kind) || !set.closed(&self.cat.lex) {
            return None;
        }
        let all = grammar::Set::Minus(Box::new(grammar::Set::All(kind.clone())), Box::new(set));
        let ask = if count { grammar::Ask::Count(all) } else { grammar::Ask::Values(all) };
        Some(grammar::Query { ask, past: q.past })
    }

    /// One unknown word right before a class name or a kind noun, the
    /// word with the word after it, and the question without it.
    pub(crate) fn modifier_before_class(&self, text: &str) -> Option<(String, String, String)> {
        let toks = self.exact_tokens(text);
        let unknown: Vec<usize> = toks.iter().enumerate().filter(|(_, t)| matches!(t, Tok::Unknown(_))).map(|(i, _)| i).collect();
        let [at] = unknown.as_slice() else { return None };
        let Tok::Unknown(word) = &toks[*at] else { return None };
        let class = match toks.get(at + 1) {
            Some(Tok::Ent(ids, _)) => ids.len() == 1 && self.cat.classes.contains(&ids[0]),
            Some(Tok::Kind(_)) => true,
            _ => false,
        };
        if !class {
            return None;
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let pos = words.iter().position(|w| normalize(w) == *word)?;
        let without: Vec<&str> = words.iter().enumerate().filter(|(i, _)| *i != pos).map(|(_, w)| *w).collect();
        let phrase = normalize(&words[pos..words.len().min(pos + 2)].join(" "));
        Some((word.clone(), phrase, without.join(" ")))
    }

    /// The happening a thing-pronoun of `text` may refer to: the one event
    /// (an entity of the lexicon's event kind, linked by its event link)
    /// about both the conversation's topic and its last answer ("Who quit
    /// Kuaishou ...?" "Fu Ruiji ..." "Who reported that?": his departure
    /// from Kuaishou).
    pub(crate) fn happening_in_play(&self, store: &Store, conv: &Conversation, text: &str) -> anyhow::Result<Option<String>> {
        let (Some(kind), Some(link)) = (&self.cat.lex.event_kind, &self.cat.lex.event_link) else { return Ok(None) };
        let (Some(topic), Some(answer)) = (&conv.focus, &conv.answer_focus) else { return Ok(None) };
        if topic == answer || !self.exact_tokens(text).iter().any(|t| matches!(t, Tok::Pron(false, _, None))) {
            return Ok(None);
        }
        let about = |e: &str| -> anyhow::Result<Vec<String>> {
            let mut events = store.subjects_with_object(&Value::Entity(e.to_string()), link)?;
            events.retain(|x| self.cat.kind(x) == Some(kind.as_str()));
            Ok(events)
        };
        let of_answer = about(answer)?;
        let mut both: Vec<String> = about(topic)?.into_iter().filter(|e| of_answer.contains(e)).collect();
        both.dedup();
        Ok(match both.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }

    /// The number before the noun asked for ("the three units", "which two
    /// models", "X's four tigers"), and the question without it (read
    /// again, so that "China's AI tigers" may be one name).
    pub(crate) fn take_cardinal(&self, text: &str, toks: Vec<Tok>) -> (Vec<Tok>, Option<usize>) {
        if matches!(toks.first(), Some(Tok::Aux(_))) {
            return (toks, None);
        }
        let at = (1..toks.len().saturating_sub(1)).find(|&i| {
            let Tok::Num(n, false) = toks[i] else { return false };
            let small = n.fract() == 0.0 && (2.0..=100.0).contains(&n);
            let before = matches!(toks[i - 1], Tok::Wh(Wh::What | Wh::Which | Wh::Who) | Tok::List | Tok::Aux(lexer::Aux::Be) | Tok::Ent(..));
            let after = matches!(&toks[i + 1], Tok::Kind(_) | Tok::Ent(..)) || matches!(&toks[i + 1], Tok::Rel(ms, _) if ms.iter().any(|m| !m.role.verb()));
            small && before && after
        });
        let Some(Tok::Num(n, _)) = at.map(|i| &toks[i]) else { return (toks, None) };
        let n = *n;
        let is_n = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            w.parse::<f64>().ok().or_else(|| lexer::number_word(&w).ok().map(|(_, n)| n)) == Some(n)
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| is_n(w)) else { return (toks, None) };
        let without: Vec<&str> = words.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, w)| *w).collect();
        (self.tokens(&without.join(" ")), Some(n as usize))
    }

    /// A kind noun in the possessive, which normalising would lose (or
    /// join with the noun after it: "state capital"), said another way:
    /// after a question word it asks for the owner ("which state's capital
    /// is Austin": "which state whose capital is Austin"); after a degree
    /// word it owns the relation noun after it ("the largest state's
    /// capital": "the capital of the largest state"). None when there is
    /// no such possessive.
    pub(crate) fn possessive_kinds(&self, text: &str) -> Option<String> {
        let words = possessive_words(text)?;
        let plain = |w: &str| normalize(w);
        for (i, w) in words.iter().enumerate().skip(1) {
            let Some(base) = owner_of(w) else { continue };
            if !matches!(self.tokens(&plain(base)).as_slice(), [Tok::Kind(_)]) {
                continue;
            }
            let mut out: Vec<String> = words[..i].to_vec();
            if matches!(self.tokens(&plain(&words[i - 1])).as_slice(), [Tok::Wh(Wh::Which | Wh::What)]) {
                out.push(base.to_string());
                out.push("whose".to_string());
                out.extend(words[i + 1..].iter().cloned());
                return Some(out.join(" "));
            }
            // The noun phrase: articles and degree words before the kind.
            let degree_word = |w: &str| self.degree_word(&plain(w));
            let mut start = i;
            while start > 0 && (degree_word(&words[start - 1]) || self.tokens(&plain(&words[start - 1])).is_empty()) {
                start -= 1;
            }
            if !words[start..i].iter().any(|w| degree_word(w)) {
                continue;
            }
            let after: Vec<String> = words[i + 1..].iter().map(|w| plain(w)).collect();
            let after_refs: Vec<&str> = after.iter().map(String::as_str).collect();
            if after_refs.is_empty() || after_refs.iter().any(|w| w.is_empty() || w.contains(' ')) {
                continue;
            }
            let Some((ms, used)) = self.phrase_at(&after_refs, &after_refs) else { continue };
            if !ms.iter().any(|m| m.role == Role::ObjectNoun) {
                continue;
            }
            out.truncate(start);
            out.push("the".to_string());
            out.extend(words[i + 1..i + 1 + used].iter().cloned());
            out.push("of".to_string());
            out.extend(words[start..i].iter().cloned());
            out.push(base.to_string());
            out.extend(words[i + 1 + used..].iter().cloned());
            return Some(out.join(" "));
        }
        None
    }

    /// "Michigan's largest lake": a name in the possessive, a degree word
    /// and a noun, said as "the largest lake of Michigan". None when the
    /// text has no such phrase.
    pub(crate) fn possessive_degree(&self, text: &str) -> Option<String> {
        let words = possessive_words(text)?;
        let degree_word = |w: &str| self.degree_word(&normalize(w));
        let noun = |w: &str| matches!(self.tokens(&normalize(w)).as_slice(), [Tok::Kind(_)] | [Tok::Rel(..)]);
        for i in 0..words.len().saturating_sub(2) {
            let Some(base) = owner_of(&words[i]) else { continue };
            if !degree_word(&words[i + 1]) || !noun(&words[i + 2]) {
                continue;
            }
            // The longest name that ends here.
            let owner = (0..=i).find(|&j| {
                let span: Vec<&str> = words[j..i].iter().map(String::as_str).chain(Some(base)).collect();
                matches!(self.tokens(&normalize(&span.join(" "))).as_slice(), [Tok::Ent(ids, _)] if !ids.is_empty())
            })?;
            let mut out: Vec<String> = words[..owner].to_vec();
            out.extend(["the".to_string(), words[i + 1].clone(), words[i + 2].clone(), "of".to_string()]);
            out.extend(words[owner..i].iter().cloned());
            out.push(base.to_string());
            out.extend(words[i + 3..].iter().cloned());
            return Some(out.join(" "));
        }
        None
    }

    /// "Alibaba's hybrid cloud": a name in the possessive followed by a
    /// name of something linked to it (by a fact, or by two: the hybrid
    /// cloud unit is part of Alibaba Cloud, which is part of Alibaba) is
    /// that second thing, not the pair of them. With the spans of each
    /// pair so read, owner first.
    pub(crate) fn possessive_names(&self, store: &Store, text: &str, toks: Vec<Tok>) -> anyhow::Result<(Vec<Tok>, Owned)> {
        let mut owned = Vec::new();
        if !toks.windows(2).any(|w| matches!(w, [Tok::Ent(..), Tok::Ent(..)])) {
            return Ok((toks, owned));
        }
        let lowered = crate::knowledge::normalize::fold(text).to_lowercase().replace('\u{2019}', "'");
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        for t in toks {
            if let (Some(Tok::Ent(a, span_a)), Tok::Ent(b, span_b)) = (out.last(), &t) {
                let possessive = lowered.contains(&format!("{span_a}'s")) || lowered.contains(&format!("{span_a}' "));
                if possessive && a.len() == 1 && b.len() == 1 && a != b && linked(store, &b[0], &a[0], &[])? {
                    owned.push((span_a.clone(), span_b.clone()));
                    let span = format!("{span_a} {span_b}");
                    out.pop();
                    out.push(Tok::Ent(b.clone(), span));
                    continue;
                }
            }
            out.push(t);
        }
        Ok((out, owned))
    }

    /// "Who did Zhou Chang report to at Alibaba Cloud?": a name after "at"
    /// or "in" that places the question within an organisation. When the
    /// whole question has no reading, the question without it is read;
    /// its answer stands only if every value is linked to that name (see
    /// [`linked`]) without passing through the question's other names.
    pub(crate) fn without_place(&self, plain: &str, toks: &[Tok], conv: &Conversation) -> Option<(grammar::Query, String)> {
        let places: Vec<usize> = (1..toks.len())
            .filter(|&i| match (&toks[i - 1], &toks[i]) {
                (Tok::Prep(lexer::Prep::In | lexer::Prep::Other | lexer::Prep::With), Tok::Ent(ids, span)) => {
                    ids.len() == 1 && (plain.contains(&format!(" at {span} ")) || plain.contains(&format!(" in {span} ")))
                }
                _ => false,
            })
            .collect();
        let [at] = places.as_slice() else { return None };
        let Tok::Ent(ids, _) = &toks[*at] else { return None };
        let rest: Vec<Tok> = toks.iter().enumerate().filter(|(i, _)| *i + 1 != *at && i != at).map(|(_, t)| t.clone()).collect();
        if !rest.iter().any(|t| matches!(t, Tok::Ent(..) | Tok::Pron(..))) {
            return None;
        }
        let q = grammar::read(self, &rest, conv, plain).ok()?;
        guard::check(self, &rest, &q).ok()?;
        Some((q, ids[0].clone()))
    }

    /// "What happened in December 2022?": a relation phrase that ends in
    /// a preposition ("happen in", of a place) before a date, when none of
    /// its relations takes a date or is an event, gives up the preposition
    /// to the date ("happened" + "in December 2022").
    pub(crate) fn preposition_before_date(&self, toks: Vec<Tok>) -> Vec<Tok> {
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if let (Tok::Rel(ms, surface), Some(Tok::Date(_))) = (&toks[i], toks.get(i + 1)) {
                let takes_date = ms.iter().any(|m| self.cat.lex.rel(m.rel).value == ValueType::Date);
                if let Some((head, last)) = surface.rsplit_once(' ') {
                    if !takes_date && matches!(lexer::prep_word(last), Ok(("", _))) {
                        let shorter = self.exact_tokens(head);
                        if let ([Tok::Rel(short, _)], Ok((_, Tok::Prep(p)))) = (shorter.as_slice(), lexer::grammar_token(last)) {
                            if short.iter().any(|m| self.cat.lex.rel(m.rel).value == ValueType::Date || self.cat.lex.rel(m.rel).event) {
                                out.push(Tok::Rel(short.clone(), head.to_string()));
                                out.push(Tok::Prep(p));
                                i += 1;
                                continue;
                            }
                        }
                    }
                }
            }
            out.push(toks[i].clone());
            i += 1;
        }
        out
    }

    /// "a Beijing-based company": a name, a hyphen and a participle, then a
    /// noun, is the noun with the participle's phrase and the name after
    /// it ("a company based in Beijing"), when the participle and a
    /// preposition make a relation phrase.
    pub(crate) fn place_compound(&self, text: &str, toks: Vec<Tok>) -> Vec<Tok> {
        let lowered = text.to_lowercase();
        let Some(i) = (0..toks.len().saturating_sub(2)).find(|&i| {
            matches!((&toks[i], &toks[i + 1], &toks[i + 2]), (Tok::Ent(_, span), Tok::Rel(_, w), Tok::Kind(_) | Tok::Ent(..))
                if !w.contains(' ') && span.split(' ').next_back().is_some_and(|last| lowered.contains(&format!("{last}-{w}"))))
        }) else {
            return toks;
        };
        let Tok::Rel(_, w) = &toks[i + 1] else { return toks };
        let Some((ms, phrase)) = self.lang.place_particles.iter().find_map(|p| {
            let words = [w.as_str(), p.as_str()];
            self.phrase_at(&words, &[]).filter(|(_, used)| *used == 2).map(|(ms, _)| (ms, format!("{w} {p}")))
        }) else {
            return toks;
        };
        let mut out = toks[..i].to_vec();
        out.push(toks[i + 2].clone());
        out.push(Tok::Rel(ms, phrase));
        out.push(toks[i].clone());
        out.extend(toks[i + 3..].iter().cloned());
        out
    }

    /// "Who left X to pursue her own projects?": a possessive before "own"
    /// refers to the clause's subject, which the question asks for; it
    /// names nothing to look up.
    pub(crate) fn without_own(&self, plain: &str, toks: Vec<Tok>) -> Vec<Tok> {
        let owned = self.lang.possessive_pronouns.iter().any(|p| plain.contains(&format!(" {} own ", normalize(p))));
        let possessives = toks.iter().filter(|t| matches!(t, Tok::Pron(_, true, _))).count();
        if !owned || possessives != 1 || !matches!(toks.first(), Some(Tok::Wh(Wh::Who | Wh::What | Wh::Which))) {
            return toks;
        }
        toks.into_iter().filter(|t| !matches!(t, Tok::Pron(_, true, _))).collect()
    }

    /// "Who was running Alibaba as CEO?": a verb, a name and "as" with a
    /// noun for the holder of a relation that takes the name's kind ("CEO"
    /// of a company) read as that noun of the name ("who was CEO of
    /// Alibaba"); the verb says only how the role is held.
    ///
    /// "Who stepped down as Alibaba's CEO?", "When did X step down as CEO
    /// of Y?": a verb, "as" and the role of a name is that role of the
    /// name; a verb of a relation that `ends` roles asks for a holder who
    /// no longer holds it (the time returned).
    pub(crate) fn as_role(&self, plain: &str, toks: Vec<Tok>) -> (Vec<Tok>, Option<Time>) {
        if !plain.contains(" as ") {
            return (toks, None);
        }
        let holders_of = |rms: &[Mention], ids: &[String]| -> Vec<Mention> {
            let kind = (ids.len() == 1).then(|| self.cat.kind(&ids[0])).flatten();
            rms.iter().filter(|m| m.role == Role::SubjectNoun && kind.is_some_and(|k| self.cat.lex.rel(m.rel).object.iter().any(|o| o == k))).copied().collect()
        };
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        let mut time = None;
        let mut i = 0;
        while i < toks.len() {
            // "stepped down as Alibaba's CEO", "stepped down as (the) CEO of Alibaba"
            let after_as = match (&toks[i], toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
                (Tok::Rel(vms, verb), Some(name @ Tok::Ent(ids, span)), Some(Tok::Rel(rms, role)), _) if [" as ", " as the "].iter().any(|a| plain.contains(&format!(" {verb}{a}{span} {role} "))) => {
                    Some((vms, name, ids, rms, role, 3))
                }
                (Tok::Rel(vms, verb), Some(Tok::Rel(rms, role)), Some(Tok::Prep(lexer::Prep::Of)), Some(name @ Tok::Ent(ids, span)))
                    if [" as ", " as the ", " as a "].iter().any(|a| [" ", " the "].iter().any(|d| plain.contains(&format!(" {verb}{a}{role} of{d}{span} ")))) =>
                {
                    Some((vms, name, ids, rms, role, 4))
                }
                _ => None,
            };
            if let Some((vms, name, ids, rms, role, used)) = after_as {
                let holders = holders_of(rms, ids);
                if vms.iter().any(|m| m.role.verb()) && !holders.is_empty() {
                    if vms.iter().any(|m| self.cat.lex.rel(m.rel).ends) {
                        time = Some(Time::Ended);
                    }
                    out.push(Tok::Rel(holders, role.clone()));
                    out.push(Tok::Prep(lexer::Prep::Of));
                    out.push(name.clone());
                    i += used;
                    continue;
                }
            }
            // "When did X quit as CEO?": a verb and "as" before a holder's
            // noun with no name after it is the noun alone.
            if let (Tok::Rel(vms, verb), Some(Tok::Rel(rms, role))) = (&toks[i], toks.get(i + 1)) {
                let holders: Vec<Mention> = rms.iter().filter(|m| m.role == Role::SubjectNoun).copied().collect();
                let written = [" as ", " as the ", " as a ", " as an "].iter().any(|a| plain.contains(&format!(" {verb}{a}{role} ")));
                let named_after = matches!(toks.get(i + 2), Some(Tok::Prep(lexer::Prep::Of) | Tok::Ent(..)));
                if vms.iter().any(|m| m.role.verb()) && !holders.is_empty() && written && !named_after {
                    if vms.iter().any(|m| self.cat.lex.rel(m.rel).ends) {
                        time = Some(Time::Ended);
                    }
                    out.push(Tok::Rel(holders, role.clone()));
                    i += 2;
                    continue;
                }
            }
            if let (Tok::Rel(vms, _), Some(Tok::Ent(ids, span)), Some(Tok::Rel(rms, role))) = (&toks[i], toks.get(i + 1), toks.get(i + 2)) {
                let holders = holders_of(rms, ids);
                let written = [" as ", " as the ", " as a ", " as an "].iter().any(|a| plain.contains(&format!(" {span}{a}{role} ")));
                if vms.iter().any(|m| m.role.verb()) && !holders.is_empty() && written {
                    out.push(Tok::Rel(holders, role.clone()));
                    out.push(Tok::Prep(lexer::Prep::Of));
                    out.push(toks[i + 1].clone());
                    i += 3;
                    continue;
                }
            }
            out.push(toks[i].clone());
            i += 1;
        }
        (out, time)
    }

    /// "Which business units will Alibaba emphasise?": a noun after the
    /// question word that is a kind's noun and also a relation's, with a
    /// verb of another relation later, asks for things of the kind (the
    /// verb's values), not for the noun's relation.
    fn fronted_kind(&self, mut toks: Vec<Tok>) -> Vec<Tok> {
        // ("What are the three business units Alibaba is ...": after "be".)
        let at = match toks.as_slice() {
            [Tok::Wh(Wh::Which | Wh::What), Tok::Rel(..), ..] => 1,
            [Tok::Wh(Wh::Which | Wh::What), Tok::Aux(lexer::Aux::Be | lexer::Aux::Was), Tok::Rel(..), ..] => 2,
            _ => return toks,
        };
        let Tok::Rel(ms, surface) = &toks[at] else { return toks };
        let Some(kind) = self.kind_nouns.get(surface).cloned() else { return toks };
        let other_verb = toks[at + 1..].iter().any(|t| matches!(t, Tok::Rel(vs, _) if vs.iter().any(|v| v.role.verb() && !ms.iter().any(|m| m.rel == v.rel))));
        if other_verb && ms.iter().all(|m| !m.role.verb()) {
            toks[at] = Tok::Kind(kind);
        }
        toks
    }

    /// "Who is the man who took control of X after Y?": a question word,
    /// "be", a kind and a relative pronoun ask "which man took control of
    /// X after Y?" (the clause keeps all its words).
    fn copula_relative(toks: Vec<Tok>) -> Vec<Tok> {
        match toks.as_slice() {
            [Tok::Wh(Wh::Who | Wh::What | Wh::Which), Tok::Aux(lexer::Aux::Be | lexer::Aux::Was), Tok::Kind(k), Tok::Wh(Wh::Who | Wh::Which), rest @ ..]
                if matches!(rest.first(), Some(Tok::Rel(..))) =>
            {
                let mut out = vec![Tok::Wh(Wh::Which), Tok::Kind(k.clone())];
                out.extend(rest.iter().cloned());
                out
            }
            _ => toks,
        }
    }

    /// "Is Baichuan in Beijing?": "in" between the subject of a question
    /// that opens with the copula and a name is the relation phrase "be
    /// in" where the lexicon has one, not a preposition. (Only there:
    /// "which of them is in Shanghai?" would read "be in" of every
    /// relation that has it, and drop "of them".)
    fn copula_place(&self, mut toks: Vec<Tok>) -> Vec<Tok> {
        let at = match toks.as_slice() {
            [Tok::Aux(lexer::Aux::Be | lexer::Aux::Was), Tok::Ent(..), Tok::Prep(lexer::Prep::In), Tok::Ent(..)] => 2,
            _ => return toks,
        };
        // (The phrase table leaves "be in" out: nothing is left of it once
        // the copula is read as an auxiliary.)
        let mentions: Vec<Mention> = (self.cat.lex.relations.iter().enumerate())
            .filter(|(_, r)| r.verbs.iter().any(|v| normalize(v) == "be in"))
            .map(|(i, _)| Mention { rel: RelId(i), role: Role::Verb })
            .collect();
        if !mentions.is_empty() {
            toks[at] = Tok::Rel(mentions, "in".into());
        }
        toks
    }

    /// "Which top job at Alibaba did Daniel Zhang hold?": a place phrase
    /// between the fronted noun and the auxiliary goes after the subject
    /// ("which job did Daniel Zhang hold at Alibaba").
    fn fronted_place(toks: Vec<Tok>) -> Vec<Tok> {
        match toks.as_slice() {
            [w @ Tok::Wh(Wh::Which | Wh::What), noun @ Tok::Rel(ms, _), prep @ Tok::Prep(lexer::Prep::Other | lexer::Prep::In), place @ Tok::Ent(..), aux @ Tok::Aux(_), subject @ Tok::Ent(..), rest @ ..]
                if ms.iter().all(|m| !m.role.verb()) =>
            {
                let mut out = vec![w.clone(), noun.clone(), aux.clone(), subject.clone()];
                let (verb, after) = match rest.first() {
                    Some(v @ Tok::Rel(..)) => (Some(v.clone()), &rest[1..]),
                    _ => (None, rest),
                };
                out.extend(verb);
                out.push(prep.clone());
                out.push(place.clone());
                out.extend(after.iter().cloned());
                out
            }
            _ => toks,
        }
    }

    /// "Alibaba's cloud unit overhaul": a name right before the name of a
    /// happening that a fact links to it is the happening's own name.
    /// ("Why was Alibaba's cloud unit overhauled?" asks the reason of
    /// the fact between the two.)
    fn event_of_name(&self, store: &Store, toks: Vec<Tok>) -> anyhow::Result<Vec<Tok>> {
        let Some(event) = self.cat.lex.event_kind.as_deref() else { return Ok(toks) };
        if toks.iter().any(|t| matches!(t, Tok::Wh(Wh::Why | Wh::When | Wh::HowLong))) {
            return Ok(toks);
        }
        let at = toks.windows(2).position(|w| match w {
            [Tok::Ent(a, _), Tok::Ent(b, _)] => a.len() == 1 && b.len() == 1 && self.cat.kind(&b[0]) == Some(event) && self.cat.kind(&a[0]) != Some(event),
            _ => false,
        });
        let Some(at) = at else { return Ok(toks) };
        let (Tok::Ent(a, first), Tok::Ent(b, second)) = (&toks[at], &toks[at + 1]) else { return Ok(toks) };
        if !store.facts_about(&b[0], None)?.iter().any(|f| f.object.entity() == Some(a[0].as_str())) {
            return Ok(toks);
        }
        let merged = Tok::Ent(b.clone(), format!("{first} {second}"));
        let mut out = toks;
        out.splice(at..at + 2, [merged]);
        Ok(out)
    }

    /// "Where was the conference held in July 2023?": the date of a
    /// question's one happening, said again, is dropped when the
    /// happening's own dates lie within it (and kept, to be read or
    /// declined, when they do not).
    fn event_date_said(&self, store: &Store, toks: Vec<Tok>) -> anyhow::Result<Vec<Tok>> {
        let Some(event) = self.cat.lex.event_kind.as_deref() else { return Ok(toks) };
        let events: Vec<&String> = toks.iter().filter_map(|t| if let Tok::Ent(ids, _) = t { (ids.len() == 1 && self.cat.kind(&ids[0]) == Some(event)).then(|| &ids[0]) } else { None }).collect();
        let [e] = events.as_slice() else { return Ok(toks) };
        // A date, or a month named alone ("the outage in December").
        let month = |t: &Tok| if let Tok::Unknown(w) = t { crate::knowledge::Date::month_number(w) } else { None };
        let Some(at) = toks.iter().position(|t| matches!(t, Tok::Date(_)) || month(t).is_some()) else { return Ok(toks) };
        // The preposition before it, or a relation phrase ending in one
        // ("happen in"), which is read without it.
        let before = match toks.get(at.wrapping_sub(1)) {
            Some(Tok::Prep(lexer::Prep::In | lexer::Prep::Other)) => Some(None),
            Some(Tok::Rel(_, surface)) if month(&toks[at]).is_some() => surface
                .strip_suffix(" in")
                .and_then(|head| match self.exact_tokens(head).as_slice() {
                    [Tok::Rel(short, _)] => Some(Some(Tok::Rel(short.clone(), head.to_string()))),
                    _ => None,
                }),
            _ => None,
        };
        let Some(before) = before else { return Ok(toks) };
        if toks.iter().filter(|t| matches!(t, Tok::Date(_)) || month(t).is_some()).count() > 1 {
            return Ok(toks);
        }
        let dates: Vec<crate::knowledge::Date> = store
            .facts_about(e, None)?
            .iter()
            .filter(|f| self.cat.lex.relation(&f.relation).is_some_and(|r| r.value == crate::knowledge::lexicon::ValueType::Date))
            .filter_map(|f| f.dated())
            .collect();
        let fits = |x: &crate::knowledge::Date| match (&toks[at], month(&toks[at])) {
            (Tok::Date(d), _) => x.within(d),
            (_, Some(m)) => x.month == Some(m),
            _ => false,
        };
        if dates.is_empty() || !dates.iter().all(fits) {
            return Ok(toks);
        }
        let mut out = toks;
        match before {
            None => {
                out.drain(at - 1..=at);
            }
            Some(shorter) => {
                out[at - 1] = shorter;
                out.remove(at);
            }
        }
        Ok(out)
    }

    /// "Which outlet reported that Zhang left on transition day?": a name
    /// that fits several things means the one a fact links to another
    /// name of the question, when exactly one is linked.
    /// Tried only where the reading is otherwise ambiguous, so that the
    /// kinds a relation takes decide first; a class is no link (its
    /// members are many). None when nothing is narrowed.
    pub(crate) fn narrow_by_links(&self, store: &Store, toks: &[Tok]) -> anyhow::Result<Option<Vec<Tok>>> {
        let others: Vec<String> = toks
            .iter()
            .filter_map(|t| if let Tok::Ent(ids, _) = t { (ids.len() == 1 && !self.cat.classes.contains(&ids[0])).then(|| ids[0].clone()) } else { None })
            .collect();
        if others.is_empty() {
            return Ok(None);
        }
        let mut changed = false;
        let mut out = Vec::with_capacity(toks.len());
        for t in toks.iter().cloned() {
            let Tok::Ent(ids, span) = t else {
                out.push(t);
                continue;
            };
            let mut hits = Vec::new();
            for id in ids.iter().filter(|_| ids.len() > 1) {
                let near = |a: &str, b: &str| -> anyhow::Result<bool> { Ok(store.facts_about(a, None)?.iter().any(|f| f.object.entity() == Some(b))) };
                let mut linked = false;
                for o in &others {
                    if near(id, o)? || near(o, id)? {
                        linked = true;
                        break;
                    }
                }
                if linked {
                    hits.push(id.clone());
                }
            }
            if ids.len() > 1 && hits.len() == 1 {
                changed = true;
                out.push(Tok::Ent(hits, span));
            } else {
                out.push(Tok::Ent(ids, span));
            }
        }
        Ok(changed.then_some(out))
    }

    /// "When did X start leading Y?", "when did she stop working there?":
    /// an aspect verb right before a verb in -ing asks when the second
    /// verb's state began or ended. The aspect verb is dropped and its
    /// time returned; any other question keeps its words (the time would
    /// replace a date it gives: "who started working there in 2019").
    pub(crate) fn aspect(&self, toks: Vec<Tok>) -> (Vec<Tok>, Option<(String, Time)>) {
        if !toks.iter().any(|t| matches!(t, Tok::Wh(Wh::When))) {
            return (toks, None);
        }
        let time_of = |w: &str| {
            if self.lang.began_verbs.iter().any(|v| v == w) {
                Some(Time::Began)
            } else if self.lang.ended_verbs.iter().any(|v| v == w) {
                Some(Time::Ended)
            } else {
                None
            }
        };
        let found = toks.windows(2).enumerate().find_map(|(i, w)| match (&w[0], &w[1]) {
            (Tok::Rel(_, a) | Tok::Unknown(a), Tok::Rel(_, b)) if b.split(' ').next().is_some_and(|v| v.len() > 4 && v.ends_with("ing")) => time_of(a).map(|t| (i, a.clone(), t)),
            _ => None,
        });
        match found {
            Some((i, word, t)) => {
                let mut toks = toks;
                toks.remove(i);
                (toks, Some((word, t)))
            }
            None => (toks, None),
        }
    }

    /// "What else does that company own?": the values leave out the
    /// entities the conversation already has in play (the last topic and
    /// the last answer), unless the question names them itself.
    pub(crate) fn leave_out_named(&self, plain: &str, mut q: grammar::Query, conv: &Conversation) -> grammar::Query {
        if !self.else_words.iter().any(|w| plain.contains(w.as_str())) {
            return q;
        }
        let named: Vec<String> = q.entities().iter().map(|e| e.to_string()).collect();
        if let grammar::Ask::Values(set) = &mut q.ask {
            for e in [&conv.focus, &conv.answer_focus].into_iter().flatten() {
                if !named.contains(e) {
                    *set = grammar::Set::Without(Box::new(set.clone()), e.clone());
                }
            }
        }
        q
    }

    /// Whether a time word is one of those that, when no relation takes
    /// it, leave a reading that must have one value ("Jia's new
    /// start-up").
    pub(crate) fn sole_time_word(&self, word: &str) -> bool {
        self.lang.sole_time_words.iter().any(|w| normalize(w) == word)
    }

    /// Whether a prepared question's time word is one no relation of the
    /// query takes, so that its answer must be one value.
    pub(crate) fn needs_one_value(&self, p: &Prepared, q: &Query) -> bool {
        p.time_word.as_ref().is_some_and(|(w, t)| self.sole_time_word(w) && !q.clone().retime(&|rel| self.changes(rel), t) && by_relations(q))
    }

    /// "Is he going to leave?", "who is expected to leave?": the text
    /// without the language's prospective phrase before a verb, and the
    /// phrase. None when it has none.
    pub(crate) fn without_prospective(&self, text: &str) -> Option<(String, String)> {
        // Most questions have none: look before splitting the words.
        let whole = format!(" {} ", normalize(text));
        if !self.lang.prospective.iter().any(|p| whole.contains(&format!(" {p} "))) {
            return None;
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let plain: Vec<String> = words.iter().map(|w| normalize(w)).collect();
        let is_verb = |t: &Tok| matches!(t, Tok::Rel(ms, _) if ms.iter().any(|m| m.role.verb()));
        for phrase in &self.lang.prospective {
            let want: Vec<&str> = phrase.split(' ').collect();
            if let Some(at) = plain.windows(want.len()).position(|w| w.iter().zip(&want).all(|(a, b)| a == b)) {
                // A verb must follow: "going to Beijing" goes somewhere.
                let after = words[at + want.len()..].join(" ");
                let verb = match self.tokens(&after).first() {
                    Some(Tok::Aux(a)) => matches!(a, lexer::Aux::Be | lexer::Aux::Become | lexer::Aux::Have),
                    first => first.is_some_and(is_verb),
                };
                // Not in the clause of another verb ("which outlet reported
                // that he was going to start a business?"): that verb's
                // facts say what was reported, not what is expected.
                if !verb || self.tokens(&words[..at].join(" ")).iter().any(is_verb) {
                    return None;
                }
                let rest: Vec<&str> = words[..at].iter().chain(&words[at + want.len()..]).copied().collect();
                return Some((rest.join(" "), phrase.clone()));
            }
        }
        None
    }

    /// A word outside the question's names that asks for ended facts
    /// ("former") or for facts that hold now ("current", "now").
    pub(crate) fn time_word(&self, plain: &str, text: &str, toks: &[Tok]) -> Option<(String, Time)> {
        let time_of = |w: &str| {
            if self.former.contains(w) {
                Some(Time::Ended)
            } else if self.current.contains(w) {
                Some(Time::Current)
            } else {
                None
            }
        };
        // Most questions have none: look before cleaning the text again.
        if !plain.split(' ').any(|w| time_of(w).is_some()) {
            return None;
        }
        let mut cleaned = format!(" {} ", self.clean(text));
        for t in toks {
            if let Tok::Ent(_, span) = t {
                cleaned = cleaned.replacen(&format!(" {span} "), " ", 1);
            }
        }
        cleaned.split(' ').find_map(|w| time_of(w).map(|t| (w.to_string(), t)))
    }

    /// Reads a statement for /teach and /forget: between two names ("Wang
    /// Wu heads the robotics lab"), or with a date or a number as its
    /// object ("Qwen was released in May 2024", "GPT-5 has 2 trillion
    /// parameters"), as the relation's value type in the lexicon says.
    /// Questions and negations are refused.
    /// Names are read exactly as written: a name the store does not have
    /// is a new one (see [`Reader::near_names`] for known names close to it).
    pub fn statement(&self, text: &str) -> Result<Statement, String> {
        let toks = self.exact_tokens(text);
        if text.trim_end().ends_with('?') || matches!(toks.first(), Some(Tok::Wh(_))) {
            return Err("That reads like a question; /teach and /forget take a statement, such as \"Wang Wu heads the robotics lab\".".into());
        }
        if toks.iter().any(|t| matches!(t, Tok::Not)) {
            return Err("I can only be taught what is so, not what is not; to retract a fact, use /forget with the fact itself.".into());
        }
        match statement::read(self, text) {
            statement::Read::Literal(st) => Ok(*st),
            statement::Read::Refused(reason) => Err(reason),
            // Between two names; when that fails and the relation could
            // also take a date or a number, say what was missing for it.
            statement::Read::Names(missing) => grammar::statement(self, text)
                .and_then(|st| statement::check_kinds(self, st))
                .map_err(|reason| missing.unwrap_or(reason)),
        }
    }

    pub(crate) fn new_entity(&self, name: &str, kind: &str) -> Entity {
        let mut id = slug(name);
        if id.is_empty() {
            id = "entity".into();
        }
        Entity { id, name: name.to_string(), kind: kind.to_string(), aliases: vec![] }
    }
}

/// A question's words made ready for the readings: the text (with a
/// possessive kind said another way), its normalised form, its tokens
/// (the cardinal before the noun asked for taken out, light verbs,
/// possessives, compounds and role phrases read), and its time word.
pub(crate) struct Prepared {
    /// The text as read.
    pub text: String,
    /// Its normalised form, padded with spaces.
    pub plain: String,
    /// Its tokens.
    pub toks: Vec<Tok>,
    /// "the three units": the number of answers it expects.
    pub cardinal: Option<usize>,
    /// Possessives read into the name after them.
    pub owned: Owned,
    /// A word that sets the time of the reading ("former", "now", "as
    /// CEO"), with the time.
    pub time_word: Option<(String, Time)>,
}

impl Prepared {
    /// The same question with other tokens.
    pub(crate) fn with_toks(&self, toks: Vec<Tok>) -> Prepared {
        Prepared { text: self.text.clone(), plain: self.plain.clone(), toks, cardinal: self.cardinal, owned: self.owned.clone(), time_word: self.time_word.clone() }
    }
}

impl Reader {
    /// The question made ready for reading; None when no word of it is
    /// left to read.
    pub(crate) fn prepare(&self, store: &Store, text: &str) -> anyhow::Result<Option<Prepared>> {
        let trimmed = text.trim();
        let owners = self.possessive_kinds(trimmed);
        let trimmed = owners.as_deref().unwrap_or(trimmed);
        let unplanned = self.without_prospective(trimmed);
        let trimmed = unplanned.as_ref().map_or(trimmed, |(t, _)| t.as_str());
        // The question normalised once, padded, for the word lists below.
        let plain = format!(" {} ", normalize(trimmed));
        let (toks, cardinal) = self.take_cardinal(trimmed, self.tokens(trimmed));
        let toks = crate::understand::grammar::without_light_verb(self, toks);
        let toks = self.fronted_kind(toks);
        let toks = Self::copula_relative(toks);
        let toks = Self::fronted_place(toks);
        let toks = self.copula_place(toks);
        let (toks, owned) = self.possessive_names(store, trimmed, toks)?;
        let toks = self.event_of_name(store, toks)?;
        let toks = self.without_own(&plain, toks);
        let toks = self.place_compound(trimmed, toks);
        let toks = crate::understand::purpose_question(&plain, toks);
        let (toks, role_time) = self.as_role(&plain, toks);
        let (toks, role_time) = match role_time {
            Some(t) => (toks, Some(("as".to_string(), t))),
            None => self.aspect(toks),
        };
        let toks = self.preposition_before_date(toks);
        let mut toks = self.event_date_said(store, toks)?;
        if crate::understand::degree::back_reference(self, &toks).is_some() {
            toks.truncate(toks.len() - 2);
        }
        // A role that ended filters holders, and dates "when" by its end;
        // "how long" asks about the whole interval.
        let asks_time = toks.iter().any(|t| matches!(t, Tok::Wh(Wh::HowLong)));
        let role_time = role_time.filter(|_| !asks_time);
        let time_word = self.time_word(&plain, trimmed, &toks).or(role_time).or(unplanned.as_ref().map(|(_, w)| (w.clone(), Time::Expected)));
        // A time word that is no stopword here (the first word of a
        // class's name: "new" of "the new AI tigers") is the time word
        // where no name takes it ("the new CEO").
        if let Some((w, _)) = &time_word {
            toks.retain(|t| !matches!(t, Tok::Unknown(u) if u == w));
        }
        if toks.is_empty() {
            return Ok(None);
        }
        Ok(Some(Prepared { text: trimmed.to_string(), plain, toks, cardinal, owned, time_word }))
    }

    /// The clause grammar's reading of a prepared question, with its time
    /// word, and the readings that stand in for it where it explains too
    /// little (a kind in a place, the object of a name's verb, a
    /// negation), checked by the precision guard.
    pub(crate) fn read_query(&self, p: &Prepared, conv: &Conversation) -> Result<Query, grammar::NotUnderstood> {
        let Prepared { text: trimmed, toks, time_word, .. } = p;
        let (trimmed, toks) = (trimmed.as_str(), toks.as_slice());
        // "the former CEO", "who leads it now": the time word sets the
        // time of the outermost join; a reading with no join for it
        // leaves the word unexplained. (The readings that stand in for
        // the grammar's below take it too.)
        let timed = |mut q: Query| match &time_word {
            Some((word, time)) => {
                // What is expected may be a happening or a state.
                let takes = |rel| matches!(time, Time::Expected) || self.changes(rel);
                // ("Who reported that he was going to start a business?":
                // a reading with no join of its own for what is expected
                // takes the phrase as said.)
                if q.retime(&takes, time) || matches!(time, Time::Expected) || (self.sole_time_word(word) && by_relations(&q)) {
                    Ok(q)
                } else {
                    Err(grammar::NotUnderstood::Unexplained(guard::Gap { missing: vec![word.clone()], understood: vec![] }))
                }
            }
            None => Ok(q),
        };
        let query = grammar::read(self, toks, conv, trimmed).and_then(timed);
        // "When did X become CEO?": the start of the role, never its end
        // (a role known only to have ended has no answer).
        let began = toks.iter().any(|t| matches!(t, Tok::Wh(Wh::When))) && toks.iter().any(|t| matches!(t, Tok::Aux(lexer::Aux::Become)));
        let query = query.map(|mut q| {
            if began {
                q.retime(&|rel| self.changes(rel), &Time::Began);
            }
            q
        });
        // "What are the rivers in Texas?": a kind and a place, which the
        // clause grammar reads as a description of the place.
        let unexplained = |q: &grammar::Query| matches!(q.ask, grammar::Ask::Describe(_)) || guard::check_typed(self, toks, q).is_err();
        let query = match (&query, degree::kind_in_place(self, toks)) {
            (Err(_), Some(s)) | (Ok(_), Some(s)) if query.as_ref().map_or(true, unexplained) => {
                let ask = if toks.iter().any(|t| matches!(t, Tok::Wh(Wh::HowMany))) { grammar::Ask::Count(s) } else { grammar::Ask::Values(s) };
                Ok(grammar::Query { ask, past: grammar::is_past(self, toks) })
            }
            _ => query,
        };
        // "What is the NLP model Alibaba introduced in 2021?": the object
        // of the name's verb.
        let unread = query.as_ref().map_or(true, |q| guard::check_typed(self, toks, q).is_err());
        let query = match unread.then(|| degree::object_relative(self, toks, conv)).flatten() {
            Some(q) => Ok(q),
            None => query,
        };
        let query = query.and_then(timed);
        tracing::debug!(?toks, ?query, "question read");
        // The precision guard: a reading that leaves content words
        // unexplained does not answer.
        let query = query.and_then(|q| guard::check_typed(self, toks, &q).map(|()| q));
        // "What is Jia's start-up about?": a preposition left at the end
        // asks about the thing, which its name does not say (a
        // description does, or a relation read with the word: "words
        // describing what X is about").
        let stranded = self.lang.stranded_words.iter().find(|w| p.plain.trim_end().ends_with(&format!(" {}", normalize(w)))).filter(|_| p.plain.split_whitespace().count() > 3);
        let query = query.and_then(|q| match (&q.ask, stranded) {
            (Ask::Values(s) | Ask::Count(s), Some(w)) if !matches!(s.unfiltered(), grammar::Set::Join { .. }) => Err(grammar::NotUnderstood::Unexplained(guard::Gap { missing: vec![w.clone()], understood: vec![] })),
            _ => Ok(q),
        });
        tracing::debug!(?query, "guarded");
        // "Which states do not border Texas?", "what state has no rivers?":
        // every member of the kind but those the question without the
        // negation names, where the store holds both whole.
        match query {
            Err(e) => self.negated(toks, conv).ok_or(e),
            ok => ok,
        }
    }
}

/// "What did X leave Alibaba to do?", "what did X leave it for?": a
/// purpose, asked as "why".
pub(crate) fn purpose_question(plain: &str, mut toks: Vec<Tok>) -> Vec<Tok> {
    let did = matches!(toks.get(1), Some(Tok::Aux(lexer::Aux::Did | lexer::Aux::Do)));
    if !did || !matches!(toks.first(), Some(Tok::Wh(Wh::What))) {
        return toks;
    }
    let n = toks.len();
    let drop = if plain.ends_with(" to do ") && matches!(&toks[n.saturating_sub(2)..], [Tok::Prep(_), Tok::Aux(lexer::Aux::Do)]) {
        2
    } else if plain.ends_with(" for ") && matches!(&toks[n.saturating_sub(2)..], [Tok::Ent(..), Tok::Prep(lexer::Prep::Of)]) {
        1
    } else {
        return toks;
    };
    toks.truncate(n - drop);
    toks[0] = Tok::Wh(Wh::Why);
    toks
}

/// Whether a query reads its values through relation joins only, with no
/// "anything linked to" set: a time word no relation takes may then
/// only say that its one value is recent.
fn by_relations(q: &Query) -> bool {
    fn walk(s: &crate::query::Set) -> bool {
        !matches!(s, crate::query::Set::Linked(_)) && s.children().into_iter().all(walk)
    }
    q.joins() > 0 && q.ask.sets().into_iter().all(walk)
}

/// Whether `to` is one fact away from `from` (either way round), or two
/// (out and then forward: the hybrid cloud unit is part of Alibaba Cloud,
/// which is part of Alibaba), never passing through an entity of `avoid`.
pub(crate) fn linked(store: &Store, from: &str, to: &str, avoid: &[String]) -> anyhow::Result<bool> {
    let mut first: Vec<String> = store.facts_about(from, None)?.into_iter().filter_map(|f| f.object.entity().map(String::from)).collect();
    first.extend(store.facts_with_object(&Value::Entity(from.to_string()), None)?.into_iter().map(|f| f.subject));
    if first.iter().any(|x| x == to) {
        return Ok(true);
    }
    for mid in first.iter().filter(|m| !avoid.contains(m)).take(50) {
        if store.facts_about(mid, None)?.iter().any(|f| f.object.entity() == Some(to)) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn number_word_here(w: &str) -> bool {
    lexer::number_word(w).is_ok()
}

/// `text` with some words replaced: `f` gets each word without its
/// punctuation and may give what stands in its place ("alibabas?" ->
/// "alibaba's?"). None when no word is replaced.
fn rewrite_words(text: &str, mut f: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = text
        .split_whitespace()
        .map(|raw| {
            let core = raw.trim_matches(|c: char| !c.is_alphanumeric());
            match (!core.is_empty()).then(|| f(core)).flatten() {
                Some(new) => {
                    changed = true;
                    raw.replacen(core, &new, 1)
                }
                None => raw.to_string(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}
