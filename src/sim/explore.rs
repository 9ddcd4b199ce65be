//! Every path of a scenario, explored through the engine's own `step`. What happens next depends
//! only on the beat, the mood and the clock, so paths that meet in the same state are explored
//! once: the state graph is small even when the number of paths runs into the millions.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::scoring::weight;
use super::{
    PATIENCE_OUT, Position, TIME_OUT, Target, Visit, advance, builtin_finish, counted_outcome,
    reply_effect, starting_mood,
};
use crate::content::{Beat, Library, Mood, Outcome, Persona, Rubric, Scenario};

/// A fast hash: millions of states are looked up, and none of them comes from outside.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A state of the visit: at a beat (by its place in the scenario), in a mood, at a minute.
#[derive(Clone, Copy)]
struct Key {
    beat: u32,
    at: Position,
}

/// A mood as one number: the engine keeps every meter within 0–100, so each fits a byte.
fn mood_key(mood: Mood) -> u32 {
    let meter = |value: i32| u32::from(value.clamp(0, 255) as u8);
    meter(mood.trust) | meter(mood.interest) << 8 | meter(mood.patience) << 16
}

/// States by beat and minute, then by mood; node ids fit 32 bits (4 billion states would not
/// fit in memory).
#[derive(Default)]
struct StateIndex {
    tables: FastMap<(u32, u32), usize>,
    moods: Vec<FastMap<u32, u32>>,
}

impl StateIndex {
    fn moods(&mut self, key: Key) -> &mut FastMap<u32, u32> {
        let count = self.moods.len();
        let table = *self
            .tables
            .entry((key.beat, key.at.minute))
            .or_insert(count);
        if table == count {
            self.moods.push(FastMap::default());
        }
        &mut self.moods[table]
    }
}

/// Where one reply leads from a state. Every state keeps one edge per reply, in file order, so
/// an edge's place is the reply's index.
#[derive(Clone, Copy)]
enum Edge {
    To(u32),
    End(u32),
    /// Back to a state already on the path, with no time passing: never part of a path.
    Loop,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visited {
    Not,
    OnPath,
    Done,
}

/// One explored state, with beats as (scene, beat) positions.
pub struct VisitedState<'e> {
    exploration: &'e Exploration,
    node: usize,
}

impl<'e> VisitedState<'e> {
    pub fn beat(&self) -> (usize, usize) {
        self.exploration.beats[self.exploration.keys[self.node].beat as usize]
    }

    pub fn mood(&self) -> Mood {
        self.exploration.keys[self.node].at.mood
    }

    /// The beats its replies lead to.
    pub fn next(&self) -> impl Iterator<Item = (usize, usize)> + 'e {
        let exploration = self.exploration;
        exploration
            .edges_of(self.node)
            .iter()
            .filter_map(move |edge| match *edge {
                Edge::To(child) => {
                    Some(exploration.beats[exploration.keys[child as usize].beat as usize])
                }
                Edge::End(_) | Edge::Loop => None,
            })
    }
}

/// The state graph of one scenario against one persona, from one starting mood. States are
/// numbered from 0 (the start); each has its key, its edges and its count of paths.
pub struct Exploration {
    keys: Vec<Key>,
    /// Where each state's edges begin in `edges`; it has one per reply of its beat.
    first_edge: Vec<usize>,
    edges: Vec<Edge>,
    /// Distinct paths from each state to an ending.
    paths: Vec<u128>,
    /// Ending ids and the outcome each counts as, indexed by `Edge::End`; the built-in ones
    /// included.
    endings: Vec<(String, Outcome)>,
    beats: Vec<(usize, usize)>,
    /// How many replies each beat offers, by its place in `beats`.
    replies: Vec<usize>,
    /// States in the order their exploration finished: every state after all it leads to.
    finished: Vec<usize>,
    /// A reply that leads back to a state already on the path: a loop where no time passes.
    pub loops: Vec<String>,
    /// The first path found to each ending (choice indices, 0-based).
    pub witnesses: BTreeMap<String, Vec<usize>>,
}

