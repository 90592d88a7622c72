//! The Telegram daemon: long polling with teloxide, one [`Conversation`] per
//! chat, replies in Telegram HTML.
//!
//! - In a private chat every text message is a question.
//! - In a group or supergroup the bot answers only `/ask` (and
//!   `/ask@<its username>`), messages that @mention it, replies to its own
//!   messages, and its other commands; it ignores other chatter and commands
//!   addressed to another bot (`/ask@otherbot`).
//! - `/teach` and `/forget` are for admins only (config `telegram.admins`,
//!   or `FACTBOT_TELEGRAM_ADMINS`).
//!
//! Questions run on blocking threads ([`Engine::ask`] is synchronous), at most
//! `telegram.workers` at a time; updates of one chat are handled in order,
//! different chats concurrently. The bot is wrapped in teloxide's `Throttle`
//! so replies respect Telegram's rate limits.
//!
//! [`Settings::from_env`] reads the token and overrides from the environment
//! (`factbot serve` does so before it opens the store, so that a missing
//! token fails fast); [`serve_with`] runs until SIGINT or SIGTERM;
//! [`Server`] is the same daemon with an explicit [`ShutdownHandle`], for
//! tests and embedding. The token is never logged: every error text that
//! could carry it goes through a redaction first.
//!
//! Conversations are kept per chat in memory, forgotten after
//! `telegram.conversation_idle_minutes` without a message and, beyond
//! `telegram.max_conversations` chats, least recently active first.

use crate::answer::{Answer, Status};
use crate::channel::console::sources_text;
use crate::config::Config;
use crate::conversation::{Conversation, Conversations};
use crate::engine::Engine;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{DefaultKey, ShutdownToken, UpdateFilterExt, UpdateHandler};
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{Me, MessageEntityKind, ParseMode, ReplyParameters, User};
use teloxide::update_listeners::{Polling, UpdateListener};
use teloxide::utils::command::BotCommands;
use teloxide::utils::html;
use teloxide::RequestError;
use tokio::sync::Semaphore;

/// The environment variable that holds the bot token (required).
pub const TOKEN_VAR: &str = "FACTBOT_TELEGRAM_TOKEN";
/// The environment variable that overrides the Bot API base URL.
pub const API_URL_VAR: &str = "FACTBOT_TELEGRAM_API_URL";
/// The environment variable that overrides `telegram.admins`
/// (comma-separated user ids).
pub const ADMINS_VAR: &str = "FACTBOT_TELEGRAM_ADMINS";
/// Telegram's Bot API, used when [`API_URL_VAR`] is not set.
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";
/// The longest message Telegram accepts. Replies are split so that each
/// part, HTML-escaped and with its tags, stays within it (counted in UTF-16
/// code units, as Telegram does, which is never fewer than characters).
pub const MAX_MESSAGE_LEN: usize = 4096;

/// How long one `getUpdates` long poll waits for updates. It must stay below
/// the HTTP client's 17 s timeout.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// The bot as handlers see it: rate limited.
type TgBot = teloxide::adaptors::Throttle<Bot>;
/// What a handler returns.
type HandlerResult = Result<(), HandlerError>;
/// A handler's error: logged (redacted), never shown to the user.
type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// I answer questions in plain English from a store of sourced facts. In a private chat just type your question; in a group use /ask, mention me, or reply to one of my messages.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// say hello and show this help
    Start,
    /// show this help
    Help,
    /// ask a question: /ask followed by the question
    Ask(String),
    /// forget this chat's conversation (what "he" or "it" refers to)
    Reset,
    /// where the last answer came from
    Sources,
    /// what I know: counts and sources
    About,
    /// (admins) teach me a fact: /teach followed by a sentence that states it, with a name, a verb I know and a name or a number
    Teach(String),
    /// (admins) retract a taught fact
    Forget(String),
}

/// What the daemon needs besides the configuration: the secrets and
/// overrides that come from the environment.
#[derive(Clone)]
pub struct Settings {
    /// The bot token (never logged; `Debug` redacts it).
    pub token: String,
    /// The Bot API base URL (default [`DEFAULT_API_URL`]).
    pub api_url: String,
    /// User ids allowed to teach and forget.
    pub admins: Vec<u64>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings").field("token", &"<redacted>").field("api_url", &self.api_url).field("admins", &self.admins).finish()
    }
}

