//! Identifiers. Each kind of thing has its own type, so an organisation id can never be
//! passed where a service id is wanted.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// An organisation: the authority, a provider body, a department, an inspectorate.
    OrganisationId
);
id_type!(
    /// A service an authority defines (children's social care, early help, ...).
    ServiceId
);
id_type!(
    /// An instrument that changes provision (contract, direction, decision, notice).
    InstrumentId
);
id_type!(
    /// One period during which one organisation provided one service.
    ProvisionId
);
id_type!(
    /// A team of staff, working within one service.
    TeamId
);
id_type!(
    /// A post in a team's establishment.
    PostId
);
id_type!(
    /// A member of staff (a person who works, whoever employs them).
    StaffId
);
id_type!(
    /// One period of employment of one staff member in one post by one employer.
    EmploymentId
);
id_type!(
    /// A child (or other person) with a record held by the authority.
    ChildId
);
id_type!(
    /// One involvement of a service with a child (an episode of work).
    InvolvementId
);
id_type!(
    /// A sign-in account.
    UserId
);
id_type!(
    /// A plan to move services from one provider to another.
    TransferPlanId
);
id_type!(
    /// A case note or visit on a child's record.
    NoteId
);
id_type!(
    /// A dated event on a child's record (a conference, a review, a placement, ...).
    EventId
);
id_type!(
    /// One row of a case's allocation history: a worker and team from a day to a day.
    AllocationId
);
id_type!(
    /// Someone in a child's life who has no child's record of their own (a parent, a
    /// carer, a grandparent, ...): one row, shared by every child they are related to.
    RelatedPersonId
);
id_type!(
    /// One relationship between a child and another person.
    RelationshipId
);
id_type!(
    /// A document attached to a child's record.
    AttachmentId
);
