//! The Telegram channel end to end: the real teloxide client, in its real
//! long-polling loop, against a fake Bot API server that each test starts
//! on 127.0.0.1.
//!
//! The fake serves queued updates on getUpdates (respecting the offset and
//! long-polling while there are none), records sendMessage calls and answers
//! them with a valid Message. Tests wait for what they expect with a
//! deadline instead of sleeping. To check that a message is *ignored*, a
//! test sends it and then a message that is answered, to the same chat:
//! updates of one chat are handled in order, so once the second is answered
//! the first has been handled too.
//!
//! Most assertions hold whatever the engine answers; teaching is tested
//! through the real statement reader.

use factbot::channel::console::sources_text;
use factbot::channel::telegram::{render_html, Clock, Server, Settings, ShutdownHandle, ADMINS_VAR, API_URL_VAR, MAX_MESSAGE_LEN, TOKEN_VAR};
use factbot::config::Config;
use factbot::engine::Engine;
use factbot::knowledge::{Reliability, Source};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teloxide::utils::html::escape;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const TOKEN: &str = "123456789:AAtest-Token_forTheFakeBotApi0123456";
const BOT_ID: i64 = 7_000_001;
const BOT_USERNAME: &str = "factbot_test_bot";
const ADMIN: i64 = 42;
/// How long a test waits for something it expects before failing.
const WAIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// The fake Bot API.

/// One recorded sendMessage call.
#[derive(Debug, Clone)]
struct Sent {
    chat_id: i64,
    text: String,
    parse_mode: Option<String>,
    reply_to: Option<i64>,
}

#[derive(Default)]
struct Inner {
    /// Updates not yet confirmed by an offset.
    queue: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    /// The highest update id handed out by getUpdates.
    delivered: i64,
    /// Method names called, lowercased.
    calls: Vec<String>,
    /// sendMessage requests received (answered or held).
    send_requests: usize,
    sent: Vec<Sent>,
    /// While set, sendMessage requests are held unanswered.
    hold_sends: bool,
}

struct Fake {
    inner: Mutex<Inner>,
    /// Bumped on every change, to wake waiters.
    version: watch::Sender<u64>,
    addr: SocketAddr,
}

impl Fake {
    async fn start() -> Arc<Fake> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Bot API");
        let addr = listener.local_addr().unwrap();
        let fake = Arc::new(Fake {
            inner: Mutex::new(Inner { next_update_id: 1, next_message_id: 1, ..Inner::default() }),
            version: watch::channel(0).0,
            addr,
        });
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let f = f.clone();
                tokio::spawn(async move {
                    let _ = f.connection(stream).await;
                });
            }
        });
        fake
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    /// Waits until `f` returns something, or fails the test after [`WAIT`].
    async fn wait_for<T>(&self, what: &str, mut f: impl FnMut(&Inner) -> Option<T>) -> T {
        let mut rx = self.version.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            rx.borrow_and_update();
            if let Some(v) = f(&self.lock()) {
                return v;
            }
            if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
                panic!("timed out waiting for {what}; sent so far: {:#?}", self.lock().sent);
            }
        }
    }

    /// Waits until `chat` has been sent at least `n` messages; returns them all.
    async fn wait_sent_to(&self, chat: i64, n: usize) -> Vec<Sent> {
        self.wait_for(&format!("{n} messages to chat {chat}"), |i| {
            let to: Vec<Sent> = i.sent.iter().filter(|s| s.chat_id == chat).cloned().collect();
            (to.len() >= n).then_some(to)
        })
        .await
    }

    /// Waits until a message to `chat` contains `needle`; returns all
    /// messages to `chat` so far.
    async fn wait_text_in(&self, chat: i64, needle: &str) -> Vec<Sent> {
        self.wait_for(&format!("a message to chat {chat} containing {needle:?}"), |i| {
            let to: Vec<Sent> = i.sent.iter().filter(|s| s.chat_id == chat).cloned().collect();
            to.iter().any(|s| s.text.contains(needle)).then_some(to)
        })
        .await
    }

    async fn wait_polling(&self) {
        self.wait_for("the bot to poll for updates", |i| i.calls.iter().any(|c| c == "getupdates").then_some(())).await
    }

    fn sent_to(&self, chat: i64) -> Vec<Sent> {
        self.lock().sent.iter().filter(|s| s.chat_id == chat).cloned().collect()
    }

    fn set_hold_sends(&self, hold: bool) {
        self.lock().hold_sends = hold;
        self.bump();
    }

    /// Queues a message update; `content` holds the message's own fields
    /// (`text`, `sticker`, `reply_to_message`, ...). Returns its message id.
    fn push(&self, chat: i64, from: i64, content: Value) -> i64 {
        let mut inner = self.lock();
        let message_id = inner.next_message_id;
        inner.next_message_id += 1;
        let update_id = inner.next_update_id;
        inner.next_update_id += 1;
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat_json(chat),
            "from": user_json(from),
        });
        for (k, v) in content.as_object().expect("content is an object") {
            message[k] = v.clone();
        }
        inner.queue.push(json!({ "update_id": update_id, "message": message }));
        drop(inner);
        self.bump();
        message_id
    }

    fn push_text(&self, chat: i64, from: i64, text: &str) -> i64 {
        self.push(chat, from, json!({ "text": text }))
    }

    /// Serves one keep-alive HTTP/1.1 connection.
    async fn connection(self: Arc<Self>, stream: TcpStream) -> std::io::Result<()> {
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (mut length, mut chunked) = (0usize, false);
            loop {
                let mut header = String::new();
                if r.read_line(&mut header).await? == 0 {
                    return Ok(());
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((k, v)) = header.split_once(':') {
                    match k.trim().to_ascii_lowercase().as_str() {
                        "content-length" => length = v.trim().parse().unwrap_or(0),
                        "transfer-encoding" => chunked = v.trim().eq_ignore_ascii_case("chunked"),
                        _ => {}
                    }
                }
            }
            let body = if chunked {
                read_chunked(&mut r).await?
            } else {
                let mut b = vec![0; length];
                r.read_exact(&mut b).await?;
                b
            };
            let (status, reply) = self.handle(&path, &body).await;
            let reply = reply.to_string();
            let head = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", reply.len());
            w.write_all(head.as_bytes()).await?;
            w.write_all(reply.as_bytes()).await?;
            w.flush().await?;
        }
    }

    async fn handle(&self, path: &str, body: &[u8]) -> (&'static str, Value) {
        let params: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let Some((token, method)) = path.rsplit_once("/bot").and_then(|(_, rest)| rest.split_once('/')) else {
            return ("404 Not Found", json!({ "ok": false, "error_code": 404, "description": "Not Found" }));
        };
        if token != TOKEN {
            return ("401 Unauthorized", json!({ "ok": false, "error_code": 401, "description": "Unauthorized" }));
        }
        let method = method.to_ascii_lowercase();
        self.lock().calls.push(method.clone());
        self.bump();
        let result = match method.as_str() {
            "getme" => json!({
                "id": BOT_ID,
                "is_bot": true,
                "first_name": "Factbot",
                "username": BOT_USERNAME,
                "can_join_groups": true,
                "can_read_all_group_messages": false,
                "supports_inline_queries": false,
                "has_main_web_app": false,
            }),
            "getwebhookinfo" => json!({ "url": "", "has_custom_certificate": false, "pending_update_count": 0 }),
            "getupdates" => self.get_updates(&params).await,
            "sendmessage" => self.send_message(&params).await,
            _ => json!(true),
        };
        ("200 OK", json!({ "ok": true, "result": result }))
    }

    async fn get_updates(&self, params: &Value) -> Value {
        let offset = params["offset"].as_i64().unwrap_or(0);
        let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
        let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.version.subscribe();
        loop {
            rx.borrow_and_update();
            {
                let mut inner = self.lock();
                inner.queue.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                let batch: Vec<Value> = inner.queue.iter().take(limit).cloned().collect();
                if !batch.is_empty() || timeout.is_zero() {
                    if let Some(last) = batch.last().and_then(|u| u["update_id"].as_i64()) {
                        inner.delivered = inner.delivered.max(last);
                    }
                    return Value::Array(batch);
                }
            }
            if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
                return json!([]);
            }
        }
    }

    async fn send_message(&self, params: &Value) -> Value {
        self.lock().send_requests += 1;
        self.bump();
        self.wait_for("sendMessage to be released", |i| (!i.hold_sends).then_some(())).await;
        let chat_id = params["chat_id"].as_i64().expect("sendMessage has a numeric chat_id");
        let text = params["text"].as_str().expect("sendMessage has text").to_string();
        let sent = Sent {
            chat_id,
            text: text.clone(),
            parse_mode: params["parse_mode"].as_str().map(str::to_string),
            reply_to: params["reply_parameters"]["message_id"].as_i64(),
        };
        let message_id = {
            let mut inner = self.lock();
            inner.sent.push(sent);
            inner.next_message_id += 1;
            inner.next_message_id - 1
        };
        self.bump();
        json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat_json(chat_id),
            "from": bot_json(),
            "text": text,
        })
    }
}

