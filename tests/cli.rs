//! The command line as a trainer or a script uses it: clear errors, non-zero exits, no panics.

mod support;

use std::process::{Command, Output};

use support::*;

fn salesdojo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const BEST: &str = "2,3,1,2,4,1,3,2,3,1,3,2,3,4,2";

fn assert_clear_failure(output: &Output, expected: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
}

#[test]
fn list_json_names_the_shipped_scenario() {
    let output = salesdojo(&["list", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "analytical_equipment_director")
        .expect("the shipped scenario is listed");
    assert_eq!(first["id"], "analytical_equipment_director");
    assert_eq!(first["persona"], "analytical");
    assert_eq!(
        first["scenes"],
        serde_json::json!(["visit", "needs_discovery", "quote", "objection"])
    );
    assert!(
        first["title"]["zh"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c > '\u{4e00}')
    );
}

#[test]
fn play_json_reports_the_visit_and_is_the_same_every_time() {
    let args = [
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--seed",
        "5",
        "--choices",
        BEST,
        "--json",
    ];
    let first = salesdojo(&args);
    let second = salesdojo(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        first.stdout, second.stdout,
        "same input must give identical JSON"
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["scenario"], "analytical_equipment_director");
    assert_eq!(report["persona"], "analytical");
    assert_eq!(report["seed"], 5);
    assert_eq!(report["outcome"], "order");
    assert!(report["score"].as_u64().unwrap() >= 90);
    // Every fired rule cites a technique the catalogue has, and the rubric's rule kinds fire.
    let library = salesdojo::content::Library::load(&[repo().join("seeds")]);
    let events = report["events"].as_array().unwrap();
    for event in events {
        let id = event["technique"].as_str().unwrap();
        assert!(
            library.catalogue.techniques.iter().any(|t| t.id == id),
            "{id} is not in the catalogue"
        );
        assert!(event["points"].is_i64() && event["section"]["en"].is_string());
    }
    let kinds: Vec<&str> = events.iter().map(|e| e["rule"].as_str().unwrap()).collect();
    for kind in [
        "technique",
        "persona_fit",
        "sequence",
        "timing",
        "count",
        "outcome",
    ] {
        assert!(kinds.contains(&kind), "no {kind} event in {kinds:?}");
    }
    // Categories carry their scores; the outcome has a category of its own.
    let categories = report["categories"].as_array().unwrap();
    let outcome = categories.iter().find(|c| c["id"] == "outcome").unwrap();
    assert_eq!(outcome["score"], 100);
    assert!(categories.iter().filter(|c| c["score"].is_u64()).count() >= 6);
    // One priced decision per reply.
    assert_eq!(
        report["decisions"].as_array().unwrap().len(),
        BEST.split(',').count()
    );
}

#[test]
fn play_guess_notes_the_persona_and_scores_reading_it() {
    // The shipped visit as a mystery customer, so the type has to be read.
    let mystery = shipped_scenario()
        .replace("Fixed(Analytical)", "OneOf([Analytical])")
        .replace(
            "id: \"analytical_equipment_director\"",
            "id: \"mystery_director\"",
        );
    let root = root_with(&[("mystery.scenario.ron", mystery.as_bytes())]);
    let root = root.path().to_str().unwrap();
    let play = |guess: &str| {
        let output = salesdojo(&[
            "--root",
            root,
            "play",
            "--scenario",
            "mystery_director",
            "--choices",
            BEST,
            "--guess",
            guess,
            "--json",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["technique"] == "persona.identify")
            .map(|e| e["points"].as_i64().unwrap())
    };
    assert_eq!(play("analytical@1"), Some(4));
    assert_eq!(play("driver"), Some(-2));
    assert_clear_failure(
        &salesdojo(&[
            "play",
            "--scenario",
            "x",
            "--guess",
            "boss@1",
            "--choices",
            "1",
        ]),
        "unknown persona \"boss\"",
    );
}

#[test]
fn play_in_english_prints_the_transcript_and_the_outcome() {
    let output = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        BEST,
        "--lang",
        "en",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Outcome: Order"), "{text}");
    assert!(text.contains("Score: "), "{text}");
}

#[test]
fn an_unknown_scenario_is_a_clear_error() {
    let output = salesdojo(&[
        "play",
        "--scenario",
        "no_such_visit",
        "--choices",
        "1",
        "--json",
    ]);
    assert_clear_failure(&output, "no scenario with id \"no_such_visit\"");
    assert!(
        stderr(&output).contains("analytical_equipment_director"),
        "lists what exists"
    );
}

#[test]
fn a_choice_out_of_range_is_a_clear_error() {
    let output = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        "2,9",
        "--json",
    ]);
    assert_clear_failure(
        &output,
        "step 2: choice 9 does not exist at beat \"observe\"",
    );
    let zero = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        "0",
    ]);
    assert_clear_failure(&zero, "choice numbers start at 1");
}

