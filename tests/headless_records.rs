//! The records plugin over the real engine plugins, headless: a team session played by three
//! trainees, a result that stays honest when its scenario is edited mid-visit, the session's
//! rules applied to the game as to every caller, and refused starts and replies kept for the
//! screen to show; each on the data folder's SQLite file and on a PostgreSQL database.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use salesdojo::engine::{
    ActiveSession, ChooseReply, ContentLibrary, JoinSession, LastSave, Records, RecordsPlugin,
    SelectTrainee, StartVisit, VisitProblem, headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::sim::{Attempt, SimError};
use salesdojo::store::ResultFilter;
use salesdojo::store::export::{BOM, session_csv};
use salesdojo::store::verify::{Standing, Verifier, session_boards};
use support::backend::Backend;
use support::game::update_until;
use support::{repo, root_with};

const DRILL: &str = "drill_price_objection";
/// Choice numbers as in the file: the best path (Order, 100, 11 minutes) and a poor one.
const BEST: &[usize] = &[3, 1, 2, 1, 1, 2, 2];
const POOR: &[usize] = &[2, 3, 1];

/// The engine and records plugins on `root`, results in `db`, content loaded.
fn app_on(root: &std::path::Path, db: &Backend) -> App {
    let mut app = headless_app(&ContentRoot {
        root: root.to_path_buf(),
    });
    app.add_plugins(RecordsPlugin {
        dir: db.data_dir().to_path_buf(),
        database: db.database(),
    });
    update_until(&mut app, "the content", |l| l.scenario(DRILL).is_some());
    app
}

fn choose(app: &mut App, numbers: &[usize]) {
    for n in numbers {
        app.world_mut().write_message(ChooseReply::Listed(n - 1));
        app.update();
    }
}

fn start(app: &mut App, seed: u64) {
    app.world_mut().write_message(StartVisit {
        scenario: DRILL.into(),
        seed,
        persona: None,
    });
    app.update();
}

fn three_trainees_play_a_team_session_headless(db: &Backend) {
    let mut app = app_on(repo(), db);
    let library = app.world().resource::<ContentLibrary>().0.clone().unwrap();
    let session = app
        .world()
        .resource::<Records>()
        .lock()
        .unwrap()
        .create_session(&library, &[DRILL.into()], 7, Some("TEAM1"))
        .unwrap();
    // One after another on the same computer, as in the training room.
    let players: [(&str, &[usize]); 3] = [
        ("Ola", POOR),
        ("张伟", BEST),
        ("Maria", &[3, 1, 2, 1, 1, 2, 1]),
    ];
    for (name, numbers) in players {
        app.world_mut().write_message(SelectTrainee(name.into()));
        app.world_mut()
            .write_message(JoinSession(Some("team1".into())));
        app.update();
        start(&mut app, session.seed);
        choose(&mut app, numbers);
        let saved = app.world().resource::<LastSave>().clone();
        let LastSave::Saved {
            trainee, session, ..
        } = saved
        else {
            panic!("{name}'s visit was not saved: {saved:?}")
        };
        assert_eq!(trainee, name);
        assert_eq!(session.as_deref(), Some("TEAM1"));
    }

    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    let boards = session_boards(&store, &library, "TEAM1").unwrap();
    assert_eq!(boards.len(), 1);
    let (scenario, rows) = &boards[0];
    assert_eq!(scenario, DRILL);
    let order: Vec<(&str, Option<usize>)> = rows
        .iter()
        .map(|r| (r.checked.result.trainee.as_str(), r.rank))
        .collect();
    assert_eq!(
        order,
        [("张伟", Some(1)), ("Maria", Some(2)), ("Ola", Some(3))]
    );
    let scores: Vec<u32> = rows.iter().map(|r| r.checked.total().unwrap()).collect();
    assert!(scores[0] > scores[1] && scores[1] > scores[2], "{scores:?}");

    let csv = session_csv("TEAM1", rows, salesdojo::i18n::Lang::En);
    assert!(
        csv.starts_with(BOM),
        "spreadsheet programs need the BOM for Chinese names"
    );
    let lines: Vec<&str> = csv.trim_start_matches(BOM).lines().collect();
    assert_eq!(
        lines[0],
        "session,rank,trainee,scenario,score,outcome,simulated minutes,played,status,seed,result id"
    );
    assert_eq!(lines.len(), 4);
    assert!(
        lines[1].starts_with(&format!("TEAM1,1,张伟,{DRILL},100,Order,11,")),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(&format!("TEAM1,2,Maria,{DRILL},{},", scores[1])));
    assert!(lines[3].starts_with(&format!("TEAM1,3,Ola,{DRILL},{},No sale,", scores[2])));
    assert!(lines[1..].iter().all(|l| l.contains(",valid,7,")));
}

