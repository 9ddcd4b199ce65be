//! A classroom server for tests: `salesdojo serve` on a free loopback port, and requests to it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{TempDir, repo};

pub const DRILL: &str = "drill_price_objection";
pub const TOKEN: &str = "classroom-test-token";
/// Choice numbers as in the file: the best path (100, order), a poor one and a good one.
pub const PATHS: [&str; 3] = ["3,1,2,1,1,2,2", "2,3,1", "3,1,2,1,1,2,1"];

/// A running `salesdojo serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(data: &TempDir, addr: &str) -> Server {
        Server::start_on(data.path(), None, addr)
    }

    /// A server with its data folder `data`, keeping results in the PostgreSQL database
    /// `database` when one is given.
    pub fn start_on(data: &std::path::Path, database: Option<&str>, addr: &str) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_salesdojo"));
        command
            .args(["--lang", "en", "serve", "--addr", addr, "--data-dir"])
            .arg(data)
            .env(salesdojo::cli::TOKEN_ENV, TOKEN)
            .env_remove("SALESDOJO_DATABASE")
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(database) = database {
            command.args(["--database", database]);
        }
        let mut child = command.spawn().expect("serve starts");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        // Keep reading what it says, as a terminal would.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve said {first:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Server { child, url }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs a command in English with its results in `data`.
pub fn salesdojo(data: &TempDir, args: &[&str]) -> Output {
    let mut english = vec!["--lang", "en"];
    english.extend_from_slice(args);
    salesdojo_in(data, &english)
}

/// Runs a command as given, with its results in `data`.
pub fn salesdojo_in(data: &TempDir, args: &[&str]) -> Output {
    salesdojo_at(data.path(), None, args)
}

/// Runs a command as given, with its data folder `data` and, when given, its results in the
/// PostgreSQL database `database`.
pub fn salesdojo_at(data: &std::path::Path, database: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_salesdojo"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data)
        // A developer's own setting must not send a test's results elsewhere.
        .env_remove("SALESDOJO_DATABASE")
        .current_dir(repo());
    if let Some(database) = database {
        command.args(["--database", database]);
    }
    command.output().expect("the binary runs")
}

pub fn ok(output: Output) -> String {
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "failed: {err}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn new_session(server: &Server, code: &str) {
    let data = TempDir::new();
    ok(salesdojo(
        &data,
        &[
            "session",
            "new",
            "--server",
            &server.url,
            "--token",
            TOKEN,
            "--scenario",
            DRILL,
            "--seed",
            "7",
            "--code",
            code,
        ],
    ));
}

/// The campaign classroom tests play, beside the drill.
pub const CAMPAIGN: &str = "hengtong_account";

/// A session `code` on the server playing the drill and the campaign, with `seed` if given.
pub fn new_campaign_session(server: &Server, code: &str, seed: Option<u64>) {
    let (status, session) = post(
        server,
        "/api/sessions",
        Some(TOKEN),
        &json!({"scenarios": [DRILL, CAMPAIGN], "code": code, "seed": seed}).to_string(),
    );
    assert_eq!(status, 201, "{session}");
}

/// `campaign play --server` of the campaign in session `code`, from a laptop with its data in
/// `laptop`, as `trainee`, with the choice numbers `choices` and any `extra` arguments.
pub fn play_campaign_on(
    laptop: &TempDir,
    server: &Server,
    code: &str,
    trainee: &str,
    choices: &str,
    extra: &[&str],
) -> Output {
    let mut args = vec!["campaign", "play", CAMPAIGN, "--server", &server.url];
    args.extend([
        "--session",
        code,
        "--trainee",
        trainee,
        "--choices",
        choices,
    ]);
    args.extend_from_slice(extra);
    salesdojo(laptop, &args)
}

/// A projector following session `code`'s board: each board event, with when it arrived.
/// The stream ends when the server stops (or after ten minutes at most).
pub fn follow_board(server: &Server, code: &str) -> mpsc::Receiver<(Instant, String)> {
    let (events, arrived) = mpsc::channel();
    let stream_url = format!("{}/api/sessions/{code}/events", server.url);
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        let Ok(mut answer) = agent.get(stream_url).call() else {
            return;
        };
        for line in BufReader::new(answer.body_mut().as_reader()).lines() {
            let Ok(line) = line else { return };
            if let Some(board) = line.strip_prefix("data:")
                && events.send((Instant::now(), board.to_string())).is_err()
            {
                return;
            }
        }
    });
    arrived
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// Sends a body to a path of the server; the status and the JSON answer.
pub fn post(server: &Server, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = agent()
        .post(format!("{}{path}", server.url))
        .content_type("application/json");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut answer = request.send(body).expect("the server answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn delete(server: &Server, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = agent().delete(format!("{}{path}", server.url));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut answer = request.call().expect("the server answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn get(server: &Server, path: &str) -> (u16, Value) {
    let mut answer = agent()
        .get(format!("{}{path}", server.url))
        .call()
        .expect("the server answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A submission of the drill's path `choices` (numbers from 1) on the session's content.
pub fn submission(server: &Server, code: &str, trainee: &str, id: &str, choices: &str) -> Value {
    let (_, content) = get(server, &format!("/api/sessions/{code}/content"));
    let hash = content["scenarios"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let choices: Vec<usize> = choices
        .split(',')
        .map(|n| n.parse::<usize>().unwrap() - 1)
        .collect();
    json!({
        "trainee": trainee, "result_id": id, "scenario": DRILL, "content_hash": hash,
        "persona": "driver", "choices": choices,
    })
}

/// The ranked rows of the session's board: trainee → score.
pub fn board(server: &Server, code: &str) -> BTreeMap<String, u64> {
    let (status, boards) = get(server, &format!("/api/sessions/{code}/board"));
    assert_eq!(status, 200, "{boards}");
    boards[0][1]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["checked"]["result"]["trainee"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                row["total"].as_u64().unwrap(),
            )
        })
        .collect()
}
