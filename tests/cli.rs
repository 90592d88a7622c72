//! The real binary: pipe mode, one-shot ask, the JSON contract, stats,
//! import errors and export.

use std::io::Write;
use std::process::{Command, Stdio};

fn factbot(db: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_factbot"));
    c.current_dir(env!("CARGO_MANIFEST_DIR")).arg("--db").arg(db);
    c
}

fn run_with_stdin(mut c: Command, input: &str) -> std::process::Output {
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn pipe_mode_prints_one_plain_reply_per_question() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_stdin(factbot(&dir.path().join("db")), "Who owns TikTok?\n\nWhat is the capital of France?\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("ByteDance") && lines[0].contains("source"), "{text}");
    assert!(!lines[0].starts_with('>'), "no prompt in pipe mode");
    assert!(lines[1].to_lowercase().contains("don't know"), "{text}");
}

#[test]
fn json_contract_answers_every_line_even_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = factbot(&dir.path().join("db"));
    c.args(["ask", "--json"]);
    let noise = "x".repeat(5000);
    let input = format!("Who leads the hybrid cloud unit?\n\u{1F600}\u{1F600}\n{noise}\n???\nWho does he report to?\n");
    let out = run_with_stdin(c, &input);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let objs: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(objs.len(), 5, "{text}");
    assert_eq!(objs[0]["status"], "answered");
    for o in &objs[1..4] {
        assert!(o["status"] == "unknown" || o["status"] == "rejected", "{o}");
    }
    assert_eq!(objs[2]["status"], "rejected");
    assert_eq!(objs[4]["status"], "answered", "{}", objs[4]);
}

#[test]
fn stats_on_a_fresh_store_reports_the_bundled_knowledge() {
    let dir = tempfile::tempdir().unwrap();
    let out = factbot(&dir.path().join("db")).args(["stats", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["facts"].as_u64().unwrap() > 100, "{v}");
    assert!(v["size_on_disk"].as_u64().unwrap() > 0);
}

#[test]
fn a_malformed_file_is_rejected_with_its_position_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let before = factbot(&db).arg("export").output().unwrap().stdout;
    let bad = dir.path().join("bad.facts");
    std::fs::write(&bad, "source s \"S\" 2024 \"T\"\nentity x person \"X\"\nx leads alibaba-cloud sinse 2023 [s]\n").unwrap();
    let out = factbot(&db).arg("import").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.facts:3:23"), "{err}");
    assert!(err.contains("unchanged"), "{err}");
    assert_eq!(factbot(&db).arg("export").output().unwrap().stdout, before);
}

#[test]
fn ask_answers_one_question() {
    let dir = tempfile::tempdir().unwrap();
    let out = factbot(&dir.path().join("db")).args(["ask", "how many parameters does gpt-3 have"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("175 billion"));
}

/// The interactive console in a pseudo-terminal (util-linux `script`
/// provides the terminal): a prompt, an answer with its sources on their
/// own line, and status 0 at the end of input (Ctrl-D). Input is typed
/// ahead in one go and rustyline discards type-ahead when it switches the
/// terminal mode, so only the first line is asked.
#[test]
fn the_repl_in_a_terminal_answers_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let cmd = format!("{} --db {}", env!("CARGO_BIN_EXE_factbot"), db.display());
    let mut c = Command::new("script");
    c.current_dir(env!("CARGO_MANIFEST_DIR")).env("HOME", dir.path()).args(["-qec", &cmd, "/dev/null"]);
    let out = run_with_stdin(c, "Who owns TikTok?\n");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("> "), "no prompt: {text}");
    assert!(text.contains("ByteDance"), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("(source")), "sources not on their own line: {text}");
}
