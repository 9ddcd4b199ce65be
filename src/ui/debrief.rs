//! The debrief: how the visit ended and why, the score, and every scored event with its
//! evidence, course section and a better move.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, enter_pressed, palette, window_ui};
use crate::content::{Library, Outcome};
use crate::engine::{
    ActiveSession, ActiveVisit, ClassroomStatus, JoinedClassroom, LastSave, RewindVisit, VisitSet,
};
use crate::i18n::{Lang, outcome_name, scene_name, speaker_name, thought_name, tr};
use crate::sim::{Exchange, Finish, Score, ScoreEvent, Visit};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DebriefView>()
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Debrief)),
        )
        .add_systems(
            Update,
            keys.before(VisitSet).run_if(in_state(Screen::Debrief)),
        );
}

/// Which way the debrief shows the visit: every point rule by rule, or the trainee's path
/// beside the best one (C switches).
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DebriefView {
    pub compare: bool,
}

/// Where the path first left the best one: the decision to try again first.
fn departure(score: &Score) -> Option<usize> {
    score
        .decisions
        .iter()
        .find(|d| d.best.is_some())
        .map(|d| d.step)
}

/// Goes back to `decision` of the visit as a practice attempt (the engine checks it may).
fn rewind(decision: usize, rewinds: &mut MessageWriter<RewindVisit>, next: &mut NextState<Screen>) {
    rewinds.write(RewindVisit(decision));
    next.set(Screen::Visit);
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    visit: Option<Single<&ActiveVisit>>,
    saved: Res<LastSave>,
    session: Res<ActiveSession>,
    joined: Res<JoinedClassroom>,
    classroom: Res<ClassroomStatus>,
    mut view: ResMut<DebriefView>,
    mut rewinds: MessageWriter<RewindVisit>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let Some(active) = visit else {
        return Ok(());
    };
    let practising = super::practising(&session, &joined);
    let mut rewind_to = None;
    let Some((finish, score)) = active.result() else {
        return Ok(());
    };
    // Techniques are named as in the content the visit was played on.
    let library = active.library();
    let mut ui = window_ui(ctx);
    egui::Panel::bottom("debrief_actions").show(&mut ui, |ui| {
        actions(
            ui,
            active.visit(),
            &saved,
            super::taking_turns(&session, &joined),
            classroom.waiting,
            &mut next,
            lang,
        );
        ui.horizontal(|ui| {
            let switch = match view.compare {
                false => tr(lang, "与最佳路径对比 (C)", "Your path beside the best (C)"),
                true => tr(lang, "逐条评分 (C)", "Every point, rule by rule (C)"),
            };
            if ui.button(switch).clicked() {
                view.compare = !view.compare;
            }
            if practising {
                let decision = departure(score).unwrap_or(0);
                let label = match lang {
                    Lang::Zh => format!("↺ 从第 {} 个决定重来 (R)", decision + 1),
                    Lang::En => format!("↺ Try again from decision {} (R)", decision + 1),
                };
                if ui.button(label).clicked() {
                    rewind_to = Some(decision);
                }
            } else {
                ui.label(
                    egui::RichText::new(tr(
                        lang,
                        "团队场次中不能重来：每人从头完整拜访一次",
                        "No rewinding in a team session: everyone plays the visit once, from the door",
                    ))
                    .color(palette::MUTED),
                );
            }
        });
    });
    egui::Panel::left("debrief_summary")
        .exact_size(400.0)
        .show(&mut ui, |ui| {
            let hidden = settings.hide_meters.then(|| active.visit());
            egui::ScrollArea::vertical().show(ui, |ui| summary(ui, finish, score, hidden, lang));
        });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        timeline(ui, active.visit(), score, lang);
        if view.compare {
            ui.heading(tr(lang, "你的路径与最佳路径", "Your path beside the best"));
            egui::ScrollArea::vertical().show(ui, |ui| {
                if let Some(decision) = compare(ui, active.visit(), score, practising, lang) {
                    rewind_to = Some(decision);
                }
            });
            return;
        }
        ui.heading(tr(lang, "逐条评分", "Every point, rule by rule"));
        egui::ScrollArea::vertical().show(ui, |ui| {
            // One card per reply in visit order, then the whole-visit rules, then the outcome.
            for (step, exchange) in active.visit().transcript().iter().enumerate() {
                card(ui, |ui| {
                    reply_card(ui, library, score, step, exchange, lang);
                    if practising
                        && ui
                            .button(tr(lang, "↺ 从这里重来", "↺ Try again from here"))
                            .clicked()
                    {
                        rewind_to = Some(step);
                    }
                });
            }
            whole_visit_card(ui, library, score, lang);
            for event in score.events.iter().filter(|e| e.rule == "outcome") {
                card(ui, |ui| outcome_card(ui, library, finish, event, lang));
            }
        });
    });
    if let Some(decision) = rewind_to {
        rewind(decision, &mut rewinds, &mut next);
    }
    Ok(())
}

