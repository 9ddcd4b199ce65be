//! The visit engine as ECS: messages in, an `ActiveVisit` entity holding the attempt, messages
//! out. The rules are all in `crate::sim`; these systems only pass messages to it.

use bevy::prelude::*;

use super::assets::ContentLibrary;
use super::classroom::{JoinedClassroom, play_library};
use super::records::ActiveSession;
use crate::content::PersonaKind;
use crate::sim::{self, Attempt};

pub struct VisitPlugin;

impl Plugin for VisitPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<StartVisit>()
            .add_message::<ChooseReply>()
            .add_message::<NotePersona>()
            .add_message::<RewindVisit>()
            .add_message::<VisitEnded>()
            .add_message::<VisitRejected>()
            .init_resource::<VisitProblem>()
            .add_systems(
                Update,
                (
                    start_visits,
                    rewind_visits,
                    note_personas,
                    apply_choices,
                    keep_problems,
                )
                    .chain()
                    .in_set(VisitSet),
            );
    }
}

/// The systems that advance visits, in order: start, then choices.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct VisitSet;

/// Begin a visit (ending any visit in progress).
#[derive(Message, Debug, Clone)]
pub struct StartVisit {
    pub scenario: String,
    pub seed: u64,
    pub persona: Option<PersonaKind>,
}

/// Pick a reply of the active visit.
#[derive(Message, Debug, Clone, Copy)]
pub enum ChooseReply {
    /// By its position on screen (0-based), as the trainee sees them.
    Shown(usize),
    /// By its index in the scenario file (0-based), as `play --choices` numbers them.
    Listed(usize),
}

/// Practice: go back to this decision (0-based) of the active visit and try it again. The
/// visit goes on as a new practice attempt; refused in a team session or a classroom.
#[derive(Message, Debug, Clone, Copy)]
pub struct RewindVisit(pub usize);

/// The trainee notes in the notebook which type the customer is.
#[derive(Message, Debug, Clone, Copy)]
pub struct NotePersona(pub PersonaKind);

/// The active visit has finished and has been scored.
#[derive(Message, Debug, Clone)]
pub struct VisitEnded(pub Entity);

/// A start or a choice that could not be carried out, and why.
#[derive(Message, Debug, Clone)]
pub struct VisitRejected(pub sim::SimError);

/// Why the last start or reply was refused, for the screen to show; cleared by the next start
/// that succeeds.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct VisitProblem(pub Option<sim::SimError>);

/// The visit being played: the attempt, with the content it began on and its score once over.
#[derive(Component, Debug, Clone, Deref, DerefMut)]
pub struct ActiveVisit(pub Attempt);

fn start_visits(
    mut commands: Commands,
    mut starts: MessageReader<StartVisit>,
    library: Res<ContentLibrary>,
    classroom: Option<Res<JoinedClassroom>>,
    existing: Query<Entity, With<ActiveVisit>>,
    mut rejected: MessageWriter<VisitRejected>,
    mut problem: ResMut<VisitProblem>,
) {
    for start in starts.read() {
        let Some(library) = play_library(classroom.as_deref(), &library, &start.scenario) else {
            rejected.write(VisitRejected(sim::SimError::ContentLoading));
            continue;
        };
        match Attempt::begin(library, &start.scenario, start.seed, start.persona) {
            Ok(attempt) => {
                for entity in &existing {
                    commands.entity(entity).despawn();
                }
                commands.spawn((Name::new("visit"), ActiveVisit(attempt)));
                problem.0 = None;
            }
            Err(err) => {
                rejected.write(VisitRejected(err));
            }
        }
    }
}

/// Practice, outside any team session or classroom: only then can a decision be tried again.
/// Everyone in a session plays the customer once, from the door: that is what its board
/// compares.
pub fn may_rewind(session: Option<&ActiveSession>, classroom: Option<&JoinedClassroom>) -> bool {
    session.is_none_or(|s| s.0.is_none()) && classroom.is_none_or(|c| c.0.is_none())
}

fn rewind_visits(
    mut rewinds: MessageReader<RewindVisit>,
    mut visits: Query<&mut ActiveVisit>,
    session: Option<Res<ActiveSession>>,
    classroom: Option<Res<JoinedClassroom>>,
    mut rejected: MessageWriter<VisitRejected>,
    mut problem: ResMut<VisitProblem>,
) {
    for RewindVisit(decision) in rewinds.read() {
        let Ok(mut active) = visits.single_mut() else {
            rejected.write(VisitRejected(sim::SimError::NoActiveVisit));
            continue;
        };
        let rewound = if may_rewind(session.as_deref(), classroom.as_deref()) {
            active.rewound(*decision)
        } else {
            Err(sim::SimError::RewindInSession)
        };
        match rewound {
            Ok(attempt) => {
                active.0 = attempt;
                problem.0 = None;
            }
            Err(err) => {
                rejected.write(VisitRejected(err));
            }
        }
    }
}

fn note_personas(mut notes: MessageReader<NotePersona>, mut visits: Query<&mut ActiveVisit>) {
    for note in notes.read() {
        if let Ok(mut active) = visits.single_mut() {
            active.note_persona(note.0);
        }
    }
}

fn apply_choices(
    mut choices: MessageReader<ChooseReply>,
    mut visits: Query<(Entity, &mut ActiveVisit)>,
    mut ended: MessageWriter<VisitEnded>,
    mut rejected: MessageWriter<VisitRejected>,
    mut problem: ResMut<VisitProblem>,
) {
    for choice in choices.read() {
        let Ok((entity, mut active)) = visits.single_mut() else {
            rejected.write(VisitRejected(sim::SimError::NoActiveVisit));
            continue;
        };
        let result = match *choice {
            ChooseReply::Shown(position) => active.choose_shown(position),
            ChooseReply::Listed(index) => active.choose(index),
        };
        match result {
            Err(err) => {
                rejected.write(VisitRejected(err));
            }
            Ok(()) => {
                problem.0 = None;
                if active.result().is_some() {
                    ended.write(VisitEnded(entity));
                }
            }
        }
    }
}

fn keep_problems(mut rejected: MessageReader<VisitRejected>, mut problem: ResMut<VisitProblem>) {
    if let Some(VisitRejected(err)) = rejected.read().last() {
        warn!("{err}");
        problem.0 = Some(err.clone());
    }
}
