//! Statements whose object is a date or a number, for /teach and /forget:
//! "Qwen was released in May 2024", "GPT-5 has 2 trillion parameters",
//! "The parameter count of GPT-5 is 2 trillion".
//!
//! The relation phrase is found by the question lexer as for questions, and
//! the relation's value type in the lexicon says what the object must be.
//! The object is then read from the text as written (the lexer splits
//! "2024-05" into a year and a number): dates as `2024`, `2024-05`,
//! `2024-05-13`, `May 2024`, `13 May 2024` or `May 13, 2024`; numbers in
//! digits, as in knowledge files (`7`, `7.5`, `2 trillion`, `$20 billion`,
//! also `7B`). When several could be meant, the last one is taken, so that
//! digits in a name ("GPT-5", "Qwen 2") are not. What is left must name
//! exactly one thing, the subject; words of the relation's own phrasing
//! ("in market value") may stay. Anything else is refused with what was
//! expected.

use super::lexer::{Mention, Prep, Tok};
use super::{Reader, Statement};
use crate::knowledge::lexicon::{Relation, ValueType};
use crate::knowledge::normalize::normalize;
use crate::knowledge::parse::{date_value, number_value};
use crate::knowledge::{format_amount, Date, Fact, Value};
use std::collections::HashSet;

const DATE_FORMS: &str = "2024, 2024-05, 2024-05-13, May 2024 or 13 May 2024";
const NUMBER_FORMS: &str = "7, 7.5, 7 billion, 7B or $20 billion";

/// A date or number found in the text: its value and the words it spans.
#[derive(Debug, Clone, PartialEq)]
struct Literal {
    value: Value,
    start: usize,
    end: usize,
}

/// What [`read`] made of a statement.
pub(super) enum Read {
    /// A statement with a date or number object.
    Literal(Box<Statement>),
    /// Not readable, and why.
    Refused(String),
    /// Not a statement with a date or number object: to be read as one
    /// between two names. When a relation phrase in it could also take a
    /// date or number, what was missing for that reading.
    Names(Option<String>),
}

/// Reads `text` as a statement with a date or number object. It is not
/// one when no relation phrase in it takes a date or a number, or when one
/// also takes a name and no date or number is there ("Alibaba released
/// Qwen").
pub(super) fn read(r: &Reader, text: &str) -> Read {
    match read_literal(r, text) {
        Some(Ok(st)) => Read::Literal(Box::new(st)),
        Some(Err(Missing::Not(e))) => Read::Refused(e),
        Some(Err(Missing::Literal(e))) => Read::Names(Some(e)),
        None => Read::Names(None),
    }
}

/// Why [`read_literal`] found no statement.
enum Missing {
    /// Not readable.
    Not(String),
    /// No date or number where one was expected.
    Literal(String),
}

