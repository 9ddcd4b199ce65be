//! One attempt at a scenario: start, replies, finish and score, the single path every caller
//! plays through — the game, `play`, the store's verifier (and the classroom server). An attempt
//! keeps the content library it began on, so a trainer's edit in the middle of a visit changes
//! neither how it plays nor the version it is scored and recorded against.

use std::sync::Arc;

use super::{Finish, Score, SimError, Visit, scoring};
use crate::content::version::ContentVersion;
use crate::content::{Library, PersonaKind};

/// A visit together with the content it is played on, scored the moment it finishes.
#[derive(Clone, Debug)]
pub struct Attempt {
    library: Arc<Library>,
    visit: Visit,
    score: Option<Score>,
    /// For practice: the decision (0-based) this attempt was rewound to and tried again from.
    rewound_at: Option<usize>,
}

impl Attempt {
    /// Starts a visit of `scenario` from `library`, which the attempt keeps to the end.
    pub fn begin(
        library: Arc<Library>,
        scenario: &str,
        seed: u64,
        persona: Option<PersonaKind>,
    ) -> Result<Attempt, SimError> {
        let visit = Visit::begin(&library, scenario, seed, persona)?;
        Ok(Attempt {
            library,
            visit,
            score: None,
            rewound_at: None,
        })
    }

    /// Plays a recorded attempt again: the same start, the notebook guess noted after the same
    /// number of replies, the same replies (file indices).
    pub fn replay(
        library: Arc<Library>,
        scenario: &str,
        seed: u64,
        persona: PersonaKind,
        choices: &[usize],
        guess: Option<(PersonaKind, usize)>,
    ) -> Result<Attempt, SimError> {
        let mut attempt = Attempt::begin(library, scenario, seed, Some(persona))?;
        attempt.play(choices, guess)?;
        Ok(attempt)
    }

    /// Makes these replies, noting the guess after as many replies as it was noted after
    /// (a guess after the last of them is noted too, unless the visit is over by then).
    fn play(
        &mut self,
        choices: &[usize],
        guess: Option<(PersonaKind, usize)>,
    ) -> Result<(), SimError> {
        for (made, &choice) in choices.iter().enumerate() {
            if let Some((kind, _)) = guess.filter(|&(_, after)| after == made) {
                self.note_persona(kind);
            }
            self.choose(choice)?;
        }
        if let Some((kind, _)) = guess.filter(|&(_, after)| after == choices.len()) {
            self.note_persona(kind);
        }
        Ok(())
    }

    /// A new practice attempt at decision `decision` (0-based) of this one, before its reply:
    /// the same content, customer, seed and earlier replies (and the notebook guess, if it was
    /// noted by then), so the customer, clock and mood are exactly as they were at that moment.
    pub fn rewound(&self, decision: usize) -> Result<Attempt, SimError> {
        let made = self.visit.transcript().len();
        if decision >= made {
            return Err(SimError::NoSuchDecision {
                number: decision + 1,
                made,
            });
        }
        let mut rewound = Attempt {
            library: Arc::clone(&self.library),
            visit: self.visit.restarted(),
            score: None,
            rewound_at: Some(decision),
        };
        let guess = self.visit.guess().map(|g| (g.kind, g.after_replies));
        rewound.play(&self.visit.choices()[..decision], guess)?;
        Ok(rewound)
    }

    /// Rewound and tried again: a practice attempt, which is kept but never ranked.
    pub fn rewound_at(&self) -> Option<usize> {
        self.rewound_at
    }

    /// Picks the reply with this index in the scenario file (0-based).
    pub fn choose(&mut self, index: usize) -> Result<(), SimError> {
        self.visit.choose(index)?;
        self.score_if_finished();
        Ok(())
    }

    /// Picks the reply shown at `position` (0-based) on screen.
    pub fn choose_shown(&mut self, position: usize) -> Result<(), SimError> {
        self.visit.choose_shown(position)?;
        self.score_if_finished();
        Ok(())
    }

    /// Notes the trainee's guess of the customer's type.
    pub fn note_persona(&mut self, kind: PersonaKind) {
        self.visit.note_persona(kind);
    }

    fn score_if_finished(&mut self) {
        if self.visit.finish().is_some() && self.score.is_none() {
            self.score = scoring::score(&self.visit, &self.library.catalogue, &self.library.rubric);
        }
    }

    pub fn visit(&self) -> &Visit {
        &self.visit
    }

    /// The score, once the visit is over.
    pub fn score(&self) -> Option<&Score> {
        self.score.as_ref()
    }

    /// How the visit ended and what it scored, once it is over.
    pub fn result(&self) -> Option<(&Finish, &Score)> {
        Some((self.visit.finish()?, self.score.as_ref()?))
    }

    /// The library the attempt began on (not necessarily the one loaded now).
    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    /// The exact files this attempt is played and scored on: what its record refers to.
    /// (Always there: a visit only begins on a scenario of its library.)
    pub fn version(&self) -> Option<ContentVersion> {
        self.library.version_of(&self.visit.scenario().id)
    }
}
