//! Rules flagging rows of ChildIdentifiers and ChildCharacteristics (one row per child).

use rustc_hash::FxHashMap;

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::child_characteristics::ETHNICITY;
use crate::cin::cols::child_identifiers::{
    BIRTH, DEATH, EXPECTED_BIRTH, FORMER_UPN, LA_CHILD_ID, SEX, UPN,
};
use crate::cin::TableName::{ChildCharacteristics, ChildIdentifiers};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8500",
        run: rule_8500,
    },
    Rule {
        code: "8510",
        run: rule_8510,
    },
    Rule {
        code: "8520",
        run: rule_8520,
    },
    Rule {
        code: "8525Q",
        run: rule_8525q,
    },
    Rule {
        code: "8535Q",
        run: rule_8535q,
    },
    Rule {
        code: "8545Q",
        run: rule_8545q,
    },
    Rule {
        code: "4180",
        run: rule_4180,
    },
    Rule {
        code: "4220",
        run: rule_4220,
    },
    Rule {
        code: "8750",
        run: rule_8750,
    },
    Rule {
        code: "1570",
        run: rule_1570,
    },
    Rule {
        code: "1580",
        run: rule_1580,
    },
    Rule {
        code: "1510",
        run: rule_1510,
    },
    Rule {
        code: "1520",
        run: rule_1520,
    },
    Rule {
        code: "1530",
        run: rule_1530,
    },
    Rule {
        code: "1540",
        run: rule_1540,
    },
    Rule {
        code: "1550",
        run: rule_1550,
    },
    Rule {
        code: "1560Q",
        run: rule_1560q,
    },
];

/// LA Child ID missing.
fn rule_8500(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| t.text(r, LA_CHILD_ID).is_none());
}

/// More than one child record with the same LA Child ID. (Children with no id count as
/// having the same one, as pandas' `duplicated` counts them.)
fn rule_8510(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let mut count = vec![0u32; c.census.tables().keys()];
    for r in t.rows() {
        if let Some(n) = count.get_mut(t.key(r).0 as usize) {
            *n += 1;
        }
    }
    each_row(f, t, |r| {
        count.get(t.key(r).0 as usize).is_some_and(|n| *n > 1)
    });
}

/// Date of Birth is after data collection period (must be on or before the end of the
/// census period).
fn rule_8520(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let Some(end) = c.reference_date() else {
        return;
    };
    each_row(f, t, |r| t.date(r, BIRTH).is_some_and(|d| d > end));
}

/// Either Date of Birth or Expected Date of Birth must be provided (but not both).
fn rule_8525q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        t.date(r, BIRTH).is_some() == t.date(r, EXPECTED_BIRTH).is_some()
    });
}

/// Child's date of death should not be prior to the date of birth (a death with no
/// birth date is flagged too).
fn rule_8535q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| match (t.date(r, DEATH), t.date(r, BIRTH)) {
        (Some(death), Some(birth)) => birth > death,
        (Some(_), None) => true,
        (None, _) => false,
    });
}

/// Child's date of death should be within the census year. (With no readable
/// ReferenceDate every death is outside it, as in the reference.)
fn rule_8545q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let period = c.period();
    each_row(f, t, |r| {
        t.date(r, DEATH)
            .is_some_and(|d| !period.is_some_and(|(start, end)| (start..=end).contains(&d)))
    });
}

/// Sex must be provided and equal M, F, or U.
fn rule_4180(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| !t.is_in(r, SEX, &["M", "F", "U"]));
}

const ETHNICITIES: &[&str] = &[
    "ABAN", "AIND", "AOTH", "APKN", "BAFR", "BCRB", "BOTH", "CHNE", "MOTH", "MWAS", "MWBA", "MWBC",
    "NOBT", "OOTH", "REFU", "WBRI", "WIRI", "WIRT", "WOTH", "WROM",
];

/// Ethnicity is missing or invalid (see Ethnicity table).
fn rule_4220(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildCharacteristics);
    each_row(f, t, |r| !t.is_in(r, ETHNICITY, ETHNICITIES));
}

