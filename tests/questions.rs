//! Question cases: the real `factbot` binary, asked through the answer
//! contract (`factbot --db <tmp>/db ask --json`, see
//! /work/shared/eval/CONTRACT.md), judged like /work/shared/eval/grade.py.
//!
//! - `tests/questions/cases.jsonl` must pass completely
//!   (`cargo test --release --test questions`). A failure lists every failing
//!   case with its id, question, reason and reply.
//! - `tests/questions/pending.jsonl` holds known gaps: reasonable questions
//!   the engine answers wrongly today, each with a `note` saying what the
//!   engine misreads. They are run and printed (`--nocapture` to see them)
//!   but not asserted. When one starts passing, move it to `cases.jsonl`.
//!
//! Both files use grade.py's case format, one JSON object a line:
//! `id`, then `q` (one question) or `turns` (a conversation; only the last
//! turn is judged), then the gold. The whole file is fed to one process,
//! each case's turns followed by a blank line (a new conversation), exactly
//! as grade.py does. Gold kinds, as in grade.py:
//!
//! | key | meaning |
//! | --- | --- |
//! | `answers` | groups of aliases: every group matched by some answer value, every value matching some group |
//! | `num` | some answer value carries this number ("7 billion", "7B", "7,000,000,000") |
//! | `date` | `"YYYY"` or `"YYYY-MM"`: some answer value names it |
//! | `yesno` | `"yes"` or `"no"`: the first answer value |
//! | `unknown` | `true`: the status must be `unknown` |
//! | `reply_has` | groups of aliases: the reply contains one alias of each group |
//! | `conflict` | with `answers`: every group present and some answer flagged `conflict` |
//! | `allow_flagged_extra` | with `answers`: extra values are accepted when every answer is flagged `conflict` |
//!
//! One kind grade.py does not have (grade.py cannot judge such cases):
//!
//! | key | meaning |
//! | --- | --- |
//! | `reply_lacks` | strings: the reply contains none of them (with another gold key) |
//! | `status` | the status must be exactly this (`"ambiguous"`, `"rejected"`, ...); for any status other than `"answered"` nothing else is judged, for `"answered"` the other gold kinds still apply |
//!
//! `note` is free text (used in pending.jsonl) and is ignored by the judge.
//!
//! Besides the gold, every output line is checked against the contract: one
//! JSON object per non-blank input line, in order, echoing the question; a
//! valid `status`; `answered` with at least one answer and every answer with
//! a string `value`, at least one source and a boolean `conflict`; no
//! answers with any other status; a non-empty `reply`; exit status 0.
//!
//! The judge below is a line-by-line port of grade.py's `norm`, `contains`,
//! `matches`, `numbers_in`, `dates_in`, `values` and `judge`, without a regex
//! crate. One deliberate difference: `\d` is read as an ASCII digit (Python
//! also accepts other Unicode decimal digits).

use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The keys a case may have.
const CASE_KEYS: &[&str] = &[
    "id",
    "q",
    "or_decline",
    "empty",
    "turns",
    "answers",
    "num",
    "date",
    "yesno",
    "unknown",
    "reply_has",
    "reply_lacks",
    "conflict",
    "allow_flagged_extra",
    "status",
    "note",
];
/// The keys that make a case judgeable (one at least).
const GOLD_KEYS: &[&str] = &["answers", "num", "date", "yesno", "unknown", "reply_has", "status", "empty"];
const STATUSES: &[&str] = &["answered", "unknown", "ambiguous", "rejected"];
/// The whole run of one file must finish within this.
const TIMEOUT: Duration = Duration::from_secs(300);

// ---------------------------------------------------------------------------
// The judge: a port of grade.py.

/// Python's `\w` for str patterns (close enough: alphanumerics and `_`).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// grade.py `norm`: lower case, no possessive 's, punctuation to spaces,
/// no articles, single spaces.
fn norm(s: &str) -> String {
    let s = s.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    // re.sub(r"'s\b", "", s)
    let cs: Vec<char> = s.chars().collect();
    let mut t = String::with_capacity(s.len());
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '\'' && cs.get(i + 1) == Some(&'s') && cs.get(i + 2).is_none_or(|c| !is_word(*c)) {
            i += 2;
            continue;
        }
        t.push(cs[i]);
        i += 1;
    }
    // re.sub(r"[^0-9a-z\u00c0-\uffff]+", " ", s)
    let mut u = String::with_capacity(t.len());
    let mut in_run = false;
    for c in t.chars() {
        if c.is_ascii_digit() || c.is_ascii_lowercase() || ('\u{c0}'..='\u{ffff}').contains(&c) {
            u.push(c);
            in_run = false;
        } else if !in_run {
            u.push(' ');
            in_run = true;
        }
    }
    // re.sub(r"\b(the|a|an)\b", " ", s): a maximal run of word characters
    // that is exactly one of the articles.
    let cs: Vec<char> = u.chars().collect();
    let mut v = String::with_capacity(u.len());
    let mut i = 0;
    while i < cs.len() {
        if is_word(cs[i]) {
            let mut j = i;
            while j < cs.len() && is_word(cs[j]) {
                j += 1;
            }
            let w: String = cs[i..j].iter().collect();
            if matches!(w.as_str(), "the" | "a" | "an") {
                v.push(' ');
            } else {
                v.push_str(&w);
            }
            i = j;
        } else {
            v.push(cs[i]);
            i += 1;
        }
    }
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// grade.py `contains`: `needle` occurs in `hay` as whole words.
fn contains(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (norm(hay), norm(needle));
    if needle.is_empty() || hay.is_empty() {
        return false;
    }
    // (^| )needle( |$) on single-spaced text without edge spaces.
    format!(" {hay} ").contains(&format!(" {needle} "))
}

