//! Results are never lost and never faked: concurrent writers, a killed writer, a damaged
//! database, hand edits, an engine upgrade, a migration from the first schema, and the session
//! rules every recorded result passes. Each test that is not about the SQLite file itself runs on
//! both databases, SQLite and PostgreSQL. (The plugins' side is in `headless_records.rs`.)

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use std::sync::Arc;

use rusqlite::Connection;
use salesdojo::content::Library;
use salesdojo::paths::ContentRoot;
use salesdojo::sim::Attempt;
use salesdojo::store::db::Location;
use salesdojo::store::export::session_csv;
use salesdojo::store::verify::{Standing, Verifier, leaderboard, scenario_board};
use salesdojo::store::{DB_FILE, MIGRATIONS, POSTGRES_MIGRATIONS, ResultFilter, Store, StoreError};
use support::backend::{Backend, postgres_server};
use support::{TempDir, repo};

const DRILL: &str = "drill_price_objection";
/// Choice numbers as in the file: the best path (Order, 100, 11 minutes) and poorer ones.
const BEST: &[usize] = &[3, 1, 2, 1, 1, 2, 2];
const POOR: &[usize] = &[2, 3, 1];

/// When set, the `writer` test below is a child process writing results:
/// `DATA FOLDER or DATABASE ADDRESS|NAME|COUNT` (COUNT 0 = until killed).
const WRITER_ENV: &str = "SALESDOJO_TEST_WRITER";

fn library() -> Arc<Library> {
    Arc::new(Library::load(&[
        repo().join("seeds"),
        repo().join("scenarios"),
    ]))
}

fn played(library: &Arc<Library>, seed: u64, numbers: &[usize]) -> Attempt {
    let mut attempt = Attempt::begin(Arc::clone(library), DRILL, seed, None).unwrap();
    for n in numbers {
        attempt.choose(n - 1).unwrap();
    }
    attempt
}

fn record(store: &Store, library: &Arc<Library>, name: &str, numbers: &[usize]) -> i64 {
    let trainee = store.trainee(name).unwrap();
    store
        .record(&played(library, 7, numbers), &trainee, None, None)
        .unwrap()
        .id
}

/// Not a test of its own: the body of the writer processes the tests below start.
#[test]
#[ignore = "run as a child process by the concurrency and kill tests"]
fn writer() {
    let spec = std::env::var(WRITER_ENV).expect("started by a test");
    let mut parts = spec.split('|');
    let (place, name, count) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().parse::<usize>().unwrap(),
    );
    let library = library();
    let location = if place.starts_with("postgres://") {
        Location::Postgres(place.into())
    } else {
        Location::Folder(place.into())
    };
    let store = Store::open_at(&location).unwrap().store;
    let mut stdout = std::io::stdout();
    let mut written = 0;
    while count == 0 || written < count {
        let id = record(&store, &library, name, BEST);
        // Printed only after the commit returned: what the parent may count on.
        writeln!(stdout, "committed {id}").unwrap();
        stdout.flush().unwrap();
        written += 1;
    }
}

fn spawn_writer(backend: &Backend, name: &str, count: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WRITER_ENV, format!("{}|{name}|{count}", backend.address()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The id in a writer's "committed N" line (the test harness may print on the same line).
fn committed(line: &str) -> Option<i64> {
    line.split("committed ").nth(1)?.trim().parse().ok()
}

fn committed_ids(output: impl std::io::Read) -> Vec<i64> {
    BufReader::new(output)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| committed(&line))
        .collect()
}

fn two_processes_writing_at_the_same_time_lose_nothing(db: &Backend) {
    const EACH: usize = 30;
    let writers = [spawn_writer(db, "甲", EACH), spawn_writer(db, "Bea", EACH)];
    let mut reported = Vec::new();
    for mut writer in writers {
        reported.extend(committed_ids(writer.stdout.take().unwrap()));
        let finished = writer.wait_with_output().unwrap();
        assert!(
            finished.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&finished.stderr)
        );
    }
    assert_eq!(reported.len(), 2 * EACH);

    let store = db.store();
    let stored = store.results(&ResultFilter::default()).unwrap();
    assert_eq!(stored.len(), 2 * EACH, "every committed result is stored");
    for name in ["甲", "Bea"] {
        let count = stored.iter().filter(|r| r.trainee == name).count();
        assert_eq!(count, EACH, "{name}'s results");
    }
    let mut ids: Vec<i64> = stored.iter().map(|r| r.id).collect();
    ids.sort();
    reported.sort();
    assert_eq!(ids, reported);
    let checked = Verifier::new(Some(&library()))
        .check_all(&store, stored)
        .unwrap();
    assert!(checked.iter().all(|c| c.standing == Standing::Valid));
}

