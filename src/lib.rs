//! factbot: a question-answering chat bot that answers from a store of
//! sourced facts.
//!
//! # Layout
//!
//! - [`knowledge`]: the model (entities, relations, facts, values, sources),
//!   the lexicon, and the knowledge-file format.
//! - [`store`]: the sled store: key encoding, indexes, atomic import, export.
//! - [`query`]: the query algebra the reader produces and the evaluator
//!   consumes.
//! - [`understand`]: question text to [`query::Query`]: normalisation,
//!   entity spotting, the nom grammar.
//! - [`answer`]: evaluating a query against the store, and rendering replies.
//! - [`conversation`]: what a chat remembers between questions.
//! - [`engine`]: [`engine::Engine`], which owns the lexicon, the store and
//!   the conversations; every channel talks to it.
//! - [`channel`]: the console (REPL, pipe mode, JSON contract) and Telegram.
//! - [`config`]: configuration from file, environment and flags.
#![deny(missing_docs)]

pub mod knowledge;
pub mod query;
pub mod store;
pub mod answer;
pub mod channel;
pub mod config;
pub mod conversation;
pub mod engine;
pub mod understand;
