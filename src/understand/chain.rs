//! The chain reading: a question about one entity with several relation
//! phrases, read as a path of relations from that entity.
//!
//! "What genres are the films directed by the director of [X]" names the
//! relations `director`, `directed` and `genres`; "the films that share
//! actors with X" names `actors` with a reciprocal word. English puts the
//! relation nearest the entity innermost, so the phrases are taken in order
//! of distance from the entity, and each is followed in the direction its
//! kinds allow (a noun in the direction it names: "the director of X" from
//! film to person; a verb either way). Where a phrase does not fit the
//! kind reached so far, the path steps back along the previous relation
//! ("movies for the writer of X" are the writer's movies), or through the
//! role the entity was introduced with ("the actors of the director X").
//! A reciprocal word ("share", "together", "co-") follows its relation
//! there and back. The kind the question asks for ("which genres", "who",
//! "when") may add one last relation, when exactly one relation leads there.
//!
//! The clause grammar in [`super::grammar`] reads first; this reading is
//! used when the clause grammar cannot read the question or leaves some of
//! its relation phrases unused.

use super::grammar::{Ask, NotUnderstood, Query, Set, Time};
use crate::query::{Dir, RelId};
use super::lexer::{Mention, Prep, Role, Tok, Wh};
use super::Reader;
use crate::knowledge::lexicon::ValueType;

/// A step the path must take, in order of distance from the entity.
#[derive(Debug, Clone)]
enum Step {
    /// A relation phrase: its readings, whether it is read backwards
    /// ("whose directors", "the actors in their films"), and whether it is
    /// reciprocal.
    Rel { ms: Vec<Mention>, backwards: bool, recip: bool },
    /// A kind the path must pass through ("movies for the writer of X").
    Through(String),
}

/// The kinds a relation leads to, from one side.
pub(crate) fn kinds_at(r: &Reader, rel: RelId, forward: bool) -> Vec<String> {
    let relation = r.cat.lex.rel(rel);
    if !forward {
        return relation.subject.clone();
    }
    match (relation.value, relation.object.is_empty()) {
        (ValueType::Entity, _) | (_, false) => relation.object.clone(),
        (ValueType::Date, true) => vec!["date".into()],
        (ValueType::Number, true) => vec!["number".into()],
        (ValueType::Text, true) => vec!["text".into()],
    }
}

/// Whether a side of kinds `have` may stand where `need` is expected
/// (an empty list accepts anything).
pub(crate) fn fits(have: &[String], need: &[String]) -> bool {
    have.is_empty() || need.is_empty() || have.iter().any(|k| need.contains(k))
}

/// The directions a reading may be followed in: forward goes from the
/// fact's subject to its object.
fn directions(m: &Mention, backwards: bool, recip: bool) -> &'static [bool] {
    match (m.role, backwards) {
        // There and back: either way round.
        _ if recip => &[true, false],
        (Role::ObjectNoun, false) | (Role::SubjectNoun, true) => &[true],
        (Role::SubjectNoun, false) | (Role::ObjectNoun, true) => &[false],
        _ => &[true, false],
    }
}

/// A path being built.
#[derive(Clone)]
struct Path {
    set: Set,
    kinds: Vec<String>,
    /// The last relation followed and its direction.
    last: Option<(RelId, bool)>,
    hops: usize,
    /// Steps taken that no phrase named.
    bridges: usize,
    /// The role the entity was introduced with, not yet used.
    role: Option<Vec<Mention>>,
    /// The entity the path starts from, and its kind.
    start: String,
    start_kind: String,
}

impl Path {
    fn follow(&mut self, r: &Reader, rel: RelId, forward: bool, time: &Time) {
        let of = std::mem::replace(&mut self.set, Set::Literal(crate::knowledge::Value::Text(String::new())));
        self.set = Set::Join { rel, dir: Dir::subjects_if(!forward), of: Box::new(of), time: time.clone() };
        self.kinds = kinds_at(r, rel, forward);
        self.last = Some((rel, forward));
        self.hops += 1;
        // Back at the entity's own kind: the others ("the films of X's
        // director" are his other films).
        if self.kinds.contains(&self.start_kind) && r.cat.lex.leave_out_topic {
            let inner = std::mem::replace(&mut self.set, Set::Literal(crate::knowledge::Value::Text(String::new())));
            self.set = Set::Without(Box::new(inner), self.start.clone());
        }
    }

