//! Every path of a scenario, explored through the engine's own `step`. What happens next depends
//! only on the beat, the mood and the clock, so paths that meet in the same state are explored
//! once: the state graph is small even when the number of paths runs into the millions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::scoring::weight;
use super::{
    PATIENCE_OUT, Position, TIME_OUT, Target, Visit, advance, builtin_finish, counted_outcome,
    reply_effect, starting_mood,
};
use crate::content::{Beat, Library, Outcome, Persona, Rubric, Scenario};

/// A state of the visit: at a beat (by its place in the scenario), in a mood, at a minute.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    beat: usize,
    at: Position,
}

#[derive(Clone, Copy)]
enum Edge {
    To(usize),
    End { ending: usize, outcome: Outcome },
}

struct Node {
    key: Key,
    edges: Vec<Edge>,
    /// Distinct paths from here to an ending.
    paths: u128,
}

/// One explored state, with beats as (scene, beat) positions.
pub struct VisitedState {
    pub beat: (usize, usize),
    pub mood: crate::content::Mood,
    pub next: Vec<(usize, usize)>,
}

/// The state graph of one scenario against one persona, from one starting mood.
pub struct Exploration {
    nodes: Vec<Node>,
    /// Ending ids, indexed by `Edge::End::ending`; the built-in ones included.
    endings: Vec<String>,
    beats: Vec<(usize, usize)>,
    /// Nodes in the order their exploration finished: every node after all it leads to.
    finished: Vec<usize>,
    /// A reply that leads back to a state already on the path: a loop where no time passes.
    pub loops: Vec<String>,
    /// The first path found to each ending (choice indices, 0-based).
    pub witnesses: BTreeMap<String, Vec<usize>>,
}

