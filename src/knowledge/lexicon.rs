//! The lexicon: relations, entity kinds and the words people use for them.
//!
//! A lexicon is a TOML file in `data/` (or a knowledge pack). The code knows
//! no relation by name: everything a relation means to the question reader
//! (its verbs, its nouns, its sentence templates, whether it holds one value
//! at a time) is declared here. Several lexicon files merge into one.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What type of value a relation's object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// An entity of one of the relation's object kinds.
    #[default]
    Entity,
    /// A number, with the relation's unit.
    Number,
    /// A date.
    Date,
    /// Short free text.
    Text,
}

/// Which side of a relation holds one value at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Single {
    /// Many values on both sides.
    #[default]
    None,
    /// One object per subject at a time (MiniMax is based in one city).
    Object,
    /// One subject per object at a time (a company has one CEO at a time).
    Subject,
}

/// One relation, as declared in a lexicon file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// The relation's name, used in knowledge files: `leads`.
    pub name: String,
    /// The kinds its subject may have (empty: any kind).
    #[serde(default)]
    pub subject: Vec<String>,
    /// The kinds its object may have, when the object is an entity.
    #[serde(default)]
    pub object: Vec<String>,
    /// The type of the object.
    #[serde(default)]
    pub value: ValueType,
    /// The unit of a numeric object ("parameters", "years").
    #[serde(default)]
    pub unit: Option<String>,
    /// Which side holds one value at a time, so that disagreement and
    /// "no" answers can be told apart from mere absence.
    #[serde(default)]
    pub single: Single,
    /// Statement template in the present tense: "{s} leads {o}".
    pub present: String,
    /// Statement template in the past tense: "{s} led {o}".
    #[serde(default)]
    pub past: Option<String>,
    /// The relation read backwards, for documentation and replies: "led by".
    #[serde(default)]
    pub inverse: Option<String>,
    /// Verb phrases whose grammatical subject is the fact's subject, in
    /// base form and irregular forms: "lead", "led", "report to".
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Verb phrases whose grammatical subject is the fact's object: for
    /// `directed_by` (movie, person), "direct".
    #[serde(default)]
    pub inverse_verbs: Vec<String>,
    /// Nouns that name the subject given the object: for `ceo_of`
    /// (person, company), "CEO" as in "the CEO of Alibaba".
    #[serde(default)]
    pub subject_nouns: Vec<String>,
    /// Nouns that name the object given the subject: for `based_in`,
    /// "headquarters"; for `directed_by`, "director".
    #[serde(default)]
    pub object_nouns: Vec<String>,
    /// How a fact marked `expected` is said ("{s} was expected to leave
    /// {o}"); without it, "{s} was expected to VERB {o}" with the first
    /// verb.
    #[serde(default)]
    pub expected: Option<String>,
    /// A job title the relation confers on its subject ("CEO"), for
    /// questions about someone's title or role.
    #[serde(default)]
    pub title: Option<String>,
    /// Whether the relation places its subject somewhere, so that "where"
    /// questions about an event can use it.
    #[serde(default)]
    pub location: bool,
    /// Whether its facts hold for all time (a film's director): they take
    /// no since/until/on dates, and questions need not filter them by time,
    /// which lets a chain of joins skip reading the facts it passes through.
    #[serde(default)]
    pub timeless: bool,
    /// Whether its facts are events that happen at one date (left,
    /// joined, founded) rather than states that hold over an interval
    /// (leads, CEO of). "In 2024" asks for events dated within 2024, and
    /// an undated event is never placed in a year; a state holds in 2024
    /// when its interval overlaps it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub event: bool,
    /// Whether the store holds all of the relation's facts (a closed
    /// knowledge base), so that "how many" can count them. News facts
    /// name some of a company's staff, never all: without this flag a
    /// count over the relation is declined, with the ones known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complete: bool,
    /// A number relation that is one relation's total over another's:
    /// `["population", "area"]` for density. A set of things with no value
    /// of their own (a country, from its states) gets the ratio of the
    /// totals over its members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratio: Vec<String>,
    /// Whether its verbs end a role said after "as" ("stepped down as
    /// Alibaba's CEO": the CEO of Alibaba who no longer is).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ends: bool,
    /// How much the relation says about an entity, for descriptions
    /// ("Who is X?"): higher comes first; 0 leaves it out.
    #[serde(default = "default_salience")]
    pub salience: u8,
}

