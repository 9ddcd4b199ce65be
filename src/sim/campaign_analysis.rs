//! What a campaign can come to: every path through its account decisions and the outcomes its
//! visits can reach, the stages and shares the account ends in, the steps that never come up,
//! and the techniques its decisions test. The account rules are the campaign engine's own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::campaign::Account;
use super::explore::Exploration;
use crate::content::{
    AccountEffects, AccountStage, Campaign, CampaignStep, Library, Outcome, PersonaSpec,
};
use crate::i18n::Text;

#[derive(Clone, Debug, Serialize)]
pub struct CampaignAnalysis {
    pub campaign: String,
    pub visits: usize,
    pub decisions: usize,
    /// For each visit, in order: its scenario and the outcomes some path through it reaches
    /// (from its customer's own trust; the trust earlier steps carry in can put some of them
    /// out of reach, or bring others within it).
    pub visit_outcomes: Vec<(String, Vec<Outcome>)>,
    /// Paths through the campaign: each decision's options the budget allows, and each
    /// visit's reachable outcomes.
    pub paths: u128,
    /// How many of those paths end in each stage.
    pub stages: BTreeMap<AccountStage, u128>,
    /// The lowest and highest share the account ends with.
    pub share: (i32, i32),
    /// A path to the best end (the highest stage, then share), as the picks along it.
    pub best: Vec<String>,
    pub best_stage: AccountStage,
    /// Steps no path brings up (their `when` never holds).
    pub never_comes_up: Vec<String>,
    /// Catalogue techniques the campaign's own decisions can score.
    pub can_test: Vec<String>,
    pub warnings: Vec<Text>,
}

/// Where the account stands between steps, as far as what comes next depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct State {
    step: usize,
    share: i32,
    level: i32,
    budget: i32,
}

/// What the paths from one state come to.
#[derive(Clone, Debug, Default)]
struct Ends {
    paths: u128,
    stages: BTreeMap<AccountStage, u128>,
    share: Option<(i32, i32)>,
    /// The best end reachable and the picks to it.
    best: Option<((AccountStage, i32, i32), Vec<String>)>,
}

impl Ends {
    fn end(account: (i32, i32)) -> Ends {
        let (share, level) = account;
        let stage = AccountStage::of(share, level);
        Ends {
            paths: 1,
            stages: BTreeMap::from([(stage, 1)]),
            share: Some((share, share)),
            best: Some(((stage, share, level), Vec::new())),
        }
    }

    fn add(&mut self, other: &Ends, pick: String) {
        self.paths += other.paths;
        for (stage, n) in &other.stages {
            *self.stages.entry(*stage).or_default() += n;
        }
        self.share = match (self.share, other.share) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        if let Some((key, picks)) = &other.best
            && self.best.as_ref().is_none_or(|(best, _)| key > best)
        {
            let mut path = vec![pick];
            path.extend(picks.iter().cloned());
            self.best = Some((*key, path));
        }
    }
}

struct Walk<'c> {
    campaign: &'c Campaign,
    /// Each visit step's reachable outcomes, by step index.
    outcomes: HashMap<usize, Vec<Outcome>>,
    memo: HashMap<State, Ends>,
    came_up: BTreeSet<usize>,
}

impl Walk<'_> {
    fn from(&mut self, state: State) -> Ends {
        if let Some(known) = self.memo.get(&state) {
            return known.clone();
        }
        let mut state = state;
        while let Some(step) = self.campaign.steps.get(state.step) {
            if step.when().is_none_or(|when| when.holds(state.share)) {
                break;
            }
            state.step += 1;
        }
        let ends = match self.campaign.steps.get(state.step) {
            None => Ends::end((state.share, state.level)),
            Some(step) => {
                self.came_up.insert(state.step);
                let mut ends = Ends::default();
                match step {
                    CampaignStep::Decision(decision) => {
                        for (i, option) in decision.options.iter().enumerate() {
                            if option.cost > state.budget {
                                continue;
                            }
                            let next = moved(state, &option.effects, option.cost);
                            let after = self.from(next);
                            ends.add(&after, format!("{} → {}", decision.id, i + 1));
                        }
                    }
                    CampaignStep::Visit(visit) => {
                        let outcomes = self.outcomes.get(&state.step).cloned().unwrap_or_default();
                        for outcome in outcomes {
                            let effects = visit.outcomes.get(&outcome).cloned().unwrap_or_default();
                            let after = self.from(moved(state, &effects, 0));
                            ends.add(&after, format!("{} → {}", visit.scenario, outcome.id()));
                        }
                    }
                }
                ends
            }
        };
        self.memo.insert(state, ends.clone());
        ends
    }
}

