//! Talking to a classroom server from the game or the command line: fetch a session's content,
//! submit results, and keep every result that could not be sent in the local outbox until the
//! server has it. Blocking (ureq): callers run it off their main loop.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::api::{ApiError, NewSession, SessionContent, SessionInfo, Submission, Verdict};
use crate::content::Library;
use crate::content::version::ContentVersion;
use crate::sim::Attempt;
use crate::sim::campaign::{CampaignGuess, CampaignRun};
use crate::store::verify::SessionBoards;
use crate::store::{CAMPAIGN_PERSONA, OutboxEntry, Session, Store};

/// Why a request did not get the answer asked for.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server was not reached, or did not answer: worth trying again later.
    #[error("cannot reach the classroom server at {server}: {why}")]
    Unreachable { server: String, why: String },
    /// The server answered no, and says why: sending the same again will not help.
    #[error("the classroom server says: {0}")]
    Refused(String),
    #[error("the classroom server answered something unexpected: {0}")]
    Garbled(String),
}

/// A classroom server at `base` (e.g. `http://192.168.1.20:7878`).
pub struct Classroom {
    base: String,
    agent: ureq::Agent,
}

impl Classroom {
    pub fn new(base: &str) -> Classroom {
        let mut base = base.trim().trim_end_matches('/').to_string();
        if !base.contains("://") {
            base = format!("http://{base}");
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        Classroom { base, agent }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn answer<T: DeserializeOwned>(
        &self,
        sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, T), ClientError> {
        let unreachable = |why: String| ClientError::Unreachable {
            server: self.base.clone(),
            why,
        };
        let mut response = sent.map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| unreachable(e.to_string()))?;
        if status >= 500 {
            return Err(unreachable(format!("status {status}")));
        }
        if status >= 400 {
            let why = serde_json::from_str::<ApiError>(&body)
                .map(|e| e.error)
                .unwrap_or_else(|_| format!("status {status}"));
            return Err(ClientError::Refused(why));
        }
        serde_json::from_str(&body)
            .map(|value| (status, value))
            .map_err(|e| ClientError::Garbled(e.to_string()))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let sent = self.agent.get(format!("{}{path}", self.base)).call();
        self.answer(sent).map(|(_, value)| value)
    }

    fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> Result<(u16, T), ClientError> {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .content_type("application/json");
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let body = serde_json::to_string(body).unwrap_or_default();
        self.answer(request.send(body))
    }

    pub fn create_session(&self, token: &str, new: &NewSession) -> Result<Session, ClientError> {
        self.post("/api/sessions", Some(token), new)
            .map(|(_, session)| session)
    }

    pub fn session(&self, code: &str) -> Result<SessionInfo, ClientError> {
        self.get(&format!("/api/sessions/{}", encode(code)))
    }

    pub fn end_session(&self, token: &str, code: &str) -> Result<Session, ClientError> {
        self.post(
            &format!("/api/sessions/{}/end", encode(code)),
            Some(token),
            &(),
        )
        .map(|(_, session)| session)
    }

    /// Takes result `id` off session `code`'s board (trainer only).
    pub fn remove_result(&self, token: &str, code: &str, id: i64) -> Result<(), ClientError> {
        let sent = self
            .agent
            .delete(format!(
                "{}/api/sessions/{}/results/{id}",
                self.base,
                encode(code)
            ))
            .header("Authorization", format!("Bearer {token}"))
            .call();
        self.answer::<serde_json::Value>(sent).map(|_| ())
    }

    /// The board exactly as the server sends it (the same JSON as `session show --json`).
    pub fn board_json(&self, code: &str) -> Result<serde_json::Value, ClientError> {
        self.get(&format!("/api/sessions/{}/board", encode(code)))
    }

    pub fn board(&self, code: &str) -> Result<SessionBoards, ClientError> {
        self.get(&format!("/api/sessions/{}/board", encode(code)))
    }

    pub fn export(&self, token: &str, code: &str) -> Result<String, ClientError> {
        let sent = self
            .agent
            .get(format!(
                "{}/api/sessions/{}/export",
                self.base,
                encode(code)
            ))
            .header("Authorization", format!("Bearer {token}"))
            .call();
        let mut response = sent.map_err(|e| ClientError::Unreachable {
            server: self.base.clone(),
            why: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| ClientError::Garbled(e.to_string()))?;
        if status >= 400 {
            let why = serde_json::from_str::<ApiError>(&body)
                .map(|e| e.error)
                .unwrap_or_else(|_| format!("status {status}"));
            return Err(ClientError::Refused(why));
        }
        Ok(body)
    }

    /// The session and the content it plays, ready to play on.
    pub fn join(&self, code: &str) -> Result<Joined, ClientError> {
        let content: SessionContent =
            self.get(&format!("/api/sessions/{}/content", encode(code)))?;
        Joined::new(&self.base, content)
    }

    pub fn submit(&self, code: &str, submission: &Submission) -> Result<Verdict, ClientError> {
        self.post(
            &format!("/api/sessions/{}/results", encode(code)),
            None,
            submission,
        )
        .map(|(_, verdict)| verdict)
    }
}

/// A session joined: its code and seed, and each scenario's library as the server plays it.
#[derive(Clone, Debug)]
pub struct Joined {
    pub server: String,
    pub code: String,
    pub seed: u64,
    pub libraries: Vec<(String, String, Arc<Library>)>,
}

impl Joined {
    fn new(server: &str, content: SessionContent) -> Result<Joined, ClientError> {
        let mut libraries = Vec::new();
        for scenario in content.scenarios {
            let version = ContentVersion {
                files: scenario.files,
            };
            // The files must be what the server says they are, or results will not match.
            if version.hash() != scenario.hash {
                return Err(ClientError::Garbled(format!(
                    "the content of \"{}\" does not match its version",
                    scenario.id
                )));
            }
            libraries.push((scenario.id, scenario.hash, Arc::new(version.library())));
        }
        Ok(Joined {
            server: server.to_string(),
            code: content.code,
            seed: content.seed,
            libraries,
        })
    }

    /// The library a scenario (or campaign) of the session is played on, and its version's
    /// hash.
    pub fn library(&self, scenario: &str) -> Option<(&Arc<Library>, &str)> {
        self.libraries
            .iter()
            .find(|(id, _, _)| id == scenario)
            .map(|(_, hash, library)| (library, hash.as_str()))
    }

    pub fn scenarios(&self) -> impl Iterator<Item = &str> {
        self.libraries.iter().map(|(id, _, _)| id.as_str())
    }
}

/// Joins a session, keeping its content in `store`, so that a computer which joined once can
/// go on playing while the server is out of reach (its results wait in the outbox).
pub fn join_keeping(store: &Store, server: &str, code: &str) -> Result<Joined, ClientError> {
    let classroom = Classroom::new(server);
    let key = format!(
        "classroom.{}.{}",
        classroom.base(),
        encode(code).to_uppercase()
    );
    let fetched: Result<SessionContent, ClientError> =
        classroom.get(&format!("/api/sessions/{}/content", encode(code)));
    match fetched {
        Ok(content) => {
            let _ = store.set_setting(&key, &serde_json::to_string(&content).unwrap_or_default());
            Joined::new(classroom.base(), content)
        }
        Err(err @ ClientError::Unreachable { .. }) => {
            let kept = store.setting(&key).ok().flatten().ok_or(err)?;
            let content: SessionContent =
                serde_json::from_str(&kept).map_err(|e| ClientError::Garbled(e.to_string()))?;
            Joined::new(classroom.base(), content)
        }
        Err(err) => Err(err),
    }
}

/// What determines a finished attempt, for the server to replay; none while it is unfinished.
pub fn submission(attempt: &Attempt, trainee: &str, content_hash: &str) -> Option<Submission> {
    attempt.result()?;
    let visit = attempt.visit();
    Some(Submission {
        trainee: trainee.trim().to_string(),
        result_id: super::api::fresh_result_id(),
        scenario: visit.scenario().id.clone(),
        content_hash: content_hash.to_string(),
        persona: visit.persona().kind.id().to_string(),
        choices: visit.choices(),
        guess: visit
            .guess()
            .map(|g| format!("{}@{}", g.kind.id(), g.after_replies)),
    })
}

/// What determines a finished campaign, for the server to replay; none while it is unfinished.
pub fn campaign_submission(
    run: &CampaignRun,
    trainee: &str,
    content_hash: &str,
) -> Option<Submission> {
    run.finished().then(|| Submission {
        trainee: trainee.trim().to_string(),
        result_id: super::api::fresh_result_id(),
        scenario: run.campaign().id.clone(),
        content_hash: content_hash.to_string(),
        persona: CAMPAIGN_PERSONA.to_string(),
        choices: run.choices(),
        guess: CampaignGuess::format(&run.guesses()),
    })
}

/// What happened to a result handed to [`send_or_keep`].
#[derive(Debug)]
pub enum Sent {
    /// The server verified it.
    Verified(Verdict),
    /// The server could not be reached: it waits in the outbox.
    Waiting(ClientError),
}

/// Sends a result; if the server cannot be reached, keeps it in the outbox of `store` to be
/// sent again by [`resend`]. A result the server refuses is not kept: it would never pass.
pub fn send_or_keep(
    store: &Store,
    server: &str,
    code: &str,
    submission: &Submission,
) -> Result<Sent, ClientError> {
    // Kept first, so a crash while sending loses nothing; the id makes a resend harmless.
    let body = serde_json::to_string(submission).unwrap_or_default();
    keep(store, server, code, &submission.result_id, &body)?;
    match Classroom::new(server).submit(code, submission) {
        Ok(verdict) => {
            let _ = store.outbox_sent(&submission.result_id);
            Ok(Sent::Verified(verdict))
        }
        Err(err @ ClientError::Unreachable { .. }) => {
            let _ = store.outbox_failed(&submission.result_id, &err.to_string());
            Ok(Sent::Waiting(err))
        }
        Err(err) => {
            let _ = store.outbox_sent(&submission.result_id);
            Err(err)
        }
    }
}

fn keep(store: &Store, server: &str, code: &str, id: &str, body: &str) -> Result<(), ClientError> {
    store
        .outbox_keep(&OutboxEntry {
            result_id: id.to_string(),
            server: server.to_string(),
            session: code.to_string(),
            body: body.to_string(),
            attempts: 0,
            last_error: None,
        })
        .map_err(|e| ClientError::Garbled(e.to_string()))
}

/// What a pass over the outbox did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resent {
    pub verified: usize,
    /// Refused by the server (it will never take them); dropped from the outbox.
    pub refused: Vec<String>,
    /// Still waiting: their server was not reached.
    pub waiting: usize,
}

/// Sends every result in the outbox again, once each; what is still unreachable stays.
pub fn resend(store: &Store) -> Resent {
    let mut resent = Resent::default();
    for entry in store.outbox().unwrap_or_default() {
        let Ok(submission) = serde_json::from_str::<Submission>(&entry.body) else {
            let _ = store.outbox_sent(&entry.result_id);
            continue;
        };
        match Classroom::new(&entry.server).submit(&entry.session, &submission) {
            Ok(_) => {
                resent.verified += 1;
                let _ = store.outbox_sent(&entry.result_id);
            }
            Err(err @ ClientError::Unreachable { .. }) => {
                resent.waiting += 1;
                let _ = store.outbox_failed(&entry.result_id, &err.to_string());
            }
            Err(err) => {
                resent
                    .refused
                    .push(format!("{}: {err}", submission.trainee));
                let _ = store.outbox_sent(&entry.result_id);
            }
        }
    }
    resent
}

/// A session code as a path segment: codes are letters and digits; anything else is dropped.
fn encode(code: &str) -> String {
    code.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}
