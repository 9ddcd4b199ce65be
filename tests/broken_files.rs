//! A corpus of broken content files (tests/broken/), one per kind of mistake a trainer makes.
//! Each is checked by the real command in a scratch content root: the diagnostic must name the
//! exact line and column, say what is wrong, and nothing may panic.

mod support;

use std::path::Path;
use std::process::Command;

use support::{TempDir, repo};

struct Case {
    file: &'static str,
    severity: &'static str,
    line: u64,
    col: u64,
    message: &'static str,
    hint: Option<&'static str>,
}

const fn case(
    file: &'static str,
    severity: &'static str,
    (line, col): (u64, u64),
    message: &'static str,
    hint: Option<&'static str>,
) -> Case {
    Case {
        file,
        severity,
        line,
        col,
        message,
        hint,
    }
}

const CORPUS: &[Case] = &[
    case(
        "missing_comma.scenario.ron",
        "error",
        (9, 18),
        "a comma is missing here",
        None,
    ),
    case(
        "misspelt_field.scenario.ron",
        "error",
        (9, 5),
        "unknown field `dificulty`",
        Some("did you mean `difficulty`?"),
    ),
    case(
        "wrong_type.scenario.ron",
        "error",
        (9, 16),
        "expected a whole number",
        None,
    ),
    case(
        "duplicate_beat.scenario.ron",
        "error",
        (72, 25),
        "beat id \"mention\" is used twice",
        Some("first used at line 30"),
    ),
    case(
        "unknown_beat.scenario.ron",
        "error",
        (43, 35),
        "Goto(\"detial\"): there is no beat",
        Some("did you mean \"detail\"?"),
    ),
    case(
        "unknown_persona.scenario.ron",
        "error",
        (10, 20),
        "`Analyst` is not one of the allowed values",
        Some("Analytical"),
    ),
    case(
        "unknown_tag.scenario.ron",
        "error",
        (48, 36),
        "unknown technique \"spin.problme\"",
        Some("did you mean \"spin.problem\"?"),
    ),
    case(
        "unreachable_ending.scenario.ron",
        "warning",
        (262, 17),
        "no path from the start reaches ending \"trial_agreed\"",
        None,
    ),
    case(
        "preparation_effects.scenario.ron",
        "error",
        (68, 38),
        "a reply in preparation scene \"homework\" has effects, but the customer is not there yet",
        Some("remove `effects`"),
    ),
    case(
        "back_to_preparation.scenario.ron",
        "error",
        (202, 35),
        "leads back to preparation beat \"plan\", but preparation comes before the door",
        Some("preparation beats lead into the visit, never back from it"),
    ),
    case(
        "campaign_unknown_contact.campaign.ron",
        "error",
        (64, 22),
        "no contact with id \"zhen\"",
        Some("did you mean"),
    ),
    case(
        "campaign_every_option_costs.campaign.ron",
        "error",
        (131, 22),
        "every option of decision \"win_back\" costs budget",
        Some("give one option `cost: 0`"),
    ),
    case(
        "no_way_out.scenario.ron",
        "error",
        (224, 25),
        "beat \"payoff\" has no way out",
        None,
    ),
    case(
        "missing_chinese.scenario.ron",
        "error",
        (8, 12),
        "the Chinese text (zh) is empty",
        None,
    ),
    case(
        "effect_out_of_range.scenario.ron",
        "error",
        (49, 46),
        "trust 80 is outside −50…50",
        None,
    ),
    case(
        "one_choice.scenario.ron",
        "error",
        (36, 30),
        "has only 1 choice; a beat needs 2 to 4",
        None,
    ),
    case(
        "five_choices.scenario.ron",
        "error",
        (36, 30),
        "has 6 choices; a beat needs 2 to 4",
        None,
    ),
    case(
        "advance_without_commitment.scenario.ron",
        "warning",
        (263, 22),
        "names no commitment",
        Some("add commitment"),
    ),
    case(
        "rule_scored_tag.scenario.ron",
        "warning",
        (56, 36),
        "is scored by a rubric rule",
        Some("quote.price"),
    ),
    case(
        "chinese_quotes.scenario.ron",
        "error",
        (7, 9),
        "straight double quote",
        Some("Chinese quotation marks"),
    ),
    case(
        "gate_single_paren.scenario.ron",
        "error",
        (169, 38),
        "expected Gate(…) here, but found `need`",
        Some("two pairs of parentheses"),
    ),
    case(
        "truncated.scenario.ron",
        "error",
        (147, 86),
        "a text is not closed",
        None,
    ),
    case(
        "empty.scenario.ron",
        "error",
        (1, 1),
        "the file is empty",
        None,
    ),
    case(
        "not_utf8.scenario.ron",
        "error",
        (13, 24),
        "not valid UTF-8",
        Some("save the file as UTF-8"),
    ),
    case(
        "deep_nesting.scenario.ron",
        "error",
        (43, 802),
        "nested too deeply",
        None,
    ),
    case(
        "huge.scenario.ron",
        "error",
        (288, 7),
        "the file ends too early",
        None,
    ),
    case(
        "misnamed.ron",
        "warning",
        (1, 1),
        "not a content file, so it is ignored",
        Some("*.scenario.ron"),
    ),
    case(
        "driver.persona.ron",
        "error",
        (17, 23),
        "trust 150 is outside 0–100",
        None,
    ),
    case(
        "course.rubric.ron",
        "error",
        (30, 23),
        "unknown category \"outcomes\"",
        None,
    ),
    // Numbers are bounded, conditions can hold, the game's own ids stay its own, and the
    // clock moves: so nothing `check` accepts can overflow, hang or panic in play.
    case(
        "long_visit.scenario.ron",
        "error",
        (18, 22),
        "time_budget 500 is outside 0…120",
        None,
    ),
    case(
        "gate_beyond_meter.scenario.ron",
        "error",
        (84, 52),
        "a requirement of 130 is outside 1…100",
        None,
    ),
    case(
        "own_ending_id.scenario.ron",
        "error",
        (340, 17),
        "ending id \"patience_out\" is the game's own",
        Some("choose another id"),
    ),
    case(
        "timeless_circle.scenario.ron",
        "error",
        (28, 25),
        "replies that take no time lead round in a circle: objection → objection",
        Some("give one of these replies `minutes`"),
    ),
    case(
        "amiable.persona.ron",
        "error",
        (64, 20),
        "trust −80 is outside −50…50",
        None,
    ),
    case(
        "analytical.persona.ron",
        "error",
        (22, 25),
        "below 0 is outside 1…100",
        None,
    ),
    case(
        "course.catalogue.ron",
        "error",
        (15, 21),
        "points 400 is outside −100…100",
        None,
    ),
];

