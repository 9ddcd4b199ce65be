//! The visit engine: a deterministic state machine over a scenario and a persona.
//!
//! A visit is fully determined by (scenario, persona, seed, choices). The seed varies what the
//! trainee sees — line variants, cue wording, the order choices are shown in — the customer's
//! starting mood within the persona's spread and, for a mystery customer, which persona is met.

pub mod analysis;
pub mod attempt;
pub mod campaign;
pub mod campaign_analysis;
pub mod explore;
pub mod robust;
pub mod scoring;

use std::sync::Arc;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::content::{
    Cue, Effects, Ending, Library, Meter, Mood, Need, Next, Outcome, Persona, PersonaKind,
    PersonaSpec, Scenario, Scene, SceneKind,
};
use crate::i18n::Text;

pub use attempt::Attempt;
pub use scoring::{BetterReply, CategoryScore, Decision, Score, ScoreEvent};

/// Ending ids the engine itself uses when the customer cuts the visit short.
pub use crate::content::{PATIENCE_OUT, TIME_OUT};

/// Why a visit could not start or a choice could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no scenario with id \"{0}\"")]
    UnknownScenario(String),
    #[error("no persona file for {0:?} is loaded")]
    MissingPersona(PersonaKind),
    #[error("persona {persona:?} is not one this scenario allows ({allowed})")]
    PersonaNotAllowed {
        persona: PersonaKind,
        allowed: String,
    },
    #[error("choice {number} does not exist at beat \"{beat}\": it offers choices 1 to {count}")]
    NoSuchChoice {
        number: usize,
        beat: String,
        count: usize,
    },
    #[error("the visit is already over")]
    Finished,
    #[error("no campaign with id \"{0}\"")]
    UnknownCampaign(String),
    #[error(
        "option {number} does not exist at decision \"{decision}\": it offers options 1 to {count}"
    )]
    NoSuchOption {
        number: usize,
        decision: String,
        count: usize,
    },
    #[error("option {number} costs {cost} days, and only {left} are left in the account's budget")]
    OverBudget { number: usize, cost: i32, left: i32 },
    #[error("the scenarios are still loading")]
    ContentLoading,
    #[error("no visit is in progress")]
    NoActiveVisit,
    #[error("there is no decision {number} to try again from: {made} replies were made")]
    NoSuchDecision { number: usize, made: usize },
    #[error("a team session's visit cannot be rewound: every trainee plays it once, from the door")]
    RewindInSession,
}

/// The beat the trainee is looking at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BeatView {
    pub scene_id: String,
    pub scene_kind: SceneKind,
    pub scene_title: Text,
    pub beat_id: String,
    pub says: Text,
    pub narration: Option<Text>,
    /// What the customer's manner shows right now (from the persona's cues).
    pub cue: Option<Text>,
    /// Which meter that cue shows, and whether it is the low side (impatience, distrust).
    pub cue_signal: Option<CueSignal>,
    /// Display position → the choice's index in the file. Shuffled by seed.
    pub order: Vec<usize>,
    pub minute: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CueSignal {
    pub meter: Meter,
    pub low: bool,
}

/// The trainee's note of which type the customer is, and after how many replies it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PersonaGuess {
    pub kind: PersonaKind,
    pub after_replies: usize,
}

/// One exchange: what the customer said and what the trainee answered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    pub view: BeatView,
    /// The chosen reply's index in the file (0-based).
    pub choice: usize,
    pub reply: Text,
    pub tags: Vec<String>,
    /// Indices into the persona's reactions that this reply set off.
    pub reactions: Vec<usize>,
    pub thinking: Option<Text>,
    pub mood_after: Mood,
    pub minute_after: u32,
}

/// How the visit ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finish {
    pub ending_id: String,
    pub outcome: Outcome,
    pub says: Text,
    pub why: Text,
    /// For an advance, the concrete step the customer agreed to.
    pub commitment: Option<Text>,
    pub minute: u32,
}

