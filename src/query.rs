//! The query algebra: what a question asks, as a tree of set operators.
//!
//! The reader ([`crate::understand`]) produces a [`Query`]; the evaluator
//! ([`crate::answer::eval`]) consumes it. This module depends on neither,
//! only on the knowledge model's values, so that a new operator has one
//! home and both sides agree on what it means.
//!
//! A query prints as a compact S-expression ([`Query::sexp`] with the
//! lexicon's relation names, or [`std::fmt::Display`] with relation ids):
//! `(values (~leads alibaba-cloud :now))` asks who leads Alibaba Cloud now.

use crate::knowledge::{Date, Fact, Value};
use std::fmt;

pub use crate::knowledge::lexicon::RelId;
use crate::knowledge::lexicon::Lexicon;

/// The first character of a placeholder entity id: the reader stands one
/// for a nested set while it reads the rest of the question ("the capital
/// of the largest state" is read as "the capital of ?state"), then binds
/// the set in its place ([`Set::bind`]). The kind follows the last ':'
/// ("\u{1}0:state"). No name normalises to it, and no placeholder
/// reaches the evaluator.
pub const VAR: char = '\u{1}';

/// Which side of a relation's facts a join yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// From subjects to objects: the objects of facts whose subject is in
    /// the inner set ("Alibaba's CEO").
    ToObject,
    /// From objects to subjects: the subjects of facts whose object is in
    /// the inner set ("who leads Alibaba Cloud").
    ToSubject,
}

impl Dir {
    /// The join yields fact subjects.
    pub fn to_subject(self) -> bool {
        self == Dir::ToSubject
    }

    /// The direction that yields subjects when `yes`, else objects.
    pub fn subjects_if(yes: bool) -> Dir {
        if yes {
            Dir::ToSubject
        } else {
            Dir::ToObject
        }
    }

    /// The other direction.
    pub fn reverse(self) -> Dir {
        match self {
            Dir::ToObject => Dir::ToSubject,
            Dir::ToSubject => Dir::ToObject,
        }
    }
}

/// What the members of a set are measured by, for superlatives,
/// comparisons and totals.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// The member's value of a number or date relation, the member being
    /// the fact's subject ("GPT-3's parameters", "M6's release date").
    Value(RelId),
    /// When the member's facts of a relation happened or began, the member
    /// on the side `dir` leaves ([`Dir::ToObject`]: the member is the
    /// subject), only facts with `with` on the other side when given ("who
    /// was Alibaba's CEO first").
    Date {
        /// The relation.
        rel: RelId,
        /// From the member to the other side.
        dir: Dir,
        /// The entity on the other side, if the question names one.
        with: Option<String>,
    },
    /// How many values a join from the member yields ("the state that
    /// borders the most states"): only over relations the lexicon
    /// declares complete. With a kind or a class, only values of it ("the
    /// state with the most cities", where a state has lakes in it too).
    Count(RelId, Dir, Option<String>),
    /// Each named member by a measure of its own ("what happened first,
    /// the outage or the scrapping of the IPO": the outage by its date,
    /// the IPO by when it was scrapped). Never empty.
    Each(Vec<(String, Measure)>),
    /// The measure of the one value a relation gives the member ("the
    /// state with the lowest highest point": each state by its highest
    /// point's elevation). Only over a relation with one value on that
    /// side; a member with none or several is not measured.
    Through {
        /// The relation from the member to the measured value.
        rel: RelId,
        /// From the member to the other side.
        dir: Dir,
        /// The measure of that value.
        then: Box<Measure>,
    },
}

impl Measure {
    /// The relation the measure reads, and from the member's side (for
    /// [`Measure::Each`], its first member's).
    pub fn relation(&self) -> (RelId, Dir) {
        match self {
            Measure::Value(rel) => (*rel, Dir::ToObject),
            Measure::Date { rel, dir, .. } | Measure::Count(rel, dir, _) => (*rel, *dir),
            // Never empty where the reader builds it; the first relation
            // stands in when it is.
            Measure::Each(each) => each.first().map_or((RelId(0), Dir::ToObject), |(_, m)| m.relation()),
            Measure::Through { then, .. } => then.relation(),
        }
    }

    /// Every relation the measure reads.
    pub fn relations(&self) -> Vec<RelId> {
        match self {
            Measure::Each(each) => each.iter().flat_map(|(_, m)| m.relations()).collect(),
            Measure::Through { rel, then, .. } => std::iter::once(*rel).chain(then.relations()).collect(),
            other => vec![other.relation().0],
        }
    }

