//! Scoring: rules read a finished visit and produce scored events, each naming the technique,
//! the evidence and the course section. The total is the weighted share of points earned among
//! all points in play, so every point on the debrief comes from one listed event.

use serde::Serialize;

use super::{Exchange, Finish, PATIENCE_OUT, PersonaGuess, Visit, counted_outcome, find_beat};
use crate::content::{
    Catalogue, Check, EngineTechnique, Mark, Meter, Persona, PersonaSpec, Rubric, RuleSpec,
    Scenario, SceneKind, Step as SequenceStep, Technique, tag_matches,
};
use crate::i18n::{Lang, Text, persona_name};

/// One thing the trainee did that the course rewards or warns against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreEvent {
    /// Which rule kind fired: `technique`, `persona_fit`, `outcome`, …
    pub rule: &'static str,
    pub technique: String,
    pub category: String,
    pub points: i32,
    /// The exchange (0-based, in visit order) this evidence comes from; none for the outcome.
    pub step: Option<usize>,
    pub beat: Option<String>,
    pub minute: u32,
    /// The trainee's reply (or the ending) that is the evidence.
    pub evidence: Text,
    pub why: Text,
    pub section: Text,
    pub better: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryScore {
    pub id: String,
    pub name: Text,
    pub weight: u32,
    pub earned: i32,
    pub lost: i32,
    /// 0–100, or none when the visit gave this category nothing to judge.
    pub score: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub total: u32,
    pub categories: Vec<CategoryScore>,
    pub events: Vec<ScoreEvent>,
    /// Every reply priced against the others on offer at that moment.
    pub decisions: Vec<Decision>,
    /// Weighted points the better replies would have earned beyond the chosen ones: in play,
    /// but not won, so a visit of harmless but empty replies does not score full marks.
    pub missed: u32,
}

/// What a rule may read. `finish` is none while the visit runs: rules judge what has happened
/// so far, which is how the debrief prices the replies that were not chosen.
pub struct RuleInput<'a> {
    pub transcript: &'a [Exchange],
    pub finish: Option<&'a Finish>,
    pub persona: &'a Persona,
    pub scenario: &'a Scenario,
    /// Whether the persona was drawn from a pool rather than told in the scenario list.
    pub mystery: bool,
    pub guess: Option<PersonaGuess>,
    pub catalogue: &'a Catalogue,
    pub rubric: &'a Rubric,
    /// When set, only events of this reply are wanted (pricing one decision).
    pub focus: Option<usize>,
}

impl RuleInput<'_> {
    /// Whether an event at `step` is wanted: pricing one decision skips the rest unbuilt.
    fn wants(&self, step: Option<usize>) -> bool {
        self.focus.is_none_or(|focus| step == Some(focus))
    }

    fn technique(&self, id: &str) -> Option<&Technique> {
        self.catalogue.techniques.iter().find(|t| t.id == id)
    }

    /// An event citing a catalogue technique; without a step it is about the whole visit.
    fn event(
        &self,
        rule: &'static str,
        technique: &Technique,
        points: i32,
        step: Option<usize>,
        why: Text,
    ) -> ScoreEvent {
        let exchange = step.map(|i| &self.transcript[i]);
        let end_minute = self.finish.map_or(0, |f| f.minute);
        ScoreEvent {
            rule,
            technique: technique.id.clone(),
            category: technique.category.clone(),
            points,
            step,
            beat: exchange.map(|e| e.view.beat_id.clone()),
            minute: exchange.map_or(end_minute, |e| e.view.minute),
            evidence: exchange.map_or_else(
                || self.finish.map(|f| f.says.clone()).unwrap_or_default(),
                |e| e.reply.clone(),
            ),
            why,
            section: technique.section.clone(),
            better: technique.better.clone(),
        }
    }

    fn passed_scene(&self, kind: SceneKind) -> bool {
        self.transcript.iter().any(|e| e.view.scene_kind == kind)
    }
}

/// Whether a reply carries a tag matching one of the patterns.
fn shows(exchange: &Exchange, patterns: &[String]) -> bool {
    exchange
        .tags
        .iter()
        .any(|tag| patterns.iter().any(|p| tag_matches(p, tag)))
}

/// A kind of rule; its parameters come from the rubric, catalogue and persona data.
pub trait Rule {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>);
}

/// Each technique or mistake a reply shows is worth its catalogue points.
pub struct TechniqueTags;

