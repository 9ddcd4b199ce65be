//! Bad command-line input, as a trainer types it or a script passes it: each must end with a
//! non-zero exit and a message on stderr that says what is wrong (naming the path when there is
//! one), within a time limit, and never with a panic.
//!
//! Not repeated here (tests/cli.rs has them): `--root` naming a missing folder, an unknown
//! scenario id, a choice out of range or 0, too few or too many choices, an unknown persona in
//! `--guess`.
//!
//! Every run gets `--data-dir` and `SALESDOJO_DATA` pointing into a temporary folder, so nothing
//! is written to the user's own results.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{TempDir, repo, root_with};

/// Longer than any of these runs takes in a debug build; reaching it means the program hung.
const LIMIT: Duration = Duration::from_secs(20);

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the real binary from the repository with a private data folder, killing it after
/// `LIMIT`.
fn salesdojo(args: &[&str]) -> Run {
    let data = TempDir::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .current_dir(repo())
        .env("SALESDOJO_DATA", data.path())
        .env_remove("SALESDOJO_ROOT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read both pipes on threads, so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the binary") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "salesdojo {} did not finish within {LIMIT:?}; stderr so far: {}",
                args.join(" "),
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        success: status.success(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A clear failure: non-zero exit, no panic, nothing on stdout a script could take for a
/// result, and stderr containing every one of `expected`.
fn assert_clear_failure(run: &Run, expected: &[&str]) {
    let err = &run.stderr;
    assert!(!run.success, "should fail, but exited 0; stderr: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    assert!(
        run.stdout.trim().is_empty(),
        "a failure printed to stdout: {}",
        run.stdout
    );
    for text in expected {
        assert!(err.contains(text), "expected {text:?} in stderr: {err}");
    }
}

#[test]
fn an_unknown_flag_is_named() {
    let run = salesdojo(&["--frobnicate"]);
    assert_clear_failure(&run, &["unexpected argument '--frobnicate'", "--help"]);
}

#[test]
fn an_unknown_command_is_named_and_does_not_open_the_game() {
    let run = salesdojo(&["frobnicate"]);
    assert_clear_failure(&run, &["unrecognized subcommand 'frobnicate'", "--help"]);
}

#[test]
fn check_of_a_missing_file_names_it() {
    let run = salesdojo(&["check", "no/such/visit.scenario.ron"]);
    assert_clear_failure(
        &run,
        &["no/such/visit.scenario.ron", "cannot read", "no such file"],
    );
}

#[cfg(unix)]
#[test]
fn check_of_an_unreadable_folder_or_a_pipe_is_a_clear_error_not_a_hang() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(
        locked.join("visit.scenario.ron"),
        support::shipped_scenario(),
    )
    .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::read_dir(&locked).is_ok();
    let run = if !readable_anyway {
        salesdojo(&["check", locked.to_str().unwrap()])
    } else {
        // Running as root (as in CI), where mode 000 does not stop reading. Test instead a
        // path that is not a regular file: a named pipe with a content file's name, which a
        // plain read would wait on forever since nothing ever writes to it.
        let pipe = dir.path().join("stuck.scenario.ron");
        let made = Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", pipe.display());
        salesdojo(&["check", pipe.to_str().unwrap()])
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let named = if readable_anyway {
        "stuck.scenario.ron"
    } else {
        "locked"
    };
    assert_clear_failure(&run, &[named, "cannot read"]);
}

#[test]
fn an_unknown_language_lists_the_known_ones() {
    let run = salesdojo(&["--lang", "xx", "list"]);
    assert_clear_failure(&run, &["unknown language \"xx\"", "zh or en"]);
}

#[test]
fn choices_that_are_not_numbers_are_named() {
    let run = salesdojo(&[
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        "a,b",
    ]);
    assert_clear_failure(&run, &["invalid value 'a'", "--choices"]);
}

#[test]
fn a_negative_seed_is_refused() {
    let base = [
        "play",
        "--scenario",
        "analytical_equipment_director",
        "--choices",
        "1",
    ];
    // `--seed -3` reads as a flag `-3`; `--seed=-3` as a value that is not a seed.
    let separate = salesdojo(&[&base[..], &["--seed", "-3"]].concat());
    assert_clear_failure(&separate, &["'-3'", "Usage: salesdojo play"]);
    let joined = salesdojo(&[&base[..], &["--seed=-3"]].concat());
    assert_clear_failure(&joined, &["invalid value '-3'", "--seed"]);
}

#[test]
fn analyze_of_a_missing_file_names_it_and_nothing_else() {
    let run = salesdojo(&["analyze", "no/such/visit.scenario.ron"]);
    assert_clear_failure(
        &run,
        &[
            "no/such/visit.scenario.ron",
            "cannot read",
            "no scenario to analyse",
        ],
    );
    // The seeds are still read: one mistyped path must not make them look missing too.
    assert!(
        !run.stderr.contains("no technique catalogue") && !run.stderr.contains("no rubric"),
        "blames the seeds for a missing file: {}",
        run.stderr
    );
}

#[test]
fn new_scenario_with_a_bad_name_says_how_to_name_it_and_writes_nothing() {
    let root = root_with(&[]);
    let run = salesdojo(&[
        "--root",
        root.path().to_str().unwrap(),
        "new",
        "scenario",
        "Bad Name!",
    ]);
    assert_clear_failure(
        &run,
        &[
            "\"Bad Name!\" cannot be a scenario id",
            "lowercase letters, digits and underscores",
        ],
    );
    let written: Vec<_> = std::fs::read_dir(root.path().join("scenarios"))
        .unwrap()
        .collect();
    assert!(written.is_empty(), "wrote {written:?}");
    assert!(!repo().join("scenarios/Bad Name!.scenario.ron").exists());
}

/// `salesdojo … | head -1`: the reader goes away, and the command ends quietly instead of
/// panicking on the closed pipe.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    let data = TempDir::new();
    for args in [
        &["list"][..],
        &["analyze", "drill_price_objection"],
        &["trainee", "list"],
        &["check"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // The reader leaves before the first line is written.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(status.success(), "{args:?} ended with {status}: {stderr}");
    }
}
