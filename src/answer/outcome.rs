//! The typed outcome of evaluating one question: what was found, on whose
//! word, and what kind of reply it makes, with no English in it.
//!
//! [`super::eval`] builds an [`Outcome`]; [`super::render`] words it into
//! an [`super::Answer`] (the reply text, the values as a person says
//! them, the citations). Every channel shows that one rendering.

use super::Status;
use crate::knowledge::{Bound, Date, Fact, Value};
use crate::query::{Measure, RelId, TimeUnit};

/// What evaluating a question found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The question as asked.
    pub question: String,
    /// How it was answered.
    pub status: Status,
    /// The values that answer it, in order.
    pub values: Vec<Found>,
    /// The facts the reply rests on, in order: their sources are cited.
    pub support: Vec<Fact>,
    /// The reading the values come from, as the query's S-expression.
    pub reading: Option<String>,
    /// What the reply says.
    pub reply: Reply,
    /// Values only a source marked unreliable gives, left out of the
    /// answer and named in a note.
    pub aside: Vec<Given>,
    /// Members a superlative inside the question could not measure, so
    /// they were not compared, and the measure.
    pub unmeasured: Option<(Vec<Value>, Measure)>,
    /// Whether the answer is withheld when its worded reply cites nothing
    /// in brackets (a fact said "according to" no source).
    pub guarded: bool,
}

/// A measured amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantity {
    /// A number, and whether it is money.
    Number(f64, bool),
    /// A date.
    Date(Date),
    /// A role held until this date, begun at an unknown date before it:
    /// for roles held by one holder at a time, it began before any
    /// holder's that began when or after it ended.
    Until(Date),
    /// A happening reported at this date, so at it or at any time before.
    By(Date),
}

/// A member of a superlative's answer as the reply shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    /// By the fact that dates it ("Alibaba cancelled the Alibaba Cloud
    /// IPO on 16 November 2023").
    Said(Fact),
    /// By its name and amount ("GPT-3 (2020)").
    Measured(Value, Quantity),
}

/// Where the runner-up of a superlative stands against the leaders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    /// Later in time.
    After,
    /// Earlier in time.
    Before,
    /// A smaller amount than the leaders' most.
    AheadOf,
    /// A larger amount than the leaders' least.
    Below,
}

/// A time between two happenings, at the precision their dates allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Days.
    Days(i64),
    /// Whole weeks.
    Weeks(i64),
    /// Months.
    Months(i64),
    /// Whole years.
    Years(i64),
    /// Years and months.
    YearsMonths(i64, i64),
}

/// Why no time between two happenings is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declined {
    /// The question orders them, and they happened the other way round.
    OtherWayRound,
    /// Their dates do not order them.
    Unordered,
    /// Months asked for, and only the years known.
    OnlyYears,
    /// Weeks or days asked for, and not both days known.
    NoDays(TimeUnit),
}

/// When something happened, as a fact dates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At this date.
    At(Date),
    /// By this date, when it was reported.
    By(Date),
    /// A state known only to have ended: until this date.
    Until(Date),
}

/// How long something lasted, at the precision its dates allow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lasted {
    /// Months, under two years.
    Months(i64),
    /// Whole years.
    Years(i64),
    /// Years, to a tenth.
    About(f64),
}

/// A value with the facts that support it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The value.
    pub value: Value,
    /// The facts that give it.
    pub facts: Vec<Fact>,
}

/// Values listed in their relation's sentence ("Weiguang Liu leads
/// Alibaba's public cloud division"), with what the sentence needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// The values, with their facts.
    pub hits: Vec<Hit>,
    /// The relation whose sentence says them, when they are of one.
    pub join: Option<Join>,
    /// For the happenings that concern a name ("what happened to Zhou
    /// Chang?"): each happening listed, with the most salient facts the
    /// trusted sources state of it.
    pub events: Vec<Hit>,
    /// Whether the question is in the past.
    pub past: bool,
    /// How many values a reply names before "and N more".
    pub max: usize,
}

/// The relation that links listed values to the other side of the
/// question.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The relation's name.
    pub rel: String,
    /// Whether the values are the relation's subjects.
    pub want_subject: bool,
    /// The values on the other side.
    pub others: Vec<Value>,
}

/// One value of an outcome, with the sources that state it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The value.
    pub value: Given,
    /// The ids of the sources that state it.
    pub sources: Vec<String>,
    /// Whether sources disagree on the question and this is one side.
    pub conflict: bool,
}

/// What a question of measures asked for, when the measures are not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// A member's measure, a comparison, a superlative, a time between.
    Value,
    /// A total.
    Total,
    /// A ratio of totals.
    Ratio,
}