    /// The measure a member is measured by.
    pub fn of_member(&self, id: &str) -> Option<&Measure> {
        match self {
            Measure::Each(each) => each.iter().find(|(e, _)| e == id).map(|(_, m)| m),
            other => Some(other),
        }
    }
}

/// Which end of a measure a superlative asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The greatest number, the latest date.
    Most,
    /// The least number, the earliest date.
    Least,
}

/// How a comparison relates a member's measure to the other side's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Strictly more (later, for dates).
    More,
    /// Strictly less (earlier).
    Less,
}

/// A set of values the query talks about.
#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    /// One entity.
    Entity(String),
    /// A literal value (a number, a date).
    Literal(Value),
    /// The values related by `rel` to the members of `of`, on the side
    /// `dir` gives.
    Join {
        /// The relation.
        rel: RelId,
        /// Which side the join yields.
        dir: Dir,
        /// The other side.
        of: Box<Set>,
        /// When the facts must hold.
        time: Time,
    },
    /// Every entity of a kind.
    All(String),
    /// The members of a class entity (through the lexicon's member
    /// relation): "the AI tigers".
    Members(String),
    /// Every value linked to an entity by a fact, on either side.
    Linked(String),
    /// The members of a set that are of a kind.
    OfKind(Box<Set>, String),
    /// The members of a set that belong to a class entity.
    MemberOf(Box<Set>, String),
    /// The members of a set linked by some fact to an entity.
    LinkedTo(Box<Set>, String),
    /// The members of both sets.
    And(Box<Set>, Box<Set>),
    /// The members of a set other than one entity ("the other films of
    /// X's director").
    Without(Box<Set>, String),
    /// The event a clause tells of ("that Zhou Chang is leaving
    /// Alibaba"): an entity of the lexicon's event kind linked to the
    /// clause's subject (and object) and dated like a fact of `rel`
    /// between them.
    Event {
        /// The clause's relation.
        rel: RelId,
        /// Its subject.
        subject: Box<Set>,
        /// Its object, if it has one.
        object: Option<Box<Set>>,
    },
    /// The members of a set whose facts involve an entity: a text value
    /// that names it, or a fact with it on either side ("Fu Ruiji's role
    /// at Kuaishou").
    Mentioning(Box<Set>, String),
    /// The members of either set ("GPT-3 or M6").
    Or(Box<Set>, Box<Set>),
    /// The members of the first set that are not in the second ("rivers
    /// that do not run through Texas").
    Minus(Box<Set>, Box<Set>),
    /// The members of a set with the greatest or least measure; ties give
    /// every tied member. Members with no known measure are left out.
    Extreme {
        /// The set.
        of: Box<Set>,
        /// What its members are measured by.
        by: Measure,
        /// Which end.
        order: Order,
    },
    /// The members of a set whose measure is more or less than the other
    /// side's: a literal, or the one member of a set measured alike.
    Compared {
        /// The set.
        of: Box<Set>,
        /// What its members are measured by.
        by: Measure,
        /// More or less.
        cmp: Cmp,
        /// The other side.
        than: Box<Set>,
    },
}

impl Set {
    /// The set narrowed by whichever of a kind, a class and a linked
    /// entity are given.
    pub fn narrow(self, kind: Option<String>, class: Option<String>, linked: Option<String>) -> Set {
        let mut set = self;
        if let Some(k) = kind {
            set = match set {
                // Every entity of a kind, of that kind: the same set.
                Set::All(ref have) if *have == k => set,
                other => Set::OfKind(Box::new(other), k),
            };
        }
        if let Some(c) = class {
            set = Set::MemberOf(Box::new(set), c);
        }
        if let Some(l) = linked {
            set = Set::LinkedTo(Box::new(set), l);
        }
        set
    }

    /// The set inside any kind, class and link filters.
    pub fn unfiltered(&self) -> &Set {
        match self {
            Set::OfKind(s, _) | Set::MemberOf(s, _) | Set::LinkedTo(s, _) => s.unfiltered(),
            other => other,
        }
    }

    /// The kind a filter asks for, if the set is narrowed to one.
    pub fn kind_asked(&self) -> Option<&str> {
        match self {
            Set::All(k) | Set::OfKind(_, k) => Some(k),
            Set::MemberOf(s, _) | Set::LinkedTo(s, _) => s.kind_asked(),
            _ => None,
        }
    }