fn default_salience() -> u8 {
    5
}

impl Relation {
    /// Renders a statement from the template for the tense.
    pub fn sentence(&self, past: bool, subject: &str, object: &str) -> String {
        let template = if past { self.past.as_deref().unwrap_or(&self.present) } else { &self.present };
        fill(template, subject, object)
    }

    /// Whether its facts change with time: a state between two things
    /// (a role, an employer), not an event or a timeless fact.
    pub fn changes(&self) -> bool {
        !self.timeless && !self.event && self.value == ValueType::Entity
    }

    /// A statement of what was expected, not done ("Zhou Chang was
    /// expected to leave Alibaba"): the `expected` template, else "was
    /// expected to" and the first verb, else the past.
    pub fn expected_sentence(&self, subject: &str, object: &str) -> String {
        let template = self.expected.clone().or_else(|| self.verbs.first().map(|v| format!("{{s}} was expected to {v} {{o}}")));
        match template {
            Some(t) => fill(&t, subject, object),
            None => self.sentence(true, subject, object),
        }
    }

    /// Like [`Relation::sentence`], with the verb after a plural subject
    /// agreeing with it ("Qwen-7B and M6 are made by Alibaba").
    pub fn sentence_agreeing(&self, past: bool, subject: &str, object: &str, plural: bool) -> String {
        let template = if past { self.past.as_deref().unwrap_or(&self.present) } else { &self.present };
        let template = match template.strip_prefix("{s} ") {
            Some(rest) if plural => {
                let (verb, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                let sep = if tail.is_empty() { "" } else { " " };
                // Several are "among" the class, not each "one of" it.
                let tail = match tail.strip_prefix("one of ") {
                    Some(rest) => format!("among {rest}"),
                    None => tail.to_string(),
                };
                format!("{{s}} {}{sep}{tail}", plural_verb(verb, &self.verbs))
            }
            _ => template.to_string(),
        };
        fill(&template, subject, object)
    }
}

/// Fills a sentence template; a day's date takes "on", not "in" ("was
/// announced on 21 March 2023").
fn fill(template: &str, subject: &str, object: &str) -> String {
    let day = object.split(' ').next().is_some_and(|w| !w.is_empty() && w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit())) && object.split(' ').count() == 3;
    let template = if day { template.replace("in {o}", "on {o}") } else { template.to_string() };
    template.replace("{s}", subject).replace("{o}", object)
}

/// The form of a finite verb after a plural subject: "is" -> "are", and
/// a third-person form of one of the relation's own verbs to that verb
/// ("leads" -> "lead", "focuses" -> "focus on"'s "focus"); any other form
/// ("led") as it is.
fn plural_verb(verb: &str, bases: &[String]) -> String {
    match verb {
        "is" => return "are".into(),
        "was" => return "were".into(),
        "has" => return "have".into(),
        "does" => return "do".into(),
        _ => {}
    }
    let third_person = |base: &str| {
        verb.strip_prefix(base).is_some_and(|end| end == "s" || end == "es")
            || base.strip_suffix('y').is_some_and(|b| verb.strip_prefix(b) == Some("ies"))
    };
    bases
        .iter()
        .filter_map(|p| p.split_whitespace().next())
        .find(|base| third_person(base))
        .map_or_else(|| verb.to_string(), String::from)
}

