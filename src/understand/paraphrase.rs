//! The paraphrase ranker: questions the grammar cannot read precisely.
//!
//! After Berant and Liang ("Semantic Parsing via Paraphrasing", 2014),
//! at the grain of single facts: the candidates are the facts the store
//! holds around the names in the question, each read as the question it
//! answers (its relation's words, the kinds of its sides and, for a
//! statement or a date or a reason, the words of the statement and of its
//! evidence quote). A candidate explains a question word when the word's
//! stem is among its words. The ranker answers only when some candidates
//! explain every content word of the question and the question word fits
//! what they give; a candidate that explains most of it is offered
//! instead ("Did you mean: when was GPT-3 released?"), and nothing is
//! answered.
//!
//! What the ranker never reads, leaving it to the grammar or to a
//! decline: negation, "before" and "after", yes/no questions, names that
//! are ambiguous, and time words ("former", "now").

use super::lexer::{Prep, Role, Tok, Wh};
use super::grammar::{Ask, Query, Set, Time};
use crate::query::{Dir, Pick, Side};
use super::Reader;
use crate::conversation::Conversation;
use crate::knowledge::lexicon::ValueType;
use crate::knowledge::normalize::normalize;
use crate::knowledge::{Fact, Value};
use crate::store::Store;
use std::collections::{HashMap, HashSet};

/// The most facts read around one name: a name with more (a genre of a
/// large movie store) is too broad to rank facts by.
const MAX_FACTS_PER_NAME: usize = 2_000;

/// The most facts read for statements that mention a name.
const MAX_STATEMENT_SCAN: usize = 20_000;

/// At most this many facts answer; more means the words don't single out
/// what is asked.
const MAX_PICKS: usize = 3;

/// At most this many facts between the question's names, and partial
/// candidates, are paired.
const MAX_LINKS: usize = 64;

/// The query a pick answers, for follow-ups ("When?", "Why?" after it):
/// the fact's relation from the side the question gave.
pub fn pick_query(r: &Reader, pick: &Pick, past: bool) -> Option<Query> {
    let rel = r.cat.lex.relation_index(&pick.fact.relation)?;
    let from_subject = Set::Join { rel, dir: Dir::ToObject, of: Box::new(Set::Entity(pick.fact.subject.clone())), time: Time::Any };
    let object = pick.fact.object.entity().map(|o| Set::Entity(o.to_string()));
    let ask = match pick.side {
        Side::Object => Ask::Values(from_subject),
        Side::Subject => Ask::Values(Set::Join { rel, dir: Dir::ToSubject, of: Box::new(object?), time: Time::Any }),
        Side::Date => Ask::When(from_subject, object),
        Side::Reason => Ask::Why(from_subject, object),
    };
    Some(Query { ask, past })
}

/// The ranker's outcome.
#[derive(Debug)]
pub enum Ranked {
    /// These facts answer the question.
    Answer(Vec<Pick>),
    /// No candidate explains the whole question; this one explains most
    /// of it, as the question it answers.
    Suggest(String),
    /// Nothing to say.
    Nothing,
}

/// One candidate: a fact, what of it answers, and its words.
struct Candidate<'a> {
    fact: Fact,
    side: Side,
    /// Stems of the relation's words.
    relation: &'a HashSet<String>,
    /// Its other words.
    words: std::sync::Arc<Words>,
}