    /// The sets directly inside this one.
    pub fn children(&self) -> Vec<&Set> {
        match self {
            Set::Entity(_) | Set::Literal(_) | Set::All(_) | Set::Members(_) | Set::Linked(_) => vec![],
            Set::Join { of, time, .. } => std::iter::once(of.as_ref()).chain(time.set()).collect(),
            Set::OfKind(s, _) | Set::MemberOf(s, _) | Set::LinkedTo(s, _) | Set::Without(s, _) | Set::Mentioning(s, _) => vec![s],
            Set::And(a, b) | Set::Or(a, b) | Set::Minus(a, b) => vec![a, b],
            Set::Event { subject, object, .. } => std::iter::once(subject.as_ref()).chain(object.as_deref()).collect(),
            Set::Extreme { of, .. } => vec![of],
            Set::Compared { of, than, .. } => vec![of, than],
        }
    }

    /// The first entity the set mentions, for conversation focus.
    pub fn topic(&self) -> Option<&str> {
        match self {
            Set::Entity(e) => Some(e),
            Set::Join { of, .. } => of.topic(),
            Set::Members(c) | Set::Linked(c) => Some(c),
            Set::OfKind(s, _) | Set::Without(s, _) | Set::Mentioning(s, _) => s.topic(),
            Set::MemberOf(s, c) => s.topic().or(Some(c)),
            // The narrowed set's own topic, then the linked entity, then
            // the class whose members were narrowed.
            Set::LinkedTo(s, e) => s.base_topic().or(Some(e)).or(s.topic()),
            Set::And(a, b) | Set::Or(a, b) | Set::Minus(a, b) => a.topic().or(b.topic()),
            Set::Extreme { of, .. } | Set::Compared { of, .. } => of.topic(),
            Set::Event { subject, .. } => subject.topic(),
            Set::Literal(_) | Set::All(_) => None,
        }
    }

    /// The topic of the set that filters narrow, when it is more than
    /// every member of a kind, a class or an entity's links.
    fn base_topic(&self) -> Option<&str> {
        match self {
            Set::All(_) | Set::Members(_) | Set::Linked(_) => None,
            Set::OfKind(s, _) | Set::MemberOf(s, _) | Set::LinkedTo(s, _) => s.base_topic(),
            other => other.topic(),
        }
    }

    /// The entities named in the set (not those of time qualifiers).
    pub fn entities(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_entities(&mut out);
        out
    }

