//! The clause grammar: tokens to a [`Query`].
//!
//! Noun phrases first ([`noun_phrase`]): a name or pronoun, optionally
//! followed by relation nouns ("Alibaba's CEO", "GPT-3 parameters"), or a
//! relation noun with its complement ("the leader of NP"), or a number with
//! a relation noun ("7 billion parameters"). Then the clause
//! ([`read`]): the question word, the auxiliary and its tense, the verb
//! phrase and which noun phrase is its grammatical subject or object
//! (active, passive with "by", question word in place), time modifiers
//! ("in 2022", "after NP"), and kind or class filters ("which start-ups").

use super::lexer::{Aux, Mention, Prep, Role, Tok, Wh};
use super::{chain, Reader};
use crate::conversation::Conversation;
use crate::knowledge::lexicon::ValueType;
use crate::knowledge::{Date, Fact, Value};
pub use crate::query::{Ask, Dir, Query, RelId, Set, Time};

/// Why a question could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum NotUnderstood {
    /// A name matches several entities.
    Ambiguous(String, Vec<String>),
    /// A name matches nothing the store knows.
    UnknownName(String),
    /// No reading fits.
    NoReading,
    /// A pronoun with nothing in the question or the conversation to
    /// refer to.
    NoAntecedent,
    /// A reading leaves content words of the question unexplained.
    Unexplained(super::guard::Gap),
    /// A reading joins things of kinds its relations do not take.
    Mistyped(super::guard::Gap),
}

type R<T> = Result<T, NotUnderstood>;

/// The parser state: tokens, a cursor and the reader.
struct P<'a> {
    r: &'a Reader,
    toks: Vec<Tok>,
    focus: Option<String>,
    answer_focus: Option<String>,
    person: Option<String>,
}

impl<'a> P<'a> {
    /// The reader's state for `toks` in a conversation.
    fn new(r: &'a Reader, toks: Vec<Tok>, conv: &Conversation) -> P<'a> {
        P { r, toks, focus: conv.focus.clone(), answer_focus: conv.answer_focus.clone(), person: conv.person.clone() }
    }

    /// The same state over other tokens.
    fn with_toks(&self, toks: Vec<Tok>) -> P<'a> {
        P { r: self.r, toks, focus: self.focus.clone(), answer_focus: self.answer_focus.clone(), person: self.person.clone() }
    }

    /// The entity a pronoun refers to: for "he" or "she", the person last
    /// in play (the last answer first); otherwise the last topic that is
    /// not a person, else whatever is in play.
    fn resolve(&self, personal: bool) -> Option<String> {
        // "it" is the last answer when that fits a relation of the question
        // ("What model did Alibaba release in 2021?" "Was Zhou Chang
        // involved in it?"), else the last topic ("Where is Zhipu AI
        // based?" "Did Alibaba invest in it?": not the city).
        let fits = |e: &str| {
            let kind = self.r.cat.kind(e);
            self.toks.iter().filter_map(|t| if let Tok::Rel(ms, _) = t { Some(ms) } else { None }).flatten().any(|m| {
                let rel = self.r.cat.lex.rel(m.rel);
                kind.is_some_and(|k| rel.subject.iter().chain(rel.object.iter()).any(|x| x == k))
            })
        };
        let answer_fits = self.answer_focus.as_deref().is_some_and(fits);
        let order = if personal || answer_fits { [&self.answer_focus, &self.focus] } else { [&self.focus, &self.answer_focus] };
        let mut candidates: Vec<&String> = order.into_iter().flatten().collect();
        // "he", "she": the person last in play, after the topic and the
        // answer.
        if let Some(p) = self.person.as_ref().filter(|_| personal) {
            candidates.push(p);
        }
        // "he" and "she" refer to people only; "it" and "they" to a thing
        // that fits the question's relations, else to a person that does
        // ("Who leads the unit?" "Who do they report to?"), else to
        // whatever is in play.
        let has_rel = self.toks.iter().any(|t| matches!(t, Tok::Rel(..)));
        candidates
            .iter()
            .find(|e| self.r.cat.is_person(e) == personal && (personal || !has_rel || fits(e)))
            .or_else(|| candidates.iter().find(|e| !personal && has_rel && fits(e)))
            .or(candidates.iter().find(|e| self.r.cat.is_person(e) == personal))
            .or(candidates.first().filter(|_| !personal))
            .map(|e| (*e).clone())
    }

    /// A name earlier in the same question that a pronoun at `i` can
    /// refer to: the nearest one of the pronoun's kind ("how much did
    /// Alibaba lose when it cancelled ...", "when did Jia announce he was
    /// leaving"). A name typed in the question wins over the conversation.
    ///
    /// Only a possessive ("its cloud unit") or the subject of a clause of
    /// its own ("when it cancelled", "he was leaving") refers back inside
    /// the question: an object does not refer to its clause's subject
    /// ("did Alibaba invest in it" is not Alibaba).
    fn antecedent(&self, i: usize, personal: bool) -> Option<String> {
        let possessive = matches!(self.toks.get(i), Some(Tok::Pron(_, true, _)));
        let possessive_or_subject = possessive || matches!(self.toks.get(i + 1), Some(Tok::Ent(..) | Tok::Kind(_) | Tok::Aux(_) | Tok::Rel(..)));
        if !possessive_or_subject {
            return None;
        }
        self.toks[..i.min(self.toks.len())].iter().rev().find_map(|t| match t {
            Tok::Ent(ids, _) if ids.len() == 1 && self.r.cat.is_person(&ids[0]) == personal && !self.r.cat.classes.contains(&ids[0]) => {
                Some(ids[0].clone())
            }
            _ => None,
        })
    }

    /// The kinds the verb right after a name (its subject's, past an
    /// auxiliary) or right before it (its object's) takes there.
    fn verb_side(&self, i: usize) -> Option<Vec<String>> {
        let mut after = i + 1;
        if matches!(self.toks.get(after), Some(Tok::Aux(_))) {
            after += 1;
        }
        let (ms, subject) = match (self.toks.get(after), i.checked_sub(1).and_then(|b| self.toks.get(b))) {
            (Some(Tok::Rel(ms, _)), _) if ms.iter().all(|m| m.role.verb()) => (ms, true),
            (_, Some(Tok::Rel(ms, _))) if ms.iter().all(|m| m.role.verb()) => (ms, false),
            _ => return None,
        };
        let mut kinds: Vec<String> = Vec::new();
        for m in ms {
            let rel = self.r.cat.lex.rel(m.rel);
            // An inverse verb ("be run through by") has its object first.
            let subject_side = subject == (m.role == Role::Verb);
            kinds.extend(if subject_side { rel.subject.clone() } else { rel.object.clone() });
        }
        (!kinds.is_empty()).then_some(kinds)
    }

    /// One entity from a name token at `at`; ambiguity is an error.
    fn entity(&self, at: Option<usize>, ids: &[String], name: &str) -> R<String> {
        match ids {
            [one] => Ok(one.clone()),
            [] => Err(NotUnderstood::UnknownName(name.to_string())),
            many => {
                // The verb next to the name says which side it stands on:
                // "which the Mississippi runs through" is the river.
                if let Some(side) = at.and_then(|i| self.verb_side(i)) {
                    let fitting: Vec<&String> = many.iter().filter(|id| self.r.cat.kind(id).is_some_and(|k| side.iter().any(|s| s == k))).collect();
                    if let [one] = fitting.as_slice() {
                        return Ok((*one).clone());
                    }
                }
                // Prefer the reading whose kind fits a relation in the question.
                let kinds: Vec<&str> = self
                    .toks
                    .iter()
                    .filter_map(|t| if let Tok::Rel(ms, _) = t { Some(ms) } else { None })
                    .flatten()
                    .flat_map(|m| {
                        let r = self.r.cat.lex.rel(m.rel);
                        r.subject.iter().chain(r.object.iter()).map(String::as_str).collect::<Vec<_>>()
                    })
                    .collect();
                let fitting: Vec<&String> = many.iter().filter(|id| self.r.cat.kind(id).is_some_and(|k| kinds.contains(&k))).collect();
                if fitting.len() == 1 {
                    return Ok(fitting[0].clone());
                }
                Err(NotUnderstood::Ambiguous(name.to_string(), many.to_vec()))
            }
        }
    }
}

