//! English: how values, facts, sources and answers are said.
//!
//! Evaluation (see [`super::eval`]) finds values and the facts behind
//! them; this module words them: names with their articles, amounts with
//! their units and bounds, a fact as its relation's sentence (tense, dates,
//! what was only expected), lists, counts, citations and the source line.
//! Every channel takes its text from here: the console line, Telegram's
//! HTML and the JSON contract show the same reply.

use super::outcome::{bound_of, Asked, Beyond, Declined, Given, Hit, Join, Label, Lasted, Listed, Outcome, Quantity, Reply, Span, When};
use crate::query::TimeUnit;
use super::{Answer, AnswerValue, Citation, Status};
use crate::query::Measure;
use crate::knowledge::catalog::Catalog;
use crate::knowledge::normalize::capitalise;
use crate::knowledge::{format_amount, Bound, Fact, Source, Value};
use crate::store::Store;
use std::cell::RefCell;
use std::collections::HashMap;

/// Says the values and facts of one evaluation in English, with the
/// catalog's names and the store's sources (each source read once).
pub struct Speaker<'a> {
    /// The names, kinds and lexicon that word the values.
    pub cat: &'a Catalog,
    store: &'a Store,
    /// Sources already read.
    sources: RefCell<HashMap<String, Option<Source>>>,
}

