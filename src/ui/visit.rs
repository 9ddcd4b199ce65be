//! The visit: the customer's line and manner, the mood meters, the clock, the transcript, and
//! the replies (mouse or keys 1–4, in a seed-shuffled order).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, number_key, palette, window_ui};
use crate::content::{PersonaKind, PersonaSpec, SceneKind};
use crate::engine::{
    ActiveSession, ActiveVisit, ChooseReply, JoinedClassroom, NotePersona, RewindVisit, VisitEnded,
    VisitProblem, VisitSet,
};
use crate::i18n::{Lang, persona_name, scene_name, speaker_name, tr};
use crate::sim::{Expression, Visit};

/// Keys for the notebook's four types, in `PersonaKind::ALL` order.
pub(super) const NOTEBOOK_KEYS: [KeyCode; 4] = [KeyCode::F1, KeyCode::F2, KeyCode::F3, KeyCode::F4];

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(in_state(Screen::Visit)),
    )
    .add_systems(
        Update,
        (keys.before(VisitSet), to_debrief.after(VisitSet)).run_if(in_state(Screen::Visit)),
    );
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    visit: Option<Single<&ActiveVisit>>,
    problem: Res<VisitProblem>,
    session: Res<ActiveSession>,
    joined: Res<JoinedClassroom>,
    mut choose: MessageWriter<ChooseReply>,
    mut note: MessageWriter<NotePersona>,
    mut rewinds: MessageWriter<RewindVisit>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let practising = super::practising(&session, &joined);
    let rewound_at = visit.as_deref().and_then(|active| active.rewound_at());
    let Some((visit, view)) = visit
        .as_deref()
        .and_then(|active| Some((active.visit(), active.visit().current()?)))
    else {
        // The start was refused (say, the scenario file was removed meanwhile): say why.
        if let Some(problem) = &problem.0 {
            let what = tr(lang, "无法开始拜访", "The visit cannot start");
            super::cannot_start(&mut ui, what, Some(problem), lang, &mut next);
        }
        return Ok(());
    };
    egui::Panel::top("visit_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{} · {}",
                    scene_name(view.scene_kind, lang),
                    view.scene_title.get(lang)
                ))
                .size(22.0)
                .strong(),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "⏱ {}′ / {}′",
                        visit.minute(),
                        visit.scenario().briefing.time_budget
                    ))
                    .size(22.0),
                );
                if let Some(at) = rewound_at {
                    let banner = match lang {
                        Lang::Zh => format!("练习：从第 {} 个决定重来 · 不计入排行榜", at + 1),
                        Lang::En => {
                            format!(
                                "Practice: tried again from decision {} · not ranked",
                                at + 1
                            )
                        }
                    };
                    ui.label(egui::RichText::new(banner).color(palette::CUE));
                }
            });
        });
    });
    egui::Panel::left("visit_side")
        .exact_size(360.0)
        .show(&mut ui, |ui| {
            if settings.hide_meters {
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "计量表已隐藏：从客户的话、神态和信号读懂他。",
                        "Meters hidden: read the customer from their words, manner and cues.",
                    ))
                    .color(palette::MUTED),
                );
            } else {
                super::mood_bars(ui, visit.mood(), lang);
            }
            ui.separator();
            if let Some(kind) = notebook(ui, visit, lang) {
                note.write(NotePersona(kind));
            }
            ui.separator();
            ui.label(egui::RichText::new(tr(lang, "对话记录", "Transcript")).strong());
            if practising && !visit.transcript().is_empty() {
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "↺ 从某个决定重来（退格键：上一个）",
                        "↺ tries a decision again (Backspace: the last one)",
                    ))
                    .color(palette::MUTED)
                    .small(),
                );
            }
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    for (decision, exchange) in visit.transcript().iter().enumerate() {
                        ui.label(
                            egui::RichText::new(exchange.view.says.get(lang))
                                .color(palette::MUTED)
                                .small(),
                        );
                        ui.horizontal_wrapped(|ui| {
                            if practising
                                && ui
                                    .small_button("↺")
                                    .on_hover_text(tr(lang, "从这里重来", "Try again from here"))
                                    .clicked()
                            {
                                rewinds.write(RewindVisit(decision));
                            }
                            ui.label(
                                egui::RichText::new(format!("→ {}", exchange.reply.get(lang)))
                                    .small(),
                            );
                        });
                        ui.add_space(4.0);
                    }
                });
        });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        let problem = problem.0.as_ref().map(ToString::to_string);
        if let Some(position) = conversation(ui, visit, lang, problem.as_deref()) {
            choose.write(ChooseReply::Shown(position));
        }
    });
    Ok(())
}

