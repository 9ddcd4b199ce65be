//! Results are never lost and never faked: concurrent writers, a killed writer, a damaged
//! database, hand edits, a migration from the first schema, and a team session played by three
//! trainees through the real plugins.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use bevy::prelude::*;
use rusqlite::Connection;
use salesdojo::content::Library;
use salesdojo::engine::{
    ChooseReply, JoinSession, LastSave, Records, RecordsPlugin, SelectTrainee, StartVisit,
    headless_app,
};
use salesdojo::paths::ContentRoot;
use salesdojo::sim::{Visit, scoring};
use salesdojo::store::export::{BOM, session_csv};
use salesdojo::store::verify::{Standing, Verifier, leaderboard, session_boards};
use salesdojo::store::{DB_FILE, MIGRATIONS, ResultFilter, Store};
use support::{TempDir, repo};

const DRILL: &str = "drill_price_objection";
/// Choice numbers as in the file: the best path (Order, 100, 11 minutes) and poorer ones.
const BEST: &[usize] = &[3, 1, 2, 1, 1, 2, 2];
const POOR: &[usize] = &[2, 3, 1];

/// When set, the `writer` test below is a child process writing results: `DIR|NAME|COUNT`
/// (COUNT 0 = until killed).
const WRITER_ENV: &str = "SALESDOJO_TEST_WRITER";

fn library() -> Library {
    Library::load(&[repo().join("seeds"), repo().join("scenarios")])
}

fn played(library: &Library, numbers: &[usize]) -> Visit {
    let mut visit = Visit::begin(library, DRILL, 7, None).unwrap();
    for n in numbers {
        visit.choose(n - 1).unwrap();
    }
    visit
}

fn record(store: &Store, library: &Library, name: &str, numbers: &[usize]) -> i64 {
    let visit = played(library, numbers);
    let score = scoring::score(&visit, &library.catalogue, &library.rubric).unwrap();
    let trainee = store.trainee(name).unwrap();
    store
        .record(
            &trainee,
            &visit,
            &score,
            &library.version_of(DRILL).unwrap(),
            None,
        )
        .unwrap()
}

/// Not a test of its own: the body of the writer processes the tests below start.
#[test]
#[ignore = "run as a child process by the concurrency and kill tests"]
fn writer() {
    let spec = std::env::var(WRITER_ENV).expect("started by a test");
    let mut parts = spec.split('|');
    let (dir, name, count) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().parse::<usize>().unwrap(),
    );
    let library = library();
    let store = Store::open(std::path::Path::new(dir)).unwrap().store;
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