impl<'a> Speaker<'a> {
    /// A speaker for one query over this catalog and store.
    pub fn new(cat: &'a Catalog, store: &'a Store) -> Speaker<'a> {
        Speaker { cat, store, sources: Default::default() }
    }

    /// A source by id, read once per query.
    pub fn source(&self, id: &str) -> anyhow::Result<Option<Source>> {
        if let Some(s) = self.sources.borrow().get(id) {
            return Ok(s.clone());
        }
        let s = self.store.source(id)?;
        self.sources.borrow_mut().insert(id.to_string(), s.clone());
        Ok(s)
    }

    /// A value as an answer lists it: a name, an amount, a date, a text.
    pub fn show(&self, v: &Value) -> String {
        match v {
            Value::Entity(id) => self.cat.name(id).to_string(),
            Value::Number { amount, money } => format!("{}{}", if *money { "$" } else { "" }, format_amount(*amount)),
            Value::Date(d) => d.human(),
            Value::Text(t) => t.clone(),
        }
    }

    /// An entity as a sentence names it: "the Alibaba Cloud IPO" for a
    /// kind whose names take the article.
    pub fn mention(&self, id: &str) -> String {
        let name = self.cat.name(id);
        let definite = self.cat.kind(id).is_some_and(|k| self.cat.lex.definite_kinds.iter().any(|d| d == k));
        // A possessive is a determiner of its own ("Daniel Zhang's exit").
        let determined = name.to_lowercase().starts_with("the ") || name.split(' ').any(|w| w.ends_with("'s") || w.ends_with('\u{2019}') || w.ends_with("\u{2019}s") || w.ends_with('\''));
        if definite && !determined {
            format!("the {name}")
        } else {
            name.to_string()
        }
    }

    /// A value as a sentence says it (see [`Speaker::mention`]).
    pub fn speak(&self, v: &Value) -> String {
        match v {
            Value::Entity(id) => self.mention(id),
            v => self.show(v),
        }
    }

    /// A value as a sentence says it, a number with the unit of the
    /// relation `rel`.
    pub fn speak_with_unit(&self, v: &Value, rel: &str) -> String {
        match v {
            Value::Entity(id) => self.mention(id),
            v => self.show_with_unit(v, rel),
        }
    }

    /// A value as an answer lists it, a number with the unit of the
    /// relation `rel` ("7 billion parameters").
    pub fn show_with_unit(&self, v: &Value, rel: &str) -> String {
        let base = self.show(v);
        match (v, self.cat.lex.relation(rel).and_then(|r| r.unit.as_deref())) {
            (Value::Number { money: false, .. }, Some(u)) => format!("{base} {u}"),
            _ => base,
        }
    }

    /// A value as an answer gives it, with the bound its facts give it
    /// ("more than $20 billion"): `shown` is the value said plainly.
    pub fn bounded(&self, facts: &[Fact], shown: String) -> String {
        Bound::said(bound_of(facts), shown)
    }

    /// A measure as a person would say it: "175 billion parameters", "2020".
    pub fn show_amount(&self, q: &Quantity, by: &Measure) -> String {
        match q {
            Quantity::Number(n, money) => {
                let base = format!("{}{}", if *money { "$" } else { "" }, format_amount(*n));
                match by {
                    Measure::Value(rel) => match (&self.cat.lex.rel(*rel).unit, money) {
                        (Some(u), false) => format!("{base} {u}"),
                        _ => base,
                    },
                    Measure::Through { then, .. } => self.show_amount(q, then),
                    _ => base,
                }
            }
            Quantity::Date(d) => d.human(),
            Quantity::Until(d) => format!("until {}", d.human()),
            Quantity::By(d) => format!("by {}", d.human()),
        }
    }

    /// The sources of these facts, in order of first use, each with the
    /// evidence quotes it gives for them.
    pub fn citations(&self, facts: &[&Fact]) -> anyhow::Result<Vec<Citation>> {
        let mut out: Vec<Citation> = Vec::new();
        for f in facts {
            for s in &f.sources {
                let pos = match out.iter().position(|c| &c.id == s) {
                    Some(p) => p,
                    None => {
                        let src = self.source(s)?;
                        out.push(Citation {
                            id: s.clone(),
                            cite: src.as_ref().map(|x| x.cite()).unwrap_or_else(|| s.clone()),
                            outlet: src.as_ref().map(|x| x.outlet.clone()).unwrap_or_else(|| s.clone()),
                            title: src.map(|x| x.title).unwrap_or_default(),
                            evidence: vec![],
                            via: vec![],
                        });
                        out.len() - 1
                    }
                };
                if let Some(e) = f.evidence_from(s) {
                    if !out[pos].evidence.iter().any(|x| x == e) {
                        out[pos].evidence.push(e.to_string());
                    }
                }
                if let Some(who) = f.via.get(s).map(|id| self.cat.name(id)) {
                    if !out[pos].via.iter().any(|w| w == who) {
                        out[pos].via.push(who.to_string());
                    }
                }
            }
        }
        Ok(out)
    }

    /// "CNBC, Nov 2023; SCMP, Mar 2023": the sources of these facts, as a
    /// reply names them in brackets.
    pub fn cite_facts(&self, facts: &[Fact]) -> anyhow::Result<String> {
        let refs: Vec<&Fact> = facts.iter().collect();
        Ok(self.citations(&refs)?.into_iter().map(|c| c.cite).collect::<Vec<_>>().join("; "))
    }

    /// A fact as its relation's sentence, in the past when asked so or
    /// when it has ended, with its dates.
    pub fn sentence(&self, f: &Fact, past: bool) -> String {
        let Some(rel) = self.cat.lex.relation(&f.relation) else { return String::new() };
        let past = past || f.until.is_some();
        let subject = self.mention(&f.subject);
        let subject = subject.as_str();
        let object = Bound::said(f.bound, self.speak_with_unit(&f.object, &f.relation));
        // A state that still holds, with its start: the present perfect,
        // whatever the question's tense ("Eddie Wu has been the CEO of
        // Alibaba since September 2023", not "was ... since").
        if let (Some(a), None, None) = (f.since, f.until, f.on) {
            let perfect = if let Some(rest) = rel.present.strip_prefix("{s} is ") {
                Some(format!("{{s}} has been {rest}"))
            } else {
                rel.past.as_deref().and_then(|p| p.strip_prefix("{s} ")).filter(|p| !p.starts_with("was ") && !p.starts_with("were ")).map(|p| format!("{{s}} has {p}"))
            };
            if let Some(t) = perfect {
                return capitalise(&format!("{} since {}", t.replace("{s}", subject).replace("{o}", &object), a.human()));
            }
        }
        // "Zhou Chang was expected to leave Alibaba (as of July 2024)":
        // what was expected, not that it happened.
        if f.expected {
            let s = rel.expected_sentence(subject, &object);
            return match f.on.or(f.since) {
                Some(d) => capitalise(&format!("{s}, as reported in {}", d.human())),
                None => capitalise(&s),
            };
        }
        let mut s = rel.sentence(past, subject, &object);
        // A date that is when the sources reported it: it happened by then.
        let latest = if f.reported { " at the latest" } else { "" };
        if let Some(d) = f.on {
            if f.reported {
                s.push_str(&format!(" by {}, when it was reported", d.human()));
            } else {
                s.push_str(&format!(" {} {}", if d.day.is_some() { "on" } else { "in" }, d.human()));
            }
        } else if let (Some(a), Some(b)) = (f.since, f.until) {
            s.push_str(&format!(" from {} until {}{latest}", a.human(), b.human()));
        } else if let Some(a) = f.since {
            s.push_str(&format!(" since {}", a.human()));
        } else if let Some(b) = f.until {
            s.push_str(&format!(" until {}{latest}", b.human()));
        }
        capitalise(&s)
    }
}