impl Rule for TechniqueTags {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>) {
        for (step, exchange) in input.transcript.iter().enumerate() {
            if !input.wants(Some(step)) {
                continue;
            }
            for tag in &exchange.tags {
                if let Some(technique) = input.technique(tag).filter(|t| t.points != 0) {
                    let why = technique.explain.clone();
                    out.push(input.event(
                        "technique",
                        technique,
                        technique.points,
                        Some(step),
                        why,
                    ));
                }
            }
        }
    }
}

/// How the persona took a reply: the same words suit one type and offend another.
pub struct PersonaFit;

impl Rule for PersonaFit {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>) {
        let fit = EngineTechnique::PersonaFit(input.persona.kind);
        // Loading reports a catalogue without it, so this only skips in a library with errors.
        let Some(technique) = input.technique(fit.id()) else {
            return;
        };
        for (step, exchange) in input.transcript.iter().enumerate() {
            if !input.wants(Some(step)) {
                continue;
            }
            for &r in &exchange.reactions {
                let reaction = &input.persona.reactions[r];
                if reaction.points != 0 {
                    let mut event = input.event(
                        "persona_fit",
                        technique,
                        reaction.points,
                        Some(step),
                        reaction.why.clone(),
                    );
                    event.category = input.rubric.persona_fit_category.clone();
                    out.push(event);
                }
            }
        }
    }
}

/// How the visit ended, weighed by the rubric's outcome points. An advance counts only with a
/// concrete commitment from the customer; without one it is a continuation.
pub struct OutcomeRule;

impl Rule for OutcomeRule {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>) {
        let Some(finish) = input.finish.filter(|_| input.wants(None)) else {
            return;
        };
        // Loading reports a catalogue without it, so this only skips in a library with errors.
        let Some(technique) = input.technique(EngineTechnique::Outcome.id()) else {
            return;
        };
        let counted = counted_outcome(finish.outcome, finish.commitment.as_ref());
        let (why, evidence) = match (&finish.commitment, counted != finish.outcome) {
            (_, true) => (
                Text::new(
                    "客户没有对任何具体的下一步作出承诺，所以只能算“暂时中断”，不算“有进展”。",
                    "The customer committed to no concrete next step, so this counts as a continuation, not an advance.",
                ),
                finish.says.clone(),
            ),
            (Some(commitment), false) => (finish.why.clone(), commitment.clone()),
            (None, false) => (finish.why.clone(), finish.says.clone()),
        };
        let points = input
            .rubric
            .outcome_points
            .get(&counted)
            .copied()
            .unwrap_or(0);
        let mut event = input.event("outcome", technique, points, None, why);
        event.evidence = evidence;
        event.category = input.rubric.outcome_category.clone();
        out.push(event);
    }
}

/// One of the rubric's rules about order, timing, counts and reading the customer.
pub struct CourseRule<'r>(pub &'r RuleSpec);

impl Rule for CourseRule<'_> {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>) {
        let spec = self.0;
        if !spec.applies_to(input.scenario) || !spec.only_with.is_none_or(|k| input.passed_scene(k))
        {
            return;
        }
        let Some(technique) = input.technique(&spec.technique) else {
            return;
        };
        let mut judge = Judge {
            spec,
            technique,
            input,
            out,
        };
        match &spec.check {
            Check::Sequence { steps, min_steps } => judge.sequence(steps, *min_steps),
            Check::Span { from, to, min, max } => judge.span(from, to, *min, *max),
            Check::LeaveOnCue {
                meter,
                within,
                leave,
            } => judge.leave_on_cue(*meter, *within, leave),
            Check::ForbiddenBefore {
                tags,
                until,
                after_scene,
            } => judge.forbidden_before(tags, until, *after_scene),
            Check::AtMost { tags, max } => judge.at_most(tags, *max),
            Check::Balance {
                ask,
                talk,
                min_share,
                min_replies,
            } => judge.balance(ask, talk, *min_share, *min_replies),
            Check::Identify { early_within, late } => judge.identify(*early_within, *late),
        }
    }
}

/// One course rule judging one visit: each kind of check is a method, and every event it sets
/// off cites the rule's technique, with the rule's `broken` or `ok` text as the reason.
struct Judge<'a, 'i> {
    spec: &'a RuleSpec,
    technique: &'a Technique,
    input: &'a RuleInput<'i>,
    out: &'a mut Vec<ScoreEvent>,
}