/// Each decision: the trainee's reply and the best one on offer side by side, what the choice
/// cost, and the first point where the path left the best one marked. Returns a decision to
/// try again from, when one was picked.
fn compare(
    ui: &mut egui::Ui,
    visit: &Visit,
    score: &Score,
    practising: bool,
    lang: Lang,
) -> Option<usize> {
    let departure = departure(score);
    let mut picked = None;
    for (decision, exchange) in score.decisions.iter().zip(visit.transcript()) {
        let left_here = departure == Some(decision.step);
        let mut frame = egui::Frame::group(ui.style()).inner_margin(10.0);
        if left_here {
            frame = frame.stroke(egui::Stroke::new(2.0, palette::BAD));
        }
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(match lang {
                        Lang::Zh => format!(
                            "第 {} 个决定 · {}′",
                            decision.step + 1,
                            exchange.view.minute
                        ),
                        Lang::En => {
                            format!("Decision {} · {}′", decision.step + 1, exchange.view.minute)
                        }
                    })
                    .strong(),
                );
                let cost = decision
                    .best
                    .as_ref()
                    .map_or(0, |best| decision.points - best.points);
                let colour = if cost < 0 {
                    palette::BAD
                } else {
                    palette::GOOD
                };
                ui.label(
                    egui::RichText::new(format!("{} {cost:+}", tr(lang, "代价", "cost")))
                        .color(colour),
                );
                if left_here {
                    ui.label(
                        egui::RichText::new(tr(
                            lang,
                            "◀ 从这里偏离了最佳路径",
                            "◀ your path left the best one here",
                        ))
                        .color(palette::BAD),
                    );
                }
                if practising
                    && ui
                        .button(tr(lang, "↺ 从这里重来", "↺ Try again from here"))
                        .clicked()
                {
                    picked = Some(decision.step);
                }
            });
            ui.columns(2, |columns| {
                // Ragged right: a narrow column would stretch justified lines.
                columns[0].vertical(|ui| {
                    ui.label(format!(
                        "{} “{}” ({:+})",
                        tr(lang, "你：", "You:"),
                        exchange.reply.get(lang),
                        decision.points
                    ))
                });
                let best = match &decision.best {
                    Some(best) => format!(
                        "{} “{}” ({:+})",
                        tr(lang, "最佳：", "Best:"),
                        best.text.get(lang),
                        best.points
                    ),
                    None => tr(lang, "最佳：就是你的回答", "Best: your reply").to_string(),
                };
                columns[1].vertical(|ui| ui.label(egui::RichText::new(best).color(palette::GOOD)));
            });
        });
    }
    picked
}

