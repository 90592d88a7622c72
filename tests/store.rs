//! The store and the knowledge files, exercised on real sled stores in
//! temporary directories: import atomicity, error positions, export and
//! import round trips, alias resolution in both name orders, schema checks.

use factbot::config::Config;
use factbot::engine::{import_paths, open_store, Engine, Format};
use factbot::store::Store;
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn fresh(dir: &Path) -> Store {
    Store::open(&dir.join("db"), 16 << 20).expect("store opens")
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn bundled_knowledge_imports_with_every_fact_sourced() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    import_paths(&store, &[data_dir()], Format::Auto).expect("bundled data imports");
    let stats = store.stats().unwrap();
    assert!(stats.facts > 100, "{stats:?}");
    assert!(stats.sources >= 5, "{stats:?}");
    for f in store.facts() {
        let f = f.unwrap();
        assert!(!f.sources.is_empty(), "{f:?}");
        for s in &f.sources {
            assert!(store.source(s).unwrap().is_some(), "fact cites unknown source {s}");
        }
    }
}

#[test]
fn a_bad_line_late_in_a_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    import_paths(&store, &[data_dir()], Format::Auto).unwrap();
    let before = export(&store);
    let extra = dir.path().join("extra.facts");
    let mut text = String::from("source t1 \"Test\" 2024-01-01 \"A test source\"\n");
    text.push_str("entity wang-wu person \"Wang Wu\"\n");
    for _ in 0..50 {
        text.push_str("wang-wu works_at alibaba since 2020 [t1] \"fine\"\n");
    }
    text.push_str("wang-wu works_at alibaba since 20x1 [t1]\n");
    std::fs::write(&extra, text).unwrap();
    let err = import_paths(&store, std::slice::from_ref(&extra), Format::Auto).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("extra.facts:53:32"), "{msg}");
    assert!(msg.contains("expected a date"), "{msg}");
    assert_eq!(export(&store), before, "the failed import changed the store");
    // A validation error (an undeclared entity) is just as atomic.
    std::fs::write(&extra, "source t1 \"Test\" 2024-01-01 \"T\"\nentity wang-wu person \"Wang Wu\"\nwang-wu works_at alibaba [t1]\nwang-wu works_at nobody-known [t1]\n").unwrap();
    let msg = format!("{:#}", import_paths(&store, &[extra], Format::Auto).unwrap_err());
    assert!(msg.contains("extra.facts:4:1") && msg.contains("unknown entity `nobody-known`"), "{msg}");
    assert_eq!(export(&store), before);
}

#[test]
fn export_then_import_gives_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(&dir.path().join("a"), 16 << 20).unwrap();
    import_paths(&a, &[data_dir()], Format::Auto).unwrap();
    let dump = export(&a);
    let file = dir.path().join("dump.jsonl");
    std::fs::write(&file, &dump).unwrap();
    let b = Store::open(&dir.path().join("b"), 16 << 20).unwrap();
    import_paths(&b, &[file], Format::Auto).unwrap();
    assert_eq!(export(&b), dump);
    // A fact the sources only expected keeps its mark.
    assert!(dump.lines().any(|l| l.contains("\"zhou-chang\"") && l.contains("\"left\"") && l.contains("\"expected\":true")), "no expected fact in the export");
    let (sa, sb) = (a.stats().unwrap(), b.stats().unwrap());
    assert_eq!((sa.entities, sa.facts, sa.sources, sa.relations), (sb.entities, sb.facts, sb.sources, sb.relations));
}

#[test]
fn importing_the_same_facts_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    import_paths(&store, &[data_dir()], Format::Auto).unwrap();
    let before = store.stats().unwrap().facts;
    let report = import_paths(&store, &[data_dir()], Format::Auto).unwrap();
    assert_eq!(report.facts, 0);
    assert_eq!(store.stats().unwrap().facts, before);
}

