//! Property test: every number a trainer writes in a scenario, set at, just inside and just past
//! its bounds (and at the extremes of its type). Whatever `check` accepts must play, analyse and map
//! without a panic — in this debug build an arithmetic overflow panics — and without hanging;
//! whatever it refuses it refuses with an error, never by crashing.

mod support;

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use salesdojo::content::{Library, parse_file, read_files};
use salesdojo::i18n::Lang;
use salesdojo::map::map_html;
use salesdojo::sim::Attempt;

use support::repo;

const SCENARIO: &str = "scenarios/drill_price_objection.scenario.ron";

/// Values at and around every bound the checks use, and the extremes of the types.
const VALUES: [i64; 21] = [
    i32::MIN as i64,
    -101,
    -100,
    -51,
    -50,
    -1,
    0,
    1,
    2,
    50,
    51,
    60,
    61,
    99,
    100,
    101,
    119,
    120,
    121,
    i32::MAX as i64,
    u32::MAX as i64,
];

/// Where a number sits in the text: its byte range.
fn number_sites(text: &str) -> Vec<std::ops::Range<usize>> {
    let keys = [
        "trust: ",
        "interest: ",
        "patience: ",
        "minutes: ",
        "time_budget: ",
        "difficulty: ",
        "Trust(",
        "Interest(",
        "Patience(",
    ];
    let mut sites = Vec::new();
    for key in keys {
        for (at, _) in text.match_indices(key) {
            let start = at + key.len();
            let digits = text[start..]
                .char_indices()
                .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
                .count();
            if digits > 0 {
                sites.push(start..start + digits);
            }
        }
    }
    sites.sort_by_key(|r| r.start);
    sites
}

/// Plays from the start choosing replies by `picks` (cycled), to the end; `false` if the visit
/// does not end within a bound no playable visit reaches.
fn plays_to_an_end(library: &Arc<Library>, id: &str, seed: u64, picks: &[usize]) -> bool {
    let Ok(mut attempt) = Attempt::begin(Arc::clone(library), id, seed, None) else {
        return true;
    };
    for step in 0..1000 {
        let Some(view) = attempt.visit().current() else {
            return true;
        };
        let shown = picks[step % picks.len()] % view.order.len().max(1);
        if attempt.choose_shown(shown).is_err() {
            return true;
        }
    }
    attempt.visit().current().is_none()
}

#[test]
fn content_that_check_accepts_plays_analyses_and_maps_at_every_bound() {
    let text = std::fs::read_to_string(repo().join(SCENARIO)).unwrap();
    let sites = number_sites(&text);
    assert!(
        sites.len() > 50,
        "the drill has its numbers: {}",
        sites.len()
    );
    let (seeds, errors) = read_files(&[repo().join("seeds")]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        rng_seed: RngSeed::Fixed(0xb0_0d5),
        failure_persistence: None,
        ..Config::default()
    });
    let changes = proptest::collection::vec((0..sites.len(), 0..VALUES.len()), 1..6);
    let picks = proptest::collection::vec(0usize..4, 1..8);
    let accepted = std::cell::Cell::new(0);
    let outcome = runner.run(&(changes, picks, 0u64..50), |(changes, picks, seed)| {
        let mut changed = text.clone();
        // From the end, so earlier ranges stay where they are.
        let mut changes = changes;
        changes.sort_by_key(|(site, _)| std::cmp::Reverse(sites[*site].start));
        changes.dedup_by_key(|(site, _)| *site);
        for (site, value) in &changes {
            changed.replace_range(sites[*site].clone(), &VALUES[*value].to_string());
        }
        let Ok(file) = parse_file(std::path::Path::new(SCENARIO), changed.as_bytes()) else {
            return Ok(());
        };
        let mut files = seeds.clone();
        files.push(file);
        let library = Library::assemble(&files);
        if library.errors().next().is_some() {
            return Ok(());
        }
        accepted.set(accepted.get() + 1);
        let library = Arc::new(library);
        let scenario = library.scenario("drill_price_objection").unwrap().clone();
        // The map runs the whole analysis and then draws on it.
        let page = map_html(&library, &scenario, seed, Lang::Zh);
        prop_assert!(page.contains("drill_price_objection"));
        prop_assert!(
            plays_to_an_end(&library, &scenario.id, seed, &picks),
            "the visit did not end: {changes:?}"
        );
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // Most changes stay within bounds: the property is about files that play.
    let accepted = accepted.get();
    assert!(
        accepted > 40,
        "only {accepted} of 1024 changed files were accepted"
    );
}
