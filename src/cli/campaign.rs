//! `salesdojo campaign`: the account campaigns, listed and played without a window.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use serde::Serialize;

use super::records::Results;
use super::{classroom, load, to_json};
use crate::content::{CampaignStep, Library};
use crate::i18n::{Lang, outcome_name, role_name, stage_name, tr};
use crate::paths::ContentRoot;
use crate::server::api::Verdict;
use crate::server::client;
use crate::sim::SimError;
use crate::sim::campaign::{Account, CampaignGuess, CampaignRun, CampaignScore, Done, Now};

#[derive(Debug, Subcommand)]
pub enum CampaignAction {
    /// List the playable campaigns.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Play a campaign: each account decision's option and each visit's replies, in order.
    Play {
        /// The campaign id (see `salesdojo campaign list`).
        campaign: String,
        /// The seed: the same seed and choices always give the same campaign (default 1, or the
        /// session's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Every choice in order, by its number in the file (1 = first listed): a decision's
        /// option, then each reply of the visit that follows, and so on, e.g. 2,1,1,3,…
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        choices: Vec<usize>,
        /// A mystery customer's type as noted in the notebook: at step STEP (from 1, as the
        /// story numbers them), after N of that visit's replies, e.g. `7:driver@2`. Repeatable.
        #[arg(long, value_name = "STEP:TYPE@N", value_parser = parse_guess)]
        guess: Vec<CampaignGuess>,
        /// Save the result under this trainee (created if new), as the game does.
        #[arg(long)]
        trainee: Option<String>,
        /// Play in this team session: its seed is used, and the result joins its board.
        #[arg(long, value_name = "CODE", requires = "trainee")]
        session: Option<String>,
        /// Play the session on this classroom server (e.g. http://192.168.1.20:7878): its
        /// content, sent there to be scored by the server.
        #[arg(
            long,
            value_name = "URL",
            requires = "session",
            conflicts_with = "seed"
        )]
        server: Option<String>,
        /// Print one JSON object instead of the account's story.
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn run(
    root: &ContentRoot,
    results: Results,
    lang: Lang,
    action: &CampaignAction,
) -> Result<ExitCode, String> {
    match action {
        CampaignAction::List { json } => list(&load(root), lang, *json),
        CampaignAction::Play {
            campaign,
            choices,
            guess,
            trainee,
            session,
            server: Some(server),
            json,
            ..
        } => {
            let (store, joined) = classroom::join_to_play(
                results,
                lang,
                server,
                session.as_deref().unwrap_or_default(),
            )?;
            let (library, hash) = classroom::played_in(&joined, campaign)?;
            let run = play(library.clone(), campaign, joined.seed, choices, guess)?;
            let trainee = trainee.as_deref().unwrap_or_default();
            let submission = client::campaign_submission(&run, trainee, hash)
                .ok_or("the campaign is not over")?;
            let verdict = classroom::send_played(&store, &joined, &submission, lang)?;
            tell(&run, lang, *json, verdict.as_ref());
            Ok(ExitCode::SUCCESS)
        }
        CampaignAction::Play {
            campaign,
            seed,
            choices,
            guess,
            trainee,
            session,
            server: None,
            json,
        } => {
            // Open the store first: a bad trainee name or session code should stop before
            // playing.
            let record = match trainee {
                Some(name) => {
                    let store = results.open()?;
                    let trainee = store.trainee(name).map_err(|e| e.to_string())?;
                    let session = match session {
                        Some(code) => {
                            Some(store.session(code).map_err(|e| e.to_string())?.ok_or_else(
                                || {
                                    format!(
                                        "no session with code \"{}\"",
                                        code.trim().to_uppercase()
                                    )
                                },
                            )?)
                        }
                        None => None,
                    };
                    Some((store, trainee, session))
                }
                None => None,
            };
            let session_seed = record
                .as_ref()
                .and_then(|(_, _, s)| s.as_ref())
                .map(|s| s.seed);
            let seed = seed.or(session_seed).unwrap_or(1);
            let run = play(Arc::new(load(root)), campaign, seed, choices, guess)?;
            tell(&run, lang, *json, None);
            if let Some((store, trainee, session)) = record {
                let recorded = store
                    .record_campaign(&run, &trainee, session.as_ref(), None)
                    .map_err(|e| e.to_string())?;
                eprintln!(
                    "{} {} ({} {})",
                    tr(lang, "已保存，学员", "saved for"),
                    trainee.name,
                    tr(lang, "结果编号", "result"),
                    recorded.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The finished campaign as the trainee reads it (or as JSON), with the classroom server's
/// verdict when it was sent to one.
fn tell(run: &CampaignRun, lang: Lang, json: bool, verdict: Option<&Verdict>) {
    let score = run.score().expect("play returns a finished campaign");
    if json {
        say!("{}", to_json(&Report::of(run, &score, verdict)));
    } else {
        print_story(run, &score, lang);
    }
}

#[derive(Serialize)]
struct Listed<'a> {
    id: &'a str,
    title: &'a str,
    difficulty: u8,
    visits: usize,
    decisions: usize,
}

fn list(library: &Library, lang: Lang, json: bool) -> Result<ExitCode, String> {
    let listed: Vec<Listed> = library
        .campaigns
        .values()
        .map(|c| Listed {
            id: &c.id,
            title: c.title.get(lang),
            difficulty: c.difficulty,
            visits: c
                .steps
                .iter()
                .filter(|s| matches!(s, CampaignStep::Visit(_)))
                .count(),
            decisions: c
                .steps
                .iter()
                .filter(|s| matches!(s, CampaignStep::Decision(_)))
                .count(),
        })
        .collect();
    if json {
        say!("{}", to_json(&listed));
        return Ok(ExitCode::SUCCESS);
    }
    for c in &listed {
        say!(
            "{}  {}  ({} {}, {} {}, {} {})",
            c.id,
            c.title,
            c.visits,
            tr(lang, "次拜访", "visits"),
            c.decisions,
            tr(lang, "个客户决策", "account decisions"),
            tr(lang, "难度", "difficulty"),
            c.difficulty
        );
    }
    if listed.is_empty() {
        say!(
            "{}",
            tr(lang, "没有可玩的客户战役。", "No campaign can be played.")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_guess(value: &str) -> Result<CampaignGuess, String> {
    let bad = || format!("\"{value}\" is not a guess like 7:driver@2 (step:type@replies)");
    let (step, rest) = value.split_once(':').ok_or_else(bad)?;
    let step: usize = step.parse().map_err(|_| bad())?;
    let guess = CampaignGuess::parse(&format!("{}:{rest}", step.checked_sub(1).ok_or_else(bad)?))
        .ok_or_else(bad)?;
    Ok(guess[0])
}

/// Plays the choices through to the campaign's end, or says where it stopped.
fn play(
    library: Arc<Library>,
    id: &str,
    seed: u64,
    choices: &[usize],
    guesses: &[CampaignGuess],
) -> Result<CampaignRun, String> {
    let known: Vec<String> = library.campaigns.keys().cloned().collect();
    let mut run = CampaignRun::begin(library, id, seed).map_err(|err| match err {
        SimError::UnknownCampaign(_) if known.is_empty() => {
            format!("{err}: no campaign can be played (see `salesdojo check`)")
        }
        SimError::UnknownCampaign(_) => {
            format!("{err} (playable campaigns: {})", known.join(", "))
        }
        _ => err.to_string(),
    })?;
    for (made, &number) in choices.iter().enumerate() {
        if run.finished() {
            return Err(format!(
                "the campaign ended after {made} choices, but {} were given",
                choices.len()
            ));
        }
        let index = number
            .checked_sub(1)
            .ok_or_else(|| format!("choice numbers start at 1 (choice {}: got 0)", made + 1))?;
        run.note_due_guesses(guesses);
        run.choose(index)
            .map_err(|err| format!("choice {}: {err}", made + 1))?;
    }
    run.note_due_guesses(guesses);
    if !run.finished() {
        return Err(waiting(&run, choices.len()));
    }
    Ok(run)
}

/// Where an unfinished campaign waits, as an error for `play`.
fn waiting(run: &CampaignRun, made: usize) -> String {
    let step = run.step_index() + 1;
    match run.now() {
        Now::Decision { decision, .. } => format!(
            "the campaign is not over after {made} choices: step {step}, decision \"{}\", awaits an option from 1 to {}",
            decision.id,
            decision.options.len()
        ),
        Now::Visit(visit) => {
            let view = visit.current().expect("a visit in progress is at a beat");
            format!(
                "the campaign is not over after {made} choices: step {step}, visit \"{}\", beat \"{}\" awaits a reply from 1 to {}",
                visit.scenario().id,
                view.beat_id,
                view.order.len()
            )
        }
        Now::Finished => unreachable!("only asked of an unfinished campaign"),
    }
}

fn account_line(account: &Account, lang: Lang) -> String {
    let trust: Vec<String> = account
        .trust
        .iter()
        .map(|(who, trust)| format!("{who} {trust}"))
        .collect();
    format!(
        "{} {}% · {} {} · {} {} · {} {}{}",
        tr(lang, "份额", "share"),
        account.share,
        tr(lang, "关系层次", "level"),
        account.level,
        tr(lang, "预算剩余", "budget left"),
        account.budget,
        tr(lang, "阶段", "stage"),
        stage_name(account.stage(), lang),
        if trust.is_empty() {
            String::new()
        } else {
            format!(" · {} {}", tr(lang, "信任", "trust"), trust.join(", "))
        }
    )
}

fn print_story(run: &CampaignRun, score: &CampaignScore, lang: Lang) {
    let campaign = run.campaign();
    say!("{}", campaign.title.get(lang));
    say!("{}", campaign.goal.get(lang));
    say!();
    for done in run.done() {
        match done {
            Done::Decision {
                step,
                option,
                account,
            } => {
                let Some(CampaignStep::Decision(decision)) = campaign.steps.get(*step) else {
                    continue;
                };
                let chosen = &decision.options[*option];
                say!(
                    "[{} {}] {}",
                    tr(lang, "第", "month"),
                    decision.month,
                    decision.title.get(lang)
                );
                say!("      {}", decision.situation.get(lang));
                say!(
                    "      {}: {}",
                    tr(lang, "你的决定", "You decided"),
                    chosen.text.get(lang)
                );
                if let Some(result) = &chosen.result {
                    say!("      {}", result.get(lang));
                }
                for event in score.events.iter().filter(|e| e.step == Some(*step)) {
                    say!(
                        "      {:+}  {}  [{}]",
                        event.points,
                        event.technique,
                        event.section.get(lang)
                    );
                }
                say!("      → {}", account_line(account, lang));
            }
            Done::Visit {
                step,
                visit,
                score: visit_score,
                known_trust,
                account,
            } => {
                let Some(CampaignStep::Visit(step_visit)) = campaign.steps.get(*step) else {
                    continue;
                };
                let contact = campaign
                    .contacts
                    .iter()
                    .find(|c| c.id == step_visit.contact);
                let finish = visit.finish().expect("a finished step's visit is over");
                say!(
                    "[{} {}] {} {} ({}) — {}",
                    tr(lang, "第", "month"),
                    step_visit.month,
                    tr(lang, "拜访", "Visit to"),
                    contact.map_or(step_visit.contact.as_str(), |c| c.name.get(lang)),
                    contact.map_or("", |c| role_name(c.role, lang)),
                    visit.scenario().title.get(lang)
                );
                let door = match known_trust {
                    Some(trust) => format!(
                        "{} {trust}",
                        tr(
                            lang,
                            "进门时的信任（之前留下的）",
                            "trust at the door, carried in:"
                        )
                    ),
                    None => tr(lang, "第一次见面", "first meeting").to_string(),
                };
                say!(
                    "      {door} · {} {} · {} {}",
                    tr(lang, "回答", "replies"),
                    visit.transcript().len(),
                    tr(lang, "结果", "outcome"),
                    outcome_name(finish.outcome, lang)
                );
                say!(
                    "      {} {}/100 · {} {}",
                    tr(lang, "拜访得分", "visit score"),
                    visit_score.total,
                    tr(lang, "离开时的信任", "trust on leaving"),
                    visit.mood().trust
                );
                say!("      → {}", account_line(account, lang));
            }
        }
    }
    say!();
    say!("{}", score.ended(lang));
    let weights = run
        .library()
        .rubric
        .campaign
        .as_ref()
        .expect("a scored campaign has weights");
    say!(
        "{}: {}/100 = {}",
        tr(lang, "得分", "Score"),
        score.total,
        score.parts(weights, lang)
    );
}

/// The JSON form of a finished campaign.
#[derive(Serialize)]
struct Report<'a> {
    campaign: &'a str,
    seed: u64,
    /// Every choice as numbers from 1, as `--choices` takes them.
    choices: Vec<usize>,
    account: &'a Account,
    steps: &'a [Done],
    score: &'a CampaignScore,
    /// The classroom server's own verdict, when the result was sent to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a Verdict>,
}

impl<'a> Report<'a> {
    fn of(
        run: &'a CampaignRun,
        score: &'a CampaignScore,
        verdict: Option<&'a Verdict>,
    ) -> Report<'a> {
        Report {
            campaign: &run.campaign().id,
            seed: run.seed(),
            choices: run.choices().iter().map(|c| c + 1).collect(),
            account: run.account(),
            steps: run.done(),
            score,
            verdict,
        }
    }
}
