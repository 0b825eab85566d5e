//! A child's family and significant people: parents, carers, siblings and others, and
//! who holds parental responsibility (PR).
//!
//! The other person is either another child with a record of their own (a brother, or a
//! young mother who is herself looked after) or a *related person*: one row per person,
//! shared by every child they are related to, so two sisters point at the same mother
//! rather than each holding a copy of her.
//!
//! Parental responsibility follows the Children Act 1989: a birth mother always has it
//! (s.2(1), (2)(a)); a father or second female parent has it when married to, or in a
//! civil partnership with, the mother at the birth (s.2(1), (1A)), when registered on the
//! birth certificate (s.4(1)(a), s.4ZA(1)(a); for fathers since 1 December 2003), or
//! by agreement or court order (s.4(1)(b)–(c), s.4ZA(1)(b)–(c)); a step-parent by
//! agreement or order (s.4A); others through a child arrangements order naming them as
//! someone the child lives with (s.12(2)), a special guardianship order (s.14C), or
//! appointment as guardian (s.5). An adoption order gives it to the adopters and ends
//! everyone else's (Adoption and Children Act 2002 s.46). A local authority's PR under a
//! care order (s.33(3)) belongs to the authority, not a person, so it is not recorded
//! here. [`check_relationship`] refuses a basis that cannot apply to the relationship.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::casefile::Problems;
use crate::{ChildId, DomainError, RelatedPersonId, RelationshipId};

/// The longest name part accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// How the other person is related to the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RelationshipKind {
    /// Birth mother.
    Mother,
    /// Birth father.
    Father,
    /// Another legal parent (e.g. a second female parent).
    Parent,
    /// Adoptive parent.
    AdoptiveParent,
    /// Step-parent (married to or the civil partner of a parent).
    StepParent,
    /// Grandparent.
    Grandparent,
    /// Aunt or uncle.
    AuntOrUncle,
    /// Full sibling.
    Sibling,
    /// Half-sibling.
    HalfSibling,
    /// Step-sibling.
    StepSibling,
    /// Foster carer.
    FosterCarer,
    /// Family and friends (kinship) carer.
    KinshipCarer,
    /// Special guardian.
    SpecialGuardian,
    /// Someone else who matters to the child.
    OtherSignificant,
}

