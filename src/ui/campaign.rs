//! An account campaign: the account plan between visits (where the relationship stands, the
//! people, the budget, the decision to make), the visits themselves, and the campaign debrief.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Screen, ScreenUiSet, Settings, number_key, palette, window_ui};
use crate::content::{AccountStage, Campaign, CampaignStep, PersonaKind};
use crate::engine::{
    ActiveCampaign, ActiveSession, CampaignChoice, CampaignNote, CampaignProblem, CampaignSet,
    JoinedClassroom, LastSave,
};
use crate::i18n::{Lang, outcome_name, role_name, stage_name, tr};
use crate::sim::campaign::{Account, CampaignRun, Done, Now};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUiSet).run_if(in_state(Screen::Campaign)),
    )
    .add_systems(
        Update,
        keys.before(CampaignSet).run_if(in_state(Screen::Campaign)),
    );
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    active: Res<ActiveCampaign>,
    problem: Res<CampaignProblem>,
    saved: Res<LastSave>,
    turns: Turns,
    mut choose: MessageWriter<CampaignChoice>,
    mut notes: MessageWriter<CampaignNote>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    let mut ui = window_ui(ctx);
    let Some(run) = &active.0 else {
        let what = tr(lang, "无法开始客户战役", "The campaign cannot start");
        let problem = problem.0.as_ref().map(|p| p as &dyn std::fmt::Display);
        super::cannot_start(&mut ui, what, problem, lang, &mut next);
        return Ok(());
    };
    let campaign = run.campaign();
    egui::Panel::top("campaign_top").show(&mut ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(campaign.title.get(lang))
                    .size(22.0)
                    .strong(),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(month) = month_now(run) {
                    ui.label(
                        egui::RichText::new(match lang {
                            Lang::Zh => format!("第 {month} 个月"),
                            Lang::En => format!("Month {month}"),
                        })
                        .size(22.0),
                    );
                }
            });
        });
    });
    egui::Panel::left("campaign_side")
        .exact_size(380.0)
        .show(&mut ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                // In a visit, the customer's mood first, as on the visit screen.
                if let Now::Visit(visit) = run.now() {
                    if !settings.hide_meters {
                        super::mood_bars(ui, visit.mood(), lang);
                        ui.separator();
                    }
                    if let Some(kind) = super::visit::notebook(ui, visit, lang) {
                        notes.write(CampaignNote(kind));
                    }
                    ui.separator();
                }
                account_panel(ui, campaign, run, lang);
            });
        });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        let problem = problem.0.as_ref().map(ToString::to_string);
        match run.now() {
            Now::Decision {
                decision,
                affordable,
            } => {
                last_step(ui, run, lang);
                ui.heading(decision.title.get(lang));
                ui.label(egui::RichText::new(decision.situation.get(lang)).size(20.0));
                ui.add_space(12.0);
                ui.label(egui::RichText::new(tr(lang, "你的决定：", "Your decision:")).strong());
                if let Some(problem) = &problem {
                    ui.label(egui::RichText::new(problem.as_str()).color(palette::BAD));
                }
                for (position, option) in decision.options.iter().enumerate() {
                    let cost = match (option.cost, lang) {
                        (0, _) => String::new(),
                        (days, Lang::Zh) => format!("  （投入 {days} 天）"),
                        (days, Lang::En) => format!("  ({days} days)"),
                    };
                    let label = format!("{}.  {}{cost}", position + 1, option.text.get(lang));
                    let button = egui::Button::new(egui::RichText::new(label).size(20.0))
                        .wrap()
                        .min_size(egui::vec2(ui.available_width(), 48.0));
                    let response = ui.add_enabled(affordable[position], button);
                    let response = response.on_disabled_hover_text(tr(
                        lang,
                        "剩下的预算不够",
                        "Not enough budget left",
                    ));
                    if response.clicked() {
                        choose.write(CampaignChoice::Shown(position));
                    }
                }
            }
            Now::Visit(visit) => {
                last_step(ui, run, lang);
                if let Some(CampaignStep::Visit(step)) = campaign.steps.get(run.step_index()) {
                    let contact = campaign.contacts.iter().find(|c| c.id == step.contact);
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {} · {}",
                            tr(lang, "拜访", "Visit to"),
                            contact.map_or(step.contact.as_str(), |c| c.name.get(lang)),
                            visit.scenario().title.get(lang)
                        ))
                        .strong()
                        .color(palette::ACCENT),
                    );
                }
                if let Some(position) =
                    super::visit::conversation(ui, visit, lang, problem.as_deref())
                {
                    choose.write(CampaignChoice::Shown(position));
                }
            }
            Now::Finished => {
                let (colour, status) = super::debrief::save_status(&saved, lang);
                ui.label(egui::RichText::new(status).color(colour));
                debrief(ui, run, lang);
                if ui.button(turns.back_label(lang)).clicked() {
                    next.set(turns.after_debrief());
                }
            }
        }
    });
    Ok(())
}

