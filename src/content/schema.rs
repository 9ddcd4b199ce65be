//! The content model: what trainers write in RON. Field names here are the schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

/// The four personality types of the course (§2b).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PersonaKind {
    /// 决策高手: task-oriented, extrovert.
    Driver,
    /// 公关高手: people-oriented, extrovert.
    Expressive,
    /// 分析高手: task-oriented, introvert.
    Analytical,
    /// EQ高手: people-oriented, introvert.
    Amiable,
}

impl PersonaKind {
    pub const ALL: [PersonaKind; 4] = [
        PersonaKind::Driver,
        PersonaKind::Expressive,
        PersonaKind::Analytical,
        PersonaKind::Amiable,
    ];

    /// The lowercase id used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            PersonaKind::Driver => "driver",
            PersonaKind::Expressive => "expressive",
            PersonaKind::Analytical => "analytical",
            PersonaKind::Amiable => "amiable",
        }
    }

    pub fn parse(id: &str) -> Option<PersonaKind> {
        PersonaKind::ALL
            .into_iter()
            .find(|kind| kind.id().eq_ignore_ascii_case(id))
    }
}

/// Which customer the trainee meets: one type, or one drawn by seed from a set (a mystery customer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PersonaSpec {
    Fixed(PersonaKind),
    OneOf(Vec<PersonaKind>),
}

/// The scene kinds of a visit: preparation before the door, then the four with the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SceneKind {
    /// Before the door: evaluating the account and preparing the visit (§1). The customer is
    /// not there, so no persona reacts, no cue shows and the clock does not run.
    Preparation,
    /// The cold visit itself: the Eight Steps (§1a).
    Visit,
    /// Needs discovery with SPIN questions (§2c).
    NeedsDiscovery,
    /// Quoting (§3c).
    Quote,
    /// Handling objections (§3c).
    Objection,
}

impl SceneKind {
    pub fn id(self) -> &'static str {
        match self {
            SceneKind::Preparation => "preparation",
            SceneKind::Visit => "visit",
            SceneKind::NeedsDiscovery => "needs_discovery",
            SceneKind::Quote => "quote",
            SceneKind::Objection => "objection",
        }
    }
}

/// The four results of a key-account call (§3b).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Outcome {
    Order,
    Advance,
    Continuation,
    NoSale,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Order,
        Outcome::Advance,
        Outcome::Continuation,
        Outcome::NoSale,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Outcome::Order => "order",
            Outcome::Advance => "advance",
            Outcome::Continuation => "continuation",
            Outcome::NoSale => "no_sale",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: Text,
    /// 1 (easy) to 3 (hard).
    pub difficulty: u8,
    pub persona: PersonaSpec,
    pub briefing: Briefing,
    /// The id of the first beat.
    pub start: String,
    pub scenes: Vec<Scene>,
    pub endings: Vec<Ending>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Briefing {
    /// The account: company, industry, why it matters.
    pub account: Text,
    /// The person the trainee meets and their role.
    pub contact: Text,
    /// What the trainee already knows before the visit.
    #[serde(default)]
    pub known: Vec<Text>,
    /// What this visit should achieve.
    pub goal: Text,
    /// Simulated minutes the visit should take; the customer ends it at one and a half times this.
    pub time_budget: u32,
    /// A second or later visit to this customer: rules about first visits (their 20–30
    /// minutes) do not apply.
    #[serde(default)]
    pub follow_up: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub id: String,
    pub kind: SceneKind,
    pub title: Text,
    /// The persona's cue lines (a glance at the watch…) are not shown in this scene, where
    /// they would jar; with no cue shown, leaving on the cue is not asked for here either.
    #[serde(default)]
    pub hold_cues: bool,
    pub beats: Vec<Beat>,
}

impl Scene {
    /// Whether the customer is in the room: in a preparation scene they are not.
    pub fn customer_present(&self) -> bool {
        self.kind != SceneKind::Preparation
    }

    /// Whether the persona's cue lines stay hidden here.
    pub fn holds_cues(&self) -> bool {
        self.hold_cues || !self.customer_present()
    }
}

