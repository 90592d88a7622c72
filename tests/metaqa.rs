//! The MetaQA pack through the real binary: import the movie KB into a
//! fresh store, score the 1,000-question dev samples per hop with
//! `factbot score --json`, and hold the hits@1 targets of issue 5 and its
//! import memory bound (checked where /proc is). Run with `--nocapture` to
//! see the figures.

use factbot::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The most memory importing the KB may take (issue 5 asks for under
/// 500 MB), in KB.
const IMPORT_PEAK_RSS_KB: u64 = 500 * 1024;

/// hits@1 targets on the dev samples, per hop. Issue 5 asks for 99% on
/// 1-hop; this asserts 97%, what the data allows a name-based store: the
/// KB names films by title, so same-titled films ("The Silence", 1963 and
/// 2010) are one entity, while the gold answers of about 6.6% of the 1-hop
/// dev questions belong to one of the films only. The first value given is
/// then gold only by chance. See data/packs/metaqa/README.md. The
/// figures reached (97.6%, 100%, 99.9%) must not fall.
const TARGETS: [(&str, f64); 3] = [("dev_1hop_sample.txt", 0.976), ("dev_2hop_sample.txt", 0.999), ("dev_3hop_sample.txt", 0.999)];

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packs/metaqa")
}

fn factbot(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_factbot"));
    c.current_dir(env!("CARGO_MANIFEST_DIR")).arg("--db").arg(db);
    c
}

fn import_command(db: &Path, kb: &Path) -> Command {
    let mut c = factbot(db);
    c.arg("import").arg(pack().join("lexicon.toml")).args(["--format", "triples"]).arg(kb);
    c
}

fn import_triples(db: &Path, kb: &Path) -> Output {
    import_command(db, kb).output().expect("factbot runs")
}

/// Runs `c` to the end, with its peak resident set in KB as Linux's
/// /proc/PID/status reports it (VmHWM, polled while it runs; None where
/// there is no /proc).
fn run_with_peak_rss(mut c: Command) -> (Output, Option<u64>) {
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("factbot runs");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    while child.try_wait().expect("waits").is_none() {
        let hwm = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        });
        peak = peak.max(hwm);
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().expect("factbot ran"), peak)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_dev_samples_meet_the_hits_at_1_targets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let start = Instant::now();
    let (out, peak_kb) = run_with_peak_rss(import_command(&db, &pack().join("kb.txt")));
    assert!(out.status.success(), "import failed: {}", text(&out.stderr));
    let peak = peak_kb.map_or("unknown".to_string(), |kb| format!("{} MB", kb / 1024));
    eprintln!("metaqa: {} ({:.1} s, peak RSS {peak})", text(&out.stderr).trim(), start.elapsed().as_secs_f64());
    assert!(text(&out.stderr).contains("imported 133582 facts"), "{}", text(&out.stderr));
    let mut short = Vec::new();
    if peak_kb.is_some_and(|kb| kb > IMPORT_PEAK_RSS_KB) {
        short.push(format!("import peak RSS {peak} > {} MB", IMPORT_PEAK_RSS_KB / 1024));
    }

    let start = Instant::now();
    let mut cmd = factbot(&db);
    cmd.args(["score", "--json"]);
    for (file, _) in TARGETS {
        cmd.arg(pack().join(file));
    }
    let out = cmd.output().expect("factbot runs");
    assert!(out.status.success(), "score failed: {}", text(&out.stderr));
    eprintln!("metaqa: scored in {:.1} s", start.elapsed().as_secs_f64());
    let scores: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("one JSON object per file")).collect();
    assert_eq!(scores.len(), TARGETS.len(), "{}", text(&out.stdout));

    for ((file, target), s) in TARGETS.iter().zip(&scores) {
        assert_eq!(s["name"], *file, "{s}");
        assert_eq!(s["questions"], 1000, "{s}");
        let figure = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("no {k} in {s}"));
        let hits = figure("hits_at_1");
        eprintln!(
            "metaqa: {file}: hits@1 {:.1}% (target {:.0}%), F1 {:.1}%, answered {:.1}%, {:.2} s",
            100.0 * hits,
            100.0 * target,
            100.0 * figure("f1"),
            100.0 * figure("answered"),
            figure("seconds")
        );
        if hits < *target {
            short.push(format!("{file}: hits@1 {:.1}% < {:.0}%", 100.0 * hits, 100.0 * target));
        }
    }
    assert!(short.is_empty(), "short of the issue 5 targets: {}", short.join("; "));

    // Garbled text, runs of relation words with no question in them, gets
    // no answer (it was "answered" with thousands of films).
    let garbled = [
        "fall into the company filmmaker kind of movie category with theme",
        "director actor genre writer",
        "starred kind of movie language release year",
        "Kismet director genre films",
    ];
    // A pronoun that asks for the answer, or refers to the question's one
    // name, is read (both were declined for a while).
    let read = ["[The Colony] is a film written by this person", "the movie [Kismet], when was it released"];
    let mut child = factbot(&db)
        .args(["ask", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("factbot runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        for g in garbled {
            writeln!(stdin, "{g}").unwrap();
        }
        // Each in a conversation of its own (a blank line starts one).
        for q in read {
            writeln!(stdin, "\n{q}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), garbled.len() + read.len(), "{}", text(&out.stdout));
    for (g, a) in garbled.iter().zip(&lines) {
        assert_eq!(a["status"], "unknown", "{g:?} was answered: {a}");
    }
    for (q, a) in read.iter().zip(&lines[garbled.len()..]) {
        assert_eq!(a["status"], "answered", "{q:?} was not answered: {a}");
    }
}

#[test]
fn a_malformed_kb_line_is_reported_and_the_store_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let kb = std::fs::read_to_string(pack().join("kb.txt")).unwrap();
    let good: Vec<&str> = kb.lines().take(40).collect();
    let bad_file = dir.path().join("bad_kb.txt");
    // Line 31 loses its object: `subject|relation` only.
    let broken = good[30].rsplit_once('|').unwrap().0;
    let mut lines = good.clone();
    lines[30] = broken;
    std::fs::write(&bad_file, lines.join("\n") + "\n").unwrap();

    let out = import_triples(&db, &bad_file);
    assert!(!out.status.success(), "a malformed file was accepted");
    let err = text(&out.stderr);
    let at = format!("bad_kb.txt:31:{}", broken.chars().count() + 1);
    assert!(err.contains(&at), "expected {at} in: {err}");
    assert!(err.contains("subject|relation|object") && err.contains("unchanged"), "{err}");
    {
        let store = Store::open(&db, 16 << 20).unwrap();
        let stats = store.stats().unwrap();
        assert!(store.is_empty(), "{stats:?}");
        assert_eq!((stats.entities, stats.facts, stats.sources, stats.relations), (0, 0, 0, 0), "the failed import wrote something");
    }

    // The same lines without the broken one import: the check above is
    // not passing for want of anything to write.
    let good_file = dir.path().join("good_kb.txt");
    std::fs::write(&good_file, good.join("\n") + "\n").unwrap();
    let out = import_triples(&db, &good_file);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = Store::open(&db, 16 << 20).unwrap();
    assert_eq!(store.stats().unwrap().facts, 40);
}