fn a_writer_killed_mid_write_loses_nothing_it_committed(db: &Backend) {
    let mut writer = spawn_writer(db, "Kim", 0);
    let mut lines = BufReader::new(writer.stdout.take().unwrap()).lines();
    let mut reported = Vec::new();
    while reported.len() < 25 {
        let line = lines.next().expect("the writer is running").unwrap();
        reported.extend(committed(&line));
    }
    // SIGKILL: no chance to finish the write in progress or to close the database.
    writer.kill().unwrap();
    writer.wait().unwrap();
    reported.extend(
        lines
            .map_while(Result::ok)
            .filter_map(|line| committed(&line)),
    );

    let opened = db.open();
    assert_eq!(opened.notice, None, "the database is sound after the kill");
    let stored: Vec<i64> = opened
        .store
        .results(&ResultFilter::default())
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    for id in &reported {
        assert!(stored.contains(id), "committed result {id} was lost");
    }
    // Nothing half-written: every stored result has its trainee and content version, and its
    // replies still replay to the score stored with it.
    let results = opened.store.results(&ResultFilter::default()).unwrap();
    assert!(results.iter().all(|r| r.trainee == "Kim"));
    let checked = Verifier::new(Some(&library()))
        .check_all(&opened.store, results)
        .unwrap();
    assert!(checked.iter().all(|c| c.standing == Standing::Valid));
}

