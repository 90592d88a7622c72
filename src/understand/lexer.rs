//! The lexical layer of the question reader: normalised question text to a
//! list of [`Tok`]ens, with nom rules for the closed word classes and
//! longest-match lookups for entity names and relation phrases.
//!
//! The rules are tried in order at each word: grammar words (question
//! words, auxiliaries, prepositions, numbers, dates), then the longest of
//! an entity name, a relation phrase, a kind noun, a title noun or a
//! pronoun. Words nothing claims become [`Tok::Unknown`]; runs of them are
//! later tried as misspelt names.

use crate::knowledge::Date;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{char, digit1};
use nom::combinator::{eof, map, map_res, opt, peek, recognize, value};
use nom::sequence::terminated;
use nom::{IResult, Parser};

/// A question word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wh {
    /// who, whom
    Who,
    /// what
    What,
    /// which
    Which,
    /// where
    Where,
    /// when, what year, what date
    When,
    /// why
    Why,
    /// how many, what number of
    HowMany,
    /// how much: an amount, never a count
    HowMuch,
    /// how long
    HowLong,
}

/// An auxiliary or copula, with its tense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aux {
    /// is, are, am, be
    Be,
    /// was, were
    Was,
    /// do, does
    Do,
    /// did
    Did,
    /// has, have
    Have,
    /// had
    Had,
    /// will, would, shall, can, could
    Will,
    /// become, became, becomes
    Become,
}

impl Aux {
    /// The words [`aux_word`] reads as this auxiliary (its multi-word
    /// forms aside), for matching them in text.
    pub fn forms(self) -> &'static [&'static str] {
        match self {
            Aux::Be => &["is", "are", "am", "be"],
            Aux::Was => &["was", "were", "been"],
            Aux::Do => &["do", "does"],
            Aux::Did => &["did"],
            Aux::Have => &["has", "have"],
            Aux::Had => &["had"],
            Aux::Will => &["will", "would", "shall", "can", "could", "should"],
            Aux::Become => &["become", "became", "becomes"],
        }
    }

    /// Whether the auxiliary puts the clause in the past.
    pub fn past(self) -> bool {
        matches!(self, Aux::Was | Aux::Did | Aux::Had | Aux::Become)
    }
}

/// A preposition that matters to the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prep {
    /// of, for
    Of,
    /// by
    By,
    /// in, during
    In,
    /// after, since
    After,
    /// before, until
    Before,
    /// with
    With,
    /// to, at, from, on, into
    Other,
}

/// How a relation phrase relates its words to the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A verb whose grammatical subject is the fact's subject.
    Verb,
    /// A verb whose grammatical subject is the fact's object.
    InverseVerb,
    /// A noun naming the fact's subject ("the CEO of X").
    SubjectNoun,
    /// A noun naming the fact's object ("X's headquarters").
    ObjectNoun,
}

impl Role {
    /// Whether the phrase is a verb.
    pub fn verb(self) -> bool {
        matches!(self, Role::Verb | Role::InverseVerb)
    }
}

/// One reading of a relation phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mention {
    /// The relation.
    pub rel: crate::knowledge::lexicon::RelId,
    /// How the phrase relates to the fact.
    pub role: Role,
}

/// One lexical token of a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A question word.
    Wh(Wh),
    /// An auxiliary.
    Aux(Aux),
    /// not, never
    Not,
    /// A preposition.
    Prep(Prep),
    /// A year or date.
    Date(Date),
    /// A number, scaled ("7 billion" is 7e9), and whether it is money.
    Num(f64, bool),
    /// An entity name; several ids when the name is shared.
    Ent(Vec<String>, String),
    /// A relation phrase and its readings.
    Rel(Vec<Mention>, String),
    /// A noun for an entity kind ("company", "people").
    Kind(String),
    /// A noun asking for a job title.
    Title,
    /// A pronoun referring to the entity last in play: whether it refers
    /// to a person, whether it is possessive ("his", "its"), and the kind
    /// its noun names, if any ("the company").
    Pron(bool, bool, Option<String>),
    /// "list", "name", "tell me": an imperative asking for values.
    List,
    /// "whose" inside a question: starts a relative clause.
    Whose,
    /// A word that makes a relation reciprocal ("share", "together").
    Recip,
    /// "or" between two names: either of them ("Idaho or Oregon").
    Or,
    /// A word nothing claims.
    Unknown(String),
}

type Res<'a, O> = IResult<&'a str, O>;

/// The end of a word: a space or the end of the text.
fn boundary(i: &str) -> Res<'_, ()> {
    alt((value((), peek(char(' '))), value((), eof))).parse(i)
}

/// A whole word from a fixed list.
fn word<'a>(w: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    terminated(tag(w), boundary)
}

/// Question words, longest first: "how many" before "how".
pub fn wh_word(i: &str) -> Res<'_, Wh> {
    alt((
        value(Wh::HowMuch, word("how much")),
        value(Wh::HowMany, alt((word("how many"), word("what number of"), word("number of"), word("count")))),
        value(Wh::HowLong, alt((word("how long"), word("for how long"), word("how many years")))),
        value(Wh::When, alt((word("when"), word("what year"), word("which year"), word("what date"), word("what month"), word("in what year"), word("in which year")))),
        value(Wh::Who, alt((word("who"), word("whom"), word("whose")))),
        value(Wh::Which, word("which")),
        value(Wh::What, word("what")),
        value(Wh::Where, alt((word("where"), word("in what city"), word("what city"), word("in which city"), word("which city")))),
        value(Wh::Why, alt((word("why"), word("for what reason"), word("what reason")))),
        // "how would people rate X", "how popular is X": asks for a value.
        value(Wh::What, word("how")),
    ))
    .parse(i)
}