/// Reads a noun phrase at `i`: returns the set and the next index.
fn noun_phrase(p: &P, i: usize) -> R<Option<(Set, usize)>> {
    let toks = &p.toks;
    let Some(t) = toks.get(i) else { return Ok(None) };
    match t {
        // "the CEO of NP", "director of NP"
        Tok::Rel(ms, _) if ms.iter().any(|m| !m.role.verb()) => {
            // "the CTO (that) Zhou Chang reported to", "the CEO who took
            // control": a role noun heading a relative clause.
            if i > 0 {
                if let Some(holders) = role_head(p.r, toks, i) {
                    if let Some((set, k)) = relative_clause(p, i + 1, None, false)? {
                        return Ok(Some((Set::And(Box::new(set), Box::new(holders)), k)));
                    }
                }
            }
            let nouns: Vec<Mention> = ms.iter().copied().filter(|m| !m.role.verb()).collect();
            let mut j = i + 1;
            if matches!(toks.get(j), Some(Tok::Prep(Prep::Of | Prep::In | Prep::Other | Prep::With))) {
                j += 1;
            }
            // "(a state that) has the capital Salem": after "have", a noun
            // and a name with nothing between is what is had, so the
            // phrase names what has it.
            let had = j == i + 1 && i > 0 && matches!(toks.get(i - 1), Some(Tok::Aux(Aux::Have))) && matches!(toks.get(j), Some(Tok::Ent(..)));
            if let Some((mut inner, mut k)) = noun_phrase(p, j)? {
                // "the population of Texas and Ohio", "the size of X or
                // Y": the noun holds of each name.
                while coordinable(&inner) {
                    let at = if matches!(toks.get(k), Some(Tok::Or)) { k + 1 } else { k };
                    let Some(Tok::Ent(..)) = toks.get(at) else { break };
                    let Some((next, after)) = noun_phrase(p, at)? else { break };
                    // Names of one kind ("Texas and Ohio"); "Springfield
                    // South Dakota" is a place and where it is.
                    let one_kind = chain::kinds_of(p.r, &next).zip(chain::kinds_of(p.r, &inner)).is_some_and(|(n, i)| !n.is_empty() && i.iter().all(|k| n.contains(k)));
                    if !is_name(&next) || after != at + 1 || !one_kind {
                        break;
                    }
                    inner = Set::Or(Box::new(inner), Box::new(next));
                    k = after;
                }
                let m = pick(p.r, &nouns, &inner);
                let of_subject = (m.role == Role::SubjectNoun) != (had && matches!(inner, Set::Entity(_)));
                return Ok(Some((Set::Join { rel: m.rel, dir: Dir::subjects_if(of_subject), of: Box::new(inner), time: Time::Now }, k)));
            }
            Ok(None)
        }
        Tok::Ent(ids, name) => {
            let id = p.entity(Some(i), ids, name)?;
            let mut set = Set::Entity(id.clone());
            let mut j = i + 1;
            // "Alibaba models", "Baidu's ChatGPT alternative"
            match toks.get(j) {
                // "the public cloud arm": the name's own kind, the thing itself.
                Some(Tok::Kind(k)) if p.r.cat.kind(&id) == Some(k.as_str()) => j += 1,
                Some(Tok::Kind(k)) if !p.r.cat.classes.contains(&id) => {
                    set = Set::OfKind(Box::new(Set::Linked(id)), k.clone());
                    j += 1;
                }
                Some(Tok::Ent(ids2, _)) if ids2.len() == 1 && p.r.cat.classes.contains(&ids2[0]) => {
                    set = Set::LinkedTo(Box::new(Set::Members(ids2[0].clone())), id);
                    j += 1;
                }
                _ => {}
            }
            // Possessive nouns: "Alibaba's CEO", "GPT-3 parameters".
            while let Some(Tok::Rel(ms, _)) = toks.get(j) {
                // "X the CEO of Y" is two noun phrases, not "X's CEO".
                if matches!(toks.get(j + 1), Some(Tok::Prep(Prep::Of))) {
                    break;
                }
                // "When did Jia announce ...": after "do", the word is
                // the verb, not Jia's announcement.
                if ms.iter().any(|m| m.role.verb()) && i > 0 && matches!(toks.get(i - 1), Some(Tok::Aux(super::lexer::Aux::Do | super::lexer::Aux::Did))) {
                    break;
                }
                let nouns: Vec<Mention> = ms.iter().copied().filter(|m| !m.role.verb()).collect();
                if nouns.is_empty() {
                    break;
                }
                let m = pick(p.r, &nouns, &set);
                set = Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::SubjectNoun), of: Box::new(set), time: Time::Now };
                j += 1;
            }
            Ok(Some((set, j)))
        }
        // "the company that built GPT-3", "the unit that Zhou Chang worked at"
        // A kind noun alone: every thing of the kind ("which states
        // border states").
        Tok::Kind(k) => match relative_clause(p, i + 1, Some(k.as_str()), false)? {
            Some(found) => Ok(Some(found)),
            None if i + 1 == toks.len()
                && matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Rel(ms, _)) if ms.iter().any(|m| m.role.verb()))
                && !toks.iter().any(|t| matches!(t, Tok::Unknown(_))) =>
            {
                Ok(Some((Set::All(k.clone()), i + 1)))
            }
            None => Ok(None),
        },
        // "Who backs the company that built GPT-3": a definite noun read
        // as a pronoun, right after the verb whose object it is, heads a
        // relative clause.
        Tok::Pron(false, false, kind) if i > 0 && matches!(toks.get(i - 1), Some(Tok::Rel(..))) && matches!(toks.get(i + 1), Some(Tok::Rel(..) | Tok::Wh(Wh::Which))) => {
            relative_clause(p, i + 1, kind.as_deref(), false)
        }
        // "the company Jia Yangqing joined": an object relative.
        Tok::Pron(false, false, kind) if object_relative_at(toks, i + 1) => relative_clause(p, i + 1, kind.as_deref(), false),
        // "its cloud unit", "his WeChat post": a name already says which.
        // A class does not: "their start-ups" are some of them.
        Tok::Pron(_, true, _) if matches!(toks.get(i + 1), Some(Tok::Ent(ids, _)) if !ids.iter().any(|id| p.r.cat.classes.contains(id))) => noun_phrase(p, i + 1),
        Tok::Pron(personal, _, _) => match p.antecedent(i, *personal).or_else(|| p.resolve(*personal)) {
            Some(f) => {
                // Reuse the entity path for possessive nouns after a pronoun.
                let mut q = p.with_toks(p.toks.clone());
                q.toks[i] = Tok::Ent(vec![f.clone()], p.r.cat.name(&f).to_string());
                noun_phrase(&q, i)
            }
            None => Err(NotUnderstood::NoAntecedent),
        },
        // "7 billion parameters"
        Tok::Num(n, money) => {
            if let Some(Tok::Rel(ms, _)) = toks.get(i + 1) {
                if let Some(m) = ms.iter().find(|m| !m.role.verb() && p.r.cat.lex.rel(m.rel).value == ValueType::Number) {
                    let lit = Set::Literal(Value::Number { amount: *n, money: *money });
                    return Ok(Some((Set::Join { rel: m.rel, dir: Dir::ToSubject, of: Box::new(lit), time: Time::Any }, i + 2)));
                }
            }
            Ok(Some((Set::Literal(Value::Number { amount: *n, money: *money }), i + 1)))
        }
        Tok::Date(d) => Ok(Some((Set::Literal(Value::Date(*d)), i + 1))),
        _ => Ok(None),
    }
}

/// A relative clause after a head noun at `i - 1` (the head's kind, if
/// any, in `kind`): subject relatives ("the company that built GPT-3",
/// "the engineer who worked on Tongyi Qianwen") and object relatives
/// ("the unit that Zhou Chang worked at", "the newspaper Jia spoke to").
/// "that" is a stopword, so the marker is a "who"/"which" token or
/// nothing; `marked` requires one. Returns the head's set and the index
/// after the clause.
fn relative_clause(p: &P, i: usize, kind: Option<&str>, marked: bool) -> R<Option<(Set, usize)>> {
    let mut j = i;
    let has_marker = matches!(p.toks.get(j), Some(Tok::Wh(Wh::Who | Wh::Which)));
    if has_marker {
        j += 1;
    } else if marked {
        return Ok(None);
    }
    let verbs_at = |k: usize| -> Vec<Mention> {
        match p.toks.get(k) {
            Some(Tok::Rel(ms, _)) => ms.iter().copied().filter(|m| m.role.verb()).collect(),
            _ => Vec::new(),
        }
    };
    let head = |base: Set| -> Set {
        match kind {
            Some(k) => Set::OfKind(Box::new(base), k.to_string()),
            None => base,
        }
    };
    // Subject relative: the head does what the verb says to the object.
    let mut k = j;
    if matches!(p.toks.get(k), Some(Tok::Aux(_))) {
        k += 1;
    }
    let verbs = verbs_at(k);
    if !verbs.is_empty() {
        let passive = matches!(p.toks.get(k + 1), Some(Tok::Prep(Prep::By)));
        // A reduced passive ("the films directed by X") is a path the
        // chain reading follows.
        if passive && !has_marker && k == j {
            return Ok(None);
        }
        let start = if passive { k + 2 } else { k + 1 };
        if let Some((object, end)) = noun_phrase(p, start)? {
            // The head's kind stands on its own side of the verb.
            let head_set = kind.map(|k| Set::All(k.to_string()));
            let (agent, patient) = if passive { (Some(&object), head_set.as_ref()) } else { (head_set.as_ref(), Some(&object)) };
            let m = choose_verb(p.r, &verbs, agent, patient, None);
            // The head is the fact's subject for an active verb, its object
            // for a passive one (and the reverse for inverse verbs).
            let head_is_subject = (m.role == Role::Verb) != passive;
            let join = Set::Join { rel: m.rel, dir: Dir::subjects_if(head_is_subject), of: Box::new(object), time: Time::Any };
            return Ok(Some((head(join), end)));
        }
        return Ok(None);
    }
    // Object relative: someone else does it to the head.
    let Some((mut agent, mut k)) = noun_phrase(p, j)? else { return Ok(None) };
    // "the unit which Jiangwei Jiang leads": a word that is a noun and a
    // verb after the name is the clause's verb, not "Jiangwei Jiang's
    // lead".
    if let (false, Some(Tok::Ent(ids, _)), Some(Tok::Rel(ms, _))) = (matches!(agent, Set::Entity(_)), p.toks.get(j), p.toks.get(j + 1)) {
        if let ([id], true) = (ids.as_slice(), ms.iter().any(|m| m.role.verb())) {
            (agent, k) = (Set::Entity(id.clone()), j + 1);
        }
    }
    if !matches!(agent, Set::Entity(_)) {
        return Ok(None);
    }
    if matches!(p.toks.get(k), Some(Tok::Aux(_))) {
        k += 1;
    }
    let verbs = verbs_at(k);
    if verbs.is_empty() {
        return Ok(None);
    }
    k += 1;
    if matches!(p.toks.get(k), Some(Tok::Prep(_))) {
        k += 1;
    }
    let m = choose_verb(p.r, &verbs, Some(&agent), None, None);
    let join = Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::InverseVerb), of: Box::new(agent), time: Time::Any };
    Ok(Some((head(join), k)))
}

/// Where a "when" that is not the question's first word stands: the start
/// of a when-clause ("was he CEO when the outage happened").
pub(crate) fn inner_when(toks: &[Tok]) -> Option<usize> {
    toks.iter().skip(1).position(|t| matches!(t, Tok::Wh(Wh::When))).map(|at| at + 1)
}

/// Whether a relation has events on one side.
fn takes_event(r: &Reader, rel: RelId) -> bool {
    let relation = r.cat.lex.rel(rel);
    r.cat.lex.event_kind.as_ref().is_some_and(|k| relation.subject.contains(k) || relation.object.contains(k))
}

/// A clause that ends the question, told of as an event: a noun phrase,
/// an optional auxiliary, a verb and an optional object ("[that] Zhou
/// Chang is leaving Alibaba", "he was leaving Alibaba").
fn embedded_clause(p: &P, i: usize) -> R<Option<(Set, usize)>> {
    let Some((subject, j)) = noun_phrase(p, i)? else { return Ok(None) };
    let Some((verbs, object, end)) = clause_rest(p, j, |m| m.role == Role::Verb)? else { return Ok(None) };
    let m = choose_verb(p.r, &verbs, Some(&subject), object.as_ref(), None);
    Ok(Some((Set::Event { rel: m.rel, subject: Box::new(subject), object: object.map(Box::new) }, end)))
}

/// A clause's verb readings, its object and where it ends.
type ClauseRest = (Vec<Mention>, Option<Set>, usize);