    /// The readings of `ms` that fit the kinds reached, with direction.
    fn fitting(&self, r: &Reader, ms: &[Mention], backwards: bool, recip: bool) -> Vec<(RelId, bool)> {
        let mut out = Vec::new();
        for m in ms {
            for &fwd in directions(m, backwards, recip) {
                if fits(&self.kinds, &kinds_at(r, m.rel, !fwd)) && !out.contains(&(m.rel, fwd)) {
                    out.push((m.rel, fwd));
                }
            }
        }
        out
    }

    /// Steps back: through the entity's role if one was given, else along
    /// the last relation. Returns false when there is nowhere to go.
    fn bridge(&mut self, r: &Reader, time: &Time, wanted: impl Fn(&Path, &Reader) -> bool) -> bool {
        if let Some(role) = self.role.take() {
            // "the director X": X is on the object side of `directed_by`.
            for m in &role {
                let fwd = m.role == Role::SubjectNoun;
                if fits(&self.kinds, &kinds_at(r, m.rel, !fwd)) {
                    let mut next = self.clone();
                    next.follow(r, m.rel, fwd, time);
                    if wanted(&next, r) {
                        *self = next;
                        self.bridges += 1;
                        return true;
                    }
                }
            }
        }
        if let Some((rel, fwd)) = self.last {
            let mut next = self.clone();
            next.follow(r, rel, !fwd, time);
            if wanted(&next, r) {
                *self = next;
                self.bridges += 1;
                return true;
            }
        }
        false
    }

    /// Takes one step; false when it cannot be taken.
    fn step(&mut self, r: &Reader, step: &Step, time: &Time) -> bool {
        match step {
            // A kind passed through is a soft step: it bridges when it
            // can, and is the verb's object otherwise ("who wrote movies
            // together with X").
            Step::Through(kind) => {
                let need = vec![kind.clone()];
                let _ = fits(&self.kinds, &need) || self.bridge(r, time, |p, _| fits(&p.kinds, &need));
                true
            }
            Step::Rel { ms, backwards, recip } => {
                let mut options = self.fitting(r, ms, *backwards, *recip);
                if options.is_empty() {
                    if !self.bridge(r, time, |p, r| !p.fitting(r, ms, *backwards, *recip).is_empty()) {
                        return false;
                    }
                    options = self.fitting(r, ms, *backwards, *recip);
                }
                // Both directions fit (a relation between two people): the
                // lexical direction decides.
                let (rel, fwd) = options[0];
                self.follow(r, rel, fwd, time);
                if *recip {
                    self.follow(r, rel, !fwd, time);
                }
                true
            }
        }
    }
}