impl RelationshipKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [RelationshipKind; 14] = [
        RelationshipKind::Mother,
        RelationshipKind::Father,
        RelationshipKind::Parent,
        RelationshipKind::AdoptiveParent,
        RelationshipKind::StepParent,
        RelationshipKind::Grandparent,
        RelationshipKind::AuntOrUncle,
        RelationshipKind::Sibling,
        RelationshipKind::HalfSibling,
        RelationshipKind::StepSibling,
        RelationshipKind::FosterCarer,
        RelationshipKind::KinshipCarer,
        RelationshipKind::SpecialGuardian,
        RelationshipKind::OtherSignificant,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            RelationshipKind::Mother => "mother",
            RelationshipKind::Father => "father",
            RelationshipKind::Parent => "parent",
            RelationshipKind::AdoptiveParent => "adoptive-parent",
            RelationshipKind::StepParent => "step-parent",
            RelationshipKind::Grandparent => "grandparent",
            RelationshipKind::AuntOrUncle => "aunt-or-uncle",
            RelationshipKind::Sibling => "sibling",
            RelationshipKind::HalfSibling => "half-sibling",
            RelationshipKind::StepSibling => "step-sibling",
            RelationshipKind::FosterCarer => "foster-carer",
            RelationshipKind::KinshipCarer => "kinship-carer",
            RelationshipKind::SpecialGuardian => "special-guardian",
            RelationshipKind::OtherSignificant => "other",
        }
    }

    /// What the other person is to the child, as a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            RelationshipKind::Mother => "Mother",
            RelationshipKind::Father => "Father",
            RelationshipKind::Parent => "Parent",
            RelationshipKind::AdoptiveParent => "Adoptive parent",
            RelationshipKind::StepParent => "Step-parent",
            RelationshipKind::Grandparent => "Grandparent",
            RelationshipKind::AuntOrUncle => "Aunt or uncle",
            RelationshipKind::Sibling => "Sibling",
            RelationshipKind::HalfSibling => "Half-sibling",
            RelationshipKind::StepSibling => "Step-sibling",
            RelationshipKind::FosterCarer => "Foster carer",
            RelationshipKind::KinshipCarer => "Family and friends carer",
            RelationshipKind::SpecialGuardian => "Special guardian",
            RelationshipKind::OtherSignificant => "Other significant person",
        }
    }

    /// What the child is to the other person, for the other child's page when the
    /// other person is a child with a record ("Mother" seen from the mother's side is
    /// "Child").
    pub fn inverse_label(self) -> &'static str {
        match self {
            RelationshipKind::Mother
            | RelationshipKind::Father
            | RelationshipKind::Parent
            | RelationshipKind::AdoptiveParent => "Child",
            RelationshipKind::StepParent => "Step-child",
            RelationshipKind::Grandparent => "Grandchild",
            RelationshipKind::AuntOrUncle => "Niece or nephew",
            RelationshipKind::Sibling
            | RelationshipKind::HalfSibling
            | RelationshipKind::StepSibling
            | RelationshipKind::OtherSignificant => self.label(),
            RelationshipKind::FosterCarer
            | RelationshipKind::KinshipCarer
            | RelationshipKind::SpecialGuardian => "Child they care for",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown relationship {code:?}")))
    }

    /// The bases of parental responsibility that can apply to this relationship.
    pub fn possible_bases(self) -> &'static [ResponsibilityBasis] {
        use ResponsibilityBasis as B;
        match self {
            RelationshipKind::Mother => &[B::BirthMother, B::ChildArrangementsOrder],
            RelationshipKind::Father | RelationshipKind::Parent => &[
                B::MarriedOrCivilPartners,
                B::BirthRegistration,
                B::Agreement,
                B::ResponsibilityOrder,
                B::ChildArrangementsOrder,
            ],
            RelationshipKind::AdoptiveParent => &[B::AdoptionOrder],
            RelationshipKind::StepParent => &[
                B::Agreement,
                B::ResponsibilityOrder,
                B::ChildArrangementsOrder,
            ],
            RelationshipKind::SpecialGuardian => &[B::SpecialGuardianshipOrder],
            RelationshipKind::Grandparent
            | RelationshipKind::AuntOrUncle
            | RelationshipKind::Sibling
            | RelationshipKind::HalfSibling
            | RelationshipKind::StepSibling
            | RelationshipKind::KinshipCarer
            | RelationshipKind::OtherSignificant => &[
                B::ChildArrangementsOrder,
                B::SpecialGuardianshipOrder,
                B::Guardian,
            ],
            // A foster carer acts under the authority's PR (delegated authority), and
            // holds none of their own.
            RelationshipKind::FosterCarer => &[],
        }
    }
}

/// How a person came to hold parental responsibility for the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ResponsibilityBasis {
    /// Birth mother (Children Act 1989 s.2(1), (2)(a)).
    BirthMother,
    /// Married to, or in a civil partnership with, the mother at the birth (s.2(1), (1A)).
    MarriedOrCivilPartners,
    /// Registered as a parent on the birth certificate (s.4(1)(a), s.4ZA(1)(a)).
    BirthRegistration,
    /// A parental responsibility agreement (s.4(1)(b), s.4ZA(1)(b), s.4A(1)(a)).
    Agreement,
    /// A parental responsibility order (s.4(1)(c), s.4ZA(1)(c), s.4A(1)(b)).
    ResponsibilityOrder,
    /// A child arrangements order naming them as someone the child lives with (s.12(2)).
    ChildArrangementsOrder,
    /// A special guardianship order (s.14C).
    SpecialGuardianshipOrder,
    /// An adoption order (Adoption and Children Act 2002 s.46).
    AdoptionOrder,
    /// Appointed guardian (s.5).
    Guardian,
}

