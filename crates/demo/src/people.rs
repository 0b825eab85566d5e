//! Demo children as people: identifiers, addresses, other names, ethnicity, language,
//! religion, disability and asylum status, generated beside each child's history.
//!
//! Everything is fictional and safe to show: NHS numbers are only in the 999 range,
//! which the NHS never issues to people; postcodes are in the "NM" area, which does not
//! exist in the UK; UPNs carry the LA number 990, which no authority has.
//!
//! Each child's details come from their own random stream (separate from the stream
//! their history comes from), so they are the same however the children are chunked
//! and adding them changed no child's history.

use carebridge_domain::child::{Child, Sex};
use carebridge_domain::identifiers::{NhsNumber, Postcode, Upn};
use carebridge_domain::person::{
    AddressPeriod, Disability, Ethnicity, NameKind, PersonDetails, PersonName, DISABILITIES,
};
use chrono::Datelike;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::days::{between, chance, date_of, day, years_after};
use crate::names::{person_name, GivenNames};
use crate::DemoParams;

/// Children's details use streams from here up (histories use 0..=u32::MAX).
const STREAM_BASE: u64 = 1 << 33;

/// Ethnicity codes with weights (roughly a northern English authority's children).
const ETHNICITY_WEIGHTS: [(&str, u32); 14] = [
    ("WBRI", 700),
    ("WOTH", 60),
    ("WIRI", 5),
    ("WROM", 15),
    ("MWBC", 25),
    ("MWAS", 15),
    ("MOTH", 20),
    ("APKN", 40),
    ("AIND", 10),
    ("ABAN", 5),
    ("BAFR", 30),
    ("BCRB", 10),
    ("OOTH", 25),
    ("NOBT", 40),
];

const LANGUAGES: [(&str, u32); 8] = [
    ("English", 850),
    ("Polish", 30),
    ("Urdu", 30),
    ("Arabic", 20),
    ("Romanian", 20),
    ("Punjabi", 15),
    ("Kurdish", 15),
    ("Tigrinya", 20),
];

const RELIGIONS: [(&str, u32); 7] = [
    ("No religion", 400),
    ("Christian", 300),
    ("Muslim", 90),
    ("Hindu", 10),
    ("Sikh", 10),
    ("Jewish", 5),
    ("Not recorded", 185),
];

/// Letters a postcode's inward code uses (never C, I, K, M, O, V).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn weighted<'a>(rng: &mut impl Rng, list: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = list.iter().map(|(_, w)| w).sum();
    let mut n = rng.gen_range(0..total.max(1));
    for (item, w) in list {
        if n < *w {
            return item;
        }
        n -= w;
    }
    list.first().map_or("", |(item, _)| item)
}

/// A fictional postcode in the NM area.
fn postcode(rng: &mut impl Rng) -> Option<Postcode> {
    let letter =
        |rng: &mut ChaCha8Rng| char::from(INWARD_LETTERS[rng.gen_range(0..INWARD_LETTERS.len())]);
    let mut r = ChaCha8Rng::seed_from_u64(rng.gen());
    let text = format!(
        "NM{} {}{}{}",
        r.gen_range(1..=24),
        r.gen_range(1..=9),
        letter(&mut r),
        letter(&mut r)
    );
    Postcode::parse(&text).ok()
}

/// A test-range NHS number for the child at `index`, unique for the first million
/// children (a bijection of the index onto 999 000 000..999 999 999); `None` for the
/// one in eleven whose nine digits have no check digit, as for a child whose number
/// is not known.
fn nhs_number(index: u32) -> Option<NhsNumber> {
    let scrambled = (u64::from(index) * 7919 + 12_345) % 1_000_000;
    let nine = 999_000_000 + u32::try_from(scrambled).ok()?;
    NhsNumber::with_check_digit(nine)
}

