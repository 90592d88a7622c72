use factbot::engine::{import_paths, Conversation, Format};
use factbot::store::Store;
use factbot::understand::grammar::read;
use factbot::understand::Reader;
use std::path::{Path, PathBuf};

const FILM_LEXICON: &str = r#"
[kinds]
movie = ["movie", "movies", "film", "films"]
person = ["person", "people", "who", "whom", "director", "directors", "writer", "writers", "actor", "actors"]
genre = ["genre", "genres"]
date = ["year", "years", "date", "dates"]

[[relation]]
name = "directed_by"
subject = ["movie"]
object = ["person"]
timeless = true
present = "{s} is directed by {o}"
past = "{s} was directed by {o}"
inverse_verbs = ["direct", "directed"]
object_nouns = ["director", "directors"]

[[relation]]
name = "written_by"
subject = ["movie"]
object = ["person"]
timeless = true
present = "{s} is written by {o}"
past = "{s} was written by {o}"
inverse_verbs = ["write", "wrote", "written"]
object_nouns = ["writer", "writers"]

[[relation]]
name = "starred_actors"
subject = ["movie"]
object = ["person"]
timeless = true
present = "{s} stars {o}"
past = "{s} starred {o}"
verbs = ["star", "starred"]
inverse_verbs = ["act in", "acted in", "star in", "starred in"]
object_nouns = ["actor", "actors", "star", "stars"]

[[relation]]
name = "release_year"
subject = ["movie"]
value = "date"
single = "object"
timeless = true
present = "{s} was released in {o}"
verbs = ["release", "released", "come out", "came out"]
object_nouns = ["release year", "release date"]

[[relation]]
name = "has_genre"
subject = ["movie"]
object = ["genre"]
timeless = true
present = "{s} is a {o} film"
object_nouns = ["genre", "genres"]
"#;

const FILM_FACTS: &str = r#"
source credits "Film Credits" 2024-01-01 "Credits of five films"
entity ann-lee person "Ann Lee"
entity bob-stone person "Bob Stone"
entity cara-moss person "Cara Moss"
entity dan-reed person "Dan Reed"
entity eve-hart person "Eve Hart"
entity gil-ross person "Gil Ross"
entity drama genre "Drama"
entity thriller genre "Thriller"
entity comedy genre "Comedy"
entity night-train movie "Night Train"
entity blue-harbor movie "Blue Harbor"
entity cold-spring movie "Cold Spring"
entity red-sky movie "Red Sky"
entity bob-stone-film movie "Bob Stone"
night-train directed_by ann-lee [credits]
night-train written_by bob-stone [credits]
night-train starred_actors cara-moss [credits]
night-train starred_actors dan-reed [credits]
night-train has_genre drama [credits]
night-train release_year 1999 [credits]
blue-harbor directed_by ann-lee [credits]
blue-harbor written_by eve-hart [credits]
blue-harbor starred_actors cara-moss [credits]
blue-harbor has_genre thriller [credits]
blue-harbor release_year 2003 [credits]
cold-spring directed_by eve-hart [credits]
cold-spring written_by bob-stone [credits]
cold-spring starred_actors dan-reed [credits]
cold-spring has_genre comedy [credits]
cold-spring release_year 2005 [credits]
red-sky directed_by gil-ross [credits]
red-sky written_by bob-stone [credits]
red-sky starred_actors cara-moss [credits]
red-sky has_genre drama [credits]
red-sky release_year 2010 [credits]
bob-stone-film directed_by gil-ross [credits]
bob-stone-film written_by gil-ross [credits]
bob-stone-film has_genre drama [credits]
bob-stone-film release_year 2012 [credits]
"#;

fn film_store(dir: &Path) -> Store {
    let store = Store::open(&dir.join("db"), 16 << 20).unwrap();
    let lex = dir.join("films.toml");
    let facts = dir.join("films.facts");
    std::fs::write(&lex, FILM_LEXICON).unwrap();
    std::fs::write(&facts, FILM_FACTS).unwrap();
    import_paths(&store, &[lex, facts], Format::Auto).unwrap();
    store
}

fn news_store(dir: &Path) -> Store {
    let store = Store::open(&dir.join("db"), 16 << 20).unwrap();
    import_paths(&store, &[Path::new(env!("CARGO_MANIFEST_DIR")).join("data")], Format::Auto).unwrap();
    store
}

#[test]
fn explore() {
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let films = film_store(d1.path());
    let news = news_store(d2.path());
    let _ = PathBuf::new();
    for (store, file) in [(&films, "/tmp/gx/films.txt"), (&news, "/tmp/gx/news.txt")] {
        let r = Reader::build(store).unwrap();
        let lex = store.lexicon().unwrap();
        let qs = std::fs::read_to_string(file).unwrap();
        for q in qs.lines().filter(|l| !l.trim().is_empty()) {
            let toks = r.tokens(q);
            let res = read(&r, &toks, &Conversation::default(), q);
            println!("Q: {q}\n  toks: {toks:?}\n  read: {res:?}");
            let mut conv = Conversation::default();
            let a = r.answer(store, &mut conv, q, 20).unwrap();
            println!("  answer: {:?} {:?}", a.status, a.answers.iter().map(|v| v.value.clone()).collect::<Vec<_>>());
        }
        println!("rels: {:?}", lex.relations.iter().map(|r| r.name.clone()).enumerate().collect::<Vec<_>>());
    }
}
