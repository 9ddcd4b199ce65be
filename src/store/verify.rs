//! Every score shown is recomputed: a stored result is replayed by the engine against the
//! content version it was played on. Its seal decides whether the row was edited by hand; an
//! intact result that today's engine scores differently is re-scored, not rejected, so a new
//! release keeps every board and history. On top of that: leaderboards (ranked from verified
//! results only) and a trainee's progress.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{
    CAMPAIGN_PERSONA, ENGINE_VERSION, ResultFilter, Store, StoreError, StoredResult, parse_guess,
    parse_outcome,
};
use crate::content::{AccountStage, Library, Outcome, PersonaKind};
use crate::i18n::{Lang, Text, tr};
use crate::sim::campaign::{CampaignGuess, CampaignRun};
use crate::sim::{Attempt, Score};

/// Whether a stored result counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Standing {
    /// Sealed and replayed: it counts, with the score the engine gives it now.
    Valid,
    /// Edited by hand (a broken seal), unreadable or not replayable: shown, never ranked.
    Invalid(Text),
}

/// A result whose seal is intact but which this engine scores differently from the engine
/// that stored it (a release changed the rules): it counts with today's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rescored {
    /// The score stored when it was played.
    pub stored: i64,
    /// The engine version that stored it.
    pub engine: String,
}

/// A stored result after verification.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Checked {
    pub result: StoredResult,
    pub standing: Standing,
    /// Played on another version of the scenario (or of the course files) than the one loaded
    /// now; it keeps the score of the version it was played on.
    pub earlier_content: bool,
    pub rescored: Option<Rescored>,
    /// The recomputed score; none when the result could not be replayed.
    #[serde(skip)]
    /// Shared: boards copy results often, and a score carries every event of the visit.
    pub score: Option<Arc<Score>>,
    pub outcome: Option<Outcome>,
    /// For a campaign: the stage the account ended in, as recomputed.
    #[serde(default)]
    pub stage: Option<AccountStage>,
    /// Simulated minutes, as recomputed.
    pub minutes: Option<u32>,
    /// The scenario's title in the version played.
    pub title: Option<Text>,
}

impl Checked {
    pub fn is_valid(&self) -> bool {
        !matches!(self.standing, Standing::Invalid(_))
    }

    /// A campaign's result rather than a single visit's.
    pub fn is_campaign(&self) -> bool {
        self.result.persona == CAMPAIGN_PERSONA
    }

    /// Rewound and tried again from an earlier decision: kept for progress, never ranked.
    pub fn is_practice(&self) -> bool {
        self.result.rewound_at.is_some()
    }

    /// The recomputed total, when valid.
    pub fn total(&self) -> Option<u32> {
        self.is_valid()
            .then(|| self.score.as_ref().map(|s| s.total))
            .flatten()
    }

