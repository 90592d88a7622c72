//! The knowledge-file format (`.facts`), parsed with nom.
//!
//! One item per line; `#` starts a comment. Three kinds of line:
//!
//! ```text
//! source cnbc-2023-11 "CNBC" 2023-11-13 "Alibaba shakes up cloud unit management" [unreliable]
//! entity weiguang-liu person "Weiguang Liu" aka "Liu Weiguang"
//! weiguang-liu leads public-cloud since 2023-11 [cnbc-2023-11] "Weiguang Liu will lead the public cloud division"
//! ```
//!
//! A fact line is `subject relation object`, then optional qualifiers
//! (`since DATE`, `until DATE`, `on DATE`, `because "text"`), then the
//! sources in brackets, then an optional evidence quote: the words of the
//! one source in the brackets (a fact that several sources state, each in
//! its own words, takes one line per source; the store merges them into
//! one fact that keeps each source's quote). The object is read
//! according to the relation's value type in the lexicon: an entity id, a
//! number (`7 billion`, `$20 billion`), a date (`2023`, `2023-09`,
//! `2023-03-22`) or quoted text. Errors name `path:line:column` and what was
//! expected there.

use super::lexicon::ValueType;
use super::{Bound, Date, Entity, Fact, Lexicon, Reliability, Source, Value};
use nom::branch::alt;
use nom::bytes::complete::{escaped_transform, is_not, tag, take_while1, take_while_m_n};
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{eof, map, map_res, opt, recognize, value};
use nom::multi::separated_list1;
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser};
use std::fmt;

/// Where an item came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pos {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the item (or of the offending token).
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.col)
    }
}

/// A knowledge-file error: where, and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct KnowledgeError {
    /// Where the problem is.
    pub pos: Pos,
    /// What was expected or what is wrong.
    pub message: String,
}

/// One parsed item with its position.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A `source` line.
    Source(Source),
    /// An `entity` line.
    Entity(Entity),
    /// A fact line.
    Fact(Fact),
}

/// The items of one file, each with the position of its line and of its
/// object (for validation errors found later).
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The items in file order.
    pub items: Vec<(Pos, Item)>,
}

/// The parse error nom carries: the remaining input where it failed and
/// what the rule expected there.
#[derive(Debug, Clone, PartialEq)]
struct Expect<'a> {
    at: &'a str,
    what: String,
}

impl<'a> nom::error::ParseError<&'a str> for Expect<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        Expect { at: input, what: "valid syntax".into() }
    }
    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a, E> nom::error::FromExternalError<&'a str, E> for Expect<'a> {
    fn from_external_error(input: &'a str, _kind: nom::error::ErrorKind, _e: E) -> Self {
        Expect { at: input, what: "a valid value".into() }
    }
}

type Res<'a, O> = IResult<&'a str, O, Expect<'a>>;

/// Runs `p`; on failure reports `what` at the position where `p` started.
fn expect<'a, O, P>(what: impl Into<String>, mut p: P) -> impl FnMut(&'a str) -> Res<'a, O>
where
    P: Parser<&'a str, Output = O, Error = Expect<'a>>,
{
    let what = what.into();
    move |i: &'a str| match p.parse(i) {
        Ok(r) => Ok(r),
        Err(nom::Err::Error(_)) => Err(nom::Err::Error(Expect { at: i, what: what.clone() })),
        Err(nom::Err::Failure(e)) => Err(nom::Err::Failure(e)),
        Err(nom::Err::Incomplete(n)) => Err(nom::Err::Incomplete(n)),
    }
}

/// Like [`expect`], but a failure is final: the line is committed.
fn must<'a, O, P>(what: impl Into<String>, p: P) -> impl FnMut(&'a str) -> Res<'a, O>
where
    P: Parser<&'a str, Output = O, Error = Expect<'a>>,
{
    let mut inner = expect(what, p);
    move |i: &'a str| match inner(i) {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

/// An id: lower-case letters, digits, `-`, `_` and `.`.
fn ident(i: &str) -> Res<'_, &str> {
    take_while1(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.')(i)
}

/// A double-quoted string with `\"` and `\\` escapes.
fn quoted(i: &str) -> Res<'_, String> {
    alt((
        map(tag("\"\""), |_| String::new()),
        delimited(
            char('"'),
            escaped_transform(is_not("\\\""), '\\', alt((value("\\", tag("\\")), value("\"", tag("\""))))),
            char('"'),
        ),
    ))
    .parse(i)
}