/// The conversation at the current beat: the narration, the customer (or, before the door, the
/// preparation) and their words, the cue, and the replies as buttons. Returns the position of a
/// reply clicked. Campaign visits are drawn with it too.
pub(super) fn conversation(
    ui: &mut egui::Ui,
    visit: &Visit,
    lang: Lang,
    problem: Option<&str>,
) -> Option<usize> {
    let view = visit.current()?;
    let mut clicked = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        if let Some(narration) = &view.narration {
            ui.label(
                egui::RichText::new(narration.get(lang))
                    .italics()
                    .color(palette::MUTED),
            );
        }
        // Before the door the customer is not there yet: no face, and the words are the
        // trainee's own preparation.
        let preparing = view.scene_kind == SceneKind::Preparation;
        ui.horizontal_top(|ui| {
            if !preparing {
                // The face to read beside the words; a mystery customer's look is plain.
                let kind = match visit.scenario().persona {
                    PersonaSpec::Fixed(kind) => Some(kind),
                    PersonaSpec::OneOf(_) => None,
                };
                let expression = Expression::of(visit.mood());
                super::portrait::portrait(ui, kind, expression, 150.0)
                    .on_hover_text(super::portrait::expression_name(expression, lang));
            }
            // Beside the portrait, the words wrap in the width left.
            let width = ui.available_width();
            ui.vertical(|ui| {
                ui.set_width(width);
                egui::Frame::group(ui.style())
                    .inner_margin(16.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let speaker = format!(
                            "{}{}",
                            speaker_name(view.scene_kind, lang),
                            tr(lang, "：", ":")
                        );
                        ui.label(egui::RichText::new(speaker).color(palette::MUTED));
                        ui.label(egui::RichText::new(view.says.get(lang)).size(24.0));
                    });
            });
        });
        if let Some(cue) = &view.cue {
            ui.label(
                egui::RichText::new(format!("👀 {}", cue.get(lang)))
                    .italics()
                    .color(palette::CUE),
            );
        }
        ui.add_space(12.0);
        let prompt = if preparing {
            tr(lang, "你的准备：", "Your preparation:")
        } else {
            tr(lang, "你的回应：", "Your reply:")
        };
        ui.label(egui::RichText::new(prompt).strong());
        if let Some(problem) = problem {
            ui.label(egui::RichText::new(problem).color(palette::BAD));
        }
        for (position, (_, text)) in visit.shown_choices().into_iter().enumerate() {
            let label = format!("{}.  {}", position + 1, text.get(lang));
            let button = egui::Button::new(egui::RichText::new(label).size(20.0))
                .wrap()
                .min_size(egui::vec2(ui.available_width(), 48.0));
            if ui.add(button).clicked() {
                clicked = Some(position);
            }
        }
    });
    clicked
}

/// For a mystery customer, the notebook where the trainee notes the type they read from the
/// cues; otherwise the type the scenario told. Returns a newly noted type.
pub(super) fn notebook(ui: &mut egui::Ui, visit: &Visit, lang: Lang) -> Option<PersonaKind> {
    if let PersonaSpec::Fixed(kind) = visit.scenario().persona {
        ui.label(format!(
            "{} {}",
            tr(lang, "客户类型：", "Customer type:"),
            persona_name(kind, lang)
        ));
        return None;
    }
    ui.label(
        egui::RichText::new(tr(
            lang,
            "笔记本：这位客户是……",
            "Notebook: this customer is…",
        ))
        .strong(),
    );
    let noted = visit.guess().map(|g| g.kind);
    let mut picked = None;
    ui.horizontal_wrapped(|ui| {
        for (i, kind) in PersonaKind::ALL.into_iter().enumerate() {
            let label = format!("F{} {}", i + 1, persona_name(kind, lang));
            if ui.selectable_label(noted == Some(kind), label).clicked() {
                picked = Some(kind);
            }
        }
    });
    picked
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    visit: Option<Single<&ActiveVisit>>,
    session: Res<ActiveSession>,
    joined: Res<JoinedClassroom>,
    mut choose: MessageWriter<ChooseReply>,
    mut note: MessageWriter<NotePersona>,
    mut rewinds: MessageWriter<RewindVisit>,
) {
    // Backspace takes the last reply back, in practice.
    let made = visit.map_or(0, |active| active.visit().transcript().len());
    if keys.just_pressed(KeyCode::Backspace) && made > 0 && super::practising(&session, &joined) {
        rewinds.write(RewindVisit(made - 1));
    }
    if let Some(position) = number_key(&keys).filter(|&p| p < 4) {
        choose.write(ChooseReply::Shown(position));
    }
    for (key, kind) in NOTEBOOK_KEYS.into_iter().zip(PersonaKind::ALL) {
        if keys.just_pressed(key) {
            note.write(NotePersona(kind));
        }
    }
}

fn to_debrief(mut ended: MessageReader<VisitEnded>, mut next: ResMut<NextState<Screen>>) {
    if ended.read().count() > 0 {
        next.set(Screen::Debrief);
    }
}