#[derive(Clone, Debug)]
enum Stage {
    At(BeatView),
    Finished(Finish),
    /// Only while a reply moves the visit on: the beat's view has gone into the transcript.
    Moving,
}

/// A visit in progress or finished. Cloning it is how the analyzer forks paths.
#[derive(Clone, Debug)]
pub struct Visit {
    scenario: Arc<Scenario>,
    // Shared: pricing replies clones the visit once per alternative.
    persona: Arc<Persona>,
    seed: u64,
    /// Trust carried in from earlier steps of a campaign, instead of the persona's own.
    known_trust: Option<i32>,
    rng: ChaCha8Rng,
    mood: Mood,
    minute: u32,
    stage: Stage,
    transcript: Vec<Exchange>,
    guess: Option<PersonaGuess>,
}

/// Which persona a scenario meets: the one named (a trainer may try any scenario against any
/// type), else the scenario's own, else one drawn by seed from its set.
pub fn resolve_persona(
    scenario: &Scenario,
    seed: u64,
    requested: Option<PersonaKind>,
) -> PersonaKind {
    match (requested, &scenario.persona) {
        (Some(kind), _) | (None, &PersonaSpec::Fixed(kind)) => kind,
        (None, PersonaSpec::OneOf(kinds)) => {
            // A separate stream, so the persona draw never shifts the rest of the visit.
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005e_ed0f_9e75_0a11);
            kinds[rng.random_range(0..kinds.len())]
        }
    }
}

impl Visit {
    /// Starts a visit from the library: looks up the scenario and the persona.
    pub fn begin(
        library: &Library,
        scenario_id: &str,
        seed: u64,
        persona: Option<PersonaKind>,
    ) -> Result<Visit, SimError> {
        let scenario = library
            .scenario(scenario_id)
            .ok_or_else(|| SimError::UnknownScenario(scenario_id.to_string()))?;
        let kind = resolve_persona(scenario, seed, persona);
        let persona = library
            .personas
            .get(&kind)
            .ok_or(SimError::MissingPersona(kind))?;
        Ok(Visit::start(Arc::clone(scenario), persona.clone(), seed))
    }

    pub fn start(scenario: Arc<Scenario>, persona: Persona, seed: u64) -> Visit {
        Visit::start_shared(scenario, Arc::new(persona), seed, None)
    }

    /// Starts a visit to someone the trainee already knows: trust begins where earlier steps
    /// of a campaign left it; interest and patience are the persona's, drawn by the seed.
    pub fn start_known(
        scenario: Arc<Scenario>,
        persona: Persona,
        seed: u64,
        trust: Option<i32>,
    ) -> Visit {
        Visit::start_shared(scenario, Arc::new(persona), seed, trust)
    }