/// The vocabulary of a language: question words, fillers, pronouns.
/// Language files are shared by every domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Contractions expanded before reading: "who's" -> "who is".
    #[serde(default)]
    pub contractions: BTreeMap<String, String>,
    /// Words and phrases removed before reading ("please", "could you tell me").
    #[serde(default)]
    pub fillers: Vec<String>,
    /// Phrases that ask for a description of an entity ("tell me about").
    #[serde(default)]
    pub describe: Vec<String>,
    /// Phrases that start a list request ("list", "name", "which are").
    #[serde(default)]
    pub list: Vec<String>,
    /// Nouns that ask for someone's title or role.
    #[serde(default)]
    pub title_nouns: Vec<String>,
    /// Words to skip inside a relation phrase: determiners, possessive
    /// pronouns, a few adjectives ("took direct control of").
    #[serde(default)]
    pub skippable: Vec<String>,
    /// Pronouns that refer to the entity last in play.
    #[serde(default)]
    pub pronouns: Vec<String>,
    /// Irregular past-tense verb forms ("led", "took"); regular ones end
    /// in "-ed".
    #[serde(default)]
    pub past_forms: Vec<String>,
    /// The pronouns among `pronouns` that refer to people ("he", "her").
    #[serde(default)]
    pub personal_pronouns: Vec<String>,
    /// The pronouns among `pronouns` that are possessive ("his", "its").
    #[serde(default)]
    pub possessive_pronouns: Vec<String>,
    /// The pronouns among `pronouns` that may stand for several things
    /// named by the last answer ("how many parameters do they have?").
    #[serde(default)]
    pub plural_pronouns: Vec<String>,
    /// Phrases that start an elliptical follow-up ("what about", "and").
    #[serde(default)]
    pub follow_ups: Vec<String>,
    /// Words that carry no content for the reader (articles, auxiliaries).
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Words that make a relation reciprocal: "share", "same", "together"
    /// ("films that share directors with X", "who acted together with X").
    /// The relation is followed there and back.
    #[serde(default)]
    pub reciprocal: Vec<String>,
    /// Prefixes that make a relation verb or noun reciprocal: "co-"
    /// ("co-starred", "co-writers").
    #[serde(default)]
    pub reciprocal_prefixes: Vec<String>,
    /// The reply used when nothing is known, with `{what}`.
    #[serde(default)]
    pub help: String,
    /// Words that ask for facts that have ended ("the former CEO").
    #[serde(default)]
    pub former: Vec<String>,
    /// Words that ask for facts that hold now ("the current CEO", "now").
    #[serde(default)]
    pub current: Vec<String>,
    /// Phrases before a verb that ask for what the sources expect or
    /// plan ("is he going to leave?", "who is expected to leave?").
    #[serde(default)]
    pub prospective: Vec<String>,
    /// Prepositions that, left at the end of a question ("what is X's
    /// start-up about?"), ask what the thing is about: never answered by
    /// a name alone.
    #[serde(default)]
    pub stranded_words: Vec<String>,
    /// Indefinite pronouns after the auxiliary of a yes/no question, with
    /// the question word that asks for them: "did anyone leave X?" is
    /// answered yes by "who left X?".
    #[serde(default)]
    pub indefinites: BTreeMap<String, String>,
    /// Time words that, where no relation of the reading changes, say
    /// only that the one thing asked is recent ("Jia's new start-up"):
    /// the reading stands when it has one value, and is declined when it
    /// has several ("which models are new?").
    #[serde(default)]
    pub sole_time_words: Vec<String>,
    /// Verbs of aspect before another verb in a "when" question: "when
    /// did X start leading Y" asks when the state began.
    #[serde(default)]
    pub began_verbs: Vec<String>,
    /// The same for the end: "when did X stop working at Y".
    #[serde(default)]
    pub ended_verbs: Vec<String>,
    /// Phrases replaced before reading, after contractions: "back in" ->
    /// "in".
    #[serde(default)]
    pub rewrites: BTreeMap<String, String>,
    /// Phrases that ask for something's name ("the name of", "what is X
    /// called"): a value whose name only describes it from the question's
    /// own names ("Jia Yangqing's AI start-up") is not one.
    #[serde(default)]
    pub name_asks: Vec<String>,
    /// Words that leave out what the conversation already named ("what
    /// else does it own?").
    #[serde(default)]
    pub else_words: Vec<String>,
    /// Nouns that ask for a date ("year", "date"): "GPT-3 launch year?".
    #[serde(default)]
    pub date_nouns: Vec<String>,
    /// Verbs with little meaning of their own ("hold", "have"): in "what
    /// position did X hold" the relation noun after the question word
    /// carries the relation, and the verb is read as part of it.
    #[serde(default)]
    pub light_verbs: Vec<String>,
    /// Light verbs of taking a role or degree ("get", "take"), read as
    /// light only when the question gives no date.
    #[serde(default)]
    pub taking_verbs: Vec<String>,
    /// Prepositions that "where" stands for at the end of a relation
    /// phrase: "Where did X do his PhD?" reads "do PhD at".
    #[serde(default)]
    pub place_particles: Vec<String>,
    /// Phrases that attribute a claim to a name ("according to X"): for
    /// the paraphrase ranker the name must be a side of the fact, and the
    /// phrase itself asks nothing.
    #[serde(default)]
    pub attributions: Vec<String>,
    /// Words that are a pronoun for a thing when they end a question
    /// ("Who reported that?"), and a relative marker elsewhere.
    #[serde(default)]
    pub final_pronouns: Vec<String>,
    /// Words that ask where the last answer comes from ("source", "how
    /// ... know", "reported"): a cue of several words needs them all.
    #[serde(default)]
    pub provenance_cues: Vec<String>,
    /// The other words such a question may have ("what is your source
    /// for that?"): a question with any word outside these and the cues
    /// asks something else.
    #[serde(default)]
    pub provenance_words: Vec<String>,
    /// Words before a kind noun that leave out the thing the question is
    /// about ("the states bordering other states"), which a relation
    /// between two things does anyway: they ask nothing.
    #[serde(default)]
    pub others: Vec<String>,
    /// Words of degree that hold for any measure: superlatives,
    /// comparatives, bounds and totals.
    #[serde(default)]
    pub degree: DegreeWords,
    /// Words of questions about the time between two happenings.
    #[serde(default)]
    pub elapsed: ElapsedWords,
    /// Prefixes that exclude what is linked to the name after them: "a
    /// non-Alibaba model" is a model no fact links to Alibaba.
    #[serde(default)]
    pub non_prefixes: Vec<String>,
    /// Words that leave out what follows them: "models other than GPT-3".
    #[serde(default)]
    pub except: Vec<String>,
    /// Prepositions read at the end of their clause when they come before
    /// a question or relative word: "the states through which the river
    /// runs" is "the states which the river runs through", "to whom does
    /// he report" is "whom does he report to".
    #[serde(default)]
    pub fronted_prepositions: Vec<String>,
    /// The question and relative words a fronted preposition comes before.
    #[serde(default)]
    pub fronted_before: Vec<String>,
    /// Words that give a thing's name after a kind noun: "a city named
    /// Springfield", "rivers called Colorado".
    #[serde(default)]
    pub naming: Vec<String>,
    /// Words before a noun that make it any one of its kind: "a city
    /// named Springfield" is any city of that name.
    #[serde(default)]
    pub indefinite: Vec<String>,
    /// Units of measure, for answers asked in another unit ("how long is
    /// the Mississippi in miles?").
    #[serde(default)]
    pub units: Vec<Unit>,
}

