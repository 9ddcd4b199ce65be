//! What a trainer learns about a scenario before any trainee sees it: how many paths it has,
//! how they end and score, its best and worst paths, what it can and cannot test, and warnings.
//! Paths come from `explore` (every path, through the engine's own step); scores from `scoring`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::campaign_analysis::CampaignAnalysis;
use super::explore::{Exploration, replay, reply_points};
use super::robust::robust_paths;
use super::{Visit, scoring};
use crate::content::{
    Check, EngineTechnique, Library, Mark, Outcome, Persona, PersonaKind, PersonaSpec, Scenario,
    tag_matches,
};
use crate::i18n::Text;

/// Paths drawn uniformly at random to estimate the mean score.
pub const SAMPLES: usize = 200;

#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub scenario: String,
    /// One analysis per persona the scenario can meet (the pool of a mystery customer).
    pub personas: Vec<PersonaAnalysis>,
    /// Catalogue techniques some reply or rule of this scenario can score.
    pub can_test: Vec<String>,
    /// Catalogue techniques it never scores.
    pub cannot_test: Vec<String>,
    pub warnings: Vec<Text>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonaAnalysis {
    pub persona: PersonaKind,
    /// Distinct states explored (the work done), against `paths` for brute force.
    pub states: usize,
    pub paths: u128,
    pub outcomes: BTreeMap<Outcome, u128>,
    pub endings: BTreeMap<String, u128>,
    /// How many paths pass through each beat, by beat id (beats no path reaches are left out).
    pub beat_paths: BTreeMap<String, u128>,
    /// One path to each reachable ending (choice numbers from 1).
    pub ending_paths: BTreeMap<String, Vec<usize>>,
    pub best: ScoredPath,
    pub worst: ScoredPath,
    /// Mean score over `sampled` paths drawn uniformly among all paths.
    pub mean: f64,
    pub sampled: usize,
    /// The listed paths (each ending's, the best and the worst) replayed on seeds
    /// 1–`SEEDS`: the starting mood varies by seed within the persona's spread.
    pub across_seeds: Vec<SeedCheck>,
    /// For each ending reachable from this seed's mood, a path that passes the same beats and
    /// reaches it on every seed 1–`SEEDS` (choice numbers from 1), or `None` when the search
    /// (see `robust`) finds none.
    pub robust_paths: BTreeMap<String, Option<Vec<usize>>>,
    /// That search stopped at its limit (`robust::STATE_LIMIT` states): a `None` there means
    /// "none found", not "none exists".
    pub robust_search_stopped: bool,
}

/// Seeds every listed path is replayed on.
pub const SEEDS: u64 = 50;

/// How one listed path fares on every seed 1–`SEEDS`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeedCheck {
    /// What the path was listed for: an ending's id, `best` or `worst`.
    pub listed_for: String,
    /// Choice numbers as the file lists them, from 1.
    pub choices: Vec<usize>,
    /// The endings it reaches and on how many seeds; `""` for seeds where the replies no
    /// longer fit (another gate took the visit elsewhere).
    pub endings: BTreeMap<String, u64>,
    /// The lowest and highest score over the seeds where it ends.
    pub scores: Option<(u32, u32)>,
    /// Where seeds part ways: the beat and the reply (from 1) whose gate decides by the
    /// starting mood.
    pub gates: Vec<(String, usize)>,
}

