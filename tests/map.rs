//! `salesdojo map`: one self-contained HTML page per scenario, drawn by a real headless Chromium
//! (Debian's `chromium`, its own `--dump-dom` and `--screenshot`). Screenshots land in
//! target/screenshots/. Without Chromium the browser tests say they were skipped (CI installs it).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use salesdojo::content::Library;
use support::{TempDir, installed, repo};

fn salesdojo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesdojo"))
        .arg("--root")
        .arg(repo())
        .args(args)
        .output()
        .expect("the binary runs")
}

fn library() -> Library {
    Library::load(&[repo().join("seeds"), repo().join("scenarios")])
}

/// Writes the map of `target` into `dir` and returns its path.
fn map(dir: &Path, target: &str, extra: &[&str]) -> PathBuf {
    let name = Path::new(target)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = dir.join(format!("{name}.html"));
    let mut args = vec!["map", target, "-o", out.to_str().unwrap()];
    args.extend(extra);
    let output = salesdojo(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The page after its scripts ran, as Chromium sees it.
fn dom(page: &Path) -> String {
    let output = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn screenshot(page: &Path, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(name);
    let _ = std::fs::remove_file(&shot);
    let output = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .args(["--window-size=1600,1000", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(shot.exists(), "no screenshot: {output:?}");
    shot
}

/// How often `attribute="value"` occurs in the page.
fn count(dom: &str, attribute: &str, value: &str) -> usize {
    dom.matches(&format!("{attribute}=\"{value}\"")).count()
}

#[test]
fn every_shipped_scenario_maps_to_an_offline_page_with_a_node_per_beat_and_ending() {
    if !installed("chromium", "the scenario map tests") {
        return;
    }
    let library = library();
    let dir = TempDir::new();
    for (id, scenario) in &library.scenarios {
        let page = map(dir.path(), id, &[]);
        let html = std::fs::read_to_string(&page).unwrap();
        for external in ["http://", "https://", "<link", " src=", "url(", "@import"] {
            assert!(
                !html.contains(external),
                "{id}: the page refers to {external}"
            );
        }
        let dom = dom(&page);
        let beats: Vec<&str> = scenario
            .scenes
            .iter()
            .flat_map(|s| &s.beats)
            .map(|b| b.id.as_str())
            .collect();
        // (The page's own script spells the attribute with a placeholder: `data-beat="${`.)
        let nodes = dom.split("data-beat=\"").skip(1);
        assert_eq!(
            nodes.filter(|rest| !rest.starts_with("${")).count(),
            beats.len(),
            "{id}: one node per beat"
        );
        for beat in &beats {
            assert_eq!(count(&dom, "data-beat", beat), 1, "{id}: beat {beat}");
        }
        for ending in &scenario.endings {
            assert_eq!(
                count(&dom, "data-ending", &ending.id),
                1,
                "{id}: {}",
                ending.id
            );
        }
        // The best path is drawn: one highlighted edge per reply on it, up to the last (which
        // may end the visit through the engine's own patience or time limit).
        let best = &salesdojo::sim::analysis::analyze(&library, scenario, 1).personas[0].best;
        let drawn = dom.matches("class=\"edge best").count();
        assert!(
            drawn + 1 >= best.choices.len() && drawn <= best.choices.len(),
            "{id}: {drawn} best edges for {} replies",
            best.choices.len()
        );
    }
}

#[test]
fn a_mystery_customer_map_switches_between_its_personas_and_languages() {
    if !installed("chromium", "the scenario map tests") {
        return;
    }
    let dir = TempDir::new();
    let page = map(dir.path(), "mystery_quote_review", &["--lang", "en"]);
    let dom = dom(&page);
    for persona in ["Driver", "Expressive", "Analytical", "Amiable"] {
        assert!(dom.contains(&format!(">{persona}</option>")), "{persona}");
    }
    assert!(dom.contains("<html lang=\"en\""));
    // Hovering a beat shows its lines in both languages (its tooltip; the side panel reads the
    // same data).
    let library = library();
    let open = &library.scenario("mystery_quote_review").unwrap().scenes[0].beats[0];
    let escaped = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let tooltip = format!(
        "<title>{}\n{}",
        escaped(&open.says[0].zh),
        escaped(&open.says[0].en)
    );
    assert!(dom.contains(&tooltip), "{tooltip}");
    assert!(
        dom.contains("of paths"),
        "shares of paths are shown in English"
    );
    let shot = screenshot(&page, "map-mystery-en.png");
    assert!(
        std::fs::metadata(shot).unwrap().len() > 20_000,
        "a drawn page"
    );
    let page = map(dir.path(), "drill_price_objection", &[]);
    assert!(dom_of_zh(&page).contains("的路径经过"));
    screenshot(&page, "map-drill-zh.png");
}

fn dom_of_zh(page: &Path) -> String {
    let dom = dom(page);
    assert!(dom.contains("<html lang=\"zh\""));
    dom
}

#[test]
fn a_draft_file_is_mapped_and_what_cannot_be_mapped_is_said_clearly() {
    let dir = TempDir::new();
    let draft = dir.path().join("draft.scenario.ron");
    std::fs::copy(
        repo().join("scenarios/drill_spin_implication.scenario.ron"),
        &draft,
    )
    .unwrap();
    let page = map(dir.path(), draft.to_str().unwrap(), &[]);
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("\"scenario\":\"drill_spin_implication\""));

    let unknown = salesdojo(&["map", "no_such_scenario"]);
    assert_eq!(unknown.status.code(), Some(1));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("no scenario with id \"no_such_scenario\""),
        "{said}"
    );
    assert!(
        said.contains("drill_price_objection"),
        "lists the ids: {said}"
    );

    let broken = dir.path().join("broken.scenario.ron");
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(&broken, text.replacen("time_budget:", "time_budgt:", 1)).unwrap();
    let refused = salesdojo(&["map", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    let (line, col) = support::position_of(&text, "time_budget:");
    assert!(
        said.contains(&format!("broken.scenario.ron:{line}:{col}")),
        "{said}"
    );

    let nowhere = dir.path().join("missing-folder/map.html");
    let unwritable = salesdojo(&[
        "map",
        "drill_price_objection",
        "-o",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(unwritable.status.code(), Some(1));
    let said = String::from_utf8_lossy(&unwritable.stderr);
    assert!(
        said.contains("cannot write") && said.contains("missing-folder"),
        "{said}"
    );
}

/// A campaign's map: a page of its steps in order, the best path marked, where the paths end.
#[test]
fn a_campaign_maps_to_a_page_of_its_steps_with_the_best_path_marked() {
    if !installed("chromium", "the scenario map tests") {
        return;
    }
    let dir = TempDir::new();
    let page = map(dir.path(), "hengtong_account", &["--lang", "en"]);
    let dom = dom(&page);
    let library = library();
    let campaign = library.campaign("hengtong_account").unwrap();
    assert_eq!(
        dom.matches("data-step=\"").count(),
        campaign.steps.len(),
        "a section per step"
    );
    for step in [
        "after_survey",
        "price_cut",
        "win_back",
        "hengtong_gm_new_warehouse",
    ] {
        assert_eq!(count(&dom, "data-step", step), 1, "{step}");
    }
    // The best path: an outcome for each of the three visits and the five decisions it meets.
    assert_eq!(dom.matches("class=\"best\"").count(), 8, "{dom}");
    for expected in [
        "Where the paths end",
        "Strategic cooperation 5.2%",
        "Share at the end: 0–67%",
        "only when share ≥ 1%",
        "keep.rescue +5",
        "trust Liu, Warehouse 1 supervisor +20",
    ] {
        assert!(dom.contains(expected), "no {expected:?} in the page");
    }
    screenshot(&page, "map-campaign-en.png");
}