    fn collect_entities<'a>(&'a self, out: &mut Vec<&'a str>) {
        // A class or linked entity comes after the set it narrows.
        if let Set::Entity(e) | Set::Members(e) | Set::Linked(e) = self {
            out.push(e);
        }
        match self {
            Set::Join { of, .. } => of.collect_entities(out),
            Set::Event { subject, object, .. } => {
                subject.collect_entities(out);
                if let Some(o) = object {
                    o.collect_entities(out);
                }
            }
            other => {
                for c in other.children() {
                    c.collect_entities(out);
                }
                if let Set::MemberOf(_, e) | Set::LinkedTo(_, e) | Set::Without(_, e) | Set::Mentioning(_, e) = other {
                    out.push(e);
                }
            }
        }
    }

    /// How many relation joins the set makes, time qualifiers included.
    pub fn joins(&self) -> usize {
        let own = usize::from(matches!(self, Set::Join { .. } | Set::Event { .. } | Set::Extreme { .. } | Set::Compared { .. }));
        own + self.children().iter().map(|c| c.joins()).sum::<usize>()
    }

    /// Replaces entity `old` by `new` everywhere (elliptical follow-ups).
    pub fn substitute(&mut self, old: &str, new: &str) {
        match self {
            Set::Entity(e) | Set::Linked(e) if e == old => *e = new.to_string(),
            Set::Join { of, .. } => of.substitute(old, new),
            Set::OfKind(s, _) => s.substitute(old, new),
            Set::LinkedTo(s, e) | Set::Without(s, e) | Set::Mentioning(s, e) => {
                s.substitute(old, new);
                if e == old {
                    *e = new.to_string();
                }
            }
            Set::MemberOf(s, _) => s.substitute(old, new),
            Set::And(a, b) | Set::Or(a, b) | Set::Minus(a, b) => {
                a.substitute(old, new);
                b.substitute(old, new);
            }
            Set::Extreme { of, .. } => of.substitute(old, new),
            Set::Compared { of, than, .. } => {
                of.substitute(old, new);
                than.substitute(old, new);
            }
            Set::Event { subject, object, .. } => {
                subject.substitute(old, new);
                if let Some(o) = object {
                    o.substitute(old, new);
                }
            }
            _ => {}
        }
    }

    /// Puts `with` where the reader's placeholder `var` stands (a nested
    /// set such as "the largest state" in "the capital of the largest
    /// state"). Returns how many places took it.
    pub fn bind(&mut self, var: &str, with: &Set) -> usize {
        self.replace(&Set::Entity(var.to_string()), with)
    }

    /// Puts `with` wherever `part` stands in the set. Returns how many
    /// places took it.
    pub fn replace(&mut self, part: &Set, with: &Set) -> usize {
        if self == part {
            *self = with.clone();
            return 1;
        }
        match self {
            Set::Join { of, time, .. } => {
                of.replace(part, with)
                    + match time {
                        Time::After(s) | Time::Before(s) | Time::AfterFacts(s) | Time::BeforeFacts(s) | Time::DuringFacts(s) => s.replace(part, with),
                        _ => 0,
                    }
            }
            Set::OfKind(s, _) | Set::MemberOf(s, _) | Set::LinkedTo(s, _) | Set::Without(s, _) | Set::Mentioning(s, _) => s.replace(part, with),
            Set::And(a, b) | Set::Or(a, b) | Set::Minus(a, b) => a.replace(part, with) + b.replace(part, with),
            Set::Extreme { of, .. } => of.replace(part, with),
            Set::Compared { of, than, .. } => of.replace(part, with) + than.replace(part, with),
            Set::Event { subject, object, .. } => subject.replace(part, with) + object.as_mut().map_or(0, |o| o.replace(part, with)),
            Set::Entity(_) | Set::Literal(_) | Set::All(_) | Set::Members(_) | Set::Linked(_) => 0,
        }
    }

    /// Whether the store holds the whole set, so that its size is a count
    /// and its greatest member is the greatest there is: the members of a
    /// class (the sources enumerate a group such as "the four AI tigers"),
    /// every member of a complete kind, and joins over complete relations.
    pub fn closed(&self, lex: &Lexicon) -> bool {
        let c = |s: &Set| s.closed(lex);
        let complete_kind = |k: &str| lex.complete_kinds.iter().any(|x| x == k);
        match self {
            Set::Members(_) | Set::MemberOf(..) => true,
            Set::All(k) => complete_kind(k),
            Set::OfKind(b, k) => c(b) || complete_kind(k),
            Set::LinkedTo(b, _) => c(b),
            Set::Linked(_) => false,
            Set::And(a, b) => c(a) || c(b),
            Set::Join { rel, of, .. } => lex.rel(*rel).complete && c(of),
            Set::Without(s, _) | Set::Mentioning(s, _) | Set::Compared { of: s, .. } | Set::Minus(s, _) => c(s),
            Set::Or(a, b) => c(a) && c(b),
            Set::Extreme { of, .. } => c(of),
            Set::Entity(_) | Set::Literal(_) | Set::Event { .. } => true,
        }
    }

    /// Gives the outermost joins over relations for which `changes` holds
    /// the time `t`. Returns whether one took it.
    fn retime(&mut self, changes: &dyn Fn(RelId) -> bool, t: &Time) -> bool {
        match self {
            Set::Join { rel, time, of, .. } => {
                if changes(*rel) {
                    *time = t.clone();
                    true
                } else {
                    of.retime(changes, t)
                }
            }
            Set::OfKind(s, _) | Set::MemberOf(s, _) | Set::LinkedTo(s, _) | Set::Without(s, _) | Set::Mentioning(s, _) => s.retime(changes, t),
            Set::Extreme { of, .. } | Set::Compared { of, .. } => of.retime(changes, t),
            Set::And(a, b) => {
                let x = a.retime(changes, t);
                b.retime(changes, t) || x
            }
            _ => false,
        }
    }
}