/// grade.py `matches`: the value names the alias, or (3+ characters) the
/// alias names the value.
fn matches(value: &str, alias: &str) -> bool {
    contains(value, alias) || (norm(value).chars().count() >= 3 && contains(alias, value))
}

fn mult(w: &str) -> f64 {
    match w {
        "thousand" | "k" => 1e3,
        "million" | "m" | "mn" => 1e6,
        "billion" | "bn" | "b" => 1e9,
        "trillion" | "t" | "tn" => 1e12,
        _ => 1.0,
    }
}

const WORDNUM: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
];

/// After `\s*([a-z]+)?` from `i`: the letters and the index after them.
fn unit_word(cs: &[char], mut i: usize) -> (String, usize) {
    while i < cs.len() && cs[i].is_whitespace() {
        i += 1;
    }
    let start = i;
    while i < cs.len() && cs[i].is_ascii_lowercase() {
        i += 1;
    }
    (cs[start..i].iter().collect(), i)
}

/// grade.py `numbers_in`: every number in the text, scaled by a following
/// multiplier word ("7 billion", "175B", "seven billion").
fn numbers_in(text: &str) -> Vec<f64> {
    let t = text.to_lowercase().replace(',', "").replace('-', " ");
    let cs: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    // (\d+(?:\.\d+)?)\s*([a-z]+)?
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < cs.len() && cs[i] == '.' && cs[i + 1].is_ascii_digit() {
            i += 1;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
        }
        let n: f64 = cs[start..i].iter().collect::<String>().parse().expect("digits parse");
        let (w, next) = unit_word(&cs, i);
        out.push(n * mult(&w));
        i = next;
    }
    // \bWORD\b\s*([a-z]+)?
    for (w, n) in WORDNUM {
        let wc: Vec<char> = w.chars().collect();
        let mut i = 0;
        while i + wc.len() <= cs.len() {
            let here = cs[i..i + wc.len()] == wc[..]
                && (i == 0 || !is_word(cs[i - 1]))
                && cs.get(i + wc.len()).is_none_or(|c| !is_word(*c));
            if here {
                let (u, next) = unit_word(&cs, i + wc.len());
                out.push(n * mult(&u));
                i = next;
            } else {
                i += 1;
            }
        }
    }
    out
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// `(?:19|20)\d\d` at `i`: the year.
fn year_at(cs: &[char], i: usize) -> Option<String> {
    let y: String = cs.get(i..i + 4)?.iter().collect();
    let ok = (y.starts_with("19") || y.starts_with("20")) && y.chars().all(|c| c.is_ascii_digit());
    ok.then_some(y)
}