/// The visit as a picture: trust, interest and patience over the simulated minutes, the course's
/// ten-minute marks, the customer's cues (▼ above) and every scored event (● below, green or
/// red); pointing at a mark shows its text.
fn timeline(ui: &mut egui::Ui, visit: &Visit, score: &Score, lang: Lang) {
    let start = visit.restarted().mood();
    let mut moods = vec![(0, start)];
    moods.extend(
        visit
            .transcript()
            .iter()
            .map(|e| (e.minute_after, e.mood_after)),
    );
    let end = moods.last().map_or(1, |(minute, _)| *minute).max(30);
    let (response, painter) = ui.allocate_painter(
        egui::vec2(ui.available_width(), 170.0),
        egui::Sense::hover(),
    );
    let frame = response.rect;
    let plot = egui::Rect::from_min_max(
        frame.min + egui::vec2(34.0, 16.0),
        frame.max - egui::vec2(8.0, 28.0),
    );
    let x = |minute: u32| plot.left() + plot.width() * minute as f32 / end as f32;
    let y = |value: i32| plot.bottom() - plot.height() * value.clamp(0, 100) as f32 / 100.0;
    let faint = egui::Stroke::new(1.0, egui::Color32::from_gray(215));
    painter.rect_stroke(plot, 0.0, faint, egui::StrokeKind::Inside);
    let small = egui::FontId::proportional(13.0);
    for value in [0, 50, 100] {
        painter.text(
            egui::pos2(plot.left() - 4.0, y(value)),
            egui::Align2::RIGHT_CENTER,
            value.to_string(),
            small.clone(),
            palette::MUTED,
        );
    }
    for minute in (10..=end).step_by(10) {
        painter.line_segment(
            [
                egui::pos2(x(minute), plot.top()),
                egui::pos2(x(minute), plot.bottom()),
            ],
            faint,
        );
        painter.text(
            egui::pos2(x(minute), plot.bottom() + 2.0),
            egui::Align2::CENTER_TOP,
            format!("{minute}′"),
            small.clone(),
            palette::MUTED,
        );
    }
    let meters = [
        (
            tr(lang, "信任", "trust"),
            egui::Color32::from_rgb(40, 110, 200),
        ),
        (tr(lang, "兴趣", "interest"), palette::GOOD),
        (tr(lang, "耐心", "patience"), palette::CUE),
    ];
    for (i, (name, colour)) in meters.into_iter().enumerate() {
        let points: Vec<egui::Pos2> = moods
            .iter()
            .map(|&(minute, m)| egui::pos2(x(minute), y([m.trust, m.interest, m.patience][i])))
            .collect();
        painter.add(egui::Shape::line(points, egui::Stroke::new(2.5, colour)));
        painter.text(
            egui::pos2(plot.left() + 8.0 + 90.0 * i as f32, frame.top()),
            egui::Align2::LEFT_TOP,
            format!("— {name}"),
            small.clone(),
            colour,
        );
    }
    // Marks to point at: the cues above the plot, the scored events below it.
    let mut marks: Vec<(egui::Pos2, String)> = Vec::new();
    for exchange in visit.transcript() {
        if let Some(cue) = &exchange.view.cue {
            let at = egui::pos2(x(exchange.view.minute), plot.top() + 6.0);
            painter.text(
                at,
                egui::Align2::CENTER_CENTER,
                "▼",
                small.clone(),
                palette::CUE,
            );
            marks.push((
                at,
                format!("{}′ 👀 {}", exchange.view.minute, cue.get(lang)),
            ));
        }
    }
    for event in score.events.iter().filter(|e| e.points != 0) {
        let colour = if event.points > 0 {
            palette::GOOD
        } else {
            palette::BAD
        };
        let at = egui::pos2(x(event.minute), plot.bottom() - 6.0);
        painter.circle_filled(at, 4.0, colour);
        marks.push((
            at,
            format!(
                "{}′ {:+} {}",
                event.minute,
                event.points,
                event.why.get(lang)
            ),
        ));
    }
    if let Some(pointer) = response.hover_pos() {
        let near: Vec<&str> = marks
            .iter()
            .filter(|(at, _)| at.distance(pointer) < 8.0)
            .map(|(_, text)| text.as_str())
            .collect();
        if !near.is_empty() {
            response.on_hover_text_at_pointer(near.join("\n"));
        }
    }
}

