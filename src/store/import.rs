//! Atomic imports: stage everything, validate everything, then write one
//! sled batch.
//!
//! An [`Importer`] collects lexicon files, knowledge files, triples files
//! and JSON-lines exports. Nothing touches the store until
//! [`Importer::commit`], which first checks every fact against the lexicon,
//! the entities and the sources (staged or already stored) and only then
//! applies a single [`sled::Batch`]. An error anywhere leaves the store
//! exactly as it was.

use super::{alias_key, entity_key, index_names, lexicon_key, object_key, source_key, subject_key, Store, StoreError};
use crate::knowledge::lexicon::{LexiconError, ValueType};
use crate::knowledge::normalize::slug;
use crate::knowledge::parse::{parse_document, parse_triples, Item, KnowledgeError, Pos};
use crate::knowledge::{Date, Entity, Fact, Lexicon, Reliability, Source, Value};
use std::collections::{BTreeMap, HashMap};

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportReport {
    /// Lexicon files stored.
    pub lexicons: usize,
    /// Sources added or replaced.
    pub sources: usize,
    /// Entities added or replaced.
    pub entities: usize,
    /// New facts.
    pub facts: usize,
    /// Facts already stored that gained a source.
    pub merged: usize,
}

/// Options for plain `subject|relation|object` files.
#[derive(Debug, Clone)]
pub struct TriplesOptions {
    /// The source every triple cites.
    pub source: Source,
}

/// Errors from an import. Nothing was written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A knowledge file is malformed or inconsistent.
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    /// A lexicon file is malformed.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stages an import; see the module documentation.
pub struct Importer<'s> {
    store: &'s Store,
    lexicon: Lexicon,
    lexicon_files: BTreeMap<String, String>,
    sources: BTreeMap<String, Source>,
    entities: BTreeMap<String, Entity>,
    facts: Vec<(Pos, Fact)>,
    /// Entity ids given to (kind, name) pairs in triples files, so that one
    /// name of one kind is one entity across files. The same name in two
    /// kinds (a film and a genre both called "War") is two entities.
    triple_ids: HashMap<String, String>,
}

fn err(pos: &Pos, message: String) -> ImportError {
    ImportError::Knowledge(KnowledgeError { pos: pos.clone(), message })
}

impl<'s> Importer<'s> {
    pub(super) fn new(store: &'s Store) -> Result<Importer<'s>, StoreError> {
        Ok(Importer {
            store,
            lexicon: store.lexicon()?,
            lexicon_files: BTreeMap::new(),
            sources: BTreeMap::new(),
            entities: BTreeMap::new(),
            facts: Vec::new(),
            triple_ids: HashMap::new(),
        })
    }

    /// Stages a lexicon file; later knowledge files may use its relations.
    pub fn add_lexicon(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let lex = Lexicon::parse(name, text)?;
        self.lexicon.merge(lex);
        let file = std::path::Path::new(name).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string());
        // Packs keep their lexicon under their own directory name so that
        // two packs' `lexicon.toml` do not replace each other.
        let stored = match std::path::Path::new(name).parent().and_then(|p| p.file_name()) {
            Some(dir) if dir != "data" => format!("{}/{}", dir.to_string_lossy(), file),
            _ => file,
        };
        self.lexicon_files.insert(stored, text.to_string());
        Ok(())
    }

    /// Stages a knowledge file (`.facts`).
    pub fn add_facts(&mut self, path: &str, text: &str) -> Result<(), ImportError> {
        let doc = parse_document(path, text, &self.lexicon)?;
        for (pos, item) in doc.items {
            match item {
                Item::Source(s) => {
                    self.sources.insert(s.id.clone(), s);
                }
                Item::Entity(e) => {
                    if !self.lexicon.kinds.is_empty() && !self.lexicon.kinds.contains_key(&e.kind) {
                        return Err(err(&pos, format!("kind `{}` is not declared in the lexicon", e.kind)));
                    }
                    self.entities.insert(e.id.clone(), e);
                }
                Item::Fact(f) => self.facts.push((pos, f)),
            }
        }
        Ok(())
    }

