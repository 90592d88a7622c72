//! "Who reported that?", "What's your source?", "How do you know?": the
//! last answer's sources, as an answer of their own.
//!
//! The values are who reported the facts: the reporters a source credits
//! them to ("according to a report by QbitAI"), where any source does,
//! and otherwise the outlets that state them. The reply says which source
//! says what, with its words.

use super::{Answer, AnswerValue, Citation, Status};
use super::render::join_names;
use crate::knowledge::normalize::capitalise;

/// The answer to a question about where `last` comes from.
pub fn answer(question: &str, last: Option<&Answer>) -> Answer {
    let Some(last) = last.filter(|a| a.status == Status::Answered && !a.citations.is_empty()) else {
        return Answer::empty(question, Status::Unknown, "I have not given an answer yet that I could name a source for: ask me something first.");
    };
    let credited = last.citations.iter().any(|c| !c.via.is_empty());
    let mut values: Vec<AnswerValue> = Vec::new();
    let mut add = |name: &str, source: &str| match values.iter_mut().find(|v| v.value == name) {
        Some(v) if !v.sources.iter().any(|s| s == source) => v.sources.push(source.to_string()),
        Some(_) => {}
        None => values.push(AnswerValue { value: name.to_string(), sources: vec![source.to_string()], conflict: false }),
    };
    for c in &last.citations {
        if credited {
            for who in &c.via {
                add(who, &c.id);
            }
        } else {
            add(&c.outlet, &c.id);
        }
    }
    let parts: Vec<String> = last.citations.iter().map(|c| said_by(c, credited)).collect();
    let mut reply = String::from(if credited { "" } else { "That comes from " });
    reply.push_str(&join(&parts));
    reply.push('.');
    let mut a = Answer::empty(question, Status::Answered, capitalise(&reply));
    a.answers = values;
    a.citations = last.citations.clone();
    a.reading = Some("(sources-of-last-answer)".into());
    a
}

/// One source's part: "QbitAI reported it, according to South China
/// Morning Post, Mar 2023 ("...")", or "CNBC, Nov 2023 ("...")".
fn said_by(c: &Citation, credited: bool) -> String {
    // (A quote within the quote in single quotes.)
    let quote = c.evidence.first().map(|e| format!(" (\"{}\")", e.replace('"', "'"))).unwrap_or_default();
    if !credited {
        return format!("{}{quote}", c.cite);
    }
    if c.via.is_empty() {
        return format!("{} also reports it{quote}", c.cite);
    }
    format!("{} reported it, according to {}{quote}", join_names(&c.via), c.cite)
}

/// "a; b; and c" for parts that may hold commas.
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}; and {last}", rest.join("; ")),
    }
}