impl ResponsibilityBasis {
    /// Every basis, in the order the form offers them.
    pub const ALL: [ResponsibilityBasis; 9] = [
        ResponsibilityBasis::BirthMother,
        ResponsibilityBasis::MarriedOrCivilPartners,
        ResponsibilityBasis::BirthRegistration,
        ResponsibilityBasis::Agreement,
        ResponsibilityBasis::ResponsibilityOrder,
        ResponsibilityBasis::ChildArrangementsOrder,
        ResponsibilityBasis::SpecialGuardianshipOrder,
        ResponsibilityBasis::AdoptionOrder,
        ResponsibilityBasis::Guardian,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            ResponsibilityBasis::BirthMother => "birth-mother",
            ResponsibilityBasis::MarriedOrCivilPartners => "married",
            ResponsibilityBasis::BirthRegistration => "birth-registration",
            ResponsibilityBasis::Agreement => "agreement",
            ResponsibilityBasis::ResponsibilityOrder => "pr-order",
            ResponsibilityBasis::ChildArrangementsOrder => "child-arrangements-order",
            ResponsibilityBasis::SpecialGuardianshipOrder => "special-guardianship-order",
            ResponsibilityBasis::AdoptionOrder => "adoption-order",
            ResponsibilityBasis::Guardian => "guardian",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            ResponsibilityBasis::BirthMother => "Birth mother",
            ResponsibilityBasis::MarriedOrCivilPartners => {
                "Married to or civil partner of the mother at the birth"
            }
            ResponsibilityBasis::BirthRegistration => "Named on the birth certificate",
            ResponsibilityBasis::Agreement => "Parental responsibility agreement",
            ResponsibilityBasis::ResponsibilityOrder => "Parental responsibility order",
            ResponsibilityBasis::ChildArrangementsOrder => "Child arrangements order (lives with)",
            ResponsibilityBasis::SpecialGuardianshipOrder => "Special guardianship order",
            ResponsibilityBasis::AdoptionOrder => "Adoption order",
            ResponsibilityBasis::Guardian => "Appointed guardian",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| {
                DomainError::invalid(
                    "basis",
                    format!("unknown basis of parental responsibility {code:?}"),
                )
            })
    }
}

/// A new related person: someone with no child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPerson {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth, when known.
    pub date_of_birth: Option<NaiveDate>,
}

/// Who the other person is, as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtherInput {
    /// Not chosen.
    Unchosen,
    /// Another child with a record (by Carebridge ID), if the ID could be read.
    Child(Option<ChildId>),
    /// Someone already recorded for the family.
    Known(Option<RelatedPersonId>),
    /// Someone new.
    New {
        /// Given name.
        given_name: String,
        /// Family name.
        family_name: String,
        /// Date of birth, if given.
        date_of_birth: Option<NaiveDate>,
    },
}

/// The other person of a checked relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Other {
    /// A child with a record.
    Child(ChildId),
    /// A related person already recorded.
    Known(RelatedPersonId),
    /// A related person to record.
    New(NewPerson),
}

/// A relationship as the form gives it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipInput {
    /// What the other person is to the child.
    pub kind: Option<RelationshipKind>,
    /// Who.
    pub other: OtherInput,
    /// Do they hold parental responsibility?
    pub responsibility: Option<bool>,
    /// If they do: how.
    pub basis: Option<ResponsibilityBasis>,
    /// From when (blank when not known, e.g. from birth).
    pub from: Option<NaiveDate>,
}

/// A checked relationship, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelationship {
    /// What the other person is to the child.
    pub kind: RelationshipKind,
    /// Who.
    pub other: Other,
    /// How they hold parental responsibility, if they do.
    pub responsibility: Option<ResponsibilityBasis>,
    /// From when, if known.
    pub from: Option<NaiveDate>,
}

