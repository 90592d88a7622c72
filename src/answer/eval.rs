//! Query evaluation against the store, into an [`Outcome`].
//!
//! Each [`Set`] evaluates to values with the facts that support them; time
//! filters pick the facts that held when asked; a relation that holds one
//! value at a time turns several values into a flagged conflict. The
//! outcome says which kind of reply that makes, with its data;
//! [`super::render`] words it. Nothing here writes English, except that
//! values are told apart by how they are said where two that read alike
//! are one answer (a tie's answers, the values of a happening).

mod compute;

use super::outcome::{bound_of, Found, Given, Hit, Join, Lasted, Listed, Outcome, Reply, When};
use super::render::{self, Speaker};
use super::{Answer, Status};
use crate::knowledge::lexicon::{Single, ValueType};
use crate::knowledge::{Date, Fact, Reliability, Value};
use crate::store::Store;
use crate::knowledge::catalog::Catalog;
use crate::query::{Ask, Dir, Measure, Pick, Query, RelId, Set, Side, Time};

/// Values with their supporting facts, in first-seen order, indexed by
/// value key so that merging stays linear in large joins.
#[derive(Default)]
struct Hits {
    list: Vec<Hit>,
    index: std::collections::HashMap<String, usize>,
}

impl Hits {
    fn merge(&mut self, value: Value, fact: Option<Fact>) {
        let key = value.key();
        match self.index.get(&key) {
            Some(&at) => {
                let h = &mut self.list[at];
                if let Some(f) = fact {
                    if !h.facts.contains(&f) {
                        h.facts.push(f);
                    }
                }
            }
            None => {
                self.index.insert(key, self.list.len());
                self.list.push(Hit { value, facts: fact.into_iter().collect() });
            }
        }
    }
}

struct Ctx<'a> {
    cat: &'a Catalog,
    store: &'a Store,
    /// The values of the sets joins were evaluated from, by address.
    sets: std::cell::RefCell<std::collections::HashMap<usize, Vec<Value>>>,
    /// The English of the reply.
    say: Speaker<'a>,
}

