//! Question understanding: text to [`Query`]. (Being built.)

use crate::answer::{Answer, Status};
use crate::engine::Conversation;
use crate::knowledge::{Entity, Fact};
use crate::store::Store;

/// A query (placeholder until the grammar lands).
#[derive(Debug, Clone, PartialEq)]
pub struct Query;

/// A declarative statement read for /teach and /forget.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The fact it states (sources filled in by the caller).
    pub fact: Fact,
    /// Entities the statement names that the store does not know yet.
    pub new_entities: Vec<Entity>,
    /// The statement rendered back from the lexicon.
    pub sentence: String,
}

/// Reads questions against one store's lexicon and entities.
pub struct Reader;

impl Reader {
    /// Builds the reader from the store's lexicon and aliases.
    pub fn build(_store: &Store) -> anyhow::Result<Reader> {
        Ok(Reader)
    }

    /// Answers a question.
    pub fn answer(&self, _store: &Store, _conv: &mut Conversation, text: &str, _max: usize) -> anyhow::Result<Answer> {
        Ok(Answer::empty(text, Status::Unknown, "I don't know."))
    }

    /// Reads a statement.
    pub fn statement(&self, _text: &str) -> Result<Statement, String> {
        Err("not yet".into())
    }
}
