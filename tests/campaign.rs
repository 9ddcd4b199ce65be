//! Account campaigns: the shipped Hengtong campaign played to its end stages with exact scores,
//! the relationship carried from each step into the next, the budget, and a stored campaign
//! replayed and verified (on SQLite and PostgreSQL). The plugins' side is in
//! `headless_campaign.rs`.

mod support;

use std::sync::Arc;

use salesdojo::content::{AccountStage, Library, Outcome};
use salesdojo::sim::campaign::{CampaignRun, Done, Now};
use salesdojo::store::verify::{Standing, Verifier, scenario_board, trainee_progress};
use salesdojo::store::{CAMPAIGN_PERSONA, ResultFilter};
use support::backend::Backend;
use support::repo;

const HENGTONG: &str = "hengtong_account";
const SEED: u64 = 1;

fn best() -> Vec<usize> {
    support::HENGTONG_BEST
        .split(',')
        .map(|n| n.parse().unwrap())
        .collect()
}

/// A poor path: no preparation, a gift card, a pushy pilot visit, giving up on the account,
/// a gift box for the general manager, and a visit that loses the new warehouse.
fn poor() -> Vec<usize> {
    let mut choices = vec![2, 2, 3, 2, 2, 3, 2];
    choices.push(2);
    choices.extend([2, 3, 1, 2, 2, 2, 2, 3, 2, 2, 2, 3, 4]);
    choices.extend([2, 3]);
    choices.extend([2, 2, 4, 1, 1, 1, 3, 2, 2, 2, 2, 3, 3]);
    choices
}

fn library() -> Arc<Library> {
    let library = Library::load(&[repo().join("seeds"), repo().join("scenarios")]);
    let errors: Vec<String> = library.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    Arc::new(library)
}

fn play(choices: &[usize]) -> CampaignRun {
    let zero_based: Vec<usize> = choices.iter().map(|n| n - 1).collect();
    CampaignRun::replay(library(), HENGTONG, SEED, &zero_based, &[]).expect("the choices play")
}

/// The finished visits, in order: (scenario, outcome, score, trust carried in, trust on leaving).
fn visits(run: &CampaignRun) -> Vec<(String, Outcome, u32, Option<i32>, i32)> {
    run.done()
        .iter()
        .filter_map(|done| match done {
            Done::Visit {
                visit,
                score,
                known_trust,
                ..
            } => Some((
                visit.scenario().id.clone(),
                visit.finish()?.outcome,
                score.total,
                *known_trust,
                visit.mood().trust,
            )),
            Done::Decision { .. } => None,
        })
        .collect()
}

#[test]
fn the_best_path_makes_hengtong_a_strategic_partner_with_full_marks() {
    let run = play(&best());
    let score = run.score().expect("the campaign is over");
    assert_eq!(score.stage, AccountStage::StrategicCooperation);
    assert_eq!((score.share, score.level), (67, 3));
    assert_eq!(
        (
            score.total,
            score.visits,
            score.decisions,
            score.stage_points
        ),
        (100, 100, 100, 100)
    );
    let outcomes: Vec<(String, Outcome, u32)> = visits(&run)
        .into_iter()
        .map(|(id, outcome, total, _, _)| (id, outcome, total))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("drill_account_preparation".into(), Outcome::Advance, 100),
            ("hengtong_pilot_proposal".into(), Outcome::Order, 100),
            ("hengtong_gm_new_warehouse".into(), Outcome::Order, 100),
        ]
    );
    // Every account decision was played and scored with its course section.
    let techniques: Vec<&str> = score.events.iter().map(|e| e.technique.as_str()).collect();
    for technique in [
        "people.coach",
        "trust.legwork",
        "keep.buying_criteria",
        "keep.rescue",
        "keep.early_warning",
        "keep.raise_level",
        "keep.openings",
        "keep.alliance",
    ] {
        assert!(techniques.contains(&technique), "{techniques:?}");
    }
    assert!(
        score
            .events
            .iter()
            .all(|e| e.section.en.starts_with("Stage"))
    );
    // The budget paid for every option taken: 4 + 3 + 5 + 4 + 3 of 20 days.
    assert_eq!(run.account().budget, 1);
}