/// When facts must hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Time {
    /// Now (present tense): facts that have not ended, falling back to
    /// past facts when none hold now.
    Now,
    /// At any time (past tense).
    Any,
    /// During this date.
    At(Date),
    /// After the event or holder named.
    After(Box<Set>),
    /// Before the event or holder named.
    Before(Box<Set>),
    /// After the facts of a clause happened ("after Jeff Zhang stepped
    /// down": the set is what Jeff Zhang left, with the facts that date it).
    AfterFacts(Box<Set>),
    /// Before the facts of a clause happened ("before he joined Alibaba").
    BeforeFacts(Box<Set>),
    /// When the facts of a clause happened ("when the Hong Kong outage
    /// happened").
    DuringFacts(Box<Set>),
    /// Facts that have ended ("the former CEO").
    Ended,
    /// Facts whose start is known, dated by it ("when did X become
    /// CEO?": not when the role ended).
    Began,
    /// Facts that hold now, with no fallback to past ones ("the current
    /// CEO", "who leads it now").
    Current,
    /// What the sources expect, not what has happened ("who is expected
    /// to leave?", "is he going to leave?"): facts marked expected, and
    /// states that hold now.
    Expected,
}

impl Time {
    /// The set a time qualifier refers to, if any.
    pub fn set(&self) -> Option<&Set> {
        match self {
            Time::After(s) | Time::Before(s) | Time::AfterFacts(s) | Time::BeforeFacts(s) | Time::DuringFacts(s) => Some(s),
            _ => None,
        }
    }
}

/// What of a fact answers the question, for [`Ask::Facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Its object (the question named the subject).
    Object,
    /// Its subject (the question named the object).
    Subject,
    /// Its date.
    Date,
    /// Its reason.
    Reason,
}

/// A fact that answers the question, and what of it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// The fact.
    pub fact: Fact,
    /// What of it answers.
    pub side: Side,
}

/// What the question asks of the set.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// The members of the set.
    Values(Set),
    /// How many members the set has (or, for a numeric relation, its value).
    Count(Set),
    /// Whether `item` is in `set` (yes/no).
    Check {
        /// The value asked about.
        item: Set,
        /// The set it should be in.
        set: Set,
    },
    /// When the facts of a join happened.
    When(Set, Option<Set>),
    /// Why the facts of a join happened.
    Why(Set, Option<Set>),
    /// How long the facts of a join lasted.
    HowLong(Set, Option<Set>),
    /// Where: locations of the join's values.
    Where(Set, Option<Set>),
    /// A short description of an entity.
    Describe(String),
    /// An entity's titles and roles, optionally those involving a second
    /// entity ("Jia's title at Alibaba").
    Title(String, Option<String>),
    /// The sum of the members' measures ("the combined parameters of
    /// Qwen-7B and Qwen-7B-Chat"): only when every member has one.
    Total(Set, Measure),
    /// One relation's total over another's across the members ("the
    /// population density of the US": the states' population over their
    /// area), given as the value of a relation the lexicon declares that
    /// ratio.
    Ratio {
        /// The members.
        of: Set,
        /// The declared relation, whose unit the value has.
        rel: RelId,
        /// The relation summed above the line.
        top: RelId,
        /// The relation summed below it.
        bottom: RelId,
    },
    /// The time between two happenings ("how many years after GPT-3 came
    /// out did Alibaba build M6", "how long between A and B").
    Elapsed {
        /// The earlier one, when the question orders them.
        from: Box<Dated>,
        /// The later one.
        to: Box<Dated>,
        /// The unit asked for; the one that fits when None ("how long").
        unit: Option<TimeUnit>,
        /// Whether the question says which came first ("after", "before"):
        /// then the other order is not an answer.
        ordered: bool,
    },
}

/// A happening: the one member of a set, dated by a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    /// The set, of one member when the question reads right.
    pub of: Set,
    /// What dates it.
    pub by: Measure,
}

/// A unit of elapsed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Whole years.
    Years,
    /// Whole months.
    Months,
    /// Whole weeks.
    Weeks,
    /// Days.
    Days,
}

impl TimeUnit {
    /// Its name in the S-expression form.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Years => "years",
            TimeUnit::Months => "months",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Days => "days",
        }
    }
}

impl Ask {
    /// The sets the question is about.
    pub fn sets(&self) -> Vec<&Set> {
        match self {
            Ask::Values(s) | Ask::Count(s) | Ask::Total(s, _) | Ask::Ratio { of: s, .. } => vec![s],
            Ask::Check { item, set } => vec![item, set],
            Ask::When(s, o) | Ask::Why(s, o) | Ask::HowLong(s, o) | Ask::Where(s, o) => std::iter::once(s).chain(o.as_ref()).collect(),
            Ask::Describe(_) | Ask::Title(..) => vec![],
            Ask::Elapsed { from, to, .. } => vec![&from.of, &to.of],
        }
    }

