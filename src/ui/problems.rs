//! A panel listing the content problems (file:line:col, message, hint) on the screens where a
//! trainer picks scenarios, so a broken save is visible in the game until the file is fixed.
//! The game keeps playing the last good version of the file meanwhile.

use std::path::Path;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, palette};
use crate::content::Severity;
use crate::engine::ContentLibrary;
use crate::i18n::tr;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(
            in_state(Screen::Title)
                .or_else(in_state(Screen::Scenarios))
                .or_else(in_state(Screen::Briefing)),
        ),
    );
}

/// `scenarios/x.scenario.ron`: the folder and the file, as a trainer finds them.
fn short(path: &Path) -> String {
    let mut parts: Vec<String> = path
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.reverse();
    parts.join("/")
}

fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    library: Res<ContentLibrary>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let Some(library) = library.get() else {
        return Ok(());
    };
    if library.diagnostics.is_empty() {
        return Ok(());
    }
    let errors = library.errors().count();
    let warnings = library.diagnostics.len() - errors;
    let title = format!(
        "⚠ {}: {errors} {} · {warnings} {}",
        tr(lang, "内容问题", "Content problems"),
        tr(lang, "个错误", "error(s)"),
        tr(lang, "个警告", "warning(s)"),
    );
    egui::Window::new(title)
        .id(egui::Id::new("content_problems"))
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0))
        .default_width(640.0)
        .collapsible(true)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "出错的文件继续使用上一次正确的版本；保存修改后这里会自动更新。",
                    "A broken file keeps its last good version in use; this list updates when you save.",
                ))
                .color(palette::MUTED)
                .small(),
            );
            egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
                for diagnostic in &library.diagnostics {
                    let (label, colour) = match diagnostic.severity {
                        Severity::Error => (tr(lang, "错误", "error"), palette::BAD),
                        Severity::Warning => (tr(lang, "警告", "warning"), palette::CUE),
                    };
                    ui.label(
                        egui::RichText::new(format!(
                            "{}:{}:{}  {label}: {}",
                            short(&diagnostic.file),
                            diagnostic.line,
                            diagnostic.col,
                            diagnostic.message
                        ))
                        .monospace()
                        .color(colour),
                    );
                    if let Some(hint) = &diagnostic.hint {
                        ui.label(egui::RichText::new(format!("    {hint}")).small());
                    }
                }
            });
        });
    Ok(())
}
