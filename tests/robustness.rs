//! Property tests: the shipped scenario, persona, catalogue and rubric files, damaged at random
//! the way an editor, a bad merge or a cut-off copy damages them (a span deleted, duplicated,
//! swapped with another, overwritten with stray characters, quotes, brackets, non-ASCII text or
//! raw bytes), then read the way `salesdojo check` reads them: `parse_file`, and when that
//! succeeds, `Library::assemble` with the real seeds.
//!
//! What a trainer would notice if these failed: the checker crashing or hanging on a damaged
//! file, a file that is silently dropped with nothing said, or a message pointing at a line or
//! column that is not in the file.
//!
//! Reproducibility: the runner uses proptest's default ChaCha RNG with a fixed seed
//! (`SEED` below), so CI runs the same cases every time and a failure seen once is seen again.
//! To explore other cases locally, set `PROPTEST_RNG_SEED=<u64>` (and `PROPTEST_CASES=<n>` for
//! more of them). Failure persistence is off, so nothing is written into the repository; a
//! failure prints the mutations that caused it, and a minimal reproducer belongs in
//! tests/broken/ (see docs/fuzzing.md).
//!
//! Time: each property runs `CASES` (1024) cases; the whole file takes about 3 s in a debug
//! build on 2 cores. Each case runs under a watchdog, so an endless loop fails the case instead
//! of hanging the run, and shrinking a failure is capped at 30 s.

mod support;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use salesdojo::content::{Content, Diagnostic, Library, ParsedFile, parse_file};

use support::repo;

const SEED: u64 = 0x5a1e_5d0c_2024;
const CASES: u32 = 1024;
/// One case (parse and assemble a file of up to 100 KB) takes milliseconds; this catches
/// endless loops.
const CASE_LIMIT: Duration = Duration::from_secs(20);

const SCENARIOS: &[&str] = &[
    "scenarios/drill_price_objection.scenario.ron",
    "scenarios/analytical_equipment_director.scenario.ron",
];
const SEEDS: &[&str] = &[
    "seeds/personas/amiable.persona.ron",
    "seeds/personas/analytical.persona.ron",
    "seeds/personas/driver.persona.ron",
    "seeds/personas/expressive.persona.ron",
    "seeds/course.rubric.ron",
    "seeds/course.catalogue.ron",
];
/// The scenario assembled alongside the seeds when a seed file is damaged, so that damage which
/// breaks scenarios (a rubric tag, a technique id) is exercised too.
const WITH_SEEDS: &str = "scenarios/drill_price_objection.scenario.ron";

fn config() -> Config {
    let from_env = Config::default();
    Config {
        cases: std::env::var_os("PROPTEST_CASES").map_or(CASES, |_| from_env.cases),
        failure_persistence: None,
        rng_seed: match from_env.rng_seed {
            RngSeed::Random => RngSeed::Fixed(SEED),
            fixed => fixed,
        },
        max_shrink_time: 30_000,
        ..from_env
    }
}

/// The shipped files, read once, by their path relative to the repository.
static ORIGINALS: LazyLock<Vec<(PathBuf, Vec<u8>)>> = LazyLock::new(|| {
    SCENARIOS
        .iter()
        .chain(SEEDS)
        .map(|p| (PathBuf::from(p), std::fs::read(repo().join(p)).unwrap()))
        .collect()
});

fn original(path: &str) -> &'static [u8] {
    &ORIGINALS
        .iter()
        .find(|(p, _)| p == Path::new(path))
        .unwrap()
        .1
}

fn parsed(path: &str) -> ParsedFile {
    parse_file(Path::new(path), original(path)).expect("a shipped file parses")
}

// --- Mutations ---------------------------------------------------------------------------------

/// A place in the text as a fraction of its length (`usize::MAX` = the end), so a mutation
/// stays meaningful after earlier ones changed the length. Shrinks towards the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Index(usize);

impl Index {
    fn index(self, len: usize) -> usize {
        ((len as u128 * self.0 as u128) >> usize::BITS) as usize
    }
}

impl Arbitrary for Index {
    type Parameters = ();
    type Strategy = prop::strategy::Map<prop::num::usize::Any, fn(usize) -> Index>;