/// A unit of measure: its names, what it measures and its size in that
/// dimension's base unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// How it is written: "km", "kilometres", "kilometers".
    pub names: Vec<String>,
    /// What it measures: "length", "area".
    pub dimension: String,
    /// Its size in the base unit of the dimension (metres for length).
    pub size: f64,
}

/// Words of degree that hold for any measure ("the most parameters", "more
/// than 100", "came out first"). The measure comes from the relation
/// noun or verb next to them; the lexicon's [`Degree`] adjectives carry
/// their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DegreeWords {
    /// The greatest: "most", "highest".
    #[serde(default)]
    pub most: Vec<String>,
    /// The least: "least", "fewest".
    #[serde(default)]
    pub least: Vec<String>,
    /// More: "more", "greater".
    #[serde(default)]
    pub more: Vec<String>,
    /// Less: "less", "fewer".
    #[serde(default)]
    pub less: Vec<String>,
    /// The earliest date: "first", "earliest".
    #[serde(default)]
    pub earliest: Vec<String>,
    /// The latest date: "last", "latest".
    #[serde(default)]
    pub latest: Vec<String>,
    /// The word after a comparative: "than".
    #[serde(default)]
    pub than: Vec<String>,
    /// A lower bound before a number: "over", "more than".
    #[serde(default)]
    pub over: Vec<String>,
    /// An upper bound before a number: "under", "less than".
    #[serde(default)]
    pub under: Vec<String>,
    /// A sum: "combined", "total".
    #[serde(default)]
    pub total: Vec<String>,
    /// Earlier than, in a yes/no question: "Was A released before B?".
    #[serde(default)]
    pub before: Vec<String>,
    /// Later than: "Did A join after B?".
    #[serde(default)]
    pub after: Vec<String>,
    /// The word before an adjective's plain form that asks its measure:
    /// "how" in "how big is X?".
    #[serde(default)]
    pub how: Vec<String>,
    /// Words that join the measured set to a degree phrase and ask
    /// nothing: "has the most", "with the largest", "is the biggest".
    #[serde(default)]
    pub linking: Vec<String>,
    /// Words that give the measured set what is measured: "the state
    /// with the lowest highest point", "which state has the largest
    /// capital", "the state whose capital is the largest".
    #[serde(default)]
    pub having: Vec<String>,
    /// Words of quantity that, between two "as", compare as equal: "as
    /// many people as". Such comparisons are not read, and their words
    /// are stopwords elsewhere ("how many"), so they are declined.
    #[serde(default)]
    pub equal: Vec<String>,
    /// Words between alternatives: "GPT-3 or M6".
    #[serde(default)]
    pub or: Vec<String>,
    /// Words between the members of a total: "of A and B".
    #[serde(default)]
    pub and: Vec<String>,
    /// The word between a total's measure and its members: "of".
    #[serde(default)]
    pub of: Vec<String>,
    /// Words before the noun that says what a superlative measures: "the
    /// smallest state by area".
    #[serde(default)]
    pub by: Vec<String>,
}

