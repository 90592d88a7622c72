//! The sled store: entities, the alias index, facts indexed both ways,
//! sources and the lexicon, all in one sled tree under typed key prefixes.
//!
//! Keys (`\0` separates parts; ids never contain it):
//!
//! | prefix | key                                   | value        |
//! |--------|---------------------------------------|--------------|
//! | `M`    | `M` name                              | metadata     |
//! | `L`    | `L` file name                         | lexicon TOML |
//! | `E`    | `E` entity id                         | entity JSON  |
//! | `A`    | `A` normalised alias `\0` entity id   | empty        |
//! | `R`    | `R` source id                         | source JSON  |
//! | `S`    | `S` subject `\0` relation `\0` fact#  | fact JSON    |
//! | `O`    | `O` object key `\0` relation `\0` subject `\0` fact# | empty |
//!
//! The O index holds no copy of the fact: its key names the S entry.
//! Because facts sit in both directions under order-preserving keys, "the
//! objects of (subject, relation)" and "the subjects of (object, relation)"
//! are each one prefix scan. Keeping everything in one tree lets one import
//! be one atomic [`sled::Batch`]: an import either lands whole or not at all.

mod import;
mod journal;

pub use import::{default_triples_source, ImportError, ImportReport, Importer, TriplesOptions};

use crate::knowledge::normalize::normalize;
use crate::knowledge::{Entity, Fact, Lexicon, Source, Value};
use std::path::Path;

/// The schema version this build reads and writes.
///
/// - 1: a fact kept one evidence quote, whichever source it came from.
/// - 2: a fact keeps each source's quote (`evidence` maps source ids to
///   quotes). A version 1 store is refused: its merged facts lost the
///   other sources' quotes, so it is imported again (a version 1 export
///   still imports, its quote taken as the fact's first source's).
pub const SCHEMA_VERSION: u32 = 2;

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed (I/O, corruption).
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    /// The store was written by a build with another schema.
    #[error("the store at {path} has schema version {found}, but this build reads version {expected}; export it with the matching build, or remove it and import again")]
    Schema {
        /// The store's path.
        path: String,
        /// The version found.
        found: String,
        /// The version this build needs.
        expected: u32,
    },
    /// A stored record did not decode.
    #[error("store record {key} is corrupt: {message}")]
    Corrupt {
        /// The key, printable.
        key: String,
        /// What failed.
        message: String,
    },
    /// The store's lexicon files do not parse.
    #[error("stored lexicon: {0}")]
    Lexicon(#[from] crate::knowledge::lexicon::LexiconError),
}

/// Counts for `factbot stats`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    /// Number of entities.
    pub entities: usize,
    /// Number of facts.
    pub facts: usize,
    /// Number of sources.
    pub sources: usize,
    /// Number of relations in the lexicon.
    pub relations: usize,
    /// Bytes on disk.
    pub size_on_disk: u64,
}

/// A record of facts retracted (`/forget`): who, when, what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Retraction {
    /// Who retracted it.
    pub who: String,
    /// When (a date).
    pub when: String,
    /// The fact, as a sentence.
    pub fact: String,
    /// How many stored facts matched and were removed.
    pub removed: usize,
}

/// A handle to the store: cheap to clone, one sled `Db` per process.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    path: String,
}

fn key(prefix: u8, parts: &[&str]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    k.push(prefix);
    for (n, p) in parts.iter().enumerate() {
        if n > 0 {
            k.push(0);
        }
        k.extend_from_slice(p.as_bytes());
    }
    k
}