/// A small count as a word ("one", "two"), a larger one in figures.
pub fn count_word(n: usize) -> String {
    const WORDS: [&str; 10] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// "A", "A and B", "A, B, and C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

/// " A source marked unreliable also gives X and Y.", or nothing.
pub fn unreliable_note(aside: &[String]) -> String {
    if aside.is_empty() {
        String::new()
    } else {
        format!(" A source marked unreliable also gives {}.", join_names(aside))
    }
}

/// The facts without those said in the same words as an earlier one
/// (two relations that read alike: "is the chief technology officer of
/// Alibaba Cloud" twice).
pub(crate) fn distinct_sentences(say: &Speaker, facts: Vec<Fact>) -> Vec<Fact> {
    let mut said = std::collections::HashSet::new();
    facts.into_iter().filter(|f| said.insert(say.sentence(f, false))).collect()
}

/// A description as a person writes one: the facts about the thing in
/// one sentence with the name once ("Jia Yangqing led ..., left Alibaba
/// in March 2023 and was ..."), then those in which it is the object.
pub fn describe(say: &Speaker, e: &str, facts: &[Fact]) -> String {
    let name = capitalise(&say.mention(e));
    let prefix = format!("{name} ");
    let mut predicates = Vec::new();
    let mut others = Vec::new();
    for f in facts {
        let s = say.sentence(f, false);
        match s.strip_prefix(&prefix) {
            Some(p) if f.subject == e => predicates.push(p.to_string()),
            _ => others.push(s),
        }
    }
    let mut sentences = Vec::new();
    if !predicates.is_empty() {
        sentences.push(format!("{name} {}.", join_names(&predicates)));
    }
    sentences.extend(others.into_iter().map(|s| format!("{s}.")));
    sentences.join(" ")
}

/// "(sources: CNBC, Nov 2023; SCMP, Mar 2023)", or empty.
pub fn source_line(a: &Answer) -> String {
    if a.citations.is_empty() {
        return String::new();
    }
    let cites: Vec<&str> = a.citations.iter().map(|c| c.cite.as_str()).collect();
    format!("(source{}: {})", if cites.len() > 1 { "s" } else { "" }, cites.join("; "))
}

/// The reply with its source line, as the console and the JSON contract
/// show it.
pub fn full_reply(a: &Answer) -> String {
    let line = source_line(a);
    if line.is_empty() {
        a.reply.clone()
    } else {
        format!("{} {}", a.reply, line)
    }
}

/// The answer contract's JSON object (see ../shared/eval/CONTRACT.md).
pub fn json(a: &Answer) -> serde_json::Value {
    let mut v = serde_json::json!({
        "question": a.question,
        "status": a.status,
        "answers": a.answers,
        "reply": full_reply(a),
    });
    if !a.candidates.is_empty() {
        v["candidates"] = serde_json::json!(a.candidates);
    }
    if let Some(r) = &a.reading {
        v["reading"] = serde_json::json!(r);
    }
    v
}

/// The reply when nothing answers.
const NO_FACTS: &str = "I don't know: none of the facts I have answers that.";

/// An outcome in words: the reply, the values as a person says them and
/// the sources behind them. An answer whose reply would cite nothing in
/// brackets is withheld.
pub fn answer(say: &Speaker, o: &Outcome) -> anyhow::Result<Answer> {
    let mut reply = say.reply(&o.reply)?;
    reply.push_str(&unreliable_note(&o.aside.iter().map(|g| say.given(g)).collect::<Vec<_>>()));
    if o.guarded && reply.contains("()") {
        tracing::warn!(question = o.question, reply, "answer withheld: a value without sources");
        return Ok(Answer { reading: o.reading.clone(), ..Answer::empty(&o.question, Status::Unknown, NO_FACTS) });
    }
    if let (Status::Answered, Some((names, by))) = (o.status, &o.unmeasured) {
        reply.push_str(&unmeasured_note(say, names, by));
    }
    let answers = o.values.iter().map(|f| AnswerValue { value: say.given(&f.value), sources: f.sources.clone(), conflict: f.conflict }).collect();
    let citations = if o.support.is_empty() {
        vec![]
    } else {
        let refs: Vec<&Fact> = o.support.iter().collect();
        say.citations(&refs)?.into_iter().filter(|c| !c.id.is_empty()).collect()
    };
    Ok(Answer { question: o.question.clone(), status: o.status, answers, reply, citations, candidates: vec![], reading: o.reading.clone() })
}

impl Speaker<'_> {
    /// A value of an outcome as an answer gives it.
    pub fn given(&self, g: &Given) -> String {
        match g {
            Given::Value { value, unit, bound } => {
                let shown = match unit {
                    Some(rel) => self.show_with_unit(value, rel),
                    None => self.show(value),
                };
                Bound::said(*bound, shown)
            }
            Given::Verdict(yes) => if *yes { "yes" } else { "no" }.to_string(),
            Given::Count(n) => n.to_string(),
            Given::When(When::At(d)) => d.human(),
            Given::When(When::By(d)) => format!("by {}", d.human()),
            Given::When(When::Until(d)) => format!("until {}", d.human()),
            Given::Lasted(Lasted::Months(1)) => "1 month".to_string(),
            Given::Lasted(Lasted::Months(m)) => format!("{m} months"),
            Given::Lasted(Lasted::Years(y)) => format!("{y} years"),
            Given::Lasted(Lasted::About(y)) => format!("{y:.1} years"),
            Given::Span(span) => match *span {
                Span::Days(n) => count_of(n, "day"),
                Span::Weeks(n) => count_of(n, "week"),
                Span::Months(n) => count_of(n, "month"),
                Span::Years(n) => count_of(n, "year"),
                Span::YearsMonths(y, m) => format!("{} and {}", count_of(y, "year"), count_of(m, "month")),
            },
            Given::Amount(q, by) => self.show_amount(q, by),
            Given::Title(f) => {
                let title = self.cat.lex.relation(&f.relation).and_then(|r| r.title.as_deref()).unwrap_or("");
                format!("{title} of {}{}", self.show(&f.object), if f.until.is_some() { " (former)" } else { "" })
            }
        }
    }

    /// What dates two happenings: each fact's sentence once.
    fn told(&self, facts: &[Fact]) -> String {
        let mut said: Vec<String> = Vec::new();
        for f in facts {
            let s = self.sentence(f, true);
            if !s.is_empty() && !said.contains(&s) {
                said.push(s);
            }
        }
        said.join("; ")
    }

    /// The facts' sentences, joined by semicolons.
    fn sentences(&self, facts: &[Fact], past: bool) -> String {
        facts.iter().map(|f| self.sentence(f, past)).collect::<Vec<_>>().join("; ")
    }

    /// The reply text of an outcome's reply, without notes.
    fn reply(&self, r: &Reply) -> anyhow::Result<String> {
        let list = |gs: &[Given]| join_names(&gs.iter().map(|g| self.given(g)).collect::<Vec<_>>());
        Ok(match r {
            Reply::NoFacts => NO_FACTS.to_string(),
            Reply::Listed(l) => self.listed(l),
            Reply::Happened { items, conflict, past } => {
                let mut parts = Vec::new();
                for (g, fs) in items {
                    let v = self.given(g);
                    let sentence = fs.first().map(|f| self.sentence(f, *past)).unwrap_or_default();
                    // (The citation says which source is marked unreliable.)
                    parts.push(if *conflict {
                        format!("{v}: {sentence} (according to {})", self.cite_facts(fs)?)
                    } else if sentence.is_empty() {
                        v
                    } else {
                        format!("{v} ({sentence})")
                    });
                }
                if *conflict {
                    format!("The sources disagree: {}.", parts.join("; but "))
                } else {
                    capitalise(&format!("{}.", parts.join("; ")))
                }
            }
            Reply::NotMeasured { asked, missing } => {
                let what = join_names(&missing.iter().map(|(names, by)| not_known(self, names, by)).collect::<Vec<_>>());
                match asked {
                    Asked::Value => format!("I don't know: I don't know {what}."),
                    Asked::Total => format!("I don't know the total: I don't know {what}."),
                    Asked::Ratio => format!("I don't know that: I don't know {what}."),
                }
            }
            Reply::Unordered { a, b, by } => format!("I can't tell: {} and {} don't order them.", self.show_amount(a, by), self.show_amount(b, by)),
            Reply::Compared { yes, one, amount, other, limit, by } => {
                let yes_no = if *yes { "Yes" } else { "No" };
                match other {
                    None => format!("{yes_no}: {} ({}).", self.show(one), self.show_amount(amount, by)),
                    Some(other) => {
                        let other = other.as_ref().map(|v| self.show(v)).unwrap_or_default();
                        format!("{yes_no}: {} ({}); {other} ({}).", self.show(one), self.show_amount(amount, by), self.show_amount(limit, by))
                    }
                }
            }
            Reply::NotOrdered { known, by } => {
                let names: Vec<String> = known.iter().map(|(v, q)| format!("{} ({})", self.show(v), self.show_amount(q, by))).collect();
                format!("I can't tell: the dates I have don't order them: {}.", join_names(&names))
            }
            Reply::Extreme { leaders, next, none, unmeasured, by, of_known, unreliable } => {
                let label = |l: &Label| match l {
                    Label::Said(f) => self.sentence(f, true),
                    Label::Measured(v, q) => format!("{} ({})", self.show(v), self.show_amount(q, by)),
                };
                let mut reply = join_names(&leaders.iter().map(label).collect::<Vec<_>>());
                if let Some((beyond, l)) = next {
                    let word = match beyond {
                        Beyond::After => "after",
                        Beyond::Before => "before",
                        Beyond::AheadOf => "ahead of",
                        Beyond::Below => "below",
                    };
                    reply.push_str(&format!(", {word} {}", label(l)));
                }
                reply.push('.');
                if !none.is_empty() {
                    let names: Vec<String> = none.iter().map(|v| self.show(v)).collect();
                    let one = names.len() == 1;
                    reply.push_str(&format!(" {} {} none, and {} not counted.", join_names(&names), if one { "has" } else { "have" }, if one { "is" } else { "are" }));
                }
                reply.push_str(&unmeasured_note(self, unmeasured, by));
                if *of_known {
                    reply = format!("Of those I know of: {reply}");
                }
                if *unreliable {
                    reply.push_str(" (The leader's figure comes only from a source marked unreliable.)");
                }
                reply
            }
            Reply::Ratio { ratio, rel, top, bottom, members } => {
                let shown = self.show_amount(ratio, &Measure::Value(*rel));
                let (t, b) = (self.show_amount(&top.0, &Measure::Value(top.1)), self.show_amount(&bottom.0, &Measure::Value(bottom.1)));
                // "over the 51 states": the members' kind, by its plural noun.
                let lex = &self.cat.lex;
                let kind = lex.rel(*rel).subject.first().and_then(|k| lex.kinds.get(k)).and_then(|nouns| nouns.iter().find(|n| n.ends_with('s')).or(nouns.first()));
                let over = match kind {
                    Some(noun) => format!("the {members} {noun}"),
                    None => format!("{members} of them"),
                };
                format!("{shown}: {t} over {b}, summed over {over}.")
            }
            Reply::Elapsed { span, facts } => format!("{}: {}.", self.given(&Given::Span(*span)), self.told(facts)),
            Reply::NotElapsed { why, facts } => {
                let told = self.told(facts);
                match why {
                    Declined::OtherWayRound => format!("I can't say: it was the other way round ({told})."),
                    Declined::Unordered => format!("I can't tell: the dates I have don't order them ({told})."),
                    Declined::OnlyYears => format!("I can't tell in months: I know only the years ({told})."),
                    Declined::NoDays(unit) => format!("I can't tell in {}: I don't know both days ({told}).", if *unit == TimeUnit::Weeks { "weeks" } else { "days" }),
                }
            }
            Reply::Total { total, parts, by } => {
                let each: Vec<String> = parts.iter().map(|(v, q)| format!("{}: {}", self.show(v), self.show_amount(q, by))).collect();
                format!("{} in all ({}).", self.show_amount(total, by), each.join("; "))
            }
            Reply::NothingOfOne => "I don't know: I know nothing of one of the two.".to_string(),
            Reply::Description { of, facts } => describe(self, of, facts),
            Reply::Titles { of, titles } => format!("{}: {}.", self.show(of), list(titles)),
            Reply::AllYes { members, listed } => format!("Yes, all {}: {}", count_word(*members), self.listed(listed)),
            Reply::NotAmong { listed, facts, past, not } => {
                let said = match listed {
                    Some(l) => self.listed(l),
                    None => self.sentences(facts, *past),
                };
                format!("No: {}, not {}.", said.trim_end_matches('.'), not.as_ref().map(|g| self.given(g)).unwrap_or_default())
            }
            Reply::LastHolder(facts) => {
                let sentences: Vec<String> = facts.iter().map(|f| self.sentence(f, true)).collect();
                format!("I don't know of a current one: the latest I know of is that {} (according to {}).", sentences.join("; "), self.cite_facts(facts)?)
            }
            Reply::CountUnknown { listed, ended: true, .. } => {
                format!("I don't know: the sources don't say how many in all, and name none now; in the past: {}.", list(listed))
            }
            Reply::CountUnknown { listed, known, ended: false } => {
                format!("I don't know: the sources don't say how many in all. I know of {}: {}.", count_word(*known), list(listed))
            }
            Reply::Count { n, listed } => format!("{n}: {}.", list(listed)),
            Reply::ClosedZero => "0: none, and the sources list them all.".to_string(),
            Reply::Disagree { sides, past } => {
                // (The citation says which source is marked unreliable.)
                let mut parts = Vec::new();
                for side in sides {
                    let mut said = Vec::new();
                    for f in side {
                        said.push(format!("{} (according to {})", self.sentence(f, *past), self.cite_facts(std::slice::from_ref(f))?));
                    }
                    parts.push(said.join("; "));
                }
                format!("The sources disagree: {}.", parts.join("; but "))
            }
            Reply::Verdict { yes: true, facts, past, .. } => format!("Yes: {}.", self.sentences(facts, *past)),
            Reply::Verdict { yes: false, facts, past, not } => {
                format!("No: {}, not {}.", self.sentences(facts, *past), not.as_ref().map(|g| self.given(g)).unwrap_or_default())
            }
            Reply::Expected { facts, past: true } => format!("I can't say that it happened: {}.", self.sentences(facts, true)),
            Reply::Expected { facts, past: false } => format!("Yes, that is expected: {} (no source says yet that it has happened).", self.sentences(facts, true)),
            Reply::NoneEitherWay(item) => {
                let about = item.as_ref().map(|g| self.given(g)).filter(|g| !g.is_empty()).map_or_else(|| "that".to_string(), |g| format!("{g} there"));
                format!("I don't know: I have no facts either way about {about}.")
            }
            Reply::Tie { tied, alike } => {
                let names: Vec<String> = tied.iter().map(|v| self.show(v)).collect();
                match alike {
                    Some(values) => format!("{} tie there, and for each of them the answer is {}.", join_names(&names), list(values)),
                    None => format!("I don't know which one that means: {} tie there. Ask about one of them.", join_names(&names)),
                }
            }
            Reply::Picked { facts, past } => {
                let sentences: Vec<String> = facts
                    .iter()
                    .map(|(f, reason)| {
                        let sentence = self.sentence(f, *past);
                        match reason {
                            Some(r) => format!("{sentence}; the reason given: {r}"),
                            None => sentence,
                        }
                    })
                    .collect();
                capitalise(&format!("{}.", sentences.join("; ")))
            }
        })
    }
}