/// Sex must equal U for an unborn child.
fn rule_8750(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        t.date(r, BIRTH).is_none() && t.date(r, EXPECTED_BIRTH).is_some() && !t.is(r, SEX, "U")
    });
}

/// LA Child ID must not be longer than 20 characters.
fn rule_1570(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        t.text(r, LA_CHILD_ID)
            .is_some_and(|id| id.chars().count() > 20)
    });
}

/// LA Child ID must not contain any non-alphanumeric characters.
fn rule_1580(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        t.text(r, LA_CHILD_ID)
            .is_some_and(|id| !id.chars().all(char::is_alphanumeric))
    });
}

/// The UPN's characters as a vector (the reference indexes by character).
fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

/// UPN invalid (wrong check letter at character 1). Only 13-character UPNs whose
/// characters 2–13 are all digits are checked.
fn rule_1510(c: &Ctx<'_>, f: &mut Flags) {
    const CHECK: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        let Some(upn) = t.text(r, UPN) else {
            return false;
        };
        let upn = chars(upn);
        if upn.len() != 13 || !upn[1..].iter().all(char::is_ascii_digit) {
            return false;
        }
        let sum = (1..13).fold(0u32, |sum, i| {
            (sum + upn[i].to_digit(10).unwrap_or(0) * (i as u32 + 1)) % 23
        });
        char::from(CHECK[sum as usize]) != upn[0]
    });
}

/// More than one record with the same UPN.
fn rule_1520(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let mut count: FxHashMap<&str, u32> = FxHashMap::default();
    for r in t.rows() {
        if let Some(upn) = t.text(r, UPN) {
            *count.entry(upn).or_default() += 1;
        }
    }
    each_row(f, t, |r| {
        t.text(r, UPN)
            .is_some_and(|u| count.get(u).is_some_and(|n| *n > 1))
    });
}

/// Whether `code` (characters 2–4 of a UPN) is an LA code the reference accepts.
fn known_la(code: &str) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (201, 213),
        (301, 320),
        (330, 336),
        (340, 344),
        (350, 359),
        (370, 373),
        (380, 384),
        (390, 394),
        (660, 681),
        (701, 708),
        (800, 803),
        (805, 808),
        (810, 813),
        (820, 823),
        (835, 839),
        (850, 852),
        (855, 857),
        (865, 896),
        (935, 938),
        (940, 941),
    ];
    const SINGLE: &[u32] = &[
        420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919, 921,
        925, 926, 928, 929, 931, 933, 942, 943,
    ];
    if matches!(code, "001" | "002" | "003" | "004" | "005") {
        return true;
    }
    // The other codes are written without leading zeros, so "0xx" never matches.
    let Some(n) =
        (code.len() == 3 && !code.starts_with('0') && code.bytes().all(|b| b.is_ascii_digit()))
            .then(|| code.parse::<u32>().ok())
            .flatten()
    else {
        return false;
    };
    SINGLE.contains(&n) || RANGES.iter().any(|(a, b)| (*a..=*b).contains(&n))
}

/// UPN invalid (characters 2-4 not a recognised LA code).
fn rule_1530(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        let Some(upn) = t.text(r, UPN) else {
            return false;
        };
        let upn = chars(upn);
        upn.len() == 13 && !known_la(&upn[1..4].iter().collect::<String>())
    });
}

/// UPN invalid (characters 5-12 not all numeric). Any UPN, whatever its length; one
/// too short to have a fifth character fails.
fn rule_1540(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        let Some(upn) = t.text(r, UPN) else {
            return false;
        };
        let upn = chars(upn);
        let part = upn.get(4..upn.len().min(12)).unwrap_or(&[]);
        part.is_empty() || !part.iter().all(char::is_ascii_digit)
    });
}

