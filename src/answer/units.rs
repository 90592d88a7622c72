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
    let mut best: Option<(usize, &Unit)> = None;
    for unit in &lang.units {
        for name in &unit.names {
            let n: Vec<String> = normalize(name).split(' ').map(String::from).collect();
            let Some(at) = words.len().checked_sub(n.len() + 1) else { continue };
            if at > 0 && words[at] == "in" && words[at + 1..].iter().zip(&n).all(|(a, b)| a == b) && best.is_none_or(|(b, _)| at < b) {
                best = Some((at, unit));
            }
        }
    }
    let (at, unit) = best?;
    Some((words[..at].join(" "), unit))
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
    let mut best: Option<(usize, &Unit)> = None;
    for unit in &lang.units {
        for name in &unit.names {
            let n: Vec<String> = normalize(name).split(' ').map(String::from).collect();
            if words.len() > at + n.len() && words[at..at + n.len()].iter().zip(&n).all(|(a, b)| a == b) && best.is_none_or(|(l, _)| n.len() > l) {
                best = Some((n.len(), unit));
            }
        }
    }
    let (len, unit) = best?;
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
    let mut found: Option<(usize, &Unit)> = None;
    for unit in &lang.units {
        for name in &unit.names {
            let n: Vec<String> = normalize(name).split(' ').map(String::from).collect();
            if words.len() > at + n.len() && words[at + 1..=at + n.len()].iter().zip(&n).all(|(a, b)| a == b) && found.is_none_or(|(l, _)| n.len() > l) {
                found = Some((n.len(), unit));
            }
        }
    }
    let (len, unit) = found?;
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
    if a.status != Status::Answered || a.answers.is_empty() {
        return None;
    }
    // "per square kilometre": the unit's singular name.
    let shown = to.names.iter().find(|n| !n.ends_with('s')).or(to.names.first())?;
    let mut values = Vec::new();
    for v in &a.answers {
        let plain = v.value.replace(',', "");
        let (Value::Number { amount, money: false }, rest) = number_value(&plain)? else { return None };
        let (top, bottom) = rest.trim().split_once(&format!(" {PER} "))?;
        let from = unit_named(lang, bottom)?;
        if from.dimension != to.dimension || from.size <= 0.0 || to.size <= 0.0 {
            return None;
        }
        // So many per square mile is fewer per square kilometre.
        let x = amount * to.size / from.size;
        values.push(AnswerValue { value: format!("{} {top} {PER} {shown}", amount_of(x)), ..v.clone() });
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
    if a.status != Status::Answered || a.answers.is_empty() {
        return None;
    }
    let shown = to.names.first()?;
    let mut values = Vec::new();
    for v in &a.answers {
        let plain = v.value.replace(',', "");
        let (Value::Number { amount, money: false }, rest) = number_value(&plain)? else { return None };
        let from = unit_named(lang, rest.trim())?;
        if from.dimension != to.dimension || from.size <= 0.0 || to.size <= 0.0 {
            return None;
        }
        let x = amount * from.size / to.size;
        values.push(AnswerValue { value: format!("{} {shown}", amount_of(x)), ..v.clone() });
    }
    let list: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let reply = format!("{} That is about {}.", a.reply.trim_end(), list.join(", "));
    Some(Answer { answers: values, reply, ..a.clone() })
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
