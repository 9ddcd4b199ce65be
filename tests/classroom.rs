//! The classroom server for real: `salesdojo serve` on a free loopback port, trainees' results
//! sent by `play --server` and by hand-made requests, bad input, a server killed mid-class, and
//! results that wait for a stopped server, and two classrooms' servers sharing one PostgreSQL
//! database. Every request goes to 127.0.0.1, and every loop is bounded.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use support::backend::Backend;
use support::classroom::*;
use support::{TempDir, repo};

/// A trainee's `play --server … --json` on their own laptop, started and left running.
fn start_playing(
    laptop: &TempDir,
    server: &Server,
    session: &str,
    trainee: &str,
    choices: &str,
) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["play", "--server", &server.url, "--session", session])
        .args(["--trainee", trainee, "--scenario", DRILL, "--json"])
        .args(["--choices", choices, "--data-dir"])
        .arg(laptop.path())
        .env_remove("SALESDOJO_DATABASE")
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn thirty_trainees_play_at_once_and_the_board_is_their_verified_scores() {
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "CLASS");
    let laptops: Vec<TempDir> = (0..30).map(|_| TempDir::new()).collect();
    let players: Vec<(String, std::process::Child)> = laptops
        .iter()
        .enumerate()
        .map(|(i, laptop)| {
            let name = format!("学员{i:02}");
            let child = start_playing(laptop, &server, "class", &name, PATHS[i % 3]);
            (name, child)
        })
        .collect();
    let mut verified = BTreeMap::new();
    for (name, child) in players {
        let output = child.wait_with_output().unwrap();
        let report: Value = serde_json::from_str(&ok(output)).unwrap();
        let verdict = &report["verdict"];
        assert_eq!(verdict["trainee"], name.as_str());
        assert_eq!(verdict["score"], report["score"], "the server agrees");
        verified.insert(name, verdict["score"].as_u64().unwrap());
    }
    assert_eq!(board(&server, "CLASS"), verified);
    // The trainer's export: one line per trainee, opening in spreadsheet programs.
    let csv = data.path().join("class.csv");
    ok(salesdojo(
        &data,
        &[
            "session",
            "export",
            "CLASS",
            "--server",
            &server.url,
            "--token",
            TOKEN,
            "-o",
            csv.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "a byte-order mark for Chinese names"
    );
    assert_eq!(csv.lines().count(), 31, "{csv}");
    assert!(csv.contains("学员00"), "{csv}");
    // The same JSON from the command line as from the server.
    let shown = ok(salesdojo(
        &data,
        &[
            "session",
            "show",
            "CLASS",
            "--server",
            &server.url,
            "--json",
        ],
    ));
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown, get(&server, "/api/sessions/CLASS/board").1);
}

/// Asserts an answer's status and that its error says `words`.
fn refused((status, answer): (u16, Value), expected: u16, words: &str) {
    assert_eq!(status, expected, "{answer}");
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains(words), "{error:?} should say {words:?}");
}

