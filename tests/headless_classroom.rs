//! The game's classroom over the real plugins, headless, against a real `salesdojo serve` on
//! loopback: join a session, play the server's content, send each result and read back the
//! verified score and rank; with the server down, results wait in the outbox and arrive by
//! themselves when it is back.

mod support;

use std::time::{Duration, Instant};

use bevy::prelude::*;
use salesdojo::engine::{
    ActiveCampaign, ActiveSession, ActiveVisit, CampaignChoice, ChooseReply, ClassroomBoard,
    ClassroomPlugin, ClassroomStatus, CreateClassroomSession, EndClassroomSession,
    FetchClassroomBoard, JoinClassroom, JoinedClassroom, LastSave, Records, RecordsPlugin, Retry,
    SelectTrainee, StartCampaign, StartVisit, headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::store::ResultFilter;
use support::classroom::{DRILL, Server, TOKEN, board, get, new_session, post};
use support::game::update_until;
use support::{TempDir, root_with};

/// A laptop: the real engine, records and classroom plugins on a content folder with the seeds
/// but none of the scenarios (its own files know nothing of the session's), results in `data`.
fn laptop(content: &TempDir, data: &TempDir) -> App {
    laptop_with(content, data, Duration::from_millis(100))
}

/// A laptop whose waiting results are first sent again after `pause`.
fn laptop_with(content: &TempDir, data: &TempDir, pause: Duration) -> App {
    let mut app = headless_app(&ContentRoot {
        root: content.path().to_path_buf(),
    });
    app.add_plugins((
        RecordsPlugin {
            dir: data.path().to_path_buf(),
            database: None,
        },
        ClassroomPlugin {
            retry: Retry {
                first: pause,
                longest: pause * 4,
            },
        },
    ));
    update_until(&mut app, "the seeds", |l| l.scenarios.is_empty());
    app
}

/// Updates until `done` holds, or fails after a generous wait (the worker talks over loopback).
fn until(app: &mut App, what: &str, done: impl Fn(&World) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        app.update();
        if done(app.world()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for: {what}");
}

fn join(app: &mut App, server: &str, code: &str) {
    app.world_mut().write_message(JoinClassroom {
        server: server.into(),
        code: code.into(),
    });
    until(app, "an answer to the join", |world| {
        !world.resource::<ClassroomStatus>().joining
    });
}

/// Plays the drill as `trainee` with the session's customer; the score the laptop computed.
fn play(app: &mut App, trainee: &str, numbers: &[usize]) -> u32 {
    app.world_mut().write_message(SelectTrainee(trainee.into()));
    let seed = app
        .world()
        .resource::<ActiveSession>()
        .0
        .as_ref()
        .unwrap()
        .seed;
    app.world_mut().write_message(StartVisit {
        scenario: DRILL.into(),
        seed,
        persona: None,
    });
    app.update();
    for n in numbers {
        app.world_mut().write_message(ChooseReply::Listed(n - 1));
        app.update();
    }
    let mut visits = app.world_mut().query::<&ActiveVisit>();
    let active = visits.single(app.world()).expect("a visit");
    active.score().expect("the visit is over").total
}

/// Waits until the session the game asked its server for is made and joined; its code.
fn created_session(app: &mut App) -> String {
    until(app, "the new session", |w| {
        w.resource::<JoinedClassroom>().0.is_some()
    });
    let joined = app.world().resource::<JoinedClassroom>().0.clone();
    joined.expect("joined").code
}

fn last_save(app: &App) -> LastSave {
    app.world().resource::<LastSave>().clone()
}

fn waiting(app: &App) -> usize {
    app.world().resource::<ClassroomStatus>().waiting
}

const BEST: &[usize] = &[3, 1, 2, 1, 1, 2, 2];
const POOR: &[usize] = &[2, 3, 1];
const GOOD: &[usize] = &[3, 1, 2, 1, 1, 2, 1];

#[test]
fn a_laptop_joins_plays_the_servers_content_and_nothing_is_lost_while_the_server_is_down() {
    let server_data = TempDir::new();
    let mut server = Server::start(&server_data, "127.0.0.1:0");
    new_session(&server, "ROOM7");
    let (content, data) = (root_with(&[]), TempDir::new());
    let mut app = laptop(&content, &data);

    // Wrong code, then no server at that address: each says why, and nothing is joined.
    join(&mut app, &server.url, "NOPE1");
    let problem = app.world().resource::<ClassroomStatus>().problem.clone();
    assert!(
        problem.as_deref().unwrap_or("").contains("NOPE1"),
        "{problem:?}"
    );
    join(&mut app, "127.0.0.1:9", "ROOM7");
    let problem = app.world().resource::<ClassroomStatus>().problem.clone();
    assert!(
        problem.as_deref().unwrap_or("").contains("cannot reach"),
        "{problem:?}"
    );
    assert!(app.world().resource::<JoinedClassroom>().0.is_none());

    // Joined as a trainee types it: the address without http://, the code in lower case.
    let typed = server.url.trim_start_matches("http://").to_string();
    join(&mut app, &typed, "room7");
    let session = app.world().resource::<ActiveSession>().0.clone();
    let session = session.expect("the classroom's session is the running one");
    assert_eq!((session.code.as_str(), session.seed), ("ROOM7", 7));
    assert_eq!(session.scenarios, [DRILL]);

    // The drill is not among this laptop's files: the visit plays the server's content.
    let best = play(&mut app, "张伟", BEST);
    assert_eq!(
        last_save(&app),
        LastSave::Sending {
            code: "ROOM7".into()
        }
    );
    until(&mut app, "the verdict", |w| {
        matches!(w.resource::<LastSave>(), LastSave::Verified { .. })
    });
    let LastSave::Verified { verdict, .. } = last_save(&app) else {
        unreachable!()
    };
    assert_eq!((verdict.score, verdict.rank), (best, Some(1)));
    assert_eq!(verdict.trainee, "张伟");

    // The server goes away; two trainees play on. Their results wait, and the screen says so.
    let port = server.port();
    server.kill();
    let poor = play(&mut app, "Ola", POOR);
    until(&mut app, "the first result to wait", |w| {
        matches!(w.resource::<LastSave>(), LastSave::Waiting { .. })
    });
    let good = play(&mut app, "Maria", GOOD);
    until(&mut app, "two results waiting", |w| {
        w.resource::<ClassroomStatus>().waiting == 2
    });
    assert!(matches!(last_save(&app), LastSave::Waiting { .. }));

    // Back on the same address: both arrive with nobody doing anything, each once.
    let server = Server::start(&server_data, &format!("127.0.0.1:{port}"));
    until(&mut app, "the outbox to empty", |w| {
        w.resource::<ClassroomStatus>().waiting == 0
    });
    assert_eq!(waiting(&app), 0);
    let expected = [("张伟", best), ("Ola", poor), ("Maria", good)]
        .map(|(name, score)| (name.to_string(), u64::from(score)))
        .into();
    assert_eq!(board(&server, "ROOM7"), expected);
    // The leaderboard screen asks for the same board the server ranks.
    app.world_mut().write_message(FetchClassroomBoard);
    until(&mut app, "the board", |w| {
        w.resource::<ClassroomBoard>().0.is_some()
    });
    let sent = app.world().resource::<ClassroomBoard>().0.clone();
    let boards = sent.unwrap().expect("the board arrived");
    let ranked: Vec<(&str, Option<usize>)> = boards[0]
        .1
        .iter()
        .map(|row| (row.checked.result.trainee.as_str(), row.rank))
        .collect();
    assert_eq!(
        ranked,
        [("张伟", Some(1)), ("Maria", Some(2)), ("Ola", Some(3))]
    );

    // Classroom visits live on the server: none was filed in this laptop's own results.
    let records = app.world().resource::<Records>();
    let local = records
        .lock()
        .unwrap()
        .results(&ResultFilter::default())
        .unwrap();
    assert!(local.is_empty(), "{local:?}");
}

/// A laptop closed while results waited sends them when the game opens again, and the address
/// last joined is offered again.
#[test]
fn results_left_waiting_when_the_game_closed_are_sent_when_it_opens() {
    let server_data = TempDir::new();
    let mut server = Server::start(&server_data, "127.0.0.1:0");
    new_session(&server, "ROOM8");
    let (content, data) = (root_with(&[]), TempDir::new());
    let mut app = laptop(&content, &data);
    join(&mut app, &server.url, "ROOM8");
    let port = server.port();
    server.kill();
    let score = play(&mut app, "Lin", GOOD);
    until(&mut app, "the result to wait", |w| {
        w.resource::<ClassroomStatus>().waiting == 1
    });
    drop(app);

    let server = Server::start(&server_data, &format!("127.0.0.1:{port}"));
    let mut app = laptop(&content, &data);
    let status = app.world().resource::<ClassroomStatus>().clone();
    assert_eq!(status.last_server.as_deref(), Some(server.url.as_str()));
    let start = Instant::now();
    while board(&server, "ROOM8").is_empty() && start.elapsed() < Duration::from_secs(30) {
        app.update();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        board(&server, "ROOM8"),
        [("Lin".to_string(), u64::from(score))].into()
    );
    until(&mut app, "the screen to show nothing waiting", |w| {
        w.resource::<ClassroomStatus>().waiting == 0
    });
}

/// The trainer's own game makes a session on the classroom server and follows it, then ends it
/// there; a wrong token is refused with the reason.
#[test]
fn a_trainer_creates_and_ends_a_classroom_session_from_the_game() {
    let server_data = TempDir::new();
    let server = Server::start(&server_data, "127.0.0.1:0");
    let (content, data) = (root_with(&[]), TempDir::new());
    let mut app = laptop(&content, &data);
    let create = |token: &str| CreateClassroomSession {
        server: server.url.clone(),
        token: token.into(),
        scenarios: vec![DRILL.into()],
        seed: 31,
    };

    app.world_mut().write_message(create("not-the-token"));
    until(&mut app, "the refusal", |w| {
        w.resource::<ClassroomStatus>().problem.is_some()
    });
    let problem = app.world().resource::<ClassroomStatus>().problem.clone();
    assert!(problem.unwrap().contains("token"));
    assert!(app.world().resource::<JoinedClassroom>().0.is_none());

    app.world_mut().write_message(create(TOKEN));
    let code = created_session(&mut app);
    let (status, info) = get(&server, &format!("/api/sessions/{code}"));
    assert_eq!(status, 200);
    assert_eq!(
        (info["seed"].as_u64(), info["ended_at"].is_null()),
        (Some(31), true)
    );

    app.world_mut().write_message(EndClassroomSession {
        token: TOKEN.into(),
    });
    until(&mut app, "the session to end", |w| {
        w.resource::<JoinedClassroom>().0.is_none()
    });
    assert!(app.world().resource::<ActiveSession>().0.is_none());
    let (_, info) = get(&server, &format!("/api/sessions/{code}"));
    assert!(info["ended_at"].is_i64(), "{info}");
}

/// A result that waited while the trainer ended the session is refused when it is finally
/// sent: the laptop says so and stops sending it.
#[test]
fn a_waiting_result_the_server_refuses_is_shown_and_dropped() {
    let server_data = TempDir::new();
    let mut server = Server::start(&server_data, "127.0.0.1:0");
    new_session(&server, "LATE1");
    let (content, data) = (root_with(&[]), TempDir::new());
    // Long pauses: the resend below comes from the server being reached again, not a timer.
    let mut app = laptop_with(&content, &data, Duration::from_secs(60));
    join(&mut app, &server.url, "LATE1");
    let port = server.port();
    server.kill();
    play(&mut app, "Lin", GOOD);
    until(&mut app, "the result to wait", |w| {
        w.resource::<ClassroomStatus>().waiting == 1
    });
    let server = Server::start(&server_data, &format!("127.0.0.1:{port}"));
    let (status, _) = post(&server, "/api/sessions/LATE1/end", Some(TOKEN), "{}");
    assert_eq!(status, 200);
    app.world_mut().write_message(FetchClassroomBoard);
    until(&mut app, "the refusal", |w| {
        !w.resource::<ClassroomStatus>().refused.is_empty()
    });
    let status = app.world().resource::<ClassroomStatus>().clone();
    assert!(status.refused[0].contains("Lin"), "{:?}", status.refused);
    assert!(status.refused[0].contains("ended"), "{:?}", status.refused);
    until(&mut app, "nothing left waiting", |w| {
        w.resource::<ClassroomStatus>().waiting == 0
    });
}

/// A campaign in a classroom: the trainer's game makes a session with a visit and a campaign;
/// a laptop with none of the scenarios joins, is offered the session's campaign, plays it on
/// the server's content, and the server replays it and ranks it; nothing is kept on the laptop.
#[test]
fn a_laptop_plays_the_classrooms_campaign_and_the_server_ranks_it() {
    let server_data = TempDir::new();
    let server = Server::start(&server_data, "127.0.0.1:0");
    // The server makes the session from its own content: the trainer's game only names it.
    let (trainer_content, trainer_data) = (root_with(&[]), TempDir::new());
    let mut trainer = laptop(&trainer_content, &trainer_data);
    trainer.world_mut().write_message(CreateClassroomSession {
        server: server.url.clone(),
        token: TOKEN.into(),
        scenarios: vec![DRILL.into(), "hengtong_account".into()],
        seed: 11,
    });
    let code = created_session(&mut trainer);

    let (content, data) = (root_with(&[]), TempDir::new());
    let mut app = laptop(&content, &data);
    join(&mut app, &server.url, &code);
    let joined = app.world().resource::<JoinedClassroom>().clone();
    let campaign = joined
        .library("hengtong_account")
        .expect("the session's campaign");
    assert!(campaign.campaign("hengtong_account").is_some());

    app.world_mut().write_message(SelectTrainee("Lin".into()));
    app.world_mut().write_message(StartCampaign {
        campaign: "hengtong_account".into(),
        seed: 11,
    });
    app.update();
    for n in support::HENGTONG_BEST.split(',') {
        let n: usize = n.parse().unwrap();
        app.world_mut().write_message(CampaignChoice::Listed(n - 1));
        app.update();
    }
    let run = app
        .world()
        .resource::<ActiveCampaign>()
        .0
        .clone()
        .expect("a campaign");
    assert_eq!(run.score().expect("the campaign is over").total, 100);
    until(&mut app, "the server's verdict", |w| {
        matches!(w.resource::<LastSave>(), LastSave::Verified { .. })
    });
    let LastSave::Verified {
        code: sent_to,
        verdict,
    } = last_save(&app)
    else {
        unreachable!()
    };
    assert_eq!(sent_to, code);
    assert_eq!(
        (
            verdict.scenario.as_str(),
            verdict.score,
            verdict.outcome.as_str(),
            verdict.rank
        ),
        ("hengtong_account", 100, "strategic_cooperation", Some(1))
    );
    let (_, boards) = get(&server, &format!("/api/sessions/{code}/board"));
    let campaign_board = boards
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b[0] == "hengtong_account")
        .expect("a board for the campaign");
    let row = &campaign_board[1][0];
    assert_eq!(row["checked"]["result"]["trainee"], "Lin");
    assert_eq!(row["total"], 100);
    assert_eq!(row["checked"]["result"]["outcome"], "strategic_cooperation");
    // The laptop kept nothing of its own: the result is the server's.
    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    assert!(store.results(&ResultFilter::default()).unwrap().is_empty());
}
