//! The leaderboard, for the projector: the running session's ranking per scenario, or the
//! all-time ranking of a scenario. Every score on it is recomputed from the stored record;
//! results that fail verification are listed apart and never ranked.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Selection, Settings, export_status, palette, window_ui};
use crate::engine::{
    ActiveSession, ClassroomBoard, ContentLibrary, FetchClassroomBoard, JoinedClassroom, Records,
};
use crate::i18n::{Lang, tr};
use crate::store::export::{save, session_csv};
use crate::store::verify::{BoardRow, scenario_board};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Board>()
        .add_systems(OnEnter(Screen::Leaderboard), reset)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet)
                .run_if(in_state(Screen::Leaderboard)),
        )
        .add_systems(
            Update,
            (keys, refresh)
                .chain()
                .run_if(in_state(Screen::Leaderboard)),
        );
}

/// What the board shows, and the rows computed for it.
#[derive(Resource, Default)]
struct Board {
    /// All time rather than the running session.
    all_time: bool,
    scenario: usize,
    rows: Option<Vec<BoardRow>>,
    /// Where the last export went, or why results could not be read or written.
    status: Option<Result<String, String>>,
}

/// Opens on the scenario last played, so a trainee sees where they stand at once.
fn reset(
    mut board: ResMut<Board>,
    session: Res<ActiveSession>,
    library: Res<ContentLibrary>,
    selection: Res<Selection>,
    classroom: Res<JoinedClassroom>,
    mut fetch: MessageWriter<FetchClassroomBoard>,
) {
    *board = Board {
        all_time: session.0.is_none(),
        ..default()
    };
    if classroom.0.is_some() {
        fetch.write(FetchClassroomBoard);
    }
    let ids = scenarios(&board, &session, &library);
    board.scenario = selection
        .scenario
        .as_ref()
        .and_then(|picked| ids.iter().position(|id| id == picked))
        .unwrap_or(0);
}

