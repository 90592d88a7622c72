//! The precision guard: a reading may answer only when it accounts for
//! every content word of the question.
//!
//! A reading that ignores words is how a question gets a confident wrong
//! answer ("Where did X work before joining Y?" read as "where is Y").
//! So after the grammar or the chain reading has produced a [`Query`],
//! each content token of the question must be used by it:
//!
//! - a name: one of its entities appears in the query;
//! - a relation phrase: one of its relations is joined;
//! - a kind noun: the query filters by that kind, or a relation or entity
//!   of the query has it;
//! - a number or a date: the query holds it as a literal or a time;
//! - a title noun: the query asks for titles;
//! - a negation, or a word nothing in the lexicon knows: never (there is
//!   no negation operator yet, and an unknown word may change the meaning).
//!
//! The question word must fit what the query asks: "when" a date, "how
//! many" a count or a number, "why" a reason, "where" a place, a yes/no
//! question a check, a question word never a check. Grammar words
//! (auxiliaries, prepositions, pronouns resolved by the conversation,
//! fillers and stopwords, which never become tokens) need no use.

use super::grammar::{Ask, NotUnderstood, Query, Set, Time};
use crate::query::{Dir, Measure, RelId};
use super::lexer::{Aux, Prep, Role, Tok, Wh};
use super::Reader;
use crate::knowledge::lexicon::ValueType;
use crate::knowledge::{Date, Value};
use std::collections::HashSet;

/// What a query uses of the question.
#[derive(Debug, Default)]
struct Uses {
    entities: HashSet<String>,
    /// The relations joined, with how many times each is.
    joins: std::collections::HashMap<RelId, usize>,
    kinds: HashSet<String>,
    dates: Vec<Date>,
    numbers: Vec<f64>,
    /// Whether a when-clause dates the query ("... when the outage
    /// happened"): its "when" is not the question word.
    during: bool,
    /// Whether the query orders by time ("after X", "before he joined").
    ordered: bool,
    /// Whether the query has a union ("Idaho or Oregon").
    either: bool,
    /// The joins with the side each yields.
    yields: Vec<(RelId, Dir)>,
}

/// "Who at Alibaba worked on it?" read as who worked on Alibaba: a
/// thing's object pronoun that ends the question, after a verb or a
/// preposition, stands for something the question does not name; a query
/// with only the named entities has dropped it. (Not a person's: "X is a
/// film written by this person" asks for the person.)
fn dropped_object_pronoun(toks: &[Tok], u: &Uses) -> bool {
    let [.., Tok::Rel(..) | Tok::Prep(_), Tok::Pron(false, false, _)] = toks else { return false };
    let named: HashSet<&str> = toks.iter().filter_map(|t| if let Tok::Ent(ids, _) = t { Some(ids) } else { None }).flatten().map(String::as_str).collect();
    !named.is_empty() && u.entities.iter().all(|e| named.contains(e.as_str()))
}

impl Uses {
    fn of(q: &Query) -> Uses {
        let mut u = Uses::default();
        match &q.ask {
            Ask::Values(s) | Ask::Count(s) => u.set(s),
            Ask::Total(s, by) => {
                u.measure(by);
                u.set(s);
            }
            Ask::Check { item, set } => {
                u.set(item);
                u.set(set);
            }
            Ask::When(s, o) | Ask::Why(s, o) | Ask::HowLong(s, o) | Ask::Where(s, o) => {
                u.set(s);
                if let Some(o) = o {
                    u.set(o);
                }
            }
            Ask::Ratio { of, rel, top, bottom } => {
                for r in [rel, top, bottom] {
                    *u.joins.entry(*r).or_default() += 1;
                }
                u.set(of);
            }
            Ask::Elapsed { from, to, .. } => {
                for d in [from, to] {
                    u.measure(&d.by);
                    u.set(&d.of);
                }
            }
            Ask::Describe(e) | Ask::Title(e, None) => {
                u.entities.insert(e.clone());
            }
            Ask::Title(e, Some(at)) => {
                u.entities.insert(e.clone());
                u.entities.insert(at.clone());
            }
        }
        u
    }

