//! The catalog: a store's lexicon with the names, kinds and aliases of its
//! entities, loaded once, for the reader and the evaluator alike.

use super::normalize::normalize;
use super::{Lexicon, Value};
use crate::store::Store;
use std::collections::{HashMap, HashSet};

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
        Ok(Catalog { lex, aliases, names, classes })
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