/// Ranks the facts around the question's names.
pub fn rank(r: &Reader, store: &Store, toks: &[Tok], conv: &Conversation) -> anyhow::Result<Ranked> {
    if toks.iter().any(|t| matches!(t, Tok::Not | Tok::Prep(Prep::After | Prep::Before) | Tok::Recip | Tok::Whose)) {
        return Ok(Ranked::Nothing);
    }
    let wh = toks.iter().find_map(|t| if let Tok::Wh(w) = t { Some(*w) } else { None });
    let yes_no = wh.is_none() && matches!(toks.first(), Some(Tok::Aux(_)));
    let Some(named) = names(r, toks, conv) else { return Ok(Ranked::Nothing) };
    let past = super::grammar::is_past(r, toks);
    // An auxiliary after the verb starts a clause of its own ("what did
    // X say he would do"): its words count, and only a statement that has
    // them explains them.
    let first_rel = toks.iter().position(|t| matches!(t, Tok::Rel(..))).unwrap_or(toks.len());
    // "What caused the outage?": a question word, then a verb, then a
    // name: the name is the verb's object (its fact's object, or for an
    // inverse verb its subject), never the other side.
    // Likewise "What is Kuaishou part of?": a question word, an
    // auxiliary, a name and the verb last: the name is the verb's subject.
    let verb_first = match toks {
        [Tok::Wh(_), Tok::Rel(ms, _), Tok::Ent(ids, _), ..] if ids.len() == 1 => Some((ms.clone(), ids[0].clone())),
        _ => None,
    };
    let name_first = match toks {
        [Tok::Wh(_), Tok::Aux(_), Tok::Ent(ids, _), Tok::Rel(ms, _)] if ids.len() == 1 => Some((ms.clone(), ids[0].clone())),
        _ => None,
    };
    // The kind a question word asks for ("which state", "how many
    // cities"), when it is an entity kind.
    let asked_kind = super::guard::asked_kind(r, toks).cloned();
    // "... according to X": the phrase attributes, and X must be a side.
    let attribution = |i: usize| {
        matches!((&toks[i], toks.get(i + 1)), (Tok::Rel(_, w), Some(Tok::Ent(..))) if r.lang.attributions.iter().any(|a| normalize(a) == *w))
    };
    let content: Vec<(usize, &Tok)> = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            (matches!(t, Tok::Ent(..) | Tok::Rel(..) | Tok::Kind(_) | Tok::Unknown(_) | Tok::Num(..) | Tok::Date(_) | Tok::Title) && !attribution(*i))
                || (matches!(t, Tok::Aux(_)) && *i > first_rel)
        })
        .collect();
    // "Texas cities", "the cities of Texas": a kind noun right next to a
    // name names things of the kind, so only a fact with such a thing on
    // a side explains it.
    // So does a kind noun after a possessive ("what are its units?": not
    // who made it, though a maker may be a unit).
    let named_kind: Vec<bool> = content.iter().map(|&(i, _)| super::guard::kind_beside_name(toks, i) || (i > 0 && matches!(toks[i - 1], Tok::Pron(_, true, _)) && matches!(toks[i], Tok::Kind(_)))).collect();
    let content: Vec<&Tok> = content.into_iter().map(|(_, t)| t).collect();
    // The question must ask something beyond its names.
    // ("Why was Alibaba Cloud overhauled?": two names, and "why", ask
    // for the reason of the fact between them.)
    let only_names = !content.iter().any(|t| !matches!(t, Tok::Ent(..)));
    if named.is_empty() && !toks.iter().any(|t| matches!(t, Tok::Rel(..))) {
        return Ok(Ranked::Nothing);
    }
    if only_names && !(matches!(wh, Some(Wh::Why | Wh::When)) && named.len() >= 2) {
        return Ok(Ranked::Nothing);
    }
    let stems: Vec<Stems> = content.iter().zip(&named_kind).map(|(t, &after_name)| Stems { words: word_stems(r, t), after_name }).collect();
    let mut seen = HashSet::new();
    let mut full: Vec<(usize, Candidate)> = Vec::new();
    let mut best_partial: Option<(f64, Candidate)> = None;
    let mut links: Vec<Fact> = Vec::new();
    let mut partials: Vec<(Fact, Side, Vec<Option<Grade>>)> = Vec::new();
    // The names a fact must have on a side when its answer is a list
    // member (no quote or statement can explain them then).
    let ent_ids: Vec<&str> = content.iter().filter_map(|t| if let Tok::Ent(ids, _) = t { Some(ids[0].as_str()) } else { None }).collect();
    for e in &named {
        let Some(facts) = facts_around(r, store, e)? else { continue };
        // How many values each relation has from a given side, counted
        // once for the name's facts.
        let mut from_subject: HashMap<(&str, &str), usize> = HashMap::new();
        let mut from_object: HashMap<(&str, String), usize> = HashMap::new();
        for g in facts.iter() {
            *from_subject.entry((g.relation.as_str(), g.subject.as_str())).or_default() += 1;
            *from_object.entry((g.relation.as_str(), g.object.key())).or_default() += 1;
        }
        for f in facts.iter().cloned() {
            if !seen.insert((f.subject.clone(), f.relation.clone(), f.object.key())) {
                continue;
            }
            // A fact between two of the question's names may be what the
            // question takes as given ("Baidu launched Ernie Bot as an
            // alternative to what?").
            if named.contains(&f.subject) && f.object.entity().is_some_and(|o| o != f.subject && named.iter().any(|n| n == o)) && links.len() < MAX_LINKS {
                links.push(f.clone());
            }
            let Some(side) = side_for(r, &f, wh, yes_no, &named) else { continue };
            // "What state is Dallas in?", "how many cities ...": the kind
            // asked for is the answer's kind.
            if let Some(k) = &asked_kind {
                let answer = match side {
                    Side::Subject => Some(f.subject.as_str()),
                    Side::Object => f.object.entity(),
                    Side::Date | Side::Reason => None,
                };
                if answer.and_then(|a| r.cat.kind(a)) != Some(k.as_str()) {
                    continue;
                }
            }
            if let Some((ms, id)) = &verb_first {
                let backwards = ms.iter().any(|m| {
                    r.cat.lex.rel(m.rel).name == f.relation
                        && ((m.role == Role::Verb && f.subject == *id) || (m.role == Role::InverseVerb && f.object.entity() == Some(id.as_str())))
                });
                if backwards {
                    continue;
                }
            }
            // (With nothing else to read, the verb names the relation: one
            // that only shares words with it, "become part of" for "part
            // of", is not asked.)
            if let Some((ms, id)) = &name_first {
                let own = ms.iter().any(|m| r.cat.lex.rel(m.rel).name == f.relation);
                let backwards = ms.iter().any(|m| {
                    r.cat.lex.rel(m.rel).name == f.relation
                        && ((m.role == Role::Verb && f.object.entity() == Some(id.as_str())) || (m.role == Role::InverseVerb && f.subject == *id))
                });
                if backwards || !own {
                    continue;
                }
            }
            let Some(rel) = r.cat.lex.relation(&f.relation) else { continue };
            // A value that is the only one its relation has for the given
            // side is one answer, not a member of a list: its evidence
            // may explain words ("Who ranks X as the world's top
            // scholar?").
            let alone = match side {
                Side::Object => from_subject.get(&(f.relation.as_str(), f.subject.as_str())) == Some(&1),
                Side::Subject => from_object.get(&(f.relation.as_str(), f.object.key())) == Some(&1),
                _ => false,
            };
            let listed = !alone && matches!(side, Side::Object | Side::Subject) && !matches!(f.object, Value::Text(_));
            if listed && !ent_ids.iter().all(|id| f.subject == *id || f.object.entity() == Some(*id)) {
                continue;
            }
            // A present-tense question about a state asks for what holds now.
            if !past && side != Side::Date && side != Side::Reason && !rel.timeless && !rel.event && f.until.is_some() {
                continue;
            }
            let words = relation_words(r, &f.relation);
            let c = candidate(r, f, side, words, alone);
            let (explained, strong) = score(r, &c, &content, &stems, wh);
            tracing::trace!(fact = ?(&c.fact.subject, &c.fact.relation, &c.fact.object), explained, strong, of = content.len(), "candidate");
            if explained == content.len() && strong > 0 {
                full.push((strong, c));
            } else if strong > 0 {
                if partials.len() < MAX_LINKS {
                    partials.push((c.fact.clone(), c.side, grades(r, &c, &content, &stems)));
                }
                if named_all(&c, &content, r) {
                    let score = explained as f64 / content.len() as f64;
                    if best_partial.as_ref().is_none_or(|(s, _)| score > *s) {
                        best_partial = Some((score, c));
                    }
                }
            }
        }
    }
    if full.is_empty() && !partials.is_empty() && !links.is_empty() {
        full.extend(with_given(r, &content, &stems, &partials, &links));
    }
    full.extend(statements(r, store, toks, wh, &named, &content, &stems, &mut seen)?);
    Ok(choose(r, wh, yes_no, full, best_partial))
}