    /// How it ended, when valid: a visit's outcome, or the stage a campaign's account ended in.
    pub fn ended(&self, lang: Lang) -> Option<&'static str> {
        if !self.is_valid() {
            return None;
        }
        match (self.outcome, self.stage) {
            (Some(outcome), _) => Some(crate::i18n::outcome_name(outcome, lang)),
            (None, Some(stage)) => Some(crate::i18n::stage_name(stage, lang)),
            (None, None) => None,
        }
    }

    /// Simulated minutes: as replayed now, or as stored when it could not be replayed.
    pub fn sim_minutes(&self) -> i64 {
        self.minutes.map_or(self.result.minutes, i64::from)
    }

    /// What a reader should know about this result beside its score, in one place for the
    /// command line, the boards, progress and CSV; none for a plain valid result.
    pub fn note(&self) -> Option<Text> {
        let mut parts: Vec<Text> = Vec::new();
        match &self.standing {
            Standing::Invalid(why) => {
                return Some(Text::new(
                    format!("无效：{}", why.zh),
                    format!("INVALID: {}", why.en),
                ));
            }
            Standing::Valid => {}
        }
        if let (Some(rescored), Some(now)) = (&self.rescored, self.total()) {
            parts.push(Text::new(
                format!(
                    "已按新规则重新评分：{} → {}（原由 {} 版评分）",
                    rescored.stored, now, rescored.engine
                ),
                format!(
                    "re-scored by the current rules: {} → {} (scored by version {})",
                    rescored.stored, now, rescored.engine
                ),
            ));
        }
        if self.earlier_content {
            parts.push(Text::new("旧版场景", "earlier scenario version"));
        }
        if let Some(at) = self.result.rewound_at {
            let decision = at + 1;
            parts.push(Text::new(
                format!("练习：从第 {decision} 个决定重来，不计入排行榜"),
                format!("practice: tried again from decision {decision}, not ranked"),
            ));
        }
        (!parts.is_empty()).then(|| {
            let join = |lang| {
                parts
                    .iter()
                    .map(|p| p.get(lang).to_string())
                    .collect::<Vec<_>>()
                    .join(tr(lang, "；", "; "))
            };
            Text::new(join(Lang::Zh), join(Lang::En))
        })
    }

    /// The note, or "valid": the status column of exports.
    pub fn status(&self, lang: Lang) -> String {
        self.note()
            .map(|note| note.get(lang).to_string())
            .unwrap_or_else(|| tr(lang, "有效", "valid").to_string())
    }

    /// One word for spreadsheets and scripts: valid, practice, rescored, earlier_version or
    /// invalid.
    pub fn status_id(&self) -> &'static str {
        match (&self.standing, &self.rescored, self.earlier_content) {
            (Standing::Invalid(_), _, _) => "invalid",
            _ if self.is_practice() => "practice",
            (Standing::Valid, Some(_), _) => "rescored",
            (Standing::Valid, None, true) => "earlier_version",
            (Standing::Valid, None, false) => "valid",
        }
    }
}

/// Verifies results, keeping each content version's library parsed once.
pub struct Verifier {
    /// The hash of each scenario's version loaded now.
    current: HashMap<String, String>,
    libraries: HashMap<String, Option<Arc<Library>>>,
}

impl Verifier {
    /// `current` is the content loaded now, to flag results played on another version.
    pub fn new(current: Option<&Library>) -> Verifier {
        let current = current
            .map(|library| {
                let scenarios = library
                    .scenarios
                    .keys()
                    .filter_map(|id| Some((id.clone(), library.version_of(id)?.hash())));
                let campaigns = library
                    .campaigns
                    .keys()
                    .filter_map(|id| Some((id.clone(), library.version_of_campaign(id)?.hash())));
                scenarios.chain(campaigns).collect()
            })
            .unwrap_or_default();
        Verifier {
            current,
            libraries: HashMap::new(),
        }
    }

    pub fn check_all(
        &mut self,
        store: &Store,
        results: Vec<StoredResult>,
    ) -> Result<Vec<Checked>, StoreError> {
        results.into_iter().map(|r| self.check(store, r)).collect()
    }

    /// The library of a stored content version, parsed once; none if missing or altered.
    fn library(&mut self, store: &Store, hash: &str) -> Result<Option<Arc<Library>>, StoreError> {
        if let Some(library) = self.libraries.get(hash) {
            return Ok(library.clone());
        }
        let library = store.version(hash)?.and_then(|v| {
            // A stored version whose texts were altered no longer matches its hash.
            (v.hash() == hash).then(|| Arc::new(v.library()))
        });
        self.libraries.insert(hash.to_string(), library.clone());
        Ok(library)
    }

