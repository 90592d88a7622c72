//! The knowledge model: entities, relations, facts, values and sources.
//!
//! Everything factbot knows is expressed in these types. They are written
//! by the knowledge-file parser ([`parse`]), persisted by the store and read
//! by the answering code. The lexicon ([`lexicon`]) declares the relations
//! and how people phrase them; no relation is known to the code itself.

pub mod catalog;
pub mod lexicon;
pub mod normalize;
pub mod parse;

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

pub use lexicon::{Lexicon, Relation};

/// A calendar date with the precision the source gave: a year, a year and
/// month, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Date {
    /// The year, e.g. 2023.
    pub year: i32,
    /// The month, 1 to 12, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// The day of the month, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// A date known to the year only.
    pub fn year(year: i32) -> Date {
        Date { year, month: None, day: None }
    }

    /// The earliest day this date can denote, as (year, month, day), for
    /// comparisons: 2023 starts on 2023-01-01.
    pub fn start(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date can denote: 2023 ends on 2023-12-31.
    pub fn end(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(12), self.day.unwrap_or(31))
    }

    /// Whether the whole span of `self` lies within `outer` (May 2023 is
    /// within 2023).
    pub fn within(&self, outer: &Date) -> bool {
        outer.start() <= self.start() && self.end() <= outer.end()
    }

    /// Whether the whole span of `self` lies before the start of `other`.
    pub fn before(&self, other: &Date) -> bool {
        self.end() < other.start()
    }

    /// Years from `self` to `other`: whole years when either date is known
    /// to the year only, else fractional at month precision.
    pub fn years_until(&self, other: &Date) -> f64 {
        // At year precision on either side, count whole years.
        if self.month.is_none() || other.month.is_none() {
            return (other.year - self.year) as f64;
        }
        let a = self.year as f64 * 12.0 + self.month.unwrap_or(1) as f64;
        let b = other.year as f64 * 12.0 + other.month.unwrap_or(1) as f64;
        (b - a) / 12.0
    }

    /// Days since 1970-01-01, for a date known to the day.
    pub fn day_number(&self) -> Option<i64> {
        Some(days_from_civil(self.year, self.month?, self.day?))
    }

    /// Whole months from `self` to `other`, for dates known to the month
    /// (a day short of the month's count when both days are known).
    pub fn months_until(&self, other: &Date) -> Option<i64> {
        let months = (i64::from(other.year) - i64::from(self.year)) * 12 + i64::from(other.month?) - i64::from(self.month?);
        let short = matches!((self.day, other.day), (Some(a), Some(b)) if b < a && months > 0);
        Some(months - i64::from(short))
    }

    /// Today's date from the system clock (UTC).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        Date { year: y, month: Some(m), day: Some(d) }
    }

    /// "September 2023", "2023" or "22 March 2023".
    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{} {} {}", d, MONTH_NAMES[(m - 1) as usize], self.year),
            (Some(m), None) => format!("{} {}", MONTH_NAMES[(m - 1) as usize], self.year),
            _ => self.year.to_string(),
        }
    }

    /// "Sep 2023" or "2023": the short form used when citing a source.
    pub fn short(&self) -> String {
        match self.month {
            Some(m) => format!("{} {}", &MONTH_NAMES[(m - 1) as usize][..3], self.year),
            None => self.year.to_string(),
        }
    }

    /// The name of a month (1-based), for parsers of dates written in words.
    pub fn month_number(word: &str) -> Option<u8> {
        let w = word.to_ascii_lowercase();
        if w.len() < 3 {
            return None;
        }
        MONTH_NAMES
            .iter()
            .position(|m| m.to_ascii_lowercase().starts_with(&w) && (w.len() >= 3))
            .filter(|&i| w.len() == 3 || MONTH_NAMES[i].eq_ignore_ascii_case(&w) || w == "sept")
            .map(|i| i as u8 + 1)
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let (m, d) = (i64::from(m), i64::from(d));
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{:02}", m)?;
        }
        if let Some(d) = self.day {
            write!(f, "-{:02}", d)?;
        }
        Ok(())
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start().cmp(&other.start()).then(self.end().cmp(&other.end()))
    }
}

/// The object of a fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "value")]
pub enum Value {
    /// Another entity, by id.
    Entity(String),
    /// A quantity. The unit is the relation's (parameters, years); `money`
    /// marks an amount in US dollars.
    Number {
        /// The amount, already scaled (7 billion is 7e9).
        amount: f64,
        /// Whether the amount is in US dollars.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        money: bool,
    },
    /// A date, in the precision the source gave.
    Date(Date),
    /// Short free text, for values no entity stands for.
    Text(String),
}

impl Value {
    /// The entity id, when the value is an entity.
    pub fn entity(&self) -> Option<&str> {
        match self {
            Value::Entity(id) => Some(id),
            _ => None,
        }
    }

