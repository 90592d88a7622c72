//! The `factbot` command: parses flags, sets up logging, and hands over to
//! the library. Errors are printed once, with their chain, and exit with
//! status 1 (2 for usage errors, from clap).

use anyhow::Context;
use clap::{Parser, Subcommand};
use factbot::channel::{console, score};
use factbot::config::Config;
use factbot::engine::{import_paths, open_store, Engine, Format};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Answers questions in plain English from a store of sourced facts.
#[derive(Parser)]
#[command(name = "factbot", version, about)]
struct Cli {
    /// The store's directory (default: `store.path` in config/factbot.toml).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// The configuration file (default: config/factbot.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Import knowledge: lexicon files (.toml), knowledge files (.facts),
    /// exports (.jsonl) or directories of them, in one atomic batch.
    Import {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `triples` reads `subject|relation|object` lines (.toml files are still read as lexicons).
        #[arg(long, value_parser = ["auto", "triples"], default_value = "auto")]
        format: String,
    },
    /// Write the whole store as JSON lines to stdout.
    Export,
    /// Print counts of entities, facts, sources and relations, and the size on disk.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Answer one question, or (with --json and no question) questions from stdin, one JSON object per question per the answer contract.
    Ask {
        /// Write the answer as the contract's JSON object; with no question, read questions from stdin, one per line.
        #[arg(long)]
        json: bool,
        /// The question.
        question: Vec<String>,
    },
    /// Measure answering speed: questions per second and p50/p99 latency
    /// over a question file (one question per line; JSON lines with "q";
    /// or MetaQA's `question<TAB>answers`).
    Bench {
        /// The question file.
        file: PathBuf,
        /// Passes over the file.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Score answers against question files with gold answers
    /// (`question<TAB>answer|answer...` lines, as MetaQA's): hits@1,
    /// answer-set F1 and time per file.
    Score {
        /// The question files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Ask only the first N questions of each file.
        #[arg(long)]
        limit: Option<usize>,
        /// Print this many missed questions per file.
        #[arg(long, default_value_t = 0)]
        misses: usize,
        /// Print one JSON object per file.
        #[arg(long)]
        json: bool,
    },
    /// Run the Telegram bot (long polling) until SIGINT or SIGTERM.
    /// The token comes from FACTBOT_TELEGRAM_TOKEN.
    Serve,
}

/// Prints a line to stdout. A closed pipe (`factbot bench FILE | head`)
/// ends the program quietly with status 0, as other command-line tools
/// do; it panicked.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($t)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(e.into());
        }
    }};
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("factbot: error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let db = cli.db.as_deref();
    match cli.command {
        Some(Command::Import { paths, format }) => {
            let store = open_store(&config, db)?;
            let format = if format == "triples" { Format::Triples } else { Format::Auto };
            let start = std::time::Instant::now();
            let report = import_paths(&store, &paths, format).context("import failed; the store is unchanged")?;
            eprintln!(
                "imported {} facts ({} merged into existing ones), {} entities, {} sources, {} lexicon files in {:.2} s",
                report.facts,
                report.merged,
                report.entities,
                report.sources,
                report.lexicons,
                start.elapsed().as_secs_f64()
            );
        }
        Some(Command::Export) => {
            let engine = Engine::open(&config, db)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            engine.store().export(&mut out)?;
        }
        Some(Command::Stats { json }) => {
            let engine = Engine::open(&config, db)?;
            let s = engine.store().stats()?;
            if json {
                out!("{}", serde_json::to_string(&s)?);
            } else {
                out!("entities:     {}", s.entities);
                out!("facts:        {}", s.facts);
                out!("sources:      {}", s.sources);
                out!("relations:    {}", s.relations);
                out!("size on disk: {} bytes ({:.1} MB)", s.size_on_disk, s.size_on_disk as f64 / 1e6);
            }
        }
        Some(Command::Ask { json, question }) => {
            let engine = Engine::open(&config, db)?;
            if json && question.is_empty() {
                let stdin = std::io::stdin();
                console::run_json(&engine, stdin.lock(), std::io::stdout().lock())?;
            } else if question.is_empty() {
                anyhow::bail!("give a question, e.g. factbot ask \"your question?\", or use --json to read questions from stdin");
            } else {
                let mut conv = Default::default();
                let a = engine.ask(&mut conv, &question.join(" "));
                if json {
                    out!("{}", factbot::answer::render::json(&a));
                } else {
                    out!("{}", factbot::answer::render::full_reply(&a));
                }
            }
        }
        Some(Command::Bench { file, rounds }) => {
            let engine = Engine::open(&config, db)?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let questions = factbot::channel::console::questions_in(&text);
            let report = factbot::channel::console::bench(&engine, &questions, rounds);
            out!("{report}");
        }
        Some(Command::Score { files, limit, misses, json }) => {
            let engine = Engine::open(&config, db)?;
            for file in files {
                let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
                let mut cases = score::read_cases(&text)
                    .map_err(|line| anyhow::anyhow!("{}:{line}: expected question<TAB>answer|answer...", file.display()))?;
                cases.truncate(limit.unwrap_or(usize::MAX));
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let s = score::score(&engine, &name, &cases, misses);
                if json {
                    out!("{}", serde_json::to_string(&s)?);
                } else {
                    out!("{s}");
                    for m in &s.misses {
                        out!("  miss: {}\n    gold: {}\n    got:  {}", m.question, m.gold.join(" | "), m.reply);
                    }
                }
            }
            // Scoring only reads: flush, then leave the page cache to the
            // OS instead of freeing it node by node (about 0.3 s on the
            // MetaQA store).
            engine.flush()?;
            std::mem::forget(engine);
        }
        Some(Command::Serve) => {
            // The token and the other settings first: a daemon that cannot
            // start must not create or open a store.
            let settings = factbot::channel::telegram::Settings::from_env(&config)?;
            let engine = std::sync::Arc::new(Engine::open(&config, db)?);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(factbot::channel::telegram::serve_with(engine.clone(), config, settings))?;
            engine.flush()?;
        }
        None => {
            let engine = Engine::open(&config, db)?;
            if std::io::stdin().is_terminal() {
                console::run_repl(&engine)?;
            } else {
                console::run_pipe(&engine, std::io::stdin().lock(), std::io::stdout().lock())?;
            }
        }
    }
    Ok(())
}