/// grade.py `dates_in`: "YYYY" and "YYYY-MM" for every date in the text
/// ("2023", "2023-09", "2023/9", "September 2023", "Sept. 16, 2023").
fn dates_in(text: &str) -> BTreeSet<String> {
    let t = text.to_lowercase();
    let cs: Vec<char> = t.chars().collect();
    let mut out = BTreeSet::new();
    // \b(19|20)(\d\d)(?:[-/](\d\d?))?
    let mut i = 0;
    while i < cs.len() {
        let boundary = i == 0 || !is_word(cs[i - 1]);
        match year_at(&cs, i).filter(|_| boundary) {
            Some(y) => {
                out.insert(y.clone());
                let mut end = i + 4;
                if matches!(cs.get(end), Some('-' | '/')) && cs.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
                    let mut m = cs[end + 1].to_digit(10).unwrap();
                    end += 2;
                    if let Some(d) = cs.get(end).and_then(|c| c.to_digit(10)) {
                        m = m * 10 + d;
                        end += 1;
                    }
                    out.insert(format!("{y}-{m:02}"));
                }
                i = end;
            }
            None => i += 1,
        }
    }
    // \b(jan|...|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?((?:19|20)\d\d)
    let month_date = |i: usize| -> Option<(String, usize, usize)> {
        if i > 0 && is_word(cs[i - 1]) {
            return None;
        }
        let abbr: String = cs.get(i..i + 3)?.iter().collect();
        let month = MONTHS.iter().position(|m| *m == abbr)? + 1;
        let mut j = i + 3;
        while j < cs.len() && cs[j].is_ascii_lowercase() {
            j += 1;
        }
        if cs.get(j) == Some(&'.') {
            j += 1;
        }
        let ws = j;
        while j < cs.len() && cs[j].is_whitespace() {
            j += 1;
        }
        if j == ws {
            return None;
        }
        // The optional day: tried with two digits, then one, then without.
        for digits in [2, 1] {
            let mut k = j;
            if !(0..digits).all(|d| cs.get(j + d).is_some_and(|c| c.is_ascii_digit())) {
                continue;
            }
            k += digits;
            if cs.get(k) == Some(&',') {
                k += 1;
            }
            let ws = k;
            while k < cs.len() && cs[k].is_whitespace() {
                k += 1;
            }
            if k > ws {
                if let Some(y) = year_at(&cs, k) {
                    return Some((y, month, k + 4));
                }
            }
        }
        year_at(&cs, j).map(|y| (y, month, j + 4))
    };
    let mut i = 0;
    while i < cs.len() {
        match month_date(i) {
            Some((y, m, end)) => {
                out.insert(y.clone());
                out.insert(format!("{y}-{m:02}"));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Python's `str()` of a JSON value, as grade.py applies it.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// Python truthiness of an optional JSON value.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Bool(true)) => true,
    }
}

/// The answer objects of an output object (grade.py: dicts only).
fn answer_objs(obj: &Value) -> Vec<&Value> {
    obj.get("answers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|x| x.is_object()).collect())
        .unwrap_or_default()
}

/// grade.py `values`.
fn values(obj: &Value) -> Vec<String> {
    answer_objs(obj).iter().map(|a| a.get("value").map(py_str).unwrap_or_default()).collect()
}

/// Alias groups of a gold key: a list of lists of strings.
fn groups(case: &Value, key: &str) -> Result<Vec<Vec<String>>, String> {
    let bad = || format!("bad gold: `{key}` must be a list of lists of strings");
    case.get(key)
        .ok_or_else(|| format!("bad gold: no `{key}`"))?
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|g| g.as_array().ok_or_else(bad)?.iter().map(|a| a.as_str().map(str::to_string).ok_or_else(bad)).collect())
        .collect()
}

/// Python-style list of strings for messages: ['a', 'b'].
fn show(vals: &[String]) -> String {
    format!("[{}]", vals.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", "))
}

