//! Questions of degree: superlatives ("the biggest model", "which came
//! out first, A or B?"), comparisons ("is A bigger than B?", "the models
//! with over 100 billion parameters") and totals ("the combined parameters
//! of A and B").
//!
//! Read by taking apart: the degree word and the measure it names (an
//! adjective of the lexicon's `[[degree]]` tables, or a relation noun or
//! verb next to a word of `[language.degree]`) are taken out of the
//! question; the rest is read by the grammar, with the precision guard, as
//! the set to measure; the operator is put around that set. Every word is
//! accounted for: a part that does not read declines the question.

use super::grammar::{self, NotUnderstood};
use super::lexer::{self, Role, Tok};
use super::{chain, guard, Reader};
use crate::conversation::Conversation;
use crate::knowledge::lexicon::ValueType;
use crate::knowledge::normalize::normalize;
use crate::knowledge::Value;
use crate::query::{Ask, Cmp, Dir, Measure, Order, Query, RelId, Set, Time, VAR};

type R<T> = Result<T, NotUnderstood>;

/// What a degree word says.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Word {
    /// A generic word; the measure comes from the words next to it.
    Generic(Generic),
    /// A lexicon adjective's plain form ("big"), which after "how" asks
    /// the measure itself.
    Base {
        /// The measured relation.
        rel: RelId,
        /// The kinds it describes.
        kinds: Vec<String>,
    },
    /// A lexicon adjective with its own measure.
    Adjective {
        /// The measured relation.
        rel: RelId,
        /// The kinds it describes.
        kinds: Vec<String>,
        /// Which side.
        order: Order,
        /// "biggest" rather than "bigger".
        superlative: bool,
    },
}

/// The generic degree words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generic {
    Most,
    Least,
    More,
    Less,
    Earliest,
    Latest,
    Than,
    Over,
    Under,
    Total,
    Before,
    After,
}

impl Generic {
    /// The end of a measure the word asks for, if it asks for one.
    fn order(self) -> Option<Order> {
        match self {
            Generic::Most | Generic::More | Generic::Latest | Generic::Over | Generic::After => Some(Order::Most),
            Generic::Least | Generic::Less | Generic::Earliest | Generic::Under | Generic::Before => Some(Order::Least),
            Generic::Than | Generic::Total => None,
        }
    }

    /// Whether the word asks about dates only.
    fn dated(self) -> bool {
        matches!(self, Generic::Earliest | Generic::Latest | Generic::Before | Generic::After)
    }
}

/// The degree phrases of a reader's language and lexicon, longest first.
pub(super) fn index(r: &Reader) -> Vec<(Vec<String>, Word)> {
    let d = &r.lang.degree;
    let mut out: Vec<(Vec<String>, Word)> = Vec::new();
    let mut add = |list: &[String], w: Word| {
        for p in list {
            let words: Vec<String> = normalize(p).split(' ').filter(|x| !x.is_empty()).map(String::from).collect();
            if !words.is_empty() {
                out.push((words, w.clone()));
            }
        }
    };
    for (list, g) in [
        (&d.most, Generic::Most),
        (&d.least, Generic::Least),
        (&d.more, Generic::More),
        (&d.less, Generic::Less),
        (&d.earliest, Generic::Earliest),
        (&d.latest, Generic::Latest),
        (&d.than, Generic::Than),
        (&d.over, Generic::Over),
        (&d.under, Generic::Under),
        (&d.total, Generic::Total),
        (&d.before, Generic::Before),
        (&d.after, Generic::After),
    ] {
        add(list, Word::Generic(g));
    }
    for deg in &r.cat.lex.degrees {
        let Some(rel) = r.cat.lex.relation_index(&deg.relation) else {
            tracing::warn!(relation = deg.relation, "a [[degree]] names a relation the lexicon does not declare");
            continue;
        };
        let kinds = if deg.kinds.is_empty() { r.cat.lex.rel(rel).subject.clone() } else { deg.kinds.clone() };
        for (list, order, superlative) in [(&deg.more, Order::Most, false), (&deg.most, Order::Most, true), (&deg.less, Order::Least, false), (&deg.least, Order::Least, true)] {
            add(list, Word::Adjective { rel, kinds: kinds.clone(), order, superlative });
        }
        add(&deg.base, Word::Base { rel, kinds: kinds.clone() });
    }
    out.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    out
}

/// A degree phrase found in the question's words.
#[derive(Debug, Clone)]
struct Found {
    at: usize,
    len: usize,
    words: Vec<Word>,
}

impl Found {
    fn end(&self) -> usize {
        self.at + self.len
    }

    fn generic(&self) -> Option<Generic> {
        self.words.iter().find_map(|w| if let Word::Generic(g) = w { Some(*g) } else { None })
    }

    fn adjectives(&self, superlative: bool) -> impl Iterator<Item = (RelId, &[String], Order)> {
        self.words.iter().filter_map(move |w| match w {
            Word::Adjective { rel, kinds, order, superlative: s } if *s == superlative => Some((*rel, kinds.as_slice(), *order)),
            _ => None,
        })
    }
}

/// Every degree phrase in the words, left to right, leaving out words that
/// belong to a name or a relation phrase of the question ("first
/// reported").
fn find_all(r: &Reader, words: &[String], claimed: &[bool]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut hit: Option<Found> = None;
        for (phrase, w) in &r.degree_words {
            let n = phrase.len();
            if i + n <= words.len() && words[i..i + n] == phrase[..] && !claimed[i..i + n].iter().any(|c| *c) {
                match &mut hit {
                    Some(h) if h.len == n => h.words.push(w.clone()),
                    Some(_) => {}
                    None => hit = Some(Found { at: i, len: n, words: vec![w.clone()] }),
                }
            }
        }
        match hit {
            Some(h) => {
                i = h.end();
                out.push(h);
            }
            None => i += 1,
        }
    }
    out
}

/// Which words of the question a name or a relation phrase takes.
fn claimed(words: &[String], toks: &[Tok]) -> Vec<bool> {
    let mut out = vec![false; words.len()];
    for t in toks {
        let surface = match t {
            Tok::Ent(_, s) | Tok::Rel(_, s) => s,
            _ => continue,
        };
        claim(&mut out, words, surface, 2);
    }
    out
}

/// Marks the words wherever the phrase stands, for phrases of at least
/// `min` words.
fn claim(claimed: &mut [bool], words: &[String], phrase: &str, min: usize) {
    let n = phrase.split(' ').count();
    // One word of a name or a phrase is claimed only where it is not a
    // degree word itself (a one-word name such as "Top" is rare; "first"
    // as a verb phrase is not one word).
    if n < min {
        return;
    }
    for i in 0..words.len() {
        if phrase_at(words, i, phrase) {
            claimed[i..i + n].iter_mut().for_each(|c| *c = true);
        }
    }
}

/// Reads a question of degree; None when the question has no degree word
/// (the grammar reads it as usual).
pub(crate) fn read(r: &Reader, text: &str, plain: &str, conv: &Conversation) -> Option<R<Query>> {
    if r.degree_words.is_empty() {
        return None;
    }
    // Most questions have no degree word: look in the normalised text
    // before cleaning and tokenizing it.
    let normalised: Vec<String> = plain.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let aux_first = normalised.first().is_some_and(|w| matches!(lexer::aux_word(w), Ok(("", _))));
    // "before" and "after" make a form of degree only in a yes/no
    // question; elsewhere they are the grammar's.
    let worth = find_all(r, &normalised, &vec![false; normalised.len()])
        .iter()
        .any(|f| aux_first || !matches!(f.generic(), Some(Generic::Before | Generic::After)) || f.words.len() > 1);
    if !worth {
        return None;
    }
    let clean = r.clean(text);
    let mut words: Vec<String> = clean.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    if let Some(n) = back_reference(r, &r.tokens(&clean)) {
        words.truncate(words.len().saturating_sub(n));
    }
    read_words(r, text, &words, conv)
}

/// Reads the words of a question of degree (`text` as typed, for its
/// commas); None when no degree word is left once names and relation
/// phrases have taken theirs.
fn read_words(r: &Reader, text: &str, words: &[String], conv: &Conversation) -> Option<R<Query>> {
    let toks = toks_of(r, words);
    let strict_claims = claimed(words, &toks);
    let strict = read_found(r, text, words, &toks, &strict_claims, conv);
    if matches!(strict, Some(Ok(_))) {
        return strict;
    }
    // "The highest point in the US": a relation noun that begins with a
    // degree word ("highest point", of a state) where the question does
    // not read with the relation is the degree word and a kind noun ("the
    // highest of the points in the US").
    // Where it reads with the relation, the relation stands, unless the
    // relation's one value is asked of several things at once ("the
    // lowest point of the states that the Mississippi runs through" is
    // one point, the lowest of theirs).
    let (loose, released) = claimed_but(r, words, &toks);
    if loose == strict_claims {
        return strict;
    }
    if strict.is_none() && read_query(r, words, conv).is_ok_and(|q| !q.ask.sets().into_iter().any(|s| of_several(s, &released))) {
        return strict;
    }
    match read_found(r, text, words, &toks, &loose, conv) {
        Some(Ok(q)) => Some(Ok(q)),
        _ => strict,
    }
}

/// Which words names and relation phrases take, leaving out relation
/// phrases that begin with a superlative degree word and end in a kind
/// noun.
fn claimed_but(r: &Reader, words: &[String], toks: &[Tok]) -> (Vec<bool>, Vec<RelId>) {
    let mut out = vec![false; words.len()];
    let mut released = Vec::new();
    for t in toks {
        let surface = match t {
            Tok::Ent(_, s) => s,
            Tok::Rel(ms, s) => {
                let parts: Vec<String> = s.split(' ').map(String::from).collect();
                let degree_first = find_all(r, &parts, &vec![false; parts.len()]).first().is_some_and(|f| f.at == 0 && is_superlative(f) && f.len < parts.len());
                // "The highest points of the states" are each state's.
                let kind_last = parts.last().is_some_and(|w| matches!(r.tokens(w).as_slice(), [Tok::Kind(k)] if !plural_noun(r, k, w)));
                if degree_first && kind_last {
                    released.extend(ms.iter().map(|m| m.rel));
                    continue;
                }
                s
            }
            _ => continue,
        };
        claim(&mut out, words, surface, 2);
    }
    (out, released)
}

/// Whether a set joins one of the relations over something other than a
/// single name.
fn of_several(s: &Set, rels: &[RelId]) -> bool {
    match s {
        Set::Join { rel, of, .. } if rels.contains(rel) && !matches!(of.as_ref(), Set::Entity(_)) => true,
        _ => s.children().into_iter().any(|c| of_several(c, rels)),
    }
}

