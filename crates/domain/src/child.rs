//! Children's records: one record per child, owned by the authority, whoever delivers.
//!
//! Nothing in a child's record names the provider: which organisation delivered a piece
//! of work is *derived* from the provision of its service on the work's dates. So a
//! change of provider never touches these rows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ChildId, DomainError, InvolvementId, Period, ServiceId, TeamId};

/// Sex as recorded for the statutory returns (CIN census / SSDA903 codes 1, 2, and 0/9
/// for not known / not recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Code 1.
    Male,
    /// Code 2.
    Female,
    /// Code 0 (CIN) — not known, e.g. an unborn child.
    NotKnown,
}

impl Sex {
    /// The DfE code.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
            Sex::NotKnown => "0",
        }
    }

    /// Reads a DfE code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        match code.trim() {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "0" | "9" => Ok(Sex::NotKnown),
            other => Err(DomainError::invalid(
                "sex",
                format!("must be 1, 2 or 0, not {other:?}"),
            )),
        }
    }
}

/// A child known to the authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// Carebridge id.
    pub id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
}

/// What kind of work an involvement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvolvementKind {
    /// Early help episode.
    EarlyHelp,
    /// Referral to children's social care, through to assessment outcome.
    Referral,
    /// Child in need plan.
    ChildInNeed,
    /// Child protection plan.
    ChildProtection,
    /// Looked-after episode.
    LookedAfter,
    /// Care leaver support.
    CareLeaver,
    /// Disabled children's service involvement (assessment, short breaks).
    DisabledChildren,
    /// Virtual school: education of a child in care.
    VirtualSchool,
}

impl InvolvementKind {
    /// Every kind.
    pub const ALL: [InvolvementKind; 8] = [
        InvolvementKind::EarlyHelp,
        InvolvementKind::Referral,
        InvolvementKind::ChildInNeed,
        InvolvementKind::ChildProtection,
        InvolvementKind::LookedAfter,
        InvolvementKind::CareLeaver,
        InvolvementKind::DisabledChildren,
        InvolvementKind::VirtualSchool,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            InvolvementKind::EarlyHelp => "early_help",
            InvolvementKind::Referral => "referral",
            InvolvementKind::ChildInNeed => "child_in_need",
            InvolvementKind::ChildProtection => "child_protection",
            InvolvementKind::LookedAfter => "looked_after",
            InvolvementKind::CareLeaver => "care_leaver",
            InvolvementKind::DisabledChildren => "disabled_children",
            InvolvementKind::VirtualSchool => "virtual_school",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| {
                DomainError::invalid("involvement kind", format!("unknown kind {code:?}"))
            })
    }

    /// The work a child's first involvement with a service is, by the service's code:
    /// an early help episode, a disabled children's service involvement, the virtual
    /// school, or otherwise (children's social care) a referral.
    pub fn first_with(service_code: &str) -> Self {
        match service_code {
            "EH" => InvolvementKind::EarlyHelp,
            "DCS" => InvolvementKind::DisabledChildren,
            "VS" => InvolvementKind::VirtualSchool,
            _ => InvolvementKind::Referral,
        }
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            InvolvementKind::EarlyHelp => "Early help",
            InvolvementKind::Referral => "Referral and assessment",
            InvolvementKind::ChildInNeed => "Child in need",
            InvolvementKind::ChildProtection => "Child protection",
            InvolvementKind::LookedAfter => "Looked after",
            InvolvementKind::CareLeaver => "Care leaver",
            InvolvementKind::DisabledChildren => "Disabled children's service",
            InvolvementKind::VirtualSchool => "Virtual school",
        }
    }
}

/// One piece of work by one service with one child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Involvement {
    /// Its id.
    pub id: InvolvementId,
    /// The child.
    pub child: ChildId,
    /// The service that did the work.
    pub service: ServiceId,
    /// The team that holds it, if allocated.
    pub team: Option<TeamId>,
    /// What kind of work.
    pub kind: InvolvementKind,
    /// From when to when.
    pub period: Period,
}