/// Reads `toks` as a chain of relations from its one entity.
pub fn read(r: &Reader, toks: &[Tok], past: bool) -> Result<Query, NotUnderstood> {
    if toks.iter().any(|t| matches!(t, Tok::Unknown(_) | Tok::Date(_) | Tok::Num(..) | Tok::Not)) {
        return Err(NotUnderstood::NoReading);
    }
    let ents: Vec<usize> = toks.iter().enumerate().filter(|(_, t)| matches!(t, Tok::Ent(..))).map(|(i, _)| i).collect();
    let [epos] = ents[..] else { return Err(NotUnderstood::NoReading) };
    let Tok::Ent(ids, name) = &toks[epos] else { return Err(NotUnderstood::NoReading) };
    let yes_no = matches!(toks.first(), Some(Tok::Aux(_)));
    if yes_no {
        return Err(NotUnderstood::NoReading);
    }
    // An embedded question ("a few words describing what X is about") is
    // the question: what comes before it only introduces it.
    let toks = match toks.iter().position(|t| matches!(t, Tok::Wh(_))) {
        Some(w) if w > 0 && w < epos && toks[..w].iter().any(|t| matches!(t, Tok::Rel(..))) => &toks[w..],
        _ => toks,
    };
    let epos = toks.iter().position(|t| matches!(t, Tok::Ent(..))).ok_or(NotUnderstood::NoReading)?;
    let wpos = toks.iter().position(|t| matches!(t, Tok::Wh(_) | Tok::List));
    let wh = wpos.and_then(|w| if let Tok::Wh(w) = toks[w] { Some(w) } else { None });

    // What the question asks for: "which genres", "who", "when".
    let mut used = vec![false; toks.len()];
    used[epos] = true;
    let (answer_kinds, answer_noun) = asked(r, toks, wpos, epos, wh, &mut used);

    // How the entity is introduced: "the film X", "the director X".
    let (kind_hint, role) = introduced(toks, epos, &mut used);

    // The steps, with their positions.
    let mut steps = steps_of(toks, &mut used);
    // A possessive the chain has not read owns something the chain does
    // not hold ("the person heading X - who's their manager?"); other
    // pronouns refer to its one name ("the movie X, when was it
    // released") or ask for the answer ("X is a film written by this
    // person").
    if toks.iter().enumerate().any(|(i, t)| matches!(t, Tok::Pron(_, true, _)) && !used[i]) {
        return Err(NotUnderstood::NoReading);
    }
    attach_reciprocals(toks, &mut steps);
    if !steps.iter().any(|(_, s)| matches!(s, Step::Rel { .. })) && answer_noun.is_none() {
        return Err(NotUnderstood::NoReading);
    }
    // Innermost first: words compounded right after the name ("X
    // directors", "X written movies"), then the modifiers before it from the
    // nearest out, then the predicate after it, left to right. Whether a
    // verb after the name is a participle in such a compound ("X written
    // movies") or the predicate ("the writer of X wrote movies") is
    // decided by trying both: the reading with fewer unnamed steps wins,
    // the compound on a tie.
    let noun = |t: Option<&Tok>| t.is_some_and(|t| matches!(t, Tok::Kind(_)) || pure_noun(t));
    let compound_end = |verbs: bool| {
        (epos + 1..toks.len())
            .find(|&k| !(noun(toks.get(k)) || verbs && matches!(toks[k], Tok::Rel(..)) && noun(toks.get(k + 1))))
            .unwrap_or(toks.len())
    };
    let (with_verbs, nouns_only) = (compound_end(true), compound_end(false));
    let orders: Vec<usize> = if with_verbs == nouns_only { vec![with_verbs] } else { vec![with_verbs, nouns_only] };

    let time = if past { Time::Any } else { Time::Now };
    let mut results: Vec<(String, Path)> = Vec::new();
    for end in orders {
        let mut steps = steps.clone();
        steps.sort_by_key(|(pos, _)| match *pos {
            p if p > epos && p < end => (0, p),
            p if p < epos => (1, epos - p),
            p => (2, p),
        });
        // A kind farther out than every relation is the head noun, already reached.
        // (A kind compounded after the name stays: "X written movies".)
        let last = steps.iter().rposition(|(p, s)| matches!(s, Step::Rel { .. }) || (*p > epos && *p < end));
        steps.truncate(last.map_or(0, |l| l + 1));
        for id in ids {
            let Some(kind) = r.cat.kind(id) else { continue };
            if kind_hint.as_ref().is_some_and(|k| k != kind) && ids.len() > 1 {
                continue;
            }
            let mut path = Path {
                set: Set::Entity(id.clone()),
                kinds: vec![kind.to_string()],
                last: None,
                hops: 0,
                bridges: 0,
                role: role.clone(),
                start: id.clone(),
                start_kind: kind.to_string(),
            };
            let better_known = results.iter().any(|(known, p)| known == id && p.bridges <= path.bridges);
            if !better_known
                && steps.iter().all(|(_, s)| path.step(r, s, &time))
                && finish(r, &mut path, &answer_kinds, answer_noun.as_deref(), &time)
                && !results.iter().any(|(known, p)| known == id && p.bridges <= path.bridges)
            {
                results.retain(|(known, _)| known != id);
                results.push((id.clone(), path));
            }
        }
    }
    let fewest = results.iter().map(|(_, p)| p.bridges).min().ok_or(NotUnderstood::NoReading)?;
    results.retain(|(_, p)| p.bridges == fewest);
    if results.len() > 1 {
        return Err(NotUnderstood::Ambiguous(name.clone(), results.into_iter().map(|(id, _)| id).collect()));
    }
    let (_, path) = results.pop().ok_or(NotUnderstood::NoReading)?;
    let numeric = matches!(&path.set, Set::Join { rel, dir: Dir::ToObject, .. } if r.cat.lex.rel(*rel).value == ValueType::Number);
    let ask = if wh == Some(Wh::HowMany) && !numeric { Ask::Count(path.set) } else { Ask::Values(path.set) };
    Ok(Query { ask, past })
}