/// The details of `child` (the child at `index`).
pub(crate) fn details(params: &DemoParams, index: u32, child: &Child) -> PersonDetails {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(STREAM_BASE + u64::from(index));
    let today = day(params.today);
    let born = day(child.date_of_birth);
    let age = params.today.years_since(child.date_of_birth).unwrap_or(0);
    let unborn = child.date_of_birth > params.today;

    // Addresses: one from birth (for an unborn child, the mother's address since before
    // the referral), then up to three moves.
    let mut addresses = Vec::new();
    let mut from = if unborn { today - 200 } else { born };
    let moves = match rng.gen_range(0..100) {
        0..=54 => 0,
        55..=84 => 1,
        85..=95 => 2,
        _ => 3,
    };
    for m in 0..=moves {
        let Some(pc) = postcode(&mut rng) else {
            continue;
        };
        let last = m == moves;
        let to = if last || from >= today {
            None
        } else {
            Some(between(&mut rng, from, today - 1))
        };
        addresses.push(AddressPeriod {
            line: format!(
                "{} {}",
                rng.gen_range(1..=180),
                weighted(
                    &mut rng,
                    &[
                        ("Moor Lane", 3),
                        ("Mill Street", 3),
                        ("Station Road", 3),
                        ("Church View", 2),
                        ("Colliery Row", 2),
                        ("Beck Side", 1),
                        ("Northgate", 2),
                    ]
                )
            ),
            postcode: pc,
            from: date_of(from),
            to: to.map(date_of),
        });
        match to {
            Some(t) => from = t + 1,
            None => break,
        }
    }

    // Other names: a previous family name (e.g. before adoption or a change of
    // surname), or an alias (another given name the child is known by).
    let mut other_names = Vec::new();
    if !unborn && chance(&mut rng, 8) {
        let (_, family) = person_name(&mut rng, GivenNames::Any);
        let changed = between(&mut rng, born, today);
        other_names.push(PersonName {
            kind: NameKind::Previous,
            given_name: child.given_name.clone(),
            family_name: family.to_owned(),
            from: Some(child.date_of_birth),
            to: Some(date_of((changed - 1).max(born))),
        });
    }
    if !unborn && chance(&mut rng, 5) {
        let (given, _) = person_name(
            &mut rng,
            match child.sex {
                Sex::Male => GivenNames::Boys,
                Sex::Female => GivenNames::Girls,
                Sex::NotKnown => GivenNames::Any,
            },
        );
        other_names.push(PersonName {
            kind: NameKind::Alias,
            given_name: given.to_owned(),
            family_name: child.family_name.clone(),
            from: None,
            to: None,
        });
    }

    // A UPN for children of school age, issued when they started school.
    let upn = if age >= 5 {
        let entered = years_after(child.date_of_birth, 4).year() % 100;
        // Unique for each of the first ten million children (rule 1520: no two
        // children share a UPN); the number drawn is kept so the rest of the person
        // stays as it was.
        let _school = rng.gen_range(2000..2999);
        let twelve = format!(
            "{}{:02}{:07}",
            crate::LA_NUMBER,
            entered,
            index % 10_000_000
        );
        Upn::with_check_letter(&twelve).ok()
    } else {
        None
    };

    let disabilities = match rng.gen_range(0..100) {
        0..=7 if !unborn => {
            let code = DISABILITIES
                .get(rng.gen_range(1..DISABILITIES.len()))
                .map_or("LD", |(c, _)| c);
            // A third of them have a second (from the child's number, not the stream,
            // so the rest of the person is as it was).
            let second = DISABILITIES
                .get(1 + (index as usize * 7) % (DISABILITIES.len() - 1))
                .map(|(c, _)| *c)
                .filter(|c| index.is_multiple_of(3) && *c != code);
            std::iter::once(code)
                .chain(second)
                .filter_map(|c| Disability::parse(c).ok())
                .collect()
        }
        _ if unborn => Vec::new(),
        8..=47 => Disability::parse("NONE").ok().into_iter().collect(),
        _ => Vec::new(),
    };
    let uasc = (14..18).contains(&age) && chance(&mut rng, 2);
    let immigration_status = if uasc {
        Some(
            if chance(&mut rng, 50) {
                "Asylum claim pending"
            } else {
                "Refugee status granted"
            }
            .to_owned(),
        )
    } else {
        None
    };
    let gender = (age >= 12 && chance(&mut rng, 1)).then(|| "Non-binary".to_owned());

    PersonDetails {
        expected_date_of_birth: unborn.then_some(child.date_of_birth),
        gender,
        ethnicity: Ethnicity::parse(weighted(&mut rng, &ETHNICITY_WEIGHTS)).ok(),
        first_language: Some(
            if uasc {
                "Tigrinya"
            } else {
                weighted(&mut rng, &LANGUAGES)
            }
            .to_owned(),
        ),
        religion: Some(weighted(&mut rng, &RELIGIONS).to_owned()),
        nhs_number: if unborn { None } else { nhs_number(index) },
        upn,
        disabilities,
        uasc,
        immigration_status,
        other_names,
        addresses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn nhs_numbers_are_in_the_test_range_and_unique() {
        let mut seen = BTreeSet::new();
        for i in 0..100_000 {
            if let Some(n) = nhs_number(i) {
                assert!(n.digits().starts_with("999"), "{n}");
                assert!(seen.insert(n));
            }
        }
        assert!(seen.len() > 85_000);
    }
}
