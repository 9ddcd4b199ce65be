//! Each rule kind of the rubric, firing and not firing, on small fixture visits built here: a
//! straight line of beats where the first reply carries the tags under test and the second is a
//! plain filler. The rules, catalogue and personas are the shipped seeds.

mod support;

use std::sync::{Arc, OnceLock};

use salesdojo::content::{
    Beat, Briefing, Choice, Effects, Ending, Library, Next, Outcome, PersonaKind, PersonaSpec,
    Scenario, Scene, SceneKind,
};
use salesdojo::i18n::Text;
use salesdojo::sim::{Visit, scoring};

fn seeds() -> &'static Library {
    static SEEDS: OnceLock<Library> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let library = Library::load(&[support::repo().join("seeds")]);
        assert!(!library.has_errors(), "{:?}", library.diagnostics);
        library
    })
}

/// One reply of a fixture visit.
#[derive(Clone, Copy)]
struct Move {
    scene: SceneKind,
    tags: &'static [&'static str],
    minutes: u32,
    patience: i32,
}

fn say(scene: SceneKind, tags: &'static [&'static str]) -> Move {
    Move {
        scene,
        tags,
        minutes: 2,
        patience: 0,
    }
}

impl Move {
    fn minutes(self, minutes: u32) -> Move {
        Move { minutes, ..self }
    }
    fn patience(self, patience: i32) -> Move {
        Move { patience, ..self }
    }
}

use SceneKind::{NeedsDiscovery, Objection, Quote, Visit as VisitScene};

fn text(s: &str) -> Text {
    Text::new(s, s)
}

/// A scenario whose beat `i` offers `moves[i]` as choice 1 and a plain filler as choice 2.
fn fixture(moves: &[Move], outcome: Outcome, commitment: Option<&str>) -> Scenario {
    let mut scenes: Vec<Scene> = Vec::new();
    for (i, m) in moves.iter().enumerate() {
        let next = if i + 1 == moves.len() {
            Next::End("end".into())
        } else {
            Next::Goto(format!("b{}", i + 1))
        };
        let beat = Beat {
            id: format!("b{i}"),
            says: vec![text(&format!("customer line {i}"))],
            says_as: Default::default(),
            narration: None,
            choices: vec![
                Choice {
                    text: text(&format!("reply {i}: {}", m.tags.join(" + "))),
                    tags: m.tags.iter().map(|t| t.to_string()).collect(),
                    effects: Effects {
                        minutes: m.minutes,
                        patience: m.patience,
                        ..Effects::default()
                    },
                    thinking: None,
                    next: next.clone(),
                },
                Choice {
                    text: text(&format!("filler {i}")),
                    tags: vec![],
                    effects: Effects {
                        minutes: 1,
                        ..Effects::default()
                    },
                    thinking: None,
                    next,
                },
            ],
        };
        match scenes.last_mut() {
            Some(scene) if scene.kind == m.scene => scene.beats.push(beat),
            _ => scenes.push(Scene {
                id: format!("s{}", scenes.len()),
                kind: m.scene,
                title: text("scene"),
                hold_cues: false,
                beats: vec![beat],
            }),
        }
    }
    Scenario {
        id: "fixture".into(),
        title: text("fixture"),
        difficulty: 1,
        persona: PersonaSpec::Fixed(PersonaKind::Driver),
        briefing: Briefing {
            account: text("account"),
            contact: text("contact"),
            known: vec![],
            goal: text("goal"),
            time_budget: 30,
            follow_up: false,
        },
        start: "b0".into(),
        scenes,
        endings: vec![Ending {
            id: "end".into(),
            outcome,
            says: vec![text("goodbye")],
            why: text("why"),
            commitment: commitment.map(text),
        }],
    }
}

/// Plays the given choice (0: the move, 1: the filler) at each beat.
fn play_picks(moves: &[Move], persona: PersonaKind, picks: &[usize]) -> Visit {
    play_on(
        fixture(moves, Outcome::Advance, Some("a demo")),
        persona,
        picks,
    )
}

/// Plays the given choices on a fixture scenario changed by the test.
fn play_on(scenario: Scenario, persona: PersonaKind, picks: &[usize]) -> Visit {
    let mut visit = Visit::start(Arc::new(scenario), seeds().personas[&persona].clone(), 7);
    for &pick in picks {
        visit.choose(pick).unwrap();
    }
    assert!(visit.finish().is_some(), "the fixture visit should be over");
    visit
}

