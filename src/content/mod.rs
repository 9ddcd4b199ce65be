//! Scenario, persona, catalogue and rubric files: parsing, checking, and the library they form.
//! Pure Rust: the game loads these through Bevy's asset system, the command line from disk,
//! and both end in [`Library::assemble`].

pub mod diagnostics;
pub mod schema;
pub mod spans;
mod validate;
pub mod version;

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
    Campaign,
    Persona,
    Catalogue,
    Rubric,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Scenario,
        FileKind::Campaign,
        FileKind::Persona,
        FileKind::Catalogue,
        FileKind::Rubric,
    ];

    pub fn suffix(self) -> &'static str {
        match self {
            FileKind::Scenario => ".scenario.ron",
            FileKind::Campaign => ".campaign.ron",
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
    Campaign(Arc<Campaign>),
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
            Diagnostic::warning(path, start, "not a content file, so it is ignored").with_hint(
                "name scenario files *.scenario.ron, campaigns *.campaign.ron, personas \
                 *.persona.ron, the technique catalogue *.catalogue.ron and the rubric \
                 *.rubric.ron",
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
    // Some editors on Windows start UTF-8 files with a byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error(path, start, "the file is empty")]);
    }
    let content = match kind {
        FileKind::Scenario => {
            parse_ron::<Scenario>(path, text).map(|s| Content::Scenario(Arc::new(s)))
        }
        FileKind::Campaign => {
            parse_ron::<Campaign>(path, text).map(|c| Content::Campaign(Arc::new(c)))
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
    ron::Options::default()
        // Optional texts may be written with or without `Some(…)`.
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(128)
        .from_str(text)
        .map_err(|err: ron::error::SpannedError| vec![ron_diagnostic(path, text, &err)])
}

/// A RON error in a trainer's words: where the fix goes, what is wrong, and a hint.
fn ron_diagnostic(path: &Path, text: &str, err: &ron::error::SpannedError) -> Diagnostic {
    use ron::error::Error;
    let at = Pos {
        line: err.span.start.line,
        col: err.span.start.col,
    };
    let found_char = next_char_from(text, at);
    let (pos, message, hint): (Pos, String, Option<String>) = match &err.code {
        Error::ExpectedComma => (
            end_of_previous_token(text, at),
            "a comma is missing here".into(),
            Some(
                "items in a list and fields of a value are separated by commas; inside a text, \
                 write a double quote as \\\""
                    .into(),
            ),
        ),
        Error::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let near = validate::closest(found, expected.iter().copied());
            let hint = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None if found.starts_with(char::is_uppercase) => {
                    "a `)` or `]` closing the value before it may be missing".into()
                }
                None => format!("the fields here are: {}", expected.join(", ")),
            };
            (
                at,
                format!("unknown field `{found}`{}", in_outer(outer)),
                Some(hint),
            )
        }
        Error::MissingStructField { field, outer } => (
            at,
            format!("the field `{field}` is missing{}", in_outer(outer)),
            Some(
                "the value ends here without it; add `{field}: …` before its closing `)`"
                    .replace("{field}", field),
            ),
        ),
        Error::DuplicateStructField { field, outer } => (
            at,
            format!("the field `{field}` is written twice{}", in_outer(outer)),
            Some("keep one of them".into()),
        ),
        Error::NoSuchEnumVariant {
            expected, found, ..
        } => {
            let near = validate::closest(found, expected.iter().copied());
            (
                at,
                format!("`{found}` is not one of the allowed values"),
                Some(match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("use one of: {}", expected.join(", ")),
                }),
            )
        }
        Error::ExpectedString if matches!(found_char, Some('“' | '”' | '‘' | '’')) => (
            next_char_pos(text, at),
            "a text must start with a straight double quote \"".into(),
            Some(
                "Chinese quotation marks “ ” are fine inside a text, but the text itself is \
                 written between straight quotes: (zh: \"他说“好”\", en: \"…\")"
                    .into(),
            ),
        ),
        Error::ExpectedString => (at, "expected a text in double quotes here".into(), None),
        Error::ExpectedStringEnd => (
            at,
            "a text is not closed: its closing \" is missing".into(),
            Some("if the file was cut off, restore the rest of it".into()),
        ),
        Error::ExpectedInteger => (at, "expected a whole number here".into(), None),
        Error::ExpectedBoolean => (at, "expected true or false here".into(), None),
        Error::ExpectedArray => (at, "expected a list in [ … ] here".into(), None),
        Error::ExpectedOption => (
            at,
            "expected a value here (or None)".into(),
            Some("optional fields may be left out altogether".into()),
        ),
        Error::IntegerOutOfBounds => (
            at,
            "this number is out of range for the field".into(),
            Some(
                "minutes, difficulty and weights cannot be negative; other limits are in \
                 docs/authoring.md"
                    .into(),
            ),
        ),
        Error::ExpectedDifferentStructName { expected, found } => (
            at,
            format!("expected {expected}(…) here, but found `{found}`"),
            Some(if *expected == "Gate" {
                "a gate takes two pairs of parentheses: If((need: [Trust(50)], then: Goto(\"a\"), \
                 otherwise: Goto(\"b\")))"
                    .into()
            } else {
                "a `)` or `]` closing the value before it may be missing, or one too many".into()
            }),
        ),
        Error::ExpectedStructLikeEnd | Error::ExpectedArrayEnd | Error::ExpectedMapEnd => (
            at,
            err.code.to_string(),
            Some("brackets must pair up: every `(` needs a `)`, every `[` a `]`".into()),
        ),
        Error::Eof => (
            at,
            "the file ends too early".into(),
            Some("a closing `)` or `]` is missing, or the file was cut off".into()),
        ),
        Error::ExceededRecursionLimit => (
            at,
            "values are nested too deeply".into(),
            Some(
                "more than 128 levels of ( and [ are not supported; one may never be closed".into(),
            ),
        ),
        other => (at, other.to_string(), None),
    };
    let diagnostic = Diagnostic::error(path, pos, message);
    match hint {
        Some(hint) => diagnostic.with_hint(hint),
        None => diagnostic,
    }
}

