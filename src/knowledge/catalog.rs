//! The catalog: a store's lexicon with the names, kinds and aliases of its
//! entities, loaded once, for the reader and the evaluator alike.

use super::normalize::normalize;
use super::{Fact, Lexicon, Value};
use crate::store::Store;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Facts by the subject, or by the key of the object.
pub type FactsBy = HashMap<String, Vec<Fact>>;

/// What the reader and the evaluator know of a store besides its facts.
#[derive(Debug)]
pub struct Catalog {
    /// The lexicon.
    pub lex: Lexicon,
    /// Normalised alias to entity ids.
    pub aliases: HashMap<String, Vec<String>>,
    /// Entity id to (name, kind).
    pub names: HashMap<String, (String, String)>,
    /// Entities that have members through the lexicon's member relation.
    pub classes: HashSet<String>,
    /// Each kind's entities, ordered by name.
    pub by_kind: HashMap<String, Vec<String>>,
    /// The facts of a relation by subject, read once from the store when a
    /// superlative or a comparison first measures a large set by it. The
    /// catalog is rebuilt whenever the store changes, and this with it.
    by_relation: Mutex<HashMap<(String, bool), Arc<FactsBy>>>,
}

impl Catalog {
    /// Loads the aliases, names and classes of a store, with its lexicon.
    pub fn load(store: &Store, lex: Lexicon) -> anyhow::Result<Catalog> {
        let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
        for pair in store.aliases() {
            let (alias, id) = pair?;
            let ids = aliases.entry(alias).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut names = HashMap::new();
        for e in store.entities() {
            let e = e?;
            names.insert(e.id.clone(), (e.name.clone(), e.kind.clone()));
        }
        let mut classes = HashSet::new();
        if let Some(member) = &lex.member_relation {
            for e in names.keys() {
                if !store.facts_with_object(&Value::Entity(e.clone()), Some(member))?.is_empty() {
                    classes.insert(e.clone());
                }
            }
        }
        let mut by_kind: HashMap<String, Vec<String>> = HashMap::new();
        for (id, (_, kind)) in &names {
            by_kind.entry(kind.clone()).or_default().push(id.clone());
        }
        for ids in by_kind.values_mut() {
            ids.sort_by(|a, b| names[a].0.cmp(&names[b].0).then_with(|| a.cmp(b)));
        }
        Ok(Catalog { lex, aliases, names, classes, by_kind, by_relation: Mutex::default() })
    }

    /// Every fact of a relation, by subject, or by the key of the object
    /// when `by_object` (see `by_relation`).
    pub fn facts_of(&self, store: &Store, relation: &str, by_object: bool) -> anyhow::Result<Arc<FactsBy>> {
        let mut cache = self.by_relation.lock().unwrap_or_else(|p| p.into_inner());
        let key = (relation.to_string(), by_object);
        if let Some(m) = cache.get(&key) {
            return Ok(m.clone());
        }
        let mut m: HashMap<String, Vec<Fact>> = HashMap::new();
        for f in store.facts() {
            let f = f?;
            if f.relation == relation {
                let side = if by_object { f.object.key() } else { f.subject.clone() };
                m.entry(side).or_default().push(f);
            }
        }
        let m = Arc::new(m);
        cache.insert(key, m.clone());
        Ok(m)
    }

    /// The name of an entity.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map(|(n, _)| n.as_str()).unwrap_or(id)
    }

    /// The kind of an entity.
    pub fn kind<'a>(&'a self, id: &'a str) -> Option<&'a str> {
        // A reader's placeholder for a nested set carries its kind.
        if id.starts_with(crate::query::VAR) {
            return id.rsplit_once(':').map(|(_, k)| k);
        }
        self.names.get(id).map(|(_, k)| k.as_str())
    }

    /// An entity's name and aliases, normalised. Scans the alias index:
    /// for the rare readings that need it, not for every question.
    pub fn names_of(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = self.aliases.iter().filter(|(_, ids)| ids.iter().any(|x| x == id)).map(|(a, _)| a.clone()).collect();
        out.push(normalize(self.name(id)));
        out.sort();
        out.dedup();
        out
    }

    /// Whether an entity is of a kind people ask about with "who" (the
    /// kinds whose nouns in the lexicon include "who").
    pub fn is_person(&self, id: &str) -> bool {
        self.kind(id).is_some_and(|k| self.is_person_kind(k))
    }

    /// Whether a kind is asked for with "who" (its nouns include it).
    pub fn is_person_kind(&self, kind: &str) -> bool {
        self.lex.kinds.get(kind).is_some_and(|nouns| nouns.iter().any(|n| n == "who"))
    }

    /// The entity a displayed name stands for, when exactly one.
    pub fn resolve_exact(&self, name: &str) -> Option<String> {
        match self.aliases.get(&normalize(name))?.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }
}