/// Where to go next, whether the result was saved, and what replays this visit.
fn actions(
    ui: &mut egui::Ui,
    visit: &Visit,
    saved: &LastSave,
    taking_turns: bool,
    waiting: usize,
    next: &mut NextState<Screen>,
    lang: Lang,
) {
    ui.horizontal(|ui| {
        let (label, target) = match taking_turns {
            // In a team session on this computer the next trainee takes the keyboard.
            true => (
                tr(lang, "下一位学员 (Enter)", "Next trainee (Enter)"),
                Screen::Title,
            ),
            false => (
                tr(
                    lang,
                    "返回场景列表 (Enter)",
                    "Back to the scenarios (Enter)",
                ),
                Screen::Scenarios,
            ),
        };
        if ui.button(label).clicked() {
            next.set(target);
        }
        if ui
            .button(tr(lang, "排行榜 (B)", "Leaderboard (B)"))
            .clicked()
        {
            next.set(Screen::Leaderboard);
        }
        let (colour, status) = save_status(saved, lang);
        ui.label(egui::RichText::new(status).color(colour));
        super::waiting_to_send(ui, waiting, lang);
        ui.label(
            egui::RichText::new(format!(
                "{} {} · {} {}",
                tr(lang, "场景", "scenario"),
                visit.scenario().id,
                tr(lang, "种子", "seed"),
                visit.seed()
            ))
            .color(palette::MUTED),
        );
    });
}

/// The outcome, the total and how it is made up, a bar per category, the closing words.
/// In "read the customer" mode: the meters the trainee did not see, at the end and after each
/// reply, to set beside what they read from the customer.
fn hidden_meters(ui: &mut egui::Ui, visit: &Visit, lang: Lang) {
    ui.separator();
    ui.label(
        egui::RichText::new(tr(
            lang,
            "客户的心态（拜访中隐藏的计量表）",
            "The customer's mood (the meters hidden during the visit)",
        ))
        .strong(),
    );
    super::mood_bars(ui, visit.mood(), lang);
    for (step, exchange) in visit.transcript().iter().enumerate() {
        let mood = exchange.mood_after;
        let (n, trust, interest, patience) = (step + 1, mood.trust, mood.interest, mood.patience);
        let line = match lang {
            Lang::Zh => {
                format!("第 {n} 个回答后：信任 {trust} · 兴趣 {interest} · 耐心 {patience}")
            }
            Lang::En => format!(
                "after reply {n}: trust {trust} · interest {interest} · patience {patience}"
            ),
        };
        ui.label(egui::RichText::new(line).small().color(palette::MUTED));
    }
}

/// How the visit ended and scored; with `hidden`, the meters the trainee played without.
fn summary(ui: &mut egui::Ui, finish: &Finish, score: &Score, hidden: Option<&Visit>, lang: Lang) {
    ui.label(egui::RichText::new(tr(lang, "拜访结果", "Outcome")).color(palette::MUTED));
    let colour = match finish.outcome {
        Outcome::Order | Outcome::Advance => palette::GOOD,
        Outcome::Continuation => palette::CUE,
        Outcome::NoSale => palette::BAD,
    };
    ui.label(
        egui::RichText::new(outcome_name(finish.outcome, lang))
            .size(34.0)
            .color(colour),
    );
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(format!("{} / 100", score.total))
                .size(48.0)
                .strong(),
        );
        ui.label(
            egui::RichText::new(format!(
                "{}′ · {}",
                finish.minute,
                tr(lang, "模拟分钟", "simulated minutes")
            ))
            .color(palette::MUTED),
        );
    });
    let (earned, lost) = weighted_totals(score);
    ui.label(
        egui::RichText::new(match lang {
            Lang::Zh => format!(
                "得分 {earned} ÷（得分 {earned} + 失分 {lost} + 错过 {}），按类别权重加权",
                score.missed
            ),
            Lang::En => format!(
                "Earned {earned} ÷ (earned {earned} + lost {lost} + missed {}), weighted by category",
                score.missed
            ),
        })
        .color(palette::MUTED)
        .small(),
    );
    if let Some(visit) = hidden {
        hidden_meters(ui, visit, lang);
        ui.separator();
    }
    ui.add_space(8.0);
    egui::Grid::new("category_bars")
        .num_columns(2)
        .show(ui, |ui| {
            for category in &score.categories {
                ui.label(category.name.get(lang));
                // A category the visit gave nothing to judge shows as a dash.
                let bar = match category.score {
                    Some(value) => {
                        egui::ProgressBar::new(value as f32 / 100.0).text(value.to_string())
                    }
                    None => egui::ProgressBar::new(0.0).text("—"),
                };
                ui.add(bar);
                ui.end_row();
            }
        });
    ui.separator();
    ui.label(egui::RichText::new(format!("“{}”", finish.says.get(lang))).italics());
    ui.label(finish.why.get(lang));
}