/// Plays choice 1 at every beat against `persona`, noting a persona guess when asked.
fn play(moves: &[Move], persona: PersonaKind, guess: Option<(PersonaKind, usize)>) -> Visit {
    play_ending(moves, persona, guess, Outcome::Advance, Some("a demo"))
}

fn play_ending(
    moves: &[Move],
    persona: PersonaKind,
    guess: Option<(PersonaKind, usize)>,
    outcome: Outcome,
    commitment: Option<&str>,
) -> Visit {
    let mut scenario = fixture(moves, outcome, commitment);
    if guess.is_some() {
        // A mystery customer: the type is drawn, so reading it is scored.
        scenario.persona = PersonaSpec::OneOf(PersonaKind::ALL.to_vec());
    }
    let scenario = Arc::new(scenario);
    let mut visit = Visit::start(scenario, seeds().personas[&persona].clone(), 7);
    for step in 0..moves.len() {
        if let Some((kind, _)) = guess.filter(|&(_, at)| at == step) {
            visit.note_persona(kind);
        }
        visit.choose(0).unwrap();
    }
    assert!(visit.finish().is_some(), "the fixture visit should be over");
    visit
}

/// The (points, step) of every event citing `technique`.
fn fired(visit: &Visit, technique: &str) -> Vec<(i32, Option<usize>)> {
    let library = seeds();
    scoring::score(visit, &library.catalogue, &library.rubric)
        .unwrap()
        .events
        .iter()
        .filter(|e| e.technique == technique)
        .map(|e| (e.points, e.step))
        .collect()
}

const GREET: &[&str] = &["visit.enter", "praise.direct"];
const ASK: &[&str] = &["visit.question", "spin.problem"];
const PRESENT: &[&str] = &["present.benefits"];
const LEAVE: &[&str] = &["visit.thank_leave"];

#[test]
fn sequence_presenting_before_any_question_breaks_the_eight_steps() {
    let skipped = play(
        &[
            say(VisitScene, GREET),
            say(VisitScene, PRESENT),
            say(VisitScene, ASK),
            say(VisitScene, LEAVE),
        ],
        PersonaKind::Driver,
        None,
    );
    assert_eq!(fired(&skipped, "visit.eight_steps"), vec![(-4, Some(1))]);

    let in_order = play(
        &[
            say(VisitScene, GREET),
            say(VisitScene, ASK),
            say(VisitScene, PRESENT),
            say(VisitScene, LEAVE),
        ],
        PersonaKind::Driver,
        None,
    );
    assert_eq!(fired(&in_order, "visit.eight_steps"), vec![(4, None)]);
}

#[test]
fn sequence_only_applies_to_visits_with_a_visit_scene() {
    let moves = [say(NeedsDiscovery, PRESENT), say(NeedsDiscovery, ASK)];
    let visit = play(&moves, PersonaKind::Driver, None);
    assert!(fired(&visit, "visit.eight_steps").is_empty());
}

#[test]
fn sequence_spin_implication_before_any_problem_question_breaks_the_order() {
    let early = play(
        &[
            say(NeedsDiscovery, &["spin.situation"]),
            say(NeedsDiscovery, &["spin.implication"]),
            say(NeedsDiscovery, &["spin.problem"]),
            say(NeedsDiscovery, &["spin.need_payoff"]),
        ],
        PersonaKind::Analytical,
        None,
    );
    assert_eq!(fired(&early, "spin.order"), vec![(-3, Some(1))]);

    let ordered = play(
        &[
            say(NeedsDiscovery, &["spin.problem"]),
            say(NeedsDiscovery, &["spin.implication"]),
            say(NeedsDiscovery, &["spin.need_payoff"]),
        ],
        PersonaKind::Analytical,
        None,
    );
    assert_eq!(fired(&ordered, "spin.order"), vec![(4, None)]);
}

