//! How fast the engine is, measured through the same code the game runs (see docs/benchmarks.md
//! for the method and the figures): decisions per second, a whole visit, verifying a stored
//! result, loading the library, and analysing every shipped scenario.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use salesdojo::content::{Library, parse_file};
use salesdojo::sim::{Attempt, Visit, analysis};
use salesdojo::store::verify::{Standing, Verifier};
use salesdojo::store::{ResultFilter, Store};

const SCENARIO: &str = "analytical_equipment_director";
/// The best path of the shipped visit (choices as the file lists them, from 1).
const BEST: &[usize] = &[2, 3, 1, 2, 4, 1, 3, 2, 3, 1, 3, 2, 3, 4, 2];

fn content_dirs() -> Vec<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![repo.join("seeds"), repo.join("scenarios")]
}

fn library() -> Library {
    let library = Library::load(&content_dirs());
    assert!(!library.has_errors());
    library
}

fn play(library: &Library, choices: &[usize]) -> Visit {
    let mut visit = Visit::begin(library, SCENARIO, 1, None).unwrap();
    for &n in choices {
        visit.choose(n - 1).unwrap();
    }
    visit
}

fn engine(c: &mut Criterion) {
    let library = library();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(BEST.len() as u64));
    group.bench_function("a visit of 15 decisions", |b| {
        b.iter(|| play(&library, BEST))
    });
    group.finish();
    // A stored result is its content version, seed and choices: verifying it replays them
    // through the engine, scores the visit and compares with what was stored, as every
    // leaderboard and progress screen does for each result it shows.
    let data = std::env::temp_dir().join(format!("salesdojo-bench-{}", std::process::id()));
    let store = Store::open(&data).unwrap().store;
    let shared = Arc::new(library.clone());
    let mut attempt = Attempt::begin(Arc::clone(&shared), SCENARIO, 1, None).unwrap();
    for &n in BEST {
        attempt.choose(n - 1).unwrap();
    }
    let trainee = store.trainee("bench").unwrap();
    store.record(&attempt, &trainee, None, None).unwrap();
    let stored = store.results(&ResultFilter::default()).unwrap().remove(0);
    let mut verifier = Verifier::new(Some(&library));
    assert_eq!(
        verifier.check(&store, stored.clone()).unwrap().standing,
        Standing::Valid
    );
    c.bench_function("engine/verify a stored result", |b| {
        b.iter(|| verifier.check(&store, stored.clone()).unwrap())
    });
    drop(store);
    let _ = std::fs::remove_dir_all(&data);
}

fn content(c: &mut Criterion) {
    let files: Vec<(PathBuf, Vec<u8>)> = salesdojo::content::content_files(&content_dirs())
        .unwrap()
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    c.bench_function("content/parse and validate the library", |b| {
        b.iter(|| {
            let parsed: Vec<_> = files
                .iter()
                .filter_map(|(path, bytes)| parse_file(path, bytes).ok())
                .collect();
            Library::assemble(&parsed)
        })
    });
}

fn analyze(c: &mut Criterion) {
    let library = library();
    let mut group = c.benchmark_group("analyze");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_millis(500));
    for (id, scenario) in &library.scenarios {
        group.bench_with_input(BenchmarkId::from_parameter(id), scenario, |b, scenario| {
            b.iter(|| analysis::analyze(&library, scenario, 1))
        });
    }
    group.finish();
}

criterion_group!(benches, engine, content, analyze);
criterion_main!(benches);
