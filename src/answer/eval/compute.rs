//! The computing operators: measures, superlatives, comparisons and
//! totals.
//!
//! A measure is a number or a date a member of a set has. Dates compare
//! only when their spans do not overlap: "2023" and "March 2023" are
//! neither before nor after each other, so a superlative that would need
//! to order them has no answer rather than a guess. A member whose measure
//! the store does not hold, or holds with values that disagree, is left
//! out and named in the reply.

use super::{Ctx, Hit};
use crate::answer::outcome::Outcome;
use crate::answer::outcome::{Asked, Beyond, Declined, Found, Given, Label, Quantity, Reply, Span};
use crate::answer::Status;
use crate::knowledge::lexicon::Single;
use crate::knowledge::{Date, Fact, Value};
use crate::query::{Cmp, Dated, Dir, Measure, Order, RelId, Set, TimeUnit};
use std::cmp::Ordering;
use std::collections::HashMap;

impl Quantity {
    /// How two quantities compare; None when they cannot be ordered (a
    /// number and a date, or dates whose spans overlap).
    fn compare(&self, other: &Quantity) -> Option<Ordering> {
        match (self, other) {
            (Quantity::Number(a, _), Quantity::Number(b, _)) => a.partial_cmp(b),
            (Quantity::Date(a), Quantity::Date(b)) => {
                if a.end() < b.start() {
                    Some(Ordering::Less)
                } else if a.start() > b.end() {
                    Some(Ordering::Greater)
                } else if a == b && a.day.is_some() {
                    // The same day; "May 2024" and "May 2024" may be any
                    // two days of that month, and are not ordered.
                    Some(Ordering::Equal)
                } else {
                    None
                }
            }
            (Quantity::Until(a), Quantity::Date(b)) => (a.start() <= b.start()).then_some(Ordering::Less),
            (Quantity::Date(_), Quantity::Until(_)) => other.compare(self).map(Ordering::reverse),
            // Reported by a date: before whatever begins after it, and
            // unordered with anything earlier.
            (Quantity::By(a), Quantity::Date(b)) => (a.end() < b.start()).then_some(Ordering::Less),
            (Quantity::Date(_), Quantity::By(_)) => other.compare(self).map(Ordering::reverse),
            _ => None,
        }
    }
}

/// A member with its measure and the facts that give it.
#[derive(Debug, Clone)]
pub(super) struct Measured {
    pub(super) hit: Hit,
    pub(super) amount: Quantity,
    pub(super) facts: Vec<Fact>,
}

/// Members of a set split by whether their measure is known.
pub(super) struct Measures {
    pub(super) known: Vec<Measured>,
    /// Members with no measure, or with disagreeing ones, by name.
    pub(super) unknown: Vec<Value>,
}