/// grade.py `judge`, plus the `status` kind: `None` when the case passes,
/// else a short reason.
fn judge(case: &Value, obj: &Value) -> Option<String> {
    let status = obj.get("status").map(py_str).unwrap_or_else(|| "None".into());
    let vals = values(obj);
    let reply = obj.get("reply").map(py_str).unwrap_or_default();
    if let Some(want) = case.get("status") {
        let want = py_str(want);
        if status != want {
            return Some(format!("expected status {want}, got {status} {}", show(&vals)));
        }
        if want != "answered" {
            return None;
        }
    }
    // A case that guards against a wrong answer: the right answer or a
    // decline passes (an answer that is not right fails).
    if truthy(case.get("or_decline")) && status != "answered" && vals.is_empty() {
        return None;
    }
    if truthy(case.get("unknown")) {
        return if status == "unknown" {
            None
        } else {
            Some(format!("expected unknown, got {status} {}", show(&vals)))
        };
    }
    if truthy(case.get("empty")) {
        // The true answer is the empty set: no value may be given.
        return if vals.is_empty() { None } else { Some(format!("expected no answer value, got {}", show(&vals))) };
    }
    if status != "answered" {
        return Some(format!("expected an answer, got status {status}"));
    }
    // The reply's words are checked along with any other gold key.
    if case.get("reply_has").is_some() {
        let gs = match groups(case, "reply_has") {
            Ok(g) => g,
            Err(e) => return Some(e),
        };
        let missing: Vec<&Vec<String>> = gs.iter().filter(|g| !g.iter().any(|a| contains(&reply, a))).collect();
        if !missing.is_empty() {
            return Some(format!("reply lacks {missing:?}"));
        }
    }
    if let Some(Value::Array(lacks)) = case.get("reply_lacks") {
        if let Some(found) = lacks.iter().map(py_str).find(|l| contains(&reply, l)) {
            return Some(format!("reply has {found:?}"));
        }
    }
    if let Some(want) = case.get("yesno") {
        let want = py_str(want);
        let first = vals.first().map(|v| norm(v));
        return if first.as_deref() == Some(want.as_str()) {
            None
        } else {
            Some(format!("expected {want}, got {}", show(&vals)))
        };
    }
    if let Some(num) = case.get("num") {
        let want = match num {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        let Some(want) = want else { return Some(format!("bad gold: num {num}")) };
        let hit = vals.iter().any(|v| numbers_in(v).iter().any(|n| (n - want).abs() <= 1e-6 * f64::max(1.0, want)));
        return if hit { None } else { Some(format!("expected number {}, got {}", py_str(num), show(&vals))) };
    }
    if let Some(Value::Array(nums)) = case.get("nums") {
        let wants: Vec<f64> = nums.iter().filter_map(Value::as_f64).collect();
        let carries = |v: &String, want: f64| numbers_in(v).iter().any(|n| (n - want).abs() <= 1e-6 * f64::max(1.0, want));
        let missing = wants.iter().any(|w| !vals.iter().any(|v| carries(v, *w)));
        let extra = vals.iter().any(|v| !wants.iter().any(|w| carries(v, *w)));
        return if missing || extra { Some(format!("expected numbers {nums:?}, got {}", show(&vals))) } else { None };
    }
    if let Some(date) = case.get("date") {
        let want = py_str(date);
        return if vals.iter().any(|v| dates_in(v).contains(&want)) {
            None
        } else {
            Some(format!("expected date {want}, got {}", show(&vals)))
        };
    }
    if case.get("answers").is_none() && case.get("reply_has").is_some() {
        return None;
    }
    let gs = match groups(case, "answers") {
        Ok(g) => g,
        Err(e) => return Some(e),
    };
    let missing: Vec<String> = gs
        .iter()
        .filter(|g| !vals.iter().any(|v| g.iter().any(|a| matches(v, a))))
        .map(|g| g.first().cloned().unwrap_or_default())
        .collect();
    if !missing.is_empty() {
        return Some(format!("missing {} in {}", show(&missing), show(&vals)));
    }
    let answers = answer_objs(obj);
    if truthy(case.get("conflict")) {
        let flagged = answers.iter().any(|a| truthy(a.get("conflict")));
        return if flagged { None } else { Some(format!("conflict not flagged in {}", show(&vals))) };
    }
    let extra: Vec<String> = vals.iter().filter(|v| !gs.iter().flatten().any(|a| matches(v, a))).cloned().collect();
    if !extra.is_empty() {
        let flagged = answers.iter().all(|a| truthy(a.get("conflict")));
        if !(truthy(case.get("allow_flagged_extra")) && flagged) {
            return Some(format!("unexpected {}", show(&extra)));
        }
    }
    None
}

/// Judges a case that may carry alternative golds (grade.py's `judge`):
/// `alt_answers`, `alt_num`, or `alt_*` objects holding a whole gold; the
/// case passes when the main gold or any alternative does.
fn judge_with_alternatives(case: &Value, obj: &Value) -> Option<String> {
    let why = judge(case, obj)?;
    let mut alts = Vec::new();
    if let Some(a) = case.get("alt_answers") {
        alts.push(json!({ "answers": a }));
    }
    if let Some(n) = case.get("alt_num") {
        alts.push(json!({ "num": n }));
    }
    if let Some(o) = case.as_object() {
        alts.extend(o.iter().filter(|(k, v)| k.starts_with("alt_") && v.is_object()).map(|(_, v)| v.clone()));
    }
    if alts.iter().any(|alt| judge(alt, obj).is_none()) {
        None
    } else {
        Some(why)
    }
}

// ---------------------------------------------------------------------------
// The contract.

/// What is wrong with one output line for the question `asked`, if anything.
fn contract_problems(asked: &str, obj: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(o) = obj.as_object() else { return vec!["not a JSON object".into()] };
    if o.get("question").and_then(Value::as_str) != Some(asked) {
        p.push(format!("question is {:?}, asked {asked:?}", o.get("question")));
    }
    let status = o.get("status").and_then(Value::as_str).unwrap_or("");
    if !STATUSES.contains(&status) {
        p.push(format!("invalid status {:?}", o.get("status")));
    }
    match o.get("reply").and_then(Value::as_str) {
        Some(r) if !r.trim().is_empty() => {}
        _ => p.push("no reply text".into()),
    }
    let Some(answers) = o.get("answers").and_then(Value::as_array) else {
        p.push("no answers list".into());
        return p;
    };
    if status == "answered" && answers.is_empty() {
        p.push("answered without answers".into());
    }
    if status != "answered" && !answers.is_empty() {
        p.push(format!("status {status} with answers {answers:?}"));
    }
    for a in answers {
        if a.get("value").and_then(Value::as_str).is_none_or(|v| v.trim().is_empty()) {
            p.push(format!("answer without a value: {a}"));
        }
        let sources = a.get("sources").and_then(Value::as_array);
        if sources.is_none_or(|s| s.is_empty() || !s.iter().all(|x| x.as_str().is_some_and(|x| !x.is_empty()))) {
            p.push(format!("answer without sources: {a}"));
        }
        if !a.get("conflict").is_some_and(Value::is_boolean) {
            p.push(format!("answer without a boolean conflict: {a}"));
        }
    }
    p
}

// ---------------------------------------------------------------------------
// Running a case file.

fn questions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("questions")
}

/// Loads a case file and checks its format.
fn load(name: &str) -> Vec<Value> {
    let path = questions_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut ids = HashSet::new();
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = format!("{}:{}", path.display(), n + 1);
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
        let o = case.as_object().unwrap_or_else(|| panic!("{at}: not an object"));
        for k in o.keys() {
            assert!(CASE_KEYS.contains(&k.as_str()), "{at}: unknown key {k:?}");
        }
        let id = o.get("id").and_then(Value::as_str).unwrap_or_else(|| panic!("{at}: no id"));
        assert!(ids.insert(id.to_string()), "{at}: duplicate id {id}");
        let turns = turns(&case);
        assert!(!turns.is_empty(), "{at}: no q or turns");
        assert!(turns.iter().all(|t| !t.trim().is_empty()), "{at}: a blank turn would end the conversation");
        assert!(GOLD_KEYS.iter().any(|k| o.contains_key(*k)), "{at}: no gold");
        cases.push(case);
    }
    cases
}

