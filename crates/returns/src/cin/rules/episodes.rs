//! Rules flagging rows of CINdetails (one row per CIN episode).

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::cin_details::{
    CLOSURE_DATE, PRIMARY_NEED, REASON_FOR_CLOSURE, REFERRAL_DATE, REFERRAL_NFA,
};
use crate::cin::TableName::CINdetails;

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
];

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