    pub fn check(&mut self, store: &Store, result: StoredResult) -> Result<Checked, StoreError> {
        let library = self.library(store, &result.content_hash)?;
        let mut checked = Checked {
            standing: Standing::Valid,
            earlier_content: self.current.get(&result.scenario) != Some(&result.content_hash),
            rescored: None,
            score: None,
            outcome: None,
            stage: None,
            minutes: None,
            title: library
                .as_ref()
                .and_then(|l| l.title_of(&result.scenario).cloned()),
            result,
        };
        let sealed = checked.result.seal == store.seal(&checked.result);
        let Some(library) = library else {
            checked.standing = invalid(
                "它所用的场景版本缺失或被改动过",
                "the scenario version it was played on is missing or was altered",
            );
            return Ok(checked);
        };
        let replayed = if checked.is_campaign() {
            replay_campaign(library, &checked.result)
        } else {
            replay(library, &checked.result)
        };
        let stored = &checked.result;
        let differs = |now: &Replayed| {
            i64::from(now.score.total) != stored.score
                || now.ended() != stored.outcome
                || i64::from(now.minutes) != stored.minutes
        };
        checked.standing = match (&replayed, sealed) {
            (Ok(now), false) if differs(now) => Standing::Invalid(Text::new(
                format!(
                    "记录被手工改动过：记录的得分为 {}，但这些回答重算得 {}（{} 分钟）",
                    stored.score, now.score.total, now.minutes
                ),
                format!(
                    "edited by hand: stored score {} but its replies score {} ({} min)",
                    stored.score, now.score.total, now.minutes
                ),
            )),
            (_, false) => invalid(
                "记录被手工改动过（校验封印不符）",
                "the record was edited by hand (its seal does not match)",
            ),
            (Err(reason), true) => Standing::Invalid(reason.clone()),
            (Ok(now), true) => {
                if differs(now) {
                    checked.rescored = Some(Rescored {
                        stored: stored.score,
                        engine: stored.engine_version.clone(),
                    });
                }
                Standing::Valid
            }
        };
        if let Ok(now) = replayed {
            checked.score = Some(Arc::new(now.score));
            checked.outcome = now.outcome;
            checked.stage = now.stage;
            checked.minutes = Some(now.minutes);
        }
        Ok(checked)
    }
}

fn invalid(zh: &str, en: &str) -> Standing {
    Standing::Invalid(Text::new(zh, en))
}

/// What replaying a stored result gives now.
struct Replayed {
    score: Score,
    /// How a visit ended.
    outcome: Option<Outcome>,
    /// Where a campaign's account ended.
    stage: Option<AccountStage>,
    minutes: u32,
}

impl Replayed {
    /// The id stored in the result's outcome column: a visit's outcome, a campaign's stage.
    fn ended(&self) -> &'static str {
        match (self.outcome, self.stage) {
            (Some(outcome), _) => outcome.id(),
            (None, Some(stage)) => stage.id(),
            (None, None) => "",
        }
    }
}

fn unreadable(what_zh: &str, what_en: &str) -> Text {
    Text::new(
        format!("记录中的{what_zh}无法读取"),
        format!("its {what_en} cannot be read"),
    )
}

fn cannot_replay(err: crate::sim::SimError) -> Text {
    Text::new(
        format!("这一版（{ENGINE_VERSION}）无法重放这些回答：{err}"),
        format!("this version ({ENGINE_VERSION}) cannot replay its replies: {err}"),
    )
}

/// Replays a stored campaign through the same run the game plays, and scores it so. Its score
/// is the campaign's total, with the evidence of its account decisions.
fn replay_campaign(library: Arc<Library>, result: &StoredResult) -> Result<Replayed, Text> {
    let choices: Vec<usize> =
        serde_json::from_str(&result.choices).map_err(|_| unreadable("选择", "choices"))?;
    let guesses = match &result.guess {
        Some(text) => {
            CampaignGuess::parse(text).ok_or_else(|| unreadable("类型判断", "notebook guesses"))?
        }
        None => Vec::new(),
    };
    let run = CampaignRun::replay(library, &result.scenario, result.seed, &choices, &guesses)
        .map_err(cannot_replay)?;
    let score = run.score().ok_or_else(|| {
        Text::new(
            "这些选择没有走完客户战役",
            "its choices do not finish the campaign",
        )
    })?;
    Ok(Replayed {
        score: Score {
            total: score.total,
            categories: score.categories,
            events: score.events,
            decisions: Vec::new(),
            missed: 0,
        },
        outcome: None,
        stage: Some(score.stage),
        minutes: run.minutes(),
    })
}