/// One reply: what was said, its scored events, the best reply on offer, what the customer
/// thought.
fn reply_card(
    ui: &mut egui::Ui,
    library: &Library,
    score: &Score,
    step: usize,
    exchange: &Exchange,
    lang: Lang,
) {
    ui.label(
        egui::RichText::new(format!(
            "{}′ · {}",
            exchange.view.minute,
            scene_name(exchange.view.scene_kind, lang)
        ))
        .color(palette::MUTED)
        .small(),
    );
    ui.label(
        egui::RichText::new(format!(
            "{}{} {}",
            speaker_name(exchange.view.scene_kind, lang),
            tr(lang, "：", ":"),
            exchange.view.says.get(lang)
        ))
        .color(palette::MUTED),
    );
    ui.label(
        egui::RichText::new(format!(
            "{} “{}”",
            tr(lang, "你：", "You:"),
            exchange.reply.get(lang)
        ))
        .italics(),
    );
    for event in score.events.iter().filter(|e| e.step == Some(step)) {
        event_row(ui, library, event, lang);
    }
    if let Some((taken, best)) = score
        .decisions
        .get(step)
        .and_then(|d| d.best.as_ref().map(|b| (d.points, b)))
    {
        ui.label(
            egui::RichText::new(format!(
                "{} {:+} · {} {:+}：“{}”",
                tr(lang, "这一步你得", "This reply earned"),
                taken,
                tr(
                    lang,
                    "最好的回答可得",
                    "the best one here would have earned"
                ),
                best.points,
                best.text.get(lang)
            ))
            .color(palette::GOOD),
        );
    }
    if let Some(thinking) = &exchange.thinking {
        ui.label(
            egui::RichText::new(format!(
                "{}{} {}",
                thought_name(exchange.view.scene_kind, lang),
                tr(lang, "：", ":"),
                thinking.get(lang)
            ))
            .color(palette::CUE),
        );
    }
}

/// The rules about the visit as a whole (order, timing, counts), with their evidence.
fn whole_visit_card(ui: &mut egui::Ui, library: &Library, score: &Score, lang: Lang) {
    let whole: Vec<&ScoreEvent> = score
        .events
        .iter()
        .filter(|e| e.step.is_none() && e.rule != "outcome")
        .collect();
    if whole.is_empty() {
        return;
    }
    card(ui, |ui| {
        ui.label(egui::RichText::new(tr(lang, "整场拜访", "The whole visit")).strong());
        for event in whole {
            event_row(ui, library, event, lang);
            ui.label(
                egui::RichText::new(event.evidence.get(lang))
                    .color(palette::MUTED)
                    .small(),
            );
        }
    });
}

/// How the visit ended, with the customer's commitment for an advance.
fn outcome_card(
    ui: &mut egui::Ui,
    library: &Library,
    finish: &Finish,
    event: &ScoreEvent,
    lang: Lang,
) {
    ui.label(
        egui::RichText::new(format!(
            "{}′ · {}",
            finish.minute,
            tr(lang, "结果", "Outcome")
        ))
        .color(palette::MUTED)
        .small(),
    );
    if let Some(commitment) = &finish.commitment {
        ui.label(format!(
            "{} {}",
            tr(lang, "客户承诺：", "The customer committed to:"),
            commitment.get(lang)
        ));
    }
    event_row(ui, library, event, lang);
}

/// Weighted points earned and lost over all categories, as the total counts them.
fn weighted_totals(score: &Score) -> (i64, i64) {
    score.categories.iter().fold((0, 0), |(earned, lost), c| {
        let weight = c.weight as i64;
        (
            earned + c.earned as i64 * weight,
            lost + c.lost as i64 * weight,
        )
    })
}

fn card(ui: &mut egui::Ui, contents: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            contents(ui);
        });
}

