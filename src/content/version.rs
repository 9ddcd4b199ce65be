//! The exact source texts a visit of one scenario depends on. A stored result keeps the hash of
//! its version, and the version itself is stored once, so the result can always be replayed and
//! re-scored against the content it was played on, never silently against newer files.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Content, Library, ParsedFile, parse_file};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentVersion {
    /// The scenario file, the persona files, the catalogue and the rubric, sorted by name.
    pub files: Vec<VersionFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionFile {
    /// The file's name, e.g. `driver.persona.ron`: enough to know its kind when re-read.
    pub name: String,
    pub text: String,
}

impl ContentVersion {
    /// A hex BLAKE3 hash over every name and text, lengths included so files cannot blur.
    pub fn hash(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        for file in &self.files {
            for part in [file.name.as_bytes(), file.text.as_bytes()] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        hasher.finalize().to_hex().to_string()
    }

    /// Parses the stored texts back into a library, with the same loader as the game.
    pub fn library(&self) -> Library {
        let mut parsed = Vec::new();
        let mut diagnostics = Vec::new();
        for file in &self.files {
            match parse_file(Path::new(&file.name), file.text.as_bytes()) {
                Ok(ok) => parsed.push(ok),
                Err(mut errs) => diagnostics.append(&mut errs),
            }
        }
        let mut library = Library::assemble(&parsed);
        library.diagnostics.append(&mut diagnostics);
        library
    }
}

impl Library {
    /// The version of one playable scenario: its file plus the shared files it is scored with.
    pub fn version_of(&self, scenario_id: &str) -> Option<ContentVersion> {
        let source = self.sources.get(scenario_id)?;
        Some(self.snapshot(|file| match &file.content {
            Content::Scenario(_) => &file.path == source,
            Content::Campaign(_) => false,
            _ => true,
        }))
    }

    /// The version of one playable campaign: its file, the scenarios its visits play, and the
    /// shared files they are all scored with.
    pub fn version_of_campaign(&self, campaign_id: &str) -> Option<ContentVersion> {
        let campaign = self.campaign(campaign_id)?;
        let source = self.campaign_sources.get(campaign_id)?;
        let visits: Vec<&std::path::PathBuf> = campaign
            .steps
            .iter()
            .filter_map(|step| match step {
                super::CampaignStep::Visit(visit) => self.sources.get(&visit.scenario),
                super::CampaignStep::Decision(_) => None,
            })
            .collect();
        Some(self.snapshot(|file| match &file.content {
            Content::Scenario(_) => visits.contains(&&file.path),
            Content::Campaign(_) => &file.path == source,
            _ => true,
        }))
    }

    /// The kept files that `keep` picks, sorted by name.
    fn snapshot(&self, keep: impl Fn(&ParsedFile) -> bool) -> ContentVersion {
        let mut files: Vec<VersionFile> = self
            .used_files
            .iter()
            .filter(|file| keep(file))
            .map(|file| VersionFile {
                name: file_name(&file.path),
                text: file.text.to_string(),
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        ContentVersion { files }
    }
}

/// The files the library was assembled from and kept: what `version_of` snapshots.
pub(super) fn used_files(files: &[ParsedFile], library: &Library) -> Vec<Arc<ParsedFile>> {
    let mut used = Vec::new();
    let (mut catalogue, mut rubric) = (false, false);
    let mut personas = Vec::new();
    for file in files {
        let keep = match &file.content {
            Content::Scenario(s) => library.sources.get(&s.id) == Some(&file.path),
            Content::Campaign(c) => library.campaign_sources.get(&c.id) == Some(&file.path),
            Content::Catalogue(_) => !std::mem::replace(&mut catalogue, true),
            Content::Rubric(_) => !std::mem::replace(&mut rubric, true),
            Content::Persona(p) => {
                let kept = library.personas.get(&p.kind) == Some(p) && !personas.contains(&p.kind);
                if kept {
                    personas.push(p.kind);
                }
                kept
            }
        };
        if keep {
            used.push(Arc::new(file.clone()));
        }
    }
    used
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