fn read_literal(r: &Reader, text: &str) -> Option<Result<Statement, Missing>> {
    let mut readings: Vec<Mention> = Vec::new();
    let mut names_too = false;
    for t in r.exact_tokens(text) {
        let Tok::Rel(ms, _) = t else { continue };
        for m in ms {
            match r.cat.lex.rel(m.rel).value {
                ValueType::Date | ValueType::Number if !readings.iter().any(|x| x.rel == m.rel) => readings.push(m),
                ValueType::Entity => names_too = true,
                _ => {}
            }
        }
    }
    let first = *readings.first()?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let dates = match dates(&words) {
        Ok(d) => d,
        Err(e) if readings.iter().any(|m| r.cat.lex.rel(m.rel).value == ValueType::Date) => return Some(Err(Missing::Not(e))),
        Err(_) => Vec::new(),
    };
    let numbers = numbers(&words);
    let mut first_error = None;
    for m in &readings {
        let rel = r.cat.lex.rel(m.rel);
        let found = if rel.value == ValueType::Date { dates.last() } else { numbers.last() };
        let Some(literal) = found else { continue };
        match subject(r, rel, &words, literal) {
            Ok(st) => return Some(Ok(st)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        return Some(Err(Missing::Not(e)));
    }
    let rel = r.cat.lex.rel(first.rel);
    let phrase = phrase(rel);
    let missing = match rel.value {
        ValueType::Date => format!("\"{phrase}\" takes a date, and I could not find one in that: write it as {DATE_FORMS}."),
        _ => format!("\"{phrase}\" takes a number, and I could not find one in that: write it in digits, as {NUMBER_FORMS}."),
    };
    Some(Err(if names_too { Missing::Literal(missing) } else { Missing::Not(missing) }))
}

/// Checks that a statement between two names relates things of the kinds
/// its relation takes (new names were given a fitting kind).
pub(super) fn check_kinds(r: &Reader, st: Statement) -> Result<Statement, String> {
    let Some(rel) = r.cat.lex.relation(&st.fact.relation) else { return Ok(st) };
    let sides = [(Some(st.fact.subject.as_str()), &rel.subject, "subject"), (st.fact.object.entity(), &rel.object, "object")];
    for (id, kinds, side) in sides {
        let Some(id) = id else { continue };
        let kind = st.new_entities.iter().find(|e| e.id == id).map(|e| e.kind.as_str()).or_else(|| r.cat.kind(id));
        if let Some(kind) = kind.filter(|k| !kinds.is_empty() && !kinds.iter().any(|x| x == k)) {
            return Err(kind_mismatch(r.cat.name(id), kind, rel, side));
        }
    }
    Ok(st)
}

/// "Alibaba is an organisation, but "parameters" takes models as its subject."
fn kind_mismatch(name: &str, kind: &str, rel: &Relation, side: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    let kinds = if side == "subject" { &rel.subject } else { &rel.object };
    let plural: Vec<String> = kinds.iter().map(|k| format!("{k}s")).collect();
    format!("{name} is {article} {kind}, but \"{}\" takes {} as its {side}.", phrase(rel), plural.join(" or "))
}

/// A relation's name as words: "split into".
fn phrase(rel: &Relation) -> String {
    rel.name.replace('_', " ")
}

/// Reads the subject from the words other than the literal's and builds
/// the statement.
fn subject(r: &Reader, rel: &Relation, words: &[&str], literal: &Literal) -> Result<Statement, String> {
    let rest: Vec<&str> = words[..literal.start].iter().chain(&words[literal.end..]).copied().collect();
    let toks = r.exact_tokens(&rest.join(" "));
    let vocabulary = vocabulary(rel);
    let own = |ws: &str| normalize(ws).split(' ').all(|w| w.is_empty() || vocabulary.contains(w));
    let rel_index = r.cat.lex.relation_index(&rel.name);
    // Runs of name words: unknown words and numbers ("GPT 5"), or a known
    // name, with numbers after it making a new name ("Qwen 3").
    #[derive(PartialEq)]
    enum Run {
        Closed,
        AfterName,
        Open,
    }
    let mut runs: Vec<Vec<Tok>> = Vec::new();
    let mut run = Run::Closed;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Ent(..) => {
                runs.push(vec![t.clone()]);
                run = Run::AfterName;
                continue;
            }
            Tok::Unknown(_) | Tok::Num(..) | Tok::Date(_) => {
                if let (Tok::Date(d), Some(Tok::Prep(Prep::In | Prep::After | Prep::Before)), Run::Closed) = (t, i.checked_sub(1).map(|j| &toks[j]), &run) {
                    return Err(format!("I can't be taught when a fact held (\"{}\") yet; leave that out.", d.human()));
                }
                let extends = run == Run::Open || (run == Run::AfterName && !matches!(t, Tok::Unknown(_)));
                match runs.last_mut() {
                    Some(last) if extends => last.push(t.clone()),
                    _ => runs.push(vec![t.clone()]),
                }
                run = Run::Open;
                continue;
            }
            Tok::Rel(ms, w) if !ms.iter().any(|m| Some(m.rel) == rel_index) && !own(w) => {
                return Err(format!("I can be taught one fact at a time, and \"{w}\" says something else; leave it out."));
            }
            Tok::Pron(..) => return Err("Say the name instead of a word like \"it\" or \"he\".".into()),
            Tok::Wh(_) => return Err("That reads like a question; /teach and /forget take a statement.".into()),
            _ => {}
        }
        run = Run::Closed;
    }
    // Words of the relation's own phrasing are not names.
    runs.retain(|run| !run.iter().all(|t| matches!(t, Tok::Unknown(w) if own(w))));
    let kinds = rel.subject.join(" or ");
    let what = if kinds.is_empty() { "the thing".to_string() } else { format!("the {kinds}") };
    let run = match runs.as_slice() {
        [one] => one,
        [] => return Err(format!("I need the name of {what} this is about, for example: {}.", example(rel))),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|run| match run.as_slice() {
                    [Tok::Ent(ids, _)] if ids.len() == 1 => r.cat.name(&ids[0]).to_string(),
                    _ => display_name(&rest, &run_words(run)),
                })
                .collect();
            return Err(format!(
                "I can read only one name in a statement like this ({what}), and found {}. Say it as: {}.",
                names.join(" and "),
                example(rel)
            ));
        }
    };
    let (id, name, new_entity) = match run.as_slice() {
        [Tok::Ent(ids, written)] => {
            let fitting: Vec<&String> =
                ids.iter().filter(|id| rel.subject.is_empty() || r.cat.kind(id).is_some_and(|k| rel.subject.iter().any(|s| s == k))).collect();
            match fitting.as_slice() {
                [one] => ((*one).clone(), r.cat.name(one).to_string(), None),
                [] => return Err(kind_mismatch(r.cat.name(&ids[0]), r.cat.kind(&ids[0]).unwrap_or("thing"), rel, "subject")),
                _ => return Err(format!("\"{written}\" could mean several things; use a more specific name.")),
            }
        }
        _ => {
            let name = display_name(&rest, &run_words(run));
            let e = r.new_entity(&name, rel.subject.first().map(String::as_str).unwrap_or("thing"));
            (e.id.clone(), name, Some(e))
        }
    };
    let shown = match &literal.value {
        Value::Date(d) => d.human(),
        Value::Number { amount, money: true } => format!("${}", format_amount(*amount)),
        Value::Number { amount, .. } => match &rel.unit {
            Some(unit) => format!("{} {unit}", format_amount(*amount)),
            None => format_amount(*amount),
        },
        other => format!("{other:?}"),
    };
    let fact = Fact { sources: vec![], ..Fact::new(&id, &rel.name, literal.value.clone(), "") };
    Ok(Statement { fact, new_entities: new_entity.into_iter().collect(), sentence: rel.sentence(false, &name, &shown) })
}