/// The month of the step the trainee is at.
fn month_now(run: &CampaignRun) -> Option<u32> {
    match run.campaign().steps.get(run.step_index())? {
        CampaignStep::Visit(visit) => Some(visit.month),
        CampaignStep::Decision(decision) => Some(decision.month),
    }
}

/// Where the relationship stands: the stage, our share, the level, the budget, and each person.
fn account_panel(ui: &mut egui::Ui, campaign: &Campaign, run: &CampaignRun, lang: Lang) {
    let account = run.account();
    ui.label(
        egui::RichText::new(tr(lang, "客户关系", "The account"))
            .strong()
            .size(20.0),
    );
    stage_ladder(ui, account.stage(), lang);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(tr(lang, "采购份额", "Our share")).strong());
        ui.add(
            egui::ProgressBar::new(account.share as f32 / 100.0)
                .text(format!("{}%", account.share)),
        );
    });
    ui.label(format!(
        "{} {} · {}",
        tr(lang, "关系层次", "Relationship level"),
        account.level,
        level_name(account.level, lang)
    ));
    ui.label(format!(
        "{} {} {}",
        tr(lang, "剩余预算", "Budget left"),
        account.budget,
        tr(lang, "天", "days")
    ));
    ui.separator();
    ui.label(egui::RichText::new(tr(lang, "客户方的人", "People at the customer")).strong());
    for contact in &campaign.contacts {
        ui.label(format!(
            "{} · {}",
            contact.name.get(lang),
            role_name(contact.role, lang)
        ));
        match account.trust.get(&contact.id) {
            Some(&trust) => {
                ui.add(
                    egui::ProgressBar::new(trust as f32 / 100.0)
                        .text(format!("{} {trust}", tr(lang, "信任", "trust"))),
                );
            }
            None => {
                let mut text = tr(lang, "还没拜访过", "not visited yet").to_string();
                if let Some(change) = account.before_meeting.get(&contact.id) {
                    text.push_str(&format!(
                        " · {} {change:+}",
                        tr(lang, "信任变化", "trust so far")
                    ));
                }
                ui.label(egui::RichText::new(text).color(palette::MUTED).small());
            }
        }
    }
    ui.separator();
    ui.label(egui::RichText::new(tr(lang, "目标", "Goal")).strong());
    ui.label(egui::RichText::new(campaign.goal.get(lang)).small());
}

/// The four stages, the account's own highlighted.
fn stage_ladder(ui: &mut egui::Ui, stage: AccountStage, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        for (i, each) in AccountStage::ALL.into_iter().enumerate() {
            if i > 0 {
                ui.label(egui::RichText::new("→").color(palette::MUTED));
            }
            let text = egui::RichText::new(stage_name(each, lang));
            ui.label(if each == stage {
                text.strong().color(palette::ACCENT)
            } else {
                text.color(palette::MUTED)
            });
        }
    });
}

/// The three levels of relationship (§4b).
fn level_name(level: i32, lang: Lang) -> &'static str {
    match level {
        ..=1 => tr(lang, "靠价格", "held by price"),
        2 => tr(lang, "靠个性化的服务", "held by personal service"),
        _ => tr(lang, "互利互补、相互依存", "held by mutual benefit"),
    }
}

/// What came of the step just finished, above the next one.
fn last_step(ui: &mut egui::Ui, run: &CampaignRun, lang: Lang) {
    let Some(done) = run.done().last() else {
        return;
    };
    let text = match done {
        Done::Decision { step, option, .. } => {
            let Some(CampaignStep::Decision(decision)) = run.campaign().steps.get(*step) else {
                return;
            };
            let Some(result) = &decision.options[*option].result else {
                return;
            };
            result.get(lang).to_string()
        }
        Done::Visit { visit, score, .. } => {
            let Some(finish) = visit.finish() else {
                return;
            };
            format!(
                "{} {} · {} {}/100 · {} {}",
                tr(lang, "上次拜访：", "Last visit:"),
                outcome_name(finish.outcome, lang),
                tr(lang, "得分", "score"),
                score.total,
                tr(lang, "离开时的信任", "trust on leaving"),
                visit.mood().trust
            )
        }
    };
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(text).italics().color(palette::CUE));
        });
    ui.add_space(8.0);
}