/// The rest of a clause that ends the question, after its subject: an
/// optional auxiliary, a verb (its readings that `keep` accepts) and an
/// optional object. Returns the verb's readings, the object and the end.
fn clause_rest(p: &P, mut j: usize, keep: impl Fn(&Mention) -> bool) -> R<Option<ClauseRest>> {
    if matches!(p.toks.get(j), Some(Tok::Aux(_))) {
        j += 1;
    }
    let Some(Tok::Rel(ms, _)) = p.toks.get(j) else { return Ok(None) };
    let verbs: Vec<Mention> = ms.iter().copied().filter(|m| keep(m)).collect();
    if verbs.is_empty() {
        return Ok(None);
    }
    let (object, end) = match noun_phrase(p, j + 1)? {
        Some((o, k)) => (Some(o), k),
        None => (None, j + 1),
    };
    Ok((end == p.toks.len()).then_some((verbs, object, end)))
}

/// A clause after "after" or "before" that ends the question: a noun
/// phrase, an optional auxiliary, a verb and an optional object ("after
/// Jeff Zhang stepped down", "before he joined Alibaba"). Its set is what
/// the verb relates the subject to, with the facts that date it.
fn time_clause(p: &P, i: usize) -> R<Option<(Set, usize)>> {
    // "before joining Alibaba": a verb with no subject of its own has the
    // subject of the question, the name before it.
    let gerund = matches!(p.toks.get(i), Some(Tok::Rel(ms, w)) if w.ends_with("ing") && ms.iter().any(|m| m.role.verb()));
    let (subject, j) = if gerund {
        // ("where did he work before joining Alibaba": the pronoun's.)
        let named = p.toks[..i].iter().find_map(|t| match t {
            Tok::Ent(ids, _) if ids.len() == 1 => Some(ids[0].clone()),
            Tok::Pron(personal, false, _) => p.resolve(*personal),
            _ => None,
        });
        match named {
            Some(e) => (Set::Entity(e), i),
            None => return Ok(None),
        }
    } else {
        match noun_phrase(p, i)? {
            Some(found) => found,
            None => return Ok(None),
        }
    };
    let Some((verbs, object, end)) = clause_rest(p, j, |m| m.role.verb())? else { return Ok(None) };
    let m = choose_verb(p.r, &verbs, Some(&subject), object.as_ref(), None);
    let join = Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::InverseVerb), of: Box::new(subject), time: Time::Any };
    let set = match object {
        Some(o) => Set::And(Box::new(join), Box::new(o)),
        None => join,
    };
    Ok(Some((set, end)))
}

/// Chooses the reading of a relation phrase whose kinds fit the known side.
fn pick(r: &Reader, ms: &[Mention], known: &Set) -> Mention {
    if let Set::Or(first, _) | Set::And(first, _) = known {
        if coordinable(known) {
            return pick(r, ms, first);
        }
    }
    let kind = match known {
        Set::Entity(e) => r.cat.kind(e).map(String::from),
        s @ (Set::All(_) | Set::OfKind(..) | Set::MemberOf(..) | Set::LinkedTo(..)) => s.kind_asked().map(String::from),
        _ => None,
    };
    let literal = matches!(known, Set::Literal(_));
    for m in ms {
        let rel = r.cat.lex.rel(m.rel);
        // The known side is the object for SubjectNoun/InverseVerb-as-agent
        // readings, the subject for ObjectNoun.
        let known_is_subject = matches!(m.role, Role::ObjectNoun | Role::Verb);
        let kinds = if known_is_subject { &rel.subject } else { &rel.object };
        let fits = match &kind {
            Some(k) => kinds.is_empty() || kinds.contains(k),
            None => !literal || !known_is_subject,
        };
        if fits {
            return *m;
        }
    }
    ms[0]
}

fn has_unknown(toks: &[Tok]) -> Option<String> {
    toks.iter().find_map(|t| if let Tok::Unknown(w) = t { Some(w.clone()) } else { None })
}

/// Whether a question is in the past tense: a past auxiliary or verb form.
pub(crate) fn is_past(r: &Reader, toks: &[Tok]) -> bool {
    let aux = toks.iter().find_map(|t| if let Tok::Aux(a) = t { Some(*a) } else { None });
    match aux {
        // The perfect ("who has been CEO", "has Jia left") asks about any
        // time; after a present auxiliary a participle is not a past tense
        // ("where is Baichuan based").
        Some(a) => a.past() || a == super::lexer::Aux::Have,
        None => toks.iter().any(|t| matches!(t, Tok::Rel(_, w) if w.split(' ').next().is_some_and(|v| r.is_past_form(v)))),
    }
}

/// Reads a question's tokens into a query: an elliptical follow-up, else
/// the clause grammar, else (or when the clause reading leaves relation
/// phrases unused, or a reciprocal word unread) the chain reading of
/// [`super::chain`].
pub fn read(r: &Reader, toks: &[Tok], conv: &Conversation, text: &str) -> R<Query> {
    // "When was he CEO?": a personal pronoun as the subject right after the
    // auxiliary, with no name before it, reads as its antecedent's
    // name would (else "he CEO" is read as a noun phrase, "his CEO").
    let subject = toks.iter().position(|t| matches!(t, Tok::Pron(true, false, _)));
    if let Some(i) = subject.filter(|&i| i > 0 && matches!(toks[i - 1], Tok::Aux(_))) {
        let alone = !toks[..i].iter().any(|t| matches!(t, Tok::Ent(..))) && toks.iter().filter(|t| matches!(t, Tok::Pron(..))).count() == 1;
        if let (true, Tok::Pron(personal, _, _)) = (alone, &toks[i]) {
            if let Some(e) = P::new(r, toks.to_vec(), conv).resolve(*personal) {
                let mut named = toks.to_vec();
                named[i] = Tok::Ent(vec![e.clone()], r.cat.name(&e).to_string());
                return read(r, &named, conv, text);
            }
        }
    }
    let q = read_any(r, toks, conv, text)?;
    if asks_object_without_do(r, toks, &q) {
        return Err(NotUnderstood::NoReading);
    }
    Ok(q)
}

/// "Who was the cloud chief that stepped down?": in a question with "be"
/// and no "do", a verb after the noun phrase has that phrase as its
/// subject, and the question asks for the phrase. A reading that gives
/// the verb's objects ("what the chief left") answers another question,
/// "what did the chief leave".
fn asks_object_without_do(r: &Reader, toks: &[Tok], q: &Query) -> bool {
    let [Tok::Wh(Wh::Who | Wh::What | Wh::Which), Tok::Aux(Aux::Be | Aux::Was), rest @ ..] = toks else { return false };
    if rest.iter().any(|t| matches!(t, Tok::Aux(Aux::Do | Aux::Did))) {
        return false;
    }
    let Ask::Values(Set::Join { rel, dir: Dir::ToObject, .. }) = &q.ask else { return false };
    if r.cat.lex.rel(*rel).value != ValueType::Entity {
        return false;
    }
    rest.iter().enumerate().any(|(i, t)| match t {
        // "What is Alibaba Cloud part of?": a stranded preposition asks
        // for its object.
        Tok::Rel(_, surface) if surface.rsplit(' ').next().is_some_and(|w| matches!(super::lexer::prep_word(w), Ok(("", _)))) => false,
        Tok::Rel(ms, _) => {
            i > 0
                && ms.iter().all(|m| m.role == Role::Verb && m.rel == *rel)
                && matches!(rest[i - 1], Tok::Ent(..) | Tok::Kind(_) | Tok::Rel(..))
                && matches!(rest.get(i + 1), None | Some(Tok::Prep(_)))
        }
        _ => false,
    })
}

fn read_any(r: &Reader, toks: &[Tok], conv: &Conversation, _text: &str) -> R<Query> {
    // Elliptical follow-up: "what about X", "and X?": the last query with
    // its topic replaced.
    if let Some(q) = follow_up(r, toks, conv)? {
        return Ok(q);
    }
    if let Some(q) = copular_how_long(r, toks).or_else(|| copular_at(r, toks, _text)) {
        return Ok(q);
    }
    if let Some(q) = dated_things(r, toks) {
        return Ok(q);
    }
    if let Some(q) = happenings_of(r, toks, conv)? {
        return Ok(q);
    }
    let clause = read_clause(r, toks, conv);
    let phrases = toks.iter().filter(|t| matches!(t, Tok::Rel(..))).count();
    let chain_first = match &clause {
        Ok(q) => toks.contains(&Tok::Recip) || q.joins() < phrases || !super::chain::well_typed(r, q) || kind_after_verb(toks),
        Err(_) => true,
    };
    if chain_first {
        if let Ok(q) = super::chain::read(r, toks, is_past(r, toks)) {
            // The chain follows whichever direction the kinds allow; where
            // the clause read the same single relation the other way round
            // ("What caused the outage?" is not what the outage caused;
            // "what is Alibaba part of?" is not what is part of it), word
            // order has spoken and neither reading answers.
            if let (Ok(Query { ask: Ask::Values(Set::Join { rel: a, dir: wa, of: oa, .. }), .. }), Ask::Values(Set::Join { rel: b, dir: wb, of: ob, .. })) = (&clause, &q.ask) {
                // (A verb's word order; a noun's "what was X the director
                // of" is the chain's to read.)
                let by_verb = toks.iter().any(|t| matches!(t, Tok::Rel(ms, _) if ms.iter().any(|m| m.rel == *a) && ms.iter().filter(|m| m.rel == *a).all(|m| m.role.verb())));
                if a == b && wa != wb && oa == ob && matches!(oa.as_ref(), Set::Entity(_)) && (by_verb || r.cat.lex.rel(*a).value == ValueType::Text) {
                    return Err(NotUnderstood::NoReading);
                }
            }
            return Ok(q);
        }
    }
    clause
}

/// "What happened in December 2022?", "Which models were released in
/// 2023?": a question word, perhaps a kind, a verb of a date-valued
/// relation and a date ask for the things whose date is within it.
fn dated_things(r: &Reader, toks: &[Tok]) -> Option<Query> {
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).collect();
    let (kind, ms, d) = match content.as_slice() {
        [Tok::Wh(Wh::What | Wh::Which), Tok::Rel(ms, _), Tok::Prep(Prep::In | Prep::Other | Prep::With), Tok::Date(d)] => (None, ms, d),
        [Tok::Wh(Wh::What | Wh::Which), Tok::Kind(k), Tok::Rel(ms, _), Tok::Prep(Prep::In | Prep::Other | Prep::With), Tok::Date(d)] => (Some(k.clone()), ms, d),
        _ => return None,
    };
    let m = ms.iter().find(|m| m.role == Role::Verb && r.cat.lex.rel(m.rel).value == ValueType::Date)?;
    let join = Set::Join { rel: m.rel, dir: Dir::ToSubject, of: Box::new(Set::Literal(Value::Date(*d))), time: Time::Any };
    let set = match kind {
        Some(k) => Set::OfKind(Box::new(join), k),
        None => join,
    };
    Some(Query { ask: Ask::Values(set), past: is_past(r, toks) })
}