/// The questions of a case, in order (grade.py: `turns` or `[q]`).
fn turns(case: &Value) -> Vec<String> {
    match case.get("turns").and_then(Value::as_array) {
        Some(t) if !t.is_empty() => t.iter().map(py_str).collect(),
        _ => case.get("q").map(py_str).into_iter().collect(),
    }
}

/// The outcome of one case: its last question, output object and verdict.
struct Outcome {
    id: String,
    question: String,
    obj: Value,
    why: Option<String>,
}

/// The result of running one case file.
struct Run {
    outcomes: Vec<Outcome>,
    /// Every question asked (every turn) with its output object.
    lines: Vec<(String, Value)>,
    /// Contract violations, on every output line (not only judged ones).
    contract: Vec<String>,
    elapsed: Duration,
}

/// Feeds every case to one `factbot ask --json` process on a fresh store,
/// as grade.py does, and judges the last turn of each.
fn run(cases: &[Value]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(cases, &dir.path().join("db"))
}

/// As [`run`], on the store at `db`.
fn run_in(cases: &[Value], db: &Path) -> Run {
    let mut input = String::new();
    let mut asked: Vec<(usize, String, bool)> = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        let ts = turns(case);
        for (ti, t) in ts.iter().enumerate() {
            let t = t.replace('\n', " ");
            input.push_str(&t);
            input.push('\n');
            asked.push((ci, t, ti + 1 == ts.len()));
        }
        input.push('\n');
    }

    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_factbot"))
        .arg("--db")
        .arg(db)
        .args(["ask", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("factbot starts");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // A broken pipe shows up below as missing lines.
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let exit = loop {
        if let Some(st) = child.try_wait().expect("wait for factbot") {
            break st;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("factbot did not finish {} questions within {TIMEOUT:?}", asked.len());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    writer.join().unwrap();
    let out = reader.join().unwrap().expect("factbot output is UTF-8");
    let err = err_reader.join().unwrap();

    let mut contract = Vec::new();
    if !exit.success() {
        contract.push(format!("exit status {exit}: {}", tail(&err, 500)));
    }
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() != asked.len() {
        contract.push(format!("{} questions, {} JSON lines: {}", asked.len(), lines.len(), tail(&err, 500)));
    }
    let mut outcomes = Vec::new();
    let mut all = Vec::new();
    for (k, (ci, q, last)) in asked.iter().enumerate() {
        let case = &cases[*ci];
        let id = py_str(&case["id"]);
        let obj = match lines.get(k) {
            None => json!({"status": "missing", "reply": ""}),
            Some(l) => match serde_json::from_str::<Value>(l) {
                Ok(o) => {
                    for p in contract_problems(q, &o) {
                        contract.push(format!("{id} {q:?}: {p}"));
                    }
                    o
                }
                Err(e) => {
                    contract.push(format!("{id} {q:?}: not JSON ({e}): {l}"));
                    json!({"status": "not-json", "reply": l})
                }
            },
        };
        all.push((q.clone(), obj.clone()));
        if *last {
            let why = judge_with_alternatives(case, &obj);
            outcomes.push(Outcome { id, question: q.clone(), obj, why });
        }
    }
    Run { outcomes, lines: all, contract, elapsed }
}

fn tail(s: &str, n: usize) -> String {
    let s = s.trim();
    let skip = s.chars().count().saturating_sub(n);
    s.chars().skip(skip).collect()
}

fn short(s: &str, n: usize) -> String {
    let s = s.replace('\n', " / ");
    if s.chars().count() <= n {
        s
    } else {
        format!("{}...", s.chars().take(n).collect::<String>())
    }
}

fn failure_line(o: &Outcome) -> String {
    format!(
        "FAIL {} {:?}: {} | reply: {}",
        o.id,
        short(&o.question, 120),
        o.why.as_deref().unwrap_or(""),
        short(&py_str(o.obj.get("reply").unwrap_or(&Value::Null)), 200)
    )
}

// ---------------------------------------------------------------------------
// The tests.

#[test]
fn question_cases_pass() {
    let cases = load("cases.jsonl");
    assert!(cases.len() >= 170, "cases.jsonl has only {} cases", cases.len());
    let run = run(&cases);
    let failures: Vec<String> = run.outcomes.iter().filter(|o| o.why.is_some()).map(failure_line).collect();
    eprintln!(
        "questions: {} of {} cases pass ({:.2} s)",
        run.outcomes.len() - failures.len(),
        cases.len(),
        run.elapsed.as_secs_f64()
    );
    let mut report = String::new();
    if !run.contract.is_empty() {
        report.push_str(&format!("{} contract violations:\n  {}\n", run.contract.len(), run.contract.join("\n  ")));
    }
    if !failures.is_empty() {
        report.push_str(&format!("{} of {} cases failed:\n  {}\n", failures.len(), cases.len(), failures.join("\n  ")));
    }
    assert!(report.is_empty(), "\n{report}");
    assert_eq!(run.outcomes.len(), cases.len(), "every case is judged");
}

/// Known gaps: printed, not asserted (run with `--nocapture` to read them).
#[test]
fn pending_cases_are_reported() {
    let cases = load("pending.jsonl");
    let run = run(&cases);
    let notes: std::collections::HashMap<String, String> =
        cases.iter().map(|c| (py_str(&c["id"]), c.get("note").map(py_str).unwrap_or_default())).collect();
    let passing: Vec<&Outcome> = run.outcomes.iter().filter(|o| o.why.is_none()).collect();
    println!(
        "pending (known gaps, not asserted): {} of {} still fail, {} now pass ({:.2} s)",
        run.outcomes.len() - passing.len(),
        cases.len(),
        passing.len(),
        run.elapsed.as_secs_f64()
    );
    for o in &run.outcomes {
        match &o.why {
            Some(_) => println!("  {}\n      gap: {}", failure_line(o), notes[&o.id]),
            None => println!("  PASS {} {:?}: now passes; move it to cases.jsonl", o.id, short(&o.question, 120)),
        }
    }
    for c in &run.contract {
        println!("  contract: {c}");
    }
}

/// The questions of a grade.py-format file outside this directory (the
/// shared dev sets, which carry keys of their own): only the turns are
/// used, for checks that hold whatever the gold.
fn load_questions_only(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            let case: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
            let mut only = json!({"id": case.get("id").cloned().unwrap_or(json!(n.to_string()))});
            for k in ["q", "turns"] {
                if let Some(v) = case.get(k) {
                    only[k] = v.clone();
                }
            }
            only
        })
        .collect()
}

/// Issue 9: every answered value carries at least one source id, and no
/// reply has an empty "()" where its sources or sentence should be
/// ("When was the restructuring?" once replied "2023 ()."). Every turn of
/// the project's cases, the known gaps and the shared dev sets (when
/// present beside the repository) is checked, not only judged turns.
#[test]
fn every_answered_value_has_sources_and_no_reply_has_empty_brackets() {
    let mut cases = load("cases.jsonl");
    cases.extend(load("pending.jsonl"));
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("eval");
    let mut used = vec!["cases.jsonl".to_string(), "pending.jsonl".to_string()];
    for name in ["dev.jsonl", "dev2.jsonl"] {
        let path = shared.join(name);
        if path.is_file() {
            cases.extend(load_questions_only(&path));
            used.push(path.display().to_string());
        }
    }
    let run = run(&cases);
    let mut problems: Vec<String> = run.contract.clone();
    let mut answered = 0;
    for (q, obj) in &run.lines {
        let reply = obj.get("reply").and_then(Value::as_str).unwrap_or("");
        if reply.contains("()") {
            problems.push(format!("{q:?}: empty brackets in {reply:?}"));
        }
        if obj.get("status").and_then(Value::as_str) == Some("answered") {
            answered += 1;
            if !reply.contains("(source") {
                problems.push(format!("{q:?}: answered without a source line: {reply:?}"));
            }
        }
    }
    eprintln!("sources: {} questions from {}, {answered} answered", run.lines.len(), used.join(", "));
    assert!(problems.is_empty(), "\n{} problems:\n  {}", problems.len(), problems.join("\n  "));
    // Not vacuous: the questions ran, most were answered, and the one
    // that showed the bug is answered with its source.
    assert!(run.lines.len() >= 400 && answered >= 300, "{} questions, {answered} answered", run.lines.len());
    let restructuring = run.lines.iter().find(|(q, _)| q == "When was the restructuring?").map(|(_, o)| o).expect("the restructuring question is asked");
    assert_eq!(restructuring["status"], "answered", "{restructuring}");
    let sources = restructuring["answers"][0]["sources"].as_array().cloned().unwrap_or_default();
    assert!(!sources.is_empty(), "{restructuring}");
}

#[test]
fn case_ids_are_unique_across_files() {
    let mut seen = HashSet::new();
    for c in load("cases.jsonl").iter().chain(load("pending.jsonl").iter()) {
        let id = py_str(&c["id"]);
        assert!(seen.insert(id.clone()), "id {id} is in both cases.jsonl and pending.jsonl");
    }
}

// ---------------------------------------------------------------------------
// The ported judge itself.

fn has(xs: &[f64], x: f64) -> bool {
    xs.iter().any(|n| (n - x).abs() <= 1e-6 * f64::max(1.0, x))
}

#[test]
fn norm_matches_grade_py() {
    assert_eq!(norm("Alibaba's public-cloud Division!"), "alibaba public cloud division");
    assert_eq!(norm("The CEO of an AI firm"), "ceo of ai firm");
    assert_eq!(norm("Alibaba\u{2019}s CEO"), "alibaba ceo");
    assert_eq!(norm("it's"), "it");
    assert_eq!(norm("'sad"), "sad");
    assert_eq!(norm("Qwen-7B-Chat"), "qwen 7b chat");
    assert_eq!(norm("Zürich"), "zürich");
    assert_eq!(norm("  "), "");
}

#[test]
fn contains_and_matches_use_whole_words() {
    assert!(contains("Alibaba Cloud", "alibaba"));
    assert!(contains("Weiguang Liu leads Alibaba's public cloud division", "public cloud"));
    assert!(!contains("Alibaba Cloud", "Ali"));
    assert!(!contains("Alibaba", ""));
    assert!(!contains("", "Alibaba"));
    assert!(matches("Alibaba's public cloud division", "public cloud"));
    assert!(matches("Qwen", "Tongyi Qianwen (Qwen)"));
    assert!(!matches("AI", "the AI tigers")); // a value under 3 characters must contain the alias
    assert!(!matches("Jin Li", "Jiangwei Jiang"));
}

#[test]
fn numbers_in_reads_units_and_words() {
    assert!(has(&numbers_in("7 billion"), 7e9));
    assert!(has(&numbers_in("7 billion parameters"), 7e9));
    assert!(has(&numbers_in("7B"), 7e9));
    assert!(has(&numbers_in("7,000,000,000"), 7e9));
    assert!(has(&numbers_in("$20 billion"), 2e10));
    assert!(has(&numbers_in("10-trillion-parameter"), 1e13));
    assert!(has(&numbers_in("seven billion"), 7e9));
    assert!(has(&numbers_in("Six business units"), 6.0));
    assert!(has(&numbers_in("0.8 years"), 0.8));
    assert!(has(&numbers_in("qwen7b"), 7e9));
    assert!(!has(&numbers_in("seventeen"), 7.0));
    assert!(numbers_in("no numbers here").is_empty());
}

#[test]
fn dates_in_reads_years_months_and_month_names() {
    let d = dates_in("March 2023");
    assert!(d.contains("2023-03") && d.contains("2023"), "{d:?}");
    assert!(dates_in("2023-09").contains("2023-09"));
    assert!(dates_in("2024/7").contains("2024-07"));
    assert!(dates_in("Sept. 16, 2023").contains("2023-09"));
    assert!(dates_in("since November 2023").contains("2023-11"));
    assert!(dates_in("in 2019").contains("2019"));
    assert!(!dates_in("in 2019").contains("2019-01"));
    assert!(dates_in("a12023").is_empty()); // no word boundary before the year
    assert!(dates_in("175 billion").is_empty());
}

#[test]
fn judge_follows_grade_py_on_every_kind() {
    let ans = |vals: &[(&str, bool)]| {
        let answers: Vec<Value> =
            vals.iter().map(|(v, c)| json!({"value": v, "sources": ["s"], "conflict": c})).collect();
        json!({"status": "answered", "answers": answers, "reply": "Jin Li leads Alibaba's hybrid cloud unit."})
    };
    let unknown = json!({"status": "unknown", "answers": [], "reply": "I don't know."});
    let ambiguous = json!({"status": "ambiguous", "answers": [], "reply": "Which one?"});

    let case = json!({"id": "t", "q": "x", "answers": [["Jin Li", "Li Jin"]]});
    assert_eq!(judge(&case, &ans(&[("Jin Li", false)])), None);
    assert!(judge(&case, &ans(&[("Jin Li", false), ("Eddie Wu", false)])).unwrap().starts_with("unexpected"));
    assert!(judge(&case, &ans(&[("Eddie Wu", false)])).unwrap().starts_with("missing"));
    assert_eq!(judge(&case, &unknown).unwrap(), "expected an answer, got status unknown");

    let flagged = json!({"id": "t", "q": "x", "answers": [["OpenAI"]], "allow_flagged_extra": true});
    assert_eq!(judge(&flagged, &ans(&[("OpenAI", true), ("DAMO Academy", true)])), None);
    assert!(judge(&flagged, &ans(&[("OpenAI", false), ("DAMO Academy", true)])).is_some());

    let conflict = json!({"id": "t", "q": "x", "answers": [["2019"], ["2014"]], "conflict": true});
    assert_eq!(judge(&conflict, &ans(&[("2019", true), ("2014", true)])), None);
    assert!(judge(&conflict, &ans(&[("2019", false), ("2014", false)])).unwrap().starts_with("conflict not flagged"));

    let num = json!({"id": "t", "q": "x", "num": 7000000000.0});
    assert_eq!(judge(&num, &ans(&[("7 billion parameters", false)])), None);
    assert!(judge(&num, &ans(&[("175 billion parameters", false)])).is_some());

    let date = json!({"id": "t", "q": "x", "date": "2023-09"});
    assert_eq!(judge(&date, &ans(&[("September 2023", false)])), None);
    assert!(judge(&date, &ans(&[("2023", false)])).is_some());

    let yes = json!({"id": "t", "q": "x", "yesno": "yes"});
    assert_eq!(judge(&yes, &ans(&[("Yes", false)])), None);
    assert!(judge(&yes, &ans(&[("no", false)])).is_some());

    let reply = json!({"id": "t", "q": "x", "reply_has": [["hybrid cloud"], ["Alibaba"]]});
    assert_eq!(judge(&reply, &ans(&[("Jin Li", false)])), None);
    let reply = json!({"id": "t", "q": "x", "reply_has": [["public cloud"]]});
    assert!(judge(&reply, &ans(&[("Jin Li", false)])).unwrap().starts_with("reply lacks"));

    // reply_has is checked together with the other gold keys.
    let both = json!({"id": "t", "q": "x", "num": 7000000000.0, "reply_has": [["public cloud"]]});
    assert!(judge(&both, &ans(&[("7 billion parameters", false)])).unwrap().starts_with("reply lacks"));

    let unk = json!({"id": "t", "q": "x", "unknown": true});
    assert_eq!(judge(&unk, &unknown), None);
    assert!(judge(&unk, &ans(&[("3", false)])).unwrap().starts_with("expected unknown"));

    let amb = json!({"id": "t", "q": "x", "status": "ambiguous"});
    assert_eq!(judge(&amb, &ambiguous), None);
    assert!(judge(&amb, &unknown).unwrap().starts_with("expected status ambiguous"));
    let answered = json!({"id": "t", "q": "x", "status": "answered", "answers": [["Jin Li"]]});
    assert_eq!(judge(&answered, &ans(&[("Jin Li", false)])), None);
    assert!(judge(&answered, &ans(&[("Eddie Wu", false)])).is_some());
}

#[test]
fn contract_check_catches_unsourced_answers() {
    let good = json!({"question": "q", "status": "answered", "reply": "r",
                      "answers": [{"value": "v", "sources": ["s"], "conflict": false}]});
    assert!(contract_problems("q", &good).is_empty());
    let bad = json!({"question": "q", "status": "answered", "reply": "r",
                     "answers": [{"value": "v", "sources": [], "conflict": false}]});
    assert_eq!(contract_problems("q", &bad).len(), 1);
    let bad = json!({"question": "other", "status": "maybe", "reply": "", "answers": []});
    assert_eq!(contract_problems("q", &bad).len(), 3);
}

/// The GeoQuery pack: its tables imported into an empty store through the
/// binary, then the 600 training questions of the standard split asked
/// through the answer contract and judged like grade.py. The accuracy
/// reached so far is held, and wrong answers stay at most 3% (a decline is
/// better than a wrong answer).
/// A store with the GeoQuery pack imported through the binary.
fn geoquery_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packs/geoquery");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let out = Command::new(env!("CARGO_BIN_EXE_factbot"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(pack.join("lexicon.toml"))
        .arg(pack.join("geobase.facts"))
        .output()
        .expect("factbot runs");
    assert!(out.status.success(), "import failed: {}", String::from_utf8_lossy(&out.stderr));
    (dir, db)
}

