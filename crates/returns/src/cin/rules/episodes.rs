//! Rules flagging rows of CINdetails (one row per CIN episode).

use chrono::{Days, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::child_identifiers::{BIRTH, EXPECTED_BIRTH};
use crate::cin::cols::cin_details::{
    CLOSURE_DATE, PRIMARY_NEED, REASON_FOR_CLOSURE, REFERRAL_DATE, REFERRAL_NFA, REFERRAL_SOURCE,
};
use crate::cin::TableName::{CINdetails, ChildIdentifiers};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8568",
        run: rule_8568,
    },
    Rule {
        code: "8620",
        run: rule_8620,
    },
    Rule {
        code: "8630",
        run: rule_8630,
    },
    Rule {
        code: "8640",
        run: rule_8640,
    },
    Rule {
        code: "8650",
        run: rule_8650,
    },
    Rule {
        code: "8590",
        run: rule_8590,
    },
    Rule {
        code: "8600",
        run: rule_8600,
    },
    Rule {
        code: "8606",
        run: rule_8606,
    },
    Rule {
        code: "8610",
        run: rule_8610,
    },
    Rule {
        code: "8805",
        run: rule_8805,
    },
    Rule {
        code: "8810",
        run: rule_8810,
    },
    Rule {
        code: "8866",
        run: rule_8866,
    },
];

/// Child does not have a recorded CIN episode (no CINdetails with the child's
/// LAchildID; children with none match each other's episodes).
fn rule_8590(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, cin) = (c.table(ChildIdentifiers), c.table(CINdetails));
    let with_episode: FxHashSet<_> = cin.rows().map(|r| cin.key(r)).collect();
    each_row(f, ci, |r| !with_episode.contains(&ci.key(r)));
}

/// Child referral date missing or after data collection period.
fn rule_8600(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let end = c.reference_date();
    each_row(f, t, |r| match t.date(r, REFERRAL_DATE) {
        None => true,
        Some(d) => end.is_some_and(|end| d > end),
    });
}

/// Child referral date is more than 40 weeks before DOB or expected DOB: the episode
/// and every child with its LAchildID are flagged.
fn rule_8606(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, cin) = (c.table(ChildIdentifiers), c.table(CINdetails));
    let mut children: FxHashMap<_, Vec<usize>> = FxHashMap::default();
    for r in ci.rows() {
        children.entry(ci.key(r)).or_default().push(r);
    }
    let before = |referral: NaiveDate, birth: Option<NaiveDate>| {
        birth
            .and_then(|b| b.checked_sub_days(Days::new(280)))
            .is_some_and(|limit| referral < limit)
    };
    for e in cin.rows() {
        let Some(referral) = cin.date(e, REFERRAL_DATE) else {
            continue;
        };
        for &r in children.get(&cin.key(e)).map_or(&[][..], Vec::as_slice) {
            if before(referral, ci.date(r, BIRTH)) || before(referral, ci.date(r, EXPECTED_BIRTH)) {
                f.flag(cin, e);
                f.flag(ci, r);
            }
        }
    }
}

/// Primary Need code is missing for a referral which led to further action (ReferralNFA
/// exactly `0` or `false`).
fn rule_8610(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    each_row(f, t, |r| {
        t.is_in(r, REFERRAL_NFA, &["false", "0"]) && t.text(r, PRIMARY_NEED).is_none()
    });
}

/// A CIN case cannot have a CIN closure date without a Reason for Closure.
fn rule_8805(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    each_row(f, t, |r| {
        t.date(r, CLOSURE_DATE).is_some() && t.text(r, REASON_FOR_CLOSURE).is_none()
    });
}

/// A CIN case cannot have a Reason for Closure without a CIN Closure Date.
fn rule_8810(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    each_row(f, t, |r| {
        t.text(r, REASON_FOR_CLOSURE).is_some() && t.date(r, CLOSURE_DATE).is_none()
    });
}

const SOURCES: &[&str] = &[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    "5D", "6", "7", "8", "9", "10",
];

/// Source of Referral is missing or an invalid code (referrals from 1 April 2013).
fn rule_8866(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let since = NaiveDate::from_ymd_opt(2013, 4, 1);
    each_row(f, t, |r| {
        t.date(r, REFERRAL_DATE).is_some_and(|d| Some(d) >= since)
            && !t.is_in(r, REFERRAL_SOURCE, SOURCES)
    });
}

/// RNFA flag is missing or invalid (`1`, `0`, `true`, `false`, any case).
fn rule_8568(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    each_row(f, t, |r| {
        !t.text(r, REFERRAL_NFA).is_some_and(|v| {
            let v = v.to_lowercase();
            matches!(v.as_str(), "1" | "0" | "true" | "false")
        })
    });
}

