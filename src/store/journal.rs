//! Writing one import's keys so that it lands whole or not at all, with
//! bounded memory.
//!
//! A small import is one [`sled::Batch`], which sled applies atomically. A
//! large one (MetaQA's 133k facts are about 400k keys) would make sled hold
//! gigabytes while it applies a single batch, so it is written in chunks
//! (freeing the nodes each chunk replaced before the next, see
//! [`collect_garbage`]) under an undo journal: first a journal record (`Mundo`) listing every
//! key the import creates or overwrites with its previous value, flushed;
//! then the chunks, each flushed; then the journal is removed. If the
//! process dies in between, [`recover`] (run by `Store::open`) undoes the
//! partial import from the journal, so readers never see half an import.

use super::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// Keys per chunk (and the largest import written as one batch).
pub const CHUNK: usize = 5_000;

const JOURNAL: &[u8] = b"Mundo";

/// What undoing a partial import needs.
#[derive(Serialize, Deserialize)]
struct Undo {
    /// Keys, with their previous values (None: the key did not exist).
    /// Keys and values are stored as bytes in hex to survive JSON.
    entries: Vec<(String, Option<String>)>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect()
}

/// Writes `ops` atomically (see the module documentation) and flushes.
pub fn write(store: &Store, ops: Vec<(Vec<u8>, Option<Vec<u8>>)>, first_new_fact: u64) -> Result<(), StoreError> {
    write_chunks(store, ops, first_new_fact, usize::MAX)
}

/// [`write`], stopping (as a crash would) after `max_chunks` chunks.
fn write_chunks(store: &Store, mut ops: Vec<(Vec<u8>, Option<Vec<u8>>)>, first_new_fact: u64, max_chunks: usize) -> Result<(), StoreError> {
    let db = store.db();
    if ops.len() <= CHUNK {
        let mut batch = sled::Batch::default();
        for (k, v) in ops {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        db.apply_batch(batch)?;
        db.flush()?;
        return Ok(());
    }
    // Fact keys of new facts (id >= first_new_fact) did not exist: they need
    // no undo entry; recovery removes them by id.
    let mut entries = Vec::new();
    for (k, _) in &ops {
        if is_new_fact_key(k, first_new_fact) {
            continue;
        }
        let old = db.get(k)?;
        entries.push((hex(k), old.map(|v| hex(&v))));
    }
    let undo = Undo { entries };
    let mut journal = serde_json::to_vec(&undo).expect("journal serialises");
    journal.extend_from_slice(&first_new_fact.to_be_bytes());
    db.insert(JOURNAL, journal)?;
    db.flush()?;
    // Key order keeps sled's pages compact while writing.
    ops.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, chunk) in ops.chunks(CHUNK).enumerate() {
        if n == max_chunks {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for (k, v) in chunk {
            match v {
                Some(v) => batch.insert(k.as_slice(), v.as_slice()),
                None => batch.remove(k.as_slice()),
            }
        }
        db.apply_batch(batch)?;
        db.flush()?;
        collect_garbage();
    }
    db.remove(JOURNAL)?;
    db.flush()?;
    Ok(())
}

/// Frees the tree nodes a chunk replaced. sled copies a node on every
/// change and hands the old copy to crossbeam's epoch collector, which frees
/// at most 8 bags of 64 objects each time a thread pins (every 128th pin)
/// or flushes. A whole chunk is written under one pin, so a large import
/// makes garbage far faster than it is freed: MetaQA's 80 chunks left
/// 300-750 MB of dead nodes waiting. Flushing after each chunk frees up to
/// [`GARBAGE_FLUSHES`] x 512 objects, more than a chunk makes.
fn collect_garbage() {
    for _ in 0..GARBAGE_FLUSHES {
        // sled's re-export, so that this is the collector sled uses.
        sled::crossbeam_pin().flush();
    }
}

/// Collector flushes after each chunk (each costs well under a microsecond
/// when there is nothing left to free).
const GARBAGE_FLUSHES: usize = 100;

fn fact_id(k: &[u8]) -> Option<u64> {
    if (k.first() == Some(&b'S') || k.first() == Some(&b'O')) && k.len() > 9 {
        Some(u64::from_be_bytes(k[k.len() - 8..].try_into().ok()?))
    } else {
        None
    }
}

fn is_new_fact_key(k: &[u8], first_new: u64) -> bool {
    fact_id(k).is_some_and(|id| id >= first_new)
}

/// Undoes an import that did not finish. Returns whether one was undone.
pub fn recover(db: &sled::Db) -> Result<bool, StoreError> {
    let Some(journal) = db.get(JOURNAL)? else { return Ok(false) };
    let split = journal.len().saturating_sub(8);
    let first_new = u64::from_be_bytes(journal[split..].try_into().unwrap_or_default());
    let undo: Undo = serde_json::from_slice(&journal[..split])
        .map_err(|e| StoreError::Corrupt { key: "Mundo".into(), message: e.to_string() })?;
    for prefix in [b"S", b"O"] {
        let mut doomed = Vec::new();
        for kv in db.scan_prefix(prefix) {
            let (k, _) = kv?;
            if is_new_fact_key(&k, first_new) {
                doomed.push(k);
            }
        }
        for k in doomed {
            db.remove(k)?;
        }
    }
    for (k, old) in undo.entries {
        match old {
            Some(v) => db.insert(unhex(&k), unhex(&v))?,
            None => db.remove(unhex(&k))?,
        };
    }
    db.remove(JOURNAL)?;
    db.flush()?;
    tracing::warn!("undid an import that did not finish");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Entity, Fact, Value};

    #[test]
    fn an_interrupted_large_import_is_undone_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let keep = Entity { id: "keep".into(), name: "Keep".into(), kind: "thing".into(), aliases: vec![] };
        {
            let store = Store::open(&path, 1 << 20).unwrap();
            store.db().insert(super::super::entity_key("keep"), serde_json::to_vec(&keep).unwrap()).unwrap();
            let mut ops = Vec::new();
            let changed = Entity { name: "Changed".into(), ..keep.clone() };
            ops.push((super::super::entity_key("keep"), Some(serde_json::to_vec(&changed).unwrap())));
            for i in 0..(CHUNK as u64 * 2) {
                let f = Fact::new("keep", "r", Value::Text(format!("v{i}")), "s");
                ops.push((super::super::subject_key(&f, 10 + i), Some(serde_json::to_vec(&f).unwrap())));
                ops.push((super::super::object_key(&f, 10 + i), Some(vec![])));
            }
            write_chunks(&store, ops, 10, 2).unwrap();
            assert!(store.db().get(JOURNAL).unwrap().is_some());
            assert!(store.db().scan_prefix(b"O").next().is_some(), "some chunks landed");
        }
        let store = Store::open(&path, 1 << 20).unwrap();
        assert!(store.db().get(JOURNAL).unwrap().is_none());
        assert_eq!(store.db().scan_prefix(b"S").count(), 0);
        assert_eq!(store.db().scan_prefix(b"O").count(), 0);
        assert_eq!(store.entity("keep").unwrap(), Some(keep));
    }
}