fn in_outer(outer: &Option<String>) -> String {
    outer
        .as_ref()
        .map(|o| format!(" in {o}"))
        .unwrap_or_default()
}

/// Where the first character at or after `at` that is not a space sits.
fn next_char_pos(text: &str, at: Pos) -> Pos {
    let skipped = text
        .lines()
        .nth(at.line.saturating_sub(1))
        .map_or(0, |line| {
            line.chars()
                .skip(at.col.saturating_sub(1))
                .take_while(|c| c.is_whitespace())
                .count()
        });
    Pos {
        line: at.line,
        col: at.col + skipped,
    }
}

/// The first character at or after `at` that is not a space.
fn next_char_from(text: &str, at: Pos) -> Option<char> {
    text.lines()
        .nth(at.line.checked_sub(1)?)?
        .chars()
        .skip(at.col.checked_sub(1)?)
        .find(|c| !c.is_whitespace())
}

/// Just after the last token before `at` (skipping spaces and comments): where a missing
/// comma belongs, rather than the start of the next item where the parser noticed.
fn end_of_previous_token(text: &str, at: Pos) -> Pos {
    let lines: Vec<&str> = text.lines().collect();
    let mut line = at.line.saturating_sub(1).min(lines.len().saturating_sub(1));
    let mut limit = Some(at.col.saturating_sub(1));
    loop {
        let Some(content) = lines.get(line) else {
            return at;
        };
        // Ignore a line comment.
        let code = content.split("//").next().unwrap_or(content);
        let chars: Vec<char> = code.chars().collect();
        let end = limit.map_or(chars.len(), |l| l.min(chars.len()));
        if let Some(last) = chars[..end].iter().rposition(|c| !c.is_whitespace()) {
            return Pos {
                line: line + 1,
                col: last + 2,
            };
        }
        if line == 0 {
            return at;
        }
        line -= 1;
        limit = None;
    }
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
    /// Playable campaigns, by id; one with errors is left out (and its errors reported).
    pub campaigns: BTreeMap<String, Arc<Campaign>>,
    /// Where each playable campaign came from.
    pub campaign_sources: BTreeMap<String, PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files kept, with their texts, so a played version can be stored and replayed.
    pub used_files: Vec<Arc<ParsedFile>>,
}

