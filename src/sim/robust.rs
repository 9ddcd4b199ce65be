//! Paths that hold on every seed. The seed draws the starting mood within the persona's spread,
//! so a path found from one starting mood may be turned elsewhere by a gate from another. This
//! search follows the starting moods of many seeds at once, as the range from the lowest to the
//! highest of each meter, and takes a reply only where the engine sends that whole range the same
//! way: a path it finds passes the same beats and ends the same way on every one of those seeds.
//!
//! A gate asking for two meters can be passed by every seed while the range cannot show it (one
//! seed high in trust, another in interest); a path through such a gate is not found. Each path
//! found is exact.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{MoodRange, Target, advance_range, reply_effect, starting_mood};
use crate::content::{Beat, Effects, Persona, Scenario, Scene};

/// A fast hash: the states are small and none of them comes from outside.
type FastSet<T> = HashSet<T, foldhash::fast::FixedState>;

/// States the search enters before it gives up on the endings still without a path: enough for
/// every shipped scenario but the largest, which it keeps to about a second.
pub const STATE_LIMIT: usize = 1_000_000;

/// What the search found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobustPaths {
    /// For each ending reached on every seed, one path there (choice indices, 0-based).
    pub paths: BTreeMap<String, Vec<usize>>,
    /// The search stopped at `STATE_LIMIT`: an ending without a path may still have one.
    pub stopped: bool,
}

/// One state of the search: a beat (by its place), the minute (the same on every seed, as
/// minutes depend only on the replies) and the range of the seeds' moods.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Joint {
    beat: usize,
    minute: u32,
    range: MoodRange,
}

/// For each of the `wanted` endings of `scenario` that some path reaches against `persona` on
/// every one of `seeds`, one such path (choice indices, 0-based). Depth-first over the states
/// the seeds can share; it stops once every wanted ending has a path, or at `STATE_LIMIT`.
pub fn robust_paths(
    scenario: &Scenario,
    persona: &Persona,
    seeds: impl IntoIterator<Item = u64>,
    wanted: &BTreeSet<&str>,
) -> RobustPaths {
    let beats: Vec<(&Scene, &Beat)> = scenario
        .scenes
        .iter()
        .flat_map(|s| s.beats.iter().map(move |b| (s, b)))
        .collect();
    let place: HashMap<&str, usize> = beats
        .iter()
        .enumerate()
        .map(|(i, (_, beat))| (beat.id.as_str(), i))
        .collect();
    let range = seeds
        .into_iter()
        .map(|seed| MoodRange::one(starting_mood(persona, seed)))
        .reduce(|a, b| MoodRange {
            low: a.low.min_each(b.low),
            high: a.high.max_each(b.high),
        })
        .expect("at least one seed");
    let start = Joint {
        beat: place[scenario.start.as_str()],
        minute: 0,
        range,
    };
    // What each reply does to the mood depends only on the reply and the persona.
    let deltas: Vec<Vec<Effects>> = beats
        .iter()
        .map(|(scene, beat)| {
            let replies = beat.choices.iter();
            replies.map(|c| reply_effect(persona, scene, c).0).collect()
        })
        .collect();
    let mut found = BTreeMap::new();
    let mut visited = FastSet::from_iter([start]);
    // (state, next reply to follow); the replies on the stack are the path to the top state.
    let mut stack = vec![(start, 0usize)];
    while let Some((joint, reply)) = stack.last_mut() {
        let joint = *joint;
        let Some(choice) = beats[joint.beat].1.choices.get(*reply) else {
            stack.pop();
            continue;
        };
        let delta = deltas[joint.beat][*reply];
        *reply += 1;
        match advance_range(scenario, choice, joint.range, joint.minute, delta) {
            // Some seeds would go elsewhere here.
            None => {}
            Some((_, _, Target::Ending(id))) if wanted.contains(id) && !found.contains_key(id) => {
                let path = stack.iter().map(|(_, reply)| reply - 1).collect();
                found.insert(id.to_string(), path);
                if found.len() == wanted.len() {
                    break;
                }
            }
            Some((_, _, Target::Ending(_))) => {}
            Some((range, minute, Target::Beat(id))) => {
                let next = Joint {
                    beat: place[id],
                    minute,
                    range,
                };
                if visited.insert(next) {
                    if visited.len() > STATE_LIMIT {
                        return RobustPaths {
                            paths: found,
                            stopped: true,
                        };
                    }
                    stack.push((next, 0));
                }
            }
        }
    }
    RobustPaths {
        paths: found,
        stopped: false,
    }
}