/// Whether a noun of a kind is the plural of another of its nouns
/// ("points" of "point", "cities" of "city").
fn plural_noun(r: &Reader, kind: &str, w: &str) -> bool {
    r.cat.lex.kinds.get(kind).is_some_and(|nouns| plural_among(r, nouns, w))
}

/// Whether `w` is the plural of another of `nouns` ("capitals" of
/// "capital", "capital cities" of "capital city").
fn plural_among(r: &Reader, nouns: &[String], w: &str) -> bool {
    let stem = r.stem(w);
    nouns.iter().any(|n| n.len() < w.len() && r.stem(n) == stem)
}

/// Whether a relation noun as typed is the plural of another of its
/// relation's nouns.
fn plural_relation_noun(r: &Reader, ms: &[lexer::Mention], surface: &str) -> bool {
    ms.iter().any(|m| {
        let rel = r.cat.lex.rel(m.rel);
        plural_among(r, &rel.object_nouns, surface) || plural_among(r, &rel.subject_nouns, surface)
    })
}

/// Reads the words of a question of degree with the degree phrases that
/// the claimed words leave.
fn read_found(r: &Reader, text: &str, words: &[String], toks: &[Tok], claimed: &[bool], conv: &Conversation) -> Option<R<Query>> {
    let mut claimed = claimed.to_vec();
    // "other than" leaves something out; it compares nothing.
    for phrase in &r.lang.except {
        claim(&mut claimed, words, phrase, 1);
    }
    let found = find_all(r, words, &claimed);
    if found.is_empty() {
        return None;
    }
    let past = grammar::is_past(r, toks);
    let words = words.to_vec();
    let reading = nested(r, &words, &found, conv, past)
        .or_else(|| how_much(r, &words, &found, conv))
        .or_else(|| total(r, &words, &found, conv))
        .or_else(|| alternatives(r, text, &words, &found, conv, past))
        .or_else(|| yes_no(r, &words, &found, conv, past))
        .or_else(|| yes_no_order(r, &words, &found, conv, past))
        .or_else(|| bound(r, &words, &found, conv, past))
        .or_else(|| than_filter(r, &words, &found, conv, past))
        .or_else(|| superlative(r, &words, &found, conv, past))?;
    // "Is the Mississippi the longest river?": whether the name is the
    // extreme of its kind, where the store holds the kind whole; the
    // extreme of one name alone asks nothing.
    let reading = reading.and_then(|q| match q.ask {
        Ask::Values(Set::Extreme { of, by, order }) if matches!(of.as_ref(), Set::Entity(_)) => {
            let Set::Entity(e) = *of else { return Err(NotUnderstood::NoReading) };
            let said = toks.iter().find_map(|t| if let Tok::Kind(k) = t { Some(k.clone()) } else { None });
            let kind = said.or_else(|| r.cat.kind(&e).map(String::from)).ok_or(NotUnderstood::NoReading)?;
            let yes_no = matches!(lexer::aux_word(&words[0]), Ok(("", _)));
            if !yes_no || !r.cat.lex.complete_kinds.contains(&kind) {
                return Err(NotUnderstood::NoReading);
            }
            let set = Set::Extreme { of: Box::new(Set::All(kind)), by, order };
            Ok(Query { ask: Ask::Check { item: Set::Entity(e), set }, ..q })
        }
        _ => Ok(q),
    });
    // "How many rivers are longer than the Red?": how many of them.
    let how_many = toks.iter().any(|t| matches!(t, Tok::Wh(lexer::Wh::HowMany)));
    Some(reading.map(|q| match q.ask {
        Ask::Values(s @ Set::Compared { .. }) if how_many => Query { ask: Ask::Count(s), ..q },
        _ => q,
    }))
}

/// The tokens of words that may hold placeholders of nested sets: each
/// placeholder is a name of its own kind, the words around it read as
/// usual.
pub(super) fn toks_of(r: &Reader, words: &[String]) -> Vec<Tok> {
    if !words.iter().any(|w| w.starts_with(VAR)) {
        return r.tokens(&words.join(" "));
    }
    let mut out = Vec::new();
    for part in words.split_inclusive(|w| w.starts_with(VAR)) {
        match part.split_last() {
            Some((var, before)) if var.starts_with(VAR) => {
                if !before.is_empty() {
                    out.extend(r.tokens(&before.join(" ")));
                }
                out.push(Tok::Ent(vec![var.clone()], var.clone()));
            }
            _ => out.extend(r.tokens(&part.join(" "))),
        }
    }
    out
}

/// Whether a degree phrase asks for an end ("largest", "the most").
fn is_superlative(f: &Found) -> bool {
    matches!(f.generic(), Some(Generic::Most | Generic::Least | Generic::Earliest | Generic::Latest)) || f.adjectives(true).next().is_some()
}

/// "What is the capital of the largest state?", "how many states border
/// the state that borders the most states?": a superlative noun phrase
/// inside the question ("the largest state", "the state with the largest
/// area", "the longest river in Texas") is read on its own as a set; the
/// rest of the question is read with a placeholder of the set's kind in
/// its place, and the set is bound there. The rightmost phrase is read
/// first, so "the largest city in the smallest state" nests twice.
///
/// Only over a set the store holds whole: the greatest of an open set is
/// the greatest of those the sources name, which a question that goes on
/// from it cannot say.
fn nested(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    let depth = words.iter().filter(|w| w.starts_with(VAR)).count();
    // A phrase ends where no name or relation phrase goes on past it ("the
    // largest population density" is not "the largest population"), and
    // not before what measures it ("the smallest state by area").
    let toks = toks_of(r, words);
    let boundary = |at: usize| !straddled(words, &toks, at) && !words.get(at).is_some_and(|w| one_of(&r.lang.degree.by, w));
    for f in found.iter().rev().filter(|f| is_superlative(f)) {
        // The phrase starts at the degree word ("the largest state") or at
        // a kind noun before it ("the state with the largest area").
        // At the degree word, the phrase names things ("the smallest
        // state"), not a measure ("the smallest area that ...").
        // A kind noun that is part of a compound ("state capital") is not
        // where a phrase starts.
        let kind_at = |i: usize| {
            words.get(i).is_some_and(|w| matches!(r.tokens(w).as_slice(), [t @ (Tok::Kind(_) | Tok::Rel(..))] if head_group(r, t).is_some()))
                && !matches!(r.tokens(&words[i..words.len().min(i + 2)].join(" ")).first(), Some(Tok::Rel(..)) if matches!(r.tokens(&words[i]).as_slice(), [Tok::Kind(_)]))
        };
        // Or at the degree word and a noun of its own measure ("the state
        // with the highest elevation": the thing highest), where the rest
        // does not have the measure itself ("the state with the sparsest
        // population density" is the state).
        // Tried last: "the state with the largest population" is the
        // state, read from the kind noun.
        let measure_at = own_measure(r, words, f).is_some() && !matches!(adjective_and_measure(r, words, f, conv, past), Some(Ok(Query { ask: Ask::Values(Set::Extreme { .. }), .. })));
        // "Whose capital has the largest population" says what the owner
        // has, not a thing of its own.
        let had = owned_noun_before(r, words, f.at).is_some();
        let starts = (1..=f.at).rev().filter(|&s| if s == f.at { kind_at(f.end()) } else { kind_at(s) }).chain(Some(f.at).filter(|_| measure_at && !had && !kind_at(f.end())));
        for s in starts {
            // "Which state has the most rivers": the noun after the
            // question word is what it asks for, not a phrase inside.
            // "The state whose capital has the largest population": the
            // noun after "whose" is the owner's, not a phrase of its own.
            if !boundary(s) || matches!(toks_of(r, &words[s - 1..s]).as_slice(), [Tok::Wh(_) | Tok::Whose]) {
                continue;
            }
            // "the largest city in Minnesota by population": the phrase
            // takes what measures it.
            let by_at = words.iter().rposition(|w| one_of(&r.lang.degree.by, w)).filter(|&b| b > f.end());
            for e in (f.end() + 1..=words.len()).rev().filter(|&e| boundary(e) && by_at.is_none_or(|b| e > b)) {
                let inner_found: Vec<Found> =
                    found.iter().filter(|g| g.at >= s && g.end() <= e).map(|g| Found { at: g.at - s, len: g.len, words: g.words.clone() }).collect();
                if inner_found.len() != 1 {
                    continue;
                }
                let inner = match superlative(r, &words[s..e], &inner_found, conv, past) {
                    Some(Ok(Query { ask: Ask::Values(inner @ Set::Extreme { .. }), .. })) => inner,
                    // "The highest elevation" inside: the thing that has it.
                    Some(Ok(Query { ask: Ask::Values(Set::Join { of, .. }), .. })) if matches!(of.as_ref(), Set::Extreme { .. }) => *of,
                    _ => continue,
                };
                let Set::Extreme { of, .. } = &inner else { continue };
                if !of.closed(&r.cat.lex) {
                    continue;
                }
                // Of several kinds ("the highest elevation": a point or a
                // mountain), the first the rest reads with.
                for kind in kinds(r, &inner) {
                    let var = format!("{VAR}{depth}:{kind}");
                    let mut outer: Vec<String> = words[..s].to_vec();
                    outer.push(var.clone());
                    outer.extend(words[e..].iter().cloned());
                    // "What is the largest state?" is the superlative itself;
                    // "how long is the shortest river" asks its measure (a
                    // degree word outside the phrase asks something).
                    let asks_more = found.iter().any(|g| g.end() <= s || g.at >= e)
                        || toks_of(r, &outer).iter().any(|t| match t {
                            Tok::Wh(_) | Tok::Aux(_) | Tok::List => false,
                            Tok::Ent(ids, _) => ids.first() != Some(&var),
                            _ => true,
                        });
                    if !asks_more {
                        continue;
                    }
                    if let Some(q) = read_bound(r, &outer, &var, &inner, conv) {
                        return Some(Ok(q));
                    }
                }
            }
        }
    }
    None
}

/// Reads words that hold a placeholder (by the rules of degree first,
/// then as a plain question) and puts the set in its place.
fn read_bound(r: &Reader, outer: &[String], var: &str, set: &Set, conv: &Conversation) -> Option<Query> {
    let read = match read_words(r, &outer.join(" "), outer, conv) {
        Some(read) => read,
        None => read_query(r, outer, conv),
    };
    let mut q = read.ok()?;
    // "Give me ⟨the longest river⟩ that passes through the US" asks for
    // the thing, not whether it does: a yes/no reading only of a question
    // that asks one.
    let asks_yes_no = outer.first().is_some_and(|w| matches!(lexer::aux_word(w), Ok(("", _))));
    if matches!(q.ask, Ask::Check { .. }) && !asks_yes_no {
        return None;
    }
    q.bind(var, set).then_some(q)
}

