//! A scripted walk through every screen with simulated key presses, saving a screenshot of
//! each: how the window tests (and a trainer preparing slides) see the real game.

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::PrimaryWindow;

use super::Screen;
use crate::engine::ContentLibrary;

pub struct TourPlugin {
    pub dir: PathBuf,
}

impl Plugin for TourPlugin {
    fn build(&self, app: &mut App) {
        let steps = VecDeque::from([
            Step::WaitForContent,
            Step::Shoot("title", Screen::Title),
            Step::Press(KeyCode::Enter),
            Step::Shoot("scenarios", Screen::Scenarios),
            Step::Press(KeyCode::Digit1),
            Step::Shoot("briefing", Screen::Briefing),
            Step::Press(KeyCode::Enter),
            Step::Shoot("visit", Screen::Visit),
            Step::PlayToEnd { presses: 0 },
            Step::Shoot("debrief", Screen::Debrief),
            Step::Exit,
        ]);
        app.insert_resource(Tour {
            dir: self.dir.clone(),
            steps,
            wait: 0,
            release: None,
        })
        .add_systems(Update, run_tour);
    }
}

enum Step {
    WaitForContent,
    /// Save a screenshot, after checking the game is on the expected screen.
    Shoot(&'static str, Screen),
    Press(KeyCode),
    /// Press 1 until the visit is over.
    PlayToEnd {
        presses: u32,
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
}

/// No visit needs more replies than this; more means the game is stuck.
const MAX_PRESSES: u32 = 60;

fn run_tour(
    mut commands: Commands,
    mut tour: ResMut<Tour>,
    library: Res<ContentLibrary>,
    screen: Res<State<Screen>>,
    window: Single<Entity, With<PrimaryWindow>>,
    mut keyboard: MessageWriter<KeyboardInput>,
    mut exit: MessageWriter<AppExit>,
) {
    let window = *window;
    let key = |code: KeyCode, state: ButtonState| KeyboardInput {
        key_code: code,
        logical_key: match code {
            KeyCode::Enter => Key::Enter,
            KeyCode::Digit1 => Key::Character("1".into()),
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
            let path = tour.dir.join(format!("{name}.png"));
            println!("tour: {name} screen -> {}", path.display());
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path));
            tour.steps.pop_front();
            tour.wait = 20;
        }
        Step::Press(code) => {
            let code = *code;
            keyboard.write(key(code, ButtonState::Pressed));
            tour.release = Some(code);
            tour.steps.pop_front();
            tour.wait = 20;
        }
        Step::PlayToEnd { presses } => {
            if *screen.get() == Screen::Debrief {
                tour.steps.pop_front();
                tour.wait = 30;
            } else if *presses >= MAX_PRESSES {
                error!("tour: the visit did not end after {MAX_PRESSES} replies");
                exit.write(AppExit::from_code(4));
                tour.steps.clear();
            } else {
                *presses += 1;
                keyboard.write(key(KeyCode::Digit1, ButtonState::Pressed));
                tour.release = Some(KeyCode::Digit1);
                tour.wait = 4;
            }
        }
        Step::Exit => {
            println!("tour: done");
            exit.write(AppExit::Success);
            tour.steps.clear();
        }
    }
}
