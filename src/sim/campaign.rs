//! A campaign in play: account decisions and visits in order, the relationship carried from each
//! step to the next, and the score of the whole. Like a visit, a campaign is fully determined by
//! (its content, the seed, the list of choices): each decision's option and each visit's replies,
//! in the order they were made.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::scoring::{CategoryScore, category_scores};
use super::{Score, ScoreEvent, SimError, Visit, resolve_persona, scoring};
use crate::content::{
    AccountDecision, AccountEffects, AccountStage, AccountStart, Campaign, CampaignRubric,
    CampaignStep, Library, PersonaKind,
};
use crate::i18n::{Lang, stage_name, tr};

/// Where the relationship stands between steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Percent of the customer's purchases that come from us.
    pub share: i32,
    /// The level of the relationship, 1–3.
    pub level: i32,
    /// Days of time and money left for the account.
    pub budget: i32,
    /// Trust with each person known so far, by contact id.
    pub trust: BTreeMap<String, i32>,
    /// For people not met yet: how much the steps so far have moved the trust they will meet
    /// the trainee with (an introduction, a slight), on top of their type's usual trust.
    pub before_meeting: BTreeMap<String, i32>,
}

impl Account {
    fn start(campaign: &Campaign) -> Account {
        let AccountStart {
            share,
            level,
            budget,
        } = campaign.start;
        Account {
            share,
            level,
            budget,
            trust: campaign
                .contacts
                .iter()
                .filter_map(|c| Some((c.id.clone(), c.trust?)))
                .collect(),
            before_meeting: BTreeMap::new(),
        }
    }

    pub fn stage(&self) -> AccountStage {
        AccountStage::of(self.share, self.level)
    }

    /// Moves the account. A change of trust with someone not met yet waits for the meeting.
    pub(crate) fn apply(&mut self, effects: &AccountEffects) {
        self.share = (self.share + effects.share).clamp(0, 100);
        self.level = (self.level + effects.level).clamp(1, 3);
        for (contact, change) in &effects.trust {
            match self.trust.get_mut(contact) {
                Some(trust) => *trust = (*trust + change).clamp(0, 100),
                None => *self.before_meeting.entry(contact.clone()).or_default() += change,
            }
        }
    }

    /// The trust `contact` meets the trainee with: where earlier steps left it, or for a first
    /// meeting their type's own (`drawn`) moved by what happened before it; none when nothing
    /// moves the type's own.
    fn trust_at_door(&self, contact: &str, drawn: i32) -> Option<i32> {
        match (self.trust.get(contact), self.before_meeting.get(contact)) {
            (Some(&trust), _) => Some(trust),
            (None, Some(&change)) => Some((drawn + change).clamp(0, 100)),
            (None, None) => None,
        }
    }
}

/// The notebook guess of a campaign visit: at step `step`, after `after_replies` replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CampaignGuess {
    pub step: usize,
    pub kind: PersonaKind,
    pub after_replies: usize,
}

impl CampaignGuess {
    /// As a record keeps them: `step:type@replies` joined by `;`, e.g. `6:driver@2`.
    pub fn format(guesses: &[CampaignGuess]) -> Option<String> {
        (!guesses.is_empty()).then(|| {
            guesses
                .iter()
                .map(|g| format!("{}:{}@{}", g.step, g.kind.id(), g.after_replies))
                .collect::<Vec<_>>()
                .join(";")
        })
    }

    /// Reads what `format` wrote; none if any part is unreadable.
    pub fn parse(text: &str) -> Option<Vec<CampaignGuess>> {
        text.split(';')
            .map(|part| {
                let (step, rest) = part.split_once(':')?;
                let (kind, after) = rest.split_once('@')?;
                Some(CampaignGuess {
                    step: step.parse().ok()?,
                    kind: PersonaKind::parse(kind)?,
                    after_replies: after.parse().ok()?,
                })
            })
            .collect()
    }
}

/// One step the trainee has finished.
#[derive(Clone, Debug, Serialize)]
pub enum Done {
    /// An account decision: the step's index, the option chosen (0-based) and the account after.
    Decision {
        step: usize,
        option: usize,
        account: Account,
    },
    /// A visit: the step's index, the finished visit, its score and the account after.
    Visit {
        step: usize,
        #[serde(skip)]
        visit: Box<Visit>,
        score: Box<Score>,
        /// The trust the visit started from when earlier steps set it (none: the type's own).
        known_trust: Option<i32>,
        account: Account,
    },
}

impl Done {
    /// The index of the campaign step this was.
    pub fn step(&self) -> usize {
        match self {
            Done::Decision { step, .. } | Done::Visit { step, .. } => *step,
        }
    }

