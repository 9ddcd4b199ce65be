//! The projector page in a real headless Chromium, driven over WebDriver (Debian's chromium and
//! chromium-driver): rows arrive live without a reload, a trainee's name that looks like markup
//! is shown as text, and the podium shows when the session ends; and the same page drawn by
//! Firefox. Screenshots land in target/screenshots/. Without the browsers these tests say they
//! skipped; under CI they must run.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use support::TempDir;
use support::classroom::*;

/// A headless Chromium session behind chromedriver on a loopback port.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: TempDir,
}

impl Browser {
    fn start() -> Option<Browser> {
        if !support::installed("chromedriver", "the Chromium test") {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .args([&format!("--port={port}"), "--allowed-ips=127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent().get(format!("{base}/status")).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = TempDir::new();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--window-size=1280,800",
                         format!("--user-data-dir={}", profile.path().display())],
            }
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            _profile: profile,
        };
        let answer = browser.call("POST", "/session", Some(capabilities));
        browser.session = answer["sessionId"].as_str().expect("a session").to_string();
        Some(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let sent = match method {
            "POST" => agent()
                .post(url)
                .content_type("application/json")
                .send(body.unwrap_or(json!({})).to_string()),
            "DELETE" => agent().delete(url).call(),
            _ => agent().get(url).call(),
        };
        let mut answer = sent.expect("chromedriver answers");
        let text = answer.body_mut().read_to_string().unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        value["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({ "url": url })),
        );
    }

    fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Waits until the page's script `test` returns true.
    fn wait_for(&self, what: &str, test: &str) {
        let start = Instant::now();
        while self.run(test) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the page never showed {what}; it shows: {}",
                self.run("return document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, name: &str) {
        let encoded = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            None,
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap())
            .unwrap();
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn the_projector_page_shows_new_rows_live_and_names_as_text() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "PROJ1");
    let send = |trainee: &str, id: &str, path: &str| {
        let body = submission(&server, "PROJ1", trainee, id, path);
        let (status, answer) = post(
            &server,
            "/api/sessions/PROJ1/results",
            None,
            &body.to_string(),
        );
        assert_eq!(status, 201, "{answer}");
    };
    send("Ola", "result-proj-0001", PATHS[1]);
    browser.open(&format!("{}/board/PROJ1?lang=en", server.url));
    browser.wait_for(
        "Ola's row",
        "return document.querySelector('#rows').innerText.includes('Ola')",
    );
    // Marks this page load: a reload would lose the mark.
    browser.run("window.loadedOnce = true; return true");

    let sly = r#"<img src=x onerror="document.title=1">"#;
    send(sly, "result-proj-0002", PATHS[0]);
    browser.wait_for(
        "the new row, without reload",
        "return document.querySelectorAll('#rows tr').length === 2",
    );
    let rows = browser.run(
        "return [...document.querySelectorAll('#rows tr')].map(r => r.innerText.split('\\t'))",
    );
    assert_eq!(rows[0][0], "1.");
    assert_eq!(rows[0][1], sly, "the name is shown as typed");
    assert_eq!(rows[0][2], "100");
    assert_eq!(rows[1][1], "Ola");
    assert_eq!(
        browser.run("return window.loadedOnce === true"),
        json!(true)
    );
    assert_eq!(
        browser.run("return document.querySelectorAll('img').length"),
        json!(0)
    );
    assert_ne!(browser.run("return document.title"), json!("1"));
    let join = browser.run("return document.querySelector('#join').innerText");
    assert!(join.as_str().unwrap().contains("PROJ1"), "{join}");
    // The addresses trainees type come from the server (here: the loopback it listens on),
    // not from the projector browser's address bar.
    let typed = server.url.trim_start_matches("http://");
    assert_eq!(browser.run("return ADDRESSES"), json!([typed]));
    assert!(join.as_str().unwrap().contains(typed), "{join}");
    // Chinese shows on any projector computer: the server sends the page its font.
    browser.wait_for(
        "the Chinese font",
        "return [...document.fonts].some(f => f.family.includes('Noto Sans SC') \
         && f.status === 'loaded')",
    );
    browser.screenshot("board.png");

    let (status, _) = post(&server, "/api/sessions/PROJ1/end", Some(TOKEN), "{}");
    assert_eq!(status, 200);
    browser.wait_for(
        "the podium",
        "return document.body.classList.contains('podium') && \
         document.querySelector('#podium').innerText.includes('Ola')",
    );
    browser.screenshot("board-podium.png");
}

/// The same page in Firefox (Debian's firefox-esr, headless, its own `--screenshot`): the
/// board's rows are drawn. Firefox has no WebDriver in Debian, so this reads the screenshot:
/// the rows' band must hold dark text, which an empty board (a script Firefox refused) lacks.
#[test]
fn the_projector_page_draws_its_rows_in_firefox() {
    if !support::installed("firefox-esr", "the Firefox test") {
        return;
    }
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_session(&server, "FOX1");
    for (n, (trainee, path)) in [("Ola", PATHS[0]), ("张伟", PATHS[2]), ("Ben", PATHS[1])]
        .into_iter()
        .enumerate()
    {
        let body = submission(
            &server,
            "FOX1",
            trainee,
            &format!("result-fox-{n:04}"),
            path,
        );
        let (status, _) = post(
            &server,
            "/api/sessions/FOX1/results",
            None,
            &body.to_string(),
        );
        assert_eq!(status, 201);
    }
    let shot =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots/board-firefox.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    // The page fills its rows once its requests are answered, which may be after the load
    // Firefox waits for: a few tries at most.
    let mut ink = 0;
    for _ in 0..3 {
        let profile = TempDir::new();
        let _ = std::fs::remove_file(&shot);
        let output = Command::new("firefox-esr")
            .args(["--headless", "--no-remote", "--profile"])
            .arg(profile.path())
            .args(["--window-size", "1280,800", "--screenshot"])
            .arg(&shot)
            .arg(format!("{}/board/FOX1?lang=en", server.url))
            .env("MOZ_CRASHREPORTER_DISABLE", "1")
            .output()
            .expect("firefox-esr runs");
        assert!(shot.exists(), "no screenshot: {output:?}");
        ink = dark_pixels(&shot, 380..600);
        if ink > 2000 {
            break;
        }
    }
    assert!(
        ink > 2000,
        "the rows are not drawn ({ink} dark pixels): {}",
        shot.display()
    );
}

/// Pixels darker than mid-grey in the rows `band` of a screenshot.
fn dark_pixels(path: &std::path::Path, band: std::ops::Range<usize>) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let row = info.width as usize * channels;
    band.filter(|&y| y < info.height as usize)
        .flat_map(|y| buffer[y * row..(y + 1) * row].chunks(channels))
        .filter(|px| px[..3].iter().all(|&c| c < 100))
        .count()
}

/// A classroom session with a campaign: the page has a tab for it, titled as the campaign, and
/// its rows say where each account ended.
#[test]
fn the_projector_page_shows_a_campaigns_board_with_where_the_account_ended() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let data = TempDir::new();
    let server = Server::start(&data, "127.0.0.1:0");
    new_campaign_session(&server, "PROJ2", None);
    ok(play_campaign_on(
        &TempDir::new(),
        &server,
        "PROJ2",
        "Lin",
        support::HENGTONG_BEST,
        &[],
    ));
    browser.open(&format!("{}/board/PROJ2?lang=en", server.url));
    browser.wait_for(
        "the campaign's tab",
        "return document.querySelector('#tabs').innerText.includes('Hengtong')",
    );
    browser.run(
        "[...document.querySelectorAll('#tabs button')].find(b => \
         b.innerText.includes('Hengtong')).click(); return true",
    );
    browser.wait_for(
        "Lin's row",
        "return document.querySelector('#rows').innerText.includes('Lin')",
    );
    let row = browser.run("return document.querySelector('#rows tr').innerText.split('\\t')");
    assert_eq!(
        row,
        json!(["1.", "Lin", "100", "Strategic cooperation", "78′", ""])
    );
    browser.screenshot("board-campaign.png");
}