/// One moment of the conversation: the customer speaks, the trainee picks a reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beat {
    pub id: String,
    /// What the customer says; one variant is drawn by seed.
    pub says: Vec<Text>,
    /// Variants for particular personas, used instead of `says` when that persona is met.
    #[serde(default)]
    pub says_as: BTreeMap<PersonaKind, Vec<Text>>,
    /// What the trainee sees or notices (a cue, the setting).
    #[serde(default)]
    pub narration: Option<Text>,
    pub choices: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: Text,
    /// Technique and mistake ids from the catalogue that this reply shows.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub effects: Effects,
    /// What the customer privately thinks of this reply (shown in the debrief).
    #[serde(default)]
    pub thinking: Option<Text>,
    pub next: Next,
}

/// How a reply moves the customer's mood and the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Effects {
    pub trust: i32,
    pub interest: i32,
    pub patience: i32,
    /// Simulated minutes the exchange takes.
    pub minutes: u32,
}

/// Where a reply leads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Next {
    /// Go to the beat with this id.
    Goto(String),
    /// End the visit with the ending of this id.
    End(String),
    /// Branch on the customer's mood after the reply.
    If(Box<Gate>),
}

impl Next {
    /// Every beat and ending this can lead to, through both branches of each gate.
    pub fn targets<'s>(&'s self, beats: &mut Vec<&'s str>, endings: &mut Vec<&'s str>) {
        match self {
            Next::Goto(id) => beats.push(id),
            Next::End(id) => endings.push(id),
            Next::If(gate) => {
                gate.then.targets(beats, endings);
                gate.otherwise.targets(beats, endings);
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Every requirement must hold for `then`.
    pub need: Vec<Need>,
    pub then: Next,
    pub otherwise: Next,
}

/// A mood requirement: the meter must be at least this value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    Trust(i32),
    Interest(i32),
    Patience(i32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    pub id: String,
    pub outcome: Outcome,
    /// The customer's last words.
    pub says: Vec<Text>,
    /// Why the visit ended this way, in the course's terms.
    pub why: Text,
    /// For an advance: the concrete step the customer commits to (a visit to our company, a
    /// meeting with the decision maker, a demo). Without one an advance counts as a continuation.
    #[serde(default)]
    pub commitment: Option<Text>,
}

/// How one personality type reacts; one file per type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub kind: PersonaKind,
    pub name: Text,
    /// Task-oriented or people-oriented.
    pub focus: Focus,
    /// Extrovert or introvert.
    pub energy: Energy,
    pub traits: Vec<Text>,
    pub wants: Text,
    pub typical_question: Text,
    /// Trust, interest and patience at the door (0–100).
    pub baseline: Mood,
    /// Each meter starts up to this much above or below the baseline, drawn by seed, so two
    /// customers of one type are not identical.
    #[serde(default)]
    pub spread: i32,
    /// What the trainee can observe as the mood changes.
    #[serde(default)]
    pub cues: Vec<Cue>,
    /// How this type reacts to replies carrying a tag, on top of the reply's own effects.
    #[serde(default)]
    pub reactions: Vec<Reaction>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Focus {
    Task,
    People,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Energy {
    Extrovert,
    Introvert,
}

/// The three meters of the customer's mood, each 0–100.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mood {
    pub trust: i32,
    pub interest: i32,
    pub patience: i32,
}

impl Mood {
    /// The lower of each meter.
    pub fn min_each(self, other: Mood) -> Mood {
        Mood {
            trust: self.trust.min(other.trust),
            interest: self.interest.min(other.interest),
            patience: self.patience.min(other.patience),
        }
    }

    /// The higher of each meter.
    pub fn max_each(self, other: Mood) -> Mood {
        Mood {
            trust: self.trust.max(other.trust),
            interest: self.interest.max(other.interest),
            patience: self.patience.max(other.patience),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Meter {
    Trust,
    Interest,
    Patience,
}

/// A visible sign of the customer's mood, shown when a meter crosses a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    pub meter: Meter,
    /// Shown while the meter is below this value…
    #[serde(default)]
    pub below: Option<i32>,
    /// …or at least this value.
    #[serde(default)]
    pub at_least: Option<i32>,
    pub text: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub tag: String,
    #[serde(default)]
    pub trust: i32,
    #[serde(default)]
    pub interest: i32,
    #[serde(default)]
    pub patience: i32,
    /// Persona-fit points this reaction is worth in the score.
    #[serde(default)]
    pub points: i32,
    /// Why this type reacts so, shown in the debrief.
    pub why: Text,
}

/// The course's techniques (and the mistakes it warns of) as data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub techniques: Vec<Technique>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TechniqueKind {
    /// Something the course teaches to do.
    Technique,
    /// Something the course warns against.
    Mistake,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    pub id: String,
    pub kind: TechniqueKind,
    pub name: Text,
    /// The rubric category this technique counts towards.
    pub category: String,
    /// Where in the course it is taught, e.g. "Stage 1 · Eight steps · step 3".
    pub section: Text,
    /// Points each time a reply shows it (negative for mistakes).
    pub points: i32,
    pub explain: Text,
    /// What to do instead (for mistakes) or how to do it well.
    pub better: Text,
}

/// The endings the game itself uses when the customer's patience or the time runs out; a
/// scenario cannot name one of its own so.
pub const PATIENCE_OUT: &str = "patience_out";
pub const TIME_OUT: &str = "time_out";

/// A catalogue technique the engine itself scores with, found by a fixed id rather than by a
/// tag or a rubric rule. The catalogue must define each one: without it those points would be
/// lost without a word, so loading the catalogue reports a missing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineTechnique {
    /// How the visit ended, worth the rubric's `outcome_points`.
    Outcome,
    /// How a persona of this kind took each reply, worth its reactions' points.
    PersonaFit(PersonaKind),
}

impl EngineTechnique {
    /// Every technique the engine looks up by id.
    pub fn all() -> impl Iterator<Item = EngineTechnique> {
        std::iter::once(EngineTechnique::Outcome)
            .chain(PersonaKind::ALL.map(EngineTechnique::PersonaFit))
    }

    /// The catalogue id the engine looks the technique up by.
    pub fn id(self) -> &'static str {
        match self {
            EngineTechnique::Outcome => "close.outcome",
            EngineTechnique::PersonaFit(PersonaKind::Driver) => "persona.driver",
            EngineTechnique::PersonaFit(PersonaKind::Expressive) => "persona.expressive",
            EngineTechnique::PersonaFit(PersonaKind::Analytical) => "persona.analytical",
            EngineTechnique::PersonaFit(PersonaKind::Amiable) => "persona.amiable",
        }
    }
}

/// How the score is weighed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub categories: Vec<Category>,
    /// Points for how the visit ended, counted in the `closing` category.
    pub outcome_points: BTreeMap<Outcome, i32>,
    /// The category outcome points count towards.
    pub outcome_category: String,
    /// The category persona reactions count towards.
    #[serde(default = "persona_fit_category")]
    pub persona_fit_category: String,
    /// The course's rules about order, timing and balance, each scored as its technique.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// How campaigns are scored; needed once the library has a campaign.
    #[serde(default)]
    pub campaign: Option<CampaignRubric>,
}