    pub fn account(&self) -> &Account {
        match self {
            Done::Decision { account, .. } | Done::Visit { account, .. } => account,
        }
    }
}

/// What the trainee faces now.
#[derive(Debug)]
pub enum Now<'a> {
    /// An account decision, with whether the budget left can pay for each option.
    Decision {
        decision: &'a AccountDecision,
        affordable: Vec<bool>,
    },
    /// A visit in progress.
    Visit(&'a Visit),
    /// The campaign is over.
    Finished,
}

/// A campaign being played, on the library it began on.
#[derive(Clone, Debug)]
pub struct CampaignRun {
    library: Arc<Library>,
    campaign: Arc<Campaign>,
    seed: u64,
    account: Account,
    done: Vec<Done>,
    /// The index of the current step (the number of steps once the campaign is over); steps
    /// whose `when` did not hold were passed over.
    step: usize,
    /// The visit of the current step, when it is a visit.
    visit: Option<Visit>,
}

impl CampaignRun {
    /// Starts the campaign `id` of `library` with this seed (each visit uses it too).
    pub fn begin(library: Arc<Library>, id: &str, seed: u64) -> Result<CampaignRun, SimError> {
        let campaign = Arc::clone(
            library
                .campaign(id)
                .ok_or_else(|| SimError::UnknownCampaign(id.to_string()))?,
        );
        let mut run = CampaignRun {
            account: Account::start(&campaign),
            library,
            campaign,
            seed,
            done: Vec::new(),
            step: 0,
            visit: None,
        };
        run.enter_step()?;
        Ok(run)
    }

    /// Plays a recorded campaign again from its choices, noting each visit's notebook guess
    /// after as many of that visit's replies as it was noted after.
    pub fn replay(
        library: Arc<Library>,
        id: &str,
        seed: u64,
        choices: &[usize],
        guesses: &[CampaignGuess],
    ) -> Result<CampaignRun, SimError> {
        let mut run = CampaignRun::begin(library, id, seed)?;
        for &choice in choices {
            run.note_due_guesses(guesses);
            run.choose(choice)?;
        }
        run.note_due_guesses(guesses);
        Ok(run)
    }

    /// Notes the guesses due at this moment of the current visit (see `replay`).
    pub fn note_due_guesses(&mut self, guesses: &[CampaignGuess]) {
        let step = self.step;
        let Some(visit) = &mut self.visit else {
            return;
        };
        let made = visit.transcript().len();
        for guess in guesses
            .iter()
            .filter(|g| g.step == step && g.after_replies == made)
        {
            visit.note_persona(guess.kind);
        }
    }

    /// Notes in the notebook which type the customer of the current visit is.
    pub fn note_persona(&mut self, kind: PersonaKind) {
        if let Some(visit) = &mut self.visit {
            visit.note_persona(kind);
        }
    }

    /// Every visit's notebook guess, by step: what a record keeps to replay them.
    pub fn guesses(&self) -> Vec<CampaignGuess> {
        let finished = self.done.iter().filter_map(|done| match done {
            Done::Visit { step, visit, .. } => Some((*step, visit.as_ref())),
            Done::Decision { .. } => None,
        });
        finished
            .chain(self.visit.as_ref().map(|visit| (self.step, visit)))
            .filter_map(|(step, visit)| {
                let guess = visit.guess()?;
                Some(CampaignGuess {
                    step,
                    kind: guess.kind,
                    after_replies: guess.after_replies,
                })
            })
            .collect()
    }

    pub fn campaign(&self) -> &Arc<Campaign> {
        &self.campaign
    }

    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The account as it stands now.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The steps finished so far.
    pub fn done(&self) -> &[Done] {
        &self.done
    }

    /// The index of the current step in the campaign (the number of steps when it is over).
    pub fn step_index(&self) -> usize {
        self.step
    }