async fn read_chunked(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        r.read_line(&mut size).await?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        let mut chunk = vec![0; size + 2];
        r.read_exact(&mut chunk).await?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

fn chat_json(id: i64) -> Value {
    if id > 0 {
        json!({ "id": id, "type": "private", "first_name": "User" })
    } else if id <= -1_000_000_000_000 {
        json!({ "id": id, "type": "supergroup", "title": "Test supergroup" })
    } else {
        json!({ "id": id, "type": "group", "title": "Test group" })
    }
}

fn user_json(id: i64) -> Value {
    let username = if id == ADMIN { "admin".to_string() } else { format!("user{id}") };
    json!({ "id": id, "is_bot": false, "first_name": "User", "last_name": id.to_string(), "username": username })
}

fn bot_json() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "Factbot", "username": BOT_USERNAME })
}

// ---------------------------------------------------------------------------
// Running the bot.

/// A bot served against a fresh fake, over an engine in a temp directory.
struct Running {
    fake: Arc<Fake>,
    engine: Arc<Engine>,
    config: Config,
    handle: ShutdownHandle,
    task: JoinHandle<anyhow::Result<()>>,
    dir: tempfile::TempDir,
}

/// Opens the engine on `dir/db`. After a restart in the same process,
/// sled releases the previous handle's file lock from a background thread,
/// so the open is retried briefly while the lock is still held.
fn open_engine(dir: &std::path::Path) -> Arc<Engine> {
    let config = Config::load(None).expect("load the config");
    for _ in 0..100 {
        match Engine::open(&config, Some(&dir.join("db"))) {
            Err(e) if format!("{e:#}").contains("could not acquire lock") => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return Arc::new(other.expect("open the engine")),
        }
    }
    Arc::new(Engine::open(&config, Some(&dir.join("db"))).expect("open the engine"))
}

fn settings(fake: &Fake) -> Settings {
    Settings { token: TOKEN.into(), api_url: fake.url(), admins: vec![ADMIN as u64] }
}

impl Running {
    async fn start() -> Running {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = open_engine(dir.path());
        Self::start_with(engine, dir).await
    }

    async fn start_with(engine: Arc<Engine>, dir: tempfile::TempDir) -> Running {
        let config = Config::load(None).expect("load the config");
        Self::start_configured(engine, dir, config, None).await
    }