/// The normalised words of how the relation is phrased: its templates,
/// unit, verbs and nouns.
fn vocabulary(rel: &Relation) -> HashSet<String> {
    let texts = [rel.present.as_str(), rel.past.as_deref().unwrap_or(""), rel.unit.as_deref().unwrap_or("")];
    texts
        .into_iter()
        .chain(rel.verbs.iter().chain(&rel.object_nouns).chain(&rel.subject_nouns).map(String::as_str))
        .flat_map(|t| normalize(&t.replace("{s}", " ").replace("{o}", " ")).split(' ').map(String::from).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// An example statement for the relation, from its template.
fn example(rel: &Relation) -> String {
    let object = match rel.value {
        ValueType::Date => "May 2024".to_string(),
        _ => format!("7 billion{}", rel.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default()),
    };
    rel.sentence(false, "NAME", &object)
}

/// The normalised words of a run of tokens.
fn run_words(run: &[Tok]) -> String {
    run.iter()
        .map(|t| match t {
            Tok::Ent(_, w) | Tok::Unknown(w) => w.clone(),
            Tok::Num(n, _) => format_amount(*n).replace(' ', ""),
            Tok::Date(d) => d.to_string(),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A new name as the user wrote it ("GPT-5", not "gpt 5"): the shortest
/// span of `words` that normalises to `normalized`, without a possessive
/// or punctuation around it; title case when it was written all in lower
/// case, or when it cannot be found.
fn display_name(words: &[&str], normalized: &str) -> String {
    let title_case = |s: &str| -> String {
        s.split(' ')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for len in 1..=words.len() {
        for span in words.windows(len) {
            let written = span.join(" ");
            if normalize(&written) != normalized {
                continue;
            }
            let trimmed = written.trim_matches(|c: char| !c.is_alphanumeric());
            let trimmed = trimmed.strip_suffix("'s").or_else(|| trimmed.strip_suffix("\u{2019}s")).unwrap_or(trimmed);
            return if trimmed.chars().any(char::is_uppercase) { trimmed.to_string() } else { title_case(trimmed) };
        }
    }
    title_case(normalized)
}

/// A word without the punctuation around it ("2024.", "(May").
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '$')
}

fn days_in(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// A day of the month: "13", "13th", "1st".
fn day(word: &str) -> Option<u8> {
    let w = bare(word).to_ascii_lowercase();
    let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| w.strip_suffix(s)).unwrap_or(&w);
    digits.parse::<u8>().ok().filter(|d| (1..=31).contains(d))
}

/// A four-digit year on its own.
fn year(word: &str) -> Option<i32> {
    let w = bare(word);
    (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())).then(|| w.parse().ok()).flatten()
}

/// The dates in `words`, in order. A word that looks like a numeric date
/// but is not one ("2024-13", "2024-02-30") is an error.
fn dates(words: &[&str]) -> Result<Vec<Literal>, String> {
    let bad = |written: &str| format!("\"{written}\" is not a date I can read: write it as {DATE_FORMS}.");
    let month = |w: &str| Date::month_number(bare(w));
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = bare(words[i]);
        let at = |k: usize| words.get(i + k).copied();
        // (year, month, day, words used)
        let found: Option<(i32, Option<u8>, Option<u8>, usize)> = if w.len() >= 4 && w.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            match date_value(w) {
                Some(d) => Some((d.year, d.month, d.day, 1)),
                None if w[4..].starts_with('-') => return Err(bad(w)),
                None => None,
            }
        } else if let (Some(m), Some(y)) = (month(w), at(1).and_then(year)) {
            Some((y, Some(m), None, 2))
        } else if let (Some(m), Some(d), Some(y)) = (month(w), at(1).and_then(day), at(2).and_then(year)) {
            Some((y, Some(m), Some(d), 3))
        } else if let (Some(d), Some(m), Some(y)) = (day(w), at(1).and_then(month), at(2).and_then(year)) {
            Some((y, Some(m), Some(d), 3))
        } else {
            None
        };
        match found {
            Some((year, month, day, used)) => {
                if let (Some(m), Some(d)) = (month, day) {
                    if d > days_in(year, m) {
                        return Err(bad(&words[i..i + used].join(" ")));
                    }
                }
                out.push(Literal { value: Value::Date(Date { year, month, day }), start: i, end: i + used });
                i += used;
            }
            None => i += 1,
        }
    }
    Ok(out)
}

/// The numbers in `words`, in order: words that start with a digit or `$`,
/// with a scale word after them or a scale letter on them. A year after
/// "in", "since", "until", "before" or "after" is a time, not a number.
fn numbers(words: &[&str]) -> Vec<Literal> {
    const TIME_WORDS: [&str; 7] = ["in", "since", "until", "before", "after", "during", "on"];
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = bare(words[i]).replace(',', "").to_ascii_lowercase();
        let after_time_word = i > 0 && TIME_WORDS.contains(&bare(words[i - 1]).to_ascii_lowercase().as_str());
        if !w.starts_with(|c: char| c.is_ascii_digit() || c == '$') || (after_time_word && year(&w).is_some()) {
            i += 1;
            continue;
        }
        let next = words.get(i + 1).map(|n| bare(n).to_ascii_lowercase()).unwrap_or_default();
        let with_next = format!("{w} {next}");
        let read = match number_value(&with_next) {
            Some((v, "")) if !next.is_empty() => Some((v, 2)),
            _ => match number_value(&w) {
                Some((v, "")) => Some((v, 1)),
                Some((Value::Number { amount, money }, suffix)) => {
                    scale(suffix).map(|s| (Value::Number { amount: amount * s, money }, 1))
                }
                _ => None,
            },
        };
        match read {
            Some((value, used)) => {
                out.push(Literal { value, start: i, end: i + used });
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

/// A scale written on a number: "7B", "20bn", "5k".
fn scale(suffix: &str) -> Option<f64> {
    match suffix {
        "k" => Some(1e3),
        "m" | "mn" => Some(1e6),
        "b" | "bn" => Some(1e9),
        "t" | "tn" => Some(1e12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(found: Vec<Literal>) -> Vec<(Value, usize, usize)> {
        found.into_iter().map(|l| (l.value, l.start, l.end)).collect()
    }

    fn date(year: i32, month: Option<u8>, day: Option<u8>) -> Value {
        Value::Date(Date { year, month, day })
    }

    fn num(amount: f64, money: bool) -> Value {
        Value::Number { amount, money }
    }

    #[test]
    fn finds_dates_as_written() {
        let words = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        assert_eq!(values(dates(&words("Qwen was released in 2024-05.")).unwrap()), vec![(date(2024, Some(5), None), 4, 5)]);
        assert_eq!(values(dates(&words("in May 2024")).unwrap()), vec![(date(2024, Some(5), None), 1, 3)]);
        assert_eq!(values(dates(&words("on 13th May 2024")).unwrap()), vec![(date(2024, Some(5), Some(13)), 1, 4)]);
        assert_eq!(values(dates(&words("on Sept 3, 2023")).unwrap()), vec![(date(2023, Some(9), Some(3)), 1, 4)]);
        assert_eq!(values(dates(&words("(2021) and 2024-02-29")).unwrap()), vec![(date(2021, None, None), 0, 1), (date(2024, Some(2), Some(29)), 2, 3)]);
        assert!(dates(&words("GPT-5 may have 7 parameters")).unwrap().is_empty());
        for bad in ["in 2024-13", "on 2023-02-29", "on 31 April 2024", "in 2024-5"] {
            let err = dates(&words(bad)).unwrap_err();
            assert!(err.contains("not a date") && err.contains("2024-05-13"), "{bad}: {err}");
        }
    }

    #[test]
    fn finds_numbers_but_not_digits_in_names_or_years_after_in() {
        let words = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        assert_eq!(values(numbers(&words("GPT-5 has 2 trillion parameters"))), vec![(num(2e12, false), 2, 4)]);
        assert_eq!(values(numbers(&words("Qwen 7B has 7.5 billion, says X"))), vec![(num(7e9, false), 1, 2), (num(7.5e9, false), 3, 5)]);
        assert_eq!(values(numbers(&words("lost $20bn in 2023"))), vec![(num(20e9, true), 1, 2)]);
        assert_eq!(values(numbers(&words("split into 1,000 units"))), vec![(num(1000.0, false), 2, 3)]);
        assert!(numbers(&words("has many parameters 7x")).is_empty());
    }

    #[test]
    fn new_names_keep_their_spelling() {
        assert_eq!(display_name(&["GPT-5's", "parameter", "count", "is"], "gpt 5"), "GPT-5");
        assert_eq!(display_name(&["wang", "wu", "heads"], "wang wu"), "Wang Wu");
        assert_eq!(display_name(&["x"], "not there"), "Not There");
    }
}
