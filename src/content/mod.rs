//! Scenario, persona, catalogue and rubric files: parsing, checking, and the library they form.
//! Pure Rust: the game loads these through Bevy's asset system, the command line from disk,
//! and both end in [`Library::assemble`].

pub mod diagnostics;
pub mod schema;
pub mod spans;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

pub use diagnostics::{Diagnostic, Pos, Severity};
pub use schema::*;

/// The kinds of content file, told apart by how the file name ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    Persona,
    Catalogue,
    Rubric,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::Scenario,
        FileKind::Persona,
        FileKind::Catalogue,
        FileKind::Rubric,
    ];

    pub fn suffix(self) -> &'static str {
        match self {
            FileKind::Scenario => ".scenario.ron",
            FileKind::Persona => ".persona.ron",
            FileKind::Catalogue => ".catalogue.ron",
            FileKind::Rubric => ".rubric.ron",
        }
    }

    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        FileKind::ALL
            .into_iter()
            .find(|kind| name.ends_with(kind.suffix()))
    }
}

/// One file's typed content.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    Scenario(Arc<Scenario>),
    Persona(Persona),
    Catalogue(Catalogue),
    Rubric(Rubric),
}

/// A file that parsed, with its text kept for positions in later checks.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub content: Content,
}

/// Parses one file's bytes into typed content, or says precisely why it cannot.
pub fn parse_file(path: &Path, bytes: &[u8]) -> Result<ParsedFile, Vec<Diagnostic>> {
    let start = Pos { line: 1, col: 1 };
    let Some(kind) = FileKind::of(path) else {
        return Err(vec![
            Diagnostic::error(path, start, "not a content file").with_hint(
                "name scenario files *.scenario.ron, personas *.persona.ron, the technique \
                 catalogue *.catalogue.ron and the rubric *.rubric.ron",
            ),
        ]);
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let before = String::from_utf8_lossy(valid);
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(vec![
                Diagnostic::error(path, Pos { line, col }, "the file is not valid UTF-8 text")
                    .with_hint(
                        "save the file as UTF-8 (most editors offer it under 'Save with encoding')",
                    ),
            ]);
        }
    };
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error(path, start, "the file is empty")]);
    }
    let content = match kind {
        FileKind::Scenario => {
            parse_ron::<Scenario>(path, text).map(|s| Content::Scenario(Arc::new(s)))
        }
        FileKind::Persona => parse_ron(path, text).map(Content::Persona),
        FileKind::Catalogue => parse_ron(path, text).map(Content::Catalogue),
        FileKind::Rubric => parse_ron(path, text).map(Content::Rubric),
    }?;
    Ok(ParsedFile {
        path: path.to_path_buf(),
        text: Arc::from(text),
        content,
    })
}

fn parse_ron<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    // Optional texts may be written with or without `Some(…)`.
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(128)
        .from_str(text)
        .map_err(|err: ron::error::SpannedError| {
            let pos = Pos {
                line: err.span.start.line,
                col: err.span.start.col,
            };
            vec![Diagnostic::error(path, pos, err.code.to_string())]
        })
}

/// Everything the game can play, plus every problem found while assembling it.
#[derive(Clone, Debug, Default)]
pub struct Library {
    /// Playable scenarios, by id. A scenario with errors is left out (and its errors reported).
    pub scenarios: BTreeMap<String, Arc<Scenario>>,
    pub personas: BTreeMap<PersonaKind, Persona>,
    pub catalogue: Catalogue,
    pub rubric: Rubric,
    /// Where each playable scenario came from.
    pub sources: BTreeMap<String, PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Library {
    /// Cross-checks parsed files and keeps what is sound.
    pub fn assemble(files: &[ParsedFile]) -> Library {
        validate::assemble(files)
    }

    /// Reads every content file under the given folders (or single files) from disk.
    pub fn load(paths: &[PathBuf]) -> Library {
        let (files, mut diagnostics) = read_files(paths);
        let mut library = Library::assemble(&files);
        diagnostics.append(&mut library.diagnostics);
        library.diagnostics = diagnostics;
        library.sort_diagnostics();
        library
    }

    /// File by file, top to bottom, as a trainer fixes them.
    pub fn sort_diagnostics(&mut self) {
        self.diagnostics
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    }

    pub fn scenario(&self, id: &str) -> Option<&Arc<Scenario>> {
        self.scenarios.get(id)
    }

    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.catalogue.techniques.iter().find(|t| t.id == id)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Finds content files under the given paths, sorted so the order never depends on the disk.
pub fn content_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut found = Vec::new();
    for path in paths {
        collect(path, &mut found).map_err(|err| {
            Diagnostic::error(path, Pos { line: 1, col: 1 }, format!("cannot read: {err}"))
        })?;
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn collect(path: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            let entry = entry?.path();
            if entry.is_dir() || FileKind::of(&entry).is_some() {
                collect(&entry, found)?;
            }
        }
    } else if path.exists() {
        found.push(path.to_path_buf());
    } else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file or folder",
        ));
    }
    Ok(())
}

/// Reads and parses files from disk; a file that cannot be read or parsed becomes diagnostics.
pub fn read_files(paths: &[PathBuf]) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    let mut parsed = Vec::new();
    let mut diagnostics = Vec::new();
    let files = match content_files(paths) {
        Ok(files) => files,
        Err(diagnostic) => return (parsed, vec![diagnostic]),
    };
    for file in files {
        match std::fs::read(&file) {
            Ok(bytes) => match parse_file(&file, &bytes) {
                Ok(ok) => parsed.push(ok),
                Err(mut errs) => diagnostics.append(&mut errs),
            },
            Err(err) => diagnostics.push(Diagnostic::error(
                &file,
                Pos { line: 1, col: 1 },
                format!("cannot read: {err}"),
            )),
        }
    }
    (parsed, diagnostics)
}