/// Replays a stored result through the same attempt the game plays, and scores it so.
fn replay(library: Arc<Library>, result: &StoredResult) -> Result<Replayed, Text> {
    let persona =
        PersonaKind::parse(&result.persona).ok_or_else(|| unreadable("客户类型", "persona"))?;
    let choices: Vec<usize> =
        serde_json::from_str(&result.choices).map_err(|_| unreadable("回答", "replies"))?;
    let guess = match &result.guess {
        Some(guess) => {
            Some(parse_guess(guess).ok_or_else(|| unreadable("类型判断", "notebook guess"))?)
        }
        None => None,
    };
    parse_outcome(&result.outcome).ok_or_else(|| unreadable("结果", "outcome"))?;
    let attempt = Attempt::replay(
        library,
        &result.scenario,
        result.seed,
        persona,
        &choices,
        guess,
    )
    .map_err(cannot_replay)?;
    let (finish, score) = attempt.result().ok_or_else(|| {
        Text::new(
            "这些回答没有走完拜访",
            "its replies do not finish the visit",
        )
    })?;
    Ok(Replayed {
        score: score.clone(),
        outcome: Some(finish.outcome),
        stage: None,
        minutes: finish.minute,
    })
}

/// A session's boards: each of its scenarios with its ranked rows.
pub type SessionBoards = Vec<(String, Vec<BoardRow>)>;

/// One line of a leaderboard.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardRow {
    /// 1 for the best; equal score and minutes share a rank. None for invalid results.
    pub rank: Option<usize>,
    /// The score it is ranked by: recomputed now; none for an invalid result.
    pub total: Option<u32>,
    /// Simulated minutes, the tie-break.
    pub minutes: i64,
    /// What a reader should know beside the score (see `Checked::note`).
    pub note: Option<Text>,
    pub checked: Checked,
}

impl BoardRow {
    fn new(rank: Option<usize>, checked: Checked) -> BoardRow {
        BoardRow {
            rank,
            total: checked.total(),
            minutes: checked.sim_minutes(),
            note: checked.note(),
            checked,
        }
    }
}

/// Each trainee's best verified result, best first: higher score, then fewer simulated
/// minutes, then the earlier visit. Invalid results follow, unranked, so none is hidden.
pub fn leaderboard(checked: Vec<Checked>) -> Vec<BoardRow> {
    leaderboard_of(checked.iter())
}

/// [`leaderboard`] over borrowed results: only the rows shown are copied, so a server can rank
/// a large session it keeps in memory after every new result.
pub fn leaderboard_of<'c>(checked: impl Iterator<Item = &'c Checked>) -> Vec<BoardRow> {
    let mut best: BTreeMap<i64, &Checked> = BTreeMap::new();
    let mut invalid: Vec<&Checked> = Vec::new();
    for result in checked {
        if !result.is_valid() {
            invalid.push(result);
            continue;
        }
        let better = best
            .get(&result.result.trainee_id)
            .is_none_or(|held| order_key(result) < order_key(held));
        if better {
            best.insert(result.result.trainee_id, result);
        }
    }
    let mut ranked: Vec<&Checked> = best.into_values().collect();
    ranked.sort_by_key(|result| order_key(result));
    let mut rows: Vec<BoardRow> = Vec::new();
    for (i, result) in ranked.into_iter().enumerate() {
        let rank = match rows.last() {
            Some(prev) if tie_key(&prev.checked) == tie_key(result) => prev.rank,
            _ => Some(i + 1),
        };
        rows.push(BoardRow::new(rank, result.clone()));
    }
    rows.extend(
        invalid
            .into_iter()
            .map(|checked| BoardRow::new(None, checked.clone())),
    );
    rows
}

/// The leaderboard of one scenario: within a session, or all time.
pub fn scenario_board(
    store: &Store,
    library: &Library,
    scenario: &str,
    session: Option<&str>,
) -> Result<Vec<BoardRow>, StoreError> {
    let results = store.results(&ResultFilter {
        scenario: Some(scenario),
        session,
        ..Default::default()
    })?;
    Ok(leaderboard(
        Verifier::new(Some(library)).check_all(store, results)?,
    ))
}