#[test]
fn bad_requests_get_clear_4xx_answers_and_the_server_keeps_serving() {
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "CHECK");
    let good = submission(&server, "CHECK", "Ola", "result-ola-0001", PATHS[0]);
    let results = "/api/sessions/CHECK/results";
    refused(post(&server, results, None, "{\"trainee\": "), 400, "JSON");
    refused(
        post(&server, results, None, "{\"x\": 1}"),
        422,
        "unknown field",
    );
    refused(
        post(&server, results, None, &"a".repeat(70 * 1024)),
        413,
        "length limit",
    );
    refused(
        post(
            &server,
            "/api/sessions/NOPE1/results",
            None,
            &good.to_string(),
        ),
        404,
        "no session with code \"NOPE1\"",
    );
    let mut unfinished = good.clone();
    unfinished["choices"] = json!([2, 0]);
    unfinished["result_id"] = json!("result-ola-0002");
    refused(
        post(&server, results, None, &unfinished.to_string()),
        422,
        "do not finish the visit",
    );
    let mut easier = good.clone();
    easier["persona"] = json!("amiable");
    refused(
        post(&server, results, None, &easier.to_string()),
        422,
        "customer in \"drill_price_objection\" is driver",
    );
    let mut forged = good.clone();
    forged["score"] = json!(100);
    refused(
        post(&server, results, None, &forged.to_string()),
        422,
        "unknown field `score`",
    );
    let new = json!({"scenarios": [DRILL]}).to_string();
    refused(
        post(&server, "/api/sessions", None, &new),
        401,
        "trainer token",
    );
    refused(
        post(&server, "/api/sessions", Some("guess"), &new),
        401,
        "trainer token",
    );
    refused(
        post(&server, "/api/sessions/CHECK/end", None, "{}"),
        401,
        "trainer token",
    );
    refused(get(&server, "/api/nothing"), 404, "no such page");

    // Still serving: the good result counts once, however often it is sent.
    let (status, verdict) = post(&server, results, None, &good.to_string());
    assert_eq!(status, 201, "{verdict}");
    assert_eq!(
        (verdict["score"].as_u64(), verdict["rank"].as_u64()),
        (Some(100), Some(1))
    );
    let (status, again) = post(&server, results, None, &good.to_string());
    assert_eq!((status, again["id"].clone()), (200, verdict["id"].clone()));
    // Nobody else can take over that result id.
    let mut stolen = good.clone();
    stolen["trainee"] = json!("Ben");
    refused(
        post(&server, results, None, &stolen.to_string()),
        409,
        "already used",
    );
    assert_eq!(
        board(&server, "CHECK"),
        BTreeMap::from([("Ola".to_string(), 100)])
    );
    // An ended session takes no more.
    let (status, _) = post(&server, "/api/sessions/CHECK/end", Some(TOKEN), "{}");
    assert_eq!(status, 200);
    let late = submission(&server, "CHECK", "Cai", "result-cai-0001", PATHS[1]);
    refused(
        post(&server, results, None, &late.to_string()),
        409,
        "has ended",
    );
}

