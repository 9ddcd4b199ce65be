//! The command line: the game by default, and commands for trainers, scripts and CI.

/// Prints a line on stdout like `println!`, but a reader that has gone away (`salesdojo … |
/// head -1`) ends the program quietly, as Unix tools do, instead of a panic. (Defined before
/// the submodules so that they can use it.)
macro_rules! say {
    () => {
        $crate::cli::say_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::say_line(format_args!($($arg)*))
    };
}

mod campaign;
mod classroom;
mod records;

pub use classroom::TOKEN_ENV;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Campaign, Library, Mood, PersonaKind, PersonaSpec, Scenario};
use crate::i18n::{Lang, Text, speaker_name, thought_name, tr};
use crate::paths::ContentRoot;
use crate::server::api::Verdict;
use crate::sim::campaign_analysis::{CampaignAnalysis, analyze_campaign};
use crate::sim::{self, Attempt, Score, Visit};

#[derive(Debug, Parser)]
#[command(
    name = "salesdojo",
    version,
    about = "Sales Dojo — key-account sales training. Without a command, opens the game."
)]
pub struct Cli {
    /// The folder holding assets/, scenarios/ and seeds/ (default: found from the program's
    /// location or the current folder; or set SALESDOJO_ROOT).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// The folder trainees' results are kept in (default: the per-user data folder; or set
    /// SALESDOJO_DATA).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Keep results in a PostgreSQL database instead of the data folder, for every classroom
    /// and site of a company: postgres://user:password@host:5432/dbname.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "SALESDOJO_DATABASE",
        hide_env_values = true
    )]
    pub database: Option<String>,

    /// Language of the game and of text output: zh or en.
    #[arg(long, global = true, value_parser = parse_lang, default_value = "zh")]
    pub lang: Lang,

    /// Redraw every frame and log the frame time each second (for measuring).
    #[arg(long, hide = true)]
    pub continuous: bool,

    /// Play through the screens by themselves and save a screenshot of each into DIR, then quit.
    #[arg(long, value_name = "DIR", hide = true)]
    pub tour: Option<PathBuf>,

    /// With --tour: the scenario to pick, by id.
    #[arg(long, value_name = "ID", hide = true, requires = "tour")]
    pub tour_scenario: Option<String>,

    /// With --tour: the replies to pick, numbered as in the file.
    #[arg(long, value_delimiter = ',', hide = true, requires = "tour")]
    pub tour_choices: Vec<usize>,

    /// With --tour: the type to note in the notebook before the first reply.
    #[arg(long, value_parser = parse_persona, hide = true, requires = "tour")]
    pub tour_guess: Option<PersonaKind>,

    /// With --tour: the trainee's name to type on the title screen.
    #[arg(long, hide = true, requires = "tour", default_value = "李明")]
    pub tour_trainee: String,

    /// With --tour: switch on "read the customer" (the meters hidden) on the title screen.
    #[arg(long, hide = true, requires = "tour")]
    pub tour_hide_meters: bool,

    /// With --tour: the customer variant (seed) to meet, instead of a new one.
    #[arg(long, hide = true, requires = "tour")]
    pub tour_seed: Option<u64>,

    /// With --tour: play this account campaign (with --tour-choices) instead of a single visit.
    #[arg(
        long,
        value_name = "ID",
        hide = true,
        requires = "tour",
        conflicts_with = "tour_scenario"
    )]
    pub tour_campaign: Option<String>,

    /// With --tour: join this classroom (`ADDRESS/CODE`, as typed on the title screen) first.
    #[arg(long, value_name = "ADDRESS/CODE", hide = true, requires = "tour")]
    pub tour_classroom: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the playable scenarios.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Play a visit without a window, choosing replies by their number in the scenario file.
    Play {
        /// The scenario id (see `salesdojo list`), or the path of a scenario file (a draft
        /// anywhere: it is read with the seeds).
        #[arg(long, value_name = "ID|PATH")]
        scenario: String,
        /// The seed: the same seed and choices always give the same visit (default 1, or the
        /// session's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Meet this persona (driver, expressive, analytical, amiable) instead of the scenario's.
        #[arg(long, value_parser = parse_persona)]
        persona: Option<PersonaKind>,
        /// The replies, by their number in the file (1 = first listed), e.g. 2,1,3.
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        choices: Vec<usize>,
        /// The customer's type as noted in the notebook, after N replies (default 0),
        /// e.g. `analytical@2`.
        #[arg(long, value_parser = parse_guess, value_name = "TYPE[@N]")]
        guess: Option<(PersonaKind, usize)>,
        /// Save the result under this trainee (created if new).
        #[arg(long, value_name = "NAME")]
        trainee: Option<String>,
        /// Play in this team session: its seed is used, and the result joins its leaderboard.
        #[arg(long, value_name = "CODE", requires = "trainee")]
        session: Option<String>,
        /// Play the session on this classroom server (e.g. http://192.168.1.20:7878): its
        /// content, sent there to be scored by the server.
        #[arg(long, value_name = "URL", requires = "session", conflicts_with_all = ["seed", "persona"])]
        server: Option<String>,
        /// Print one JSON object instead of the transcript.
        #[arg(long)]
        json: bool,
        /// Show the narration and what the customer thinks after each reply.
        #[arg(long, short, conflicts_with = "json")]
        verbose: bool,
    },
    /// Run the classroom server: trainees' games join it, a live board for the projector.
    Serve {
        /// Where to listen: HOST:PORT (0.0.0.0 takes every network of this computer).
        #[arg(long, default_value = "0.0.0.0:7878")]
        addr: String,
    },
    /// Results played for a classroom server that it does not have yet: send them again.
    Outbox,
    /// Team sessions: everyone plays the same customer; the leaderboard and its CSV.
    Session {
        #[command(subcommand)]
        action: records::SessionAction,
    },
    /// Results kept elsewhere: `results import FILE` brings a laptop's or an old classroom's
    /// results file into the results store.
    Results {
        #[command(subcommand)]
        action: records::ResultsAction,
    },
    /// Trainees: their progress per rubric category, and their history as CSV.
    Trainee {
        #[command(subcommand)]
        action: records::TraineeAction,
    },
    /// The all-time leaderboard of one scenario.
    Leaderboard {
        /// The scenario id.
        scenario: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a new, valid starting file for a trainer to fill in.
    New {
        #[command(subcommand)]
        what: NewFile,
    },
    /// Explore every path of scenarios (by id, or files): paths, outcomes, scores, best and
    /// worst paths, what they test, and warnings.
    Analyze {
        /// Scenario ids or files; all scenarios when none are given.
        targets: Vec<String>,
        /// The seed that draws the customer's starting mood.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print JSON instead of a report.
        #[arg(long)]
        json: bool,
        /// Print only the coverage table: for each scoreable technique of the catalogue, the
        /// scenarios and campaigns that can test it (fewer than two are marked).
        #[arg(long)]
        coverage: bool,
    },
    /// Account campaigns: list them, or play one without a window.
    Campaign {
        #[command(subcommand)]
        action: campaign::CampaignAction,
    },
    /// Write a map of a scenario (by id, or a file) as one HTML page that opens in any browser,
    /// offline: scenes, beats, replies with their points, endings, best and worst paths.
    Map {
        /// The scenario id, or the path of a scenario file (read with the seeds).
        #[arg(value_name = "ID|PATH")]
        scenario: String,
        /// Where to write the page (default: ID.map.html in the current folder).
        #[arg(short = 'o', long = "output", value_name = "FILE.html")]
        output: Option<PathBuf>,
        /// The seed that draws the customer's starting mood.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check scenario, persona, catalogue and rubric files (default: all of them).
    Check {
        /// Files or folders to check.
        paths: Vec<PathBuf>,
        /// Print the diagnostics as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewFile {
    /// scenarios/NAME.scenario.ron: two scenes, three beats, the four outcomes.
    Scenario {
        /// The scenario id and file name: lowercase letters, digits and underscores.
        name: String,
        /// The customer's type.
        #[arg(long, value_parser = parse_persona, default_value = "analytical")]
        persona: PersonaKind,
    },
}

/// The starting file `new scenario` writes; `{id}` and `{persona}` are filled in.
const SCENARIO_TEMPLATE: &str = include_str!("../../assets/templates/new.scenario.ron");

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::parse(value).ok_or_else(|| format!("unknown language \"{value}\": use zh or en"))
}

fn parse_guess(value: &str) -> Result<(PersonaKind, usize), String> {
    let (kind, after) = value.split_once('@').unwrap_or((value, "0"));
    let after = after
        .parse()
        .map_err(|_| format!("\"{after}\" is not a number of replies (e.g. driver@2)"))?;
    Ok((parse_persona(kind)?, after))
}

fn parse_persona(value: &str) -> Result<PersonaKind, String> {
    PersonaKind::parse(value).ok_or_else(|| {
        format!("unknown persona \"{value}\": use driver, expressive, analytical or amiable")
    })
}

/// Writes one line of a command's output; see `say!`.
pub(crate) fn say_line(line: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(line).and_then(|()| out.write_all(b"\n"));
    match written {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(err) => {
            eprintln!("error: cannot write the output: {err}");
            std::process::exit(1);
        }
    }
}

impl Cli {
    /// Where results are kept, from `--data-dir` and `--database` (or `SALESDOJO_DATABASE`).
    pub fn results(&self) -> records::Results<'_> {
        records::Results {
            data_dir: self.data_dir.as_deref(),
            database: self.database.as_deref(),
        }
    }
}