impl Settings {
    /// Reads [`TOKEN_VAR`] (required), [`API_URL_VAR`] and [`ADMINS_VAR`]
    /// from the process environment. [`ADMINS_VAR`], when set, replaces
    /// `config.telegram.admins` (an empty value means no admins); a value
    /// that is not a list of ids is an error.
    pub fn from_env(config: &Config) -> anyhow::Result<Settings> {
        Self::from_lookup(config, |name| std::env::var(name).ok())
    }

    /// Like [`Settings::from_env`], with variables looked up by `var`.
    pub fn from_lookup(config: &Config, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let token = var(TOKEN_VAR).map(|t| t.trim().to_string()).unwrap_or_default();
        if token.is_empty() {
            anyhow::bail!("{TOKEN_VAR} is not set: create a bot with @BotFather and put its token in {TOKEN_VAR}");
        }
        if !token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-')) {
            anyhow::bail!("{TOKEN_VAR} does not look like a bot token (expected something like 123456:ABC-DEF...)");
        }
        let api_url = match var(API_URL_VAR).map(|u| u.trim().to_string()) {
            Some(u) if !u.is_empty() => u,
            _ => DEFAULT_API_URL.to_string(),
        };
        check_api_url(&api_url)?;
        let admins = match var(ADMINS_VAR) {
            Some(list) => parse_admins(&list)?,
            None => config.telegram.admins.clone(),
        };
        Ok(Settings { token, api_url, admins })
    }
}

/// Parses a comma-separated list of user ids; blanks are skipped.
fn parse_admins(list: &str) -> anyhow::Result<Vec<u64>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>().map_err(|_| {
                anyhow::anyhow!("{ADMINS_VAR}: `{s}` is not a Telegram user id (expected comma-separated numbers, e.g. 12345,67890)")
            })
        })
        .collect()
}

fn check_api_url(url: &str) -> anyhow::Result<()> {
    make_bot("0:check", url).map(drop)
}

/// The raw bot: token and API URL (a trailing slash is dropped so that the
/// method paths come out as `<base>/bot<token>/<Method>`).
fn make_bot(token: &str, api_url: &str) -> anyhow::Result<Bot> {
    let trimmed = api_url.trim_end_matches('/');
    let url = trimmed.parse().map_err(|e| anyhow::anyhow!("{API_URL_VAR}: `{api_url}` is not a valid URL: {e}"))?;
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
        anyhow::bail!("{API_URL_VAR}: `{api_url}` is not an http(s) URL");
    }
    Ok(Bot::new(token).set_api_url(url))
}

/// An error and its sources, one after the other, with the token redacted.
fn describe(error: &dyn std::error::Error, token: &str) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = e.source();
    }
    redact(&text, token)
}

/// Replaces the token wherever it occurs in `text`.
fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    text.replace(token, "<redacted>")
}

/// A clock for conversation expiry: [`Instant::now`] unless a test sets
/// its own with [`Server::with_clock`].
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// What the handlers share: passed with `dptree::deps!`.
struct State {
    engine: Arc<Engine>,
    conversations: Mutex<Conversations<ChatId>>,
    clock: Mutex<Clock>,
    workers: Semaphore,
    admins: HashSet<u64>,
    max_question_chars: usize,
}

impl State {
    fn is_admin(&self, user: &User) -> bool {
        self.admins.contains(&user.id.0)
    }