#[test]
fn a_poor_path_leaves_hengtong_with_huada_and_skips_the_price_war() {
    let run = play(&poor());
    let score = run.score().expect("the campaign is over");
    assert_eq!(score.stage, AccountStage::Development);
    assert_eq!((score.share, score.level), (0, 1));
    assert_eq!(
        (
            score.total,
            score.visits,
            score.decisions,
            score.stage_points
        ),
        (5, 9, 0, 0)
    );
    let outcomes: Vec<Outcome> = visits(&run).into_iter().map(|v| v.1).collect();
    assert_eq!(outcomes, [Outcome::NoSale; 3]);
    // With no share to defend there is no price war and no night fault: the win-back decision
    // comes up instead, and the partnership decision never does.
    let decided: Vec<&str> = run
        .done()
        .iter()
        .filter_map(|done| match done {
            Done::Decision { step, .. } => match &run.campaign().steps[*step] {
                salesdojo::content::CampaignStep::Decision(d) => Some(d.id.as_str()),
                _ => None,
            },
            Done::Visit { .. } => None,
        })
        .collect();
    assert_eq!(decided, ["after_survey", "win_back", "fourth_warehouse"]);
}

#[test]
fn each_visit_starts_from_the_trust_the_earlier_steps_left() {
    let library = library();
    let mut run = CampaignRun::begin(Arc::clone(&library), HENGTONG, SEED).unwrap();
    // The first visit meets Zheng with his type's own trust.
    let Now::Visit(first) = run.now() else {
        panic!("the campaign opens with a visit")
    };
    assert_eq!(first.known_trust(), None);
    for _ in 0..7 {
        run.choose(0).unwrap();
    }
    let left = run.account().trust["zheng"];
    // The gift card costs a little of Zheng's trust, and that is where the pilot visit starts.
    run.choose(1).unwrap();
    let Now::Visit(second) = run.now() else {
        panic!("the pilot visit follows the decision")
    };
    assert_eq!(second.scenario().id, "hengtong_pilot_proposal");
    assert_eq!(second.known_trust(), Some(left - 5));
    assert_eq!(second.mood().trust, left - 5);

    // Along the best path, the general manager is met with her type's own trust moved by the
    // introduction (+10) — and Zheng ends where the visits and decisions took him.
    let best = play(&best());
    let visits = visits(&best);
    let (_, _, _, carried_into_pilot, left_pilot) = &visits[1];
    assert_eq!(*carried_into_pilot, Some(visits[0].4));
    let drawn = {
        let scenario = library.scenario("hengtong_gm_new_warehouse").unwrap();
        let persona = library.personas[&salesdojo::content::PersonaKind::Analytical].clone();
        salesdojo::sim::Visit::start(Arc::clone(scenario), persona, SEED)
            .mood()
            .trust
    };
    assert_eq!(visits[2].3, Some(drawn + 10));
    // Zheng: the pilot visit, +10 for the pilot figures, +10 for the rescue, +5 for the
    // introduction, +5 for the partnership, never above 100.
    assert_eq!(
        best.account().trust["zheng"],
        (left_pilot + 30).min(100),
        "{:?}",
        best.account()
    );
}

#[test]
fn a_decision_the_budget_cannot_pay_for_is_refused_and_nothing_changes() {
    // The same campaign with only three days to spend.
    let mut library = (*library()).clone();
    let mut campaign = (*library.campaigns[HENGTONG]).clone();
    campaign.start.budget = 3;
    library
        .campaigns
        .insert(HENGTONG.into(), Arc::new(campaign));
    let mut run = CampaignRun::begin(Arc::new(library), HENGTONG, SEED).unwrap();
    for _ in 0..7 {
        run.choose(0).unwrap();
    }
    let Now::Decision { affordable, .. } = run.now() else {
        panic!("a decision follows the first visit")
    };
    // The night shifts with Liu take four days; the gift card three; the rest nothing.
    assert_eq!(affordable, [false, true, true, true]);
    let before = run.account().clone();
    let err = run.choose(0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "option 1 costs 4 days, and only 3 are left in the account's budget"
    );
    assert_eq!(run.account(), &before);
    let err = run.choose(7).unwrap_err();
    assert!(
        err.to_string()
            .contains("option 8 does not exist at decision \"after_survey\""),
        "{err}"
    );
    run.choose(1).unwrap();
    assert_eq!(run.account().budget, 0);
}