    /// Stages a `subject|relation|object` file. Names become entities (one
    /// per distinct name and kind) of the relation's first subject or
    /// object kind.
    pub fn add_triples(&mut self, path: &str, text: &str, opts: &TriplesOptions) -> Result<(), ImportError> {
        self.sources.insert(opts.source.id.clone(), opts.source.clone());
        for (pos, [s, r, o]) in parse_triples(path, text)? {
            let Some(rel) = self.lexicon.relation(&r).cloned() else {
                return Err(err(&pos, format!("expected a relation declared in the lexicon, not `{r}`")));
            };
            let subject = self.triple_entity(&s, rel.subject.first().map(String::as_str).unwrap_or("thing"));
            let object = match rel.value {
                ValueType::Entity => Value::Entity(self.triple_entity(&o, rel.object.first().map(String::as_str).unwrap_or("thing"))),
                ValueType::Date => match o.parse::<i32>() {
                    Ok(y) if o.len() == 4 => Value::Date(Date::year(y)),
                    _ => return Err(err(&pos, format!("expected a year as the object of `{r}`, found \"{o}\""))),
                },
                ValueType::Number => match o.replace(',', "").parse::<f64>() {
                    Ok(amount) => Value::Number { amount, money: false },
                    Err(_) => return Err(err(&pos, format!("expected a number as the object of `{r}`, found \"{o}\""))),
                },
                ValueType::Text => Value::Text(o),
            };
            let mut fact = Fact::new(&subject, &r, object, &opts.source.id);
            fact.sources.shrink_to_fit();
            self.facts.push((pos, fact));
        }
        Ok(())
    }

    fn triple_entity(&mut self, name: &str, kind: &str) -> String {
        let key = format!("{kind}\0{name}");
        if let Some(id) = self.triple_ids.get(&key) {
            return id.clone();
        }
        let base = {
            let s = slug(name);
            if s.is_empty() { "entity".to_string() } else { s }
        };
        let mut id = base.clone();
        let mut n = 1;
        loop {
            let taken_here = self.entities.get(&id).is_some_and(|e| e.name != name || e.kind != kind);
            let taken_there = !taken_here
                && !self.entities.contains_key(&id)
                && self.store.entity(&id).ok().flatten().is_some_and(|e| e.name != name || e.kind != kind);
            if !taken_here && !taken_there {
                break;
            }
            n += 1;
            id = format!("{base}~{n}");
        }
        if !self.entities.contains_key(&id) && self.store.entity(&id).ok().flatten().is_none() {
            self.entities.insert(id.clone(), Entity { id: id.clone(), name: name.to_string(), kind: kind.to_string(), aliases: vec![] });
        }
        self.triple_ids.insert(key, id.clone());
        id
    }

