//! The classroom from the command line: `serve` on the trainer's laptop, `play --server` as a
//! trainee, and the session commands against a server instead of the local store.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use super::records::Results;
use super::{load, play_choices, report, to_json};
use crate::i18n::{Lang, tr};
use crate::paths::ContentRoot;
pub use crate::server::TOKEN_ENV;
use crate::server::TOKEN_FILE;
use crate::server::api::NewSession;
use crate::server::api::{Submission, Verdict};
use crate::server::client::{self, Classroom, Joined, Sent};
use crate::server::kept_token;
use crate::sim::Attempt;
use crate::store::Store;

/// The trainer token: the one kept (or set), else a new one kept in the data folder.
fn trainer_token(data_dir: &Path) -> Result<String, String> {
    if let Some(token) = kept_token(data_dir) {
        return Ok(token);
    }
    let path = data_dir.join(TOKEN_FILE);
    let token = crate::server::api::fresh_result_id();
    std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::write(&path, &token))
        .map_err(|e| format!("cannot keep the trainer token in {}: {e}", path.display()))?;
    Ok(token)
}

pub(super) fn serve(
    root: &ContentRoot,
    results: Results,
    lang: Lang,
    addr: &str,
) -> Result<ExitCode, String> {
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| format!("\"{addr}\" is not HOST:PORT, e.g. 0.0.0.0:7878"))?;
    let location = results.location()?;
    // The token stays on the trainer's laptop, wherever the results are kept.
    let token = trainer_token(&results.data_dir()?)?;
    let library = load(root);
    let font = std::fs::read(root.absolute().join("assets/fonts/NotoSansSC-Regular.ttf")).ok();
    let config = crate::server::Config {
        addr,
        library,
        results: location,
        token: token.clone(),
        font,
    };
    crate::server::serve(config, |bound| {
        // A closed terminal must not stop the server: what cannot be printed is dropped.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{bound}");
        for address in crate::server::join_addresses(bound) {
            let _ = writeln!(
                out,
                "{} {address}",
                tr(lang, "学员输入地址：", "trainees type:")
            );
        }
        let _ = writeln!(out, "trainer token: {token}");
        let _ = writeln!(
            out,
            "{}",
            tr(
                lang,
                "投影页面：地址/board/场次代码 · Ctrl-C 停止",
                "projector page: ADDRESS/board/CODE · Ctrl-C stops"
            )
        );
        let _ = out.flush();
    })?;
    eprintln!("{}", tr(lang, "服务器已停止", "the server stopped"));
    Ok(ExitCode::SUCCESS)
}

/// The token for a trainer action against a server: `--token`, else the environment.
pub(super) fn token(given: Option<&str>) -> Result<String, String> {
    given
        .map(str::to_string)
        .or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "this needs the trainer token that `serve` printed: --token TOKEN or {TOKEN_ENV}"
            )
        })
}