impl Ctx<'_> {
    /// The measure of one value: None when the store holds none, or
    /// values that disagree.
    fn measure_of(&self, v: &Value, by: &Measure, all: Option<&HashMap<String, Vec<Fact>>>) -> anyhow::Result<Option<(Quantity, Vec<Fact>)>> {
        if let (Value::Number { amount, money }, Measure::Value(_)) = (v, by) {
            return Ok(Some((Quantity::Number(*amount, *money), vec![])));
        }
        if let Value::Date(d) = v {
            return Ok(Some((Quantity::Date(*d), vec![])));
        }
        let Some(id) = v.entity() else { return Ok(None) };
        if let Measure::Each(_) = by {
            return match by.of_member(id) {
                Some(own) => self.measure_of(v, own, None),
                None => Ok(None),
            };
        }
        if let Measure::Through { rel, dir, then } = by {
            let name = &self.cat.lex.rel(*rel).name;
            let step = match dir {
                Dir::ToObject => self.store.facts_about(id, Some(name))?,
                Dir::ToSubject => self.store.facts_with_object(&Value::Entity(id.to_string()), Some(name))?,
            };
            let mut others: Vec<String> = step.iter().filter_map(|f| if *dir == Dir::ToObject { f.object.entity().map(String::from) } else { Some(f.subject.clone()) }).collect();
            others.sort();
            others.dedup();
            // One value only: of none or several, no measure.
            let [other] = others.as_slice() else { return Ok(None) };
            return Ok(self.measure_of(&Value::Entity(other.clone()), then, None)?.map(|(q, facts)| (q, step.into_iter().chain(facts).collect())));
        }
        let mut found: Vec<(Quantity, Fact)> = Vec::new();
        match by {
            Measure::Value(rel) => {
                let relation = self.cat.lex.rel(*rel);
                // From the relation's facts read once, without copying
                // the member's list.
                let read;
                let facts: &[Fact] = match all {
                    Some(all) => all.get(id).map(Vec::as_slice).unwrap_or_default(),
                    None => {
                        read = self.store.facts_about(id, Some(&relation.name))?;
                        &read
                    }
                };
                for f in facts {
                    let q = match f.object {
                        // "More than $20 billion" is no amount to rank
                        // or add.
                        Value::Number { .. } if f.bound.is_some() => continue,
                        Value::Number { amount, money } => Quantity::Number(amount, money),
                        Value::Date(d) if f.reported => Quantity::By(d),
                        Value::Date(d) => Quantity::Date(d),
                        _ => continue,
                    };
                    found.push((q, f.clone()));
                }
            }
            Measure::Date { rel, dir, with } => {
                let relation = self.cat.lex.rel(*rel);
                let facts = match dir {
                    Dir::ToObject => self.store.facts_about(id, Some(&relation.name))?,
                    Dir::ToSubject => self.store.facts_with_object(&Value::Entity(id.to_string()), Some(&relation.name))?,
                };
                for f in facts {
                    let other = match dir {
                        Dir::ToObject => f.object.entity().map(String::from),
                        Dir::ToSubject => Some(f.subject.clone()),
                    };
                    if with.as_ref().is_some_and(|w| other.as_ref() != Some(w)) {
                        continue;
                    }
                    let date = f.on.or(f.since).or(if let Value::Date(d) = f.object { Some(d) } else { None });
                    match (date, f.until) {
                        (Some(d), _) if f.reported => found.push((Quantity::By(d), f)),
                        (Some(d), _) => found.push((Quantity::Date(d), f)),
                        // One holder at a time: a holder until a date held
                        // it before whoever began then.
                        (None, Some(u)) if with.is_some() && relation.single == Single::Subject => found.push((Quantity::Until(u), f)),
                        _ => {}
                    }
                }
                // An unreliable source's date does not stand beside a
                // trusted one's ("joined in 2014" by one, "in 2019" by
                // the others is 2019).
                self.keep_trusted(&mut found)?;
                // Several facts (a role held twice): when it first began.
                if let Some(first) = found.iter().map(|(q, _)| *q).reduce(|a, b| if b.compare(&a) == Some(Ordering::Less) { b } else { a }) {
                    found.retain(|(q, _)| *q == first);
                }
            }
            Measure::Count(rel, dir, of) => {
                let relation = self.cat.lex.rel(*rel);
                if !relation.complete {
                    return Ok(None);
                }
                let mut facts = match (dir, all) {
                    (Dir::ToObject, Some(all)) => all.get(id).cloned().unwrap_or_default(),
                    (Dir::ToSubject, Some(all)) => all.get(&Value::Entity(id.to_string()).key()).cloned().unwrap_or_default(),
                    (Dir::ToObject, None) => self.store.facts_about(id, Some(&relation.name))?,
                    (Dir::ToSubject, None) => self.store.facts_with_object(&Value::Entity(id.to_string()), Some(&relation.name))?,
                };
                if let Some(of) = of {
                    let mut kept = Vec::new();
                    for f in facts {
                        let other = if *dir == Dir::ToObject { f.object.entity().map(String::from) } else { Some(f.subject.clone()) };
                        if let Some(o) = other {
                            if self.is_of(&o, of)? {
                                kept.push(f);
                            }
                        }
                    }
                    facts = kept;
                }
                let mut seen: Vec<String> = facts.iter().map(|f| if *dir == Dir::ToObject { f.object.key() } else { f.subject.clone() }).collect();
                seen.sort();
                seen.dedup();
                return Ok(Some((Quantity::Number(seen.len() as f64, false), facts)));
            }
            // Measured member by member, or through the one value, above.
            Measure::Each(_) | Measure::Through { .. } => return Ok(None),
        }
        // Trusted sources first: an unreliable one alone does not measure.
        self.keep_trusted(&mut found)?;
        let Some((first, _)) = found.first() else { return Ok(None) };
        let first = *first;
        if found.iter().any(|(q, _)| *q != first) {
            return Ok(None);
        }
        Ok(Some((first, found.into_iter().map(|(_, f)| f).collect())))
    }

    /// Keeps the measures that a trusted source gives, when some do and
    /// some come only from unreliable ones (one fact is never set aside).
    fn keep_trusted(&self, found: &mut Vec<(Quantity, Fact)>) -> anyhow::Result<()> {
        if found.len() > 1 {
            let facts: Vec<Fact> = found.iter().map(|(_, f)| f.clone()).collect();
            let (trusted, _) = self.set_aside(facts, |f| vec![f.clone()])?;
            found.retain(|(_, f)| trusted.contains(f));
        }
        Ok(())
    }

    /// Measures every member of a set.
    pub(super) fn measures(&self, hits: Vec<Hit>, by: &Measure) -> anyhow::Result<Measures> {
        let mut out = Measures { known: vec![], unknown: vec![] };
        // A large set is measured from the relation's facts read once.
        let all = match by {
            Measure::Value(rel) | Measure::Count(rel, Dir::ToObject, _) if hits.len() > 32 => Some(self.cat.facts_of(self.store, &self.cat.lex.rel(*rel).name, false)?),
            Measure::Count(rel, Dir::ToSubject, _) if hits.len() > 32 => Some(self.cat.facts_of(self.store, &self.cat.lex.rel(*rel).name, true)?),
            _ => None,
        };
        for hit in hits {
            match self.measure_of(&hit.value, by, all.as_deref())? {
                Some((amount, facts)) => out.known.push(Measured { hit, amount, facts }),
                None => out.unknown.push(hit.value),
            }
        }
        Ok(out)
    }

    /// The members at the asked end of the measure, ties included; empty
    /// when the order between the leaders cannot be told.
    pub(super) fn extreme(&self, of: &Set, by: &Measure, order: Order) -> anyhow::Result<Vec<Hit>> {
        let mut m = self.measures(self.set(of)?, by)?;
        set_aside_zeros(&mut m, by, order);
        Ok(winners_of(&m, order))
    }

    /// The other side of a comparison: a literal, or the one member of a
    /// set measured alike.
    pub(super) fn threshold(&self, than: &Set, by: &Measure) -> anyhow::Result<Option<(Quantity, Vec<Fact>)>> {
        if let Set::Literal(v) = than {
            return self.measure_of(v, by, None);
        }
        let hits = self.set(than)?;
        let [one] = hits.as_slice() else { return Ok(None) };
        Ok(self.measure_of(&one.value, by, None)?.map(|(q, mut facts)| {
            facts.extend(one.facts.iter().cloned());
            (q, facts)
        }))
    }

    /// The members whose measure is more or less than the other side's.
    pub(super) fn compared(&self, of: &Set, by: &Measure, cmp: Cmp, than: &Set) -> anyhow::Result<Vec<Hit>> {
        let Some((limit, limit_facts)) = self.threshold(than, by)? else { return Ok(vec![]) };
        let want = if cmp == Cmp::More { Ordering::Greater } else { Ordering::Less };
        let m = self.measures(self.set(of)?, by)?;
        Ok(m
            .known
            .iter()
            .filter(|x| x.amount.compare(&limit) == Some(want))
            .map(|x| {
                let mut h = with_measure(x);
                h.facts.extend(limit_facts.iter().cloned());
                h
            })
            .collect())
    }

}

