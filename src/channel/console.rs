//! The console: an interactive prompt (rustyline) when stdin is a terminal,
//! a plain line-per-question loop when it is not, and the JSON answer
//! contract for `ask --json`.

use crate::answer::{render, Answer};
use crate::conversation::Conversation;
use crate::engine::Engine;
use std::io::{BufRead, Write};

/// The console's help: questions the store answers, then the commands.
pub fn help_text(engine: &Engine) -> String {
    let examples = engine.examples(3);
    let mut text = String::from("Ask a question in plain English");
    if examples.is_empty() {
        text.push_str(".\n");
    } else {
        text.push_str(", for example:\n");
        for q in &examples {
            text.push_str(&format!("  {q}\n"));
        }
    }
    text.push_str("Follow-ups work: \"he\", \"she\", \"it\" and \"they\" refer to what the last answer was about, and \"What about X?\" asks the same of X.\n");
    text.push_str("Commands: /help, /sources (where the last answer came from), /about, /reset (forget this conversation), /quit");
    text
}

/// Renders the sources of the last answer, one per line with evidence.
pub fn sources_text(answer: Option<&Answer>) -> String {
    let Some(a) = answer else {
        return "No answer yet: ask a question first.".into();
    };
    if a.citations.is_empty() {
        return "The last answer did not come from any source.".into();
    }
    let mut out = String::from("The last answer came from:");
    for c in &a.citations {
        out.push_str(&format!("\n- {} ({}): {}", c.cite, c.id, c.title));
        for e in &c.evidence {
            out.push_str(&format!("\n    \"{e}\""));
        }
        if !c.via.is_empty() {
            out.push_str(&format!("\n    (it credits the report to {})", crate::answer::render::join_names(&c.via)));
        }
    }
    out
}

/// Reads questions line by line and writes one plain reply per question.
/// A blank line starts a new conversation.
pub fn run_pipe(engine: &Engine, input: impl BufRead, mut out: impl Write) -> anyhow::Result<()> {
    let mut conv = Conversation::default();
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            conv.reset();
            continue;
        }
        match command(engine, &mut conv, line.trim())? {
            Some(Command::Quit) => break,
            Some(Command::Reply(text)) => writeln!(out, "{text}")?,
            None => writeln!(out, "{}", render::full_reply(&engine.ask(&mut conv, &line)))?,
        }
        out.flush()?;
    }
    Ok(())
}

/// What a console command does.
enum Command {
    /// End the session.
    Quit,
    /// Show this text.
    Reply(String),
}

/// The console's commands, in the prompt and in pipe mode alike; None
/// when the line is a question.
fn command(engine: &Engine, conv: &mut Conversation, line: &str) -> anyhow::Result<Option<Command>> {
    Ok(Some(match line {
        "/quit" | "/exit" | "/q" => Command::Quit,
        "/help" | "/start" => Command::Reply(help_text(engine)),
        "/reset" => {
            conv.reset();
            Command::Reply("Conversation reset.".into())
        }
        "/sources" => Command::Reply(sources_text(conv.last_answer.as_ref())),
        "/about" => Command::Reply(engine.about()?),
        _ if line.starts_with('/') => Command::Reply(format!("Unknown command {line}. Try /help.")),
        _ => return Ok(None),
    }))
}

/// The answer contract: one JSON object per non-blank line, flushed each
/// time; a blank line starts a new conversation.
pub fn run_json(engine: &Engine, input: impl BufRead, mut out: impl Write) -> anyhow::Result<()> {
    let mut conv = Conversation::default();
    for line in input.lines() {
        // A line that is not valid UTF-8 is still a question: answer it.
        let line = match line {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => String::from("\u{fffd}"),
            Err(e) => return Err(e.into()),
        };
        if line.trim().is_empty() {
            conv.reset();
            continue;
        }
        let answer = engine.ask(&mut conv, &line);
        writeln!(out, "{}", render::json(&answer))?;
        out.flush()?;
    }
    Ok(())
}

/// The interactive prompt, with line editing and history.
pub fn run_repl(engine: &Engine) -> anyhow::Result<()> {
    use rustyline::error::ReadlineError;
    let mut rl = rustyline::DefaultEditor::new()?;
    let history = dirs::data_dir().map(|d| d.join("factbot").join("history.txt"));
    if let Some(h) = &history {
        let _ = std::fs::create_dir_all(h.parent().unwrap_or(h));
        let _ = rl.load_history(h);
    }
    let stats = engine.store().stats()?;
    println!("factbot: {} facts about {} entities. Ask a question, or /help.", stats.facts, stats.entities);
    let mut conv = Conversation::default();
    loop {
        match rl.readline("> ") {
            Ok(line) => {
                let q = line.trim();
                if q.is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(q);
                match command(engine, &mut conv, q)? {
                    Some(Command::Quit) => break,
                    Some(Command::Reply(text)) => println!("{text}"),
                    None => {
                        let a = engine.ask(&mut conv, q);
                        println!("{}", a.reply);
                        let src = render::source_line(&a);
                        if !src.is_empty() {
                            println!("  {src}");
                        }
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    Ok(())
}

/// The questions of a file for `bench`: plain lines, JSON lines with a
/// "q" (or the turns of "turns"), or `question<TAB>answers`.
pub fn questions_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            if let Some(q) = v.get("q").and_then(|q| q.as_str()) {
                out.push(q.to_string());
            } else if let Some(turns) = v.get("turns").and_then(|t| t.as_array()) {
                out.extend(turns.iter().filter_map(|t| t.as_str().map(String::from)));
            }
        } else {
            out.push(line.split('\t').next().unwrap_or(line).to_string());
        }
    }
    out
}

/// Answers every question `rounds` times, each in a fresh conversation,
/// and reports questions per second and latency percentiles.
pub fn bench(engine: &Engine, questions: &[String], rounds: usize) -> String {
    let mut times = Vec::with_capacity(questions.len() * rounds);
    // Each question's slowest time, for the list of the slowest.
    let mut slowest: Vec<std::time::Duration> = vec![std::time::Duration::ZERO; questions.len()];
    let mut answered = 0usize;
    let start = std::time::Instant::now();
    for _ in 0..rounds.max(1) {
        for (i, q) in questions.iter().enumerate() {
            let mut conv = Conversation::default();
            let t = std::time::Instant::now();
            let a = engine.ask(&mut conv, q);
            let took = t.elapsed();
            times.push(took);
            slowest[i] = slowest[i].max(took);
            if a.status == crate::answer::Status::Answered {
                answered += 1;
            }
        }
    }
    let total = start.elapsed();
    times.sort();
    let pct = |p: f64| times.get(((times.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default();
    let mut order: Vec<usize> = (0..questions.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(slowest[i]));
    let worst: String = order.iter().take(5).map(|&i| format!("\n  {:.1} us  {}", slowest[i].as_secs_f64() * 1e6, questions[i])).collect();
    format!(
        "{} questions x {} rounds: {:.0} questions/s, p50 {:.1} us, p99 {:.1} us, max {:.1} us; {:.1}% answered\nslowest:{worst}",
        questions.len(),
        rounds.max(1),
        times.len() as f64 / total.as_secs_f64().max(1e-9),
        pct(0.5).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e6,
        100.0 * answered as f64 / times.len().max(1) as f64
    )
}