/// Runs a command; the game itself is started by the binary.
#[cfg(feature = "game")]
impl Cli {
    /// The scripted tour through the window, when asked for.
    pub fn tour_plan(&self) -> Option<crate::ui::tour::TourPlan> {
        Some(crate::ui::tour::TourPlan {
            dir: self.tour.clone()?,
            scenario: self.tour_scenario.clone(),
            campaign: self.tour_campaign.clone(),
            choices: self.tour_choices.clone(),
            guess: self.tour_guess,
            trainee: self.tour_trainee.clone(),
            hide_meters: self.tour_hide_meters,
            seed: self.tour_seed,
            classroom: self.tour_classroom.as_deref().and_then(|joined| {
                let (server, code) = joined.rsplit_once('/')?;
                Some((server.to_string(), code.to_string()))
            }),
        })
    }
}

pub fn run(cli: &Cli, command: &Command) -> ExitCode {
    let result = ContentRoot::locate(cli.root.as_deref()).and_then(|root| match command {
        Command::List { json } => list(&root, cli.lang, *json),
        Command::Play {
            scenario,
            choices,
            guess,
            trainee,
            session,
            server: Some(server),
            json,
            verbose,
            ..
        } => classroom::play(
            cli.results(),
            cli.lang,
            classroom::ServerPlay {
                server,
                session: session.as_deref().unwrap_or_default(),
                trainee: trainee.as_deref().unwrap_or_default(),
                scenario,
                choices,
                guess: *guess,
            },
            Print::chosen(*json, *verbose),
        ),
        Command::Play {
            scenario,
            seed,
            persona,
            choices,
            guess,
            trainee,
            session,
            server: None,
            json,
            verbose,
        } => play(
            &root,
            cli.lang,
            PlayRequest {
                scenario,
                seed: *seed,
                persona: *persona,
                choices,
                guess: *guess,
                record: trainee.as_deref().map(|trainee| Record {
                    results: cli.results(),
                    trainee,
                    session: session.as_deref(),
                }),
            },
            Print::chosen(*json, *verbose),
        ),
        Command::Serve { addr } => classroom::serve(&root, cli.results(), cli.lang, addr),
        Command::Outbox => classroom::outbox(cli.results(), cli.lang),
        Command::Session { action } => records::session(&root, cli.results(), cli.lang, action),
        Command::Trainee { action } => records::trainee(&root, cli.results(), cli.lang, action),
        Command::Results { action } => records::results(cli.results(), cli.lang, action),
        Command::Leaderboard { scenario, json } => {
            records::board(&root, cli.results(), cli.lang, scenario, *json)
        }
        Command::Check { paths, json } => check(&root, paths, *json),
        Command::Campaign { action } => campaign::run(&root, cli.results(), cli.lang, action),
        Command::Map {
            scenario,
            output,
            seed,
        } => map(&root, cli.lang, scenario, output.as_deref(), *seed),
        Command::New {
            what: NewFile::Scenario { name, persona },
        } => new_scenario(&root, name, *persona),
        Command::Analyze {
            targets,
            seed,
            json,
            coverage,
        } => analyze(&root, cli.lang, targets, *seed, *json, *coverage),
    });
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Serialize)]
struct ScenarioSummary<'a> {
    id: &'a str,
    title: &'a Text,
    /// The persona's id, or "unknown" for a mystery customer.
    persona: &'a str,
    /// The personas a mystery customer is drawn from.
    persona_pool: Vec<&'static str>,
    difficulty: u8,
    scenes: Vec<&'static str>,
}

