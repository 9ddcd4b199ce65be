//! The title screen: who is training, the running team session, start, and the way to
//! progress, sessions and leaderboards.

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, enter_pressed, palette, window_ui};
use crate::engine::{
    ActiveSession, ContentLibrary, CurrentTrainee, Records, RecordsProblem, RecordsSet,
    SelectTrainee,
};
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<NameDraft>()
        .add_systems(OnEnter(Screen::Title), fill_name)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Title)),
        )
        .add_systems(
            Update,
            (
                (keys, ask_for_trainee).chain().before(RecordsSet),
                enter_once_picked.after(RecordsSet),
            )
                .run_if(in_state(Screen::Title)),
        );
}

/// The name typed on the title screen, before it becomes the current trainee.
#[derive(Resource, Default)]
pub(super) struct NameDraft {
    pub name: String,
    /// Start was asked for this frame.
    pub starting: bool,
    /// The trainee was asked for: go on once picked.
    pub awaiting: bool,
    /// Start was asked for with no name typed.
    pub nameless: bool,
}

/// The last trainee's name is ready to confirm; in a session the next trainee types theirs.
fn fill_name(
    mut draft: ResMut<NameDraft>,
    trainee: Res<CurrentTrainee>,
    session: Res<ActiveSession>,
) {
    *draft = NameDraft::default();
    draft.name = match (&trainee.0, &session.0) {
        (Some(trainee), None) => trainee.name.clone(),
        _ => String::new(),
    };
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    session: Res<ActiveSession>,
    problem: Res<RecordsProblem>,
    mut draft: ResMut<NameDraft>,
    mut select: MessageWriter<SelectTrainee>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let ready = library.get().is_some_and(|l| !l.scenarios.is_empty());
    egui::CentralPanel::default().show(&mut ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.08);
            ui.label(egui::RichText::new("销售道场 · Sales Dojo").size(56.0).color(palette::ACCENT));
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "大客户开发与维护 · 拜访模拟训练",
                    "Key-account development · cold-visit training",
                ))
                .size(24.0),
            );
            ui.add_space(24.0);
            if let Some(session) = &session.0 {
                ui.label(
                    egui::RichText::new(format!(
                        "{} {} · {}",
                        tr(lang, "团队场次", "Team session"),
                        session.code,
                        tr(lang, "下一位学员请输入姓名", "next trainee, type your name")
                    ))
                    .size(24.0)
                    .color(palette::GOOD),
                );
                ui.add_space(8.0);
            }
            ui.horizontal(|ui| {
                let width = 560.0;
                ui.add_space((ui.available_width() - width).max(0.0) / 2.0);
                ui.label(egui::RichText::new(tr(lang, "学员姓名", "Trainee")).size(22.0));
                let field = ui.add(
                    egui::TextEdit::singleline(&mut draft.name)
                        .hint_text(tr(lang, "输入你的名字", "type your name"))
                        .font(egui::FontId::proportional(24.0))
                        .desired_width(300.0),
                );
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    draft.starting = true;
                }
            });
            // Recent trainees, one click away (not in a session: each trainee types their own).
            if session.0.is_none()
                && let Some(store) = records.lock()
            {
                let recent = store.trainees().unwrap_or_default();
                if !recent.is_empty() {
                    ui.horizontal(|ui| {
                        // Centred under the name field: egui rows start at the left.
                        ui.add_space((ui.available_width() - 560.0).max(0.0) / 2.0);
                        ui.label(egui::RichText::new(tr(lang, "最近：", "Recent:")).color(palette::MUTED));
                        for trainee in recent.iter().take(6) {
                            if ui.small_button(&trainee.name).clicked() {
                                draft.name = trainee.name.clone();
                            }
                        }
                    });
                }
            }
            ui.add_space(20.0);
            let named = !draft.name.trim().is_empty();
            let start = ui.add_enabled(
                ready && named,
                egui::Button::new(egui::RichText::new(tr(lang, "开始训练  (Enter)", "Start training  (Enter)")).size(26.0)),
            );
            if start.clicked() {
                draft.starting = true;
            }
            if draft.nameless {
                ui.label(egui::RichText::new(tr(lang, "请先输入姓名，成绩会记在这个名字下", "Type your name first: results are kept under it")).color(palette::BAD));
            }
            if let Some(problem) = &problem.0 {
                ui.label(egui::RichText::new(problem).color(palette::BAD));
            }
            ui.add_space(16.0);
            ui.horizontal(|ui| {
                ui.add_space((ui.available_width() - 640.0).max(0.0) / 2.0);
                if ui.button(tr(lang, "我的进步 (P)", "My progress (P)")).clicked() {
                    if named {
                        select.write(SelectTrainee(draft.name.clone()));
                    }
                    next.set(Screen::Progress);
                }
                if ui.button(tr(lang, "团队场次 (T)", "Team session (T)")).clicked() {
                    next.set(Screen::Session);
                }
                if ui.button(tr(lang, "排行榜 (B)", "Leaderboard (B)")).clicked() {
                    next.set(Screen::Leaderboard);
                }
                if ui.button(tr(lang, "English (L)", "中文 (L)")).clicked() {
                    settings.lang = lang.other();
                }
            });
            ui.add_space(24.0);
            match library.get() {
                None => {
                    ui.label(tr(lang, "正在加载场景……", "Loading scenarios…"));
                }
                Some(library) => {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {}",
                            library.scenarios.len(),
                            tr(lang, "个场景可练习", "scenarios to practise")
                        ))
                        .color(palette::MUTED),
                    );
                    let errors = library.errors().count();
                    if errors > 0 {
                        ui.label(
                            egui::RichText::new(format!(
                                "{errors} {}",
                                tr(
                                    lang,
                                    "个内容错误：出错的文件继续使用上一次正确的版本，详见右下角",
                                    "content errors: broken files keep their last good version (see the list)"
                                )
                            ))
                            .color(palette::BAD),
                        );
                    }
                }
            }
            if let Some(notice) = &records.notice {
                ui.label(egui::RichText::new(notice).color(palette::BAD));
            }
        });
    });
    Ok(())
}

