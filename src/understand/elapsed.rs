//! Questions of the time between two happenings: "how many years after
//! GPT-3 came out did Alibaba build M6?", "how long between GPT-3's
//! launch and ChatGPT's?", "how many months passed from A to B?".
//!
//! Each happening is a name and what dates it, read as the alternatives
//! of a superlative are ("GPT-3 came out", "the scrapping of the IPO"), or
//! a clause with a subject and an object ("Alibaba built M6": the date of
//! M6, made by Alibaba). A bare name takes the other's measure ("GPT-3's
//! launch and ChatGPT's"). Every word must be accounted for, or there is
//! no reading.

use super::degree::{happening, phrase_at, toks_of};
use super::grammar::NotUnderstood;
use super::lexer::{self, Role, Tok};
use super::{chain, Reader};
use crate::knowledge::lexicon::ValueType;
use crate::query::{Ask, Dated, Dir, Measure, Query, Set, Time, TimeUnit};

type R<T> = Result<T, NotUnderstood>;

/// One side as read: dated, or a bare name waiting for the other's measure.
enum Side {
    Dated(Dated),
    Bare(String),
}

/// Reads a question of elapsed time; None when it is not one.
pub(crate) fn read(r: &Reader, text: &str, plain: &str) -> Option<R<Query>> {
    let e = &r.lang.elapsed;
    let normalised: Vec<String> = plain.split_whitespace().map(String::from).collect();
    // The unit ("how many years"), from the words as typed: cleaning
    // turns "how many years" into "how long".
    let units = [(&e.years, TimeUnit::Years), (&e.months, TimeUnit::Months), (&e.weeks, TimeUnit::Weeks), (&e.days, TimeUnit::Days)];
    let unit_at = |words: &[String], i: usize| units.iter().find(|(ws, _)| words.get(i).is_some_and(|w| ws.contains(w))).map(|(_, u)| *u);
    let asked_unit = (0..normalised.len()).find_map(|i| {
        e.how_many.iter().find(|p| phrase_at(&normalised, i, p)).and_then(|p| unit_at(&normalised, i + p.split(' ').count()))
    });
    let opens = e.how_long.iter().chain(&e.how_many).any(|p| plain.contains(&format!(" {p} ")) || plain.starts_with(&format!("{p} ")));
    if !opens {
        return None;
    }
    let clean = r.clean(text);
    let words: Vec<String> = clean.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    // The opening: "how long", or "how many" and a unit.
    let mut at = if let Some(p) = e.how_long.iter().find(|p| phrase_at(&words, 0, p)) {
        p.split(' ').count()
    } else {
        let p = e.how_many.iter().find(|p| phrase_at(&words, 0, p))?;
        let n = p.split(' ').count();
        unit_at(&words, n)?;
        n + 1
    };
    at = skip_fillers(r, &words, at);
    let degree = &r.lang.degree;
    let first = words.get(at)?;
    let (from, to, ordered) = if degree.after.contains(first) || degree.before.contains(first) {
        // "after A did B": A runs to the auxiliary that opens B.
        let after = degree.after.contains(first);
        let (a, b) = split_at_aux(r, &words[at + 1..])?;
        if after {
            (a, b, true)
        } else {
            (b, a, true)
        }
    } else if e.between.contains(first) {
        let (a, b) = split_on(r, &words[at + 1..], &degree.and)?;
        (a, b, false)
    } else if e.from.contains(first) {
        let (a, b) = split_on(r, &words[at + 1..], &e.to)?;
        (a, b, false)
    } else {
        return None;
    };
    let (from, to) = match (from, to) {
        (Side::Dated(a), Side::Dated(b)) => (a, b),
        (Side::Dated(a), Side::Bare(b)) => {
            let b = bare(r, b, &a.by)?;
            (a, b)
        }
        (Side::Bare(a), Side::Dated(b)) => (bare(r, a, &b.by)?, b),
        (Side::Bare(a), Side::Bare(b)) => {
            let by = own_date(r, &[&a, &b])?;
            (Dated { of: Set::Entity(a), by: by.clone() }, Dated { of: Set::Entity(b), by })
        }
    };
    Some(Ok(Query { ask: Ask::Elapsed { from: Box::new(from), to: Box::new(to), unit: asked_unit, ordered }, past: true }))
}

/// Past the words that ask nothing here ("passed", "was it").
fn skip_fillers(r: &Reader, words: &[String], mut at: usize) -> usize {
    while let Some(p) = r.lang.elapsed.filler.iter().find(|p| phrase_at(words, at, p)) {
        at += p.split(' ').count();
    }
    at
}

/// The words without fillers at their end.
fn trim_fillers<'a>(r: &Reader, words: &'a [String]) -> &'a [String] {
    for p in &r.lang.elapsed.filler {
        let n = p.split(' ').count();
        if words.len() > n && phrase_at(words, words.len() - n, p) {
            return trim_fillers(r, &words[..words.len() - n]);
        }
    }
    words
}