/// "What happened to Zhou Chang?", "What happened with the IPO?", "what
/// happened to Kuaishou's LLM lead?": a question word, a verb that dates
/// or places happenings, and a noun phrase ask for the happenings that
/// concern what it names (by the lexicon's event link).
fn happenings_of(r: &Reader, toks: &[Tok], conv: &Conversation) -> R<Option<Query>> {
    let content: Vec<Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).cloned().collect();
    let [Tok::Wh(Wh::What), Tok::Rel(ms, _), Tok::Prep(Prep::Other | Prep::With), ..] = content.as_slice() else { return Ok(None) };
    let (Some(kind), Some(link)) = (r.cat.lex.event_kind.as_ref(), r.cat.lex.event_link.as_ref()) else { return Ok(None) };
    let happens = ms.iter().any(|m| m.role == Role::Verb && r.cat.lex.rel(m.rel).subject.iter().any(|k| k == kind));
    if !happens {
        return Ok(None);
    }
    let p = P::new(r, content.clone(), conv);
    let Some((what, end)) = noun_phrase(&p, 3)? else { return Ok(None) };
    // A happening itself is not what a happening concerns.
    if end != content.len() || matches!(&what, Set::Entity(id) if r.cat.kind(id) == Some(kind.as_str())) {
        return Ok(None);
    }
    let Some(rel) = r.cat.lex.relation_index(link) else { return Ok(None) };
    let join = Set::Join { rel, dir: Dir::ToSubject, of: Box::new(what), time: Time::Any };
    Ok(Some(Query { ask: Ask::Values(Set::OfKind(Box::new(join), kind.clone())), past: true }))
}

/// "How long has Eddie Wu been CEO (of Alibaba)?", "When was Daniel
/// Zhang CEO of Alibaba?": the copula with a noun for the holder of a
/// relation asks how long, or when, the name held it.
fn copular_how_long(r: &Reader, toks: &[Tok]) -> Option<Query> {
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).collect();
    let (wh, x, ms, y) = match content.as_slice() {
        [Tok::Wh(wh @ (Wh::HowLong | Wh::When)), Tok::Ent(x, _), Tok::Rel(ms, _)] => (wh, x, ms, None),
        [Tok::Wh(wh @ (Wh::HowLong | Wh::When)), Tok::Ent(x, _), Tok::Rel(ms, _), Tok::Prep(Prep::Of | Prep::Other | Prep::With), Tok::Ent(y, _)] => (wh, x, ms, Some(y)),
        _ => return None,
    };
    if x.len() != 1 || y.is_some_and(|y| y.len() != 1) || !toks.iter().any(|t| matches!(t, Tok::Aux(_))) {
        return None;
    }
    let m = ms.iter().find(|m| m.role == Role::SubjectNoun && r.cat.lex.rel(m.rel).value == ValueType::Entity)?;
    let pattern = Set::Join { rel: m.rel, dir: Dir::ToObject, of: Box::new(Set::Entity(x[0].clone())), time: Time::Any };
    let other = y.map(|y| Set::Entity(y[0].clone()));
    let ask = if *wh == Wh::When { Ask::When(pattern, other) } else { Ask::HowLong(pattern, other) };
    Some(Query { ask, past: is_past(r, toks) })
}

/// "How long was Zhou Chang at Alibaba?", "When was X at Y?": the copula
/// and a preposition between two names is the lexicon's relation with the
/// verb "be" and that preposition ("be at"), when exactly one has it and
/// takes both names' kinds. (The tokenizer drops such phrases, which are
/// all stopwords, so they are looked up here.)
fn copular_at(r: &Reader, toks: &[Tok], text: &str) -> Option<Query> {
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).collect();
    let [Tok::Wh(wh @ (Wh::HowLong | Wh::When)), Tok::Ent(x, _), Tok::Prep(Prep::Other | Prep::With), Tok::Ent(y, ys)] = content.as_slice() else { return None };
    let ([x], [y]) = (x.as_slice(), y.as_slice()) else { return None };
    if !toks.iter().any(|t| matches!(t, Tok::Aux(_))) {
        return None;
    }
    // The preposition as typed: the word before the second name.
    let plain = crate::knowledge::normalize::normalize(text);
    let before = plain.find(&format!(" {ys}")).map(|at| &plain[..at])?;
    let verb = format!("be {}", before.rsplit(' ').next()?);
    let fits = |kinds: &[String], id: &str| kinds.is_empty() || r.cat.kind(id).is_some_and(|k| kinds.iter().any(|x| x == k));
    let rels: Vec<RelId> = r
        .cat
        .lex
        .rels()
        .filter(|(_, rel)| {
            rel.verbs.contains(&verb) && rel.value == ValueType::Entity && fits(&rel.subject, x) && fits(&rel.object, y)
        })
        .map(|(i, _)| i)
        .collect();
    let [rel] = rels.as_slice() else { return None };
    let pattern = Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(Set::Entity(x.clone())), time: Time::Any };
    let other = Some(Set::Entity(y.clone()));
    let ask = if *wh == Wh::When { Ask::When(pattern, other) } else { Ask::HowLong(pattern, other) };
    Some(Query { ask, past: is_past(r, toks) })
}

/// A kind noun right after a relation phrase ("who starred films for
/// the director of X"): a path through that kind, which the clause
/// grammar does not read.
fn kind_after_verb(toks: &[Tok]) -> bool {
    (0..toks.len().saturating_sub(1)).any(|i| matches!(&toks[i..i + 2], [Tok::Rel(..), Tok::Kind(_)]) && !object_relative_at(toks, i + 2))
}

/// Whether an object relative clause starts at `i` ("the unit [that]
/// Zhou Chang worked at", "the unit which Jin Li runs"): the clause
/// grammar reads those.
fn object_relative_at(toks: &[Tok], i: usize) -> bool {
    let mut j = i;
    if matches!(toks.get(j), Some(Tok::Wh(Wh::Who | Wh::Which))) {
        j += 1;
    }
    if !matches!(toks.get(j), Some(Tok::Ent(..) | Tok::Pron(..))) {
        return false;
    }
    j += 1;
    if matches!(toks.get(j), Some(Tok::Aux(_))) {
        j += 1;
    }
    matches!(toks.get(j), Some(Tok::Rel(ms, _)) if ms.iter().any(|m| m.role.verb()))
}

/// The clause grammar: the time modifiers and the filters after the
/// question word come off first, then the noun phrases and the verb are
/// read in order, and the clause is read with its verb or without one.
fn read_clause(r: &Reader, toks: &[Tok], conv: &Conversation) -> R<Query> {
    let p = P::new(r, toks.to_vec(), conv);
    // "Was Daniel Zhang CEO when the outage happened?", "how much did
    // Alibaba lose when it cancelled the IPO?": a when-clause at the end
    // dates the question, and the question is read without it.
    let during = match inner_when(&p.toks) {
        Some(at) => time_clause(&p, at + 1)?.map(|(anchor, _)| (at, anchor)),
        None => None,
    };
    let p = match &during {
        Some((at, _)) => p.with_toks(p.toks[..*at].to_vec()),
        None => p,
    };
    let wh = p.toks.iter().find_map(|t| if let Tok::Wh(w) = t { Some(*w) } else { None });
    let past = is_past(r, &p.toks);
    let yes_no = matches!(p.toks.first(), Some(Tok::Aux(_))) && wh.is_none();
    let title = p.toks.iter().any(|t| matches!(t, Tok::Title));
    let (time, rest) = time_modifiers(&p, during.map(|(_, anchor)| anchor), past)?;
    let p = P::new(r, rest, conv);
    let filters = Filters::read(&p)?;
    let mut parts = Parts::read(&p, &filters.skip, yes_no)?;
    parts.attach_bare_noun(r, &time);
    let c = Clause { r, toks: &p.toks, wh, past, yes_no, time, unknown: has_unknown(&p.toks), filters };
    if title && parts.verb.is_none() {
        if let Some(q) = c.title(&parts.nps) {
            return Ok(q);
        }
    }
    match parts.verb.take() {
        Some(verb) => c.with_verb(&parts.nps, verb),
        None => c.without_verb(&parts.nps, &parts.bare_nouns),
    }
}