    pub fn now(&self) -> Now<'_> {
        match (self.campaign.steps.get(self.step), &self.visit) {
            (None, _) => Now::Finished,
            (Some(CampaignStep::Visit(_)), Some(visit)) => Now::Visit(visit),
            (Some(CampaignStep::Decision(decision)), _) => Now::Decision {
                decision,
                affordable: decision
                    .options
                    .iter()
                    .map(|o| o.cost <= self.account.budget)
                    .collect(),
            },
            (Some(CampaignStep::Visit(_)), None) => unreachable!("a visit step starts its visit"),
        }
    }

    pub fn finished(&self) -> bool {
        matches!(self.now(), Now::Finished)
    }

    /// Every choice made so far, in order: decision options and visit replies (file indices).
    pub fn choices(&self) -> Vec<usize> {
        let mut choices: Vec<usize> = self
            .done
            .iter()
            .flat_map(|done| match done {
                Done::Decision { option, .. } => vec![*option],
                Done::Visit { visit, .. } => visit.choices(),
            })
            .collect();
        if let Some(visit) = &self.visit {
            choices.extend(visit.choices());
        }
        choices
    }

    /// Picks an option of the current decision, or a reply (its index in the file) in the
    /// current visit.
    pub fn choose(&mut self, index: usize) -> Result<(), SimError> {
        let step = self.step;
        match self.campaign.steps.get(step) {
            None => Err(SimError::Finished),
            Some(CampaignStep::Decision(decision)) => {
                let option = decision
                    .options
                    .get(index)
                    .ok_or_else(|| SimError::NoSuchOption {
                        number: index + 1,
                        decision: decision.id.clone(),
                        count: decision.options.len(),
                    })?;
                if option.cost > self.account.budget {
                    return Err(SimError::OverBudget {
                        number: index + 1,
                        cost: option.cost,
                        left: self.account.budget,
                    });
                }
                self.account.budget -= option.cost;
                self.account.apply(&option.effects);
                self.done.push(Done::Decision {
                    step,
                    option: index,
                    account: self.account.clone(),
                });
                self.enter_step()
            }
            Some(CampaignStep::Visit(step_visit)) => {
                let visit = self.visit.as_mut().ok_or(SimError::NoActiveVisit)?;
                visit.choose(index)?;
                let Some(finish) = visit.finish() else {
                    return Ok(());
                };
                let outcome = super::counted_outcome(finish.outcome, finish.commitment.as_ref());
                let visit = self.visit.take().expect("checked above");
                let score = scoring::score(&visit, &self.library.catalogue, &self.library.rubric)
                    .expect("a finished visit scores");
                let known_trust = visit.known_trust();
                // The contact's trust is carried on from where the visit left it.
                self.account.before_meeting.remove(&step_visit.contact);
                self.account
                    .trust
                    .insert(step_visit.contact.clone(), visit.mood().trust);
                if let Some(effects) = step_visit.outcomes.get(&outcome) {
                    self.account.apply(effects);
                }
                self.done.push(Done::Visit {
                    step,
                    visit: Box::new(visit),
                    score: Box::new(score),
                    known_trust,
                    account: self.account.clone(),
                });
                self.enter_step()
            }
        }
    }

    /// Picks what the trainee sees at `position` (0-based) on screen: a decision's options are
    /// shown in the file's order, a visit's replies in the visit's shuffled order.
    pub fn choose_shown(&mut self, position: usize) -> Result<(), SimError> {
        let index = match &self.visit {
            Some(visit) => {
                let view = visit.current().ok_or(SimError::Finished)?;
                *view
                    .order
                    .get(position)
                    .ok_or_else(|| SimError::NoSuchChoice {
                        number: position + 1,
                        beat: view.beat_id.clone(),
                        count: view.order.len(),
                    })?
            }
            None => position,
        };
        self.choose(index)
    }

    /// Moves to the next step that comes up for the account as it stands (the first, when
    /// nothing is done yet) and starts its visit, if it is one.
    fn enter_step(&mut self) -> Result<(), SimError> {
        if let Some(last) = self.done.last() {
            self.step = last.step() + 1;
        }
        while let Some(step) = self.campaign.steps.get(self.step) {
            if step
                .when()
                .is_none_or(|when| when.holds(self.account.share))
            {
                break;
            }
            self.step += 1;
        }
        let Some(CampaignStep::Visit(step)) = self.campaign.steps.get(self.step) else {
            return Ok(());
        };
        let scenario = self
            .library
            .scenario(&step.scenario)
            .ok_or_else(|| SimError::UnknownScenario(step.scenario.clone()))?;
        let kind = resolve_persona(scenario, self.seed, None);
        let persona = self
            .library
            .personas
            .get(&kind)
            .ok_or(SimError::MissingPersona(kind))?;
        let drawn = super::starting_mood(persona, self.seed).trust;
        let trust = self.account.trust_at_door(&step.contact, drawn);
        self.visit = Some(Visit::start_known(
            Arc::clone(scenario),
            persona.clone(),
            self.seed,
            trust,
        ));
        Ok(())
    }

    /// The simulated minutes of the visits played so far.
    pub fn minutes(&self) -> u32 {
        self.done
            .iter()
            .filter_map(|done| match done {
                Done::Visit { visit, .. } => visit.finish().map(|f| f.minute),
                Done::Decision { .. } => None,
            })
            .sum()
    }

    /// The campaign's score, once it is over.
    pub fn score(&self) -> Option<CampaignScore> {
        self.finished().then(|| score(self))
    }
}