/// "the parameters of ChatGPT", for a reply that does not know them.
pub fn not_known(say: &Speaker, names: &[Value], by: &Measure) -> String {
    let names: Vec<String> = names.iter().map(|v| say.show(v)).collect();
    format!("the {} of {}", measure_noun(say, by), join_names(&names))
}

/// " I don't know the parameters of ChatGPT, so it is not compared."
pub fn unmeasured_note(say: &Speaker, unknown: &[Value], by: &Measure) -> String {
    if unknown.is_empty() {
        return String::new();
    }
    let (pronoun, verb) = if unknown.len() == 1 { ("it", "is") } else { ("they", "are") };
    format!(" I don't know {}, so {pronoun} {verb} not compared.", not_known(say, unknown, by))
}

/// What a measure is called in a reply: the relation's first object noun,
/// else its name in words.
fn measure_noun(say: &Speaker, by: &Measure) -> String {
    let (rel, _) = by.relation();
    let relation = say.cat.lex.rel(rel);
    match by {
        Measure::Count(..) => format!("number of {}", relation.object_nouns.first().cloned().unwrap_or_else(|| relation.name.replace('_', " "))),
        Measure::Date { .. } => "date".to_string(),
        Measure::Value(_) => relation.object_nouns.first().cloned().unwrap_or_else(|| relation.name.replace('_', " ")),
        Measure::Each(each) => each.first().map_or_else(|| "date".to_string(), |(_, m)| measure_noun(say, m)),
        Measure::Through { then, .. } => measure_noun(say, then),
    }
}