    /// Runs a blocking engine call on a worker slot.
    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let _permit = self.workers.acquire().await.ok()?;
        match tokio::task::spawn_blocking(f).await {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::error!(error = %e, "an engine call failed");
                None
            }
        }
    }

    /// Answers `question` within `chat`'s conversation.
    async fn ask(&self, chat: ChatId, question: String) -> Answer {
        let mut conversation = self.conversation(chat).unwrap_or_default();
        let engine = self.engine.clone();
        let q = question.clone();
        match self.blocking(move || {
            let answer = engine.ask(&mut conversation, &q);
            (conversation, answer)
        })
        .await
        {
            Some((conversation, answer)) => {
                let now = self.now();
                self.conversations().put(chat, conversation, now);
                answer
            }
            None => Answer::empty(&question, Status::Unknown, "Something went wrong while looking that up; please try again."),
        }
    }

    /// `chat`'s conversation, unless it has none or it expired.
    fn conversation(&self, chat: ChatId) -> Option<Conversation> {
        let now = self.now();
        self.conversations().get(&chat, now)
    }

    fn conversations(&self) -> std::sync::MutexGuard<'_, Conversations<ChatId>> {
        self.conversations.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> Instant {
        let clock = self.clock.lock().unwrap_or_else(|p| p.into_inner()).clone();
        clock()
    }
}

/// What an incoming message asks of the bot.
#[derive(Clone, Debug)]
enum Request {
    /// A question (mention of the bot already removed).
    Question(String),
    /// One of the bot's commands.
    Command(Command),
    /// A command the bot does not have, addressed to it.
    UnknownCommand(String),
    /// A message without text (sticker, photo, ...) in a private chat.
    NoText,
    /// Addressed to the bot, but with nothing to ask.
    Empty,
}

/// Decides whether `msg` is for this bot, and what it asks.
fn read_request(msg: Message, me: Me) -> Option<Request> {
    // Other bots (but not people posting anonymously or as a channel, who
    // show up as a bot user with a sender chat).
    if msg.from.as_ref().is_some_and(|u| u.is_bot) && msg.sender_chat.is_none() {
        return None;
    }
    let private = msg.chat.is_private();
    if !private && !msg.chat.is_group() && !msg.chat.is_supergroup() {
        return None;
    }
    let Some(text) = msg.text() else {
        return private.then_some(Request::NoText);
    };
    let text = text.trim();
    let username = me.username();
    if let Some(command) = text.strip_prefix('/') {
        let head_len = command.find(char::is_whitespace).unwrap_or(command.len());
        let (head, rest) = command.split_at(head_len);
        let (name, addressee) = match head.split_once('@') {
            Some((n, a)) => (n, Some(a)),
            None => (head, None),
        };
        if addressee.is_some_and(|a| !a.eq_ignore_ascii_case(username)) {
            return None;
        }
        let name = name.to_lowercase();
        return match Command::parse(&format!("/{name} {}", rest.trim()), username) {
            Ok(c) => Some(Request::Command(c)),
            Err(_) if private || addressee.is_some() => Some(Request::UnknownCommand(name)),
            Err(_) => None,
        };
    }
    if private || mentions(&msg, &me) || replies_to(&msg, &me) {
        let question = strip_mention(text, username);
        return Some(if question.is_empty() { Request::Empty } else { Request::Question(question) });
    }
    None
}

/// Whether `msg` @mentions the bot (by username, or a text mention of its id).
fn mentions(msg: &Message, me: &Me) -> bool {
    let by_entity = msg.parse_entities().is_some_and(|es| {
        es.iter().any(|e| match e.kind() {
            MessageEntityKind::Mention => e.text().trim_start_matches('@').eq_ignore_ascii_case(me.username()),
            MessageEntityKind::TextMention { user } => user.id == me.id,
            _ => false,
        })
    });
    by_entity || msg.text().is_some_and(|t| !mention_spans(t, me.username()).is_empty())
}

/// Whether `msg` replies to one of the bot's messages.
fn replies_to(msg: &Message, me: &Me) -> bool {
    msg.reply_to_message().and_then(|m| m.from.as_ref()).is_some_and(|u| u.id == me.id)
}

/// Byte ranges of `@username` in `text` (case-insensitive, whole names).
fn mention_spans(text: &str, username: &str) -> Vec<(usize, usize)> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let name_start = at + 1;
        let name_len = text[name_start..].find(|c: char| !is_name(c)).unwrap_or(text.len() - name_start);
        if name_len > 0 && text[name_start..name_start + name_len].eq_ignore_ascii_case(username) {
            out.push((at, name_start + name_len));
        }
    }
    out
}

/// The text without the bot's @mentions and the punctuation that addresses
/// it ("@factbot, who ...").
fn strip_mention(text: &str, username: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in mention_spans(text, username) {
        out.push_str(&text[last..start]);
        last = end;
    }
    out.push_str(&text[last..]);
    out.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';')).to_string()
}

