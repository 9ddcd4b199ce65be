//! The scenario list: what can be practised, with persona, scene kinds and difficulty.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{
    Screen, ScreenUiSet, Selection, Settings, enter_pressed, number_key, palette, window_ui,
};
use crate::content::{Campaign, CampaignStep, Library, PersonaSpec, Scenario};
use crate::engine::{ActiveSession, ContentLibrary, JoinedClassroom, StartCampaign};
use crate::i18n::{Lang, persona_name, scene_name, tr};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Highlighted>()
        .add_systems(
            EguiPrimaryContextPass,
            draw.in_set(ScreenUiSet).run_if(in_state(Screen::Scenarios)),
        )
        .add_systems(Update, keys.run_if(in_state(Screen::Scenarios)));
}

/// The list entry the arrow keys have moved to; Enter picks it.
#[derive(Resource, Default)]
struct Highlighted(usize);

/// The scenarios on offer: a team session's own, else all.
pub(crate) fn playable<'l>(library: &'l Library, session: &ActiveSession) -> Vec<&'l Scenario> {
    library
        .scenarios
        .values()
        .filter(|s| {
            session
                .0
                .as_ref()
                .is_none_or(|session| session.scenarios.contains(&s.id))
        })
        .map(|s| &**s)
        .collect()
}

/// The content visits are played on: a joined classroom's (as its server plays it), else the
/// local files. The visit engine starts visits from the same choice.
#[derive(SystemParam)]
pub(crate) struct PlayContent<'w> {
    library: Res<'w, ContentLibrary>,
    classroom: Res<'w, JoinedClassroom>,
}

impl PlayContent<'_> {
    pub fn loaded(&self) -> bool {
        self.classroom.0.is_some() || self.library.get().is_some()
    }

    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        match self.classroom.library(id) {
            Some(library) => library.scenario(id),
            None => self.library.get()?.scenario(id),
        }
        .map(|s| &**s)
    }

    /// The campaigns on offer: a classroom's or a team session's own, else all.
    pub fn campaigns(&self, session: &ActiveSession) -> Vec<&Campaign> {
        if let Some(joined) = &self.classroom.0 {
            return joined
                .scenarios()
                .filter_map(|id| self.classroom.library(id)?.campaign(id))
                .map(|c| &**c)
                .collect();
        }
        let Some(library) = self.library.get() else {
            return Vec::new();
        };
        library
            .campaigns
            .values()
            .filter(|c| {
                session
                    .0
                    .as_ref()
                    .is_none_or(|session| session.scenarios.contains(&c.id))
            })
            .map(|c| &**c)
            .collect()
    }

    pub fn playable(&self, session: &ActiveSession) -> Vec<&Scenario> {
        match &self.classroom.0 {
            Some(joined) => joined
                .scenarios()
                .filter_map(|id| self.scenario(id))
                .collect(),
            None => self
                .library
                .get()
                .map(|library| playable(library, session))
                .unwrap_or_default(),
        }
    }
}

/// Opens the briefing of `scenario`, with the customer (seed) the visit will meet.
pub(crate) fn pick(
    selection: &mut Selection,
    next: &mut NextState<Screen>,
    scenario: &Scenario,
    session: &ActiveSession,
) {
    selection.scenario = Some(scenario.id.clone());
    // A fresh customer variant each time (the seed is shown on the debrief for replays);
    // in a team session everyone meets the session's.
    selection.seed = match &session.0 {
        Some(session) => session.seed,
        None => rand::random::<u32>() as u64,
    };
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

#[allow(clippy::too_many_arguments)]
fn draw(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    content: PlayContent,
    mut selection: ResMut<Selection>,
    highlighted: Res<Highlighted>,
    session: Res<ActiveSession>,
    mut starts: MessageWriter<StartCampaign>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = settings.lang;
    if !content.loaded() {
        return Ok(());
    }
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
            if let Some(session) = &session.0 {
                ui.label(
                    egui::RichText::new(format!(
                        "{} {}",
                        tr(lang, "团队场次", "Team session"),
                        session.code
                    ))
                    .color(palette::GOOD),
                );
            }
        });
    });
    egui::CentralPanel::default().show(&mut ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(campaign) = campaign_list(ui, &content, &session, lang) {
                let seed = rand::random::<u32>() as u64;
                start_campaign(&mut starts, &mut next, campaign, &session, seed);
            }
            for (index, scenario) in content.playable(&session).into_iter().enumerate() {
                let mut frame = egui::Frame::group(ui.style()).inner_margin(14.0);
                if index == highlighted.0 {
                    frame = frame.stroke(egui::Stroke::new(2.0, palette::ACCENT));
                }
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
                if index == highlighted.0 {
                    response.scroll_to_me(None);
                }
                if response
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .clicked()
                {
                    pick(&mut selection, &mut next, scenario, &session);
                }
            }
        });
    });
    Ok(())
}

