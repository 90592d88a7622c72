//! Answers: what the engine returns for a question, and how it is shown.
//!
//! [`eval`] evaluates a query into an [`outcome::Outcome`]: the status,
//! the values with their sources and conflict flags, the reading used and
//! the kind of reply, as data. [`render`] words it into an [`Answer`],
//! which carries the reply text; channels show that through [`render`]:
//! the console as plain text, Telegram as HTML, `ask --json` as the
//! answer contract.

pub mod eval;
pub mod outcome;
pub mod provenance;
pub mod render;
pub mod units;

use serde::Serialize;

/// How a question was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least one value answers it.
    Answered,
    /// The store holds nothing that answers it.
    Unknown,
    /// A name matches several entities; the reply asks which.
    Ambiguous,
    /// Not a question the bot accepts.
    Rejected,
}

/// One value of an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerValue {
    /// The value as a person would say it.
    pub value: String,
    /// The ids of the sources that state it.
    pub sources: Vec<String>,
    /// Whether sources disagree on the question and this is one side.
    pub conflict: bool,
}

/// A cited source, for the reply's source line and /sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// The source id.
    pub id: String,
    /// "CNBC, Nov 2023".
    pub cite: String,
    /// The outlet: "CNBC".
    pub outlet: String,
    /// The title.
    pub title: String,
    /// Evidence quotes from this source that support the answer.
    pub evidence: Vec<String>,
    /// Whom this source credits with reporting the answer's facts
    /// ("according to a report by QbitAI"), by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
}

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The question as asked.
    pub question: String,
    /// The status.
    pub status: Status,
    /// The values.
    pub answers: Vec<AnswerValue>,
    /// The reply text, without the source line.
    pub reply: String,
    /// The sources behind the values, in order of first use.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// For ambiguous names: the candidates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// The reading the values come from, as the query's S-expression
    /// ("(values (~leads public-cloud :now))"), when the question was read
    /// into a query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

impl Answer {
    /// An answer with no values.
    pub fn empty(question: &str, status: Status, reply: impl Into<String>) -> Answer {
        Answer { question: question.to_string(), status, answers: vec![], reply: reply.into(), citations: vec![], candidates: vec![], reading: None }
    }

    /// The answers to the parts of one question ("where is X based, and
    /// who leads it?") as one: every part's reply in turn, its values
    /// and sources. It is answered when a part is; the reply still says
    /// which part is not.
    pub fn joined(question: &str, parts: Vec<Answer>) -> Answer {
        let status = if parts.iter().any(|a| a.status == Status::Answered) { Status::Answered } else { parts.first().map_or(Status::Unknown, |a| a.status) };
        let mut out = Answer::empty(question, status, String::new());
        let mut replies = Vec::new();
        let mut readings = Vec::new();
        for (i, a) in parts.into_iter().enumerate() {
            // A later part not answered says which part it is.
            replies.push(if i > 0 && a.status != Status::Answered { format!("As for \"{}\": {}", a.question.trim(), a.reply) } else { a.reply });
            out.answers.extend(a.answers);
            for c in a.citations {
                if !out.citations.iter().any(|x| x.id == c.id) {
                    out.citations.push(c);
                }
            }
            out.candidates.extend(a.candidates);
            readings.extend(a.reading);
        }
        out.reply = replies.join(" ");
        out.reading = (!readings.is_empty()).then(|| readings.join(" "));
        out
    }
}