/// What the question asks for, after its question word: the kinds
/// ("which genres", "who", "when") or a relation noun ("which
/// directors"). Marks the words it takes in `used`.
fn asked(r: &Reader, toks: &[Tok], wpos: Option<usize>, epos: usize, wh: Option<Wh>, used: &mut [bool]) -> (Vec<String>, Option<Vec<Mention>>) {
    let mut answer_kinds: Vec<String> = Vec::new();
    let mut answer_noun: Option<Vec<Mention>> = None;
    if let Some(w) = wpos {
        used[w] = true;
        match toks.get(w + 1) {
            Some(Tok::Kind(k)) if w + 1 != epos => {
                answer_kinds.push(k.clone());
                used[w + 1] = true;
            }
            Some(t @ Tok::Rel(ms, _)) if pure_noun(t) => {
                answer_noun = Some(ms.clone());
                used[w + 1] = true;
            }
            _ => {}
        }
    }
    if answer_kinds.is_empty() && answer_noun.is_none() {
        match wh {
            Some(Wh::Who) => answer_kinds.extend(kinds_named_by(r, "who")),
            Some(Wh::Where) => answer_kinds.extend(kinds_named_by(r, "where")),
            Some(Wh::When) => answer_kinds.push("date".into()),
            _ => {}
        }
    }
    (answer_kinds, answer_noun)
}

/// How the entity at `epos` is introduced: by a kind ("the film X") or
/// by a role noun ("the director X"). Marks the word it takes in `used`.
fn introduced(toks: &[Tok], epos: usize, used: &mut [bool]) -> (Option<String>, Option<Vec<Mention>>) {
    if epos == 0 || used[epos - 1] {
        return (None, None);
    }
    match &toks[epos - 1] {
        Tok::Kind(k) => {
            used[epos - 1] = true;
            (Some(k.clone()), None)
        }
        // ("the same director as X" is not a role: the noun is a step.)
        Tok::Rel(ms, _) if ms.iter().any(|m| !m.role.verb()) && !(epos > 1 && toks[epos - 2] == Tok::Recip) => {
            used[epos - 1] = true;
            (None, Some(ms.iter().copied().filter(|m| !m.role.verb()).collect()))
        }
        _ => (None, None),
    }
}

