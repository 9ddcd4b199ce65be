//! Scoring: rules read a finished visit and produce scored events, each naming the technique,
//! the evidence and the course section. The total is the weighted share of points earned among
//! all points in play, so every point on the debrief comes from one listed event.

use serde::Serialize;

use super::{Exchange, Finish, Visit};
use crate::content::{Catalogue, Persona, Rubric, Technique};
use crate::i18n::Text;

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
}

/// What a rule may read.
pub struct RuleInput<'a> {
    pub transcript: &'a [Exchange],
    pub finish: &'a Finish,
    pub persona: &'a Persona,
    pub catalogue: &'a Catalogue,
    pub rubric: &'a Rubric,
}

impl RuleInput<'_> {
    fn technique(&self, id: &str) -> Option<&Technique> {
        self.catalogue.techniques.iter().find(|t| t.id == id)
    }

    /// An event citing a catalogue technique.
    fn event(
        &self,
        rule: &'static str,
        technique: &Technique,
        points: i32,
        step: Option<usize>,
        why: Text,
    ) -> ScoreEvent {
        let exchange = step.map(|i| &self.transcript[i]);
        ScoreEvent {
            rule,
            technique: technique.id.clone(),
            category: technique.category.clone(),
            points,
            step,
            beat: exchange.map(|e| e.view.beat_id.clone()),
            minute: exchange.map_or(self.finish.minute, |e| e.view.minute),
            evidence: exchange.map_or_else(|| self.finish.says.clone(), |e| e.reply.clone()),
            why,
            section: technique.section.clone(),
            better: technique.better.clone(),
        }
    }
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
        let id = format!("persona.{}", input.persona.kind.id());
        let Some(technique) = input.technique(&id) else {
            return;
        };
        for (step, exchange) in input.transcript.iter().enumerate() {
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

/// How the visit ended, weighed by the rubric's outcome points.
pub struct OutcomeRule;

impl Rule for OutcomeRule {
    fn apply(&self, input: &RuleInput, out: &mut Vec<ScoreEvent>) {
        let points = input
            .rubric
            .outcome_points
            .get(&input.finish.outcome)
            .copied()
            .unwrap_or(0);
        if let Some(technique) = input.technique("close.outcome") {
            let mut event =
                input.event("outcome", technique, points, None, input.finish.why.clone());
            event.category = input.rubric.outcome_category.clone();
            out.push(event);
        }
    }
}

/// The rules every visit is scored by, in the order their events are listed.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(TechniqueTags),
        Box::new(PersonaFit),
        Box::new(OutcomeRule),
    ]
}

/// Scores a finished visit; `None` while it is still running.
pub fn score(visit: &Visit, catalogue: &Catalogue, rubric: &Rubric) -> Option<Score> {
    let input = RuleInput {
        transcript: visit.transcript(),
        finish: visit.finish()?,
        persona: visit.persona(),
        catalogue,
        rubric,
    };
    let mut events = Vec::new();
    for rule in rules() {
        rule.apply(&input, &mut events);
    }
    // Visit order; the outcome last.
    events.sort_by_key(|e| e.step.unwrap_or(usize::MAX));
    Some(total(events, rubric))
}

fn total(events: Vec<ScoreEvent>, rubric: &Rubric) -> Score {
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
    for event in &events {
        if let Some(category) = categories.iter_mut().find(|c| c.id == event.category) {
            if event.points > 0 {
                category.earned += event.points;
            } else {
                category.lost -= event.points;
            }
        }
    }
    let (mut earned, mut in_play) = (0i64, 0i64);
    for category in &mut categories {
        let stake = category.earned + category.lost;
        if stake > 0 {
            category.score = Some(percent(category.earned as i64, stake as i64));
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
