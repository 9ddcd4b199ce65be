//! Commands over the results store: team sessions, trainees' histories, leaderboards, exports.
//! Every score printed is the engine's recomputation of the stored record.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::{load, to_json};
use crate::content::Library;
use crate::i18n::{Lang, tr};
use crate::paths::ContentRoot;
use crate::store::db::Location;
use crate::store::export::{history_csv, save, session_csv};
use crate::store::verify::{self, BoardRow, Progress, scenario_board, session_boards};
use crate::store::{DB_FILE, ResultFilter, Session, Store};

#[derive(Debug, Subcommand)]
pub enum SessionAction {
    /// Start a team session: everyone plays the same scenarios against the same customer.
    New {
        #[command(flatten)]
        server: Server,
        /// A scenario of the session (repeat for more), e.g. --scenario driver_price_objection.
        #[arg(long = "scenario", value_name = "ID", required = true)]
        scenarios: Vec<String>,
        /// The seed every trainee meets (default: drawn at random).
        #[arg(long)]
        seed: Option<u64>,
        /// A code of your own (3–12 letters or digits); default: a new five-letter code.
        #[arg(long)]
        code: Option<String>,
    },
    /// List the sessions, newest first.
    List,
    /// End a session: it keeps its results and takes no more.
    End {
        code: String,
        #[command(flatten)]
        server: Server,
    },
    /// Take a result off a session's board (a test run, a joke name); it is kept, never shown.
    /// The result's number is the `#` column of `session show`.
    Remove {
        code: String,
        /// The result's number, e.g. 12.
        id: i64,
        #[command(flatten)]
        server: Server,
    },
    /// The leaderboard of a session, per scenario.
    Show {
        code: String,
        #[command(flatten)]
        server: Server,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a session's leaderboard as CSV (UTF-8 with BOM, opens in spreadsheet programs).
    Export {
        code: String,
        #[command(flatten)]
        server: Server,
        /// The file to write (default: session-CODE.csv in the current folder).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// Where a session lives: this computer's store, or a classroom server.
#[derive(Debug, clap::Args)]
pub struct Server {
    /// The classroom server (e.g. http://192.168.1.20:7878) instead of this computer's results.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The trainer token `serve` printed (or set SALESDOJO_TRAINER_TOKEN); for new, end,
    /// remove and export on a server.
    #[arg(long, value_name = "TOKEN", requires = "server")]
    token: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TraineeAction {
    /// List the trainees, most recently active first.
    List,
    /// A trainee's progress: mastery per rubric category and suggested drills.
    Show {
        name: String,
        /// Print JSON instead of a report.
        #[arg(long)]
        json: bool,
    },
    /// Write a trainee's history as CSV (UTF-8 with BOM).
    Export {
        name: String,
        /// The file to write (default: history-NAME.csv in the current folder).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// Where the command line keeps results: `--data-dir` and `--database`.
#[derive(Clone, Copy, Debug)]
pub struct Results<'a> {
    pub data_dir: Option<&'a Path>,
    pub database: Option<&'a str>,
}

impl Results<'_> {
    pub(super) fn data_dir(self) -> Result<std::path::PathBuf, String> {
        crate::paths::data_dir(self.data_dir)
    }

    /// The PostgreSQL database when one is given, else the data folder's file.
    pub(super) fn location(self) -> Result<Location, String> {
        Location::choose(self.database, &self.data_dir()?)
    }

    /// Opens the results store.
    pub(super) fn open(self) -> Result<Store, String> {
        open_at(&self.location()?)
    }

    /// Opens the data folder's own store, whatever `--database` says: the classroom outbox
    /// belongs to this laptop.
    pub(super) fn open_local(self) -> Result<Store, String> {
        open_at(&Location::Folder(self.data_dir()?))
    }
}

/// Opens a store, saying so on stderr when a damaged database had to be moved aside.
fn open_at(location: &Location) -> Result<Store, String> {
    let opened = Store::open_at(location).map_err(|e| e.to_string())?;
    if let Some(notice) = opened.notice {
        eprintln!("warning: {notice}");
    }
    Ok(opened.store)
}

pub(super) fn session(
    root: &ContentRoot,
    results: Results,
    lang: Lang,
    action: &SessionAction,
) -> Result<ExitCode, String> {
    if let Some(done) = on_server(action, lang) {
        return done;
    }
    let store = results.open()?;
    match action {
        SessionAction::New {
            scenarios,
            seed,
            code,
            ..
        } => {
            let library = load(root);
            let known =
                |id: &String| library.scenario(id).is_some() || library.campaign(id).is_some();
            if let Some(unknown) = scenarios.iter().find(|id| !known(id)) {
                return Err(format!(
                    "no scenario or campaign with id \"{unknown}\"\nplayable scenarios: {}\ncampaigns: {}",
                    library
                        .scenarios
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    library
                        .campaigns
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let seed = seed.unwrap_or_else(|| u64::from(rand::random::<u32>()));
            let session = store
                .create_session(&library, scenarios, seed, code.as_deref())
                .map_err(|e| e.to_string())?;
            print_new_session(&session, lang);
        }
        SessionAction::List => {
            for session in store.sessions().map_err(|e| e.to_string())? {
                let played = store
                    .results(&ResultFilter {
                        session: Some(&session.code),
                        ..Default::default()
                    })
                    .map_err(|e| e.to_string())?
                    .len();
                say!(
                    "{:<8} {} {:<10} {} {:>3}  {}",
                    session.code,
                    tr(lang, "种子", "seed"),
                    session.seed,
                    tr(lang, "次拜访", "visits"),
                    played,
                    session.scenarios.join(", ")
                );
            }
        }
        SessionAction::End { code, .. } => {
            let session = store.end_session(code).map_err(|e| e.to_string())?;
            eprintln!("session {} ended", session.code);
        }
        SessionAction::Remove { code, id, .. } => {
            store.remove_result(code, *id).map_err(|e| e.to_string())?;
            eprintln!(
                "result #{id} taken off session {}",
                code.trim().to_uppercase()
            );
        }
        SessionAction::Show { code, json, .. } => {
            let library = load(root);
            let boards = session_boards(&store, &library, code).map_err(|e| e.to_string())?;
            if *json {
                say!("{}", to_json(&boards));
            } else {
                for (scenario, rows) in &boards {
                    say!("{} · {scenario}", code.to_uppercase());
                    print_board(rows, lang);
                    say!();
                }
            }
        }
        SessionAction::Export { code, out, .. } => {
            let library = load(root);
            let boards = session_boards(&store, &library, code).map_err(|e| e.to_string())?;
            let rows: Vec<BoardRow> = boards.into_iter().flat_map(|(_, rows)| rows).collect();
            let code = code.trim().to_uppercase();
            let path = out
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("session-{code}.csv")));
            write(&path, &session_csv(&code, &rows, lang))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a session command on a classroom server when one is named.
fn on_server(action: &SessionAction, lang: Lang) -> Option<Result<ExitCode, String>> {
    use super::classroom::{
        end_session, export_session, new_session, remove_result, show_session, token,
    };
    Some(match action {
        SessionAction::New {
            server:
                Server {
                    server: Some(url),
                    token: given,
                },
            scenarios,
            seed,
            code,
        } => token(given.as_deref())
            .and_then(|t| new_session(url, &t, scenarios, *seed, code.as_deref(), lang)),
        SessionAction::Show {
            server: Server {
                server: Some(url), ..
            },
            code,
            json,
        } => show_session(url, code, *json, lang),
        SessionAction::End {
            server:
                Server {
                    server: Some(url),
                    token: given,
                },
            code,
        } => token(given.as_deref()).and_then(|t| end_session(url, &t, code)),
        SessionAction::Remove {
            server:
                Server {
                    server: Some(url),
                    token: given,
                },
            code,
            id,
        } => token(given.as_deref()).and_then(|t| remove_result(url, &t, code, *id)),
        SessionAction::Export {
            server:
                Server {
                    server: Some(url),
                    token: given,
                },
            code,
            out,
        } => {
            let path = out.clone().unwrap_or_else(|| {
                PathBuf::from(format!("session-{}.csv", code.trim().to_uppercase()))
            });
            token(given.as_deref()).and_then(|t| export_session(url, &t, code, &path))
        }
        _ => return None,
    })
}

#[derive(Debug, Subcommand)]
pub enum ResultsAction {
    /// Brings in the results of another Sales Dojo results file (the salesdojo.db of a
    /// laptop's data folder or of an old classroom): each is verified on the way in and kept
    /// with its content version and session. Importing the same file again adds nothing; the
    /// file itself is not changed.
    Import {
        /// The results file, e.g. salesdojo.db.
        file: PathBuf,
        /// Print what was done as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn results(
    results: Results,
    lang: Lang,
    action: &ResultsAction,
) -> Result<ExitCode, String> {
    let ResultsAction::Import { file, json } = action;
    if let Location::Folder(dir) = results.location()?
        && same_file(file, &dir.join(DB_FILE))
    {
        return Err(format!(
            "{} is the results file this command keeps results in; give another one",
            file.display()
        ));
    }
    let (from, copy) = open_copy(file)?;
    let into = results.open()?;
    let imported = into.import_from(&from).map_err(|e| e.to_string());
    // The copy closes before its folder is deleted.
    drop(from);
    drop(copy);
    let imported = imported?;
    if *json {
        say!("{}", to_json(&imported));
    } else {
        say!(
            "{} {} · {} {} · {} {}",
            tr(lang, "已导入", "imported"),
            imported.added,
            tr(lang, "已有", "already here"),
            imported.already,
            tr(lang, "未导入", "left out"),
            imported.refused.len()
        );
        for (theirs, here) in &imported.renamed {
            say!(
                "{} {theirs} {} {here}",
                tr(lang, "场次", "session"),
                tr(
                    lang,
                    "在此是另一个场次，导入为",
                    "is another session here: imported as"
                )
            );
        }
    }
    for refused in &imported.refused {
        eprintln!("{} {refused}", tr(lang, "未导入：", "left out:"));
    }
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens a copy of a results file (with its write-ahead log, which holds its latest results),
/// so that bringing it up to this release's schema leaves the file itself as it was.
fn open_copy(file: &Path) -> Result<(Store, Scratch), String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", file.display());
    let metadata = std::fs::metadata(file).map_err(cannot)?;
    if !metadata.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "salesdojo-import-{}-{}",
        std::process::id(),
        crate::store::now()
    )));
    std::fs::create_dir_all(&scratch.0)
        .map_err(|e| format!("cannot make a working copy of {}: {e}", file.display()))?;
    std::fs::copy(file, scratch.0.join(DB_FILE)).map_err(cannot)?;
    let log = PathBuf::from(format!("{}-wal", file.display()));
    if log.is_file() {
        std::fs::copy(&log, scratch.0.join(format!("{DB_FILE}-wal"))).map_err(cannot)?;
    }
    let opened = Store::open(&scratch.0)
        .map_err(|e| format!("{} cannot be read as a results file: {e}", file.display()))?;
    if opened.notice.is_some() {
        return Err(format!(
            "{} is not a Sales Dojo results file (or it is damaged); nothing was imported",
            file.display()
        ));
    }
    Ok((opened.store, scratch))
}

pub(super) fn trainee(
    root: &ContentRoot,
    results: Results,
    lang: Lang,
    action: &TraineeAction,
) -> Result<ExitCode, String> {
    let store = results.open()?;
    match action {
        TraineeAction::List => {
            for trainee in store.trainees().map_err(|e| e.to_string())? {
                say!("{}", trainee.name);
            }
        }
        TraineeAction::Show { name, json } => {
            let library = load(root);
            let progress = trainee_progress(&store, &library, name)?;
            if *json {
                say!("{}", to_json(&progress));
            } else {
                print_progress(&progress, &library, lang);
            }
        }
        TraineeAction::Export { name, out } => {
            let library = load(root);
            let progress = trainee_progress(&store, &library, name)?;
            let path = out
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("history-{}.csv", name.trim())));
            write(&path, &history_csv(name.trim(), &progress, lang))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn trainee_progress(store: &Store, library: &Library, name: &str) -> Result<Progress, String> {
    let trainee = store
        .find_trainee(name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            let known: Vec<String> = store
                .trainees()
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.name)
                .collect();
            let mut message = format!("no trainee named \"{}\"", name.trim());
            if !known.is_empty() {
                message.push_str(&format!("\ntrainees: {}", known.join(", ")));
            }
            message
        })?;
    verify::trainee_progress(store, library, trainee.id).map_err(|e| e.to_string())
}

/// The all-time leaderboard of one scenario.
pub(super) fn board(
    root: &ContentRoot,
    results: Results,
    lang: Lang,
    scenario: &str,
    json: bool,
) -> Result<ExitCode, String> {
    let store = results.open()?;
    let library = load(root);
    let rows = scenario_board(&store, &library, scenario, None).map_err(|e| e.to_string())?;
    if json {
        say!("{}", to_json(&rows));
    } else {
        print_board(&rows, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// A new session: its code on stdout (for scripts), what it plays on stderr.
pub(super) fn print_new_session(session: &Session, lang: Lang) {
    say!("{}", session.code);
    eprintln!(
        "{} {} · {} {} · {}",
        tr(lang, "场次", "session"),
        session.code,
        tr(lang, "种子", "seed"),
        session.seed,
        session.scenarios.join(", ")
    );
}

pub(super) fn print_board(rows: &[BoardRow], lang: Lang) {
    if rows.is_empty() {
        say!("  {}", tr(lang, "（还没有结果）", "(no results yet)"));
    }
    for row in rows {
        let checked = &row.checked;
        let rank = row
            .rank
            .map(|r| format!("{r:>2}."))
            .unwrap_or_else(|| " —".into());
        let score = row
            .total
            .map(|t| t.to_string())
            .unwrap_or_else(|| "—".into());
        let outcome = checked.ended(lang).unwrap_or("");
        // The row's own note and minutes: a classroom server's rows carry them.
        let note = row
            .note
            .as_ref()
            .map(|note| note.get(lang).to_string())
            .unwrap_or_default();
        say!(
            "{rank} {} {:>3}  {} {:>3}′  {}  #{:<5} {note}",
            pad(&checked.result.trainee, 16),
            score,
            pad(outcome, 12),
            row.minutes,
            checked.result.played,
            checked.result.id
        );
    }
}

fn print_progress(progress: &Progress, library: &Library, lang: Lang) {
    say!(
        "{}: {} · {}: {}",
        tr(lang, "有效拜访", "valid visits"),
        progress.whole_visits(),
        tr(lang, "客户战役", "campaigns"),
        progress.campaigns()
    );
    for category in &progress.categories {
        let mastery = category
            .mastery
            .map(|m| format!("{m:>3}%"))
            .unwrap_or_else(|| "  —".into());
        let marker = if progress.weakest.as_ref() == Some(&category.id) {
            tr(lang, "  ← 最弱", "  ← weakest")
        } else {
            ""
        };
        say!("  {} {mastery}{marker}", pad(category.name.get(lang), 24));
    }
    if !progress.drills.is_empty() {
        say!("{}:", tr(lang, "建议练习", "suggested drills"));
        for id in &progress.drills {
            let title = library
                .scenario(id)
                .map(|s| s.title.get(lang))
                .unwrap_or("");
            say!("  {id}  {title}");
        }
    }
    for practice in progress.practice() {
        let note = practice.note().map(|n| n.get(lang).to_string());
        say!(
            "#{} {} {:>3} ({})",
            practice.result.id,
            practice.result.scenario,
            practice.total().unwrap_or(0),
            note.unwrap_or_default()
        );
    }
    for invalid in &progress.invalid {
        if let Some(note) = invalid.note() {
            say!(
                "#{} ({}): {}",
                invalid.result.id,
                invalid.result.scenario,
                note.get(lang)
            );
        }
    }
}

/// `text` followed by spaces up to `width` columns as a terminal shows them: a Chinese
/// character takes two, so `{:<16}`, which counts characters, would not line up.
fn pad(text: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

pub(super) fn write(path: &Path, csv: &str) -> Result<(), String> {
    save(path, csv).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
