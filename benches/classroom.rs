//! The classroom server under a class: N simulated trainees submit at once over loopback to a
//! real `salesdojo serve`, with the projector page's event stream open. Prints verified
//! submissions per second, submission latency (p50, p99), the time from a submission to the
//! projector's event, the server's memory and its idle CPU. Method and figures:
//! docs/benchmarks.md. Run: `cargo bench --bench classroom` (trainees and submissions each:
//! `-- 60 20`; results kept in a PostgreSQL database: `.ci/with-postgres cargo bench --bench
//! classroom -- 60 20 postgres`). Every request goes to 127.0.0.1 and every loop is bounded.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::backend::Backend;
use support::classroom::*;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// The server's resident memory (kB) and CPU time so far (clock ticks), from /proc.
fn process_stats(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = fields
        .get(11)
        .and_then(|u| u.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
    (rss, ticks)
}

fn main() {
    let numbers: Vec<usize> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let trainees = numbers.first().copied().unwrap_or(60);
    let each = numbers.get(1).copied().unwrap_or(20);
    let postgres = std::env::args().any(|a| a == "postgres");
    let db = if postgres {
        Backend::postgres().expect("a PostgreSQL server: run under .ci/with-postgres")
    } else {
        Backend::sqlite()
    };
    let server = Server::start_on(db.data_dir(), db.database().as_deref(), "127.0.0.1:0");
    new_session(&server, "BENCH");
    let template = submission(&server, "BENCH", "x", "result-template", PATHS[0]);

    // The projector: every board event, timed as it arrives.
    let arrived = follow_board(&server, "BENCH");
    // The first event is the board as it is.
    arrived.recv_timeout(Duration::from_secs(10)).unwrap();

    // A class at once: each trainee sends their submissions one after another.
    let started = Instant::now();
    let lanes: Vec<_> = (0..trainees)
        .map(|t| {
            let template = template.clone();
            let url = server.url.clone();
            std::thread::spawn(move || {
                let agent = agent();
                let mut latencies = Vec::new();
                for n in 0..each {
                    let mut body = template.clone();
                    body["trainee"] = format!("trainee {t}").into();
                    body["result_id"] = format!("result-bench-{t:03}-{n:04}").into();
                    let sent = Instant::now();
                    let answer = agent
                        .post(format!("{url}/api/sessions/BENCH/results"))
                        .content_type("application/json")
                        .send(body.to_string())
                        .expect("the server answers");
                    assert_eq!(answer.status().as_u16(), 201);
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = lanes.into_iter().flat_map(|l| l.join().unwrap()).collect();
    let elapsed = started.elapsed();
    latencies.sort();
    while arrived.recv_timeout(Duration::from_millis(500)).is_ok() {}

    // A class at a trainee's pace: all 60 finish a drill within the same second and send one
    // result each; five drills, one after another.
    let mut paced = Vec::new();
    for round in 0..5 {
        let lanes: Vec<_> = (0..trainees)
            .map(|t| {
                let mut body = template.clone();
                body["trainee"] = format!("trainee {t}").into();
                body["result_id"] = format!("result-paced-{round}-{t:03}").into();
                let url = server.url.clone();
                // Spread over the second, in a fixed shuffled order.
                let offset = Duration::from_millis((t as u64 * 617) % 1000);
                std::thread::spawn(move || {
                    std::thread::sleep(offset);
                    let sent = Instant::now();
                    let answer = agent()
                        .post(format!("{url}/api/sessions/BENCH/results"))
                        .content_type("application/json")
                        .send(body.to_string())
                        .expect("the server answers");
                    assert_eq!(answer.status().as_u16(), 201);
                    sent.elapsed()
                })
            })
            .collect();
        paced.extend(lanes.into_iter().map(|l| l.join().unwrap()));
    }
    paced.sort();
    while arrived.recv_timeout(Duration::from_millis(500)).is_ok() {}

    // One result at a time, as the projector sees it.
    let mut to_projector = Vec::new();
    for n in 0..20 {
        let mut body = template.clone();
        body["trainee"] = "late trainee".into();
        body["result_id"] = format!("result-bench-late-{n:04}").into();
        let sent = Instant::now();
        let (status, _) = post(
            &server,
            "/api/sessions/BENCH/results",
            None,
            &body.to_string(),
        );
        assert_eq!(status, 201);
        let (shown, _) = arrived.recv_timeout(Duration::from_secs(10)).unwrap();
        to_projector.push(shown.duration_since(sent));
    }
    to_projector.sort();

    let pid = server.pid();
    let (rss, before) = process_stats(pid);
    std::thread::sleep(Duration::from_secs(5));
    let (_, after) = process_stats(pid);
    let total = latencies.len();
    let kept_in = if postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "classroom server, {trainees} trainees × {each} submissions at once, results in {kept_in}"
    );
    println!(
        "verified submissions/s   {:.0}  ({total} in {:.2} s)",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!(
        "submission latency       p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies[total - 1].as_secs_f64() * 1e3
    );
    println!(
        "a class finishing within one second: p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms  ({} results)",
        percentile(&paced, 0.5).as_secs_f64() * 1e3,
        percentile(&paced, 0.99).as_secs_f64() * 1e3,
        paced[paced.len() - 1].as_secs_f64() * 1e3,
        paced.len()
    );
    println!(
        "submission → projector   p50 {:.1} ms · max {:.1} ms  (20 single results)",
        percentile(&to_projector, 0.5).as_secs_f64() * 1e3,
        to_projector[to_projector.len() - 1].as_secs_f64() * 1e3
    );
    println!("server memory (RSS)      {:.0} MB", rss as f64 / 1024.0);
    println!(
        "server idle CPU          {:.1} % of a core over 5 s",
        (after - before) as f64 / 5.0
    );
}