    fn arbitrary_with((): ()) -> Self::Strategy {
        any::<usize>().prop_map(Index as fn(usize) -> Index)
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete {
        at: Index,
        len: usize,
    },
    Duplicate {
        at: Index,
        len: usize,
    },
    Swap {
        a: Index,
        b: Index,
        len: usize,
    },
    Overwrite {
        at: Index,
        len: usize,
        with: String,
    },
    /// Text typed right after a `"`: usually inside a text or an id, so the file still parses
    /// and the cross-file checks (ids, references, tags) see the damage.
    TypeInText {
        quote: Index,
        with: String,
    },
    /// Bytes that may not be UTF-8 at all.
    RawBytes {
        at: Index,
        len: usize,
        with: Vec<u8>,
    },
}

/// Tokens that mean something to RON or to a trainer's editor.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "'",
    "b\"",
    "#",
    "Some(",
    "None",
    "true",
    "-1",
    "0",
    "256",
    "4294967296",
    "1e400",
    "-0.5",
    "99999999999999999999999",
    "“",
    "”",
    "‘",
    "’",
    "，",
    "：",
    "（",
    "）",
    "\u{feff}",
    "\r\n",
    "\n",
    "\t",
    "\u{2028}",
    "\u{0}",
    "é",
    "😀",
    "你好",
    "Goto(\"",
    "If((",
    "Trust(",
    "id: ",
    "techniques: [",
    "scored: ",
    "Analytical",
    "Driver",
];

fn span_len() -> impl Strategy<Value = usize> {
    prop_oneof![8 => 1..16usize, 3 => 16..200usize, 1 => 200..5000usize]
}

fn junk() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(TOKENS).prop_map(str::to_string),
        2 => any::<char>().prop_map(String::from),
        3 => "[a-zA-Z0-9_ \"(),:\\[\\]{}.\\-\n你好客户“”é]{1,12}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|pieces| pieces.concat())
}

/// Text without quotes or backslashes, as a trainer types it into a text.
fn typed() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_ .,:;!?()\\[\\]{}#'/*\\-你好客户报价“”‘’，。é😀]{0,24}"
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), span_len()).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (any::<Index>(), span_len()).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        2 => (any::<Index>(), any::<Index>(), span_len())
            .prop_map(|(a, b, len)| Mutation::Swap { a, b, len }),
        4 => (any::<Index>(), 0..24usize, junk())
            .prop_map(|(at, len, with)| Mutation::Overwrite { at, len, with }),
        4 => (any::<Index>(), typed()).prop_map(|(quote, with)| Mutation::TypeInText { quote, with }),
        1 => (any::<Index>(), 0..4usize, prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, len, with)| Mutation::RawBytes { at, len, with }),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..4)
}

/// Moves a byte position forward to the start of a character, so text edits keep the file
/// UTF-8 (invalid UTF-8 is tested on purpose, by `RawBytes`, not by accident).
fn boundary(bytes: &[u8], mut at: usize) -> usize {
    at = at.min(bytes.len());
    while at < bytes.len() && (bytes[at] & 0b1100_0000) == 0b1000_0000 {
        at += 1;
    }
    at
}

fn position(bytes: &[u8], at: &Index) -> usize {
    if bytes.is_empty() {
        0
    } else {
        boundary(bytes, at.index(bytes.len()))
    }
}

fn span(bytes: &[u8], at: &Index, len: usize) -> std::ops::Range<usize> {
    let start = position(bytes, at);
    start..boundary(bytes, start.saturating_add(len))
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        match m {
            Mutation::Delete { at, len } => {
                let range = span(&bytes, at, *len);
                bytes.drain(range);
            }
            Mutation::Duplicate { at, len } => {
                let range = span(&bytes, at, *len);
                let copy = bytes[range.clone()].to_vec();
                bytes.splice(range.end..range.end, copy);
            }
            Mutation::Swap { a, b, len } => {
                let (a, b) = (position(&bytes, a), position(&bytes, b));
                let (first, second) = (a.min(b), a.max(b));
                // Two spans of up to `len` bytes that do not overlap.
                let first = first..boundary(&bytes, first + (*len).min(second - first));
                let second = second..boundary(&bytes, second + *len);
                let (x, y) = (
                    bytes[first.clone()].to_vec(),
                    bytes[second.clone()].to_vec(),
                );
                let middle = bytes[first.end..second.start].to_vec();
                bytes.splice(first.start..second.end, [y, middle, x].concat());
            }
            Mutation::Overwrite { at, len, with } => {
                let range = span(&bytes, at, *len);
                bytes.splice(range, with.bytes());
            }
            Mutation::TypeInText { quote, with } => {
                let quotes: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'"').collect();
                if !quotes.is_empty() {
                    let after = quotes[quote.index(quotes.len())] + 1;
                    bytes.splice(after..after, with.bytes());
                }
            }
            Mutation::RawBytes { at, len, with } => {
                let start = if bytes.is_empty() {
                    0
                } else {
                    at.index(bytes.len())
                };
                let end = (start + len).min(bytes.len());
                bytes.splice(start..end, with.iter().copied());
            }
        }
    }
    bytes
}

