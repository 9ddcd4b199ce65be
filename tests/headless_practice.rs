//! Practice over the real engine and records plugins, headless: rewinding to any decision of
//! any shipped scenario and trying another reply plays exactly the visit a fresh play of those
//! replies gives; the practice attempt is kept, shown in progress and never ranked; a team
//! session refuses to rewind.

mod support;

use std::sync::Arc;

use bevy::prelude::*;
use salesdojo::content::Library;
use salesdojo::engine::{
    ActiveVisit, ChooseReply, ContentLibrary, JoinSession, LastSave, Records, RecordsPlugin,
    RewindVisit, SelectTrainee, StartVisit, VisitProblem, headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::sim::{Attempt, SimError};
use salesdojo::store::verify::{scenario_board, trainee_progress};
use support::game::update_until;
use support::{TempDir, repo};

/// No shipped visit needs more replies than this.
const MAX_REPLIES: usize = 60;

fn app_with_records(data: &std::path::Path) -> App {
    let mut app = headless_app(&ContentRoot {
        root: repo().to_path_buf(),
    });
    app.add_plugins(RecordsPlugin {
        dir: data.to_path_buf(),
        database: None,
    });
    update_until(&mut app, "the content", |l| !l.scenarios.is_empty());
    app.world_mut().write_message(SelectTrainee("Ola".into()));
    app.update();
    app
}

fn library(app: &App) -> Arc<Library> {
    app.world().resource::<ContentLibrary>().0.clone().unwrap()
}

fn active(app: &mut App) -> Attempt {
    let mut visits = app.world_mut().query::<&ActiveVisit>();
    visits.single(app.world()).expect("a visit").0.clone()
}

fn send<M: Message>(app: &mut App, message: M) {
    app.world_mut().write_message(message);
    app.update();
}

/// Starts a visit of `scenario` meeting the customer of `seed`.
fn start(app: &mut App, scenario: &str, seed: u64) {
    send(
        app,
        StartVisit {
            scenario: scenario.into(),
            seed,
            persona: None,
        },
    );
}

/// Takes the first reply shown until the visit is over.
fn finish_with_first_replies(app: &mut App) {
    for _ in 0..MAX_REPLIES {
        if active(app).result().is_some() {
            return;
        }
        send(app, ChooseReply::Shown(0));
    }
    panic!("the visit did not end after {MAX_REPLIES} replies");
}

/// The mood and minute a visit was at when decision `k` was put to the trainee.
fn moment(attempt: &Attempt, k: usize) -> (salesdojo::content::Mood, u32) {
    let transcript = attempt.visit().transcript();
    let mood = match k {
        0 => attempt.visit().restarted().mood(),
        _ => transcript[k - 1].mood_after,
    };
    (mood, transcript[k].view.minute)
}

#[test]
fn rewinding_any_decision_plays_exactly_like_a_fresh_visit_in_every_shipped_scenario() {
    let data = TempDir::new();
    let mut app = app_with_records(data.path());
    let library = library(&app);
    let mut rewinds = 0;
    for id in library.scenarios.keys() {
        let seed = 11;
        start(&mut app, id, seed);
        finish_with_first_replies(&mut app);
        let first = active(&mut app);
        let persona = first.visit().persona().kind;
        let made = first.visit().transcript().len();
        for k in 0..made {
            let offered = first.visit().transcript()[k].view.order.clone();
            for &reply in &offered {
                // The first visit again, up to and including decision k, then back to k: from
                // the middle of the visit, or from its end when k is the last decision.
                start(&mut app, id, seed);
                for &choice in &first.visit().choices()[..=k] {
                    send(&mut app, ChooseReply::Listed(choice));
                }
                send(&mut app, RewindVisit(k));
                let rewound = active(&mut app);
                assert_eq!(rewound.rewound_at(), Some(k), "{id}: rewound to {k}");
                assert!(rewound.result().is_none(), "{id}: back in the visit");
                assert_eq!(
                    (rewound.visit().mood(), rewound.visit().minute()),
                    moment(&first, k),
                    "{id}: decision {k} is met in the mood and minute it was"
                );
                assert_eq!(
                    rewound.visit().current().map(|v| &v.order),
                    Some(&offered),
                    "{id}: the same replies are offered, in the same order"
                );
                send(&mut app, ChooseReply::Listed(reply));
                finish_with_first_replies(&mut app);
                let practice = active(&mut app);
                let choices = practice.visit().choices();
                assert_eq!(choices[..k], first.visit().choices()[..k], "{id}");
                assert_eq!(choices[k], reply, "{id}");
                let fresh =
                    Attempt::replay(Arc::clone(&library), id, seed, persona, &choices, None)
                        .unwrap();
                let (played, scored) = practice.result().unwrap();
                let (fresh_finish, fresh_score) = fresh.result().unwrap();
                assert_eq!(played, fresh_finish, "{id}: rewound to {k}, reply {reply}");
                assert_eq!(scored, fresh_score, "{id}: rewound to {k}, reply {reply}");
                assert_eq!(practice.visit().mood(), fresh.visit().mood(), "{id}");
                assert_eq!(
                    practice.visit().transcript(),
                    fresh.visit().transcript(),
                    "{id}: rewound to {k}, reply {reply}"
                );
                let saved = app.world().resource::<LastSave>().clone();
                assert!(
                    matches!(saved, LastSave::Saved { practice: true, .. }),
                    "{id}: the practice attempt is kept as practice: {saved:?}"
                );
                rewinds += 1;
            }
        }
    }
    assert!(rewinds > 100, "only {rewinds} rewinds were tried");
}

#[test]
fn a_practice_attempt_is_kept_and_shown_in_progress_but_never_ranked() {
    let data = TempDir::new();
    let mut app = app_with_records(data.path());
    let library = library(&app);
    let drill = "drill_price_objection";
    start(&mut app, drill, 7);
    // A poor visit, then the third decision tried again with the best reply there.
    for n in [2, 3, 1] {
        send(&mut app, ChooseReply::Listed(n - 1));
    }
    let whole = active(&mut app);
    let poor = whole.score().expect("the visit is over").total;
    send(&mut app, RewindVisit(0));
    for n in [3, 1, 2, 1, 1, 2, 2] {
        send(&mut app, ChooseReply::Listed(n - 1));
    }
    let practice = active(&mut app);
    let better = practice.score().expect("the practice is over").total;
    assert!(better > poor, "{better} > {poor}");

    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    let board = scenario_board(&store, &library, drill, None).unwrap();
    let on_board: Vec<(u32, Option<usize>)> = board
        .iter()
        .map(|row| (row.checked.total().unwrap(), row.rank))
        .collect();
    assert_eq!(
        on_board,
        [(poor, Some(1))],
        "only the whole visit is ranked"
    );

    let trainee = store.find_trainee("Ola").unwrap().unwrap();
    let progress = trainee_progress(&store, &library, trainee.id).unwrap();
    assert_eq!(progress.attempts.len(), 2);
    assert_eq!(progress.whole_visits(), 1);
    let practised: Vec<_> = progress.practice().collect();
    assert_eq!(practised.len(), 1);
    assert_eq!(practised[0].total(), Some(better));
    assert_eq!(practised[0].status_id(), "practice");
    let note = practised[0].note().expect("practice is noted");
    assert_eq!(
        &*note.en,
        "practice: tried again from decision 1, not ranked"
    );
    // Mastery counts whole visits only: one judged attempt per category.
    assert!(progress.categories.iter().all(|c| c.attempts.len() == 1));
}

#[test]
fn a_team_session_refuses_to_rewind() {
    let data = TempDir::new();
    let mut app = app_with_records(data.path());
    let library = library(&app);
    let drill = "drill_price_objection";
    app.world()
        .resource::<Records>()
        .lock()
        .unwrap()
        .create_session(&library, &[drill.into()], 7, Some("TEAM2"))
        .unwrap();
    send(&mut app, JoinSession(Some("TEAM2".into())));
    start(&mut app, drill, 7);
    send(&mut app, ChooseReply::Listed(2));
    send(&mut app, ChooseReply::Listed(0));
    send(&mut app, RewindVisit(0));
    let visit = active(&mut app);
    assert_eq!(visit.rewound_at(), None);
    assert_eq!(
        visit.visit().choices(),
        [2, 0],
        "the visit goes on where it was"
    );
    assert_eq!(
        app.world().resource::<VisitProblem>().0,
        Some(SimError::RewindInSession)
    );
    // Nor can a rewound attempt be filed in the session by any other caller.
    let rewound = visit.rewound(1).unwrap();
    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    let session = store.session("TEAM2").unwrap().unwrap();
    let trainee = store.find_trainee("Ola").unwrap().unwrap();
    let mut finished = rewound;
    for n in [1, 2, 1, 1, 2, 2] {
        finished.choose(n - 1).unwrap();
    }
    let refused = store
        .record(&finished, &trainee, Some(&session), None)
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "session TEAM2 takes whole visits only: a visit tried again from an earlier decision is practice"
    );
}
