//! The real binary: pipe mode, one-shot ask, the JSON contract, stats,
//! import errors and export, `serve` without a token, and the interactive
//! console in a pseudo-terminal.

use factbot::channel::telegram::{ADMINS_VAR, API_URL_VAR, TOKEN_VAR};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

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

/// `ask --json` with a question answers that question as the contract's
/// JSON object; it read stdin instead and printed nothing.
#[test]
fn ask_json_with_a_question_prints_its_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let out = factbot(&dir.path().join("db")).args(["ask", "--json", "how many parameters does gpt-3 have"]).stdin(std::process::Stdio::null()).output().unwrap();
    assert!(out.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["status"], "answered");
    assert_eq!(v["question"], "how many parameters does gpt-3 have");
    assert!(v["reply"].as_str().unwrap().contains("175 billion"));
    // The reading the values come from, as the query's S-expression.
    let reading = v["reading"].as_str().unwrap_or_default();
    assert!(reading.starts_with("(values") && reading.contains("parameters") && reading.contains("gpt-3"), "{v}");
}

/// A reader that stops reading (`factbot bench FILE | head -1`) ends the
/// program quietly: it panicked on the closed pipe ("failed printing to
/// stdout: Broken pipe").
#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let questions = dir.path().join("q.txt");
    std::fs::write(&questions, "who leads alibaba's public cloud division?\nhow many parameters does gpt-3 have?\n").unwrap();
    let mut child = factbot(&dir.path().join("db")).args(["bench", "--rounds", "1"]).arg(&questions).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Closed before the first line is written (the store is built first).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}

/// The console's help gives questions the store answers, drawn from the
/// store: for a store of another domain, its own questions, each answered
/// when asked. It named the bundled domain whatever the store held.
#[test]
fn help_gives_questions_the_store_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packs/geoquery");
    let out = factbot(&db).arg("import").arg(pack.join("lexicon.toml")).arg(pack.join("geobase.facts")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run_with_stdin(factbot(&db), "/help\n");
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    let examples: Vec<&str> = help.lines().filter_map(|l| l.strip_prefix("  ")).collect();
    assert!(!examples.is_empty(), "{help}");
    assert!(!help.contains("Alibaba") && !help.contains("TikTok"), "{help}");
    let mut c = factbot(&db);
    c.args(["ask", "--json"]);
    let out = run_with_stdin(c, &examples.join("\n\n"));
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["status"], "answered", "{v}");
    }
}