/// Whether a name or a relation phrase of more than one word runs across
/// the boundary before the word at `at`.
fn straddled(words: &[String], toks: &[Tok], at: usize) -> bool {
    toks.iter().any(|t| {
        let (Tok::Ent(_, surface) | Tok::Rel(_, surface)) = t else { return false };
        let n = surface.split(' ').count();
        n > 1 && (at.saturating_sub(n - 1)..at).any(|i| i + n > at && phrase_at(words, i, surface))
    })
}

/// "(What is) the NLP model Alibaba introduced in 2021": a noun, a name
/// and the name's verb, whose object the noun is, read precisely as "what
/// NLP model did Alibaba introduce in 2021". None when the tokens are not
/// so or that question does not read.
pub(crate) fn object_relative(r: &Reader, toks: &[Tok], conv: &Conversation) -> Option<Query> {
    let asked = as_object_question(r, toks)?;
    grammar::read(r, &asked, conv, "").and_then(|q| guard::check_typed(r, &asked, &q).map(|()| q)).ok()
}

/// The tokens of [`object_relative`]'s question.
fn as_object_question(r: &Reader, toks: &[Tok]) -> Option<Vec<Tok>> {
    let rest = match toks {
        [Tok::Wh(lexer::Wh::What | lexer::Wh::Which), Tok::Aux(lexer::Aux::Be | lexer::Aux::Was), rest @ ..] => rest,
        rest => rest,
    };
    let [noun, name @ Tok::Ent(ids, _), verb @ Tok::Rel(ms, _), after @ ..] = rest else { return None };
    let is_noun = match noun {
        Tok::Kind(_) => true,
        Tok::Ent(c, _) => matches!(c.as_slice(), [c] if r.cat.classes.contains(c)),
        _ => false,
    };
    let named = !ids.is_empty() && !ids.iter().any(|id| r.cat.classes.contains(id));
    if !is_noun || !named || !ms.iter().any(|m| m.role == Role::Verb) {
        return None;
    }
    let mut out = vec![Tok::Wh(lexer::Wh::What), noun.clone(), Tok::Aux(lexer::Aux::Did), name.clone(), verb.clone()];
    out.extend(after.iter().cloned());
    Some(out)
}

/// Reads words as a whole question with the grammar and the guard: the
/// values it asks for, how many there are, or whether something is so.
fn read_query(r: &Reader, words: &[String], conv: &Conversation) -> R<Query> {
    let toks = toks_of(r, words);
    if let Some(s) = kind_in_place(r, &toks) {
        let ask = if toks.iter().any(|t| matches!(t, Tok::Wh(lexer::Wh::HowMany))) { Ask::Count(s) } else { Ask::Values(s) };
        return Ok(Query { ask, past: grammar::is_past(r, &toks) });
    }
    let q = grammar::read(r, &toks, conv, &words.join(" ")).and_then(|q| guard::check_typed(r, &toks, &q).map(|()| q));
    match q {
        Err(e) => object_relative(r, &toks, conv).map(Ok).or_else(|| reduced(r, words, conv)).unwrap_or(Err(e)),
        ok => ok,
    }
}

/// "What is the capital of the state with ⟨the highest point⟩?": a noun
/// phrase of a kind around a nested set ("the state with ..."), read as a
/// set of its own and put in place as one more placeholder, when the
/// question does not read otherwise.
fn reduced(r: &Reader, words: &[String], conv: &Conversation) -> Option<R<Query>> {
    let depth = words.iter().filter(|w| w.starts_with(VAR)).count();
    let last_var = words.iter().rposition(|w| w.starts_with(VAR))?;
    let kind_at = |i: usize| matches!(r.tokens(&words[i]).as_slice(), [Tok::Kind(_)]);
    for s in (1..last_var).filter(|&s| kind_at(s)) {
        if matches!(toks_of(r, &words[s - 1..s]).as_slice(), [Tok::Wh(_)]) {
            continue;
        }
        let part = toks_of(r, &words[s..=last_var]);
        let Some(set) = phrase_set(r, &part) else { continue };
        let [kind] = &kinds(r, &set)[..] else { continue };
        let var = format!("{VAR}{depth}:{kind}");
        let mut outer: Vec<String> = words[..s].to_vec();
        outer.push(var.clone());
        outer.extend(words[last_var + 1..].iter().cloned());
        let Ok(mut q) = read_query(r, &outer, conv) else { continue };
        if q.bind(&var, &set) {
            return Some(Ok(q));
        }
    }
    None
}

/// Whether a word joins the measured set to a degree phrase and asks
/// nothing: "has the most", "with the largest", "is the biggest".
fn linking(r: &Reader, w: &str) -> bool {
    r.lang.degree.linking.iter().any(|l| l == w)
}

/// Whether a word is one of a language list.
fn one_of(list: &[String], w: &str) -> bool {
    list.iter().any(|x| x == w)
}

/// Whether the words at `i` are the phrase `p` (space-separated).
pub(super) fn phrase_at(words: &[String], i: usize, p: &str) -> bool {
    let parts: Vec<&str> = p.split(' ').collect();
    i + parts.len() <= words.len() && words[i..i + parts.len()].iter().zip(&parts).all(|(a, b)| a == b)
}

/// The words with a span taken out and the linking words around it dropped.
fn without(r: &Reader, words: &[String], at: usize, end: usize) -> Vec<String> {
    let mut before: Vec<String> = words[..at].to_vec();
    while before.last().is_some_and(|w| linking(r, w)) && before.len() > 1 {
        before.pop();
    }
    before.extend(words[end..].iter().cloned());
    before
}

/// Reads words as the set a question asks for: a kind alone ("which
/// models"), a name, or a question the grammar reads precisely.
fn read_set(r: &Reader, words: &[String], conv: &Conversation) -> R<Set> {
    // "models other than GPT-3": all but what follows.
    for phrase in &r.lang.except {
        let n = phrase.split(' ').count();
        if let Some(at) = (1..words.len()).find(|&i| i + n < words.len() && phrase_at(words, i, phrase)) {
            let kept = read_set(r, &words[..at], conv)?;
            let left_out = read_set(r, &words[at + n..], conv)?;
            return Ok(Set::Minus(Box::new(kept), Box::new(left_out)));
        }
    }
    // "non-Alibaba models": those no fact links to the name.
    if let Some(at) = words.iter().position(|w| r.lang.non_prefixes.contains(w)) {
        let after = words[at + 1..].join(" ");
        if let Some(Tok::Ent(ids, surface)) = r.tokens(&after).first() {
            let [id] = ids.as_slice() else { return Err(NotUnderstood::Ambiguous(surface.clone(), ids.clone())) };
            let used = surface.split(' ').count();
            let rest: Vec<String> = words[..at].iter().chain(&words[at + 1 + used..]).cloned().collect();
            let base = read_set(r, &rest, conv)?;
            let linked = Set::LinkedTo(Box::new(base.clone()), id.clone());
            return Ok(Set::Minus(Box::new(base), Box::new(linked)));
        }
    }
    let toks = toks_of(r, words);
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List)).collect();
    match content.as_slice() {
        [Tok::Kind(k)] => return Ok(Set::All(k.clone())),
        // "the largest capital": the values of a relation noun, over every
        // subject of its one kind.
        [Tok::Rel(ms, _)] => {
            if let Some((_, values)) = relation_values(r, ms) {
                return Ok(values);
            }
        }
        [Tok::Ent(ids, _)] if ids.len() == 1 => return Ok(Set::Entity(ids[0].clone())),
        [Tok::Ent(ids, name)] if ids.is_empty() => return Err(NotUnderstood::UnknownName(name.clone())),
        [Tok::Ent(ids, name)] => return Err(NotUnderstood::Ambiguous(name.clone(), ids.clone())),
        [] => return Err(NotUnderstood::NoReading),
        _ => {}
    }
    match read_query(r, words, conv)?.ask {
        Ask::Values(s) | Ask::Count(s) => Ok(s),
        Ask::Describe(e) => Ok(Set::Entity(e)),
        _ => Err(NotUnderstood::NoReading),
    }
}

/// The kinds of a set's members (empty: unknown).
fn kinds(r: &Reader, s: &Set) -> Vec<String> {
    chain::kinds_of(r, s).unwrap_or_default()
}

/// The adjective of a degree phrase that describes members of these
/// kinds; None when none does, or when two measures do (ask, don't guess).
fn adjective_for(f: &Found, superlative: bool, have: &[String]) -> Option<(Measure, Order)> {
    let fitting: Vec<(RelId, Order)> = f.adjectives(superlative).filter(|(_, ks, _)| chain::fits(have, ks)).map(|(rel, _, o)| (rel, o)).collect();
    match fitting.as_slice() {
        [(rel, order)] => Some((Measure::Value(*rel), *order)),
        _ => None,
    }
}

/// A relation noun naming a number or date ("parameters", "population")
/// at the start of the words: its measure and the words it takes.
fn measure_noun(r: &Reader, words: &[String], dated: bool) -> Option<(Vec<RelId>, usize)> {
    if words.is_empty() {
        return None;
    }
    let plain: Vec<&str> = words.iter().map(String::as_str).collect();
    let (ms, used) = r.phrase_at(&plain, &plain)?;
    let mut rels: Vec<RelId> = ms
        .iter()
        .filter(|m| matches!(m.role, Role::ObjectNoun))
        .map(|m| m.rel)
        .filter(|rel| match r.cat.lex.rel(*rel).value {
            ValueType::Date => true,
            ValueType::Number => !dated,
            _ => false,
        })
        .collect();
    rels.sort();
    rels.dedup();
    (!rels.is_empty()).then_some((rels, used))
}

/// The one of a noun's relations that measures members of these kinds
/// ("area": a state's, not a lake's).
fn pick_measure(r: &Reader, rels: &[RelId], members: &[String]) -> R<Measure> {
    let fitting: Vec<RelId> = rels.iter().copied().filter(|rel| chain::fits(members, &r.cat.lex.rel(*rel).subject)).collect();
    match fitting.as_slice() {
        [one] => Ok(Measure::Value(*one)),
        _ => Err(NotUnderstood::NoReading),
    }
}