impl Library {
    /// Cross-checks parsed files and keeps what is sound.
    pub fn assemble(files: &[ParsedFile]) -> Library {
        let mut library = validate::assemble(files);
        library.used_files = version::used_files(files, &library);
        library
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

    /// This library's scenarios whose id `shipped` already gives to another file: the error
    /// loading both together would give, for checking a draft against the game's folder.
    pub fn clashes_with(&self, shipped: &Library) -> Vec<Diagnostic> {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        self.sources
            .iter()
            .filter_map(|(id, path)| {
                let other = shipped.sources.get(id).filter(|other| !same(path, other))?;
                let at = read_regular(path)
                    .ok()
                    .and_then(|bytes| parse_file(path, &bytes).ok())
                    .map_or(Pos { line: 1, col: 1 }, |file| {
                        file.locate(&[spans::Step::Field("id")])
                    });
                Some(
                    Diagnostic::error(path, at, format!("scenario id \"{id}\" is already used"))
                        .with_hint(format!(
                            "{} uses it too; ids must be unique",
                            other.display()
                        )),
                )
            })
            .collect()
    }

    pub fn scenario(&self, id: &str) -> Option<&Arc<Scenario>> {
        self.scenarios.get(id)
    }

    pub fn campaign(&self, id: &str) -> Option<&Arc<Campaign>> {
        self.campaigns.get(id)
    }

    /// The title of the scenario or campaign `id`.
    pub fn title_of(&self, id: &str) -> Option<&crate::i18n::Text> {
        match self.scenario(id) {
            Some(scenario) => Some(&scenario.title),
            None => self.campaign(id).map(|campaign| &campaign.title),
        }
    }

    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.catalogue.techniques.iter().find(|t| t.id == id)
    }

    /// Scenarios named for people: their titles in `lang`, joined; an id that is not loaded
    /// stays as it is.
    pub fn titles(&self, ids: &[String], lang: crate::i18n::Lang) -> String {
        ids.iter()
            .map(|id| match self.scenario(id) {
                Some(scenario) => scenario.title.get(lang).to_string(),
                None => id.clone(),
            })
            .collect::<Vec<_>>()
            .join(crate::i18n::tr(lang, "、", ", "))
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
            // Any .ron file is read, so a misnamed one is reported rather than silently skipped.
            let ron = entry.extension().is_some_and(|e| e == "ron");
            if entry.is_dir() || ron {
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

/// Reads a file's bytes, refusing anything but a regular file: a pipe or a device would block
/// the read, or never end (/dev/zero).
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    if std::fs::metadata(path)?.is_file() {
        std::fs::read(path)
    } else {
        Err(std::io::Error::other("not a regular file"))
    }
}

/// Reads and parses files from disk; a file that cannot be read or parsed becomes diagnostics.
pub fn read_files(paths: &[PathBuf]) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    let mut parsed = Vec::new();
    let mut diagnostics = Vec::new();
    // Each path is listed on its own: one that cannot be read is reported, and the others are
    // still read (a mistyped path must not make the seeds look missing as well).
    let mut files = Vec::new();
    for path in paths {
        match content_files(std::slice::from_ref(path)) {
            Ok(mut found) => files.append(&mut found),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    files.sort();
    files.dedup();
    for file in files {
        match read_regular(&file) {
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
