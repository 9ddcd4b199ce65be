//! The real game in a real window: under Xvfb with software rendering, the tour walks title →
//! scenarios → briefing → a full visit → debrief → leaderboard → progress → team session with
//! simulated key presses, saving a screenshot of each screen under target/screenshots/ and the
//! text it drew. The test checks each screen changed, says what it should in Chinese and in
//! English, and draws no character as an empty box. Without a display server this test says
//! it skipped; under CI (CI=true) a missing display server is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

mod support;

use support::TempDir;
use support::classroom::{PATHS, Server, new_campaign_session, new_session};

/// One window at a time: `xvfb-run -a` can race for a display number, and two software-rendered
/// games at once only slow each other down.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// The screens every tour shoots.
const SCREENS: [&str; 10] = [
    "nameless",
    "title",
    "scenarios",
    "briefing",
    "visit",
    "debrief",
    "compare",
    "leaderboard",
    "progress",
    "session",
];

/// Shot only outside a classroom, where a decision can be tried again: the visit rewound to
/// where the path left the best, and the debrief of that practice.
const PRACTICE_SCREENS: [&str; 2] = ["rewind", "practice"];

/// The customer the tours outside a classroom meet: on the first scenario its visit shows the
/// customer neutral, then doubtful.
const TOUR_SEED: &str = "3";

