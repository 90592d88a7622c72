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
    let err = import_paths(&store, &[extra.clone()], Format::Auto).unwrap_err();
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
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.insert(b"Mschema", &b"999"[..]).unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(&dir.path().join("db"), 16 << 20).err().expect("refused");
    assert!(err.to_string().contains("schema version 999"), "{err}");
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