    /// A stable key for indexing the value: equal values give equal keys.
    pub fn key(&self) -> String {
        match self {
            Value::Entity(id) => format!("e:{id}"),
            Value::Number { amount, money } => {
                format!("n:{}{}", if *money { "$" } else { "" }, number_key(*amount))
            }
            Value::Date(d) => format!("d:{d}"),
            Value::Text(t) => format!("t:{}", normalize::normalize(t)),
        }
    }
}

/// A number as a key: all its digits, ungrouped (stores hold these).
fn number_key(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e18 {
        format!("{}", a as i64)
    } else {
        format!("{a}")
    }
}

fn format_amount_plain(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e18 {
        grouped(a as i64)
    } else {
        format!("{a}")
    }
}

/// An integer with its thousands grouped from five digits on ("638,333",
/// "2023").
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    if digits.len() < 5 {
        return n.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// "7 billion", "175 billion", "10 trillion", "6", "2.5 million",
/// "7,071,639".
pub fn format_amount(a: f64) -> String {
    const SCALES: [(f64, &str); 4] =
        [(1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")];
    for (scale, word) in SCALES {
        if a.abs() >= scale && scale >= 1e6 {
            let v = a / scale;
            // Exact ("10.175 trillion"), never rounded to another amount;
            // an amount that needs more than three decimals there is
            // written out ("7,071,639").
            let s = if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v:.6}").trim_end_matches('0').trim_end_matches('.').to_string() };
            if s.split('.').nth(1).is_some_and(|d| d.len() > 3) && a.fract() == 0.0 {
                return format_amount_plain(a);
            }
            return format!("{s} {word}");
        }
    }
    format_amount_plain(a)
}

/// How far a source can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Reliability {
    /// A normal news source.
    #[default]
    Reliable,
    /// A source whose claims should not be taken at face value (for
    /// example text that reads like unreliable generated prose).
    Unreliable,
    /// A fact taught by a user of the bot.
    Taught,
}

/// Where facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// A stable id such as `cnbc-2023-11-alibaba-cloud-overhaul`.
    pub id: String,
    /// The outlet: "CNBC", "South China Morning Post".
    pub outlet: String,
    /// The headline or a description.
    pub title: String,
    /// The publication date.
    pub date: Option<Date>,
    /// How far the source can be trusted.
    #[serde(default)]
    pub reliability: Reliability,
}

impl Source {
    /// "CNBC, Nov 2023", or "CNBC, Nov 2023, unreliable".
    pub fn cite(&self) -> String {
        let mut s = self.outlet.clone();
        if let Some(d) = &self.date {
            s.push_str(", ");
            s.push_str(&d.short());
        }
        if self.reliability == Reliability::Unreliable {
            s.push_str(", unreliable");
        }
        s
    }
}

/// What kind of thing an entity is. Kinds are declared in the lexicon.
pub type Kind = String;

/// A thing facts are about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// A stable id (a slug such as `weiguang-liu`).
    pub id: String,
    /// The canonical name.
    pub name: String,
    /// The entity's kind, one of the lexicon's kinds.
    pub kind: Kind,
    /// Other names: other name orders, short forms, former names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Entity {
    /// Every name the entity answers to, canonical name first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(|s| s.as_str()))
    }
}

/// How a number stands to the amount the sources gave: they said "more
/// than $20 billion", not the amount itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// "more than": the amount exceeds the number.
    MoreThan,
    /// "less than".
    LessThan,
    /// "at least".
    AtLeast,
    /// "at most", "up to".
    AtMost,
    /// "about", "around", "nearly": not exact.
    About,
}