#[test]
fn too_few_or_too_many_choices_are_clear_errors() {
    let short = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        "2,3",
    ]);
    assert_clear_failure(&short, "the visit is not over after 2 choices");
    let long = format!("{BEST},1");
    let extra = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        &long,
    ]);
    assert_clear_failure(&extra, "the visit ended after 15 choices");
}

#[test]
fn a_broken_scenario_file_is_reported_by_check_and_play() {
    let text = shipped_scenario()
        .replacen("analytical_equipment_director", "broken_visit", 1)
        .replacen("Goto(\"observe\")", "Goto(\"obsrve\")", 1);
    let root = root_with(&[("broken.scenario.ron", text.as_bytes())]);
    let root_arg = root.path().to_str().unwrap();
    let check = salesdojo(&["check", "--root", root_arg]);
    let (line, col) = position_of(&text, "Goto(\"obsrve\")");
    // rustc-style: the message, where, the line with a marker under the mistake, the hint.
    assert_clear_failure(
        &check,
        "error: Goto(\"obsrve\"): there is no beat with this id",
    );
    let report = stderr(&check);
    assert!(
        report.contains(&format!("broken.scenario.ron:{line}:{col}")),
        "{report}"
    );
    let source_line = text.lines().nth(line - 1).unwrap();
    assert!(
        report.contains(&format!("{line} │ {source_line}")),
        "{report}"
    );
    assert!(
        report.contains("hint: did you mean \"observe\"?"),
        "{report}"
    );
    // The play error names the broken file too.
    let play_text = |output: &std::process::Output| stderr(output);
    let play = salesdojo(&[
        "play",
        "--root",
        root_arg,
        "--scenario",
        "broken_visit",
        "--choices",
        "1",
        "--json",
    ]);
    assert_clear_failure(&play, "no scenario with id \"broken_visit\"");
    assert!(
        play_text(&play).contains("salesdojo check")
            && play_text(&play).contains("broken.scenario.ron"),
        "points to check and the file: {}",
        play_text(&play)
    );
}

#[test]
fn check_passes_on_the_shipped_content() {
    let output = salesdojo(&["check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn a_missing_root_folder_is_a_clear_error() {
    let output = salesdojo(&["list", "--root", "/no/such/folder"]);
    assert_clear_failure(
        &output,
        "/no/such/folder (from --root) has no scenarios/ and no seeds/ folder",
    );
}

#[test]
fn the_built_program_finds_its_folders_from_anywhere() {
    let elsewhere = TempDir::new();
    let output = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["list", "--json"])
        .current_dir(elsewhere.path())
        .env_remove("SALESDOJO_ROOT")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("analytical_equipment_director"));
}