/// How long `c` is once escaped, in UTF-16 code units.
fn escaped_len(c: char) -> usize {
    match c {
        '&' => 5,
        '<' | '>' => 4,
        c => c.len_utf16(),
    }
}

fn html_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Splits plain `text` into pieces whose escaped length is at most `limit`,
/// cutting at the last line break (if it is past the middle of the piece),
/// else at the last whitespace, else anywhere between characters. Blank
/// pieces are dropped.
fn split_plain(text: &str, limit: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let mut used = 0;
        let mut fit = rest.len();
        let mut last_newline = None;
        let mut last_space = None;
        for (i, c) in rest.char_indices() {
            let w = escaped_len(c);
            if used + w > limit {
                fit = i;
                break;
            }
            used += w;
            if c == '\n' && i > 0 && used > limit / 2 {
                last_newline = Some(i);
            }
            if c.is_whitespace() && i > 0 {
                last_space = Some(i);
            }
        }
        if fit == rest.len() {
            if !rest.trim().is_empty() {
                out.push(rest);
            }
            return out;
        }
        let (piece, next) = match last_newline.or(last_space) {
            Some(i) => {
                let sep = rest[i..].chars().next().map_or(1, char::len_utf8);
                (&rest[..i], &rest[i + sep..])
            }
            // One character always fits (limit >= 5), so `fit` > 0.
            None => (&rest[..fit.max(rest.chars().next().map_or(1, char::len_utf8))], &rest[fit.max(1)..]),
        };
        if !piece.trim().is_empty() {
            out.push(piece);
        }
        rest = next;
    }
}

/// Renders a reply as Telegram HTML messages: `text` escaped, then
/// `italic_line` (if any) in italics on its own line; split so that no
/// message is longer than [`MAX_MESSAGE_LEN`]. Returns no messages when both
/// are blank.
pub fn render_html(text: &str, italic_line: &str) -> Vec<String> {
    const ITALIC_TAGS: usize = "<i></i>".len();
    let mut parts: Vec<String> = split_plain(text, MAX_MESSAGE_LEN).into_iter().map(html::escape).collect();
    parts.extend(split_plain(italic_line, MAX_MESSAGE_LEN - ITALIC_TAGS).into_iter().map(|p| format!("<i>{}</i>", html::escape(p))));
    let mut messages: Vec<String> = Vec::new();
    for part in parts {
        match messages.last_mut() {
            Some(m) if html_len(m) + 1 + html_len(&part) <= MAX_MESSAGE_LEN => {
                m.push('\n');
                m.push_str(&part);
            }
            _ => messages.push(part),
        }
    }
    messages
}

/// Renders an answer: the reply, then its source line in italics.
pub fn render_answer(answer: &Answer) -> Vec<String> {
    render_html(&answer.reply, &crate::answer::render::source_line(answer))
}

/// A question the store answers, for hints ("for example: ..."), or a
/// generic one when none is found.
async fn example(state: &State) -> String {
    let engine = state.engine.clone();
    state.blocking(move || engine.examples(1)).await.and_then(|e| e.into_iter().next()).unwrap_or_else(|| "Tell me about X".into())
}

/// The dispatch tree: messages only; [`read_request`] decides whether a
/// message is for this bot, [`respond`] answers it.
fn schema() -> UpdateHandler<HandlerError> {
    Update::filter_message().filter_map(read_request).endpoint(respond)
}