/// The words of "how many years after A did B?", "how long between A
/// and B?", "how many months passed from A to B?".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElapsedWords {
    /// What starts the question when no unit is named: "how long".
    #[serde(default)]
    pub how_long: Vec<String>,
    /// What starts the question before a unit: "how many".
    #[serde(default)]
    pub how_many: Vec<String>,
    /// The words of each unit.
    #[serde(default)]
    pub years: Vec<String>,
    /// The words for months.
    #[serde(default)]
    pub months: Vec<String>,
    /// The words for weeks.
    #[serde(default)]
    pub weeks: Vec<String>,
    /// The words for days.
    #[serde(default)]
    pub days: Vec<String>,
    /// Words that ask nothing here: "passed", "was it".
    #[serde(default)]
    pub filler: Vec<String>,
    /// Before two happenings joined by "and": "between".
    #[serde(default)]
    pub between: Vec<String>,
    /// Before the first of two happenings: "from".
    #[serde(default)]
    pub from: Vec<String>,
    /// Before the second: "to", "until".
    #[serde(default)]
    pub to: Vec<String>,
}

/// Comparative and superlative adjectives of one measure: "bigger" and
/// "biggest" for a model's parameters, "longer" and "longest" for a
/// river's length.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Degree {
    /// The number or date relation measured; its subject is the thing
    /// described.
    pub relation: String,
    /// The kinds the adjectives describe by this measure (the relation's
    /// subject kinds when empty): "largest" is a city's population and a
    /// state's area.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Comparatives of the greater side: "bigger".
    #[serde(default)]
    pub more: Vec<String>,
    /// Superlatives of the greater side: "biggest".
    #[serde(default)]
    pub most: Vec<String>,
    /// Comparatives of the lesser side: "smaller".
    #[serde(default)]
    pub less: Vec<String>,
    /// Superlatives of the lesser side: "smallest".
    #[serde(default)]
    pub least: Vec<String>,
    /// The adjective's plain form, after "how": "how big is X?" asks the
    /// measure itself.
    #[serde(default)]
    pub base: Vec<String>,
}

