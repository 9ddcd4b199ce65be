//! The game's screens, drawn with egui. Each screen is its own plugin; this module holds what
//! they share: the screen state, the language, the font and the look.

mod briefing;
mod campaign;
mod debrief;
mod leaderboard;
mod portrait;
mod problems;
mod progress;
mod scenarios;
mod session;
mod title;
pub mod tour;
mod visit;

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiInput, EguiPlugin, EguiPreUpdateSet, EguiPrimaryContextPass, egui,
};

use crate::i18n::Lang;

pub struct UiPlugin {
    pub lang: Lang,
}

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(EguiPlugin::default())
            .init_state::<Screen>()
            .insert_resource(Settings {
                lang: self.lang,
                hide_meters: false,
            })
            .init_resource::<Selection>()
            .add_systems(Startup, spawn_camera)
            .add_systems(Update, draw_until_loaded)
            .add_systems(EguiPrimaryContextPass, setup_look.in_set(LookSet))
            .add_systems(
                PreUpdate,
                drop_unchanged_modifiers
                    .after(EguiPreUpdateSet::ProcessInput)
                    .before(EguiPreUpdateSet::BeginPass),
            )
            .configure_sets(EguiPrimaryContextPass, ScreenUiSet.after(LookSet))
            .add_plugins((
                title::plugin,
                scenarios::plugin,
                briefing::plugin,
                visit::plugin,
                debrief::plugin,
                campaign::plugin,
                problems::plugin,
                session::plugin,
                leaderboard::plugin,
                progress::plugin,
            ));
    }
}

/// The screens, in the order a trainee meets them.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    Scenarios,
    Briefing,
    Visit,
    Debrief,
    /// A team lead starts or picks the team session.
    Session,
    /// Rankings, large enough for a projector.
    Leaderboard,
    /// An account campaign: the account plan, its visits and its debrief.
    Campaign,
    /// A trainee's mastery per category over time.
    Progress,
}

#[derive(Resource, Debug, Clone, Copy)]
pub struct Settings {
    pub lang: Lang,
    /// "Read the customer": the meters are hidden during a visit (the debrief shows them).
    pub hide_meters: bool,
}

/// The scenario the trainee picked and the seed of the visit.
#[derive(Resource, Debug, Clone, Default)]
pub struct Selection {
    pub scenario: Option<String>,
    pub seed: u64,
}

#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
struct LookSet;

/// Screen drawing systems; they run after the font and style are set.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScreenUiSet;

fn spawn_camera(mut commands: Commands) {
    commands.spawn((Name::new("camera"), Camera2d));
}

/// Noto Sans SC (SIL OFL 1.1, license beside the file): egui's own fonts have no CJK glyphs.
/// Built into the program so the game starts even where assets/ went missing.
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Regular.ttf");

fn setup_look(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".into(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, "noto_sans_sc".into());
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(30.0)),
            (TextStyle::Body, FontId::proportional(19.0)),
            (TextStyle::Button, FontId::proportional(19.0)),
            (TextStyle::Small, FontId::proportional(15.0)),
            (TextStyle::Monospace, FontId::monospace(16.0)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(10.0, 10.0);
        style.spacing.button_padding = egui::vec2(14.0, 8.0);
    });
    ctx.set_visuals(egui::Visuals::light());
    *done = true;
    Ok(())
}

/// A UI covering the whole window, to put panels in (egui 0.36 panels live inside a `Ui`).
pub(crate) fn window_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "screen".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// Where an export was written, or why it could not be.
pub(crate) fn export_status(
    ui: &mut egui::Ui,
    exported: Option<&Result<String, String>>,
    lang: crate::i18n::Lang,
) {
    let (colour, text) = match exported {
        None => return,
        Some(Ok(path)) => (
            palette::GOOD,
            format!("{} {path}", crate::i18n::tr(lang, "已导出：", "Exported:")),
        ),
        Some(Err(why)) => (palette::BAD, why.clone()),
    };
    ui.label(egui::RichText::new(text).color(colour));
}

/// A team session on this computer: trainees take turns at it, so after each debrief the next
/// one types their name. (In a classroom every trainee has a laptop of their own.)
pub(crate) fn taking_turns(
    session: &crate::engine::ActiveSession,
    classroom: &crate::engine::JoinedClassroom,
) -> bool {
    session.0.is_some() && classroom.0.is_none()
}

/// Whether the buttons that try a decision again are shown (the engine decides, and refuses a
/// rewind otherwise).
pub(crate) fn practising(
    session: &crate::engine::ActiveSession,
    classroom: &crate::engine::JoinedClassroom,
) -> bool {
    crate::engine::may_rewind(Some(session), Some(classroom))
}