fn two_digits(i: &str) -> Res<'_, u8> {
    map_res(take_while_m_n(2, 2, |c: char| c.is_ascii_digit()), |s: &str| s.parse::<u8>()).parse(i)
}

/// `2023`, `2023-09` or `2023-09-14`.
fn date(i: &str) -> Res<'_, Date> {
    let (i, year) = map_res(take_while_m_n(4, 4, |c: char| c.is_ascii_digit()), |s: &str| s.parse::<i32>()).parse(i)?;
    let (i, month) = opt(preceded(char('-'), two_digits)).parse(i)?;
    let (i, day) = if month.is_some() { opt(preceded(char('-'), two_digits)).parse(i)? } else { (i, None) };
    if month.is_some_and(|m| !(1..=12).contains(&m)) || day.is_some_and(|d| !(1..=31).contains(&d)) {
        return Err(nom::Err::Error(Expect { at: i, what: "a real month and day".into() }));
    }
    // A date is a whole token: "20235" is not a date.
    if i.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(nom::Err::Error(Expect { at: i, what: "a date".into() }));
    }
    Ok((i, Date { year, month, day }))
}

/// `7`, `7.5`, `7 billion`, `$20 billion`.
fn number(i: &str) -> Res<'_, Value> {
    let (i, money) = map(opt(char('$')), |d| d.is_some()).parse(i)?;
    // A negative amount ("-85": metres below sea level) keeps its sign.
    let (i, digits) = recognize((opt(char('-')), digit1, opt((char('.'), digit1)))).parse(i)?;
    let amount: f64 = digits.parse().map_err(|_| nom::Err::Error(Expect { at: i, what: "a number".into() }))?;
    let (i, scale) = opt(preceded(
        space1,
        alt((
            value(1e3, tag("thousand")),
            value(1e6, tag("million")),
            value(1e9, tag("billion")),
            value(1e12, tag("trillion")),
        )),
    ))
    .parse(i)?;
    Ok((i, Value::Number { amount: amount * scale.unwrap_or(1.0), money }))
}

/// "more than", "about": a number given as a bound.
fn bound(i: &str) -> Res<'_, Bound> {
    for (b, words) in Bound::ALL {
        if let Ok((rest, _)) = tag::<_, _, Expect>(words).parse(i) {
            return Ok((rest, b));
        }
    }
    Err(nom::Err::Error(Expect { at: i, what: "a bound".into() }))
}

/// A whole date written as in knowledge files (`2023`, `2023-09`,
/// `2023-09-14`), for readers of other text (taught statements).
pub fn date_value(text: &str) -> Option<Date> {
    match date(text) {
        Ok(("", d)) => Some(d),
        _ => None,
    }
}

/// A number written as in knowledge files (`7`, `7.5`, `7 billion`, `$20
/// billion`) at the start of `text`: the value and the rest of the text.
pub fn number_value(text: &str) -> Option<(Value, &str)> {
    number(text).ok().map(|(rest, v)| (v, rest))
}

/// `[src-a, src-b]`.
fn sources(i: &str) -> Res<'_, Vec<String>> {
    delimited(
        (char('['), space0),
        separated_list1((space0, char(','), space0), map(ident, String::from)),
        (space0, char(']')),
    )
    .parse(i)
}

/// The end of a line: spaces, an optional comment, the end.
fn line_end(i: &str) -> Res<'_, ()> {
    map((space0, opt(preceded(char('#'), nom::combinator::rest)), eof), |_| ()).parse(i)
}

/// `source ID "OUTLET" DATE "TITLE" [unreliable]`
fn source_line(i: &str) -> Res<'_, Source> {
    let (i, _) = (tag("source"), space1).parse(i)?;
    let (i, id) = must("a source id such as cnbc-2023-11", ident).parse(i)?;
    let (i, _) = space1(i)?;
    let (i, outlet) = must("the outlet in double quotes", quoted).parse(i)?;
    let (i, _) = space1(i)?;
    let (i, date) = must("a publication date such as 2023-11-13", date).parse(i)?;
    let (i, _) = space1(i)?;
    let (i, title) = must("the title in double quotes", quoted).parse(i)?;
    let (i, rel) = opt(preceded(
        space1,
        alt((value(Reliability::Unreliable, tag("unreliable")), value(Reliability::Reliable, tag("reliable")))),
    ))
    .parse(i)?;
    let (i, _) = must("the end of the line after the source", line_end).parse(i)?;
    Ok((i, Source { id: id.into(), outlet, title, date: Some(date), reliability: rel.unwrap_or_default() }))
}