    fn set(&mut self, s: &Set) {
        match s {
            Set::Entity(e) => {
                self.entities.insert(e.clone());
            }
            Set::Literal(v) => self.value(v),
            Set::Join { rel, dir, of, time } => {
                *self.joins.entry(*rel).or_default() += 1;
                self.yields.push((*rel, *dir));
                self.set(of);
                self.time(time);
            }
            Set::All(k) => {
                self.kinds.insert(k.clone());
            }
            Set::Members(e) | Set::Linked(e) => {
                self.entities.insert(e.clone());
            }
            Set::OfKind(b, k) => {
                self.set(b);
                self.kinds.insert(k.clone());
            }
            Set::MemberOf(b, e) | Set::LinkedTo(b, e) => {
                self.set(b);
                self.entities.insert(e.clone());
            }
            Set::And(a, b) | Set::Or(a, b) | Set::Minus(a, b) => {
                self.either |= matches!(s, Set::Or(..));
                self.set(a);
                self.set(b);
            }
            Set::Extreme { of, by, .. } => {
                self.measure(by);
                self.set(of);
            }
            Set::Compared { of, by, than, .. } => {
                self.measure(by);
                self.set(of);
                self.set(than);
            }
            Set::Without(a, e) | Set::Mentioning(a, e) => {
                self.set(a);
                self.entities.insert(e.clone());
            }
            Set::Event { rel, subject, object } => {
                *self.joins.entry(*rel).or_default() += 1;
                self.set(subject);
                if let Some(o) = object {
                    self.set(o);
                }
            }
        }
    }

    fn measure(&mut self, by: &Measure) {
        match by {
            Measure::Each(each) => {
                for (e, m) in each {
                    self.entities.insert(e.clone());
                    self.measure(m);
                }
            }
            Measure::Date { rel, with: Some(e), .. } => {
                *self.joins.entry(*rel).or_default() += 1;
                self.entities.insert(e.clone());
            }
            Measure::Through { rel, then, .. } => {
                *self.joins.entry(*rel).or_default() += 1;
                self.measure(then);
            }
            other => *self.joins.entry(other.relation().0).or_default() += 1,
        }
    }

    fn time(&mut self, t: &Time) {
        match t {
            Time::At(d) => self.dates.push(*d),
            Time::DuringFacts(s) => {
                self.during = true;
                self.set(s);
            }
            Time::After(s) | Time::Before(s) | Time::AfterFacts(s) | Time::BeforeFacts(s) => {
                self.ordered = true;
                self.set(s);
            }
            Time::Now | Time::Any | Time::Ended | Time::Began | Time::Current | Time::Expected => {}
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Entity(e) => {
                self.entities.insert(e.clone());
            }
            Value::Date(d) => self.dates.push(*d),
            Value::Number { amount, .. } => self.numbers.push(*amount),
            Value::Text(_) => {}
        }
    }
}

/// Why a reading may not answer: the words it leaves unexplained, and
/// the words it did use (for the reply).
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// The question's words the reading does not account for.
    pub missing: Vec<String>,
    /// The words it did read.
    pub understood: Vec<String>,
}

/// Checks a reading with [`check`], and then that it joins things of the
/// kinds its relations take: a reading of the wrong kinds ("the major
/// cities" among the states) reads no question, and no other reading is
/// tried for it.
pub fn check_typed(r: &Reader, toks: &[Tok], q: &Query) -> Result<(), NotUnderstood> {
    check(r, toks, q).map_err(NotUnderstood::Unexplained)?;
    if !super::chain::well_typed(r, q) || asks_holder_of_values(toks, q) {
        return Err(NotUnderstood::Mistyped(Gap { missing: vec![], understood: toks.iter().filter_map(|t| shown(r, t)).collect() }));
    }
    Ok(())
}