fn spawn_writer(dir: &std::path::Path, name: &str, count: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WRITER_ENV, format!("{}|{name}|{count}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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

#[test]
fn two_processes_writing_at_the_same_time_lose_nothing() {
    let data = TempDir::new();
    const EACH: usize = 30;
    let writers = [
        spawn_writer(data.path(), "甲", EACH),
        spawn_writer(data.path(), "Bea", EACH),
    ];
    let mut reported = Vec::new();
    for mut writer in writers {
        reported.extend(committed_ids(writer.stdout.take().unwrap()));
        assert!(writer.wait().unwrap().success(), "a writer failed");
    }
    assert_eq!(reported.len(), 2 * EACH);

    let store = Store::open(data.path()).unwrap().store;
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
    let checked = Verifier::new(&store, Some(&library()))
        .check_all(stored)
        .unwrap();
    assert!(checked.iter().all(|c| c.standing == Standing::Valid));
}

#[test]
fn a_writer_killed_mid_write_loses_nothing_it_committed() {
    let data = TempDir::new();
    let mut writer = spawn_writer(data.path(), "Kim", 0);
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

    let opened = Store::open(data.path()).unwrap();
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

#[test]
fn hand_edited_scores_and_replies_are_caught_and_never_ranked() {
    let data = TempDir::new();
    let library = library();
    let store = Store::open(data.path()).unwrap().store;
    let good = record(&store, &library, "Ana", BEST);
    let poor = record(&store, &library, "Ben", POOR);
    let edited_replies = record(&store, &library, "Cai", POOR);
    let edited_date = record(&store, &library, "Dan", BEST);
    drop(store);

    let db = Connection::open(data.path().join(DB_FILE)).unwrap();
    db.execute("UPDATE results SET score = 100 WHERE id = ?1", [poor])
        .unwrap();
    db.execute(
        "UPDATE results SET choices = '[2,0,1,0,0,1,1]' WHERE id = ?1",
        [edited_replies],
    )
    .unwrap();
    // Back-dated to win a tie: the score still replays, the seal does not.
    db.execute(
        "UPDATE results SET played_at = 0 WHERE id = ?1",
        [edited_date],
    )
    .unwrap();
    drop(db);

    let store = Store::open(data.path()).unwrap().store;
    let results = store.results(&ResultFilter::default()).unwrap();
    let checked = Verifier::new(&store, Some(&library))
        .check_all(results)
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
        why.en.contains("stored score 100 but its replies score"),
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

#[test]
fn a_result_played_on_an_earlier_scenario_version_keeps_its_score() {
    let data = TempDir::new();
    let root = support::root_with(&[(
        "drill_price_objection.scenario.ron",
        &std::fs::read(repo().join("scenarios/drill_price_objection.scenario.ron")).unwrap(),
    )]);
    let load = || {
        Library::load(
            &ContentRoot {
                root: root.path().into(),
            }
            .content_dirs(),
        )
    };
    let before = load();
    let store = Store::open(data.path()).unwrap().store;
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
    let checked = Verifier::new(&store, Some(&after))
        .check_all(store.results(&ResultFilter::default()).unwrap())
        .unwrap();
    assert_eq!(checked[0].standing, Standing::EarlierContent);
    assert_eq!(checked[0].total(), Some(100));
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
    let checked = Verifier::new(&store, Some(&library))
        .check(results[0].clone())
        .unwrap();
    assert_eq!(
        checked.standing,
        Standing::Valid,
        "its seal survives the migration"
    );
    // And the new schema's tables work.
    let session = store
        .create_session(&[DRILL.into()], 7, Some("moved"))
        .unwrap();
    assert_eq!(session.code, "MOVED");
}

#[test]
fn three_trainees_play_a_team_session_headless() {
    let data = TempDir::new();
    let root = ContentRoot {
        root: repo().into(),
    };
    let mut app = headless_app(&root);
    app.add_plugins(RecordsPlugin {
        dir: data.path().into(),
    });
    let session = app
        .world()
        .resource::<Records>()
        .lock()
        .unwrap()
        .create_session(&[DRILL.into()], 7, Some("TEAM1"))
        .unwrap();
    for _ in 0..200 {
        app.update();
        if app
            .world()
            .resource::<salesdojo::engine::ContentLibrary>()
            .get()
            .is_some()
        {
            break;
        }
    }
    // One after another on the same computer, as in the training room.
    let players: [(&str, &[usize]); 3] = [
        ("Ola", POOR),
        ("张伟", BEST),
        ("Maria", &[3, 1, 2, 1, 1, 2, 1]),
    ];
    for (name, numbers) in players {
        app.world_mut().write_message(SelectTrainee(name.into()));
        app.world_mut()
            .write_message(JoinSession(Some("team1".into())));
        app.update();
        app.world_mut().write_message(StartVisit {
            scenario: DRILL.into(),
            seed: session.seed,
            persona: None,
        });
        app.update();
        for n in numbers {
            app.world_mut().write_message(ChooseReply::Listed(n - 1));
            app.update();
        }
        let saved = app.world().resource::<LastSave>().clone();
        let LastSave::Saved {
            trainee, session, ..
        } = saved
        else {
            panic!("{name}'s visit was not saved: {saved:?}")
        };
        assert_eq!(trainee, name);
        assert_eq!(session.as_deref(), Some("TEAM1"));
    }

    let records = app.world().resource::<Records>();
    let store = records.lock().unwrap();
    let boards = session_boards(&store, &library(), "TEAM1").unwrap();
    assert_eq!(boards.len(), 1);
    let (scenario, rows) = &boards[0];
    assert_eq!(scenario, DRILL);
    let order: Vec<(&str, Option<usize>)> = rows
        .iter()
        .map(|r| (r.checked.result.trainee.as_str(), r.rank))
        .collect();
    assert_eq!(
        order,
        [("张伟", Some(1)), ("Maria", Some(2)), ("Ola", Some(3))]
    );
    let scores: Vec<u32> = rows.iter().map(|r| r.checked.total().unwrap()).collect();
    assert!(scores[0] > scores[1] && scores[1] > scores[2], "{scores:?}");

    let csv = session_csv("TEAM1", rows, salesdojo::i18n::Lang::En);
    assert!(
        csv.starts_with(BOM),
        "spreadsheet programs need the BOM for Chinese names"
    );
    let lines: Vec<&str> = csv.trim_start_matches(BOM).lines().collect();
    assert_eq!(
        lines[0],
        "session,rank,trainee,scenario,score,outcome,simulated minutes,played,status,seed,result id"
    );
    assert_eq!(lines.len(), 4);
    assert!(
        lines[1].starts_with(&format!("TEAM1,1,张伟,{DRILL},100,Order,11,")),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(&format!("TEAM1,2,Maria,{DRILL},{},", scores[1])));
    assert!(lines[3].starts_with(&format!("TEAM1,3,Ola,{DRILL},{},No sale,", scores[2])));
    assert!(lines[1..].iter().all(|l| l.contains(",valid,7,")));
}
