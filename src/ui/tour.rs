//! A scripted walk through every screen with simulated key presses, saving a screenshot of
//! each: how the window tests (and a trainer preparing slides) see the real game.

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput, NativeKeyCode};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContext, EguiFullOutput, EguiPostUpdateSet, egui};

use super::title::ClassroomDraft;
use super::{Screen, Selection};
use crate::content::PersonaKind;
use crate::engine::{
    ActiveCampaign, ActiveSession, ActiveVisit, ClassroomStatus, ContentLibrary, JoinClassroom,
    JoinedClassroom, LastSave, StartCampaign,
};
use crate::sim::Expression;
use crate::sim::campaign::Now;

/// What the tour plays: by default the first scenario, always the first reply shown.
#[derive(Clone, Debug, Default)]
pub struct TourPlan {
    pub dir: PathBuf,
    /// The scenario to pick from the list (with the arrow keys), by id.
    pub scenario: Option<String>,
    /// An account campaign to play instead of a single visit, by id: the tour shoots its first
    /// screen, the account plan, and its debrief.
    pub campaign: Option<String>,
    /// Replies by their number in the file (from 1), pressed as the keys they are shown under.
    pub choices: Vec<usize>,
    /// A type to note in the notebook (F1–F4) before the first reply.
    pub guess: Option<PersonaKind>,
    /// The name typed on the title screen.
    pub trainee: String,
    /// A classroom to join first: its address and session code.
    pub classroom: Option<(String, String)>,
    /// Switch on "read the customer" (M) on the title screen: the meters hidden.
    pub hide_meters: bool,
    /// The customer variant to meet, instead of a new one each run.
    pub seed: Option<u64>,
}

pub struct TourPlugin(pub TourPlan);

impl Plugin for TourPlugin {
    fn build(&self, app: &mut App) {
        let plan = &self.0;
        let mut steps = VecDeque::from([Step::WaitForContent]);
        if let Some((server, code)) = &plan.classroom {
            steps.extend([
                Step::FillClassroom(server.clone(), code.clone()),
                Step::Shoot("join", Screen::Title),
                Step::Join { asked: false },
            ]);
        }
        steps.extend([
            // Enter before any name: the warning, and the name field keeps the focus.
            Step::Press(KeyCode::Enter),
            Step::Shoot("nameless", Screen::Title),
            Step::Type(plan.trainee.clone()),
        ]);
        if plan.hide_meters {
            // Escape leaves the name field, so the key reaches the screen.
            steps.extend([Step::Press(KeyCode::Escape), Step::Press(KeyCode::KeyM)]);
        }
        steps.extend([
            Step::Shoot("title", Screen::Title),
            Step::Press(KeyCode::Enter),
            Step::Shoot("scenarios", Screen::Scenarios),
        ]);
        if let Some(campaign) = &plan.campaign {
            steps.extend([
                Step::StartCampaign(campaign.clone(), plan.seed.unwrap_or(1)),
                Step::Shoot("campaign", Screen::Campaign),
                Step::PlayCampaign {
                    presses: 0,
                    choices: plan.choices.iter().map(|n| n.saturating_sub(1)).collect(),
                    plan_shot: false,
                },
                Step::WaitForResult,
                Step::Shoot("campaign-debrief", Screen::Campaign),
                Step::Exit,
            ]);
            return app
                .insert_resource(Tour::new(plan.dir.clone(), steps))
                .add_tour_systems();
        }
        match &plan.scenario {
            Some(id) => steps.push_back(Step::Highlight(id.clone())),
            None => steps.push_back(Step::Press(KeyCode::Digit1)),
        }
        steps.extend(plan.seed.map(Step::Seed));
        steps.extend([
            Step::Shoot("briefing", Screen::Briefing),
            Step::Press(KeyCode::Enter),
        ]);
        if let Some(kind) = plan.guess {
            let key = PersonaKind::ALL
                .iter()
                .position(|&k| k == kind)
                .map_or(KeyCode::F1, |i| {
                    [KeyCode::F1, KeyCode::F2, KeyCode::F3, KeyCode::F4][i]
                });
            steps.push_back(Step::Press(key));
        }
        steps.extend([
            Step::Shoot("visit", Screen::Visit),
            Step::PlayToEnd {
                presses: 0,
                choices: plan.choices.iter().map(|n| n.saturating_sub(1)).collect(),
            },
            Step::WaitForResult,
            Step::Shoot("debrief", Screen::Debrief),
            Step::Press(KeyCode::KeyC),
            Step::Shoot("compare", Screen::Debrief),
            Step::Press(KeyCode::KeyC),
        ]);
        // Practice: back to where the path left the best, and the best reply this time (a
        // classroom's visit cannot be rewound).
        if plan.classroom.is_none() {
            steps.extend([
                Step::RewindToBest,
                Step::Shoot("rewind", Screen::Visit),
                Step::PlayToEnd {
                    presses: 0,
                    choices: VecDeque::new(),
                },
                Step::WaitForResult,
                Step::Shoot("practice", Screen::Debrief),
            ]);
        }
        steps.extend([
            Step::Press(KeyCode::KeyB),
            Step::Shoot("leaderboard", Screen::Leaderboard),
            Step::Press(KeyCode::Escape),
            Step::Press(KeyCode::KeyP),
            Step::Shoot("progress", Screen::Progress),
            Step::Press(KeyCode::Escape),
            Step::Press(KeyCode::KeyT),
            Step::Shoot("session", Screen::Session),
            Step::Exit,
        ]);
        app.insert_resource(Tour::new(plan.dir.clone(), steps))
            .add_tour_systems();
    }
}