#[test]
fn names_resolve_in_both_orders_ignoring_case_and_punctuation() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    import_paths(&store, &[data_dir()], Format::Auto).unwrap();
    let one = |name: &str| {
        let ids = store.resolve(name).unwrap();
        assert_eq!(ids.len(), 1, "{name}: {ids:?}");
        ids[0].clone()
    };
    assert_eq!(one("Jingren Zhou"), one("Zhou Jingren"));
    assert_eq!(one("Daniel Zhang"), one("Daniel Zhang Yong"));
    assert_eq!(one("Daniel Zhang"), one("zhang yong"));
    assert_eq!(one("Weiguang Liu"), one("LIU WEIGUANG"));
    assert_eq!(one("Alibaba's"), one("alibaba"));
    assert_eq!(one("qwen 7b"), one("Qwen-7B"));
    assert!(store.resolve("Tencent Cloud").unwrap().is_empty());
}

#[test]
fn triples_import_creates_entities_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    let lex = dir.path().join("lexicon.toml");
    std::fs::write(
        &lex,
        "[kinds]\nmovie = [\"movie\"]\nperson = [\"person\"]\n[[relation]]\nname = \"directed_by\"\nsubject = [\"movie\"]\nobject = [\"person\"]\npresent = \"{s} is directed by {o}\"\n[[relation]]\nname = \"release_year\"\nsubject = [\"movie\"]\nvalue = \"date\"\npresent = \"{s} was released in {o}\"\n",
    )
    .unwrap();
    let kb = dir.path().join("kb.txt");
    std::fs::write(&kb, "Kismet|directed_by|William Dieterle\nKismet|release_year|1944\nFace/Off|directed_by|John Woo\n").unwrap();
    let report = import_paths(&store, &[lex.clone(), kb.clone()], Format::Auto).unwrap();
    assert_eq!(report.facts, 3);
    assert_eq!(store.resolve("kismet").unwrap().len(), 1);
    let before = export(&store);
    std::fs::write(&kb, "A|directed_by|B\nA|release_year|soon\n").unwrap();
    let msg = format!("{:#}", import_paths(&store, &[kb], Format::Triples).unwrap_err());
    assert!(msg.contains("kb.txt:2:") && msg.contains("expected a year"), "{msg}");
    assert_eq!(export(&store), before);
}

#[test]
fn a_store_of_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = open_raw(dir.path(), &[(b"Mschema", b"999")]).err().expect("refused");
    assert!(err.to_string().contains("schema version 999"), "{err}");
}

/// Writes raw keys into a sled database at `dir/db`, then opens it as a
/// store. sled releases its file lock from a background thread after the
/// database is dropped, so the open is retried while the lock is held.
fn open_raw(dir: &Path, entries: &[(&[u8], &[u8])]) -> Result<Store, factbot::store::StoreError> {
    let path = dir.join("db");
    {
        let db = sled::open(&path).unwrap();
        for (k, v) in entries {
            db.insert(k, v.to_vec()).unwrap();
        }
        db.flush().unwrap();
    }
    for _ in 0..100 {
        match Store::open(&path, 16 << 20) {
            Err(e) if format!("{e:#}").contains("could not acquire lock") => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
    Store::open(&path, 16 << 20)
}

#[test]
fn an_engine_on_an_empty_store_loads_the_bundled_data_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(None).unwrap();
    let db = dir.path().join("db");
    let facts = {
        let e = Engine::open(&config, Some(&db)).unwrap();
        e.store().stats().unwrap().facts
    };
    assert!(facts > 100);
    let again = Engine::open(&config, Some(&db)).unwrap();
    assert_eq!(again.store().stats().unwrap().facts, facts);
    let _ = open_store;
}

#[test]
fn a_dated_fact_of_a_timeless_relation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    let lexicon = dir.path().join("films.toml");
    std::fs::write(
        &lexicon,
        "[kinds]\nmovie = [\"film\"]\nperson = [\"person\"]\n\n[[relation]]\nname = \"directed_by\"\nsubject = [\"movie\"]\nobject = [\"person\"]\ntimeless = true\npresent = \"{s} is directed by {o}\"\n",
    )
    .unwrap();
    let facts = dir.path().join("films.facts");
    std::fs::write(
        &facts,
        "source s1 \"Test\" 2024-01-01 \"A test source\"\nentity solaris movie \"Solaris\"\nentity tarkovsky person \"Andrei Tarkovsky\"\nsolaris directed_by tarkovsky [s1] \"directed by Tarkovsky\"\nsolaris directed_by tarkovsky since 1972 [s1] \"directed by Tarkovsky\"\n",
    )
    .unwrap();
    let err = import_paths(&store, &[lexicon.clone(), facts.clone()], Format::Auto).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("films.facts:5"), "{msg}");
    assert!(msg.contains("timeless"), "{msg}");
    assert_eq!(store.stats().unwrap().facts, 0, "the failed import wrote facts");
    // Without the dated line it imports.
    std::fs::write(&facts, std::fs::read_to_string(&facts).unwrap().lines().take(4).collect::<Vec<_>>().join("\n")).unwrap();
    import_paths(&store, &[lexicon, facts], Format::Auto).expect("undated facts import");
    assert_eq!(store.stats().unwrap().facts, 1);
}

