//! Inspections and the authority's history: what the inspectorate found, and the
//! milestones (plans, decisions, consultations) that explain a change of provider.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{DomainError, OrganisationId};

/// Ofsted's four-point judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Judgement {
    /// Outstanding.
    Outstanding,
    /// Good.
    Good,
    /// Requires improvement to be good.
    RequiresImprovement,
    /// Inadequate.
    Inadequate,
}

impl Judgement {
    /// Every judgement, best first.
    pub const ALL: [Judgement; 4] = [
        Judgement::Outstanding,
        Judgement::Good,
        Judgement::RequiresImprovement,
        Judgement::Inadequate,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Judgement::Outstanding => "outstanding",
            Judgement::Good => "good",
            Judgement::RequiresImprovement => "requires_improvement",
            Judgement::Inadequate => "inadequate",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|j| j.code() == code)
            .ok_or_else(|| DomainError::invalid("judgement", format!("unknown judgement {code:?}")))
    }

    /// As the inspectorate writes it.
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Outstanding => "Outstanding",
            Judgement::Good => "Good",
            Judgement::RequiresImprovement => "Requires improvement to be good",
            Judgement::Inadequate => "Inadequate",
        }
    }
}

/// An inspection of the authority's services and its overall judgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// The authority inspected.
    pub authority: OrganisationId,
    /// The inspectorate.
    pub inspectorate: OrganisationId,
    /// The day the report was published.
    pub published_on: NaiveDate,
    /// Overall effectiveness.
    pub judgement: Judgement,
    /// What the report found, in a sentence or two.
    pub summary: String,
}

/// A dated event in the authority's story that is not itself an instrument: a plan
/// started, a consultation meeting, integration completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// The authority.
    pub authority: OrganisationId,
    /// When.
    pub occurred_on: NaiveDate,
    /// What, in a few words.
    pub title: String,
    /// More detail.
    pub description: String,
}
