//! The scenario map a trainer opens in a browser: one self-contained HTML file with the whole
//! scenario as a graph (scenes as groups, beats as nodes, replies as edges), laid out in the page
//! by dagre (inlined, MIT: `dagre.LICENSE`). Everything it shows comes from the analyser: the
//! points each reply is worth for each persona, how many paths pass each beat, the best and worst
//! paths, and the gates the starting mood decides.

mod campaign;

pub use campaign::campaign_html;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::content::{Library, Need, Next, Scenario};
use crate::i18n::{Lang, Text};
use crate::sim::analysis::{PersonaAnalysis, analyze};
use crate::sim::explore::reply_points;
use crate::sim::{PATIENCE_OUT, TIME_OUT, Visit, counted_outcome};

const PAGE: &str = include_str!("page.html");
const DAGRE: &str = include_str!("dagre.min.js");

#[derive(Serialize)]
struct MapData<'a> {
    scenario: &'a str,
    title: &'a Text,
    start: &'a str,
    lang: &'static str,
    scenes: Vec<SceneData<'a>>,
    beats: Vec<BeatData<'a>>,
    endings: Vec<EndingData>,
    personas: Vec<PersonaData>,
}

#[derive(Serialize)]
struct SceneData<'a> {
    id: &'a str,
    title: &'a Text,
}

#[derive(Serialize)]
struct BeatData<'a> {
    id: &'a str,
    scene: &'a str,
    says: &'a [Text],
    narration: Option<&'a Text>,
    replies: Vec<ReplyData<'a>>,
}

#[derive(Serialize)]
struct ReplyData<'a> {
    text: &'a Text,
    tags: &'a [String],
    /// Where it leads: one branch, or one per side of each gate.
    to: Vec<Branch>,
}

#[derive(Serialize)]
struct Branch {
    /// `beat:ID` or `end:ID`.
    target: String,
    /// The gate's condition on this side, e.g. `trust ≥ 60`, or `otherwise`.
    when: Option<String>,
}

#[derive(Serialize)]
struct EndingData {
    id: String,
    outcome: &'static str,
    says: Text,
    /// One of the engine's own endings, which any reply can lead to.
    engine: bool,
}

#[derive(Serialize)]
struct PersonaData {
    kind: &'static str,
    name: Text,
    /// Weighted points of each reply, by beat id, in file order.
    points: BTreeMap<String, Vec<i64>>,
    paths: u128,
    /// Paths passing each beat, and ending at each ending.
    beat_paths: BTreeMap<String, u128>,
    ending_paths: BTreeMap<String, u128>,
    best: PathData,
    worst: PathData,
    /// Replies (beat id, index) whose gate the starting mood decides for a listed path.
    seed_gates: Vec<(String, usize)>,
}

#[derive(Serialize)]
struct PathData {
    /// The replies taken: (beat id, reply index, where it led: `beat:ID` or `end:ID`).
    steps: Vec<(String, usize, String)>,
    ending: String,
    score: u32,
    /// The lowest and highest score of the same replies over seeds 1–50.
    scores: Option<(u32, u32)>,
}

/// The map of `scenario` as one HTML page, analysed with `seed`; `lang` is the language it
/// opens in (the page switches).
pub fn map_html(library: &Library, scenario: &Arc<Scenario>, seed: u64, lang: Lang) -> String {
    let analysis = analyze(library, scenario, seed);
    let data = MapData {
        scenario: &scenario.id,
        title: &scenario.title,
        start: &scenario.start,
        lang: match lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        },
        scenes: scenario
            .scenes
            .iter()
            .map(|scene| SceneData {
                id: &scene.id,
                title: &scene.title,
            })
            .collect(),
        beats: scenario
            .scenes
            .iter()
            .flat_map(|scene| scene.beats.iter().map(move |beat| (scene, beat)))
            .map(|(scene, beat)| BeatData {
                id: &beat.id,
                scene: &scene.id,
                says: &beat.says,
                narration: beat.narration.as_ref(),
                replies: beat
                    .choices
                    .iter()
                    .map(|choice| ReplyData {
                        text: &choice.text,
                        tags: &choice.tags,
                        to: branches(&choice.next, None),
                    })
                    .collect(),
            })
            .collect(),
        endings: endings(scenario, &analysis.personas),
        personas: analysis
            .personas
            .iter()
            .filter_map(|found| persona_data(library, scenario, seed, found))
            .collect(),
    };
    // `<` is escaped so that no text in the scenario can close the script element.
    let json = serde_json::to_string(&data)
        .expect("the map serialises")
        .replace('<', "\\u003c");
    PAGE.replace("{{LANG}}", data.lang)
        .replace("/*{{DAGRE}}*/", DAGRE)
        .replace("{{DATA}}", &json)
}