/// The measure a relation phrase gives members on one side: a number or
/// date relation's value, else when the members' facts happened (for
/// earliest and latest) or how many values they have (most, least).
fn measure_of_phrase(r: &Reader, ms: &[lexer::Mention], members: &[String], g: Generic, with: Option<String>) -> Option<Measure> {
    let mut out: Vec<Measure> = Vec::new();
    for m in ms {
        let relation = r.cat.lex.rel(m.rel);
        // Which side of the fact the members stand on.
        let member_is_subject = matches!(m.role, Role::Verb | Role::SubjectNoun);
        let side_kinds = if member_is_subject { relation.subject.clone() } else { chain::kinds_at(r, m.rel, true) };
        if !chain::fits(members, &side_kinds) {
            continue;
        }
        let measure = match (relation.value, member_is_subject, g.dated()) {
            (ValueType::Date, true, _) | (ValueType::Number, true, false) => Measure::Value(m.rel),
            (ValueType::Entity, _, true) => Measure::Date { rel: m.rel, dir: if member_is_subject { Dir::ToObject } else { Dir::ToSubject }, with: with.clone() },
            (ValueType::Entity, _, false) => Measure::Count(m.rel, if member_is_subject { Dir::ToObject } else { Dir::ToSubject }, None),
            _ => continue,
        };
        if !out.contains(&measure) {
            out.push(measure);
        }
    }
    // "What happened first": the event's date, not where it happened.
    if g.dated() {
        prefer_own_date(r, &mut out);
    }
    match out.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// "What's the combined parameter count of A and B?": the total of the
/// measure over the members the rest of the question names.
fn total(r: &Reader, words: &[String], found: &[Found], conv: &Conversation) -> Option<R<Query>> {
    let f = found.iter().find(|f| f.generic() == Some(Generic::Total) && f.words.len() == 1)?;
    if found.len() > 1 {
        return Some(Err(NotUnderstood::NoReading));
    }
    // "the combined parameters of A and B": the noun, "of", the members.
    if let Some((rels, used)) = measure_noun(r, &words[f.end()..], false) {
        let after = &words[f.end() + used..];
        if after.first().is_some_and(|w| one_of(&r.lang.degree.of, w)) && after.len() > 1 {
            let mut members: Option<Set> = None;
            for part in after[1..].split(|w| one_of(&r.lang.degree.and, w)) {
                let s = match read_set(r, part, conv) {
                    Ok(s) => s,
                    Err(e) => return Some(Err(e)),
                };
                members = Some(match members {
                    Some(m) => Set::Or(Box::new(m), Box::new(s)),
                    None => s,
                });
            }
            let read = members.map(|m| pick_measure(r, &rels, &kinds(r, &m)).map(|by| Query { ask: Ask::Total(m, by), past: false }));
            // "The total area of the US" is not the US's own: below.
            if matches!(read, Some(Ok(_))) {
                return read;
            }
        }
    }
    let mut rest: Vec<String> = words[..f.at].to_vec();
    rest.extend(words[f.end()..].iter().cloned());
    // "The total area of the US": a number noun of one kind and a place,
    // the sum over the members of that kind there.
    let toks = toks_of(r, &rest);
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List)).collect();
    if let [Tok::Rel(ms, _), Tok::Prep(lexer::Prep::Of | lexer::Prep::In), place @ Tok::Ent(..)] = content.as_slice() {
        for m in ms.iter().filter(|m| m.role == Role::ObjectNoun && r.cat.lex.rel(m.rel).value == ValueType::Number) {
            let [k] = r.cat.lex.rel(m.rel).subject.as_slice() else { continue };
            if let Some(members) = kind_in_place(r, &[Tok::Kind(k.clone()), Tok::Prep(lexer::Prep::In), (*place).clone()]) {
                return Some(Ok(Query { ask: Ask::Total(members, Measure::Value(m.rel)), past: false }));
            }
        }
    }
    Some(read_set(r, &rest, conv).and_then(|s| match s {
        Set::Join { rel, dir: Dir::ToObject, of, .. } if r.cat.lex.rel(rel).value == ValueType::Number => {
            let members = match *of {
                // "the parameters of A and B": both, each counted.
                Set::And(a, b) => Set::Or(a, b),
                other => other,
            };
            Ok(Query { ask: Ask::Total(members, Measure::Value(rel)), past: false })
        }
        _ => Err(NotUnderstood::NoReading),
    }))
}

/// "Which came out first, GPT-3 or M6?", "Who was Alibaba's CEO first,
/// Eddie Wu or Daniel Zhang?": the superlative over the alternatives named.
fn alternatives(r: &Reader, text: &str, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    let is_or = |w: &str| one_of(&r.lang.degree.or, w);
    let or = words.iter().rposition(|w| is_or(w))?;
    // The alternatives follow the last comma before "or", or the degree word.
    let (head, alts): (Vec<String>, Vec<String>) = match text.rfind([',', ':']) {
        Some(c) if r.clean(&text[c + 1..]).split(' ').any(is_or) => {
            let head: Vec<String> = r.clean(&text[..c]).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
            let alts: Vec<String> = r.clean(&text[c + 1..]).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
            (head, alts)
        }
        _ => {
            let f = found.iter().rfind(|f| f.end() < or)?;
            (words[..f.end()].to_vec(), words[f.end()..].to_vec())
        }
    };
    // The degree word is in the head.
    let head_found: Vec<&Found> = found.iter().filter(|f| words.get(f.at..f.end()).is_some_and(|p| head.windows(f.len).any(|w| w == p))).collect();
    let [f] = head_found.as_slice() else { return None };
    let at = head.windows(f.len).position(|w| w == &words[f.at..f.end()])?;
    let parts: Vec<Vec<String>> = alts.split(|w| is_or(w)).map(|p| p.to_vec()).collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    // Each alternative is a name, or something that happened to one
    // ("the scrapping of the cloud IPO"), dated by a measure of its own.
    let mut sets = Vec::new();
    let mut own: Vec<Option<(String, Measure)>> = Vec::new();
    for p in &parts {
        if let Some((id, m)) = happening(r, p) {
            sets.push(Set::Entity(id.clone()));
            own.push(Some((id, m)));
            continue;
        }
        match read_set(r, p, conv) {
            // Two names side by side are not one alternative.
            Ok(Set::And(a, b)) if matches!((a.as_ref(), b.as_ref()), (Set::Entity(_), Set::Entity(_))) => return Some(Err(NotUnderstood::NoReading)),
            Ok(s) => sets.push(s),
            Err(e) => return Some(Err(e)),
        }
        own.push(None);
    }
    // The head's measure is for the alternatives without one of their own.
    let members: Vec<String> = sets.iter().zip(&own).filter(|(_, o)| o.is_none()).flat_map(|(s, _)| kinds(r, s)).collect();
    let head_measure = if own.iter().all(Option::is_some) {
        let order = f.generic().filter(|g| g.dated()).and_then(Generic::order);
        let rest = toks_of(r, &head.iter().enumerate().filter(|(i, _)| *i < at || *i >= at + f.len).map(|(_, w)| w.clone()).collect::<Vec<_>>());
        match order {
            Some(order) if rest.iter().all(|t| matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::Rel(..))) => Ok((Measure::Each(vec![]), order)),
            _ => Err(NotUnderstood::NoReading),
        }
    } else {
        alternatives_measure(r, f, &head, at, &members)
    };
    let (by, order) = match head_measure {
        Ok(found) => found,
        Err(e) => return Some(Err(e)),
    };
    let by = if own.iter().all(Option::is_none) {
        by
    } else {
        let mut each = Vec::new();
        for (s, o) in sets.iter().zip(own) {
            match (o, s) {
                (Some(mine), _) => each.push(mine),
                (None, Set::Entity(e)) => each.push((e.clone(), by.clone())),
                // A kind among happenings: measured how?
                (None, _) => return Some(Err(NotUnderstood::NoReading)),
            }
        }
        Measure::Each(each)
    };
    let one_of = sets.into_iter().reduce(|a, b| Set::Or(Box::new(a), Box::new(b)))?;
    Some(Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(one_of), by, order }), past }))
}

/// The measure the head of "which came out first, A or B" gives the
/// alternatives: the noun after the degree word ("which has more
/// parameters"), else the adjective or relation phrase of the head.
fn alternatives_measure(r: &Reader, f: &Found, head: &[String], at: usize, members: &[String]) -> R<(Measure, Order)> {
    if let (Some(order), Some((rels, used))) = (f.generic().and_then(Generic::order), measure_noun(r, &head[at + f.len..], f.generic().is_some_and(Generic::dated))) {
        let by = pick_measure(r, &rels, members)?;
        let others: Vec<String> = head[..at].iter().chain(&head[at + f.len + used..]).cloned().collect();
        let toks = toks_of(r, &others);
        let (rel, _) = by.relation();
        let asks_nothing = toks.iter().all(|t| match t {
            Tok::Wh(_) | Tok::Aux(_) => true,
            Tok::Rel(ms, _) => ms.iter().any(|m| m.rel == rel),
            _ => false,
        });
        if asks_nothing {
            return Ok((by, order));
        }
    }
    let rest: Vec<String> = head[..at].iter().chain(&head[at + f.len..]).cloned().collect();
    measure_in(r, f, &rest, members, true)
}

/// An alternative told of as something that happened to a named thing,
/// with the measure that dates it: "the scrapping of the cloud IPO" (when
/// it was scrapped), "the launch of GPT-3" (its release date). None for a
/// plain name, or when more than one reading dates it.
pub(super) fn happening(r: &Reader, words: &[String]) -> Option<(String, Measure)> {
    let toks = toks_of(r, words);
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_))).collect();
    let (ms, id) = match content.as_slice() {
        [Tok::Rel(ms, _), Tok::Prep(lexer::Prep::Of), Tok::Ent(ids, _)] | [Tok::Ent(ids, _), Tok::Rel(ms, _)] if ids.len() == 1 => (ms, ids[0].clone()),
        _ => return None,
    };
    let kind = r.cat.kind(&id)?.to_string();
    let mut found: Vec<Measure> = Vec::new();
    for m in ms {
        let rel = r.cat.lex.rel(m.rel);
        let on_object = chain::kinds_at(r, m.rel, true).contains(&kind);
        let on_subject = rel.subject.contains(&kind);
        let measure = match (m.role, rel.value) {
            // Its own date: "the launch of GPT-3".
            (Role::Verb | Role::ObjectNoun, ValueType::Date) if on_subject => Measure::Value(m.rel),
            // What the act was done to: "the scrapping of the IPO".
            (Role::Verb, ValueType::Entity) if on_object => Measure::Date { rel: m.rel, dir: Dir::ToSubject, with: None },
            (Role::InverseVerb, ValueType::Entity) if on_subject => Measure::Date { rel: m.rel, dir: Dir::ToObject, with: None },
            // Who did it, of a verb that takes no such object: "the
            // departure of Jia".
            (Role::Verb, ValueType::Entity) if on_subject => Measure::Date { rel: m.rel, dir: Dir::ToObject, with: None },
            _ => continue,
        };
        if !found.contains(&measure) {
            found.push(measure);
        }
    }
    prefer_own_date(r, &mut found);
    match found.as_slice() {
        [one] => Some((id, one.clone())),
        _ => None,
    }
}