    fn sets_mut(&mut self) -> Vec<&mut Set> {
        match self {
            Ask::Values(s) | Ask::Count(s) | Ask::Total(s, _) | Ask::Ratio { of: s, .. } => vec![s],
            Ask::Check { item, set } => vec![item, set],
            Ask::When(s, o) | Ask::Why(s, o) | Ask::HowLong(s, o) | Ask::Where(s, o) => std::iter::once(s).chain(o.as_mut()).collect(),
            Ask::Describe(_) | Ask::Title(..) => vec![],
            Ask::Elapsed { from, to, .. } => vec![&mut from.of, &mut to.of],
        }
    }
}

/// A query: what is asked, and how the reply should read.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// What is asked.
    pub ask: Ask,
    /// Whether the question is in the past tense.
    pub past: bool,
}

impl Query {
    /// The entity the query is about, for follow-ups.
    pub fn topic(&self) -> Option<String> {
        match &self.ask {
            Ask::Describe(e) | Ask::Title(e, _) => Some(e.clone()),
            ask => ask.sets().into_iter().find_map(|s| s.topic()).map(String::from),
        }
    }

    /// The entities the query names.
    pub fn entities(&self) -> Vec<&str> {
        match &self.ask {
            Ask::Describe(e) => vec![e.as_str()],
            Ask::Title(e, at) => std::iter::once(e.as_str()).chain(at.as_deref()).collect(),
            ask => ask.sets().into_iter().flat_map(|s| s.entities()).collect(),
        }
    }

    /// How many relation joins the query makes.
    pub fn joins(&self) -> usize {
        self.ask.sets().iter().map(|s| s.joins()).sum::<usize>() + match self.ask {
            Ask::Total(..) => 1,
            Ask::Ratio { .. } => 2,
            Ask::Elapsed { .. } => 2,
            _ => 0,
        }
    }

    /// Gives the outermost join over a relation that changes over time
    /// (for which `changes` holds) the time `t`. Returns whether one took it.
    pub fn retime(&mut self, changes: &dyn Fn(RelId) -> bool, t: &Time) -> bool {
        match &mut self.ask {
            Ask::Values(s) | Ask::Count(s) => s.retime(changes, t),
            Ask::Check { set, .. } => set.retime(changes, t),
            // "When did X step down as CEO?": when the role ended.
            // "When did X become CEO?": when the role began.
            Ask::When(s, _) if matches!(t, Time::Ended | Time::Began) => s.retime(changes, t),
            _ => false,
        }
    }

    /// Puts `with` where the placeholder `var` stands; returns whether
    /// every mention of it took the set (a placeholder named as a class or
    /// a link, which no set can stand for, is left).
    pub fn bind(&mut self, var: &str, with: &Set) -> bool {
        let bound: usize = self.ask.sets_mut().into_iter().map(|s| s.bind(var, with)).sum();
        bound > 0 && !self.entities().contains(&var)
    }

    /// Puts `with` wherever `part` stands in the query's sets.
    pub fn replace(&mut self, part: &Set, with: &Set) -> usize {
        self.ask.sets_mut().into_iter().map(|s| s.replace(part, with)).sum()
    }

    /// Replaces entity `old` by `new` everywhere (elliptical follow-ups).
    pub fn substitute(&mut self, old: &str, new: &str) {
        match &mut self.ask {
            Ask::Describe(e) | Ask::Title(e, _) => {
                if e == old {
                    *e = new.to_string()
                }
            }
            ask => {
                for s in ask.sets_mut() {
                    s.substitute(old, new);
                }
            }
        }
    }

    /// The query as an S-expression, relations shown by `name`.
    pub fn sexp<'a>(&'a self, name: &'a dyn Fn(RelId) -> String) -> impl fmt::Display + 'a {
        Sexp { q: self, name }
    }
}

struct Sexp<'a> {
    q: &'a Query,
    name: &'a dyn Fn(RelId) -> String,
}

impl fmt::Display for Sexp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_query(f, self.q, self.name)
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_query(f, self, &|r: RelId| format!("r{}", r.0))
    }
}

