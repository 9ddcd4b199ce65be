//! The classroom server, run on the trainer's laptop by `salesdojo serve`: team sessions, the
//! content each session plays, submissions replayed and scored by its own engine (a client's
//! score is never taken), and a live board for the projector (server-sent events).
//!
//! Plain HTTP + JSON on axum and tokio; the store is the same SQLite store the game uses, worked
//! on a blocking thread so a slow disk never stalls the other requests.

pub mod api;
pub mod client;
mod page;

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{Stream, StreamExt};
use tokio::sync::{broadcast, watch};

use self::api::{NewSession, ScenarioContent, SessionContent, SessionInfo, Submission, Verdict};
use crate::content::{Library, PersonaKind};
use crate::i18n::Lang;
use crate::sim::campaign::{CampaignGuess, CampaignRun};
use crate::sim::{Attempt, resolve_persona};
use crate::store::db::Location;
use crate::store::export::session_csv;
use crate::store::verify::{BoardRow, Checked, SessionBoards, Verifier, leaderboard_of};
use crate::store::{CAMPAIGN_PERSONA, ResultFilter, Session, Store, StoreError, parse_guess};

/// Larger bodies are refused (413): a submission is a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// The file in the data folder that keeps the trainer token between runs.
pub const TOKEN_FILE: &str = "trainer-token";
/// Set to use a token of one's own instead.
pub const TOKEN_ENV: &str = "SALESDOJO_TRAINER_TOKEN";

/// The trainer token set in the environment, else the one kept in `data_dir`, if any: what
/// `serve` uses, and what the trainer's own game offers on the session screen.
pub fn kept_token(data_dir: &std::path::Path) -> Option<String> {
    let set = std::env::var(TOKEN_ENV).ok();
    let kept = || std::fs::read_to_string(data_dir.join(TOKEN_FILE)).ok();
    set.filter(|t| !t.trim().is_empty())
        .or_else(kept)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// What `serve` needs.
pub struct Config {
    pub addr: SocketAddr,
    /// The content new sessions pin (loaded once, at start).
    pub library: Library,
    /// Where results are kept: the data folder's file (the one the game uses) or a PostgreSQL
    /// database several classroom servers share.
    pub results: Location,
    /// The trainer's secret: creating, ending and exporting sessions need it.
    pub token: String,
    /// The Chinese font for the projector page, served by the server itself, so the board shows
    /// Chinese on any computer and without internet.
    pub font: Option<Vec<u8>>,
}

/// Runs the server until Ctrl-C or SIGTERM. `ready` is told the bound address (port 0 picks a
/// free one) before the first request is taken.
pub fn serve(config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), String> {
    let opened = Store::open_at(&config.results).map_err(|e| e.to_string())?;
    if let Some(notice) = &opened.notice {
        eprintln!("warning: {notice}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let library = Arc::new(config.library);
    let (store_jobs, store_thread) = store_thread(opened.store)?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let (stop, stopped) = watch::channel(false);
        let shared = matches!(config.results, Location::Postgres(_));
        let classroom = Arc::new(Classroom {
            store: store_jobs,
            library: Arc::clone(&library),
            token: blake3::hash(config.token.as_bytes()),
            boards: Mutex::new(HashMap::new()),
            versions: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            verifier: Mutex::new(Verifier::new(Some(&library))),
            font: config.font.map(axum::body::Bytes::from),
            addresses: join_addresses(bound)
                .iter()
                .map(|a| a.trim_start_matches("http://").to_string())
                .collect(),
            stopped,
            shared,
        });
        ready(bound);
        if shared {
            tokio::spawn(follow_other_servers(Arc::clone(&classroom)));
        }
        axum::serve(listener, router(classroom))
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // Live boards end their streams, so the server can finish.
                let _ = stop.send(true);
            })
            .await
            .map_err(|e| format!("the server stopped: {e}"))
    });
    // The last request is answered; the store closes once its queue is empty.
    drop(runtime);
    let _ = store_thread.join();
    served
}

/// Work for the results store, done on the store's own thread in the order it arrives: under a
/// full class a queue is fair where a lock is not (with a lock some requests waited far longer
/// than the rest).
type StoreJob = Box<dyn FnOnce(&Store) + Send>;

