//! Answering a question: the engine's orchestration of reading,
//! evaluating and remembering.
//!
//! The reader ([`crate::understand`]) turns text into a [`Query`] and knows
//! nothing of evaluation; the evaluator ([`crate::answer::eval`]) turns a
//! query into an [`Answer`] and knows nothing of text. [`Asker`] runs the
//! two: it tries the readings a question has (units asked for, degree and
//! elapsed-time rules, the clause grammar, the paraphrase ranker, a name
//! set before the question), evaluates each against the store, keeps the
//! first that answers, and remembers what the next question may refer to.

use crate::answer::{eval, Answer, Status};
use crate::conversation::Conversation;
use crate::knowledge::normalize::normalize;
use crate::knowledge::Fact;
use crate::query::{Ask, Dir, Query, RelId, Set, Time};
use crate::store::Store;
use lexer::Tok;
use crate::understand::{degree, elapsed, grammar, guard, paraphrase, lexer, Prepared, Reader};
use std::collections::HashSet;

/// What the rules of degree leave for the usual way when they do not
/// answer: their decline, and the error of their reading.
type Left = (Option<Answer>, Option<grammar::NotUnderstood>);

/// Answers questions with one reader.
pub struct Asker<'r> {
    /// The reader of the store's lexicon and names.
    pub r: &'r Reader,
}