fn a_stored_campaign_replays_and_verifies_and_a_hand_edit_is_caught(db: &Backend) {
    let library = library();
    let store = db.store();
    let trainee = store.trainee("Lin").unwrap();
    let best_run = play(&best());
    let best_id = store
        .record_campaign(&best_run, &trainee, None, None)
        .unwrap()
        .id;
    let poor_run = play(&poor());
    let other = store.trainee("Ma").unwrap();
    let poor_id = store
        .record_campaign(&poor_run, &other, None, None)
        .unwrap()
        .id;
    drop(store);

    let store = db.store();
    let stored = store
        .results(&ResultFilter {
            scenario: Some(HENGTONG),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|r| r.persona == CAMPAIGN_PERSONA));
    let best_row = stored.iter().find(|r| r.id == best_id).unwrap();
    assert_eq!(
        (best_row.score, best_row.outcome.as_str()),
        (100, "strategic_cooperation")
    );
    let checked = Verifier::new(Some(&library))
        .check_all(&store, stored)
        .unwrap();
    for row in &checked {
        assert_eq!(row.standing, Standing::Valid, "{row:?}");
        assert!(!row.earlier_content);
    }
    let board = scenario_board(&store, &library, HENGTONG, None).unwrap();
    assert_eq!(board[0].checked.result.id, best_id);
    assert_eq!(board[0].total, Some(100));
    assert_eq!(board[1].total, Some(5));
    assert_eq!(
        board[0].checked.stage,
        Some(AccountStage::StrategicCooperation)
    );
    assert_eq!(
        board[0].checked.title.as_ref().map(|t| t.en.clone()),
        Some("Campaign: nine months with Hengtong Logistics".into())
    );
    // Progress reads the campaign's categories, judged over its visits and decisions.
    let progress = trainee_progress(&store, &library, other.id).unwrap();
    assert_eq!((progress.whole_visits(), progress.campaigns()), (0, 1));
    let mastery = |id: &str| {
        progress
            .categories
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.mastery)
    };
    assert_eq!(
        (
            mastery("preparation"),
            mastery("questioning"),
            mastery("objections")
        ),
        (Some(0), Some(73), Some(0))
    );
    assert_eq!(
        progress.weakest.as_deref(),
        Some("closing"),
        "the first of those at 0"
    );
    let best_progress = trainee_progress(&store, &library, trainee.id).unwrap();
    assert!(
        best_progress
            .categories
            .iter()
            .all(|c| c.mastery == Some(100)),
        "every category is judged, at full marks"
    );
    drop(store);

    // The losing trainee rewrites history: the stage and score no longer match the choices.
    db.edit(&format!(
        "UPDATE results SET score = 100, outcome = 'strategic_cooperation' WHERE id = {poor_id}"
    ));
    let store = db.store();
    let board = scenario_board(&store, &library, HENGTONG, None).unwrap();
    let edited = board
        .iter()
        .find(|row| row.checked.result.id == poor_id)
        .unwrap();
    assert_eq!(edited.rank, None, "an edited campaign is not ranked");
    let Standing::Invalid(why) = &edited.checked.standing else {
        panic!("the edit was accepted")
    };
    assert!(
        why.en
            .starts_with("edited by hand: stored score 100 but its replies score 5"),
        "{}",
        why.en
    );
}

on_both_databases!(a_stored_campaign_replays_and_verifies_and_a_hand_edit_is_caught);

/// Numbers as `--choices` takes them.
fn numbers(text: &str) -> Vec<usize> {
    text.split(',')
        .map(|n| n.parse::<usize>().unwrap() - 1)
        .collect()
}