trait AddTourSystems {
    fn add_tour_systems(&mut self);
}

impl AddTourSystems for App {
    fn add_tour_systems(&mut self) {
        self.add_systems(Update, run_tour).add_systems(
            PostUpdate,
            capture_text
                .after(EguiPostUpdateSet::EndPass)
                .before(EguiPostUpdateSet::ProcessOutput),
        );
    }
}

impl Tour {
    fn new(dir: PathBuf, steps: VecDeque<Step>) -> Tour {
        Tour {
            dir,
            steps,
            wait: 0,
            release: None,
            capture: None,
            portraits: Vec::new(),
        }
    }
}

enum Step {
    WaitForContent,
    /// Type a classroom's address and session code into the title screen's form.
    FillClassroom(String, String),
    /// Join the classroom typed into the form, as its button does, and wait until joined.
    Join {
        asked: bool,
    },
    /// Wait until the finished visit's result is kept, or the classroom has answered.
    WaitForResult,
    /// Type the trainee's name into the title screen's field.
    Type(String),
    /// Save a screenshot, after checking the game is on the expected screen.
    Shoot(&'static str, Screen),
    Press(KeyCode),
    /// Meet the customer of this seed in the visit about to start.
    Seed(u64),
    /// Move down the scenario list to this id and press Enter.
    Highlight(String),
    /// On the debrief: press R (back to where the path first left the best one) and plan the
    /// best reply there for the `PlayToEnd` that follows.
    RewindToBest,
    /// Press the key each planned reply is shown under (then 1) until the visit is over;
    /// shoot `portrait-<expression>` the first time the customer shows each expression.
    PlayToEnd {
        presses: u32,
        choices: VecDeque<usize>,
    },
    /// Start this account campaign with this seed, as its entry in the list does.
    StartCampaign(String, u64),
    /// Press the key each planned choice of the campaign is shown under (then 1) until it is
    /// over; shoot `campaign-plan` at the first account decision.
    PlayCampaign {
        presses: u32,
        choices: VecDeque<usize>,
        plan_shot: bool,
    },
    Exit,
}

#[derive(Resource)]
struct Tour {
    dir: PathBuf,
    steps: VecDeque<Step>,
    /// Frames to let pass before the next step, so the screen can settle and draw.
    wait: u32,
    /// A key pressed last frame, released this frame.
    release: Option<KeyCode>,
    /// The screen whose drawn text to write down this frame.
    capture: Option<String>,
    /// The customer's expressions shot so far.
    portraits: Vec<Expression>,
}

/// No visit needs more replies than this; more means the game is stuck.
const MAX_PRESSES: u32 = 60;

#[allow(clippy::too_many_arguments)]
fn run_tour(
    mut commands: Commands,
    mut tour: ResMut<Tour>,
    library: Res<ContentLibrary>,
    visit: Option<Single<&ActiveVisit>>,
    screen: Res<State<Screen>>,
    window: Single<Entity, With<PrimaryWindow>>,
    mut keyboard: MessageWriter<KeyboardInput>,
    mut exit: MessageWriter<AppExit>,
    mut classroom: Classroom,
    mut selection: ResMut<Selection>,
    mut campaign: CampaignDriver,
) {
    let window = *window;
    let key = |code: KeyCode, state: ButtonState| KeyboardInput {
        key_code: code,
        logical_key: match code {
            KeyCode::Enter => Key::Enter,
            KeyCode::ArrowDown => Key::ArrowDown,
            KeyCode::Digit1 => Key::Character("1".into()),
            KeyCode::Digit2 => Key::Character("2".into()),
            KeyCode::Digit3 => Key::Character("3".into()),
            KeyCode::Digit4 => Key::Character("4".into()),
            KeyCode::Escape => Key::Escape,
            KeyCode::KeyB => Key::Character("b".into()),
            KeyCode::KeyP => Key::Character("p".into()),
            KeyCode::KeyT => Key::Character("t".into()),
            KeyCode::KeyM => Key::Character("m".into()),
            KeyCode::KeyC => Key::Character("c".into()),
            KeyCode::KeyR => Key::Character("r".into()),
            _ => Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
        },
        state,
        text: None,
        repeat: false,
        window,
    };
    if let Some(code) = tour.release.take() {
        keyboard.write(key(code, ButtonState::Released));
    }
    if tour.wait > 0 {
        tour.wait -= 1;
        return;
    }
    // The customer's expression, if the tour has not shot it yet.
    let new_face = visit
        .as_ref()
        .filter(|v| v.visit().current().is_some())
        .map(|v| Expression::of(v.visit().mood()))
        .filter(|face| !tour.portraits.contains(face));
    let Some(step) = tour.steps.front_mut() else {
        return;
    };
    match step {
        Step::WaitForContent => {
            if library.get().is_some() {
                tour.steps.pop_front();
                tour.wait = 30;
            }
        }
        Step::FillClassroom(server, code) => {
            classroom.draft.open = true;
            classroom.draft.server = std::mem::take(server);
            classroom.draft.code = std::mem::take(code);
            tour.steps.pop_front();
            tour.wait = 5;
        }
        Step::Join { asked } => {
            if !*asked {
                classroom.joins.write(JoinClassroom {
                    server: classroom.draft.server.clone(),
                    code: classroom.draft.code.clone(),
                });
                *asked = true;
            } else if classroom.joined.0.is_some() {
                tour.steps.pop_front();
                tour.wait = 5;
            } else if let Some(problem) = classroom
                .status
                .problem
                .as_ref()
                .filter(|_| !classroom.status.joining)
            {
                error!("tour: the classroom was not joined: {problem}");
                exit.write(AppExit::from_code(6));
                tour.steps.clear();
            }
        }
        Step::WaitForResult => {
            if !matches!(
                *classroom.saved,
                LastSave::Nothing | LastSave::Sending { .. }
            ) {
                tour.steps.pop_front();
                tour.wait = 5;
            }
        }
        Step::Type(name) => {
            // As key presses, as a trainee types: they land in whichever field has the focus.
            for typed in name.chars() {
                let text = typed.to_string();
                for state in [ButtonState::Pressed, ButtonState::Released] {
                    keyboard.write(KeyboardInput {
                        key_code: KeyCode::Unidentified(NativeKeyCode::Unidentified),
                        logical_key: Key::Character(text.as_str().into()),
                        state,
                        text: Some(text.as_str().into()),
                        repeat: false,
                        window,
                    });
                }
            }
            tour.steps.pop_front();
            tour.wait = 5;
        }
        Step::Shoot(name, expected) => {
            let name = *name;
            if *screen.get() != *expected {
                error!(
                    "tour: expected the {expected:?} screen, but the game shows {:?}",
                    screen.get()
                );
                exit.write(AppExit::from_code(3));
                tour.steps.clear();
                return;
            }
            tour.steps.pop_front();
            shoot(&mut commands, &mut tour, name);
        }
        Step::Seed(seed) => {
            selection.seed = *seed;
            tour.steps.pop_front();
        }
        Step::RewindToBest => {
            let Some(score) = visit.as_ref().and_then(|v| v.score()) else {
                error!("tour: no scored visit to try again");
                exit.write(AppExit::from_code(7));
                tour.steps.clear();
                return;
            };
            let best = score.decisions.iter().find_map(|d| d.best.as_ref());
            tour.steps.pop_front();
            if let Some(Step::PlayToEnd { choices, .. }) = tour.steps.get_mut(1) {
                choices.extend(best.map(|b| b.choice));
            }
            tour.steps.push_front(Step::Press(KeyCode::KeyR));
        }
        Step::Press(code) => {
            let code = *code;
            keyboard.write(key(code, ButtonState::Pressed));
            tour.release = Some(code);
            tour.steps.pop_front();
            tour.wait = 20;
        }
        Step::Highlight(id) => {
            let Some(position) = library
                .get()
                .and_then(|l| l.scenarios.keys().position(|k| k == id))
            else {
                error!("tour: no scenario \"{id}\" in the list");
                exit.write(AppExit::from_code(5));
                tour.steps.clear();
                return;
            };
            // Down once per entry above it, then Enter.
            let mut presses = vec![KeyCode::ArrowDown; position];
            presses.push(KeyCode::Enter);
            tour.steps.pop_front();
            for code in presses.into_iter().rev() {
                tour.steps.push_front(Step::Press(code));
            }
        }
        Step::PlayToEnd { presses, choices } => {
            if let Some(face) = new_face {
                tour.portraits.push(face);
                shoot(&mut commands, &mut tour, &format!("portrait-{}", face.id()));
            } else if *screen.get() == Screen::Debrief {
                tour.steps.pop_front();
                tour.wait = 30;
            } else if *presses >= MAX_PRESSES {
                error!("tour: the visit did not end after {MAX_PRESSES} replies");
                exit.write(AppExit::from_code(4));
                tour.steps.clear();
            } else {
                // The planned reply is pressed under the number it is shown at.
                let shown = visit
                    .as_ref()
                    .and_then(|v| v.visit().current())
                    .zip(choices.front())
                    .and_then(|(view, listed)| view.order.iter().position(|i| i == listed))
                    .unwrap_or(0);
                choices.pop_front();
                let code = reply_key(shown);
                *presses += 1;
                keyboard.write(key(code, ButtonState::Pressed));
                tour.release = Some(code);
                tour.wait = 4;
            }
        }
        Step::StartCampaign(id, seed) => {
            super::scenarios::start_campaign(
                &mut campaign.starts,
                &mut campaign.next,
                id.clone(),
                &campaign.session,
                *seed,
            );
            tour.steps.pop_front();
            tour.wait = 30;
        }
        Step::PlayCampaign {
            presses,
            choices,
            plan_shot,
        } => {
            let Some(run) = &campaign.active.0 else {
                error!("tour: the campaign did not start");
                exit.write(AppExit::from_code(8));
                tour.steps.clear();
                return;
            };
            match run.now() {
                Now::Finished => {
                    tour.steps.pop_front();
                    tour.wait = 30;
                    return;
                }
                Now::Decision { .. } if !*plan_shot => {
                    *plan_shot = true;
                    shoot(&mut commands, &mut tour, "campaign-plan");
                    return;
                }
                _ if *presses >= MAX_PRESSES * 4 => {
                    error!("tour: the campaign did not end");
                    exit.write(AppExit::from_code(4));
                    tour.steps.clear();
                    return;
                }
                _ => {}
            }
            // A visit's planned reply is pressed under the number it is shown at; a
            // decision's options are shown in the file's order.
            let listed = choices.pop_front().unwrap_or(0);
            let shown = match run.now() {
                Now::Visit(visit) => visit
                    .current()
                    .and_then(|view| view.order.iter().position(|&i| i == listed))
                    .unwrap_or(0),
                _ => listed,
            };
            let code = reply_key(shown);
            *presses += 1;
            keyboard.write(key(code, ButtonState::Pressed));
            tour.release = Some(code);
            tour.wait = 4;
        }
        Step::Exit => {
            println!("tour: done");
            exit.write(AppExit::Success);
            tour.steps.clear();
        }
    }
}

/// The key a reply (or an option) shown at `position` (0-based) is picked with.
fn reply_key(position: usize) -> KeyCode {
    [
        KeyCode::Digit1,
        KeyCode::Digit2,
        KeyCode::Digit3,
        KeyCode::Digit4,
    ][position.min(3)]
}

/// Saves a screenshot as `<name>.png` and, from the same frame, its texts as `<name>.txt`.
fn shoot(commands: &mut Commands, tour: &mut Tour, name: &str) {
    let path = tour.dir.join(format!("{name}.png"));
    println!("tour: {name} screen -> {}", path.display());
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(path));
    tour.capture = Some(name.to_string());
    tour.wait = 20;
}