/// The S-index key of a fact.
pub(crate) fn subject_key(f: &Fact, id: u64) -> Vec<u8> {
    let mut k = key(b'S', &[&f.subject, &f.relation, ""]);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The O-index key of a fact.
pub(crate) fn object_key(f: &Fact, id: u64) -> Vec<u8> {
    let mut k = key(b'O', &[&f.object.key(), &f.relation, &f.subject, ""]);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub(crate) fn entity_key(id: &str) -> Vec<u8> {
    key(b'E', &[id])
}

pub(crate) fn alias_key(alias: &str, id: &str) -> Vec<u8> {
    key(b'A', &[&normalize(alias), id])
}

pub(crate) fn source_key(id: &str) -> Vec<u8> {
    key(b'R', &[id])
}

pub(crate) fn lexicon_key(name: &str) -> Vec<u8> {
    key(b'L', &[name])
}

fn decode<T: serde::de::DeserializeOwned>(k: &[u8], v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|e| StoreError::Corrupt { key: String::from_utf8_lossy(k).replace('\0', "/"), message: e.to_string() })
}

/// Every alias an entity is indexed under: its names, and for people with
/// two-part names (when the kind asks for it) the other name order ("Jingren Zhou", "Zhou Jingren").
pub fn index_names(e: &Entity, swap_order: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in e.names() {
        let norm = normalize(n);
        if norm.is_empty() {
            continue;
        }
        if swap_order {
            let words: Vec<&str> = norm.split(' ').collect();
            if words.len() == 2 {
                let swapped = format!("{} {}", words[1], words[0]);
                if !out.contains(&swapped) {
                    out.push(swapped);
                }
            }
        }
        if !out.contains(&norm) {
            out.push(norm);
        }
    }
    out
}

impl Store {
    /// Opens (or creates) the store at `path`. `cache_bytes` bounds sled's
    /// page cache.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(path).cache_capacity(cache_bytes).flush_every_ms(Some(500)).open()?;
        let store = Store { db, path: path.display().to_string() };
        journal::recover(&store.db)?;
        match store.db.get(b"Mschema")? {
            None => {
                if store.db.is_empty() {
                    store.db.insert(b"Mschema", SCHEMA_VERSION.to_string().as_bytes())?;
                    store.db.flush()?;
                } else {
                    return Err(StoreError::Schema { path: store.path.clone(), found: "none".into(), expected: SCHEMA_VERSION });
                }
            }
            Some(v) if v.as_ref() == SCHEMA_VERSION.to_string().as_bytes() => {}
            Some(v) => {
                return Err(StoreError::Schema {
                    path: store.path.clone(),
                    found: String::from_utf8_lossy(&v).into_owned(),
                    expected: SCHEMA_VERSION,
                })
            }
        }
        Ok(store)
    }

    /// The path the store lives at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the store holds no knowledge yet (only its schema key).
    pub fn is_empty(&self) -> bool {
        self.db.scan_prefix(b"E").next().is_none() && self.db.scan_prefix(b"L").next().is_none()
    }

    /// Flushes every write to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// The merged lexicon of every lexicon file imported.
    pub fn lexicon(&self) -> Result<Lexicon, StoreError> {
        let mut lex = Lexicon::default();
        for kv in self.db.scan_prefix(b"L") {
            let (k, v) = kv?;
            let name = String::from_utf8_lossy(&k[1..]).into_owned();
            lex.merge(Lexicon::parse(&name, &String::from_utf8_lossy(&v))?);
        }
        Ok(lex)
    }

    /// The lexicon files as stored: (name, TOML text).
    pub fn lexicon_files(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(b"L") {
            let (k, v) = kv?;
            out.push((String::from_utf8_lossy(&k[1..]).into_owned(), String::from_utf8_lossy(&v).into_owned()));
        }
        Ok(out)
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Result<Option<Entity>, StoreError> {
        let k = entity_key(id);
        self.db.get(&k)?.map(|v| decode(&k, &v)).transpose()
    }

    /// Every entity, in id order.
    pub fn entities(&self) -> impl Iterator<Item = Result<Entity, StoreError>> + '_ {
        self.db.scan_prefix(b"E").map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
    }

    /// The ids of the entities whose alias normalises to `alias`.
    pub fn resolve(&self, alias: &str) -> Result<Vec<String>, StoreError> {
        let mut prefix = key(b'A', &[&normalize(alias)]);
        prefix.push(0);
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(&prefix) {
            let (k, _) = kv?;
            out.push(String::from_utf8_lossy(&k[prefix.len()..]).into_owned());
        }
        Ok(out)
    }

    /// Every (normalised alias, entity id) pair, in alias order.
    pub fn aliases(&self) -> impl Iterator<Item = Result<(String, String), StoreError>> + '_ {
        self.db.scan_prefix(b"A").map(|kv| {
            let (k, _) = kv?;
            let body = &k[1..];
            let sep = body.iter().position(|&b| b == 0).unwrap_or(body.len());
            Ok((
                String::from_utf8_lossy(&body[..sep]).into_owned(),
                String::from_utf8_lossy(body.get(sep + 1..).unwrap_or_default()).into_owned(),
            ))
        })
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Result<Option<Source>, StoreError> {
        let k = source_key(id);
        self.db.get(&k)?.map(|v| decode(&k, &v)).transpose()
    }

    /// Every source.
    pub fn sources(&self) -> impl Iterator<Item = Result<Source, StoreError>> + '_ {
        self.db.scan_prefix(b"R").map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
    }

    fn scan_facts(&self, prefix: Vec<u8>) -> Result<Vec<(u64, Fact)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let id = k.len().checked_sub(8).map(|at| u64::from_be_bytes(k[at..].try_into().unwrap_or_default())).unwrap_or(0);
            out.push((id, decode(&k, &v)?));
        }
        Ok(out)
    }

    /// The facts with this subject (and relation, when given).
    pub fn facts_about(&self, subject: &str, relation: Option<&str>) -> Result<Vec<Fact>, StoreError> {
        let prefix = match relation {
            Some(r) => key(b'S', &[subject, r, ""]),
            None => key(b'S', &[subject, ""]),
        };
        Ok(self.scan_facts(prefix)?.into_iter().map(|(_, f)| f).collect())
    }

    /// The subjects of the facts with this object and relation, read from
    /// the object index alone (no fact is decoded).
    pub fn subjects_with_object(&self, object: &Value, relation: &str) -> Result<Vec<String>, StoreError> {
        let prefix = key(b'O', &[&object.key(), relation, ""]);
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(&prefix) {
            let (k, _) = kv?;
            // ... subject \0 id(8)
            let Some(body) = k.len().checked_sub(9).map(|end| &k[prefix.len()..end]) else { continue };
            out.push(String::from_utf8_lossy(body).into_owned());
        }
        Ok(out)
    }

    /// The facts with this object (and relation, when given).
    pub fn facts_with_object(&self, object: &Value, relation: Option<&str>) -> Result<Vec<Fact>, StoreError> {
        let ok = object.key();
        let prefix = match relation {
            Some(r) => key(b'O', &[&ok, r, ""]),
            None => key(b'O', &[&ok, ""]),
        };
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(&prefix) {
            let (k, _) = kv?;
            // ... relation \0 subject \0 id(8): rebuild the S key.
            let Some(body) = k.len().checked_sub(9).map(|end| &k[..end]) else { continue };
            let mut parts = body.rsplitn(3, |&b| b == 0);
            let (Some(subject), Some(rel)) = (parts.next(), parts.next()) else { continue };
            out.extend(self.fact_of_object_key(subject, rel, &k)?);
        }
        Ok(out)
    }

    /// The fact an object-index key points at: the S key rebuilt from its
    /// subject, relation and id (the key's last 8 bytes).
    fn fact_of_object_key(&self, subject: &[u8], rel: &[u8], k: &[u8]) -> Result<Option<Fact>, StoreError> {
        let mut sk = vec![b'S'];
        sk.extend_from_slice(subject);
        sk.push(0);
        sk.extend_from_slice(rel);
        sk.push(0);
        sk.extend_from_slice(&k[k.len() - 8..]);
        match self.db.get(&sk)? {
            Some(v) => Ok(Some(decode(&sk, &v)?)),
            None => Ok(None),
        }
    }

    /// The facts of `relation` whose object is a date within `within`
    /// ("released in 2023": May 2023 and 2023 itself), from the object
    /// index: dates are indexed as `d:YYYY[-MM[-DD]]`, so one year's are
    /// one prefix.
    pub fn facts_with_date_within(&self, within: &crate::knowledge::Date, relation: &str) -> Result<Vec<Fact>, StoreError> {
        let mut prefix = vec![b'O'];
        prefix.extend_from_slice(format!("d:{:04}", within.year).as_bytes());
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(&prefix) {
            let (k, _) = kv?;
            // O date \0 relation \0 subject \0 id(8)
            let Some(body) = k.len().checked_sub(9).map(|end| &k[1..end]) else { continue };
            let mut parts = body.splitn(3, |&b| b == 0);
            let (Some(_), Some(rel), Some(subject)) = (parts.next(), parts.next(), parts.next()) else { continue };
            if rel != relation.as_bytes() {
                continue;
            }
            if let Some(f) = self.fact_of_object_key(subject, rel, &k)? {
                if matches!(&f.object, crate::knowledge::Value::Date(d) if d.within(within)) {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }

    /// Every fact, in subject order.
    pub fn facts(&self) -> impl Iterator<Item = Result<Fact, StoreError>> + '_ {
        self.db.scan_prefix(b"S").map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
    }

    /// Counts for `factbot stats`.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        Ok(Stats {
            entities: self.db.scan_prefix(b"E").count(),
            facts: self.db.scan_prefix(b"S").count(),
            sources: self.db.scan_prefix(b"R").count(),
            relations: self.lexicon()?.relations.len(),
            size_on_disk: self.db.size_on_disk()?,
        })
    }

    /// Starts an import; see [`Importer`].
    pub fn importer(&self) -> Result<Importer<'_>, StoreError> {
        Importer::new(self)
    }

    /// Removes the stored facts equal to `fact` in subject, relation and
    /// object; returns how many were removed. Durable when it returns.
    pub fn retract(&self, fact: &Fact, record: Option<&Retraction>) -> Result<usize, StoreError> {
        let prefix = key(b'S', &[&fact.subject, &fact.relation, ""]);
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for (id, f) in self.scan_facts(prefix)? {
            if f.object == fact.object {
                batch.remove(subject_key(&f, id));
                batch.remove(object_key(&f, id));
                n += 1;
            }
        }
        if n > 0 {
            // The record of who retracted what is written in the same batch.
            if let Some(r) = record {
                let id = self.db.generate_id()?;
                let value = serde_json::to_vec(&Retraction { removed: n, ..r.clone() }).expect("retraction serialises");
                batch.insert(key(b'X', &[&format!("{id:020}")]), value);
            }
            self.db.apply_batch(batch)?;
            self.db.flush()?;
        }
        Ok(n)
    }

    /// The retractions recorded, oldest first.
    pub fn retractions(&self) -> Result<Vec<Retraction>, StoreError> {
        let mut out = Vec::new();
        for kv in self.db.scan_prefix([b'X']) {
            let (k, v) = kv?;
            out.push(decode(&k, &v)?);
        }
        Ok(out)
    }

    pub(crate) fn db(&self) -> &sled::Db {
        &self.db
    }

    /// Writes the whole store as JSON lines: lexicon files, sources,
    /// entities, facts. Importing the output into an empty store gives the
    /// same store.
    pub fn export(&self, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        use serde_json::json;
        for (name, text) in self.lexicon_files()? {
            writeln!(out, "{}", json!({"type": "lexicon", "name": name, "text": text}))?;
        }
        for s in self.sources() {
            writeln!(out, "{}", json!({"type": "source", "source": s?}))?;
        }
        for e in self.entities() {
            writeln!(out, "{}", json!({"type": "entity", "entity": e?}))?;
        }
        for f in self.facts() {
            writeln!(out, "{}", json!({"type": "fact", "fact": f?}))?;
        }
        Ok(())
    }
}