impl SeedCheck {
    /// Reaches what it was listed for on every seed (best and worst: ends the same way).
    pub fn holds(&self) -> bool {
        self.endings.len() == 1 && !self.endings.contains_key("")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoredPath {
    /// Choice numbers as the file lists them, from 1.
    pub choices: Vec<usize>,
    pub score: u32,
    pub outcome: Outcome,
    pub ending: String,
}

/// Analyses one scenario of the library with the given seed (for the starting mood). The
/// personas of a mystery customer are analysed side by side, on every core.
pub fn analyze(library: &Library, scenario: &Scenario, seed: u64) -> Analysis {
    let pool: Vec<PersonaKind> = match &scenario.persona {
        PersonaSpec::Fixed(kind) => vec![*kind],
        PersonaSpec::OneOf(kinds) => kinds.clone(),
    };
    let found: Vec<PersonaFindings> = pool
        .par_iter()
        .filter_map(|kind| library.personas.get(kind))
        .map(|persona| analyze_persona(library, scenario, persona, seed))
        .collect();
    let mut warnings = Vec::new();
    let mut personas = Vec::new();
    let mut reached = BTreeSet::new();
    let mut no_way_to_leave = BTreeSet::new();
    for found in found {
        reached.extend(found.reached);
        no_way_to_leave.extend(found.no_way_to_leave);
        for beat in found.loops {
            warnings.push(Text::new(
                format!("节拍“{beat}”有一个不耗时间的回答会绕回原处，形成死循环。"),
                format!("beat \"{beat}\": a reply loops back without any time passing"),
            ));
        }
        personas.push(found.analysis);
    }
    warn_about_paths(library, scenario, seed, &personas, &reached, &mut warnings);
    if !no_way_to_leave.is_empty() {
        let beats: Vec<&str> = no_way_to_leave.iter().map(String::as_str).collect();
        warnings.push(Text::new(
            format!(
                "客户在这些节点可能露出不耐烦的信号，但这里和下一步都没有收尾告辞的回答，“见信号就告辞”在这里练不到：{}",
                beats.join("、")
            ),
            format!(
                "the customer can show impatience at {}, but neither that beat nor the next offers a reply that wraps up, so leaving on the cue cannot be practised there",
                beats.join(", ")
            ),
        ));
    }
    let (can_test, cannot_test) = coverage(library, scenario, &reached);
    Analysis {
        scenario: scenario.id.clone(),
        personas,
        can_test,
        cannot_test,
        warnings,
    }
}

/// What analysing one persona finds; the scenario's report merges these in pool order.
struct PersonaFindings {
    analysis: PersonaAnalysis,
    reached: BTreeSet<(usize, usize)>,
    no_way_to_leave: BTreeSet<String>,
    /// Beats with a reply that loops back without time passing.
    loops: BTreeSet<String>,
}

fn analyze_persona(
    library: &Library,
    scenario: &Scenario,
    persona: &Persona,
    seed: u64,
) -> PersonaFindings {
    let start = Visit::start(Arc::new(scenario.clone()), persona.clone(), seed);
    // The beam searches play real visits and need nothing from the exploration: they run
    // alongside it.
    let (exploration, beams) = rayon::join(
        || Exploration::new(scenario, persona, seed),
        || {
            let (mut best, worst) = rayon::join(
                || beam(library, &start, true),
                || beam(library, &start, false),
            );
            best.extend(worst);
            best
        },
    );
    let ending_paths: BTreeMap<String, Vec<usize>> = exploration
        .witnesses
        .iter()
        .map(|(id, path)| (id.clone(), path.iter().map(|c| c + 1).collect()))
        .collect();
    // An ending this seed's mood cannot reach cannot be reached on every seed.
    let wanted: BTreeSet<&str> = ending_paths.keys().map(String::as_str).collect();
    // What the graph says about every path, the candidate paths scored in full, and the
    // search for paths that hold on every seed are worked out side by side.
    let ((((outcomes, endings), beat_paths, no_way_to_leave), robust), scored) = rayon::join(
        || {
            rayon::join(
                || {
                    (
                        exploration.outcomes(),
                        exploration.paths_through_beats(scenario),
                        beats_without_a_way_to_leave(library, scenario, persona, &exploration),
                    )
                },
                || robust_paths(scenario, persona, 1..=SEEDS, &wanted),
            )
        },
        || {
            let (best_path, worst_path) = exploration.extreme_paths(scenario, persona, library);
            let mut candidates = vec![best_path, worst_path];
            candidates.extend(beams);
            let samples = exploration.sample(SAMPLES, seed);
            candidates.extend(samples.iter().cloned());
            score_candidates(library, &start, &candidates, &samples)
        },
    );
    let robust_paths = wanted
        .iter()
        .map(|&id| {
            let path = robust
                .paths
                .get(id)
                .map(|p| p.iter().map(|c| c + 1).collect());
            (id.to_string(), path)
        })
        .collect();
    let listed: Vec<(String, &[usize], bool)> = ending_paths
        .iter()
        .map(|(id, path)| (id.clone(), path.as_slice(), false))
        .chain([
            ("best".to_string(), scored.best.choices.as_slice(), true),
            ("worst".to_string(), scored.worst.choices.as_slice(), true),
        ])
        .collect();
    let across_seeds = listed
        .par_iter()
        .map(|(listed_for, choices, scores)| {
            check_seeds(
                library, scenario, persona, seed, listed_for, choices, *scores,
            )
        })
        .collect();
    PersonaFindings {
        analysis: PersonaAnalysis {
            persona: persona.kind,
            states: exploration.states(),
            paths: exploration.paths(),
            outcomes,
            endings,
            beat_paths: beat_paths
                .iter()
                .filter(|(_, paths)| **paths > 0)
                .map(|(&(s, b), &paths)| (scenario.scenes[s].beats[b].id.clone(), paths))
                .collect(),
            ending_paths,
            best: scored.best,
            worst: scored.worst,
            mean: scored.mean,
            sampled: scored.sampled,
            across_seeds,
            robust_paths,
            robust_search_stopped: robust.stopped,
        },
        reached: beat_paths
            .into_iter()
            .filter_map(|(place, paths)| (paths > 0).then_some(place))
            .collect(),
        no_way_to_leave,
        loops: exploration.loops.iter().cloned().collect(),
    }
}

/// Replays a listed path (choice numbers from 1) on every seed 1–`SEEDS`: where it ends, what
/// it scores (when `scores`), and the gates where a seed sends it elsewhere than `seed` does.
fn check_seeds(
    library: &Library,
    scenario: &Scenario,
    persona: &Persona,
    seed: u64,
    listed_for: &str,
    choices: &[usize],
    scores: bool,
) -> SeedCheck {
    let scenario = Arc::new(scenario.clone());
    // The beats a seed's visit passes, and how it ends ("" if the replies stop fitting).
    let play = |seed: u64| {
        let mut visit = Visit::start(Arc::clone(&scenario), persona.clone(), seed);
        let fits = choices.iter().all(|&c| visit.choose(c - 1).is_ok());
        let beats: Vec<String> = visit
            .transcript()
            .iter()
            .map(|e| e.view.beat_id.clone())
            .collect();
        let ending = match visit.finish() {
            Some(finish) if fits => finish.ending_id.clone(),
            _ => String::new(),
        };
        (visit, beats, ending)
    };
    let (_, reference, listed_ending) = play(seed);
    let mut check = SeedCheck {
        listed_for: listed_for.to_string(),
        choices: choices.to_vec(),
        endings: BTreeMap::new(),
        scores: None,
        gates: Vec::new(),
    };
    for other in 1..=SEEDS {
        let (visit, beats, ending) = play(other);
        if scores && !ending.is_empty() {
            let total =
                scoring::score(&visit, &library.catalogue, &library.rubric).map_or(0, |s| s.total);
            check.scores = Some(match check.scores {
                Some((low, high)) => (low.min(total), high.max(total)),
                None => (total, total),
            });
        }
        if ending != listed_ending || beats != reference {
            // The reply before the first beat where the paths part (or the last reply, when
            // only the ending differs) went through a gate that this starting mood decides.
            let parted = reference
                .iter()
                .zip(&beats)
                .position(|(a, b)| a != b)
                .unwrap_or(reference.len().min(beats.len()));
            if let Some(step) = parted.checked_sub(1).or(reference.len().checked_sub(1)) {
                let gate = (reference[step].clone(), choices[step]);
                if !check.gates.contains(&gate) {
                    check.gates.push(gate);
                }
            }
        }
        *check.endings.entry(ending).or_default() += 1;
    }
    check
}

/// The best and worst of the candidate paths, and the mean score of the sampled ones.
struct Scored {
    best: ScoredPath,
    worst: ScoredPath,
    mean: f64,
    sampled: usize,
}

/// Scores the candidate paths in full (the samples are among them). Candidates repeat (the
/// beams share paths, samples may meet the extremes): each distinct path is scored once.
fn score_candidates(
    library: &Library,
    start: &Visit,
    candidates: &[Vec<usize>],
    samples: &[Vec<usize>],
) -> Scored {
    let distinct: BTreeSet<&Vec<usize>> = candidates.iter().collect();
    let scores: HashMap<&Vec<usize>, ScoredPath> = distinct
        .into_par_iter()
        .map(|path| (path, score_path(library, start, path)))
        .collect();
    let all = || candidates.iter().map(|path| &scores[path]);
    let best = all().max_by_key(|p| p.score).cloned().expect("a path");
    let worst = all().min_by_key(|p| p.score).cloned().expect("a path");
    let mean =
        samples.iter().map(|p| scores[p].score as f64).sum::<f64>() / samples.len().max(1) as f64;
    Scored {
        best,
        worst,
        mean,
        sampled: samples.len(),
    }
}

/// Beats where a low cue on the meter of a `LeaveOnCue` rule can show while no reply there, or
/// at a beat one reply away, carries the rule's wrap-up tags.
fn beats_without_a_way_to_leave(
    library: &Library,
    scenario: &Scenario,
    persona: &Persona,
    exploration: &Exploration,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for rule in &library.rubric.rules {
        let Check::LeaveOnCue { meter, leave, .. } = &rule.check else {
            continue;
        };
        // Whether a beat offers a wrap-up, worked out once per beat rather than per state.
        let can_leave: Vec<Vec<bool>> = scenario
            .scenes
            .iter()
            .map(|scene| {
                let offers = |beat: &crate::content::Beat| {
                    beat.choices.iter().any(|c| {
                        c.tags
                            .iter()
                            .any(|t| leave.iter().any(|p| tag_matches(p, t)))
                    })
                };
                scene.beats.iter().map(offers).collect()
            })
            .collect();
        let can_leave = |(s, b): (usize, usize)| can_leave[s][b];
        for state in exploration.states_visited() {
            if scenario.scenes[state.beat().0].holds_cues() {
                continue;
            }
            let cue = super::showing_cue(persona, state.mood());
            let low = cue.is_some_and(|c| c.meter == *meter && c.below.is_some());
            if low && !can_leave(state.beat()) && !state.next().any(can_leave) {
                let (s, b) = state.beat();
                found.insert(scenario.scenes[s].beats[b].id.clone());
            }
        }
    }
    found
}

fn score_path(library: &Library, start: &Visit, path: &[usize]) -> ScoredPath {
    let visit = replay(start, path);
    let score =
        scoring::score(&visit, &library.catalogue, &library.rubric).expect("explored paths end");
    let finish = visit.finish().expect("explored paths end");
    ScoredPath {
        choices: path.iter().map(|c| c + 1).collect(),
        score: score.total,
        outcome: finish.outcome,
        ending: finish.ending_id.clone(),
    }
}

/// Partial paths kept at each step of the beam search.
const BEAM: usize = 48;

/// A beam search through real visits: at each step every reply of the kept visits is tried and
/// the `BEAM` visits with the most (or fewest) weighted points so far are kept. Returns the
/// finished paths with the most (or fewest) points, to be scored in full.
fn beam(library: &Library, start: &Visit, best: bool) -> Vec<Vec<usize>> {
    let rules = scoring::rules(&library.rubric);
    let points = |visit: &Visit, focus| {
        scoring::weighted_points(visit, &library.catalogue, &library.rubric, &rules, focus)
    };
    let mut finished = Vec::new();
    let mut frontier = vec![(0, start.clone())];
    while !frontier.is_empty() {
        // Each reply is tried on the kept visit and undone; only the kept ones are copied.
        let mut next: Vec<(i64, usize, usize)> = Vec::new();
        for (kept, (so_far, visit)) in frontier.iter_mut().enumerate() {
            let step = visit.transcript().len();
            for choice in 0..visit.current().map_or(0, |view| view.order.len()) {
                visit
                    .trying(choice, |trial| match trial.finish() {
                        Some(_) => finished.push((points(trial, None), trial.choices())),
                        // A running visit's points are those of its replies, and a reply's
                        // events depend only on the visit up to it (as in pricing decisions).
                        None if looped(trial) => {}
                        None => next.push((*so_far + points(trial, Some(step)), kept, choice)),
                    })
                    .expect("offered");
            }
        }
        next.sort_by_key(|&(p, ..)| if best { -p } else { p });
        frontier = next
            .into_iter()
            .take(BEAM)
            .map(|(p, kept, choice)| {
                let mut visit = frontier[kept].1.clone();
                visit.choose(choice).expect("offered");
                (p, visit)
            })
            .collect();
    }
    finished.sort_by_key(|(p, _)| if best { -p } else { *p });
    finished.into_iter().take(8).map(|(_, path)| path).collect()
}

/// Whether a running visit is back where its own path already was (same beat, mood and
/// minute): a loop in which no time passes, which would never end.
fn looped(visit: &Visit) -> bool {
    let Some(view) = visit.current() else {
        return false;
    };
    let transcript = visit.transcript();
    (0..transcript.len())
        .rev()
        .take_while(|&k| transcript[k].view.minute == visit.minute())
        .any(|k| {
            let mood_before = match k {
                0 => super::starting_mood(visit.persona(), visit.seed()),
                _ => transcript[k - 1].mood_after,
            };
            transcript[k].view.beat_id == view.beat_id && mood_before == visit.mood()
        })
}

fn warn_about_paths(
    library: &Library,
    scenario: &Scenario,
    seed: u64,
    personas: &[PersonaAnalysis],
    reached: &BTreeSet<(usize, usize)>,
    warnings: &mut Vec<Text>,
) {
    for analysis in personas {
        let who = analysis.persona.id();
        // One warning per persona, naming every gate where the starting mood (the seed) sends
        // a listed path elsewhere.
        let mut gates: Vec<&(String, usize)> = Vec::new();
        let mut parted = Vec::new();
        for check in analysis.across_seeds.iter().filter(|c| !c.holds()) {
            let kept = check.endings.values().max().copied().unwrap_or(0);
            parted.push(format!("{} {kept}/{SEEDS}", check.listed_for));
            for gate in &check.gates {
                if !gates.contains(&gate) {
                    gates.push(gate);
                }
            }
        }
        if !parted.is_empty() {
            let named = |zh: bool| {
                gates
                    .iter()
                    .map(|(beat, reply)| match zh {
                        true => format!("节点“{beat}”的第{reply}个回答"),
                        false => format!("\"{beat}\" reply {reply}"),
                    })
                    .collect::<Vec<_>>()
            };
            warnings.push(Text::new(
                format!(
                    "{who}：这些关口由初始心态（种子）决定去向：{}。经过它们的路径在不同种子下结局不同（列出的路径在{SEEDS}个种子中结局相同的次数：{}）。",
                    named(true).join("、"),
                    parted.join("，")
                ),
                format!(
                    "{who}: the starting mood (the seed) decides where the visit goes at {}; listed paths through them end differently on other seeds (same ending on: {})",
                    named(false).join(", "),
                    parted.join(", ")
                ),
            ));
        }
        let needed = if scenario.id.starts_with("drill_") {
            5
        } else {
            12
        };
        if analysis.best.choices.len() < needed {
            warnings.push(Text::new(
                format!(
                    "{who}：最佳路径只有{}个决策；完整场景至少要12个，专项练习（id以drill_开头）至少5个。",
                    analysis.best.choices.len()
                ),
                format!(
                    "{who}: the best path has only {} decisions; a full scenario needs at least 12, a drill (id starting drill_) at least 5",
                    analysis.best.choices.len()
                ),
            ));
        }
        if analysis.best.score < 90 {
            warnings.push(Text::new(
                format!(
                    "{who}：找到的最佳路径只有{}分，没有一条路径达到90分。",
                    analysis.best.score
                ),
                format!(
                    "{who}: no path found reaching 90 (the best scores {})",
                    analysis.best.score
                ),
            ));
        }
    }
    // For a mystery customer an ending may belong to one type only; it must suit some type.
    for ending in &scenario.endings {
        if !personas.iter().any(|p| p.endings.contains_key(&ending.id)) {
            warnings.push(Text::new(
                format!("结局“{}”没有任何路径能到达。", ending.id),
                format!("no path reaches ending \"{}\"", ending.id),
            ));
        }
    }
    for (s, scene) in scenario.scenes.iter().enumerate() {
        if !(0..scene.beats.len()).any(|b| reached.contains(&(s, b))) {
            warnings.push(Text::new(
                format!("场景“{}”被所有路径跳过了。", scene.id),
                format!("every path skips scene \"{}\"", scene.id),
            ));
        }
    }
    // A giveaway: the best-scoring reply is also the longest, beat after beat.
    let (mut longest_best, mut judged) = (0, 0);
    let mut giveaways = Vec::new();
    for beat in scenario.scenes.iter().flat_map(|s| &s.beats) {
        if beat.choices.len() < 3 {
            continue;
        }
        let Some(persona) = personas
            .first()
            .and_then(|p| library.personas.get(&p.persona))
        else {
            continue;
        };
        let points = |i: usize| reply_points(beat, i, persona, library);
        let best = (0..beat.choices.len())
            .max_by_key(|&i| points(i))
            .expect("choices");
        // Longest in either language: trainees read one or the other.
        let longest = |text: fn(&crate::i18n::Text) -> &str| {
            (0..beat.choices.len())
                .max_by_key(|&i| text(&beat.choices[i].text).chars().count())
                .expect("choices")
        };
        judged += 1;
        if best == longest(|t| &t.zh) || best == longest(|t| &t.en) {
            longest_best += 1;
            giveaways.push(beat.id.as_str());
        }
    }
    if judged >= 4 && longest_best * 2 > judged {
        warnings.push(Text::new(
            format!(
                "在{judged}个节点中有{longest_best}个（{}），得分最高的回答也是中文或英文里最长的：学员可能靠长度猜答案。请控制在一半以下。",
                giveaways.join("、")
            ),
            format!(
                "the best reply is also the longest (in Chinese or English) at {longest_best} of {judged} beats ({}): trainees can guess by length; keep it under half",
                giveaways.join(", ")
            ),
        ));
    }
    // The customer's type should matter: the same replies should not score the same for all.
    match &scenario.persona {
        PersonaSpec::Fixed(kind) => {
            let Some(analysis) = personas.first() else {
                return;
            };
            let path: Vec<usize> = analysis.best.choices.iter().map(|c| c - 1).collect();
            let same = PersonaKind::ALL
                .into_iter()
                .filter(|k| k != kind)
                .filter_map(|k| library.personas.get(&k))
                .all(|persona| {
                    let start =
                        Visit::start(std::sync::Arc::new(scenario.clone()), persona.clone(), seed);
                    try_path(&start, &path).is_some_and(|visit| {
                        scoring::score(&visit, &library.catalogue, &library.rubric)
                            .is_some_and(|s| s.total == analysis.best.score)
                            && visit.finish().map(|f| f.outcome) == Some(analysis.best.outcome)
                    })
                });
            if same {
                warnings.push(Text::new(
                    "最佳路径对四种性格的客户得分和结果都一样：客户类型在这里不起作用。",
                    "the best path scores and ends the same with every persona: the customer's type makes no difference here",
                ));
            }
        }
        PersonaSpec::OneOf(_) => {
            for (i, a) in personas.iter().enumerate() {
                for b in &personas[i + 1..] {
                    if a.best.choices == b.best.choices {
                        warnings.push(Text::new(
                            format!("{}和{}的最佳路径完全相同：神秘客户的类型在这里不起作用。", a.persona.id(), b.persona.id()),
                            format!("{} and {} share the same best path: reading the mystery customer makes no difference", a.persona.id(), b.persona.id()),
                        ));
                    }
                }
            }
        }
    }
}

/// Plays a path if every choice is offered along the way.
fn try_path(start: &Visit, path: &[usize]) -> Option<Visit> {
    let mut visit = start.clone();
    for &choice in path {
        visit.choose(choice).ok()?;
    }
    visit.finish().is_some().then_some(visit)
}

/// Techniques that replies on reachable beats carry, and those the rubric's rules can award
/// from them; the rest of the catalogue cannot be tested here.
fn coverage(
    library: &Library,
    scenario: &Scenario,
    reached: &BTreeSet<(usize, usize)>,
) -> (Vec<String>, Vec<String>) {
    let tags: BTreeSet<&str> = scenario
        .scenes
        .iter()
        .enumerate()
        .flat_map(|(s, scene)| {
            scene
                .beats
                .iter()
                .enumerate()
                .filter(move |(b, _)| reached.contains(&(s, *b)))
                .flat_map(|(_, beat)| &beat.choices)
        })
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let any = |patterns: &[String]| {
        patterns
            .iter()
            .any(|p| tags.iter().any(|t| tag_matches(p, t)))
    };
    let mystery = matches!(scenario.persona, PersonaSpec::OneOf(_));
    let mut can: BTreeSet<String> = tags.iter().map(|t| t.to_string()).collect();
    for rule in &library.rubric.rules {
        let testable = match &rule.check {
            Check::Sequence { steps, .. } => steps.iter().any(|s| any(&s.tags)),
            Check::Span { from, to, .. } => [from, to].iter().all(|m| match m {
                Mark::First(t) | Mark::Last(t) => any(t),
                Mark::Start | Mark::End => true,
            }),
            Check::LeaveOnCue { leave, .. } => any(leave),
            Check::ForbiddenBefore {
                tags, after_scene, ..
            } => {
                any(tags)
                    && after_scene.is_none_or(|kind| scenario.scenes.iter().any(|s| s.kind == kind))
            }
            Check::AtMost { tags, .. } => any(tags),
            Check::Balance { ask, talk, .. } => any(ask) || any(talk),
            Check::Identify { .. } => mystery,
        };
        let applies = rule.applies_to(scenario)
            && rule
                .only_with
                .is_none_or(|kind| scenario.scenes.iter().any(|s| s.kind == kind));
        if testable && applies {
            can.insert(rule.technique.clone());
        }
    }
    can.insert(EngineTechnique::Outcome.id().into());
    // Persona fit is scored when the customer met reacts, with points, to a reply's tag.
    let pool: &[PersonaKind] = match &scenario.persona {
        PersonaSpec::Fixed(kind) => std::slice::from_ref(kind),
        PersonaSpec::OneOf(kinds) => kinds,
    };
    for kind in pool {
        let reacts = library.personas.get(kind).is_some_and(|persona| {
            persona
                .reactions
                .iter()
                .any(|r| r.points != 0 && tags.contains(r.tag.as_str()))
        });
        if reacts {
            can.insert(EngineTechnique::PersonaFit(*kind).id().into());
        }
    }
    can.retain(|id| library.technique(id).is_some() && !is_marker(library, id));
    let cannot = library
        .catalogue
        .techniques
        .iter()
        .map(|t| t.id.clone())
        .filter(|id| !can.contains(id) && !is_marker(library, id))
        .collect();
    (can.into_iter().collect(), cannot)
}

/// Which of the analysed scenarios can test one scoreable technique of the catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    pub technique: String,
    pub scenarios: Vec<String>,
}

/// The smallest number of scenarios that should exercise each scoreable technique, so a
/// trainee meets it more than once and a trainer can pick between them.
pub const MIN_COVERAGE: usize = 2;

/// For every scoreable technique of the catalogue, in its order, the analysed scenarios and
/// campaigns that can test it (from each report's `can_test`; a campaign's own decisions).
pub fn coverage_table(
    library: &Library,
    reports: &[Analysis],
    campaigns: &[CampaignAnalysis],
) -> Vec<Coverage> {
    library
        .catalogue
        .techniques
        .iter()
        .filter(|t| !is_marker(library, &t.id))
        .map(|t| Coverage {
            technique: t.id.clone(),
            scenarios: reports
                .iter()
                .filter(|r| r.can_test.contains(&t.id))
                .map(|r| r.scenario.clone())
                .chain(
                    campaigns
                        .iter()
                        .filter(|c| c.can_test.contains(&t.id))
                        .map(|c| c.campaign.clone()),
                )
                .collect(),
        })
        .collect()
}

/// A neutral tag the rules read (no points of its own, not awarded by any rule).
fn is_marker(library: &Library, id: &str) -> bool {
    library.technique(id).is_some_and(|t| t.points == 0)
        && !library.rubric.rules.iter().any(|r| r.technique == id)
        && !PersonaKind::ALL
            .into_iter()
            .any(|kind| EngineTechnique::PersonaFit(kind).id() == id)
}
