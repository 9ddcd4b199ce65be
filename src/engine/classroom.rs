//! The game in a classroom: joining a session on a classroom server, playing the content the
//! server plays, and sending each finished visit and campaign there. Results go through the
//! local outbox, so one made while the server is out of reach is sent again, with growing
//! pauses, until the server has it. The network is used by a worker thread, never by the frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::prelude::*;

use super::assets::{ContentLibrary, ContentWake};
use super::campaign::{ActiveCampaign, CampaignEnded, CampaignSet};
use super::records::{ActiveSession, CurrentTrainee, JoinSession, LastSave, Records};
use super::visit::{ActiveVisit, VisitEnded, VisitSet};
use crate::server::api::NewSession;
use crate::server::client::{self, ClientError, Joined, Sent};
use crate::store::verify::SessionBoards;
use crate::store::{Session, Store};

/// Joins classrooms and sends their results. Needs [`super::RecordsPlugin`] (the data folder).
#[derive(Default)]
pub struct ClassroomPlugin {
    pub retry: Retry,
}

/// How long to wait before sending waiting results again: `first`, doubling up to `longest`.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub first: Duration,
    pub longest: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            first: Duration::from_secs(2),
            longest: Duration::from_secs(30),
        }
    }
}

impl Plugin for ClassroomPlugin {
    fn build(&self, app: &mut App) {
        let dir = app
            .world()
            .get_resource::<Records>()
            .expect("RecordsPlugin must be added before ClassroomPlugin")
            .dir
            .clone();
        app.insert_resource(WorkerStart {
            dir,
            retry: self.retry,
        })
        .init_resource::<JoinedClassroom>()
        .init_resource::<ClassroomStatus>()
        .init_resource::<ClassroomBoard>()
        .add_message::<JoinClassroom>()
        .add_message::<FetchClassroomBoard>()
        .add_message::<CreateClassroomSession>()
        .add_message::<EndClassroomSession>()
        .add_systems(Startup, start_worker)
        .add_systems(
            Update,
            (
                (
                    leave_on_other_sessions,
                    ask_to_join,
                    ask_for_board,
                    trainer_actions,
                    take_reports,
                )
                    .chain()
                    .before(VisitSet),
                send_finished_visits.after(VisitSet),
                send_finished_campaigns.after(CampaignSet),
            ),
        );
    }
}

/// The classroom session being played, with its content as the server plays it.
#[derive(Resource, Debug, Default, Clone)]
pub struct JoinedClassroom(pub Option<Joined>);

impl JoinedClassroom {
    /// The library a visit of `scenario` is played on in the classroom, if it is one of its.
    pub fn library(&self, scenario: &str) -> Option<&Arc<crate::content::Library>> {
        self.0
            .as_ref()
            .and_then(|joined| joined.library(scenario))
            .map(|(library, _)| library)
    }
}

/// The library a scenario or campaign `id` is played on: a joined classroom's, as its server
/// plays it, whatever the local files say; else the local content, once loaded.
pub fn play_library(
    classroom: Option<&JoinedClassroom>,
    local: &ContentLibrary,
    id: &str,
) -> Option<Arc<crate::content::Library>> {
    classroom
        .and_then(|c| c.library(id))
        .cloned()
        .or_else(|| local.0.clone())
}

/// Join the session `code` on the classroom server at `server` (as typed, e.g. `192.168.1.20:7878`).
#[derive(Message, Debug, Clone)]
pub struct JoinClassroom {
    pub server: String,
    pub code: String,
}

/// A trainer starts a session on a classroom server (and joins it, to follow it from here).
#[derive(Message, Debug, Clone)]
pub struct CreateClassroomSession {
    pub server: String,
    pub token: String,
    pub scenarios: Vec<String>,
    pub seed: u64,
}

/// A trainer ends the joined session on its server: it takes no more results.
#[derive(Message, Debug, Clone)]
pub struct EndClassroomSession {
    pub token: String,
}

/// Ask the classroom server for the joined session's board.
#[derive(Message, Debug, Clone, Copy)]
pub struct FetchClassroomBoard;

/// The joined session's board as its server last sent it: each scenario's ranked rows, or why
/// it could not be had.
#[derive(Resource, Debug, Default, Clone)]
pub struct ClassroomBoard(pub Option<Result<SessionBoards, String>>);

