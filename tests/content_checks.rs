//! Broken content gets a positioned diagnostic, never a panic; the shipped content is clean.

mod support;

use salesdojo::content::{Diagnostic, Library};
use support::*;

fn load(root: &std::path::Path) -> Library {
    Library::load(&[root.join("seeds"), root.join("scenarios")])
}

#[test]
fn the_shipped_content_has_no_errors_or_warnings() {
    let library = load(repo());
    let all: Vec<String> = library
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(all.is_empty(), "{all:#?}");
    assert!(library.catalogue.techniques.len() >= 30);
}

#[test]
fn a_syntax_error_names_its_line_and_column() {
    let text = shipped_scenario().replacen("difficulty: 2,", "difficulty: 2", 1);
    let root = root_with(&[("broken.scenario.ron", text.as_bytes())]);
    let library = load(root.path());
    let errors: Vec<_> = library.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (line, _) = position_of(&text, "difficulty: 2");
    // ron reports the problem where the next field starts, just after the missing comma.
    assert!(
        errors[0].line == line || errors[0].line == line + 1,
        "{}",
        errors[0]
    );
    assert!(errors[0].file.ends_with("broken.scenario.ron"));
    assert!(
        library.scenarios.is_empty(),
        "a broken scenario is not playable"
    );
}

#[test]
fn a_goto_to_a_missing_beat_points_at_the_goto_and_suggests_the_right_id() {
    let text = shipped_scenario().replacen("Goto(\"observe\")", "Goto(\"obsrve\")", 1);
    let root = root_with(&[("typo.scenario.ron", text.as_bytes())]);
    let library = load(root.path());
    let errors: Vec<_> = library.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        (errors[0].line, errors[0].col),
        position_of(&text, "Goto(\"obsrve\")")
    );
    assert!(errors[0].message.contains("obsrve"), "{}", errors[0]);
    assert_eq!(errors[0].hint.as_deref(), Some("did you mean \"observe\"?"));
}

#[test]
fn an_unknown_technique_tag_is_caught_with_a_suggestion() {
    let text = shipped_scenario().replacen("\"spin.implication\"", "\"spin.implicaton\"", 1);
    let root = root_with(&[("tag.scenario.ron", text.as_bytes())]);
    let library = load(root.path());
    let errors: Vec<_> = library.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        (errors[0].line, errors[0].col),
        position_of(&text, "\"spin.implicaton\"")
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("did you mean \"spin.implication\"?")
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = shipped_scenario()
        .replacen("Goto(\"observe\")", "Goto(\"nowhere\")", 1)
        .replacen("\"spin.implication\"", "\"spin.nothing\"", 1)
        .replacen("difficulty: 2,", "difficulty: 7,", 1);
    let root = root_with(&[("many.scenario.ron", text.as_bytes())]);
    let library = load(root.path());
    assert_eq!(library.errors().count(), 3, "{:#?}", library.diagnostics);
}

#[test]
fn empty_truncated_and_non_utf8_files_are_errors_not_panics() {
    let full = shipped_scenario();
    let half = (0..=full.len() / 2)
        .rev()
        .find(|&i| full.is_char_boundary(i))
        .unwrap();
    let truncated = &full[..half];
    let mut latin1 = b"Scenario(id: \"caf".to_vec();
    latin1.push(0xE9);
    let root = root_with(&[
        ("empty.scenario.ron", b""),
        ("truncated.scenario.ron", truncated.as_bytes()),
        ("latin1.scenario.ron", &latin1),
    ]);
    let library = load(root.path());
    for name in ["empty", "truncated", "latin1"] {
        let found = library
            .errors()
            .find(|d| d.file.ends_with(format!("{name}.scenario.ron")))
            .unwrap_or_else(|| panic!("no error for {name}: {:#?}", library.diagnostics));
        assert!(found.line >= 1 && found.col >= 1);
    }
    let latin1_error = library
        .errors()
        .find(|d| d.file.ends_with("latin1.scenario.ron"))
        .unwrap();
    assert_eq!((latin1_error.line, latin1_error.col), (1, 18));
    assert!(latin1_error.message.contains("UTF-8"));
}

/// The shipped catalogue with the technique `id` cut out, entry and all.
fn catalogue_without(id: &str) -> String {
    let text = std::fs::read_to_string(repo().join("seeds/course.catalogue.ron")).unwrap();
    let at = text
        .find(&format!("id: \"{id}\","))
        .unwrap_or_else(|| panic!("{id} in the shipped catalogue"));
    let start = text[..at].rfind("        Technique(\n").unwrap();
    let end = at + text[at..].find("\n        ),\n").unwrap() + "\n        ),\n".len();
    format!("{}{}", &text[..start], &text[end..])
}

/// The error a catalogue written as `text` gets for lacking the engine's technique `id`.
fn missing_technique_error(text: &str, id: &str) -> Diagnostic {
    let root = root_with(&[]);
    std::fs::write(root.path().join("seeds/course.catalogue.ron"), text).unwrap();
    let library = load(root.path());
    library
        .errors()
        .find(|d| {
            d.message
                .starts_with(&format!("technique \"{id}\" is missing: the engine scores"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no error for {id}: {:#?}", library.diagnostics))
}

#[test]
fn a_technique_the_engine_scores_with_cannot_be_removed_from_the_catalogue_unnoticed() {
    for (id, scores) in [
        ("close.outcome", "every visit's outcome"),
        ("persona.driver", "the Driver persona"),
    ] {
        let text = catalogue_without(id);
        assert!(!text.contains(&format!("\"{id}\",")), "{id} still there");
        let found = missing_technique_error(&text, id);
        assert!(found.message.contains(scores), "{found}");
        assert!(
            found.file.ends_with("seeds/course.catalogue.ron"),
            "{found}"
        );
        // At the techniques list itself: its opening bracket.
        let (line, col) = position_of(&text, "techniques: [");
        assert_eq!(
            (found.line, found.col),
            (line, col + "techniques: ".len()),
            "{found}"
        );
        assert!(
            found.hint.as_deref().is_some_and(|h| h.contains(id)),
            "{found}"
        );
    }
}

#[test]
fn a_renamed_technique_the_engine_scores_with_is_named_in_the_hint() {
    let text = std::fs::read_to_string(repo().join("seeds/course.catalogue.ron"))
        .unwrap()
        .replacen("id: \"close.outcome\",", "id: \"close.outcomes\",", 1);
    let found = missing_technique_error(&text, "close.outcome");
    assert!(
        found
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("\"close.outcomes\"")),
        "{found:?}"
    );
}

/// The course in brief (docs/course.md) names every technique and mistake of the catalogue,
/// and nothing the catalogue lacks.
#[test]
fn the_course_digest_names_every_catalogue_id_and_no_other() {
    let library = salesdojo::content::Library::load(&[support::repo().join("seeds")]);
    let digest = std::fs::read_to_string(support::repo().join("docs/course.md")).unwrap();
    let ids: std::collections::BTreeSet<&str> = library
        .catalogue
        .techniques
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    for id in &ids {
        assert!(
            digest.contains(&format!("`{id}`")),
            "docs/course.md lacks {id}"
        );
    }
    // Every `area.name` in backticks is a catalogue id.
    for quoted in digest.split('`').skip(1).step_by(2) {
        let looks_like_id = quoted.contains('.')
            && !quoted.contains('/')
            && quoted
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
        if looks_like_id {
            assert!(
                ids.contains(quoted),
                "docs/course.md names {quoted}, not in the catalogue"
            );
        }
    }
}