/// Shortcuts work while no text field has the keyboard (so typing "Lin" never switches
/// the language). Enter starts once a name is typed.
fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    mut settings: ResMut<Settings>,
    mut draft: ResMut<NameDraft>,
    mut next: ResMut<NextState<Screen>>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    if keys.just_pressed(KeyCode::KeyL) {
        settings.lang = settings.lang.other();
    }
    if keys.just_pressed(KeyCode::KeyP) {
        next.set(Screen::Progress);
    }
    if keys.just_pressed(KeyCode::KeyT) {
        next.set(Screen::Session);
    }
    if keys.just_pressed(KeyCode::KeyB) {
        next.set(Screen::Leaderboard);
    }
    if enter_pressed(&keys) {
        draft.starting = true;
    }
}

/// Start: the typed name becomes the current trainee (created if new).
fn ask_for_trainee(
    mut draft: ResMut<NameDraft>,
    library: Res<ContentLibrary>,
    mut select: MessageWriter<SelectTrainee>,
) {
    if !std::mem::take(&mut draft.starting) {
        return;
    }
    let ready = library.get().is_some_and(|l| !l.scenarios.is_empty());
    draft.nameless = draft.name.trim().is_empty();
    if ready && !draft.nameless {
        select.write(SelectTrainee(draft.name.clone()));
        draft.awaiting = true;
    }
}

/// Goes on to the scenarios once the trainee is picked; stays if the name was refused.
fn enter_once_picked(
    mut draft: ResMut<NameDraft>,
    trainee: Res<CurrentTrainee>,
    problem: Res<RecordsProblem>,
    mut next: ResMut<NextState<Screen>>,
) {
    if !draft.awaiting {
        return;
    }
    let picked = trainee
        .0
        .as_ref()
        .is_some_and(|t| t.name.to_lowercase() == draft.name.trim().to_lowercase());
    if picked {
        draft.awaiting = false;
        next.set(Screen::Scenarios);
    } else if problem.0.is_some() {
        draft.awaiting = false;
    }
}
