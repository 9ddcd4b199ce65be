//! Keeps results: who is playing, which team session is running, and every finished visit
//! written to the store the moment it ends. Runs headless as well as in the window.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use bevy::prelude::*;

use super::campaign::{ActiveCampaign, CampaignEnded, CampaignSet};
use super::classroom::JoinedClassroom;
use super::visit::{ActiveVisit, VisitEnded, VisitSet};
use crate::server::api::Verdict;
use crate::store::db::Location;
use crate::store::{Session, Store, StoreError, Trainee};

/// Opens the results store: the file in the data folder `dir` (see `paths::data_dir`), or the
/// PostgreSQL database at `database` when one is given (`--database`).
pub struct RecordsPlugin {
    pub dir: PathBuf,
    pub database: Option<String>,
}

impl Plugin for RecordsPlugin {
    fn build(&self, app: &mut App) {
        let opened = Location::choose(self.database.as_deref(), &self.dir)
            .and_then(|location| Store::open_at(&location).map_err(|err| err.to_string()));
        let records = match opened {
            Ok(opened) => {
                if let Some(notice) = &opened.notice {
                    warn!("{notice}");
                }
                Records {
                    store: Some(Mutex::new(opened.store)),
                    notice: opened.notice,
                    dir: self.dir.clone(),
                }
            }
            Err(err) => {
                error!("{err}");
                Records {
                    store: None,
                    notice: Some(format!("results cannot be saved: {err}")),
                    dir: self.dir.clone(),
                }
            }
        };
        let last = records.lock().and_then(|store| {
            let name = store.setting(LAST_TRAINEE).ok()??;
            store.find_trainee(&name).ok()?
        });
        app.insert_resource(records)
            .insert_resource(CurrentTrainee(last))
            .init_resource::<ActiveSession>()
            .init_resource::<LastSave>()
            .init_resource::<RecordsProblem>()
            .add_message::<SelectTrainee>()
            .add_message::<JoinSession>()
            .configure_sets(Update, RecordsSet.before(VisitSet))
            .add_systems(Update, (select_trainees, join_sessions).in_set(RecordsSet))
            .add_systems(
                Update,
                (
                    save_finished_visits.after(VisitSet),
                    save_finished_campaigns.after(CampaignSet),
                ),
            );
    }
}

/// Picking trainees and sessions; screens that ask for one order themselves around it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordsSet;

const LAST_TRAINEE: &str = "last_trainee";

/// The open store (none if it could not be opened), and what to tell the user about it.
#[derive(Resource)]
pub struct Records {
    store: Option<Mutex<Store>>,
    pub notice: Option<String>,
    /// The data folder: exports are written under it.
    pub dir: PathBuf,
}

impl Records {
    pub fn lock(&self) -> Option<MutexGuard<'_, Store>> {
        // A panic elsewhere while holding the lock leaves the store itself sound.
        self.store
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn exports(&self) -> PathBuf {
        self.dir.join("exports")
    }
}

/// Who is playing: their results are saved under this profile.
#[derive(Resource, Debug, Default, Clone)]
pub struct CurrentTrainee(pub Option<Trainee>);

/// The team session trainees are playing, if any: its seed and scenarios apply to every visit.
/// In a classroom it is the server's session (see `JoinedClassroom`), not one stored here.
#[derive(Resource, Debug, Default, Clone)]
pub struct ActiveSession(pub Option<Session>);

/// What happened to the last finished visit's result.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub enum LastSave {
    #[default]
    Nothing,
    Saved {
        id: i64,
        trainee: String,
        session: Option<String>,
        /// A practice attempt (rewound and tried again): kept, never ranked.
        practice: bool,
    },
    /// Not saved: no trainee was chosen.
    NoTrainee,
    Failed(String),
    /// Handed to the classroom server of session `code`; its answer is awaited.
    Sending {
        code: String,
    },
    /// The classroom server replayed it and ranked it.
    Verified {
        code: String,
        verdict: Verdict,
    },
    /// The classroom server was not reached: kept in the outbox and sent again by itself.
    Waiting {
        code: String,
        why: String,
    },
}

/// Pick (or create) the trainee profile with this name.
#[derive(Message, Debug, Clone)]
pub struct SelectTrainee(pub String);

/// Make the session with this code the running one; none ends the running session.
#[derive(Message, Debug, Clone)]
pub struct JoinSession(pub Option<String>);

/// Why a trainee or session could not be picked, for the screen that asked.
#[derive(Resource, Debug, Default, Clone)]
pub struct RecordsProblem(pub Option<String>);