/// The steps of the chain with their positions: every relation phrase
/// and kind noun not yet `used`.
fn steps_of(toks: &[Tok], used: &mut [bool]) -> Vec<(usize, Step)> {
    let mut steps: Vec<(usize, Step)> = Vec::new();
    for i in 0..toks.len() {
        if used[i] {
            continue;
        }
        match &toks[i] {
            Tok::Rel(ms, _) => {
                // "whose directors", "the actors in their films": the noun
                // is read from its owner back to the head.
                let whose = i > 0 && toks[i - 1] == Tok::Whose;
                let their = matches!(toks.get(i + 1), Some(Tok::Prep(Prep::Of | Prep::In))) && matches!(toks.get(i + 2), Some(Tok::Pron(..)));
                // "the director of which films", "what was X the director
                // of", "X was an actor in which movies": the noun is said of
                // its object, and the question asks for the subject.
                let of_which = matches!(toks.get(i + 1), Some(Tok::Prep(_))) && matches!(toks.get(i + 2), None | Some(Tok::Wh(_)));
                let nouns = ms.iter().any(|m| !m.role.verb());
                if their && nouns {
                    used[i + 1] = true;
                    used[i + 2] = true;
                    if matches!(toks.get(i + 3), Some(Tok::Kind(_))) {
                        used[i + 3] = true;
                    }
                }
                // "the director that directed X", "words describing X": a
                // noun followed by a verb of the same relation names one step.
                let same_verb_next = nouns
                    && !whose
                    && matches!(toks.get(i + 1), Some(Tok::Rel(next, _)) if next.iter().any(|n| n.role.verb() && ms.iter().any(|m| m.rel == n.rel)));
                if !same_verb_next {
                    steps.push((i, Step::Rel { ms: ms.clone(), backwards: nouns && (whose || their || of_which), recip: false }));
                }
            }
            Tok::Kind(k) => steps.push((i, Step::Through(k.clone()))),
            _ => {}
        }
    }
    steps
}

/// Reciprocal words ("the same director as") attach to the nearest
/// relation phrase, unless the relation is named twice already
/// ("directed by the same director of X").
fn attach_reciprocals(toks: &[Tok], steps: &mut [(usize, Step)]) {
    for (rpos, _) in toks.iter().enumerate().filter(|(_, t)| **t == Tok::Recip) {
        let nearest = steps
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| matches!(s, Step::Rel { .. }))
            .min_by_key(|(_, (pos, _))| (pos.abs_diff(rpos), *pos < rpos))
            .map(|(k, _)| k);
        if let Some(k) = nearest {
            let rels: Vec<RelId> = match &steps[k].1 {
                Step::Rel { ms, .. } => ms.iter().map(|m| m.rel).collect(),
                Step::Through(_) => vec![],
            };
            let named = steps.iter().filter(|(_, s)| matches!(s, Step::Rel { ms, .. } if ms.iter().any(|m| rels.contains(&m.rel)))).count();
            if let (Step::Rel { recip, .. }, 1) = (&mut steps[k].1, named) {
                *recip = true;
            }
        }
    }
}

/// Ends the path at the kind asked for: a noun asked for ("which
/// directors") is a last step unless the path is already there; a kind
/// asked for may add one relation, when exactly one leads there (or the
/// path came along it).
fn finish(r: &Reader, path: &mut Path, kinds: &[String], noun: Option<&[Mention]>, time: &Time) -> bool {
    if let Some(ms) = noun {
        let reached = ms.iter().any(|m| directions(m, false, false).iter().any(|&f| fits(&path.kinds, &kinds_at(r, m.rel, f))));
        if path.hops > 0 && reached {
            return true;
        }
        return path.step(r, &Step::Rel { ms: ms.to_vec(), backwards: false, recip: false }, time);
    }
    if kinds.is_empty() || fits(&path.kinds, kinds) {
        return path.hops > 0;
    }
    let mut options: Vec<(RelId, bool)> = Vec::new();
    for (rel, _) in r.cat.lex.rels() {
        for fwd in [true, false] {
            if fits(&path.kinds, &kinds_at(r, rel, !fwd)) && kinds_at(r, rel, fwd).iter().any(|k| kinds.contains(k)) {
                options.push((rel, fwd));
            }
        }
    }
    let chosen = match options.as_slice() {
        [one] => Some(*one),
        many => path.last.map(|(rel, fwd)| (rel, !fwd)).filter(|back| many.contains(back)),
    };
    match chosen {
        Some((rel, fwd)) => {
            path.follow(r, rel, fwd, time);
            path.bridges += 1;
            true
        }
        None => false,
    }
}