/// One rule of the course: what it checks, and what keeping or breaking it is worth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Rule")]
pub struct RuleSpec {
    /// The catalogue technique the rule's events cite (and whose category they count towards).
    pub technique: String,
    /// The rule only applies to visits that pass through a scene of this kind.
    #[serde(default)]
    pub only_with: Option<SceneKind>,
    /// The rule is about first visits: a scenario whose briefing says `follow_up` skips it.
    #[serde(default)]
    pub first_visit_only: bool,
    /// Points when the rule is kept (0: keeping it is not rewarded).
    #[serde(default)]
    pub reward: i32,
    /// Points each time the rule is broken (negative).
    pub penalty: i32,
    /// Why keeping the rule earned points (needed when `reward` is not 0).
    #[serde(default)]
    pub ok: Option<Text>,
    /// Why breaking it cost points.
    pub broken: Text,
    pub check: Check,
}

impl RuleSpec {
    /// Whether the rule judges visits of this scenario at all (a follow-up visit skips the
    /// rules about first visits).
    pub fn applies_to(&self, scenario: &Scenario) -> bool {
        !(self.first_visit_only && scenario.briefing.follow_up)
    }
}

/// What a rule checks. Tag lists match catalogue ids; `"spin.*"` matches every id starting
/// with `spin.`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    /// Steps in order: a reply at a later step before every earlier `required` step has been
    /// shown breaks the rule (once per reply). Kept when at least `min_steps` steps were shown
    /// and none out of order.
    Sequence { steps: Vec<Step>, min_steps: usize },
    /// The simulated minutes between two marks must lie within `min`..=`max`. The rule only
    /// applies when both marks happened.
    Span {
        from: Mark,
        to: Mark,
        #[serde(default)]
        min: Option<u32>,
        #[serde(default)]
        max: Option<u32>,
    },
    /// After the first low-side cue on `meter`, a reply tagged `leave` must come within
    /// `within` replies.
    LeaveOnCue {
        meter: Meter,
        within: usize,
        leave: Vec<String>,
    },
    /// A reply tagged `tags` before any reply tagged `until` breaks the rule (an empty `until`
    /// forbids it outright). With `after_scene`, only what happens once the visit has entered
    /// a scene of that kind counts.
    ForbiddenBefore {
        tags: Vec<String>,
        #[serde(default)]
        until: Vec<String>,
        #[serde(default)]
        after_scene: Option<SceneKind>,
    },
    /// At most `max` replies tagged `tags`; each one beyond breaks the rule.
    AtMost { tags: Vec<String>, max: usize },
    /// Replies tagged `ask` must make up at least `min_share` percent of those tagged `ask` or
    /// `talk`, judged once the visit has at least `min_replies` of them.
    Balance {
        ask: Vec<String>,
        talk: Vec<String>,
        min_share: u32,
        min_replies: usize,
    },
    /// The trainee's guess of the persona in the notebook, for a mystery customer (a persona
    /// drawn from a pool): `reward` when right within the first `early_within` replies, `late`
    /// points when right later, `penalty` when wrong.
    Identify { early_within: usize, late: i32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub tags: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// A moment in the visit, for timing rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Mark {
    /// The start of the visit (minute 0).
    Start,
    /// When the visit ended.
    End,
    /// When the first reply with one of these tags began.
    First(Vec<String>),
    /// When the last reply with one of these tags finished.
    Last(Vec<String>),
}