/// Time modifiers: "in 2022", "after NP", "before NP"; the time they set
/// and the tokens without them, so that the clause reads without them. A
/// when-clause already read (`during`) dates the whole question.
fn time_modifiers(p: &P, during: Option<Set>, past: bool) -> R<(Time, Vec<Tok>)> {
    let toks = &p.toks;
    let mut time = match during {
        Some(anchor) => Time::DuringFacts(Box::new(anchor)),
        None if past => Time::Any,
        None => Time::Now,
    };
    let mut rest: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match (&toks[i], toks.get(i + 1)) {
            (Tok::Prep(Prep::In), Some(Tok::Date(d))) => {
                time = Time::At(*d);
                i += 2;
                continue;
            }
            // "who left Alibaba Cloud on transition day": a preposition
            // after the verb's object, then a happening, ending the
            // question: the happening's date.
            (Tok::Prep(Prep::Other | Prep::In), Some(Tok::Ent(ids, _))) if i + 2 == toks.len() && i > 0 && matches!(toks[i - 1], Tok::Ent(..) | Tok::Kind(_)) => {
                if let Some(anchor) = happening_date(p.r, ids) {
                    time = Time::DuringFacts(Box::new(anchor));
                    i += 2;
                    continue;
                }
            }
            (Tok::Prep(pp @ (Prep::After | Prep::Before)), Some(_)) => {
                if let Some((anchor, j)) = time_clause(p, i + 1)? {
                    time = if *pp == Prep::After { Time::AfterFacts(Box::new(anchor)) } else { Time::BeforeFacts(Box::new(anchor)) };
                    i = j;
                    continue;
                }
                if let Some((set, j)) = noun_phrase(p, i + 1)? {
                    time = if *pp == Prep::After { Time::After(Box::new(set)) } else { Time::Before(Box::new(set)) };
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        rest.push(toks[i].clone());
        i += 1;
    }
    Ok((time, rest))
}

/// The date of a happening named by `ids` (one thing of the lexicon's
/// event kind): the joins to the relations that date happenings.
fn happening_date(r: &Reader, ids: &[String]) -> Option<Set> {
    let [id] = ids else { return None };
    let kind = r.cat.lex.event_kind.as_deref()?;
    if r.cat.kind(id) != Some(kind) {
        return None;
    }
    // Each relation that dates happenings; the facts the store has give
    // the date (one date, or the clause asserts nothing).
    r.cat
        .lex
        .rels()
        .filter(|(_, rel)| rel.value == ValueType::Date && rel.subject.iter().any(|k| k == kind))
        .map(|(rel, _)| Set::Join { rel, dir: Dir::ToObject, of: Box::new(Set::Entity(id.clone())), time: Time::Any })
        .reduce(|a, b| Set::Or(Box::new(a), Box::new(b)))
}

/// The filters right after the question word: "which start-ups", "how
/// many people", "which Alibaba models", "which start-ups backed by
/// Alibaba".
#[derive(Default)]
struct Filters {
    kind: Option<String>,
    class: Option<String>,
    related: Option<String>,
    /// A relative clause after the filter, which the answers must meet.
    within: Option<Set>,
    /// A relation noun as the head ("which CTO did X report to", "the
    /// CTO X reported to"): the answers must hold that role.
    role: Option<Set>,
    /// The positions the filters take, which the clause reads past.
    skip: Vec<usize>,
}

impl Filters {
    fn read(p: &P) -> R<Filters> {
        let (r, toks) = (p.r, &p.toks);
        let mut f = Filters::default();
        if let Some(wpos) = toks.iter().position(|t| matches!(t, Tok::Wh(_) | Tok::List)) {
            let mut j = wpos + 1;
            // "how many of the AI tigers", "which of the models"
            if matches!(toks.get(j), Some(Tok::Prep(Prep::Of))) && matches!(toks.get(j + 1), Some(Tok::Kind(_) | Tok::Ent(..))) {
                f.skip.push(j);
                j += 1;
            }
            // "which Alibaba models": an entity modifier before the kind.
            if let (Some(Tok::Ent(ids, _)), Some(Tok::Kind(_))) = (toks.get(j), toks.get(j + 1)) {
                if ids.len() == 1 && !r.cat.classes.contains(&ids[0]) {
                    f.related = Some(ids[0].clone());
                    f.skip.push(j);
                    j += 1;
                }
            }
            // "who is the CTO X reported to": the noun after the copula.
            let head = if matches!(toks.get(j), Some(Tok::Aux(Aux::Be | Aux::Was))) && matches!(toks.get(wpos), Some(Tok::Wh(Wh::Who | Wh::What | Wh::Which))) { j + 1 } else { j };
            if let Some(role) = role_head(r, toks, head) {
                f.role = Some(role);
                f.skip.push(head);
            }
            match toks.get(j) {
                Some(Tok::Kind(k)) => {
                    f.kind = Some(k.clone());
                    f.skip.push(j);
                }
                // "which AI tigers did ...", "the platforms ByteDance owns".
                Some(Tok::Ent(ids, _))
                    if ids.len() == 1
                        && r.cat.classes.contains(&ids[0])
                        && (matches!(toks.get(j + 1), Some(Tok::Aux(_) | Tok::Rel(..) | Tok::Num(..)))
                            || matches!((toks.get(j + 1), toks.get(j + 2)), (Some(Tok::Ent(..)), Some(Tok::Rel(..))))) =>
                {
                    f.class = Some(ids[0].clone());
                    f.skip.push(j);
                }
                _ => {}
            }
        }
        // A marked relative clause after the filter: "which engineer who
        // worked on Tongyi Qianwen left ...".
        if let (Some(&last), Some(_)) = (f.skip.last(), &f.kind) {
            if let Some((set, end)) = relative_clause(p, last + 1, None, true)? {
                f.within = Some(set);
                f.skip.extend(last + 1..end);
            }
        }
        // A reduced one: "which start-ups backed by Alibaba ...", "which
        // models made by OpenAI ...".
        if let Some(&last) = f.skip.last().filter(|_| f.within.is_none()) {
            if let (Some(Tok::Rel(ms, _)), Some(Tok::Prep(Prep::By))) = (toks.get(last + 1), toks.get(last + 2)) {
                if let Some(m) = ms.iter().copied().find(|m| m.role.verb()) {
                    if let Some((agent, end)) = noun_phrase(p, last + 3)? {
                        f.within = Some(Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::InverseVerb), of: Box::new(agent), time: Time::Any });
                        f.skip.extend(last + 1..end);
                    }
                }
            }
        }
        Ok(f)
    }

    /// `s` narrowed by the filters.
    fn apply(&self, s: Set) -> Set {
        let s = s.narrow(self.kind.clone(), self.class.clone(), self.related.clone());
        let s = match &self.role {
            Some(holders) => Set::And(Box::new(s), Box::new(holders.clone())),
            None => s,
        };
        match &self.within {
            Some(w) => Set::And(Box::new(s), Box::new(w.clone())),
            None => s,
        }
    }
}

/// A relation noun at `i` that heads a clause of its own ("which CTO did
/// X report to", "the CTO X reported to"): the holders of the role, as
/// the set of the relation's side it names, over every thing of the
/// other side's kinds.
fn role_head(r: &Reader, toks: &[Tok], i: usize) -> Option<Set> {
    let Some(Tok::Rel(ms, _)) = toks.get(i) else { return None };
    let [m] = ms.as_slice() else { return None };
    let clause_follows = matches!(toks.get(i + 1), Some(Tok::Aux(Aux::Do | Aux::Did | Aux::Have | Aux::Had)))
        || matches!((toks.get(i + 1), toks.get(i + 2)), (Some(Tok::Ent(..) | Tok::Wh(Wh::Who | Wh::Which)), Some(Tok::Rel(..))));
    if !clause_follows {
        return None;
    }
    let rel = r.cat.lex.rel(m.rel);
    let (dir, other) = match m.role {
        Role::SubjectNoun => (Dir::ToSubject, &rel.object),
        Role::ObjectNoun => (Dir::ToObject, &rel.subject),
        _ => return None,
    };
    if rel.value != ValueType::Entity {
        return None;
    }
    let all = other.iter().map(|k| Set::All(k.clone())).reduce(|a, b| Set::Or(Box::new(a), Box::new(b)))?;
    Some(Set::Join { rel: m.rel, dir, of: Box::new(all), time: Time::Any })
}

/// A clause's verb: its position, its readings, and whether it is passive.
struct Verb {
    pos: usize,
    readings: Vec<Mention>,
    passive: bool,
}

/// A clause's noun phrases with their positions, its verb, and the
/// relation nouns that no noun phrase took.
struct Parts {
    nps: Vec<(usize, Set)>,
    verb: Option<Verb>,
    bare_nouns: Vec<Mention>,
}

impl Parts {
    /// The noun phrases and the verb, in order, past the filters' `skip`.
    fn read(p: &P, skip: &[usize], yes_no: bool) -> R<Parts> {
        let (r, toks) = (p.r, &p.toks);
        let mut parts = Parts { nps: Vec::new(), verb: None, bare_nouns: Vec::new() };
        let mut np_end: Option<usize> = None;
        let mut i = 0;
        while i < toks.len() {
            if skip.contains(&i) {
                i += 1;
                continue;
            }
            if let Tok::Rel(ms, _) = &toks[i] {
                // A noun before "of", or what "have" takes at the end
                // ("which states have neighbours").
                let noun_here = ms.iter().any(|m| !m.role.verb())
                    && (matches!(toks.get(i + 1), Some(Tok::Prep(Prep::Of))) || (i + 1 == toks.len() && i > 0 && matches!(toks.get(i - 1), Some(Tok::Aux(Aux::Have)))));
                if parts.verb.is_none() && ms.iter().any(|m| m.role.verb()) && !noun_here {
                    // A verb (unless it only reads as a noun here).
                    let passive = matches!(toks.get(i + 1), Some(Tok::Prep(Prep::By)));
                    parts.verb = Some(Verb { pos: i, readings: ms.iter().copied().filter(|m| m.role.verb()).collect(), passive });
                    i += 1;
                    continue;
                }
            }
            // "which outlet reported that Zhou Chang is leaving Alibaba": a
            // clause as the object of a verb whose relation takes events.
            if let Some(v) = &parts.verb {
                if i == v.pos + 1 && v.readings.iter().any(|m| takes_event(r, m.rel)) {
                    if let Some((set, j)) = embedded_clause(p, i)? {
                        parts.nps.push((i, set));
                        np_end = Some(j);
                        i = j;
                        continue;
                    }
                }
            }
            if let Some((set, j)) = noun_phrase(p, i)? {
                // "TikTok and Douyin": names side by side ("and" is a
                // stopword) are one coordinated noun phrase; the clause
                // holds of each of them.
                if let (Some((_, prev)), Some(end)) = (parts.nps.last_mut(), np_end) {
                    if end == i && !yes_no && is_name(&set) && coordinable(prev) {
                        *prev = Set::And(Box::new(prev.clone()), Box::new(set));
                        np_end = Some(j);
                        i = j;
                        continue;
                    }
                    // "Idaho or Oregon": the clause holds of either.
                    if end + 1 == i && matches!(toks.get(end), Some(Tok::Or)) && is_name(&set) && coordinable(prev) {
                        *prev = Set::Or(Box::new(prev.clone()), Box::new(set));
                        np_end = Some(j);
                        i = j;
                        continue;
                    }
                }
                parts.nps.push((i, set));
                np_end = Some(j);
                i = j;
                continue;
            }
            if let Tok::Rel(ms, _) = &toks[i] {
                parts.bare_nouns.extend(ms.iter().copied().filter(|m| !m.role.verb()));
            }
            i += 1;
        }
        Ok(parts)
    }

    /// A relation noun separated from its entity: "how many parameters
    /// does GPT-3 have", "what degree does X hold".
    fn attach_bare_noun(&mut self, r: &Reader, time: &Time) {
        if self.verb.is_some() || self.bare_nouns.is_empty() {
            return;
        }
        if let Some((pos, set @ (Set::Entity(_) | Set::All(_) | Set::Members(_) | Set::Linked(_) | Set::OfKind(..) | Set::MemberOf(..) | Set::LinkedTo(..) | Set::And(..) | Set::Or(..)))) = self.nps.first().cloned() {
            if matches!(set, Set::And(..) | Set::Or(..)) && !coordinable(&set) {
                return;
            }
            // "what size are Qwen-7B and Qwen-7B-Chat": the noun holds of
            // each name.
            let set = each(set);
            let m = pick(r, &self.bare_nouns, &set);
            self.nps[0] = (pos, Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::SubjectNoun), of: Box::new(set), time: time.clone() });
        }
    }
}

/// What reading a clause knows besides its parts.
struct Clause<'a> {
    r: &'a Reader,
    toks: &'a [Tok],
    wh: Option<Wh>,
    past: bool,
    yes_no: bool,
    time: Time,
    /// A word of the clause that names nothing known.
    unknown: Option<String>,
    filters: Filters,
}