/// What the title and debrief screens say about the classroom.
#[derive(Resource, Debug, Default, Clone)]
pub struct ClassroomStatus {
    /// A join was asked for and has not been answered yet.
    pub joining: bool,
    /// Why the last join failed.
    pub problem: Option<String>,
    /// Results in the outbox, not yet taken by their server.
    pub waiting: usize,
    /// Waiting results their server refused when they were sent again (e.g. the session had
    /// ended meanwhile), with the reason: they will not count.
    pub refused: Vec<String>,
    /// The address last joined, offered again next time.
    pub last_server: Option<String>,
}

const LAST_SERVER: &str = "classroom.last_server";

#[derive(Resource)]
struct WorkerStart {
    dir: PathBuf,
    retry: Retry,
}

enum Job {
    Join {
        server: String,
        code: String,
    },
    Send {
        server: String,
        code: String,
        submission: Box<crate::server::api::Submission>,
    },
    Board {
        server: String,
        code: String,
    },
    Create {
        server: String,
        token: String,
        new: NewSession,
    },
    End {
        server: String,
        token: String,
        code: String,
    },
}

enum Report {
    Joined {
        server: String,
        result: Result<Joined, String>,
    },
    Sent {
        code: String,
        result: Result<Sent, ClientError>,
    },
    Waiting(usize),
    /// Waiting results the server refused when they were sent again, and why.
    Refused(Vec<String>),
    Board(Result<SessionBoards, String>),
    Ended(Result<String, String>),
}

#[derive(Resource)]
struct Worker {
    jobs: Sender<Job>,
    reports: Mutex<Receiver<Report>>,
}

fn start_worker(
    mut commands: Commands,
    start: Res<WorkerStart>,
    records: Res<Records>,
    wake: Option<Res<ContentWake>>,
    mut status: ResMut<ClassroomStatus>,
) {
    status.last_server = records
        .lock()
        .and_then(|store| store.setting(LAST_SERVER).ok().flatten());
    let (jobs, inbox) = channel();
    let (outbox, reports) = channel();
    let (dir, retry) = (start.dir.clone(), start.retry);
    let wake = wake.map(|w| w.0.clone());
    let spawned = std::thread::Builder::new()
        .name("classroom".into())
        .spawn(move || work(&dir, retry, inbox, outbox, wake));
    match spawned {
        Ok(_) => commands.insert_resource(Worker {
            jobs,
            reports: Mutex::new(reports),
        }),
        Err(err) => error!("the classroom cannot start: {err}"),
    }
}