/// Auxiliaries and copulas.
pub fn aux_word(i: &str) -> Res<'_, Aux> {
    alt((
        value(Aux::Be, alt((word("is"), word("are"), word("am"), word("be")))),
        value(Aux::Was, alt((word("was"), word("were"), word("been")))),
        value(Aux::Do, alt((word("does"), word("do")))),
        value(Aux::Did, word("did")),
        value(Aux::Have, alt((word("has"), word("have")))),
        value(Aux::Had, word("had")),
        value(Aux::Will, alt((word("will"), word("would"), word("shall"), word("can"), word("could"), word("should")))),
        value(Aux::Become, alt((word("became"), word("become"), word("becomes"), word("took over as"), word("take over as"), word("succeeded as")))),
    ))
    .parse(i)
}

/// Prepositions the grammar uses.
pub fn prep_word(i: &str) -> Res<'_, Prep> {
    alt((
        value(Prep::Of, alt((word("of"), word("for")))),
        value(Prep::By, word("by")),
        value(Prep::In, alt((word("in"), word("during")))),
        value(Prep::After, alt((word("after"), word("since"), word("following"), word("succeeding")))),
        value(Prep::Before, alt((word("before"), word("until"), word("prior to"), word("preceding")))),
        value(Prep::With, word("with")),
        value(Prep::Other, alt((word("to"), word("at"), word("from"), word("on"), word("into")))),
    ))
    .parse(i)
}

fn scale(i: &str) -> Res<'_, f64> {
    alt((
        value(1e3, alt((word("thousand"), word("k")))),
        value(1e6, alt((word("million"), word("m"), word("mn")))),
        value(1e9, alt((word("billion"), word("bn"), word("b")))),
        value(1e12, alt((word("trillion"), word("tn"), word("t")))),
    ))
    .parse(i)
}

/// A four-digit year from 1000 to 2999, read as a date.
pub fn year(i: &str) -> Res<'_, Date> {
    map_res(terminated(recognize((alt((char('1'), char('2'))), digit1)), boundary), |s: &str| {
        if s.len() == 4 { s.parse::<i32>().map(Date::year).map_err(|_| ()) } else { Err(()) }
    })
    .parse(i)
}

/// A month name and a year: "march 2023", "sept 2023".
pub fn month_year(i: &str) -> Res<'_, Date> {
    let (rest, m) = map_res(nom::character::complete::alpha1, |w: &str| Date::month_number(w).ok_or(())).parse(i)?;
    let (rest, _) = char(' ')(rest)?;
    let (rest, y) = year(rest)?;
    Ok((rest, Date { year: y.year, month: Some(m), day: None }))
}

/// A number with an optional scale: "7", "7.5", "7 billion", "7b", "20 bn".
pub fn number(i: &str) -> Res<'_, f64> {
    let (i, digits) = recognize((digit1, opt((char('.'), digit1)))).parse(i)?;
    let n: f64 = digits.parse().unwrap_or(0.0);
    // "7b" written together.
    if let Ok((rest, s)) = scale(i) {
        return Ok((rest, n * s));
    }
    let (i, _) = boundary(i)?;
    let (i, s) = opt(map((char(' '), scale), |(_, s)| s)).parse(i)?;
    Ok((i, n * s.unwrap_or(1.0)))
}

/// Words for small numbers.
pub fn number_word(i: &str) -> Res<'_, f64> {
    alt((
        value(1.0, word("one")),
        value(2.0, word("two")),
        value(3.0, word("three")),
        value(4.0, word("four")),
        value(5.0, word("five")),
        value(6.0, word("six")),
        value(7.0, word("seven")),
        value(8.0, word("eight")),
        value(9.0, word("nine")),
        value(10.0, word("ten")),
    ))
    .parse(i)
}

/// Negation.
pub fn not_word(i: &str) -> Res<'_, ()> {
    value((), alt((word("not"), word("never"), word("no longer"), word("no")))).parse(i)
}

/// The closed word classes, tried before names and relation phrases.
pub fn grammar_token(i: &str) -> Res<'_, Tok> {
    alt((
        map(month_year, Tok::Date),
        map(year, Tok::Date),
        map((opt(char('$')), number), |(d, n)| Tok::Num(n, d.is_some())),
        map(wh_word, Tok::Wh),
        map(aux_word, Tok::Aux),
        map(not_word, |_| Tok::Not),
        map(prep_word, Tok::Prep),
    ))
    .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_question_words_longest_first() {
        assert_eq!(wh_word("how many people"), Ok((" people", Wh::HowMany)));
        assert_eq!(wh_word("how long did"), Ok((" did", Wh::HowLong)));
        assert_eq!(wh_word("whom"), Ok(("", Wh::Who)));
        assert!(wh_word("whoever").is_err());
    }

    #[test]
    fn reads_numbers_and_dates() {
        assert_eq!(number("7 billion parameters"), Ok((" parameters", 7e9)));
        assert_eq!(number("7b"), Ok(("", 7e9)));
        assert_eq!(number("175"), Ok(("", 175.0)));
        assert_eq!(year("2022 x"), Ok((" x", Date::year(2022))));
        assert!(year("20221").is_err());
        assert_eq!(month_year("march 2023").map(|r| r.1.month), Ok(Some(3)));
        assert_eq!(grammar_token("$20 billion"), Ok(("", Tok::Num(20e9, true))));
    }

    #[test]
    fn reads_auxiliaries_and_prepositions() {
        assert_eq!(aux_word("did jia"), Ok((" jia", Aux::Did)));
        assert_eq!(prep_word("after the"), Ok((" the", Prep::After)));
        assert!(prep_word("often").is_err());
        assert_eq!(grammar_token("is"), Ok(("", Tok::Aux(Aux::Be))));
    }
}