impl Judge<'_, '_> {
    /// The rule was broken: its penalty, with its `broken` text.
    fn broken(&mut self, step: Option<usize>, evidence: Option<Text>) {
        let spec = self.spec;
        self.emit(spec.penalty, step, &spec.broken, evidence);
    }

    /// The rule was kept: `points` (the reward, or an identification's late points), with the
    /// rule's `ok` text.
    fn kept(&mut self, points: i32, step: Option<usize>, evidence: Option<Text>) {
        match &self.spec.ok {
            Some(ok) => self.emit(points, step, ok, evidence),
            None => self.emit(points, step, &Text::default(), evidence),
        }
    }

    /// Records an event, unless only another reply's events are wanted. `evidence` replaces the
    /// reply (or ending) the event would otherwise cite.
    fn emit(&mut self, points: i32, step: Option<usize>, why: &Text, evidence: Option<Text>) {
        let input = self.input;
        if !input.wants(step) {
            return;
        }
        let mut event = input.event(
            spec_rule_name(&self.spec.check),
            self.technique,
            points,
            step,
            why.clone(),
        );
        if let Some(evidence) = evidence {
            event.evidence = evidence;
        }
        self.out.push(event);
    }

    fn finished(&self) -> bool {
        self.input.finish.is_some()
    }

    /// Steps in order: each reply that shows a later step while an earlier required one is still
    /// missing breaks the rule; a finished visit that showed enough steps, none out of order,
    /// keeps it.
    fn sequence(&mut self, steps: &[SequenceStep], min_steps: usize) {
        let spec = self.spec;
        let transcript = self.input.transcript;
        let mut seen = vec![false; steps.len()];
        let mut broken = false;
        for (i, exchange) in transcript.iter().enumerate() {
            let here: Vec<usize> = (0..steps.len())
                .filter(|&k| shows(exchange, &steps[k].tags))
                .collect();
            let skipped = here
                .iter()
                .any(|&k| (0..k).any(|j| steps[j].required && !seen[j] && !here.contains(&j)));
            if skipped {
                broken = true;
                self.broken(Some(i), None);
            }
            for k in here {
                seen[k] = true;
            }
        }
        let shown = seen.iter().filter(|&&s| s).count();
        if self.finished() && !broken && shown >= min_steps && spec.reward != 0 {
            self.kept(spec.reward, None, Some(steps_evidence(shown, steps.len())));
        }
    }

    /// The simulated minutes between two marks, judged once the visit is over and only when
    /// both marks happened; the event sits on the reply that set the later mark.
    fn span(&mut self, from: &Mark, to: &Mark, min: Option<u32>, max: Option<u32>) {
        let spec = self.spec;
        let transcript = self.input.transcript;
        let Some(finish) = self.input.finish else {
            return;
        };
        let (Some((start, from_step)), Some((end, to_step))) =
            (mark(from, transcript, finish), mark(to, transcript, finish))
        else {
            return;
        };
        let step = to_step.or(from_step);
        let minutes = end.saturating_sub(start);
        let within = min.is_none_or(|m| minutes >= m) && max.is_none_or(|m| minutes <= m);
        let evidence = Some(Text::new(
            format!("第{start}分钟到第{end}分钟，共{minutes}分钟"),
            format!("Minute {start} to minute {end}: {minutes} minutes"),
        ));
        if !within {
            self.broken(step, evidence);
        } else if spec.reward != 0 {
            self.kept(spec.reward, step, evidence);
        }
    }

    /// After the first low-side cue on `meter`, a wrap-up within `within` replies keeps the
    /// rule; carrying on past that window, or running out of patience, breaks it, but only
    /// when a wrap-up was on offer.
    fn leave_on_cue(&mut self, meter: Meter, within: usize, leave: &[String]) {
        let spec = self.spec;
        let input = self.input;
        let transcript = input.transcript;
        let Some(cue) = transcript
            .iter()
            .position(|e| e.view.cue_signal.is_some_and(|s| s.meter == meter && s.low))
        else {
            return;
        };
        let window = cue..=cue + within;
        // Only a wrap-up the trainee was offered can be asked of them.
        let offered = window.clone().any(|i| {
            transcript.get(i).is_some_and(|e| {
                find_beat(input.scenario, &e.view.beat_id)
                    .choices
                    .iter()
                    .any(|c| {
                        c.tags
                            .iter()
                            .any(|t| leave.iter().any(|p| tag_matches(p, t)))
                    })
            })
        });
        if let Some(left) = window
            .clone()
            .find(|&i| transcript.get(i).is_some_and(|e| shows(e, leave)))
        {
            if spec.reward != 0 {
                self.kept(spec.reward, Some(left), None);
            }
        } else if offered && transcript.len() > cue + within + 1 {
            // The trainee carried on past the window.
            self.broken(Some(cue + within + 1), None);
        } else if offered && input.finish.is_some_and(|f| f.ending_id == PATIENCE_OUT) {
            self.broken(None, None);
        }
    }