/// `entity ID KIND "NAME" [aka "ALIAS", "ALIAS"]`
fn entity_line(i: &str) -> Res<'_, Entity> {
    let (i, _) = (tag("entity"), space1).parse(i)?;
    let (i, id) = must("an entity id such as weiguang-liu", ident).parse(i)?;
    let (i, _) = space1(i)?;
    let (i, kind) = must("a kind such as person", ident).parse(i)?;
    let (i, _) = space1(i)?;
    let (i, name) = must("the name in double quotes", quoted).parse(i)?;
    let (i, aliases) = opt(preceded(
        (space1, tag("aka"), space1),
        must("aliases in double quotes, separated by commas", separated_list1((space0, char(','), space0), quoted)),
    ))
    .parse(i)?;
    let (i, _) = must("`aka` or the end of the line", line_end).parse(i)?;
    Ok((i, Entity { id: id.into(), name, kind: kind.into(), aliases: aliases.unwrap_or_default() }))
}

/// One qualifier after the object.
enum Qualifier {
    Since(Date),
    Until(Date),
    On(Date),
    Because(String),
    Expected,
    Reported,
    Via(String),
}

fn qualifier(i: &str) -> Res<'_, Qualifier> {
    alt((
        preceded((tag("since"), space1), map(must("a date such as 2023-09 after \"since\"", date), Qualifier::Since)),
        preceded((tag("until"), space1), map(must("a date such as 2023-09 after \"until\"", date), Qualifier::Until)),
        preceded((tag("on"), space1), map(must("a date such as 2023-09 after \"on\"", date), Qualifier::On)),
        map(tag("expected"), |_| Qualifier::Expected),
        map(tag("reported"), |_| Qualifier::Reported),
        preceded((tag("via"), space1), map(must("the id of whoever the source credits after \"via\"", ident), |s: &str| Qualifier::Via(s.to_string()))),
        preceded(
            (tag("because"), space1),
            map(must("the reason in double quotes after \"because\"", quoted), Qualifier::Because),
        ),
    ))
    .parse(i)
}

