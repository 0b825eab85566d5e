//! Staff, posts, teams and employment over time.
//!
//! A post belongs to a team and a team to a service, so the organisation a post works
//! *for* is derived from the provision of its service on the day asked about. Who
//! *employs* the person in the post is a separate, effective-dated fact (employment),
//! because under TUPE the employer changes by law on the transfer date and continuity of
//! employment is kept (`continuous_since`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    DomainError, EmploymentId, OrganisationId, Period, PostId, ServiceId, StaffId, TeamId,
};

/// A team of staff working within one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// The service it works in.
    pub service: ServiceId,
    /// Its name, e.g. "Disabled Children (North)".
    pub name: String,
}

/// A post's reference, e.g. `SW-123`: a prefix of capital letters, a hyphen, digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostCode(String);

impl PostCode {
    /// Reads a post reference.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let text = text.trim();
        let valid = text.split_once('-').is_some_and(|(prefix, number)| {
            (1..=6).contains(&prefix.len())
                && prefix.chars().all(|c| c.is_ascii_uppercase())
                && (1..=6).contains(&number.len())
                && number.chars().all(|c| c.is_ascii_digit())
        });
        if valid {
            Ok(PostCode(text.to_owned()))
        } else {
            Err(DomainError::invalid(
                "post reference",
                format!("must be capital letters, a hyphen and digits, like SW-123, not {text:?}"),
            ))
        }
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PostCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PostCode::parse(&value)
    }
}

impl From<PostCode> for String {
    fn from(value: PostCode) -> Self {
        value.0
    }
}

impl std::fmt::Display for PostCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a person may do in Carebridge, by the post they hold or the account they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Holds cases.
    SocialWorker,
    /// Holds complex cases, supervises.
    SeniorPractitioner,
    /// Manages a team and allocates its work.
    TeamManager,
    /// Manages a service.
    ServiceManager,
    /// Director of children's services or a provider's director.
    Director,
    /// Aggregate and returns data, no case notes.
    PerformanceAnalyst,
    /// The authority's information governance lead.
    InformationGovernanceLead,
    /// Runs the system; no child data by default.
    SystemAdministrator,
    /// Time-limited read access during an inspection.
    Inspector,
    /// A partner professional with time-limited read access to one child.
    PartnerReadOnly,
}

impl Role {
    /// Every role, in the order lists show them.
    pub const ALL: [Role; 10] = [
        Role::SocialWorker,
        Role::SeniorPractitioner,
        Role::TeamManager,
        Role::ServiceManager,
        Role::Director,
        Role::PerformanceAnalyst,
        Role::InformationGovernanceLead,
        Role::SystemAdministrator,
        Role::Inspector,
        Role::PartnerReadOnly,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::SeniorPractitioner => "senior_practitioner",
            Role::TeamManager => "team_manager",
            Role::ServiceManager => "service_manager",
            Role::Director => "director",
            Role::PerformanceAnalyst => "performance_analyst",
            Role::InformationGovernanceLead => "ig_lead",
            Role::SystemAdministrator => "system_admin",
            Role::Inspector => "inspector",
            Role::PartnerReadOnly => "partner_read_only",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|r| r.code()).collect();
                DomainError::invalid(
                    "role",
                    format!(
                        "unknown role {code:?}; expected one of {}",
                        known.join(", ")
                    ),
                )
            })
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            Role::SocialWorker => "Social worker",
            Role::SeniorPractitioner => "Senior practitioner",
            Role::TeamManager => "Team manager",
            Role::ServiceManager => "Service manager",
            Role::Director => "Director",
            Role::PerformanceAnalyst => "Performance analyst",
            Role::InformationGovernanceLead => "Information governance lead",
            Role::SystemAdministrator => "System administrator",
            Role::Inspector => "Inspector",
            Role::PartnerReadOnly => "Partner (read only)",
        }
    }
}

/// A post in a team's establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// Its reference.
    pub code: PostCode,
    /// Job title, e.g. "Social worker".
    pub title: String,
    /// Pay grade, e.g. "SW2".
    pub grade: String,
    /// Full-time equivalent in hundredths (100 = full time), kept whole to stay exact.
    pub fte_hundredths: u16,
    /// The team it sits in.
    pub team: TeamId,
    /// The role its holder has in Carebridge.
    pub role: Role,
}

impl Post {
    /// FTE as a person reads it, e.g. "0.60".
    pub fn fte(&self) -> String {
        format!(
            "{}.{:02}",
            self.fte_hundredths / 100,
            self.fte_hundredths % 100
        )
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Their id.
    pub id: StaffId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Work email.
    pub email: String,
    /// Their Social Work England registration number, when they are a registered
    /// social worker (the 903 names social workers by it).
    pub swe_registration: Option<SweRegistration>,
}

/// A Social Work England registration number: `SW` and up to nine digits, e.g.
/// `SW123456`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SweRegistration(String);

impl SweRegistration {
    /// Reads one, as typed (spaces around it and lower case allowed).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let text = text.trim().to_ascii_uppercase();
        let digits = text.strip_prefix("SW").unwrap_or("");
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "Social Work England registration number",
                format!("{text:?} is not SW followed by its digits, like SW123456"),
            ));
        }
        Ok(SweRegistration(text))
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl StaffMember {
    /// Full name as shown in lists.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// One period of employment of one person in one post by one employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    /// Its id.
    pub id: EmploymentId,
    /// Who.
    pub staff: StaffId,
    /// The employer.
    pub employer: OrganisationId,
    /// The post held.
    pub post: PostId,
    /// From when to when.
    pub period: Period,
    /// Start of continuous employment, kept across TUPE transfers.
    pub continuous_since: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn social_work_england_registration_numbers() {
        assert_eq!(
            SweRegistration::parse(" sw123456 ").unwrap().as_str(),
            "SW123456"
        );
        for bad in ["", "SW", "123456", "XX123456", "SW12a456", "SW1234567890"] {
            assert!(SweRegistration::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn post_codes() {
        assert_eq!(PostCode::parse("SW-123").unwrap().as_str(), "SW-123");
        for bad in [
            "SW123",
            "sw-1",
            "-12",
            "SW-",
            "SWABCDE-1",
            "SW-1234567",
            "S W-1",
        ] {
            assert!(PostCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert!(Role::parse("wizard")
            .unwrap_err()
            .to_string()
            .contains("social_worker"));
    }
}