async fn respond(bot: TgBot, msg: Message, me: Me, request: Request, state: Arc<State>) -> HandlerResult {
    let chat = msg.chat.id;
    let user_id = msg.from.as_ref().map(|u| u.id.0);
    let started = Instant::now();
    let messages = match request {
        Request::Question(q) => question(&state, chat, user_id, q).await,
        Request::Command(Command::Ask(q)) if q.trim().is_empty() => {
            plain(format!("Ask me something after /ask, for example: /ask {}", example(&state).await))
        }
        Request::Command(Command::Ask(q)) => question(&state, chat, user_id, q.trim().to_string()).await,
        Request::Command(Command::Start) => plain(format!("Hello! {}", help_text(&msg, &me))),
        Request::Command(Command::Help) => plain(help_text(&msg, &me)),
        Request::Command(Command::Reset) => {
            state.conversations().remove(&chat);
            tracing::debug!(chat_id = chat.0, "conversation reset");
            plain("Conversation reset: I have forgotten what we were talking about.".into())
        }
        Request::Command(Command::Sources) => {
            let last = state.conversation(chat).and_then(|c| c.last_answer);
            let mut text = sources_text(last.as_ref());
            // Retractions are part of where answers come from: the latest few.
            let engine = state.engine.clone();
            if let Some(Ok(rs)) = state.blocking(move || engine.store().retractions()).await {
                if !rs.is_empty() {
                    text.push_str("\n\nRecently retracted:");
                    for r in rs.iter().rev().take(5) {
                        text.push_str(&format!("\n- {} (by {} on {})", r.fact, r.who, r.when));
                    }
                }
            }
            plain(text)
        }
        Request::Command(Command::About) => {
            let engine = state.engine.clone();
            match state.blocking(move || engine.about()).await {
                Some(Ok(text)) => plain(text),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "about failed");
                    plain("Sorry, I could not read my store just now; please try again.".into())
                }
                None => plain("Sorry, something went wrong; please try again.".into()),
            }
        }
        Request::Command(Command::Teach(text)) => change(&state, &msg, Change::Teach, text).await,
        Request::Command(Command::Forget(text)) => change(&state, &msg, Change::Forget, text).await,
        Request::UnknownCommand(name) => plain(format!("I don't know the command /{name}. Try /help.")),
        Request::NoText => plain(format!("I can only read text. Ask me a question in words, for example: {}", example(&state).await)),
        Request::Empty => plain(format!("Yes? Ask me a question, for example: {}", example(&state).await)),
    };
    send(&bot, &msg, &messages).await?;
    tracing::debug!(chat_id = chat.0, parts = messages.len(), elapsed_ms = started.elapsed().as_millis() as u64, "replied");
    Ok(())
}

fn plain(text: String) -> Vec<String> {
    render_html(&text, "")
}

fn help_text(msg: &Message, me: &Me) -> String {
    let descriptions = Command::descriptions();
    if msg.chat.is_private() {
        descriptions.to_string()
    } else {
        descriptions.username_from_me(me).to_string()
    }
}

async fn question(state: &State, chat: ChatId, user_id: Option<u64>, q: String) -> Vec<String> {
    let chars = q.chars().count();
    if chars > state.max_question_chars {
        tracing::info!(chat_id = chat.0, user_id, chars, "question refused: too long");
        return plain(format!(
            "That is too long for a question ({chars} characters; the limit is {}). Please ask something shorter.",
            state.max_question_chars
        ));
    }
    let started = Instant::now();
    let answer = state.ask(chat, q).await;
    tracing::info!(
        chat_id = chat.0,
        user_id,
        chars,
        status = ?answer.status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "question answered"
    );
    let messages = render_answer(&answer);
    if messages.is_empty() {
        plain("I don't know.".into())
    } else {
        messages
    }
}

#[derive(Clone, Copy)]
enum Change {
    Teach,
    Forget,
}