/// `SUBJECT RELATION OBJECT QUALIFIER* [SOURCES] "EVIDENCE"?`
fn fact_line<'a>(lexicon: &Lexicon, i: &'a str) -> Res<'a, (Fact, &'a str)> {
    let (i, subject) = expect("`source`, `entity` or a fact's subject id", ident).parse(i)?;
    let (i, _) = must("a relation after the subject", space1).parse(i)?;
    let rel_at = i;
    let (i, relation) = must("a relation name", take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_')).parse(i)?;
    let Some(rel) = lexicon.relation(relation) else {
        let known: Vec<&str> = lexicon.relations.iter().map(|r| r.name.as_str()).collect();
        let hint = if known.len() <= 12 { format!(" (one of: {})", known.join(", ")) } else { String::new() };
        return Err(nom::Err::Failure(Expect { at: rel_at, what: format!("a relation declared in the lexicon, not `{relation}`{hint}") }));
    };
    let (i, _) = must("an object after the relation", space1).parse(i)?;
    let object_at = i;
    let mut bound_seen = None;
    let (i, object) = match rel.value {
        ValueType::Entity => must(format!("an entity id as the object of `{relation}`"), map(ident, |s: &str| Value::Entity(s.into()))).parse(i)?,
        ValueType::Number => {
            let (i, b) = opt(terminated(bound, space1)).parse(i)?;
            bound_seen = b;
            must(format!("a number such as 7 billion or $20 billion as the object of `{relation}`"), number).parse(i)?
        }
        ValueType::Date => must(format!("a date such as 2023-09 as the object of `{relation}`"), map(date, Value::Date)).parse(i)?,
        ValueType::Text => must(format!("text in double quotes as the object of `{relation}`"), map(quoted, Value::Text)).parse(i)?,
    };
    let mut fact = Fact {
        subject: subject.into(),
        relation: relation.into(),
        object,
        since: None,
        until: None,
        on: None,
        because: None,
        expected: false,
        reported: false,
        bound: bound_seen,
        sources: vec![],
        evidence: Default::default(),
        via: Default::default(),
    };
    let mut via = None;
    let mut i = i;
    loop {
        let (rest, _) = must("a space", space1).parse(i)?;
        if rest.starts_with('[') {
            i = rest;
            break;
        }
        let (rest, q) = must("`since`, `until`, `on`, `because`, `expected`, `reported`, `via` or the sources in brackets", qualifier).parse(rest)?;
        match q {
            Qualifier::Since(d) => fact.since = Some(d),
            Qualifier::Until(d) => fact.until = Some(d),
            Qualifier::On(d) => fact.on = Some(d),
            Qualifier::Because(t) => fact.because = Some(t),
            Qualifier::Expected => fact.expected = true,
            Qualifier::Reported => fact.reported = true,
            Qualifier::Via(who) => via = Some(who),
        }
        i = rest;
    }
    let (i, srcs) = must("source ids in brackets such as [cnbc-2023-11]", sources).parse(i)?;
    // The quote is the words of the one source before it: with several
    // sources it could be any one's, so each source gets its own line.
    let quote_at = i.trim_start();
    let (i, evidence) = opt(preceded(space1, quoted)).parse(i)?;
    if let Some(quote) = evidence {
        if srcs.len() > 1 {
            return Err(nom::Err::Failure(Expect {
                at: quote_at,
                what: "the end of the line: an evidence quote belongs to one source, so a fact stated by several sources with quotes takes one line per source".into(),
            }));
        }
        fact.evidence.insert(srcs[0].clone(), quote);
    }
    if let Some(who) = via {
        fact.via = srcs.iter().map(|s| (s.clone(), who.clone())).collect();
    }
    fact.sources = srcs;
    let (i, _) = must("an evidence quote in double quotes or the end of the line", line_end).parse(i)?;
    Ok((i, (fact, object_at)))
}

/// Parses a whole knowledge file. `path` is used in error messages.
pub fn parse_document(path: &str, text: &str, lexicon: &Lexicon) -> Result<Document, KnowledgeError> {
    let mut doc = Document::default();
    for (n, line) in text.lines().enumerate() {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        let col_of = |rest: &str| line[..line.len() - rest.len()].chars().count() + 1;
        let pos = |col: usize| Pos { path: path.to_string(), line: n + 1, col };
        let result: Res<'_, Item> = if content.starts_with("source ") {
            source_line(content).map(|(r, s)| (r, Item::Source(s)))
        } else if content.starts_with("entity ") {
            entity_line(content).map(|(r, e)| (r, Item::Entity(e)))
        } else {
            fact_line(lexicon, content).map(|(r, (f, _))| (r, Item::Fact(f)))
        };
        match result {
            Ok((_, item)) => doc.items.push((pos(indent + 1), item)),
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                let found: String = e.at.chars().take(20).collect();
                let found = if found.is_empty() { "the end of the line".to_string() } else { format!("\"{found}\"") };
                return Err(KnowledgeError { pos: pos(col_of(e.at)), message: format!("expected {}, found {found}", e.what) });
            }
            Err(nom::Err::Incomplete(_)) => {
                return Err(KnowledgeError { pos: pos(indent + 1), message: "unexpected end of line".into() });
            }
        }
    }
    Ok(doc)
}