/// "(Of the states ...) which has the lowest point?" asks which thing has
/// it: a reading that gives the values of the relation noun after "which
/// has" answers another question.
fn asks_holder_of_values(toks: &[Tok], q: &Query) -> bool {
    let Ask::Values(Set::Join { rel, dir: Dir::ToObject, .. }) = &q.ask else { return false };
    toks.windows(3).any(|w| match w {
        [Tok::Wh(Wh::Which | Wh::What | Wh::Who), Tok::Aux(Aux::Have), Tok::Rel(ms, _)] => ms.iter().any(|m| m.rel == *rel && m.role == Role::ObjectNoun),
        _ => false,
    })
}

impl Gap {
    /// The reply: what was understood and what was not.
    pub fn reply(&self) -> String {
        let quote = |ws: &[String]| ws.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ");
        if self.missing.is_empty() && self.understood.is_empty() {
            "I don't know: I can't tell how the parts of that go together, so I won't guess.".to_string()
        } else if self.missing.is_empty() {
            format!("I don't know: I understood {} but not how they go together, so I won't guess.", quote(&self.understood))
        } else if self.understood.is_empty() {
            format!("I don't know: I can't tell what {} asks, so I won't guess.", quote(&self.missing))
        } else {
            format!(
                "I don't know: I understood {} but not what {} asks there, so I won't guess.",
                quote(&self.understood),
                quote(&self.missing)
            )
        }
    }
}

/// Whether the kind noun at `i` sits next to a name: after it ("Texas
/// cities") or before "of" or "in" and the name ("the cities of Texas").
/// Such a noun names things of the kind.
pub(super) fn kind_beside_name(toks: &[Tok], i: usize) -> bool {
    matches!(toks.get(i), Some(Tok::Kind(_)))
        && ((i > 0 && matches!(toks[i - 1], Tok::Ent(..))) || matches!((toks.get(i + 1), toks.get(i + 2)), (Some(Tok::Prep(Prep::Of | Prep::In)), Some(Tok::Ent(..)))))
}

/// How a token shows in a reply.
fn shown(r: &Reader, t: &Tok) -> Option<String> {
    match t {
        Tok::Ent(_, name) | Tok::Rel(_, name) | Tok::Unknown(name) => Some(name.clone()),
        Tok::Kind(k) => Some(r.cat.lex.kinds.get(k).and_then(|n| n.first()).cloned().unwrap_or_else(|| k.clone())),
        Tok::Num(n, money) => Some(format!("{}{}", if *money { "$" } else { "" }, crate::knowledge::format_amount(*n))),
        Tok::Date(d) => Some(d.human()),
        Tok::Not => Some("not".into()),
        Tok::Or => Some("or".into()),
        Tok::Title => Some("title".into()),
        _ => None,
    }
}