fn write_query(f: &mut fmt::Formatter<'_>, q: &Query, name: &dyn Fn(RelId) -> String) -> fmt::Result {
    let op = match &q.ask {
        Ask::Values(_) => "values",
        Ask::Count(_) => "count",
        Ask::Check { .. } => "check",
        Ask::When(..) => "when",
        Ask::Why(..) => "why",
        Ask::HowLong(..) => "how-long",
        Ask::Where(..) => "where",
        Ask::Describe(_) => "describe",
        Ask::Title(..) => "title",
        Ask::Total(..) => "total",
        Ask::Elapsed { .. } => "elapsed",
        Ask::Ratio { .. } => "ratio",
    };
    write!(f, "({op}")?;
    match &q.ask {
        Ask::Describe(e) => write!(f, " {e}")?,
        Ask::Elapsed { from, to, unit, ordered } => {
            if let Some(u) = unit {
                write!(f, " {}", u.name())?;
            }
            for d in [from, to] {
                f.write_str(" (dated ")?;
                write_set(f, &d.of, name)?;
                f.write_str(" ")?;
                write_measure(f, &d.by, name)?;
                f.write_str(")")?;
            }
            if *ordered {
                f.write_str(" :ordered")?;
            }
        }
        Ask::Title(e, at) => {
            write!(f, " {e}")?;
            if let Some(a) = at {
                write!(f, " {a}")?;
            }
        }
        ask => {
            for s in ask.sets() {
                f.write_str(" ")?;
                write_set(f, s, name)?;
            }
        }
    }
    if let Ask::Ratio { rel, top, bottom, .. } = &q.ask {
        write!(f, " {} {} {}", name(*rel), name(*top), name(*bottom))?;
    }
    if let Ask::Total(_, by) = &q.ask {
        f.write_str(" ")?;
        write_measure(f, by, name)?;
    }
    if q.past {
        f.write_str(" :past")?;
    }
    f.write_str(")")
}

fn write_value(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Entity(e) => f.write_str(e),
        other => write!(f, "{:?}", other.key()),
    }
}

fn write_set(f: &mut fmt::Formatter<'_>, s: &Set, name: &dyn Fn(RelId) -> String) -> fmt::Result {
    match s {
        Set::Entity(e) => f.write_str(e),
        Set::Literal(v) => write_value(f, v),
        Set::Join { rel, dir, of, time } => {
            let mark = if dir.to_subject() { "~" } else { "" };
            write!(f, "({mark}{} ", name(*rel))?;
            write_set(f, of, name)?;
            write_time(f, time, name)?;
            f.write_str(")")
        }
        Set::All(k) => write!(f, "(all {k})"),
        Set::Members(c) => write!(f, "(members {c})"),
        Set::Linked(e) => write!(f, "(linked {e})"),
        Set::OfKind(s, k) => {
            write!(f, "(kind {k} ")?;
            write_set(f, s, name)?;
            f.write_str(")")
        }
        Set::MemberOf(s, c) => {
            write!(f, "(member-of {c} ")?;
            write_set(f, s, name)?;
            f.write_str(")")
        }
        Set::LinkedTo(s, e) => {
            write!(f, "(linked-to {e} ")?;
            write_set(f, s, name)?;
            f.write_str(")")
        }
        Set::And(a, b) => {
            f.write_str("(and ")?;
            write_set(f, a, name)?;
            f.write_str(" ")?;
            write_set(f, b, name)?;
            f.write_str(")")
        }
        Set::Without(s, e) => {
            f.write_str("(without ")?;
            write_set(f, s, name)?;
            write!(f, " {e})")
        }
        Set::Mentioning(s, e) => {
            f.write_str("(mentioning ")?;
            write_set(f, s, name)?;
            write!(f, " {e})")
        }
        Set::Or(a, b) | Set::Minus(a, b) => {
            f.write_str(if matches!(s, Set::Or(..)) { "(or " } else { "(minus " })?;
            write_set(f, a, name)?;
            f.write_str(" ")?;
            write_set(f, b, name)?;
            f.write_str(")")
        }
        Set::Extreme { of, by, order } => {
            f.write_str(if *order == Order::Most { "(most " } else { "(least " })?;
            write_measure(f, by, name)?;
            f.write_str(" ")?;
            write_set(f, of, name)?;
            f.write_str(")")
        }
        Set::Compared { of, by, cmp, than } => {
            f.write_str(if *cmp == Cmp::More { "(more " } else { "(less " })?;
            write_measure(f, by, name)?;
            f.write_str(" ")?;
            write_set(f, of, name)?;
            f.write_str(" ")?;
            write_set(f, than, name)?;
            f.write_str(")")
        }
        Set::Event { rel, subject, object } => {
            write!(f, "(event {} ", name(*rel))?;
            write_set(f, subject, name)?;
            if let Some(o) = object {
                f.write_str(" ")?;
                write_set(f, o, name)?;
            }
            f.write_str(")")
        }
    }
}