impl Asker<'_> {
    /// "How many square miles is Texas?" (`rest`: "is texas"): one name,
    /// measured by the one number relation of its kind whose unit has the
    /// asked unit's dimension; None when that is not so.
    fn measure_in_unit(&self, store: &Store, text: &str, unit: &crate::knowledge::lexicon::Unit, rest: &str, max: usize) -> anyhow::Result<Option<Answer>> {
        // "how many miles long is the Mississippi": the plain form of an
        // adjective of degree asks nothing more.
        let base = |w: &str| self.r.plain_degree_word(w);
        let rest: Vec<&str> = rest.split(' ').filter(|w| !base(w)).collect();
        let toks = self.r.tokens(&rest.join(" "));
        let content: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Aux(_))).collect();
        let [Tok::Ent(ids, _)] = content.as_slice() else { return Ok(None) };
        // Of a name several things have, the ones measured so.
        let fitting = |id: &String| -> Vec<(RelId, &crate::knowledge::lexicon::Unit)> {
            let Some(kind) = self.r.cat.kind(id) else { return vec![] };
            self.r.cat
                .lex
                .rels()
                .filter(|(_, rel)| rel.value == crate::knowledge::lexicon::ValueType::Number && rel.subject.iter().any(|k| k == kind))
                .filter_map(|(i, rel)| crate::answer::units::unit_named(&self.r.lang, rel.unit.as_deref()?).filter(|u| u.dimension == unit.dimension).map(|u| (i, u)))
                .collect()
        };
        let measured: Vec<(&String, Vec<(RelId, &crate::knowledge::lexicon::Unit)>)> = ids.iter().map(|id| (id, fitting(id))).filter(|(_, fits)| !fits.is_empty()).collect();
        let [(id, fits)] = measured.as_slice() else { return Ok(None) };
        let [(rel, own)] = fits.as_slice() else { return Ok(None) };
        let q = grammar::Query { ask: Ask::Values(Set::Join { rel: *rel, dir: Dir::ToObject, of: Box::new(Set::Entity((*id).clone())), time: Time::Any }), past: false };
        let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
        if a.status != Status::Answered {
            return Ok(Some(a));
        }
        if std::ptr::eq(*own, unit) {
            return Ok(Some(a));
        }
        Ok(crate::answer::units::convert(&self.r.lang, &a, unit))
    }

    /// Answers a question within a conversation.
    ///
    /// "Which two LLMs did X open-source?": a number before the noun that
    /// the question asks for counts the answer. The question is read
    /// without it, and answers only when it has that many values.
    pub fn answer(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize) -> anyhow::Result<Answer> {
        if self.r.asks_provenance(text) {
            return Ok(crate::answer::provenance::answer(text, conv.last_sourced.as_ref()));
        }
        if let Some(parts) = self.parts(text) {
            let mut answers = Vec::new();
            for part in &parts {
                answers.push(self.answer_one(store, conv, part, max)?);
            }
            return Ok(Answer::joined(text, answers));
        }
        self.answer_one(store, conv, text, max)
    }

    /// "Where is Alibaba based, and who is its CEO?", "what did he study,
    /// and from where?": a question that goes on with "and" and a
    /// question word (a preposition may come first) is two questions,
    /// asked in turn (the second may refer back to the first). None for
    /// one question.
    fn parts(&self, text: &str) -> Option<Vec<String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        let is = |w: &str, f: &dyn Fn(&Tok) -> bool| matches!(self.r.tokens(&bare(w)).as_slice(), [t] if f(t));
        let wh = |w: &str| is(w, &|t| matches!(t, Tok::Wh(_)));
        let prep = |w: &str| is(w, &|t| matches!(t, Tok::Prep(_)));
        let at = (1..words.len()).find(|&i| {
            bare(words[i]) == "and" && (wh(words.get(i + 1).copied().unwrap_or("")) || (prep(words.get(i + 1).copied().unwrap_or("")) && wh(words.get(i + 2).copied().unwrap_or(""))))
        })?;
        let first = words[..at].join(" ");
        let first = first.trim_end_matches([',', ';']).trim().to_string();
        let second = words[at + 1..].join(" ");
        // The first part must be a question of its own.
        if !self.r.tokens(&first).iter().any(|t| matches!(t, Tok::Wh(_))) || first.is_empty() || second.is_empty() {
            return None;
        }
        Some(vec![first, second])
    }

    fn answer_one(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize) -> anyhow::Result<Answer> {
        // "They" for the several things in play, when that reads; else the
        // question as it is.
        let mut about_several = None;
        if let Some(named) = self.plural_antecedent(conv, text) {
            let mut again = conv.clone();
            let b = self.answer_spelled(store, &mut again, &named, max)?;
            if b.status == Status::Answered {
                *conv = again;
                about_several = Some(Answer { question: text.to_string(), ..b });
            }
        }
        let a = match about_several {
            Some(a) => a,
            None => {
                let a = match self.indefinite(store, conv, text, max)? {
                    Some(a) => a,
                    None => self.answer_spelled(store, conv, text, max)?,
                };
                conv.several = self.several_named(&a);
                a
            }
        };
        // The person last in play: the answer, else the topic, else one
        // the question names.
        // (Two people named leave no one person in play.)
        let people: Vec<String> = self.r.tokens(text).into_iter().filter_map(|t| match t {
            Tok::Ent(ids, _) if ids.len() == 1 && self.r.cat.is_person(&ids[0]) => Some(ids[0].clone()),
            _ => None,
        }).collect();
        let named = match people.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        let in_play = [&conv.answer_focus, &conv.focus].into_iter().flatten().find(|e| self.r.cat.is_person(e)).cloned().or(named);
        // (Only when no other is: it reads the answer's facts.)
        let in_play = match in_play {
            Some(p) => Some(p),
            None => self.concerned_person(store, &a)?,
        };
        if let Some(p) = in_play {
            conv.person = Some(p);
        }
        Ok(a)
    }

    /// "Which LLMs did Alibaba open-source?" "How many parameters do they
    /// have?": a plural pronoun stands for the several things in play
    /// (those an answer named, each by a name of one entity, while the
    /// questions after it are about them). The question with their names
    /// in its place; None otherwise.
    fn plural_antecedent(&self, conv: &Conversation, text: &str) -> Option<String> {
        let names = &conv.several;
        if names.is_empty() {
            return None;
        }
        let plural = |w: &str| self.r.lang.plural_pronouns.iter().any(|p| normalize(p) == normalize(w));
        let mut words: Vec<String> = text.split_whitespace().map(String::from).collect();
        let at = words.iter().position(|w| plural(w))?;
        // (Punctuation after the pronoun stays: "them?".)
        let tail: String = words[at].chars().skip_while(|c| c.is_alphanumeric()).collect();
        words[at] = format!("{}{tail}", crate::answer::render::join_names(names));
        Some(words.join(" "))
    }

    /// The names of the several things (2 to 6) an answer names, each a
    /// name of one entity; empty otherwise.
    fn several_named(&self, a: &Answer) -> Vec<String> {
        const MOST: usize = 6;
        let names: Vec<String> = a.answers.iter().map(|v| v.value.clone()).collect();
        let fits = a.status == Status::Answered && (2..=MOST).contains(&names.len()) && names.iter().all(|n| self.r.cat.resolve_exact(n).is_some());
        if fits {
            names
        } else {
            Vec::new()
        }
    }

    /// "Did anyone leave ByteDance?": an auxiliary and an indefinite
    /// pronoun are asked as "who did leave ByteDance?", and its answer is
    /// the "yes"; when it names no one, the reply says what it could not
    /// tell (never "no": the facts may just not say).
    fn indefinite(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize) -> anyhow::Result<Option<Answer>> {
        let plain = normalize(text);
        let Some((aux, rest)) = plain.split_once(' ') else { return Ok(None) };
        if !matches!(self.r.tokens(aux).as_slice(), [Tok::Aux(_)]) {
            return Ok(None);
        }
        let Some((word, wh)) = self.r.lang.indefinites.iter().find(|(w, _)| rest.starts_with(&format!("{w} "))) else { return Ok(None) };
        let asked = format!("{wh} {aux} {}", &rest[word.len() + 1..]);
        let mut a = self.answer_spelled(store, conv, &asked, max)?;
        a.question = text.to_string();
        if a.status == Status::Answered && !a.answers.is_empty() {
            let sources: Vec<String> = a.answers.iter().flat_map(|v| v.sources.clone()).fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            });
            a.reply = format!("Yes: {}", a.reply);
            a.answers = vec![crate::answer::AnswerValue { value: "yes".into(), sources, conflict: false }];
        }
        Ok(Some(a))
    }

    /// The one person the happenings an answer gives concern ("what
    /// happened to Kuaishou's LLM lead?" "Fu Ruiji's departure ..."
    /// "why did he go?").
    fn concerned_person(&self, store: &Store, a: &Answer) -> anyhow::Result<Option<String>> {
        let Some(link) = &self.r.cat.lex.event_link else { return Ok(None) };
        let mut people: Vec<String> = Vec::new();
        for v in &a.answers {
            let Some(e) = self.r.cat.resolve_exact(&v.value) else { continue };
            for f in store.facts_about(&e, Some(link))? {
                if let Some(o) = f.object.entity().filter(|o| self.r.cat.is_person(o)) {
                    if !people.iter().any(|p| p == o) {
                        people.push(o.to_string());
                    }
                }
            }
        }
        Ok(match people.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }

    /// [`Asker::answer`], with misspelt words put right and a possessive
    /// pronoun read as a name where that answers.
    fn answer_spelled(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize) -> anyhow::Result<Answer> {
        let before = conv.clone();
        let a = self.answer_in_units(store, conv, text, max, true)?;
        if a.status == Status::Answered {
            return Ok(a);
        }
        // The question as typed does not answer; it may, with a possessive's
        // apostrophe put in ("alibabas"), a possessive pronoun read as the
        // name it stands for ("her departure"), or misspelt words put right
        // ("paramters", said in the reply).
        let mut fixes: Vec<(String, Option<String>)> = Vec::new();
        if let Some(fixed) = self.r.apostrophes(text) {
            fixes.push((fixed, None));
        }
        if let Some(fixed) = self.r.of_possessive(text) {
            fixes.push((fixed, None));
        }
        if let Some(fixed) = self.r.owner_named(text, &before) {
            fixes.push((fixed, None));
        }
        let composed = self.phrase_named(store, text, &before)?;
        if let Some((fixed, words)) = self.r.spelled(text) {
            let read: Vec<String> = words.iter().map(|(typo, right)| format!("\"{typo}\" as \"{right}\"")).collect();
            fixes.push((fixed, Some(format!("(Reading {}.) ", crate::answer::render::join_names(&read)))));
        }
        // A reading composed of two (the phrase named, then the question)
        // answers only with one value.
        if let Some(fixed) = composed {
            let mut inner = before.clone();
            let b = self.answer_in_units(store, &mut inner, &fixed, max, true)?;
            if b.status == Status::Answered && b.answers.len() == 1 {
                *conv = inner;
                return Ok(Answer { question: text.to_string(), ..b });
            }
        }
        for (fixed, note) in fixes {
            tracing::debug!(%fixed, "asked again");
            let mut inner = before.clone();
            let b = self.answer_in_units(store, &mut inner, &fixed, max, true)?;
            if b.status == Status::Answered {
                *conv = inner;
                let reply = format!("{}{}", note.unwrap_or_default(), b.reply);
                return Ok(Answer { question: text.to_string(), reply, ..b });
            }
        }
        Ok(a)
    }

    /// "How many parameters did the NLP model Alibaba introduced in 2021
    /// have?": the noun phrase between the auxiliary and a final light
    /// verb, asked on its own ("what is the NLP model ...?"), names one
    /// thing; the question with that name in its place, or None.
    fn phrase_named(&self, store: &Store, text: &str, conv: &Conversation) -> anyhow::Result<Option<String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bare = |w: &str| normalize(w.trim_matches(|c: char| !c.is_alphanumeric()));
        let Some(last) = words.last() else { return Ok(None) };
        if !self.r.light_verbs.contains(&self.r.stem(&bare(last))) {
            return Ok(None);
        }
        let Some(aux) = words.iter().position(|w| matches!(self.r.tokens(&bare(w)).as_slice(), [Tok::Aux(_)])) else { return Ok(None) };
        // The phrase has words of its own beyond a name.
        if aux + 3 >= words.len() {
            return Ok(None);
        }
        let phrase = words[aux + 1..words.len() - 1].join(" ");
        let mut inner = conv.clone();
        let a = self.answer_in_units(store, &mut inner, &format!("what is {phrase}?"), 2, true)?;
        let [v] = a.answers.as_slice() else { return Ok(None) };
        if a.status != Status::Answered || self.r.cat.resolve_exact(&v.value).is_none() {
            return Ok(None);
        }
        Ok(Some(format!("{} {} {}", words[..=aux].join(" "), v.value, last)))
    }

    /// [`Asker::answer`], with a ratio's unit read (`per`) or not: a
    /// question read again with another unit in its place is not read
    /// for it a second time.
    fn answer_in_units(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize, per: bool) -> anyhow::Result<Answer> {
        // "How long is the Mississippi in miles?": the question without
        // the unit, its values converted; failing that, as asked.
        if let Some((rest, unit)) = text.split_whitespace().any(|w| w.eq_ignore_ascii_case("in")).then(|| crate::answer::units::asked(&self.r.lang, text)).flatten() {
            let mut inner = conv.clone();
            let a = self.answer_in_units(store, &mut inner, &rest, max, per)?;
            if let Some(converted) = crate::answer::units::convert(&self.r.lang, &a, unit) {
                *conv = inner;
                return Ok(Answer { question: text.to_string(), ..converted });
            }
            // It answers, but not in a unit that converts: say so rather
            // than read the unit as something else.
            if a.status == Status::Answered {
                let shown = unit.names.first().map(String::as_str).unwrap_or_default();
                let reply = format!("I can't give that in {shown}: what I have is this. {}", a.reply);
                return Ok(Answer { question: text.to_string(), status: Status::Unknown, answers: vec![], reply, ..a });
            }
        }
        // "How many square miles is Texas?": the one number relation of
        // the name's kind in a unit of that dimension, converted when its
        // unit is another.
        if let Some((unit, rest)) = text.to_lowercase().contains("how many").then(|| crate::answer::units::how_many_of(&self.r.lang, text)).flatten() {
            if let Some(a) = self.measure_in_unit(store, text, unit, &rest, max)? {
                return Ok(a);
            }
            // Read another way, a unit's words match whatever relation
            // has them in its unit ("people per square mile"): decline.
            let shown = unit.names.first().map(String::as_str).unwrap_or_default();
            return Ok(Answer::empty(text, Status::Unknown, format!("I don't know: I can't tell what is measured in {shown} there, so I won't guess.")));
        }
        // "The average population per square km": the question as the
        // lexicon writes the ratio ("per square mile"), its values
        // converted.
        if let Some((unit, readings)) = (per && text.split_whitespace().any(|w| w.eq_ignore_ascii_case("per"))).then(|| crate::answer::units::asked_per(&self.r.lang, text)).flatten() {
            for reading in readings {
                let mut inner = conv.clone();
                let a = self.answer_in_units(store, &mut inner, &reading, max, false)?;
                if let Some(converted) = crate::answer::units::convert_per(&self.r.lang, &a, unit) {
                    *conv = inner;
                    return Ok(Answer { question: text.to_string(), ..converted });
                }
            }
        }
        self.r.new_question();
        let mut cardinal = None;
        let before = conv.clone();
        let mut a = self.answer_counted(store, conv, text, max, &mut cardinal)?;
        // "Which AI start-ups ...?": an unknown word before a class names
        // a modifier. Without it, the question may answer when every value
        // carries the word: in its name or in the name of a class it is a
        // member of.
        if a.status == Status::Unknown {
            if let Some((word, phrase, without)) = self.r.modifier_before_class(text) {
                let mut inner = before.clone();
                let b = self.answer_counted(store, &mut inner, &without, max, &mut cardinal)?;
                if b.status == Status::Answered && (self.all_carry(store, &b, &word)? || quoted(&b, &phrase)) {
                    *conv = inner;
                    a = Answer { question: text.to_string(), ..b };
                }
            }
        }
        // "Who reported it first?" after a question about a person: "it"
        // is the one happening the conversation's last answer (or topic)
        // took part in, when nothing else it could mean answers.
        if a.status == Status::Unknown {
            if let Some(event) = self.r.happening_in_play(store, &before, text)? {
                let mut inner = before.clone();
                inner.focus = Some(event.clone());
                inner.answer_focus = Some(event);
                let b = self.answer_counted(store, &mut inner, text, max, &mut cardinal)?;
                if b.status == Status::Answered {
                    *conv = inner;
                    a = b;
                }
            }
        }
        // "What is the largest city in Michigan?": of the lake and the
        // state, only the state has cities. A name shared by several
        // things is the one whose readings answer, when they all answer
        // alike.
        if a.status == Status::Ambiguous {
            if let Some((b, inner)) = self.answered_alike(store, &before, text, max)? {
                *conv = inner;
                a = b;
            }
        }
        match cardinal {
            Some(n) if a.status == Status::Answered && (a.answers.len() != n || a.answers.iter().any(|v| v.conflict)) => {
                let values: Vec<&str> = a.answers.iter().map(|v| v.value.as_str()).collect();
                let reply = if values.len() == n {
                    format!("I don't know: my sources disagree about {}, so I won't guess which {n} you mean.", values.join(", "))
                } else {
                    format!("I don't know: you mention {n}, and I know of {} ({}), so I won't guess which you mean.", values.len(), values.join(", "))
                };
                Ok(Answer::empty(text, Status::Unknown, reply))
            }
            _ => Ok(a),
        }
    }

    /// The answer to a question with one name shared by several things,
    /// when the question answers for some of them and the same way for
    /// all of those (each read with a name of its own), said of which one.
    fn answered_alike(&self, store: &Store, before: &Conversation, text: &str, max: usize) -> anyhow::Result<Option<(Answer, Conversation)>> {
        if self.r.pinned() {
            return Ok(None);
        }
        let toks = self.r.tokens(text);
        let shared: Vec<(&Vec<String>, &String)> = toks.iter().filter_map(|t| if let Tok::Ent(ids, s) = t { (ids.len() > 1).then_some((ids, s)) } else { None }).collect();
        let [(ids, surface)] = shared.as_slice() else { return Ok(None) };
        let plain = format!(" {} ", self.r.clean(text));
        let mut answered: Vec<(String, Answer, Conversation)> = Vec::new();
        if !plain.contains(&format!(" {surface} ")) {
            return Ok(None);
        }
        for id in ids.iter() {
            // The name read as this one, wherever the question is read.
            let _pin = crate::understand::Pin::new(surface, id);
            let mut inner = before.clone();
            let mut cardinal = None;
            let b = self.answer_counted(store, &mut inner, text, max, &mut cardinal)?;
            if b.status == Status::Answered {
                answered.push((id.clone(), b, inner));
            }
        }
        let values = |a: &Answer| {
            let mut v: Vec<String> = a.answers.iter().map(|x| x.value.clone()).collect();
            v.sort();
            v
        };
        let Some((id, first, inner)) = answered.first() else { return Ok(None) };
        if answered.iter().any(|(_, b, _)| values(b) != values(first)) {
            return self.each_reading(store, text, surface, &answered).map(|a| a.map(|a| (a, before.clone())));
        }
        let taken = if answered.len() == 1 { format!("Taking \"{surface}\" as {}: ", self.describe_short(store, id)) } else { String::new() };
        let reply = format!("{taken}{}", first.reply);
        Ok(Some((Answer { question: text.to_string(), reply, ..first.clone() }, inner.clone())))
    }

    /// "Where is Springfield?", "what is the population of New York?": a
    /// few things share the name and the question answers for each, so
    /// each answer is given under a label that tells them apart (not one
    /// taken for the other). More than four: ask which.
    fn each_reading(&self, store: &Store, text: &str, surface: &str, answered: &[(String, Answer, Conversation)]) -> anyhow::Result<Option<Answer>> {
        if answered.len() < 2 || answered.len() > 4 || answered.iter().any(|(_, a, _)| a.answers.iter().any(|v| v.conflict)) {
            return Ok(None);
        }
        // Only a name each of them has as written: a misspelt or partial
        // name asks which was meant.
        let exact = |id: &str| self.r.cat.names_of(id).iter().any(|n| normalize(n) == surface);
        if !answered.iter().all(|(id, _, _)| exact(id)) {
            return Ok(None);
        }
        let ids: Vec<String> = answered.iter().map(|(id, _, _)| id.clone()).collect();
        let labels = self.labels(store, &ids)?;
        let mut parts = Vec::new();
        let mut answers: Vec<crate::answer::AnswerValue> = Vec::new();
        let mut citations = Vec::new();
        for ((_, a, _), label) in answered.iter().zip(&labels) {
            parts.push(format!("{label}: {}", a.reply));
            for v in &a.answers {
                if !answers.iter().any(|x| x.value == v.value) {
                    answers.push(v.clone());
                }
            }
            for c in &a.citations {
                match citations.iter_mut().find(|x: &&mut crate::answer::Citation| x.id == c.id) {
                    Some(x) => x.evidence.extend(c.evidence.iter().filter(|e| !x.evidence.contains(e)).cloned().collect::<Vec<_>>()),
                    None => citations.push(c.clone()),
                }
            }
        }
        let reply = format!("\"{surface}\" names {} things; for each: {}", answered.len(), parts.join(" "));
        Ok(Some(Answer { question: text.to_string(), status: Status::Answered, answers, reply, citations, candidates: labels, reading: None }))
    }

    /// Whether every value of an answer is an entity whose name, or the
    /// name of a class it is a member of, has `word`.
    fn all_carry(&self, store: &Store, a: &Answer, word: &str) -> anyhow::Result<bool> {
        let has = |name: &str| normalize(name).split(' ').any(|w| w == word);
        for v in &a.answers {
            let Some(e) = self.r.cat.resolve_exact(&v.value) else { return Ok(false) };
            if has(self.r.cat.name(&e)) {
                continue;
            }
            let Some(member) = &self.r.cat.lex.member_relation else { return Ok(false) };
            let classes: Vec<String> = store.facts_about(&e, Some(member))?.into_iter().filter_map(|f| f.object.entity().map(String::from)).collect();
            if !classes.iter().any(|c| self.r.cat.names_of(c).iter().any(|n| has(n))) {
                return Ok(false);
            }
        }
        Ok(!a.answers.is_empty())
    }

    fn answer_counted(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize, cardinal: &mut Option<usize>) -> anyhow::Result<Answer> {
        let trimmed = text.trim();
        if trimmed.chars().count() > 1000 {
            return Ok(Answer::empty(text, Status::Rejected, "That is too long for a question: please ask in under 1000 characters."));
        }
        if let Some(a) = self.dislocated(store, conv, trimmed, max)? {
            return Ok(a);
        }
        let Some(p) = self.r.prepare(store, text)? else {
            return Ok(Answer::empty(text, Status::Rejected, format!("I could not find a question in that. {}", self.r.lang.help)));
        };
        *cardinal = p.cardinal;
        let Prepared { plain, toks, time_word, .. } = &p;
        let (plain, toks) = (plain.as_str(), toks.as_slice());
        let (mut degree_decline, degree_error) = match self.by_own_rules(store, conv, text, max, &p)? {
            Ok(a) => return Ok(a),
            Err(left) => left,
        };
        let mut query = self.r.read_query(&p, conv);
        // "Which outlet reported that Zhang left on transition day?": an
        // ambiguous name is the one linked to another name of the question.
        if let Err(grammar::NotUnderstood::Ambiguous(..)) = &query {
            if let Some(narrowed) = self.r.narrow_by_links(store, &p.toks)? {
                let q = self.r.read_query(&p.with_toks(narrowed), conv);
                if q.is_ok() {
                    query = q;
                }
            }
        }
        // A degree error says more than the usual one when the usual way
        // has no reading either.
        if let (Some(e), true) = (degree_error, query.is_err()) {
            degree_decline = Some(self.decline(store, text, e, None)?);
        }
        let query = query.map(|q| self.r.leave_out_named(plain, q, conv));
        if let Err(grammar::NotUnderstood::Unexplained(_) | grammar::NotUnderstood::NoReading) = &query {
            if let Some((q, place)) = self.r.without_place(plain, toks, conv) {
                let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
                let names: Vec<String> = single_names(toks).map(String::from).collect();
                let mut placed = a.status == Status::Answered;
                for v in &a.answers {
                    placed &= match self.r.cat.resolve_exact(&v.value) {
                        Some(e) => crate::understand::linked(store, &e, &place, &names)?,
                        None => false,
                    };
                }
                if placed {
                    return Ok(self.remember(conv, q, a));
                }
            }
        }
        // What the grammar could not read precisely, the paraphrase ranker
        // may: it answers only when facts explain every word, and
        // otherwise offers the question it can answer.
        let mut suggestion = None;
        if let Err(grammar::NotUnderstood::Unexplained(_) | grammar::NotUnderstood::NoReading | grammar::NotUnderstood::UnknownName(_)) = &query {
            if time_word.is_none() {
                match paraphrase::rank(self.r, store, toks, conv)? {
                    paraphrase::Ranked::Answer(picks) => {
                        tracing::debug!(?picks, "ranked");
                        let a = eval::picked(&self.r.cat, store, &picks, text, grammar::is_past(self.r, toks))?;
                        if a.status == Status::Answered {
                            if let Some(first) = picks.first() {
                                conv.focus = Some(single_names(toks).next().unwrap_or(&first.fact.subject).to_string());
                            }
                            conv.answer_focus = eval::single_entity(&a, &self.r.cat);
                            conv.earlier_query = conv.last_query.take();
                            conv.last_query = match picks.as_slice() {
                                [one] => paraphrase::pick_query(self.r, one, grammar::is_past(self.r, toks)),
                                _ => None,
                            };
                            return Ok(a);
                        }
                    }
                    paraphrase::Ranked::Suggest(q) => suggestion = Some(q),
                    paraphrase::Ranked::Nothing => {}
                }
            }
        }
        // A question not answered still says who it is about: "he" in the
        // next question refers to its one name.
        // (Not when it referred back by a pronoun: "how long was he at
        // Alibaba?" is still about him.)
        if query.is_err() && !toks.iter().any(|t| matches!(t, Tok::Pron(..))) {
            let mut named = single_names(toks);
            if let Some(first) = named.next() {
                if named.all(|e| e == first) {
                    conv.focus = Some(first.to_string());
                    conv.answer_focus = None;
                    conv.last_query = None;
                    conv.earlier_query = None;
                }
            }
        }
        let answer = match query {
            Ok(q) => {
                let mut a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
                if let Some(b) = self.narrow_classes(store, &q, plain, toks, text)? {
                    a = b;
                }
                // "Which models are new?": a time word no relation takes
                // cannot tell several values apart.
                if a.answers.len() > 1 && self.r.needs_one_value(&p, &q) {
                    let word = time_word.as_ref().map(|(w, _)| w.clone()).unwrap_or_default();
                    return self.decline(store, text, grammar::NotUnderstood::Unexplained(guard::Gap { missing: vec![word], understood: vec![] }), None);
                }
                if let Some(desc) = self.description_for_name(plain, &q, &a) {
                    a = Answer::empty(
                        text,
                        Status::Unknown,
                        format!("I don't know: the sources don't give its name; I know it only as {desc}."),
                    );
                }
                self.remember(conv, q, a)
            }
            Err(e) => self.decline(store, text, e, suggestion.as_deref())?,
        };
        // The degree rules' decline says more than the usual one.
        match degree_decline {
            Some(d) if answer.status != Status::Answered => Ok(d),
            _ => Ok(answer),
        }
    }

    /// The rules that read a question of their own kind and account for
    /// every word themselves: a kind with a name ("how many states have a
    /// city named Springfield"), elapsed time, a declared ratio, degree
    /// (superlatives and comparatives) and equal degree. What they answer
    /// stands; otherwise what they leave for the usual way: the degree
    /// rules' decline, and their error.
    fn by_own_rules(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize, p: &Prepared) -> anyhow::Result<Result<Answer, Left>> {
        let Prepared { text: trimmed, plain, toks, owned, .. } = p;
        let (trimmed, plain) = (trimmed.as_str(), plain.as_str());
        // "Which model did Zhou Chang work on besides Tongyi Qianwen?":
        // the question without the exception, less the name.
        if let Some((rest, left_out)) = self.r.exception(plain) {
            if let Some(q) = self.r.prepare(store, &rest)?.and_then(|p| self.r.read_query(&p, conv).ok()) {
                if let Ask::Values(s) = q.ask {
                    let q = Query { ask: Ask::Values(Set::Minus(Box::new(s), Box::new(Set::Entity(left_out)))), past: q.past };
                    let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
                    if a.status == Status::Answered {
                        return Ok(Ok(self.remember(conv, q, a)));
                    }
                }
            }
        }
        // "How many states have a city named Springfield?": every thing
        // of the kind with the name.
        if let Some(Ok(q)) = degree::named_group(self.r, plain, conv) {
            let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
            if a.status == Status::Answered {
                return Ok(Ok(self.remember(conv, q, a)));
            }
        }
        // A question of degree is read by its own rules, which account for
        // every word themselves. What it answers stands, before the
        // grammar reads anything; when it finds nothing, the question goes
        // the usual way (the grammar or the ranker may read the degree word
        // otherwise: "who reported it first" as "first report"), and its
        // decline is the reply if that way finds nothing either.
        // "How many years after A did B?": the time between two
        // happenings, read by rules of its own; its answer or its
        // decline stands.
        if let Some(read) = elapsed::read(self.r, trimmed, plain) {
            match read {
                Ok(q) => {
                    tracing::debug!(query = %q.sexp(&|rel| self.r.cat.lex.rel(rel).name.clone()), "read as a question of elapsed time");
                    let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
                    return Ok(Ok(self.remember(conv, q, a)));
                }
                Err(e) => tracing::debug!(?e, "no reading of elapsed time"),
            }
        }
        // "The population density of the US": a declared ratio of totals.
        if let Some(q) = degree::ratio_in_place(self.r, toks) {
            let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
            if a.status == Status::Answered {
                return Ok(Ok(self.remember(conv, q, a)));
            }
        }
        let mut degree_decline = None;
        let mut degree_error = None;
        // The rules of degree read the words again: a possessive read as
        // part of the name after it ("Alibaba Cloud's Hong Kong outage")
        // is left out of them.
        let (degree_text, degree_plain) = if owned.is_empty() {
            (trimmed.to_string(), plain.to_string())
        } else {
            let mut t = crate::knowledge::normalize::fold(trimmed).to_lowercase().replace('\u{2019}', "'");
            for (owner, owned) in owned {
                t = t.replace(&format!("{owner}'s {owned}"), owned).replace(&format!("{owner}' {owned}"), owned);
            }
            let p = format!(" {} ", normalize(&t));
            (t, p)
        };
        // "Michigan's largest lake" is "the largest lake of Michigan" (the
        // words left around the degree word would name Lake Michigan);
        // read so first, where it reads.
        let owner_first = self.r.possessive_degree(&degree_text).and_then(|t| match degree::read(self.r, &t, &format!(" {} ", normalize(&t)), conv) {
            Some(Ok(q)) => Some(Some(Ok(q))),
            _ => None,
        });
        match owner_first.unwrap_or_else(|| degree::read(self.r, &degree_text, &degree_plain, conv)) {
            Some(Ok(q)) => {
                tracing::debug!(query = %q.sexp(&|rel| self.r.cat.lex.rel(rel).name.clone()), "read as a question of degree");
                let a = eval::evaluate(&self.r.cat, store, &q, text, max)?;
                if a.status == Status::Answered {
                    return Ok(Ok(self.remember(conv, q, a)));
                }
                degree_decline = Some(a);
            }
            Some(Err(e)) if e != grammar::NotUnderstood::NoReading => degree_error = Some(e),
            _ => {}
        }
        // "Rivers as long as the Mississippi": no operator compares as
        // equal, and what is left of the words would read as something else.
        if let Some(phrase) = degree::equal_degree(self.r, plain) {
            let gap = guard::Gap { missing: vec![phrase], understood: vec![] };
            return Ok(Ok(match degree_decline {
                Some(d) => d,
                None => self.decline(store, text, grammar::NotUnderstood::Unexplained(gap), None)?,
            }));
        }
        Ok(Err((degree_decline, degree_error)))
    }

    /// The reply to a question that could not be read, offering the
    /// ranker's suggestion when it has one.
    fn decline(&self, store: &Store, text: &str, e: grammar::NotUnderstood, suggestion: Option<&str>) -> anyhow::Result<Answer> {
        let suggest = |reply: String| match suggestion {
            Some(q) => format!("{reply} Did you mean \"{q}\""),
            None => reply,
        };
        Ok(match e {
            grammar::NotUnderstood::Ambiguous(name, ids) => {
                let cands = self.labels(store, &ids)?;
                let mut a = Answer::empty(text, Status::Ambiguous, format!("Which \"{name}\" do you mean: {}?", cands.join(", or ")));
                a.candidates = cands;
                a
            }
            grammar::NotUnderstood::UnknownName(name) => {
                Answer::empty(text, Status::Unknown, suggest(format!("I don't know anything about \"{name}\", so I can't answer that.")))
            }
            grammar::NotUnderstood::NoAntecedent => Answer::empty(
                text,
                Status::Unknown,
                "I don't know who or what the pronoun refers to here: please say the name instead.",
            ),
            grammar::NotUnderstood::Unexplained(gap) | grammar::NotUnderstood::Mistyped(gap) => Answer::empty(text, Status::Unknown, suggest(gap.reply())),
            grammar::NotUnderstood::NoReading => match suggestion {
                Some(_) => Answer::empty(text, Status::Unknown, suggest("I don't know exactly what that asks.".to_string())),
                None => Answer::empty(text, Status::Unknown, format!("I don't know. {}", self.r.lang.help)),
            },
        })
    }

    /// "The person heading X at Y - who's their manager?": a noun phrase
    /// set before a question that refers to it by a pronoun. The phrase is
    /// read as "who (or what) is ...?"; when that names exactly one thing,
    /// the question is asked with the pronoun referring to it. Otherwise
    /// the whole text is read as it is.
    fn dislocated(&self, store: &Store, conv: &mut Conversation, text: &str, max: usize) -> anyhow::Result<Option<Answer>> {
        let Some((left, right)) = [" - ", " \u{2013} ", " \u{2014} ", ": ", ", "].iter().find_map(|sep| text.split_once(sep)) else { return Ok(None) };
        let (left, right) = (left.trim(), right.trim());
        // The shapes only: exact names (the parts are read again in full).
        let right_toks = self.r.exact_tokens(right);
        if !right_toks.iter().any(|t| matches!(t, Tok::Pron(..))) {
            return Ok(None);
        }
        let left_toks = self.r.exact_tokens(left);
        let asks = matches!(right_toks.first(), Some(Tok::Wh(_)) | Some(Tok::Aux(_)));
        let describes = left_toks.iter().any(|t| matches!(t, Tok::Rel(..) | Tok::Kind(_)));
        let plain_phrase = !left_toks.iter().any(|t| matches!(t, Tok::Wh(_) | Tok::Aux(_) | Tok::Pron(..) | Tok::List));
        // A name alone ("Zhou Chang - what kind of engineer is he?").
        let name = match left_toks.as_slice() {
            [Tok::Ent(ids, _)] | [Tok::Ent(ids, _), Tok::Prep(_), Tok::Ent(..)] if ids.len() == 1 => Some(ids[0].clone()),
            _ => None,
        };
        if !(asks && plain_phrase && (describes || name.is_some())) {
            return Ok(None);
        }
        let one = match name {
            Some(id) if !describes => id,
            _ => {
                let wh = if left_toks.iter().any(|t| matches!(t, Tok::Kind(k) if self.r.cat.is_person_kind(k))) { "Who" } else { "What" };
                let mut scratch = Conversation::default();
                let named = self.answer(store, &mut scratch, &format!("{wh} is {left}?"), max)?;
                let Some(one) = eval::single_entity(&named, &self.r.cat).filter(|_| named.status == Status::Answered) else { return Ok(None) };
                one
            }
        };
        let mut inner = conv.clone();
        inner.focus = Some(one.clone());
        inner.answer_focus = Some(one);
        let mut a = self.answer(store, &mut inner, right, max)?;
        if a.status != Status::Answered {
            return Ok(None);
        }
        a.question = text.to_string();
        *conv = inner;
        Ok(Some(a))
    }

    /// "What kind of engineer is Zhou Chang?": of the classes a name is a
    /// member of, the ones whose name has a word of the question (other
    /// than the name's), when some have one and others do not.
    fn narrow_classes(&self, store: &Store, q: &Query, plain: &str, toks: &[Tok], text: &str) -> anyhow::Result<Option<Answer>> {
        let Some(member) = self.r.cat.lex.member_relation.as_ref().and_then(|m| self.r.cat.lex.relation_index(m)) else { return Ok(None) };
        let Ask::Values(Set::Join { rel, dir: Dir::ToObject, of, .. }) = &q.ask else { return Ok(None) };
        let Set::Entity(subject) = of.as_ref() else { return Ok(None) };
        if *rel != member {
            return Ok(None);
        }
        let named: HashSet<String> = toks.iter().filter_map(|t| if let Tok::Ent(_, span) = t { Some(span.clone()) } else { None }).flat_map(|s| s.split(' ').map(String::from).collect::<Vec<_>>()).collect();
        let asked: HashSet<String> = plain.split(' ').filter(|w| !w.is_empty() && !self.r.stopwords.contains(*w) && !named.contains(*w)).map(|w| self.r.stem(w)).collect();
        let facts = store.facts_about(subject, Some(&self.r.cat.lex.rel(member).name))?;
        let carries = |f: &Fact| f.object.entity().is_some_and(|c| normalize(self.r.cat.name(c)).split(' ').any(|w| asked.contains(&self.r.stem(w))));
        let kept: Vec<Fact> = facts.iter().filter(|f| carries(f)).cloned().collect();
        if kept.is_empty() || kept.len() == facts.len() {
            return Ok(None);
        }
        let picks: Vec<crate::query::Pick> = kept.into_iter().map(|fact| crate::query::Pick { fact, side: crate::query::Side::Object }).collect();
        Ok(Some(eval::picked(&self.r.cat, store, &picks, text, q.past)?))
    }

    /// Keeps what the next question may refer to: the query's topic, the
    /// one entity the answer names, and the query itself.
    fn remember(&self, conv: &mut Conversation, q: grammar::Query, a: Answer) -> Answer {
        if let Some(t) = q.topic() {
            conv.focus = Some(t);
        }
        conv.answer_focus = eval::single_entity(&a, &self.r.cat);
        conv.earlier_query = conv.last_query.replace(q);
        a
    }

    /// For a question that asks for a name ("what's the name of Jia's new
    /// start-up?"): an answer that only describes the thing as belonging
    /// to one of the question's own names ("Jia Yangqing's AI
    /// infrastructure start-up") is no name. Returns that description.
    fn description_for_name(&self, plain: &str, q: &Query, a: &Answer) -> Option<String> {
        if a.status != Status::Answered {
            return None;
        }
        if !self.r.name_asks().iter().any(|p| plain.contains(p.as_str())) {
            return None;
        }
        // "Jia Yangqing's ...": a name the question typed or read ("jia's
        // startup" is his), as a possessive ("normalize" drops the "'s",
        // so look at the value as written).
        let read = q.entities();
        a.answers.iter().find_map(|v| {
            let raw = v.value.replace('\u{2019}', "'");
            let described = raw.match_indices("'s ").any(|(at, _)| {
                let words: Vec<String> = normalize(&raw[..at]).split(' ').map(String::from).collect();
                (1..=words.len().min(4)).any(|k| {
                    let name = words[words.len() - k..].join(" ");
                    self.r.cat.aliases.get(&name).is_some_and(|ids| plain.contains(&format!(" {name} ")) || ids.iter().any(|id| read.contains(&id.as_str())))
                })
            });
            described.then(|| v.value.clone())
        })
    }

    /// "Kismet (movie)" for candidate lists.
    fn describe_short(&self, _store: &Store, id: &str) -> String {
        match self.r.cat.names.get(id) {
            Some((n, k)) => format!("{n} ({k})"),
            None => id.to_string(),
        }
    }

    /// Short labels that tell things apart: name and kind, and where two
    /// share both, where each is ("Springfield (city in Illinois)").
    fn labels(&self, store: &Store, ids: &[String]) -> anyhow::Result<Vec<String>> {
        let short: Vec<String> = ids.iter().map(|id| self.describe_short(store, id)).collect();
        let mut out = Vec::with_capacity(ids.len());
        for (id, label) in ids.iter().zip(&short) {
            let (true, Some((n, k))) = (short.iter().filter(|l| *l == label).count() > 1, self.r.cat.names.get(id)) else {
                out.push(label.clone());
                continue;
            };
            let mut place = None;
            for f in store.facts_about(id, None)? {
                let located = self.r.cat.lex.relation_index(&f.relation).is_some_and(|r| self.r.cat.lex.rel(r).location);
                if let (true, Some(e)) = (located, f.object.entity()) {
                    place = Some(self.r.cat.name(e).to_string());
                    break;
                }
            }
            out.push(match place {
                Some(p) => format!("{n} ({k} in {p})"),
                None => label.clone(),
            });
        }
        Ok(out)
    }
}

/// "What did X leave Y to do?", "What did X leave Y for?": the question
/// asks for the purpose, as "why did X leave Y?" does.
/// Whether the evidence behind an answer says `phrase` (normalised):
/// "Jia's new start-up" is the start-up its source calls "a new
/// start-up".
fn quoted(a: &Answer, phrase: &str) -> bool {
    let padded = format!(" {phrase} ");
    a.citations.iter().flat_map(|c| &c.evidence).any(|e| format!(" {} ", normalize(e)).contains(&padded))
}

/// The names of a question that are not ambiguous, in order.
fn single_names(toks: &[Tok]) -> impl Iterator<Item = &str> {
    toks.iter().filter_map(|t| match t {
        Tok::Ent(ids, _) if ids.len() == 1 => Some(ids[0].as_str()),
        _ => None,
    })
}