/// Of several measures of a dated degree, a relation whose value is the
/// date itself ("occurred on", "released") goes before the dates of
/// another relation's facts ("occurred in", "made by").
fn prefer_own_date(r: &Reader, found: &mut Vec<Measure>) {
    let own_date = |m: &Measure| matches!(m, Measure::Value(rel) if r.cat.lex.rel(*rel).value == ValueType::Date);
    if found.len() > 1 && found.iter().filter(|m| own_date(m)).count() == 1 {
        found.retain(own_date);
    }
}

/// The measure and order a degree phrase gives, with the rest of a
/// clause ("which came out", "who was Alibaba's CEO"): an adjective of
/// the members' kinds, or the one relation phrase there. Every other word
/// of the rest must ask nothing.
fn measure_in(r: &Reader, f: &Found, rest: &[String], members: &[String], superlative: bool) -> R<(Measure, Order)> {
    let toks = toks_of(r, rest);
    let rels: Vec<&Vec<lexer::Mention>> = toks.iter().filter_map(|t| if let Tok::Rel(ms, _) = t { Some(ms) } else { None }).collect();
    let names: Vec<&Vec<String>> = toks.iter().filter_map(|t| if let Tok::Ent(ids, _) = t { Some(ids) } else { None }).collect();
    if let Some(t) = toks.iter().find(|t| matches!(t, Tok::Unknown(_) | Tok::Num(..) | Tok::Date(_) | Tok::Not)) {
        let word = if let Tok::Unknown(w) = t { w.clone() } else { format!("{t:?}") };
        return Err(NotUnderstood::Unexplained(guard::Gap { missing: vec![word], understood: vec![] }));
    }
    if rels.is_empty() && names.is_empty() {
        if let Some(found) = adjective_for(f, superlative, members).or_else(|| adjective_for(f, !superlative, members)) {
            return Ok(found);
        }
    }
    let g = f.generic().ok_or(NotUnderstood::NoReading)?;
    let order = g.order().ok_or(NotUnderstood::NoReading)?;
    let with = match names.as_slice() {
        [] => None,
        [ids] if ids.len() == 1 => Some(ids[0].clone()),
        _ => return Err(NotUnderstood::NoReading),
    };
    let [ms] = rels.as_slice() else { return Err(NotUnderstood::NoReading) };
    let by = measure_of_phrase(r, ms, members, g, with).ok_or(NotUnderstood::NoReading)?;
    Ok((by, order))
}

/// "Is Ernie Bot bigger than GPT-3?", "Does GPT-3 have more parameters
/// than M6?": a yes/no comparison of two measures.
fn yes_no(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    if !matches!(lexer::aux_word(&words.first()?.clone()), Ok(("", _))) {
        return None;
    }
    let than = found.iter().find(|f| f.generic() == Some(Generic::Than))?;
    let cmp = found.iter().rfind(|f| f.end() <= than.at && f.generic() != Some(Generic::Than))?;
    let after_cmp = &words[cmp.end()..than.at];
    let b = read_set(r, &words[than.end()..], conv);
    let (a_words, measure) = if after_cmp.is_empty() {
        // "bigger than": the adjective's own measure.
        (&words[1..cmp.at], None)
    } else {
        // "more parameters than": the noun's.
        let dated = cmp.generic().is_some_and(Generic::dated);
        let Some((rels, used)) = measure_noun(r, after_cmp, dated) else { return Some(Err(NotUnderstood::NoReading)) };
        if used != after_cmp.len() {
            return Some(Err(NotUnderstood::NoReading));
        }
        let mut end = cmp.at;
        while end > 1 && one_of(&r.lang.light_verbs, &words[end - 1]) {
            end -= 1;
        }
        (&words[1..end], Some(rels))
    };
    let a = read_set(r, a_words, conv);
    Some(a.and_then(|a| {
        let b = b?;
        unlike_readings(r, &a, &b)?;
        let (by, order) = match measure {
            Some(rels) => (pick_measure(r, &rels, &kinds(r, &a))?, cmp.generic().and_then(Generic::order).ok_or(NotUnderstood::NoReading)?),
            None => adjective_for(cmp, false, &kinds(r, &a)).ok_or(NotUnderstood::NoReading)?,
        };
        let cmp = if order == Order::Most { Cmp::More } else { Cmp::Less };
        let set = Set::Compared { of: Box::new(a.clone()), by, cmp, than: Box::new(b) };
        Ok(Query { ask: Ask::Check { item: a, set }, past })
    }))
}

/// "Which states have a city with more than a million people", "states
/// that have a capital city larger than 500,000": a comparison said of the
/// noun just before it (the degree phrase at `at`, ending at `end`), which
/// is not what the question asks for, is read with that noun as a set of
/// its own (`inner` makes it) and put in place in the rest of the
/// question. None when the noun before it is the question's head.
fn said_of_inner_noun(r: &Reader, words: &[String], at: usize, end: usize, conv: &Conversation, inner: &dyn Fn(Set) -> R<Set>) -> Option<R<Query>> {
    let mut k = at;
    while k > 0 && linking(r, &words[k - 1]) {
        k -= 1;
    }
    let s = (1..k).find(|&s| matches!(toks_of(r, &words[s..k]).as_slice(), [Tok::Kind(_)] | [Tok::Rel(..)]))?;
    let head = toks_of(r, &words[..s]).iter().any(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List));
    if !head {
        return None;
    }
    let depth = words.iter().filter(|w| w.starts_with(VAR)).count();
    Some(read_set(r, &words[s..k], conv).and_then(|set| {
        let set = inner(set)?;
        let [kind] = &kinds(r, &set)[..] else { return Err(NotUnderstood::NoReading) };
        let var = format!("{VAR}{depth}:{kind}");
        let mut outer: Vec<String> = words[..s].to_vec();
        outer.push(var.clone());
        outer.extend(words[end..].iter().cloned());
        read_bound(r, &outer, &var, &set, conv).ok_or(NotUnderstood::NoReading)
    }))
}

/// "Is Washington bigger than Maine?": where a name shared by a city and
/// a state is read each way in turn, the reading that compares things of
/// two kinds is not one the question means (Washington the state is).
fn unlike_readings(r: &Reader, a: &Set, b: &Set) -> R<()> {
    let (ka, kb) = (kinds(r, a), kinds(r, b));
    if r.pinned() && !ka.is_empty() && !kb.is_empty() && !ka.iter().any(|k| kb.contains(k)) {
        return Err(NotUnderstood::NoReading);
    }
    Ok(())
}

/// "The models with over 100 billion parameters": the members whose
/// measure passes a number.
fn bound(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    let f = found.iter().find(|f| matches!(f.generic(), Some(Generic::Over | Generic::Under)))?;
    let after = words[f.end()..].join(" ");
    let toks = r.tokens(&after);
    let Some(Tok::Num(n, money)) = toks.first() else { return None };
    // The number's words (the most that still read as this one number),
    // then the noun.
    let left = words.len() - f.end();
    let num_words = (1..=left).filter(|&k| matches!(toks_of(r, &words[f.end()..f.end() + k]).as_slice(), [Tok::Num(m, _)] if m == n)).max()?;
    let noun_at = f.end() + num_words;
    let Some((rels, used)) = measure_noun(r, &words[noun_at..], false) else { return Some(Err(NotUnderstood::NoReading)) };
    let cmp = if f.generic() == Some(Generic::Over) { Cmp::More } else { Cmp::Less };
    let limit = Set::Literal(Value::Number { amount: *n, money: *money });
    // "Which states have a city with more than a million people": the
    // bound is said of the noun before it, which is not what the question
    // asks for; that noun and its bound are read as a set of their own,
    // put in place in the rest of the question.
    let inner = |set: Set| -> R<Set> {
        let by = pick_measure(r, &rels, &kinds(r, &set))?;
        Ok(Set::Compared { of: Box::new(set), by, cmp, than: Box::new(limit.clone()) })
    };
    if let Some(reading) = said_of_inner_noun(r, words, f.at, noun_at + used, conv, &inner) {
        return Some(reading);
    }
    let rest = without(r, words, f.at, noun_at + used);
    Some(read_set(r, &rest, conv).and_then(|s| {
        let by = pick_measure(r, &rels, &kinds(r, &s))?;
        Ok(Query { ask: Ask::Values(Set::Compared { of: Box::new(s), by, cmp, than: Box::new(limit) }), past })
    }))
}

/// "Rivers longer than the Mississippi": the members whose measure is
/// more or less than one named thing's.
fn than_filter(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    let than = found.iter().find(|f| f.generic() == Some(Generic::Than))?;
    let cmp = found.iter().rfind(|f| f.end() == than.at)?;
    let rest = without(r, words, cmp.at, cmp.end());
    let rest: Vec<String> = rest[..rest.len() - (words.len() - than.at)].to_vec();
    let b = read_set(r, &words[than.end()..], conv);
    if let Ok(b) = &b {
        let inner = |set: Set| -> R<Set> {
            unlike_readings(r, &set, b)?;
            let (by, order) = adjective_for(cmp, false, &kinds(r, &set)).ok_or(NotUnderstood::NoReading)?;
            let cmp = if order == Order::Most { Cmp::More } else { Cmp::Less };
            Ok(Set::Compared { of: Box::new(set), by, cmp, than: Box::new(b.clone()) })
        };
        if let Some(reading) = said_of_inner_noun(r, words, cmp.at, words.len(), conv, &inner) {
            return Some(reading);
        }
    }
    let s = read_set(r, &rest, conv);
    Some(s.and_then(|s| {
        let b = b?;
        unlike_readings(r, &s, &b)?;
        let (by, order) = adjective_for(cmp, false, &kinds(r, &s)).ok_or(NotUnderstood::NoReading)?;
        let cmp = if order == Order::Most { Cmp::More } else { Cmp::Less };
        Ok(Query { ask: Ask::Values(Set::Compared { of: Box::new(s), by, cmp, than: Box::new(b) }), past })
    }))
}

