//! Rules flagging rows of ChildProtectionPlans and their Reviews.

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::cpp::{END, INITIAL_CATEGORY, LATEST_CATEGORY, PREVIOUS, START};
use crate::cin::cols::reviews::DATE;
use crate::cin::TableName::{ChildProtectionPlans, Reviews};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8720",
        run: rule_8720,
    },
    Rule {
        code: "8730",
        run: rule_8730,
    },
    Rule {
        code: "8840",
        run: rule_8840,
    },
    Rule {
        code: "8842Q",
        run: rule_8842q,
    },
    Rule {
        code: "8905",
        run: rule_8905,
    },
    Rule {
        code: "8910",
        run: rule_8910,
    },
    Rule {
        code: "8925",
        run: rule_8925,
    },
    Rule {
        code: "8930",
        run: rule_8930,
    },
];

const CATEGORIES: &[&str] = &["NEG", "PHY", "SAB", "EMO", "MUL"];

/// Child Protection Plan Start Date missing or out of data collection period (after the
/// ReferenceDate).
fn rule_8720(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    let end = c.reference_date();
    each_row(f, t, |r| match t.date(r, START) {
        None => true,
        Some(d) => end.is_some_and(|end| d > end),
    });
}

/// Total Number of previous Child Protection Plans missing (or negative).
fn rule_8730(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    each_row(f, t, |r| match t.text(r, PREVIOUS) {
        None => true,
        Some(n) => n.trim().parse::<i64>().is_ok_and(|n| n < 0),
    });
}

/// Child Protection Plan cannot start and end on the same day.
fn rule_8840(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, START), t.date(r, END)), (Some(s), Some(e)) if s == e),
    );
}

/// Please check and either amend or provide a reason: Review Record has a missing date
/// (a `Reviews` element whose `CPPreviewDate` is empty or not a date; one with no
/// `CPPreviewDate` element at all is not read as a review, as in the reference).
fn rule_8842q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Reviews);
    each_row(f, t, |r| t.date(r, DATE).is_none());
}

/// Initial Category of Abuse code missing or invalid.
fn rule_8905(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    each_row(f, t, |r| !t.is_in(r, INITIAL_CATEGORY, CATEGORIES));
}

/// Latest Category of Abuse code missing or invalid.
fn rule_8910(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    each_row(f, t, |r| !t.is_in(r, LATEST_CATEGORY, CATEGORIES));
}

/// Child Protection Plan End Date earlier than Start Date.
fn rule_8925(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, START), t.date(r, END)), (Some(s), Some(e)) if e < s),
    );
}

/// Child Protection Plan End Date must fall within the census year.
fn rule_8930(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    let Some((start, end)) = c.period() else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, END).is_some_and(|d| d < start || d > end)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! plans {
        ($($p:expr),* $(,)?) => { concat!("<Child><ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers><ChildCharacteristics/><CINdetails>", $("<ChildProtectionPlans>", $p, "</ChildProtectionPlans>",)* "</CINdetails></Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8720", children: plans!("<CPPstartDate>2026-04-01</CPPstartDate>", "<CPPstartDate>2026-03-31</CPPstartDate>", ""), flagged: &["ChildProtectionPlans:0", "ChildProtectionPlans:2"] },
        Case { rule: "8730", children: plans!("", "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>", "<NumberOfPreviousCPP>-1</NumberOfPreviousCPP>"), flagged: &["ChildProtectionPlans:0", "ChildProtectionPlans:2"] },
        Case { rule: "8840", children: plans!("<CPPstartDate>2025-05-01</CPPstartDate><CPPendDate>2025-05-01</CPPendDate>", "<CPPstartDate>2025-05-01</CPPstartDate><CPPendDate>2025-05-02</CPPendDate>"), flagged: &["ChildProtectionPlans:0"] },
        Case { rule: "8842Q", children: plans!("<Reviews><CPPreviewDate/></Reviews><Reviews><CPPreviewDate>2025-05-01</CPPreviewDate></Reviews><Reviews/>"), flagged: &["Reviews:0"] },
        Case { rule: "8905", children: plans!("<InitialCategoryOfAbuse>XXX</InitialCategoryOfAbuse>", "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"), flagged: &["ChildProtectionPlans:0"] },
        Case { rule: "8910", children: plans!("", "<LatestCategoryOfAbuse>MUL</LatestCategoryOfAbuse>"), flagged: &["ChildProtectionPlans:0"] },
        Case { rule: "8925", children: plans!("<CPPstartDate>2025-05-02</CPPstartDate><CPPendDate>2025-05-01</CPPendDate>", "<CPPstartDate>2025-05-01</CPPstartDate><CPPendDate>2025-05-01</CPPendDate>"), flagged: &["ChildProtectionPlans:0"] },
        Case { rule: "8930", children: plans!("<CPPendDate>2025-03-31</CPPendDate>", "<CPPendDate>2025-04-01</CPPendDate>"), flagged: &["ChildProtectionPlans:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
