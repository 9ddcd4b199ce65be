//! Editing a scenario while the app runs: a good edit shows up, a broken edit keeps the last good
//! version in play and exposes the diagnostics, and fixing it clears them.

mod support;

use std::time::Duration;

use salesdojo::content::Library;
use salesdojo::engine::{ContentLibrary, headless_app};
use salesdojo::paths::ContentRoot;
use support::game::update_until;
use support::*;

const ID: &str = "analytical_equipment_director";

#[test]
fn edits_on_disk_reach_the_running_app_and_broken_edits_keep_the_last_good_version() {
    let original = shipped_scenario();
    let root = root_with(&[("visit.scenario.ron", original.as_bytes())]);
    let file = root.path().join("scenarios/visit.scenario.ron");
    let mut app = headless_app(&ContentRoot {
        root: root.path().to_path_buf(),
    });
    update_until(&mut app, "first load", |l| l.scenario(ID).is_some());
    let title = |l: &Library| l.scenario(ID).unwrap().title.en.clone();

    // Give the watcher a moment to start watching before the first edit.
    std::thread::sleep(Duration::from_millis(500));
    let retitled = original.replacen("First visit: Director Chen", "Edited: Director Chen", 1);
    std::fs::write(&file, &retitled).unwrap();
    update_until(&mut app, "the edited title", |l| {
        title(l).starts_with("Edited:")
    });

    let broken = retitled.replacen("Goto(\"observe\")", "Goto(\"obsrve\")", 1);
    std::fs::write(&file, &broken).unwrap();
    update_until(&mut app, "diagnostics for the broken edit", |l| {
        l.has_errors()
    });
    let library = app.world().resource::<ContentLibrary>().get().unwrap();
    assert!(
        title(library).starts_with("Edited:"),
        "the last good version stays in play"
    );
    let error = library.errors().next().unwrap();
    assert!(error.file.ends_with("visit.scenario.ron"));
    assert_eq!(
        (error.line, error.col),
        position_of(&broken, "Goto(\"obsrve\")")
    );

    std::fs::write(&file, &original).unwrap();
    update_until(&mut app, "the fix", |l| {
        !l.has_errors() && title(l).starts_with("First visit")
    });
}

#[test]
fn a_scenario_file_created_while_the_app_runs_becomes_playable() {
    let root = root_with(&[]);
    let mut app = headless_app(&ContentRoot {
        root: root.path().to_path_buf(),
    });
    update_until(&mut app, "first load", |l| l.scenarios.is_empty());
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        root.path().join("scenarios/new.scenario.ron"),
        shipped_scenario(),
    )
    .unwrap();
    update_until(&mut app, "the new scenario", |l| l.scenario(ID).is_some());
}