/// The other shipped campaigns' best and poor paths, to their end stages with exact scores:
/// (campaign, choices, guesses, total, stage, share, level).
#[test]
fn every_campaign_plays_its_best_and_a_poor_path_to_their_end_stages() {
    use salesdojo::content::PersonaKind;
    use salesdojo::sim::campaign::CampaignGuess;
    let xu = CampaignGuess {
        step: 6,
        kind: PersonaKind::Driver,
        after_replies: 2,
    };
    /// The total, the stage, the share and the level a path ends with.
    type End = (u32, AccountStage, i32, i32);
    let cases: [(&str, &str, Vec<CampaignGuess>, End); 4] = [
        (
            "shiye_account",
            "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
            vec![xu],
            (100, AccountStage::StrategicCooperation, 65, 3),
        ),
        (
            "shiye_account",
            "2,2,2,2,2,2,2,2,3,2,2,2,3,3,3,4,2,3,1,3,3,2,2,2,3,2,4",
            Vec::new(),
            (3, AccountStage::Development, 0, 1),
        ),
        (
            "huaji_account",
            "2,1,2,3,2,3,1,3,2,3,1,2,3,2,1,3,1,2,1,4,2,1,2,3,1,1,2,2,3,2,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
            Vec::new(),
            (100, AccountStage::StrategicCooperation, 65, 3),
        ),
        (
            "huaji_account",
            "1,3,3,4,4,1,2,1,3,2,3,1,2,2,2,2,4,3,3,4,4,4,1,2,3,2,3,2,2,2,3,2,2,3,1,3,2,2,2,2,2,2,3,2,2,3,2,4,2,3,3,2",
            Vec::new(),
            (1, AccountStage::Development, 0, 1),
        ),
    ];
    for (id, choices, guesses, expected) in cases {
        let run = CampaignRun::replay(library(), id, SEED, &numbers(choices), &guesses)
            .unwrap_or_else(|err| panic!("{id}: {err}"));
        let score = run.score().unwrap_or_else(|| panic!("{id} is not over"));
        assert_eq!(
            (score.total, score.stage, score.share, score.level),
            expected,
            "{id} {choices}"
        );
        assert_eq!(run.guesses(), guesses, "{id}");
    }
}

/// A team session on one computer plays a campaign too: everyone meets the session's seed, the
/// results join its board, and anything else is refused with the reason.
fn a_team_session_plays_a_campaign_and_ranks_it(db: &Backend) {
    let library = library();
    let store = db.store();
    let session = store
        .create_session(&library, &[HENGTONG.to_string()], SEED, Some("CAMP1"))
        .unwrap();
    assert_eq!(
        session.versions[HENGTONG],
        library.version_of_campaign(HENGTONG).unwrap().hash()
    );
    let lin = store.trainee("Lin").unwrap();
    store
        .record_campaign(&play(&best()), &lin, Some(&session), None)
        .unwrap();
    // Another customer (seed) than the session's is refused, and so is a campaign the session
    // does not play.
    let zero_based: Vec<usize> = best().iter().map(|n| n - 1).collect();
    let other_seed =
        CampaignRun::replay(Arc::clone(&library), HENGTONG, 2, &zero_based, &[]).unwrap();
    let err = store
        .record_campaign(&other_seed, &lin, Some(&session), None)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("session CAMP1 meets the customer of seed 1, not 2"),
        "{err}"
    );
    let elsewhere = store
        .create_session(
            &library,
            &["drill_price_objection".to_string()],
            SEED,
            Some("DRILL1"),
        )
        .unwrap();
    let err = store
        .record_campaign(&play(&best()), &lin, Some(&elsewhere), None)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("session DRILL1 plays drill_price_objection, not \"hengtong_account\""),
        "{err}"
    );
    let board = scenario_board(&store, &library, HENGTONG, Some("CAMP1")).unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].rank, Some(1));
    assert_eq!(board[0].checked.result.session.as_deref(), Some("CAMP1"));
}

on_both_databases!(a_team_session_plays_a_campaign_and_ranks_it);
