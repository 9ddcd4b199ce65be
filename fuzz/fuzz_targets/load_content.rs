//! Fuzzes the content loader: arbitrary bytes as a scenario, persona, catalogue or rubric file
//! (the first byte picks which), parsed by `parse_file` and, when that succeeds, assembled with
//! the shipped seeds by `Library::assemble`, exactly as `salesdojo check` does.
//!
//! A crash is a panic, a hang, or a diagnostic a trainer could not use: no diagnostic for a
//! rejected file, or one pointing outside the file. See docs/fuzzing.md.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use salesdojo::content::{Content, Diagnostic, FileKind, Library, ParsedFile, parse_file};

/// The file name each kind is fuzzed under (the loader tells kinds apart by the name).
const NAMES: [&str; 4] = [
    "fuzz.scenario.ron",
    "fuzz.persona.ron",
    "course.catalogue.ron",
    "course.rubric.ron",
];

/// The shipped seeds, read once: the files a fuzzed scenario refers to, and the ones a fuzzed
/// seed file stands in for.
static SEEDS: LazyLock<Vec<ParsedFile>> = LazyLock::new(|| {
    let seeds = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds"));
    let (files, diagnostics) = salesdojo::content::read_files(&[seeds]);
    assert!(
        diagnostics.is_empty(),
        "the shipped seeds load: {diagnostics:?}"
    );
    files
});

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let path = Path::new(NAMES[usize::from(kind) % NAMES.len()]);
    match parse_file(path, bytes) {
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "rejected without a diagnostic");
            assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "{diagnostics:?}"
            );
            let text = String::from_utf8_lossy(bytes);
            for diagnostic in &diagnostics {
                assert_eq!(diagnostic.file, path);
                check_position(diagnostic, &text);
            }
        }
        Ok(file) => {
            // The fuzzed file takes the place of the seed of the same kind.
            let replaces = |seed: &ParsedFile| match (&seed.content, &file.content) {
                (Content::Persona(a), Content::Persona(b)) => a.kind == b.kind,
                (Content::Catalogue(_), Content::Catalogue(_)) => true,
                (Content::Rubric(_), Content::Rubric(_)) => true,
                _ => false,
            };
            let files: Vec<ParsedFile> = SEEDS
                .iter()
                .filter(|seed| !replaces(seed))
                .cloned()
                .chain([file.clone()])
                .collect();
            let library = Library::assemble(&files);
            for diagnostic in &library.diagnostics {
                let named = files
                    .iter()
                    .find(|f| f.path == diagnostic.file)
                    .unwrap_or_else(|| panic!("{diagnostic} names a file that was not checked"));
                check_position(diagnostic, &named.text);
            }
            // A scenario left out of the library must be explained by an error naming it.
            if FileKind::of(path) == Some(FileKind::Scenario)
                && !library.sources.values().any(|p| p == path)
            {
                assert!(
                    library.errors().any(|d| d.file == path),
                    "the scenario was left out without an error: {:?}",
                    library.diagnostics
                );
            }
        }
    }
});

/// A diagnostic points into the file it names (1-based, at most one past the end of a line or
/// of the file), and rendering it as `salesdojo check` does must not panic.
fn check_position(diagnostic: &Diagnostic, text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(diagnostic.line >= 1 && diagnostic.col >= 1, "{diagnostic}");
    assert!(
        diagnostic.line <= lines.len() + 1,
        "{diagnostic}: past the end of the file"
    );
    let width = lines
        .get(diagnostic.line - 1)
        .map_or(0, |l| l.chars().count());
    assert!(
        diagnostic.col <= width + 1,
        "{diagnostic}: past the end of its line"
    );
    let _ = diagnostic.render(Some(text));
}
