//! Demo children's families: a birth mother for every child, a father for most, and
//! now and then a grandparent who cares for the child, each a related person of their
//! own with parental responsibility as the law would give it. Fictional names from the
//! same lists as the children.
//!
//! Each child's family comes from its own random stream (apart from its history and its
//! person's details), so it is the same however the children are chunked.

use carebridge_domain::child::Child;
use carebridge_domain::relationships::{
    NewPerson, RelationshipKind, RelativeRecord, ResponsibilityBasis,
};
use carebridge_domain::RelatedPersonId;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::days::{between, chance, date_of, day, years_before};
use crate::names::{person_name, GivenNames};
use crate::DemoParams;

/// Families use streams from here up (histories use 0..=u32::MAX, details 2^33 up).
const STREAM_BASE: u64 = 1 << 34;

/// At most this many relatives per child; related people's ids are
/// `child id × RELATIVES_PER_CHILD + n`, so they are fixed by the child (and a record
/// added through the application later takes the next free id).
pub const RELATIVES_PER_CHILD: i64 = 4;

/// The family of `child` (the child at `index`).
pub(crate) fn family(params: &DemoParams, index: u32, child: &Child) -> Vec<RelativeRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(STREAM_BASE + u64::from(index));
    let born = child.date_of_birth;
    let parent_born = |rng: &mut ChaCha8Rng, youngest: u32, oldest: u32| {
        date_of(between(
            rng,
            day(years_before(born, oldest)),
            day(years_before(born, youngest)),
        ))
    };
    let mut out = Vec::new();
    let mut add = |kind, person, responsibility| {
        let n = i64::try_from(out.len()).unwrap_or(0);
        out.push(RelativeRecord {
            child: child.id,
            person_id: RelatedPersonId(child.id.0 * RELATIVES_PER_CHILD + n),
            kind,
            person,
            responsibility,
        });
    };
    // The mother usually shares the child's family name.
    let (given, family) = person_name(&mut rng, GivenNames::Girls);
    let mother_family = if chance(&mut rng, 75) {
        child.family_name.clone()
    } else {
        family.to_owned()
    };
    let mother_born = parent_born(&mut rng, 16, 42);
    add(
        RelationshipKind::Mother,
        NewPerson {
            given_name: given.to_owned(),
            family_name: mother_family,
            date_of_birth: Some(mother_born),
        },
        Some(ResponsibilityBasis::BirthMother),
    );
    // A father known for most children; with PR when married or registered at the
    // birth, sometimes by agreement or order, sometimes none.
    if chance(&mut rng, 70) {
        let (given, family) = person_name(&mut rng, GivenNames::Boys);
        let father_family = if chance(&mut rng, 60) {
            child.family_name.clone()
        } else {
            family.to_owned()
        };
        let responsibility = match rng.gen_range(0..100) {
            0..=39 => Some(ResponsibilityBasis::MarriedOrCivilPartners),
            40..=74 => Some(ResponsibilityBasis::BirthRegistration),
            75..=79 => Some(ResponsibilityBasis::ResponsibilityOrder),
            _ => None,
        };
        add(
            RelationshipKind::Father,
            NewPerson {
                given_name: given.to_owned(),
                family_name: father_family,
                date_of_birth: chance(&mut rng, 85).then(|| parent_born(&mut rng, 17, 50)),
            },
            responsibility,
        );
    }
    // Now and then a grandmother, some of them special guardians.
    if chance(&mut rng, 12) {
        let (given, _) = person_name(&mut rng, GivenNames::Girls);
        let guardian = chance(&mut rng, 30);
        add(
            if guardian {
                RelationshipKind::SpecialGuardian
            } else {
                RelationshipKind::Grandparent
            },
            NewPerson {
                given_name: given.to_owned(),
                family_name: child.family_name.clone(),
                date_of_birth: Some(date_of(between(
                    &mut rng,
                    day(years_before(mother_born, 45)),
                    day(years_before(mother_born, 16)),
                ))),
            },
            guardian.then_some(ResponsibilityBasis::SpecialGuardianshipOrder),
        );
    }
    out
}
