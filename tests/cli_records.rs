//! The results commands as a team lead uses them: sessions that take only their own scenarios and
//! customer, and text tables that line up with Chinese names.

mod support;

use std::process::Output;

use support::TempDir;
use support::classroom::{ok, salesdojo_in};
use unicode_width::UnicodeWidthStr;

const DRILL: &str = "drill_price_objection";

fn failure(output: Output) -> String {
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    err
}

#[test]
fn a_session_takes_only_its_scenarios_and_its_seed_from_the_command_line() {
    let data = TempDir::new();
    ok(salesdojo_in(
        &data,
        &[
            "session",
            "new",
            "--scenario",
            DRILL,
            "--seed",
            "7",
            "--code",
            "ROOM2",
        ],
    ));
    let play = |extra: &[&str]| {
        let mut args = vec![
            "--lang",
            "en",
            "play",
            "--trainee",
            "Ola",
            "--session",
            "room2",
        ];
        args.extend_from_slice(extra);
        salesdojo_in(&data, &args)
    };
    let err = failure(play(&[
        "--scenario",
        "driver_price_objection",
        "--choices",
        "1",
    ]));
    assert!(
        err.contains(&format!(
            "session ROOM2 plays {DRILL}, not \"driver_price_objection\""
        )),
        "{err}"
    );
    let err = failure(play(&[
        "--scenario",
        DRILL,
        "--seed",
        "8",
        "--choices",
        "2,3,1",
    ]));
    assert!(
        err.contains("session ROOM2 meets the customer of seed 7, not 8; leave out --seed"),
        "{err}"
    );
    ok(play(&["--scenario", DRILL, "--choices", "2,3,1"]));
    let show = || {
        ok(salesdojo_in(
            &data,
            &["--lang", "en", "session", "show", "ROOM2"],
        ))
    };
    let board = show();
    assert_eq!(board.matches("Ola").count(), 1, "{board}");

    // The trainer takes the row off by the number the board shows; once only.
    let number = board
        .split('#')
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    ok(salesdojo_in(&data, &["session", "remove", "room2", number]));
    assert!(!show().contains("Ola"), "{}", show());
    let err = failure(salesdojo_in(&data, &["session", "remove", "ROOM2", number]));
    assert!(
        err.contains(&format!("session ROOM2 has no result #{number}")),
        "{err}"
    );
}

#[test]
fn boards_line_up_with_chinese_names() {
    let data = TempDir::new();
    for (name, choices) in [("张伟明", "3,1,2,1,1,2,2"), ("Maria", "2,3,1")] {
        ok(salesdojo_in(
            &data,
            &[
                "play",
                "--scenario",
                DRILL,
                "--seed",
                "7",
                "--choices",
                choices,
                "--trainee",
                name,
            ],
        ));
    }
    for lang in ["zh", "en"] {
        let board = ok(salesdojo_in(&data, &["--lang", lang, "leaderboard", DRILL]));
        let rows: Vec<&str> = board.lines().collect();
        assert_eq!(rows.len(), 2, "{board}");
        // Where the minutes column starts, as a terminal shows it.
        let column = |row: &str| row[..row.find('′').unwrap()].width();
        assert_eq!(column(rows[0]), column(rows[1]), "\n{board}");
        assert!(
            rows[0].contains("张伟明") && rows[0].contains("100"),
            "{board}"
        );
    }
}
