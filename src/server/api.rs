//! What the classroom server and its clients (the game, `play --server`, `session --server`) say
//! to each other: JSON bodies, shared by both sides so they cannot drift apart.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::content::version::VersionFile;
use crate::i18n::Text;
use crate::store::Session;

/// `POST /api/sessions`: a new session (trainer only).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    pub scenarios: Vec<String>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub code: Option<String>,
}

/// `GET /api/sessions/CODE`: the session, with its scenarios' titles in the version it plays.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionInfo {
    #[serde(flatten)]
    pub session: Session,
    pub titles: BTreeMap<String, Text>,
}

/// `GET /api/sessions/CODE/content`: the files of every scenario's version the session plays.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionContent {
    pub code: String,
    pub seed: u64,
    pub scenarios: Vec<ScenarioContent>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioContent {
    pub id: String,
    /// The content version's hash, sent back with each result played on it.
    pub hash: String,
    pub files: Vec<VersionFile>,
}

/// `POST /api/sessions/CODE/results`: what determines a visit or a campaign, never its score.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub trainee: String,
    /// Made by the client once per finished visit: sending it again never counts twice.
    pub result_id: String,
    /// The scenario's id, or the campaign's.
    pub scenario: String,
    pub content_hash: String,
    /// The persona met, e.g. `driver`; `campaign` for a campaign.
    pub persona: String,
    /// The replies as indices in the scenario file, from 0; for a campaign, every decision's
    /// option and every visit's reply in order, as indices in their files.
    pub choices: Vec<usize>,
    /// The notebook guess as `type@replies`, e.g. `driver@2`; for a campaign, each visit's as
    /// `step:type@replies` joined by `;`, steps from 0, e.g. `6:driver@2`.
    #[serde(default)]
    pub guess: Option<String>,
}

/// The server's answer to a submission: the score its own engine computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub id: i64,
    pub result_id: String,
    pub trainee: String,
    pub scenario: String,
    pub score: u32,
    /// The outcome's id: order, advance, continuation or no_sale; for a campaign, the stage
    /// the account ended in.
    pub outcome: String,
    pub minutes: u32,
    /// The trainee's place on the session's board for this scenario or campaign.
    pub rank: Option<usize>,
    /// False when this result id had been received before.
    pub new: bool,
}

/// Every 4xx answer: `{"error": "…"}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
}

/// A result id a client may make: 8 to 64 letters, digits, `-` or `_`.
pub fn sound_result_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh result id, unique enough across a company's laptops.
pub fn fresh_result_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