// --- The properties ----------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    cases: Cell<u32>,
    parse_errors: Cell<u32>,
    parsed: Cell<u32>,
    dropped_with_errors: Cell<u32>,
}

impl Stats {
    fn bump(cell: &Cell<u32>) {
        cell.set(cell.get() + 1);
    }

    fn report(&self, what: &str) {
        eprintln!(
            "{what}: {} cases, {} rejected by the parser, {} parsed ({} then left out with errors)",
            self.cases.get(),
            self.parse_errors.get(),
            self.parsed.get(),
            self.dropped_with_errors.get()
        );
    }
}

/// Where a diagnostic points must be a place in the file it names: line 1 to one past the last
/// line, and a column at most one past the end of that line (both counted from 1).
fn check_position(diagnostic: &Diagnostic, text: &str) -> Result<(), TestCaseError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let shown = format!("{diagnostic}");
    prop_assert!(diagnostic.line >= 1 && diagnostic.col >= 1, "{}", shown);
    prop_assert!(
        diagnostic.line <= lines.len() + 1,
        "{} points past the end of the file ({} lines)",
        shown,
        lines.len()
    );
    let width = lines
        .get(diagnostic.line - 1)
        .map_or(0, |l| l.chars().count());
    prop_assert!(
        diagnostic.col <= width + 1,
        "{} points past the end of its line ({} characters): {:?}",
        shown,
        width,
        lines.get(diagnostic.line - 1)
    );
    prop_assert!(
        !diagnostic.message.trim().is_empty(),
        "{} has no message",
        shown
    );
    // What `salesdojo check` prints: it must not panic, and must say where and what.
    // (Only the line is compared: in a file with Windows line ends, a position at the end of a
    // line counts the `\r` in the diagnostic's column but not in the printed one.)
    let rendered = diagnostic.render(Some(text));
    let place = format!("{}:{}:", diagnostic.file.display(), diagnostic.line);
    prop_assert!(
        rendered.contains(&diagnostic.message) && rendered.contains(&place),
        "the report of {} does not show its message and {}:\n{}",
        shown,
        place,
        rendered
    );
    Ok(())
}

/// Parses the damaged file; when it parses, assembles it with `others` (the undamaged files).
/// Everything a trainer would be told must be sound; a panic or a hang fails the case.
fn check_damaged(
    path: &'static str,
    bytes: Vec<u8>,
    others: Arc<Vec<ParsedFile>>,
    stats: &Stats,
) -> Result<(), TestCaseError> {
    Stats::bump(&stats.cases);
    let (parsed, library) = watchdog(move || {
        let parsed = parse_file(Path::new(path), &bytes);
        let library = parsed.as_ref().ok().map(|file| {
            let files: Vec<ParsedFile> = others
                .iter()
                .filter(|f| f.path != file.path)
                .cloned()
                .chain([file.clone()])
                .collect();
            (Library::assemble(&files), files)
        });
        (parsed.map_err(|d| (d, bytes)), library)
    })?;
    let (file, (library, files)) = match (parsed, library) {
        (Err((diagnostics, bytes)), _) => {
            Stats::bump(&stats.parse_errors);
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(!diagnostics.is_empty(), "rejected without a word");
            prop_assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "rejected with warnings only: {:?}",
                diagnostics
            );
            for diagnostic in &diagnostics {
                prop_assert_eq!(&diagnostic.file, Path::new(path));
                check_position(diagnostic, &text)?;
            }
            return Ok(());
        }
        (Ok(file), Some(assembled)) => (file, assembled),
        (Ok(_), None) => unreachable!("a parsed file is assembled"),
    };
    Stats::bump(&stats.parsed);

    // Every diagnostic names one of the files and points into it.
    for diagnostic in &library.diagnostics {
        let Some(named) = files.iter().find(|f| f.path == diagnostic.file) else {
            return Err(TestCaseError::fail(format!(
                "{diagnostic} names a file that was not checked"
            )));
        };
        check_position(diagnostic, &named.text)?;
    }
    // A file that is left out of the library must be explained by an error.
    let errors_in = |path: &Path| library.errors().any(|d| d.file == path);
    for f in files.iter() {
        let kept = match &f.content {
            Content::Scenario(_) => library.sources.values().any(|p| *p == f.path),
            Content::Campaign(_) => library.campaign_sources.values().any(|p| *p == f.path),
            Content::Persona(p) => library.personas.get(&p.kind) == Some(p),
            Content::Catalogue(_) | Content::Rubric(_) => true,
        };
        if kept {
            continue;
        }
        if f.path == file.path {
            Stats::bump(&stats.dropped_with_errors);
            prop_assert!(
                errors_in(&f.path),
                "{} was left out of the library without an error naming it; diagnostics: {:#?}",
                f.path.display(),
                library.diagnostics
            );
        } else {
            // An undamaged file broken by the damaged one (a tag the rubric lost): some error
            // must say why.
            prop_assert!(
                library.has_errors(),
                "{} was left out of the library with no error at all",
                f.path.display()
            );
        }
    }
    Ok(())
}