/// The project's own questions over the GeoQuery store (tests/questions/
/// geo_cases.jsonl): forms the engine reads, written for it, none taken
/// from the training or test questions.
#[test]
fn geoquery_cases_pass() {
    let (_dir, db) = geoquery_store();
    let cases = load("geo_cases.jsonl");
    let run = run_in(&cases, &db);
    assert!(run.contract.is_empty(), "contract violations:\n  {}", run.contract.join("\n  "));
    let failures: Vec<String> = run.outcomes.iter().filter(|o| o.why.is_some()).map(failure_line).collect();
    assert!(failures.is_empty(), "{} of {} geography cases failed:\n  {}", failures.len(), cases.len(), failures.join("\n  "));
    assert_eq!(run.outcomes.len(), cases.len(), "every case is judged");
}

#[test]
fn geoquery_training_questions_score() {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packs/geoquery");
    let (_dir, db) = geoquery_store();
    let text = std::fs::read_to_string(pack.join("train600.jsonl")).expect("train600.jsonl");
    let cases: Vec<Value> = text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("a JSON case")).collect();
    assert_eq!(cases.len(), 600);
    let run = run_in(&cases, &db);
    assert!(run.contract.is_empty(), "contract violations:\n  {}", run.contract.join("\n  "));
    let right = run.outcomes.iter().filter(|o| o.why.is_none()).count();
    // Wrong: an answer given that is not right (a decline is not wrong).
    let wrong: Vec<String> = run
        .outcomes
        .iter()
        .filter(|o| o.why.is_some() && (o.obj.get("status").and_then(Value::as_str) == Some("answered") || !answer_objs(&o.obj).is_empty()))
        .map(failure_line)
        .collect();
    eprintln!("geoquery train600: {right} right, {} wrong, {} declined ({:.2} s)", wrong.len(), cases.len() - right - wrong.len(), run.elapsed.as_secs_f64());
    assert!(right >= 553, "{right} of 600 right (held: 553)");
    assert!(wrong.len() <= 18, "{} wrong answers (at most 18, 3%):\n  {}", wrong.len(), wrong.join("\n  "));
}