    fn start_shared(
        scenario: Arc<Scenario>,
        persona: Arc<Persona>,
        seed: u64,
        known_trust: Option<i32>,
    ) -> Visit {
        let mut mood = starting_mood(&persona, seed);
        if let Some(trust) = known_trust {
            mood.trust = trust.clamp(0, 100);
        }
        let mut visit = Visit {
            rng: ChaCha8Rng::seed_from_u64(seed),
            scenario,
            persona,
            seed,
            known_trust,
            mood,
            minute: 0,
            stage: Stage::Moving,
            transcript: Vec::new(),
            guess: None,
        };
        let start = visit.scenario.start.clone();
        visit.enter_beat(&start);
        visit
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// The trust this visit started from when earlier steps of a campaign set it.
    pub fn known_trust(&self) -> Option<i32> {
        self.known_trust
    }

    pub fn persona(&self) -> &Persona {
        &self.persona
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn mood(&self) -> Mood {
        self.mood
    }

    pub fn minute(&self) -> u32 {
        self.minute
    }

    pub fn transcript(&self) -> &[Exchange] {
        &self.transcript
    }

    /// The trainee's current note of the customer's type.
    pub fn guess(&self) -> Option<PersonaGuess> {
        self.guess
    }

    /// Notes the trainee's guess of the customer's type; a changed guess counts from now.
    pub fn note_persona(&mut self, kind: PersonaKind) {
        if self.guess.is_some_and(|g| g.kind == kind) || self.finish().is_some() {
            return;
        }
        self.guess = Some(PersonaGuess {
            kind,
            after_replies: self.transcript.len(),
        });
    }

    /// The same visit before any reply: same scenario, persona and seed.
    pub fn restarted(&self) -> Visit {
        Visit::start_shared(
            Arc::clone(&self.scenario),
            Arc::clone(&self.persona),
            self.seed,
            self.known_trust,
        )
    }

    /// The file indices of the choices made so far.
    pub fn choices(&self) -> Vec<usize> {
        self.transcript.iter().map(|e| e.choice).collect()
    }

    pub fn current(&self) -> Option<&BeatView> {
        match &self.stage {
            Stage::At(view) => Some(view),
            Stage::Finished(_) | Stage::Moving => None,
        }
    }

    pub fn finish(&self) -> Option<&Finish> {
        match &self.stage {
            Stage::Finished(finish) => Some(finish),
            Stage::At(_) | Stage::Moving => None,
        }
    }

    /// The reply texts of the current beat, in the order the trainee sees them.
    pub fn shown_choices(&self) -> Vec<(usize, &Text)> {
        let Some(view) = self.current() else {
            return Vec::new();
        };
        let beat = find_beat(&self.scenario, &view.beat_id);
        view.order
            .iter()
            .map(|&i| (i, &beat.choices[i].text))
            .collect()
    }

    /// Picks the reply shown at `position` (0-based) on screen.
    pub fn choose_shown(&mut self, position: usize) -> Result<(), SimError> {
        let view = self.current().ok_or(SimError::Finished)?;
        let index = *view
            .order
            .get(position)
            .ok_or_else(|| SimError::NoSuchChoice {
                number: position + 1,
                beat: view.beat_id.clone(),
                count: view.order.len(),
            })?;
        self.choose(index)
    }

    /// What `f` sees if the reply with this file index were chosen, leaving the visit as it
    /// was: pricing every alternative this way copies nothing of the transcript.
    pub fn trying<R>(&mut self, index: usize, f: impl FnOnce(&Visit) -> R) -> Result<R, SimError> {
        let saved = (self.rng.clone(), self.mood, self.minute);
        self.choose(index)?;
        let tried = f(self);
        let exchange = self.transcript.pop().expect("the reply just chosen");
        (self.rng, self.mood, self.minute) = saved;
        self.stage = Stage::At(exchange.view);
        Ok(tried)
    }

    /// Picks the reply with this index in the file (0-based).
    pub fn choose(&mut self, index: usize) -> Result<(), SimError> {
        let Stage::At(view) = &self.stage else {
            return Err(SimError::Finished);
        };
        let scenario = Arc::clone(&self.scenario);
        let (scene, beat) = find_scene_beat(&scenario, &view.beat_id);
        let moved = step(
            &scenario,
            &self.persona,
            scene,
            beat,
            Position {
                mood: self.mood,
                minute: self.minute,
            },
            index,
        )?;
        let Stage::At(view) = std::mem::replace(&mut self.stage, Stage::Moving) else {
            unreachable!("checked above");
        };
        let choice = &beat.choices[index];
        self.mood = moved.at.mood;
        self.minute = moved.at.minute;
        self.transcript.push(Exchange {
            view,
            choice: index,
            reply: choice.text.clone(),
            tags: choice.tags.clone(),
            reactions: moved.reactions,
            thinking: choice.thinking.clone(),
            mood_after: self.mood,
            minute_after: self.minute,
        });
        match moved.to {
            Target::Ending(id) => self.end_with(id),
            Target::Beat(id) => self.enter_beat(id),
        }
        Ok(())
    }

    /// The customer ends the visit at one and a half times the time budget.
    pub fn time_limit(&self) -> u32 {
        time_limit(&self.scenario)
    }

    fn enter_beat(&mut self, id: &str) {
        let (scene, beat) = self
            .scenario
            .scenes
            .iter()
            .find_map(|s| s.beats.iter().find(|b| b.id == id).map(|b| (s, b)))
            .expect("beat ids are checked when the library is assembled");
        let hold_cues = scene.holds_cues();
        let variants = beat
            .says_as
            .get(&self.persona.kind)
            .filter(|v| !v.is_empty())
            .unwrap_or(&beat.says);
        let says = variants[self.rng.random_range(0..variants.len())].clone();
        let mut order: Vec<usize> = (0..beat.choices.len()).collect();
        order.shuffle(&mut self.rng);
        let view = BeatView {
            scene_id: scene.id.clone(),
            scene_kind: scene.kind,
            scene_title: scene.title.clone(),
            beat_id: beat.id.clone(),
            says,
            narration: beat.narration.clone(),
            cue: None,
            cue_signal: None,
            order,
            minute: self.minute,
        };
        let (cue, cue_signal) = if hold_cues {
            (None, None)
        } else {
            self.cue().unzip()
        };
        self.stage = Stage::At(BeatView {
            cue,
            cue_signal,
            ..view
        });
    }

    /// The first of the persona's cues that the current mood shows.
    fn cue(&mut self) -> Option<(Text, CueSignal)> {
        let cue = showing_cue(&self.persona, self.mood)?;
        if cue.text.is_empty() {
            return None;
        }
        let signal = CueSignal {
            meter: cue.meter,
            low: cue.below.is_some(),
        };
        Some((
            cue.text[self.rng.random_range(0..cue.text.len())].clone(),
            signal,
        ))
    }

    fn end_with(&mut self, ending_id: &str) {
        let scenario = Arc::clone(&self.scenario);
        let finish = match scenario.endings.iter().find(|e| e.id == ending_id) {
            Some(ending) => self.finish_from(ending),
            None => builtin_finish(ending_id, self.minute),
        };
        self.stage = Stage::Finished(finish);
    }

    fn finish_from(&mut self, ending: &Ending) -> Finish {
        Finish {
            ending_id: ending.id.clone(),
            outcome: ending.outcome,
            says: ending.says[self.rng.random_range(0..ending.says.len())].clone(),
            why: ending.why.clone(),
            commitment: ending.commitment.clone(),
            minute: self.minute,
        }
    }
}

/// The cue a customer in this mood shows: the first of the persona's cues that matches.
pub fn showing_cue(persona: &Persona, mood: Mood) -> Option<&Cue> {
    persona.cues.iter().find(|cue| {
        let value = match cue.meter {
            Meter::Trust => mood.trust,
            Meter::Interest => mood.interest,
            Meter::Patience => mood.patience,
        };
        cue.below.is_none_or(|b| value < b) && cue.at_least.is_none_or(|a| value >= a)
    })
}

/// The face a customer shows in this mood, for their portrait: a face says less than the
/// meters, so four steps, with impatience and distrust read first as a person would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expression {
    /// Trusting and interested: leaning in, smiling.
    Warm,
    Neutral,
    /// Doubting or growing impatient.
    Sceptical,
    /// About to end the visit, or no trust left.
    Closed,
}

impl Expression {
    pub const ALL: [Expression; 4] = [
        Expression::Warm,
        Expression::Neutral,
        Expression::Sceptical,
        Expression::Closed,
    ];