/// A domain's kinds and relations, merged from its lexicon files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Entity kinds with the nouns that name them: `organisation =
    /// ["company", "firm"]`.
    #[serde(default)]
    pub kinds: BTreeMap<String, Vec<String>>,
    /// The relations.
    #[serde(default, rename = "relation")]
    pub relations: Vec<Relation>,
    /// The shared language vocabulary, when the file carries it.
    #[serde(default)]
    pub language: Option<Language>,
    /// The relation that makes an entity a member of a class ("AI tigers",
    /// "start-ups"), so that "which start-ups ..." can filter by it.
    #[serde(default)]
    pub member_relation: Option<String>,
    /// The relation that makes an entity part of another (a unit of a
    /// company), so that "X's title at the company" includes its units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_relation: Option<String>,
    /// The relation that links an event entity (a departure, an outage)
    /// to the entities it concerns, so that a clause ("that Zhou Chang
    /// is leaving Alibaba") can name the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_link: Option<String>,
    /// The kind of event entities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_kind: Option<String>,
    /// Kinds whose two-part names also answer in the other order
    /// ("Jingren Zhou" and "Zhou Jingren").
    #[serde(default)]
    pub swap_names: Vec<String>,
    /// Comparative and superlative adjectives, by measure.
    #[serde(default, rename = "degree", skip_serializing_if = "Vec::is_empty")]
    pub degrees: Vec<Degree>,
    /// Whether an answer leaves out the entity the question starts from
    /// when it comes back to it ("the films of X's director" are his other
    /// films; "who works with X" is not X). A domain where a path back is
    /// an answer like any other ("the states that border the states that
    /// border Colorado" include Colorado) sets it to false.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub leave_out_topic: bool,
    /// Kinds whose every member the store holds (the 50 states of a
    /// gazetteer), so that "how many states" is a count and "the largest
    /// state" a superlative over all of them. Other kinds are an open
    /// world: the sources name some of their members, never all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complete_kinds: Vec<String>,
    /// Kinds whose names take "the" in a sentence ("Alibaba cancelled
    /// the Alibaba Cloud IPO"), as happenings and documents do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definite_kinds: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Default for Lexicon {
    fn default() -> Lexicon {
        Lexicon {
            kinds: BTreeMap::new(),
            relations: Vec::new(),
            language: None,
            member_relation: None,
            part_relation: None,
            event_link: None,
            event_kind: None,
            swap_names: Vec::new(),
            degrees: Vec::new(),
            leave_out_topic: true,
            complete_kinds: Vec::new(),
            definite_kinds: Vec::new(),
        }
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

/// An error in a lexicon file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The TOML did not parse or does not fit the schema.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// What is wrong, with the line and column when TOML gives them.
        message: String,
    },
    /// The lexicon is well-formed but inconsistent.
    #[error("{path}: relation `{relation}`: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The relation concerned.
        relation: String,
        /// What is wrong.
        message: String,
    },
}

impl Lexicon {
    /// Parses one lexicon file.
    pub fn parse(path: &str, text: &str) -> Result<Lexicon, LexiconError> {
        let lex: Lexicon = toml::from_str(text).map_err(|e| {
            let message = match e.span() {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    format!("{line}:{col}: {}", e.message())
                }
                None => e.message().to_string(),
            };
            LexiconError::Syntax { path: path.to_string(), message }
        })?;
        lex.validate(path)?;
        Ok(lex)
    }

    fn validate(&self, path: &str) -> Result<(), LexiconError> {
        for r in &self.relations {
            let bad = |message: String| LexiconError::Invalid { path: path.to_string(), relation: r.name.clone(), message };
            if r.name.is_empty() || !r.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad("a relation name is letters, digits and underscores".into()));
            }
            for k in r.subject.iter().chain(r.object.iter()) {
                if !self.kinds.is_empty() && !self.kinds.contains_key(k) {
                    return Err(bad(format!("kind `{k}` is not declared under [kinds]")));
                }
            }
            if !r.present.contains("{s}") || !r.present.contains("{o}") {
                return Err(bad("the `present` template needs both {s} and {o}".into()));
            }
            if !r.ratio.is_empty() {
                if r.ratio.len() != 2 || r.value != ValueType::Number {
                    return Err(bad("`ratio` names two relations, and the relation's values are numbers".into()));
                }
                for name in &r.ratio {
                    if let Some(part) = self.relation(name) {
                        if part.value != ValueType::Number {
                            return Err(bad(format!("`ratio` relation `{name}` has values that are not numbers")));
                        }
                    }
                }
            }
        }
        for d in &self.degrees {
            let bad = |message: String| LexiconError::Invalid { path: path.to_string(), relation: d.relation.clone(), message };
            // The relation may come from another file of the lexicon; one
            // declared here must be a number or a date.
            if let Some(r) = self.relation(&d.relation) {
                if !matches!(r.value, ValueType::Number | ValueType::Date) {
                    return Err(bad("a [[degree]] measures a relation whose values are numbers or dates".into()));
                }
            }
            for k in &d.kinds {
                if !self.kinds.is_empty() && !self.kinds.contains_key(k) {
                    return Err(bad(format!("[[degree]] kind `{k}` is not declared under [kinds]")));
                }
            }
        }
        for k in &self.complete_kinds {
            if !self.kinds.is_empty() && !self.kinds.contains_key(k) {
                return Err(LexiconError::Invalid { path: path.to_string(), relation: "complete_kinds".into(), message: format!("kind `{k}` is not declared under [kinds]") });
            }
        }
        Ok(())
    }

    /// Merges `other` into `self`; a relation declared again replaces the
    /// earlier declaration.
    pub fn merge(&mut self, other: Lexicon) {
        for (k, nouns) in other.kinds {
            let entry = self.kinds.entry(k).or_default();
            for n in nouns {
                if !entry.contains(&n) {
                    entry.push(n);
                }
            }
        }
        for r in other.relations {
            self.relations.retain(|x| x.name != r.name);
            self.relations.push(r);
        }
        if other.language.is_some() {
            self.language = other.language;
        }
        for k in other.swap_names {
            if !self.swap_names.contains(&k) {
                self.swap_names.push(k);
            }
        }
        if other.member_relation.is_some() {
            self.member_relation = other.member_relation;
        }
        if other.event_link.is_some() {
            self.event_link = other.event_link;
        }
        if other.event_kind.is_some() {
            self.event_kind = other.event_kind;
        }
        if other.part_relation.is_some() {
            self.part_relation = other.part_relation;
        }
        if !other.leave_out_topic {
            self.leave_out_topic = false;
        }
        for k in other.complete_kinds {
            if !self.complete_kinds.contains(&k) {
                self.complete_kinds.push(k);
            }
        }
        for k in other.definite_kinds {
            if !self.definite_kinds.contains(&k) {
                self.definite_kinds.push(k);
            }
        }
        for d in other.degrees {
            self.degrees.retain(|x| !(x.relation == d.relation && x.kinds == d.kinds));
            self.degrees.push(d);
        }
    }

    /// The relation with this name.
    pub fn relation(&self, name: &str) -> Option<&Relation> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// The id of the relation with this name.
    pub fn relation_index(&self, name: &str) -> Option<RelId> {
        self.relations.iter().position(|r| r.name == name).map(RelId)
    }

    /// The relation with this id.
    ///
    /// # Panics
    ///
    /// When the id is not one of this lexicon's: ids come from
    /// [`Lexicon::relation_index`] or the reader built on this lexicon.
    pub fn rel(&self, id: RelId) -> &Relation {
        &self.relations[id.0]
    }

    /// Every relation with its id.
    pub fn rels(&self) -> impl Iterator<Item = (RelId, &Relation)> {
        self.relations.iter().enumerate().map(|(i, r)| (RelId(i), r))
    }
}

