//! A trainee's progress: each rubric category's score over their verified attempts (a small
//! chart per category), mastery over the recent ones, and drills for the weakest category.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Selection, Settings, export_status, palette, window_ui};
use crate::engine::{ActiveSession, ContentLibrary, CurrentTrainee, Records};
use crate::i18n::{Lang, tr};
use crate::store::export::{history_csv, save};
use crate::store::verify::{CategoryProgress, Progress, trainee_progress};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ProgressView>()
        .add_systems(OnEnter(Screen::Progress), reset)
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Progress)),
        )
        .add_systems(
            Update,
            (keys, refresh).chain().run_if(in_state(Screen::Progress)),
        );
}

#[derive(Resource, Default)]
struct ProgressView {
    /// The trainee it was computed for, and their progress.
    progress: Option<(i64, Progress)>,
    /// Where the last export went, or why results could not be read or written.
    status: Option<Result<String, String>>,
}

fn reset(mut view: ResMut<ProgressView>) {
    *view = ProgressView::default();
}

fn refresh(
    mut view: ResMut<ProgressView>,
    trainee: Res<CurrentTrainee>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
) {
    let Some(trainee) = &trainee.0 else {
        return;
    };
    if view
        .progress
        .as_ref()
        .is_some_and(|(id, _)| *id == trainee.id)
    {
        return;
    }
    let (Some(content), Some(store)) = (library.get(), records.lock()) else {
        return;
    };
    match trainee_progress(&store, content, trainee.id) {
        Ok(progress) => view.progress = Some((trainee.id, progress)),
        Err(err) => view.status = Some(Err(err.to_string())),
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut view: ResMut<ProgressView>,
    trainee: Res<CurrentTrainee>,
    records: Res<Records>,
    settings: Res<Settings>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) || super::enter_pressed(&keys) {
        next.set(Screen::Title);
    }
    if keys.just_pressed(KeyCode::KeyE) {
        view.status = Some(export(&view, &trainee, &records, settings.lang));
    }
}