impl Clause<'_> {
    /// `set` counted after "how many", else its values.
    fn values_or_count(&self, set: Set, count: bool) -> Ask {
        if count { Ask::Count(set) } else { Ask::Values(set) }
    }

    /// Title questions: "What is Eddie Wu's title?"
    fn title(&self, nps: &[(usize, Set)]) -> Option<Query> {
        let Some((_, Set::Entity(e))) = nps.first() else { return None };
        let at = match nps.get(1) {
            Some((pos, Set::Entity(o))) if nps.len() == 2 && matches!(self.toks.get(pos.wrapping_sub(1)), Some(Tok::Prep(Prep::Other | Prep::With | Prep::In))) => Some(o.clone()),
            _ => None,
        };
        Some(Query { ask: Ask::Title(e.clone(), at), past: self.past })
    }

    /// A clause with a verb: its noun phrases before and after the verb
    /// are its sides, the open one asked for.
    fn with_verb(&self, nps: &[(usize, Set)], verb: Verb) -> R<Query> {
        let (r, toks, wh, yes_no, past) = (self.r, self.toks, self.wh, self.yes_no, self.past);
        let Verb { pos: vpos, readings: ms, passive } = verb;
        let time = &self.time;
        let before: Vec<&Set> = nps.iter().filter(|(pos, _)| *pos < vpos).map(|(_, s)| s).collect();
        let after: Vec<&Set> = nps.iter().filter(|(pos, _)| *pos > vpos).map(|(_, s)| s).collect();
        // Grammatical agent and patient (None = the open slot).
        let (mut agent, mut patient): (Option<Set>, Option<Set>) = (before.last().map(|s| (*s).clone()), after.first().map(|s| (*s).clone()));
        // "Who succeeded Daniel Zhang as CEO of Alibaba?": a role noun
        // phrase after the object ("as" is a stopword) says what the open
        // side became; it holds of the answer as well.
        let as_role: Option<Set> = match after.get(1) {
            Some(Set::Join { rel, dir: Dir::ToSubject, of, .. }) if !passive && after.len() == 2 => {
                Some(Set::Join { rel: *rel, dir: Dir::ToSubject, of: of.clone(), time: Time::Any })
            }
            _ => None,
        };
        // "When was the IPO scrapped?": a form of "be", one noun phrase and
        // the verb last is a passive without its agent, when the noun
        // phrase is of a kind the verb's object takes (a model "was
        // launched" is the subject of a dated release).
        let bare_passive = !passive
            && matches!(wh, Some(Wh::When | Wh::Why | Wh::Where | Wh::HowLong))
            && before.len() == 1
            && after.is_empty()
            && toks[..vpos].iter().any(|t| matches!(t, Tok::Aux(Aux::Be | Aux::Was)))
            && !toks[..vpos].iter().any(|t| matches!(t, Tok::Aux(Aux::Do | Aux::Did | Aux::Have | Aux::Had)))
            && ms.iter().any(|m| takes_as_patient(r, m, before[0]))
            && !ms.iter().any(|m| dates_subject(r, m, before[0]));
        let passive = passive || bare_passive;
        if passive {
            std::mem::swap(&mut agent, &mut patient);
        }
        // Choose the reading that fits the bound sides.
        let m = choose_verb(r, &ms, agent.as_ref(), patient.as_ref(), wh);
        let rel = r.cat.lex.rel(m.rel);
        let (subj, obj) = if m.role == Role::Verb { (agent, patient) } else { (patient, agent) };
        // "When did Jia announce he was leaving Alibaba?": the event is
        // what the relation is said of; the person is in the event.
        let (subj, obj) = match (subj, obj) {
            (Some(s), Some(o @ Set::Event { .. })) if r.cat.lex.event_kind.as_ref().is_some_and(|k| rel.subject.contains(k)) && super::chain::kinds_of(r, &s).is_some_and(|ks| !ks.iter().any(|k| rel.subject.contains(k))) => (Some(o), None),
            other => other,
        };
        // "Which models did Alibaba release in 2021?": the verb also names
        // a date-valued relation ("released"); the date is that
        // relation's value, and the open side must have it.
        let dated_by: Option<(RelId, Date)> = match time {
            Time::At(d) if rel.value != ValueType::Date => ms.iter().find(|x| x.role == Role::Verb && r.cat.lex.rel(x.rel).value == ValueType::Date).map(|x| (x.rel, *d)),
            _ => None,
        };
        let time_for = if dated_by.is_some() { Time::Any } else { time.clone() };
        let join_open = |known: Set, want_subject: bool| {
            let open = distribute(known, &|one| Set::Join { rel: m.rel, dir: Dir::subjects_if(want_subject), of: Box::new(one), time: time_for.clone() });
            match dated_by {
                Some((date_rel, d)) => {
                    let dates = Set::Join { rel: date_rel, dir: Dir::ToObject, of: Box::new(open.clone()), time: Time::At(d) };
                    Set::And(Box::new(open), Box::new(Set::Join { rel: date_rel, dir: Dir::ToSubject, of: Box::new(dates), time: Time::Any }))
                }
                None => open,
            }
        };
        if let (Some(u), None, None) = (&self.unknown, &subj, &obj) {
            return Err(NotUnderstood::UnknownName(u.clone()));
        }
        // "When did OpenAI launch GPT-3?": the same verb names a date
        // relation of one side ("launch": a release); its date, of that
        // side linked to the other.
        if let (Some(Wh::When), Some(s), Some(o)) = (wh, &subj, &obj) {
            if let Some((date_rel, thing_is_subject)) = dated_side(r, &ms, m, s, o) {
                let (thing, other) = if thing_is_subject { (s.clone(), o.clone()) } else { (o.clone(), s.clone()) };
                let linked = Set::Join { rel: m.rel, dir: Dir::subjects_if(thing_is_subject), of: Box::new(other), time: Time::Any };
                let ask = Ask::Values(Set::Join { rel: date_rel, dir: Dir::ToObject, of: Box::new(Set::And(Box::new(thing), Box::new(linked))), time: Time::Any });
                return Ok(Query { ask, past });
            }
        }
        let ask = match (wh, subj, obj) {
            (Some(Wh::When), Some(s), o) if rel.value != ValueType::Date || o.is_some() => Ask::When(s, o).with_rel(m.rel),
            // The passive without its agent: whoever did it, of the thing named.
            (Some(w @ (Wh::When | Wh::Why | Wh::Where | Wh::HowLong)), None, Some(o)) if bare_passive => {
                let doer = Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role == Role::Verb), of: Box::new(o.clone()), time: Time::Any };
                let ask = match w {
                    Wh::When => Ask::When(doer, Some(o)),
                    Wh::Why => Ask::Why(doer, Some(o)),
                    Wh::Where => Ask::Where(doer, Some(o)),
                    _ => Ask::HowLong(doer, Some(o)),
                };
                ask.with_rel(m.rel)
            }
            (Some(Wh::Why), Some(s), o) => Ask::Why(s, o).with_rel(m.rel),
            (Some(Wh::HowLong), Some(s), o) => Ask::HowLong(s, o).with_rel(m.rel),
            (Some(Wh::Where), Some(s), None) if !object_is_place(r, m.rel) => Ask::Where(join_open(s, false), None),
            (Some(Wh::Where), Some(s), Some(o)) => Ask::Where(s, Some(o)).with_rel(m.rel),
            (None, Some(s), Some(o)) if yes_no => Ask::Check { item: o, set: join_open(s, false) },
            // "Was M6 released in 2020?": a date-valued relation checked
            // against the date asked about.
            (None, Some(s), None) if yes_no && rel.value == ValueType::Date && matches!(time, Time::At(_)) => {
                let Time::At(d) = time else { unreachable!("matched above") };
                let set = Set::Join { rel: m.rel, dir: Dir::ToObject, of: Box::new(s), time: Time::Any };
                Ask::Check { item: Set::Literal(Value::Date(*d)), set }
            }
            // "Is Qwen-7B-Chat open source?", "Has Jia left?": whether
            // the subject has any such fact (its own values, followed back).
            // A name whose kind fits only the relation's object side ("is
            // Qwen-7B-Chat open source": a model is what is open-sourced)
            // is checked on that side.
            (None, Some(s @ Set::Entity(_)), None) if yes_no && self.filters.kind.is_none() && self.filters.class.is_none() => {
                let kind = if let Set::Entity(e) = &s { r.cat.kind(e).map(String::from) } else { None };
                let object_side = kind.is_some_and(|k| rel.object.contains(&k) && !rel.subject.contains(&k));
                let values = Set::Join { rel: m.rel, dir: Dir::subjects_if(object_side), of: Box::new(s.clone()), time: time.clone() };
                Ask::Check { item: s, set: Set::Join { rel: m.rel, dir: Dir::subjects_if(!object_side), of: Box::new(values), time: Time::Any } }
            }
            (_, Some(s), None) => {
                let set = self.filters.apply(join_open(s, false));
                self.values_or_count(set, wh == Some(Wh::HowMany) && rel.value != ValueType::Number)
            }
            (_, None, Some(o)) => {
                let open = join_open(o, true);
                let open = match as_role {
                    Some(role) => Set::And(Box::new(open), Box::new(role)),
                    None => open,
                };
                self.values_or_count(self.filters.apply(open), wh == Some(Wh::HowMany))
            }
            (_, Some(s), Some(o)) => Ask::Check { item: o, set: join_open(s, false) },
            // Only a class or kind filter: "which start-ups were backed?"
            (_, None, None) => return Err(NotUnderstood::NoReading),
        };
        Ok(Query { ask, past })
    }

    /// A clause without a verb: a noun phrase asked about, a check of one
    /// against another, or the members of a class.
    fn without_verb(&self, nps: &[(usize, Set)], bare_nouns: &[Mention]) -> R<Query> {
        let (r, toks, wh, yes_no, past, time) = (self.r, self.toks, self.wh, self.yes_no, self.past, &self.time);
        let how_many = wh == Some(Wh::HowMany);
        if let Some(u) = &self.unknown {
            return Err(NotUnderstood::UnknownName(u.clone()));
        }
        // "Which states have neighbours?": the things of the kind that have
        // values of the relation noun.
        if let (true, Some(kind), [m]) = (nps.is_empty() && toks.iter().any(|t| matches!(t, Tok::Aux(Aux::Have))), &self.filters.kind, bare_nouns) {
            let rel = r.cat.lex.rel(m.rel);
            let (own, other) = if m.role == Role::SubjectNoun { (super::chain::kinds_at(r, m.rel, true), rel.subject.clone()) } else { (rel.subject.clone(), super::chain::kinds_at(r, m.rel, true)) };
            if let ([other], true) = (other.as_slice(), own.contains(kind)) {
                let set = Set::Join { rel: m.rel, dir: Dir::subjects_if(m.role != Role::SubjectNoun), of: Box::new(Set::All(other.clone())), time: time.clone() };
                return Ok(Query { ask: self.values_or_count(self.filters.apply(set), how_many), past });
            }
        }
        // "Fu Ruiji's role at Kuaishou", "Jia's position in Alibaba": a
        // relation noun's values restricted to those involving the place.
        if let [(_, first @ Set::Join { .. }), (pos, Set::Entity(at))] = nps {
            if !yes_no && matches!(toks.get(pos.wrapping_sub(1)), Some(Tok::Prep(Prep::Other | Prep::With | Prep::In))) {
                let set = Set::Mentioning(Box::new(retime(first.clone(), time)), at.clone());
                return Ok(Query { ask: Ask::Values(self.filters.apply(set)), past });
            }
        }
        // "Was M6 released in 2020?" read with "released" as M6's noun.
        if let (true, [(_, Set::Join { rel, dir: Dir::ToObject, of, .. })], Time::At(d)) = (yes_no, nps, time) {
            if r.cat.lex.rel(*rel).value == ValueType::Date {
                let set = Set::Join { rel: *rel, dir: Dir::ToObject, of: of.clone(), time: Time::Any };
                return Ok(Query { ask: Ask::Check { item: Set::Literal(Value::Date(*d)), set }, past });
            }
        }
        // "Was Jia Yangqing a vice-president at Alibaba?": the name, a
        // relation noun and, after a preposition, the other name: the
        // first is checked among the noun's holders at the second (not
        // "Jia's vice-president").
        if let (true, [(p0, Set::Join { rel, dir, of, .. }), (p1, Set::Entity(y))]) = (yes_no, nps) {
            if let (Set::Entity(x), Some(Tok::Prep(Prep::Of | Prep::Other | Prep::With | Prep::In)), Some(Tok::Rel(..))) = (of.as_ref(), toks.get(p1.wrapping_sub(1)), toks.get(p0 + 1)) {
                if *p1 == p0 + 3 {
                    let set = Set::Join { rel: *rel, dir: *dir, of: Box::new(Set::Entity(y.clone())), time: time.clone() };
                    return Ok(Query { ask: Ask::Check { item: Set::Entity(x.clone()), set }, past });
                }
            }
        }
        match (yes_no, nps) {
            // "Is Baichuan an AI tiger?": the name and the class read as one
            // phrase ("Baidu's ChatGPT alternative"); in a yes/no question it
            // is a membership check.
            (true, [(_, Set::LinkedTo(members, e))]) if matches!(members.as_ref(), Set::Members(_)) => {
                let set = members.as_ref().clone();
                return Ok(Query { ask: Ask::Check { item: Set::Entity(e.clone()), set }, past });
            }
            (true, [(_, item), (_, set), ..]) => {
                let set = match set {
                    Set::Join { rel, dir, of, .. } => Set::Join { rel: *rel, dir: *dir, of: of.clone(), time: time.clone() },
                    // "Is Baichuan an AI tiger?": membership of a class.
                    Set::Entity(e) if r.cat.classes.contains(e) => Set::Members(e.clone()),
                    other => other.clone(),
                };
                return Ok(Query { ask: Ask::Check { item: item.clone(), set }, past });
            }
            (_, [(_, set), ..]) => return self.one_phrase(retime(set.clone(), time)),
            _ => {}
        }
        // "How many AI tigers are there?": the members of the class.
        if let Some(c) = &self.filters.class {
            let set = Set::Members(c.clone()).narrow(None, None, self.filters.related.clone());
            return Ok(Query { ask: self.values_or_count(set, how_many), past });
        }
        Err(NotUnderstood::NoReading)
    }

    /// The clause's first noun phrase, asked about.
    fn one_phrase(&self, set: Set) -> R<Query> {
        let (r, toks, wh, past) = (self.r, self.toks, self.wh, self.past);
        let how_many = wh == Some(Wh::HowMany);
        match (&set, wh) {
            (Set::Entity(e), Some(Wh::Where)) => return Ok(Query { ask: Ask::Where(Set::Entity(e.clone()), None), past }),
            (Set::Entity(e), Some(Wh::When)) => return Ok(Query { ask: Ask::When(Set::Entity(e.clone()), None), past }),
            (Set::Entity(e), _) if r.cat.classes.contains(e) && self.filters.kind.is_none() => {
                // "Which AI tigers are unicorns?": the members of one
                // class that are also members of the other.
                let members = Set::Members(e.clone());
                let set = match &self.filters.class {
                    Some(c) if c != e => members.narrow(None, Some(c.clone()), self.filters.related.clone()),
                    _ => members,
                };
                return Ok(Query { ask: self.values_or_count(set, how_many), past });
            }
            // "Which companies are the AI tigers?": its members of the kind.
            (Set::Entity(e), _) if r.cat.classes.contains(e) && toks.iter().all(|t| matches!(t, Tok::Wh(_) | Tok::Kind(_) | Tok::Aux(Aux::Be) | Tok::Num(..)) || matches!(t, Tok::Ent(ids, _) if ids == std::slice::from_ref(e))) => {
                let k = self.filters.kind.clone().unwrap_or_default();
                let set = Set::OfKind(Box::new(Set::Members(e.clone())), k);
                return Ok(Query { ask: self.values_or_count(set, how_many), past });
            }
            // "Which states is Lake Michigan in?": the one place
            // relation from the name to things of the kind asked.
            (Set::Entity(_), Some(Wh::Which | Wh::What)) if matches!(toks.last(), Some(Tok::Prep(Prep::In))) && self.filters.kind.is_some() => {
                let k = self.filters.kind.clone().unwrap_or_default();
                let have = chain::kinds_of(r, &set).unwrap_or_default();
                let places: Vec<RelId> = r
                    .cat
                    .lex
                    .rels()
                    .filter(|(_, relation)| relation.location && chain::fits(&have, &relation.subject) && chain::fits(std::slice::from_ref(&k), &relation.object))
                    .map(|(rel, _)| rel)
                    .collect();
                let [rel] = places.as_slice() else { return Err(NotUnderstood::NoReading) };
                return Ok(Query { ask: Ask::Values(Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(set.clone()), time: Time::Any }), past });
            }
            (Set::Entity(e), _) => return Ok(Query { ask: Ask::Describe(e.clone()), past }),
            _ => {}
        }
        let set = self.filters.apply(set);
        let count = how_many && !numeric(r, &set);
        Ok(Query { ask: self.values_or_count(set, count), past })
    }
}