#[test]
fn a_damaged_database_is_moved_aside_and_a_fresh_one_started() {
    let data = TempDir::new();
    // A real database with a result, then its first page overwritten.
    {
        let store = Store::open(data.path()).unwrap().store;
        record(&store, &library(), "Lee", BEST);
    }
    let path = data.path().join(DB_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..64].copy_from_slice(&[b'x'; 64]);
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(data.path().join(format!("{DB_FILE}-wal")));

    let opened = Store::open(data.path()).expect("a fresh database");
    let notice = opened.notice.expect("the user is told");
    assert!(
        notice.contains("damaged") && notice.contains("moved aside"),
        "{notice}"
    );
    let moved: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(moved.len(), 1, "the damaged file is kept");
    assert_eq!(
        std::fs::read(moved[0].path()).unwrap(),
        bytes,
        "kept as it was"
    );
    assert!(
        notice.contains(&*moved[0].file_name().to_string_lossy()),
        "{notice}"
    );
    // The fresh database works.
    record(&opened.store, &library(), "Lee", BEST);
    assert_eq!(
        opened
            .store
            .results(&ResultFilter::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside() {
    let data = TempDir::new();
    std::fs::write(data.path().join(DB_FILE), "名单：张伟, Bea\n".repeat(200)).unwrap();
    let opened = Store::open(data.path()).unwrap();
    assert!(opened.notice.unwrap().contains("not a database"));
    assert!(opened.store.trainees().unwrap().is_empty());
}

/// A practice attempt tried the decision again with hindsight: it is kept, but the board leaves
/// it out, and clearing its mark by hand to rank it breaks its seal.
fn practice_is_kept_off_the_boards_and_unmarking_it_by_hand_is_caught(db: &Backend) {
    let library = library();
    let store = db.store();
    let poor = record(&store, &library, "Ana", POOR);
    // Ana goes back to her first decision and plays the best path from there.
    let mut practice = played(&library, 7, POOR).rewound(0).unwrap();
    for n in BEST {
        practice.choose(n - 1).unwrap();
    }
    let ana = store.trainee("Ana").unwrap();
    let practised = store.record(&practice, &ana, None, None).unwrap().id;
    let board = scenario_board(&store, &library, DRILL, None).unwrap();
    let ranked: Vec<i64> = board.iter().map(|row| row.checked.result.id).collect();
    assert_eq!(ranked, [poor], "only the whole visit is on the board");
    assert!(practice.score().unwrap().total > board[0].checked.total().unwrap());
    let history = store
        .results(&ResultFilter {
            with_practice: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].rewound_at, Some(0));
    drop(store);

    db.edit(&format!(
        "UPDATE results SET rewound_at = NULL WHERE id = {practised}"
    ));
    let store = db.store();
    let board = scenario_board(&store, &library, DRILL, None).unwrap();
    let unmarked = board
        .iter()
        .find(|row| row.checked.result.id == practised)
        .expect("now read as a whole visit");
    assert_eq!(unmarked.rank, None, "an unmarked practice is not ranked");
    assert!(matches!(unmarked.checked.standing, Standing::Invalid(_)));
    assert_eq!(board[0].checked.result.id, poor);
    assert_eq!(board[0].rank, Some(1));
}

fn hand_edited_scores_and_replies_are_caught_and_never_ranked(db: &Backend) {
    let library = library();
    let store = db.store();
    let good = record(&store, &library, "Ana", BEST);
    let poor = record(&store, &library, "Ben", POOR);
    let edited_replies = record(&store, &library, "Cai", POOR);
    let edited_date = record(&store, &library, "Dan", BEST);
    drop(store);

    db.edit(&format!(
        "UPDATE results SET score = 100 WHERE id = {poor};
         UPDATE results SET choices = '[2,0,1,0,0,1,1]' WHERE id = {edited_replies};
         -- Back-dated to win a tie: the score still replays, the seal does not.
         UPDATE results SET played_at = 0 WHERE id = {edited_date};"
    ));

    let store = db.store();
    let results = store.results(&ResultFilter::default()).unwrap();
    let checked = Verifier::new(Some(&library))
        .check_all(&store, results)
        .unwrap();
    let rows = leaderboard(checked);
    assert_eq!(rows[0].rank, Some(1));
    assert_eq!(rows[0].checked.result.id, good);
    assert_eq!(rows[0].checked.total(), Some(100));
    let ben = rows.iter().find(|r| r.checked.result.id == poor).unwrap();
    assert_eq!(ben.rank, None, "an edited score is not ranked");
    let Standing::Invalid(why) = &ben.checked.standing else {
        panic!("edited score accepted")
    };
    assert!(
        why.en
            .starts_with("edited by hand: stored score 100 but its replies score"),
        "{}",
        why.en
    );
    let cai = rows
        .iter()
        .find(|r| r.checked.result.id == edited_replies)
        .unwrap();
    assert_eq!(cai.rank, None, "edited replies are not ranked");
    assert!(matches!(cai.checked.standing, Standing::Invalid(_)));
    let dan = rows
        .iter()
        .find(|r| r.checked.result.id == edited_date)
        .unwrap();
    assert_eq!(dan.rank, None);
    assert_eq!(
        dan.checked.standing,
        Standing::Invalid(salesdojo::i18n::Text::new(
            "记录被手工改动过（校验封印不符）",
            "the record was edited by hand (its seal does not match)"
        ))
    );
    assert_eq!(rows.iter().filter(|r| r.rank.is_some()).count(), 1);
}

fn a_result_played_on_an_earlier_scenario_version_keeps_its_score(db: &Backend) {
    let root = support::root_with(&[(
        "drill_price_objection.scenario.ron",
        &std::fs::read(repo().join("scenarios/drill_price_objection.scenario.ron")).unwrap(),
    )]);
    let load = || {
        Arc::new(Library::load(
            &ContentRoot {
                root: root.path().into(),
            }
            .content_dirs(),
        ))
    };
    let before = load();
    let store = db.store();
    record(&store, &before, "Dee", BEST);
    // The trainer makes the best ending worth less: new content, same stored result.
    let file = root
        .path()
        .join("scenarios/drill_price_objection.scenario.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("difficulty: 1", "difficulty: 2", 1)).unwrap();
    let after = load();
    assert_ne!(
        before.version_of(DRILL).unwrap().hash(),
        after.version_of(DRILL).unwrap().hash()
    );
    let checked = Verifier::new(Some(&after))
        .check_all(&store, store.results(&ResultFilter::default()).unwrap())
        .unwrap();
    assert_eq!(checked[0].standing, Standing::Valid);
    assert!(checked[0].earlier_content);
    assert_eq!(checked[0].status_id(), "earlier_version");
    assert_eq!(checked[0].total(), Some(100));
}

/// A new release that scores differently must not wipe the boards: an intact result scored by
/// an earlier engine is re-scored by today's rules and still counts, ranked on today's score.
fn a_result_scored_by_an_earlier_engine_is_rescored_and_still_counts(db: &Backend) {
    let library = library();
    let store = db.store();
    let old = record(&store, &library, "Eva", BEST);
    let today = record(&store, &library, "Fei", &[3, 1, 2, 1, 1, 2, 1]);
    // What an earlier engine would have stored: another score and version, sealed as it would
    // have sealed them (the seal covers both).
    let mut earlier = store
        .results(&ResultFilter::default())
        .unwrap()
        .into_iter()
        .find(|r| r.id == old)
        .unwrap();
    earlier.score = 61;
    earlier.engine_version = "0.0.9".into();
    let seal = store.seal(&earlier);
    drop(store);
    db.edit(&format!(
        "UPDATE results SET score = 61, engine_version = '0.0.9', seal = '{seal}' WHERE id = {old}"
    ));

    let store = db.store();
    let checked = Verifier::new(Some(&library))
        .check_all(&store, store.results(&ResultFilter::default()).unwrap())
        .unwrap();
    let rows = leaderboard(checked);
    let eva = rows.iter().find(|r| r.checked.result.id == old).unwrap();
    assert_eq!(eva.checked.standing, Standing::Valid, "not edited by hand");
    assert_eq!(
        eva.rank,
        Some(1),
        "ranked by today's score, 100, not the stored 61"
    );
    assert_eq!(eva.checked.total(), Some(100));
    let rescored = eva.checked.rescored.as_ref().expect("marked as re-scored");
    assert_eq!((rescored.stored, rescored.engine.as_str()), (61, "0.0.9"));
    assert_eq!(eva.checked.status_id(), "rescored");
    let note = eva.checked.note().unwrap();
    assert!(note.en.contains("61 → 100"), "{}", note.en);
    assert!(note.en.contains("0.0.9"), "{}", note.en);
    let fei = rows.iter().find(|r| r.checked.result.id == today).unwrap();
    assert_eq!((fei.rank, fei.checked.note()), (Some(2), None));
    // The CSV says the same, from the same place.
    let csv = session_csv("ALL", &rows, salesdojo::i18n::Lang::En);
    let line = csv.lines().find(|l| l.contains("Eva")).unwrap();
    assert!(
        line.contains("re-scored by the current rules: 61 → 100"),
        "{line}"
    );
}

/// The session's rules hold for every caller, because the store records through them: a
/// result of another scenario, or of another customer (seed), is refused, not quietly filed.
fn a_session_takes_only_its_scenarios_and_its_customer(db: &Backend) {
    let library = library();
    let store = db.store();
    let trainee = store.trainee("Gus").unwrap();
    let session = store
        .create_session(&library, &[DRILL.into()], 7, Some("RULES"))
        .unwrap();
    let other_seed = store.record(&played(&library, 8, BEST), &trainee, Some(&session), None);
    assert!(
        matches!(
            other_seed,
            Err(StoreError::OtherCustomer {
                seed: 7,
                played: 8,
                ..
            })
        ),
        "{other_seed:?}"
    );
    let other = "driver_price_objection";
    let mut elsewhere = Attempt::begin(Arc::clone(&library), other, 7, None).unwrap();
    for _ in 0..100 {
        if elsewhere.result().is_some() {
            break;
        }
        elsewhere.choose(0).unwrap();
    }
    let err = store
        .record(&elsewhere, &trainee, Some(&session), None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("session RULES plays {DRILL}, not \"{other}\"")
    );
    assert!(
        store.results(&ResultFilter::default()).unwrap().is_empty(),
        "nothing refused was stored"
    );
    store
        .record(&played(&library, 7, BEST), &trainee, Some(&session), None)
        .unwrap();
    let stored = store.results(&ResultFilter::default()).unwrap();
    assert_eq!(stored[0].session.as_deref(), Some("RULES"));
}

#[test]
fn a_database_of_the_first_schema_is_migrated_with_its_results() {
    let data = TempDir::new();
    let library = library();
    // A result written by today's store, copied into a database of schema 1 as the first
    // release would have written it.
    let scratch = TempDir::new();
    let id = {
        let store = Store::open(scratch.path()).unwrap().store;
        record(&store, &library, "老王", BEST)
    };
    let old = Connection::open(data.path().join(DB_FILE)).unwrap();
    old.execute_batch(MIGRATIONS[0]).unwrap();
    old.pragma_update(None, "user_version", 1).unwrap();
    old.execute(
        "ATTACH DATABASE ?1 AS today",
        [scratch.path().join(DB_FILE).to_string_lossy()],
    )
    .unwrap();
    old.execute_batch(
        "INSERT INTO meta SELECT * FROM today.meta;
         INSERT INTO trainees SELECT * FROM today.trainees;
         INSERT INTO content_versions SELECT * FROM today.content_versions;
         INSERT INTO results SELECT id, trainee_id, scenario_id, content_hash, persona, seed,
             choices, guess, engine_version, played_at, score, outcome, minutes, seal
             FROM today.results;
         DETACH DATABASE today;",
    )
    .unwrap();
    drop(old);

    let store = Store::open(data.path()).unwrap().store;
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let results = store.results(&ResultFilter::default()).unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].id, id);
    assert_eq!(results[0].session, None);
    let checked = Verifier::new(Some(&library))
        .check(&store, results[0].clone())
        .unwrap();
    assert_eq!(
        checked.standing,
        Standing::Valid,
        "its seal survives the migration"
    );
    // And the new schema's tables work.
    let session = store
        .create_session(&library, &[DRILL.into()], 7, Some("moved"))
        .unwrap();
    assert_eq!(session.code, "MOVED");
}

/// The PostgreSQL schema is numbered as SQLite's: a database that had only the first migration
/// gets the rest, once, and works.
fn a_database_of_the_first_schema_gets_the_later_migrations(db: &Backend) {
    match db {
        Backend::Sqlite(_) => db.edit(&format!("{}; PRAGMA user_version = 1;", MIGRATIONS[0])),
        Backend::Postgres { .. } => db.edit(&format!(
            "{}; INSERT INTO meta VALUES ('schema_version', '1');",
            POSTGRES_MIGRATIONS[0]
        )),
    }
    let store = db.store();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let library = library();
    let session = store
        .create_session(&library, &[DRILL.into()], 7, Some("later"))
        .unwrap();
    let gus = store.trainee("Gus").unwrap();
    store
        .record(
            &played(&library, 7, BEST),
            &gus,
            Some(&session),
            Some("gus-1"),
        )
        .unwrap();
    drop(store);
    // Opened again: nothing runs twice.
    let store = db.store();
    let stored = store.results(&ResultFilter::default()).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].session.as_deref(), Some("LATER"));
}