/// Checks that `q` accounts for every content token of `toks`.
pub fn check(r: &Reader, toks: &[Tok], q: &Query) -> Result<(), Gap> {
    let u = Uses::of(q);
    // The kinds a relation's sides have; a literal side has the kind
    // named after its value type ("which years": dates), as in the chain
    // reading.
    let rel_kinds: HashSet<&str> = u
        .joins
        .keys()
        .flat_map(|&i| {
            let rel = r.cat.lex.rel(i);
            let literal = match rel.value {
                ValueType::Entity => None,
                ValueType::Date => Some("date"),
                ValueType::Number => Some("number"),
                ValueType::Text => Some("text"),
            };
            rel.subject.iter().chain(rel.object.iter()).map(String::as_str).chain(literal)
        })
        .collect();
    let mut missing = Vec::new();
    let mut understood = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let used = match t {
            Tok::Ent(ids, _) => ids.iter().any(|id| u.entities.contains(id)),
            // A kind noun next to a name ("Texas cities", "the cities of
            // Texas") names things of the kind: the query must have them
            // or yield them, not only join a relation that could ("the
            // population of the cities of Texas" is not Texas's).
            Tok::Kind(k) if kind_beside_name(toks, i) => {
                u.kinds.contains(k)
                    || u.entities.iter().any(|e| r.cat.kind(e) == Some(k.as_str()))
                    || u.yields.iter().any(|&(rel, dir)| super::chain::kinds_at(r, rel, dir == Dir::ToObject).contains(k))
            }
            // A verb of happenings ("what happened to X") is used by a
            // query for happenings.
            Tok::Rel(ms, _) => {
                let happenings = r.cat.lex.event_kind.as_ref().is_some_and(|k| u.kinds.contains(k));
                ms.iter().any(|m| u.joins.contains_key(&m.rel) || (happenings && r.cat.lex.rel(m.rel).subject.iter().any(|s| Some(s) == r.cat.lex.event_kind.as_ref())))
            }
            Tok::Kind(k) => {
                u.kinds.contains(k) || rel_kinds.contains(k.as_str()) || u.entities.iter().any(|e| r.cat.kind(e) == Some(k.as_str()))
            }
            Tok::Num(n, _) => u.numbers.iter().any(|x| (x - n).abs() <= 1e-9 * n.abs().max(1.0)),
            Tok::Date(d) => u.dates.contains(d),
            Tok::Title => matches!(q.ask, Ask::Title(..)),
            Tok::Or => u.either,
            Tok::Not | Tok::Unknown(_) => false,
            _ => continue,
        };
        if let Some(w) = shown(r, t) {
            if used {
                understood.push(w);
            } else {
                missing.push(w);
            }
        }
    }
    if let Some(w) = one_join_twice(toks, &u) {
        missing.push(w);
    }
    if let Some(w) = phrase_twice_one_join(toks, &u) {
        missing.push(w);
    }
    if let Some(w) = asked_kind_not_yielded(r, toks, q) {
        missing.push(w);
    }
    if let Some(w) = there_and_back(r, toks, q) {
        missing.push(w);
    }
    if dropped_object_pronoun(toks, &u) {
        missing.push("it".into());
    }
    // "Where did he get his PhD, and in what?": a question word at the
    // end, after another, asks a second question the reading does not.
    if let (Some(Tok::Wh(w)), true) = (toks.last(), toks.len() > 2 && toks[..toks.len() - 1].iter().any(|t| matches!(t, Tok::Wh(_)))) {
        if !matches!(toks.get(toks.len().wrapping_sub(2)), Some(Tok::Ent(..) | Tok::Kind(_) | Tok::Rel(..))) {
            missing.push(match w {
                Wh::HowMany => "how many".into(),
                Wh::HowMuch => "how much".into(),
                Wh::HowLong => "how long".into(),
                other => format!("{other:?}").to_lowercase(),
            });
        }
    }
    // Text with no question word, no imperative and no yes/no form reads
    // as a question only when its relation words go together ("GPT-3
    // launch year?", "the scriptwriter of Kismet also wrote movies"):
    // relation and kind nouns piled one after another, with nothing to say
    // how they go together, are not read ("fall into the company
    // filmmaker kind of movie category with theme").
    let asked = toks.iter().any(|t| matches!(t, Tok::Wh(_) | Tok::List)) || matches!(toks.first(), Some(Tok::Aux(_)));
    let piled = toks.windows(2).filter(|w| w.iter().all(|t| matches!(t, Tok::Rel(..) | Tok::Kind(_)))).count();
    if !asked && piled > 1 {
        return Err(Gap { missing: vec![], understood });
    }
    // "What happened after the outage?": "after" and "before" must order
    // the query by time ("since when" asks a date).
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Prep(p @ (Prep::After | Prep::Before)) = t {
            let since_when = i == 0 && matches!(toks.get(1), Some(Tok::Wh(Wh::When)));
            if !u.ordered && !since_when {
                missing.push(if *p == Prep::After { "after" } else { "before" }.to_string());
                break;
            }
        }
    }
    let asking = match super::grammar::inner_when(toks) {
        Some(at) if u.during => &toks[..at],
        _ => toks,
    };
    if let Some(w) = wh_misfit(r, asking, q) {
        missing.push(w);
    }
    understood.retain(|w| !missing.contains(w));
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Gap { missing, understood })
    }
}