/// A small lexicon and two sources for the evidence tests.
fn evidence_fixture(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let lexicon = dir.join("people.toml");
    std::fs::write(
        &lexicon,
        "[kinds]\nperson = [\"person\"]\nunit = [\"unit\"]\n\n[[relation]]\nname = \"leads\"\nsubject = [\"person\"]\nobject = [\"unit\"]\npresent = \"{s} leads {o}\"\n",
    )
    .unwrap();
    let a = dir.join("a.facts");
    std::fs::write(
        &a,
        "source post \"The Post\" 2024-01-01 \"First story\"\nsource wire \"The Wire\" 2024-02-01 \"Second story\"\nsource blog \"A Blog\" 2024-03-01 \"Third story\"\nentity wang-wu person \"Wang Wu\"\nentity lab unit \"Robotics Lab\"\nwang-wu leads lab [post] \"Wang Wu runs the lab, the Post says\"\nwang-wu leads lab [wire] \"the Wire's own words\"\n",
    )
    .unwrap();
    // A later import: a third source, with its quote, and the Post again
    // with other words (the first quote a source gave is kept).
    let b = dir.join("b.facts");
    std::fs::write(&b, "wang-wu leads lab [blog] \"the blog's words\"\nwang-wu leads lab [post] \"other words\"\n").unwrap();
    (lexicon, a, b)
}

/// A store with the evidence fixture's first file imported.
fn evidence_store(dir: &Path) -> Store {
    let (lexicon, a, _) = evidence_fixture(dir);
    let store = Store::open(&dir.join("one"), 16 << 20).unwrap();
    import_paths(&store, &[lexicon, a], Format::Auto).unwrap();
    store
}

/// Exports `store`, imports the export into an empty store and checks
/// that it exports the same: the export and the new store.
fn round_trip(store: &Store, dir: &Path) -> (String, Store) {
    let dump = export(store);
    let file = dir.join("dump.jsonl");
    std::fs::write(&file, &dump).unwrap();
    let again = Store::open(&dir.join("two"), 16 << 20).unwrap();
    import_paths(&again, &[file], Format::Auto).unwrap();
    assert_eq!(export(&again), dump);
    (dump, again)
}

