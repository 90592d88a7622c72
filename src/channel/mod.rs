//! Channels: where people ask. Each turns text into `Engine::ask` calls and
//! answers back into text; none knows about parsing or storage.

pub mod console;
pub mod score;
pub mod telegram;