fn export(
    view: &ProgressView,
    trainee: &CurrentTrainee,
    records: &Records,
    lang: Lang,
) -> Result<String, String> {
    let (Some(trainee), Some((_, progress))) = (&trainee.0, &view.progress) else {
        return Err(tr(lang, "没有可导出的记录", "Nothing to export").into());
    };
    let path = records
        .exports()
        .join(format!("history-{}.csv", trainee.name));
    save(&path, &history_csv(&trainee.name, progress, lang))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    mut view: ResMut<ProgressView>,
    trainee: Res<CurrentTrainee>,
    library: Res<ContentLibrary>,
    records: Res<Records>,
    session: Res<ActiveSession>,
    mut selection: ResMut<Selection>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let name = trainee.0.as_ref().map(|t| t.name.clone());
    egui::Panel::top("progress_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button(tr(lang, "← 返回 (Esc)", "← Back (Esc)"))
                .clicked()
            {
                next.set(Screen::Title);
            }
            ui.heading(format!(
                "{} · {}",
                tr(lang, "我的进步", "My progress"),
                name.as_deref().unwrap_or("")
            ));
            if ui
                .button(tr(lang, "导出 CSV (E)", "Export CSV (E)"))
                .clicked()
            {
                let status = export(&view, &trainee, &records, lang);
                view.status = Some(status);
            }
        });
        export_status(ui, view.status.as_ref(), lang);
    });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        if name.is_none() {
            ui.label(
                egui::RichText::new(tr(
                    lang,
                    "请先在首页输入你的名字",
                    "Type your name on the title screen first",
                ))
                .size(26.0),
            );
            return;
        }
        let Some((_, progress)) = &view.progress else {
            ui.label(tr(lang, "正在核对成绩……", "Checking the results…"));
            return;
        };
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{}{} · {}{} · {}",
                    tr(lang, "有效拜访次数：", "Verified visits: "),
                    progress.whole_visits(),
                    tr(lang, "客户战役：", "campaigns: "),
                    progress.campaigns(),
                    tr(
                        lang,
                        "掌握度 = 最近三次的平均分；曲线为每次拜访或战役的得分",
                        "mastery = mean of the last three; the line is each visit's or campaign's score"
                    )
                ))
                .color(palette::MUTED),
            );
            egui::Grid::new("progress")
                .num_columns(3)
                .spacing([24.0, 12.0])
                .show(ui, |ui| {
                    for category in &progress.categories {
                        let weakest = progress.weakest.as_ref() == Some(&category.id);
                        let mut label = egui::RichText::new(category.name.get(lang)).size(21.0);
                        if weakest {
                            label = label.color(palette::BAD).strong();
                        }
                        ui.label(label);
                        sparkline(ui, category);
                        mastery_bar(ui, category.mastery, weakest);
                        ui.end_row();
                    }
                });
            if let Some(weakest) = progress
                .weakest
                .as_ref()
                .and_then(|id| progress.categories.iter().find(|c| &c.id == id))
            {
                // In a team session, only the session's scenarios, with its customer.
                let playable = library
                    .get()
                    .map(|content| super::scenarios::playable(content, &session))
                    .unwrap_or_default();
                let drills: Vec<_> = progress
                    .drills
                    .iter()
                    .filter_map(|id| playable.iter().find(|s| &s.id == id))
                    .collect();
                // A category no scenario exercises has no drill to suggest: say only what is weak.
                let mut weak = format!(
                    "{}「{}」",
                    tr(lang, "最弱的一项：", "Weakest: "),
                    weakest.name.get(lang)
                );
                if !drills.is_empty() {
                    weak.push_str(&format!(
                        " · {}",
                        tr(lang, "建议练习：", "suggested drills:")
                    ));
                }
                ui.add_space(12.0);
                ui.label(egui::RichText::new(weak).size(22.0));
                for scenario in drills {
                    if ui.button(scenario.title.get(lang)).clicked() {
                        super::scenarios::pick(&mut selection, &mut next, scenario, &session);
                    }
                }
            }
            let mut practice = progress.practice().peekable();
            if practice.peek().is_some() {
                ui.add_space(12.0);
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "练习（重来的决定）",
                        "Practice (decisions tried again)",
                    ))
                    .size(21.0),
                );
            }
            for attempt in practice.take(8) {
                let title = attempt
                    .title
                    .as_ref()
                    .map_or(attempt.result.scenario.as_str(), |t| t.get(lang));
                let note = attempt.note().map(|n| n.get(lang).to_string());
                ui.label(
                    egui::RichText::new(format!(
                        "{} · {} · {} / 100 · {}",
                        attempt.result.played,
                        title,
                        attempt.total().unwrap_or(0),
                        note.unwrap_or_default()
                    ))
                    .color(palette::MUTED),
                );
            }
            for invalid in &progress.invalid {
                if let Some(note) = invalid.note() {
                    ui.label(
                        egui::RichText::new(format!(
                            "#{} ({}): {}",
                            invalid.result.id,
                            invalid.result.scenario,
                            note.get(lang)
                        ))
                        .color(palette::BAD),
                    );
                }
            }
        });
    });
    Ok(())
}

/// The category's score in each attempt, 0 at the bottom, 100 at the top.
fn sparkline(ui: &mut egui::Ui, category: &CategoryProgress) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(360.0, 44.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_stroke(
        rect,
        2.0,
        egui::Stroke::new(1.0, palette::MUTED.gamma_multiply(0.4)),
        egui::StrokeKind::Inside,
    );
    let count = category.attempts.len();
    let at = |i: usize, score: u32| {
        let x = if count <= 1 {
            rect.center().x
        } else {
            rect.left() + 6.0 + (rect.width() - 12.0) * i as f32 / (count - 1) as f32
        };
        let y = rect.bottom() - 4.0 - (rect.height() - 8.0) * score as f32 / 100.0;
        egui::pos2(x, y)
    };
    let points: Vec<egui::Pos2> = category
        .attempts
        .iter()
        .enumerate()
        .filter_map(|(i, score)| Some(at(i, (*score)?)))
        .collect();
    if points.len() > 1 {
        painter.add(egui::Shape::line(
            points.clone(),
            egui::Stroke::new(2.0, palette::ACCENT),
        ));
    }
    for point in points {
        painter.circle_filled(point, 3.5, palette::ACCENT);
    }
}

fn mastery_bar(ui: &mut egui::Ui, mastery: Option<u32>, weakest: bool) {
    let Some(mastery) = mastery else {
        ui.label(egui::RichText::new("—").color(palette::MUTED));
        return;
    };
    let colour = if weakest { palette::BAD } else { palette::GOOD };
    ui.add(
        egui::ProgressBar::new(mastery as f32 / 100.0)
            .desired_width(220.0)
            .fill(colour)
            .text(egui::RichText::new(format!("{mastery}%")).color(egui::Color32::WHITE)),
    );
}