impl Bound {
    /// The words, as written in knowledge files and said in replies.
    pub const ALL: [(Bound, &'static str); 5] =
        [(Bound::MoreThan, "more than"), (Bound::LessThan, "less than"), (Bound::AtLeast, "at least"), (Bound::AtMost, "at most"), (Bound::About, "about")];

    /// "more than".
    pub fn words(self) -> &'static str {
        Bound::ALL.iter().find(|(b, _)| *b == self).map_or("", |(_, w)| w)
    }

    /// An amount as said with a bound, if any ("more than $20 billion").
    pub fn said(bound: Option<Bound>, amount: String) -> String {
        match bound {
            Some(b) => format!("{} {amount}", b.words()),
            None => amount,
        }
    }
}

/// One statement: subject, relation, object, with when it held and who says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FactRecord")]
pub struct Fact {
    /// The subject's entity id.
    pub subject: String,
    /// The relation's name in the lexicon.
    pub relation: String,
    /// The object.
    pub object: Value,
    /// The fact holds from this date on (e.g. appointed in 2023-09).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// The fact held until this date (e.g. stepped down in 2023-09).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// When the event the fact records happened (joined in 2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    /// Why it happened, as the source put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// The sources say it was expected or decided, not that it happened
    /// ("is expected to leave", "has decided to leave"); its date is when
    /// that was said.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expected: bool,
    /// Its dates are when the sources reported it, not when it happened
    /// ("recently left, according to a report in May"): it happened by
    /// then.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reported: bool,
    /// A number the sources give as a bound, not as the amount ("more
    /// than $20 billion").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// The sources that state the fact (at least one).
    pub sources: Vec<String>,
    /// Short quotes supporting the fact, by source id: each source keeps
    /// its own words, and a source without a quote has no entry. Every key
    /// is one of `sources`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, String>,
    /// Whom a source attributes the fact to, by source id ("according to
    /// a report by QbitAI": `qbitai`), when it is not the source's own
    /// reporting. Every key is one of `sources`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub via: BTreeMap<String, String>,
}

/// A fact as written in a record (the store, an export): as [`Fact`], but
/// the evidence may also be one quote, as schema version 1 wrote it.
#[derive(Deserialize)]
struct FactRecord {
    subject: String,
    relation: String,
    object: Value,
    #[serde(default)]
    since: Option<Date>,
    #[serde(default)]
    until: Option<Date>,
    #[serde(default)]
    on: Option<Date>,
    #[serde(default)]
    because: Option<String>,
    #[serde(default)]
    expected: bool,
    #[serde(default)]
    reported: bool,
    #[serde(default)]
    bound: Option<Bound>,
    sources: Vec<String>,
    #[serde(default)]
    evidence: Option<EvidenceRecord>,
    #[serde(default)]
    via: BTreeMap<String, String>,
}

/// Evidence in a record: by source, or (schema version 1) one quote.
#[derive(Deserialize)]
#[serde(untagged)]
enum EvidenceRecord {
    BySource(BTreeMap<String, String>),
    /// Version 1 kept one quote per fact, from the first statement of it
    /// imported; it is taken as the first source's.
    Single(String),
}

impl From<FactRecord> for Fact {
    fn from(r: FactRecord) -> Fact {
        let evidence = match r.evidence {
            None => BTreeMap::new(),
            Some(EvidenceRecord::BySource(m)) => m,
            Some(EvidenceRecord::Single(q)) => r.sources.first().map(|s| BTreeMap::from([(s.clone(), q)])).unwrap_or_default(),
        };
        Fact {
            subject: r.subject,
            relation: r.relation,
            object: r.object,
            since: r.since,
            until: r.until,
            on: r.on,
            because: r.because,
            expected: r.expected,
            reported: r.reported,
            bound: r.bound,
            sources: r.sources,
            evidence,
            via: r.via,
        }
    }
}

impl Fact {
    /// A plain fact with one source and no dates, for tests and imports.
    pub fn new(subject: &str, relation: &str, object: Value, source: &str) -> Fact {
        Fact {
            subject: subject.to_string(),
            relation: relation.to_string(),
            object,
            since: None,
            until: None,
            on: None,
            because: None,
            expected: false,
            reported: false,
            bound: None,
            sources: vec![source.to_string()],
            evidence: BTreeMap::new(),
            via: BTreeMap::new(),
        }
    }

    /// The quote `source` gives for the fact, if it gave one.
    pub fn evidence_from(&self, source: &str) -> Option<&str> {
        self.evidence.get(source).map(String::as_str)
    }

    /// Whether the fact held at some time within `at` (a year holds if the
    /// fact held during any part of it). Open ends count as holding.
    ///
    /// An event (a fact with an `on` date, or any fact of an `event`
    /// relation) happened within `at` only when its date overlaps it: Jia
    /// leaving in March 2023 is not "in 2024", and an undated event is in
    /// no year; a state with no dates at all holds at no date that can be
    /// told.
    pub fn holds_at(&self, at: &Date, event: bool) -> bool {
        if let Some(o) = self.on.or(if event { self.since } else { None }) {
            return o.start() <= at.end() && o.end() >= at.start();
        }
        // An undated event is in no year; an undated state says nothing
        // of when it held either ("which models did Alibaba make in
        // 2021?" is not every model it made).
        if event || (self.since.is_none() && self.until.is_none()) {
            return false;
        }
        let started = self.since.is_none_or(|s| s.start() <= at.end());
        let not_ended = self.until.is_none_or(|u| u.start() > at.start());
        started && not_ended
    }

    /// Whether the fact holds now (it has not ended).
    pub fn current(&self) -> bool {
        self.until.is_none()
    }

    /// The date the fact is best placed at: its event date, its start or its end.
    pub fn when(&self) -> Option<Date> {
        self.on.or(self.since)
    }

    /// Its date, or a date that is its value ("occurred on December 2022").
    pub fn dated(&self) -> Option<Date> {
        self.when().or(match self.object {
            Value::Date(d) => Some(d),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_months_count_whole() {
        for z in [-800_000, -1, 0, 1, 59, 60, 11_016, 19_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{y}-{m}-{d}");
        }
        let at = |y, m, d| Date { year: y, month: Some(m), day: Some(d) };
        assert_eq!(at(2024, 3, 1).day_number().unwrap() - at(2024, 2, 1).day_number().unwrap(), 29);
        assert_eq!(at(2022, 12, 15).months_until(&at(2023, 11, 16)), Some(11));
        assert_eq!(at(2022, 12, 15).months_until(&at(2023, 11, 14)), Some(10));
        assert_eq!(Date::year(2020).months_until(&at(2022, 11, 1)), None);
    }
}