/// The account campaigns on offer, above the single visits. Returns the id of a campaign
/// clicked.
fn campaign_list(
    ui: &mut egui::Ui,
    content: &PlayContent,
    session: &ActiveSession,
    lang: Lang,
) -> Option<String> {
    let campaigns = content.campaigns(session);
    if campaigns.is_empty() {
        return None;
    }
    ui.heading(tr(lang, "客户战役", "Account campaigns"));
    ui.label(
        egui::RichText::new(tr(
            lang,
            "同一个客户的几个月：几次拜访，中间做客户决策，信任和份额一步步带下去。",
            "One account over months: several visits with account decisions between them; trust and share carry from step to step.",
        ))
        .color(palette::MUTED),
    );
    let mut clicked = None;
    for campaign in campaigns {
        let visits = campaign
            .steps
            .iter()
            .filter(|s| matches!(s, CampaignStep::Visit(_)))
            .count();
        let response = egui::Frame::group(ui.style())
            .inner_margin(14.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    egui::RichText::new(campaign.title.get(lang))
                        .size(23.0)
                        .strong(),
                );
                ui.label(
                    egui::RichText::new(format!(
                        "{}: {}   ·   {}: {}   ·   {}: {}",
                        tr(lang, "拜访", "Visits"),
                        visits,
                        tr(lang, "客户决策", "Account decisions"),
                        campaign.steps.len() - visits,
                        tr(lang, "难度", "Difficulty"),
                        "★".repeat(campaign.difficulty as usize),
                    ))
                    .color(palette::MUTED),
                );
            })
            .response
            .interact(egui::Sense::click());
        if response
            .on_hover_cursor(egui::CursorIcon::PointingHand)
            .clicked()
        {
            clicked = Some(campaign.id.clone());
        }
    }
    ui.add_space(12.0);
    ui.heading(tr(lang, "单次拜访", "Single visits"));
    clicked
}

/// Starts a campaign and opens its screen: in a team session or a classroom with the session's
/// seed, so everyone meets the same account; otherwise with `seed`.
pub(crate) fn start_campaign(
    starts: &mut MessageWriter<StartCampaign>,
    next: &mut NextState<Screen>,
    campaign: String,
    session: &ActiveSession,
    seed: u64,
) {
    let seed = session.0.as_ref().map_or(seed, |session| session.seed);
    starts.write(StartCampaign { campaign, seed });
    next.set(Screen::Campaign);
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    content: PlayContent,
    mut selection: ResMut<Selection>,
    mut highlighted: ResMut<Highlighted>,
    session: Res<ActiveSession>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
        return;
    }
    let scenarios = content.playable(&session);
    let count = scenarios.len();
    if count == 0 {
        return;
    }
    if keys.just_pressed(KeyCode::ArrowDown) {
        highlighted.0 = (highlighted.0 + 1) % count;
    }
    if keys.just_pressed(KeyCode::ArrowUp) {
        highlighted.0 = (highlighted.0 + count - 1) % count;
    }
    let chosen = match number_key(&keys) {
        Some(index) => Some(index),
        None if enter_pressed(&keys) => Some(highlighted.0.min(count - 1)),
        None => None,
    };
    if let Some(scenario) = chosen.and_then(|i| scenarios.get(i)) {
        pick(&mut selection, &mut next, scenario, &session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Session;

    /// The list and the progress screen's drills both open a visit here, so in a team session
    /// each meets the session's customer.
    #[test]
    fn a_visit_picked_in_a_session_meets_the_sessions_customer() {
        let library = Library::load(&[
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"),
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        ]);
        let scenario = library.scenario("drill_price_objection").unwrap();
        let session = ActiveSession(Some(Session {
            code: "ROOM1".into(),
            seed: 4242,
            scenarios: vec![scenario.id.clone()],
            created_at: 0,
            versions: Default::default(),
            ended_at: None,
        }));
        let mut selection = Selection::default();
        let mut next = NextState::<Screen>::default();
        pick(&mut selection, &mut next, scenario, &session);
        assert_eq!(selection.seed, 4242);
        assert_eq!(selection.scenario.as_deref(), Some("drill_price_objection"));
        assert!(matches!(next, NextState::Pending(Screen::Briefing)));
        // Only the session's scenarios are offered, drills included.
        let offered: Vec<&str> = playable(&library, &session)
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(offered, ["drill_price_objection"]);
    }
}