/// "waiting to send: N" while classroom results wait in the outbox.
pub(crate) fn waiting_to_send(ui: &mut egui::Ui, waiting: usize, lang: crate::i18n::Lang) {
    if waiting > 0 {
        ui.label(
            egui::RichText::new(format!(
                "{} {waiting}",
                crate::i18n::tr(lang, "等待发送：", "waiting to send:")
            ))
            .color(palette::CUE),
        );
    }
}

/// Why a visit or a campaign could not start (say, its file was removed meanwhile), with the
/// way back to the list.
pub(crate) fn cannot_start(
    ui: &mut egui::Ui,
    what: &str,
    problem: Option<&dyn std::fmt::Display>,
    lang: Lang,
    next: &mut NextState<Screen>,
) {
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(problem) = problem {
            ui.label(egui::RichText::new(what).size(30.0).color(palette::BAD));
            ui.label(egui::RichText::new(problem.to_string()).size(20.0));
        }
        if ui
            .button(crate::i18n::tr(
                lang,
                "← 返回场景列表",
                "← Back to the scenarios",
            ))
            .clicked()
        {
            next.set(Screen::Scenarios);
        }
    });
}

/// Colours used across screens.
pub(crate) mod palette {
    use bevy_egui::egui::Color32;

    pub const ACCENT: Color32 = Color32::from_rgb(176, 38, 38);
    pub const MUTED: Color32 = Color32::from_rgb(110, 110, 110);
    pub const GOOD: Color32 = Color32::from_rgb(30, 130, 60);
    pub const BAD: Color32 = Color32::from_rgb(190, 50, 40);
    pub const CUE: Color32 = Color32::from_rgb(150, 90, 10);
}

/// Enter (either key) pressed this frame: confirms on every screen.
pub(crate) fn enter_pressed(keys: &ButtonInput<KeyCode>) -> bool {
    keys.any_just_pressed([KeyCode::Enter, KeyCode::NumpadEnter])
}

/// The number key pressed this frame among 1–9, as a 0-based index.
pub(crate) fn number_key(keys: &ButtonInput<KeyCode>) -> Option<usize> {
    const DIGITS: [KeyCode; 9] = [
        KeyCode::Digit1,
        KeyCode::Digit2,
        KeyCode::Digit3,
        KeyCode::Digit4,
        KeyCode::Digit5,
        KeyCode::Digit6,
        KeyCode::Digit7,
        KeyCode::Digit8,
        KeyCode::Digit9,
    ];
    const NUMPAD: [KeyCode; 9] = [
        KeyCode::Numpad1,
        KeyCode::Numpad2,
        KeyCode::Numpad3,
        KeyCode::Numpad4,
        KeyCode::Numpad5,
        KeyCode::Numpad6,
        KeyCode::Numpad7,
        KeyCode::Numpad8,
        KeyCode::Numpad9,
    ];
    (0..9).find(|&i| keys.just_pressed(DIGITS[i]) || keys.just_pressed(NUMPAD[i]))
}

/// The reactive window redraws only on input, and an unfocused one (a new window on some
/// desktops, or under a virtual display) waits up to a minute between updates: keep drawing
/// until the scenarios have loaded and the first screen has settled, so it never sits blank.
fn draw_until_loaded(
    library: Res<crate::engine::ContentLibrary>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut settled: Local<u32>,
) {
    const SETTLING_FRAMES: u32 = 5;
    if library.get().is_none() {
        redraw.write(bevy::window::RequestRedraw);
    } else if *settled < SETTLING_FRAMES {
        *settled += 1;
        redraw.write(bevy::window::RequestRedraw);
    }
}

/// bevy_egui hands egui the modifier keys as an event every frame, and egui asks for a repaint
/// after any event, so an idle game would redraw non-stop (about one core under software
/// rendering). Passing the event on only when the modifiers change lets the reactive window rest.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut EguiInput>,
    mut last: Local<Option<egui::Modifiers>>,
) {
    for mut input in &mut inputs {
        input.0.events.retain(|event| match event {
            egui::Event::ModifiersChanged(modifiers) => {
                let changed = *last != Some(*modifiers);
                *last = Some(*modifiers);
                changed
            }
            _ => true,
        });
    }
}

/// The customer's mood as three bars: the visit screen's meters, and the debrief's when they
/// were hidden.
pub(crate) fn mood_bars(ui: &mut egui::Ui, mood: crate::content::Mood, lang: Lang) {
    for (name, value) in [
        (crate::i18n::tr(lang, "信任", "Trust"), mood.trust),
        (crate::i18n::tr(lang, "兴趣", "Interest"), mood.interest),
        (crate::i18n::tr(lang, "耐心", "Patience"), mood.patience),
    ] {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(name).strong());
            ui.add(egui::ProgressBar::new(value as f32 / 100.0).text(value.to_string()));
        });
    }
}
