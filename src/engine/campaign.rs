//! Account campaigns as ECS: messages in, the `ActiveCampaign` resource holding the run, messages
//! out. The rules are all in `crate::sim::campaign`; these systems only pass messages to it.

use bevy::prelude::*;

use super::assets::ContentLibrary;
use super::classroom::{JoinedClassroom, play_library};
use crate::content::PersonaKind;
use crate::sim::SimError;
use crate::sim::campaign::CampaignRun;

pub struct CampaignPlugin;

impl Plugin for CampaignPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<StartCampaign>()
            .add_message::<CampaignChoice>()
            .add_message::<CampaignNote>()
            .add_message::<CampaignEnded>()
            .init_resource::<ActiveCampaign>()
            .init_resource::<CampaignProblem>()
            .add_systems(
                Update,
                (start_campaigns, note_personas, apply_choices)
                    .chain()
                    .in_set(CampaignSet),
            );
    }
}

/// The systems that advance campaigns, in order: start, then choices.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct CampaignSet;

/// Begin a campaign (ending any campaign in progress).
#[derive(Message, Debug, Clone)]
pub struct StartCampaign {
    pub campaign: String,
    pub seed: u64,
}

/// Pick an option of the current account decision, or a reply of the current visit.
#[derive(Message, Debug, Clone, Copy)]
pub enum CampaignChoice {
    /// By its position on screen (0-based), as the trainee sees it.
    Shown(usize),
    /// By its index in the file (0-based), as `campaign play --choices` numbers them.
    Listed(usize),
}

/// The trainee notes in the notebook which type the current visit's customer is.
#[derive(Message, Debug, Clone, Copy)]
pub struct CampaignNote(pub PersonaKind);

/// The active campaign is over and scored.
#[derive(Message, Debug, Clone, Copy)]
pub struct CampaignEnded;

/// The campaign being played, if any.
#[derive(Resource, Debug, Default, Clone)]
pub struct ActiveCampaign(pub Option<CampaignRun>);

/// Why the last start or choice was refused (a decision the budget cannot pay for), for the
/// screen to show; cleared by the next one that succeeds.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct CampaignProblem(pub Option<SimError>);

fn start_campaigns(
    mut starts: MessageReader<StartCampaign>,
    library: Res<ContentLibrary>,
    classroom: Option<Res<JoinedClassroom>>,
    mut active: ResMut<ActiveCampaign>,
    mut problem: ResMut<CampaignProblem>,
) {
    for start in starts.read() {
        let Some(library) = play_library(classroom.as_deref(), &library, &start.campaign) else {
            problem.0 = Some(SimError::ContentLoading);
            continue;
        };
        match CampaignRun::begin(library, &start.campaign, start.seed) {
            Ok(run) => {
                active.0 = Some(run);
                problem.0 = None;
            }
            Err(err) => {
                warn!("{err}");
                problem.0 = Some(err);
            }
        }
    }
}

fn note_personas(mut notes: MessageReader<CampaignNote>, mut active: ResMut<ActiveCampaign>) {
    for CampaignNote(kind) in notes.read() {
        if let Some(run) = active.0.as_mut() {
            run.note_persona(*kind);
        }
    }
}

fn apply_choices(
    mut choices: MessageReader<CampaignChoice>,
    mut active: ResMut<ActiveCampaign>,
    mut ended: MessageWriter<CampaignEnded>,
    mut problem: ResMut<CampaignProblem>,
) {
    for choice in choices.read() {
        let Some(run) = active.0.as_mut() else {
            problem.0 = Some(SimError::NoActiveVisit);
            continue;
        };
        let result = match *choice {
            CampaignChoice::Shown(position) => run.choose_shown(position),
            CampaignChoice::Listed(index) => run.choose(index),
        };
        match result {
            Ok(()) => {
                problem.0 = None;
                if run.finished() {
                    ended.write(CampaignEnded);
                }
            }
            Err(err) => problem.0 = Some(err),
        }
    }
}