    pub fn of(mood: Mood) -> Expression {
        if mood.patience < 20 || mood.trust < 15 {
            Expression::Closed
        } else if mood.patience < 35 || mood.trust < 30 {
            Expression::Sceptical
        } else if mood.trust >= 60 && mood.interest >= 50 {
            Expression::Warm
        } else {
            Expression::Neutral
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Expression::Warm => "warm",
            Expression::Neutral => "neutral",
            Expression::Sceptical => "sceptical",
            Expression::Closed => "closed",
        }
    }
}

/// The persona's baseline moved by up to its spread, drawn from a stream of its own so the
/// rest of the visit (wording, order) does not shift with it.
pub(crate) fn starting_mood(persona: &Persona, seed: u64) -> Mood {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0ba5_e11e_5eed_0001);
    let spread = persona.spread.max(0);
    let mut vary = |value: i32| (value + rng.random_range(-spread..=spread)).clamp(0, 100);
    Mood {
        trust: vary(persona.baseline.trust),
        interest: vary(persona.baseline.interest),
        patience: vary(persona.baseline.patience),
    }
}

/// Where a reply leads: another beat or an ending (by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'s> {
    Beat(&'s str),
    Ending(&'s str),
}

/// The part of a visit's state that decides what happens next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    pub mood: Mood,
    pub minute: u32,
}

