//! The Telegram daemon (being built).

use crate::config::Config;
use crate::engine::Engine;
use std::sync::Arc;

/// Runs the bot with long polling until SIGINT or SIGTERM.
pub async fn serve(_engine: Arc<Engine>, _config: Config) -> anyhow::Result<()> {
    anyhow::bail!("the Telegram daemon is not built yet")
}