fn write_measure(f: &mut fmt::Formatter<'_>, m: &Measure, name: &dyn Fn(RelId) -> String) -> fmt::Result {
    match m {
        Measure::Value(rel) => f.write_str(&name(*rel)),
        Measure::Date { rel, dir, with } => {
            let mark = if dir.to_subject() { "~" } else { "" };
            write!(f, "(date {mark}{}", name(*rel))?;
            if let Some(w) = with {
                write!(f, " {w}")?;
            }
            f.write_str(")")
        }
        Measure::Count(rel, dir, of) => {
            let mark = if dir.to_subject() { "~" } else { "" };
            write!(f, "(count {mark}{}", name(*rel))?;
            if let Some(k) = of {
                write!(f, " {k}")?;
            }
            f.write_str(")")
        }
        Measure::Through { rel, dir, then } => {
            let mark = if dir.to_subject() { "~" } else { "" };
            write!(f, "(through {mark}{} ", name(*rel))?;
            write_measure(f, then, name)?;
            f.write_str(")")
        }
        Measure::Each(each) => {
            f.write_str("(each")?;
            for (e, m) in each {
                write!(f, " ({e} ")?;
                write_measure(f, m, name)?;
                f.write_str(")")?;
            }
            f.write_str(")")
        }
    }
}

fn write_time(f: &mut fmt::Formatter<'_>, t: &Time, name: &dyn Fn(RelId) -> String) -> fmt::Result {
    let (word, set) = match t {
        Time::Any => return Ok(()),
        Time::Now => return f.write_str(" :now"),
        Time::Ended => return f.write_str(" :ended"),
        Time::Began => return f.write_str(" :began"),
        Time::Current => return f.write_str(" :current"),
        Time::Expected => return f.write_str(" :expected"),
        Time::At(d) => return write!(f, " :at {}", d),
        Time::After(s) => (":after", s),
        Time::Before(s) => (":before", s),
        Time::AfterFacts(s) => (":after-facts", s),
        Time::BeforeFacts(s) => (":before-facts", s),
        Time::DuringFacts(s) => (":during", s),
    };
    write!(f, " {word} ")?;
    write_set(f, set, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(rel: usize, dir: Dir, of: Set) -> Set {
        Set::Join { rel: RelId(rel), dir, of: Box::new(of), time: Time::Any }
    }

    #[test]
    fn narrowing_nests_one_filter_a_condition() {
        let base = join(0, Dir::ToSubject, Set::Entity("alibaba".into()));
        let s = base.clone().narrow(Some("person".into()), None, Some("qwen".into()));
        assert_eq!(s, Set::LinkedTo(Box::new(Set::OfKind(Box::new(base.clone()), "person".into())), "qwen".into()));
        assert_eq!(s.unfiltered(), &base);
        assert_eq!(s.kind_asked(), Some("person"));
        // Every entity of a kind, narrowed to that kind, is the same set.
        assert_eq!(Set::All("state".into()).narrow(Some("state".into()), None, None), Set::All("state".into()));
    }

    #[test]
    fn sexp_names_relations_and_marks_direction_and_time() {
        let mut q = Query {
            ask: Ask::Values(Set::Join { rel: RelId(2), dir: Dir::ToSubject, of: Box::new(Set::Entity("alibaba-cloud".into())), time: Time::Now }),
            past: false,
        };
        let names = |r: RelId| ["ceo_of", "based_in", "leads"][r.0].to_string();
        assert_eq!(q.sexp(&names).to_string(), "(values (~leads alibaba-cloud :now))");
        assert_eq!(q.to_string(), "(values (~r2 alibaba-cloud :now))");
        q.substitute("alibaba-cloud", "baidu");
        assert_eq!(q.topic().as_deref(), Some("baidu"));
        assert_eq!(q.joins(), 1);
    }

    #[test]
    fn entities_and_joins_count_every_part() {
        let s = Set::And(
            Box::new(join(1, Dir::ToObject, Set::Entity("a".into())).narrow(None, Some("c".into()), None)),
            Box::new(Set::Join { rel: RelId(0), dir: Dir::ToObject, of: Box::new(Set::Entity("b".into())), time: Time::Before(Box::new(join(3, Dir::ToObject, Set::Entity("d".into())))) }),
        );
        assert_eq!(s.entities(), vec!["a", "c", "b"]);
        assert_eq!(s.joins(), 3);
    }
}