#[test]
fn timing_the_opening_must_reach_the_point_within_ten_minutes() {
    let slow = play(
        &[
            say(VisitScene, GREET).minutes(6),
            say(VisitScene, &["praise.indirect"]).minutes(6),
            say(VisitScene, ASK),
            say(VisitScene, LEAVE).minutes(8),
        ],
        PersonaKind::Amiable,
        None,
    );
    // The first question began at minute 12.
    assert!(fired(&slow, "visit.ten_minute_rule").contains(&(-3, Some(2))));

    let brisk = play(
        &[
            say(VisitScene, GREET).minutes(3),
            say(VisitScene, ASK).minutes(10),
            say(VisitScene, LEAVE).minutes(8),
        ],
        PersonaKind::Amiable,
        None,
    );
    assert!(fired(&brisk, "visit.ten_minute_rule").contains(&(2, Some(1))));
}

#[test]
fn timing_leave_within_ten_minutes_of_the_key_talk() {
    let lingering = play(
        &[
            say(VisitScene, GREET),
            say(VisitScene, ASK),
            say(VisitScene, &["praise.deep"]).minutes(8),
            say(VisitScene, LEAVE).minutes(4),
        ],
        PersonaKind::Amiable,
        None,
    );
    // The key talk ended at minute 4; the visit at minute 16.
    assert!(fired(&lingering, "visit.ten_minute_rule").contains(&(-3, Some(1))));
}

#[test]
fn timing_a_first_visit_lasts_twenty_to_thirty_minutes() {
    let moves = |minutes| {
        [
            say(VisitScene, GREET),
            say(VisitScene, ASK).minutes(minutes),
            say(VisitScene, LEAVE),
        ]
    };
    let right = play(&moves(20), PersonaKind::Amiable, None);
    assert_eq!(fired(&right, "visit.first_visit_length"), vec![(2, None)]);
    let short = play(&moves(4), PersonaKind::Amiable, None);
    assert_eq!(fired(&short, "visit.first_visit_length"), vec![(-3, None)]);
}

#[test]
fn timing_a_follow_up_visit_is_not_judged_by_the_first_visit_length() {
    let moves = [
        say(VisitScene, GREET),
        say(VisitScene, ASK).minutes(4),
        say(VisitScene, LEAVE),
    ];
    let mut follow_up = fixture(&moves, Outcome::Advance, Some("a demo"));
    follow_up.briefing.follow_up = true;
    let visit = play_on(follow_up, PersonaKind::Amiable, &[0, 0, 0]);
    assert!(fired(&visit, "visit.first_visit_length").is_empty());
    // The other timing rules still judge it: the opening ten minutes were kept.
    assert!(fired(&visit, "visit.ten_minute_rule").contains(&(2, Some(1))));
}

#[test]
fn timing_a_scene_that_holds_back_cues_shows_none_and_asks_for_no_leaving() {
    // As in the rule's own test below: a reply costing 25 patience would bring on the
    // watch-checking cue, and the trainee carries on.
    let moves = [
        say(NeedsDiscovery, ASK).patience(-25),
        say(NeedsDiscovery, LEAVE),
        say(NeedsDiscovery, &["spin.situation"]),
        say(NeedsDiscovery, LEAVE),
    ];
    let mut held = fixture(&moves, Outcome::Advance, Some("a demo"));
    held.scenes[0].hold_cues = true;
    let visit = play_on(held, PersonaKind::Driver, &[0, 1, 0, 0]);
    assert!(visit.transcript().iter().all(|e| e.view.cue.is_none()));
    assert!(fired(&visit, "visit.leave_on_cue").is_empty());
}

#[test]
fn timing_carrying_on_after_the_first_impatience_cue_is_penalised() {
    // The Driver starts at patience 45±5; a reply costing 25 brings on the watch-checking cue.
    // At beat 1 a wrap-up is on offer, but the trainee takes the filler and carries on.
    let moves = [
        say(NeedsDiscovery, ASK).patience(-25),
        say(NeedsDiscovery, LEAVE),
        say(NeedsDiscovery, &["spin.situation"]),
        say(NeedsDiscovery, LEAVE),
    ];
    let stay = play_picks(&moves, PersonaKind::Driver, &[0, 1, 0, 0]);
    assert!(stay.transcript()[1].view.cue.is_some(), "the cue was shown");
    assert_eq!(fired(&stay, "visit.leave_on_cue"), vec![(-4, Some(3))]);

    let go = play(&moves[..2], PersonaKind::Driver, None);
    assert_eq!(fired(&go, "visit.leave_on_cue"), vec![(3, Some(1))]);
}