/// A session's leaderboard for each of its scenarios, in the session's order.
pub fn session_boards(
    store: &Store,
    library: &Library,
    code: &str,
) -> Result<SessionBoards, StoreError> {
    let session = store
        .session(code)?
        .ok_or_else(|| StoreError::NoSession(code.trim().to_uppercase()))?;
    session
        .scenarios
        .iter()
        .map(|scenario| {
            let board = scenario_board(store, library, scenario, Some(&session.code))?;
            Ok((scenario.clone(), board))
        })
        .collect()
}

/// A trainee's progress from all their results.
pub fn trainee_progress(
    store: &Store,
    library: &Library,
    trainee: i64,
) -> Result<Progress, StoreError> {
    let results = store.results(&ResultFilter {
        trainee: Some(trainee),
        with_practice: true,
        ..Default::default()
    })?;
    Ok(progress(
        Verifier::new(Some(library)).check_all(store, results)?,
        library,
    ))
}

fn tie_key(result: &Checked) -> (std::cmp::Reverse<u32>, i64) {
    (
        std::cmp::Reverse(result.total().unwrap_or(0)),
        result.sim_minutes(),
    )
}

fn order_key(result: &Checked) -> (std::cmp::Reverse<u32>, i64, i64, i64) {
    let (score, minutes) = tie_key(result);
    (score, minutes, result.result.played_at, result.result.id)
}

/// A trainee's mastery of one rubric category across attempts.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryProgress {
    pub id: String,
    pub name: Text,
    /// The category's score in each valid whole visit or campaign, oldest first; none where it
    /// had nothing to judge. Practice, which borrows its first replies from an earlier visit,
    /// is left out.
    pub attempts: Vec<Option<u32>>,
    /// The mean of the last three judged attempts.
    pub mastery: Option<u32>,
}

/// How many recent attempts mastery looks at: recent enough to show progress, enough to
/// not swing on one visit.
pub const MASTERY_WINDOW: usize = 3;

#[derive(Clone, Debug, Serialize)]
pub struct Progress {
    /// Valid attempts, whole visits, practice and campaigns, oldest first.
    pub attempts: Vec<Checked>,
    /// Results that failed verification, shown apart.
    pub invalid: Vec<Checked>,
    pub categories: Vec<CategoryProgress>,
    /// The category with the lowest mastery.
    pub weakest: Option<String>,
    /// Scenarios that exercise the weakest category most, shortest first.
    pub drills: Vec<String>,
}

impl Progress {
    /// Valid single visits played from the door to the end.
    pub fn whole_visits(&self) -> usize {
        self.attempts
            .iter()
            .filter(|a| !a.is_practice() && !a.is_campaign())
            .count()
    }

    /// Valid campaigns.
    pub fn campaigns(&self) -> usize {
        self.attempts.iter().filter(|a| a.is_campaign()).count()
    }

    /// Valid practice attempts (rewound and tried again), newest first.
    pub fn practice(&self) -> impl Iterator<Item = &Checked> {
        self.attempts.iter().rev().filter(|a| a.is_practice())
    }
}

