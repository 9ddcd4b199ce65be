//! The briefing: the account, the contact, what is known, the goal and the time budget.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::scenarios::PlayContent;
use super::{Screen, ScreenUiSet, Selection, Settings, enter_pressed, palette, window_ui};
use crate::engine::StartVisit;
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(in_state(Screen::Briefing)),
    )
    .add_systems(Update, keys.run_if(in_state(Screen::Briefing)));
}

fn begin(
    selection: &Selection,
    starts: &mut MessageWriter<StartVisit>,
    next: &mut NextState<Screen>,
) {
    if let Some(scenario) = &selection.scenario {
        starts.write(StartVisit {
            scenario: scenario.clone(),
            seed: selection.seed,
            persona: None,
        });
        next.set(Screen::Visit);
    }
}

fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    content: PlayContent,
    selection: Res<Selection>,
    mut starts: MessageWriter<StartVisit>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let Some(scenario) = selection
        .scenario
        .as_deref()
        .and_then(|id| content.scenario(id))
    else {
        // The scenario vanished (a file was removed while the game runs): back to the list.
        next.set(Screen::Scenarios);
        return Ok(());
    };
    let briefing = &scenario.briefing;
    let mut ui = window_ui(ctx);
    egui::Panel::bottom("briefing_actions").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "← 返回 (Esc)", "← Back (Esc)"))
                .clicked()
            {
                next.set(Screen::Scenarios);
            }
            let start = egui::Button::new(
                egui::RichText::new(tr(lang, "开始拜访 (Enter)", "Start the visit (Enter)"))
                    .size(24.0),
            );
            if ui.add(start).clicked() {
                begin(&selection, &mut starts, &mut next);
            }
        });
    });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(egui::RichText::new(tr(lang, "拜访简报", "Briefing")).color(palette::MUTED));
            ui.heading(scenario.title.get(lang));
            ui.add_space(8.0);
            let section = |ui: &mut egui::Ui, heading: &str, body: &str| {
                ui.label(egui::RichText::new(heading).strong().color(palette::ACCENT));
                ui.label(body);
                ui.add_space(6.0);
            };
            section(
                ui,
                tr(lang, "客户", "The account"),
                briefing.account.get(lang),
            );
            section(
                ui,
                tr(lang, "拜访对象", "Whom you meet"),
                briefing.contact.get(lang),
            );
            if !briefing.known.is_empty() {
                ui.label(
                    egui::RichText::new(tr(lang, "你已了解的情况", "What you already know"))
                        .strong()
                        .color(palette::ACCENT),
                );
                for fact in &briefing.known {
                    ui.label(format!("•  {}", fact.get(lang)));
                }
                ui.add_space(6.0);
            }
            section(
                ui,
                tr(lang, "本次拜访目标", "Goal of this visit"),
                briefing.goal.get(lang),
            );
            section(
                ui,
                tr(lang, "时间", "Time"),
                &format!(
                    "{} {}{}",
                    briefing.time_budget,
                    tr(lang, "分钟左右", "minutes or so"),
                    if briefing.follow_up {
                        tr(
                            lang,
                            "（回访：不是第一次见面）",
                            " (a follow-up visit, not the first meeting)",
                        )
                    } else {
                        ""
                    }
                ),
            );
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "用鼠标或数字键 1–4 选择你的回应。",
                    "Choose each reply with the mouse or the keys 1–4.",
                ))
                .color(palette::MUTED),
            );
        });
    });
    Ok(())
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    selection: Res<Selection>,
    mut starts: MessageWriter<StartVisit>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Scenarios);
    } else if enter_pressed(&keys) {
        begin(&selection, &mut starts, &mut next);
    }
}
