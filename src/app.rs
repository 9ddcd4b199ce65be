//! The game window: the root only composes plugins.

use std::path::PathBuf;

use bevy::diagnostic::{FrameTimeDiagnosticsPlugin, LogDiagnosticsPlugin};
use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitSettings, WinitUserEvent};

use crate::engine::{
    ClassroomPlugin, ContentSourcesPlugin, ContentWake, EnginePlugin, RecordsPlugin, asset_plugin,
};
use crate::i18n::Lang;
use crate::paths::ContentRoot;
use crate::ui::UiPlugin;
use crate::ui::tour::{TourPlan, TourPlugin};

/// Opens the game on the content under `root`, keeping results in `data_dir` or, when given,
/// the PostgreSQL database at `database`. `continuous`
/// redraws every frame and logs the frame time (for measuring; the game normally redraws only
/// on input).
pub fn run(
    root: ContentRoot,
    data_dir: PathBuf,
    database: Option<String>,
    lang: Lang,
    tour: Option<TourPlan>,
    continuous: bool,
) -> AppExit {
    let mut app = App::new();
    app.add_plugins((
        // Asset sources must be registered before the AssetPlugin inside DefaultPlugins.
        ContentSourcesPlugin { root: root.clone() },
        DefaultPlugins.set(asset_plugin(&root)).set(WindowPlugin {
            primary_window: Some(Window {
                title: "销售道场 Sales Dojo".into(),
                resolution: (1280, 800).into(),
                ..default()
            }),
            ..default()
        }),
        EnginePlugin,
        RecordsPlugin {
            dir: data_dir,
            database,
        },
        ClassroomPlugin::default(),
        UiPlugin { lang },
    ));
    // Wake the reactive window when a content file changes, so a saved edit shows at once.
    let proxy = (**app.world().resource::<EventLoopProxyWrapper>()).clone();
    app.insert_resource(ContentWake(std::sync::Arc::new(move || {
        let _ = proxy.send_event(WinitUserEvent::WakeUp);
    })));
    if let Some(plan) = tour {
        // The tour drives itself, so it cannot wait for input like the reactive game does.
        app.add_plugins(TourPlugin(plan));
    }
    if continuous {
        app.add_plugins((
            FrameTimeDiagnosticsPlugin::default(),
            LogDiagnosticsPlugin::default(),
        ));
    }
    app.insert_resource(if continuous || app.is_plugin_added::<TourPlugin>() {
        WinitSettings::continuous()
    } else {
        WinitSettings::desktop_app()
    });
    app.run()
}