/// A trainee's progress, from their verified results, with drills chosen from `library`.
pub fn progress(checked: Vec<Checked>, library: &Library) -> Progress {
    let (attempts, invalid): (Vec<Checked>, Vec<Checked>) =
        checked.into_iter().partition(Checked::is_valid);
    let categories: Vec<CategoryProgress> = library
        .rubric
        .categories
        .iter()
        .map(|category| {
            let scores: Vec<Option<u32>> = attempts
                .iter()
                .filter(|a| !a.is_practice())
                .map(|a| {
                    a.score
                        .as_ref()?
                        .categories
                        .iter()
                        .find(|c| c.id == category.id)?
                        .score
                })
                .collect();
            let recent: Vec<u32> = scores
                .iter()
                .rev()
                .flatten()
                .take(MASTERY_WINDOW)
                .copied()
                .collect();
            let mastery =
                (!recent.is_empty()).then(|| recent.iter().sum::<u32>() / recent.len() as u32);
            CategoryProgress {
                id: category.id.clone(),
                name: category.name.clone(),
                attempts: scores,
                mastery,
            }
        })
        .collect();
    // Nothing is weak while every judged category is at full marks.
    let weakest = categories
        .iter()
        .filter_map(|c| Some((c.mastery?, &c.id)))
        .filter(|&(mastery, _)| mastery < 100)
        .min()
        .map(|(_, id)| id.clone());
    let drills = weakest
        .as_deref()
        .map(|id| drills_for(library, id))
        .unwrap_or_default();
    Progress {
        attempts,
        invalid,
        categories,
        weakest,
        drills,
    }
}

/// Up to three scenarios where the category's techniques are densest: the most of them per
/// beat, so short, focused drills come first.
pub fn drills_for(library: &Library, category: &str) -> Vec<String> {
    let in_category = |tag: &str| {
        library
            .technique(tag)
            .is_some_and(|technique| technique.category == category)
    };
    let mut ranked: Vec<(usize, &String)> = library
        .scenarios
        .iter()
        .filter_map(|(id, scenario)| {
            let mut techniques: Vec<&str> = Vec::new();
            let mut beats = 0;
            for scene in &scenario.scenes {
                for beat in &scene.beats {
                    beats += 1;
                    for choice in &beat.choices {
                        for tag in &choice.tags {
                            if in_category(tag) && !techniques.contains(&tag.as_str()) {
                                techniques.push(tag);
                            }
                        }
                    }
                }
            }
            (!techniques.is_empty()).then_some((techniques.len() * 1000 / beats.max(1), id))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    ranked
        .into_iter()
        .take(3)
        .map(|(_, id)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(id: i64, trainee: i64, total: u32, minutes: i64, standing: Standing) -> Checked {
        let earlier_content = false;
        Checked {
            result: StoredResult {
                id,
                trainee_id: trainee,
                trainee: format!("t{trainee}"),
                scenario: "s".into(),
                content_hash: String::new(),
                persona: "driver".into(),
                seed: 1,
                choices: "[]".into(),
                guess: None,
                engine_version: String::new(),
                played_at: id,
                played: String::new(),
                score: i64::from(total),
                outcome: "order".into(),
                minutes,
                session: None,
                rewound_at: None,
                seal: String::new(),
            },
            standing,
            earlier_content,
            rescored: None,
            minutes: Some(minutes as u32),
            score: Some(Arc::new(Score {
                total,
                categories: Vec::new(),
                events: Vec::new(),
                decisions: Vec::new(),
                missed: 0,
            })),
            outcome: Some(Outcome::Order),
            stage: None,
            title: None,
        }
    }

    #[test]
    fn ties_go_to_fewer_minutes_and_each_trainee_counts_once() {
        let rows = leaderboard(vec![
            checked(6, 5, 80, 25, Standing::Valid),
            checked(1, 1, 80, 30, Standing::Valid),
            checked(2, 2, 80, 22, Standing::Valid),
            Checked {
                earlier_content: true,
                ..checked(3, 1, 85, 40, Standing::Valid)
            },
            checked(4, 3, 80, 22, Standing::Valid),
            checked(5, 4, 99, 10, Standing::Invalid(Text::new("改", "edited"))),
        ]);
        let ranked: Vec<(i64, Option<usize>)> =
            rows.iter().map(|r| (r.checked.result.id, r.rank)).collect();
        // Trainee 1's best is their 85; 2 and 4 tie on score and minutes and share rank 2
        // (the earlier visit listed first), ahead of the same score in more minutes; the
        // edited 99 is shown last, unranked.
        assert_eq!(
            ranked,
            [
                (3, Some(1)),
                (2, Some(2)),
                (4, Some(2)),
                (6, Some(4)),
                (5, None)
            ]
        );
    }
}
