//! Conversations: what a chat remembers between questions (the topic for
//! pronouns, the last reading for follow-ups, the last answer for
//! /sources), and the bounded, expiring map of many chats' conversations.

use crate::answer::Answer;
use crate::query::Query;
use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// What a conversation remembers between questions.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    /// The entity the last question was about, for pronouns.
    pub focus: Option<String>,
    /// The entity the last answer named, when it named exactly one.
    pub answer_focus: Option<String>,
    /// The person last in play, for "he" and "she" when neither the
    /// topic nor the answer is a person ("who is Zhou Chang?", "who
    /// reported his exit?" (36Kr), "what is his role?").
    pub person: Option<String>,
    /// The last question's query, for elliptical follow-ups.
    pub last_query: Option<Query>,
    /// The query before it: "what about the public cloud division?" after
    /// "who leads the hybrid cloud unit?" and "who does he report to?" is
    /// the first again, whose topic was of that kind.
    pub earlier_query: Option<Query>,
    /// The last answer, for /sources.
    pub last_answer: Option<Answer>,
    /// The names of the several things an answer named, for "they" and
    /// "them", while the questions after it are about them.
    pub several: Vec<String>,
    /// The last answer that had values with sources, for "who reported
    /// that?" (a question declined in between does not take its place).
    pub last_sourced: Option<Answer>,
    /// A /teach that named something new close to a known name, waiting
    /// for the same person to send it again: (who, the statement
    /// normalised).
    pub unconfirmed_teach: Option<(String, String)>,
}

impl Conversation {
    /// Forgets everything.
    pub fn reset(&mut self) {
        *self = Conversation::default();
    }
}

/// The conversations of many chats, with an idle expiry and a cap.
///
/// A conversation not used for longer than `idle` is forgotten, as if the
/// chat had sent /reset. At most `cap` conversations are kept: storing one
/// more forgets the least recently used. Times are passed in (`now`), so
/// that callers choose the clock and tests need not wait. Expired entries
/// are dropped when they are looked up, and all at once at most once per
/// `idle` period, so memory stays within `cap` entries in any case.
#[derive(Debug)]
pub struct Conversations<K> {
    entries: HashMap<K, Kept>,
    idle: Option<Duration>,
    cap: usize,
    /// Bumped on every use: orders entries by recency even when the clock
    /// does not move between uses.
    tick: u64,
    last_sweep: Option<Instant>,
}

#[derive(Debug)]
struct Kept {
    conversation: Conversation,
    used_at: Instant,
    used_tick: u64,
}

impl<K: Hash + Eq + Clone> Conversations<K> {
    /// Conversations forgotten after `idle` without use (never, when
    /// `None`), at most `cap` of them (at least one).
    pub fn new(idle: Option<Duration>, cap: usize) -> Self {
        Conversations { entries: HashMap::new(), idle, cap: cap.max(1), tick: 0, last_sweep: None }
    }

    fn expired(&self, kept: &Kept, now: Instant) -> bool {
        self.idle.is_some_and(|idle| now.saturating_duration_since(kept.used_at) > idle)
    }

    /// A copy of `key`'s conversation, unless it has none or it expired;
    /// counts as a use.
    pub fn get(&mut self, key: &K, now: Instant) -> Option<Conversation> {
        let expired = self.expired(self.entries.get(key)?, now);
        if expired {
            self.entries.remove(key);
            return None;
        }
        self.tick += 1;
        let kept = self.entries.get_mut(key)?;
        kept.used_at = now;
        kept.used_tick = self.tick;
        Some(kept.conversation.clone())
    }

    /// Stores `key`'s conversation, forgetting expired ones and, when the
    /// cap is reached, the least recently used one.
    pub fn put(&mut self, key: K, conversation: Conversation, now: Instant) {
        if let Some(idle) = self.idle {
            if self.last_sweep.is_none_or(|t| now.saturating_duration_since(t) >= idle) {
                self.last_sweep = Some(now);
                self.entries.retain(|_, kept| now.saturating_duration_since(kept.used_at) <= idle);
            }
        }
        if !self.entries.contains_key(&key) && self.entries.len() >= self.cap {
            let oldest = self.entries.iter().min_by_key(|(_, kept)| kept.used_tick).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(key, Kept { conversation, used_at: now, used_tick: self.tick });
    }

    /// Forgets `key`'s conversation.
    pub fn remove(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// How many conversations are kept (expired ones not yet dropped
    /// included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no conversation is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(focus: &str) -> Conversation {
        Conversation { focus: Some(focus.into()), ..Conversation::default() }
    }

    fn focus(c: Option<Conversation>) -> Option<String> {
        c.and_then(|c| c.focus)
    }

    #[test]
    fn conversations_expire_after_the_idle_time() {
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        let mut cs = Conversations::new(Some(60 * minute), 10);
        cs.put(1, conversation("a"), start);
        cs.put(2, conversation("b"), start);
        // Used 59 minutes later: kept, and the idle time starts again.
        assert_eq!(focus(cs.get(&1, start + 59 * minute)), Some("a".into()));
        assert_eq!(focus(cs.get(&1, start + 118 * minute)), Some("a".into()));
        // Chat 2 was idle for 61 minutes: gone, as after /reset.
        assert_eq!(focus(cs.get(&2, start + 61 * minute)), None);
        assert_eq!(cs.len(), 1);
        // A put long after sweeps out every expired entry.
        cs.put(3, conversation("c"), start + 300 * minute);
        assert_eq!(cs.len(), 1);
        assert_eq!(focus(cs.get(&1, start + 300 * minute)), None);
    }

    #[test]
    fn conversations_without_idle_time_never_expire() {
        let start = Instant::now();
        let mut cs = Conversations::new(None, 10);
        cs.put("chat", conversation("a"), start);
        assert_eq!(focus(cs.get(&"chat", start + Duration::from_secs(365 * 86_400))), Some("a".into()));
    }

    #[test]
    fn the_least_recently_used_conversation_is_evicted_at_the_cap() {
        // The clock stands still: recency alone decides.
        let now = Instant::now();
        let mut cs = Conversations::new(Some(Duration::from_secs(3600)), 3);
        for (chat, f) in [(1, "a"), (2, "b"), (3, "c")] {
            cs.put(chat, conversation(f), now);
        }
        assert!(cs.get(&1, now).is_some(), "chat 1 used again: chat 2 is now the least recent");
        cs.put(4, conversation("d"), now);
        assert_eq!(cs.len(), 3);
        assert_eq!(focus(cs.get(&2, now)), None, "evicted");
        for (chat, f) in [(1, "a"), (3, "c"), (4, "d")] {
            assert_eq!(focus(cs.get(&chat, now)), Some(f.into()));
        }
        // Replacing a kept conversation evicts nothing.
        cs.put(3, conversation("c2"), now);
        assert_eq!(cs.len(), 3);
        assert_eq!(focus(cs.get(&3, now)), Some("c2".into()));
        cs.remove(&3);
        assert_eq!(cs.len(), 2);
        // A cap of 0 still keeps the current chat.
        let mut one = Conversations::new(None, 0);
        one.put(1, conversation("a"), now);
        one.put(2, conversation("b"), now);
        assert_eq!((one.len(), focus(one.get(&2, now))), (1, Some("b".into())));
    }
}
