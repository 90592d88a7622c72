//! Scoring against question sets with gold answers: `factbot score`.
//!
//! A question file has one `question<TAB>answer|answer|...` per line (the
//! MetaQA format). Each question is asked in a fresh conversation; the
//! answer's values are compared with the gold set, ignoring case:
//!
//! - hits@1: the first value given is a gold answer;
//! - F1: the harmonic mean of precision and recall of the value set;
//! - answered: the status is `answered`.

use crate::answer::Status;
use crate::conversation::Conversation;
use crate::engine::Engine;
use serde::Serialize;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// One question with its gold answers.
#[derive(Debug, Clone)]
pub struct Case {
    /// The question text.
    pub question: String,
    /// The gold answers.
    pub gold: Vec<String>,
}

/// Reads `question<TAB>a|b|c` lines. Returns the line number (1-based) of
/// the first line without a tab.
pub fn read_cases(text: &str) -> Result<Vec<Case>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (q, a) = line.split_once('\t').ok_or(i + 1)?;
        out.push(Case { question: q.to_string(), gold: a.split('|').map(str::to_string).collect() });
    }
    Ok(out)
}

/// The figures for one question set.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The set's name (its file name).
    pub name: String,
    /// Questions asked.
    pub questions: usize,
    /// Fraction whose first value is gold.
    pub hits_at_1: f64,
    /// Mean answer-set F1.
    pub f1: f64,
    /// Fraction answered at all.
    pub answered: f64,
    /// Wall time answering (single thread), in seconds.
    pub seconds: f64,
    /// Up to `keep_misses` questions whose first value was not gold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
}

/// A question whose first value was not gold, for looking into.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// The question.
    pub question: String,
    /// The first gold answers.
    pub gold: Vec<String>,
    /// The reply given.
    pub reply: String,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Asks every case and scores the answers.
pub fn score(engine: &Engine, name: &str, cases: &[Case], keep_misses: usize) -> Score {
    let mut hits = 0usize;
    let mut answered = 0usize;
    let mut f1_sum = 0.0;
    let mut misses = Vec::new();
    let mut elapsed = Duration::ZERO;
    for case in cases {
        let mut conv = Conversation::default();
        let start = Instant::now();
        let a = engine.ask(&mut conv, &case.question);
        elapsed += start.elapsed();
        let gold: HashSet<String> = case.gold.iter().map(|g| key(g)).collect();
        let given: HashSet<String> = a.answers.iter().map(|v| key(&v.value)).collect();
        if a.status == Status::Answered {
            answered += 1;
        }
        let first_hit = a.answers.first().is_some_and(|v| gold.contains(&key(&v.value)));
        if first_hit {
            hits += 1;
        } else if misses.len() < keep_misses {
            misses.push(Miss {
                question: case.question.clone(),
                gold: case.gold.iter().take(5).cloned().collect(),
                reply: a.reply.chars().take(300).collect(),
            });
        }
        let common = given.intersection(&gold).count() as f64;
        if common > 0.0 {
            let p = common / given.len() as f64;
            let r = common / gold.len() as f64;
            f1_sum += 2.0 * p * r / (p + r);
        }
    }
    let n = cases.len().max(1) as f64;
    Score {
        name: name.to_string(),
        questions: cases.len(),
        hits_at_1: hits as f64 / n,
        f1: f1_sum / n,
        answered: answered as f64 / n,
        seconds: elapsed.as_secs_f64(),
        misses,
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} questions, hits@1 {:.2}%, F1 {:.2}%, answered {:.2}%, {:.2} s ({:.0} questions/s)",
            self.name,
            self.questions,
            100.0 * self.hits_at_1,
            100.0 * self.f1,
            100.0 * self.answered,
            self.seconds,
            self.questions as f64 / self.seconds.max(1e-9)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cases_and_reports_bad_lines() {
        let cases = read_cases("what does [X] act in\tA|B\n\nwho\tC\n").unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].gold, vec!["A", "B"]);
        assert_eq!(read_cases("ok\tA\nno tab here\n").unwrap_err(), 2);
    }
}