/// A candidate that leaves words over, and a fact between two names
/// of the question that shares a side with it and explains the rest
/// by its own words, answer together: the second is what the question
/// takes as given.
fn with_given<'r>(r: &'r Reader, content: &[&Tok], stems: &[Stems], partials: &[(Fact, Side, Vec<Option<Grade>>)], links: &[Fact]) -> Vec<(usize, Candidate<'r>)> {
    let mut out = Vec::new();
    // Each fact's grades are read once; pairs only combine them.
    let given: Vec<(&Fact, Vec<Option<Grade>>)> = links
        .iter()
        .map(|g| {
            let w = relation_words(r, &g.relation);
            (g, grades(r, &candidate(r, g.clone(), Side::Object, w, false), content, stems))
        })
        .collect();
    for (f1, side, m1) in partials {
        for (g, m2) in &given {
            let shares = [Some(g.subject.as_str()), g.object.entity()].into_iter().flatten().any(|e| e == f1.subject || f1.object.entity() == Some(e));
            if !shares || (g.subject == f1.subject && g.relation == f1.relation && g.object == f1.object) {
                continue;
            }
            // A "when" question cannot take a dated fact as given: its
            // date may be the one asked ("when did Jia start working at
            // Alibaba" is not when he founded something).
            if *side == Side::Date && g.dated().is_some() {
                continue;
            }
            let all = m1.iter().zip(m2).all(|(a, b)| a.is_some() || b.is_some());
            // The given fact must explain, by its relation's words, a
            // word the answer does not.
            let adds = m1.iter().zip(m2).any(|(a, b)| a.is_none() && *b == Some(Grade::Strong));
            // And the answer must be said by a relation phrase of its
            // own: where the given fact takes every one, nothing says
            // which of the name's facts answers ("which companies did
            // Jia work for in Silicon Valley" is not what ranks him).
            let phrases = content.iter().any(|t| matches!(t, Tok::Rel(..)));
            let own = content.iter().zip(m1.iter()).any(|(t, a)| matches!(t, Tok::Rel(..)) && *a == Some(Grade::Strong));
            if all && adds && (own || !phrases) {
                let strong = m1.iter().zip(m2).filter(|(a, b)| **a == Some(Grade::Strong) || **b == Some(Grade::Strong)).count();
                tracing::trace!(answer = ?(&f1.subject, &f1.relation, &f1.object), given = ?(&g.subject, &g.relation, &g.object), strong, "candidate with a given fact");
                let w1 = relation_words(r, &f1.relation);
                out.push((strong, candidate(r, f1.clone(), *side, w1, false)));
            }
        }
    }
    out
}