    /// Stages a JSON-lines export (see [`Store::export`]).
    pub fn add_jsonl(&mut self, path: &str, text: &str) -> Result<(), ImportError> {
        #[derive(serde::Deserialize)]
        #[serde(tag = "type", rename_all = "lowercase")]
        enum Line {
            Lexicon { name: String, text: String },
            Source { source: Source },
            Entity { entity: Entity },
            Fact { fact: Fact },
        }
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let pos = Pos { path: path.to_string(), line: n + 1, col: 1 };
            let parsed: Line = serde_json::from_str(line).map_err(|e| {
                err(&Pos { col: e.column().max(1), ..pos.clone() }, format!("expected an exported JSON record: {e}"))
            })?;
            match parsed {
                Line::Lexicon { name, text } => {
                    self.lexicon.merge(Lexicon::parse(&name, &text)?);
                    self.lexicon_files.insert(name, text);
                }
                Line::Source { source } => {
                    self.sources.insert(source.id.clone(), source);
                }
                Line::Entity { entity } => {
                    self.entities.insert(entity.id.clone(), entity);
                }
                Line::Fact { fact } => self.facts.push((pos, fact)),
            }
        }
        Ok(())
    }

    /// Stages one entity (replacing a stored one with the same id).
    pub fn stage_entity(&mut self, e: Entity) {
        self.entities.insert(e.id.clone(), e);
    }

    /// Stages one source.
    pub fn stage_source(&mut self, s: Source) {
        self.sources.insert(s.id.clone(), s);
    }

    /// Stages one fact; it is validated at commit.
    pub fn stage_fact(&mut self, f: Fact) {
        let pos = Pos { path: "(statement)".into(), line: 1, col: 1 };
        self.facts.push((pos, f));
    }

    fn entity_kind(&self, id: &str) -> Result<Option<String>, StoreError> {
        if let Some(e) = self.entities.get(id) {
            return Ok(Some(e.kind.clone()));
        }
        Ok(self.store.entity(id)?.map(|e| e.kind))
    }

    fn source_known(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.sources.contains_key(id) || self.store.source(id)?.is_some())
    }

    /// Checks one staged fact against the lexicon, entities and sources.
    fn validate(&self, pos: &Pos, f: &Fact) -> Result<(), ImportError> {
        let Some(rel) = self.lexicon.relation(&f.relation) else {
            return Err(err(pos, format!("relation `{}` is not declared in the lexicon", f.relation)));
        };
        let Some(skind) = self.entity_kind(&f.subject)? else {
            return Err(err(pos, format!("unknown entity `{}`: declare it with an `entity` line", f.subject)));
        };
        if !rel.subject.is_empty() && !rel.subject.contains(&skind) {
            return Err(err(pos, format!("`{}` is a {skind}, but `{}` takes a subject of kind {}", f.subject, f.relation, rel.subject.join(" or "))));
        }
        if let Value::Entity(o) = &f.object {
            let Some(okind) = self.entity_kind(o)? else {
                return Err(err(pos, format!("unknown entity `{o}`: declare it with an `entity` line")));
            };
            if !rel.object.is_empty() && !rel.object.contains(&okind) {
                return Err(err(pos, format!("`{o}` is a {okind}, but `{}` takes an object of kind {}", f.relation, rel.object.join(" or "))));
            }
        }
        if rel.timeless && (f.since.is_some() || f.until.is_some() || f.on.is_some()) {
            return Err(err(pos, format!("`{}` is declared timeless in the lexicon: its facts take no since/until/on dates", f.relation)));
        }
        if f.sources.is_empty() {
            return Err(err(pos, "a fact needs at least one source".into()));
        }
        for s in &f.sources {
            if !self.source_known(s)? {
                return Err(err(pos, format!("unknown source `{s}`: declare it with a `source` line")));
            }
        }
        if let Some(s) = f.evidence.keys().find(|s| !f.sources.contains(s)) {
            return Err(err(pos, format!("evidence quoted from source `{s}`, which the fact does not cite")));
        }
        if let Some(s) = f.via.keys().find(|s| !f.sources.contains(s)) {
            return Err(err(pos, format!("a report credited (via) by source `{s}`, which the fact does not cite")));
        }
        for who in f.via.values() {
            if self.entity_kind(who)?.is_none() {
                return Err(err(pos, format!("unknown entity `{who}` after `via`: declare it with an `entity` line")));
            }
        }
        Ok(())
    }

    /// Validates everything staged and writes it in one atomic batch, then
    /// flushes. On error nothing is written.
    pub fn commit(self) -> Result<ImportReport, ImportError> {
        let db = self.store.db();
        for (pos, f) in &self.facts {
            self.validate(pos, f)?;
        }
        let swap = |kind: &str| self.lexicon.swap_names.iter().any(|k| k == kind);
        let mut batch = Ops::default();
        let mut report = ImportReport { lexicons: self.lexicon_files.len(), sources: self.sources.len(), entities: self.entities.len(), ..Default::default() };
        for (name, text) in &self.lexicon_files {
            batch.insert(lexicon_key(name), text.as_bytes());
        }
        for (id, s) in &self.sources {
            batch.insert(source_key(id), serde_json::to_vec(s).expect("source serialises"));
        }
        for (id, e) in &self.entities {
            if let Some(old) = self.store.entity(id)? {
                for a in index_names(&old, swap(&old.kind)) {
                    batch.remove(alias_key(&a, id));
                }
            }
            batch.insert(entity_key(id), serde_json::to_vec(e).expect("entity serialises"));
            for a in index_names(e, swap(&e.kind)) {
                batch.insert(alias_key(&a, id), &[][..]);
            }
        }
        // Facts: the same statement (subject, relation, object, dates) is
        // stored once; a second source is merged into it with its quote.
        let first_new: u64 = db.get(b"Mnext_fact").map_err(StoreError::from)?.map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or_default())).unwrap_or(1);
        let mut next = first_new;
        type Ident = (String, String, String, Option<Date>, Option<Date>, Option<Date>);
        let ident = |f: &Fact| -> Ident { (f.subject.clone(), f.relation.clone(), f.object.key(), f.since, f.until, f.on) };
        let mut staged: HashMap<Ident, (u64, Fact, bool)> = HashMap::with_capacity(self.facts.len());
        let mut existing_checked: HashMap<(String, String), ()> = HashMap::new();
        for (_, f) in self.facts {
            let id_key = ident(&f);
            if !staged.contains_key(&id_key) && !existing_checked.contains_key(&(f.subject.clone(), f.relation.clone())) {
                existing_checked.insert((f.subject.clone(), f.relation.clone()), ());
                for (fid, old) in self.store.scan_facts({
                    let mut p = vec![b'S'];
                    p.extend_from_slice(f.subject.as_bytes());
                    p.push(0);
                    p.extend_from_slice(f.relation.as_bytes());
                    p.push(0);
                    p
                })? {
                    staged.insert(ident(&old), (fid, old, false));
                }
            }
            match staged.get_mut(&id_key) {
                Some((_, old, changed)) => {
                    let mut grew = false;
                    for s in &f.sources {
                        if !old.sources.contains(s) {
                            old.sources.push(s.clone());
                            grew = true;
                        }
                    }
                    // Each source keeps its own quote.
                    for (s, quote) in &f.evidence {
                        if !old.evidence.contains_key(s) {
                            old.evidence.insert(s.clone(), quote.clone());
                            grew = true;
                        }
                    }
                    for (s, who) in &f.via {
                        if !old.via.contains_key(s) {
                            old.via.insert(s.clone(), who.clone());
                            grew = true;
                        }
                    }
                    if old.because.is_none() && f.because.is_some() {
                        old.because = f.because.clone();
                        grew = true;
                    }
                    if grew && !*changed {
                        *changed = true;
                        report.merged += 1;
                    }
                }
                None => {
                    staged.insert(id_key, (next, f, true));
                    next += 1;
                    report.facts += 1;
                }
            }
        }
        // Consumed while the writes are built, so that the staged facts and
        // their serialised form are not both held whole.
        for (_, (id, f, changed)) in staged {
            if changed {
                let bytes = serde_json::to_vec(&f).expect("fact serialises");
                batch.insert(subject_key(&f, id), bytes);
                batch.insert(object_key(&f, id), Vec::new());
            }
        }
        batch.insert(&b"Mnext_fact"[..], &next.to_be_bytes()[..]);
        super::journal::write(self.store, batch.0, first_new)?;
        Ok(report)
    }
}

/// The writes of one import, in order.
#[derive(Default)]
struct Ops(Vec<(Vec<u8>, Option<Vec<u8>>)>);

impl Ops {
    fn insert(&mut self, k: impl Into<Vec<u8>>, v: impl Into<Vec<u8>>) {
        self.0.push((k.into(), Some(v.into())));
    }
    fn remove(&mut self, k: impl Into<Vec<u8>>) {
        self.0.push((k.into(), None));
    }
}

/// The source a `factbot import --format triples` cites unless told otherwise.
pub fn default_triples_source(path: &str) -> Source {
    let stem = std::path::Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "triples".into());
    Source { id: slug(&stem), outlet: stem.clone(), title: format!("Triples imported from {path}"), date: None, reliability: Reliability::Reliable }
}