#[test]
fn timing_no_penalty_for_not_leaving_when_no_wrap_up_was_offered() {
    let moves = [
        say(NeedsDiscovery, ASK).patience(-25),
        say(NeedsDiscovery, &["spin.situation"]),
        say(NeedsDiscovery, &["spin.implication"]),
        say(NeedsDiscovery, LEAVE),
    ];
    let visit = play(&moves, PersonaKind::Driver, None);
    assert!(
        visit.transcript()[1].view.cue.is_some(),
        "the cue was shown"
    );
    assert!(fired(&visit, "visit.leave_on_cue").is_empty());
}

#[test]
fn forbidden_before_a_price_before_the_need_is_explicit() {
    let early = play(
        &[
            say(Quote, &["quote.price"]),
            say(Quote, &["spin.implication"]),
        ],
        PersonaKind::Driver,
        None,
    );
    assert_eq!(fired(&early, "mistake.early_price"), vec![(-5, Some(0))]);

    let after_value = play(
        &[
            say(NeedsDiscovery, &["spin.problem"]),
            say(NeedsDiscovery, &["spin.implication"]),
            say(Quote, &["quote.price"]),
        ],
        PersonaKind::Driver,
        None,
    );
    assert_eq!(
        fired(&after_value, "mistake.early_price"),
        vec![(3, Some(2))]
    );
}

#[test]
fn forbidden_a_classic_close_in_a_key_account_visit() {
    let pushed = play(
        &[say(VisitScene, ASK), say(VisitScene, &["close.classic"])],
        PersonaKind::Driver,
        None,
    );
    assert_eq!(fired(&pushed, "mistake.hard_close"), vec![(-6, Some(1))]);
    let committed = play(
        &[say(VisitScene, ASK), say(VisitScene, &["close.commitment"])],
        PersonaKind::Driver,
        None,
    );
    assert!(fired(&committed, "mistake.hard_close").is_empty());
}

#[test]
fn forbidden_before_closing_over_an_open_objection() {
    let over = play(
        &[
            say(NeedsDiscovery, &["close.commitment"]),
            say(Objection, &["close.commitment"]),
        ],
        PersonaKind::Amiable,
        None,
    );
    // The commitment asked before any objection counts for nothing here; the one in the
    // objection scene, before handling it, breaks the rule.
    assert_eq!(
        fired(&over, "mistake.close_before_objection"),
        vec![(-4, Some(1))]
    );
    let handled = play(
        &[
            say(Objection, &["objection.kinds"]),
            say(Objection, &["close.commitment"]),
        ],
        PersonaKind::Amiable,
        None,
    );
    assert!(fired(&handled, "mistake.close_before_objection").is_empty());
}

#[test]
fn count_no_more_than_three_benefits() {
    let four = play(&[say(Quote, PRESENT); 4], PersonaKind::Expressive, None);
    assert_eq!(fired(&four, "present.three_points"), vec![(-3, Some(3))]);
    let three = play(&[say(Quote, PRESENT); 3], PersonaKind::Expressive, None);
    assert_eq!(fired(&three, "present.three_points"), vec![(2, None)]);
}

#[test]
fn count_a_third_situation_question_is_one_too_many() {
    let three = play(
        &[say(NeedsDiscovery, &["spin.situation"]); 3],
        PersonaKind::Analytical,
        None,
    );
    assert_eq!(
        fired(&three, "mistake.too_many_situation"),
        vec![(-3, Some(2))]
    );
    let two = play(
        &[say(NeedsDiscovery, &["spin.situation"]); 2],
        PersonaKind::Analytical,
        None,
    );
    assert!(fired(&two, "mistake.too_many_situation").is_empty());
}

#[test]
fn count_asking_must_outweigh_talking() {
    let talker = play(
        &[
            say(Quote, ASK),
            say(Quote, PRESENT),
            say(Quote, &["present.proof"]),
            say(Quote, &["mistake.feature_dump"]),
        ],
        PersonaKind::Analytical,
        None,
    );
    assert_eq!(fired(&talker, "visit.say_less"), vec![(-3, None)]);
    let listener = play(
        &[
            say(Quote, ASK),
            say(Quote, &["spin.implication"]),
            say(Quote, PRESENT),
            say(Quote, &["spin.need_payoff"]),
        ],
        PersonaKind::Analytical,
        None,
    );
    assert_eq!(fired(&listener, "visit.say_less"), vec![(3, None)]);
}