    /// Each reply tagged `tags` before any reply tagged `until` (once inside `after_scene`, if
    /// set) breaks the rule; the first one after, in a visit that never broke it, keeps it.
    fn forbidden_before(
        &mut self,
        tags: &[String],
        until: &[String],
        after_scene: Option<SceneKind>,
    ) {
        let spec = self.spec;
        let transcript = self.input.transcript;
        let mut active = after_scene.is_none();
        let mut allowed = false;
        let mut broken = false;
        for (i, exchange) in transcript.iter().enumerate() {
            active |= after_scene.is_some_and(|k| exchange.view.scene_kind == k);
            if !active {
                continue;
            }
            if shows(exchange, tags) {
                if !allowed {
                    broken = true;
                    self.broken(Some(i), None);
                } else if !broken && spec.reward != 0 {
                    self.kept(spec.reward, Some(i), None);
                    broken = true; // rewarded once
                }
            }
            allowed |= !until.is_empty() && shows(exchange, until);
        }
    }

    /// Each reply tagged `tags` beyond the first `max` breaks the rule; a finished visit with
    /// one to `max` of them keeps it.
    fn at_most(&mut self, tags: &[String], max: usize) {
        let spec = self.spec;
        let transcript = self.input.transcript;
        let mut count = 0;
        for (i, exchange) in transcript.iter().enumerate() {
            if shows(exchange, tags) {
                count += 1;
                if count > max {
                    self.broken(Some(i), None);
                }
            }
        }
        if self.finished() && (1..=max).contains(&count) && spec.reward != 0 {
            self.kept(spec.reward, None, Some(count_evidence(count)));
        }
    }

    /// Once the visit is over and has at least `min_replies` asking or talking replies, the
    /// asking ones must make up `min_share` percent of them.
    fn balance(&mut self, ask: &[String], talk: &[String], min_share: u32, min_replies: usize) {
        let spec = self.spec;
        let transcript = self.input.transcript;
        if !self.finished() {
            return;
        }
        let asked = transcript.iter().filter(|e| shows(e, ask)).count();
        let talked = transcript.iter().filter(|e| shows(e, talk)).count();
        if asked + talked < min_replies {
            return;
        }
        let evidence = Some(Text::new(
            format!("提问或请客户参与{asked}次，自己讲{talked}次"),
            format!("{asked} replies asking or involving the customer, {talked} talking"),
        ));
        if (asked * 100) as u32 >= min_share * (asked + talked) as u32 {
            if spec.reward != 0 {
                self.kept(spec.reward, None, evidence);
            }
        } else {
            self.broken(None, evidence);
        }
    }

    /// The notebook's guess of a mystery customer's type, judged once the visit is over: wrong
    /// breaks the rule, right within `early_within` replies earns the reward, right later `late`.
    fn identify(&mut self, early_within: usize, late: i32) {
        let spec = self.spec;
        let input = self.input;
        // Only a customer whose type was not told can be read.
        let (Some(guess), true) = (input.guess, self.finished() && input.mystery) else {
            return;
        };
        let evidence = Some(Text::new(
            format!(
                "笔记本：{}（第{}次回答后记下）",
                persona_name(guess.kind, Lang::Zh),
                guess.after_replies
            ),
            format!(
                "Notebook: {} (noted after {} replies)",
                persona_name(guess.kind, Lang::En),
                guess.after_replies
            ),
        ));
        if guess.kind != input.persona.kind {
            self.broken(None, evidence);
        } else if guess.after_replies < early_within {
            self.kept(spec.reward, None, evidence);
        } else if late != 0 {
            self.kept(late, None, evidence);
        }
    }
}