/// "What position did X hold", "what degree does X have": a relation noun
/// right after the question word, and later a light verb alone: the verb
/// adds nothing to the noun, which reads as "X's position".
pub fn without_light_verb(r: &Reader, mut toks: Vec<Tok>) -> Vec<Tok> {
    let fronted = toks.windows(2).position(|w| match w {
        [Tok::Wh(_), Tok::Rel(ms, _)] => ms.iter().any(|m| !m.role.verb()),
        [Tok::Wh(_), Tok::Title] => true,
        _ => false,
    });
    let Some(at) = fronted else { return toks };
    let dated = toks.iter().any(|t| matches!(t, Tok::Date(_)));
    let light = |t: &Tok| matches!(t, Tok::Rel(_, w) if !w.contains(' ') && (r.light_verbs.contains(&r.stem(w)) || !dated && r.taking_verbs.contains(&r.stem(w))));
    let lights: Vec<usize> = (at + 2..toks.len()).filter(|&i| light(&toks[i])).collect();
    let verbs = (at + 2..toks.len()).filter(|&i| matches!(&toks[i], Tok::Rel(ms, _) if ms.iter().any(|m| m.role.verb()))).count();
    if let ([one], 1) = (lights.as_slice(), verbs) {
        toks.remove(*one);
    }
    toks
}

/// Whether a set is one name.
fn is_name(s: &Set) -> bool {
    matches!(s, Set::Entity(_))
}

/// Whether a set is a name or a coordination of names.
fn coordinable(s: &Set) -> bool {
    match s {
        Set::Entity(_) => true,
        Set::And(a, b) | Set::Or(a, b) => coordinable(a) && coordinable(b),
        _ => false,
    }
}

/// A coordination of names as the set of each of them ("the sizes of X
/// and Y": X's and Y's).
fn each(s: Set) -> Set {
    match s {
        Set::And(a, b) | Set::Or(a, b) => Set::Or(Box::new(each(*a)), Box::new(each(*b))),
        other => other,
    }
}

/// Applies `f` to each name of a coordination and intersects the results
/// ("which company owns TikTok and Douyin": owners of both).
fn distribute(s: Set, f: &dyn Fn(Set) -> Set) -> Set {
    match s {
        Set::And(a, b) if coordinable(&a) && coordinable(&b) => Set::And(Box::new(distribute(*a, f)), Box::new(distribute(*b, f))),
        Set::Or(a, b) if coordinable(&a) && coordinable(&b) => Set::Or(Box::new(distribute(*a, f)), Box::new(distribute(*b, f))),
        other => f(other),
    }
}

/// Applies the clause's time to the outermost join.
fn retime(set: Set, time: &Time) -> Set {
    match set {
        Set::Join { rel, dir, of, .. } => Set::Join { rel, dir, of, time: time.clone() },
        other => other,
    }
}

fn numeric(r: &Reader, set: &Set) -> bool {
    matches!(set, Set::Join { rel, dir: Dir::ToObject, .. } if r.cat.lex.rel(*rel).value == ValueType::Number)
}

fn object_is_place(r: &Reader, rel: RelId) -> bool {
    let relation = r.cat.lex.rel(rel);
    relation.location || relation.object.iter().any(|k| r.cat.lex.kinds.get(k).is_some_and(|nouns| nouns.iter().any(|n| n == "where")))
}

impl Ask {
    /// Binds a fact-pattern question to its relation: the subject side is
    /// stored as a join from the subject so evaluation knows the relation.
    fn with_rel(self, rel: RelId) -> Ask {
        let wrap = |s: Set| Set::Join { rel, dir: Dir::ToObject, of: Box::new(s), time: Time::Any };
        match self {
            Ask::When(s, o) => Ask::When(wrap(s), o),
            Ask::Why(s, o) => Ask::Why(wrap(s), o),
            Ask::HowLong(s, o) => Ask::HowLong(wrap(s), o),
            Ask::Where(s, o) => Ask::Where(wrap(s), o),
            other => other,
        }
    }
}

/// Whether a verb reading takes a noun phrase as its patient: of a kind
/// on the side the verb's object stands on, and entities there.
fn takes_as_patient(r: &Reader, m: &Mention, np: &Set) -> bool {
    let Some(kind) = super::chain::kinds_of(r, np) else { return false };
    let rel = r.cat.lex.rel(m.rel);
    let side = match m.role {
        Role::Verb if rel.value == ValueType::Entity => &rel.object,
        Role::InverseVerb => &rel.subject,
        _ => return false,
    };
    kind.iter().any(|k| side.contains(k))
}