/// "Who said the cloud intelligence group would prioritise public
/// cloud?": the statements of a relation the question names that
/// mention one of its names, for who made them. Statements are not
/// indexed by relation, so this reads the store's facts, and only a
/// store of at most MAX_STATEMENT_SCAN facts.
#[allow(clippy::too_many_arguments)]
fn statements<'r>(r: &'r Reader, store: &Store, toks: &[Tok], wh: Option<Wh>, named: &[String], content: &[&Tok], stems: &[Stems], seen: &mut HashSet<(String, String, String)>) -> anyhow::Result<Vec<(usize, Candidate<'r>)>> {
    let stated: HashSet<&str> = toks
        .iter()
        .filter_map(|t| if let Tok::Rel(ms, _) = t { Some(ms) } else { None })
        .flatten()
        .map(|m| r.cat.lex.rel(m.rel))
        .filter(|rel| rel.value == ValueType::Text)
        .map(|rel| rel.name.as_str())
        .collect();
    let mut out = Vec::new();
    if stated.is_empty() || !matches!(wh, Some(Wh::Who | Wh::Which | Wh::What)) {
        return Ok(out);
    }
    {
        let unknown_runs: Vec<Vec<String>> = toks
            .chunk_by(|a, b| matches!(a, Tok::Unknown(_)) && matches!(b, Tok::Unknown(_)))
            .filter(|run| run.len() > 1)
            .map(|run| run.iter().filter_map(|t| if let Tok::Unknown(w) = t { Some(w.split(' ').map(|w| stem(r, w)).collect::<Vec<_>>()) } else { None }).flatten().collect())
            .collect();
        let index = r.statement_subjects.get_or_init(|| statement_subjects(r, store));
        let named_names: Vec<String> = named.iter().flat_map(|e| r.cat.names_of(e)).map(|n| format!(" {n} ")).collect();
        let mut facts = Vec::new();
        for rel in &stated {
            for subject in index.as_ref().and_then(|m| m.get(*rel)).into_iter().flatten() {
                if !named.contains(subject) {
                    facts.extend(store.facts_about(subject, Some(rel))?);
                }
            }
        }
        for f in facts {
            if !matches!(f.object, Value::Text(_)) {
                continue;
            }
            if wh == Some(Wh::Who) && !r.cat.is_person(&f.subject) && r.cat.kind(&f.subject).is_none() {
                continue;
            }
            if !seen.insert((f.subject.clone(), f.relation.clone(), f.object.key())) {
                continue;
            }
            // The question gives the statement, by some of its words: a
            // statement none of whose words it has is not asked about
            // ("what is X's start-up focused on?" asks for the focus, not
            // for who has it).
            // Words the lexicon does not know, side by side in the
            // question, are one phrase, which the statement must have as
            // it is ("focused on AI infrastructure" is not "the boom in
            // AI, which relies on infrastructure").
            let Value::Text(said) = &f.object else { continue };
            // A name the question gives (or a pronoun stands for) is in
            // what was said: "who reported her departure" is not answered
            // by someone else's.
            let plain = format!(" {} ", normalize(said));
            if !named_names.is_empty() && !named_names.iter().any(|n| plain.contains(n.as_str())) {
                continue;
            }
            let said: Vec<String> = normalize(said).split(' ').filter(|w| !w.is_empty()).map(|w| stem(r, w)).collect();
            let words = relation_words(r, &f.relation);
            if !stems.iter().any(|st| st.words.iter().any(|w| said.contains(w) && !words.contains(w) && !r.stopwords.contains(w.as_str())))
                || !unknown_runs.iter().all(|run| said.windows(run.len()).any(|w| w == run.as_slice()))
            {
                continue;
            }
            let c = candidate(r, f, Side::Subject, words, false);
            let (explained, strong) = score(r, &c, content, stems, wh);
            // With no name to anchor it, the statement must say more than
            // its relation's word.
            if explained == content.len() && strong > usize::from(named.is_empty()) {
                out.push((strong, c));
            }
        }
    }
    Ok(out)
}