fn store_thread(
    store: Store,
) -> Result<(mpsc::Sender<StoreJob>, std::thread::JoinHandle<()>), String> {
    let (jobs, queue) = mpsc::channel::<StoreJob>();
    let thread = std::thread::Builder::new()
        .name("results store".into())
        .spawn(move || {
            for job in queue {
                // A failed request answers "try again"; the store itself stays sound, as each
                // write is one transaction.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&store)));
            }
        })
        .map_err(|e| format!("cannot start the server: {e}"))?;
    Ok((jobs, thread))
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// The server's state.
struct Classroom {
    /// The queue to the results store's thread (see `with_store`).
    store: mpsc::Sender<StoreJob>,
    library: Arc<Library>,
    /// Hashes compare in constant time, so the token cannot be guessed a byte at a time.
    token: blake3::Hash,
    /// Each session's board subscribers, told the board's JSON after every change.
    boards: Mutex<HashMap<String, broadcast::Sender<Arc<str>>>>,
    /// Libraries of the content versions sessions play, parsed once.
    versions: Mutex<HashMap<String, Arc<Library>>>,
    /// Each session's results, replayed once and kept: a board after every new result then
    /// reads only that result from the database.
    sessions: Mutex<HashMap<String, SessionResults>>,
    verifier: Mutex<Verifier>,
    font: Option<axum::body::Bytes>,
    /// What trainees type to reach this server (see [`join_addresses`]).
    addresses: Vec<String>,
    stopped: watch::Receiver<bool>,
    /// Results are in a database other classroom servers may write to (PostgreSQL).
    shared: bool,
}

fn router(classroom: Arc<Classroom>) -> Router {
    Router::new()
        .route("/api/sessions", post(create_session))
        .route("/api/sessions/{code}", get(session))
        .route("/api/sessions/{code}/content", get(content))
        .route("/api/sessions/{code}/results", post(submit))
        .route("/api/sessions/{code}/board", get(board))
        .route("/api/sessions/{code}/events", get(events))
        .route("/api/sessions/{code}/end", post(end_session))
        .route("/api/sessions/{code}/export", get(export))
        .route(
            "/api/sessions/{code}/results/{id}",
            axum::routing::delete(remove_result),
        )
        .route("/board/{code}", get(page::board_page))
        .route("/font.ttf", get(font))
        .fallback(|| async { ApiFailure::new(StatusCode::NOT_FOUND, "no such page") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(classroom)
}

/// A session's results as the server has checked them.
#[derive(Default)]
struct SessionResults {
    /// The id of the newest result kept.
    last: Option<i64>,
    /// How many of the session's results were taken off its board, when it was read.
    removed: i64,
    checked: Vec<Checked>,
}

/// A 4xx answer as `{"error": "…"}`.
#[derive(Debug)]
struct ApiFailure(StatusCode, String);

impl ApiFailure {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiFailure {
        ApiFailure(status, message.into())
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let body = api::ApiError { error: self.1 };
        (self.0, Json(body)).into_response()
    }
}

impl From<JsonRejection> for ApiFailure {
    fn from(rejection: JsonRejection) -> ApiFailure {
        ApiFailure(rejection.status(), rejection.body_text())
    }
}

/// Store errors as the client should see them: its own mistakes are 4xx, and a failing disk is
/// reported as unavailable rather than as a server fault.
impl From<StoreError> for ApiFailure {
    fn from(err: StoreError) -> ApiFailure {
        let status = match &err {
            StoreError::NoSession(_) | StoreError::NoTrainee(_) | StoreError::NoResult { .. } => {
                StatusCode::NOT_FOUND
            }
            StoreError::CodeTaken(_)
            | StoreError::ClientIdTaken(_)
            | StoreError::Ended(_)
            | StoreError::NotInSession { .. }
            | StoreError::OtherCustomer { .. } => StatusCode::CONFLICT,
            StoreError::EmptyName
            | StoreError::LongName
            | StoreError::BadCode
            | StoreError::NoScenarios
            | StoreError::UnknownScenario(_)
            | StoreError::Unfinished
            | StoreError::PracticeInSession(_) => StatusCode::UNPROCESSABLE_ENTITY,
            StoreError::Folder { .. }
            | StoreError::Database { .. }
            | StoreError::Db(_)
            | StoreError::Newer { .. } => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiFailure(status, err.to_string())
    }
}

type Answer<T> = Result<T, ApiFailure>;

impl Classroom {
    /// Runs `work` on the store on a blocking thread.
    async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Classroom, &Store) -> Answer<T> + Send + 'static,
    ) -> Answer<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let classroom = Arc::clone(self);
        let job: StoreJob = Box::new(move |store| {
            let _ = answer.send(work(&classroom, store));
        });
        let unfinished = || {
            Err(ApiFailure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the request could not be completed; try again",
            ))
        };
        if self.store.send(job).is_err() {
            return unfinished();
        }
        answered.await.unwrap_or_else(|_| unfinished())
    }

    fn trainer(&self, headers: &HeaderMap) -> Answer<()> {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if blake3::hash(given.trim().as_bytes()) == self.token {
            Ok(())
        } else {
            Err(ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                "this needs the trainer token (Authorization: Bearer TOKEN)",
            ))
        }
    }

    fn session(store: &Store, code: &str) -> Answer<Session> {
        Ok(store
            .session(code)?
            .ok_or_else(|| StoreError::NoSession(code.trim().to_uppercase()))?)
    }

    /// The library of a session's version of a scenario.
    fn version(&self, store: &Store, hash: &str) -> Answer<Arc<Library>> {
        let mut versions = self
            .versions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(library) = versions.get(hash) {
            return Ok(Arc::clone(library));
        }
        let version = store
            .version(hash)?
            .filter(|v| v.hash() == hash)
            .ok_or_else(|| {
                ApiFailure::new(
                    StatusCode::CONFLICT,
                    "this session's content is missing from the results database",
                )
            })?;
        let library = Arc::new(version.library());
        versions.insert(hash.to_string(), Arc::clone(&library));
        Ok(library)
    }

    /// The session's board for each of its scenarios, from its kept results and the ones
    /// stored since.
    fn boards(&self, store: &Store, session: &Session) -> Answer<SessionBoards> {
        let mut sessions = self
            .sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let kept = sessions.entry(session.code.clone()).or_default();
        if self.shared {
            // Another server's trainer may have taken a row off: then the session is read again.
            let removed = store.removed_count(&session.code)?;
            if removed != kept.removed {
                *kept = SessionResults {
                    removed,
                    ..Default::default()
                };
            }
        }
        let fresh = store.results(&ResultFilter {
            session: Some(&session.code),
            after: kept.last,
            ..Default::default()
        })?;
        let mut verifier = self
            .verifier
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for result in fresh {
            kept.last = kept.last.max(Some(result.id));
            kept.checked.push(verifier.check(store, result)?);
        }
        let boards: SessionBoards = session
            .scenarios
            .iter()
            .map(|scenario| {
                let results = kept
                    .checked
                    .iter()
                    .filter(|c| &c.result.scenario == scenario);
                (scenario.clone(), leaderboard_of(results))
            })
            .collect();
        // Only what the boards show can be shown again (a trainee's best stays their best
        // until a better one comes), so ranking stays as quick with the thousandth result as
        // with the first. Removing a result reads the session again.
        let shown: HashSet<i64> = boards
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|row| row.checked.result.id))
            .collect();
        kept.checked.retain(|c| shown.contains(&c.result.id));
        Ok(boards)
    }

    fn board_json(&self, store: &Store, code: &str) -> Answer<String> {
        let session = Classroom::session(store, code)?;
        Ok(serde_json::to_string(&self.boards(store, &session)?).unwrap_or_default())
    }

    /// Tells the session's live boards what it looks like now.
    fn publish(&self, code: &str, boards: &[(String, Vec<BoardRow>)]) {
        let sender = self
            .boards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(code)
            .cloned();
        if let Some(sender) = sender.filter(|s| s.receiver_count() > 0) {
            let json = serde_json::to_string(boards).unwrap_or_default();
            let _ = sender.send(json.into());
        }
    }

    fn subscribe(&self, code: &str) -> broadcast::Receiver<Arc<str>> {
        self.boards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(code.to_string())
            .or_insert_with(|| broadcast::channel(16).0)
            .subscribe()
    }
}

