//! Bevy plugins around the pure engine: content assets with hot reload, visits as ECS, and
//! the records of finished visits.
//! Everything here runs headless under `MinimalPlugins` as well as in the game window.

pub mod assets;
pub mod campaign;
pub mod classroom;
pub mod records;
pub mod visit;

use bevy::asset::AssetPlugin;
use bevy::prelude::*;

pub use assets::{ContentLibrary, ContentPlugin, ContentSet, ContentSourcesPlugin, ContentWake};
pub use campaign::{
    ActiveCampaign, CampaignChoice, CampaignEnded, CampaignNote, CampaignPlugin, CampaignProblem,
    CampaignSet, StartCampaign,
};
pub use classroom::{
    ClassroomBoard, ClassroomPlugin, ClassroomStatus, CreateClassroomSession, EndClassroomSession,
    FetchClassroomBoard, JoinClassroom, JoinedClassroom, Retry,
};
pub use records::{
    ActiveSession, CurrentTrainee, JoinSession, LastSave, Records, RecordsPlugin, RecordsProblem,
    RecordsSet, SelectTrainee,
};
pub use visit::{
    ActiveVisit, ChooseReply, NotePersona, RewindVisit, StartVisit, VisitEnded, VisitPlugin,
    VisitProblem, VisitRejected, VisitSet, may_rewind,
};

use crate::paths::ContentRoot;

/// Content, visits and campaigns: what the game and the headless runs share.
pub struct EnginePlugin;

impl Plugin for EnginePlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((ContentPlugin, VisitPlugin, CampaignPlugin));
    }
}

/// The asset settings both the window and headless apps use: assets from the root's `assets/`,
/// and file watching on, so edited content is picked up while the game runs.
pub fn asset_plugin(root: &ContentRoot) -> AssetPlugin {
    AssetPlugin {
        file_path: root
            .absolute()
            .join("assets")
            .to_string_lossy()
            .into_owned(),
        watch_for_changes_override: Some(true),
        ..default()
    }
}

/// An app with the real engine plugins and no window, for tests and tools.
pub fn headless_app(root: &ContentRoot) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        ContentSourcesPlugin { root: root.clone() },
        asset_plugin(root),
        EnginePlugin,
    ));
    app
}
