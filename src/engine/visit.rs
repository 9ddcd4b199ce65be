//! The visit engine as ECS: messages in, an `ActiveVisit` entity, messages out. The rules are
//! all in `crate::sim`; these systems only pass messages to it.

use bevy::prelude::*;

use super::assets::ContentLibrary;
use crate::content::PersonaKind;
use crate::sim::{self, Score, Visit};

pub struct VisitPlugin;

impl Plugin for VisitPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<StartVisit>()
            .add_message::<ChooseReply>()
            .add_message::<NotePersona>()
            .add_message::<VisitEnded>()
            .add_message::<VisitRejected>()
            .add_systems(
                Update,
                (start_visits, note_personas, apply_choices)
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

/// The trainee notes in the notebook which type the customer is.
#[derive(Message, Debug, Clone, Copy)]
pub struct NotePersona(pub PersonaKind);

/// The active visit has finished and has been scored.
#[derive(Message, Debug, Clone)]
pub struct VisitEnded(pub Entity);

/// A start or a choice that could not be carried out, and why.
#[derive(Message, Debug, Clone)]
pub struct VisitRejected(pub sim::SimError);

/// The visit being played, with its score once it is over.
#[derive(Component, Debug, Clone)]
pub struct ActiveVisit {
    pub visit: Visit,
    pub score: Option<Score>,
}

fn start_visits(
    mut commands: Commands,
    mut starts: MessageReader<StartVisit>,
    library: Res<ContentLibrary>,
    existing: Query<Entity, With<ActiveVisit>>,
    mut rejected: MessageWriter<VisitRejected>,
) {
    for start in starts.read() {
        let Some(library) = library.get() else {
            rejected.write(VisitRejected(sim::SimError::ContentLoading));
            continue;
        };
        match Visit::begin(library, &start.scenario, start.seed, start.persona) {
            Ok(visit) => {
                for entity in &existing {
                    commands.entity(entity).despawn();
                }
                commands.spawn((Name::new("visit"), ActiveVisit { visit, score: None }));
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
            active.visit.note_persona(note.0);
        }
    }
}

fn apply_choices(
    mut choices: MessageReader<ChooseReply>,
    mut visits: Query<(Entity, &mut ActiveVisit)>,
    library: Res<ContentLibrary>,
    mut ended: MessageWriter<VisitEnded>,
    mut rejected: MessageWriter<VisitRejected>,
) {
    for choice in choices.read() {
        let Ok((entity, mut active)) = visits.single_mut() else {
            rejected.write(VisitRejected(sim::SimError::NoActiveVisit));
            continue;
        };
        let result = match *choice {
            ChooseReply::Shown(position) => active.visit.choose_shown(position),
            ChooseReply::Listed(index) => active.visit.choose(index),
        };
        if let Err(err) = result {
            rejected.write(VisitRejected(err));
            continue;
        }
        if active.visit.finish().is_some()
            && let Some(library) = library.get()
        {
            active.score = sim::scoring::score(&active.visit, &library.catalogue, &library.rubric);
            ended.write(VisitEnded(entity));
        }
    }
}