/// Issue 9: a question the paraphrase ranker can read only in part is
/// declined, and the reply offers the closest question it can answer; that
/// question, asked back, is answered.
#[test]
fn a_partly_read_question_offers_a_question_that_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let ask = |q: &str| {
        let mut c = factbot(&db);
        c.args(["ask", "--json"]);
        let out = run_with_stdin(c, &format!("{q}\n"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    for q in ["What did Eddie Wu say about the metaverse?", "What sort of competition does Alibaba face in China's cloud market?", "Kismet GPT-3 launch year?"] {
        let a = ask(q);
        assert_eq!(a["status"], "unknown", "{q}: {a}");
        let reply = a["reply"].as_str().unwrap();
        let offered = reply.split("Did you mean \"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_else(|| panic!("{q}: no question offered in {reply}"));
        let b = ask(offered);
        assert_eq!(b["status"], "answered", "{q}: the offered {offered:?} is not answered: {b}");
    }
}

/// Issue 9: accents and full-width forms are folded in questions and in
/// names alike, so "Wéiguāng Liú" finds Weiguang Liu, "ＧＰＴ－３" finds
/// GPT-3, and a name imported with accents is found without them.
#[test]
fn accents_and_full_width_forms_are_folded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let ask = |questions: &[&str]| -> Vec<serde_json::Value> {
        let mut c = factbot(&db);
        c.args(["ask", "--json"]);
        let out = run_with_stdin(c, &(questions.join("\n\n") + "\n"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let objs: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(objs.len(), questions.len());
        objs
    };
    let values = |o: &serde_json::Value| -> String {
        o["answers"].as_array().map(|a| a.iter().map(|v| v["value"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>().join("; ")).unwrap_or_default()
    };
    let cases: [(&str, &str); 5] = [
        ("What does Wéiguāng Liú lead?", "public cloud"),
        ("Whom does Jìn Lǐ report to?", "Eddie Wu"),
        ("How many parameters does ＧＰＴ－３ have?", "175 billion"),
        ("Ｗｈｏ ｌｅａｄｓ Ａｌｉｂａｂａ＇ｓ ｐｕｂｌｉｃ ｃｌｏｕｄ ｄｉｖｉｓｉｏｎ？", "Weiguang Liu"),
        // Decomposed accents (a letter, then a combining mark).
        ("Whom does Jin\u{300} Li\u{30c} report to?", "Eddie Wu"),
    ];
    let objs = ask(&cases.map(|(q, _)| q));
    for ((q, want), o) in cases.iter().zip(&objs) {
        assert_eq!(o["status"], "answered", "{q}: {o}");
        assert!(values(o).contains(want), "{q}: expected {want}: {o}");
    }

    // Imported names with accents are found without them (and the other way).
    let facts = dir.path().join("accents.facts");
    std::fs::write(
        &facts,
        "source t1 \"Test\" 2024-01-01 \"A test source\"\nentity jose-nunez person \"José Núñez\"\njose-nunez works_at alibaba [t1] \"José Núñez works at Alibaba\"\n",
    )
    .unwrap();
    let out = factbot(&db).arg("import").arg(&facts).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let objs = ask(&["Who is Jose Nunez?", "Who is JOSÉ NÚÑEZ?", "Who is Ｊｏｓｅ Ｎｕｎｅｚ?"]);
    for o in &objs {
        assert_eq!(o["status"], "answered", "{o}");
        assert_eq!(values(o), "José Núñez", "{o}");
        assert!(o["reply"].as_str().unwrap_or("").contains("works at Alibaba"), "{o}");
    }
}

#[test]
fn serve_checks_its_settings_before_it_creates_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let serve = |vars: &[(&str, &str)]| {
        let mut c = factbot(&db);
        c.arg("serve").env_remove(TOKEN_VAR).env_remove(ADMINS_VAR).env_remove(API_URL_VAR);
        for (k, v) in vars {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let out = serve(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains(TOKEN_VAR) && stderr.contains("not set"), "{stderr}");
    assert!(!db.exists(), "a store was created at {} although the token is missing", db.display());

    // Other settings from the environment are checked first as well.
    let token = "123456:ABC-def_ghi";
    for (var, value) in [(ADMINS_VAR, "7,eight"), (API_URL_VAR, "not a url")] {
        let out = serve(&[(TOKEN_VAR, token), (var, value)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{var}={value}: {stderr}");
        assert!(stderr.contains(var) && !stderr.contains(token), "{stderr}");
        assert!(!db.exists(), "{var}={value}: a store was created");
    }
}

/// How long the REPL test waits for each reply (the first one includes
/// loading the bundled knowledge into a new store) before failing.
const REPL_WAIT: Duration = Duration::from_secs(60);

/// The console in a pseudo-terminal, provided by util-linux `script`. A line
/// is typed only once the prompt for it is shown: rustyline discards input
/// typed ahead of the prompt when it switches the terminal to raw mode.
struct Repl {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    screen: Screen,
}

/// Everything the terminal showed so far and whether it has closed, with a
/// condition variable signalled on every change.
type Screen = Arc<(Mutex<(Vec<u8>, bool)>, Condvar)>;

impl Repl {
    fn start(db: &std::path::Path, home: &std::path::Path) -> Repl {
        let cmd = format!("{} --db {}", env!("CARGO_BIN_EXE_factbot"), db.display());
        let mut child = Command::new("script")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("HOME", home)
            .env_remove("XDG_DATA_HOME")
            .env("TERM", "xterm")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run util-linux script (needed for the REPL test)");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let screen: Screen = Arc::new((Mutex::new((Vec::new(), false)), Condvar::new()));
        let s = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = stdout.read(&mut buf).unwrap_or(0);
                let (lock, changed) = &*s;
                let mut state = lock.lock().unwrap();
                if n == 0 {
                    state.1 = true;
                    changed.notify_all();
                    return;
                }
                state.0.extend_from_slice(&buf[..n]);
                changed.notify_all();
            }
        });
        Repl { child, stdin, screen }
    }

    /// The screen as text, without terminal control sequences and carriage
    /// returns.
    fn text(&self) -> String {
        plain_text(&self.screen.0.lock().unwrap().0)
    }

    /// Waits until the text shown after the first `from` characters
    /// satisfies `done`; returns that text. Fails after [`REPL_WAIT`].
    fn wait(&self, what: &str, from: usize, done: impl Fn(&str, bool) -> bool) -> String {
        let (lock, changed) = &*self.screen;
        let deadline = Instant::now() + REPL_WAIT;
        let mut state = lock.lock().unwrap();
        loop {
            let text = plain_text(&state.0);
            let new = text.chars().skip(from).collect::<String>();
            if done(&new, state.1) {
                return new;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero() && !state.1, "timed out waiting for {what}; the terminal shows:\n{text}");
            state = changed.wait_timeout(state, left).unwrap().0;
        }
    }

    /// Waits for the prompt after the first `from` characters.
    fn wait_prompt(&self, from: usize) -> String {
        self.wait("the prompt", from, |new, _| new.ends_with("\n> "))
    }

    /// Types `line` at the prompt and returns what is shown until the next
    /// prompt (the echoed line, the reply), without that prompt.
    fn ask(&mut self, line: &str) -> String {
        let from = self.text().chars().count();
        self.stdin.write_all(format!("{line}\r").as_bytes()).unwrap();
        self.stdin.flush().unwrap();
        let shown = self.wait(&format!("the reply to {line:?}"), from, |new, _| new.contains(line) && new.ends_with("\n> "));
        shown.trim_end_matches("> ").to_string()
    }

    /// Ctrl-D at the prompt; returns the exit status.
    fn end(mut self) -> std::process::ExitStatus {
        let from = self.text().chars().count();
        self.stdin.write_all(b"\x04").unwrap();
        self.stdin.flush().unwrap();
        self.wait("the console to exit after Ctrl-D", from, |_, closed| closed);
        let deadline = Instant::now() + REPL_WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the console did not exit after Ctrl-D");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Terminal output as plain text: CSI sequences (colours, cursor moves,
/// bracketed paste) and carriage returns removed.
fn plain_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                if chars.next_if_eq(&'[').is_some() {
                    // Parameters and intermediates, then one final byte.
                    while chars.next_if(|c| !('@'..='~').contains(c)).is_some() {}
                    chars.next();
                } else {
                    chars.next();
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn plain_text_drops_terminal_control_sequences() {
    assert_eq!(plain_text(b"\x1b[?2004h\x1b[?2026h\r\x1b[K> \r\x1b[2C\x1b[?2026lWho?\x1b[?2004l\r\nX\r\n"), "> Who?\nX\n");
}

/// The interactive console in a pseudo-terminal: a prompt; answers with
/// their sources on their own line; a follow-up with a pronoun; /sources,
/// /reset (after which the pronoun means nothing), /help and an unknown
/// command; history in the user's data directory; status 0 on Ctrl-D.
#[test]
fn the_repl_in_a_terminal_holds_a_conversation_and_exits_on_ctrl_d() {
    let dir = tempfile::tempdir().unwrap();
    let mut repl = Repl::start(&dir.path().join("db"), dir.path());
    let banner = repl.wait_prompt(0);
    assert!(banner.contains("facts about"), "{banner}");

    let shown = repl.ask("Who owns TikTok?");
    assert!(shown.contains("ByteDance owns TikTok"), "{shown}");
    assert!(shown.lines().any(|l| l.trim_start().starts_with("(source")), "sources not on their own line: {shown}");

    let shown = repl.ask("Who leads the hybrid cloud unit?");
    assert!(shown.contains("Jin Li"), "{shown}");
    let shown = repl.ask("Who does he report to?");
    assert!(shown.contains("Eddie Wu"), "the pronoun is Jin Li: {shown}");

    let shown = repl.ask("/sources");
    assert!(shown.contains("The last answer came from:") && shown.contains("CNBC"), "{shown}");

    let shown = repl.ask("/reset");
    assert!(shown.contains("Conversation reset."), "{shown}");
    let shown = repl.ask("/sources");
    assert!(shown.contains("No answer yet"), "/reset forgot the last answer: {shown}");
    let shown = repl.ask("Who does he report to?");
    assert!(!shown.contains("Eddie Wu") && shown.contains("don't know"), "/reset forgot who \"he\" is: {shown}");

    let shown = repl.ask("/help");
    assert!(shown.contains("Commands:") && shown.contains("/reset"), "{shown}");
    let shown = repl.ask("/frobnicate");
    assert!(shown.contains("Unknown command /frobnicate") && shown.contains("/help"), "{shown}");

    let status = repl.end();
    assert!(status.success(), "Ctrl-D exits with status 0: {status:?}");
    let history = std::fs::read_to_string(dir.path().join(".local/share/factbot/history.txt")).unwrap_or_default();
    assert!(history.contains("Who does he report to?") && history.contains("/frobnicate"), "history: {history}");
}
