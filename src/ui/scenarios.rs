//! The scenario list: what can be practised, with persona, scene kinds and difficulty.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Selection, Settings, number_key, palette, window_ui};
use crate::content::{PersonaSpec, Scenario};
use crate::engine::ContentLibrary;
use crate::i18n::{Lang, persona_name, scene_name, tr};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(in_state(Screen::Scenarios)),
    )
    .add_systems(Update, keys.run_if(in_state(Screen::Scenarios)));
}

fn pick(selection: &mut Selection, next: &mut NextState<Screen>, scenario: &Scenario) {
    selection.scenario = Some(scenario.id.clone());
    // A fresh customer variant each time; the seed is shown on the debrief for replays.
    selection.seed = rand::random::<u32>() as u64;
    next.set(Screen::Briefing);
}

fn persona_label(scenario: &Scenario, lang: Lang) -> String {
    match &scenario.persona {
        PersonaSpec::Fixed(kind) => persona_name(*kind, lang).to_string(),
        PersonaSpec::OneOf(_) => {
            tr(lang, "未知（需观察判断）", "unknown (read the cues)").to_string()
        }
    }
}

fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    library: Res<ContentLibrary>,
    mut selection: ResMut<Selection>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let Some(library) = library.get() else {
        return Ok(());
    };
    let mut ui = window_ui(ctx);
    egui::Panel::top("scenarios_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "← 返回 (Esc)", "← Back (Esc)"))
                .clicked()
            {
                next.set(Screen::Title);
            }
            ui.heading(tr(lang, "选择一次客户拜访", "Choose a customer visit"));
        });
    });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (index, scenario) in library.scenarios.values().enumerate() {
                let frame = egui::Frame::group(ui.style()).inner_margin(14.0);
                let response = frame
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal(|ui| {
                            let key = if index < 9 {
                                format!("{}.", index + 1)
                            } else {
                                String::new()
                            };
                            ui.label(egui::RichText::new(key).size(26.0).color(palette::ACCENT));
                            ui.vertical(|ui| {
                                ui.label(
                                    egui::RichText::new(scenario.title.get(lang))
                                        .size(23.0)
                                        .strong(),
                                );
                                let scenes: Vec<&str> = scenario
                                    .scenes
                                    .iter()
                                    .map(|s| scene_name(s.kind, lang))
                                    .collect();
                                ui.label(
                                    egui::RichText::new(format!(
                                        "{}: {}   ·   {}: {}   ·   {}: {}",
                                        tr(lang, "客户类型", "Persona"),
                                        persona_label(scenario, lang),
                                        tr(lang, "场景", "Scenes"),
                                        scenes.join(" → "),
                                        tr(lang, "难度", "Difficulty"),
                                        "★".repeat(scenario.difficulty as usize),
                                    ))
                                    .color(palette::MUTED),
                                );
                            });
                        });
                    })
                    .response
                    .interact(egui::Sense::click());
                if response
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .clicked()
                {
                    pick(&mut selection, &mut next, scenario);
                }
            }
        });
    });
    Ok(())
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    library: Res<ContentLibrary>,
    mut selection: ResMut<Selection>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
        return;
    }
    let Some(library) = library.get() else {
        return;
    };
    if let Some(index) = number_key(&keys)
        && let Some(scenario) = library.scenarios.values().nth(index)
    {
        pick(&mut selection, &mut next, scenario);
    }
}