/// "Which model has the most parameters?", "the biggest model", "who left
/// Alibaba first?", "which state borders the most states?".
fn superlative(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    let [f] = found else { return None };
    let g = f.generic();
    let superlative_word = matches!(g, Some(Generic::Most | Generic::Least | Generic::Earliest | Generic::Latest)) || f.adjectives(true).next().is_some();
    if !superlative_word {
        return None;
    }
    if let Some(reading) = through(r, words, f, conv, past) {
        return Some(reading);
    }
    // "the smallest state by area", "the largest city in Minnesota by
    // population": the noun after "by" says what is measured.
    let order_said = g.and_then(Generic::order).or_else(|| f.adjectives(true).next().map(|(_, _, o)| o));
    if let (Some(order), Some(b)) = (order_said, words.iter().rposition(|w| one_of(&r.lang.degree.by, w)).filter(|&b| b > f.end())) {
        if let Some((rels, _)) = measure_noun(r, &words[b + 1..], g.is_some_and(Generic::dated)).filter(|(_, used)| b + 1 + used == words.len()) {
            let rest = without(r, &words[..b], f.at, f.end());
            return Some(read_set(r, &rest, conv).and_then(|s| {
                let by = pick_measure(r, &rels, &kinds(r, &s))?;
                Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past })
            }));
        }
    }
    // "The state with the sparsest population density", "the highest
    // elevation in Texas": an adjective and a noun of its own measure.
    if let Some(reading) = adjective_and_measure(r, words, f, conv, past) {
        return Some(reading);
    }
    // "the most parameters", "the largest population": the noun's measure.
    if let Some(order) = g.and_then(Generic::order) {
        if let Some((rels, used)) = measure_noun(r, &words[f.end()..], g.is_some_and(Generic::dated)) {
            let rest = without(r, words, f.at, f.end() + used);
            return Some(read_set(r, &rest, conv).and_then(|s| {
                let by = pick_measure(r, &rels, &kinds(r, &s))?;
                Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past })
            }));
        }
    }
    let rest = without(r, words, f.at, f.end());
    // "the biggest model": the adjective's measure for the members' kinds.
    if f.adjectives(true).next().is_some() {
        return Some(read_set(r, &rest, conv).and_then(|s| {
            let (by, order) = adjective_for(f, true, &kinds(r, &s)).ok_or(NotUnderstood::NoReading)?;
            Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past })
        }));
    }
    let order = g?.order()?;
    if f.end() == words.len() {
        // "Which model came out last?": the set before the verb, measured
        // by it.
        if let Some(reading) = measured_by_verb(r, &rest, conv, g?) {
            return Some(reading.map(|(s, by)| Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past }));
        }
    }
    if g.is_some_and(Generic::dated) && f.end() == words.len() {
        // "Who left Alibaba first?": when each member's fact began.
        return Some(read_set(r, &rest, conv).and_then(|s| {
            let by = match &s {
                Set::Join { rel, dir, of, .. } if r.cat.lex.rel(*rel).value == ValueType::Entity => {
                    let with = if let Set::Entity(e) = of.as_ref() { Some(e.clone()) } else { None };
                    Measure::Date { rel: *rel, dir: dir.reverse(), with }
                }
                _ => return Err(NotUnderstood::NoReading),
            };
            Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past })
        }));
    }
    // "Which state borders the most states?": how many values the verb
    // before the degree word gives each member.
    if matches!(g, Some(Generic::Most | Generic::Least)) {
        // The counted: a kind ("states"), a class ("major rivers"), after
        // "number of" or not ("the most number of states").
        let counted_toks = toks_of(r, &words[f.end()..]);
        let counted = match counted_toks.as_slice() {
            [t] | [Tok::Wh(lexer::Wh::HowMany), t] => group(r, t).map(|(set, k)| (if let Set::Members(c) = set { Some(c) } else { None }, k)),
            _ => None,
        };
        if let Some((class, k)) = &counted {
            // Counted only among the values of the kind (a state has lakes
            // and cities in it) or members of the class.
            let only = |other_side: &[String]| -> Option<Option<String>> {
                match class {
                    Some(c) if other_side.contains(k) => Some(Some(c.clone())),
                    Some(_) => None,
                    None if counts_only(other_side, k) => Some(None),
                    None if other_side.contains(k) => Some(Some(k.clone())),
                    None => None,
                }
            };
            let mut before = f.at;
            while before > 0 && linking(r, &words[before - 1]) {
                before -= 1;
            }
            let head = toks_of(r, &words[..before]);
            if let Some(Tok::Rel(ms, surface)) = head.last() {
                let used = surface.split(' ').count();
                // "the state that borders ...": the relative word links.
                let mut set_end = before.saturating_sub(used);
                while set_end > 1 && linking(r, &words[set_end - 1]) {
                    set_end -= 1;
                }
                let set_words = &words[..set_end];
                return Some(read_set(r, set_words, conv).and_then(|s| {
                    let members = kinds(r, &s);
                    let fitting: Vec<Measure> = ms
                        .iter()
                        .filter(|m| m.role.verb() && r.cat.lex.rel(m.rel).value == ValueType::Entity)
                        .filter_map(|m| {
                            let dir = if m.role == Role::Verb { Dir::ToObject } else { Dir::ToSubject };
                            let (member_side, other_side) = (chain::kinds_at(r, m.rel, dir == Dir::ToSubject), chain::kinds_at(r, m.rel, dir == Dir::ToObject));
                            // A count of all the relation's values counts
                            // only things of the kind asked.
                            let of = only(&other_side)?;
                            chain::fits(&members, &member_side).then_some(Measure::Count(m.rel, dir, of))
                        })
                        .collect();
                    let [by] = fitting.as_slice() else { return Err(NotUnderstood::NoReading) };
                    Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by: by.clone(), order }), past })
                }));
            }
            // "Which state has the most rivers?", "the state with the most
            // rivers": the one relation between the two kinds.
            if before < f.at {
                return Some(read_set(r, &words[..before], conv).and_then(|s| {
                    let [member] = &kinds(r, &s)[..] else { return Err(NotUnderstood::NoReading) };
                    let (rel, dir) = relation_between(r, member, k).ok_or(NotUnderstood::NoReading)?;
                    let of = only(&chain::kinds_at(r, rel, dir == Dir::ToObject)).ok_or(NotUnderstood::NoReading)?;
                    Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by: Measure::Count(rel, dir, of), order }), past })
                }));
            }
        }
    }
    None
}

/// A relation noun at the start of the words that gives its subject one
/// entity ("capital", "highest point"): the relation and the words it
/// takes.
fn one_value_noun(r: &Reader, words: &[String]) -> Option<(RelId, usize)> {
    if words.is_empty() {
        return None;
    }
    let plain: Vec<&str> = words.iter().map(String::as_str).collect();
    let (ms, used) = r.phrase_at(&plain, &plain)?;
    let rels: Vec<RelId> = ms
        .iter()
        .filter(|m| m.role == Role::ObjectNoun)
        .map(|m| m.rel)
        .filter(|rel| {
            let relation = r.cat.lex.rel(*rel);
            relation.value == ValueType::Entity && relation.single == crate::knowledge::lexicon::Single::Object
        })
        .collect();
    match rels.as_slice() {
        [rel] => Some((*rel, used)),
        _ => None,
    }
}

/// "(the state) whose capital (has) ⟨the largest⟩": a relation noun of one
/// value after a word of having, with only linking words between it and
/// the degree phrase at `at`. The having word's index and the relation.
fn owned_noun_before(r: &Reader, words: &[String], at: usize) -> Option<(usize, RelId)> {
    let mut end = at;
    while end > 0 && linking(r, &words[end - 1]) {
        end -= 1;
    }
    (1..end).rev().find_map(|w| {
        let (rel, used) = one_value_noun(r, &words[w..end])?;
        (w + used == end && one_of(&r.lang.degree.having, &words[w - 1])).then_some((w - 1, rel))
    })
}

/// "The state with the lowest highest point", "which state has the
/// largest capital", "the state whose capital has the most people": the
/// members, each measured through the one value a relation noun gives it
/// (a state by its highest point's elevation), not that value itself.
/// None when the words are not so.
fn through(r: &Reader, words: &[String], f: &Found, conv: &Conversation, past: bool) -> Option<R<Query>> {
    let having = |w: &String| one_of(&r.lang.degree.having, w);
    let article = |w: &String| linking(r, w) && !having(w) && r.tokens(w).is_empty();
    let order_said = f.generic().and_then(Generic::order);
    let mut start = f.at;
    while start > 0 && article(&words[start - 1]) {
        start -= 1;
    }
    // "... with the lowest highest point": the noun after the degree word.
    // "Which state bordering Ohio has the lowest point": the noun that
    // begins with it, by its own measure.
    if start > 1 && having(&words[start - 1]) {
        let noun = one_value_noun(r, &words[f.end()..])
            .filter(|(_, used)| f.end() + used == words.len())
            .or_else(|| one_value_noun(r, &words[f.at..]).filter(|(_, used)| f.at + used == words.len()));
        if let Some((rel, _)) = noun {
            let set_words = &words[..start - 1];
            let measured = adjective_for(f, true, &r.cat.lex.rel(rel).object);
            return Some(read_set(r, set_words, conv).and_then(|s| extreme_through(r, s, rel, measured, past)));
        }
    }
    // "... whose capital has the largest population", "... whose capital
    // is the largest": the noun before it.
    let (w, rel) = owned_noun_before(r, words, f.at)?;
    let mut set_end = w;
    while set_end > 1 && article(&words[set_end - 1]) {
        set_end -= 1;
    }
    let relation = r.cat.lex.rel(rel);
    let measured = if f.end() == words.len() {
        adjective_for(f, true, &relation.object)
    } else {
        let (rels, used) = measure_noun(r, &words[f.end()..], f.generic().is_some_and(Generic::dated))?;
        if f.end() + used != words.len() {
            return None;
        }
        let order = order_said?;
        pick_measure(r, &rels, &relation.object).ok().map(|m| (m, order))
    };
    Some(read_set(r, &words[..set_end], conv).and_then(|s| extreme_through(r, s, rel, measured, past)))
}

/// The extreme of a set by a measure of the one value `rel` gives each
/// member, when the members are the relation's subjects.
fn extreme_through(r: &Reader, s: Set, rel: RelId, measured: Option<(Measure, Order)>, past: bool) -> R<Query> {
    if !chain::fits(&kinds(r, &s), &r.cat.lex.rel(rel).subject) {
        return Err(NotUnderstood::NoReading);
    }
    let (then, order) = measured.ok_or(NotUnderstood::NoReading)?;
    let by = Measure::Through { rel, dir: Dir::ToObject, then: Box::new(then) };
    Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s), by, order }), past })
}

/// The one superlative adjective of a degree phrase whose measure the
/// noun after it names ("highest elevation"), with the words the noun
/// takes.
fn own_measure(r: &Reader, words: &[String], f: &Found) -> Option<(RelId, Order, usize)> {
    let (rels, used) = measure_noun(r, &words[f.end()..], false)?;
    let fitting: Vec<(RelId, Order)> = f.adjectives(true).filter(|(rel, _, _)| rels.contains(rel)).map(|(rel, _, o)| (rel, o)).collect();
    match fitting.as_slice() {
        [(rel, order)] => Some((*rel, *order, used)),
        _ => None,
    }
}