#[test]
fn each_source_keeps_its_own_evidence_quote_through_merges_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (lexicon, a, b) = evidence_fixture(dir.path());
    let store = Store::open(&dir.path().join("one"), 16 << 20).unwrap();
    let report = import_paths(&store, &[lexicon, a], Format::Auto).unwrap();
    assert_eq!(report.facts, 1, "the two lines are one fact: {report:?}");
    let report = import_paths(&store, &[b], Format::Auto).unwrap();
    assert_eq!((report.facts, report.merged), (0, 1), "{report:?}");
    let facts: Vec<_> = store.facts().map(Result::unwrap).collect();
    assert_eq!(facts.len(), 1, "{facts:?}");
    let f = &facts[0];
    assert_eq!(f.sources, vec!["post", "wire", "blog"]);
    assert_eq!(f.evidence_from("post"), Some("Wang Wu runs the lab, the Post says"));
    assert_eq!(f.evidence_from("wire"), Some("the Wire's own words"));
    assert_eq!(f.evidence_from("blog"), Some("the blog's words"));
    assert_eq!(f.evidence.len(), 3);

    // An export imports into an empty store and exports identically.
    let (_, again) = round_trip(&store, dir.path());
    assert_eq!(again.facts().map(Result::unwrap).collect::<Vec<_>>(), facts);
}

#[test]
fn evidence_from_a_source_the_fact_does_not_cite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = evidence_store(dir.path());
    let before = export(&store);
    let line = r#"{"type":"fact","fact":{"subject":"wang-wu","relation":"leads","object":{"type":"entity","value":"lab"},"sources":["post"],"evidence":{"wire":"words the Post never wrote"}}}"#;
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let msg = format!("{:#}", import_paths(&store, &[file], Format::Auto).unwrap_err());
    assert!(msg.contains("bad.jsonl:1") && msg.contains("`wire`") && msg.contains("does not cite"), "{msg}");
    assert_eq!(export(&store), before);
}

#[test]
fn a_schema_version_1_export_imports_with_its_quote_given_to_the_first_source() {
    let dir = tempfile::tempdir().unwrap();
    let (lexicon, _, _) = evidence_fixture(dir.path());
    let store = Store::open(&dir.path().join("one"), 16 << 20).unwrap();
    let v1 = [
        r#"{"type":"source","source":{"id":"post","outlet":"The Post","title":"T","date":{"year":2024}}}"#,
        r#"{"type":"source","source":{"id":"wire","outlet":"The Wire","title":"T","date":{"year":2024}}}"#,
        r#"{"type":"entity","entity":{"id":"wang-wu","name":"Wang Wu","kind":"person"}}"#,
        r#"{"type":"entity","entity":{"id":"lab","name":"Robotics Lab","kind":"unit"}}"#,
        r#"{"type":"fact","fact":{"subject":"wang-wu","relation":"leads","object":{"type":"entity","value":"lab"},"sources":["post","wire"],"evidence":"the Post's words"}}"#,
    ];
    let file = dir.path().join("v1.jsonl");
    std::fs::write(&file, v1.join("\n")).unwrap();
    import_paths(&store, &[lexicon, file], Format::Auto).unwrap();
    let f = store.facts().next().unwrap().unwrap();
    assert_eq!(f.evidence_from("post"), Some("the Post's words"));
    assert_eq!(f.evidence_from("wire"), None, "no quote is made up for the other source");
}

#[test]
fn a_schema_version_1_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = open_raw(dir.path(), &[(b"Mschema", b"1"), (b"Ealibaba", b"{}")]).err().expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("schema version 1") && msg.contains("reads version 2"), "{msg}");
}

/// /sources (the console's rendering, which Telegram shares) shows under
/// each source the quote that source gave, and no other source's.
#[test]
fn sources_show_each_source_with_its_own_quote() {
    use factbot::channel::console::sources_text;
    use factbot::conversation::Conversation;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(None).unwrap();
    let engine = Engine::open(&config, Some(&dir.path().join("db"))).unwrap();
    let mut conv = Conversation::default();
    let answer = engine.ask(&mut conv, "Who owns the South China Morning Post?");
    let text = sources_text(Some(&answer));
    let post_2023 = "Alibaba, owner of the Post";
    let post_2024 = "Alibaba owns the South China Morning Post";
    let blocks: Vec<&str> = text.split("\n- ").skip(1).collect();
    assert_eq!(blocks.len(), 2, "two sources: {text}");
    let a = blocks.iter().find(|b| b.contains("(scmp-2023-03-jia-yangqing)")).unwrap_or_else(|| panic!("{text}"));
    let b = blocks.iter().find(|b| b.contains("(scmp-2024-zhou-chang)")).unwrap_or_else(|| panic!("{text}"));
    assert!(a.contains(post_2023) && !a.contains(post_2024), "{text}");
    assert!(b.contains(post_2024) && !b.contains(post_2023), "{text}");
    // Every merged bundled fact: each cited source shows only its own quote.
    for f in engine.store().facts().map(Result::unwrap).filter(|f| f.sources.len() > 1) {
        for (s, q) in &f.evidence {
            assert!(f.sources.contains(s), "{f:?}");
            for other in f.sources.iter().filter(|o| *o != s) {
                assert_ne!(f.evidence_from(other), Some(q.as_str()), "{f:?}");
            }
        }
    }
}