/// What the tour needs to play a campaign.
#[derive(bevy::ecs::system::SystemParam)]
struct CampaignDriver<'w> {
    starts: MessageWriter<'w, StartCampaign>,
    active: Res<'w, ActiveCampaign>,
    session: Res<'w, ActiveSession>,
    next: ResMut<'w, NextState<Screen>>,
}

/// What the tour needs of the classroom: the title screen's form, and what came of it.
#[derive(bevy::ecs::system::SystemParam)]
struct Classroom<'w> {
    draft: ResMut<'w, ClassroomDraft>,
    joins: MessageWriter<'w, JoinClassroom>,
    joined: Res<'w, JoinedClassroom>,
    status: Res<'w, ClassroomStatus>,
    saved: Res<'w, LastSave>,
}

/// Writes `<screen>.txt` beside the screenshot: every text egui drew this frame, one per line,
/// then the characters the loaded fonts cannot draw (they would show as empty boxes). What
/// the window tests read to check a screen says what it should.
fn capture_text(mut tour: ResMut<Tour>, mut contexts: Query<(&mut EguiContext, &EguiFullOutput)>) {
    let Some(name) = tour.capture.take() else {
        return;
    };
    let mut texts = Vec::new();
    for (_, output) in &contexts {
        for clipped in output.0.iter().flat_map(|o| &o.shapes) {
            collect_texts(&clipped.shape, &mut texts);
        }
    }
    let mut missing: Vec<char> = Vec::new();
    if let Some((mut context, _)) = contexts.iter_mut().next() {
        let font = egui::FontId::proportional(16.0);
        context.get_mut().fonts_mut(|fonts| {
            for c in texts.iter().flat_map(|t| t.chars()) {
                if !c.is_whitespace() && !missing.contains(&c) && !fonts.has_glyph(&font, c) {
                    missing.push(c);
                }
            }
        });
    }
    let mut report = texts.join("\n");
    report.push_str(&format!(
        "\n--\nmissing glyphs: {}\n",
        missing.iter().collect::<String>()
    ));
    let path = tour.dir.join(format!("{name}.txt"));
    if let Err(err) = std::fs::write(&path, report) {
        error!("tour: cannot write {}: {err}", path.display());
    }
}

fn collect_texts(shape: &egui::Shape, texts: &mut Vec<String>) {
    match shape {
        egui::Shape::Text(text) => texts.push(text.galley.text().to_string()),
        egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect_texts(s, texts)),
        _ => {}
    }
}
