//! The trainer's commands beyond `check`: `new scenario` writes a starting file that is valid as
//! it stands, and `analyze` explores every path and warns about what a trainer must fix.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{repo, root_with};

fn salesdojo(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn analyze_json(root: &Path, id: &str) -> serde_json::Value {
    let output = salesdojo(root, &["analyze", id, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    reports[0].clone()
}

/// The report's warnings, in English.
fn warnings_in(report: &serde_json::Value) -> Vec<&str> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["en"].as_str().unwrap())
        .collect()
}

/// Writes a starting scenario with `new`, then edits its text.
fn new_scenario_edited(root: &Path, id: &str, persona: &str, edit: impl FnOnce(String) -> String) {
    let output = salesdojo(root, &["new", "scenario", id, "--persona", persona]);
    assert!(output.status.success(), "{}", stderr(&output));
    let file = root.join(format!("scenarios/{id}.scenario.ron"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, edit(text)).unwrap();
}

#[test]
fn new_scenario_writes_a_file_that_checks_plays_and_analyzes_clean() {
    let root = root_with(&[]);
    let output = salesdojo(
        root.path(),
        &["new", "scenario", "first_visit", "--persona", "driver"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let file = root.path().join("scenarios/first_visit.scenario.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("id: \"first_visit\"") && text.contains("Fixed(Driver)"));

    let check = salesdojo(root.path(), &["check", "--json"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "[]");

    let report = analyze_json(root.path(), "first_visit");
    // Two warnings: a starting file is short, and analyze reminds the trainer to grow it; and
    // its closing gates decide by the starting mood, so a path listed for an ending reaches it
    // on some seeds only.
    let warnings = warnings_in(&report);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("only 3 decisions")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w
            .contains("the starting mood (the seed) decides where the visit goes at \"close\"")),
        "{warnings:?}"
    );
    let driver = &report["personas"][0];
    assert!(driver["best"]["score"].as_u64().unwrap() >= 90);
    // All four outcomes can be reached from the starting file.
    assert_eq!(driver["outcomes"].as_object().unwrap().len(), 4);
}

#[test]
fn new_scenario_never_overwrites_and_rejects_a_bad_name() {
    let root = root_with(&[]);
    assert!(
        salesdojo(root.path(), &["new", "scenario", "mine"])
            .status
            .success()
    );
    let again = salesdojo(root.path(), &["new", "scenario", "mine"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let bad = salesdojo(root.path(), &["new", "scenario", "My Visit"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("lowercase letters, digits and underscores"));
}

#[test]
fn analyze_counts_paths_and_outcomes_and_names_the_best_path() {
    let root = root_with(&[]);
    salesdojo(
        root.path(),
        &["new", "scenario", "small", "--persona", "amiable"],
    );
    let report = analyze_json(root.path(), "small");
    let amiable = &report["personas"][0];
    assert_eq!(amiable["persona"], "Amiable");
    // 2 openings × 2 questions × 3 closes = 12 paths.
    assert_eq!(amiable["paths"], 12);
    let outcomes = amiable["outcomes"].as_object().unwrap();
    let total: u64 = outcomes.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total, 12);
    assert_eq!(amiable["best"]["choices"], serde_json::json!([1, 1, 1]));
    assert!(
        report["can_test"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("spin.problem"))
    );
    let endings = amiable["ending_paths"].as_object().unwrap();
    assert_eq!(endings.len(), 4, "a path to each ending: {endings:?}");
}

#[test]
fn analyze_warns_about_a_scenario_nobody_can_win_and_a_scene_nobody_reaches() {
    let root = root_with(&[]);
    new_scenario_edited(root.path(), "flawed", "analytical", |text| {
        text
        // The only good question becomes a vague answer: no path can reach 90.
        .replace("[\"spin.problem\"]", "[\"mistake.vague_answer\"]")
        // A scene nobody is sent to.
        .replace(
            "    ],\n    // The four outcomes",
            "        Scene(id: \"lost\", kind: Objection, title: (zh: \"没人来\", en: \"Nobody comes\"), beats: [\n            Beat(id: \"alone\", says: [(zh: \"嗯？\", en: \"Hm?\")], choices: [\n                Choice(text: (zh: \"好\", en: \"Yes\"), tags: [\"objection.kinds\"], next: End(\"order\")),\n                Choice(text: (zh: \"不\", en: \"No\"), next: End(\"shown_out\")),\n            ]),\n        ]),\n    ],\n    // The four outcomes",
        )
    });
    let report = analyze_json(root.path(), "flawed");
    let warnings = warnings_in(&report);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("no path found reaching 90")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("every path skips scene \"lost\"")),
        "{warnings:?}"
    );
}

/// A reply that takes no time and leads back to where it was said would keep a visit going for
/// ever (`analyze` once ran forever on it): `check` refuses the file at that beat, and
/// `analyze` and `play` say the file has errors instead of hanging.
#[test]
fn a_reply_that_loops_back_without_time_is_refused_where_it_is() {
    let root = root_with(&[]);
    new_scenario_edited(root.path(), "looping", "amiable", |text| {
        text.replacen("tags: [\"visit.enter\"],", "tags: [],", 1)
            .replacen(
                "effects: (trust: 3, interest: 2, patience: 0, minutes: 5),",
                "effects: (trust: 0, interest: 0, patience: 0, minutes: 0),",
                1,
            )
            .replacen("next: Goto(\"needs\"),", "next: Goto(\"door\"),", 1)
    });
    let check = salesdojo(root.path(), &["check", "--json"]);
    assert!(!check.status.success());
    let found: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let circle = found
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"] == "replies that take no time lead round in a circle: door → door")
        .unwrap_or_else(|| panic!("{found}"));
    let text = std::fs::read_to_string(root.path().join("scenarios/looping.scenario.ron")).unwrap();
    // At the beat's id, where the circle starts.
    let (line, col) = support::position_of(&text, "id: \"door\"");
    let col = col + "id: ".len();
    assert_eq!(
        (circle["line"].as_u64(), circle["col"].as_u64()),
        (Some(line as u64), Some(col as u64))
    );
    for args in [
        &["analyze", "looping"][..],
        &["play", "--scenario", "looping", "--choices", "1"],
    ] {
        let output = salesdojo(root.path(), args);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr(&output).contains("no scenario with id \"looping\""),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn analyze_reports_an_unknown_id_clearly() {
    let root = root_with(&[]);
    let output = salesdojo(root.path(), &["analyze", "nothing_here"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no scenario with id \"nothing_here\""));
}

/// The paths `analyze` names for every seed, played with `play` on seeds 1–50, end where it
/// says.
#[test]
fn the_seed_robust_paths_of_analyze_play_to_their_endings_on_seeds_1_to_50() {
    let root = support::repo();
    for id in ["drill_price_objection", "drill_spin_implication"] {
        let report = analyze_json(root, id);
        let persona = &report["personas"][0];
        let robust = persona["robust_paths"].as_object().unwrap();
        let mut played = 0;
        for (ending, path) in robust {
            let Some(path) = path.as_array() else {
                continue;
            };
            let choices: Vec<String> = path.iter().map(|n| n.to_string()).collect();
            let choices = choices.join(",");
            for seed in 1..=50 {
                let seed = seed.to_string();
                let output = salesdojo(
                    root,
                    &[
                        "play",
                        "--scenario",
                        id,
                        "--seed",
                        &seed,
                        "--choices",
                        &choices,
                        "--json",
                    ],
                );
                assert!(output.status.success(), "{}", stderr(&output));
                let visit: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
                assert_eq!(
                    visit["ending"],
                    ending.as_str(),
                    "{id} {choices} seed {seed}"
                );
            }
            played += 1;
        }
        assert!(
            played >= 3,
            "{id}: {played} endings with a path for every seed"
        );
    }
}

#[test]
fn every_scoreable_technique_is_tested_by_at_least_two_shipped_scenarios() {
    let output = salesdojo(repo(), &["analyze", "--coverage", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let scenarios = |technique: &str| -> Vec<String> {
        let row = table
            .iter()
            .find(|row| row["technique"] == technique)
            .unwrap_or_else(|| panic!("{technique} is not in the table"));
        serde_json::from_value(row["scenarios"].clone()).unwrap()
    };
    // Stage one, taught before the door, is played in preparation scenes.
    for technique in ["eval.five_questions", "eval.risk", "visit.prepare"] {
        assert!(
            scenarios(technique).contains(&"drill_account_preparation".to_string()),
            "{technique}: {:?}",
            scenarios(technique)
        );
    }
    // Persona fit counts for the scenarios that meet that type; the ten weapons and the other
    // part-four techniques are played in the campaigns' account decisions.
    assert!(scenarios("persona.driver").contains(&"driver_gm_first_visit".to_string()));
    assert_eq!(
        scenarios("keep.rescue"),
        ["hengtong_account", "shiye_account"]
    );
    let short: Vec<String> = table
        .iter()
        .filter(|row| row["scenarios"].as_array().unwrap().len() < 2)
        .map(|row| format!("{} {}", row["technique"], row["scenarios"]))
        .collect();
    assert!(
        short.is_empty(),
        "tested by fewer than two scenarios or campaigns: {short:#?}"
    );
}

#[test]
fn the_coverage_table_marks_techniques_a_scenario_cannot_test() {
    let root = root_with(&[]);
    salesdojo(
        root.path(),
        &["new", "scenario", "small", "--persona", "amiable"],
    );
    let output = salesdojo(root.path(), &["--lang", "en", "analyze", "--coverage"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = |technique: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {technique} ")))
            .unwrap_or_else(|| panic!("no line for {technique}:\n{text}"))
            .to_string()
    };
    // The starting file asks a problem question and never prepares.
    assert!(line("spin.problem").starts_with("✗  1"), "{text}");
    assert!(line("eval.risk").starts_with("✗  0"), "{text}");
    assert!(
        text.contains(
            "scoreable techniques are tested by fewer than 2 scenarios or campaigns (marked ✗)"
        ),
        "{text}"
    );
}