/// Checks a relationship to `child`: every problem at once. `known` is the people
/// already recorded for the child's family (a known person must be one of them);
/// `today` bounds the dates.
pub fn check_relationship(
    child: ChildId,
    input: RelationshipInput,
    known: &[RelatedPersonId],
    today: NaiveDate,
) -> Result<NewRelationship, Problems> {
    let mut problems = Problems::new();
    if input.kind.is_none() {
        problems.add("kind", "Select how they are related to the child");
    }
    let other = match input.other {
        OtherInput::Unchosen => {
            problems.add("other", "Select who they are");
            None
        }
        OtherInput::Child(None) => {
            problems.add(
                "other_child",
                "Enter the Carebridge ID of the child's record, like 1042",
            );
            None
        }
        OtherInput::Child(Some(id)) if id == child => {
            problems.add(
                "other_child",
                "Enter the ID of another child's record, not this one",
            );
            None
        }
        OtherInput::Child(Some(id)) => Some(Other::Child(id)),
        OtherInput::Known(Some(id)) if known.contains(&id) => Some(Other::Known(id)),
        OtherInput::Known(_) => {
            problems.add("known", "Select someone already recorded for the family");
            None
        }
        OtherInput::New {
            given_name,
            family_name,
            date_of_birth,
        } => {
            let given_name = given_name.trim().to_owned();
            let family_name = family_name.trim().to_owned();
            for (field, value, what) in [
                ("given_name", &given_name, "first name"),
                ("family_name", &family_name, "last name"),
            ] {
                if value.is_empty() {
                    problems.add(field, format!("Enter their {what}"));
                } else if value.chars().count() > MAX_NAME_CHARS {
                    problems.add(
                        field,
                        format!("Their {what} must be {MAX_NAME_CHARS} characters or fewer"),
                    );
                }
            }
            if date_of_birth.is_some_and(|d| d > today) {
                problems.add("born", "Their date of birth must be in the past");
            }
            Some(Other::New(NewPerson {
                given_name,
                family_name,
                date_of_birth,
            }))
        }
    };
    let responsibility = match (input.responsibility, input.basis, input.kind) {
        (None, _, _) => {
            problems.add(
                "responsibility",
                "Select whether they have parental responsibility",
            );
            None
        }
        (Some(false), _, _) => None,
        (Some(true), None, _) => {
            problems.add("basis", "Select how they have parental responsibility");
            None
        }
        (Some(true), Some(basis), Some(kind)) if !kind.possible_bases().contains(&basis) => {
            problems.add(
                "basis",
                match kind.possible_bases() {
                    [] => format!(
                        "A {} does not hold parental responsibility of their own",
                        kind.label().to_lowercase()
                    ),
                    bases => format!(
                        "A {} can have parental responsibility only through: {}",
                        kind.label().to_lowercase(),
                        bases
                            .iter()
                            .map(|b| b.label().to_lowercase())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                },
            );
            None
        }
        (Some(true), Some(basis), _) => Some(basis),
    };
    if input.from.is_some_and(|d| d > today) {
        problems.add("from", "The date it started must be today or in the past");
    }
    match (input.kind, other) {
        (Some(kind), Some(other)) if problems.is_empty() => Ok(NewRelationship {
            kind,
            other,
            responsibility,
            from: input.from,
        }),
        _ => Err(problems),
    }
}

/// Checks the day a relationship ended (the last day it held): it must be given, not
/// in the future, not before it started, and the relationship must not have ended
/// already. Ending it ends any parental responsibility recorded with it (as a special
/// guardianship order or child arrangements order ending would).
pub fn check_ending(
    relationship: &Relationship,
    ended: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, Problems> {
    let mut problems = Problems::new();
    if let Some(to) = relationship.to {
        problems.add(
            "ended",
            format!("This relationship was already recorded as ended on {to}"),
        );
        return Err(problems);
    }
    match ended {
        None => problems.add("ended", "Enter the date the relationship ended"),
        Some(day) if day > today => {
            problems.add("ended", "The date it ended must be today or in the past")
        }
        Some(day) if relationship.from.is_some_and(|from| day < from) => problems.add(
            "ended",
            format!(
                "The date it ended must be on or after the day it started, {}",
                relationship.from.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        Some(_) => {}
    }
    match ended {
        Some(day) if problems.is_empty() => Ok(day),
        _ => Err(problems),
    }
}

/// A relationship with a related person whose id is fixed in advance, for loading many
/// at once (the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelativeRecord {
    /// Whose relative.
    pub child: ChildId,
    /// The related person's id.
    pub person_id: RelatedPersonId,
    /// Who they are to the child.
    pub kind: RelationshipKind,
    /// Their name and date of birth.
    pub person: NewPerson,
    /// How they hold parental responsibility, if they do.
    pub responsibility: Option<ResponsibilityBasis>,
}

/// Someone already recorded for a child's family, offered on the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedPersonOption {
    /// Their id.
    pub id: RelatedPersonId,
    /// Their name.
    pub name: String,
    /// Their date of birth, when known.
    pub date_of_birth: Option<NaiveDate>,
}

/// A stored relationship, as seen from one child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    /// Its id.
    pub id: RelationshipId,
    /// What the other person is to this child, in words (the inverse when the
    /// relationship was recorded on the other child's record).
    pub label: String,
    /// The relationship as recorded.
    pub kind: RelationshipKind,
    /// Whether it was recorded on the other child's record (so `label` is the inverse).
    pub recorded_on_other: bool,
    /// The other child's record, when they have one.
    pub other_child: Option<ChildId>,
    /// The related person, when they have no child's record.
    pub person: Option<RelatedPersonId>,
    /// The other person's name.
    pub name: String,
    /// Their date of birth, when known.
    pub date_of_birth: Option<NaiveDate>,
    /// How the other person holds parental responsibility for *this* child, if they do
    /// (never set when seen from the other side: a child's PR for another is recorded on
    /// that other's record).
    pub responsibility: Option<ResponsibilityBasis>,
    /// From when, if known.
    pub from: Option<NaiveDate>,
    /// Until when, if it has ended.
    pub to: Option<NaiveDate>,
    /// Who recorded it (display name at the time).
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn input(kind: RelationshipKind, other: OtherInput) -> RelationshipInput {
        RelationshipInput {
            kind: Some(kind),
            other,
            responsibility: Some(false),
            basis: None,
            from: None,
        }
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn check(i: RelationshipInput) -> Result<NewRelationship, Problems> {
        check_relationship(
            ChildId(1),
            i,
            &[RelatedPersonId(7)],
            day(TODAY.0, TODAY.1, TODAY.2),
        )
    }

    fn fields(p: Problems) -> Vec<&'static str> {
        p.0.iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_birth_mother_with_responsibility_is_accepted() {
        let mut i = input(
            RelationshipKind::Mother,
            OtherInput::New {
                given_name: " Dawn ".into(),
                family_name: "Ashby".into(),
                date_of_birth: Some(day(1990, 5, 1)),
            },
        );
        i.responsibility = Some(true);
        i.basis = Some(ResponsibilityBasis::BirthMother);
        let r = check(i).unwrap();
        assert_eq!(r.responsibility, Some(ResponsibilityBasis::BirthMother));
        assert_eq!(
            r.other,
            Other::New(NewPerson {
                given_name: "Dawn".into(),
                family_name: "Ashby".into(),
                date_of_birth: Some(day(1990, 5, 1)),
            })
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let i = RelationshipInput {
            kind: None,
            other: OtherInput::Unchosen,
            responsibility: None,
            basis: None,
            from: Some(day(2030, 1, 1)),
        };
        assert_eq!(
            fields(check(i).unwrap_err()),
            ["kind", "other", "responsibility", "from"]
        );
        let i = input(
            RelationshipKind::Father,
            OtherInput::New {
                given_name: "".into(),
                family_name: "x".repeat(MAX_NAME_CHARS + 1),
                date_of_birth: Some(day(2027, 1, 1)),
            },
        );
        assert_eq!(
            fields(check(i).unwrap_err()),
            ["given_name", "family_name", "born"]
        );
    }

    #[test]
    fn the_other_must_be_another_child_or_a_known_person() {
        let i = input(
            RelationshipKind::Sibling,
            OtherInput::Child(Some(ChildId(1))),
        );
        assert_eq!(fields(check(i).unwrap_err()), ["other_child"]);
        let i = input(RelationshipKind::Sibling, OtherInput::Child(None));
        assert_eq!(fields(check(i).unwrap_err()), ["other_child"]);
        let i = input(
            RelationshipKind::Sibling,
            OtherInput::Child(Some(ChildId(2))),
        );
        assert_eq!(check(i).unwrap().other, Other::Child(ChildId(2)));
        let i = input(
            RelationshipKind::Mother,
            OtherInput::Known(Some(RelatedPersonId(8))),
        );
        assert_eq!(fields(check(i).unwrap_err()), ["known"]);
        let i = input(
            RelationshipKind::Mother,
            OtherInput::Known(Some(RelatedPersonId(7))),
        );
        assert_eq!(check(i).unwrap().other, Other::Known(RelatedPersonId(7)));
    }

    #[test]
    fn a_basis_must_fit_the_relationship() {
        let with = |kind, basis| {
            let mut i = input(kind, OtherInput::Child(Some(ChildId(2))));
            i.responsibility = Some(true);
            i.basis = basis;
            check(i)
        };
        use RelationshipKind as K;
        use ResponsibilityBasis as B;
        // A father does not have PR as a birth mother; a foster carer has none.
        let p = with(K::Father, Some(B::BirthMother)).unwrap_err();
        assert!(p
            .of("basis")
            .unwrap()
            .contains("named on the birth certificate"));
        let p = with(K::FosterCarer, Some(B::ChildArrangementsOrder)).unwrap_err();
        assert!(p.of("basis").unwrap().contains("does not hold"));
        assert_eq!(fields(with(K::Father, None).unwrap_err()), ["basis"]);
        // Every kind accepts exactly its possible bases.
        for kind in K::ALL {
            for basis in B::ALL {
                assert_eq!(
                    with(kind, Some(basis)).is_ok(),
                    kind.possible_bases().contains(&basis),
                    "{kind:?} {basis:?}"
                );
            }
        }
        // Without PR a basis is ignored.
        let mut i = input(K::Father, OtherInput::Child(Some(ChildId(2))));
        i.basis = Some(B::Agreement);
        assert_eq!(check(i).unwrap().responsibility, None);
    }

    #[test]
    fn codes_read_back() {
        for k in RelationshipKind::ALL {
            assert_eq!(RelationshipKind::parse(k.code()).unwrap(), k);
        }
        for b in ResponsibilityBasis::ALL {
            assert_eq!(ResponsibilityBasis::parse(b.code()).unwrap(), b);
        }
        assert!(RelationshipKind::parse("cousin").is_err());
    }

    fn recorded(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Relationship {
        Relationship {
            id: RelationshipId(3),
            label: "Foster carer".into(),
            kind: RelationshipKind::FosterCarer,
            recorded_on_other: false,
            other_child: None,
            person: Some(RelatedPersonId(7)),
            name: "Sam Okafor".into(),
            date_of_birth: None,
            responsibility: None,
            from,
            to,
            recorded_by: "A Worker".into(),
            recorded_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn an_ending_needs_a_past_date_after_the_start() {
        let today = day(TODAY.0, TODAY.1, TODAY.2);
        let started = Some(day(2024, 9, 1));
        let open = recorded(started, None);
        assert_eq!(check_ending(&open, Some(today), today), Ok(today));
        assert_eq!(
            check_ending(&open, Some(day(2024, 9, 1)), today),
            Ok(day(2024, 9, 1)),
            "it may end the day it started"
        );
        for bad in [None, Some(day(2024, 8, 31)), today.succ_opt()] {
            let problems = check_ending(&open, bad, today).unwrap_err();
            assert_eq!(fields(problems), ["ended"], "{bad:?}");
        }
        // With no start recorded any past day will do.
        assert!(check_ending(&recorded(None, None), Some(day(2011, 1, 1)), today).is_ok());
        // Once ended it cannot end again.
        let ended = recorded(started, Some(day(2025, 1, 1)));
        assert!(check_ending(&ended, Some(today), today).is_err());
    }
}
