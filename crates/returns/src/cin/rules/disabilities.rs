//! Rules on the children's disabilities (the Disabilities table), including the
//! LA-level queries about how disability codes are used across the return.

use rustc_hash::FxHashMap;

use super::{Ctx, Flags, Rule};
use crate::cin::cols::disabilities::DISABILITY;
use crate::cin::Key;
use crate::cin::TableName::Disabilities;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8540",
        run: rule_8540,
    },
    Rule {
        code: "8790",
        run: rule_8790,
    },
    Rule {
        code: "8794",
        run: rule_8794,
    },
    Rule {
        code: "2887Q",
        run: rule_2887q,
    },
    Rule {
        code: "2888Q",
        run: rule_2888q,
    },
];

/// Rows of `table` by child key.
fn by_key(t: &crate::cin::Table) -> FxHashMap<Key, Vec<usize>> {
    let mut map: FxHashMap<Key, Vec<usize>> = FxHashMap::default();
    for r in t.rows() {
        map.entry(t.key(r)).or_default().push(r);
    }
    map
}

/// Child's disability is missing or invalid (see Disability table). The reference
/// finds the rows (a child with a birth date, an episode whose ReferralNFA is `0` or
/// `false`, and a missing or invalid disability) but loses them: its result names the
/// row column `ROW_ID_x`, the engine looks for `ROW_ID`, and drops the rule's locations.
/// So it never flags a row, and Carebridge agrees (checked by the oracle); see
/// `CIN_RULES.md`.
fn rule_8540(_: &Ctx<'_>, _: &mut Flags) {}

fn is_none_code(t: &crate::cin::Table, r: usize) -> bool {
    t.text(r, DISABILITY)
        .is_some_and(|d| d.to_uppercase() == "NONE")
}

/// Disability information includes both None and other values: the other values are
/// flagged (a disability element with no text among them too).
fn rule_8790(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Disabilities);
    for rows in by_key(t).values() {
        if rows.iter().any(|r| is_none_code(t, *r)) {
            for r in rows.iter().copied().filter(|r| !is_none_code(t, *r)) {
                f.flag(t, r);
            }
        }
    }
}

/// Child has two or more disabilities with the same code (children with no LAchildID,
/// and disabilities with no code, are not counted, as pandas' `groupby` drops them).
fn rule_8794(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Disabilities);
    let mut count: FxHashMap<(Key, &str), u32> = FxHashMap::default();
    for r in t.rows() {
        if let (key, Some(code)) = (t.key(r), t.text(r, DISABILITY)) {
            if key != Key::MISSING {
                *count.entry((key, code)).or_default() += 1;
            }
        }
    }
    for r in t.rows() {
        if let Some(code) = t.text(r, DISABILITY) {
            if count.get(&(t.key(r), code)).is_some_and(|n| *n >= 2) {
                f.flag(t, r);
            }
        }
    }
}

/// Less than 8 disability codes have been used in your return: as the reference
/// reads it, fewer than 8 disabilities are `NONE` (a query about the return as a whole).
fn rule_2887q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Disabilities);
    if t.rows().filter(|r| t.is(*r, DISABILITY, "NONE")).count() <= 7 {
        f.flag_return();
    }
}

/// Only one disability code is recorded per child and multiple disabilities should be
/// recorded where possible: no child (with an LAchildID) has two codes other than
/// `NONE`. A return with no such code at all is not flagged (pandas' max of nothing).
fn rule_2888q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Disabilities);
    let mut count: FxHashMap<Key, u32> = FxHashMap::default();
    for r in t.rows() {
        if t.key(r) == Key::MISSING || t.is(r, DISABILITY, "NONE") {
            continue;
        }
        let n = count.entry(t.key(r)).or_default();
        if t.text(r, DISABILITY).is_some() {
            *n += 1;
        }
    }
    if !count.is_empty() && count.values().all(|n| *n <= 1) {
        f.flag_return();
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! child {
        ($id:expr, $dis:expr, $nfa:expr) => {
            concat!("<Child><ChildIdentifiers><LAchildID>", $id, "</LAchildID><PersonBirthDate>2020-01-01</PersonBirthDate></ChildIdentifiers><ChildCharacteristics><Disabilities>", $dis, "</Disabilities></ChildCharacteristics><CINdetails><ReferralNFA>", $nfa, "</ReferralNFA></CINdetails></Child>")
        };
    }

    pub const CASES: &[Case] = &[
        Case {
            rule: "8540",
            children: concat!(
                child!(
                    "A",
                    "<Disability>XYZ</Disability><Disability>AUT</Disability>",
                    "0"
                ),
                child!("B", "<Disability>XYZ</Disability>", "1"),
                child!("C", "<Disability>AUT</Disability>", "false")
            ),
            flagged: &[],
        },
        Case {
            rule: "8790",
            children: concat!(
                child!(
                    "A",
                    "<Disability>NONE</Disability><Disability>AUT</Disability>",
                    "0"
                ),
                child!("B", "<Disability>none</Disability>", "0")
            ),
            flagged: &["Disabilities:1"],
        },
        Case {
            rule: "8794",
            children: concat!(
                child!(
                    "A",
                    "<Disability>AUT</Disability><Disability>AUT</Disability>",
                    "0"
                ),
                child!(
                    "B",
                    "<Disability>AUT</Disability><Disability>HAND</Disability>",
                    "0"
                )
            ),
            flagged: &["Disabilities:0", "Disabilities:1"],
        },
        Case {
            rule: "2887Q",
            children: child!("A", "<Disability>NONE</Disability>", "0"),
            flagged: &["Return"],
        },
        Case {
            rule: "2888Q",
            children: concat!(
                child!(
                    "A",
                    "<Disability>NONE</Disability><Disability>AUT</Disability>",
                    "0"
                ),
                child!("B", "<Disability>HAND</Disability>", "0")
            ),
            flagged: &["Return"],
        },
    ];

    const NEAR_MISSES: &[Case] = &[
        Case {
            rule: "2887Q",
            children: concat!(
                child!("A", "<Disability>NONE</Disability>", "0"),
                child!("B", "<Disability>NONE</Disability>", "0"),
                child!("C", "<Disability>NONE</Disability>", "0"),
                child!("D", "<Disability>NONE</Disability>", "0"),
                child!("E", "<Disability>NONE</Disability>", "0"),
                child!("F", "<Disability>NONE</Disability>", "0"),
                child!("G", "<Disability>NONE</Disability>", "0"),
                child!("H", "<Disability>NONE</Disability>", "0")
            ),
            flagged: &[],
        },
        Case {
            rule: "2888Q",
            children: child!(
                "A",
                "<Disability>AUT</Disability><Disability>HAND</Disability>",
                "0"
            ),
            flagged: &[],
        },
    ];

    #[test]
    fn cases() {
        check(CASES);
        check(NEAR_MISSES);
    }
}