/// The scenarios the board can show, in order; all time, the campaigns' boards after them.
fn scenarios(board: &Board, session: &ActiveSession, library: &ContentLibrary) -> Vec<String> {
    match (&session.0, board.all_time) {
        (Some(session), false) => session.scenarios.clone(),
        _ => library
            .get()
            .map(|l| {
                l.scenarios
                    .keys()
                    .chain(l.campaigns.keys())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut board: ResMut<Board>,
    session: Res<ActiveSession>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    settings: Res<Settings>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) || super::enter_pressed(&keys) {
        next.set(Screen::Title);
        return;
    }
    let count = scenarios(&board, &session, &library).len().max(1);
    if keys.just_pressed(KeyCode::ArrowRight) {
        board.scenario = (board.scenario + 1) % count;
        board.rows = None;
    }
    if keys.just_pressed(KeyCode::ArrowLeft) {
        board.scenario = (board.scenario + count - 1) % count;
        board.rows = None;
    }
    if keys.just_pressed(KeyCode::Tab) && session.0.is_some() {
        board.all_time = !board.all_time;
        board.scenario = 0;
        board.rows = None;
    }
    if keys.just_pressed(KeyCode::KeyE) {
        board.status = Some(export(&board, &session, &library, &records, settings.lang));
    }
}

/// Verifies and ranks the results for what the board shows, once per change. A classroom's
/// session board is the one its server verified and sent.
fn refresh(
    mut board: ResMut<Board>,
    session: Res<ActiveSession>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    classroom: Res<JoinedClassroom>,
    sent: Res<ClassroomBoard>,
) {
    if classroom.0.is_some() && !board.all_time {
        if !sent.is_changed() && board.rows.is_some() {
            return;
        }
        let wanted = scenarios(&board, &session, &library)
            .get(board.scenario)
            .cloned();
        match &sent.0 {
            None => {}
            Some(Ok(boards)) => {
                let rows = boards.iter().find(|(id, _)| Some(id) == wanted.as_ref());
                board.rows = Some(rows.map(|(_, rows)| rows.clone()).unwrap_or_default());
            }
            Some(Err(why)) => {
                board.rows = Some(Vec::new());
                board.status = Some(Err(why.clone()));
            }
        }
        return;
    }
    if board.rows.is_some() {
        return;
    }
    let (Some(content), Some(store)) = (library.get(), records.lock()) else {
        return;
    };
    let Some(scenario) = scenarios(&board, &session, &library)
        .get(board.scenario)
        .cloned()
    else {
        board.rows = Some(Vec::new());
        return;
    };
    let code = session
        .0
        .as_ref()
        .filter(|_| !board.all_time)
        .map(|s| s.code.as_str());
    match scenario_board(&store, content, &scenario, code) {
        Ok(rows) => board.rows = Some(rows),
        Err(err) => {
            error!("{err}");
            board.rows = Some(Vec::new());
            board.status = Some(Err(err.to_string()));
        }
    }
}

/// Writes what is on the board to `exports/` in the data folder.
fn export(
    board: &Board,
    session: &ActiveSession,
    library: &ContentLibrary,
    records: &Records,
    lang: Lang,
) -> Result<String, String> {
    let rows = board.rows.as_deref().unwrap_or_default();
    let scenario = scenarios(board, session, library)
        .get(board.scenario)
        .cloned()
        .unwrap_or_default();
    let (label, name) = match session.0.as_ref().filter(|_| !board.all_time) {
        Some(s) => (s.code.clone(), format!("session-{}-{scenario}.csv", s.code)),
        None => (String::new(), format!("leaderboard-{scenario}.csv")),
    };
    let path = records.exports().join(name);
    save(&path, &session_csv(&label, rows, lang))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    board: Res<Board>,
    session: Res<ActiveSession>,
    library: Res<ContentLibrary>,
    content: super::scenarios::PlayContent,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let ids = scenarios(&board, &session, &library);
    let scenario = ids.get(board.scenario);
    let campaign = scenario.and_then(|id| library.get()?.campaign(id));
    let title = scenario
        .and_then(|id| content.scenario(id))
        .map(|s| &s.title)
        .or(campaign.map(|c| &c.title))
        .map(|title| title.get(lang).to_string())
        .or_else(|| scenario.cloned())
        .unwrap_or_default();
    egui::Panel::top("board_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui.button(tr(lang, "← 返回 (Esc)", "← Back (Esc)")).clicked() {
                next.set(Screen::Title);
            }
            let scope = match session.0.as_ref().filter(|_| !board.all_time) {
                Some(s) => format!("{} {}", tr(lang, "场次", "Session"), s.code),
                None => tr(lang, "历史总榜", "All time").to_string(),
            };
            ui.label(egui::RichText::new(scope).size(34.0).color(palette::ACCENT));
            ui.label(egui::RichText::new(title).size(30.0).strong());
        });
        ui.label(
            egui::RichText::new(tr(
                lang,
                "← → 切换场景 · Tab 场次/总榜 · E 导出 CSV · 分数均由引擎按记录重算",
                "← → scenario · Tab session/all time · E export CSV · every score is recomputed from the record",
            ))
            .color(palette::MUTED),
        );
        export_status(ui, board.status.as_ref(), lang);
    });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        let Some(rows) = &board.rows else {
            ui.label(tr(lang, "正在核对成绩……", "Checking the results…"));
            return;
        };
        if rows.is_empty() {
            ui.label(
                egui::RichText::new(tr(lang, "还没有结果", "No results yet"))
                    .size(34.0)
                    .color(palette::MUTED),
            );
            return;
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("board")
                .num_columns(6)
                .spacing([36.0, 14.0])
                .show(ui, |ui| {
                    for heading in [
                        tr(lang, "名次", "Rank"),
                        tr(lang, "学员", "Trainee"),
                        tr(lang, "得分", "Score"),
                        tr(lang, "结果", "Outcome"),
                        tr(lang, "用时", "Minutes"),
                        tr(lang, "时间", "Played"),
                    ] {
                        ui.label(
                            egui::RichText::new(heading)
                                .size(22.0)
                                .color(palette::MUTED),
                        );
                    }
                    ui.end_row();
                    for row in rows {
                        board_row(ui, row, lang);
                        ui.end_row();
                    }
                });
        });
    });
    Ok(())
}

fn board_row(ui: &mut egui::Ui, row: &BoardRow, lang: Lang) {
    let checked = &row.checked;
    let big = |text: String| egui::RichText::new(text).size(38.0);
    match row.rank {
        Some(rank) => ui.label(big(format!("{rank}.")).color(palette::ACCENT).strong()),
        None => ui.label(big("—".into()).color(palette::BAD)),
    };
    ui.label(big(checked.result.trainee.clone()).strong());
    // The row's own fields, not the checked result's: a classroom's rows come from its server.
    match row.total {
        Some(total) => ui.label(big(total.to_string())),
        None => ui.label(big("×".into()).color(palette::BAD)),
    };
    let note = row.note.as_ref().map(|note| note.get(lang).to_string());
    match checked.ended(lang) {
        _ if !checked.is_valid() => ui.label(
            egui::RichText::new(note.clone().unwrap_or_default())
                .size(20.0)
                .color(palette::BAD),
        ),
        Some(ended) => ui.label(big(ended.to_string()).size(30.0)),
        None => ui.label(""),
    };
    ui.label(big(format!("{}′", row.minutes)).size(30.0));
    let played = match note.filter(|_| checked.is_valid()) {
        Some(note) => egui::RichText::new(format!("{} · {note}", checked.result.played))
            .size(20.0)
            .color(palette::CUE),
        None => egui::RichText::new(&checked.result.played)
            .size(20.0)
            .color(palette::MUTED),
    };
    ui.label(played);
}