/// A least count is over the members that have any: those with none
/// are set aside and returned ("the state that borders the fewest
/// states" is the one with one; those that border none are named apart).
/// When every member has none, none is set aside.
fn set_aside_zeros(m: &mut Measures, by: &Measure, order: Order) -> Vec<Measured> {
    let zero = |x: &Measured| x.amount == Quantity::Number(0.0, false);
    if order != Order::Least || !matches!(by, Measure::Count(..)) || m.known.iter().all(zero) {
        return vec![];
    }
    let (none, some): (Vec<Measured>, Vec<Measured>) = m.known.drain(..).partition(zero);
    m.known = some;
    none
}

/// The indices of the members at the asked end, ties included: the
/// members no other beats, when they are all equal and beat every other
/// member. None when the order cannot be told (dates whose spans overlap).
/// The members at the asked end of measures, ties included.
pub(super) fn winners_of(m: &Measures, order: Order) -> Vec<Hit> {
    winners(&m.known, order).into_iter().map(|w| with_measure(&m.known[w])).collect()
}

fn winners(known: &[Measured], order: Order) -> Vec<usize> {
    winners_among(known, &(0..known.len()).collect::<Vec<_>>(), order)
}

/// [`winners`] among the members at `among`, by their indices in `known`.
fn winners_among(known: &[Measured], among: &[usize], order: Order) -> Vec<usize> {
    let better = if order == Order::Most { Ordering::Greater } else { Ordering::Less };
    let beats = |a: usize, b: usize| known[a].amount.compare(&known[b].amount) == Some(better);
    // The best amount by a single pass, then who ties it: members whose
    // spans overlap it (dates) are not beaten by it, and make no leader.
    let Some(&first) = among.first() else { return vec![] };
    let top = among.iter().copied().fold(first, |t, i| if beats(i, t) { i } else { t });
    let leaders: Vec<usize> = among.iter().copied().filter(|&i| !beats(top, i) && !among.iter().any(|&j| j != i && beats(j, i))).collect();
    let tied = leaders.iter().all(|&a| leaders.iter().all(|&b| a == b || known[a].amount.compare(&known[b].amount) == Some(Ordering::Equal)));
    let ahead = among.iter().filter(|i| !leaders.contains(i)).all(|&o| leaders.iter().all(|&l| beats(l, o)));
    if tied && ahead && !leaders.is_empty() {
        leaders
    } else {
        vec![]
    }
}