/// Whether a token is a relation phrase that reads only as a noun
/// ("actors"; not "starred", which is also the noun "star").
fn pure_noun(t: &Tok) -> bool {
    matches!(t, Tok::Rel(ms, _) if ms.iter().all(|m| !m.role.verb()))
}

/// The kinds whose nouns include `word` ("who" names people).
fn kinds_named_by(r: &Reader, word: &str) -> Vec<String> {
    r.cat.lex.kinds.iter().filter(|(_, nouns)| nouns.iter().any(|n| n == word)).map(|(k, _)| k.clone()).collect()
}

/// The kinds a set's members may have, or None when a join in it is
/// ill-typed (a relation followed from a side whose kinds cannot stand
/// there: "the director of" a person).
pub fn kinds_of(r: &Reader, set: &Set) -> Option<Vec<String>> {
    match set {
        // A class stands for its members.
        Set::Entity(e) if r.cat.classes.contains(e) => Some(class_kind(r, e).into_iter().collect()),
        Set::Entity(e) => Some(r.cat.kind(e).map(|k| vec![k.to_string()]).unwrap_or_default()),
        Set::Literal(_) => Some(vec![]),
        Set::Join { rel, dir, of, .. } => {
            let inner = kinds_of(r, of)?;
            let forward = !dir.to_subject();
            fits(&inner, &kinds_at(r, *rel, !forward)).then(|| kinds_at(r, *rel, forward))
        }
        Set::All(k) => Some(vec![k.clone()]),
        Set::Members(c) => Some(class_kind(r, c).into_iter().collect()),
        Set::Linked(_) => Some(vec![]),
        Set::OfKind(base, k) => {
            let inner = kinds_of(r, base)?;
            fits(&inner, std::slice::from_ref(k)).then(|| vec![k.clone()])
        }
        Set::MemberOf(base, c) => {
            let inner = kinds_of(r, base)?;
            match class_kind(r, c) {
                Some(k) => fits(&inner, std::slice::from_ref(&k)).then(|| vec![k]),
                None => Some(inner),
            }
        }
        Set::LinkedTo(base, _) => kinds_of(r, base),
        Set::And(a, b) => {
            kinds_of(r, b)?;
            kinds_of(r, a)
        }
        Set::Without(s, _) | Set::Mentioning(s, _) | Set::Minus(s, _) | Set::Extreme { of: s, .. } | Set::Compared { of: s, .. } => kinds_of(r, s),
        Set::Or(a, b) => {
            let mut k = kinds_of(r, a)?;
            k.extend(kinds_of(r, b)?);
            Some(k)
        }
        Set::Event { .. } => r.cat.lex.event_kind.clone().map(|k| vec![k]),
    }
}

/// The kind of a class's members, when its name ends in a kind noun
/// ("major cities": cities).
pub fn class_kind(r: &Reader, class: &str) -> Option<String> {
    let name = crate::knowledge::normalize::normalize(r.cat.name(class));
    let last = name.rsplit(' ').next()?;
    r.cat.lex.kinds.iter().find(|(_, nouns)| nouns.iter().any(|n| n == last)).map(|(k, _)| k.clone())
}

/// Whether every join of a query is well typed.
pub fn well_typed(r: &Reader, q: &Query) -> bool {
    let ok = |s: &Set| kinds_of(r, s).is_some();
    match &q.ask {
        Ask::Values(s) | Ask::Count(s) | Ask::Total(s, _) | Ask::Ratio { of: s, .. } => ok(s),
        Ask::Check { item, set } => ok(item) && ok(set),
        Ask::When(s, o) | Ask::Why(s, o) | Ask::HowLong(s, o) | Ask::Where(s, o) => ok(s) && o.as_ref().is_none_or(ok),
        Ask::Describe(_) | Ask::Title(..) => true,
        Ask::Elapsed { from, to, .. } => ok(&from.of) && ok(&to.of),
    }
}