/// How a campaign scored: its visits, its account decisions and where the account ended.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignScore {
    pub total: u32,
    /// The visits' mean score (0–100).
    pub visits: u32,
    /// The account decisions against the best on offer (0–100).
    pub decisions: u32,
    pub stage: AccountStage,
    /// What the end stage is worth (0–100).
    pub stage_points: i32,
    pub share: i32,
    pub level: i32,
    /// Each technique or mistake the decisions showed, with its evidence.
    pub events: Vec<ScoreEvent>,
    /// Each rubric category over the whole campaign: its visits' evidence and its decisions'.
    pub categories: Vec<CategoryScore>,
}

impl CampaignScore {
    /// Where the account ended, e.g. `Where the account ended: Stable cooperation · our share
    /// 55% · level 2`.
    pub fn ended(&self, lang: Lang) -> String {
        format!(
            "{}: {} · {} {}% · {} {}",
            tr(lang, "客户最后的阶段", "Where the account ended"),
            stage_name(self.stage, lang),
            tr(lang, "采购份额", "our share"),
            self.share,
            tr(lang, "关系层次", "level"),
            self.level
        )
    }

    /// The parts of the total and their weights, e.g. `visits 100 (×50) · …`.
    pub fn parts(&self, weights: &CampaignRubric, lang: Lang) -> String {
        format!(
            "{} {} (×{}) · {} {} (×{}) · {} {} (×{})",
            tr(lang, "拜访", "visits"),
            self.visits,
            weights.visits,
            tr(lang, "客户决策", "account decisions"),
            self.decisions,
            weights.decisions,
            tr(lang, "最后阶段", "end stage"),
            self.stage_points,
            weights.stage
        )
    }
}

fn score(run: &CampaignRun) -> CampaignScore {
    let library = &run.library;
    let weights = library
        .rubric
        .campaign
        .as_ref()
        .expect("a campaign is only playable when the rubric weighs campaigns");
    let visit_totals: Vec<u32> = run
        .done
        .iter()
        .filter_map(|d| match d {
            Done::Visit { score, .. } => Some(score.total),
            Done::Decision { .. } => None,
        })
        .collect();
    let visits = mean(&visit_totals);
    let mut events = Vec::new();
    let (mut earned, mut best) = (0, 0);
    for done in &run.done {
        let Done::Decision { step, option, .. } = done else {
            continue;
        };
        let Some(CampaignStep::Decision(decision)) = run.campaign.steps.get(*step) else {
            continue;
        };
        let points = |tags: &[String]| -> i32 {
            tags.iter()
                .filter_map(|t| library.technique(t))
                .map(|t| t.points)
                .sum()
        };
        best += decision
            .options
            .iter()
            .map(|o| points(&o.tags))
            .max()
            .unwrap_or(0);
        let chosen = &decision.options[*option];
        earned += points(&chosen.tags);
        for technique in chosen.tags.iter().filter_map(|t| library.technique(t)) {
            events.push(ScoreEvent {
                rule: "technique",
                technique: technique.id.clone(),
                category: technique.category.clone(),
                points: technique.points,
                step: Some(*step),
                beat: Some(decision.id.clone()),
                minute: 0,
                evidence: chosen.text.clone(),
                why: technique.explain.clone(),
                section: technique.section.clone(),
                better: technique.better.clone(),
            });
        }
    }
    let decisions = if best > 0 {
        (earned.max(0) * 100 / best).min(100) as u32
    } else {
        100
    };
    let stage = run.account.stage();
    let stage_points = weights.stage_points.get(&stage).copied().unwrap_or(0);
    let weight = (weights.visits + weights.decisions + weights.stage).max(1);
    let weighted = visits * weights.visits
        + decisions * weights.decisions
        + stage_points.clamp(0, 100) as u32 * weights.stage;
    let visit_events = run.done.iter().flat_map(|d| match d {
        Done::Visit { score, .. } => score.events.as_slice(),
        Done::Decision { .. } => &[],
    });
    let categories = category_scores(visit_events.chain(&events), &library.rubric);
    CampaignScore {
        total: (weighted + weight / 2) / weight,
        visits,
        decisions,
        stage,
        stage_points,
        share: run.account.share,
        level: run.account.level,
        events,
        categories,
    }
}

fn mean(values: &[u32]) -> u32 {
    if values.is_empty() {
        return 0;
    }
    let sum: u32 = values.iter().sum();
    (sum + values.len() as u32 / 2) / values.len() as u32
}