#[test]
fn persona_fit_a_correct_early_guess_scores_and_a_wrong_one_costs() {
    let moves = [
        say(NeedsDiscovery, ASK),
        say(NeedsDiscovery, ASK),
        say(NeedsDiscovery, ASK),
        say(NeedsDiscovery, ASK),
        say(NeedsDiscovery, ASK),
    ];
    let early = play(&moves, PersonaKind::Driver, Some((PersonaKind::Driver, 1)));
    assert_eq!(fired(&early, "persona.identify"), vec![(4, None)]);
    let late = play(&moves, PersonaKind::Driver, Some((PersonaKind::Driver, 4)));
    assert_eq!(fired(&late, "persona.identify"), vec![(1, None)]);
    let wrong = play(&moves, PersonaKind::Driver, Some((PersonaKind::Amiable, 0)));
    assert_eq!(fired(&wrong, "persona.identify"), vec![(-2, None)]);
    let none = play(&moves, PersonaKind::Driver, None);
    assert!(fired(&none, "persona.identify").is_empty());
}

#[test]
fn persona_fit_a_type_told_in_the_scenario_list_is_not_scored_as_read() {
    let moves = [say(NeedsDiscovery, ASK), say(NeedsDiscovery, ASK)];
    let scenario = Arc::new(fixture(&moves, Outcome::Advance, Some("a demo")));
    assert!(matches!(scenario.persona, PersonaSpec::Fixed(_)));
    let mut visit = Visit::start(scenario, seeds().personas[&PersonaKind::Driver].clone(), 7);
    visit.note_persona(PersonaKind::Driver);
    visit.choose(0).unwrap();
    visit.choose(0).unwrap();
    assert!(fired(&visit, "persona.identify").is_empty());
}

#[test]
fn persona_fit_the_same_small_talk_lands_differently_with_a_driver_and_an_expressive() {
    let moves = [
        say(VisitScene, &["mistake.small_talk"]),
        say(VisitScene, ASK),
    ];
    let driver = play(&moves, PersonaKind::Driver, None);
    let expressive = play(&moves, PersonaKind::Expressive, None);
    assert_eq!(fired(&driver, "persona.driver"), vec![(-4, Some(0))]);
    assert_eq!(fired(&expressive, "persona.expressive"), vec![(1, Some(0))]);
}

#[test]
fn outcome_an_advance_needs_a_concrete_commitment() {
    let moves = [say(VisitScene, GREET), say(VisitScene, ASK)];
    let with = play_ending(
        &moves,
        PersonaKind::Driver,
        None,
        Outcome::Advance,
        Some("a demo next Tuesday"),
    );
    let outcome = |visit: &Visit| {
        let library = seeds();
        scoring::score(visit, &library.catalogue, &library.rubric)
            .unwrap()
            .events
            .into_iter()
            .find(|e| e.rule == "outcome")
            .unwrap()
    };
    let scored = outcome(&with);
    assert_eq!(scored.points, 18);
    assert_eq!(&*scored.evidence.en, "a demo next Tuesday");

    let vague = play_ending(&moves, PersonaKind::Driver, None, Outcome::Advance, None);
    let scored = outcome(&vague);
    assert_eq!(scored.points, -20, "scored as a continuation");
    assert!(scored.why.en.contains("no concrete next step"));
}

#[test]
fn the_debrief_prices_the_reply_not_taken() {
    // At beat 1 the trainee took the filler; the presenting reply would have earned its points.
    let scenario = Arc::new(fixture(
        &[say(VisitScene, GREET), say(VisitScene, ASK)],
        Outcome::Advance,
        Some("a demo"),
    ));
    let library = seeds();
    let mut visit = Visit::start(scenario, library.personas[&PersonaKind::Driver].clone(), 3);
    visit.choose(0).unwrap();
    visit.choose(1).unwrap();
    let decisions = scoring::decisions(&visit, &library.catalogue, &library.rubric);
    assert_eq!(decisions.len(), 2);
    assert!(decisions[0].best.is_none(), "the best reply was taken");
    let better = decisions[1].best.as_ref().expect("the question was better");
    assert_eq!(better.choice, 0);
    assert!(better.points > decisions[1].points);
}