/// The state after `effects` (as the campaign engine applies them) and spending `cost`.
fn moved(state: State, effects: &AccountEffects, cost: i32) -> State {
    let mut account = Account {
        share: state.share,
        level: state.level,
        budget: state.budget - cost,
        trust: BTreeMap::new(),
        before_meeting: BTreeMap::new(),
    };
    account.apply(effects);
    State {
        step: state.step + 1,
        share: account.share,
        level: account.level,
        budget: account.budget,
    }
}

/// Analyses one campaign of the library; each visit's outcomes come from exploring its
/// scenario with the customer `seed` draws (every type of a mystery customer).
pub fn analyze_campaign(library: &Library, campaign: &Campaign, seed: u64) -> CampaignAnalysis {
    let mut visit_outcomes = Vec::new();
    let mut outcomes = HashMap::new();
    for (i, step) in campaign.steps.iter().enumerate() {
        let CampaignStep::Visit(visit) = step else {
            continue;
        };
        let reached: BTreeSet<Outcome> = library
            .scenario(&visit.scenario)
            .map(|scenario| {
                let kinds = match &scenario.persona {
                    PersonaSpec::Fixed(kind) => vec![*kind],
                    PersonaSpec::OneOf(kinds) => kinds.clone(),
                };
                kinds
                    .iter()
                    .filter_map(|kind| library.personas.get(kind))
                    // Outcomes as the campaign counts them: an advance without a commitment is
                    // a continuation.
                    .flat_map(|persona| {
                        let exploration = Exploration::new(scenario, persona, seed);
                        exploration.outcomes().0.into_keys().collect::<Vec<_>>()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let reached: Vec<Outcome> = reached.into_iter().collect();
        visit_outcomes.push((visit.scenario.clone(), reached.clone()));
        outcomes.insert(i, reached);
    }
    let mut walk = Walk {
        campaign,
        outcomes,
        memo: HashMap::new(),
        came_up: BTreeSet::new(),
    };
    let start = State {
        step: 0,
        share: campaign.start.share,
        level: campaign.start.level,
        budget: campaign.start.budget,
    };
    let ends = walk.from(start);
    let never_comes_up: Vec<String> = campaign
        .steps
        .iter()
        .enumerate()
        .filter(|(i, _)| !walk.came_up.contains(i))
        .map(|(_, step)| match step {
            CampaignStep::Visit(visit) => visit.scenario.clone(),
            CampaignStep::Decision(decision) => decision.id.clone(),
        })
        .collect();
    let (best_key, best) = ends
        .best
        .clone()
        .unwrap_or(((AccountStage::Development, 0, 1), Vec::new()));
    let mut warnings = Vec::new();
    if !never_comes_up.is_empty() {
        warnings.push(Text::new(
            format!(
                "这些步骤在任何路径上都不会出现：{}",
                never_comes_up.join("、")
            ),
            format!(
                "no path brings up these steps: {}",
                never_comes_up.join(", ")
            ),
        ));
    }
    if best_key.0 != AccountStage::StrategicCooperation {
        warnings.push(Text::new(
            "没有哪条路径能把客户关系做到战略合作",
            "no path takes the account to strategic cooperation",
        ));
    }
    let can_test: BTreeSet<String> = campaign
        .steps
        .iter()
        .filter_map(|step| match step {
            CampaignStep::Decision(decision) => Some(decision),
            CampaignStep::Visit(_) => None,
        })
        .flat_map(|decision| &decision.options)
        .flat_map(|option| option.tags.iter().cloned())
        .filter(|tag| library.technique(tag).is_some())
        .collect();
    CampaignAnalysis {
        campaign: campaign.id.clone(),
        visits: visit_outcomes.len(),
        decisions: campaign.steps.len() - visit_outcomes.len(),
        visit_outcomes,
        paths: ends.paths,
        stages: ends.stages,
        share: ends.share.unwrap_or((0, 0)),
        best,
        best_stage: best_key.0,
        never_comes_up,
        can_test: can_test.into_iter().collect(),
        warnings,
    }
}