/// Whatever the body, a submission gets an answer below 500, and the server stays up. The
/// server belongs to this test, so it is stopped when the test ends.
/// A campaign in a classroom session: played with `campaign play --server` on a laptop with
/// the session's content, replayed and ranked by the server on the campaign's own board;
/// submissions a campaign cannot be are refused with the reason, and the server keeps serving.
#[test]
fn a_campaign_in_a_classroom_session_is_replayed_and_ranked_by_the_server() {
    let server_data = TempDir::new();
    let server = Server::start(&server_data, "127.0.0.1:0");
    new_campaign_session(&server, "ACCT1", Some(9));
    let (_, info) = get(&server, "/api/sessions/ACCT1");
    assert_eq!(
        info["titles"]["hengtong_account"]["en"],
        "Campaign: nine months with Hengtong Logistics"
    );

    let laptop = TempDir::new();
    let play = |trainee: &str, choices: &str| {
        play_campaign_on(&laptop, &server, "ACCT1", trainee, choices, &["--json"])
    };
    let best = play("Lin", support::HENGTONG_BEST);
    let err = String::from_utf8_lossy(&best.stderr).into_owned();
    assert!(
        err.contains("the server's score: 100 · rank 1 · session ACCT1"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&ok(best)).unwrap();
    assert_eq!(report["seed"], 9, "the session's seed");
    assert_eq!(report["verdict"]["outcome"], "strategic_cooperation");
    assert_eq!(report["verdict"]["score"], report["score"]["total"]);
    // Giving up on the account early: the server's own replay says where it ended.
    let poor = "2,2,3,2,2,3,2,2,2,3,1,2,2,2,2,3,2,2,2,3,4,2,3,2,2,4,1,1,1,3,2,2,2,2,3,3";
    let poor: Value = serde_json::from_str(&ok(play("Ben", poor))).unwrap();
    assert_eq!(
        (
            poor["verdict"]["score"].as_u64(),
            poor["verdict"]["outcome"].as_str()
        ),
        (Some(5), Some("development"))
    );

    let campaign_board = || {
        let (_, boards) = get(&server, "/api/sessions/ACCT1/board");
        let board = boards
            .as_array()
            .unwrap()
            .iter()
            .find(|board| board[0] == "hengtong_account")
            .expect("the campaign's board")[1]
            .clone();
        board
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let result = &row["checked"]["result"];
                (
                    result["trainee"].as_str().unwrap().to_string(),
                    row["total"].as_u64().unwrap(),
                    result["outcome"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<(String, u64, String)>>()
    };
    let ranked = campaign_board();
    assert_eq!(
        ranked,
        [
            ("Lin".into(), 100, "strategic_cooperation".into()),
            ("Ben".into(), 5, "development".into())
        ]
    );

    // What a campaign submission cannot be.
    let (_, content) = get(&server, "/api/sessions/ACCT1/content");
    let hash = content["scenarios"][1]["hash"].clone();
    let submit = |persona: &str, choices: Value, guess: Value| {
        let body = json!({
            "trainee": "Mo", "result_id": "campaign-probe-1", "scenario": "hengtong_account",
            "content_hash": hash, "persona": persona, "choices": choices, "guess": guess,
        });
        post(
            &server,
            "/api/sessions/ACCT1/results",
            None,
            &body.to_string(),
        )
    };
    refused(
        submit("driver", json!([0]), Value::Null),
        422,
        "\"hengtong_account\" is a campaign: its persona is \"campaign\", not \"driver\"",
    );
    refused(
        submit("campaign", json!([0, 0]), Value::Null),
        422,
        "the choices do not finish the campaign: 2 given",
    );
    refused(
        submit("campaign", json!([7]), Value::Null),
        422,
        "the choices cannot be played",
    );
    refused(
        submit("campaign", json!([0]), json!("driver@2")),
        422,
        "guess \"driver@2\" is not step:type@replies, e.g. 6:driver@2",
    );
    // Refused submissions left the board as it was, and the server serves on.
    assert_eq!(campaign_board(), ranked);
}

#[test]
fn no_submission_body_makes_the_server_fail() {
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "FUZZ1");
    let good = submission(&server, "FUZZ1", "Fuzz", "result-fuzz-0001", PATHS[0]);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 128,
        rng_seed: proptest::test_runner::RngSeed::Fixed(7),
        ..ProptestConfig::default()
    });
    let bodies = (
        0usize..400,
        proptest::collection::vec(any::<u8>(), 0..64),
        0usize..7,
        prop_oneof![
            Just(json!(null)),
            Just(json!(-1)),
            Just(json!("")),
            Just(json!([1e300])),
            Just(json!({"a": []})),
            Just(json!("x".repeat(300)))
        ],
    );
    let outcome = runner.run(&bodies, |(cut, junk, field, value)| {
        let mut changed = good.clone();
        let key = [
            "trainee",
            "result_id",
            "scenario",
            "content_hash",
            "persona",
            "choices",
            "guess",
        ][field];
        changed[key] = value;
        let text = changed.to_string();
        let mut bytes = text.as_bytes()[..cut.min(text.len())].to_vec();
        bytes.extend(junk);
        let body = String::from_utf8_lossy(&bytes).into_owned();
        for body in [body, changed.to_string()] {
            let (status, _) = post(&server, "/api/sessions/FUZZ1/results", None, &body);
            prop_assert!(
                (200..500).contains(&status),
                "status {} for {}",
                status,
                body
            );
        }
        prop_assert_eq!(get(&server, "/api/sessions/FUZZ1").0, 200);
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

fn a_server_killed_mid_class_keeps_every_result_it_acknowledged(db: &Backend) {
    let start_server = || Server::start_on(db.data_dir(), db.database().as_deref(), "127.0.0.1:0");
    let mut server = start_server();
    new_session(&server, "CRASH");
    let body = |i: usize| {
        submission(
            &server,
            "CRASH",
            &format!("T{i}"),
            &format!("result-crash-{i:04}"),
            PATHS[i % 3],
        )
    };
    let bodies: Vec<Value> = (0..40).map(body).collect();
    // Four trainees' games send at once; the server is killed while they do.
    let url = server.url.clone();
    let acked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let senders: Vec<_> = (0..4)
        .map(|lane| {
            let mine: Vec<Value> = bodies.iter().skip(lane).step_by(4).cloned().collect();
            let url = url.clone();
            let acked = std::sync::Arc::clone(&acked);
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for body in mine {
                    let sent = agent()
                        .post(format!("{url}/api/sessions/CRASH/results"))
                        .content_type("application/json")
                        .send(body.to_string());
                    match sent {
                        Ok(answer) if answer.status().as_u16() == 201 => {
                            acknowledged.push(body["result_id"].as_str().unwrap().to_string());
                            acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        _ => break,
                    }
                }
                acknowledged
            })
        })
        .collect();
    let start = Instant::now();
    while acked.load(std::sync::atomic::Ordering::SeqCst) < 10
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    server.kill();
    let acknowledged: Vec<String> = senders
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();

    // Restarted: every acknowledged result is there; the games send the rest again, and
    // everything sent twice counts once.
    let server = start_server();
    for body in &bodies {
        let (status, answer) = post(
            &server,
            "/api/sessions/CRASH/results",
            None,
            &body.to_string(),
        );
        let id = body["result_id"].as_str().unwrap();
        if acknowledged.iter().any(|a| a == id) {
            assert_eq!(
                status, 200,
                "{id} was acknowledged, so it is kept: {answer}"
            );
        } else {
            // Stored just before the kill but never answered (200), or not stored (201).
            assert!(status == 200 || status == 201, "{id}: {answer}");
        }
    }
    let stored = db.texts("SELECT client_id FROM results ORDER BY client_id");
    assert_eq!(stored.len(), 40, "each result once");
    assert_eq!(board(&server, "CRASH").len(), 40);
}

on_both_databases!(a_server_killed_mid_class_keeps_every_result_it_acknowledged);

/// A trainee's laptop plays a visit of session LATER on the server at `url`: what it says on
/// stderr, after checking it did not fail.
fn play_on(laptop: &TempDir, url: &str, trainee: &str, path: &str) -> String {
    let output = salesdojo(
        laptop,
        &[
            "play",
            "--server",
            url,
            "--session",
            "LATER",
            "--trainee",
            trainee,
            "--scenario",
            DRILL,
            "--choices",
            path,
        ],
    );
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{err}");
    err
}

#[test]
fn results_played_while_the_server_is_down_arrive_when_it_returns() {
    let data = TempDir::new();
    let laptop = TempDir::new();
    let mut server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "LATER");
    let url = server.url.clone();
    // The laptop joined while the server was up (its first visit), then the server went away.
    play_on(&laptop, &url, "Ola", PATHS[1]);
    server.kill();
    for (name, path) in [("Ben", PATHS[0]), ("Cai", PATHS[2])] {
        let err = play_on(&laptop, &url, name, path);
        assert!(err.contains("waiting to send"), "{err}");
    }
    let port = url.rsplit(':').next().unwrap();
    let server = Server::start(&data, &format!("127.0.0.1:{port}"));
    assert_eq!(server.port().to_string(), port);
    // The next visit sends what waited first.
    let err = play_on(&laptop, &url, "Dan", PATHS[1]);
    assert!(err.contains("sent results that were waiting: 2"), "{err}");
    let names: Vec<String> = board(&server, "LATER").into_keys().collect();
    assert_eq!(names, ["Ben", "Cai", "Dan", "Ola"]);
    let sent = ok(salesdojo(&laptop, &["outbox"]));
    assert!(
        sent.starts_with("sent 0 · waiting 0"),
        "nothing left: {sent}"
    );
}

#[test]
fn the_token_is_kept_in_the_data_folder_and_reused() {
    let data = TempDir::new();
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env_remove(salesdojo::cli::TOKEN_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let token = loop {
        let line = lines.next().expect("serve prints the token").unwrap();
        if let Some(token) = line.strip_prefix("trainer token: ") {
            break token.to_string();
        }
        assert!(start.elapsed() < Duration::from_secs(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    let kept = std::fs::read_to_string(data.path().join("trainer-token")).unwrap();
    assert_eq!(kept.trim(), token);
    assert!(token.len() >= 32);
}

/// A trainer takes a joke entry off the board: from the command line with the token, never
/// without it; the projector's board drops it, and the same result sent again stays off.
#[test]
fn a_trainer_takes_a_row_off_the_board_and_it_stays_off() {
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "ROW1");
    let results = "/api/sessions/ROW1/results";
    let joke = submission(&server, "ROW1", "<b>Boss</b>", "result-joke-0001", PATHS[0]);
    let (status, verdict) = post(&server, results, None, &joke.to_string());
    assert_eq!(status, 201, "{verdict}");
    let real = submission(&server, "ROW1", "Ola", "result-ola-00001", PATHS[2]);
    assert_eq!(post(&server, results, None, &real.to_string()).0, 201);
    let id = verdict["id"].as_i64().unwrap().to_string();

    // The row's number is shown by `session show`, as the trainer reads it.
    let laptop = TempDir::new();
    let shown = ok(salesdojo(
        &laptop,
        &["session", "show", "ROW1", "--server", &server.url],
    ));
    assert!(shown.contains(&format!("#{id}")), "{shown}");

    let without = salesdojo(
        &laptop,
        &["session", "remove", "ROW1", &id, "--server", &server.url],
    );
    assert!(!without.status.success());
    assert!(String::from_utf8_lossy(&without.stderr).contains("trainer token"));
    let path = format!("/api/sessions/ROW1/results/{id}");
    let (status, _) = delete(&server, &path, Some("guess"));
    assert_eq!(status, 401);
    assert_eq!(
        board(&server, "ROW1").len(),
        2,
        "nothing removed without the token"
    );

    ok(salesdojo(
        &laptop,
        &[
            "session",
            "remove",
            "ROW1",
            &id,
            "--server",
            &server.url,
            "--token",
            TOKEN,
        ],
    ));
    let left = board(&server, "ROW1");
    assert_eq!(left.keys().collect::<Vec<_>>(), ["Ola"]);
    // Sent again (an outbox retry): known, answered, and still off the board.
    let (status, _) = post(&server, results, None, &joke.to_string());
    assert_eq!(status, 200);
    assert_eq!(board(&server, "ROW1"), left);
    // Twice, or a number that is not a row of this session: a clear 404.
    let (status, answer) = delete(&server, &path, Some(TOKEN));
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains(&format!("#{id}"))
    );
    let (status, _) = delete(&server, "/api/sessions/ROW1/results/x1", Some(TOKEN));
    assert_eq!(status, 404);
}

#[test]
fn a_trainees_best_result_holds_its_row_and_their_next_best_returns_when_it_is_removed() {
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "BEST1");
    let results = "/api/sessions/BEST1/results";
    let send = |id: &str, path: &str| {
        let body = submission(&server, "BEST1", "Mei", id, path);
        let (status, verdict) = post(&server, results, None, &body.to_string());
        assert_eq!(status, 201, "{verdict}");
        verdict
    };
    let good = send("result-mei-good-01", PATHS[2]);
    let best = send("result-mei-best-01", PATHS[0]);
    let poor = send("result-mei-poor-01", PATHS[1]);
    let score = |verdict: &Value| verdict["score"].as_u64().unwrap();
    assert!(score(&best) > score(&good) && score(&good) > score(&poor));
    assert_eq!(
        board(&server, "BEST1"),
        [("Mei".to_string(), score(&best))].into()
    );
    assert_eq!(
        poor["rank"], 1,
        "a worse visit does not move the trainee down"
    );

    let path = format!("/api/sessions/BEST1/results/{}", best["id"]);
    let (status, answer) = delete(&server, &path, Some(TOKEN));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        board(&server, "BEST1"),
        [("Mei".to_string(), score(&good))].into(),
        "the trainee's next best result takes the row"
    );
}

/// Two classrooms' servers write into one PostgreSQL database at once, 15 trainees on each:
/// every acknowledged result is stored once, a session code is unique across both, both
/// servers show the same board, a projector on one shows a result sent to the other, and a row
/// taken off on one is gone from both.
#[test]
fn two_classroom_servers_on_one_postgresql_database_show_one_board() {
    let Some(db) = Backend::postgres() else {
        return;
    };
    let database = db.database();
    let rooms = [TempDir::new(), TempDir::new()];
    let servers: Vec<Server> = rooms
        .iter()
        .map(|room| Server::start_on(room.path(), database.as_deref(), "127.0.0.1:0"))
        .collect();
    new_session(&servers[0], "FLOOR");
    let body = json!({"scenarios": [DRILL], "seed": 3, "code": "floor"}).to_string();
    let (status, answer) = post(&servers[1], "/api/sessions", Some(TOKEN), &body);
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "session code \"FLOOR\" is taken");
    // The projector in the first room.
    let arrived = follow_board(&servers[0], "FLOOR");

    let laptops: Vec<TempDir> = (0..30).map(|_| TempDir::new()).collect();
    let players: Vec<(String, std::process::Child)> = laptops
        .iter()
        .enumerate()
        .map(|(i, laptop)| {
            let name = format!("Rep{i:02}");
            let child = start_playing(laptop, &servers[i % 2], "floor", &name, PATHS[i % 3]);
            (name, child)
        })
        .collect();
    let mut verified = BTreeMap::new();
    for (name, child) in players {
        let report: Value = serde_json::from_str(&ok(child.wait_with_output().unwrap())).unwrap();
        assert_eq!(
            report["verdict"]["score"], report["score"],
            "the server agrees"
        );
        verified.insert(name, report["verdict"]["score"].as_u64().unwrap());
    }
    let boards: Vec<Value> = servers
        .iter()
        .map(|server| get(server, "/api/sessions/FLOOR/board").1)
        .collect();
    assert_eq!(boards[0], boards[1], "both rooms show the same board");
    assert_eq!(board(&servers[0], "FLOOR"), verified);

    let Backend::Postgres { url, .. } = &db else {
        unreachable!()
    };
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT client_id) FROM results WHERE session_code = 'FLOOR'",
            &[],
        )
        .unwrap();
    let (stored, distinct): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        (stored, distinct),
        (30, 30),
        "each acknowledged result once"
    );

    // A result sent to the second room's server reaches the first room's projector.
    let late = submission(
        &servers[1],
        "FLOOR",
        "Late Larry",
        "result-late-0001",
        PATHS[0],
    );
    let (status, answer) = post(
        &servers[1],
        "/api/sessions/FLOOR/results",
        None,
        &late.to_string(),
    );
    assert_eq!(status, 201, "{answer}");
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut seen = false;
    while !seen && Instant::now() < deadline {
        if let Ok((_, board)) = arrived.recv_timeout(Duration::from_millis(200)) {
            seen = board.contains("Late Larry");
        }
    }
    assert!(
        seen,
        "the first room's projector shows the result sent to the second"
    );

    // The first room's trainer takes a row off: the second room's board loses it too.
    let (_, shown) = get(&servers[1], "/api/sessions/FLOOR/board");
    let rep00 = shown[0][1]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["checked"]["result"]["trainee"] == "Rep00")
        .map(|row| row["checked"]["result"]["id"].clone())
        .unwrap();
    let path = format!("/api/sessions/FLOOR/results/{rep00}");
    let (status, answer) = delete(&servers[0], &path, Some(TOKEN));
    assert_eq!(status, 200, "{answer}");
    for server in &servers {
        let shown = board(server, "FLOOR");
        assert_eq!(shown.len(), 30, "{shown:?}");
        assert!(!shown.contains_key("Rep00"), "{shown:?}");
    }
}