/// The answer among the full candidates (the best ones, when few enough
/// tie), else the question to offer: the best full one, or the best
/// partial one that explains at least half of the words.
fn choose<'r>(r: &'r Reader, wh: Option<Wh>, yes_no: bool, mut full: Vec<(usize, Candidate<'r>)>, best_partial: Option<(f64, Candidate<'r>)>) -> Ranked {
    // "Who" prefers people where there are any.
    let person_answer = |c: &Candidate| match c.side {
        Side::Object => c.fact.object.entity().is_some_and(|o| r.cat.is_person(o)),
        Side::Subject => r.cat.is_person(&c.fact.subject),
        _ => true,
    };
    if wh == Some(Wh::Who) && full.iter().any(|(_, c)| person_answer(c)) {
        full.retain(|(_, c)| person_answer(c));
    }
    if !full.is_empty() && !yes_no {
        let top = full.iter().map(|(s, _)| *s).max().unwrap_or(0);
        full.retain(|(s, _)| *s == top);
        if full.len() <= MAX_PICKS {
            return Ranked::Answer(full.into_iter().map(|(_, c)| Pick { fact: c.fact, side: c.side }).collect());
        }
        return match full.first() {
            Some((_, c)) => Ranked::Suggest(canonical(r, &c.fact, c.side)),
            None => Ranked::Nothing,
        };
    }
    if let Some((_, c)) = full.into_iter().next() {
        return Ranked::Suggest(canonical(r, &c.fact, c.side));
    }
    match best_partial {
        Some((score, c)) if score >= 0.5 => Ranked::Suggest(canonical(r, &c.fact, c.side)),
        _ => Ranked::Nothing,
    }
}

/// The stems of a relation's words (read once per reader), or none for a
/// relation the lexicon does not declare.
fn relation_words<'r>(r: &'r Reader, name: &str) -> &'r HashSet<String> {
    static EMPTY: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(HashSet::new);
    let all = r.relation_stems.get_or_init(|| r.cat.lex.relations.iter().map(|rel| relation_stems(r, &rel.name)).collect());
    r.cat.lex.relation_index(name).and_then(|i| all.get(i.0)).unwrap_or(&EMPTY)
}

/// The facts with a name on either side, read once per reader (the
/// reader is rebuilt when the store changes); None for a name with more
/// than MAX_FACTS_PER_NAME on a side.
fn facts_around(r: &Reader, store: &Store, e: &str) -> anyhow::Result<Option<std::sync::Arc<Vec<Fact>>>> {
    if let Some(hit) = r.entity_facts.lock().ok().and_then(|m| m.get(e).cloned()) {
        return Ok(hit);
    }
    let mut facts = store.facts_about(e, None)?;
    let read = if facts.len() > MAX_FACTS_PER_NAME {
        None
    } else {
        let inbound = store.facts_with_object(&Value::Entity(e.to_string()), None)?;
        if inbound.len() > MAX_FACTS_PER_NAME {
            None
        } else {
            facts.extend(inbound);
            Some(std::sync::Arc::new(facts))
        }
    };
    if let Ok(mut m) = r.entity_facts.lock() {
        if m.len() >= MAX_CACHED_NAMES {
            m.clear();
        }
        m.insert(e.to_string(), read.clone());
    }
    Ok(read)
}

/// At most this many names' facts are kept between questions.
const MAX_CACHED_NAMES: usize = 10_000;

/// The subjects of the store's statements by relation, or None when the
/// store has more than MAX_STATEMENT_SCAN facts (or cannot be read).
fn statement_subjects(r: &Reader, store: &Store) -> Option<HashMap<String, Vec<String>>> {
    if !r.cat.lex.relations.iter().any(|rel| rel.value == ValueType::Text) {
        return Some(HashMap::new());
    }
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (i, f) in store.facts().enumerate() {
        if i >= MAX_STATEMENT_SCAN {
            return None;
        }
        let f = f.ok()?;
        if matches!(f.object, Value::Text(_)) {
            let subjects = out.entry(f.relation).or_default();
            if subjects.last() != Some(&f.subject) {
                subjects.push(f.subject);
            }
        }
    }
    Some(out)
}

/// How many content tokens a candidate explains, and how many of them by
/// its own words.
fn score(r: &Reader, c: &Candidate, content: &[&Tok], stems: &[Stems], wh: Option<Wh>) -> (usize, usize) {
    let g = grades(r, c, content, stems);
    // "Why" and "when" are explained by the reason or the date the fact
    // gives.
    let strong = usize::from(matches!(c.side, Side::Date | Side::Reason) && wh.is_some()) + g.iter().filter(|x| **x == Some(Grade::Strong)).count();
    (g.iter().filter(|x| x.is_some()).count(), strong)
}

