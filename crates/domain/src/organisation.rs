//! Organisations that hold a duty, deliver a service, direct or inspect.

use serde::{Deserialize, Serialize};

use crate::{DomainError, OrganisationId};

/// What part an organisation plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrganisationKind {
    /// The council: keeps the statutory duty and is the data controller of every record.
    LocalAuthority,
    /// A body that delivers services on the authority's behalf, such as a children's trust.
    ProviderBody,
    /// A government department that can issue directions (the DfE).
    GovernmentDepartment,
    /// The inspectorate (Ofsted).
    Inspectorate,
}

impl OrganisationKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::LocalAuthority,
        OrganisationKind::ProviderBody,
        OrganisationKind::GovernmentDepartment,
        OrganisationKind::Inspectorate,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            OrganisationKind::LocalAuthority => "local_authority",
            OrganisationKind::ProviderBody => "provider_body",
            OrganisationKind::GovernmentDepartment => "government_department",
            OrganisationKind::Inspectorate => "inspectorate",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| {
                DomainError::invalid("organisation kind", format!("unknown kind {code:?}"))
            })
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::LocalAuthority => "Local authority",
            OrganisationKind::ProviderBody => "Provider body",
            OrganisationKind::GovernmentDepartment => "Government department",
            OrganisationKind::Inspectorate => "Inspectorate",
        }
    }

    /// Whether an organisation of this kind can deliver services (and employ their staff).
    pub fn can_provide(self) -> bool {
        matches!(
            self,
            OrganisationKind::LocalAuthority | OrganisationKind::ProviderBody
        )
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its id.
    pub id: OrganisationId,
    /// Full name, e.g. "Northmoor Metropolitan Borough Council".
    pub name: String,
    /// Short name for tables and timelines, e.g. "The council".
    pub short_name: String,
    /// What part it plays.
    pub kind: OrganisationKind,
    /// A line about it, shown on its page.
    pub description: String,
}