/// Decodes a PNG and counts its distinct colours: a blank or failed frame has one or two.
fn distinct_colours(path: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot exists"),
    ));
    let mut reader = decoder.read_info().expect("screenshot is a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("sized")];
    let info = reader.next_frame(&mut buffer).expect("screenshot decodes");
    let channels = info.color_type.samples();
    let mut colours: Vec<&[u8]> = buffer[..info.buffer_size()].chunks(channels).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

/// Runs the tour in `lang` with `extra` arguments, its screenshots under `name`; it must
/// reach each of `screens`.
fn tour(name: &str, lang: &str, extra: &[&str], screens: &[&str]) -> Option<PathBuf> {
    if !support::installed("xvfb-run", "the window tests") {
        return None;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("screenshots")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    // Results of the tour's visit go to a throwaway data folder, never the user's.
    let data = std::env::temp_dir().join(format!("salesdojo-window-{lang}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    // An earlier session, for the team-session screen to list by its scenarios' titles.
    let session = Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["session", "new", "--scenario", SESSION_SCENARIO])
        .args(["--code", "TOUR1", "--seed", "5", "--data-dir"])
        .arg(&data)
        .output()
        .expect("salesdojo runs");
    assert!(session.status.success(), "{session:?}");
    let output = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_salesdojo"))
        .args(["--lang", lang, "--data-dir"])
        .arg(&data)
        .arg("--tour")
        .arg(&dir)
        .args(extra)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .expect("xvfb-run starts");
    let _ = std::fs::remove_dir_all(&data);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the game failed under Xvfb ({}):\n{stdout}\n{stderr}",
        output.status
    );
    for screen in screens {
        assert!(
            stdout.contains(&format!("tour: {screen} screen")),
            "the tour never reached the {screen} screen:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        stdout.contains("tour: done"),
        "the tour did not finish:\n{stdout}"
    );
    Some(dir)
}

/// The scenario of the session made before the tour.
const SESSION_SCENARIO: &str = "drill_advance_close";

/// What each screen must say, in Chinese and in English. The tour's trainee is 李明, so every
/// screen that names the trainee shows Chinese characters in both languages.
const EXPECTED: [(&str, &[&str], &[&str]); 12] = [
    // Enter pressed before any name was typed.
    ("nameless", &["请先输入姓名"], &["Type your name first"]),
    // The tour switches on "read the customer" (M): the meters are hidden during the visit
    // and shown on the debrief.
    (
        "title",
        &["销售道场", "开始训练", "李明", "隐藏计量表 (M) · 开"],
        &[
            "Sales Dojo",
            "Start training",
            "李明",
            "meters hidden during the visit (M) · on",
        ],
    ),
    (
        "scenarios",
        &["选择一次客户拜访", "难度"],
        &["Choose a customer visit", "Difficulty"],
    ),
    (
        "briefing",
        &["拜访简报", "开始拜访"],
        &["Briefing", "Start the visit"],
    ),
    ("visit", &["计量表已隐藏"], &["Meters hidden"]),
    (
        "debrief",
        &[
            "拜访结果",
            "成绩已保存",
            "李明",
            "拜访中隐藏的计量表",
            "信任",
            "第 1 个回答后",
            // The timeline chart: its legend and the ten-minute marks.
            "— 耐心",
            "10′",
        ],
        &[
            "Outcome",
            "Result saved for 李明",
            "the meters hidden during the visit",
            "Trust",
            "after reply 1",
            "— patience",
            "10′",
        ],
    ),
    // Each decision beside the best reply, the first departure marked, each row rewindable.
    (
        "compare",
        &[
            "你的路径与最佳路径",
            "第 1 个决定",
            "最佳：",
            "代价",
            "◀ 从这里偏离了最佳路径",
            "↺ 从这里重来",
        ],
        &[
            "Your path beside the best",
            "Decision 1",
            "Best:",
            "cost",
            "◀ your path left the best one here",
            "↺ Try again from here",
        ],
    ),
    (
        "rewind",
        &["练习：从第", "不计入排行榜"],
        &["Practice: tried again from decision", "not ranked"],
    ),
    (
        "practice",
        &["练习已保存： 李明 （不计入排行榜）"],
        &["Practice saved for 李明 (not ranked)"],
    ),
    // The tour's visit is on the board, ranked first; its practice is not ranked.
    (
        "leaderboard",
        &["历史总榜", "李明", "1."],
        &["All time", "李明", "1."],
    ),
    (
        "progress",
        &[
            "我的进步 · 李明",
            "有效拜访次数：1",
            "练习（重来的决定）",
            "练习：从第",
        ],
        &[
            "My progress · 李明",
            "Verified visits: 1",
            "Practice (decisions tried again)",
            "practice: tried again from decision",
        ],
    ),
    (
        "session",
        &[
            "团队场次",
            "创建场次",
            "TOUR1",
            "种子 5 · 专项练习：把好谈话收成一个“进展”",
        ],
        &[
            "Team session",
            "Create session",
            "TOUR1",
            "seed 5 · Drill: turn a good meeting into an advance",
        ],
    ),
];

/// The screenshot of `screen` is not blank, and the text drawn on it has no character the
/// fonts cannot draw; returns that text.
fn drawn_screen(dir: &Path, screen: &str) -> String {
    let path = dir.join(format!("{screen}.png"));
    assert!(
        path.exists(),
        "no screenshot of the {screen} screen at {}",
        path.display()
    );
    let colours = distinct_colours(&path);
    assert!(
        colours > 20,
        "the {screen} screenshot looks blank ({colours} colours): {}",
        path.display()
    );
    // The text egui drew on that frame, and the characters no loaded font can draw.
    let drawn = std::fs::read_to_string(dir.join(format!("{screen}.txt")))
        .unwrap_or_else(|err| panic!("no text record of the {screen} screen: {err}"));
    let (texts, missing) = drawn
        .rsplit_once("\n--\nmissing glyphs: ")
        .expect("the record ends with the missing glyphs");
    assert_eq!(
        missing.trim(),
        "",
        "the {screen} screen draws characters as empty boxes"
    );
    texts.to_string()
}

fn check_screens(lang: &str) {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(dir) = tour(
        lang,
        lang,
        &["--tour-hide-meters", "--tour-seed", TOUR_SEED],
        &SCREENS,
    ) else {
        return;
    };
    for screen in SCREENS.into_iter().chain(PRACTICE_SCREENS) {
        let texts = drawn_screen(&dir, screen);
        let (_, zh, en) = EXPECTED
            .iter()
            .find(|(name, _, _)| *name == screen)
            .expect("every screen has expectations");
        for expected in if lang == "zh" { *zh } else { *en } {
            assert!(
                texts.contains(expected),
                "the {screen} screen does not say \"{expected}\"; it says:\n{texts}"
            );
        }
        // The tour typed the name as key presses into the field that had the focus; once it
        // is there, the warning about a missing name is gone.
        if screen == "title" {
            let warning = if lang == "zh" {
                "请先输入姓名"
            } else {
                "Type your name first"
            };
            assert!(!texts.contains(warning), "the warning stayed:\n{texts}");
        }
        if screen == "leaderboard" {
            assert!(
                !texts.lines().any(|line| line == "2."),
                "the practice attempt is not ranked:\n{texts}"
            );
        }
    }
    // The customer's face changed with the mood: a portrait of each expression shown.
    let portraits: Vec<String> = std::fs::read_dir(&dir)
        .expect("screenshot folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("portrait-") && name.ends_with(".png"))
        .collect();
    assert!(
        portraits.len() >= 2,
        "fewer than two expressions were shot: {portraits:?}"
    );
    for name in &portraits {
        assert!(distinct_colours(&dir.join(name)) > 20, "{name} looks blank");
    }
}

#[test]
fn every_screen_draws_in_chinese() {
    check_screens("zh");
}

#[test]
fn every_screen_draws_in_english() {
    check_screens("en");
}

/// What the tour drew on a screen.
fn drawn(dir: &Path, screen: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{screen}.txt")))
        .unwrap_or_else(|err| panic!("no text record of the {screen} screen: {err}"))
}

/// A trainee's laptop in a classroom: joined from the title screen's form, the session's
/// scenario played on the server's content, and the verified score and place on the debrief
/// and the classroom's board.
#[test]
fn a_classroom_visit_plays_in_the_window_and_shows_the_verified_place() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let server_data = TempDir::new();
    let server = Server::start(&server_data, "127.0.0.1:0");
    new_session(&server, "ROOM9");
    let joined = format!("{}/room9", server.url.trim_start_matches("http://"));
    let Some(dir) = tour(
        "classroom",
        "en",
        &["--tour-classroom", &joined, "--tour-choices", PATHS[0]],
        &SCREENS,
    ) else {
        return;
    };
    let form = drawn(&dir, "join");
    for expected in ["Server address", "Session code", "Join", "room9"] {
        assert!(
            form.contains(expected),
            "the join form lacks {expected}: {form}"
        );
    }
    let title = drawn(&dir, "title");
    assert!(
        title.contains(&format!("Classroom ROOM9 · {}", server.url)),
        "{title}"
    );
    let scenarios = drawn(&dir, "scenarios");
    assert!(
        scenarios.contains("Drill: 'Nearly forty percent dearer'"),
        "{scenarios}"
    );
    assert!(
        !scenarios.contains("Director Chen"),
        "only the session's scenario: {scenarios}"
    );
    // Without "read the customer", the visit shows the meters.
    let visit = drawn(&dir, "visit");
    assert!(
        visit.contains("Trust") && visit.contains("Patience"),
        "{visit}"
    );
    let debrief = drawn(&dir, "debrief");
    assert!(
        debrief.contains("Verified by classroom ROOM9: score 100 · place 1"),
        "{debrief}"
    );
    // A classroom's visit is played once, from the door: no decision can be tried again.
    let compare = drawn(&dir, "compare");
    assert!(
        compare.contains("No rewinding in a team session") && !compare.contains("Try again"),
        "{compare}"
    );
    let board = drawn(&dir, "leaderboard");
    for expected in ["Session ROOM9", "李明", "100", "Order"] {
        assert!(
            board.contains(expected),
            "the board lacks {expected}: {board}"
        );
    }
    assert!(!board.contains('×'), "the server's score is shown: {board}");
}

/// The screens the campaign tour shoots, with what each must say in Chinese and in English.
const CAMPAIGN_SCREENS: [(&str, &[&str], &[&str]); 4] = [
    (
        "scenarios",
        &["客户战役", "恒通物流"],
        &["Account campaigns", "Hengtong"],
    ),
    // The first visit opens before the door, on the account plan's left panel.
    (
        "campaign",
        &["出发之前", "客户关系", "采购份额", "开发阶段", "还没拜访过"],
        &[
            "Before you set off",
            "The account",
            "Our share",
            "Development",
            "not visited yet",
        ],
    ),
    (
        "campaign-plan",
        &[
            "上次拜访",
            "勘查之后",
            "你的决定",
            "剩余预算",
            "（投入 4 天）",
            "郑伟",
        ],
        &[
            "Last visit",
            "After the survey",
            "Your decision",
            "Budget left",
            "(4 days)",
            "Zheng Wei",
        ],
    ),
    (
        "campaign-debrief",
        &[
            "100/100",
            "客户最后的阶段",
            "战略合作",
            "成绩已保存",
            "第 0 个月",
        ],
        &[
            "100/100",
            "Where the account ended",
            "Strategic cooperation",
            "Result saved for",
            "Month 0",
        ],
    ),
];

/// A whole campaign in the window, in each language: the account plan between visits, the
/// visits, and the campaign debrief with the result saved.
#[test]
fn a_campaign_plays_in_the_window_in_both_languages() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let names: Vec<&str> = CAMPAIGN_SCREENS.iter().map(|(name, _, _)| *name).collect();
    for lang in ["zh", "en"] {
        let Some(dir) = tour(
            &format!("campaign-{lang}"),
            lang,
            &[
                "--tour-campaign",
                "hengtong_account",
                "--tour-seed",
                "1",
                "--tour-choices",
                support::HENGTONG_BEST,
            ],
            &names,
        ) else {
            return;
        };
        for (screen, zh, en) in CAMPAIGN_SCREENS {
            let texts = drawn_screen(&dir, screen);
            for expected in if lang == "zh" { zh } else { en } {
                assert!(
                    texts.contains(expected),
                    "the {screen} screen in {lang} does not say \"{expected}\"; it says:\n{texts}"
                );
            }
        }
    }
}

/// A campaign in a classroom: the laptop is offered the session's campaign beside its visit,
/// plays it in the window on the server's content, and the debrief shows the server's verdict.
#[test]
fn a_classroom_campaign_plays_in_the_window_and_shows_the_verified_place() {
    let _window = ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let server_data = TempDir::new();
    let server = Server::start(&server_data, "127.0.0.1:0");
    new_campaign_session(&server, "ROOMC", None);
    let joined = format!("{}/roomc", server.url.trim_start_matches("http://"));
    let Some(dir) = tour(
        "classroom-campaign",
        "en",
        &[
            "--tour-classroom",
            &joined,
            "--tour-campaign",
            "hengtong_account",
            "--tour-choices",
            support::HENGTONG_BEST,
        ],
        &["scenarios", "campaign", "campaign-plan", "campaign-debrief"],
    ) else {
        return;
    };
    let scenarios = drawn(&dir, "scenarios");
    for expected in [
        "Team session ROOMC",
        "Account campaigns",
        "Campaign: nine months with Hengtong Logistics",
        "Drill: 'Nearly forty percent dearer'",
    ] {
        assert!(scenarios.contains(expected), "{scenarios}");
    }
    assert!(
        !scenarios.contains("Huaji"),
        "only the session's campaign: {scenarios}"
    );
    let debrief = drawn(&dir, "campaign-debrief");
    for expected in [
        "Verified by classroom ROOMC: score 100 · place 1",
        "Where the account ended: Strategic cooperation",
    ] {
        assert!(debrief.contains(expected), "{debrief}");
    }
}