/// A content root with the shipped seeds and the broken file in its place.
fn root_with_broken(file: &str) -> TempDir {
    let root = support::root_with(&[]);
    let broken = std::fs::read(repo().join("tests/broken").join(file)).unwrap();
    let place = if file.ends_with(".persona.ron") {
        root.path().join("seeds/personas").join(file)
    } else if file.ends_with(".rubric.ron") || file.ends_with(".catalogue.ron") {
        root.path().join("seeds").join(file)
    } else {
        root.path().join("scenarios").join(file)
    };
    std::fs::write(place, broken).unwrap();
    root
}

fn check(root: &Path) -> (bool, Vec<serde_json::Value>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["--root", root.to_str().unwrap(), "check", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let diagnostics = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("check --json printed no JSON ({err}): {stderr}"));
    (output.status.success(), diagnostics, stderr)
}

#[test]
fn every_broken_file_gets_a_positioned_diagnostic_and_nothing_panics() {
    let mut failures = Vec::new();
    for case in CORPUS {
        let root = root_with_broken(case.file);
        let (success, diagnostics, stderr) = check(root.path());
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.file);
        let found = diagnostics.iter().any(|d| {
            d["file"].as_str().is_some_and(|f| f.ends_with(case.file))
                && d["severity"] == case.severity
                && d["line"] == case.line
                && d["col"] == case.col
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(case.message))
                && case
                    .hint
                    .is_none_or(|h| d["hint"].as_str().is_some_and(|hint| hint.contains(h)))
        });
        if !found {
            failures.push(format!("{}: {diagnostics:#?}", case.file));
        }
        // Errors fail the check; a file with only warnings passes.
        let expected_success = case.severity == "warning";
        if success != expected_success {
            failures.push(format!("{}: exit success {success}", case.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_file_saved_with_a_byte_order_mark_is_read_as_usual() {
    let root = root_with_broken("with_bom.scenario.ron");
    let (success, diagnostics, _) = check(root.path());
    assert!(success && diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn the_corpus_has_a_case_for_every_file() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("tests/broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f != "with_bom.scenario.ron")
        .collect();
    files.sort();
    let mut cased: Vec<String> = CORPUS.iter().map(|c| c.file.to_string()).collect();
    cased.sort();
    assert_eq!(files, cased);
}