/// A value as evaluation gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A value of the store.
    Value {
        /// The value.
        value: Value,
        /// The relation the value is of, whose unit a number takes.
        unit: Option<String>,
        /// The bound its facts give it ("more than $20 billion").
        bound: Option<Bound>,
    },
    /// The answer to a yes/no question.
    Verdict(bool),
    /// A count.
    Count(usize),
    /// An amount measured or worked out, in the unit of its measure.
    Amount(Quantity, Measure),
    /// A time between two happenings.
    Span(Span),
    /// When something happened.
    When(When),
    /// How long something lasted.
    Lasted(Lasted),
    /// The title a fact gives its subject ("CEO of Alibaba").
    Title(Fact),
}

/// The kind of reply an outcome makes, with what it says.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Nothing the store holds answers the question.
    NoFacts,
    /// Nothing holds a role now: the facts of its latest holder, whose
    /// end says when it ended.
    LastHolder(Vec<Fact>),
    /// The values of a set the store does not hold whole: no count, but
    /// the first of those known; `ended` when all of them have ended
    /// and the question is in the present.
    CountUnknown {
        /// The values listed.
        listed: Vec<Given>,
        /// How many are known.
        known: usize,
        /// Whether every one known has ended.
        ended: bool,
    },
    /// A count, with the first of the values counted.
    Count {
        /// The count.
        n: usize,
        /// The values listed.
        listed: Vec<Given>,
    },
    /// A count of none over a set the sources list whole.
    ClosedZero,
    /// Sources that disagree: each side's facts, said with their sources.
    Disagree {
        /// The sides, each its facts in order.
        sides: Vec<Vec<Fact>>,
        /// Whether the question is in the past.
        past: bool,
    },
    /// A yes or a no from these facts; a no names the value asked about
    /// that they rule out.
    Verdict {
        /// Whether it is a yes.
        yes: bool,
        /// The facts that decide it.
        facts: Vec<Fact>,
        /// Whether the question is in the past.
        past: bool,
        /// For a no, what the facts rule out, when it has a name.
        not: Option<Given>,
    },
    /// What the sources only expected, not that it happened: no answer
    /// to a question in the past ("has he left?"), a yes to one in the
    /// present or future ("will he leave?", "is he leaving?").
    Expected {
        /// The facts of what was expected.
        facts: Vec<Fact>,
        /// Whether the question is in the past.
        past: bool,
    },
    /// No facts either way about the item asked after (its name, when
    /// it has one).
    NoneEitherWay(Option<Given>),
    /// Several tie for a superlative inside the question; `alike` gives
    /// the values the question has for each of them, when it answers
    /// alike, or is None when which one is meant must be asked.
    Tie {
        /// The tied members.
        tied: Vec<Value>,
        /// The values alike for each, if any.
        alike: Option<Vec<Given>>,
    },
    /// Facts the paraphrase ranker picked, each said in turn, with the
    /// reason it gives when the reason is asked.
    Picked {
        /// Each fact, with its reason when asked for.
        facts: Vec<(Fact, Option<String>)>,
        /// Whether the question is in the past.
        past: bool,
    },
    /// Values in their relation's sentence.
    Listed(Listed),
    /// When, why, how long or where things happened: each value with
    /// the facts that give it, said with the first; in a disagreement,
    /// with the sources of each.
    Happened {
        /// The values, each with its facts.
        items: Vec<(Given, Vec<Fact>)>,
        /// Whether the sources disagree.
        conflict: bool,
        /// Whether the facts are said in the past.
        past: bool,
    },
    /// A description of an entity: the most salient facts about it.
    Description {
        /// The entity.
        of: String,
        /// The facts, most salient first.
        facts: Vec<Fact>,
    },
    /// The titles of an entity.
    Titles {
        /// The entity.
        of: Value,
        /// Its titles.
        titles: Vec<Given>,
    },
    /// A class asked about, every member of which is in the set.
    AllYes {
        /// How many members the class has.
        members: usize,
        /// The members, in the set's sentence.
        listed: Listed,
    },
    /// A no over a set the store holds whole: what is in it (the
    /// values listed, or for a superlative its facts), and what is not.
    NotAmong {
        /// The values of the set, or None for a superlative.
        listed: Option<Listed>,
        /// A superlative's facts.
        facts: Vec<Fact>,
        /// Whether the question is in the past.
        past: bool,
        /// What was asked about, when it has a name.
        not: Option<Given>,
    },
    /// Measures not known: for each measure, the members the store has
    /// none for.
    NotMeasured {
        /// What was asked.
        asked: Asked,
        /// The members not measured, by measure.
        missing: Vec<(Vec<Value>, Measure)>,
    },
    /// Two amounts that do not order (spans of time that overlap).
    Unordered {
        /// The one amount.
        a: Quantity,
        /// The other.
        b: Quantity,
        /// What they measure.
        by: Measure,
    },
    /// "Is A bigger than B?" answered: A's amount, and B's unless B is
    /// an amount the question gives.
    Compared {
        /// Whether it is a yes.
        yes: bool,
        /// The member asked about.
        one: Value,
        /// Its amount.
        amount: Quantity,
        /// What it is compared with: None for an amount the question
        /// gives, else the member (when there is one).
        other: Option<Option<Value>>,
        /// The amount compared with.
        limit: Quantity,
        /// What they measure.
        by: Measure,
    },
    /// Amounts that the superlative asked for cannot order: the members
    /// with their amounts.
    NotOrdered {
        /// The members measured.
        known: Vec<(Value, Quantity)>,
        /// What they measure.
        by: Measure,
    },
    /// The leaders of a superlative (ties included), with the runner-up
    /// they were measured against and the members left out.
    Extreme {
        /// The leaders.
        leaders: Vec<Label>,
        /// The runner-up, and where it stands.
        next: Option<(Beyond, Label)>,
        /// Members with none of a count, not counted.
        none: Vec<Value>,
        /// Members whose measure is not known, not compared.
        unmeasured: Vec<Value>,
        /// The measure.
        by: Measure,
        /// Whether the set may not be listed in full, so the leader is of
        /// those known.
        of_known: bool,
        /// Whether the leaders' figures come only from sources marked
        /// unreliable.
        unreliable: bool,
    },
    /// A ratio of two totals over the members ("the population density
    /// of the US"): the ratio in the unit of `rel`, each total with the
    /// relation it sums.
    Ratio {
        /// The ratio.
        ratio: Quantity,
        /// The relation whose unit the ratio takes.
        rel: RelId,
        /// The total divided.
        top: (Quantity, RelId),
        /// The total it is divided by.
        bottom: (Quantity, RelId),
        /// How many members were summed.
        members: usize,
    },
    /// The time between two happenings, with the facts that date them.
    Elapsed {
        /// The time.
        span: Span,
        /// The facts that date the two.
        facts: Vec<Fact>,
    },
    /// No time between two happenings: why, and the facts that date them.
    NotElapsed {
        /// Why.
        why: Declined,
        /// The facts that date the two.
        facts: Vec<Fact>,
    },
    /// A total, with each member's amount.
    Total {
        /// The total.
        total: Quantity,
        /// The members with their amounts.
        parts: Vec<(Value, Quantity)>,
        /// What they measure.
        by: Measure,
    },
    /// One of the two happenings an elapsed time is asked between is not
    /// known at all.
    NothingOfOne,
}

