//! The real engine plugins under `MinimalPlugins`: content loads through the asset system, a
//! visit is played by messages, and it ends in each of the course's four outcomes.

use std::path::Path;
use std::time::Duration;

use bevy::prelude::*;
use salesdojo::content::{Library, Outcome, PersonaKind, SceneKind};
use salesdojo::engine::{
    ActiveVisit, ChooseReply, ContentLibrary, StartVisit, VisitEnded, headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::sim::{Visit, scoring};

const SCENARIO: &str = "analytical_equipment_director";

/// Replies by their number in the file, one per beat.
const BEST: &[usize] = &[2, 3, 1, 2, 4, 1, 3, 2, 3, 1, 3, 2, 3, 4, 2];
const ADVANCE: &[usize] = &[2, 4, 1, 2, 3, 4, 2, 3, 2, 1, 2, 2, 2, 4, 1];
const CONTINUATION: &[usize] = &[2, 3, 1, 2, 3, 1, 3, 3, 3, 1, 2, 2, 3, 2];
const XIAO_ZHANG: &[usize] = &[1, 1, 2, 2, 1, 3, 1, 3, 2, 1];

fn root() -> ContentRoot {
    ContentRoot {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
    }
}

/// Runs the app until the content library has loaded.
fn loaded_app() -> App {
    let mut app = headless_app(&root());
    for _ in 0..500 {
        app.update();
        if app.world().resource::<ContentLibrary>().get().is_some() {
            return app;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the content library did not load through the asset system");
}

/// Plays a visit through the plugins' messages and returns the finished visit.
fn play_through_plugins(
    app: &mut App,
    scenario: &str,
    seed: u64,
    choices: &[usize],
) -> ActiveVisit {
    app.world_mut().write_message(StartVisit {
        scenario: scenario.into(),
        seed,
        persona: None,
    });
    app.update();
    for &number in choices {
        app.world_mut()
            .write_message(ChooseReply::Listed(number - 1));
        app.update();
    }
    let ended = app.world().resource::<Messages<VisitEnded>>();
    assert!(
        !ended.is_empty(),
        "the visit did not end after {} replies",
        choices.len()
    );
    let mut query = app.world_mut().query::<&ActiveVisit>();
    query.single(app.world()).expect("one active visit").clone()
}

#[test]
fn content_loads_through_the_asset_system_without_errors() {
    let app = loaded_app();
    let library = app
        .world()
        .resource::<ContentLibrary>()
        .get()
        .expect("loaded");
    let errors: Vec<String> = library.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "content errors: {errors:#?}");
    assert!(library.scenario(SCENARIO).is_some());
    assert_eq!(library.personas.len(), 4, "all four personas load");
}

#[test]
fn each_of_the_four_outcomes_is_reached_by_playing() {
    let mut app = loaded_app();
    for (choices, outcome) in [
        (BEST, Outcome::Order),
        (ADVANCE, Outcome::Advance),
        (CONTINUATION, Outcome::Continuation),
        (XIAO_ZHANG, Outcome::NoSale),
    ] {
        let active = play_through_plugins(&mut app, SCENARIO, 7, choices);
        let finish = active.visit().finish().expect("finished");
        assert_eq!(
            finish.outcome, outcome,
            "choices {choices:?} ended in {}",
            finish.ending_id
        );
        let score = active.score().expect("a finished visit is scored");
        assert!(!score.events.is_empty());
        assert!(score.total <= 100);
    }
}

#[test]
fn good_selling_outscores_the_xiao_zhang_mistakes() {
    let mut app = loaded_app();
    let best = play_through_plugins(&mut app, SCENARIO, 3, BEST)
        .score()
        .unwrap()
        .clone();
    let poor = play_through_plugins(&mut app, SCENARIO, 3, XIAO_ZHANG)
        .score()
        .unwrap()
        .clone();
    assert!(best.total >= 90, "best path scored {}", best.total);
    assert!(poor.total <= 20, "Xiao Zhang path scored {}", poor.total);
    // The poor path's losses name the mistakes the course warns of.
    let lost: Vec<&str> = poor
        .events
        .iter()
        .filter(|e| e.points < 0)
        .map(|e| e.technique.as_str())
        .collect();
    for mistake in [
        "mistake.small_talk",
        "mistake.vague_answer",
        "mistake.early_price",
    ] {
        assert!(lost.contains(&mistake), "{mistake} not penalised: {lost:?}");
    }
}

fn library() -> Library {
    let library = Library::load(&root().content_dirs());
    assert!(!library.has_errors());
    library
}

fn play(library: &Library, seed: u64, choices: &[usize]) -> (Visit, String) {
    let mut visit = Visit::begin(library, SCENARIO, seed, None).unwrap();
    for &number in choices {
        visit.choose(number - 1).unwrap();
    }
    let score = scoring::score(&visit, &library.catalogue, &library.rubric).unwrap();
    let json = serde_json::to_string(&(visit.transcript(), visit.finish(), &score)).unwrap();
    (visit, json)
}

#[test]
fn the_same_seed_and_choices_give_an_identical_visit() {
    let library = library();
    let (_, first) = play(&library, 42, ADVANCE);
    let (_, second) = play(&library, 42, ADVANCE);
    assert_eq!(first, second);
}

#[test]
fn another_seed_changes_wording_order_and_mood_but_the_best_path_still_wins() {
    let library = library();
    let (a, _) = play(&library, 1, BEST);
    let (b, _) = play(&library, 2, BEST);
    let says = |v: &Visit| {
        v.transcript()
            .iter()
            .map(|e| e.view.says.clone())
            .collect::<Vec<_>>()
    };
    let orders = |v: &Visit| {
        v.transcript()
            .iter()
            .map(|e| e.view.order.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(
        says(&a),
        says(&b),
        "line variants should differ between seeds"
    );
    assert_ne!(
        orders(&a),
        orders(&b),
        "choice order should differ between seeds"
    );
    // The customer starts a little warmer or cooler, but the best path still wins.
    for visit in [&a, &b] {
        let score = scoring::score(visit, &library.catalogue, &library.rubric).unwrap();
        assert_eq!(visit.finish().unwrap().outcome, Outcome::Order);
        assert!(score.total >= 90, "seed {}: {}", visit.seed(), score.total);
    }
}

#[test]
fn choices_are_shown_in_a_shuffled_order_that_maps_back_to_the_file() {
    let library = library();
    let mut by_file = Visit::begin(&library, SCENARIO, 9, None).unwrap();
    let mut by_screen = by_file.clone();
    for &number in BEST {
        let index = number - 1;
        let position = by_screen
            .current()
            .unwrap()
            .order
            .iter()
            .position(|&i| i == index)
            .unwrap();
        by_screen.choose_shown(position).unwrap();
        by_file.choose(index).unwrap();
    }
    assert_eq!(by_file.choices(), by_screen.choices());
    assert_eq!(by_file.finish(), by_screen.finish());
}

#[test]
fn the_same_choices_score_differently_against_another_persona_and_the_debrief_says_why() {
    let library = library();
    let score_as = |persona| {
        let mut visit = Visit::begin(&library, SCENARIO, 1, Some(persona)).unwrap();
        for &number in BEST {
            visit.choose(number - 1).unwrap();
        }
        scoring::score(&visit, &library.catalogue, &library.rubric).unwrap()
    };
    let analytical = score_as(PersonaKind::Analytical);
    let driver = score_as(PersonaKind::Driver);
    assert_ne!(analytical.total, driver.total);
    // The situation question suits the analytical director but costs time with a Driver; the
    // debrief names that reply and the reason.
    let lost = driver
        .events
        .iter()
        .find(|e| e.rule == "persona_fit" && e.points < 0)
        .expect("the Driver disliked a reply");
    assert!(lost.why.en.contains("Driver"), "{}", lost.why.en);
    let step = lost.step.expect("the event names the reply");
    assert!(
        !analytical
            .events
            .iter()
            .any(|e| e.step == Some(step) && e.rule == "persona_fit" && e.points < 0),
        "the analytical customer took the same reply well"
    );
}

/// The preparation drill: screening, the risk check and the visit plan come before the door.
const PREPARATION: &str = "drill_account_preparation";
const PREPARED: &[usize] = &[1, 1, 1, 1, 1, 1, 1];
const UNPREPARED: &[usize] = &[2, 2, 3, 2, 2, 3, 2];

#[test]
fn a_prepared_visit_opens_with_what_was_prepared_and_scores_for_it() {
    let mut app = loaded_app();
    let prepared = play_through_plugins(&mut app, PREPARATION, 5, PREPARED);
    let (finish, score) = prepared.result().expect("finished and scored");
    assert_eq!(finish.ending_id, "survey");
    assert_eq!(score.total, 100);
    let transcript = prepared.visit().transcript();
    // Three decisions before the door: the customer is not there, so nothing moves.
    let start = prepared.visit().restarted().mood();
    for exchange in &transcript[..3] {
        assert_eq!(exchange.view.scene_kind, SceneKind::Preparation);
        assert_eq!((exchange.mood_after, exchange.minute_after), (start, 0));
        assert!(exchange.view.cue.is_none() && exchange.reactions.is_empty());
    }
    for technique in ["eval.five_questions", "eval.risk", "visit.prepare"] {
        assert!(
            score
                .events
                .iter()
                .any(|e| e.technique == technique && e.points > 0),
            "{technique} not scored: {:?}",
            score.events
        );
    }
    // The plan decides the door: only the prepared trainee can open with the customer's figures.
    let opening = |visit: &Visit| -> Vec<String> {
        let door = &visit.transcript()[3].view;
        assert_eq!(door.scene_kind, SceneKind::Visit);
        let beat = visit.scenario().scenes[1]
            .beats
            .iter()
            .find(|b| b.id == door.beat_id)
            .unwrap();
        beat.choices.iter().map(|c| c.text.en.to_string()).collect()
    };
    let unprepared = play_through_plugins(&mut app, PREPARATION, 5, UNPREPARED);
    let figures = "loses twenty minutes to battery swaps";
    assert!(
        opening(prepared.visit())
            .iter()
            .any(|t| t.contains(figures))
    );
    assert!(
        !opening(unprepared.visit())
            .iter()
            .any(|t| t.contains(figures))
    );
    let (finish, score) = unprepared.result().unwrap();
    assert_eq!(finish.ending_id, "no_time");
    assert_eq!(score.total, 3);
    let unprepared_count = score
        .events
        .iter()
        .filter(|e| e.technique == "mistake.unprepared")
        .count();
    assert_eq!(unprepared_count, 3, "{:?}", score.events);
}

#[test]
fn a_persona_never_reacts_to_what_is_prepared_before_the_door() {
    let library = library();
    let scenario = library.scenario(PREPARATION).unwrap().clone();
    // A Driver who would love a screened account — if he could see it.
    let mut driver = library.personas[&PersonaKind::Driver].clone();
    let mut reaction = driver.reactions[0].clone();
    reaction.tag = "eval.five_questions".into();
    (reaction.trust, reaction.points) = (20, 4);
    driver.reactions.push(reaction);
    let mut visit = Visit::start(scenario, driver, 5);
    let before = visit.mood();
    visit.choose(0).unwrap();
    assert_eq!(visit.mood(), before);
    assert!(visit.transcript()[0].reactions.is_empty());
    for &number in &PREPARED[1..] {
        visit.choose(number - 1).unwrap();
    }
    let score = scoring::score(&visit, &library.catalogue, &library.rubric).unwrap();
    assert!(
        !score
            .events
            .iter()
            .any(|e| e.step == Some(0) && e.technique == "persona.driver"),
        "{:?}",
        score.events
    );
}
