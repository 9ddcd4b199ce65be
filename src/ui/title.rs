//! The title screen: the game's name, the language toggle, start.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, enter_pressed, palette, window_ui};
use crate::engine::ContentLibrary;
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(in_state(Screen::Title)),
    )
    .add_systems(Update, keys.run_if(in_state(Screen::Title)));
}

fn draw(
    mut contexts: EguiContexts,
    mut settings: ResMut<Settings>,
    library: Res<ContentLibrary>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    egui::CentralPanel::default().show(&mut ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.18);
            ui.label(egui::RichText::new("销售道场 · Sales Dojo").size(56.0).color(palette::ACCENT));
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "大客户开发与维护 · 拜访模拟训练",
                    "Key-account development · cold-visit training",
                ))
                .size(24.0),
            );
            ui.add_space(40.0);
            let ready = library.get().is_some_and(|l| !l.scenarios.is_empty());
            let start = ui.add_enabled(
                ready,
                egui::Button::new(egui::RichText::new(tr(lang, "开始训练  (Enter)", "Start training  (Enter)")).size(26.0)),
            );
            if start.clicked() {
                next.set(Screen::Scenarios);
            }
            ui.add_space(16.0);
            let toggle = tr(lang, "English  (L)", "中文  (L)");
            if ui.button(toggle).clicked() {
                settings.lang = lang.other();
            }
            ui.add_space(30.0);
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
        });
    });
    Ok(())
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut settings: ResMut<Settings>,
    library: Res<ContentLibrary>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::KeyL) {
        settings.lang = settings.lang.other();
    }
    let ready = library.get().is_some_and(|l| !l.scenarios.is_empty());
    if ready && enter_pressed(&keys) {
        next.set(Screen::Scenarios);
    }
}