impl Speaker<'_> {
    /// A list answer in its relation's sentence: "Weiguang Liu leads
    /// Alibaba's public cloud division (since November 2023).", each
    /// value with what it is said of when several are on both sides, the
    /// first `max` and "N more".
    fn listed(&self, l: &Listed) -> String {
        // What happened and what the sources only expected are said apart
        // ("Jia Yangqing left Alibaba. Zhou Chang was expected to leave
        // Alibaba."), never as one list that happened.
        let expected = |h: &Hit| !h.facts.is_empty() && h.facts.iter().all(|f| f.expected);
        if l.hits.iter().any(expected) && !l.hits.iter().all(expected) {
            let (later, done): (Vec<Hit>, Vec<Hit>) = l.hits.iter().cloned().partition(expected);
            let part = |hits: Vec<Hit>| self.listed(&Listed { hits, join: l.join.clone(), events: l.events.clone(), past: l.past, max: l.max });
            return format!("{} {}", part(done), part(later));
        }
        let (hits, past, max) = (&l.hits, l.past, l.max);
        let names: Vec<String> = hits.iter().map(|h| self.speak(&h.value)).collect();
        let more = names.len().saturating_sub(max);
        let mut shown = names[..names.len().min(max)].to_vec();
        if more > 0 {
            shown.push(format!("{more} more"));
        }
        let list = join_names(&shown);
        let Some(Join { rel, want_subject, others: values }) = &l.join else { return format!("{list}.") };
        let want_subject = *want_subject;
        let Some(relation) = self.cat.lex.relation(rel) else { return format!("{list}.") };
        // "What happened to Zhou Chang?": the happenings that concern the
        // name, each as what is known of it.
        if !l.events.is_empty() {
            let said: Vec<String> = l
                .events
                .iter()
                .map(|e| match (&e.value, e.facts.is_empty()) {
                    (Value::Entity(id), false) => describe(self, id, &e.facts),
                    (v, _) => format!("{}.", capitalise(&self.speak(v))),
                })
                .collect();
            return said.join(" ");
        }
        let mut others: Vec<String> = values.iter().take(max).map(|v| self.speak_with_unit(v, &relation.name)).collect();
        if values.len() > max {
            others.push(format!("{} more", values.len() - max));
        }
        // Of several things on the other side, those the answers' facts link
        // ("Pontchartrain is in Louisiana", not in every state asked about).
        if values.len() > 1 {
            let mut linked: Vec<String> = Vec::new();
            for f in hits.iter().flat_map(|h| &h.facts) {
                let side = if want_subject { self.speak(&f.object) } else { self.mention(&f.subject) };
                if !linked.contains(&side) {
                    linked.push(side);
                }
            }
            if !linked.is_empty() && linked.len() < values.len() {
                let n = linked.len();
                linked.truncate(max);
                if n > max {
                    linked.push(format!("{} more", n - max));
                }
                others = linked;
            }
        }
        let other = join_names(&others);
        let ended = past || hits.iter().all(|h| !h.facts.is_empty() && h.facts.iter().all(|f| f.until.is_some() || f.on.is_some()));
        // More on both sides than a sentence can pair ("the area of the
        // states"): each with its own, up to the limit.
        // (Things on both sides read as a whole: "A and B run through C and
        // D" holds of them together; "A and B have an area of X and Y" pairs
        // them by place, which a long list loses.)
        let measures = hits.iter().all(|h| h.value.entity().is_none());
        if measures && values.len() > 1 && hits.len() > 1 && (hits.len() > max || values.len() > max) {
            let mut pairs: Vec<String> = Vec::new();
            let mut total = 0;
            for h in hits {
                let answer = self.bounded(&h.facts, self.speak_with_unit(&h.value, &relation.name));
                for f in &h.facts {
                    total += 1;
                    if pairs.len() < max {
                        let side = if want_subject { self.speak(&f.object) } else { self.mention(&f.subject) };
                        pairs.push(format!("{side}: {answer}"));
                    }
                }
            }
            if total > pairs.len() {
                pairs.push(format!("and {} more", total - pairs.len()));
            }
            return format!("{}.", pairs.join("; "));
        }
        // Several on both sides ("where are the AI tigers based?"): say which
        // goes with which, one sentence per group of the same answers.
        if values.len() > 1 && hits.len() > 1 && hits.len() <= max && values.len() <= max {
            // Keyed by the thing, not its name: four cities called
            // Springfield are four sentences.
            let mut pairs: Vec<(String, String, Vec<String>)> = Vec::new();
            for h in hits {
                let answer = self.bounded(&h.facts, self.speak_with_unit(&h.value, &relation.name));
                for f in &h.facts {
                    let (key, side) = if want_subject { (f.object.key(), self.speak(&f.object)) } else { (f.subject.clone(), self.mention(&f.subject)) };
                    match pairs.iter_mut().find(|(k, _, _)| *k == key) {
                        Some((_, _, answers)) if !answers.contains(&answer) => answers.push(answer.clone()),
                        Some(_) => {}
                        None => pairs.push((key, side, vec![answer.clone()])),
                    }
                }
            }
            let mut groups: Vec<(Vec<String>, Vec<String>)> = Vec::new();
            for (_, side, answers) in pairs {
                match groups.iter_mut().find(|(a, _)| *a == answers) {
                    Some((_, sides)) => sides.push(side),
                    None => groups.push((answers, vec![side])),
                }
            }
            if groups.len() > 1 {
                let sentences: Vec<String> = groups
                    .iter()
                    .map(|(answers, sides)| {
                        let (a, s) = (join_names(answers), join_names(sides));
                        if want_subject {
                            relation.sentence_agreeing(ended, &a, &s, answers.len() > 1)
                        } else {
                            relation.sentence_agreeing(ended, &s, &a, sides.len() > 1)
                        }
                    })
                    .collect();
                return format!("{}.", capitalise(&sentences.join("; ")));
            }
        }
        let list_with_unit = if want_subject {
            list
        } else {
            let shown: Vec<String> = hits.iter().take(max).map(|h| self.bounded(&h.facts, self.speak_with_unit(&h.value, &relation.name))).collect();
            join_names(&shown)
        };
        // What the sources only expected is said so ("Zhou Chang was
        // expected to leave Alibaba").
        let all_expected = hits.iter().all(|h| !h.facts.is_empty() && h.facts.iter().all(|f| f.expected));
        let sentence = if all_expected {
            let (s, o) = if want_subject { (&list_with_unit, &other) } else { (&other, &list_with_unit) };
            relation.expected_sentence(s, o)
        } else if want_subject {
            relation.sentence_agreeing(ended, &list_with_unit, &other, hits.len() > 1)
        } else {
            relation.sentence_agreeing(ended, &other, &list_with_unit, others.len() > 1)
        };
        let mut dates = String::new();
        if hits.len() == 1 {
            if let Some(f) = hits[0].facts.first() {
                if let (Some(a), None) = (f.since, f.until) {
                    dates = format!(" (since {})", a.human());
                } else if let Some(u) = f.until {
                    dates = format!(" (until {})", u.human());
                }
            }
        }
        format!("{}{dates}.", capitalise(&sentence))
    }
}

/// "3 years", "1 month": a count and its unit.
fn count_of(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