/// A relation of a lexicon: its index in the relation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId(pub usize);

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(extra: &str) -> String {
        format!("[[relation]]\nname = \"density\"\nvalue = \"number\"\npresent = \"{{s}} has {{o}}\"\n{extra}\n\n[[relation]]\nname = \"population\"\nvalue = \"number\"\npresent = \"{{s}} has {{o}}\"\n\n[[relation]]\nname = \"capital\"\npresent = \"{{s}} has {{o}}\"\n")
    }

    #[test]
    fn a_ratio_names_two_number_relations_and_is_a_number() {
        assert!(Lexicon::parse("l.toml", &relation("ratio = [\"population\", \"area\"]")).is_ok());
        let err = |extra: &str| Lexicon::parse("l.toml", &relation(extra)).unwrap_err().to_string();
        assert!(err("ratio = [\"population\"]").contains("two relations"), "{}", err("ratio = [\"population\"]"));
        assert!(err("ratio = [\"population\", \"capital\"]").contains("`capital`"), "{}", err("ratio = [\"population\", \"capital\"]"));
    }

    #[test]
    fn several_subjects_are_among_a_class_and_take_a_plural_verb() {
        let lex = Lexicon::parse("l.toml", "[[relation]]\nname = \"is_a\"\npresent = \"{s} is one of the {o}\"\nverbs = [\"be a\"]\n\n[[relation]]\nname = \"leads\"\npresent = \"{s} leads {o}\"\nverbs = [\"lead\"]\n").unwrap();
        let is_a = lex.relation("is_a").unwrap();
        assert_eq!(is_a.sentence_agreeing(false, "A and B", "tigers", true), "A and B are among the tigers");
        assert_eq!(is_a.sentence_agreeing(false, "A", "tigers", false), "A is one of the tigers");
        assert_eq!(lex.relation("leads").unwrap().sentence_agreeing(false, "A and B", "C", true), "A and B lead C");
    }
}