fn select_trainees(
    mut requests: MessageReader<SelectTrainee>,
    records: Res<Records>,
    mut current: ResMut<CurrentTrainee>,
    mut problem: ResMut<RecordsProblem>,
) {
    for SelectTrainee(name) in requests.read() {
        let Some(store) = records.lock() else {
            continue;
        };
        match store.trainee(name) {
            Ok(trainee) => {
                if let Err(err) = store.set_setting(LAST_TRAINEE, &trainee.name) {
                    warn!("{err}");
                }
                current.0 = Some(trainee);
                problem.0 = None;
            }
            Err(err) => problem.0 = Some(err.to_string()),
        }
    }
}

fn join_sessions(
    mut requests: MessageReader<JoinSession>,
    records: Res<Records>,
    mut active: ResMut<ActiveSession>,
    mut problem: ResMut<RecordsProblem>,
) {
    for JoinSession(code) in requests.read() {
        let Some(code) = code else {
            active.0 = None;
            continue;
        };
        let Some(store) = records.lock() else {
            continue;
        };
        match store.session(code) {
            Ok(Some(session)) => {
                active.0 = Some(session);
                problem.0 = None;
            }
            Ok(None) => problem.0 = Some(StoreError::NoSession(code.clone()).to_string()),
            Err(err) => problem.0 = Some(err.to_string()),
        }
    }
}

/// Writes each finished visit to the store at once, so a crash or a closed window later
/// loses nothing. A classroom's visits go to its server instead (see `classroom`).
fn save_finished_visits(
    mut ended: MessageReader<VisitEnded>,
    classroom: Option<Res<JoinedClassroom>>,
    visits: Query<&ActiveVisit>,
    records: Res<Records>,
    trainee: Res<CurrentTrainee>,
    session: Res<ActiveSession>,
    mut last: ResMut<LastSave>,
) {
    if classroom.is_some_and(|c| c.0.is_some()) {
        ended.clear();
        return;
    }
    for VisitEnded(entity) in ended.read() {
        let Ok(active) = visits.get(*entity) else {
            continue;
        };
        *last = save(active, &records, &trainee, &session);
        match &*last {
            LastSave::Failed(why) => error!("result not saved: {why}"),
            LastSave::Saved { id, trainee, .. } => info!("result {id} saved for {trainee}"),
            _ => {}
        }
    }
}

/// Writes each finished campaign to the store at once, like a visit, in the team session if one
/// is running. A classroom's campaigns go to its server instead (see `classroom`).
fn save_finished_campaigns(
    mut ended: MessageReader<CampaignEnded>,
    classroom: Option<Res<JoinedClassroom>>,
    campaign: Res<ActiveCampaign>,
    records: Res<Records>,
    trainee: Res<CurrentTrainee>,
    session: Res<ActiveSession>,
    mut last: ResMut<LastSave>,
) {
    if ended.read().count() == 0 || classroom.is_some_and(|c| c.0.is_some()) {
        return;
    }
    let Some(run) = &campaign.0 else {
        return;
    };
    *last = match (&trainee.0, records.lock()) {
        (None, _) => LastSave::NoTrainee,
        (Some(_), None) => LastSave::Failed(records.notice.clone().unwrap_or_default()),
        (Some(trainee), Some(store)) => {
            match store.record_campaign(run, trainee, session.0.as_ref(), None) {
                Ok(recorded) => {
                    info!("campaign result {} saved for {}", recorded.id, trainee.name);
                    LastSave::Saved {
                        id: recorded.id,
                        trainee: trainee.name.clone(),
                        session: session.0.as_ref().map(|s| s.code.clone()),
                        practice: false,
                    }
                }
                Err(err) => {
                    error!("campaign result not saved: {err}");
                    LastSave::Failed(err.to_string())
                }
            }
        }
    };
}

fn save(
    active: &ActiveVisit,
    records: &Records,
    trainee: &CurrentTrainee,
    session: &ActiveSession,
) -> LastSave {
    let Some(trainee) = &trainee.0 else {
        return LastSave::NoTrainee;
    };
    let Some(store) = records.lock() else {
        return LastSave::Failed(records.notice.clone().unwrap_or_default());
    };
    let session = session.0.as_ref();
    match store.record(active, trainee, session, None) {
        Ok(recorded) => LastSave::Saved {
            id: recorded.id,
            trainee: trainee.name.clone(),
            session: session.map(|s| s.code.clone()),
            practice: active.rewound_at().is_some(),
        },
        Err(err) => LastSave::Failed(err.to_string()),
    }
}
