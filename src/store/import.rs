//! `results import`: the results of another store (a laptop's or an old classroom's SQLite
//! file) brought into this one. Each is verified on the way in, and arrives with its content
//! version and its session; its id is made from what it is, so importing the same results
//! twice stores them once.

use std::collections::HashMap;

use serde::Serialize;

use super::verify::{Standing, Verifier};
use super::{ResultFilter, Session, Store, StoreError, StoredResult};

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub struct Imported {
    /// Results stored by this import.
    pub added: usize,
    /// Results this store already had (imported before).
    pub already: usize,
    /// Results left out, each with why (edited by hand, its content missing, …).
    pub refused: Vec<String>,
    /// Sessions whose code is another session here, with the code they were given.
    pub renamed: Vec<(String, String)>,
}

impl Store {
    /// Brings every result of `from` (practice too) into this store. A result that does not
    /// verify in `from` is left out and said; nothing of `from` is changed.
    pub fn import_from(&self, from: &Store) -> Result<Imported, StoreError> {
        let mut imported = Imported::default();
        let mut verifier = Verifier::new(None);
        // Their session code → the session here.
        let mut sessions: HashMap<String, Session> = HashMap::new();
        let results = from.results(&ResultFilter {
            with_practice: true,
            ..Default::default()
        })?;
        for theirs in results {
            let label = format!("#{} {} · {}", theirs.id, theirs.trainee, theirs.scenario);
            let checked = verifier.check(from, theirs.clone())?;
            if let Standing::Invalid(why) = &checked.standing {
                imported.refused.push(format!("{label}: {}", why.en));
                continue;
            }
            let Some(version) = from.version(&theirs.content_hash)? else {
                imported
                    .refused
                    .push(format!("{label}: the content it was played on is missing"));
                continue;
            };
            let session = match &theirs.session {
                None => None,
                Some(code) => {
                    if !sessions.contains_key(code) {
                        let Some(their_session) = from.session(code)? else {
                            imported
                                .refused
                                .push(format!("{label}: its session {code} is missing"));
                            continue;
                        };
                        let here = self.import_session(from, &their_session)?;
                        if here.code != *code {
                            imported.renamed.push((code.clone(), here.code.clone()));
                        }
                        sessions.insert(code.clone(), here);
                    }
                    sessions.get(code).map(|s| s.code.clone())
                }
            };
            let trainee = self.trainee(&theirs.trainee)?;
            let id = stable_id(&theirs);
            let here = StoredResult {
                trainee_id: trainee.id,
                trainee: trainee.name,
                session,
                ..theirs
            };
            match self.insert(here, &version, Some(&id)) {
                Ok(recorded) if recorded.new => imported.added += 1,
                Ok(_) => imported.already += 1,
                Err(StoreError::ClientIdTaken(_)) => imported
                    .refused
                    .push(format!("{label}: another result here has its id {id}")),
                Err(err) => return Err(err),
            }
        }
        Ok(imported)
    }

    /// The session here that is `theirs`: the same session imported before, or a new one with
    /// its code, or (when that code is another session here) with a letter added.
    fn import_session(&self, from: &Store, theirs: &Session) -> Result<Session, StoreError> {
        let mut versions = Vec::new();
        for hash in theirs.versions.values() {
            versions.extend(from.version(hash)?);
        }
        let suffixes = std::iter::once(None).chain(('B'..='Z').map(Some));
        for suffix in suffixes {
            let mut code: String = theirs.code.chars().take(11).collect();
            match suffix {
                Some(letter) => code.push(letter),
                None => code = theirs.code.clone(),
            }
            let candidate = Session {
                code,
                ..theirs.clone()
            };
            // Two importers at once: whoever stores it first, both then find the same one.
            for _ in 0..2 {
                if let Some(here) = self.session(&candidate.code)? {
                    let same = here.seed == theirs.seed
                        && here.scenarios == theirs.scenarios
                        && here.created_at == theirs.created_at;
                    if same {
                        return Ok(here);
                    }
                    break;
                }
                if self.insert_session(&candidate, &versions)? {
                    return Ok(candidate);
                }
            }
        }
        Err(StoreError::CodeTaken(theirs.code.clone()))
    }
}

/// The id an imported result is stored under: made from everything that determines it and
/// when it was played, so the same result gets the same id from any copy of its file.
fn stable_id(result: &StoredResult) -> String {
    let what = serde_json::json!([
        result.trainee,
        result.scenario,
        result.content_hash,
        result.persona,
        result.seed,
        result.choices,
        result.guess,
        result.engine_version,
        result.played_at,
        result.session,
        result.rewound_at,
    ]);
    let hash = blake3::hash(what.to_string().as_bytes());
    format!("import-{}", &hash.to_hex()[..32])
}