/// A date relation the verb also names that dates one side of the
/// chosen entity relation, and whether that side is the fact's subject:
/// "when did OpenAI launch GPT-3" (a launch is a release, and GPT-3 has
/// one). None when the chosen relation is itself of dates, or when more
/// than one would.
fn dated_side(r: &Reader, ms: &[Mention], chosen: Mention, s: &Set, o: &Set) -> Option<(RelId, bool)> {
    if r.cat.lex.rel(chosen.rel).value != ValueType::Entity {
        return None;
    }
    let kind = |x: &Set| if let Set::Entity(e) = x { r.cat.kind(e).map(String::from) } else { None };
    let (ks, ko) = (kind(s)?, kind(o)?);
    let mut found = Vec::new();
    for m in ms.iter().filter(|m| m.role == Role::Verb && m.rel != chosen.rel) {
        let rel = r.cat.lex.rel(m.rel);
        if rel.value != ValueType::Date {
            continue;
        }
        match (rel.subject.contains(&ks), rel.subject.contains(&ko)) {
            (true, false) => found.push((m.rel, true)),
            (false, true) => found.push((m.rel, false)),
            _ => {}
        }
    }
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether a verb reading dates the noun phrase as its subject: "when
/// was M6 built" asks M6's release date, where the lexicon says so.
fn dates_subject(r: &Reader, m: &Mention, np: &Set) -> bool {
    let rel = r.cat.lex.rel(m.rel);
    m.role == Role::Verb && rel.value == ValueType::Date && super::chain::kinds_of(r, np).is_some_and(|ks| ks.iter().any(|k| rel.subject.contains(k)))
}

/// Picks the verb reading whose kinds fit the agent and patient.
fn choose_verb(r: &Reader, ms: &[Mention], agent: Option<&Set>, patient: Option<&Set>, wh: Option<Wh>) -> Mention {
    let kind_of = |s: Option<&Set>| -> Option<String> {
        match s? {
            Set::Entity(e) => r.cat.kind(e).map(String::from),
            s @ (Set::All(_) | Set::OfKind(..) | Set::MemberOf(..) | Set::LinkedTo(..)) => s.kind_asked().map(String::from),
            _ => None,
        }
    };
    let (ak, pk) = (kind_of(agent), kind_of(patient));
    let score = |m: &Mention| -> i32 {
        let rel = r.cat.lex.rel(m.rel);
        let (sk, ok) = if m.role == Role::Verb { (&ak, &pk) } else { (&pk, &ak) };
        let mut s = 0;
        // "where" prefers relations that place things, "when" dates.
        match wh {
            Some(Wh::Where) if object_is_place(r, m.rel) => s += 1,
            // "Where did he study?" asks for a thing, never a text value
            // ("what did he study?" may be one).
            Some(Wh::Where) if rel.value != ValueType::Entity => s -= 2,
            Some(Wh::When) if rel.value == ValueType::Date => s += 1,
            _ => {}
        }
        if let Some(k) = sk {
            s += if rel.subject.is_empty() || rel.subject.contains(k) { 2 } else { -3 };
        }
        if let Some(k) = ok {
            // A relation to a date, a number or a text has no thing on
            // its object side.
            let fits = rel.value == ValueType::Entity && (rel.object.is_empty() || rel.object.contains(k));
            s += if fits { 2 } else { -3 };
        }
        s
    };
    *ms.iter().max_by_key(|m| score(m)).unwrap_or(&ms[0])
}

/// "what about X", "and X?", or a lone name after a question: the last
/// query with its topic replaced.
fn follow_up(r: &Reader, toks: &[Tok], conv: &Conversation) -> R<Option<Query>> {
    let Some(last) = &conv.last_query else { return Ok(None) };
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Prep(_))).collect();
    // A bare question word ("Why?", "When?", "Since when?", "Where?")
    // asks it of the last question's facts.
    if let [Tok::Wh(w @ (Wh::When | Wh::Why | Wh::Where | Wh::HowLong))] = content.as_slice() {
        // After an answer that named one happening, its date or place.
        let happening = conv.answer_focus.as_ref().filter(|e| matches!(w, Wh::When | Wh::Where) && r.cat.lex.event_kind.as_deref().is_some_and(|k| r.cat.kind(e) == Some(k)));
        let (set, other) = match (&last.ask, happening) {
            (Ask::Values(_), Some(e)) => (Set::Entity(e.clone()), None),
            (Ask::When(s, o) | Ask::Why(s, o) | Ask::HowLong(s, o) | Ask::Where(s, o), _) => (s.clone(), o.clone()),
            (Ask::Values(s @ Set::Join { .. }), _) => (s.clone(), None),
            (Ask::Check { item, set: s @ Set::Join { .. } }, _) => (s.clone(), Some(item.clone())),
            _ => return Ok(None),
        };
        let ask = match w {
            Wh::When => Ask::When(set, other),
            Wh::Why => Ask::Why(set, other),
            Wh::HowLong => Ask::HowLong(set, other),
            _ => Ask::Where(set, other),
        };
        return Ok(Some(Query { ask, past: last.past }));
    }
    // "In what subject?", "Which year?": a question word and a relation
    // noun, with no name, ask the noun of the conversation's topic, as
    // "what is its subject?" does.
    if let [Tok::Wh(Wh::What | Wh::Which), Tok::Rel(ms, w)] = content.as_slice() {
        if let Some(topic) = conv.focus.as_ref().filter(|_| ms.iter().any(|m| matches!(m.role, Role::ObjectNoun | Role::SubjectNoun))) {
            let aux = if last.past { super::lexer::Aux::Was } else { super::lexer::Aux::Be };
            let toks = [Tok::Wh(Wh::What), Tok::Aux(aux), Tok::Ent(vec![topic.clone()], r.cat.name(topic).to_string()), Tok::Rel(ms.clone(), w.clone())];
            return read_clause(r, &toks, conv).map(Some);
        }
    }
    let lone = match content.as_slice() {
        [Tok::Ent(ids, name)] => Some((ids, name)),
        [Tok::Wh(Wh::What), Tok::Ent(ids, name)] => Some((ids, name)),
        _ => None,
    };
    let Some((ids, name)) = lone else { return Ok(None) };
    let p = P { r, toks: toks.to_vec(), focus: None, answer_focus: None, person: None };
    let new = p.entity(None, ids, name)?;
    // The last query whose topic is of the new name's kind, else the last.
    let kind = r.cat.kind(&new);
    let same_kind = |q: &&Query| q.topic().is_some_and(|t| r.cat.kind(&t) == kind);
    let last = [Some(last), conv.earlier_query.as_ref()].into_iter().flatten().find(same_kind).unwrap_or(last);
    let Some(old) = last.topic() else { return Ok(None) };
    let mut q = last.clone();
    q.substitute(&old, &new);
    Ok(Some(q))
}

/// Reads a declarative statement for teaching: `NAME VERB NAME` or
/// `NAME is the NOUN of NAME`. Unknown names become new entities of the
/// relation's first kind.
pub fn statement(r: &Reader, text: &str) -> Result<super::Statement, String> {
    let toks = r.exact_tokens(text);
    let hint = "Say it as a plain statement, for example \"Wang Wu heads the robotics lab\".";
    // Group unknown-word runs into names. A kind noun right after a run
    // ends the name and gives its kind ("the robotics lab").
    let words: Vec<String> = r.clean(text).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let mut kind_of_name: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut parts: Vec<Tok> = Vec::new();
    for t in toks {
        match (&t, parts.last_mut()) {
            (Tok::Unknown(w), Some(Tok::Unknown(prev))) => {
                prev.push(' ');
                prev.push_str(w);
            }
            (Tok::Kind(k), Some(Tok::Unknown(prev))) => {
                let run: Vec<&str> = prev.split(' ').collect();
                let after = words.windows(run.len()).position(|w| w.iter().map(String::as_str).eq(run.iter().copied())).map(|at| at + run.len());
                let noun = after.and_then(|at| {
                    (1..=3).rev().find_map(|len| {
                        let span = words.get(at..at + len)?.join(" ");
                        (r.kind_nouns.get(&span) == Some(k)).then_some(span)
                    })
                });
                match noun {
                    Some(noun) => {
                        prev.push(' ');
                        prev.push_str(&noun);
                        kind_of_name.insert(prev.clone(), k.clone());
                    }
                    None => parts.push(t),
                }
            }
            _ => parts.push(t),
        }
    }
    let rel_pos = parts.iter().position(|t| matches!(t, Tok::Rel(..))).ok_or_else(|| format!("I could not find a relation I know in that. {hint}"))?;
    let Tok::Rel(ms, _) = &parts[rel_pos] else { unreachable!() };
    let m = ms[0];
    let rel = r.cat.lex.rel(m.rel);
    let side = |ts: &[Tok], kinds: &[String]| -> Result<(String, Option<crate::knowledge::Entity>), String> {
        for t in ts {
            match t {
                Tok::Ent(ids, name) => {
                    return match ids.as_slice() {
                        [one] => Ok((one.clone(), None)),
                        _ => Err(format!("\"{name}\" could mean several things; use a more specific name.")),
                    }
                }
                Tok::Unknown(name) => {
                    let display = title_case(name);
                    let kind = kind_of_name.get(name).filter(|k| kinds.is_empty() || kinds.contains(k)).or(kinds.first());
                    let e = r.new_entity(&display, kind.map(String::as_str).unwrap_or("thing"));
                    return Ok((e.id.clone(), Some(e)));
                }
                _ => {}
            }
        }
        Err(format!("I need a name on both sides of the relation. {hint}"))
    };
    if rel.value != ValueType::Entity {
        return Err(format!("I can only be taught facts between two names for now. {hint}"));
    }
    let (left, right) = (&parts[..rel_pos], &parts[rel_pos + 1..]);
    let (s_toks, o_toks) = match m.role {
        Role::Verb => (left, right),
        Role::InverseVerb => (right, left),
        Role::SubjectNoun => (left, right),
        Role::ObjectNoun => (right, left),
    };
    let (s, se) = side(s_toks, &rel.subject)?;
    let (o, oe) = side(o_toks, &rel.object)?;
    let new_entities: Vec<_> = se.into_iter().chain(oe).collect();
    let name = |id: &str| new_entities.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_else(|| r.cat.name(id).to_string());
    let sentence = rel.sentence(false, &name(&s), &name(&o));
    let fact = Fact::new(&s, &rel.name, Value::Entity(o), "");
    Ok(super::Statement { fact: Fact { sources: vec![], ..fact }, new_entities, sentence })
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
