//! Rules flagging rows of Section47 (one row per section 47 enquiry).

use chrono::{Datelike, Weekday};

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::section47::{ICPC_NOT_REQUIRED, INITIAL_CPC, START};
use crate::cin::TableName::Section47;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8715",
        run: rule_8715,
    },
    Rule {
        code: "8740",
        run: rule_8740,
    },
    Rule {
        code: "8875",
        run: rule_8875,
    },
];

/// Date of Initial Child Protection Conference must fall within the census year.
fn rule_8715(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    let Some((start, end)) = c.period() else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, INITIAL_CPC).is_some_and(|d| d < start || d > end)
    });
}

/// For a Section 47 Enquiry that has not held the Initial Child Protection Conference
/// by the end of the census year, the start date must fall within the census year (as
/// the reference reads it: only where ICPCnotRequired is exactly `0`).
fn rule_8740(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    let Some((start, end)) = c.period() else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, INITIAL_CPC).is_none()
            && t.is(r, ICPC_NOT_REQUIRED, "0")
            && t.date(r, START).is_some_and(|d| d < start || d > end)
    });
}

/// The Date of Initial Child Protection Conference cannot be a weekend.
fn rule_8875(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    each_row(f, t, |r| {
        t.date(r, INITIAL_CPC)
            .is_some_and(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! enquiries {
        ($($s:expr),* $(,)?) => { concat!("<Child><ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers><ChildCharacteristics/><CINdetails>", $("<Section47>", $s, "</Section47>",)* "</CINdetails></Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8715", children: enquiries!("<DateOfInitialCPC>2025-03-31</DateOfInitialCPC>", "<DateOfInitialCPC>2025-04-01</DateOfInitialCPC>"), flagged: &["Section47:0"] },
        Case { rule: "8740", children: enquiries!("<S47ActualStartDate>2025-03-31</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired>", "<S47ActualStartDate>2025-03-31</S47ActualStartDate><ICPCnotRequired>1</ICPCnotRequired>", "<S47ActualStartDate>2025-04-01</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired>"), flagged: &["Section47:0"] },
        Case { rule: "8875", children: enquiries!("<DateOfInitialCPC>2025-05-03</DateOfInitialCPC>", "<DateOfInitialCPC>2025-05-02</DateOfInitialCPC>"), flagged: &["Section47:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