impl<'a> ScenarioSummary<'a> {
    fn of(scenario: &'a Scenario) -> Self {
        let (persona, persona_pool) = match &scenario.persona {
            PersonaSpec::Fixed(kind) => (kind.id(), vec![kind.id()]),
            PersonaSpec::OneOf(kinds) => ("unknown", kinds.iter().map(|k| k.id()).collect()),
        };
        ScenarioSummary {
            id: &scenario.id,
            title: &scenario.title,
            persona,
            persona_pool,
            difficulty: scenario.difficulty,
            scenes: scenario.scenes.iter().map(|s| s.kind.id()).collect(),
        }
    }
}

fn load(root: &ContentRoot) -> Library {
    let library = Library::load(&root.content_dirs());
    let errors = library.errors().count();
    if errors > 0 {
        eprintln!(
            "note: {errors} error(s) in the content files; a scenario with errors cannot be \
             played (run `salesdojo check` for details)"
        );
    }
    library
}

fn list(root: &ContentRoot, lang: Lang, json: bool) -> Result<ExitCode, String> {
    let library = load(root);
    let summaries: Vec<ScenarioSummary> = library
        .scenarios
        .values()
        .map(|s| ScenarioSummary::of(s))
        .collect();
    if json {
        say!("{}", to_json(&summaries));
    } else {
        for s in &summaries {
            let title = library.scenarios[s.id].title.get(lang);
            say!(
                "{:<36} {}  [{}]  {} {}  {}",
                s.id,
                title,
                s.persona,
                tr(lang, "难度", "difficulty"),
                s.difficulty,
                s.scenes.join(" → ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Everything a finished visit is, as one JSON object.
#[derive(Serialize)]
struct PlayReport<'a> {
    scenario: &'a str,
    persona: &'static str,
    seed: u64,
    /// The replies chosen, numbered as in the file (1-based).
    choices: Vec<usize>,
    outcome: &'static str,
    ending: &'a str,
    closing_line: &'a Text,
    why: &'a Text,
    minutes: u32,
    mood: Mood,
    score: u32,
    categories: &'a [sim::CategoryScore],
    events: &'a [sim::ScoreEvent],
    /// Per reply: the points it earned and, where another reply would have earned more, that one.
    decisions: &'a [sim::Decision],
    /// Weighted points the better replies would have earned: in play but not won.
    missed: u32,
    guess: Option<sim::PersonaGuess>,
    transcript: &'a [sim::Exchange],
    /// The classroom server's own verdict, when the result was sent to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a Verdict>,
}

/// A visit to replay from the command line.
struct PlayRequest<'a> {
    scenario: &'a str,
    seed: Option<u64>,
    persona: Option<PersonaKind>,
    /// Choice numbers as the file lists them, from 1.
    choices: &'a [usize],
    guess: Option<(PersonaKind, usize)>,
    record: Option<Record<'a>>,
}

/// Where to save a command-line visit.
struct Record<'a> {
    results: records::Results<'a>,
    trainee: &'a str,
    session: Option<&'a str>,
}

/// How a played visit is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Print {
    Json,
    Transcript,
    /// The transcript with the narration and the customer's thoughts.
    Verbose,
}

impl Print {
    fn chosen(json: bool, verbose: bool) -> Print {
        match (json, verbose) {
            (true, _) => Print::Json,
            (false, true) => Print::Verbose,
            (false, false) => Print::Transcript,
        }
    }
}

/// A scenario named on the command line by a file's path rather than an id.
fn is_path(target: &str) -> bool {
    target.ends_with(".ron") || Path::new(target).is_file()
}

/// The library a visit is played on, and the id of the scenario to play: the content folder
/// for an id; for a file, the seeds and that file alone, so a draft kept anywhere can be tried.
fn library_for(root: &ContentRoot, scenario: &str) -> Result<(Library, String), String> {
    if !is_path(scenario) {
        return Ok((load(root), scenario.to_string()));
    }
    let file = PathBuf::from(scenario);
    let mut inputs = vec![root.seeds()];
    inputs.extend(campaign_references(root, std::slice::from_ref(&file)));
    inputs.push(file.clone());
    let library = Library::load(&inputs);
    let errors: Vec<String> = library.errors().map(|d| d.to_string()).collect();
    if !errors.is_empty() {
        return Err(format!(
            "{}
{scenario} cannot be played until these errors are fixed",
            errors.join("\n")
        ));
    }
    // The file's own scenario or campaign, not one of the game's it refers to.
    let same = |path: &PathBuf| path.canonicalize().ok() == file.canonicalize().ok();
    let id = library
        .sources
        .iter()
        .chain(&library.campaign_sources)
        .find(|(_, path)| same(path))
        .map(|(id, _)| id.clone())
        .ok_or_else(|| format!("{scenario} holds no scenario"))?;
    Ok((library, id))
}

fn play(
    root: &ContentRoot,
    lang: Lang,
    request: PlayRequest,
    print: Print,
) -> Result<ExitCode, String> {
    let PlayRequest {
        scenario,
        seed,
        persona,
        choices,
        guess,
        record,
    } = request;
    let (library, scenario) = library_for(root, scenario)?;
    let scenario = scenario.as_str();
    // Open the store first: a bad trainee name or session code should stop before playing.
    let store = match &record {
        Some(record) => {
            let store = record.results.open()?;
            let session = match record.session {
                Some(code) => Some(store.session(code).map_err(|e| e.to_string())?.ok_or_else(
                    || format!("no session with code \"{}\"", code.trim().to_uppercase()),
                )?),
                None => None,
            };
            if let Some(session) = &session {
                // The session's own customer unless another seed was asked for.
                session
                    .admits(scenario, seed.unwrap_or(session.seed))
                    .map_err(|err| format!("{err}; leave out --seed to meet it"))?;
            }
            Some((store, record.trainee, session))
        }
        None => None,
    };
    let seed = store
        .as_ref()
        .and_then(|(_, _, session)| session.as_ref().map(|s| s.seed))
        .or(seed)
        .unwrap_or(1);
    let library = Arc::new(library);
    let mut attempt = Attempt::begin(Arc::clone(&library), scenario, seed, persona)
        .map_err(|err| unplayable(&library, err))?;
    play_choices(&mut attempt, choices, guess)?;
    if let Some((store, trainee, session)) = &store {
        let trainee = store.trainee(trainee).map_err(|e| e.to_string())?;
        let id = store
            .record(&attempt, &trainee, session.as_ref(), None)
            .map_err(|e| e.to_string())?
            .id;
        eprintln!(
            "{} #{id} {} {}",
            tr(lang, "已保存结果", "saved result"),
            tr(lang, "学员", "for"),
            trainee.name
        );
    }
    report(&attempt, lang, print, None);
    Ok(ExitCode::SUCCESS)
}

/// Makes the replies given on the command line (numbered from 1), noting the guess when asked;
/// the visit must end with the last of them.
fn play_choices(
    attempt: &mut Attempt,
    choices: &[usize],
    guess: Option<(PersonaKind, usize)>,
) -> Result<(), String> {
    for (step, &number) in choices.iter().enumerate() {
        if let Some((kind, _)) = guess.filter(|&(_, after)| after == step) {
            attempt.note_persona(kind);
        }
        if attempt.visit().finish().is_some() {
            return Err(format!(
                "the visit ended after {step} choices, but {} were given",
                choices.len()
            ));
        }
        let index = number
            .checked_sub(1)
            .ok_or_else(|| format!("choice numbers start at 1 (step {}: got 0)", step + 1))?;
        attempt
            .choose(index)
            .map_err(|err| format!("step {}: {err}", step + 1))?;
    }
    match attempt.visit().current() {
        Some(view) => Err(format!(
            "the visit is not over after {} choices: beat \"{}\" awaits a choice from 1 to {}",
            choices.len(),
            view.beat_id,
            view.order.len()
        )),
        None => Ok(()),
    }
}

/// Prints a finished visit: the transcript and score, or one JSON object; with the classroom
/// server's verdict when it was sent to one.
fn report(attempt: &Attempt, lang: Lang, print: Print, verdict: Option<&Verdict>) {
    let Some((finish, score)) = attempt.result() else {
        return;
    };
    let visit = attempt.visit();
    if print == Print::Json {
        let report = PlayReport {
            scenario: &visit.scenario().id,
            persona: visit.persona().kind.id(),
            seed: visit.seed(),
            choices: visit.choices().iter().map(|c| c + 1).collect(),
            outcome: finish.outcome.id(),
            ending: &finish.ending_id,
            closing_line: &finish.says,
            why: &finish.why,
            minutes: finish.minute,
            mood: visit.mood(),
            score: score.total,
            categories: &score.categories,
            events: &score.events,
            decisions: &score.decisions,
            missed: score.missed,
            guess: visit.guess(),
            transcript: visit.transcript(),
            verdict,
        };
        say!("{}", to_json(&report));
    } else {
        print_visit(visit, score, lang, print == Print::Verbose);
    }
}

/// Why a visit could not begin, with the scenarios that can be played and the broken files
/// (one of which may be the one meant).
fn unplayable(library: &Library, err: sim::SimError) -> String {
    let known: Vec<&str> = library.scenarios.keys().map(String::as_str).collect();
    let broken: std::collections::BTreeSet<String> = library
        .errors()
        .map(|d| d.file.display().to_string())
        .collect();
    let mut message = format!("{err}\nplayable scenarios: {}", known.join(", "));
    if !broken.is_empty() {
        message.push_str(&format!(
            "\nfiles with errors (perhaps the one you mean): {}",
            broken.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    message
}

fn print_visit(visit: &Visit, score: &Score, lang: Lang, verbose: bool) {
    let you = tr(lang, "你", "You");
    for (exchange, decision) in visit.transcript().iter().zip(&score.decisions) {
        let view = &exchange.view;
        if let Some(narration) = view.narration.as_ref().filter(|_| verbose) {
            say!("      * {}", narration.get(lang));
        }
        say!(
            "[{:>2}′] {}: {}",
            view.minute,
            speaker_name(view.scene_kind, lang),
            view.says.get(lang)
        );
        if let Some(cue) = &view.cue {
            say!("      ({})", cue.get(lang));
        }
        say!("      {}: {}", you, exchange.reply.get(lang));
        if let Some(thinking) = exchange.thinking.as_ref().filter(|_| verbose) {
            say!(
                "      ({}: {})",
                thought_name(view.scene_kind, lang),
                thinking.get(lang)
            );
        }
        if let Some(better) = &decision.best {
            say!(
                "      ({} {:+} → {:+}: {} — {})",
                tr(lang, "本步得分", "points here"),
                decision.points,
                better.points,
                tr(lang, "更好的回答", "a better reply"),
                better.text.get(lang)
            );
        }
    }
    let finish = visit.finish().expect("printed after the visit ends");
    // A visit dropped while preparing ends before anyone meets the customer.
    let last_scene = visit
        .transcript()
        .last()
        .map_or(crate::content::SceneKind::Visit, |e| e.view.scene_kind);
    say!(
        "[{:>2}′] {}: {}",
        finish.minute,
        speaker_name(last_scene, lang),
        finish.says.get(lang)
    );
    say!();
    say!(
        "{}: {}",
        tr(lang, "结果", "Outcome"),
        crate::i18n::outcome_name(finish.outcome, lang)
    );
    say!("{}", finish.why.get(lang));
    say!("{}: {}/100", tr(lang, "得分", "Score"), score.total);
    for event in &score.events {
        say!(
            "  {:+3}  {}  — {}  [{}]",
            event.points,
            event.technique,
            event.why.get(lang),
            event.section.get(lang)
        );
    }
}

fn check(root: &ContentRoot, paths: &[PathBuf], json: bool) -> Result<ExitCode, String> {
    // Scenarios refer to personas and techniques, so the seeds always come along.
    let mut inputs = vec![root.seeds()];
    if paths.is_empty() {
        inputs.push(root.scenarios());
    } else {
        inputs.extend(paths.iter().cloned());
    }
    // A path that cannot be read is one of the diagnostics below, not a separate failure.
    let files: usize = inputs
        .iter()
        .filter_map(|input| crate::content::content_files(std::slice::from_ref(input)).ok())
        .map(|found| found.len())
        .sum();
    // A campaign plays the game's scenarios: they come along for reference, and their own
    // problems are left to a check of the folder.
    let references = campaign_references(root, paths);
    inputs.extend(references.iter().cloned());
    let mut library = Library::load(&inputs);
    library
        .diagnostics
        .retain(|d| !references.contains(&d.file));
    if !paths.is_empty() {
        // Files checked on their own are still held to the ids the game's folder uses.
        let shipped = Library::load(&[root.seeds(), root.scenarios()]);
        library.diagnostics.extend(library.clashes_with(&shipped));
        library.sort_diagnostics();
    }
    let errors = library.errors().count();
    let warnings = library.diagnostics.len() - errors;
    if json {
        say!("{}", to_json(&library.diagnostics));
    } else {
        for diagnostic in &library.diagnostics {
            let source = crate::content::read_regular(&diagnostic.file)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            eprintln!("{}", diagnostic.render(source.as_deref()));
        }
        eprintln!("checked {files} file(s): {errors} error(s), {warnings} warning(s)");
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The game's scenario files a check of these paths needs beside them: all of them when a
/// campaign file is among the paths, leaving out any the paths already hold.
fn campaign_references(root: &ContentRoot, paths: &[PathBuf]) -> Vec<PathBuf> {
    use crate::content::{FileKind, content_files};
    let named: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| content_files(std::slice::from_ref(p)).ok())
        .flatten()
        .collect();
    if !named
        .iter()
        .any(|p| FileKind::of(p) == Some(FileKind::Campaign))
    {
        return Vec::new();
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    content_files(&[root.scenarios()])
        .unwrap_or_default()
        .into_iter()
        .filter(|p| FileKind::of(p) == Some(FileKind::Scenario))
        .filter(|p| !named.iter().any(|n| same(n, p)))
        .collect()
}

fn new_scenario(root: &ContentRoot, name: &str, persona: PersonaKind) -> Result<ExitCode, String> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(format!(
            "\"{name}\" cannot be a scenario id: use lowercase letters, digits and underscores, \
             e.g. driver_first_visit"
        ));
    }
    let path = root.scenarios().join(format!("{name}.scenario.ron"));
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another name or edit that file",
            path.display()
        ));
    }
    let kind = format!("{persona:?}");
    let text = SCENARIO_TEMPLATE
        .replace("{id}", name)
        .replace("{persona}", &kind);
    std::fs::create_dir_all(root.scenarios())
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    say!("wrote {}", path.display());
    say!("next: edit it (the authoring guide, docs/authoring.md, explains every field), then");
    say!("  salesdojo check {}", path.display());
    say!("  salesdojo play --scenario {name} --choices 1,1,1");
    Ok(ExitCode::SUCCESS)
}

fn analyze(
    root: &ContentRoot,
    lang: Lang,
    targets: &[String],
    seed: u64,
    json: bool,
    coverage: bool,
) -> Result<ExitCode, String> {
    // Files are analysed with the seeds; ids come from the content folder.
    let (files, ids): (Vec<&String>, Vec<&String>) = targets
        .iter()
        .partition(|t| t.ends_with(".ron") || std::path::Path::new(t.as_str()).is_file());
    let mut inputs = vec![root.seeds()];
    if files.is_empty() {
        inputs.push(root.scenarios());
    } else {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        inputs.extend(campaign_references(root, &files));
        inputs.extend(files);
    }
    let library = Library::load(&inputs);
    for diagnostic in library.errors() {
        eprintln!("{diagnostic}");
    }
    // An id names a scenario or a campaign; with none, everything in the files is analysed.
    let (campaign_ids, scenario_ids): (Vec<&String>, Vec<&String>) =
        ids.iter().partition(|id| library.campaign(id).is_some());
    let chosen: Vec<&Scenario> = if ids.is_empty() {
        library.scenarios.values().map(|s| s.as_ref()).collect()
    } else {
        scenario_ids
            .iter()
            .map(|id| {
                library
                    .scenario(id)
                    .map(|s| s.as_ref())
                    .ok_or_else(|| unknown_scenario(&library, id))
            })
            .collect::<Result<_, _>>()?
    };
    let campaigns: Vec<&Campaign> = if ids.is_empty() {
        library.campaigns.values().map(|c| c.as_ref()).collect()
    } else {
        campaign_ids
            .iter()
            .filter_map(|id| library.campaign(id).map(|c| c.as_ref()))
            .collect()
    };
    if chosen.is_empty() && campaigns.is_empty() {
        return Err("no scenario to analyse (see `salesdojo check` for problems)".into());
    }
    // Scenarios and campaigns are analysed side by side, on every core, so the campaigns fill
    // the cores while the largest scenario finishes; reports keep the lists' order.
    let (reports, campaign_reports): (Vec<sim::analysis::Analysis>, Vec<CampaignAnalysis>) =
        rayon::join(
            || {
                chosen
                    .par_iter()
                    .map(|scenario| sim::analysis::analyze(&library, scenario, seed))
                    .collect()
            },
            || {
                campaigns
                    .par_iter()
                    .map(|campaign| analyze_campaign(&library, campaign, seed))
                    .collect()
            },
        );
    if coverage {
        let table = sim::analysis::coverage_table(&library, &reports, &campaign_reports);
        if json {
            say!("{}", to_json(&table));
        } else {
            print_coverage(&table, lang);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        // Scenario reports first, then campaign reports (named by `campaign`, not `scenario`).
        let mut all: Vec<serde_json::Value> = reports
            .iter()
            .map(|r| serde_json::to_value(r).expect("reports serialise"))
            .collect();
        all.extend(
            campaign_reports
                .iter()
                .map(|r| serde_json::to_value(r).expect("reports serialise")),
        );
        say!("{}", to_json(&all));
    } else {
        for report in &reports {
            print_analysis(report, lang);
        }
        for report in &campaign_reports {
            print_campaign_analysis(report, lang);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A campaign's analysis as text: its paths, how they end, the best one, and its warnings.
fn print_campaign_analysis(report: &CampaignAnalysis, lang: Lang) {
    say!("{} ({})", report.campaign, tr(lang, "客户战役", "campaign"));
    say!(
        "  {} {} · {} {}",
        report.visits,
        tr(lang, "次拜访", "visits"),
        report.decisions,
        tr(lang, "个客户决策", "account decisions")
    );
    say!(
        "  {}",
        tr(
            lang,
            "各次拜访能走到的结果（按客户本类型的信任起步，不跟踪前面各步带来的信任）：",
            "what each visit can end in, from its customer's own trust (the trust earlier steps carry in is not followed):"
        )
    );
    for (scenario, outcomes) in &report.visit_outcomes {
        let names: Vec<&str> = outcomes
            .iter()
            .map(|o| crate::i18n::outcome_name(*o, lang))
            .collect();
        say!(
            "    {} {scenario}: {}",
            tr(lang, "拜访", "visit"),
            names.join(" · ")
        );
    }
    let stages: Vec<String> = report
        .stages
        .iter()
        .rev()
        .map(|(stage, n)| {
            format!(
                "{} {:.1}%",
                crate::i18n::stage_name(*stage, lang),
                *n as f64 * 100.0 / report.paths.max(1) as f64
            )
        })
        .collect();
    say!(
        "  {} {} — {}",
        report.paths,
        tr(
            lang,
            "条路径（各决策的选项 × 各次拜访能到达的结果）",
            "paths (each decision's options × each visit's reachable outcomes)"
        ),
        stages.join(" · ")
    );
    say!(
        "  {}: {}–{}%",
        tr(lang, "最后的采购份额", "share at the end"),
        report.share.0,
        report.share.1
    );
    say!(
        "  {} ({}): {}",
        tr(lang, "最好的一条", "best"),
        crate::i18n::stage_name(report.best_stage, lang),
        report.best.join(", ")
    );
    say!(
        "  {} ({}): {}",
        tr(
            lang,
            "客户决策能考查的技巧",
            "techniques its decisions can test"
        ),
        report.can_test.len(),
        report.can_test.join(", ")
    );
    for warning in &report.warnings {
        say!("  {}: {}", tr(lang, "警告", "warning"), warning.get(lang));
    }
    say!();
}

fn map(
    root: &ContentRoot,
    lang: Lang,
    scenario: &str,
    output: Option<&Path>,
    seed: u64,
) -> Result<ExitCode, String> {
    let (library, id) = library_for(root, scenario)?;
    let page = match library.campaign(&id) {
        Some(campaign) => crate::map::campaign_html(&library, campaign, seed, lang),
        None => {
            let chosen = library
                .scenario(&id)
                .ok_or_else(|| unknown_scenario(&library, &id))?;
            crate::map::map_html(&library, chosen, seed, lang)
        }
    };
    let path = output.map_or_else(
        || PathBuf::from(format!("{id}.map.html")),
        Path::to_path_buf,
    );
    std::fs::write(&path, page).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    say!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn print_analysis(report: &sim::analysis::Analysis, lang: Lang) {
    say!("{}", report.scenario);
    for p in &report.personas {
        say!(
            "  {}: {} {} ({} {})",
            crate::i18n::persona_name(p.persona, lang),
            p.paths,
            tr(lang, "条路径", "paths"),
            p.states,
            tr(lang, "个状态", "states explored")
        );
        let outcomes: Vec<String> = p
            .outcomes
            .iter()
            .map(|(outcome, n)| {
                let share = *n as f64 * 100.0 / p.paths.max(1) as f64;
                let share = if share > 0.0 && share < 0.1 {
                    "<0.1".to_string()
                } else {
                    format!("{share:.1}")
                };
                format!("{} {share}%", crate::i18n::outcome_name(*outcome, lang))
            })
            .collect();
        say!(
            "    {}: {}",
            tr(lang, "结果分布", "outcomes"),
            outcomes.join(" · ")
        );
        say!(
            "    {}: {} · {}: {} · {} {:.0} ({} {})",
            tr(lang, "最高分", "best"),
            p.best.score,
            tr(lang, "最低分", "worst"),
            p.worst.score,
            tr(lang, "平均", "mean"),
            p.mean,
            p.sampled,
            tr(lang, "条随机路径", "paths drawn uniformly")
        );
        // How often a listed path ends the same way over the seeds' starting moods.
        let seeds = |listed_for: &str| {
            let check = p.across_seeds.iter().find(|c| c.listed_for == listed_for)?;
            let kept = check.endings.values().max().copied().unwrap_or(0);
            let mut text = format!(
                "{} {kept}/{}",
                tr(lang, "同样结局的种子", "same ending on seeds"),
                sim::analysis::SEEDS
            );
            if let Some((low, high)) = check.scores.filter(|(low, high)| low != high) {
                text.push_str(&format!(" · {} {low}–{high}", tr(lang, "得分", "scores")));
            }
            Some(text)
        };
        let numbers = |path: &[usize]| {
            let choices: Vec<String> = path.iter().map(ToString::to_string).collect();
            choices.join(",")
        };
        for (ending, path) in &p.ending_paths {
            let every_seed = match p.robust_paths.get(ending) {
                Some(Some(robust)) => format!(
                    "{} 1–{}: {}",
                    tr(lang, "每个种子都到达", "on every seed"),
                    sim::analysis::SEEDS,
                    numbers(robust)
                ),
                _ if p.robust_search_stopped => tr(
                    lang,
                    "没有找到每个种子都到达的路径（搜索已到上限）",
                    "no path found that reaches it on every seed (the search stopped at its limit)",
                )
                .to_string(),
                _ => tr(
                    lang,
                    "没有哪条路径在每个种子上都到达",
                    "no path reaches it on every seed",
                )
                .to_string(),
            };
            say!(
                "    {} {ending}: {} ({})\n      {every_seed}",
                tr(lang, "到达结局", "reaches"),
                numbers(path),
                seeds(ending).unwrap_or_default()
            );
        }
        for (label, listed_for, path) in [
            (tr(lang, "最佳路径", "best path"), "best", &p.best),
            (tr(lang, "最差路径", "worst path"), "worst", &p.worst),
        ] {
            say!(
                "    {label}: {} → {} ({}, {}; {})",
                numbers(&path.choices),
                path.ending,
                crate::i18n::outcome_name(path.outcome, lang),
                path.score,
                seeds(listed_for).unwrap_or_default()
            );
        }
    }
    say!(
        "  {} ({}): {}",
        tr(lang, "能考查的技巧", "techniques it can test"),
        report.can_test.len(),
        report.can_test.join(", ")
    );
    say!(
        "  {} ({}): {}",
        tr(lang, "考查不到的技巧", "techniques it cannot test"),
        report.cannot_test.len(),
        report.cannot_test.join(", ")
    );
    for warning in &report.warnings {
        say!("  {}: {}", tr(lang, "警告", "warning"), warning.get(lang));
    }
    say!();
}

/// One line per scoreable technique: how many scenarios test it, which, and a mark where that
/// is fewer than the library should have.
fn print_coverage(table: &[sim::analysis::Coverage], lang: Lang) {
    let short = sim::analysis::MIN_COVERAGE;
    let width = table.iter().map(|c| c.technique.len()).max().unwrap_or(0);
    // A few names say where to look; `--json` lists them all.
    const NAMED: usize = 3;
    for row in table {
        let mark = if row.scenarios.len() < short {
            "✗"
        } else {
            " "
        };
        let mut names = row.scenarios[..row.scenarios.len().min(NAMED)].join(", ");
        if row.scenarios.len() > NAMED {
            let more = row.scenarios.len() - NAMED;
            names.push_str(&match lang {
                Lang::Zh => format!(" 等另外 {more} 个"),
                Lang::En => format!(" and {more} more"),
            });
        }
        say!(
            "{mark} {:>2}  {:width$}  {names}",
            row.scenarios.len(),
            row.technique,
        );
    }
    let under = table.iter().filter(|c| c.scenarios.len() < short).count();
    say!();
    match lang {
        Lang::Zh => say!(
            "{} 个可计分的技巧中，{under} 个少于 {short} 个场景或客户战役能考查（标 ✗）。",
            table.len()
        ),
        Lang::En => say!(
            "{under} of {} scoreable techniques are tested by fewer than {short} scenarios or campaigns (marked ✗).",
            table.len()
        ),
    }
}

/// What to say when no scenario has the id asked for.
fn unknown_scenario(library: &Library, id: &str) -> String {
    let known: Vec<&str> = library.scenarios.keys().map(String::as_str).collect();
    format!(
        "no scenario with id \"{id}\"\nscenarios: {}",
        known.join(", ")
    )
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("reports serialise to JSON")
}