fn spec_rule_name(check: &Check) -> &'static str {
    match check {
        Check::Sequence { .. } => "sequence",
        Check::Span { .. } | Check::LeaveOnCue { .. } => "timing",
        Check::ForbiddenBefore { .. } => "forbidden_before",
        Check::AtMost { .. } | Check::Balance { .. } => "count",
        Check::Identify { .. } => "persona_fit",
    }
}

/// The minute a timing mark fell on, and the reply that set it.
fn mark(mark: &Mark, transcript: &[Exchange], finish: &Finish) -> Option<(u32, Option<usize>)> {
    match mark {
        Mark::Start => Some((0, None)),
        Mark::End => Some((finish.minute, None)),
        Mark::First(tags) => transcript
            .iter()
            .position(|e| shows(e, tags))
            .map(|i| (transcript[i].view.minute, Some(i))),
        Mark::Last(tags) => transcript
            .iter()
            .rposition(|e| shows(e, tags))
            .map(|i| (transcript[i].minute_after, Some(i))),
    }
}

fn steps_evidence(shown: usize, of: usize) -> Text {
    Text::new(
        format!("按顺序走了{shown}/{of}步"),
        format!("{shown} of {of} steps, in order"),
    )
}

fn count_evidence(count: usize) -> Text {
    Text::new(format!("共{count}次"), format!("{count} in all"))
}

/// The rules every visit is scored by: tags, persona fit, the rubric's rules, the outcome.
pub fn rules(rubric: &Rubric) -> Vec<Box<dyn Rule + '_>> {
    let mut rules: Vec<Box<dyn Rule + '_>> = vec![Box::new(TechniqueTags), Box::new(PersonaFit)];
    rules.extend(
        rubric
            .rules
            .iter()
            .map(|spec| Box::new(CourseRule(spec)) as Box<dyn Rule>),
    );
    rules.push(Box::new(OutcomeRule));
    rules
}

/// Every event the visit so far has earned, in visit order (whole-visit judgements last).
pub fn events(visit: &Visit, catalogue: &Catalogue, rubric: &Rubric) -> Vec<ScoreEvent> {
    events_at(visit, catalogue, rubric, &rules(rubric), None)
}

