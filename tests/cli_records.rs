//! The results commands as a team lead uses them: sessions that take only their own scenarios and
//! customer, text tables that line up with Chinese names, and a laptop's results imported into
//! the company's store (SQLite or PostgreSQL).

mod support;

use std::process::Output;

use serde_json::Value;
use support::TempDir;
use support::backend::Backend;
use support::classroom::{PATHS, ok, salesdojo_at, salesdojo_in};
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

/// `play` the drill's seed 7 as `trainee`, saved in `data` (in `session` when given).
fn play_and_save(data: &TempDir, trainee: &str, choices: &str, session: Option<&str>) {
    let mut args = vec![
        "play",
        "--scenario",
        DRILL,
        "--seed",
        "7",
        "--choices",
        choices,
        "--trainee",
        trainee,
    ];
    if let Some(code) = session {
        args.extend(["--session", code]);
    }
    ok(salesdojo_in(data, &args));
}

#[test]
fn boards_line_up_with_chinese_names() {
    let data = TempDir::new();
    for (name, choices) in [("张伟明", "3,1,2,1,1,2,2"), ("Maria", "2,3,1")] {
        play_and_save(&data, name, choices, None);
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

/// A command on `db`'s results, in English.
fn on(db: &Backend, args: &[&str]) -> Output {
    let mut english = vec!["--lang", "en"];
    english.extend_from_slice(args);
    salesdojo_at(db.data_dir(), db.database().as_deref(), &english)
}

fn json(output: Output) -> Value {
    serde_json::from_str(&ok(output)).expect("JSON")
}

/// A laptop's results (one edited by hand) brought into the store: verified on the way in,
/// with their session, once however often the file is imported, and the file left as it was.
fn a_laptops_results_are_imported_once_each_and_verified(db: &Backend) {
    let laptop = TempDir::new();
    let play = |trainee, choices, session| play_and_save(&laptop, trainee, choices, session);
    ok(salesdojo_in(
        &laptop,
        &[
            "session",
            "new",
            "--scenario",
            DRILL,
            "--seed",
            "7",
            "--code",
            "ROOM1",
        ],
    ));
    play("Ana", PATHS[0], Some("ROOM1"));
    play("张伟", PATHS[2], Some("ROOM1"));
    play("Ben", PATHS[1], None);
    play("Cai", PATHS[1], None);
    let file = laptop.path().join(salesdojo::store::DB_FILE);
    let edit = rusqlite::Connection::open(&file).unwrap();
    edit.execute(
        "UPDATE results SET score = 100 WHERE trainee_id = \
         (SELECT id FROM trainees WHERE name = 'Cai')",
        [],
    )
    .unwrap();
    drop(edit);
    let before = std::fs::read(&file).unwrap();

    // The company already has a session ROOM1 of its own.
    ok(on(
        db,
        &[
            "session",
            "new",
            "--scenario",
            DRILL,
            "--seed",
            "9",
            "--code",
            "ROOM1",
        ],
    ));
    let path = file.to_str().unwrap();
    let first = json(on(db, &["results", "import", path, "--json"]));
    assert_eq!(
        (first["added"].as_u64(), first["already"].as_u64()),
        (Some(3), Some(0))
    );
    let refused = first["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{first}");
    assert!(
        refused[0].as_str().unwrap().contains("Cai")
            && refused[0].as_str().unwrap().contains("edited by hand"),
        "{first}"
    );
    assert_eq!(first["renamed"], serde_json::json!([["ROOM1", "ROOM1B"]]));
    let again = ok(on(db, &["results", "import", path]));
    assert!(
        again.starts_with("imported 0 · already here 3 · left out 1"),
        "{again}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is not changed"
    );

    // On the store's boards with the scores the engine gives them.
    let board = ok(on(db, &["leaderboard", DRILL]));
    let lines: Vec<&str> = board.lines().collect();
    assert_eq!(lines.len(), 3, "the edited result stays out: {board}");
    assert!(
        lines[0].contains("Ana") && lines[0].contains("100"),
        "{board}"
    );
    assert!(!board.contains("Cai"), "{board}");
    let session = json(on(db, &["session", "show", "ROOM1B", "--json"]));
    let shown = session.to_string();
    assert!(
        shown.contains("Ana") && shown.contains("张伟") && !shown.contains("Ben"),
        "{shown}"
    );
    let theirs = json(on(db, &["session", "show", "ROOM1", "--json"])).to_string();
    assert!(
        !theirs.contains("Ana"),
        "the company's own ROOM1 keeps only its own: {theirs}"
    );
}

on_both_databases!(a_laptops_results_are_imported_once_each_and_verified);

#[test]
fn importing_what_is_not_a_results_file_says_so() {
    let data = TempDir::new();
    let text = data.path().join("names.txt");
    std::fs::write(&text, "名单：张伟, Bea\n".repeat(100)).unwrap();
    let err = failure(salesdojo_in(
        &data,
        &["--lang", "en", "results", "import", text.to_str().unwrap()],
    ));
    assert!(
        err.contains(
            "names.txt is not a Sales Dojo results file (or it is damaged); nothing was imported"
        ),
        "{err}"
    );
    let err = failure(salesdojo_in(
        &data,
        &["--lang", "en", "results", "import", "no-such.db"],
    ));
    assert!(err.contains("cannot read no-such.db"), "{err}");
    ok(salesdojo_in(&data, &["trainee", "list"]));
    let own = data.path().join(salesdojo::store::DB_FILE);
    let err = failure(salesdojo_in(
        &data,
        &["--lang", "en", "results", "import", own.to_str().unwrap()],
    ));
    assert!(
        err.contains("is the results file this command keeps results in"),
        "{err}"
    );
}