/// How a candidate explains each content token.
fn grades(r: &Reader, c: &Candidate, content: &[&Tok], stems: &[Stems]) -> Vec<Option<Grade>> {
    content.iter().zip(stems).map(|(t, st)| explains(r, c, t, &st.words, st.after_name)).collect()
}

/// A content token's word stems, and whether it is a kind noun right
/// after a name.
struct Stems {
    words: Vec<String>,
    after_name: bool,
}

/// The entities the question names, with pronouns resolved: a pronoun
/// refers to a name earlier in the question of its kind (person or not),
/// else to the conversation's last answer or topic. None when a name is
/// ambiguous or a pronoun refers to nothing.
fn names(r: &Reader, toks: &[Tok], conv: &Conversation) -> Option<Vec<String>> {
    let mut named: Vec<String> = Vec::new();
    for t in toks {
        match t {
            Tok::Ent(ids, _) if ids.len() == 1 && !named.contains(&ids[0]) => named.push(ids[0].clone()),
            Tok::Ent(ids, _) if ids.len() == 1 => {}
            Tok::Ent(..) => return None,
            Tok::Pron(personal, _, _) => {
                if named.iter().any(|e| r.cat.is_person(e) == *personal) {
                    continue;
                }
                let e = [&conv.answer_focus, &conv.focus, &conv.person].into_iter().flatten().find(|e| r.cat.is_person(e) == *personal)?;
                if !named.contains(e) {
                    named.push(e.clone());
                }
            }
            _ => {}
        }
    }
    Some(named)
}

/// What of a fact answers the question word, if anything does.
fn side_for(r: &Reader, f: &Fact, wh: Option<Wh>, yes_no: bool, named: &[String]) -> Option<Side> {
    let rel = r.cat.lex.relation(&f.relation)?;
    let subject_named = named.contains(&f.subject);
    let object_named = f.object.entity().is_some_and(|o| named.iter().any(|n| n == o));
    let open = match (subject_named, object_named) {
        (true, false) => Some(Side::Object),
        (false, true) => Some(Side::Subject),
        _ => None,
    };
    // "Who" asks for a person, or for another kind of actor ("who ranks
    // X": an organisation), never for a place or a happening.
    let place = |id: &str| r.cat.kind(id).is_some_and(|k| r.cat.lex.relations.iter().any(|rel| rel.location && rel.object.iter().any(|o| o == k)));
    let happening = |id: &str| r.cat.kind(id).is_some_and(|k| r.cat.lex.event_kind.as_deref() == Some(k));
    let actor = |id: &str| r.cat.is_person(id) || (r.cat.kind(id).is_some() && !place(id) && !happening(id));
    let person = |side: Side| match side {
        Side::Object => f.object.entity().is_some_and(actor),
        Side::Subject => actor(&f.subject),
        _ => false,
    };
    match wh {
        _ if yes_no => open.or(Some(Side::Object)),
        Some(Wh::When) => (matches!(f.object, Value::Date(_)) && subject_named || f.when().is_some()).then_some(Side::Date),
        Some(Wh::Why) => f.because.is_some().then_some(Side::Reason),
        Some(Wh::HowLong) => None,
        Some(Wh::Where) => (rel.location && subject_named && !object_named).then_some(Side::Object),
        Some(Wh::HowMany) | Some(Wh::HowMuch) => (matches!(f.object, Value::Number { .. }) && subject_named).then_some(Side::Object),
        Some(Wh::Who) => open.filter(|s| person(*s)),
        Some(Wh::Which) | Some(Wh::What) | None => open.filter(|s| !(matches!(s, Side::Object) && matches!(f.object, Value::Date(_)) && wh.is_some())),
    }
}

/// The stems of a relation's words: its name, verbs, nouns, templates,
/// title and unit.
fn relation_stems(r: &Reader, name: &str) -> HashSet<String> {
    let Some(rel) = r.cat.lex.relation(name) else { return HashSet::new() };
    let mut text = vec![rel.name.replace('_', " "), rel.present.clone()];
    text.extend(rel.past.clone());
    text.extend(rel.inverse.clone());
    text.extend(rel.verbs.iter().chain(&rel.inverse_verbs).chain(&rel.subject_nouns).chain(&rel.object_nouns).cloned());
    text.extend(rel.title.clone());
    text.extend(rel.unit.clone());
    if rel.value == ValueType::Date {
        text.extend(r.lang.date_nouns.iter().cloned());
    }
    let mut out = HashSet::new();
    for t in text {
        for w in normalize(&t.replace(['{', '}'], " ")).split(' ').filter(|w| !w.is_empty() && *w != "s" && *w != "o") {
            if !r.stopwords.contains(w) {
                out.insert(stem(r, w));
            }
        }
    }
    out
}