/// A relation phrase explained only by a join that an earlier phrase
/// already explains, with a pronoun between them: "the person heading X -
/// who's their manager?" read as who heads X uses "heading" and "manager"
/// for one join and leaves "their" unread. (A noun and a verb of one
/// relation may name one step: "how many units did Alibaba split into",
/// "the director that directed X".)
/// A relation phrase said more often than the query joins its relation:
/// "states that border states that border Colorado" is two joins, and a
/// reading with one leaves a phrase unread. Only phrases that can mean one
/// relation alone are counted.
fn phrase_twice_one_join(toks: &[Tok], u: &Uses) -> Option<String> {
    // The same words said again: "how much money have they raised" and
    // "words describing what X is about" name one relation twice in
    // different words, for one join.
    let mut said: std::collections::HashMap<(RelId, &str), usize> = std::collections::HashMap::new();
    for t in toks {
        if let Tok::Rel(ms, w) = t {
            if let Some(first) = ms.first() {
                if ms.iter().all(|m| m.rel == first.rel) {
                    *said.entry((first.rel, w.as_str())).or_default() += 1;
                }
            }
        }
    }
    said.into_iter().find(|((rel, _), n)| *n > 1 && u.joins.get(rel).is_some_and(|j| j < n)).map(|((_, w), _)| w.to_string())
}

/// The entity kind a question word asks for: "which states", "how many
/// cities", "what are the rivers" (not "what did the person say").
pub(crate) fn asked_kind<'t>(r: &Reader, toks: &'t [Tok]) -> Option<&'t String> {
    let asks_kind = |t: &Tok| matches!(t, Tok::Wh(Wh::What | Wh::Which | Wh::HowMany) | Tok::List);
    toks.windows(3).chain(toks.windows(2)).find_map(|w| match w {
        [a, Tok::Kind(k), ..] | [a, Tok::Aux(super::lexer::Aux::Be | super::lexer::Aux::Was), Tok::Kind(k)] if asks_kind(a) && r.cat.lex.kinds.contains_key(k) => Some(k),
        _ => None,
    })
}

/// "How many rivers are in Colorado?", "which states ...": the kind the
/// question word asks for must be what the query yields, when the
/// query's kinds are known ("rivers" is not read by a reading that counts
/// every state, city and river).
fn asked_kind_not_yielded(r: &Reader, toks: &[Tok], q: &Query) -> Option<String> {
    let asked = asked_kind(r, toks)?;
    let (Ask::Values(s) | Ask::Count(s)) = &q.ask else { return None };
    let yields = super::chain::kinds_of(r, s)?;
    (!yields.is_empty() && yields.iter().any(|k| k != asked)).then(|| asked.clone())
}

/// A relation followed there and back ("the states whose capital is the
/// capital of Texas" for "the size of the capital of Texas") said once, with
/// no word that asks for a shared value ("same", "share"): the step back
/// is the reading's, not the question's.
fn there_and_back(r: &Reader, toks: &[Tok], q: &Query) -> Option<String> {
    // "Is Qwen open-sourced?" checks that someone open-sourced it: there
    // and back from the thing asked about.
    if toks.contains(&Tok::Recip) || matches!(q.ask, Ask::Check { .. }) {
        return None;
    }
    // Only a step back in the middle of a path: "the films by the writer
    // of X" goes back to ask for films, "the size of the capital of
    // Texas" went back to find something with a size.
    // Over a relation with one value a side (a state's one capital), the
    // step back finds the thing it started from.
    fn find(r: &Reader, s: &Set, inside: bool) -> Option<RelId> {
        // (A step back dated otherwise is a filter: "released in 2021".)
        let plain = |t: &Time| matches!(t, Time::Now | Time::Any);
        if let Set::Join { rel, dir, of, time } = s {
            if let Set::Join { rel: inner, dir: back, time: inner_time, .. } = of.as_ref() {
                use crate::knowledge::lexicon::Single;
                let single = r.cat.lex.rel(*rel).single;
                // At the top, only a step back to the side with one value
                // ("the cities in the state whose capital is Austin" read
                // as the capital of that state: Austin again).
                let back_to_one = match single {
                    Single::None => false,
                    Single::Object => inside || *dir == Dir::ToObject,
                    Single::Subject => inside || *dir == Dir::ToSubject,
                };
                if rel == inner && *dir == back.reverse() && plain(time) && plain(inner_time) && back_to_one {
                    return Some(*rel);
                }
            }
        }
        let below = inside || matches!(s, Set::Join { .. });
        s.children().into_iter().find_map(|c| find(r, c, below))
    }
    let rel = q.ask.sets().into_iter().find_map(|s| find(r, s, false))?;
    let said: Vec<&String> = toks.iter().filter_map(|t| if let Tok::Rel(ms, w) = t { ms.iter().any(|m| m.rel == rel).then_some(w) } else { None }).collect();
    match said.as_slice() {
        [once] => Some((*once).clone()),
        _ => None,
    }
}

