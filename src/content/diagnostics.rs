//! Problems found in content files, each pinned to `file:line:col`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A 1-based line and column; columns count characters, as editors do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rustc-style report: message, location, the source line with a marker, the hint.
    pub fn render(&self, source: Option<&str>) -> String {
        use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
        use codespan_reporting::files::SimpleFile;
        use codespan_reporting::term::{self, Config};

        let Some((text, span)) = source.and_then(|t| Some((t, span_at(t, self.line, self.col)?)))
        else {
            // Without the text to show, the one-line form still says where.
            let hint = self.hint.as_ref().map(|h| format!("\n  = hint: {h}"));
            return format!("{self}{}\n", hint.unwrap_or_default());
        };
        let report = match self.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(&self.message)
        .with_labels(vec![Label::primary((), span)])
        .with_notes(self.hint.iter().map(|h| format!("hint: {h}")).collect());
        let file = SimpleFile::new(self.file.display().to_string(), text);
        let mut out = term::termcolor::NoColor::new(Vec::new());
        match term::emit(&mut out, &Config::default(), &file, &report) {
            Ok(()) => String::from_utf8_lossy(&out.into_inner()).into_owned(),
            Err(_) => format!("{self}\n"),
        }
    }
}

/// The byte range of the character at a 1-based line and column (columns count characters),
/// or an empty range at the end of a shorter line.
fn span_at(text: &str, line: usize, col: usize) -> Option<std::ops::Range<usize>> {
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let content = text
        .get(start_of_line..)?
        .split('\n')
        .next()
        .unwrap_or_default();
    let content = content.strip_suffix('\r').unwrap_or(content);
    Some(match content.char_indices().nth(col.checked_sub(1)?) {
        Some((at, c)) => start_of_line + at..start_of_line + at + c.len_utf8(),
        None => start_of_line + content.len()..start_of_line + content.len(),
    })
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file.display(),
            self.line,
            self.col,
            self.message
        )
    }
}