    /// With its own configuration, and optionally a clock for conversation
    /// expiry.
    async fn start_configured(engine: Arc<Engine>, dir: tempfile::TempDir, config: Config, clock: Option<Clock>) -> Running {
        let fake = Fake::start().await;
        let mut server = Server::new(engine.clone(), &config, settings(&fake)).expect("build the server");
        if let Some(clock) = clock {
            server = server.with_clock(clock);
        }
        let handle = server.shutdown_handle();
        let task = tokio::spawn(server.run());
        fake.wait_polling().await;
        Running { fake, engine, config, handle, task, dir }
    }

    /// Shuts the bot down; it must return Ok promptly.
    async fn stop(self) -> (Arc<Engine>, tempfile::TempDir) {
        self.handle.shutdown();
        let result = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        result.expect("serve returns promptly after shutdown").expect("serve does not panic").expect("serve returns Ok");
        for s in self.fake.lock().sent.iter() {
            check_html(s);
        }
        (self.engine, self.dir)
    }
}

/// Every reply is Telegram HTML: escaped text, at most `<i>` tags, within
/// the length limit, never empty.
fn check_html(s: &Sent) {
    assert_eq!(s.parse_mode.as_deref(), Some("HTML"), "{s:?}");
    assert!(!s.text.trim().is_empty(), "empty message: {s:?}");
    assert!(s.text.chars().count() <= MAX_MESSAGE_LEN, "too long: {} chars", s.text.chars().count());
    assert!(s.text.encode_utf16().count() <= MAX_MESSAGE_LEN);
    let bare = s.text.replace("<i>", "").replace("</i>", "");
    assert!(!bare.contains('<') && !bare.contains('>'), "unescaped markup in {:?}", s.text);
    for (at, _) in bare.match_indices('&') {
        let rest = &bare[at..];
        assert!(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;"), "bare & in {:?}", s.text);
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn mention() -> String {
    format!("@{BOT_USERNAME}")
}

// ---------------------------------------------------------------------------
// Tests.

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn private_message_is_answered_in_its_chat() {
    let bot = Running::start().await;
    bot.fake.push_text(1001, 1001, "Who owns TikTok?");
    bot.fake.push_text(1002, 1002, "What is <b>this</b> & that?");
    let a = bot.fake.wait_sent_to(1001, 1).await;
    let b = bot.fake.wait_sent_to(1002, 1).await;
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_eq!(a[0].reply_to, None, "private replies are not threaded");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_answers_only_what_is_addressed_to_the_bot() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let user = 501;

    // Ignored: another bot's commands, chatter, a reply to someone else.
    let g1 = -1001;
    fake.push_text(g1, user, "/ask@otherbot Who owns TikTok?");
    fake.push_text(g1, user, "just chatting about lunch");
    fake.push_text(g1, user, "/help@otherbot");
    fake.push_text(g1, user, &format!("@{BOT_USERNAME}_fan club meets today"));
    fake.push(g1, user, json!({ "text": "I agree", "reply_to_message": {
        "message_id": 900, "date": now(), "chat": chat_json(g1), "from": user_json(502), "text": "Lunch?" } }));
    let asked = fake.push_text(g1, user, "/ask Who owns TikTok?");

    // Answered: /ask@thisbot, @mentions (entity or plain text, any case),
    // replies to the bot, /ask in a supergroup.
    let g2 = -1002;
    let ask_at = fake.push_text(g2, user, &format!("/ask@{BOT_USERNAME} Who owns TikTok?"));
    let g3 = -1003;
    let text = format!("{} who owns TikTok?", mention());
    let mentioned = fake.push(g3, user, json!({ "text": text,
        "entities": [{ "type": "mention", "offset": 0, "length": mention().len() }] }));
    let g4 = -1004;
    let mentioned_plain = fake.push_text(g4, user, &format!("Hey {}, who owns TikTok?", mention().to_uppercase()));
    let g5 = -1005;
    let replied = fake.push(g5, user, json!({ "text": "And who founded it?", "reply_to_message": {
        "message_id": 901, "date": now(), "chat": chat_json(g5), "from": bot_json(), "text": "ByteDance." } }));
    let g6 = -1_001_234_567_890;
    let in_supergroup = fake.push_text(g6, user, "/ask Who owns TikTok?");

    for (chat, message) in [(g1, asked), (g2, ask_at), (g3, mentioned), (g4, mentioned_plain), (g5, replied), (g6, in_supergroup)] {
        let sent = fake.wait_sent_to(chat, 1).await;
        assert_eq!(sent.len(), 1, "chat {chat}: {sent:#?}");
        assert_eq!(sent[0].reply_to, Some(message), "chat {chat}: the reply quotes the question");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn non_admins_cannot_teach_or_forget() {
    let bot = Running::start().await;
    let mut before = Vec::new();
    bot.engine.store().export(&mut before).unwrap();

    bot.fake.push_text(6001, 6001, "/teach Wang Wu heads the robotics lab");
    bot.fake.push_text(-6002, 6003, &format!("/forget@{BOT_USERNAME} Wang Wu heads the robotics lab"));
    for chat in [6001, -6002] {
        let sent = bot.fake.wait_sent_to(chat, 1).await;
        assert!(sent[0].text.contains("only the bot's admins"), "{sent:#?}");
    }

    let mut after = Vec::new();
    bot.engine.store().export(&mut after).unwrap();
    assert!(before == after, "the store changed after a refused /teach or /forget");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admin_commands_always_get_a_reply() {
    // Holds before the statement reader lands: a confirmation or a reason.
    let bot = Running::start().await;
    bot.fake.push_text(-7001, ADMIN, "/teach");
    bot.fake.push_text(ADMIN, ADMIN, "/teach Wang Wu heads the robotics lab");
    bot.fake.push_text(-7002, ADMIN, "/forget@factbot_test_bot Nobody heads nothing");
    assert!(bot.fake.wait_sent_to(-7001, 1).await[0].text.contains("after /teach"));
    bot.fake.wait_sent_to(ADMIN, 1).await;
    bot.fake.wait_sent_to(-7002, 1).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admin_teaches_and_forgets() {
    let bot = Running::start().await;
    bot.fake.push_text(ADMIN, ADMIN, "/teach Wang Wu heads the robotics lab");
    let sent = bot.fake.wait_sent_to(ADMIN, 1).await;
    assert!(sent[0].text.starts_with("Noted"), "{sent:#?}");
    assert!(sent[0].text.contains("taught by @admin"), "{sent:#?}");
    assert!(sent[0].text.contains("Robotics Lab"), "the kind noun is part of the new name: {sent:#?}");
    let taught: Vec<Source> = bot.engine.store().sources().map(Result::unwrap).filter(|s| s.reliability == Reliability::Taught).collect();
    assert_eq!(taught.len(), 1, "{taught:#?}");
    assert!(taught[0].outlet.contains("@admin"), "the source names who taught it: {taught:#?}");

    bot.fake.push_text(ADMIN, ADMIN, "/forget Wang Wu heads the robotics lab");
    let sent = bot.fake.wait_sent_to(ADMIN, 2).await;
    assert!(sent[1].text.starts_with("Forgotten"), "{sent:#?}");
    // The retraction is recorded with who did it, and shown by /sources and /about.
    let rs = bot.engine.store().retractions().unwrap();
    assert_eq!(rs.len(), 1, "{rs:#?}");
    assert_eq!(rs[0].who, "@admin");
    assert_eq!(rs[0].removed, 1);
    bot.fake.push_text(ADMIN, ADMIN, "/sources");
    let sent = bot.fake.wait_sent_to(ADMIN, 3).await;
    assert!(sent[2].text.contains("Recently retracted") && sent[2].text.contains("Wang Wu") && sent[2].text.contains("@admin"), "{sent:#?}");
    bot.fake.push_text(ADMIN, ADMIN, "/about");
    let sent = bot.fake.wait_sent_to(ADMIN, 4).await;
    assert!(sent[3].text.contains("Retracted:") && sent[3].text.contains("@admin"), "{sent:#?}");
    bot.stop().await;
}

/// Issue 9: /teach takes names exactly as written. A new name close to a
/// known one is asked about and nothing changes; the same /teach again in
/// the same chat confirms it as a new entity; the known entity is never
/// given the fact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn teach_takes_names_exactly_and_confirms_a_near_miss_first() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let store = bot.engine.store();
    let export = || {
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        out
    };
    let before = export();
    let jeff_before = store.facts_about("jeff-zhang", None).unwrap();
    let teach = "/teach Zhang Sanfeng leads the quantum computing unit";

    let r = reply(fake, ADMIN, ADMIN, teach).await;
    assert!(r.contains("Did you mean Jeff Zhang (Zhang Jianfeng), or a new person named Zhang Sanfeng?"), "{r}");
    assert!(r.contains(&format!("Reply with {teach} again to confirm")), "{r}");
    assert!(!r.starts_with("Noted"), "{r}");
    assert!(export() == before, "a near miss changed the store");

    // Another chat, and another statement in between, do not confirm it.
    let group = -9201;
    let r = reply(fake, group, ADMIN, teach).await;
    assert!(r.contains("Did you mean Jeff Zhang"), "the confirmation is per chat: {r}");
    let r = reply(fake, group, ADMIN, "/teach Zhang Sanfeng heads the quantum computing unit").await;
    assert!(r.contains("Did you mean Jeff Zhang"), "{r}");
    let r = reply(fake, group, ADMIN, teach).await;
    assert!(r.contains("Did you mean Jeff Zhang"), "another /teach in between starts over: {r}");
    assert!(export() == before, "unconfirmed statements changed the store");

    // The same /teach again in the same chat: a new person.
    let r = reply(fake, ADMIN, ADMIN, teach).await;
    assert!(r.starts_with("Noted: Zhang Sanfeng leads"), "{r}");
    assert!(!r.contains("Jeff Zhang"), "{r}");
    let new = store.entity("zhang-sanfeng").unwrap().expect("a new entity");
    assert_eq!((new.name.as_str(), new.kind.as_str()), ("Zhang Sanfeng", "person"));
    assert_eq!(store.facts_about("jeff-zhang", None).unwrap(), jeff_before, "Jeff Zhang was given no fact");
    assert_eq!(store.facts_about("zhang-sanfeng", None).unwrap().len(), 1);
    let r = reply(fake, 9202, 9202, "Who leads the quantum computing unit?").await;
    assert!(r.contains("Zhang Sanfeng") && !r.contains("Jeff Zhang"), "{r}");

    // A name with no near miss is new at once; a known name is used as written.
    let r = reply(fake, ADMIN, ADMIN, "/teach Wang Wu heads the robotics lab").await;
    assert!(r.starts_with("Noted: Wang Wu"), "{r}");
    bot.stop().await;
}

/// Issue 9: /forget takes names exactly as written: a near miss of a known
/// name retracts nothing (the known name is suggested), and the real fact
/// stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forget_takes_names_exactly() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let store = bot.engine.store();
    let mut before = Vec::new();
    store.export(&mut before).unwrap();

    let r = reply(fake, ADMIN, ADMIN, "/forget Weiguang Lu leads Alibaba's public cloud division").await;
    assert!(r.starts_with("I have no fact that says Weiguang Lu leads"), "{r}");
    assert!(r.contains("Weiguang Liu") && r.contains("exact name"), "the known name is suggested: {r}");
    let mut after = Vec::new();
    store.export(&mut after).unwrap();
    assert!(before == after, "a near miss retracted something");
    assert!(store.retractions().unwrap().is_empty());
    let r = reply(fake, 9301, 9301, "Who leads Alibaba's public cloud division?").await;
    assert!(r.contains("Weiguang Liu"), "the real fact stays: {r}");

    // An unknown name with nothing close: simply no such fact.
    let r = reply(fake, ADMIN, ADMIN, "/forget Xavier Quux leads Alibaba's public cloud division").await;
    assert!(r.starts_with("I have no fact that says Xavier Quux leads") && !r.contains("exact name"), "{r}");
    bot.stop().await;
}

/// Sends `text` to `chat` as `from` and returns the reply (unescaped), the
/// next message sent to that chat.
async fn reply(fake: &Fake, chat: i64, from: i64, text: &str) -> String {
    let before = fake.sent_to(chat).len();
    fake.push_text(chat, from, text);
    let sent = fake.wait_sent_to(chat, before + 1).await;
    unescape(&sent[before..].iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n"))
}

/// Statements whose object is a date or a number, read as the relation's
/// value type in the lexicon says: taught, answered with the taught source,
/// and forgotten however the value is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn admin_teaches_and_forgets_dates_and_numbers() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let asker = 9101;

    let r = reply(fake, ADMIN, ADMIN, "/teach GPT-5 has 2 trillion parameters").await;
    assert!(r.starts_with("Noted: GPT-5 has 2 trillion parameters") && r.contains("taught by @admin"), "{r}");
    let r = reply(fake, ADMIN, ADMIN, "/teach Qwen 3 was released in 2025-04").await;
    assert!(r.starts_with("Noted: Qwen 3 was released in April 2025"), "{r}");
    let r = reply(fake, ADMIN, ADMIN, "/teach The parameter count of Qwen 3 is 235 billion.").await;
    assert!(r.starts_with("Noted: Qwen 3 has 235 billion parameters"), "{r}");

    let r = reply(fake, asker, asker, "How many parameters does GPT-5 have?").await;
    assert!(r.contains("2 trillion") && r.contains("taught by @admin"), "{r}");
    let r = reply(fake, asker, asker, "/sources").await;
    assert!(r.contains("taught by @admin") && r.contains("GPT-5 has 2 trillion parameters"), "/sources shows who taught it and what: {r}");
    let r = reply(fake, asker, asker, "When was Qwen 3 released?").await;
    assert!(r.contains("April 2025"), "{r}");
    let r = reply(fake, asker, asker, "How many parameters does it have?").await;
    assert!(r.contains("235 billion"), "a follow-up about the taught model: {r}");

    // Forgotten however the value is written.
    let r = reply(fake, ADMIN, ADMIN, "/forget Qwen 3 was released in April 2025").await;
    assert!(r.starts_with("Forgotten: Qwen 3 was released in April 2025") && r.contains("@admin"), "{r}");
    let r = reply(fake, ADMIN, ADMIN, "/forget GPT-5's parameter count is 2,000 billion").await;
    assert!(r.starts_with("Forgotten: GPT-5 has 2 trillion parameters"), "{r}");
    let r = reply(fake, ADMIN, ADMIN, "/forget GPT-5 has 2 trillion parameters").await;
    assert!(r.contains("no fact that says GPT-5 has 2 trillion parameters"), "{r}");

    let r = reply(fake, asker, asker, "How many parameters does GPT-5 have?").await;
    assert!(!r.contains("2 trillion"), "{r}");
    let r = reply(fake, asker, asker, "When was Qwen 3 released?").await;
    assert!(!r.contains("April 2025"), "{r}");
    let r = reply(fake, asker, asker, "How many parameters does Qwen 3 have?").await;
    assert!(r.contains("235 billion"), "only what was forgotten is gone: {r}");
    bot.stop().await;
}

/// What cannot be read is refused, naming what was expected, and the store
/// is left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unreadable_dates_and_numbers_are_refused_and_change_nothing() {
    let bot = Running::start().await;
    let mut before = Vec::new();
    bot.engine.store().export(&mut before).unwrap();

    let cases: [(&str, &[&str]); 10] = [
        ("/teach GPT-5 has many parameters", &["\"parameters\" takes a number", "7 billion"]),
        ("/teach Qwen 3 was released in 2025-13", &["\"2025-13\" is not a date", "2024-05-13", "May 2024"]),
        ("/teach Qwen 3 was released on 30 February 2025", &["\"30 February 2025\" is not a date"]),
        ("/teach Qwen 3 was released in spring", &["\"released\" takes a date", "May 2024"]),
        ("/teach Alibaba has 7 billion parameters", &["Alibaba is an organisation", "models"]),
        ("/teach Qwen 3 was released by Alibaba in 2025", &["only one name", "Alibaba"]),
        ("/teach Alibaba split into 6 business units in 2023", &["when a fact held", "leave that out"]),
        ("/teach GPT-5 does not have 2 trillion parameters", &["not what is not"]),
        ("/teach How many parameters does GPT-5 have?", &["question"]),
        ("/forget GPT-6 has 3 trillion parameters", &["no fact that says GPT-6 has 3 trillion parameters"]),
    ];
    for (text, expected) in cases {
        let r = reply(&bot.fake, ADMIN, ADMIN, text).await;
        for e in expected {
            assert!(r.contains(e), "{text}: expected {e:?} in {r:?}");
        }
        assert!(!r.starts_with("Noted") && !r.starts_with("Forgotten"), "{text}: {r}");
    }

    let mut after = Vec::new();
    bot.engine.store().export(&mut after).unwrap();
    assert!(before == after, "the store changed after refused statements");
    bot.stop().await;
}

/// A chat's conversation is forgotten after `conversation_idle_minutes`
/// without a message, and beyond `max_conversations` chats the least
/// recently active one is forgotten. The bot runs on a clock the test
/// moves forward.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conversations_expire_when_idle_and_beyond_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path());
    let mut config = Config::load(None).unwrap();
    config.telegram.conversation_idle_minutes = 60;
    config.telegram.max_conversations = 2;
    let start = Instant::now();
    let elapsed = Arc::new(Mutex::new(Duration::ZERO));
    let e = elapsed.clone();
    let clock: Clock = Arc::new(move || start + *e.lock().unwrap());
    let advance = |minutes: u64| *elapsed.lock().unwrap() += Duration::from_secs(60 * minutes);
    let bot = Running::start_configured(engine, dir, config, Some(clock)).await;
    let fake = &bot.fake;
    let forgotten = sources_text(None);

    // Idle expiry.
    let chat = 9201;
    let r = reply(fake, chat, chat, "Who leads the hybrid cloud unit?").await;
    assert!(r.contains("Jin Li"), "{r}");
    advance(59);
    let r = reply(fake, chat, chat, "Who does he report to?").await;
    assert!(r.contains("Eddie Wu"), "59 idle minutes: still the same conversation: {r}");
    advance(59);
    assert_ne!(reply(fake, chat, chat, "/sources").await, forgotten, "a message restarts the idle time");
    advance(61);
    assert_eq!(reply(fake, chat, chat, "/sources").await, forgotten, "forgotten after 61 idle minutes");
    let r = reply(fake, chat, chat, "Who does he report to?").await;
    assert!(!r.contains("Eddie Wu"), "\"he\" means nothing any more: {r}");

    // The cap: with two conversations kept, a third chat's forgets the
    // least recently active one. The clock stands still meanwhile.
    let (a, b, c) = (9202, 9203, 9204);
    for x in [a, b] {
        reply(fake, x, x, "Who owns TikTok?").await;
    }
    assert_ne!(reply(fake, a, a, "/sources").await, forgotten, "chat a is now more recent than chat b");
    reply(fake, c, c, "Who owns TikTok?").await;
    assert_eq!(reply(fake, b, b, "/sources").await, forgotten, "chat b was the least recently active");
    assert_ne!(reply(fake, a, a, "/sources").await, forgotten);
    assert_ne!(reply(fake, c, c, "/sources").await, forgotten);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn taught_facts_survive_a_restart() {
    let bot = Running::start().await;
    bot.fake.push_text(ADMIN, ADMIN, "/teach Wang Wu heads the robotics lab");
    let sent = bot.fake.wait_sent_to(ADMIN, 1).await;
    assert!(sent[0].text.starts_with("Noted"), "{sent:#?}");
    bot.fake.push_text(2, 2, "Who leads the robotics lab?");
    let before = bot.fake.wait_sent_to(2, 1).await;
    assert!(before[0].text.contains("Wang Wu"), "answered before the restart: {before:#?}");
    let (engine, dir) = bot.stop().await;
    engine.flush().unwrap();
    drop(engine);

    let engine = open_engine(dir.path());
    assert!(engine.store().sources().map(Result::unwrap).any(|s| s.reliability == Reliability::Taught), "the taught source is still stored");
    let bot = Running::start_with(engine, dir).await;
    bot.fake.push_text(1, 1, "Who leads the robotics lab?");
    let after = bot.fake.wait_sent_to(1, 1).await;
    assert_eq!(after[0].text, before[0].text, "the same answer after the restart");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reset_and_sources_are_per_chat() {
    let bot = Running::start().await;
    let (a, b) = (5001, 5002);
    for q in ["Who owns TikTok?", "/sources", "/reset", "/sources"] {
        bot.fake.push_text(a, a, q);
    }
    for q in ["Who owns TikTok?", "/sources"] {
        bot.fake.push_text(b, b, q);
    }
    let no_answer = escape(&sources_text(None));
    let sent_a = bot.fake.wait_sent_to(a, 4).await;
    assert_ne!(sent_a[1].text, no_answer, "/sources after a question knows the last answer");
    assert!(sent_a[2].text.contains("reset"), "{sent_a:#?}");
    assert_eq!(sent_a[3].text, no_answer, "/reset forgot the conversation");
    let sent_b = bot.fake.wait_sent_to(b, 2).await;
    assert_ne!(sent_b[1].text, no_answer, "another chat's /reset leaves this one alone");
    bot.stop().await;
}

/// /sources lists each source with the quote that source gave: a fact two
/// sources state keeps both quotes, each under its own source.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sources_show_each_source_with_its_own_quote() {
    let bot = Running::start().await;
    let chat = 5101;
    let r = reply(&bot.fake, chat, chat, "Who owns the South China Morning Post?").await;
    assert!(r.contains("Alibaba"), "{r}");
    let r = reply(&bot.fake, chat, chat, "/sources").await;
    let blocks: Vec<&str> = r.split("\n- ").skip(1).collect();
    assert_eq!(blocks.len(), 2, "{r}");
    let (q2023, q2024) = ("Alibaba, owner of the Post", "Alibaba owns the South China Morning Post");
    let a = blocks.iter().find(|b| b.contains("(scmp-2023-03-jia-yangqing)")).unwrap_or_else(|| panic!("{r}"));
    let b = blocks.iter().find(|b| b.contains("(scmp-2024-zhou-chang)")).unwrap_or_else(|| panic!("{r}"));
    assert!(a.contains(q2023) && !a.contains(q2024), "the 2023 story shows its own words only: {r}");
    assert!(b.contains(q2024) && !b.contains(q2023), "the 2024 story shows its own words only: {r}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn help_start_and_about() {
    let bot = Running::start().await;
    bot.fake.push_text(8001, 8001, "/help");
    bot.fake.push_text(8002, 8002, "/start");
    bot.fake.push_text(-8003, 8003, &format!("/help@{BOT_USERNAME}"));
    bot.fake.push_text(8004, 8004, "/about");
    bot.fake.push_text(8005, 8005, "/HELP");
    bot.fake.push_text(8006, 8006, "/frobnicate");

    for chat in [8001, 8002, 8005] {
        let help = &bot.fake.wait_sent_to(chat, 1).await[0].text;
        for command in ["/start", "/help", "/ask", "/reset", "/sources", "/about", "/teach", "/forget"] {
            assert!(help.contains(&format!("{command} ")), "/help lists {command}: {help}");
        }
    }
    let group_help = &bot.fake.wait_sent_to(-8003, 1).await[0].text;
    assert!(group_help.contains(&format!("/ask@{BOT_USERNAME}")), "{group_help}");

    let about = bot.fake.wait_sent_to(8004, 1).await;
    let expected = render_html(&bot.engine.about().unwrap(), "");
    assert_eq!(about.iter().map(|s| s.text.clone()).collect::<Vec<_>>(), expected);

    let unknown = &bot.fake.wait_sent_to(8006, 1).await[0].text;
    assert!(unknown.contains("/frobnicate") && unknown.contains("/help"), "{unknown}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn odd_messages_do_not_crash_the_bot() {
    let bot = Running::start().await;
    let fake = &bot.fake;
    let limit = bot.config.telegram.max_question_chars;

    // 4096 characters of noise: refused as too long.
    let noise: String = (0..4096).map(|i| ['<', '&', 'x', '\u{1F600}', '\n', ' ', '"', '\u{202E}', 'é', '>'][i % 10]).collect();
    fake.push_text(3001, 3001, &noise);
    let sent = fake.wait_sent_to(3001, 1).await;
    assert!(sent[0].text.contains("too long") && sent[0].text.contains(&limit.to_string()), "{sent:#?}");

    // Emoji only, and shorter noise: whatever the reply, the chat still works.
    fake.push_text(3002, 3002, "😀🔥🎉");
    fake.push_text(3002, 3002, "/help");
    fake.push_text(3003, 3003, &noise.chars().take(limit).collect::<String>());
    fake.push_text(3003, 3003, "/help");
    for chat in [3002, 3003] {
        let sent = fake.wait_text_in(chat, "/teach").await;
        assert!(sent.len() <= 2, "{sent:#?}");
    }

    // No text at all: a short hint in private, nothing in a group.
    let sticker = json!({ "sticker": { "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
        "is_animated": false, "is_video": false, "emoji": "😀" } });
    let photo = json!({ "photo": [{ "file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90, "file_size": 1000 }],
        "caption": "who is this?" });
    fake.push(3004, 3004, sticker.clone());
    fake.push(3005, 3005, photo);
    for chat in [3004, 3005] {
        let sent = fake.wait_sent_to(chat, 1).await;
        assert!(sent[0].text.contains("only read text"), "{sent:#?}");
    }
    fake.push(-3006, 3006, sticker);
    fake.push(-3006, 3006, json!({ "new_chat_members": [user_json(3007)] }));
    fake.push_text(-3006, 3006, &mention());
    let sent = fake.wait_sent_to(-3006, 1).await;
    assert!(sent[0].text.contains("Ask me"), "a bare mention gets a prompt: {sent:#?}");
    assert_eq!(fake.sent_to(-3006).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_replies_are_split_under_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path());
    // Enough sources, with markup in their names, for /about to exceed one message.
    let mut importer = engine.store().importer().unwrap();
    for i in 0..80 {
        importer.stage_source(Source {
            id: format!("test-source-{i:03}"),
            outlet: format!("Outlet {i} & Sons"),
            title: format!("Title {i}: <b>{}</b>", "a rather long headline ".repeat(6)),
            date: None,
            reliability: Reliability::Reliable,
        });
    }
    importer.commit().unwrap();
    let about = engine.about().unwrap();
    assert!(about.chars().count() > 2 * MAX_MESSAGE_LEN);

    let bot = Running::start_with(engine, dir).await;
    bot.fake.push_text(9001, 9001, "/about");
    let expected = render_html(&about, "").len();
    assert!(expected >= 3);
    let sent = bot.fake.wait_sent_to(9001, expected).await;
    assert_eq!(sent.len(), expected);
    let joined: Vec<String> = sent.iter().map(|s| s.text.clone()).collect();
    assert_eq!(unescape(&joined.join("\n")), about, "split on line boundaries, nothing lost");
    bot.stop().await;
}

#[test]
fn render_html_escapes_and_splits() {
    assert_eq!(render_html("a<b & c>d", "(source: X & Y)"), vec!["a&lt;b &amp; c&gt;d\n<i>(source: X &amp; Y)</i>"]);
    assert_eq!(render_html("just text", ""), vec!["just text"]);
    assert!(render_html("  \n ", "").is_empty());

    // Lines: split between them.
    let text: String = (0..300).map(|i| format!("line {i:03} {}\n", "x".repeat(40))).collect();
    let parts = render_html(text.trim_end(), "(source: Z)");
    assert!(parts.len() > 1);
    assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_LEN));
    assert!(parts.last().unwrap().ends_with("\n<i>(source: Z)</i>"));
    let body = parts.join("\n");
    assert_eq!(body.trim_end_matches("\n<i>(source: Z)</i>"), text.trim_end());

    // Words without line breaks: split at spaces.
    let words = "word ".repeat(3000);
    let parts = render_html(words.trim_end(), "");
    assert!(parts.len() > 1);
    assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_LEN && !p.starts_with(' ') && p.ends_with("word")));
    assert_eq!(parts.join(" "), words.trim_end());

    // One huge "word" of markup: the limit counts escaped text, and no
    // entity is cut.
    let parts = render_html(&"<".repeat(10_000), "");
    assert!(parts.iter().all(|p| p.chars().count() <= MAX_MESSAGE_LEN && p.replace("&lt;", "").is_empty()));
    assert_eq!(parts.iter().map(|p| p.matches("&lt;").count()).sum::<usize>(), 10_000);

    // Emoji count double in UTF-16, as Telegram counts them.
    let parts = render_html(&"😀".repeat(5000), "");
    assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_MESSAGE_LEN));
    assert_eq!(parts.concat().chars().count(), 5000);

    // A reply that fills a message pushes the source line to the next one.
    let parts = render_html(&"y".repeat(4090), "(source: Q)");
    assert_eq!(parts, vec!["y".repeat(4090), "<i>(source: Q)</i>".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_from_many_chats_is_all_answered() {
    let bot = Running::start().await;
    let chats: Vec<i64> = (4001..4026).collect();
    for round in 0..4 {
        for &chat in &chats {
            bot.fake.push_text(chat, chat, &format!("Who owns TikTok? ({round})"));
        }
    }
    let started = Instant::now();
    let sent = bot.fake.wait_for("100 replies", |i| (i.sent.len() >= 100).then(|| i.sent.clone())).await;
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for s in &sent {
        *per_chat.entry(s.chat_id).or_default() += 1;
    }
    assert_eq!(sent.len(), 100);
    assert!(chats.iter().all(|c| per_chat.get(c) == Some(&4)), "{per_chat:?}");
    eprintln!("100 questions from 25 chats answered in {:.1} s (throttled)", started.elapsed().as_secs_f64());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_returns_ok_promptly() {
    let bot = Running::start().await;
    // The bot is now in a long poll that would last 10 s.
    let started = Instant::now();
    bot.stop().await;
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_finishes_replies_in_flight() {
    let bot = Running::start().await;
    bot.fake.set_hold_sends(true);
    bot.fake.push_text(2001, 2001, "Who owns TikTok?");
    bot.fake.wait_for("the reply to be on its way", |i| (i.send_requests >= 1).then_some(())).await;

    bot.handle.shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!bot.task.is_finished(), "serve must wait for the reply in flight");
    bot.fake.set_hold_sends(false);
    let fake = bot.fake.clone();
    bot.stop().await;
    assert_eq!(fake.sent_to(2001).len(), 1, "the reply in flight was delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_before_start_stops_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path());
    let fake = Fake::start().await;
    let config = Config::load(None).unwrap();
    let server = Server::new(engine, &config, settings(&fake)).unwrap();
    server.shutdown_handle().shutdown();
    let result = tokio::time::timeout(Duration::from_secs(5), server.run()).await.expect("returns promptly");
    result.expect("returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_token_is_a_clear_error_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path());
    let fake = Fake::start().await;
    let config = Config::load(None).unwrap();
    let wrong = "987654321:AAwrong-Token_thatTheFakeRejects00000";
    let settings = Settings { token: wrong.into(), api_url: fake.url(), admins: vec![] };
    let server = Server::new(engine, &config, settings).unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), server.run()).await.expect("returns promptly").expect_err("a rejected token fails");
    let text = format!("{err:#}");
    assert!(text.contains("getMe"), "{text}");
    assert!(!text.contains(wrong) && !text.contains("AAwrong"), "the error shows the token: {text}");
}

#[test]
fn settings_come_from_the_environment() {
    let mut config = Config::load(None).unwrap();
    config.telegram.admins = vec![1, 2];
    let env = |vars: &'static [(&'static str, &'static str)]| move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());

    let err = Settings::from_lookup(&config, env(&[])).unwrap_err().to_string();
    assert!(err.contains(TOKEN_VAR), "{err}");
    let err = Settings::from_lookup(&config, env(&[(TOKEN_VAR, "  ")])).unwrap_err().to_string();
    assert!(err.contains(TOKEN_VAR), "{err}");

    let s = Settings::from_lookup(&config, env(&[(TOKEN_VAR, TOKEN)])).unwrap();
    assert_eq!(s.token, TOKEN);
    assert_eq!(s.api_url, "https://api.telegram.org");
    assert_eq!(s.admins, vec![1, 2], "admins from the config");
    assert!(!format!("{s:?}").contains(TOKEN), "Debug hides the token");

    let s = Settings::from_lookup(&config, env(&[(TOKEN_VAR, TOKEN), (ADMINS_VAR, " 7, 8,"), (API_URL_VAR, "http://127.0.0.1:9/")])).unwrap();
    assert_eq!(s.admins, vec![7, 8], "the environment replaces the config's admins");
    assert_eq!(s.api_url, "http://127.0.0.1:9/");

    let err = Settings::from_lookup(&config, env(&[(TOKEN_VAR, TOKEN), (ADMINS_VAR, "7,eight")])).unwrap_err().to_string();
    assert!(err.contains(ADMINS_VAR) && err.contains("eight"), "{err}");
    let err = Settings::from_lookup(&config, env(&[(TOKEN_VAR, TOKEN), (API_URL_VAR, "not a url")])).unwrap_err().to_string();
    assert!(err.contains(API_URL_VAR), "{err}");
}

/// `factbot serve` answers, then stops cleanly on SIGTERM or SIGINT, and
/// never logs its token, even at trace level.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serve_stops_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let fake = Fake::start().await;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_factbot"))
            .args(["serve", "--db"])
            .arg(dir.path().join("db"))
            .env(TOKEN_VAR, TOKEN)
            .env(API_URL_VAR, fake.url())
            .env_remove(ADMINS_VAR)
            .env("RUST_LOG", "trace")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());

        fake.wait_polling().await;
        fake.push_text(1, 1, "Who owns TikTok?");
        fake.wait_sent_to(1, 1).await;
        let status = std::process::Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        assert!(status.success());

        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "factbot serve did not stop on SIG{signal}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let log = log.join().unwrap();
        assert!(status.success(), "SIG{signal}: {status:?}\n{log}");
        assert!(log.contains("shutting down"), "{log}");
        assert!(!log.contains(TOKEN) && !log.contains("AAtest-Token"), "the log shows the token:\n{log}");
    }
}