/// The result of one reply: the new position, the persona reactions it set off, where it leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved<'s> {
    pub at: Position,
    pub reactions: Vec<usize>,
    pub to: Target<'s>,
}

/// The customer ends the visit at one and a half times the time budget.
pub fn time_limit(scenario: &Scenario) -> u32 {
    scenario.briefing.time_budget.saturating_mul(3) / 2
}

pub(crate) fn find_beat<'s>(scenario: &'s Scenario, id: &str) -> &'s crate::content::Beat {
    find_scene_beat(scenario, id).1
}

/// The beat with this id and the scene it belongs to.
pub(crate) fn find_scene_beat<'s>(
    scenario: &'s Scenario,
    id: &str,
) -> (&'s Scene, &'s crate::content::Beat) {
    scenario
        .scenes
        .iter()
        .find_map(|s| s.beats.iter().find(|b| b.id == id).map(|b| (s, b)))
        .expect("beat ids are checked when the library is assembled")
}

/// The rules of one reply, used by the visit and by path exploration alike.
pub fn step<'s>(
    scenario: &Scenario,
    persona: &Persona,
    scene: &Scene,
    beat: &'s crate::content::Beat,
    at: Position,
    index: usize,
) -> Result<Moved<'s>, SimError> {
    let choice = beat
        .choices
        .get(index)
        .ok_or_else(|| SimError::NoSuchChoice {
            number: index + 1,
            beat: beat.id.clone(),
            count: beat.choices.len(),
        })?;
    let (delta, reactions) = reply_effect(persona, scene, choice);
    Ok(advance(scenario, choice, at, delta, reactions))
}

/// What a reply does to the mood and the clock: its own effects plus the persona's reactions
/// to its tags (and which reactions those were). A customer who is not in the room (a
/// preparation scene) does not react.
pub fn reply_effect(
    persona: &Persona,
    scene: &Scene,
    choice: &crate::content::Choice,
) -> (Effects, Vec<usize>) {
    if !scene.customer_present() {
        return (choice.effects, Vec::new());
    }
    let reactions: Vec<usize> = persona
        .reactions
        .iter()
        .enumerate()
        .filter(|(_, r)| choice.tags.contains(&r.tag))
        .map(|(i, _)| i)
        .collect();
    let mut delta = choice.effects;
    for &i in &reactions {
        let reaction = &persona.reactions[i];
        // `check` bounds every number; saturating keeps a file it was not run on from
        // overflowing all the same.
        delta.trust = delta.trust.saturating_add(reaction.trust);
        delta.interest = delta.interest.saturating_add(reaction.interest);
        delta.patience = delta.patience.saturating_add(reaction.patience);
    }
    (delta, reactions)
}

/// Applies a reply's effect: the meters stay within 0–100; the reply's own destination wins if
/// it ends the visit, else a customer out of patience or out of time ends it.
pub fn advance<'s>(
    scenario: &Scenario,
    choice: &'s crate::content::Choice,
    at: Position,
    delta: Effects,
    reactions: Vec<usize>,
) -> Moved<'s> {
    let (range, minute, to) =
        advance_range(scenario, choice, MoodRange::one(at.mood), at.minute, delta)
            .expect("a single mood always goes one way");
    Moved {
        at: Position {
            mood: range.low,
            minute,
        },
        reactions,
        to,
    }
}

/// Moods between two bounds, meter by meter: the starting moods of many seeds, moved by the same
/// replies. Adding and clamping keep each meter's order, so the bounds stay exactly the lowest
/// and highest of those moods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoodRange {
    pub low: Mood,
    pub high: Mood,
}