/// Whether a tag pattern (`"spin.*"` or an exact id) matches a tag.
pub fn tag_matches(pattern: &str, tag: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => tag.starts_with(prefix),
        None => pattern == tag,
    }
}

fn persona_fit_category() -> String {
    "persona_fit".to_string()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: Text,
    pub weight: u32,
}

/// A campaign: one key account over months — visits and account decisions in order, with the
/// relationship carried from each step to the next (§4). Written as `*.campaign.ron`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub title: Text,
    /// 1 (easy) to 3 (hard).
    pub difficulty: u8,
    /// The account: company, industry, the competition, why it matters.
    pub account: Text,
    /// What the campaign asks of the trainee.
    pub goal: Text,
    /// The people at the customer the campaign's visits and decisions name.
    pub contacts: Vec<Contact>,
    /// The relationship when the campaign begins.
    pub start: AccountStart,
    pub steps: Vec<CampaignStep>,
}

/// A person at the customer; the trust the trainee earns with them is carried between steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    pub name: Text,
    pub role: ContactRole,
    /// Trust at the start, for someone the trainee already knows (0–100); someone new is met
    /// with their type's usual trust.
    #[serde(default)]
    pub trust: Option<i32>,
}

/// The three people who decide a key-account sale (§2a), and the levels above them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ContactRole {
    /// 线人: guides the trainee inside the account.
    Coach,
    /// 关键人: carries the decision's weight in practice.
    KeyPerson,
    /// 决策人: signs.
    DecisionMaker,
    /// Top management, met when the level of contact is raised.
    TopManagement,
}

/// Where the relationship stands: our share of the customer's purchases, the level of the
/// relationship, and the time and money left for the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountStart {
    /// Percent of the customer's purchases in this line that come from us (0–100).
    pub share: i32,
    /// The three levels of relationship (§4b): 1 price, 2 personal service, 3 mutual benefit.
    pub level: i32,
    /// Days of time and money the trainee can put into the account over the campaign.
    pub budget: i32,
}