impl Exploration {
    /// Explores every path of `scenario` against `persona`, starting in the mood the seed draws.
    pub fn new(scenario: &Scenario, persona: &Persona, seed: u64) -> Exploration {
        let beats: Vec<(usize, usize)> = scenario
            .scenes
            .iter()
            .enumerate()
            .flat_map(|(s, scene)| (0..scene.beats.len()).map(move |b| (s, b)))
            .collect();
        let beat_index: HashMap<&str, usize> = beats
            .iter()
            .enumerate()
            .map(|(i, &(s, b))| (scenario.scenes[s].beats[b].id.as_str(), i))
            .collect();
        let mut endings: Vec<String> = scenario.endings.iter().map(|e| e.id.clone()).collect();
        endings.extend([PATIENCE_OUT.to_string(), TIME_OUT.to_string()]);
        let ending_index: HashMap<String, (usize, Outcome)> = endings
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let outcome = scenario.endings.iter().find(|e| &e.id == id).map_or_else(
                    || builtin_finish(id, 0).outcome,
                    |e| counted_outcome(e.outcome, e.commitment.as_ref()),
                );
                (id.clone(), (i, outcome))
            })
            .collect();
        let mut exploration = Exploration {
            nodes: Vec::new(),
            endings,
            beats,
            finished: Vec::new(),
            loops: Vec::new(),
            witnesses: BTreeMap::new(),
        };
        let start = Key {
            beat: beat_index[scenario.start.as_str()],
            at: Position {
                mood: starting_mood(persona, seed),
                minute: 0,
            },
        };
        // A fast hash: millions of states are looked up, and none of them comes from outside.
        let mut index: HashMap<Key, usize, foldhash::fast::FixedState> = HashMap::default();
        let mut on_path: Vec<bool> = Vec::new();
        // What each reply does to the mood and the clock depends only on the reply and the
        // persona, so it is worked out once per reply, by the engine's own `reply_effect`.
        let effects: Vec<Vec<(crate::content::Effects, Vec<usize>)>> = exploration
            .beats
            .iter()
            .map(|&(s, b)| {
                scenario.scenes[s].beats[b]
                    .choices
                    .iter()
                    .map(|choice| reply_effect(persona, choice))
                    .collect()
            })
            .collect();
        // Depth-first with an explicit stack: (node, next choice to try).
        let root = exploration.add(start, &mut index);
        let mut stack = vec![(root, 0usize)];
        on_path.push(true);
        while let Some(&mut (node, ref mut choice)) = stack.last_mut() {
            let key = exploration.nodes[node].key;
            let beat = exploration.beat(scenario, key.beat);
            if *choice == beat.choices.len() {
                let paths = exploration.nodes[node]
                    .edges
                    .iter()
                    .map(|edge| match *edge {
                        Edge::To(child) => exploration.nodes[child].paths,
                        Edge::End { .. } => 1,
                    })
                    .sum();
                exploration.nodes[node].paths = paths;
                exploration.finished.push(node);
                on_path[node] = false;
                stack.pop();
                continue;
            }
            let this = *choice;
            *choice += 1;
            let (delta, reactions) = effects[key.beat][this].clone();
            let moved = advance(scenario, &beat.choices[this], key.at, delta, reactions);
            let edge = match moved.to {
                Target::Ending(id) => {
                    let (ending, outcome) = ending_index[id];
                    if !exploration.witnesses.contains_key(id) {
                        // The choices on the stack lead here; each frame has moved past its own.
                        let path = stack.iter().map(|&(_, c)| c - 1).collect();
                        exploration.witnesses.insert(id.to_string(), path);
                    }
                    Edge::End { ending, outcome }
                }
                Target::Beat(id) => {
                    let next = Key {
                        beat: beat_index[id],
                        at: moved.at,
                    };
                    match index.get(&next) {
                        Some(&child) if on_path[child] => {
                            exploration.loops.push(beat.id.clone());
                            continue;
                        }
                        Some(&child) => Edge::To(child),
                        None => {
                            let child = exploration.add(next, &mut index);
                            stack.push((child, 0));
                            on_path.push(true);
                            Edge::To(child)
                        }
                    }
                }
            };
            exploration.nodes[node].edges.push(edge);
        }
        exploration
    }

    fn add<S: std::hash::BuildHasher>(
        &mut self,
        key: Key,
        index: &mut HashMap<Key, usize, S>,
    ) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            key,
            edges: Vec::new(),
            paths: 0,
        });
        index.insert(key, id);
        id
    }

    fn beat<'s>(&self, scenario: &'s Scenario, beat: usize) -> &'s Beat {
        let (s, b) = self.beats[beat];
        &scenario.scenes[s].beats[b]
    }

    /// Distinct states explored.
    pub fn states(&self) -> usize {
        self.nodes.len()
    }

    /// Distinct paths (sequences of replies) from the start to an ending.
    pub fn paths(&self) -> u128 {
        self.nodes.first().map_or(0, |n| n.paths)
    }

    /// How many paths end in each outcome, and at each ending.
    pub fn outcomes(&self) -> (BTreeMap<Outcome, u128>, BTreeMap<String, u128>) {
        let mut ways = vec![0u128; self.nodes.len()];
        if !ways.is_empty() {
            ways[0] = 1;
        }
        let mut outcomes = BTreeMap::new();
        let mut endings = BTreeMap::new();
        // Reverse finishing order is a topological order: every node before what it leads to.
        for &node in self.finished.iter().rev() {
            for edge in &self.nodes[node].edges {
                match *edge {
                    Edge::To(child) => ways[child] += ways[node],
                    Edge::End { ending, outcome } => {
                        *outcomes.entry(outcome).or_default() += ways[node];
                        *endings.entry(self.endings[ending].clone()).or_default() += ways[node];
                    }
                }
            }
        }
        (outcomes, endings)
    }

    /// Every state explored: its beat, the mood there, and the beats its replies lead to.
    pub fn states_visited(&self) -> Vec<VisitedState> {
        self.nodes
            .iter()
            .map(|node| {
                let next = node
                    .edges
                    .iter()
                    .filter_map(|edge| match *edge {
                        Edge::To(child) => Some(self.beats[self.nodes[child].key.beat]),
                        Edge::End { .. } => None,
                    })
                    .collect();
                VisitedState {
                    beat: self.beats[node.key.beat],
                    mood: node.key.at.mood,
                    next,
                }
            })
            .collect()
    }

    /// The beats some path passes through, by (scene, beat) position.
    pub fn reached_beats(&self) -> BTreeSet<(usize, usize)> {
        self.nodes.iter().map(|n| self.beats[n.key.beat]).collect()
    }

    /// `count` paths drawn uniformly among all paths (choice indices, 0-based).
    pub fn sample(&self, count: usize, seed: u64) -> Vec<Vec<usize>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..count)
            .map(|_| {
                let mut path = Vec::new();
                let mut node = 0;
                loop {
                    let total = self.nodes[node].paths;
                    let mut pick = rng.random_range(0..total.max(1));
                    let mut next = None;
                    for (choice, edge) in self.nodes[node].edges.iter().enumerate() {
                        let weight = match *edge {
                            Edge::To(child) => self.nodes[child].paths,
                            Edge::End { .. } => 1,
                        };
                        if pick < weight {
                            path.push(choice);
                            next = Some(*edge);
                            break;
                        }
                        pick -= weight;
                    }
                    match next {
                        Some(Edge::To(child)) => node = child,
                        _ => break,
                    }
                }
                path
            })
            .collect()
    }

    /// The path that maximises (or minimises) the points each reply's tags and the persona's
    /// reactions are worth, plus the outcome: exact over every path for these additive points,
    /// a strong candidate for the best (worst) score, which is then computed in full.
    pub fn extreme_path(
        &self,
        scenario: &Scenario,
        persona: &Persona,
        library: &Library,
        best: bool,
    ) -> Vec<usize> {
        let better = |a: i64, b: i64| if best { a > b } else { a < b };
        let mut value = vec![0i64; self.nodes.len()];
        let mut pick = vec![0usize; self.nodes.len()];
        for &node in &self.finished {
            let beat = self.beat(scenario, self.nodes[node].key.beat);
            let mut chosen: Option<(i64, usize)> = None;
            for (i, edge) in self.nodes[node].edges.iter().enumerate() {
                let here = reply_points(beat, i, persona, library);
                let after = match *edge {
                    Edge::To(child) => value[child],
                    Edge::End { outcome, .. } => outcome_points(&library.rubric, outcome),
                };
                if chosen.is_none_or(|(v, _)| better(here + after, v)) {
                    chosen = Some((here + after, i));
                }
            }
            if let Some((v, i)) = chosen {
                value[node] = v;
                pick[node] = i;
            }
        }
        let mut path = Vec::new();
        let mut node = 0;
        while let Some(edge) = self.nodes.get(node).and_then(|n| n.edges.get(pick[node])) {
            path.push(pick[node]);
            match *edge {
                Edge::To(child) => node = child,
                Edge::End { .. } => break,
            }
        }
        path
    }
}

/// Weighted points a reply's own tags and the persona's reactions to them are worth.
pub(crate) fn reply_points(
    beat: &Beat,
    choice: usize,
    persona: &Persona,
    library: &Library,
) -> i64 {
    let rubric = &library.rubric;
    let tags = &beat.choices[choice].tags;
    let techniques: i64 = tags
        .iter()
        .filter_map(|tag| library.technique(tag))
        .map(|t| t.points as i64 * weight(rubric, &t.category))
        .sum();
    let reactions: i64 = persona
        .reactions
        .iter()
        .filter(|r| tags.contains(&r.tag))
        .map(|r| r.points as i64 * weight(rubric, &rubric.persona_fit_category))
        .sum();
    techniques + reactions
}

fn outcome_points(rubric: &Rubric, outcome: Outcome) -> i64 {
    rubric.outcome_points.get(&outcome).copied().unwrap_or(0) as i64
        * weight(rubric, &rubric.outcome_category)
}

/// Replays a path of choice indices through a real visit.
pub fn replay(visit: &Visit, path: &[usize]) -> Visit {
    let mut visit = visit.clone();
    for &choice in path {
        visit.choose(choice).expect("explored paths are playable");
    }
    visit
}