impl MoodRange {
    pub fn one(mood: Mood) -> MoodRange {
        MoodRange {
            low: mood,
            high: mood,
        }
    }
}

/// `advance` for every mood in a range at once: where the reply leads them all, or `None` when
/// a gate or the patience limit sends some of them elsewhere.
pub fn advance_range<'s>(
    scenario: &Scenario,
    choice: &'s crate::content::Choice,
    range: MoodRange,
    minute: u32,
    delta: Effects,
) -> Option<(MoodRange, u32, Target<'s>)> {
    let meter = |value: i32, change: i32| value.saturating_add(change).clamp(0, 100);
    let moved = |mood: Mood| Mood {
        trust: meter(mood.trust, delta.trust),
        interest: meter(mood.interest, delta.interest),
        patience: meter(mood.patience, delta.patience),
    };
    let range = MoodRange {
        low: moved(range.low),
        high: moved(range.high),
    };
    let minute = minute.saturating_add(delta.minutes);
    let to = match resolve(&choice.next, range)? {
        Target::Ending(id) => Target::Ending(id),
        _ if range.high.patience <= 0 => Target::Ending(PATIENCE_OUT),
        _ if range.low.patience <= 0 => return None,
        _ if minute >= time_limit(scenario) => Target::Ending(TIME_OUT),
        beat => beat,
    };
    Some((range, minute, to))
}

/// Where `next` leads every mood in the range, or `None` when a gate parts them. Gates only ask
/// for meters at least some value: the lowest mood meeting one means all do, and the highest
/// failing one means none does.
fn resolve(next: &Next, range: MoodRange) -> Option<Target<'_>> {
    match next {
        Next::Goto(id) => Some(Target::Beat(id)),
        Next::End(id) => Some(Target::Ending(id)),
        Next::If(gate) => {
            let met = |mood: Mood| {
                gate.need.iter().all(|need| match *need {
                    Need::Trust(min) => mood.trust >= min,
                    Need::Interest(min) => mood.interest >= min,
                    Need::Patience(min) => mood.patience >= min,
                })
            };
            match (met(range.low), met(range.high)) {
                (true, _) => resolve(&gate.then, range),
                (false, false) => resolve(&gate.otherwise, range),
                (false, true) => None,
            }
        }
    }
}

/// The outcome a visit counts as: an advance only with a concrete commitment from the customer,
/// otherwise a continuation ("let's keep in touch" commits to nothing).
pub fn counted_outcome(outcome: Outcome, commitment: Option<&Text>) -> Outcome {
    match (outcome, commitment) {
        (Outcome::Advance, None) => Outcome::Continuation,
        (outcome, _) => outcome,
    }
}

/// The endings every scenario has without writing them: the customer cuts the visit short.
pub(crate) fn builtin_finish(id: &str, minute: u32) -> Finish {
    let (outcome, says, why) = if id == TIME_OUT {
        (
            Outcome::Continuation,
            Text::new(
                "抱歉，我接下来还有个会。资料先放这儿吧，改天再聊。",
                "Sorry, I have another meeting now. Leave the material; let's talk another day.",
            ),
            Text::new(
                "拜访拖得太久，客户以另有安排为由结束了谈话。首次拜访应控制在20–30分钟。",
                "The visit ran far over time and the customer ended it. A first visit should take 20–30 minutes.",
            ),
        )
    } else {
        (
            Outcome::NoSale,
            Text::new(
                "我看今天就到这里吧，我还有别的事。",
                "I think we'll stop here today; I have other things to do.",
            ),
            Text::new(
                "客户失去了耐心，结束了拜访。出现看表、喝水等信号时就应及时致谢告辞。",
                "The customer ran out of patience and ended the visit. At the first signs — checking the watch, reaching for water — thank them and leave.",
            ),
        )
    };
    Finish {
        ending_id: id.to_string(),
        outcome,
        says,
        why,
        commitment: None,
        minute,
    }
}