/// "What state has the sparsest population density?": the extreme of the
/// set the other words name, by the measure. "What is the highest
/// elevation in Texas?": with no set named but a place, the measure of
/// the extreme of everything there that has it.
fn adjective_and_measure(r: &Reader, words: &[String], f: &Found, conv: &Conversation, past: bool) -> Option<R<Query>> {
    let (rel, order, used) = own_measure(r, words, f)?;
    let by = Measure::Value(rel);
    let rest = without(r, words, f.at, f.end() + used);
    let set = read_set(r, &rest, conv);
    if let Ok(s) = &set {
        if chain::fits(&kinds(r, s), &r.cat.lex.rel(rel).subject) && !matches!(s, Set::Entity(_)) {
            return Some(Ok(Query { ask: Ask::Values(Set::Extreme { of: Box::new(s.clone()), by, order }), past }));
        }
    }
    let Some(of) = implied_set(r, rel, &toks_of(r, &rest)) else {
        return Some(set.and(Err(NotUnderstood::NoReading)));
    };
    let extreme = Set::Extreme { of: Box::new(of), by, order };
    Some(Ok(Query { ask: Ask::Values(Set::Join { rel, dir: Dir::ToObject, of: Box::new(extreme), time: Time::Any }), past }))
}

/// Everything that has a measure ("what is the highest elevation"), or
/// everything in a place that has it ("... in Texas"): of every kind the
/// relation measures, where the store holds the kind whole.
fn implied_set(r: &Reader, rel: RelId, toks: &[Tok]) -> Option<Set> {
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List)).collect();
    let subjects = &r.cat.lex.rel(rel).subject;
    if subjects.is_empty() || !subjects.iter().all(|k| r.cat.lex.complete_kinds.contains(k)) {
        return None;
    }
    let parts: Vec<Set> = match content.as_slice() {
        [] => subjects.iter().map(|k| Set::All(k.clone())).collect(),
        [Tok::Prep(lexer::Prep::In | lexer::Prep::Of), place @ Tok::Ent(..)] => {
            subjects.iter().map(|k| kind_in_place(r, &[Tok::Kind(k.clone()), Tok::Prep(lexer::Prep::In), (*place).clone()])).collect::<Option<Vec<Set>>>()?
        }
        _ => return None,
    };
    parts.into_iter().reduce(|a, b| Set::Or(Box::new(a), Box::new(b)))
}

/// Whether every value on a side of a relation is of the kind counted
/// (an empty side, undeclared, is not known to be).
fn counts_only(side: &[String], k: &str) -> bool {
    !side.is_empty() && side.iter().all(|x| x == k)
}

/// "which model came out", "zhou chang left alibaba": a set, then a
/// relation phrase that measures its members (a number or date relation of
/// theirs, or when their facts of the phrase happened), then perhaps the
/// name on the facts' other side.
fn measured_by_verb(r: &Reader, words: &[String], conv: &Conversation, g: Generic) -> Option<R<(Set, Measure)>> {
    let toks = toks_of(r, words);
    let (with, verb_at) = match toks.as_slice() {
        [.., Tok::Rel(..), Tok::Ent(ids, surface)] if ids.len() == 1 => (Some((ids[0].clone(), surface.split(' ').count())), toks.len() - 2),
        [.., Tok::Rel(..)] => (None, toks.len() - 1),
        _ => return None,
    };
    let Tok::Rel(ms, surface) = &toks[verb_at] else { return None };
    if toks.iter().filter(|t| matches!(t, Tok::Rel(..))).count() != 1 {
        return None;
    }
    let tail = surface.split(' ').count() + with.as_ref().map_or(0, |(_, n)| *n);
    if tail > words.len() {
        return None;
    }
    let s = read_set(r, &words[..words.len() - tail], conv).ok()?;
    let members = kinds(r, &s);
    // A verb of the members themselves; facts with a name after it are
    // dated, never counted.
    let owned: Vec<lexer::Mention> = ms
        .iter()
        .filter(|m| m.role == Role::Verb && (matches!(r.cat.lex.rel(m.rel).value, ValueType::Date | ValueType::Number) || (with.is_some() && g.dated())))
        .copied()
        .collect();
    let by = measure_of_phrase(r, &owned, &members, g, with.map(|(id, _)| id))?;
    Some(Ok((s, by)))
}

/// "Was GPT-3 released before M6?", "Did Daniel Zhang become CEO after
/// Eddie Wu?": whether one member's date comes before or after another's.
fn yes_no_order(r: &Reader, words: &[String], found: &[Found], conv: &Conversation, past: bool) -> Option<R<Query>> {
    if !matches!(lexer::aux_word(words.first()?), Ok(("", _))) {
        return None;
    }
    let [f] = found else { return None };
    let g = f.generic().filter(|g| matches!(g, Generic::Before | Generic::After))?;
    let (a, by) = match measured_by_verb(r, &words[1..f.at], conv, g) {
        Some(Ok(found)) => found,
        Some(Err(e)) => return Some(Err(e)),
        None => return None,
    };
    let than = match toks_of(r, &words[f.end()..]).as_slice() {
        [Tok::Date(d)] => Set::Literal(Value::Date(*d)),
        _ => match read_set(r, &words[f.end()..], conv) {
            Ok(s) => s,
            Err(e) => return Some(Err(e)),
        },
    };
    let cmp = if g == Generic::Before { Cmp::Less } else { Cmp::More };
    let set = Set::Compared { of: Box::new(a.clone()), by, cmp, than: Box::new(than) };
    Some(Ok(Query { ask: Ask::Check { item: a, set }, past }))
}

/// "How high is Guadalupe Peak?", "how big is Texas?": the measure an
/// adjective's plain form names for the thing's kind.
fn how_much(r: &Reader, words: &[String], found: &[Found], conv: &Conversation) -> Option<R<Query>> {
    let f = found.first()?;
    if f.at != 1 || !r.lang.degree.how.iter().any(|h| *h == words[0]) {
        return None;
    }
    let bases: Vec<(RelId, &[String])> = f.words.iter().filter_map(|w| if let Word::Base { rel, kinds } = w { Some((*rel, kinds.as_slice())) } else { None }).collect();
    if bases.is_empty() || found.len() > 1 {
        return None;
    }
    let mut at = f.end();
    while words.get(at).is_some_and(|w| matches!(lexer::aux_word(w), Ok(("", _)))) {
        at += 1;
    }
    Some(read_set(r, &words[at..], conv).and_then(|s| {
        let have = kinds(r, &s);
        let fitting: Vec<RelId> = bases.iter().filter(|(_, ks)| chain::fits(&have, ks)).map(|(rel, _)| *rel).collect();
        let [rel] = fitting.as_slice() else { return Err(NotUnderstood::NoReading) };
        let past = words.get(f.end()).is_some_and(|w| matches!(lexer::aux_word(w), Ok(("", a)) if a.past()));
        Ok(Query { ask: Ask::Values(Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(s), time: Time::Any }), past })
    }))
}

/// The members a question's words name as linked to a place or a thing:
///
/// - "the rivers in Texas", "the lakes of the US", "how many rivers does
///   Alaska have": the members of a kind (or a class, "the major cities
///   in Texas") linked to the name;
/// - "the states that have the Red river", "states that have rivers",
///   "the state with the lowest point": the members of a kind linked to a
///   name or to any member of a kind.
///
/// The link is the one relation between the two kinds, a location
/// relation first when several fit. A name shared by things of several
/// kinds ("Colorado", the river and the state) is the one whose kind such
/// a relation links.
pub(crate) fn kind_in_place(r: &Reader, toks: &[Tok]) -> Option<Set> {
    use lexer::{Aux, Prep};
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::List) && !matches!(t, Tok::Aux(a) if *a != Aux::Have)).collect();
    let (head, other) = match content.as_slice() {
        // "The area of the states": a number noun over every member of a
        // kind it measures.
        [Tok::Rel(ms, _), Tok::Prep(Prep::Of), kind @ Tok::Kind(k)] => {
            let measured: Vec<RelId> = ms.iter().filter(|m| m.role == Role::ObjectNoun && r.cat.lex.rel(m.rel).value == ValueType::Number && r.cat.lex.rel(m.rel).subject.contains(k)).map(|m| m.rel).collect();
            let [rel] = measured.as_slice() else { return None };
            let (members, _) = group(r, kind)?;
            return Some(Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(members), time: Time::Any });
        }
        // "The capital of the United States" asks for one thing, the
        // country's own capital, not the capitals in it: a relation noun
        // in the singular before "of" links nothing ("the capitals of the
        // United States", "the largest capital in the US" do).
        [Tok::Rel(ms, surface), Tok::Prep(Prep::Of), _] if !plural_relation_noun(r, ms, surface) => return None,
        [head, Tok::Prep(Prep::In | Prep::Of), place] | [head, place, Tok::Aux(Aux::Have)] => (*head, *place),
        // "Texas cities": a name before a kind noun.
        [place @ Tok::Ent(..), head @ Tok::Kind(_)] => (*head, *place),
        [head, Tok::Aux(Aux::Have) | Tok::Prep(Prep::With), other] => (*head, *other),
        // "What are the states?", "list the major cities": all of them,
        // when the question asks for them.
        [head] if toks.iter().any(|t| matches!(t, Tok::Wh(lexer::Wh::What | lexer::Wh::Which | lexer::Wh::HowMany) | Tok::List)) => return head_group(r, head).map(|(s, _)| s),
        // "the rivers in the state with the highest point", "the major
        // cities in states bordering Nebraska": the place is a phrase of
        // its own, read as a set of one kind.
        [head, Tok::Prep(Prep::In | Prep::Of) | Tok::Aux(Aux::Have) | Tok::Prep(Prep::With), rest @ ..] if rest.len() > 1 && matches!(rest[0], Tok::Kind(_)) => {
            let rest: Vec<Tok> = rest.iter().map(|t| (*t).clone()).collect();
            let place = phrase_set(r, &rest)?;
            let [k] = &kinds(r, &place)[..] else { return None };
            return linked_members(r, head, vec![(place, k.clone())]);
        }
        _ => return None,
    };
    let candidates: Vec<(Set, String)> = match (other, group(r, other)) {
        (_, Some(g)) => vec![g],
        (Tok::Ent(ids, _), None) => ids.iter().filter_map(|id| r.cat.kind(id).map(|k| (Set::Entity(id.clone()), k.to_string()))).collect(),
        _ => return None,
    };
    linked_members(r, head, candidates)
}

