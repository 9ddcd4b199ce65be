//! The game window: the root only composes plugins.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitSettings, WinitUserEvent};

use crate::engine::{ContentSourcesPlugin, ContentWake, EnginePlugin, RecordsPlugin, asset_plugin};
use crate::i18n::Lang;
use crate::paths::ContentRoot;
use crate::ui::UiPlugin;
use crate::ui::tour::{TourPlan, TourPlugin};

/// Opens the game on the content under `root`, keeping results in `data_dir`.
pub fn run(root: ContentRoot, data_dir: PathBuf, lang: Lang, tour: Option<TourPlan>) -> AppExit {
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
        RecordsPlugin { dir: data_dir },
        UiPlugin { lang },
    ));
    // Wake the reactive window when a content file changes, so a saved edit shows at once.
    let proxy = (**app.world().resource::<EventLoopProxyWrapper>()).clone();
    app.insert_resource(ContentWake(std::sync::Arc::new(move || {
        let _ = proxy.send_event(WinitUserEvent::WakeUp);
    })));
    match tour {
        // The tour drives itself, so it cannot wait for input like the reactive game does.
        Some(plan) => {
            app.insert_resource(WinitSettings::continuous())
                .add_plugins(TourPlugin(plan));
        }
        None => {
            app.insert_resource(WinitSettings::desktop_app());
        }
    }
    app.run()
}