/// `/teach` and `/forget`: admins only; logged with who and when.
async fn change(state: &State, msg: &Message, what: Change, text: String) -> Vec<String> {
    let (command, action) = match what {
        Change::Teach => ("teach", "teach me facts"),
        Change::Forget => ("forget", "make me forget facts"),
    };
    let chat_id = msg.chat.id.0;
    let Some(user) = msg.from.as_ref() else {
        return plain(format!("Sorry, only the bot's admins can {action}."));
    };
    let user_id = user.id.0;
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    if !state.is_admin(user) {
        tracing::warn!(command, user_id, chat_id, at, "refused: not an admin");
        return plain(format!("Sorry, only the bot's admins can {action}. You can still ask me questions."));
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return plain(match what {
            Change::Teach => {
                "Tell me the fact after /teach, for example: /teach Wang Wu heads the robotics lab, or /teach Qwen 3 was released in April 2025".into()
            }
            Change::Forget => "Tell me the fact after /forget, for example: /forget Wang Wu heads the robotics lab".into(),
        });
    }
    if text.chars().count() > state.max_question_chars {
        return plain(format!("That is too long for one fact (the limit is {} characters).", state.max_question_chars));
    }
    let who = match &user.username {
        Some(u) => format!("@{u}"),
        None => format!("{} (id {user_id})", user.full_name()),
    };
    let engine = state.engine.clone();
    let (w, t) = (who.clone(), text.clone());
    // A /teach naming something new close to a known name waits for the
    // same /teach again: that is kept in the chat's conversation.
    let chat = msg.chat.id;
    let mut conversation = state.conversation(chat).unwrap_or_default();
    let result = state
        .blocking(move || {
            let r = match what {
                Change::Teach => engine.teach(&mut conversation, &t, &w),
                Change::Forget => engine.forget(&t, &w),
            };
            (conversation, r)
        })
        .await
        .map(|(conversation, r)| {
            let now = state.now();
            state.conversations().put(chat, conversation, now);
            r
        })
        .unwrap_or_else(|| Err("Something went wrong; nothing was changed.".into()));
    match result {
        Ok(reply) => {
            tracing::info!(command, user_id, who = %who, chat_id, at, statement = %text, "store changed");
            plain(reply)
        }
        Err(reason) => {
            tracing::info!(command, user_id, who = %who, chat_id, at, statement = %text, reason = %reason, "store unchanged");
            plain(reason)
        }
    }
}

/// Sends the parts of a reply; in groups the first part replies to the
/// question, so it is clear whom it answers.
async fn send(bot: &TgBot, msg: &Message, messages: &[String]) -> Result<(), RequestError> {
    for (i, text) in messages.iter().enumerate() {
        let mut request = bot.send_message(msg.chat.id, text).parse_mode(ParseMode::Html);
        if msg.is_topic_message {
            if let Some(thread) = msg.thread_id {
                request = request.message_thread_id(thread);
            }
        }
        if i == 0 && !msg.chat.is_private() {
            request = request.reply_parameters(ReplyParameters::new(msg.id).allow_sending_without_reply());
        }
        request.await?;
    }
    Ok(())
}

/// Logs errors through tracing, with the token redacted.
struct LogErrors {
    token: String,
    what: &'static str,
}

impl<E: Into<HandlerError>> ErrorHandler<E> for LogErrors {
    fn handle_error(self: Arc<Self>, error: E) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let error: HandlerError = error.into();
        let text = describe(&*error, &self.token);
        tracing::warn!(error = %text, "{}", self.what);
        Box::pin(async {})
    }
}

/// Stops a running [`Server`]: polling stops, replies in flight are
/// finished, then [`Server::run`] returns.
#[derive(Clone)]
pub struct ShutdownHandle {
    dispatcher: ShutdownToken,
    listener: StopToken,
}

impl ShutdownHandle {
    /// Asks the server to stop; returns at once. Safe to call more than
    /// once, and before the server has started (it then stops as soon as it
    /// starts).
    pub fn shutdown(&self) {
        // The dispatcher's token only works while it is dispatching, and a
        // shutdown that lands while it is busy with an update can be missed;
        // stopping the listener as well ends the update stream in any case.
        let _ = self.dispatcher.shutdown();
        self.listener.stop();
    }
}

/// The Telegram daemon, ready to run.
pub struct Server {
    dispatcher: Dispatcher<TgBot, HandlerError, DefaultKey>,
    state: Arc<State>,
    listener: Polling<TgBot>,
    bot: TgBot,
    shutdown: ShutdownHandle,
    token: String,
    api_url: String,
    workers: usize,
    admins: usize,
}