type Outcome = (
    Result<ParsedFile, (Vec<Diagnostic>, Vec<u8>)>,
    Option<(Library, Vec<ParsedFile>)>,
);

/// Runs one case on its own thread: a panic becomes a failed case with its message, and a case
/// that does not finish within `CASE_LIMIT` fails instead of hanging the test run.
fn watchdog(work: impl FnOnce() -> Outcome + Send + 'static) -> Result<Outcome, TestCaseError> {
    let (send, receive) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = send.send(work());
    });
    match receive.recv_timeout(CASE_LIMIT) {
        Ok(outcome) => {
            let _ = worker.join();
            Ok(outcome)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "loading did not finish within {CASE_LIMIT:?}: an endless loop?"
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let payload = worker
                .join()
                .expect_err("the worker died without an answer");
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(TestCaseError::fail(format!("loading panicked: {message}")))
        }
    }
}

fn run(what: &str, targets: &'static [&'static str], others: Vec<ParsedFile>) {
    let others = Arc::new(others);
    let stats = Stats::default();
    let mut runner = TestRunner::new(config());
    let strategy = (prop::sample::select(targets), mutations());
    let result = runner.run(&strategy, |(path, mutations)| {
        let damaged = apply(original(path).to_vec(), &mutations);
        check_damaged(path, damaged, others.clone(), &stats)
    });
    stats.report(what);
    if let Err(err) = result {
        panic!("{what}: {err}");
    }
    assert!(
        stats.parse_errors.get() > 0,
        "{what}: no damaged file was rejected, so the mutations test nothing"
    );
}

#[test]
fn the_shipped_files_assemble_without_errors() {
    // The properties below start from these files; they must be clean to begin with.
    let files: Vec<ParsedFile> = SCENARIOS.iter().chain(SEEDS).map(|p| parsed(p)).collect();
    let library = Library::assemble(&files);
    assert!(library.diagnostics.is_empty(), "{:#?}", library.diagnostics);
    assert_eq!(library.scenarios.len(), SCENARIOS.len());
    assert_eq!(library.personas.len(), 4);
}

#[test]
fn damaged_scenarios_are_reported_where_the_damage_is() {
    let seeds = SEEDS.iter().map(|p| parsed(p)).collect();
    run("scenarios", SCENARIOS, seeds);
}

#[test]
fn damaged_seed_files_are_reported_where_the_damage_is() {
    let all = SEEDS
        .iter()
        .chain([&WITH_SEEDS])
        .map(|p| parsed(p))
        .collect();
    run("seeds", SEEDS, all);
}

#[test]
fn mutations_change_the_text_where_they_say() {
    // The mutation helpers themselves, on a short text with multi-byte characters.
    let text = "ab你cd".as_bytes().to_vec();
    let at = |fraction: f64| {
        // An Index whose position in a 7-byte text is `fraction` of the way along.
        Index((fraction * (usize::MAX as f64)) as usize)
    };
    let delete = apply(
        text.clone(),
        &[Mutation::Delete {
            at: at(0.3),
            len: 1,
        }],
    );
    // Byte 2 is the start of 你; deleting one byte takes the whole character.
    assert_eq!(String::from_utf8(delete).unwrap(), "abcd");
    let duplicate = apply(
        text.clone(),
        &[Mutation::Duplicate {
            at: at(0.0),
            len: 2,
        }],
    );
    assert_eq!(String::from_utf8(duplicate).unwrap(), "abab你cd");
    let swap = apply(
        text.clone(),
        &[Mutation::Swap {
            a: at(0.0),
            b: at(0.8),
            len: 1,
        }],
    );
    assert_eq!(String::from_utf8(swap).unwrap(), "cb你ad");
    let typed = apply(
        b"(id: \"x\")".to_vec(),
        &[Mutation::TypeInText {
            quote: at(0.0),
            with: "好".into(),
        }],
    );
    assert_eq!(String::from_utf8(typed).unwrap(), "(id: \"好x\")");
}