/// "A did B": the two sides of the first auxiliary at which both read.
fn split_at_aux(r: &Reader, words: &[String]) -> Option<(Side, Side)> {
    (1..words.len()).filter(|&i| matches!(lexer::aux_word(&words[i]), Ok(("", _)))).find_map(|i| Some((side(r, &words[..i])?, side(r, trim_fillers(r, &words[i + 1..]))?)))
}

/// "A and B", "A to B": the two sides of the first joining word at which
/// both read.
fn split_on(r: &Reader, words: &[String], joins: &[String]) -> Option<(Side, Side)> {
    (1..words.len()).filter(|&i| joins.contains(&words[i])).find_map(|i| Some((side(r, &words[..i])?, side(r, trim_fillers(r, &words[i + 1..]))?)))
}

/// One happening: a name and what dates it, a clause, or a bare name.
fn side(r: &Reader, words: &[String]) -> Option<Side> {
    if words.is_empty() {
        return None;
    }
    if let Some((id, by)) = happening(r, words) {
        return Some(Side::Dated(Dated { of: Set::Entity(id), by }));
    }
    let toks = toks_of(r, words);
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).collect();
    match content.as_slice() {
        [Tok::Ent(ids, _)] if ids.len() == 1 => Some(Side::Bare(ids[0].clone())),
        [Tok::Ent(a, _), Tok::Rel(ms, _), Tok::Ent(b, _)] if a.len() == 1 && b.len() == 1 => clause(r, &a[0], ms, &b[0]).map(Side::Dated),
        _ => None,
    }
}

/// "Alibaba built M6": the object, linked to the subject by the verb's
/// relation, dated by a date relation of the same verb that the object
/// has ("be built": M6's release), else by the linking fact's own date.
fn clause(r: &Reader, a: &str, ms: &[lexer::Mention], b: &str) -> Option<Dated> {
    let (ka, kb) = (r.cat.kind(a)?.to_string(), r.cat.kind(b)?.to_string());
    let mut links = Vec::new();
    for m in ms {
        let rel = r.cat.lex.rel(m.rel);
        if rel.value != ValueType::Entity {
            continue;
        }
        // The fact's subject and object: a then b for a verb, b then a
        // for an inverse verb.
        let (s, o) = match m.role {
            Role::Verb => (&ka, &kb),
            Role::InverseVerb => (&kb, &ka),
            _ => continue,
        };
        if rel.subject.contains(s) && chain::kinds_at(r, m.rel, true).contains(o) {
            links.push(*m);
        }
    }
    let [link] = links.as_slice() else { return None };
    let b_is_object = link.role == Role::Verb;
    let of = Set::And(
        Box::new(Set::Entity(b.to_string())),
        Box::new(Set::Join { rel: link.rel, dir: Dir::subjects_if(!b_is_object), of: Box::new(Set::Entity(a.to_string())), time: Time::Any }),
    );
    let dates: Vec<Measure> = ms
        .iter()
        .filter(|m| m.role == Role::Verb && r.cat.lex.rel(m.rel).value == ValueType::Date && r.cat.lex.rel(m.rel).subject.contains(&kb))
        .map(|m| Measure::Value(m.rel))
        .collect();
    let by = match dates.as_slice() {
        [one] => one.clone(),
        [] => Measure::Date { rel: link.rel, dir: Dir::subjects_if(b_is_object), with: Some(a.to_string()) },
        _ => return None,
    };
    Some(Dated { of, by })
}

/// The date of things of these kinds: the date relation that fits them
/// with the fewest other kinds ("released" for models, before
/// "announced", which dates events too); None on a tie.
fn own_date(r: &Reader, ids: &[&String]) -> Option<Measure> {
    let kinds: Vec<String> = ids.iter().filter_map(|id| r.cat.kind(id).map(String::from)).collect();
    if kinds.len() != ids.len() {
        return None;
    }
    let fitting: Vec<(usize, usize)> = r.cat.lex.relations.iter().enumerate().filter(|(_, rel)| rel.value == ValueType::Date && chain::fits(&kinds, &rel.subject)).map(|(i, rel)| (i, rel.subject.len())).collect();
    let fewest = fitting.iter().map(|(_, n)| *n).min()?;
    match fitting.iter().filter(|(_, n)| *n == fewest).collect::<Vec<_>>().as_slice() {
        [(i, _)] => Some(Measure::Value(crate::query::RelId(*i))),
        _ => None,
    }
}

/// A bare name with the other side's measure, when that measure is of
/// its kind; else its own date.
fn bare(r: &Reader, id: String, other: &Measure) -> Option<Dated> {
    let kind = r.cat.kind(&id)?.to_string();
    let fits = match other {
        Measure::Value(rel) => r.cat.lex.rel(*rel).subject.contains(&kind),
        _ => false,
    };
    let by = if fits { other.clone() } else { own_date(r, &[&id])? };
    Some(Dated { of: Set::Entity(id), by })
}
