//! The engine: owns the store, the lexicon and the question reader, and
//! answers questions for every channel.
//!
//! `Engine::ask(conversation, text) -> Answer` is the one entry point the
//! console and Telegram use. It is plain synchronous Rust (sled is
//! synchronous); async callers run it on a blocking thread. The engine is
//! `Sync`: many chats share one engine, each with its own [`Conversation`].

mod ask;

pub use ask::Asker;

use crate::answer::{Answer, Status};
use crate::config::Config;
use crate::conversation::Conversation;
use crate::knowledge::normalize::normalize;
use crate::knowledge::{Date, Fact, Reliability, Source};
use crate::store::{default_triples_source, ImportReport, Store, TriplesOptions};
use crate::understand::{Reader, Statement};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// The format of a file given to `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// By extension: `.toml` lexicon, `.facts` knowledge, `.jsonl` export,
    /// `.txt` triples.
    Auto,
    /// `subject|relation|object` lines.
    Triples,
}

/// Collects the files of `paths` (directories are walked, sorted, lexicon
/// files first) for an import.
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
                    let path = entry?.path();
                    if path.is_dir() {
                        // Knowledge packs are imported on their own.
                        if path.file_name().is_some_and(|n| n != "packs") {
                            stack.push(path);
                        }
                    } else if matches!(path.extension().and_then(|e| e.to_str()), Some("toml" | "facts" | "jsonl")) {
                        found.push(path);
                    }
                }
            }
            found.sort_by_key(|p| (p.extension().is_none_or(|e| e != "toml"), p.clone()));
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            anyhow::bail!("{}: no such file or directory", p.display());
        }
    }
    out.sort_by_key(|p| p.extension().is_none_or(|e| e != "toml"));
    Ok(out)
}

/// Imports files into the store in one atomic batch.
pub fn import_paths(store: &Store, paths: &[PathBuf], format: Format) -> anyhow::Result<ImportReport> {
    let files = collect(paths)?;
    let mut importer = store.importer()?;
    for f in &files {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(f).with_context(|| format!("reading {name}"))?;
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        match (format, ext) {
            (_, "toml") => importer.add_lexicon(&name, &text)?,
            (Format::Triples, _) | (Format::Auto, "txt") => {
                importer.add_triples(&name, &text, &TriplesOptions { source: default_triples_source(&name) })?
            }
            (_, "jsonl") => importer.add_jsonl(&name, &text)?,
            (_, "facts") => importer.add_facts(&name, &text)?,
            _ => anyhow::bail!("{name}: unknown file type (expected .toml, .facts, .jsonl, or --format triples)"),
        }
    }
    Ok(importer.commit()?)
}

/// How many facts [`Engine::examples`] reads at most.
const EXAMPLE_SCAN: usize = 2000;

/// How many example questions are found and kept.
const EXAMPLES_KEPT: usize = 3;

/// The longest example question, in characters.
const EXAMPLE_CHARS: usize = 60;

/// The question-answering engine.
pub struct Engine {
    store: Store,
    reader: RwLock<Reader>,
    config: Config,
    /// The example questions, found once per reader (see
    /// [`Engine::examples`]).
    examples: std::sync::Mutex<Option<Vec<String>>>,
}

impl Engine {
    /// Opens the store at `db` (or the configured path), loading the
    /// bundled knowledge into it when it is empty.
    pub fn open(config: &Config, db: Option<&Path>) -> anyhow::Result<Engine> {
        let store = open_store(config, db)?;
        if store.is_empty() {
            let data = &config.store.data;
            import_paths(&store, std::slice::from_ref(data), Format::Auto)
                .with_context(|| format!("loading the bundled knowledge from {}", data.display()))?;
        }
        Self::with_store(config, store)
    }