impl Ctx<'_> {
    /// The date an entity is anchored at, for "after X": the dates of its
    /// own facts.
    fn anchor_date(&self, id: &str) -> anyhow::Result<Option<Date>> {
        Ok(self.anchor(id)?.map(|(d, _)| d))
    }

    /// The earliest date of an entity's facts and of the facts about it,
    /// with the facts that give it (they carry the sources of the date).
    fn anchor(&self, id: &str) -> anyhow::Result<Option<(Date, Vec<Fact>)>> {
        let mut dated: Vec<(Date, Fact)> = Vec::new();
        for f in self.store.facts_about(id, None)? {
            if let Some(d) = f.on.or(f.since) {
                dated.push((d, f.clone()));
            }
            if let Value::Date(d) = f.object {
                dated.push((d, f));
            }
        }
        for f in self.store.facts_with_object(&Value::Entity(id.to_string()), None)? {
            if let Some(d) = f.on.or(f.since) {
                dated.push((d, f));
            }
        }
        let Some(min) = dated.iter().map(|(d, _)| *d).min() else { return Ok(None) };
        let mut facts: Vec<Fact> = Vec::new();
        for (d, f) in dated {
            if d == min && !facts.contains(&f) {
                facts.push(f);
            }
        }
        Ok(Some((min, facts)))
    }

    fn filter_time(&self, facts: Vec<Fact>, time: &Time, answer_side_subject: bool) -> anyhow::Result<Vec<Fact>> {
        Ok(match time {
            Time::Any => facts,
            Time::Ended => facts.into_iter().filter(|f| f.until.is_some()).collect(),
            Time::Began => facts.into_iter().filter(|f| f.since.or(f.on).is_some()).collect(),
            Time::Current => facts.into_iter().filter(|f| f.current()).collect(),
            Time::Expected => facts
                .into_iter()
                .filter(|f| f.expected || (f.current() && !self.cat.lex.relation(&f.relation).is_some_and(|r| r.event)))
                .collect(),
            Time::Now => {
                // Most facts never end: keep the list as it is then.
                if facts.iter().all(|f| f.current()) || !facts.iter().any(|f| f.current()) {
                    facts
                } else {
                    facts.into_iter().filter(|f| f.current()).collect()
                }
            }
            Time::At(d) => facts
                .into_iter()
                .filter(|f| {
                    let rel = self.cat.lex.relation(&f.relation);
                    match (&f.object, rel.map(|r| r.value)) {
                        // "released in 2023": the date is the value itself.
                        (Value::Date(v), Some(ValueType::Date)) => v.start() <= d.end() && v.end() >= d.start(),
                        _ => f.holds_at(d, rel.is_some_and(|r| r.event)),
                    }
                })
                .collect(),
            Time::DuringFacts(anchor) => {
                let hits = self.set(anchor)?;
                let mut dates: Vec<Date> = self.trusted(hits.iter().flat_map(|h| h.facts.iter()).collect())?.into_iter().filter_map(fact_date).collect();
                dates.sort();
                dates.dedup();
                // One date for the clause, or nothing is asserted.
                let [at] = dates[..] else { return Ok(vec![]) };
                facts.into_iter().filter(|f| f.holds_at(&at, self.cat.lex.relation(&f.relation).is_some_and(|r| r.event))).collect()
            }
            Time::AfterFacts(anchor) | Time::BeforeFacts(anchor) => {
                let after = matches!(time, Time::AfterFacts(_));
                let hits = self.set(anchor)?;
                let dates = self.trusted(hits.iter().flat_map(|h| h.facts.iter()).collect())?.into_iter().filter_map(fact_date);
                let pivot = if after { dates.max() } else { dates.min() };
                let Some(pivot) = pivot else { return Ok(vec![]) };
                // "where did he work before he joined Alibaba": the clause's
                // own values are not answers, nor is its subject ("who led
                // it before Jeff Zhang left").
                let mut own: Vec<String> = hits.iter().map(|h| h.value.key()).collect();
                own.extend(anchor.entities().into_iter().map(|e| Value::Entity(e.to_string()).key()));
                // Nor a part of them ("before he joined Alibaba": not
                // Alibaba's own institute).
                let named: Vec<String> = hits.iter().filter_map(|h| h.value.entity().map(String::from)).chain(anchor.entities().into_iter().map(String::from)).collect();
                own.extend(self.parts_of(&named)?.into_iter().map(|e| Value::Entity(e).key()));
                facts
                    .into_iter()
                    .filter(|f| {
                        let answer = if answer_side_subject { Value::Entity(f.subject.clone()) } else { f.object.clone() };
                        !own.contains(&answer.key())
                    })
                    // Before a clause: begun before its date, not within it.
                    .filter(|f| on_side(f, &pivot, after, true))
                    .collect()
            }
            Time::After(anchor) | Time::Before(anchor) => {
                let after = matches!(time, Time::After(_));
                let anchor_ids: Vec<String> = self.set(anchor)?.into_iter().filter_map(|h| h.value.entity().map(String::from)).collect();
                // The anchor is one of the answers ("CEO after Daniel
                // Zhang"): compare with the anchor's own tenure.
                let own: Vec<&Fact> = facts
                    .iter()
                    .filter(|f| {
                        let v = if answer_side_subject { Some(f.subject.as_str()) } else { f.object.entity() };
                        v.is_some_and(|v| anchor_ids.iter().any(|a| a == v))
                    })
                    .collect();
                // Dated by sources not marked unreliable, where there are any.
                let dating = self.trusted(own.clone())?;
                // The anchor is of the kind of the facts' subjects ("did
                // Jia leave Alibaba after Daniel Zhang?"): after it did the
                // same, by its own facts of the relation, or not at all
                // (not after whatever else is dated about it).
                let same_role = !answer_side_subject
                    && !anchor_ids.is_empty()
                    && facts.iter().any(|f| anchor_ids.iter().all(|a| self.cat.kind(a).is_some() && self.cat.kind(a) == self.cat.kind(&f.subject)));
                let pivot: Option<Date> = if !own.is_empty() {
                    if after { dating.iter().filter_map(|f| f.until.or(f.since)).max() } else { dating.iter().filter_map(|f| f.since.or(f.on)).min() }
                } else if same_role {
                    let rels: std::collections::BTreeSet<&str> = facts.iter().map(|f| f.relation.as_str()).collect();
                    let mut theirs = Vec::new();
                    for (a, r) in anchor_ids.iter().flat_map(|a| rels.iter().map(move |r| (a, *r))) {
                        theirs.extend(self.store.facts_about(a, Some(r))?);
                    }
                    let dates = self.trusted(theirs.iter().collect())?.into_iter().filter_map(fact_date);
                    if after { dates.max() } else { dates.min() }
                } else {
                    let mut ds = Vec::new();
                    for a in &anchor_ids {
                        ds.extend(self.anchor_date(a)?);
                    }
                    ds.into_iter().min()
                };
                let Some(pivot) = pivot else { return Ok(vec![]) };
                let own_ids: Vec<Fact> = own.into_iter().cloned().collect();
                // "Where did he work before Alibaba?": not at a part of
                // Alibaba either.
                let parts = self.parts_of(&anchor_ids)?;
                facts
                    .into_iter()
                    .filter(|f| !own_ids.contains(f))
                    .filter(|f| {
                        let v = if answer_side_subject { Some(f.subject.as_str()) } else { f.object.entity() };
                        !v.is_some_and(|v| parts.iter().any(|p| p == v))
                    })
                    .filter(|f| on_side(f, &pivot, after, true))
                    .collect()
            }
        })
    }

    /// The entities that are parts of `ids`, and parts of those (by the
    /// lexicon's part relation).
    fn parts_of(&self, ids: &[String]) -> anyhow::Result<Vec<String>> {
        let mut parts: Vec<String> = Vec::new();
        let Some(part) = &self.cat.lex.part_relation else { return Ok(parts) };
        let mut frontier = ids.to_vec();
        for _ in 0..2 {
            let mut next = Vec::new();
            for a in &frontier {
                next.extend(self.store.subjects_with_object(&Value::Entity(a.clone()), part)?);
            }
            parts.extend(next.iter().cloned());
            frontier = next;
        }
        Ok(parts)
    }

    /// The values of a set without the facts behind them: what a join
    /// needs of the set it starts from. Joins over timeless relations
    /// toward subjects read the object index only.
    fn values(&self, set: &Set) -> anyhow::Result<Vec<Value>> {
        if let Set::Join { rel, dir: Dir::ToSubject, of, .. } = set {
            let relation = self.cat.lex.rel(*rel);
            if relation.timeless {
                let mut seen = std::collections::HashSet::new();
                let mut out = Vec::new();
                for v in self.values(of)? {
                    for s in self.store.subjects_with_object(&v, &relation.name)? {
                        if seen.insert(s.clone()) {
                            out.push(Value::Entity(s));
                        }
                    }
                }
                return Ok(out);
            }
        }
        if let Set::Without(inner, e) = set {
            return Ok(self.values(inner)?.into_iter().filter(|v| v.entity() != Some(e.as_str())).collect());
        }
        Ok(self.set(set)?.into_iter().map(|h| h.value).collect())
    }

    /// The values of a set that a join has already evaluated (the reply
    /// template names the join's other side), else evaluated now.
    /// Whether an entity is of a kind, or a member of a class.
    fn is_of(&self, id: &str, kind_or_class: &str) -> anyhow::Result<bool> {
        if self.cat.kind(id) == Some(kind_or_class) {
            return Ok(true);
        }
        let Some(member) = &self.cat.lex.member_relation else { return Ok(false) };
        if !self.cat.classes.contains(kind_or_class) {
            return Ok(false);
        }
        Ok(self.store.facts_about(id, Some(member))?.iter().any(|f| f.object.entity() == Some(kind_or_class)))
    }

    fn values_of(&self, set: &Set) -> anyhow::Result<Vec<Value>> {
        if let Some(v) = self.sets.borrow().get(&(set as *const Set as usize)) {
            return Ok(v.clone());
        }
        Ok(self.set(set)?.into_iter().map(|h| h.value).collect())
    }

    /// The values a relation links to a set's values, with their facts.
    /// `kind` keeps only subjects of that kind, before their facts are
    /// copied ("the mountains in the USA" among all its places).
    fn join(&self, rel: RelId, dir: Dir, of: &Set, time: &Time, kind: Option<&str>) -> anyhow::Result<Vec<Hit>> {
        let of_kind = |f: &Fact| kind.is_none_or(|k| self.cat.kind(&f.subject) == Some(k));
        let relation = self.cat.lex.rel(rel);
        let mut facts = Vec::new();
        let mut inner = self.values(of)?;
        // A complete relation (a closed world, read whole by
        // counts and superlatives) is read once from the store.
        let all = if relation.complete { Some(self.cat.facts_of(self.store, &relation.name, dir.to_subject())?) } else { None };
        // How many facts there were before the kind filter.
        let gather = |inner: &[Value], facts: &mut Vec<Fact>| -> anyhow::Result<usize> {
            let mut seen = 0;
            for v in inner {
                let within = dir.to_subject() && matches!(v, Value::Date(_)) && relation.value == ValueType::Date;
                let mut found = if let (Some(all), false) = (&all, within) {
                    let key = if dir.to_subject() { v.key() } else { v.entity().unwrap_or_default().to_string() };
                    let some = all.get(&key).map(Vec::as_slice).unwrap_or_default();
                    seen += some.len();
                    facts.extend(some.iter().filter(|f| of_kind(f)).cloned());
                    continue;
                } else if let (true, Value::Date(d), ValueType::Date) = (dir.to_subject(), v, relation.value) {
                    // "What was released in 2023?": dates within it.
                    self.store.facts_with_date_within(d, &relation.name)?
                } else if dir.to_subject() {
                    self.store.facts_with_object(v, Some(&relation.name))?
                } else if let Value::Entity(e) = v {
                    self.store.facts_about(e, Some(&relation.name))?
                } else {
                    continue;
                };
                seen += found.len();
                found.retain(|f| of_kind(f));
                facts.extend(found);
            }
            Ok(seen)
        };
        let seen = gather(&inner, &mut facts)?;
        // "How much have the AI tigers raised?": a class with no
        // such facts of its own stands for its members.
        if let ([Value::Entity(c)], 0, Some(member)) = (inner.as_slice(), seen, &self.cat.lex.member_relation) {
            if self.cat.classes.contains(c) {
                let members: Vec<Value> = self.store.facts_with_object(&Value::Entity(c.clone()), Some(member))?.into_iter().map(|f| Value::Entity(f.subject)).collect();
                gather(&members, &mut facts)?;
                inner = members;
            }
        }
        self.sets.borrow_mut().insert(of as *const Set as usize, inner);
        let mut hits = Hits::default();
        for f in self.filter_time(facts, time, dir.to_subject())? {
            let v = if dir.to_subject() { Value::Entity(f.subject.clone()) } else { f.object.clone() };
            hits.merge(v, Some(f));
        }
        Ok(hits.list)
    }

    /// The values of a set with their facts.
    fn set(&self, set: &Set) -> anyhow::Result<Vec<Hit>> {
        let mut out = Vec::new();
        match set {
            Set::Entity(e) => out.push(Hit { value: Value::Entity(e.clone()), facts: vec![] }),
            Set::Literal(v) => out.push(Hit { value: v.clone(), facts: vec![] }),
            Set::Join { rel, dir, of, time } => out = self.join(*rel, *dir, of, time, None)?,
            Set::Without(s, e) => {
                out = self.set(s)?.into_iter().filter(|h| h.value.entity() != Some(e.as_str())).collect();
            }
            Set::Event { rel, subject, object } => out = self.events(*rel, subject, object.as_deref())?,
            Set::Mentioning(s, e) => {
                let names = self.cat.names_of(e);
                let involves = |f: &Fact| {
                    f.subject == *e
                        || f.object.entity() == Some(e.as_str())
                        || matches!(&f.object, Value::Text(t) if { let t = format!(" {} ", crate::knowledge::normalize::normalize(t)); names.iter().any(|n| t.contains(&format!(" {n} "))) })
                };
                for mut h in self.set(s)? {
                    // The fact itself involves the entity, or the value is
                    // linked to it ("Zhou Chang's boss at Alibaba Cloud":
                    // a boss who works there).
                    let linked = match h.value.entity() {
                        Some(v) => v == e || self.store.facts_about(v, None)?.iter().any(|f| f.object.entity() == Some(e.as_str())),
                        None => false,
                    };
                    if !linked {
                        h.facts.retain(|f| involves(f));
                    }
                    if !h.facts.is_empty() || linked {
                        out.push(h);
                    }
                }
            }
            Set::And(a, b) => {
                // What is in both, with the facts of both sides (each
                // side supports the answer).
                let mut keep: std::collections::HashMap<String, Vec<Fact>> = std::collections::HashMap::new();
                for h in self.set(b)? {
                    keep.entry(h.value.key()).or_default().extend(h.facts);
                }
                out = self
                    .set(a)?
                    .into_iter()
                    .filter_map(|mut h| {
                        let more = keep.get(&h.value.key())?;
                        for f in more {
                            if !h.facts.contains(f) {
                                h.facts.push(f.clone());
                            }
                        }
                        Some(h)
                    })
                    .collect();
            }
            Set::All(kind) => {
                let ids = self.cat.by_kind.get(kind).map(Vec::as_slice).unwrap_or_default();
                out = ids.iter().map(|id| Hit { value: Value::Entity(id.clone()), facts: vec![] }).collect();
            }
            Set::Members(class) => {
                let mut c = Hits::default();
                if let Some(member) = &self.cat.lex.member_relation {
                    for f in self.store.facts_with_object(&Value::Entity(class.clone()), Some(member))? {
                        c.merge(Value::Entity(f.subject.clone()), Some(f));
                    }
                }
                out = c.list;
            }
            Set::Linked(e) => {
                let mut c = Hits::default();
                for f in self.store.facts_about(e, None)? {
                    c.merge(f.object.clone(), Some(f));
                }
                for f in self.store.facts_with_object(&Value::Entity(e.clone()), None)? {
                    c.merge(Value::Entity(f.subject.clone()), Some(f));
                }
                out = c.list;
            }
            Set::OfKind(base, kind) => {
                if let Set::Join { rel, dir, of, time } = base.as_ref() {
                    if dir.to_subject() {
                        return self.join(*rel, *dir, of, time, Some(kind));
                    }
                }
                out = self.set(base)?.into_iter().filter(|h| h.value.entity().is_some_and(|id| self.cat.kind(id) == Some(kind.as_str()))).collect();
            }
            Set::MemberOf(base, class) => {
                let Some(member) = &self.cat.lex.member_relation else { return Ok(vec![]) };
                for h in self.set(base)? {
                    let Some(id) = h.value.entity() else { continue };
                    if self.store.facts_about(id, Some(member))?.iter().any(|f| f.object.entity() == Some(class)) {
                        out.push(h);
                    }
                }
            }
            Set::Or(a, b) => {
                let mut c = Hits::default();
                for h in self.set(a)?.into_iter().chain(self.set(b)?) {
                    for f in h.facts.iter().cloned() {
                        c.merge(h.value.clone(), Some(f));
                    }
                    c.merge(h.value, None);
                }
                out = c.list;
            }
            Set::Minus(a, b) => {
                let drop: std::collections::HashSet<String> = self.set(b)?.iter().map(|h| h.value.key()).collect();
                out = self.set(a)?.into_iter().filter(|h| !drop.contains(&h.value.key())).collect();
            }
            Set::Extreme { of, by, order } => out = self.extreme(of, by, *order)?,
            Set::Compared { of, by, cmp, than } => out = self.compared(of, by, *cmp, than)?,
            Set::LinkedTo(base, e) => {
                for h in self.set(base)? {
                    let Some(id) = h.value.entity() else { continue };
                    let linked = self.store.facts_about(id, None)?.iter().any(|f| f.object.entity() == Some(e))
                        || self.store.facts_about(e, None)?.iter().any(|f| f.object.entity() == Some(id));
                    if linked {
                        out.push(h);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The event entities a clause tells of: linked to the subject (and to
    /// the object) by the lexicon's event link, and dated like the
    /// clause's own facts; with undated facts, only a single such event.
    fn events(&self, rel: RelId, subject: &Set, object: Option<&Set>) -> anyhow::Result<Vec<Hit>> {
        let (Some(link), Some(kind)) = (&self.cat.lex.event_link, &self.cat.lex.event_kind) else { return Ok(vec![]) };
        let relation = self.cat.lex.rel(rel);
        let objects: Option<Vec<String>> = match object {
            Some(o) => Some(self.values(o)?.iter().map(Value::key).collect()),
            None => None,
        };
        let mut out = Hits::default();
        for s in self.values(subject)? {
            let Some(s) = s.entity() else { continue };
            // The clause's own facts, and their dates.
            let own: Vec<Fact> = self
                .store
                .facts_about(s, Some(&relation.name))?
                .into_iter()
                .filter(|f| objects.as_ref().is_none_or(|os| os.contains(&f.object.key())))
                .collect();
            if own.is_empty() {
                continue;
            }
            let dates: Vec<Date> = own.iter().filter_map(fact_date).collect();
            let mut found: Vec<(String, Vec<Fact>)> = Vec::new();
            for f in self.store.facts_with_object(&Value::Entity(s.to_string()), Some(link))? {
                let e = f.subject.clone();
                if self.cat.kind(&e) != Some(kind.as_str()) {
                    continue;
                }
                let mut support = vec![f.clone()];
                if let Some(os) = &objects {
                    let linked: Vec<Fact> = self.store.facts_about(&e, Some(link))?.into_iter().filter(|g| os.contains(&g.object.key())).collect();
                    if linked.is_empty() {
                        continue;
                    }
                    support.extend(linked);
                }
                let at = self.anchor_date(&e)?;
                let dated = match at {
                    Some(a) => dates.iter().any(|d| d.start() <= a.end() && a.start() <= d.end()),
                    None => false,
                };
                if dated || dates.is_empty() {
                    if let Some(slot) = found.iter_mut().find(|(x, _)| *x == e) {
                        slot.1.extend(support);
                    } else {
                        found.push((e, support));
                    }
                }
            }
            if dates.is_empty() && found.len() > 1 {
                continue;
            }
            for (e, support) in found {
                for f in own.iter().cloned().chain(support) {
                    out.merge(Value::Entity(e.clone()), Some(f));
                }
            }
        }
        Ok(out.list)
    }

    /// Whether two facts could hold at the same time.
    fn overlap(a: &Fact, b: &Fact) -> bool {
        let start = |f: &Fact| f.since.map(|d| d.start()).unwrap_or((i32::MIN, 0, 0));
        let end = |f: &Fact| f.until.map(|d| d.start()).unwrap_or((i32::MAX, 0, 0));
        start(a) < end(b) && start(b) < end(a)
    }

    /// Flags values of a one-value relation that disagree.
    fn conflicts(&self, set: &Set, hits: &[Hit]) -> Vec<bool> {
        let single = one_value(self.cat, set);
        let mut flags = vec![false; hits.len()];
        if !single || hits.len() < 2 {
            return flags;
        }
        // Facts grouped by the side that holds one value at a time: two
        // hits conflict when the same holder has both at overlapping times.
        let mut by_holder: std::collections::HashMap<String, Vec<(usize, &Fact)>> = std::collections::HashMap::new();
        for (i, h) in hits.iter().enumerate() {
            for f in &h.facts {
                let holder = match self.cat.lex.relation(&f.relation).map(|r| r.single) {
                    Some(Single::Subject) => f.object.key(),
                    _ => f.subject.clone(),
                };
                by_holder.entry(holder).or_default().push((i, f));
            }
        }
        for group in by_holder.values().filter(|g| g.len() > 1) {
            for (i, a) in group {
                if group.iter().any(|(j, b)| i != j && Self::overlap(a, b)) {
                    flags[*i] = true;
                }
            }
        }
        flags
    }

    /// Values outside a disagreement: when some have a source not marked
    /// unreliable and others only unreliable ones, the latter are set
    /// aside (returned second), else nothing is.
    fn set_aside<T>(&self, items: Vec<T>, facts_of: impl Fn(&T) -> Vec<Fact>) -> anyhow::Result<(Vec<T>, Vec<T>)> {
        let mut trusted = Vec::with_capacity(items.len());
        for item in &items {
            trusted.push(!self.unreliable_only(&facts_of(item))?);
        }
        if !(trusted.iter().any(|t| *t) && trusted.iter().any(|t| !*t)) {
            return Ok((items, Vec::new()));
        }
        let (kept, left): (Vec<_>, Vec<_>) = items.into_iter().zip(trusted).partition(|(_, t)| *t);
        Ok((kept.into_iter().map(|(i, _)| i).collect(), left.into_iter().map(|(i, _)| i).collect()))
    }

    /// The facts that date a clause: those with a source not marked
    /// unreliable, when there are any ("before he joined Alibaba" is 2019
    /// by the reliable sources, not 2014 by an unreliable one).
    fn trusted<'f>(&self, facts: Vec<&'f Fact>) -> anyhow::Result<Vec<&'f Fact>> {
        let mut trusted = Vec::new();
        for f in &facts {
            if !self.unreliable_only(std::slice::from_ref(*f))? {
                trusted.push(*f);
            }
        }
        Ok(if trusted.is_empty() { facts } else { trusted })
    }

    fn unreliable_only(&self, facts: &[Fact]) -> anyhow::Result<bool> {
        let mut any = false;
        for f in facts {
            for s in &f.sources {
                any = true;
                if self.say.source(s)?.is_none_or(|x| x.reliability != Reliability::Unreliable) {
                    return Ok(false);
                }
            }
        }
        Ok(any)
    }
}

/// The outcome when no fact answers.
fn no_answer(question: &str) -> Outcome {
    Outcome::unknown(question)
}

/// How many facts a description gives.
const DESCRIBED_FACTS: usize = 3;

/// The first `n` facts (sorted by salience), one per relation while other
/// relations have facts left ("one of the AI tigers", not also "one of
/// the start-ups" and "one of the unicorns").
fn most_salient(facts: Vec<Fact>, n: usize) -> Vec<Fact> {
    let mut chosen: Vec<Fact> = Vec::new();
    let mut rest = Vec::new();
    for f in facts {
        if chosen.len() < n && !chosen.iter().any(|c| c.relation == f.relation) {
            chosen.push(f);
        } else {
            rest.push(f);
        }
    }
    let more = n.saturating_sub(chosen.len());
    chosen.extend(rest.into_iter().take(more));
    chosen
}


/// Evaluates a query and renders the answer.
pub fn evaluate(cat: &Catalog, store: &Store, q: &Query, question: &str, max: usize) -> anyhow::Result<Answer> {
    let cx = Ctx { cat, store, sets: Default::default(), say: Speaker::new(cat, store) };
    let o = outcome(&cx, q, question, max)?;
    render::answer(&cx.say, &o)
}

/// Evaluates a query: the outcome, with the reading used.
fn outcome(cx: &Ctx, q: &Query, question: &str, max: usize) -> anyhow::Result<Outcome> {
    let cat = cx.cat;
    // "What state has the largest city?" when some cities have no
    // population: as with a superlative asked for itself, the answer says
    // which were not compared.
    let mut inner = Vec::new();
    for s in q.ask.sets() {
        inner_extremes(cx, s, true, &mut inner)?;
    }
    let mut o = answer_query(cx, q, question, max, &inner)?;
    o.unmeasured = inner.iter().find(|x| !x.unknown.is_empty()).map(|x| (x.unknown.clone(), x.by.clone()));
    let name = |r: RelId| cat.lex.rel(r).name.clone();
    o.reading = Some(q.sexp(&name).to_string());
    Ok(o)
}

/// Evaluates a query and builds the answer, given the superlatives inside
/// it.
fn answer_query(cx: &Ctx, q: &Query, question: &str, max: usize, inner: &[Inner]) -> anyhow::Result<Outcome> {
    let unknown = || no_answer(question);
    // "How many states border the state that borders the most states?"
    // when two tie for the most: which one is asked about is not known,
    // unless the question answers alike whichever it means.
    if let Some(Inner { part, winners, .. }) = inner.iter().find(|x| x.winners.len() > 1) {
        return answer_tie(cx, q, question, max, part, winners);
    }
    // The computing operators answer with their measures.
    let computed = match &q.ask {
        Ask::Values(Set::Extreme { of, by, order }) => compute::answer_extreme(cx, question, of, by, *order)?,
        Ask::Check { item, set: Set::Compared { of, by, cmp, than } } if of.as_ref() == item => {
            Some(compute::answer_comparison(cx, question, item, by, *cmp, than)?.unwrap_or_else(unknown))
        }
        Ask::Total(of, by) => Some(compute::answer_total(cx, question, of, by)?.unwrap_or_else(unknown)),
        Ask::Ratio { of, rel, top, bottom } => Some(compute::answer_ratio(cx, question, of, *rel, *top, *bottom)?.unwrap_or_else(unknown)),
        Ask::Elapsed { from, to, unit, ordered } => Some(compute::answer_elapsed(cx, question, from, to, *unit, *ordered)?.unwrap_or_else(unknown)),
        _ => None,
    };
    if let Some(a) = computed {
        return Ok(a);
    }
    match &q.ask {
        Ask::Total(..) | Ask::Elapsed { .. } | Ask::Ratio { .. } => Ok(unknown()),
        Ask::Values(set) | Ask::Count(set) => answer_values(cx, q, question, max, set),
        Ask::Check { item, set } => answer_check(cx, q, question, max, item, set),
        Ask::When(pattern, object) | Ask::Why(pattern, object) | Ask::HowLong(pattern, object) | Ask::Where(pattern, object) => answer_happening(cx, q, question, pattern, object),
        Ask::Describe(e) | Ask::Title(e, _) => answer_entity(cx, q, question, e),
    }
}

/// The values of a set, or their count: "who leads X", "how many ...".
fn answer_values(cx: &Ctx, q: &Query, question: &str, max: usize, set: &Set) -> anyhow::Result<Outcome> {
    let (cat, store) = (cx.cat, cx.store);
    let unknown = || no_answer(question);
    let mut values: Vec<Found> = Vec::new();
    let mut support: Vec<Fact> = Vec::new();
    let reply: Reply;
    let mut hits = cx.set(set)?;
    // Don't answer a question with its own subject.
    if let Some(t) = set.topic().filter(|_| cat.lex.leave_out_topic) {
        if hits.len() > 1 {
            hits.retain(|h| h.value.entity() != Some(t));
        }
    }
    if hits.is_empty() {
        // "Who leads X now?" when every holder known has left: a
        // history, not an answer; say who held it last.
        if let Some(last) = last_holder(cx, set)? {
            return Ok(Outcome::empty(question, Status::Unknown, Reply::LastHolder(last)));
        }
        // A count over a set the store holds whole is 0, on the
        // word of the sources of what the question names.
        if matches!(q.ask, Ask::Count(_)) && countable(cat, set) {
            if let Some(a) = closed_zero(cx, set, question)? {
                return Ok(a);
            }
        }
        return Ok(unknown());
    }
    // Every member of a kind, or the things of a name ("the rivers
    // called Colorado"): each on the word of a fact about it.
    fn named(s: &Set) -> bool {
        match s {
            Set::Entity(_) => true,
            Set::Or(a, b) => named(a) && named(b),
            _ => false,
        }
    }
    let every = |s: &Set| matches!(s.unfiltered(), Set::All(_)) || named(s);
    let of_a_kind = every(set) || matches!(set, Set::Minus(a, _) if every(a));
    for h in hits.iter_mut().filter(|h| h.facts.is_empty() && of_a_kind) {
        if let Some(e) = h.value.entity() {
            h.facts.extend(store.facts_about(e, None)?.into_iter().next());
        }
    }
    let inner = core(set);
    // "Who leads X?" when every holder known has left: in the present,
    // successive holders are a history with no current one.
    if let Set::Join { rel, dir, of, time: Time::Now } = inner.unfiltered() {
        let ended = hits.iter().all(|h| !h.facts.is_empty() && h.facts.iter().all(|f| f.until.is_some()));
        if cat.lex.rel(*rel).changes() && ended && hits.len() > 1 && one_value(cat, inner) {
            let now = Set::Join { rel: *rel, dir: *dir, of: of.clone(), time: Time::Current };
            if let Some(last) = last_holder(cx, &now)? {
                return Ok(Outcome::empty(question, Status::Unknown, Reply::LastHolder(last)));
            }
        }
    }
    let mut flags = cx.conflicts(inner, &hits);
    // Values only a source marked unreliable gives are left out when
    // other sources answer, and named in a note (a disagreement
    // shows both sides instead).
    let mut aside: Vec<Given> = Vec::new();
    if !flags.iter().any(|f| *f) {
        let (kept, left) = cx.set_aside(hits, |h| h.facts.clone())?;
        aside = left.iter().map(|h| Given::Value { value: h.value.clone(), unit: None, bound: None }).collect();
        hits = kept;
        flags = vec![false; hits.len()];
    }
    let rel_name = match inner.unfiltered() {
        Set::Join { rel, .. } => Some(cat.lex.rel(*rel).name.clone()),
        _ => None,
    };
    for (h, flag) in hits.iter().zip(&flags) {
        let given = Given::Value { value: h.value.clone(), unit: rel_name.clone(), bound: bound_of(&h.facts) };
        let sources: Vec<String> = h.facts.iter().flat_map(|f| f.sources.clone()).fold(Vec::new(), |mut acc, s| {
            if !acc.contains(&s) {
                acc.push(s)
            }
            acc
        });
        values.push(Found { value: given, sources, conflict: *flag });
        support.extend(h.facts.iter().cloned());
    }
    let any_conflict = flags.iter().any(|f| *f);
    if let Ask::Count(_) = &q.ask {
        let names: Vec<Given> = values.iter().map(|v| v.value.clone()).collect();
        let n = values.len();
        // Sources name some of a company's staff or investments,
        // never all: a count is given only where the store holds
        // the whole set (a class the sources enumerate, or a
        // relation the lexicon declares complete).
        if !countable(cat, set) {
            let listed = names[..names.len().min(max)].to_vec();
            // In the present, what has ended is not counted ("how
            // many employees does X have?": not one who left).
            let ended = !q.past && hits.iter().all(|h| !h.facts.is_empty() && h.facts.iter().all(|f| f.until.is_some()));
            return Ok(Outcome::empty(question, Status::Unknown, Reply::CountUnknown { listed, known: n, ended }));
        }
        values = vec![Found { value: Given::Count(n), sources: values.iter().flat_map(|v| v.sources.clone()).collect(), conflict: false }];
        reply = Reply::Count { n, listed: names[..names.len().min(max)].to_vec() };
    } else if any_conflict {
        let mut parts: Vec<Vec<Fact>> = Vec::new();
        // What only unreliable sources say, when the others agree among
        // themselves (successive holders, one after another), is the one
        // other side: "Jeff Zhang led X until ...; Daniel Zhang led X from
        // ...; but Jia Yangqing led X (according to ..., unreliable)".
        let (trusted, doubted) = cx.set_aside(hits.clone(), |h| h.facts.clone())?;
        let one_side = !doubted.is_empty() && !cx.conflicts(inner, &trusted).iter().any(|f| *f);
        let sides = if one_side {
            let mut facts: Vec<Fact> = trusted.iter().flat_map(|h| h.facts.iter().cloned()).collect();
            facts.sort_by_key(|f| (f.since.or(f.on).map(|d| d.start()), f.until.map(|d| d.end())));
            parts.push(facts);
            &doubted
        } else {
            &hits
        };
        for h in sides {
            parts.push(h.facts.clone());
        }
        reply = Reply::Disagree { sides: parts, past: q.past };
    } else {
        reply = Reply::Listed(listed(cx, set, &hits, q.past, max)?);
    }
    let mut o = Outcome::answered(question, values, reply, support);
    if o.status == Status::Answered {
        o.aside = aside;
    }
    Ok(o)
}

/// Whether an item is in a set: "Is X based in Y?", "Did X lead Y?".
fn answer_check(cx: &Ctx, q: &Query, question: &str, max: usize, item: &Set, set: &Set) -> anyhow::Result<Outcome> {
    let cat = cx.cat;
    let mut support: Vec<Fact> = Vec::new();
    let hits = cx.set(set)?;
    // "Has Alibaba invested in the AI tigers?": a class holds when every
    // member does.
    if let Set::Entity(c) = item {
        if cat.classes.contains(c) {
            let members = cx.set(&Set::Members(c.clone()))?;
            let in_set = |m: &Hit| hits.iter().find(|h| h.value.key() == m.value.key());
            if !members.is_empty() && members.iter().all(|m| in_set(m).is_some()) {
                let found: Vec<Hit> = members.iter().filter_map(in_set).cloned().collect();
                let facts: Vec<Fact> = found.iter().flat_map(|h| h.facts.clone()).collect();
                let sources = facts.iter().flat_map(|f| f.sources.clone()).collect();
                let reply = Reply::AllYes { members: members.len(), listed: listed(cx, set, &found, q.past, max)? };
                return Ok(Outcome::answered(question, vec![Found { value: Given::Verdict(true), sources, conflict: false }], reply, facts));
            }
        }
    }
    let items = cx.set(item)?;
    let wanted: Vec<String> = items.iter().map(|h| h.value.key()).collect();
    // A date asked about holds a value within it ("released in
    // 2021" for May 2021).
    let within = |v: &Value| {
        items.iter().any(|i| matches!((&i.value, v), (Value::Date(a), Value::Date(b)) if b.within(a)))
    };
    let found: Vec<&Hit> = hits.iter().filter(|h| wanted.contains(&h.value.key()) || within(&h.value)).collect();
    let item_name = items.first().map(|h| Given::Value { value: h.value.clone(), unit: None, bound: None });
    // "yes" from the facts that hold the item; "no" from the facts
    // that give a one-value relation another value.
    let (yes, facts): (bool, Vec<Fact>) = if !found.is_empty() {
        (true, found.iter().flat_map(|h| h.facts.clone()).collect())
    } else if one_value(cat, set) && !hits.is_empty() {
        (false, hits.iter().flat_map(|h| h.facts.clone()).collect())
    } else if complete_world(cat, set) && matches!(item, Set::Entity(_)) && items.len() == 1 && hits.iter().any(|h| !h.facts.is_empty()) {
        // The store holds the whole set ("the states Texas
        // borders", "the longest river"): what is not in it is
        // not so, said with the facts of what is.
        let facts: Vec<Fact> = hits.iter().take(max).flat_map(|h| h.facts.clone()).collect();
        let listed = match set {
            // "No: Missouri is 3968 km long, not Mississippi."
            Set::Extreme { .. } => None,
            _ => Some(listed(cx, set, &hits, q.past, max)?),
        };
        support.extend(facts.iter().cloned());
        let mut sources: Vec<String> = support.iter().flat_map(|f| f.sources.clone()).collect();
        sources.sort();
        sources.dedup();
        let values = vec![Found { value: Given::Verdict(false), sources, conflict: false }];
        let reply = Reply::NotAmong { listed, facts, past: q.past, not: item_name };
        return Ok(Outcome { values, support, ..Outcome::empty(question, Status::Answered, reply) });
    } else if let Some(other) = other_holder(cx, item, set)? {
        // "Is M6 a Baidu model?": M6's one maker is another.
        let (facts, not) = other;
        let sources = facts.iter().flat_map(|f| f.sources.clone()).collect();
        let values = vec![Found { value: Given::Verdict(false), sources, conflict: false }];
        let reply = Reply::Verdict { yes: false, facts: facts.clone(), past: q.past, not: Some(not) };
        return Ok(Outcome { values, support: facts, ..Outcome::empty(question, Status::Answered, reply) });
    } else {
        return Ok(Outcome::empty(question, Status::Unknown, Reply::NoneEitherWay(item_name)));
    };
    support.extend(facts);
    // "Has Zhou Chang left Alibaba?" when the sources only expected it:
    // neither yes nor no, and what they said. "Will he leave?", "is he
    // leaving?" ask for what is expected: yes.
    if yes && !support.is_empty() && support.iter().all(|f| f.expected) {
        let reply = Reply::Expected { facts: support.clone(), past: q.past };
        if !q.past {
            let sources = support.iter().flat_map(|f| f.sources.clone()).collect();
            let values = vec![Found { value: Given::Verdict(true), sources, conflict: false }];
            return Ok(Outcome::answered(question, values, reply, support));
        }
        return Ok(Outcome { support, ..Outcome::empty(question, Status::Unknown, reply) });
    }
    let sources = support.iter().flat_map(|f| f.sources.clone()).collect();
    let values = vec![Found { value: Given::Verdict(yes), sources, conflict: false }];
    let reply = Reply::Verdict { yes, facts: support.clone(), past: q.past, not: if yes { None } else { item_name } };
    Ok(Outcome::answered(question, values, reply, support))
}

/// When, why, for how long or where the facts of a pattern happened.
fn answer_happening(cx: &Ctx, q: &Query, question: &str, pattern: &Set, object: &Option<Set>) -> anyhow::Result<Outcome> {
    let (cat, store) = (cx.cat, cx.store);
    let unknown = || no_answer(question);
    let mut values: Vec<Found> = Vec::new();
    let mut support: Vec<Fact> = Vec::new();
    
    let mut hits = cx.set(pattern)?;
    if let Some(o) = object {
        let objs: Vec<String> = cx.set(o)?.iter().map(|h| h.value.key()).collect();
        hits.retain(|h| objs.contains(&h.value.key()));
    }
    let facts: Vec<Fact> = hits.iter().flat_map(|h| h.facts.clone()).collect();
    let mut out: Vec<(Given, Fact)> = Vec::new();
    match &q.ask {
        Ask::When(..) => {
            // A role asked about as ended is dated by its end.
            let ended = matches!(pattern, Set::Join { time: Time::Ended, .. });
            for f in &facts {
                let d = match &f.object {
                    _ if ended => f.until,
                    Value::Date(d) if object.is_none() => Some(*d),
                    _ => f.on.or(f.since),
                };
                match (d, f.until) {
                    (Some(d), _) if f.reported => out.push((Given::When(When::By(d)), f.clone())),
                    (Some(d), _) => out.push((Given::When(When::At(d)), f.clone())),
                    // A state known only to have ended: when it ended.
                    (None, Some(end)) if !ended => out.push((Given::When(When::Until(end)), f.clone())),
                    _ => {}
                }
            }
            // "When was the restructuring?": the date of its
            // facts, with those facts (and so their sources).
            // Only a happening has a date of its own: "When Alibaba
            // Cloud?" is not the date of its earliest fact.
            let happening = |e: &str| cat.lex.event_kind.as_deref().is_some_and(|k| cat.kind(e) == Some(k));
            if let (Set::Entity(e), true) = (pattern, facts.is_empty()) {
                if let Some((d, fs)) = if happening(e) { cx.anchor(e)? } else { None } {
                    out.extend(fs.into_iter().map(|f| (Given::When(When::At(d)), f)));
                }
            }
        }
        Ask::Why(..) => {
            for f in &facts {
                if let Some(b) = &f.because {
                    out.push((Given::Value { value: Value::Text(b.clone()), unit: None, bound: None }, f.clone()));
                }
            }
        }
        Ask::HowLong(..) => {
            for f in &facts {
                if let Some(s) = f.since {
                    let end = f.until.unwrap_or_else(Date::today);
                    let years = s.years_until(&end);
                    // Under two years, in months ("9 months", not "0.8 years").
                    let months = (years * 12.0).round() as i64;
                    let lasted = if years < 2.0 && s.month.is_some() && end.month.is_some() {
                        Lasted::Months(months)
                    } else if years.fract().abs() < 0.05 {
                        Lasted::Years(years.round() as i64)
                    } else {
                        Lasted::About(years)
                    };
                    out.push((Given::Lasted(lasted), f.clone()));
                }
            }
        }
        _ => {
            // Where: the object of a location relation of the value
            // (or of the bound object).
            // With both sides bound ("where did the outage hit
            // Alibaba Cloud", "where did Alibaba Cloud suffer an
            // outage"), the place is where the happening was: a
            // location of an event relation on either side, never
            // a company's seat.
            let both = object.is_some();
            let targets: Vec<String> = match (object, pattern) {
                (Some(o), Set::Join { of, .. }) => {
                    let mut t: Vec<String> = cx.values(of)?.iter().filter_map(|v| v.entity().map(String::from)).collect();
                    t.extend(cx.values(o)?.iter().filter_map(|v| v.entity().map(String::from)));
                    t
                }
                (Some(_), _) => vec![],
                (None, Set::Entity(e)) => vec![e.clone()],
                (None, _) => hits.iter().filter_map(|h| h.value.entity().map(String::from)).collect(),
            };
            // "Where does Weiguang Liu work?": the place a relation
            // that is not itself about places gives is the
            // employer, not the employer's seat.
            let placed_by_relation = match pattern {
                Set::Join { rel, .. } => !cat.lex.rel(*rel).location,
                _ => false,
            };
            for t in targets {
                let mut found = false;
                for f in store.facts_about(&t, None)? {
                    if placed_by_relation && object.is_none() {
                        break;
                    }
                    if cat.lex.relation(&f.relation).is_some_and(|rel| rel.location && (rel.event || !both)) {
                        out.push((Given::Value { value: f.object.clone(), unit: None, bound: None }, f));
                        found = true;
                    }
                }
                if !found && object.is_none() && !matches!(pattern, Set::Entity(_)) {
                    for h in &hits {
                        if h.value.entity() == Some(t.as_str()) {
                            for f in &h.facts {
                                out.push((Given::Value { value: h.value.clone(), unit: None, bound: None }, f.clone()));
                            }
                        }
                    }
                }
            }
        }
    }
    if out.is_empty() {
        return Ok(unknown());
    }
    // One value for each way of saying it: two facts that give "2.3
    // years" give one answer.
    let keys: Vec<String> = out.iter().map(|(g, _)| cx.say.given(g)).collect();
    let mut distinct: Vec<(Given, String)> = Vec::new();
    for ((g, _), k) in out.iter().zip(&keys) {
        if !distinct.iter().any(|(_, x)| x == k) {
            distinct.push((g.clone(), k.clone()));
        }
    }
    let conflict = matches!(q.ask, Ask::When(..)) && distinct.len() > 1 && {
        let events: Vec<(String, String, String)> = out.iter().map(|(_, f)| (f.subject.clone(), f.relation.clone(), f.object.key())).collect();
        events.iter().any(|e| events.iter().filter(|x| *x == e).count() > 1)
    };
    let facts_of = |v: &(Given, String)| -> Vec<Fact> { out.iter().zip(&keys).filter(|(_, k)| **k == v.1).map(|((_, f), _)| f.clone()).collect() };
    let mut aside = Vec::new();
    if !conflict {
        (distinct, aside) = cx.set_aside(distinct, facts_of)?;
    }
    let mut items = Vec::new();
    for v in &distinct {
        let fs = facts_of(v);
        let sources: Vec<String> = fs.iter().flat_map(|f| f.sources.clone()).filter(|s| !s.is_empty()).collect();
        values.push(Found { value: v.0.clone(), sources, conflict });
        items.push((v.0.clone(), fs.clone()));
        support.extend(fs);
    }
    // A place or an employer that still holds is said in the present;
    // dates and reasons are of past events.
    let past = q.past || !matches!(q.ask, Ask::Where(..) | Ask::HowLong(..));
    let mut o = Outcome::answered(question, values, Reply::Happened { items, conflict, past }, support);
    if o.status == Status::Answered {
        o.aside = aside.into_iter().map(|(g, _)| g).collect();
    }
    Ok(o)
}

/// A description of an entity, or its titles.
fn answer_entity(cx: &Ctx, q: &Query, question: &str, e: &str) -> anyhow::Result<Outcome> {
    let (cat, store) = (cx.cat, cx.store);
    let unknown = || no_answer(question);
    let mut values: Vec<Found> = Vec::new();
    let mut support: Vec<Fact> = Vec::new();
    let reply: Reply;
    let mut aside_titles: Vec<Given> = Vec::new();
    let mut facts: Vec<Fact> = store.facts_about(e, None)?;
    if let Ask::Title(_, at) = &q.ask {
        facts.retain(|f| cat.lex.relation(&f.relation).is_some_and(|rel| rel.title.is_some()));
        // "at Alibaba": the titles held at it or at one of its parts.
        if let Some(at) = at {
            let mut places = vec![at.clone()];
            if let Some(part) = &cat.lex.part_relation {
                places.extend(store.subjects_with_object(&Value::Entity(at.clone()), part)?);
            }
            facts.retain(|f| f.object.entity().is_some_and(|o| places.iter().any(|p| p == o)));
        }
        if facts.is_empty() {
            return Ok(unknown());
        }
        // Titles that only an unreliable source gives are set aside
        // in a note when others are known.
        let (facts, aside) = cx.set_aside(facts, |f| vec![f.clone()])?;
        let mut titles = Vec::new();
        for f in &facts {
            values.push(Found { value: Given::Title(f.clone()), sources: f.sources.clone(), conflict: false });
            titles.push(Given::Title(f.clone()));
        }
        aside_titles = aside.into_iter().map(Given::Title).collect();
        reply = Reply::Titles { of: Value::Entity(e.to_string()), titles };
        support.extend(facts);
    } else {
        facts.extend(store.facts_with_object(&Value::Entity(e.to_string()), None)?);
        let salience = |f: &Fact| cat.lex.relation(&f.relation).map_or(0, |rel| rel.salience);
        facts.retain(|f| salience(f) > 0);
        // What the trusted sources say, where they say anything.
        let (mut facts, _) = cx.set_aside(facts, |f| vec![f.clone()])?;
        facts.sort_by_key(|f| std::cmp::Reverse(salience(f)));
        if facts.is_empty() {
            return Ok(unknown());
        }
        let chosen = most_salient(render::distinct_sentences(&cx.say, facts), DESCRIBED_FACTS);
        reply = Reply::Description { of: e.to_string(), facts: chosen.clone() };
        values.push(Found { value: Given::Value { value: Value::Entity(e.to_string()), unit: None, bound: None }, sources: chosen.iter().flat_map(|f| f.sources.clone()).collect(), conflict: false });
        support.extend(chosen);
    }
    let mut o = Outcome::answered(question, values, reply, support);
    if o.status == Status::Answered {
        o.aside = aside_titles;
    }
    Ok(o)
}

/// For "Is M6 made by Baidu?" or "Is M6 a Baidu model?" with no fact
/// that says so: the facts that give the item's one value of a relation
/// that holds one object at a time as another entity (of the asked one's
/// kind, when the relation is not named), and the asked entity's name.
fn other_holder(cx: &Ctx, item: &Set, set: &Set) -> anyhow::Result<Option<(Vec<Fact>, Given)>> {
    let Set::Entity(i) = item else { return Ok(None) };
    let (rels, asked): (Vec<RelId>, &str) = match set {
        Set::Join { rel, dir: Dir::ToSubject, of, .. } => match of.as_ref() {
            Set::Entity(o) => (vec![*rel], o.as_str()),
            // "Does GPT-3 have 7 billion parameters?"
            Set::Literal(v @ Value::Number { .. }) => {
                let rel = cx.cat.lex.rel(*rel);
                if rel.single != Single::Object {
                    return Ok(None);
                }
                let facts: Vec<Fact> = cx.store.facts_about(i, Some(&rel.name))?.into_iter().filter(|f| f.until.is_none()).collect();
                if facts.is_empty() || facts.iter().any(|f| f.object.key() == v.key()) {
                    return Ok(None);
                }
                return Ok(Some((facts, Given::Value { value: v.clone(), unit: Some(rel.name.clone()), bound: None })));
            }
            _ => return Ok(None),
        },
        other => {
            let Some(o) = linked_only(other) else { return Ok(None) };
            let kind = cx.cat.kind(o);
            let rels = cx
                .cat
                .lex
                .rels()
                .filter(|(_, rel)| rel.single == Single::Object && rel.value == ValueType::Entity && kind.is_some_and(|k| rel.object.iter().any(|x| x == k)))
                .map(|(n, _)| n)
                .collect();
            (rels, o)
        }
    };
    let asked_kind = cx.cat.kind(asked);
    let mut facts = Vec::new();
    for n in rels {
        let rel = cx.cat.lex.rel(n);
        if rel.single != Single::Object || rel.value != ValueType::Entity {
            continue;
        }
        for f in cx.store.facts_about(i, Some(&rel.name))? {
            let Some(o) = f.object.entity() else { continue };
            if o == asked {
                // It says so after all (at another time): no verdict here.
                return Ok(None);
            }
            if f.until.is_none() && cx.cat.kind(o) == asked_kind {
                facts.push(f);
            }
        }
    }
    Ok((!facts.is_empty()).then(|| (facts, Given::Value { value: Value::Entity(asked.to_string()), unit: None, bound: None })))
}

/// The entity a set stands for the links of, when the set is those links
/// (narrowed by a kind or as a class's members) and nothing more.
fn linked_only(set: &Set) -> Option<&str> {
    match set {
        Set::Linked(o) => Some(o),
        Set::OfKind(b, _) => match b.as_ref() {
            Set::Linked(o) => Some(o),
            _ => None,
        },
        Set::LinkedTo(b, o) if matches!(b.as_ref(), Set::Members(_)) => Some(o),
        _ => None,
    }
}

/// Whether the store holds the whole set by the lexicon's word, from
/// complete kinds and relations: a class's members are only those the
/// sources name, so "is X an AI expert" is not "no" for everyone else.
fn complete_world(cat: &Catalog, set: &Set) -> bool {
    fn no_class(s: &Set) -> bool {
        !matches!(s, Set::Members(_) | Set::MemberOf(..)) && s.children().into_iter().all(no_class)
    }
    set.closed(&cat.lex) && no_class(set)
}

/// Whether a set's members are the values of a relation that holds one
/// value at a time on the side asked for.
fn one_value(cat: &Catalog, set: &Set) -> bool {
    match set {
        Set::Join { rel, dir, .. } => {
            let s = cat.lex.rel(*rel).single;
            (s == Single::Object && !dir.to_subject()) || (s == Single::Subject && dir.to_subject())
        }
        _ => false,
    }
}

/// For a question about who or what holds a role now, when nothing known
/// holds it now: the facts of the latest holder known, which say when it
/// ended.
fn last_holder(cx: &Ctx, set: &Set) -> anyhow::Result<Option<Vec<Fact>>> {
    let Set::Join { rel, dir, of, time: Time::Current } = core(set) else { return Ok(None) };
    let all = cx.set(&Set::Join { rel: *rel, dir: *dir, of: of.clone(), time: Time::Any })?;
    let mut facts: Vec<Fact> = all.into_iter().flat_map(|h| h.facts).filter(|f| f.until.is_some()).collect();
    if facts.is_empty() {
        return Ok(None);
    }
    // The latest end first; among the facts ending then, a reliable source first.
    facts.sort_by_key(|f| std::cmp::Reverse(f.until.map(|u| u.end())));
    let latest = facts[0].until;
    let mut last: Vec<Fact> = facts.into_iter().filter(|f| f.until == latest).collect();
    let mut reliable = Vec::new();
    for f in &last {
        if !cx.unreliable_only(std::slice::from_ref(f))? {
            reliable.push(f.clone());
        }
    }
    if !reliable.is_empty() {
        last = reliable;
    }
    Ok(Some(last))
}

/// "How many states border the state that borders the most states?"
/// when two tie for the most: the question read with each tied member in
/// the superlative's place answers when it answers alike for each;
/// otherwise which one is meant is asked.
fn answer_tie(cx: &Ctx, q: &Query, question: &str, max: usize, part: &Set, tied: &[Hit]) -> anyhow::Result<Outcome> {
    let mut alike: Option<(Outcome, Status, Vec<String>)> = None;
    let mut differ = false;
    for h in tied {
        let Value::Entity(e) = &h.value else {
            differ = true;
            break;
        };
        let mut one = q.clone();
        one.replace(part, &Set::Entity(e.clone()));
        let each = Ctx { cat: cx.cat, store: cx.store, sets: Default::default(), say: Speaker::new(cx.cat, cx.store) };
        let a = outcome(&each, &one, question, max)?;
        // The same answer is the same values said alike, with the same
        // status once said (an answer may be withheld then).
        let said = render::answer(&each.say, &a)?;
        let mut keys: Vec<String> = said.answers.iter().map(|v| v.value.clone()).collect();
        keys.push(format!("{:?}", said.status));
        match &alike {
            Some((_, _, k)) if *k != keys => differ = true,
            Some(_) => {}
            None => alike = Some((a, said.status, keys)),
        }
        if differ {
            break;
        }
    }
    let tied: Vec<Value> = tied.iter().map(|h| h.value.clone()).collect();
    // Alike for each, answered or not ("none of the facts ...").
    if let (Some((a, status, _)), false) = (alike, differ) {
        if status != Status::Answered {
            return Ok(a);
        }
        // The values alone: what else the reply says is of one of them.
        let values: Vec<Given> = a.values.iter().map(|v| v.value.clone()).collect();
        let reply = Reply::Tie { tied, alike: Some(values) };
        return Ok(Outcome { reply, aside: vec![], unmeasured: None, guarded: false, ..a });
    }
    Ok(Outcome::empty(question, Status::Unknown, Reply::Tie { tied, alike: None }))
}

/// A superlative inside a query's set: the part, its winners (ties
/// included) and the members it could not measure, by the measure.
struct Inner {
    part: Set,
    winners: Vec<Hit>,
    unknown: Vec<Value>,
    by: Measure,
}

/// The superlatives inside a set (not the set itself, when `top`), each
/// measured once.
fn inner_extremes(cx: &Ctx, set: &Set, top: bool, out: &mut Vec<Inner>) -> anyhow::Result<()> {
    if let (Set::Extreme { of, by, order }, false) = (set, top) {
        let m = cx.measures(cx.set(of)?, by)?;
        let winners = compute::winners_of(&m, *order);
        out.push(Inner { part: set.clone(), winners, unknown: m.unknown, by: by.clone() });
    }
    for c in set.children() {
        inner_extremes(cx, c, false, out)?;
    }
    Ok(())
}

/// "How many states border Alaska?" over a closed world: 0, with the
/// sources of the facts about the things the question names (they hold
/// every fact of the relation). None when it names nothing with a source.
fn closed_zero(cx: &Ctx, set: &Set, question: &str) -> anyhow::Result<Option<Outcome>> {
    // Only plain joins and filters: an empty comparison may have had
    // nothing to compare with.
    // A superlative inside ("the rivers in the state with the highest
    // point") is over a closed set (the reader checks): its winners stand
    // for it, and without one there is no count to give.
    fn plain(s: &Set) -> bool {
        matches!(s, Set::Entity(_) | Set::All(_) | Set::Members(_) | Set::Join { .. } | Set::OfKind(..) | Set::MemberOf(..) | Set::Extreme { .. }) && s.children().into_iter().all(plain)
    }
    fn extremes<'a>(s: &'a Set, out: &mut Vec<&'a Set>) {
        if matches!(s, Set::Extreme { .. }) {
            out.push(s);
        } else {
            s.children().into_iter().for_each(|c| extremes(c, out));
        }
    }
    if !plain(set) {
        return Ok(None);
    }
    let mut named: Vec<String> = set.entities().into_iter().map(String::from).collect();
    let mut inner = Vec::new();
    extremes(set, &mut inner);
    for x in inner {
        let winners = cx.values_of(x)?;
        if winners.is_empty() {
            return Ok(None);
        }
        named.extend(winners.into_iter().filter_map(|v| if let Value::Entity(e) = v { Some(e) } else { None }));
    }
    let mut facts: Vec<Fact> = Vec::new();
    for e in &named {
        if let Some(f) = cx.store.facts_about(e, None)?.into_iter().next() {
            facts.push(f);
        }
    }
    let mut sources: Vec<String> = facts.iter().flat_map(|f| f.sources.clone()).collect();
    sources.dedup();
    if sources.is_empty() {
        return Ok(None);
    }
    let values = vec![Found { value: Given::Count(0), sources, conflict: false }];
    Ok(Some(Outcome { values, support: facts, ..Outcome::empty(question, Status::Answered, Reply::ClosedZero) }))
}

/// Whether the store holds the whole of a set, so that its size is a
/// count the sources support (see [`Set::closed`]).
pub(super) fn countable(cat: &Catalog, set: &Set) -> bool {
    set.closed(&cat.lex)
}

/// The set whose relation words the reply: an intersection's first
/// part, a set without one member's whole.
fn core(set: &Set) -> &Set {
    match set {
        Set::And(a, _) | Set::Without(a, _) | Set::Mentioning(a, _) | Set::Minus(a, _) => core(a),
        other => other,
    }
}

/// A list answer: the values with what their relation's sentence needs
/// to say them.
fn listed(cx: &Ctx, set: &Set, hits: &[Hit], past: bool, max: usize) -> anyhow::Result<Listed> {
    let mut out = Listed { hits: hits.to_vec(), join: None, events: vec![], past, max };
    // "Who do Weiguang Liu and Jin Li report to?": the one relation of
    // each name, said of both ("Weiguang Liu and Jin Li report to ...").
    let both;
    let core_set = match set {
        Set::And(a, b) => match (a.as_ref(), b.as_ref()) {
            (Set::Join { rel: r1, dir: d1, of: o1, time }, Set::Join { rel: r2, dir: d2, of: o2, .. })
                if r1 == r2 && d1 == d2 && matches!(o1.as_ref(), Set::Entity(_)) && matches!(o2.as_ref(), Set::Entity(_)) =>
            {
                both = Set::Join { rel: *r1, dir: *d1, of: Box::new(Set::Or(o1.clone(), o2.clone())), time: time.clone() };
                &both
            }
            _ => core(set),
        },
        _ => core(set),
    };
    let (rel, want_subject, of) = match core_set.unfiltered() {
        Set::Join { rel, dir, of, .. } => (*rel, dir.to_subject(), of.as_ref()),
        _ => return Ok(out),
    };
    let relation = cx.cat.lex.rel(rel);
    // "What happened to Zhou Chang?": the happenings that concern the
    // name, each as what is known of it, not as "X's departure concerned
    // X".
    if want_subject && cx.cat.lex.event_link.as_deref() == Some(relation.name.as_str()) {
        for h in hits.iter().take(max) {
            let Some(event) = h.value.entity() else { continue };
            let facts: Vec<Fact> = cx.store.facts_about(event, None)?.into_iter().filter(|f| f.relation != relation.name).collect();
            let (facts, _) = cx.set_aside(facts, |f| vec![f.clone()])?;
            out.events.push(Hit { value: h.value.clone(), facts: most_salient(render::distinct_sentences(&cx.say, facts), DESCRIBED_FACTS) });
        }
    }
    out.join = Some(Join { rel: relation.name.clone(), want_subject, others: cx.values_of(of)? });
    Ok(out)
}

/// The entity an answer names, when it names exactly one (for pronouns
/// in the next question).
pub fn single_entity(a: &Answer, cat: &Catalog) -> Option<String> {
    match a.answers.as_slice() {
        [one] => cat.resolve_exact(&one.value),
        _ => None,
    }
}

/// The date a fact places its clause at: its event date or start, a date
/// value ("occurred on December 2022"), or its end.
fn fact_date(f: &Fact) -> Option<Date> {
    f.dated().or(f.until)
}

/// Whether a fact lies after (or before) `pivot`: its date, or for an
/// undated one its end. `strictly` puts a fact dated within the pivot's
/// period out of "before".
fn on_side(f: &Fact, pivot: &Date, after: bool, strictly: bool) -> bool {
    match f.when() {
        Some(w) if after => w.end() >= pivot.start(),
        Some(w) if strictly => w.start() < pivot.start(),
        Some(w) => w.start() <= pivot.end(),
        None if after => f.until.is_none_or(|u| u.end() >= pivot.start()),
        None => f.until.is_some_and(|u| u.start() <= pivot.end()),
    }
}

/// The answer from facts the paraphrase ranker picked: each gives its
/// object, subject, date or reason, with its own sentence and sources.
pub fn picked(cat: &Catalog, store: &Store, picks: &[Pick], question: &str, past: bool) -> anyhow::Result<Answer> {
    let say = Speaker::new(cat, store);
    let mut values: Vec<Found> = Vec::new();
    let mut said: Vec<(Fact, Option<String>)> = Vec::new();
    for p in picks {
        let f = &p.fact;
        let plain = |value: Value| Given::Value { value, unit: None, bound: None };
        let value = match p.side {
            Side::Object => Given::Value { value: f.object.clone(), unit: Some(f.relation.clone()), bound: f.bound },
            Side::Subject => plain(Value::Entity(f.subject.clone())),
            Side::Date => match (&f.object, f.when()) {
                (Value::Date(d), None) => plain(Value::Date(*d)),
                (_, Some(d)) => plain(Value::Date(d)),
                (_, None) => continue,
            },
            Side::Reason => match &f.because {
                Some(b) => plain(Value::Text(b.clone())),
                None => continue,
            },
        };
        let sources: Vec<String> = f.sources.iter().filter(|s| !s.is_empty()).cloned().collect();
        if sources.is_empty() {
            continue;
        }
        said.push((f.clone(), if p.side == Side::Reason { f.because.clone() } else { None }));
        match values.iter_mut().find(|v| v.value == value) {
            Some(v) => v.sources.extend(sources.into_iter().filter(|s| !v.sources.contains(s)).collect::<Vec<_>>()),
            None => values.push(Found { value, sources, conflict: false }),
        }
    }
    let o = if values.is_empty() {
        Outcome::unknown(question)
    } else {
        let support = picks.iter().map(|p| p.fact.clone()).collect();
        Outcome { values, support, ..Outcome::empty(question, Status::Answered, Reply::Picked { facts: said, past }) }
    };
    render::answer(&say, &o)
}