/// A database a newer release has written is left alone, and the trainer is told to update.
fn a_database_written_by_a_newer_release_is_refused_with_a_clear_message(db: &Backend) {
    record(&db.store(), &library(), "Ida", BEST);
    match db {
        Backend::Sqlite(_) => db.edit("PRAGMA user_version = 99"),
        Backend::Postgres { .. } => {
            db.edit("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        }
    }
    let Err(err) = Store::open_at(&db.location()) else {
        panic!("a newer schema was opened")
    };
    let message = err.to_string();
    assert!(
        message.contains("written by a newer Sales Dojo (schema 99, this one knows")
            && message.ends_with("update Sales Dojo"),
        "{message}"
    );
    assert!(message.contains(&db.location().describe()), "{message}");
}

/// Two stores writing the same session code or the same client result id at once, as two
/// classroom servers could: one of each is stored, the other told plainly.
fn codes_and_result_ids_stay_unique_under_two_writers(db: &Backend) {
    let library = library();
    let (first, second) = (db.store(), db.store());
    let session = first
        .create_session(&library, &[DRILL.into()], 7, Some("ROOM1"))
        .unwrap();
    let again = second.create_session(&library, &[DRILL.into()], 7, Some("room1"));
    assert!(
        matches!(again, Err(StoreError::CodeTaken(ref code)) if code == "ROOM1"),
        "{again:?}"
    );
    let (ana, ben) = (
        first.trainee("Ana").unwrap(),
        second.trainee("ana").unwrap(),
    );
    assert_eq!(ana, ben, "one trainee, whichever store asks");
    let visit = played(&library, 7, BEST);
    let stored = first
        .record(&visit, &ana, Some(&session), Some("laptop-1"))
        .unwrap();
    let resent = second
        .record(&visit, &ben, Some(&session), Some("laptop-1"))
        .unwrap();
    assert_eq!((resent.id, resent.new), (stored.id, false), "counted once");
    let cai = second.trainee("Cai").unwrap();
    let taken = second.record(&visit, &cai, Some(&session), Some("laptop-1"));
    assert!(
        matches!(taken, Err(StoreError::ClientIdTaken(_))),
        "{taken:?}"
    );
    assert_eq!(first.results(&ResultFilter::default()).unwrap().len(), 1);
}

on_both_databases!(
    two_processes_writing_at_the_same_time_lose_nothing,
    a_writer_killed_mid_write_loses_nothing_it_committed,
    practice_is_kept_off_the_boards_and_unmarking_it_by_hand_is_caught,
    hand_edited_scores_and_replies_are_caught_and_never_ranked,
    a_result_played_on_an_earlier_scenario_version_keeps_its_score,
    a_result_scored_by_an_earlier_engine_is_rescored_and_still_counts,
    a_session_takes_only_its_scenarios_and_its_customer,
    a_database_of_the_first_schema_gets_the_later_migrations,
    a_database_written_by_a_newer_release_is_refused_with_a_clear_message,
    codes_and_result_ids_stay_unique_under_two_writers,
);

/// A server that does not answer, or that refuses the credentials: a plain message naming the
/// server (never the password), not a panic.
#[test]
fn an_unreachable_server_or_wrong_password_is_a_clear_error() {
    let closed = Location::Postgres("postgres://dojo:s3cret@127.0.0.1:1/results".into());
    let Err(err) = Store::open_at(&closed) else {
        panic!("nothing listens on port 1")
    };
    let message = err.to_string();
    assert!(
        message.starts_with("results database postgres://dojo@127.0.0.1:1/results: ")
            && message.contains("connect"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");

    let Some(server) = postgres_server("the wrong-password test") else {
        return;
    };
    let config: postgres::Config = server.parse().unwrap();
    let user = config.get_user().unwrap();
    let (_, host) = server.rsplit_once('@').unwrap();
    let wrong = Location::Postgres(format!("postgres://{user}:not-the-password@{host}"));
    let Err(err) = Store::open_at(&wrong) else {
        panic!("a wrong password was accepted")
    };
    let message = err.to_string();
    assert!(
        message.contains("password authentication failed"),
        "{message}"
    );
    assert!(!message.contains("not-the-password"), "{message}");
}