/// A trainer saves the scenario while a trainee is mid-visit: the visit goes on with the version
/// it began on, and its result is recorded against that version, so it stays valid.
fn a_result_stays_valid_when_its_scenario_is_edited_mid_visit(db: &Backend) {
    let shipped =
        std::fs::read_to_string(repo().join(format!("scenarios/{DRILL}.scenario.ron"))).unwrap();
    let root = root_with(&[(&format!("{DRILL}.scenario.ron"), shipped.as_bytes())]);
    let mut app = app_on(root.path(), db);
    app.world_mut().write_message(SelectTrainee("Lin".into()));
    start(&mut app, 7);
    choose(&mut app, &BEST[..3]);

    // The edit marks the first reply the trainee already gave as a mistake too: on the new
    // version the same replies score less.
    let tags = r#"tags: ["visit.objection", "objection.kinds", "objection.hear_out"],"#;
    assert!(shipped.contains(tags));
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        root.path().join(format!("scenarios/{DRILL}.scenario.ron")),
        shipped.replacen(
            tags,
            r#"tags: ["visit.objection", "objection.kinds", "objection.hear_out", "mistake.feature_dump"],"#,
            1,
        ),
    )
    .unwrap();
    update_until(&mut app, "the edit", |l| {
        l.scenario(DRILL).unwrap().scenes[0].beats[0].choices[2]
            .tags
            .len()
            == 4
    });
    choose(&mut app, &BEST[3..]);
    let saved = app.world().resource::<LastSave>().clone();
    assert!(matches!(saved, LastSave::Saved { .. }), "{saved:?}");

    let edited = app.world().resource::<ContentLibrary>().0.clone().unwrap();
    let replayed_on_edit = Attempt::replay(
        Arc::clone(&edited),
        DRILL,
        7,
        salesdojo::content::PersonaKind::Driver,
        &BEST.iter().map(|n| n - 1).collect::<Vec<_>>(),
        None,
    )
    .unwrap();
    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    let results = store.results(&ResultFilter::default()).unwrap();
    assert_ne!(
        replayed_on_edit.score().unwrap().total as i64,
        results[0].score,
        "the edit changes what these replies score"
    );
    let checked = Verifier::new(Some(&edited))
        .check(&store, results[0].clone())
        .unwrap();
    assert_eq!(checked.standing, Standing::Valid, "{:?}", checked.note());
    assert!(
        checked.earlier_content,
        "kept with the version it was played on"
    );
    assert_eq!(checked.total(), Some(100));
}

/// In a team session the game records only what the session admits: a visit with another
/// customer is refused with the reason, not filed without the session.
fn the_game_refuses_to_file_a_visit_the_session_does_not_admit(db: &Backend) {
    let mut app = app_on(repo(), db);
    let library = app.world().resource::<ContentLibrary>().0.clone().unwrap();
    app.world()
        .resource::<Records>()
        .lock()
        .unwrap()
        .create_session(&library, &[DRILL.into()], 7, Some("ROOM1"))
        .unwrap();
    app.world_mut().write_message(SelectTrainee("Mei".into()));
    app.world_mut()
        .write_message(JoinSession(Some("room1".into())));
    app.update();
    assert!(app.world().resource::<ActiveSession>().0.is_some());
    start(&mut app, 8);
    choose(&mut app, BEST);
    let saved = app.world().resource::<LastSave>().clone();
    assert_eq!(
        saved,
        LastSave::Failed("session ROOM1 meets the customer of seed 7, not 8".into())
    );
    let records = app.world().resource::<Records>();
    let stored = records
        .lock()
        .unwrap()
        .results(&ResultFilter::default())
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

/// A start or reply that cannot be carried out is kept for the screen, and cleared by the next
/// start that works.
fn refused_starts_and_replies_are_kept_for_the_trainee_to_see(db: &Backend) {
    let mut app = app_on(repo(), db);
    let problem = |app: &App| app.world().resource::<VisitProblem>().0.clone();
    app.world_mut().write_message(ChooseReply::Listed(0));
    app.update();
    assert_eq!(problem(&app), Some(SimError::NoActiveVisit));
    app.world_mut().write_message(StartVisit {
        scenario: "drill_price_objektion".into(),
        seed: 1,
        persona: None,
    });
    app.update();
    assert_eq!(
        problem(&app),
        Some(SimError::UnknownScenario("drill_price_objektion".into()))
    );
    start(&mut app, 1);
    assert_eq!(problem(&app), None);
    choose(&mut app, &[9]);
    let Some(SimError::NoSuchChoice {
        number: 9, count, ..
    }) = problem(&app)
    else {
        panic!("{:?}", problem(&app));
    };
    assert_eq!(count, 4);
}

on_both_databases!(
    three_trainees_play_a_team_session_headless,
    a_result_stays_valid_when_its_scenario_is_edited_mid_visit,
    the_game_refuses_to_file_a_visit_the_session_does_not_admit,
    refused_starts_and_replies_are_kept_for_the_trainee_to_see,
);