/// Parses a plain triples file: one `subject|relation|object` per line.
/// Subjects and objects are names; the caller turns them into entities.
pub fn parse_triples(path: &str, text: &str) -> Result<Vec<(Pos, [String; 3])>, KnowledgeError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        let pos = Pos { path: path.to_string(), line: n + 1, col: 1 };
        if parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty()) {
            let col = if parts.len() < 3 { line.chars().count() + 1 } else { parts[..3].iter().map(|p| p.chars().count() + 1).sum::<usize>() };
            return Err(KnowledgeError {
                pos: Pos { col: col.max(1), ..pos },
                message: format!("expected `subject|relation|object` with three non-empty parts, found {} part(s)", parts.len()),
            });
        }
        out.push((pos, [parts[0].trim().to_string(), parts[1].trim().to_string(), parts[2].trim().to_string()]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::parse(
            "t.toml",
            r#"
[kinds]
person = ["person"]
unit = ["unit"]
model = ["model"]
[[relation]]
name = "leads"
subject = ["person"]
object = ["unit"]
present = "{s} leads {o}"
[[relation]]
name = "parameters"
value = "number"
present = "{s} has {o}"
[[relation]]
name = "released"
value = "date"
present = "{s} was released in {o}"
"#,
        )
        .unwrap()
    }

    #[test]
    fn parses_all_line_kinds() {
        let text = r#"
# comment
source cnbc-1 "CNBC" 2023-11-13 "A title"
entity weiguang-liu person "Weiguang Liu" aka "Liu Weiguang", "W. Liu"
weiguang-liu leads public-cloud since 2023-11 [cnbc-1] "Weiguang Liu will lead"
gpt-3 parameters 175 billion [cnbc-1, other] # trailing comment
m6 released 2021 on 2021-06 because "it was ready" [cnbc-1]
"#;
        let doc = parse_document("x.facts", text, &lex()).unwrap();
        assert_eq!(doc.items.len(), 5);
        match &doc.items[1].1 {
            Item::Entity(e) => assert_eq!(e.aliases, vec!["Liu Weiguang", "W. Liu"]),
            other => panic!("{other:?}"),
        }
        match &doc.items[3].1 {
            Item::Fact(f) => {
                assert_eq!(f.object, Value::Number { amount: 175e9, money: false });
                assert_eq!(f.sources, vec!["cnbc-1", "other"]);
            }
            other => panic!("{other:?}"),
        }
        match &doc.items[4].1 {
            Item::Fact(f) => {
                assert_eq!(f.object, Value::Date(Date::year(2021)));
                assert_eq!(f.because.as_deref(), Some("it was ready"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn evidence_belongs_to_the_one_source_before_it() {
        let doc = parse_document("f", "weiguang-liu leads public-cloud [cnbc-1] \"will lead\"\nweiguang-liu leads public-cloud [cnbc-1, other]\n", &lex()).unwrap();
        match &doc.items[0].1 {
            Item::Fact(f) => {
                assert_eq!(f.evidence_from("cnbc-1"), Some("will lead"));
                assert_eq!(f.evidence.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match &doc.items[1].1 {
            Item::Fact(f) => assert!(f.evidence.is_empty(), "{f:?}"),
            other => panic!("{other:?}"),
        }
        // A quote after several sources could be any one's: refused, at the quote.
        let err = parse_document("f", "weiguang-liu leads public-cloud [cnbc-1, other] \"will lead\"", &lex()).unwrap_err();
        assert_eq!((err.pos.line, err.pos.col), (1, 49), "{err}");
        assert!(err.message.contains("one source"), "{err}");
    }

    #[test]
    fn a_number_may_be_given_as_a_bound() {
        let doc = parse_document("f", "gpt-3 parameters more than 175 billion [cnbc-1]\ngpt-3 parameters 175 billion [cnbc-1]\n", &lex()).unwrap();
        let facts: Vec<&Fact> = doc.items.iter().filter_map(|(_, i)| if let Item::Fact(f) = i { Some(f) } else { None }).collect();
        assert_eq!(facts[0].bound, Some(Bound::MoreThan));
        assert_eq!(facts[0].object, Value::Number { amount: 175e9, money: false });
        assert_eq!(facts[1].bound, None);
        // The bound survives an export line and its import.
        let line = serde_json::to_string(facts[0]).unwrap();
        assert!(line.contains("\"bound\":\"more_than\""), "{line}");
        assert_eq!(&serde_json::from_str::<Fact>(&line).unwrap(), facts[0]);
        assert!(parse_document("f", "gpt-3 parameters more than [cnbc-1]\n", &lex()).is_err());
    }

    #[test]
    fn reports_line_and_column() {
        let text = "source s \"S\" 2023 \"T\"\n\nweiguang-liu leads public-cloud since 23-09 [s]\n";
        let err = parse_document("data/facts/cloud.facts", text, &lex()).unwrap_err();
        assert_eq!(err.pos.line, 3);
        assert_eq!(err.pos.col, 39);
        assert!(err.to_string().starts_with("data/facts/cloud.facts:3:39: expected a date such as 2023-09 after \"since\""), "{err}");
    }

    #[test]
    fn rejects_unknown_relation_and_bad_objects() {
        let err = parse_document("f", "a bosses b [s]", &lex()).unwrap_err();
        assert_eq!((err.pos.line, err.pos.col), (1, 3));
        assert!(err.message.contains("relation declared in the lexicon"));
        let err = parse_document("f", "gpt-3 parameters lots [s]", &lex()).unwrap_err();
        assert_eq!(err.pos.col, 18);
        let err = parse_document("f", "m6 released 2021-13 [s]", &lex()).unwrap_err();
        assert_eq!(err.pos.col, 13);
        let err = parse_document("f", "m6 released 2021", &lex()).unwrap_err();
        assert!(err.message.contains("sources in brackets") || err.message.contains("a space"), "{err}");
        let err = parse_document("f", "entity x person Name", &lex()).unwrap_err();
        assert_eq!(err.pos.col, 17);
    }

    #[test]
    fn triples_need_three_parts() {
        let ok = parse_triples("kb", "Kismet|directed_by|William Dieterle\n").unwrap();
        assert_eq!(ok[0].1[2], "William Dieterle");
        let err = parse_triples("kb", "a|b|c\nKismet|directed_by\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
    }
}