/// UPN invalid (character 13 not a recognised value).
fn rule_1550(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        let Some(upn) = t.text(r, UPN) else {
            return false;
        };
        let upn = chars(upn);
        upn.len() == 13
            && !(upn[12].is_ascii_digit() || "ABCDEFGHJKLMNPQRTUVWXYZ".contains(upn[12]))
    });
}

/// Please check and either amend or provide a reason: Former UPN wrongly formatted.
fn rule_1560q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    each_row(f, t, |r| {
        let Some(upn) = t.text(r, FORMER_UPN) else {
            return false;
        };
        let upn = chars(upn);
        let digits = upn.get(1..).unwrap_or(&[]);
        upn.len() != 13
            || digits.is_empty()
            || !digits.iter().all(char::is_ascii_digit)
            || !upn[0].is_alphabetic()
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! children {
        ($($id:expr),* $(,)?) => { concat!($("<Child><ChildIdentifiers>", $id, "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics></Child>"),*) };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8500", children: children!("<UPN>A</UPN>", "<LAchildID>C1</LAchildID>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "8510", children: children!("<LAchildID>C1</LAchildID>", "<LAchildID>C2</LAchildID>", "<LAchildID>C1</LAchildID>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "8520", children: children!("<PersonBirthDate>2026-04-01</PersonBirthDate>", "<PersonBirthDate>2026-03-31</PersonBirthDate>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "8525Q", children: children!("<PersonBirthDate>2020-04-01</PersonBirthDate><ExpectedPersonBirthDate>2026-05-01</ExpectedPersonBirthDate>", "<PersonBirthDate>2020-03-31</PersonBirthDate>", "<PersonBirthDate>20-03-31</PersonBirthDate>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "8535Q", children: children!("<PersonBirthDate>2020-04-01</PersonBirthDate><PersonDeathDate>2020-03-31</PersonDeathDate>", "<PersonBirthDate>2020-04-01</PersonBirthDate><PersonDeathDate>2020-04-01</PersonDeathDate>", "<PersonDeathDate>2020-04-01</PersonDeathDate>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "8545Q", children: children!("<PersonDeathDate>2025-03-31</PersonDeathDate>", "<PersonDeathDate>2025-04-01</PersonDeathDate>", "<PersonDeathDate>2026-04-01</PersonDeathDate>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "4180", children: children!("<Sex>X</Sex>", "<Sex>U</Sex>", ""), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "4220", children: "<Child><ChildIdentifiers/><ChildCharacteristics><Ethnicity>XXXX</Ethnicity></ChildCharacteristics></Child><Child><ChildIdentifiers/><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics></Child>", flagged: &["ChildCharacteristics:0"] },
        Case { rule: "8750", children: children!("<ExpectedPersonBirthDate>2026-05-01</ExpectedPersonBirthDate><Sex>F</Sex>", "<ExpectedPersonBirthDate>2026-05-01</ExpectedPersonBirthDate><Sex>U</Sex>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1570", children: children!("<LAchildID>ABCDEFGHIJKLMNOPQRSTU</LAchildID>", "<LAchildID>ABCDEFGHIJKLMNOPQRST</LAchildID>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1580", children: children!("<LAchildID>A-1</LAchildID>", "<LAchildID>A1</LAchildID>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1510", children: children!("<UPN>A801200001001</UPN>", "<UPN>H801200001001</UPN>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1520", children: children!("<UPN>A801200001001</UPN>", "<UPN>A801200001002</UPN>", "<UPN>A801200001001</UPN>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "1530", children: children!("<UPN>A999200001001</UPN>", "<UPN>A801200001001</UPN>", "<UPN>A003200001001</UPN>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1540", children: children!("<UPN>A8012000X1001</UPN>", "<UPN>A801200001001</UPN>", "<UPN>A80</UPN>"), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "1550", children: children!("<UPN>A80120000100I</UPN>", "<UPN>A80120000100A</UPN>"), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "1560Q", children: children!("<FormerUPN>A80120000100A</FormerUPN>", "<FormerUPN>A801200001001</FormerUPN>"), flagged: &["ChildIdentifiers:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