/// CIN Closure Date present and does not fall within the Census year.
fn rule_8620(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let period = c.period();
    each_row(f, t, |r| {
        t.date(r, CLOSURE_DATE)
            .is_some_and(|d| !period.is_some_and(|(start, end)| (start..=end).contains(&d)))
    });
}

/// CIN Closure Date is before CIN Referral Date for the same CIN episode.
fn rule_8630(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, CLOSURE_DATE), t.date(r, REFERRAL_DATE)), (Some(c), Some(s)) if c < s),
    );
}

/// CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code
/// set); a missing one is not flagged here.
fn rule_8640(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    const REASONS: &[&str] = &[
        "RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9",
    ];
    each_row(f, t, |r| {
        t.text(r, REASON_FOR_CLOSURE)
            .is_some_and(|v| !REASONS.contains(&v))
    });
}

/// Primary Need Code invalid (see Primary Need table in CIN census code set); a missing
/// one is not flagged here.
fn rule_8650(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    const NEEDS: &[&str] = &["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"];
    each_row(f, t, |r| {
        t.text(r, PRIMARY_NEED).is_some_and(|v| !NEEDS.contains(&v))
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! episodes {
        ($($cin:expr),* $(,)?) => { concat!("<Child><ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers><ChildCharacteristics/>", $("<CINdetails>", $cin, "</CINdetails>",)* "</Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8590", children: concat!("<Child><ChildIdentifiers><LAchildID>A</LAchildID></ChildIdentifiers><ChildCharacteristics/></Child>", episodes!("")), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "8600", children: episodes!("<CINreferralDate>2026-04-01</CINreferralDate>", "<CINreferralDate>2026-03-31</CINreferralDate>", ""), flagged: &["CINdetails:0", "CINdetails:2"] },
        Case { rule: "8606", children: "<Child><ChildIdentifiers><LAchildID>A</LAchildID><PersonBirthDate>2025-10-09</PersonBirthDate></ChildIdentifiers><ChildCharacteristics/><CINdetails><CINreferralDate>2025-01-01</CINreferralDate></CINdetails><CINdetails><CINreferralDate>2025-01-02</CINreferralDate></CINdetails></Child>", flagged: &["ChildIdentifiers:0", "CINdetails:0"] },
        Case { rule: "8610", children: episodes!("<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>1</ReferralNFA>", "<ReferralNFA>false</ReferralNFA><PrimaryNeedCode>N1</PrimaryNeedCode>"), flagged: &["CINdetails:0"] },
        Case { rule: "8805", children: episodes!("<CINclosureDate>2025-05-01</CINclosureDate>", "<CINclosureDate>2025-05-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"), flagged: &["CINdetails:0"] },
        Case { rule: "8810", children: episodes!("<ReasonForClosure>RC1</ReasonForClosure>", "<CINclosureDate>2025-05-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"), flagged: &["CINdetails:0"] },
        Case { rule: "8866", children: episodes!("<CINreferralDate>2025-05-01</CINreferralDate><ReferralSource>11</ReferralSource>", "<CINreferralDate>2025-05-01</CINreferralDate><ReferralSource>10</ReferralSource>", "<CINreferralDate>2013-03-31</CINreferralDate>"), flagged: &["CINdetails:0"] },
        Case { rule: "8568", children: episodes!("<ReferralNFA>2</ReferralNFA>", "<ReferralNFA>False</ReferralNFA>", ""), flagged: &["CINdetails:0", "CINdetails:2"] },
        Case { rule: "8620", children: episodes!("<CINclosureDate>2025-03-31</CINclosureDate>", "<CINclosureDate>2025-04-01</CINclosureDate>"), flagged: &["CINdetails:0"] },
        Case { rule: "8630", children: episodes!("<CINreferralDate>2025-05-02</CINreferralDate><CINclosureDate>2025-05-01</CINclosureDate>", "<CINreferralDate>2025-05-01</CINreferralDate><CINclosureDate>2025-05-01</CINclosureDate>"), flagged: &["CINdetails:0"] },
        Case { rule: "8640", children: episodes!("<ReasonForClosure>RC0</ReasonForClosure>", "<ReasonForClosure>RC9</ReasonForClosure>", ""), flagged: &["CINdetails:0"] },
        Case { rule: "8650", children: episodes!("<PrimaryNeedCode>N10</PrimaryNeedCode>", "<PrimaryNeedCode>N9</PrimaryNeedCode>", ""), flagged: &["CINdetails:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