/// "The population density of the US": a number noun of a relation the
/// lexicon declares a ratio, of a place whose kind the relation does not
/// measure: the ratio of the totals over the members of the measured kind
/// there.
pub(crate) fn ratio_in_place(r: &Reader, toks: &[Tok]) -> Option<Query> {
    let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List)).collect();
    let [Tok::Rel(ms, _), Tok::Prep(lexer::Prep::Of | lexer::Prep::In), place @ Tok::Ent(ids, _)] = content.as_slice() else { return None };
    let [id] = ids.as_slice() else { return None };
    let kind = r.cat.kind(id)?;
    let mut found = Vec::new();
    for m in ms.iter().filter(|m| m.role == Role::ObjectNoun) {
        let rel = r.cat.lex.rel(m.rel);
        let ([top, bottom], [k]) = (rel.ratio.as_slice(), rel.subject.as_slice()) else { continue };
        let (Some(top), Some(bottom)) = (r.cat.lex.relation_index(top), r.cat.lex.relation_index(bottom)) else { continue };
        // The members must lie in the place: "the population density of
        // Dallas" is not that of the state Dallas is in.
        let within = relation_between(r, k, kind).is_some_and(|(_, dir)| dir == Dir::ToObject);
        if k == kind || !within {
            continue;
        }
        let members = kind_in_place(r, &[Tok::Kind(k.clone()), Tok::Prep(lexer::Prep::In), (*place).clone()])?;
        found.push(Ask::Ratio { of: members, rel: m.rel, top, bottom });
    }
    let [ask] = <[Ask; 1]>::try_from(found).ok()?;
    Some(Query { ask, past: false })
}

/// "Which state has the most rivers running through it?", "what states
/// have rivers running through them?": a relation phrase and a pronoun at
/// the end, after "have", a kind noun and the thing had, say again the one
/// relation between the two kinds, and the pronoun is the first kind. The
/// number of words they take from the end, when they do.
pub(crate) fn back_reference(r: &Reader, toks: &[Tok]) -> Option<usize> {
    let [.., Tok::Rel(ms, surface), Tok::Pron(false, false, None)] = toks else { return None };
    let before = &toks[..toks.len() - 2];
    let have = before.iter().position(|t| matches!(t, Tok::Aux(lexer::Aux::Have)))?;
    let owner = before[..have].iter().rev().find_map(|t| group(r, t))?.1;
    let had = group(r, before.last()?)?.1;
    let (rel, dir) = relation_between(r, &had, &owner)?;
    let said = ms.iter().any(|m| m.rel == rel && m.role == if dir == Dir::ToObject { Role::Verb } else { Role::InverseVerb });
    said.then(|| surface.split(' ').count() + 1)
}

/// "How many states have a city named Springfield?", "how many rivers are
/// called Colorado?": a plural or indefinite kind noun, a naming word and
/// a name shared by things of the kind name every one of them (not one to
/// ask about); the rest of the question is read around them.
pub(crate) fn named_group(r: &Reader, plain: &str, conv: &Conversation) -> Option<R<Query>> {
    let words: Vec<String> = plain.split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let naming_at = |j: usize| r.lang.naming.iter().find(|p| phrase_at(&words, j, p)).map(|p| p.split(' ').count());
    if !(0..words.len()).any(|j| naming_at(j).is_some() || words[j] == "of") {
        return None;
    }
    for i in 1..words.len() {
        for n in (1..=3).rev().filter(|n| i + n < words.len()) {
            let [noun] = &r.tokens(&words[i..i + n].join(" "))[..] else { continue };
            // The noun's own words ("many rivers" is "rivers").
            if r.tokens(&words[i + 1..i + n].join(" ")).first() == Some(noun) {
                continue;
            }
            let Some((members, kind)) = group(r, noun) else { continue };
            let indefinite = one_of(&r.lang.indefinite, &words[i - 1]);
            if !indefinite && !plural_noun(r, &kind, &words[i + n - 1]) {
                continue;
            }
            let mut j = i + n;
            while j < words.len() && matches!(lexer::aux_word(&words[j]), Ok(("", lexer::Aux::Be))) {
                j += 1;
            }
            match naming_at(j) {
                Some(len) => j += len,
                None if indefinite && words.get(j).is_some_and(|w| w == "of") => j += 1,
                None => continue,
            }
            let Some(Tok::Ent(ids, surface)) = r.tokens(&words[j..].join(" ")).into_iter().next() else { continue };
            let named: Vec<&String> = ids.iter().filter(|id| r.cat.kind(id) == Some(kind.as_str())).collect();
            if named.is_empty() || !phrase_at(&words, j, &surface) {
                continue;
            }
            let mut set = named.iter().map(|id| Set::Entity((*id).clone())).reduce(|a, b| Set::Or(Box::new(a), Box::new(b)))?;
            if let Set::Members(class) = members {
                set = Set::MemberOf(Box::new(set), class);
            }
            let start = if indefinite { i - 1 } else { i };
            let end = j + surface.split(' ').count();
            let var = format!("{VAR}0:{kind}");
            // The question cleaned whole, with a stand-in word for the
            // things named.
            const STAND_IN: &str = "zzthingszz";
            let text = [&words[..start], &[STAND_IN.to_string()], &words[end..]].concat().join(" ");
            let outer: Vec<String> = r.clean(&text).split(' ').filter(|w| !w.is_empty()).map(|w| if w == STAND_IN { var.clone() } else { w.to_string() }).collect();
            let toks = toks_of(r, &outer);
            // "How many rivers are called Colorado?": the things named.
            if toks.iter().all(|t| matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::List | Tok::Ent(..))) && toks.iter().filter(|t| matches!(t, Tok::Ent(..))).count() == 1 {
                let ask = if toks.iter().any(|t| matches!(t, Tok::Wh(lexer::Wh::HowMany))) { Ask::Count(set) } else { Ask::Values(set) };
                return Some(Ok(Query { ask, past: false }));
            }
            if let Some(q) = read_bound(r, &outer, &var, &set, conv) {
                return Some(Ok(q));
            }
        }
    }
    None
}

/// A noun phrase of a kind and what qualifies it ("states bordering
/// Nebraska", "the state with the highest point"), read as the set it
/// names, precisely.
fn phrase_set(r: &Reader, toks: &[Tok]) -> Option<Set> {
    if let Some(s) = kind_in_place(r, toks) {
        return Some(s);
    }
    let mut asked = vec![Tok::Wh(lexer::Wh::What)];
    asked.extend(toks.iter().cloned());
    let q = grammar::read(r, &asked, &Conversation::default(), "").ok()?;
    guard::check_typed(r, &asked, &q).ok()?;
    match q.ask {
        Ask::Values(s) => Some(s),
        _ => None,
    }
}

/// The members of the head's kind or class linked to the one candidate
/// that a relation between the kinds links.
fn linked_members(r: &Reader, head: &Tok, candidates: Vec<(Set, String)>) -> Option<Set> {
    let (members, member_kind) = head_group(r, head)?;
    // "The capital of Texas" is the relation's own value, not the
    // capitals in Texas: a relation noun links only what it cannot take.
    let own = |k: &str| match &members {
        Set::Join { rel, .. } => r.cat.lex.rel(*rel).subject.iter().any(|x| x == k),
        _ => false,
    };
    let mut fitting = candidates.into_iter().filter(|(_, k)| !own(k)).filter_map(|(of, k)| relation_between(r, &member_kind, &k).map(|(rel, dir)| (of, rel, dir)));
    let (of, rel, dir) = fitting.next()?;
    if fitting.next().is_some() {
        return None;
    }
    let join = Set::Join { rel, dir: dir.reverse(), of: Box::new(of), time: Time::Any };
    Some(match members {
        Set::Members(class) => Set::MemberOf(Box::new(Set::OfKind(Box::new(join), member_kind)), class),
        Set::All(_) => Set::OfKind(Box::new(join), member_kind),
        other => Set::And(Box::new(other), Box::new(Set::OfKind(Box::new(join), member_kind))),
    })
}

/// The values of the one entity relation a noun names, over every subject
/// of the relation's one subject kind ("capitals": of every state).
fn relation_values(r: &Reader, ms: &[lexer::Mention]) -> Option<(RelId, Set)> {
    let nouns: Vec<RelId> = ms.iter().filter(|m| m.role == Role::ObjectNoun && r.cat.lex.rel(m.rel).value == ValueType::Entity).map(|m| m.rel).collect();
    let [rel] = nouns.as_slice() else { return None };
    let [subject] = r.cat.lex.rel(*rel).subject.as_slice() else { return None };
    Some((*rel, Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(Set::All(subject.clone())), time: Time::Any }))
}

/// A kind noun ("rivers") or a class whose name ends in one ("major
/// cities"): its members and their kind.
fn group(r: &Reader, t: &Tok) -> Option<(Set, String)> {
    match t {
        Tok::Rel(..) => None,
        _ => head_group(r, t),
    }
}

/// What a noun the question asks about names: as [`group`], or the values
/// of a relation noun over every subject ("capitals"), where both sides
/// are of one kind each. Only as what is asked for: "the states with the
/// highest point" are not the states with any highest point.
fn head_group(r: &Reader, t: &Tok) -> Option<(Set, String)> {
    match t {
        Tok::Kind(k) => Some((Set::All(k.clone()), k.clone())),
        Tok::Rel(ms, _) => {
            let (rel, values) = relation_values(r, ms)?;
            let [object] = r.cat.lex.rel(rel).object.as_slice() else { return None };
            Some((values, object.clone()))
        }
        Tok::Ent(ids, _) => {
            let [class] = ids.as_slice() else { return None };
            if !r.cat.classes.contains(class) {
                return None;
            }
            Some((Set::Members(class.clone()), chain::class_kind(r, class)?))
        }
        _ => None,
    }
}

/// The one entity relation between members of a kind and things of
/// another, a location relation first when several fit, with the side
/// that leads from the member to the other thing.
fn relation_between(r: &Reader, member: &str, other: &str) -> Option<(RelId, Dir)> {
    let mut fitting: Vec<(RelId, Dir, bool)> = Vec::new();
    for (rel, relation) in r.cat.lex.rels() {
        if relation.value != ValueType::Entity {
            continue;
        }
        let (subj, obj) = (&relation.subject, &relation.object);
        if subj.iter().any(|x| x == member) && obj.iter().any(|x| x == other) {
            fitting.push((rel, Dir::ToObject, relation.location));
        } else if obj.iter().any(|x| x == member) && subj.iter().any(|x| x == other) {
            fitting.push((rel, Dir::ToSubject, relation.location));
        }
    }
    if fitting.iter().any(|(_, _, loc)| *loc) {
        fitting.retain(|(_, _, loc)| *loc);
    }
    match fitting.as_slice() {
        [(rel, dir, _)] => Some((*rel, *dir)),
        _ => None,
    }
}

/// "Rivers as long as the Mississippi", "as many people as Texas": a
/// comparison of equal degree, which no operator reads. The phrase, when
/// the question has one; the stopwords would otherwise drop "long" and
/// "many" and leave a reading that ignores the comparison.
pub(crate) fn equal_degree(r: &Reader, plain: &str) -> Option<String> {
    let words: Vec<&str> = plain.split_whitespace().collect();
    let degree = |w: &str| r.degree_word(w) || r.lang.degree.equal.iter().any(|q| q == w);
    words.windows(3).chain(words.windows(4)).find_map(|w| (w[0] == "as" && w[w.len() - 1] == "as" && w[1..w.len() - 1].iter().any(|x| degree(x))).then(|| w.join(" ")))
}
