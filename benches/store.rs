//! The results store with 10,000 results, SQLite and PostgreSQL side by side: how fast results
//! are stored, and how long the all-time leaderboard of a scenario takes (every result read
//! back, verified by replaying it, and ranked). Method and figures: docs/benchmarks.md. Run:
//! `.ci/with-postgres cargo bench --no-default-features --bench store` (without a PostgreSQL
//! server it measures SQLite only; `-- 2000` stores fewer results).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use salesdojo::content::Library;
use salesdojo::sim::Attempt;
use salesdojo::store::Store;
use salesdojo::store::verify::scenario_board;
use support::backend::Backend;
use support::repo;

const DRILL: &str = "drill_price_objection";
/// Choice numbers as in the file: three paths, so the board has ties and differences.
const PATHS: [&[usize]; 3] = [&[3, 1, 2, 1, 1, 2, 2], &[2, 3, 1], &[3, 1, 2, 1, 1, 2, 1]];

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn measure(kept_in: &str, db: &Backend, library: &Arc<Library>, count: usize) {
    let store: Store = db.store();
    // 500 trainees, as a department over a year; each plays the drill many times.
    let trainees: Vec<_> = (0..500)
        .map(|i| store.trainee(&format!("trainee {i:03}")).unwrap())
        .collect();
    let visits: Vec<Attempt> = PATHS
        .iter()
        .map(|path| {
            let mut attempt = Attempt::begin(Arc::clone(library), DRILL, 7, None).unwrap();
            for n in *path {
                attempt.choose(n - 1).unwrap();
            }
            attempt
        })
        .collect();
    let started = Instant::now();
    for i in 0..count {
        let trainee = &trainees[i % trainees.len()];
        store
            .record(&visits[i % visits.len()], trainee, None, None)
            .unwrap();
    }
    let storing = started.elapsed();
    // Each board from a freshly opened store, as `salesdojo leaderboard` does.
    let boards: Vec<Duration> = (0..5)
        .map(|_| {
            let store = db.store();
            let started = Instant::now();
            let board = scenario_board(&store, library, DRILL, None).unwrap();
            let took = started.elapsed();
            assert_eq!(
                board.len(),
                count.min(500),
                "each trainee's best on the board"
            );
            took
        })
        .collect();
    println!(
        "{kept_in:<10}  stored {count} results at {:>5.0} /s   leaderboard of {count}: median {:>5.0} ms (5 runs, {:.0}–{:.0} ms)",
        count as f64 / storing.as_secs_f64(),
        median(boards.clone()).as_secs_f64() * 1e3,
        boards.iter().min().unwrap().as_secs_f64() * 1e3,
        boards.iter().max().unwrap().as_secs_f64() * 1e3,
    );
}

fn main() {
    let count = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(10_000);
    let library = Arc::new(Library::load(&[
        repo().join("seeds"),
        repo().join("scenarios"),
    ]));
    measure("SQLite", &Backend::sqlite(), &library, count);
    if let Some(db) = Backend::postgres() {
        measure("PostgreSQL", &db, &library, count);
    }
}