    /// An engine over an already opened store.
    pub fn with_store(config: &Config, store: Store) -> anyhow::Result<Engine> {
        let reader = Reader::build(&store)?;
        Ok(Engine { store, reader: RwLock::new(reader), config: config.clone(), examples: Default::default() })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Up to `n` questions this store answers, for help texts and hints:
    /// the lexicon's question for facts of different relations (the
    /// first facts in the store's order, at most [`EXAMPLE_SCAN`] read),
    /// each kept only when asking it answers; found once per reader, at
    /// most [`EXAMPLES_KEPT`]. Nothing here is written for a particular
    /// domain.
    pub fn examples(&self, n: usize) -> Vec<String> {
        let mut cached = self.examples.lock().unwrap_or_else(|p| p.into_inner());
        let all = cached.get_or_insert_with(|| self.find_examples(EXAMPLES_KEPT));
        all.iter().take(n).cloned().collect()
    }

    fn find_examples(&self, n: usize) -> Vec<String> {
        let reader = self.reader.read().unwrap_or_else(|p| p.into_inner());
        // One fact per relation, most salient relations first; class
        // membership says little about what the store knows.
        let mut candidates: Vec<(u8, Fact)> = Vec::new();
        for f in self.store.facts().take(EXAMPLE_SCAN).flatten() {
            let Some(rel) = reader.cat.lex.relation(&f.relation) else { continue };
            let member = reader.cat.lex.member_relation.as_deref() == Some(f.relation.as_str());
            if rel.salience == 0 || member || f.object.entity().is_none() || candidates.iter().any(|(_, c)| c.relation == f.relation) {
                continue;
            }
            candidates.push((rel.salience, f));
        }
        candidates.sort_by_key(|(salience, _)| std::cmp::Reverse(*salience));
        let mut out = Vec::new();
        for (_, f) in candidates {
            if out.len() >= n {
                break;
            }
            let q = crate::understand::paraphrase::canonical(&reader, &f, crate::query::Side::Object);
            if q.is_empty() || q.chars().count() > EXAMPLE_CHARS {
                continue;
            }
            let answered = (ask::Asker { r: &reader }).answer(&self.store, &mut Conversation::default(), &q, 3);
            if answered.is_ok_and(|a| a.status == Status::Answered) {
                out.push(q);
            }
        }
        out
    }

    /// Answers one question within a conversation.
    pub fn ask(&self, conversation: &mut Conversation, text: &str) -> Answer {
        let reader = self.reader.read().unwrap_or_else(|p| p.into_inner());
        let answer = match (ask::Asker { r: &reader }).answer(&self.store, conversation, text, self.config.answers.max_values) {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "answering failed");
                Answer::empty(text, Status::Unknown, "Something went wrong while looking that up; please try again.")
            }
        };
        if answer.status == Status::Answered && !answer.citations.is_empty() {
            conversation.last_sourced = Some(answer.clone());
        }
        conversation.last_answer = Some(answer.clone());
        answer
    }

    /// Reads a declarative statement ("Wang Wu heads the robotics lab")
    /// into a fact, creating entities it does not know yet.
    fn statement(&self, text: &str) -> Result<Statement, String> {
        let reader = self.reader.read().unwrap_or_else(|p| p.into_inner());
        reader.statement(text)
    }

    /// Known names close to the new names of a statement: for each new
    /// name, "Jeff Zhang (Zhang Jianfeng)" for every close known entity.
    fn near_misses(&self, st: &Statement) -> Vec<(crate::knowledge::Entity, Vec<String>)> {
        let reader = self.reader.read().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for e in &st.new_entities {
            let close = reader.near_names(&e.name);
            if close.is_empty() {
                continue;
            }
            let shown = close
                .iter()
                .map(|(id, alias)| {
                    let known = self.store.entity(id).ok().flatten();
                    let name = known.as_ref().map(|k| k.name.clone()).unwrap_or_else(|| reader.cat.name(id).to_string());
                    let written = known.as_ref().and_then(|k| k.aliases.iter().find(|a| normalize(a) == *alias)).cloned();
                    match written {
                        Some(a) if normalize(&a) != normalize(&name) => format!("{name} ({a})"),
                        _ => name,
                    }
                })
                .collect();
            out.push((e.clone(), shown));
        }
        out
    }

    /// Stores a taught fact, citing `who` and now. Returns the confirmation
    /// only once the write is durable.
    ///
    /// Names are taken exactly as written. A new name close to a known one
    /// ("Zhang Sanfeng", "Zhang Jianfeng") is not stored at once: the reply
    /// asks which was meant and nothing changes; the same statement sent
    /// again by the same person in the same conversation confirms the new
    /// name.
    pub fn teach(&self, conversation: &mut Conversation, text: &str, who: &str) -> Result<String, String> {
        let st = self.statement(text)?;
        let misses = self.near_misses(&st);
        let pending = (who.to_string(), normalize(text));
        if misses.is_empty() || conversation.unconfirmed_teach.as_ref() != Some(&pending) {
            conversation.unconfirmed_teach = None;
        }
        if !misses.is_empty() && conversation.unconfirmed_teach.is_none() {
            conversation.unconfirmed_teach = Some(pending);
            let questions: Vec<String> = misses
                .iter()
                .map(|(e, known)| format!("Did you mean {}, or a new {} named {}?", or_list(known), e.kind, e.name))
                .collect();
            return Err(format!(
                "{} Nothing was changed. Reply with /teach {} again to confirm, or use the exact name.",
                questions.join(" "),
                text.trim()
            ));
        }
        conversation.unconfirmed_teach = None;
        let today = Date::today();
        let source = Source {
            id: format!("taught-{}-{}", crate::knowledge::normalize::slug(who), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)),
            outlet: format!("taught by {who}"),
            title: format!("Taught by {who} on {today}: {text}"),
            date: Some(today),
            reliability: Reliability::Taught,
        };
        let mut importer = self.store.importer().map_err(|e| e.to_string())?;
        for e in &st.new_entities {
            importer.stage_entity(e.clone());
        }
        importer.stage_source(source.clone());
        let mut fact = st.fact.clone();
        fact.sources = vec![source.id.clone()];
        fact.evidence = std::collections::BTreeMap::from([(source.id.clone(), text.to_string())]);
        importer.stage_fact(fact);
        importer.commit().map_err(|e| e.to_string())?;
        self.reload();
        tracing::info!(who, source = %source.id, "fact taught");
        Ok(format!("Noted: {} (taught by {who}).", st.sentence))
    }

    /// Retracts a taught fact. Returns what was removed. Names are taken
    /// exactly as written: a name the store does not know retracts nothing
    /// (a known name close to it is suggested).
    pub fn forget(&self, text: &str, who: &str) -> Result<String, String> {
        let st = self.statement(text)?;
        if !st.new_entities.is_empty() {
            let misses = self.near_misses(&st);
            let hint: Vec<String> = misses.iter().map(|(e, known)| format!("{} is not {}", e.name, or_list(known))).collect();
            if hint.is_empty() {
                return Err(format!("I have no fact that says {}.", st.sentence));
            }
            return Err(format!(
                "I have no fact that says {}. Nothing was changed: I take names exactly as written ({}); use the exact name.",
                st.sentence,
                hint.join("; ")
            ));
        }
        let record = crate::store::Retraction { who: who.to_string(), when: Date::today().to_string(), fact: st.sentence.clone(), removed: 0 };
        let n = self.store.retract(&st.fact, Some(&record)).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err(format!("I have no fact that says {}.", st.sentence));
        }
        self.reload();
        tracing::info!(who, removed = n, "fact forgotten");
        Ok(format!("Forgotten: {} (by {who} on {}).", st.sentence, record.when))
    }

    /// Rebuilds the question reader after the store changed.
    pub fn reload(&self) {
        match Reader::build(&self.store) {
            Ok(r) => {
                *self.reader.write().unwrap_or_else(|p| p.into_inner()) = r;
                *self.examples.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            Err(e) => tracing::error!(error = %e, "rebuilding the reader failed"),
        }
    }

    /// What the bot knows: counts and sources.
    pub fn about(&self) -> anyhow::Result<String> {
        let stats = self.store.stats()?;
        let mut out = format!(
            "I know {} facts about {} entities, in {} relations, from {} sources:",
            stats.facts, stats.entities, stats.relations, stats.sources
        );
        for s in self.store.sources() {
            let s = s?;
            out.push_str(&format!("\n- {} ({}): {}", s.outlet, s.date.map(|d| d.short()).unwrap_or_default(), s.title));
            if s.reliability == Reliability::Unreliable {
                out.push_str(" [marked unreliable]");
            }
        }
        let retractions = self.store.retractions()?;
        if !retractions.is_empty() {
            out.push_str("\nRetracted:");
            for r in retractions {
                out.push_str(&format!("\n- {} (by {} on {})", r.fact, r.who, r.when));
            }
        }
        Ok(out)
    }

    /// Flushes the store.
    pub fn flush(&self) -> anyhow::Result<()> {
        self.store.flush()?;
        Ok(())
    }
}

/// "A", "A or B", "A, B or C".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Opens the store at `db` or the configured path.
pub fn open_store(config: &Config, db: Option<&Path>) -> anyhow::Result<Store> {
    let path = db.map(Path::to_path_buf).unwrap_or_else(|| config.store.path.clone());
    Store::open(&path, config.store.cache_mb * 1024 * 1024).with_context(|| format!("opening the store at {}", path.display()))
}