pub(super) fn new_session(
    server: &str,
    token: &str,
    scenarios: &[String],
    seed: Option<u64>,
    code: Option<&str>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let session = Classroom::new(server)
        .create_session(
            token,
            &NewSession {
                scenarios: scenarios.to_vec(),
                seed,
                code: code.map(str::to_string),
            },
        )
        .map_err(|e| e.to_string())?;
    super::records::print_new_session(&session, lang);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn show_session(
    server: &str,
    code: &str,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, String> {
    let classroom = Classroom::new(server);
    if json {
        let board = classroom.board_json(code).map_err(|e| e.to_string())?;
        say!("{}", to_json(&board));
        return Ok(ExitCode::SUCCESS);
    }
    for (scenario, rows) in classroom.board(code).map_err(|e| e.to_string())? {
        say!("{} · {scenario}", code.trim().to_uppercase());
        super::records::print_board(&rows, lang);
        say!();
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn remove_result(
    server: &str,
    token: &str,
    code: &str,
    id: i64,
) -> Result<ExitCode, String> {
    Classroom::new(server)
        .remove_result(token, code, id)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "result #{id} taken off session {}",
        code.trim().to_uppercase()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn end_session(server: &str, token: &str, code: &str) -> Result<ExitCode, String> {
    let session = Classroom::new(server)
        .end_session(token, code)
        .map_err(|e| e.to_string())?;
    eprintln!("session {} ended", session.code);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn export_session(
    server: &str,
    token: &str,
    code: &str,
    out: &Path,
) -> Result<ExitCode, String> {
    let csv = Classroom::new(server)
        .export(token, code)
        .map_err(|e| e.to_string())?;
    super::records::write(out, &csv)?;
    Ok(ExitCode::SUCCESS)
}

/// A visit for a classroom: the session's content from the server, played here, sent there to
/// be replayed and scored; kept in the outbox if the server cannot be reached.
pub(super) struct ServerPlay<'a> {
    pub server: &'a str,
    pub session: &'a str,
    pub trainee: &'a str,
    pub scenario: &'a str,
    pub choices: &'a [usize],
    pub guess: Option<(crate::content::PersonaKind, usize)>,
}

pub(super) fn play(
    results: Results,
    lang: Lang,
    request: ServerPlay,
    print: super::Print,
) -> Result<ExitCode, String> {
    let (store, joined) = join_to_play(results, lang, request.server, request.session)?;
    let (library, hash) = played_in(&joined, request.scenario)?;
    let mut attempt = Attempt::begin(library.clone(), request.scenario, joined.seed, None)
        .map_err(|e| e.to_string())?;
    play_choices(&mut attempt, request.choices, request.guess)?;
    let submission =
        client::submission(&attempt, request.trainee, hash).ok_or("the visit is not over")?;
    let verdict = send_played(&store, &joined, &submission, lang)?;
    report(&attempt, lang, print, verdict.as_ref());
    Ok(ExitCode::SUCCESS)
}

/// The local store (its outbox) and the session joined on its server, to play it here.
/// Results that waited for their server are sent first.
pub(super) fn join_to_play(
    results: Results,
    lang: Lang,
    server: &str,
    session: &str,
) -> Result<(Store, Joined), String> {
    let store = results.open_local()?;
    let resent = client::resend(&store);
    if resent.verified > 0 {
        eprintln!(
            "{} {}",
            tr(
                lang,
                "已补发等待中的结果：",
                "sent results that were waiting:"
            ),
            resent.verified
        );
    }
    for refused in &resent.refused {
        eprintln!("warning: {refused}");
    }
    let joined = client::join_keeping(&store, server, session).map_err(|e| e.to_string())?;
    Ok((store, joined))
}

/// The library the session plays `id` (a scenario or a campaign) on, and its version's hash.
pub(super) fn played_in<'j>(
    joined: &'j Joined,
    id: &str,
) -> Result<(&'j std::sync::Arc<crate::content::Library>, &'j str), String> {
    joined.library(id).ok_or_else(|| {
        format!(
            "session {} plays {}, not \"{id}\"",
            joined.code,
            joined.scenarios().collect::<Vec<_>>().join(", ")
        )
    })
}

/// Sends a finished result to its classroom server and says on stderr what became of it: the
/// server's verdict, or why it waits in the outbox.
pub(super) fn send_played(
    store: &Store,
    joined: &Joined,
    submission: &Submission,
    lang: Lang,
) -> Result<Option<Verdict>, String> {
    match client::send_or_keep(store, &joined.server, &joined.code, submission)
        .map_err(|e| e.to_string())?
    {
        Sent::Verified(verdict) => {
            eprintln!(
                "{} {} · {} {} · {} {}",
                tr(lang, "服务器核定得分", "the server's score:"),
                verdict.score,
                tr(lang, "名次", "rank"),
                verdict
                    .rank
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "—".into()),
                tr(lang, "场次", "session"),
                joined.code
            );
            Ok(Some(verdict))
        }
        Sent::Waiting(why) => {
            let waiting = store.outbox().map(|o| o.len()).unwrap_or(1);
            eprintln!("warning: {why}");
            eprintln!(
                "{} {waiting}{}",
                tr(lang, "等待发送：", "waiting to send: "),
                tr(
                    lang,
                    "（下次 play --server 或 salesdojo outbox 时自动补发）",
                    " (sent with the next play --server, or salesdojo outbox)"
                )
            );
            Ok(None)
        }
    }
}

/// Shows the results waiting for their classroom server, and sends them.
pub(super) fn outbox(results: Results, lang: Lang) -> Result<ExitCode, String> {
    let store = results.open_local()?;
    let resent = client::resend(&store);
    for refused in &resent.refused {
        eprintln!("warning: {refused}");
    }
    say!(
        "{} {} · {} {}",
        tr(lang, "已发送", "sent"),
        resent.verified,
        tr(lang, "等待发送", "waiting"),
        resent.waiting
    );
    for entry in store.outbox().map_err(|e| e.to_string())? {
        say!(
            "  {} → {} {} ({})",
            entry.result_id,
            entry.server,
            entry.session,
            entry.last_error.unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
