//! Configuration: `config/factbot.toml`, then the environment, then flags.
//!
//! The file is looked up in the working directory first and then next to
//! the crate's manifest (so that `target/release/factbot` run from anywhere
//! in a checkout finds it). Relative paths in it are resolved against the
//! directory that holds `config/`.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Store settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Where the sled store lives.
    pub path: PathBuf,
    /// The bundled knowledge directory loaded into an empty store.
    pub data: PathBuf,
    /// sled page cache bound, in megabytes.
    pub cache_mb: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { path: "factbot.db".into(), data: "data".into(), cache_mb: 128 }
    }
}

/// Answer rendering settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswersConfig {
    /// The most values a list shows.
    pub max_values: usize,
}

impl Default for AnswersConfig {
    fn default() -> Self {
        AnswersConfig { max_values: 25 }
    }
}

/// Telegram daemon settings (the token is never here).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// User ids allowed to teach and forget.
    pub admins: Vec<u64>,
    /// Questions answered concurrently.
    pub workers: usize,
    /// Longest message read as a question, in characters.
    pub max_question_chars: usize,
    /// Minutes without a message after which a chat's conversation is
    /// forgotten (0: kept until evicted or the daemon restarts).
    pub conversation_idle_minutes: u64,
    /// The most chats whose conversation is kept; the least recently
    /// active one is forgotten first.
    pub max_conversations: usize,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig { admins: vec![], workers: 4, max_question_chars: 500, conversation_idle_minutes: 60, max_conversations: 10_000 }
    }
}

impl TelegramConfig {
    /// How long a conversation may stay idle, if it expires at all.
    pub fn conversation_idle(&self) -> Option<std::time::Duration> {
        (self.conversation_idle_minutes > 0).then(|| std::time::Duration::from_secs(self.conversation_idle_minutes.saturating_mul(60)))
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Store settings.
    pub store: StoreConfig,
    /// Answer settings.
    pub answers: AnswersConfig,
    /// Telegram settings.
    pub telegram: TelegramConfig,
}

impl Config {
    /// Loads the configuration file (explicit path, or the default lookup)
    /// and resolves its relative paths.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Config> {
        use anyhow::Context;
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Self::default_path(),
        };
        let Some(path) = path else {
            let mut c = Config::default();
            c.resolve(&Self::base_dir());
            return Ok(c);
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e))?;
        let base = path.parent().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        config.resolve(&base);
        Ok(config)
    }

    fn default_path() -> Option<PathBuf> {
        [PathBuf::from("config/factbot.toml"), Self::base_dir().join("config/factbot.toml")].into_iter().find(|p| p.is_file())
    }

    fn base_dir() -> PathBuf {
        if Path::new("config/factbot.toml").is_file() || Path::new("data").is_dir() {
            PathBuf::from(".")
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        }
    }

    fn resolve(&mut self, base: &Path) {
        let base = if base.as_os_str().is_empty() { Path::new(".") } else { base };
        if self.store.path.is_relative() {
            self.store.path = base.join(&self.store.path);
        }
        if self.store.data.is_relative() {
            self.store.data = base.join(&self.store.data);
        }
    }
}
