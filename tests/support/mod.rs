//! Shared test helpers: a throwaway content root with the real seeds and chosen scenarios.

#![allow(dead_code)]

pub mod backend;
pub mod classroom;
#[cfg(feature = "game")]
pub mod game;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const SCENARIO_FILE: &str = "scenarios/analytical_equipment_director.scenario.ron";

/// The Hengtong campaign's best path, every choice numbered as in the files: the first visit
/// (7 replies), the time with Liu, the pilot visit (14), the pilot's figures against Huada's
/// price cut, the night rescue, the introduction to the general manager, her visit (14), the
/// partnership.
#[allow(dead_code)]
pub const HENGTONG_BEST: &str =
    "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn shipped_scenario() -> String {
    std::fs::read_to_string(repo().join(SCENARIO_FILE)).expect("the shipped scenario")
}

/// A folder under the system's temp folder, removed when dropped. (Written here rather than
/// taken from a crate: a dev-dependency that turns on other features of a shared dependency makes
/// `cargo run` and `cargo test` rebuild half of Bevy each time one follows the other.)
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "salesdojo-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A temporary root with the shipped seeds and the given scenario files.
pub fn root_with(scenarios: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new();
    copy_dir(&repo().join("seeds"), &dir.path().join("seeds"));
    std::fs::create_dir_all(dir.path().join("scenarios")).unwrap();
    for (name, text) in scenarios {
        std::fs::write(dir.path().join("scenarios").join(name), text).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The 1-based line and column (in characters) where `needle` first occurs in `text`.
pub fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle in text");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// Whether `program` is installed. Under CI (CI=true) a missing one fails the test, since CI
/// installs it; elsewhere the test says it skipped.
pub fn installed(program: &str, needed_for: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!in_ci, "CI must install {program} for {needed_for}");
        eprintln!("skipped: {program} is not installed, so {needed_for} cannot run");
    }
    found
}