fn one_join_twice(toks: &[Tok], u: &Uses) -> Option<String> {
    let mut left = u.joins.clone();
    let mut last_use: std::collections::HashMap<RelId, usize> = std::collections::HashMap::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Rel(ms, w) = t else { continue };
        let mut rels: Vec<RelId> = ms.iter().map(|m| m.rel).filter(|rel| u.joins.contains_key(rel)).collect();
        rels.dedup();
        if rels.is_empty() {
            continue;
        }
        if let Some(&rel) = rels.iter().find(|rel| left.get(rel).is_some_and(|n| *n > 0)) {
            *left.entry(rel).or_default() -= 1;
            last_use.insert(rel, i);
            continue;
        }
        let between = |from: usize| toks[from + 1..i].iter().any(|t| matches!(t, Tok::Pron(..)));
        if rels.iter().all(|rel| last_use.get(rel).is_some_and(|&from| between(from))) {
            return Some(w.clone());
        }
    }
    None
}

/// The question word (or the yes/no form) when the query does not ask
/// what it asks for.
fn wh_misfit(r: &Reader, toks: &[Tok], q: &Query) -> Option<String> {
    let wh = toks.iter().find_map(|t| if let Tok::Wh(w) = t { Some(*w) } else { None });
    let yes_no = wh.is_none() && matches!(toks.first(), Some(Tok::Aux(_)));
    let check = matches!(q.ask, Ask::Check { .. });
    if yes_no {
        return (!check).then(|| "yes or no".to_string());
    }
    let value_type = |s: &Set| match s.unfiltered() {
        Set::Join { rel, dir: Dir::ToObject, .. } => Some(r.cat.lex.rel(*rel).value),
        _ => None,
    };
    let fits = match (wh, &q.ask) {
        (None, _) => true,
        (Some(_), Ask::Check { .. }) => false,
        (Some(Wh::When), Ask::When(..)) => true,
        (Some(Wh::When), Ask::Values(s)) => value_type(s) == Some(ValueType::Date),
        (Some(Wh::When), _) => false,
        (Some(Wh::Why), ask) => matches!(ask, Ask::Why(..)),
        (Some(Wh::HowLong), ask) => matches!(ask, Ask::HowLong(..)) || matches!(ask, Ask::Values(s) if value_type(s) == Some(ValueType::Number)),
        (Some(Wh::HowMany), Ask::Count(_)) => true,
        (Some(Wh::HowMany), Ask::Values(s)) => value_type(s) == Some(ValueType::Number),
        (Some(Wh::HowMany), _) => false,
        (Some(Wh::HowMuch), Ask::Values(s)) => matches!(value_type(s), Some(ValueType::Number | ValueType::Text)),
        (Some(Wh::HowMuch), _) => false,
        (Some(_), Ask::Why(..)) => false,
        (Some(_), Ask::HowLong(..)) => false,
        _ => true,
    };
    (!fits).then(|| {
        match wh {
            Some(Wh::When) => "when",
            Some(Wh::Why) => "why",
            Some(Wh::HowMany) => "how many",
            Some(Wh::HowMuch) => "how much",
            Some(Wh::HowLong) => "how long",
            Some(Wh::Where) => "where",
            Some(Wh::Who) => "who",
            Some(Wh::Which) => "which",
            Some(Wh::What) | None => "what",
        }
        .to_string()
    })
}