impl Server {
    /// Builds the bot (throttled), the long-polling listener and the
    /// dispatcher. No network traffic yet. Must be called within a Tokio
    /// runtime.
    pub fn new(engine: Arc<Engine>, config: &Config, settings: Settings) -> anyhow::Result<Server> {
        let bot = make_bot(&settings.token, &settings.api_url)?.throttle(Limits::default());
        let workers = config.telegram.workers.max(1);
        let state = Arc::new(State {
            engine,
            conversations: Mutex::new(Conversations::new(config.telegram.conversation_idle(), config.telegram.max_conversations)),
            clock: Mutex::new(Arc::new(Instant::now)),
            workers: Semaphore::new(workers),
            admins: settings.admins.iter().copied().collect(),
            max_question_chars: config.telegram.max_question_chars.max(1),
        });
        let mut listener = Polling::builder(bot.clone()).timeout(POLL_TIMEOUT).build();
        let dispatcher = Dispatcher::builder(bot.clone(), schema())
            .dependencies(dptree::deps![state.clone()])
            .default_handler(|update| async move {
                tracing::trace!(update_id = update.id.0, "update ignored");
            })
            .error_handler(Arc::new(LogErrors { token: settings.token.clone(), what: "handling an update failed" }))
            .build();
        let shutdown = ShutdownHandle { dispatcher: dispatcher.shutdown_token(), listener: listener.stop_token() };
        Ok(Server {
            dispatcher,
            state,
            listener,
            bot,
            shutdown,
            api_url: settings.api_url.clone(),
            token: settings.token,
            workers,
            admins: settings.admins.len(),
        })
    }

    /// Uses `clock` instead of the system's for conversation expiry (for
    /// tests: expiry without waiting).
    pub fn with_clock(self, clock: Clock) -> Server {
        *self.state.clock.lock().unwrap_or_else(|p| p.into_inner()) = clock;
        self
    }

    /// A handle that stops [`Server::run`].
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Checks the token (getMe), removes a webhook if one is set, registers
    /// the command menu, then polls and answers until shut down.
    pub async fn run(self) -> anyhow::Result<()> {
        let Server { mut dispatcher, state: _, listener, bot, shutdown: _, token, api_url, workers, admins } = self;
        let me = bot.get_me().await.map_err(|e| {
            anyhow::anyhow!("could not start the Telegram bot: getMe at {api_url} failed: {}", describe(&e, &token))
        })?;
        match bot.get_webhook_info().await {
            Ok(info) if info.url.is_some() => {
                tracing::info!("a webhook is set; deleting it to use long polling");
                if let Err(e) = bot.delete_webhook().await {
                    tracing::warn!(error = %describe(&e, &token), "deleting the webhook failed");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %describe(&e, &token), "getWebhookInfo failed"),
        }
        if let Err(e) = bot.set_my_commands(Command::bot_commands()).await {
            tracing::warn!(error = %describe(&e, &token), "registering the command menu failed");
        }
        tracing::info!(bot = %me.username(), bot_id = me.id.0, api_url = %api_url, workers, admins, "Telegram bot started (long polling)");
        let listener_errors = Arc::new(LogErrors { token: token.clone(), what: "getting updates failed" });
        dispatcher
            .try_dispatch_with_listener(listener, listener_errors)
            .await
            .map_err(|e| anyhow::anyhow!("the Telegram bot stopped: {}", describe(&e, &token)))?;
        tracing::info!("Telegram bot stopped; replies in flight were finished");
        Ok(())
    }
}

/// Runs the bot with explicit settings until SIGINT or SIGTERM: polling
/// stops, replies in flight are finished, then it returns `Ok`. A second
/// signal during that exits the process at once (status 130).
pub async fn serve_with(engine: Arc<Engine>, config: Config, settings: Settings) -> anyhow::Result<()> {
    let server = Server::new(engine, &config, settings)?;
    let handle = server.shutdown_handle();
    let signals = tokio::spawn(async move {
        match wait_for_signal().await {
            Ok(name) => {
                tracing::info!(signal = name, "shutting down: finishing replies in flight (signal again to exit at once)");
                handle.shutdown();
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for signals; stop the bot with SIGKILL");
                return;
            }
        }
        if let Ok(name) = wait_for_signal().await {
            tracing::warn!(signal = name, "second signal: exiting without finishing replies in flight");
            std::process::exit(130);
        }
    });
    let result = server.run().await;
    signals.abort();
    result
}

/// Waits for SIGINT or (on Unix) SIGTERM; returns the signal's name.
async fn wait_for_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => Ok("SIGTERM"),
            _ = int.recv() => Ok("SIGINT"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await?;
        Ok("Ctrl-C")
    }
}