/// A trainer's draft kept outside the game's folder plays by its path, exactly as the shipped
/// file plays by its id; `--verbose` adds the narration and the customer's thoughts; a broken
/// draft says where it is broken.
#[test]
fn play_takes_a_drafts_path_and_verbose_shows_what_the_customer_thinks() {
    let drafts = TempDir::new();
    let shipped = repo().join("scenarios/drill_price_objection.scenario.ron");
    let draft = drafts.path().join("my_draft.scenario.ron");
    std::fs::copy(&shipped, &draft).unwrap();
    let draft = draft.to_str().unwrap();
    let choices = "3,1,2,1,1,2,2";
    let by_id = salesdojo(&[
        "--lang",
        "en",
        "play",
        "--scenario",
        "drill_price_objection",
        "--choices",
        choices,
    ]);
    let by_path = salesdojo(&[
        "--lang",
        "en",
        "play",
        "--scenario",
        draft,
        "--choices",
        choices,
    ]);
    assert!(by_path.status.success(), "{}", stderr(&by_path));
    assert_eq!(by_path.stdout, by_id.stdout);
    assert!(String::from_utf8_lossy(&by_path.stdout).contains("Score: 100/100"));

    let verbose = salesdojo(&[
        "--lang",
        "en",
        "play",
        "--scenario",
        draft,
        "--choices",
        choices,
        "--verbose",
    ]);
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    assert!(
        verbose.contains("* Manager Zheng lays the two quotes"),
        "{verbose}"
    );
    assert!(
        verbose.contains("(The customer thought: He didn't rush to cut"),
        "{verbose}"
    );
    let plain = String::from_utf8_lossy(&by_path.stdout).into_owned();
    assert!(!plain.contains("The customer thought"), "{plain}");

    let text = std::fs::read_to_string(&shipped).unwrap();
    std::fs::write(draft, text.replacen("difficulty: 1", "difficulty: 9", 1)).unwrap();
    let (line, col) = position_of(&text, "difficulty: 1");
    assert_clear_failure(
        &salesdojo(&["play", "--scenario", draft, "--choices", "1"]),
        &format!(
            "my_draft.scenario.ron:{line}:{}",
            col + "difficulty: ".len()
        ),
    );
    assert_clear_failure(
        &salesdojo(&[
            "play",
            "--scenario",
            "no/such/draft.scenario.ron",
            "--choices",
            "1",
        ]),
        "no/such/draft.scenario.ron",
    );
}

/// `check` of a draft on its own still compares its id with the game's folder, and warns when
/// the id and the file's name differ; both at the id, by line and column.
#[test]
fn check_of_a_draft_catches_a_taken_id_and_a_name_that_differs() {
    let drafts = TempDir::new();
    let text = std::fs::read_to_string(repo().join("scenarios/drill_price_objection.scenario.ron"))
        .unwrap();
    let draft = drafts.path().join("my_draft.scenario.ron");
    std::fs::write(&draft, &text).unwrap();
    let output = salesdojo(&["check", "--json", draft.to_str().unwrap()]);
    assert!(!output.status.success());
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let (line, col) = position_of(&text, "\"drill_price_objection\"");
    let at = |severity: &str| {
        found
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["severity"] == severity)
            .unwrap_or_else(|| panic!("no {severity} in {found}"))
            .clone()
    };
    let taken = at("error");
    assert_eq!(
        (taken["line"].as_u64(), taken["col"].as_u64()),
        (Some(line as u64), Some(col as u64))
    );
    assert_eq!(
        taken["message"],
        "scenario id \"drill_price_objection\" is already used"
    );
    assert!(
        taken["hint"]
            .as_str()
            .unwrap()
            .contains("scenarios/drill_price_objection.scenario.ron")
    );
    let named = at("warning");
    assert_eq!(
        (named["line"].as_u64(), named["col"].as_u64()),
        (Some(line as u64), Some(col as u64))
    );
    assert!(
        named["message"].as_str().unwrap().contains("\"my_draft\""),
        "{named}"
    );

    // A new id, in a file of that name: nothing to say.
    let renamed = drafts.path().join("my_draft.scenario.ron");
    std::fs::write(
        &renamed,
        text.replacen("\"drill_price_objection\"", "\"my_draft\"", 1),
    )
    .unwrap();
    let output = salesdojo(&["check", "--json", renamed.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "[]");
    // The shipped file checked by its path is not a clash with itself.
    let shipped = salesdojo(&["check", "scenarios/drill_price_objection.scenario.ron"]);
    assert!(shipped.status.success(), "{}", stderr(&shipped));
}