/// The words of a fact as a candidate reads them.
#[derive(Debug, Default)]
pub struct Words {
    /// Stems of the kinds' nouns, a text value and (for a date) the date
    /// nouns.
    strong: HashSet<String>,
    /// Stems of the evidence quotes and the sides' names.
    weak: HashSet<String>,
    /// The statement, names and evidence, normalised and padded.
    text: String,
}

/// At most this many facts' words are kept between questions.
const MAX_CACHED_WORDS: usize = 100_000;

/// A fact read as the question it answers. Its words are read once per
/// reader (the reader is rebuilt when the store changes).
fn candidate<'a>(r: &Reader, fact: Fact, side: Side, relation: &'a HashSet<String>, alone: bool) -> Candidate<'a> {
    let answer_is_list = !alone && matches!(side, Side::Object | Side::Subject) && !matches!(fact.object, Value::Text(_));
    let key = (format!("{}\0{}\0{}\0{:?}\0{:?}\0{:?}", fact.subject, fact.relation, fact.object.key(), fact.since, fact.on, fact.sources), u8::from(answer_is_list) | (u8::from(side == Side::Date) << 1));
    let cached = r.fact_words.lock().ok().and_then(|m| m.get(&key).cloned());
    let words = match cached {
        Some(w) => w,
        None => {
            let w = std::sync::Arc::new(read_words(r, &fact, side, answer_is_list));
            if let Ok(mut m) = r.fact_words.lock() {
                if m.len() >= MAX_CACHED_WORDS {
                    m.clear();
                }
                m.insert(key, w.clone());
            }
            w
        }
    };
    Candidate { fact, side, relation, words }
}

fn read_words(r: &Reader, fact: &Fact, side: Side, answer_is_list: bool) -> Words {
    let mut strong = HashSet::new();
    let mut weak = HashSet::new();
    let mut text = String::from(" ");
    let add = |set: &mut HashSet<String>, text: &mut String, s: &str| {
        let n = normalize(s);
        for w in n.split(' ').filter(|w| !w.is_empty()) {
            set.insert(stem(r, w));
        }
        text.push_str(&n);
        text.push(' ');
    };
    for id in [Some(fact.subject.as_str()), fact.object.entity()].into_iter().flatten() {
        if let Some(k) = r.cat.kind(id) {
            for noun in r.cat.lex.kinds.get(k).into_iter().flatten() {
                add(&mut strong, &mut String::new(), noun);
            }
        }
    }
    if let Value::Text(t) = &fact.object {
        add(&mut strong, &mut text, t);
    }
    // The reason is part of the fact ("who left X to prepare a
    // start-up?"), but not what it is about: a fact whose reason alone
    // says "cancel" is no answer to what was cancelled.
    if let Some(b) = &fact.because {
        add(&mut weak, &mut text, b);
    }
    // The names of the sides the question gives (for a date or a reason
    // both sides are given), and the evidence, where the answer is one
    // statement and not a member of a list.
    if !answer_is_list {
        add(&mut weak, &mut text, r.cat.name(&fact.subject));
        if let Some(o) = fact.object.entity() {
            add(&mut weak, &mut text, r.cat.name(o));
        }
        if side == Side::Date {
            for n in &r.lang.date_nouns {
                add(&mut strong, &mut String::new(), n);
            }
        }
        for q in fact.evidence.values() {
            add(&mut weak, &mut text, q);
        }
    }
    Words { strong, weak, text }
}

/// A word's stem, with British -ise spellings read as -ize ("prioritise"
/// is "prioritize"), on both sides of a comparison.
fn stem(r: &Reader, w: &str) -> String {
    for (uk, us) in [("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ises", "izes"), ("ise", "ize")] {
        if let Some(head) = w.strip_suffix(uk) {
            if head.len() >= 4 {
                return r.stem(&format!("{head}{us}"));
            }
        }
    }
    r.stem(w)
}

/// The stems of a content token's words.
fn word_stems(r: &Reader, t: &Tok) -> Vec<String> {
    let surface = match t {
        Tok::Rel(_, w) | Tok::Unknown(w) => w.as_str(),
        _ => return vec![],
    };
    surface.split(' ').filter(|w| !w.is_empty() && !r.stopwords.contains(*w)).map(|w| stem(r, w)).collect()
}

/// How a candidate explains a question word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grade {
    /// By a name or a date on one of its sides.
    Name,
    /// By the words of its evidence or of its sides' names.
    Weak,
    /// By its relation's own words, its kinds or its statement.
    Strong,
}