/// One scored event: points, technique, course section, why, and for a loss the better move.
fn event_row(ui: &mut egui::Ui, library: &Library, event: &ScoreEvent, lang: Lang) {
    let name = library
        .technique(&event.technique)
        .map_or(event.technique.as_str(), |t| t.name.get(lang));
    let colour = if event.points >= 0 {
        palette::GOOD
    } else {
        palette::BAD
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(format!("{:+}", event.points))
                .size(22.0)
                .strong()
                .color(colour),
        );
        ui.label(egui::RichText::new(name).strong());
        ui.label(
            egui::RichText::new(format!("[{}]", event.section.get(lang)))
                .color(palette::MUTED)
                .small(),
        );
    });
    ui.label(event.why.get(lang));
    if event.points < 0 {
        ui.label(
            egui::RichText::new(format!(
                "{} {}",
                tr(lang, "更好的做法：", "Better:"),
                event.better.get(lang)
            ))
            .color(palette::GOOD),
        );
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    session: Res<ActiveSession>,
    classroom: Res<JoinedClassroom>,
    visit: Option<Single<&ActiveVisit>>,
    mut view: ResMut<DebriefView>,
    mut rewinds: MessageWriter<RewindVisit>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::KeyC) {
        view.compare = !view.compare;
    } else if keys.just_pressed(KeyCode::KeyR) {
        let score = visit.as_ref().and_then(|active| active.score());
        if let Some(score) = score.filter(|_| super::practising(&session, &classroom)) {
            rewind(departure(score).unwrap_or(0), &mut rewinds, &mut next);
        }
    } else if keys.just_pressed(KeyCode::KeyB) {
        next.set(Screen::Leaderboard);
    } else if enter_pressed(&keys) || keys.just_pressed(KeyCode::Escape) {
        next.set(if super::taking_turns(&session, &classroom) {
            Screen::Title
        } else {
            Screen::Scenarios
        });
    }
}

/// Where the result went: the trainee must see that it is kept, or why it is not.
pub(super) fn save_status(saved: &LastSave, lang: Lang) -> (egui::Color32, String) {
    match saved {
        LastSave::Saved {
            trainee,
            session,
            practice,
            ..
        } => {
            let mut text = match practice {
                false => format!(
                    "✓ {} {trainee}",
                    tr(lang, "成绩已保存：", "Result saved for")
                ),
                true => format!(
                    "✓ {} {trainee} {}",
                    tr(lang, "练习已保存：", "Practice saved for"),
                    tr(lang, "（不计入排行榜）", "(not ranked)")
                ),
            };
            if let Some(code) = session {
                text.push_str(&format!(" · {} {code}", tr(lang, "场次", "session")));
            }
            (palette::GOOD, text)
        }
        LastSave::NoTrainee => (
            palette::BAD,
            tr(
                lang,
                "未保存：没有选择学员",
                "Not saved: no trainee was chosen",
            )
            .to_string(),
        ),
        LastSave::Failed(why) => (
            palette::BAD,
            format!("{} {why}", tr(lang, "未能保存：", "Not saved:")),
        ),
        LastSave::Sending { code } => (
            palette::MUTED,
            format!(
                "{} {code}…",
                tr(lang, "正在发送到课堂", "Sending to classroom")
            ),
        ),
        LastSave::Verified { code, verdict } => {
            let mut text = format!(
                "✓ {} {code}: {} {}",
                tr(lang, "课堂已核验", "Verified by classroom"),
                tr(lang, "得分", "score"),
                verdict.score
            );
            if let Some(rank) = verdict.rank {
                text.push_str(&format!(" · {} {rank}", tr(lang, "排名", "place")));
            }
            (palette::GOOD, text)
        }
        LastSave::Waiting { code, why } => (
            palette::CUE,
            format!(
                "{} {code} ({why})",
                tr(
                    lang,
                    "尚未送达：已存在本机，服务器恢复后自动发送到课堂",
                    "Not sent yet: kept here, and sent by itself when the server answers, to classroom"
                )
            ),
        ),
        LastSave::Nothing => (palette::MUTED, String::new()),
    }
}