#[test]
fn campaign_play_tells_the_accounts_story_and_saves_it_for_its_board() {
    let data = TempDir::new();
    let data = data.path().to_str().unwrap();
    let list = salesdojo(&["--lang", "en", "campaign", "list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains(
            "hengtong_account  Campaign: nine months with Hengtong Logistics  (3 visits, 6 account decisions, difficulty 2)"
        ),
        "{list}"
    );
    // The best path of the Hengtong campaign, saved for a trainee in the data folder.
    let play_best = |extra: &[&str]| {
        let mut args = vec!["--lang", "en", "--data-dir", data, "campaign", "play"];
        args.extend(["hengtong_account", "--choices", support::HENGTONG_BEST]);
        args.extend(extra);
        salesdojo(&args)
    };
    let played = play_best(&["--trainee", "Lin"]);
    assert!(played.status.success(), "{}", stderr(&played));
    let story = String::from_utf8_lossy(&played.stdout);
    for expected in [
        "[month 2] Visit to Zheng Wei, VP operations (Key person)",
        "trust at the door, carried in: 53",
        "+5  keep.rescue  [Stage 4 · Deterioration · control during, rescue after]",
        "Where the account ended: Strategic cooperation · our share 67% · level 3",
        "Score: 100/100 = visits 100 (×50) · account decisions 100 (×30) · end stage 100 (×20)",
    ] {
        assert!(story.contains(expected), "no {expected:?} in:\n{story}");
    }
    assert!(stderr(&played).contains("saved for Lin"));
    let board = salesdojo(&[
        "--lang",
        "en",
        "--data-dir",
        data,
        "leaderboard",
        "hengtong_account",
    ]);
    let board = String::from_utf8_lossy(&board.stdout);
    assert!(
        board.contains(" 1. Lin") && board.contains("100  Strategic cooperation"),
        "{board}"
    );
    // Progress counts it as a campaign, with each category judged over the whole of it.
    let progress = salesdojo(&["--lang", "en", "--data-dir", data, "trainee", "show", "Lin"]);
    let progress = String::from_utf8_lossy(&progress.stdout);
    assert!(
        progress.contains("valid visits: 0 · campaigns: 1")
            && progress.contains("Preparation              100%"),
        "{progress}"
    );
    // A team session on this computer plays it with the session's seed.
    let session = salesdojo(&[
        "--data-dir",
        data,
        "session",
        "new",
        "--scenario",
        "hengtong_account",
        "--seed",
        "1",
        "--code",
        "CAMP1",
    ]);
    assert!(session.status.success(), "{}", stderr(&session));
    let played = play_best(&["--trainee", "Ana", "--session", "CAMP1"]);
    assert!(played.status.success(), "{}", stderr(&played));
    let shown = salesdojo(&[
        "--lang",
        "en",
        "--data-dir",
        data,
        "session",
        "show",
        "CAMP1",
    ]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains(" 1. Ana") && !shown.contains("Lin"),
        "only the session's result: {shown}"
    );
}

#[test]
fn campaign_play_says_where_an_unfinished_or_unknown_campaign_stands() {
    let short = salesdojo(&[
        "--lang",
        "en",
        "campaign",
        "play",
        "hengtong_account",
        "--choices",
        "1,1,1,1,1,1,1,1",
    ]);
    assert_clear_failure(
        &short,
        "the campaign is not over after 8 choices: step 3, visit \"hengtong_pilot_proposal\"",
    );
    let long = format!("{},1", support::HENGTONG_BEST);
    assert_clear_failure(
        &salesdojo(&["campaign", "play", "hengtong_account", "--choices", &long]),
        "the campaign ended after 40 choices, but 41 were given",
    );
    assert_clear_failure(
        &salesdojo(&["campaign", "play", "hengtong", "--choices", "1"]),
        "no campaign with id \"hengtong\" (playable campaigns: hengtong_account, huaji_account, shiye_account)",
    );
    // The first decision offers four options.
    assert_clear_failure(
        &salesdojo(&[
            "campaign",
            "play",
            "hengtong_account",
            "--choices",
            "1,1,1,1,1,1,1,9",
        ]),
        "choice 8: option 9 does not exist at decision \"after_survey\": it offers options 1 to 4",
    );
    assert_clear_failure(
        &salesdojo(&[
            "campaign",
            "play",
            "shiye_account",
            "--choices",
            "1",
            "--guess",
            "driver",
        ]),
        "\"driver\" is not a guess like 7:driver@2",
    );
}