/// One step of a campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CampaignStep {
    /// A visit: a scenario played with one contact; how it ends moves the account.
    Visit(CampaignVisit),
    /// An account decision between visits: the account plan, or an event to answer.
    Decision(AccountDecision),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignVisit {
    /// The scenario played.
    pub scenario: String,
    /// The contact met: their trust from earlier steps is where this visit's trust starts, and
    /// where it ends is carried on.
    pub contact: String,
    /// Months since the campaign began.
    pub month: u32,
    /// The visit only happens when the account stands so; otherwise the campaign goes on
    /// to the next step.
    #[serde(default)]
    pub when: Option<StepCondition>,
    /// How each outcome of the visit moves the account; an outcome not listed moves nothing.
    #[serde(default)]
    pub outcomes: BTreeMap<Outcome, AccountEffects>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDecision {
    pub id: String,
    /// Months since the campaign began.
    pub month: u32,
    /// The decision only comes up when the account stands so (a price war only once there is
    /// a share to defend); otherwise the campaign goes on to the next step.
    #[serde(default)]
    pub when: Option<StepCondition>,
    pub title: Text,
    /// What has happened and where the account stands.
    pub situation: Text,
    /// Two to four options, picked with keys 1–4.
    pub options: Vec<AccountOption>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountOption {
    pub text: Text,
    /// Technique and mistake ids from the catalogue that this decision shows.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Days of the account's budget it takes; an option the budget left cannot pay for is not
    /// on offer.
    #[serde(default)]
    pub cost: i32,
    #[serde(default)]
    pub effects: AccountEffects,
    /// What came of it, shown once chosen and in the debrief.
    #[serde(default)]
    pub result: Option<Text>,
}

/// When a campaign step comes up, read from the account as it stands then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepCondition {
    /// Our share of the customer's purchases is at least this (percent).
    ShareAtLeast(i32),
    /// Our share is below this (percent).
    ShareBelow(i32),
}

impl StepCondition {
    pub fn holds(self, share: i32) -> bool {
        match self {
            StepCondition::ShareAtLeast(least) => share >= least,
            StepCondition::ShareBelow(limit) => share < limit,
        }
    }
}

impl CampaignStep {
    /// When the step comes up (none: always).
    pub fn when(&self) -> Option<StepCondition> {
        match self {
            CampaignStep::Visit(visit) => visit.when,
            CampaignStep::Decision(decision) => decision.when,
        }
    }

    pub fn month(&self) -> u32 {
        match self {
            CampaignStep::Visit(visit) => visit.month,
            CampaignStep::Decision(decision) => decision.month,
        }
    }
}

/// How a decision or a visit's outcome moves the account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccountEffects {
    /// Points of share of the customer's purchases (the result stays within 0–100).
    pub share: i32,
    /// Steps of relationship level (the result stays within 1–3).
    pub level: i32,
    /// Trust with named contacts (each result stays within 0–100).
    pub trust: BTreeMap<String, i32>,
}

/// The four stages of a key-account relationship (§4a), read from where the account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountStage {
    /// 开发: not yet buying from us.
    Development,
    /// 初期合作: buying from us as a secondary supplier.
    InitialCooperation,
    /// 稳定合作: we are the main supplier.
    StableCooperation,
    /// 战略合作: the main supplier, bound by mutual benefit (relationship level 3).
    StrategicCooperation,
}

impl AccountStage {
    pub const ALL: [AccountStage; 4] = [
        AccountStage::Development,
        AccountStage::InitialCooperation,
        AccountStage::StableCooperation,
        AccountStage::StrategicCooperation,
    ];

    /// The share at which we are the main supplier.
    pub const MAIN_SUPPLIER_SHARE: i32 = 50;

    /// The stage an account with this share and relationship level is in.
    pub fn of(share: i32, level: i32) -> AccountStage {
        match (share, level) {
            (..=0, _) => AccountStage::Development,
            (s, _) if s < Self::MAIN_SUPPLIER_SHARE => AccountStage::InitialCooperation,
            (_, ..=2) => AccountStage::StableCooperation,
            _ => AccountStage::StrategicCooperation,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            AccountStage::Development => "development",
            AccountStage::InitialCooperation => "initial_cooperation",
            AccountStage::StableCooperation => "stable_cooperation",
            AccountStage::StrategicCooperation => "strategic_cooperation",
        }
    }
}

/// How a campaign is scored: the share of its visits, its account decisions and where the
/// account ends, and the points each end stage is worth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRubric {
    /// Weight of the visits' mean score.
    pub visits: u32,
    /// Weight of the account decisions.
    pub decisions: u32,
    /// Weight of the stage the account ends in.
    pub stage: u32,
    /// Points out of 100 for each end stage.
    pub stage_points: BTreeMap<AccountStage, i32>,
}