/// Each place `next` can lead, with the gate conditions on the way.
fn branches(next: &Next, when: Option<String>) -> Vec<Branch> {
    match next {
        Next::Goto(id) => vec![Branch {
            target: format!("beat:{id}"),
            when,
        }],
        Next::End(id) => vec![Branch {
            target: format!("end:{id}"),
            when,
        }],
        Next::If(gate) => {
            let need: Vec<String> = gate
                .need
                .iter()
                .map(|need| match need {
                    Need::Trust(min) => format!("trust ≥ {min}"),
                    Need::Interest(min) => format!("interest ≥ {min}"),
                    Need::Patience(min) => format!("patience ≥ {min}"),
                })
                .collect();
            let then = need.join(" & ");
            let then = match &when {
                Some(before) => format!("{before} & {then}"),
                None => then,
            };
            let otherwise = match &when {
                Some(before) => format!("{before} & otherwise"),
                None => "otherwise".to_string(),
            };
            let mut found = branches(&gate.then, Some(then));
            found.extend(branches(&gate.otherwise, Some(otherwise)));
            found
        }
    }
}

/// The scenario's endings, and the engine's own where some path reaches them.
fn endings(scenario: &Scenario, personas: &[PersonaAnalysis]) -> Vec<EndingData> {
    let mut endings: Vec<EndingData> = scenario
        .endings
        .iter()
        .map(|ending| EndingData {
            id: ending.id.clone(),
            outcome: counted_outcome(ending.outcome, ending.commitment.as_ref()).id(),
            says: ending.says.first().cloned().unwrap_or_default(),
            engine: false,
        })
        .collect();
    for id in [PATIENCE_OUT, TIME_OUT] {
        if personas.iter().any(|p| p.endings.contains_key(id)) {
            let finish = crate::sim::builtin_finish(id, 0);
            endings.push(EndingData {
                id: id.to_string(),
                outcome: finish.outcome.id(),
                says: finish.says,
                engine: true,
            });
        }
    }
    endings
}

fn persona_data(
    library: &Library,
    scenario: &Arc<Scenario>,
    seed: u64,
    found: &PersonaAnalysis,
) -> Option<PersonaData> {
    let persona = library.personas.get(&found.persona)?;
    let points = scenario
        .scenes
        .iter()
        .flat_map(|scene| &scene.beats)
        .map(|beat| {
            let points = (0..beat.choices.len())
                .map(|reply| reply_points(beat, reply, persona, library))
                .collect();
            (beat.id.clone(), points)
        })
        .collect();
    // The beats a listed path passes, replayed from the seed it was found with.
    let path = |listed_for: &str, choices: &[usize], ending: &str, score: u32| {
        let mut visit = Visit::start(Arc::clone(scenario), persona.clone(), seed);
        for &n in choices {
            let _ = visit.choose(n - 1);
        }
        let transcript = visit.transcript();
        let led_to = transcript
            .iter()
            .skip(1)
            .map(|e| format!("beat:{}", e.view.beat_id))
            .chain(visit.finish().map(|f| format!("end:{}", f.ending_id)));
        PathData {
            steps: transcript
                .iter()
                .zip(led_to)
                .map(|(e, to)| (e.view.beat_id.clone(), e.choice, to))
                .collect(),
            ending: ending.to_string(),
            score,
            scores: found
                .across_seeds
                .iter()
                .find(|check| check.listed_for == listed_for)
                .and_then(|check| check.scores),
        }
    };
    let mut seed_gates: Vec<(String, usize)> = found
        .across_seeds
        .iter()
        .flat_map(|check| &check.gates)
        .map(|(beat, number)| (beat.clone(), number - 1))
        .collect();
    seed_gates.sort();
    seed_gates.dedup();
    Some(PersonaData {
        kind: found.persona.id(),
        name: Text::new(
            crate::i18n::persona_name(found.persona, Lang::Zh),
            crate::i18n::persona_name(found.persona, Lang::En),
        ),
        points,
        paths: found.paths,
        beat_paths: found.beat_paths.clone(),
        ending_paths: found.endings.clone(),
        best: path(
            "best",
            &found.best.choices,
            &found.best.ending,
            found.best.score,
        ),
        worst: path(
            "worst",
            &found.worst.choices,
            &found.worst.ending,
            found.worst.score,
        ),
        seed_gates,
    })
}