/// How a candidate explains a content token, if it does.
fn explains(r: &Reader, c: &Candidate, t: &Tok, stems: &[String], after_name: bool) -> Option<Grade> {
    let f = &c.fact;
    let words = || {
        if stems.is_empty() {
            None
        } else if stems.iter().all(|s| c.relation.contains(s) || c.words.strong.contains(s)) {
            Some(Grade::Strong)
        } else if stems.iter().all(|s| c.relation.contains(s) || c.words.strong.contains(s) || c.words.weak.contains(s)) {
            Some(Grade::Weak)
        } else {
            None
        }
    };
    let strong = |yes: bool| yes.then_some(Grade::Strong);
    match t {
        Tok::Ent(ids, span) => {
            let id = &ids[0];
            if f.subject == *id || f.object.entity() == Some(id.as_str()) {
                return Some(Grade::Name);
            }
            let name = normalize(r.cat.name(id));
            (c.words.text.contains(&format!(" {name} ")) || c.words.text.contains(&format!(" {span} "))).then_some(Grade::Name)
        }
        Tok::Aux(a) => a.forms().iter().any(|w| c.words.text.contains(&format!(" {w} "))).then_some(Grade::Weak),
        Tok::Rel(ms, _) => {
            if ms.iter().any(|m| r.cat.lex.rel(m.rel).name == f.relation) {
                Some(Grade::Strong)
            } else {
                words()
            }
        }
        Tok::Unknown(_) => words(),
        Tok::Kind(k) => strong(
            [Some(f.subject.as_str()), f.object.entity()].into_iter().flatten().any(|id| r.cat.kind(id) == Some(k.as_str()))
                || !after_name && r.cat.lex.relation(&f.relation).is_some_and(|rel| rel.subject.iter().chain(&rel.object).any(|x| x == k)),
        ),
        Tok::Num(n, _) => strong(matches!(f.object, Value::Number { amount, .. } if (amount - n).abs() <= 1e-9 * n.abs().max(1.0))),
        Tok::Date(d) => f.dated().is_some_and(|x| x.within(d)).then_some(Grade::Name),
        Tok::Title => strong(r.cat.lex.relation(&f.relation).is_some_and(|rel| rel.title.is_some())),
        _ => None,
    }
}

/// Whether every name of the question is on a side of the candidate or in
/// its words.
fn named_all(c: &Candidate, content: &[&Tok], r: &Reader) -> bool {
    content.iter().filter(|t| matches!(t, Tok::Ent(..))).all(|t| explains(r, c, t, &[], false).is_some())
}

/// The question a candidate answers, in the lexicon's words.
pub fn canonical(r: &Reader, f: &Fact, side: Side) -> String {
    let Some(rel) = r.cat.lex.relation(&f.relation) else { return String::new() };
    let subject = r.cat.name(&f.subject).to_string();
    let object = match &f.object {
        Value::Entity(o) => r.cat.name(o).to_string(),
        Value::Text(t) => t.clone(),
        Value::Date(d) => d.human(),
        Value::Number { amount, .. } => crate::knowledge::format_amount(*amount),
    };
    let wh = |person: bool| if person { "who" } else { "what" };
    let q = match side {
        Side::Object => {
            let person = f.object.entity().is_some_and(|o| r.cat.is_person(o));
            match (rel.object_nouns.first(), rel.verbs.first()) {
                (_, Some(verb)) if matches!(f.object, Value::Text(_)) && !verb.starts_with("be ") => format!("what did {subject} {verb}"),
                (Some(noun), _) => format!("{} is {subject}'s {}", wh(person), noun.trim_start_matches("be ")),
                // "be CEO of": the lexicon's own sentence, as an echo
                // question ("Daniel Zhang is the CEO of what?").
                (None, Some(verb)) if verb.starts_with("be ") => rel.sentence(false, &subject, wh(person)),
                (None, Some(verb)) => format!("{} does {subject} {verb}", wh(person)),
                (None, None) => rel.sentence(false, &subject, wh(person)),
            }
        }
        Side::Subject => match rel.subject_nouns.first() {
            Some(noun) => format!("who is the {noun} of {object}"),
            None => rel.sentence(false, wh(r.cat.is_person(&f.subject)), &object),
        },
        Side::Date => match rel.verbs.first() {
            Some(verb) if f.object.entity().is_some() => format!("when did {subject} {verb} {object}"),
            _ => format!("when: {}", rel.sentence(true, &subject, &object)),
        },
        Side::Reason => match rel.verbs.first() {
            Some(verb) if f.object.entity().is_some() => format!("why did {subject} {verb} {object}"),
            _ => format!("why: {}", rel.sentence(true, &subject, &object)),
        },
    };
    format!("{}?", crate::knowledge::normalize::capitalise(&q))
}