/// The worker: its own connection to the store (SQLite takes several), jobs as they come, and
/// the outbox sent again whenever the pause since the last try is over. Ends with the game.
fn work(
    dir: &std::path::Path,
    retry: Retry,
    jobs: Receiver<Job>,
    reports: Sender<Report>,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
) {
    let report = |report: Report| {
        let _ = reports.send(report);
        if let Some(wake) = &wake {
            wake();
        }
    };
    let store = match Store::open(dir) {
        Ok(opened) => opened.store,
        Err(err) => {
            error!("the classroom outbox cannot be opened: {err}");
            return;
        }
    };
    let waiting = |store: &Store| store.outbox().map(|o| o.len()).unwrap_or(0);
    let mut pause = retry.first;
    // Results left waiting when the game last closed go first.
    let mut resend_now = waiting(&store) > 0;
    loop {
        if resend_now {
            let resent = client::resend(&store);
            if !resent.refused.is_empty() {
                warn!("waiting results refused: {}", resent.refused.join("; "));
                report(Report::Refused(resent.refused));
            }
            pause = if resent.waiting == 0 || resent.verified > 0 {
                retry.first
            } else {
                (pause * 2).min(retry.longest)
            };
        }
        let left = waiting(&store);
        report(Report::Waiting(left));
        let job = if left > 0 {
            jobs.recv_timeout(pause)
        } else {
            jobs.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        resend_now = match job {
            Ok(Job::Join { server, code }) => {
                let result =
                    client::join_keeping(&store, &server, &code).map_err(|e| e.to_string());
                if result.is_ok() {
                    let _ = store.set_setting(LAST_SERVER, server.trim());
                }
                let reached = result.is_ok();
                report(Report::Joined { server, result });
                reached && waiting(&store) > 0
            }
            Ok(Job::Send {
                server,
                code,
                submission,
            }) => {
                let result = client::send_or_keep(&store, &server, &code, &submission);
                let reached = matches!(result, Ok(Sent::Verified(_)));
                report(Report::Sent { code, result });
                // The server is back: what waited for it goes now.
                reached && waiting(&store) > 0
            }
            Ok(Job::Create { server, token, new }) => {
                let classroom = client::Classroom::new(&server);
                let result = classroom
                    .create_session(&token, &new)
                    .and_then(|session| client::join_keeping(&store, &server, &session.code))
                    .map_err(|e| e.to_string());
                let reached = result.is_ok();
                report(Report::Joined { server, result });
                reached && waiting(&store) > 0
            }
            Ok(Job::End {
                server,
                token,
                code,
            }) => {
                let ended = client::Classroom::new(&server).end_session(&token, &code);
                let reached = ended.is_ok();
                report(Report::Ended(
                    ended.map(|session| session.code).map_err(|e| e.to_string()),
                ));
                reached && waiting(&store) > 0
            }
            Ok(Job::Board { server, code }) => {
                let board = client::Classroom::new(&server).board(&code);
                let reached = board.is_ok();
                report(Report::Board(board.map_err(|e| e.to_string())));
                reached && waiting(&store) > 0
            }
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => return,
        };
    }
}

/// Joining a local session, or leaving the session, leaves the classroom.
fn leave_on_other_sessions(
    mut joins: MessageReader<JoinSession>,
    mut classroom: ResMut<JoinedClassroom>,
) {
    if joins.read().count() > 0 {
        classroom.0 = None;
    }
}

fn ask_to_join(
    mut requests: MessageReader<JoinClassroom>,
    worker: Option<Res<Worker>>,
    mut status: ResMut<ClassroomStatus>,
) {
    for JoinClassroom { server, code } in requests.read() {
        let (server, code) = (server.trim(), code.trim());
        if server.is_empty() || code.is_empty() {
            status.problem = Some("type the server's address and the session code".into());
            continue;
        }
        let Some(worker) = &worker else {
            status.problem = Some("the classroom could not start".into());
            continue;
        };
        status.joining = true;
        status.problem = None;
        let _ = worker.jobs.send(Job::Join {
            server: server.to_string(),
            code: code.to_string(),
        });
    }
}

fn ask_for_board(
    mut requests: MessageReader<FetchClassroomBoard>,
    classroom: Res<JoinedClassroom>,
    worker: Option<Res<Worker>>,
) {
    if requests.read().count() == 0 {
        return;
    }
    if let (Some(joined), Some(worker)) = (&classroom.0, &worker) {
        let _ = worker.jobs.send(Job::Board {
            server: joined.server.clone(),
            code: joined.code.clone(),
        });
    }
}

fn trainer_actions(
    mut creates: MessageReader<CreateClassroomSession>,
    mut ends: MessageReader<EndClassroomSession>,
    classroom: Res<JoinedClassroom>,
    worker: Option<Res<Worker>>,
    mut status: ResMut<ClassroomStatus>,
) {
    let Some(worker) = worker else {
        return;
    };
    for create in creates.read() {
        status.joining = true;
        status.problem = None;
        let _ = worker.jobs.send(Job::Create {
            server: create.server.trim().to_string(),
            token: create.token.trim().to_string(),
            new: NewSession {
                scenarios: create.scenarios.clone(),
                seed: Some(create.seed),
                code: None,
            },
        });
    }
    for end in ends.read() {
        if let Some(joined) = &classroom.0 {
            let _ = worker.jobs.send(Job::End {
                server: joined.server.clone(),
                token: end.token.trim().to_string(),
                code: joined.code.clone(),
            });
        }
    }
}

fn take_reports(
    worker: Option<Res<Worker>>,
    mut status: ResMut<ClassroomStatus>,
    mut board: ResMut<ClassroomBoard>,
    mut classroom: ResMut<JoinedClassroom>,
    mut session: ResMut<ActiveSession>,
    mut last: ResMut<LastSave>,
) {
    let Some(worker) = worker else {
        return;
    };
    let reports = worker
        .reports
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for report in reports.try_iter() {
        match report {
            Report::Waiting(count) => status.waiting = count,
            Report::Refused(refused) => status.refused.extend(refused),
            Report::Board(result) => board.0 = Some(result),
            Report::Ended(Ok(code)) => {
                info!("classroom session {code} ended");
                if classroom.0.as_ref().is_some_and(|j| j.code == code) {
                    classroom.0 = None;
                    session.0 = None;
                }
            }
            Report::Ended(Err(why)) => status.problem = Some(why),
            Report::Joined { server, result } => {
                status.joining = false;
                match result {
                    Ok(joined) => {
                        info!(
                            "joined classroom session {} at {}",
                            joined.code, joined.server
                        );
                        status.last_server = Some(server);
                        status.problem = None;
                        session.0 = Some(session_of(&joined));
                        classroom.0 = Some(joined);
                    }
                    Err(why) => status.problem = Some(why),
                }
            }
            Report::Sent { code, result } => {
                *last = match result {
                    Ok(Sent::Verified(verdict)) => LastSave::Verified { code, verdict },
                    Ok(Sent::Waiting(why)) => LastSave::Waiting {
                        code,
                        why: why.to_string(),
                    },
                    Err(why) => LastSave::Failed(why.to_string()),
                };
            }
        }
    }
}

/// The joined session as the screens know sessions: its code, customer and scenarios.
fn session_of(joined: &Joined) -> Session {
    Session {
        code: joined.code.clone(),
        seed: joined.seed,
        scenarios: joined.scenarios().map(str::to_string).collect(),
        created_at: 0,
        versions: joined
            .libraries
            .iter()
            .map(|(id, hash, _)| (id.clone(), hash.clone()))
            .collect(),
        ended_at: None,
    }
}

/// In a classroom each finished visit goes to the server (the records plugin keeps the others).
fn send_finished_visits(
    mut ended: MessageReader<VisitEnded>,
    visits: Query<&ActiveVisit>,
    classroom: Res<JoinedClassroom>,
    trainee: Res<CurrentTrainee>,
    worker: Option<Res<Worker>>,
    mut last: ResMut<LastSave>,
) {
    let Some(joined) = &classroom.0 else {
        return;
    };
    for VisitEnded(entity) in ended.read() {
        let Ok(active) = visits.get(*entity) else {
            continue;
        };
        let scenario = &active.visit().scenario().id;
        *last = send(
            joined,
            &trainee,
            worker.as_deref(),
            scenario,
            |trainee, hash| client::submission(active, trainee, hash),
        );
    }
}

/// Likewise each finished campaign.
fn send_finished_campaigns(
    mut ended: MessageReader<CampaignEnded>,
    campaign: Res<ActiveCampaign>,
    classroom: Res<JoinedClassroom>,
    trainee: Res<CurrentTrainee>,
    worker: Option<Res<Worker>>,
    mut last: ResMut<LastSave>,
) {
    let (Some(joined), Some(run)) = (&classroom.0, &campaign.0) else {
        ended.clear();
        return;
    };
    if ended.read().count() == 0 {
        return;
    }
    let id = &run.campaign().id;
    *last = send(joined, &trainee, worker.as_deref(), id, |trainee, hash| {
        client::campaign_submission(run, trainee, hash)
    });
}

/// Hands the submission of a finished visit or campaign of the session `joined` plays to the
/// worker, which sends it (or keeps it until the server answers).
fn send(
    joined: &Joined,
    trainee: &CurrentTrainee,
    worker: Option<&Worker>,
    played: &str,
    submission: impl FnOnce(&str, &str) -> Option<crate::server::api::Submission>,
) -> LastSave {
    let Some(trainee) = &trainee.0 else {
        return LastSave::NoTrainee;
    };
    let Some((_, hash)) = joined.library(played) else {
        return LastSave::Failed(format!(
            "session {} does not play \"{played}\"",
            joined.code
        ));
    };
    let Some(submission) = submission(&trainee.name, hash) else {
        return LastSave::Failed("it is not over".into());
    };
    let Some(worker) = worker else {
        return LastSave::Failed("the classroom could not start".into());
    };
    let job = Job::Send {
        server: joined.server.clone(),
        code: joined.code.clone(),
        submission: Box::new(submission),
    };
    match worker.jobs.send(job) {
        Ok(()) => LastSave::Sending {
            code: joined.code.clone(),
        },
        Err(_) => LastSave::Failed("the classroom stopped".into()),
    }
}