/// What exploring needs beyond the graph itself; dropped once the graph is built.
struct Explorer<'s> {
    scenario: &'s Scenario,
    beat_index: FastMap<&'s str, u32>,
    ending_index: FastMap<&'s str, usize>,
    /// What each reply does to the mood and the clock, by beat then reply: it depends only on
    /// the reply and the persona, so the engine's own `reply_effect` works it out once.
    effects: Vec<Vec<crate::content::Effects>>,
    /// The states found so far: a small table of moods for each beat and minute. A reply
    /// leads to a handful of (beat, minute) pairs, so the tables in use stay in the
    /// processor's cache, where one table of millions of states would not.
    index: StateIndex,
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
        let beat_at = |(s, b): (usize, usize)| &scenario.scenes[s].beats[b];
        let mut endings: Vec<(String, Outcome)> = scenario
            .endings
            .iter()
            .map(|e| {
                let outcome = counted_outcome(e.outcome, e.commitment.as_ref());
                (e.id.clone(), outcome)
            })
            .collect();
        endings.extend(
            [PATIENCE_OUT, TIME_OUT].map(|id| (id.to_string(), builtin_finish(id, 0).outcome)),
        );
        let mut explorer = Explorer {
            scenario,
            beat_index: beats
                .iter()
                .zip(0..)
                .map(|(&place, i)| (beat_at(place).id.as_str(), i))
                .collect(),
            ending_index: scenario
                .endings
                .iter()
                .map(|e| e.id.as_str())
                .chain([PATIENCE_OUT, TIME_OUT])
                .enumerate()
                .map(|(i, id)| (id, i))
                .collect(),
            effects: beats
                .iter()
                .map(|&(s, b)| {
                    let scene = &scenario.scenes[s];
                    let choices = &scene.beats[b].choices;
                    choices
                        .iter()
                        .map(|c| reply_effect(persona, scene, c).0)
                        .collect()
                })
                .collect(),
            index: StateIndex::default(),
        };
        let mut exploration = Exploration {
            keys: Vec::new(),
            first_edge: Vec::new(),
            edges: Vec::new(),
            paths: Vec::new(),
            endings,
            replies: explorer.effects.iter().map(Vec::len).collect(),
            beats,
            finished: Vec::new(),
            loops: Vec::new(),
            witnesses: BTreeMap::new(),
        };
        let mut witnesses: Vec<Option<Vec<usize>>> = vec![None; exploration.endings.len()];
        let mut visited: Vec<Visited> = Vec::new();
        let start = Key {
            beat: explorer.beat_index[scenario.start.as_str()],
            at: Position {
                mood: starting_mood(persona, seed),
                minute: 0,
            },
        };
        let root = exploration.add(start, &mut visited);
        explorer
            .index
            .moods(start)
            .insert(mood_key(start.at.mood), root as u32);
        exploration.expand(root, &mut explorer, &mut visited);
        visited[root] = Visited::OnPath;
        // Depth-first with an explicit stack: (state, next reply to follow). A state's edges are
        // all worked out when it is entered; following them in order keeps the search the same.
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut reply)) = stack.last_mut() {
            let edges = exploration.edge_range(node);
            if *reply == edges.len() {
                exploration.paths[node] = exploration.edges[edges]
                    .iter()
                    .map(|edge| match *edge {
                        Edge::To(child) => exploration.paths[child as usize],
                        Edge::End(_) => 1,
                        Edge::Loop => 0,
                    })
                    .sum();
                exploration.finished.push(node);
                visited[node] = Visited::Done;
                stack.pop();
                continue;
            }
            let edge = edges.start + *reply;
            *reply += 1;
            match exploration.edges[edge] {
                Edge::End(ending) => {
                    // The replies on the stack lead here; each frame has moved past its own.
                    witnesses[ending as usize]
                        .get_or_insert_with(|| stack.iter().map(|&(_, r)| r - 1).collect());
                }
                Edge::To(child) => match visited[child as usize] {
                    Visited::OnPath => {
                        exploration.edges[edge] = Edge::Loop;
                        let beat = exploration.beats[exploration.keys[node].beat as usize];
                        exploration.loops.push(beat_at(beat).id.clone());
                    }
                    Visited::Done => {}
                    Visited::Not => {
                        let child = child as usize;
                        exploration.expand(child, &mut explorer, &mut visited);
                        visited[child] = Visited::OnPath;
                        stack.push((child, 0));
                    }
                },
                Edge::Loop => {}
            }
        }
        exploration.witnesses = witnesses
            .into_iter()
            .zip(&exploration.endings)
            .filter_map(|(path, (id, _))| Some((id.clone(), path?)))
            .collect();
        exploration
    }

    /// A new state, not yet entered.
    fn add(&mut self, key: Key, visited: &mut Vec<Visited>) -> usize {
        let id = self.keys.len();
        self.keys.push(key);
        self.first_edge.push(0);
        self.paths.push(0);
        visited.push(Visited::Not);
        id
    }

    /// Works out where each reply of a state leads, through the engine's own `advance`.
    fn expand(&mut self, node: usize, explorer: &mut Explorer, visited: &mut Vec<Visited>) {
        let key = self.keys[node];
        let (s, b) = self.beats[key.beat as usize];
        let beat = &explorer.scenario.scenes[s].beats[b];
        self.first_edge[node] = self.edges.len();
        for (reply, choice) in beat.choices.iter().enumerate() {
            let delta = explorer.effects[key.beat as usize][reply];
            // Which reactions fired does not change where the reply leads.
            let moved = advance(explorer.scenario, choice, key.at, delta, Vec::new());
            let edge = match moved.to {
                Target::Ending(id) => Edge::End(explorer.ending_index[id] as u32),
                Target::Beat(id) => {
                    let next = Key {
                        beat: explorer.beat_index[id],
                        at: moved.at,
                    };
                    match explorer.index.moods(next).entry(mood_key(next.at.mood)) {
                        Entry::Occupied(found) => Edge::To(*found.get()),
                        Entry::Vacant(new) => {
                            let child = self.add(next, visited);
                            new.insert(child as u32);
                            Edge::To(child as u32)
                        }
                    }
                }
            };
            self.edges.push(edge);
        }
    }

    fn edge_range(&self, node: usize) -> std::ops::Range<usize> {
        let start = self.first_edge[node];
        start..start + self.replies[self.keys[node].beat as usize]
    }

    fn edges_of(&self, node: usize) -> &[Edge] {
        &self.edges[self.edge_range(node)]
    }

    fn beat<'s>(&self, scenario: &'s Scenario, beat: u32) -> &'s Beat {
        let (s, b) = self.beats[beat as usize];
        &scenario.scenes[s].beats[b]
    }

    /// Distinct states explored.
    pub fn states(&self) -> usize {
        self.keys.len()
    }

    /// Distinct paths (sequences of replies) from the start to an ending.
    pub fn paths(&self) -> u128 {
        self.paths.first().copied().unwrap_or(0)
    }

    /// How many paths end in each outcome, and at each ending.
    pub fn outcomes(&self) -> (BTreeMap<Outcome, u128>, BTreeMap<String, u128>) {
        let mut ways = vec![0u128; self.keys.len()];
        if let Some(start) = ways.first_mut() {
            *start = 1;
        }
        let mut at_ending = vec![0u128; self.endings.len()];
        // Reverse finishing order is a topological order: every state before what it leads to.
        for &node in self.finished.iter().rev() {
            for edge in self.edges_of(node) {
                match *edge {
                    Edge::To(child) => ways[child as usize] += ways[node],
                    Edge::End(ending) => at_ending[ending as usize] += ways[node],
                    Edge::Loop => {}
                }
            }
        }
        let mut outcomes = BTreeMap::new();
        let mut endings = BTreeMap::new();
        for ((id, outcome), ways) in self.endings.iter().zip(at_ending) {
            if ways > 0 {
                *outcomes.entry(*outcome).or_default() += ways;
                endings.insert(id.clone(), ways);
            }
        }
        (outcomes, endings)
    }

    /// How many paths pass through each beat (at least once), by (scene, beat) position. A
    /// beat no path can come back to is passed once per path that passes it: the paths into
    /// each of its states times the paths out. For a beat a path can return to (a circle in
    /// the scenario), the paths that avoid it are counted and taken from all paths.
    pub fn paths_through_beats(&self, scenario: &Scenario) -> BTreeMap<(usize, usize), u128> {
        let mut ways = vec![0u128; self.keys.len()];
        if let Some(start) = ways.first_mut() {
            *start = 1;
        }
        // Reverse finishing order: every state before what it leads to.
        for &node in self.finished.iter().rev() {
            for edge in self.edges_of(node) {
                if let Edge::To(child) = *edge {
                    ways[child as usize] += ways[node];
                }
            }
        }
        let mut through = vec![0u128; self.beats.len()];
        for (node, key) in self.keys.iter().enumerate() {
            through[key.beat as usize] += ways[node].saturating_mul(self.paths[node]);
        }
        let returns = self.beats_on_circles(scenario);
        let counted: Vec<(usize, u128)> = (0..self.beats.len())
            .into_par_iter()
            .filter(|&beat| returns[beat])
            .map(|beat| (beat, self.paths() - self.paths_avoiding(beat)))
            .collect();
        for (beat, paths) in counted {
            through[beat] = paths;
        }
        self.beats.iter().copied().zip(through).collect()
    }

    /// Paths from the start that never pass `beat`.
    fn paths_avoiding(&self, beat: usize) -> u128 {
        let mut avoiding = vec![0u128; self.keys.len()];
        // Finishing order: every state after all it leads to.
        for &node in &self.finished {
            if self.keys[node].beat as usize == beat {
                continue;
            }
            avoiding[node] = self
                .edges_of(node)
                .iter()
                .map(|edge| match *edge {
                    Edge::To(child) => avoiding[child as usize],
                    Edge::End(_) => 1,
                    Edge::Loop => 0,
                })
                .sum();
        }
        avoiding.first().copied().unwrap_or(0)
    }

    /// For each beat, whether some reply leads from it, through any gate and later beats,
    /// back to it.
    fn beats_on_circles(&self, scenario: &Scenario) -> Vec<bool> {
        let place: HashMap<&str, usize> = self
            .beats
            .iter()
            .enumerate()
            .map(|(i, &(s, b))| (scenario.scenes[s].beats[b].id.as_str(), i))
            .collect();
        let next: Vec<Vec<usize>> = self
            .beats
            .iter()
            .map(|&(s, b)| {
                let mut to = Vec::new();
                for choice in &scenario.scenes[s].beats[b].choices {
                    choice.next.targets(&mut to, &mut Vec::new());
                }
                to.iter().map(|id| place[id]).collect()
            })
            .collect();
        (0..self.beats.len())
            .map(|beat| {
                let mut seen = vec![false; self.beats.len()];
                let mut stack = next[beat].clone();
                while let Some(at) = stack.pop() {
                    if at == beat {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[at], true) {
                        stack.extend(&next[at]);
                    }
                }
                false
            })
            .collect()
    }

    /// Every state explored.
    pub fn states_visited(&self) -> impl Iterator<Item = VisitedState<'_>> {
        (0..self.keys.len()).map(|node| VisitedState {
            exploration: self,
            node,
        })
    }

    /// `count` paths drawn uniformly among all paths (choice indices, 0-based).
    pub fn sample(&self, count: usize, seed: u64) -> Vec<Vec<usize>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..count)
            .map(|_| {
                let mut path = Vec::new();
                let mut node = 0;
                loop {
                    let total = self.paths[node];
                    let mut pick = rng.random_range(0..total.max(1));
                    let mut next = None;
                    for (choice, edge) in self.edges_of(node).iter().enumerate() {
                        let weight = match *edge {
                            Edge::To(child) => self.paths[child as usize],
                            Edge::End(_) => 1,
                            Edge::Loop => 0,
                        };
                        if pick < weight {
                            path.push(choice);
                            next = Some(*edge);
                            break;
                        }
                        pick -= weight;
                    }
                    match next {
                        Some(Edge::To(child)) => node = child as usize,
                        _ => break,
                    }
                }
                path
            })
            .collect()
    }

    /// The paths that maximise and minimise the points each reply's tags and the persona's
    /// reactions are worth, plus the outcome: exact over every path for these additive points,
    /// strong candidates for the best and worst score, which are then computed in full.
    pub fn extreme_paths(
        &self,
        scenario: &Scenario,
        persona: &Persona,
        library: &Library,
    ) -> (Vec<usize>, Vec<usize>) {
        // A reply is worth the same in every state of its beat: priced once per beat.
        let points: Vec<Vec<i64>> = (0..self.beats.len())
            .map(|beat| {
                let beat = self.beat(scenario, beat as u32);
                (0..beat.choices.len())
                    .map(|i| reply_points(beat, i, persona, library))
                    .collect()
            })
            .collect();
        let ending_points: Vec<i64> = self
            .endings
            .iter()
            .map(|&(_, outcome)| outcome_points(&library.rubric, outcome))
            .collect();
        let worth = Worth {
            points,
            ending_points,
        };
        let mut value = vec![(0i64, 0i64); self.keys.len()];
        for &node in &self.finished {
            let most = self.pick(node, &worth, &value, true).map_or(0, |(v, _)| v);
            let fewest = self.pick(node, &worth, &value, false).map_or(0, |(v, _)| v);
            value[node] = (most, fewest);
        }
        let path = |most: bool| {
            let mut path = Vec::new();
            let mut node = 0;
            while let Some((_, reply)) = self
                .keys
                .get(node)
                .and_then(|_| self.pick(node, &worth, &value, most))
            {
                path.push(reply);
                match self.edges_of(node)[reply] {
                    Edge::To(child) => node = child as usize,
                    Edge::End(_) | Edge::Loop => break,
                }
            }
            path
        };
        (path(true), path(false))
    }

    /// The first reply of a state leading to the most (fewest) points, and those points, once
    /// every state it leads to has its (most, fewest) value.
    fn pick(
        &self,
        node: usize,
        worth: &Worth,
        value: &[(i64, i64)],
        most: bool,
    ) -> Option<(i64, usize)> {
        let here = &worth.points[self.keys[node].beat as usize];
        let mut chosen: Option<(i64, usize)> = None;
        for (i, edge) in self.edges_of(node).iter().enumerate() {
            let after = match *edge {
                Edge::To(child) if most => value[child as usize].0,
                Edge::To(child) => value[child as usize].1,
                Edge::End(ending) => worth.ending_points[ending as usize],
                Edge::Loop => continue,
            };
            let total = here[i] + after;
            let better = |v: i64| if most { total > v } else { total < v };
            if chosen.is_none_or(|(v, _)| better(v)) {
                chosen = Some((total, i));
            }
        }
        chosen
    }
}

/// Weighted points of each reply, by beat then reply, and of each ending's outcome.
struct Worth {
    points: Vec<Vec<i64>>,
    ending_points: Vec<i64>,
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