async fn create_session(
    State(classroom): State<Arc<Classroom>>,
    headers: HeaderMap,
    body: Result<Json<NewSession>, JsonRejection>,
) -> Answer<(StatusCode, Json<Session>)> {
    classroom.trainer(&headers)?;
    let Json(new) = body?;
    let session = classroom
        .with_store(move |classroom, store| {
            let seed = new.seed.unwrap_or_else(|| u64::from(rand::random::<u32>()));
            Ok(store.create_session(
                &classroom.library,
                &new.scenarios,
                seed,
                new.code.as_deref(),
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn session(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
) -> Answer<Json<SessionInfo>> {
    let info = classroom
        .with_store(move |classroom, store| {
            let session = Classroom::session(store, &code)?;
            let mut titles = std::collections::BTreeMap::new();
            for (id, hash) in &session.versions {
                if let Some(title) = classroom.version(store, hash)?.title_of(id) {
                    titles.insert(id.clone(), title.clone());
                }
            }
            Ok(SessionInfo { session, titles })
        })
        .await?;
    Ok(Json(info))
}

async fn content(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
) -> Answer<Json<SessionContent>> {
    let content = classroom
        .with_store(move |_, store| {
            let session = Classroom::session(store, &code)?;
            let mut scenarios = Vec::new();
            for id in &session.scenarios {
                let hash = session.versions.get(id).ok_or_else(|| {
                    ApiFailure::new(
                        StatusCode::CONFLICT,
                        format!(
                            "session {} was made before classrooms and has no content to send",
                            session.code
                        ),
                    )
                })?;
                let version = store.version(hash)?.ok_or_else(|| {
                    ApiFailure::new(StatusCode::CONFLICT, "this session's content is missing")
                })?;
                scenarios.push(ScenarioContent {
                    id: id.clone(),
                    hash: hash.clone(),
                    files: version.files,
                });
            }
            Ok(SessionContent {
                code: session.code,
                seed: session.seed,
                scenarios,
            })
        })
        .await?;
    Ok(Json(content))
}

async fn submit(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
    body: Result<Json<Submission>, JsonRejection>,
) -> Answer<(StatusCode, Json<Verdict>)> {
    let Json(submission) = body?;
    let verdict = classroom
        .with_store(move |classroom, store| verify_and_record(classroom, store, &code, submission))
        .await?;
    let status = if verdict.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(verdict)))
}

/// Replays a submission with the server's own engine on the session's content and records it.
fn verify_and_record(
    classroom: &Classroom,
    store: &Store,
    code: &str,
    submission: Submission,
) -> Answer<Verdict> {
    if !api::sound_result_id(&submission.result_id) {
        return Err(unprocessable(
            "result_id must be 8 to 64 letters, digits, - or _".into(),
        ));
    }
    let session = Classroom::session(store, code)?;
    session.admits(&submission.scenario, session.seed)?;
    let hash = session
        .versions
        .get(&submission.scenario)
        .ok_or_else(|| unprocessable(format!("session {} has no content", session.code)))?;
    if &submission.content_hash != hash {
        return Err(ApiFailure(
            StatusCode::CONFLICT,
            format!(
                "this result was played on another version of \"{}\" than session {} plays; \
                 join the session again to fetch it",
                submission.scenario, session.code
            ),
        ));
    }
    let library = classroom.version(store, hash)?;
    let played = if library.campaign(&submission.scenario).is_some() {
        replay_campaign(library, &session, &submission)?
    } else {
        replay_visit(library, &session, &submission)?
    };
    let trainee = store.trainee(&submission.trainee)?;
    let recorded = match &played.run {
        Run::Visit(attempt) => store.record(
            attempt,
            &trainee,
            Some(&session),
            Some(&submission.result_id),
        )?,
        Run::Campaign(run) => {
            store.record_campaign(run, &trainee, Some(&session), Some(&submission.result_id))?
        }
    };
    // One look at the boards: the trainee's rank, and what the projector shows next.
    let boards = classroom.boards(store, &session)?;
    let board = boards
        .iter()
        .find(|(scenario, _)| scenario == &submission.scenario)
        .map(|(_, rows)| rows.as_slice())
        .unwrap_or_default();
    let row = board
        .iter()
        .find(|row| row.checked.result.id == recorded.id);
    if recorded.new {
        classroom.publish(&session.code, &boards);
    }
    Ok(Verdict {
        id: recorded.id,
        result_id: submission.result_id,
        trainee: trainee.name,
        scenario: submission.scenario,
        // A result sent again answers with what was stored then.
        score: row.and_then(|r| r.checked.total()).unwrap_or(played.total),
        outcome: played.outcome.to_string(),
        minutes: played.minutes,
        rank: board
            .iter()
            .find(|r| r.checked.result.trainee_id == trainee.id)
            .and_then(|r| r.rank),
        new: recorded.new,
    })
}

/// A submission played again by the server's engine, to its end, and what it came to.
struct Played {
    run: Run,
    total: u32,
    /// The visit's outcome, or the stage the campaign's account ended in.
    outcome: &'static str,
    minutes: u32,
}

enum Run {
    Visit(Attempt),
    Campaign(CampaignRun),
}

fn unprocessable(message: String) -> ApiFailure {
    ApiFailure(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// A visit's replies played again on the session's customer, to the visit's end.
fn replay_visit(
    library: Arc<Library>,
    session: &Session,
    submission: &Submission,
) -> Answer<Played> {
    let scenario = library
        .scenario(&submission.scenario)
        .ok_or_else(|| unprocessable(format!("no scenario \"{}\"", submission.scenario)))?;
    // The customer is the session's: a client cannot pick an easier persona.
    let persona = resolve_persona(scenario, session.seed, None);
    if PersonaKind::parse(&submission.persona) != Some(persona) {
        return Err(unprocessable(format!(
            "this session's customer in \"{}\" is {}, not \"{}\"",
            submission.scenario,
            persona.id(),
            submission.persona
        )));
    }
    let guess = match &submission.guess {
        Some(guess) => Some(parse_guess(guess).ok_or_else(|| {
            unprocessable(format!(
                "guess \"{guess}\" is not type@replies, e.g. driver@2"
            ))
        })?),
        None => None,
    };
    let attempt = Attempt::replay(
        library,
        &submission.scenario,
        session.seed,
        persona,
        &submission.choices,
        guess,
    )
    .map_err(|err| unprocessable(format!("the replies cannot be played: {err}")))?;
    let Some((finish, score)) = attempt.result() else {
        return Err(unprocessable(format!(
            "the replies do not finish the visit: {} given",
            submission.choices.len()
        )));
    };
    Ok(Played {
        total: score.total,
        outcome: finish.outcome.id(),
        minutes: finish.minute,
        run: Run::Visit(attempt),
    })
}

/// A campaign's choices played again with the session's seed, to the campaign's end.
fn replay_campaign(
    library: Arc<Library>,
    session: &Session,
    submission: &Submission,
) -> Answer<Played> {
    let id = &submission.scenario;
    if submission.persona != CAMPAIGN_PERSONA {
        return Err(unprocessable(format!(
            "\"{id}\" is a campaign: its persona is \"{CAMPAIGN_PERSONA}\", not \"{}\"",
            submission.persona
        )));
    }
    let guesses = match &submission.guess {
        Some(guess) => CampaignGuess::parse(guess).ok_or_else(|| {
            unprocessable(format!(
                "guess \"{guess}\" is not step:type@replies, e.g. 6:driver@2"
            ))
        })?,
        None => Vec::new(),
    };
    let run = CampaignRun::replay(library, id, session.seed, &submission.choices, &guesses)
        .map_err(|err| unprocessable(format!("the choices cannot be played: {err}")))?;
    let Some(score) = run.score() else {
        return Err(unprocessable(format!(
            "the choices do not finish the campaign: {} given",
            submission.choices.len()
        )));
    };
    Ok(Played {
        total: score.total,
        outcome: score.stage.id(),
        minutes: run.minutes(),
        run: Run::Campaign(run),
    })
}

async fn board(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
) -> Answer<Json<SessionBoards>> {
    let boards = classroom
        .with_store(move |classroom, store| {
            classroom.boards(store, &Classroom::session(store, &code)?)
        })
        .await?;
    Ok(Json(boards))
}

/// How often a server sharing its database looks for results other servers stored.
const OTHER_SERVERS_EVERY: Duration = Duration::from_secs(2);

/// With results in a database other classroom servers share, their results reach this server's
/// projectors too: every few seconds the sessions someone is watching are read again, and a
/// board with results this server did not store (or remove) itself is sent.
async fn follow_other_servers(classroom: Arc<Classroom>) {
    let mut tick = tokio::time::interval(OTHER_SERVERS_EVERY);
    loop {
        tick.tick().await;
        let watched: Vec<String> = classroom
            .boards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|(_, sender)| sender.receiver_count() > 0)
            .map(|(code, _)| code.clone())
            .collect();
        for code in watched {
            let _ = classroom
                .with_store(move |classroom, store| {
                    let newest = |classroom: &Classroom| {
                        classroom
                            .sessions
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .get(&code)
                            .map(|kept| (kept.last, kept.removed))
                    };
                    let before = newest(classroom);
                    let boards = classroom.boards(store, &Classroom::session(store, &code)?)?;
                    if newest(classroom) != before {
                        classroom.publish(&code, &boards);
                    }
                    Ok(())
                })
                .await;
        }
    }
}

/// The board as server-sent events: the board now, then again after every change, until the
/// client leaves or the server stops.
async fn events(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
) -> Answer<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let code = code.trim().to_uppercase();
    // Only sessions that exist get a channel, so made-up codes cannot pile up.
    let session = {
        let code = code.clone();
        classroom
            .with_store(move |_, store| Classroom::session(store, &code))
            .await?
    };
    // Subscribed before the first board is read, so no result falls between the two.
    let receiver = classroom.subscribe(&session.code);
    let first = {
        let code = code.clone();
        classroom
            .with_store(move |classroom, store| classroom.board_json(store, &code))
            .await?
    };
    let updates = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(json) => return Some((json, receiver)),
                // A slow page missed some: the next one is the whole board anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let mut stopped = classroom.stopped.clone();
    let stream = futures_util::stream::once(async move { Arc::<str>::from(first) })
        .chain(updates)
        .map(|json| Ok(Event::default().event("board").data(&*json)))
        .take_until(async move {
            let _ = stopped.wait_for(|stopped| *stopped).await;
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

async fn end_session(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Answer<Json<Session>> {
    classroom.trainer(&headers)?;
    let session = classroom
        .with_store(move |classroom, store| {
            Classroom::session(store, &code)?;
            let session = store.end_session(&code)?;
            classroom.publish(&session.code, &classroom.boards(store, &session)?);
            Ok(session)
        })
        .await?;
    Ok(Json(session))
}

/// Takes a result off the session's board (trainer only); the live boards show it gone.
async fn remove_result(
    State(classroom): State<Arc<Classroom>>,
    Path((code, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer<Json<serde_json::Value>> {
    classroom.trainer(&headers)?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiFailure::new(StatusCode::NOT_FOUND, "a result id is a number, e.g. 12"))?;
    classroom
        .with_store(move |classroom, store| {
            let session = Classroom::session(store, &code)?;
            store.remove_result(&session.code, id)?;
            // Its checked results are read again from the store, without the removed one.
            classroom
                .sessions
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .remove(&session.code);
            classroom.publish(&session.code, &classroom.boards(store, &session)?);
            Ok(Json(
                serde_json::json!({ "removed": id, "session": session.code }),
            ))
        })
        .await
}

async fn export(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Answer<Response> {
    classroom.trainer(&headers)?;
    let csv = classroom
        .with_store(move |classroom, store| {
            let session = Classroom::session(store, &code)?;
            let rows: Vec<BoardRow> = classroom
                .boards(store, &session)?
                .into_iter()
                .flat_map(|(_, rows)| rows)
                .collect();
            Ok(session_csv(&session.code, &rows, Lang::Zh))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
}

/// The projector page's font (SIL Open Font License, as in the game's assets).
async fn font(State(classroom): State<Arc<Classroom>>) -> Answer<Response> {
    let font = classroom
        .font
        .clone()
        .ok_or_else(|| ApiFailure::new(StatusCode::NOT_FOUND, "no font was found in assets/"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "font/ttf"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        font,
    )
        .into_response())
}

/// Addresses on this machine's networks that trainees can type, as `http://IP:PORT`; the
/// loopback address when the server listens on loopback only.
pub fn join_addresses(bound: SocketAddr) -> Vec<String> {
    if !bound.ip().is_unspecified() {
        return vec![format!("http://{bound}")];
    }
    let mut addresses: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|interface| !interface.is_loopback())
        .filter_map(|interface| match interface.ip() {
            std::net::IpAddr::V4(ip) => Some(format!("http://{ip}:{}", bound.port())),
            std::net::IpAddr::V6(_) => None,
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    if addresses.is_empty() {
        addresses.push(format!("http://127.0.0.1:{}", bound.port()));
    }
    addresses
}