/// The dates of one relation within a year or a month come from the
/// object index, at every precision, and no date outside is returned.
#[test]
fn dates_within_a_period_are_found_at_every_precision() {
    use factbot::knowledge::{Date, Value};
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(dir.path());
    import_paths(&store, &[data_dir()], Format::Auto).expect("bundled data imports");
    let dated = |d: Date, rel: &str| -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = store.facts_with_date_within(&d, rel).unwrap().into_iter().map(|f| (f.subject, f.object)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    // Every released fact, and the ones the period holds, read the slow way.
    let all: Vec<(String, Date)> = store
        .facts()
        .map(|f| f.unwrap())
        .filter(|f| f.relation == "released")
        .filter_map(|f| if let Value::Date(d) = f.object { Some((f.subject, d)) } else { None })
        .collect();
    assert!(all.len() >= 4, "{all:?}");
    for period in [Date::year(2023), Date::year(2021), Date { year: 2023, month: Some(3), day: None }, Date::year(1999)] {
        let mut want: Vec<String> = all.iter().filter(|(_, d)| period.start() <= d.start() && d.end() <= period.end()).map(|(s, _)| s.clone()).collect();
        want.sort();
        let got: Vec<String> = dated(period, "released").into_iter().map(|(s, _)| s).collect();
        assert_eq!(got, want, "{period:?}");
    }
    // Another relation's dates are not mixed in.
    assert!(dated(Date::year(2023), "occurred_on").iter().all(|(s, _)| !all.iter().any(|(x, _)| x == s)));
}

#[test]
fn a_credited_reporter_survives_merges_and_round_trips_and_must_be_known() {
    let dir = tempfile::tempdir().unwrap();
    let store = evidence_store(dir.path());
    // The Wire credits the fact to a newsletter; a later line of the
    // Blog credits no one.
    let c = dir.path().join("c.facts");
    std::fs::write(&c, "entity letter unit \"The Newsletter\"\nwang-wu leads lab via letter [wire]\nwang-wu leads lab [blog] \"the blog's words\"\n").unwrap();
    import_paths(&store, &[c], Format::Auto).unwrap();
    let facts: Vec<_> = store.facts().map(Result::unwrap).collect();
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert_eq!(facts[0].via.get("wire").map(String::as_str), Some("letter"), "{:?}", facts[0]);
    assert_eq!(facts[0].via.len(), 1, "{:?}", facts[0]);
    let (dump, _) = round_trip(&store, dir.path());

    // An unknown reporter is refused, with its position, and changes nothing.
    let bad = dir.path().join("bad.facts");
    std::fs::write(&bad, "wang-wu leads lab via nobody [post]\n").unwrap();
    let msg = format!("{:#}", import_paths(&store, std::slice::from_ref(&bad), Format::Auto).unwrap_err());
    assert!(msg.contains("bad.facts:1") && msg.contains("`nobody`"), "{msg}");
    // "via" with no id after it says what it wants.
    std::fs::write(&bad, "wang-wu leads lab via [post]\n").unwrap();
    let msg = format!("{:#}", import_paths(&store, &[bad], Format::Auto).unwrap_err());
    assert!(msg.contains("bad.facts:1") && msg.contains("after \"via\""), "{msg}");
    assert_eq!(export(&store), dump);
}