/// Whether a set is alternatives named one by one ("GPT-3 or M6").
fn named_alternatives(set: &Set) -> bool {
    match set {
        Set::Or(a, b) => named_alternatives(a) && named_alternatives(b),
        Set::Entity(_) => true,
        _ => false,
    }
}

/// A member's hit with the facts of its measure.
fn with_measure(m: &Measured) -> Hit {
    let mut h = m.hit.clone();
    for f in &m.facts {
        if !h.facts.contains(f) {
            h.facts.push(f.clone());
        }
    }
    h
}

/// The sources of some facts, each once.
fn sources_of(facts: &[Fact]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in facts.iter().flat_map(|f| f.sources.iter()) {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// Answers a superlative asked at the top of a query: the leaders, each
/// with its measure, the runner-up for scale, and the members that could
/// not be compared.
pub(super) fn answer_extreme(cx: &Ctx, question: &str, of: &Set, by: &Measure, order: Order) -> anyhow::Result<Option<Outcome>> {
    let mut m = cx.measures(cx.set(of)?, by)?;
    let none = set_aside_zeros(&mut m, by, order);
    if m.known.is_empty() {
        return Ok(None);
    }
    // Named alternatives ("GPT-3 or M6") are all compared, or none is.
    if named_alternatives(of) && !m.unknown.is_empty() {
        return Ok(Some(not_measured(question, Asked::Value, vec![(m.unknown, by.clone())])));
    }
    let best = winners(&m.known, order);
    if best.is_empty() {
        let known = m.known.iter().map(|x| (x.hit.value.clone(), x.amount)).collect();
        return Ok(Some(Outcome::empty(question, Status::Unknown, Reply::NotOrdered { known, by: by.clone() })));
    }
    let mut values = Vec::new();
    let mut support: Vec<Fact> = Vec::new();
    let mut leaders = Vec::new();
    for &b in &best {
        let x = &m.known[b];
        let h = with_measure(x);
        values.push(Found { value: Given::Value { value: x.hit.value.clone(), unit: None, bound: None }, sources: sources_of(&h.facts), conflict: false });
        leaders.push(labelled(x, by));
        support.extend(h.facts);
    }
    // The next one, so that the reply shows what it was measured against.
    let rest: Vec<usize> = (0..m.known.len()).filter(|i| !best.contains(i)).collect();
    let mut next = None;
    if let Some(&n) = winners_among(&m.known, &rest, order).first() {
        let x = &m.known[n];
        let beyond = match (order, x.amount) {
            (Order::Most, Quantity::Date(_)) => Beyond::After,
            (Order::Least, Quantity::Date(_)) => Beyond::Before,
            (Order::Most, _) => Beyond::AheadOf,
            (Order::Least, _) => Beyond::Below,
        };
        next = Some((beyond, labelled(x, by)));
        support.extend(x.facts.iter().cloned());
    }
    support.extend(none.iter().flat_map(|x| x.hit.facts.iter().cloned()));
    let led: Vec<Fact> = best.iter().flat_map(|&b| m.known[b].facts.clone()).collect();
    let reply = Reply::Extreme {
        leaders,
        next,
        none: none.iter().map(|x| x.hit.value.clone()).collect(),
        unmeasured: m.unknown,
        by: by.clone(),
        // A set the sources may not list in full: the leader of those known.
        of_known: !named_alternatives(of) && !super::countable(cx.cat, of),
        unreliable: !led.is_empty() && cx.unreliable_only(&led)?,
    };
    Ok(Some(Outcome::answered(question, values, reply, support)))
}

/// A member as the reply shows it: "GPT-3 (2020)"; a member dated by
/// something done to it, by the fact that dates it ("Alibaba cancelled
/// Alibaba Cloud IPO on 16 November 2023").
fn labelled(x: &Measured, by: &Measure) -> Label {
    let own = x.hit.value.entity().and_then(|e| by.of_member(e));
    match (by, own, x.facts.as_slice()) {
        (Measure::Each(_), Some(Measure::Date { .. }), [fact]) => Label::Said(fact.clone()),
        _ => Label::Measured(x.hit.value.clone(), x.amount),
    }
}

/// Answers "Is A bigger than B?": yes or no when both measures are known.
pub(super) fn answer_comparison(cx: &Ctx, question: &str, item: &Set, by: &Measure, cmp: Cmp, than: &Set) -> anyhow::Result<Option<Outcome>> {
    let dont_know = |of: Value| Ok(Some(not_measured(question, Asked::Value, vec![(vec![of], by.clone())])));
    let hits = cx.set(item)?;
    let [one] = hits.as_slice() else { return Ok(None) };
    let Some((limit, limit_facts)) = cx.threshold(than, by)? else {
        let named: Vec<Value> = cx.set(than)?.into_iter().map(|h| h.value).collect();
        return if named.len() == 1 { dont_know(named[0].clone()) } else { Ok(None) };
    };
    let Some((amount, facts)) = cx.measure_of(&one.value, by, None)? else { return dont_know(one.value.clone()) };
    let Some(order) = amount.compare(&limit) else {
        return Ok(Some(Outcome::empty(question, Status::Unknown, Reply::Unordered { a: amount, b: limit, by: by.clone() })));
    };
    let yes = order == if cmp == Cmp::More { Ordering::Greater } else { Ordering::Less };
    // Against a literal, its amount is the question's own.
    let other = match than {
        Set::Literal(_) => None,
        s => Some(cx.set(s)?.first().map(|h| h.value.clone())),
    };
    let reply = Reply::Compared { yes, one: one.value.clone(), amount, other, limit, by: by.clone() };
    let mut support = facts;
    support.extend(limit_facts);
    let values = vec![Found { value: Given::Verdict(yes), sources: sources_of(&support), conflict: false }];
    Ok(Some(Outcome::answered(question, values, reply, support)))
}

/// Answers a total: the sum of every member's measure, or nothing when one
/// is unknown.
pub(super) fn answer_total(cx: &Ctx, question: &str, of: &Set, by: &Measure) -> anyhow::Result<Option<Outcome>> {
    let m = cx.measures(cx.set(of)?, by)?;
    if m.known.is_empty() {
        return Ok(None);
    }
    if !m.unknown.is_empty() {
        return Ok(Some(not_measured(question, Asked::Total, vec![(m.unknown, by.clone())])));
    }
    let mut sum = 0.0;
    let mut money = false;
    for x in &m.known {
        let Quantity::Number(n, is_money) = x.amount else { return Ok(None) };
        sum += n;
        money |= is_money;
    }
    let total = Quantity::Number(sum, money);
    let parts: Vec<(Value, Quantity)> = m.known.iter().map(|x| (x.hit.value.clone(), x.amount)).collect();
    let support: Vec<Fact> = m.known.iter().flat_map(|x| with_measure(x).facts).collect();
    let values = vec![Found { value: Given::Amount(total, by.clone()), sources: sources_of(&support), conflict: false }];
    Ok(Some(Outcome::answered(question, values, Reply::Total { total, parts, by: by.clone() }, support)))
}

/// Answers "the population density of the US": the total of `top` over
/// the total of `bottom` across the members, in the unit of `rel`. Every
/// member must have both, or there is no answer.
pub(super) fn answer_ratio(cx: &Ctx, question: &str, of: &Set, rel: RelId, top: RelId, bottom: RelId) -> anyhow::Result<Option<Outcome>> {
    let hits = cx.set(of)?;
    if hits.is_empty() {
        return Ok(None);
    }
    let mut sums = [0.0f64; 2];
    let mut support: Vec<Fact> = Vec::new();
    for (i, part) in [top, bottom].into_iter().enumerate() {
        let by = Measure::Value(part);
        let m = cx.measures(hits.clone(), &by)?;
        if !m.unknown.is_empty() {
            return Ok(Some(not_measured(question, Asked::Ratio, vec![(m.unknown, by)])));
        }
        for x in &m.known {
            let Quantity::Number(n, false) = x.amount else { return Ok(None) };
            sums[i] += n;
        }
        support.extend(m.known.iter().flat_map(|x| with_measure(x).facts));
    }
    if sums[1] == 0.0 {
        return Ok(None);
    }
    let by = Measure::Value(rel);
    // To four decimals, as a figure worked out, not measured.
    let ratio = (sums[0] / sums[1] * 10_000.0).round() / 10_000.0;
    let ratio = Quantity::Number(ratio, false);
    let reply = Reply::Ratio { ratio, rel, top: (Quantity::Number(sums[0], false), top), bottom: (Quantity::Number(sums[1], false), bottom), members: hits.len() };
    let values = vec![Found { value: Given::Amount(ratio, by), sources: sources_of(&support), conflict: false }];
    Ok(Some(Outcome::answered(question, values, reply, support)))
}

/// A happening's date, with what it is called and the facts that give
/// it; None unless its set has one member and that member one date.
fn date_of(cx: &Ctx, d: &Dated) -> anyhow::Result<Option<(Value, Date, Vec<Fact>)>> {
    let hits = cx.set(&d.of)?;
    let [hit] = hits.as_slice() else { return Ok(None) };
    let Some((Quantity::Date(date), mut facts)) = cx.measure_of(&hit.value, &d.by, None)? else { return Ok(None) };
    for f in &hit.facts {
        if !facts.contains(f) {
            facts.push(f.clone());
        }
    }
    Ok(Some((hit.value.clone(), date, facts)))
}

/// Answers "how many years after A did B?": the time from one dated
/// happening to the other, at the precision both dates have. A date known
/// only to the year gives whole years; months and days need both dates to
/// have them. The wrong order for an ordered question is not an answer.
pub(super) fn answer_elapsed(cx: &Ctx, question: &str, from: &Dated, to: &Dated, unit: Option<TimeUnit>, ordered: bool) -> anyhow::Result<Option<Outcome>> {
    let decline = |why: Declined, a: &(Value, Date, Vec<Fact>), b: &(Value, Date, Vec<Fact>)| {
        let facts = a.2.iter().chain(&b.2).cloned().collect();
        Ok(Some(Outcome::empty(question, Status::Unknown, Reply::NotElapsed { why, facts })))
    };
    let (a, b) = (date_of(cx, from)?, date_of(cx, to)?);
    let (Some(mut a), Some(mut b)) = (a.clone(), b.clone()) else {
        let mut missing = Vec::new();
        for (d, known) in [(from, a.is_some()), (to, b.is_some())] {
            if !known {
                let names: Vec<Value> = cx.set(&d.of)?.into_iter().map(|h| h.value).collect();
                // A clause whose facts I don't have ("Baidu built M6").
                if names.is_empty() {
                    return Ok(Some(Outcome::empty(question, Status::Unknown, Reply::NothingOfOne)));
                }
                missing.push((names, d.by.clone()));
            }
        }
        return Ok(Some(not_measured(question, Asked::Value, missing)));
    };
    if b.1.before(&a.1) {
        if ordered {
            return decline(Declined::OtherWayRound, &a, &b);
        }
        std::mem::swap(&mut a, &mut b);
    } else if !a.1.before(&b.1) && (a.1 != b.1 || a.1.day.is_none()) {
        // Overlapping spans, or one month or year for both: neither the
        // order nor the time between is known.
        return decline(Declined::Unordered, &a, &b);
    }
    let (da, db) = (a.1, b.1);
    let months = da.months_until(&db);
    let days = da.day_number().zip(db.day_number()).map(|(x, y)| y - x);
    let whole_years = || months.map_or(i64::from(db.year) - i64::from(da.year), |m| m / 12);
    let span = match unit {
        Some(TimeUnit::Years) => {
            let years = whole_years();
            match months {
                Some(m) if m % 12 != 0 => Span::YearsMonths(years, m % 12),
                _ => Span::Years(years),
            }
        }
        Some(TimeUnit::Months) => match months {
            Some(m) => Span::Months(m),
            None => return decline(Declined::OnlyYears, &a, &b),
        },
        Some(TimeUnit::Weeks) => match days {
            Some(d) => Span::Weeks(d / 7),
            None => return decline(Declined::NoDays(TimeUnit::Weeks), &a, &b),
        },
        Some(TimeUnit::Days) => match days {
            Some(d) => Span::Days(d),
            None => return decline(Declined::NoDays(TimeUnit::Days), &a, &b),
        },
        None => match (months, days) {
            (Some(0), Some(d)) => Span::Days(d),
            (Some(m), _) if m < 24 => Span::Months(m),
            (Some(m), _) if m % 12 != 0 => Span::YearsMonths(m / 12, m % 12),
            _ => Span::Years(whole_years()),
        },
    };
    let mut support = a.2.clone();
    support.extend(b.2.iter().cloned());
    let value = Found { value: Given::Span(span), sources: sources_of(&support), conflict: false };
    let reply = Reply::Elapsed { span, facts: support.clone() };
    Ok(Some(Outcome::answered(question, vec![value], reply, support)))
}

/// The outcome when measures are not known: of what was asked, those
/// of the members the store has none for.
fn not_measured(question: &str, asked: Asked, missing: Vec<(Vec<Value>, Measure)>) -> Outcome {
    Outcome::empty(question, Status::Unknown, Reply::NotMeasured { asked, missing })
}
