//! Answers in the unit asked for: "how long is the Mississippi in
//! miles?" is the length the store holds (3778 km), converted with the
//! language's table of units (`[[language.units]]`).

use super::{Answer, AnswerValue, Status};
use crate::knowledge::lexicon::{Language, Unit};
use crate::knowledge::normalize::normalize;
use crate::knowledge::parse::number_value;
use crate::knowledge::Value;

/// The unit a question ends by asking for ("... in square kilometers"),
/// and the question without those words.
pub fn asked<'a>(lang: &'a Language, text: &str) -> Option<(String, &'a Unit)> {
    let plain = normalize(text);
    let words: Vec<&str> = plain.split(' ').filter(|w| !w.is_empty()).collect();
    // The unit that ends the question, after "in".
    let at = (1..words.len()).find(|&at| words[at] == "in" && unit_at(lang, &words, at + 1).is_some_and(|(len, _)| at + 1 + len == words.len()))?;
    let (_, unit) = unit_at(lang, &words, at + 1)?;
    Some((words[..at].join(" "), unit))
}

/// The unit whose name (the longest) stands at `at`, with its length in
/// words.
fn unit_at<'a>(lang: &'a Language, words: &[&str], at: usize) -> Option<(usize, &'a Unit)> {
    let mut best: Option<(usize, &Unit)> = None;
    for unit in &lang.units {
        for name in &unit.names {
            let n = normalize(name);
            let n: Vec<&str> = n.split(' ').collect();
            if words.len() >= at + n.len() && words[at..at + n.len()] == n[..] && best.is_none_or(|(l, _)| n.len() > l) {
                best = Some((n.len(), unit));
            }
        }
    }
    best
}

/// "How many square miles is Texas?": a question that opens by asking
/// how many of a unit, with the unit and the words after it.
pub fn how_many_of<'a>(lang: &'a Language, text: &str) -> Option<(&'a Unit, String)> {
    let plain = normalize(text);
    let words: Vec<&str> = plain.split(' ').filter(|w| !w.is_empty()).collect();
    let at = lang.elapsed.how_many.iter().find_map(|p| {
        let n: Vec<String> = normalize(p).split(' ').map(String::from).collect();
        (words.len() > n.len() && words.iter().zip(&n).all(|(a, b)| a == b)).then_some(n.len())
    })?;
    let (len, unit) = unit_at(lang, &words, at).filter(|(len, _)| at + len < words.len())?;
    // "how many square miles per person": a ratio, not this.
    if words.get(at + len) == Some(&PER) {
        return None;
    }
    Some((unit, words[at + len..].join(" ")))
}

/// The word between the two units of a ratio: "people per square mile".
const PER: &str = "per";

/// A ratio's second unit named in a question ("the average population
/// per square km"): that unit, and the question with each other unit of
/// its dimension in its place, for a lexicon that writes the ratio in one
/// of them.
pub fn asked_per<'a>(lang: &'a Language, text: &str) -> Option<(&'a Unit, Vec<String>)> {
    let plain = normalize(text);
    let words: Vec<&str> = plain.split(' ').filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| *w == PER)?;
    let (len, unit) = unit_at(lang, &words, at + 1)?;
    let mut readings = Vec::new();
    for other in lang.units.iter().filter(|u| u.dimension == unit.dimension && !std::ptr::eq(*u, unit)) {
        for name in &other.names {
            let mut w: Vec<String> = words[..=at].iter().map(|x| x.to_string()).collect();
            w.push(normalize(name));
            w.extend(words[at + 1 + len..].iter().map(|x| x.to_string()));
            readings.push(w.join(" "));
        }
    }
    Some((unit, readings))
}

/// The answer with every ratio's second unit converted to `to` ("261.83
/// people per square mile" per square kilometre); None when a value is
/// not such a ratio of the same dimension.
pub fn convert_per(lang: &Language, a: &Answer, to: &Unit) -> Option<Answer> {
    // "per square kilometre": the unit's singular name.
    let shown = to.names.iter().find(|n| !n.ends_with('s')).or(to.names.first())?;
    convert_values(a, |amount, rest| {
        let (top, bottom) = rest.split_once(&format!(" {PER} "))?;
        let from = unit_named(lang, bottom)?;
        // So many per square mile is fewer per square kilometre.
        let x = same_dimension(from, to)?.then_some(amount * to.size / from.size)?;
        Some(format!("{} {top} {PER} {shown}", amount_of(x)))
    })
}

/// Whether two units measure alike (and have sizes to convert by).
fn same_dimension(from: &Unit, to: &Unit) -> Option<bool> {
    Some(from.dimension == to.dimension && from.size > 0.0 && to.size > 0.0)
}

/// The answer with each value's number and the rest of its words given
/// to `each`, and "That is about ..." after the reply; None when a value
/// is not a plain number or `each` cannot convert it (nothing is
/// converted by half).
fn convert_values(a: &Answer, each: impl Fn(f64, &str) -> Option<String>) -> Option<Answer> {
    if a.status != Status::Answered || a.answers.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    for v in &a.answers {
        let plain = v.value.replace(',', "");
        let (Value::Number { amount, money: false }, rest) = number_value(&plain)? else { return None };
        values.push(AnswerValue { value: each(amount, rest.trim())?, ..v.clone() });
    }
    let list: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let reply = format!("{} That is about {}.", a.reply.trim_end(), list.join(", "));
    Some(Answer { answers: values, reply, ..a.clone() })
}

/// The unit a value is written in, by its name.
pub fn unit_named<'a>(lang: &'a Language, name: &str) -> Option<&'a Unit> {
    let name = normalize(name);
    lang.units.iter().find(|u| u.names.iter().any(|n| normalize(n) == name))
}

/// The answer with every value converted to `to`; None when a value is
/// not a number in a unit of the same dimension (nothing is converted by
/// half).
pub fn convert(lang: &Language, a: &Answer, to: &Unit) -> Option<Answer> {
    let shown = to.names.first()?;
    convert_values(a, |amount, rest| {
        let from = unit_named(lang, rest)?;
        let x = same_dimension(from, to)?.then_some(amount * from.size / to.size)?;
        Some(format!("{} {shown}", amount_of(x)))
    })
}

/// A converted amount: to two decimals, without trailing zeros.
fn amount_of(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = s.split_once('.').map_or((s, None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && whole.len() > 4 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}
