//! The team lead's screen: start a team session (scenarios, one seed for everyone, a short
//! code), resume an earlier one, or end the running one.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, palette, window_ui};
use crate::engine::{ActiveSession, ContentLibrary, JoinSession, Records};
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SessionDraft>()
        .add_systems(OnEnter(Screen::Session), fresh_draft)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Session)),
        )
        .add_systems(Update, keys.run_if(in_state(Screen::Session)));
}

/// The session being set up.
#[derive(Resource, Default)]
struct SessionDraft {
    scenarios: BTreeSet<String>,
    seed: String,
    problem: Option<String>,
}

fn fresh_draft(mut draft: ResMut<SessionDraft>) {
    *draft = SessionDraft {
        seed: rand::random::<u32>().to_string(),
        ..default()
    };
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    active: Res<ActiveSession>,
    mut draft: ResMut<SessionDraft>,
    mut join: MessageWriter<JoinSession>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let titles = |ids: &[String]| match library.get() {
        Some(library) => library.titles(ids, lang),
        None => ids.join(", "),
    };
    let mut ui = window_ui(ctx);
    egui::Panel::top("session_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "← 返回 (Esc)", "← Back (Esc)"))
                .clicked()
            {
                next.set(Screen::Title);
            }
            ui.heading(tr(lang, "团队场次", "Team session"));
        });
    });
    let Some(store) = records.lock() else {
        egui::CentralPanel::default().show(&mut ui, |ui| {
            ui.label(
                egui::RichText::new(records.notice.clone().unwrap_or_default()).color(palette::BAD),
            );
        });
        return Ok(());
    };
    // Earlier sessions beside the new one, so a team lead sees both without scrolling.
    let sessions = store.sessions().unwrap_or_default();
    if active.0.is_none() && !sessions.is_empty() {
        egui::Panel::right("session_earlier")
            .exact_size(480.0)
            .show(&mut ui, |ui| {
                ui.label(
                    egui::RichText::new(tr(lang, "继续以前的场次", "Resume an earlier session"))
                        .size(22.0),
                );
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for session in sessions.iter().take(10) {
                        if ui.button(&session.code).clicked() {
                            join.write(JoinSession(Some(session.code.clone())));
                        }
                        ui.label(
                            egui::RichText::new(format!(
                                "{} {} · {}",
                                tr(lang, "种子", "seed"),
                                session.seed,
                                titles(&session.scenarios)
                            ))
                            .color(palette::MUTED),
                        );
                        ui.add_space(6.0);
                    }
                });
            });
    }
    egui::CentralPanel::default().show(&mut ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(session) = &active.0 {
                ui.label(
                    egui::RichText::new(tr(lang, "进行中的场次", "Running session"))
                        .color(palette::MUTED),
                );
                ui.label(
                    egui::RichText::new(&session.code)
                        .size(72.0)
                        .color(palette::ACCENT),
                );
                ui.label(format!(
                    "{} {} · {}",
                    tr(lang, "种子", "seed"),
                    session.seed,
                    titles(&session.scenarios)
                ));
                ui.horizontal(|ui| {
                    if ui
                        .button(tr(lang, "学员开始 (Enter)", "Trainees start (Enter)"))
                        .clicked()
                    {
                        next.set(Screen::Title);
                    }
                    if ui
                        .button(tr(lang, "排行榜 (B)", "Leaderboard (B)"))
                        .clicked()
                    {
                        next.set(Screen::Leaderboard);
                    }
                    if ui.button(tr(lang, "结束场次", "End session")).clicked() {
                        join.write(JoinSession(None));
                    }
                });
                return;
            }
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "新场次：每位学员见到同一位客户",
                    "New session: every trainee meets the same customer",
                ))
                .size(24.0),
            );
            if let Some(library) = library.get() {
                for (id, scenario) in &library.scenarios {
                    let mut on = draft.scenarios.contains(id);
                    if ui.checkbox(&mut on, scenario.title.get(lang)).changed() {
                        if on {
                            draft.scenarios.insert(id.clone());
                        } else {
                            draft.scenarios.remove(id);
                        }
                    }
                }
            }
            ui.horizontal(|ui| {
                ui.label(tr(
                    lang,
                    "种子（决定客户的具体表现）",
                    "Seed (which variant of the customer)",
                ));
                ui.add(egui::TextEdit::singleline(&mut draft.seed).desired_width(160.0));
            });
            let create = ui.add_enabled(
                !draft.scenarios.is_empty(),
                egui::Button::new(
                    egui::RichText::new(tr(lang, "创建场次", "Create session")).size(24.0),
                ),
            );
            if create.clicked() {
                match draft.seed.trim().parse::<u64>() {
                    Err(_) => {
                        draft.problem = Some(
                            tr(
                                lang,
                                "种子必须是一个非负整数",
                                "The seed must be a whole number, 0 or more",
                            )
                            .into(),
                        );
                    }
                    Ok(seed) => {
                        let scenarios: Vec<String> = draft.scenarios.iter().cloned().collect();
                        let Some(library) = library.get() else {
                            return;
                        };
                        match store.create_session(library, &scenarios, seed, None) {
                            Ok(session) => {
                                draft.problem = None;
                                join.write(JoinSession(Some(session.code)));
                            }
                            Err(err) => draft.problem = Some(err.to_string()),
                        }
                    }
                }
            }
            if let Some(problem) = &draft.problem {
                ui.label(egui::RichText::new(problem).color(palette::BAD));
            }
        });
    });
    Ok(())
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    wants: Res<EguiWantsInput>,
    active: Res<ActiveSession>,
    mut next: ResMut<NextState<Screen>>,
) {
    if wants.wants_any_keyboard_input() {
        return;
    }
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
    } else if keys.just_pressed(KeyCode::KeyB) {
        next.set(Screen::Leaderboard);
    } else if active.0.is_some() && super::enter_pressed(&keys) {
        next.set(Screen::Title);
    }
}