/// The whole campaign scored: the total and its parts, where the account ended, and each step.
fn debrief(ui: &mut egui::Ui, run: &CampaignRun, lang: Lang) {
    let Some(score) = run.score() else {
        return;
    };
    let campaign = run.campaign();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!("{}/100", score.total))
                .size(44.0)
                .strong()
                .color(palette::ACCENT),
        );
        ui.label(egui::RichText::new(score.ended(lang)).size(22.0));
        if let Some(weights) = &run.library().rubric.campaign {
            ui.label(score.parts(weights, lang));
        }
        ui.separator();
        for done in run.done() {
            step_row(ui, campaign, done, &score.events, lang);
        }
    });
}

fn step_row(
    ui: &mut egui::Ui,
    campaign: &Campaign,
    done: &Done,
    events: &[crate::sim::ScoreEvent],
    lang: Lang,
) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            match done {
                Done::Decision { step, option, .. } => {
                    let Some(CampaignStep::Decision(decision)) = campaign.steps.get(*step) else {
                        return;
                    };
                    ui.label(
                        egui::RichText::new(format!(
                            "{} · {}",
                            month_label(decision.month, lang),
                            decision.title.get(lang)
                        ))
                        .strong(),
                    );
                    ui.label(format!("→ {}", decision.options[*option].text.get(lang)));
                    for event in events.iter().filter(|e| e.step == Some(*step)) {
                        let colour = if event.points >= 0 {
                            palette::GOOD
                        } else {
                            palette::BAD
                        };
                        ui.label(
                            egui::RichText::new(format!(
                                "{:+}  {} — {}",
                                event.points,
                                event.why.get(lang),
                                event.section.get(lang)
                            ))
                            .color(colour),
                        );
                    }
                }
                Done::Visit {
                    step, visit, score, ..
                } => {
                    let Some(CampaignStep::Visit(step_visit)) = campaign.steps.get(*step) else {
                        return;
                    };
                    let finish = visit.finish();
                    ui.label(
                        egui::RichText::new(format!(
                            "{} · {} · {}",
                            month_label(step_visit.month, lang),
                            tr(lang, "拜访", "Visit"),
                            visit.scenario().title.get(lang)
                        ))
                        .strong(),
                    );
                    ui.label(format!(
                        "{} · {} {}/100",
                        finish.map_or("", |f| outcome_name(f.outcome, lang)),
                        tr(lang, "得分", "score"),
                        score.total
                    ));
                }
            }
            account_line(ui, done.account(), lang);
        });
}

fn month_label(month: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {month} 个月"),
        Lang::En => format!("Month {month}"),
    }
}

fn account_line(ui: &mut egui::Ui, account: &Account, lang: Lang) {
    ui.label(
        egui::RichText::new(format!(
            "{} · {} {}% · {} {}",
            stage_name(account.stage(), lang),
            tr(lang, "份额", "share"),
            account.share,
            tr(lang, "层次", "level"),
            account.level
        ))
        .color(palette::MUTED)
        .small(),
    );
}

/// Where the debrief leads: in a team session on one computer, back to the title screen for
/// the next trainee's name, as after a visit; otherwise to the list.
#[derive(bevy::ecs::system::SystemParam)]
struct Turns<'w> {
    session: Res<'w, ActiveSession>,
    classroom: Res<'w, JoinedClassroom>,
}

impl Turns<'_> {
    fn after_debrief(&self) -> Screen {
        if super::taking_turns(&self.session, &self.classroom) {
            Screen::Title
        } else {
            Screen::Scenarios
        }
    }

    fn back_label(&self, lang: Lang) -> &'static str {
        match self.after_debrief() {
            Screen::Title => tr(lang, "下一位学员 (Esc)", "Next trainee (Esc)"),
            _ => tr(
                lang,
                "← 返回场景列表 (Esc)",
                "← Back to the scenarios (Esc)",
            ),
        }
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    active: Res<ActiveCampaign>,
    turns: Turns,
    mut choose: MessageWriter<CampaignChoice>,
    mut notes: MessageWriter<CampaignNote>,
    mut next: ResMut<NextState<Screen>>,
) {
    let finished = active.0.as_ref().is_none_or(CampaignRun::finished);
    if finished {
        if keys.just_pressed(KeyCode::Escape) {
            next.set(turns.after_debrief());
        }
        return;
    }
    if let Some(position) = number_key(&keys).filter(|&p| p < 4) {
        choose.write(CampaignChoice::Shown(position));
    }
    for (key, kind) in super::visit::NOTEBOOK_KEYS
        .into_iter()
        .zip(PersonaKind::ALL)
    {
        if keys.just_pressed(key) {
            notes.write(CampaignNote(kind));
        }
    }
}