impl Outcome {
    /// An outcome with no values and no support.
    pub fn empty(question: &str, status: Status, reply: Reply) -> Outcome {
        Outcome { question: question.to_string(), status, values: vec![], support: vec![], reading: None, reply, aside: vec![], unmeasured: None, guarded: false }
    }

    /// Nothing answers the question.
    pub fn unknown(question: &str) -> Outcome {
        Outcome::empty(question, Status::Unknown, Reply::NoFacts)
    }

    /// The answer with these values, each with its sources once, on the
    /// word of the supporting facts. Values without a source are never
    /// given: an answer that cannot say where it came from is unknown
    /// instead (and so is one whose reply cites nothing in brackets,
    /// which rendering checks).
    pub fn answered(question: &str, mut values: Vec<Found>, reply: Reply, support: Vec<Fact>) -> Outcome {
        for v in &mut values {
            let mut seen = Vec::new();
            v.sources.retain(|s| {
                let keep = !s.is_empty() && !seen.contains(s);
                seen.push(s.clone());
                keep
            });
        }
        if values.is_empty() || values.iter().any(|v| v.sources.is_empty()) {
            tracing::warn!(question, ?values, "answer withheld: a value without sources");
            return Outcome::unknown(question);
        }
        Outcome { question: question.to_string(), status: Status::Answered, values, support, reading: None, reply, aside: vec![], unmeasured: None, guarded: true }
    }
}

/// The bound facts give a value: theirs when they agree, "about" when
/// some give it as a bound and others as an amount, else none.
pub fn bound_of(facts: &[Fact]) -> Option<Bound> {
    match facts.first().and_then(|f| f.bound) {
        Some(b) if facts.iter().all(|f| f.bound == Some(b)) => Some(b),
        _ if facts.iter().any(|f| f.bound.is_some()) => Some(Bound::About),
        _ => None,
    }
}