/// Weighted points of the whole visit so far, or (with `focus`) of the events one reply set off.
pub fn weighted_points(
    visit: &Visit,
    catalogue: &Catalogue,
    rubric: &Rubric,
    rules: &[Box<dyn Rule + '_>],
    focus: Option<usize>,
) -> i64 {
    events_at(visit, catalogue, rubric, rules, focus)
        .iter()
        .map(|e| e.points as i64 * weight(rubric, &e.category))
        .sum()
}

/// The events of the whole visit, or (with `focus`) only those of one reply.
fn events_at(
    visit: &Visit,
    catalogue: &Catalogue,
    rubric: &Rubric,
    rules: &[Box<dyn Rule + '_>],
    focus: Option<usize>,
) -> Vec<ScoreEvent> {
    let input = RuleInput {
        transcript: visit.transcript(),
        finish: visit.finish(),
        persona: visit.persona(),
        scenario: visit.scenario(),
        mystery: matches!(visit.scenario().persona, PersonaSpec::OneOf(_)),
        guess: visit.guess(),
        catalogue,
        rubric,
        focus,
    };
    let mut events = Vec::new();
    for rule in rules {
        rule.apply(&input, &mut events);
    }
    events.sort_by_key(|e| e.step.unwrap_or(usize::MAX));
    events
}

/// Scores a finished visit; `None` while it is still running.
pub fn score(visit: &Visit, catalogue: &Catalogue, rubric: &Rubric) -> Option<Score> {
    visit.finish()?;
    let decisions = decisions(visit, catalogue, rubric);
    Some(total(events(visit, catalogue, rubric), decisions, rubric))
}

/// One decision of the visit: what the chosen reply earned there, and the reply that would
/// have earned the most, when that is more.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    pub step: usize,
    /// The chosen reply's points at this step (net).
    pub points: i32,
    pub best: Option<BetterReply>,
    /// Weighted points the best reply would have earned beyond the chosen one's gains.
    pub missed: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BetterReply {
    /// The reply's index in the file (0-based).
    pub choice: usize,
    pub text: Text,
    pub points: i32,
}

/// What one reply set off at its own step: net points, and weighted net and weighted gains.
#[derive(Clone, Copy, Default)]
struct Priced {
    points: i32,
    weighted: i64,
    weighted_gain: i64,
}

/// A category's weight in the rubric (0 for an unknown category).
pub(crate) fn weight(rubric: &Rubric, category: &str) -> i64 {
    rubric
        .categories
        .iter()
        .find(|c| c.id == category)
        .map_or(0, |c| c.weight as i64)
}

/// Prices every reply at every decision by replaying the visit with each alternative: the same
/// rules as the score, counting the events that reply itself set off.
pub fn decisions(visit: &Visit, catalogue: &Catalogue, rubric: &Rubric) -> Vec<Decision> {
    let rules = rules(rubric);
    let price = |trial: &Visit, step: usize| -> Priced {
        let mut priced = Priced::default();
        for event in events_at(trial, catalogue, rubric, &rules, Some(step)) {
            let weighted = event.points as i64 * weight(rubric, &event.category);
            priced.points += event.points;
            priced.weighted += weighted;
            priced.weighted_gain += weighted.max(0);
        }
        priced
    };
    // One pass: at each step, try every reply on a copy, then take the one chosen.
    let mut before = visit.restarted();
    let mut decisions = Vec::new();
    for (step, exchange) in visit.transcript().iter().enumerate() {
        let mut chosen = Priced::default();
        let mut best: Option<(BetterReply, Priced)> = None;
        let offered: Vec<(usize, Text)> = before
            .shown_choices()
            .into_iter()
            .map(|(i, t)| (i, t.clone()))
            .collect();
        for (choice, text) in offered {
            let priced = before
                .trying(choice, |trial| price(trial, step))
                .expect("a choice the beat offers");
            if choice == exchange.choice {
                chosen = priced;
            } else if best
                .as_ref()
                .is_none_or(|(_, b)| priced.weighted > b.weighted)
            {
                let reply = BetterReply {
                    choice,
                    text,
                    points: priced.points,
                };
                best = Some((reply, priced));
            }
        }
        // A better reply is one that earns more, as the trainee sees the points.
        let best = best.filter(|(_, b)| b.weighted > chosen.weighted && b.points > chosen.points);
        let missed = best
            .as_ref()
            .map_or(0, |(_, b)| (b.weighted - chosen.weighted_gain).max(0));
        decisions.push(Decision {
            step,
            points: chosen.points,
            best: best.map(|(reply, _)| reply),
            missed: missed as u32,
        });
        before
            .choose(exchange.choice)
            .expect("replaying choices that were valid");
    }
    decisions
}

/// Each rubric category's points earned and lost in `events`, and its score from them.
pub fn category_scores<'e>(
    events: impl IntoIterator<Item = &'e ScoreEvent>,
    rubric: &Rubric,
) -> Vec<CategoryScore> {
    let mut categories: Vec<CategoryScore> = rubric
        .categories
        .iter()
        .map(|c| CategoryScore {
            id: c.id.clone(),
            name: c.name.clone(),
            weight: c.weight,
            earned: 0,
            lost: 0,
            score: None,
        })
        .collect();
    for event in events {
        if let Some(category) = categories.iter_mut().find(|c| c.id == event.category) {
            if event.points > 0 {
                category.earned += event.points;
            } else {
                category.lost -= event.points;
            }
        }
    }
    for category in &mut categories {
        let stake = category.earned + category.lost;
        if stake > 0 {
            category.score = Some(percent(category.earned as i64, stake as i64));
        }
    }
    categories
}

fn total(events: Vec<ScoreEvent>, decisions: Vec<Decision>, rubric: &Rubric) -> Score {
    let categories = category_scores(&events, rubric);
    let missed: i64 = decisions.iter().map(|d| d.missed as i64).sum();
    let (mut earned, mut in_play) = (0i64, missed);
    for category in &categories {
        let stake = category.earned + category.lost;
        if stake > 0 {
            earned += category.earned as i64 * category.weight as i64;
            in_play += stake as i64 * category.weight as i64;
        }
    }
    Score {
        total: if in_play > 0 {
            percent(earned, in_play)
        } else {
            0
        },
        categories,
        events,
        decisions,
        missed: missed as u32,
    }
}

/// `part / whole` as a whole percentage, rounded half up, in integers so every platform agrees.
fn percent(part: i64, whole: i64) -> u32 {
    ((200 * part + whole) / (2 * whole)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 200), 1);
        assert_eq!(percent(0, 5), 0);
        assert_eq!(percent(5, 5), 100);
    }
}
