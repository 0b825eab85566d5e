//! Rules flagging rows of CINplanDates (one row per CIN plan).

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::cin_plans::{END, START};
use crate::cin::TableName::CINplanDates;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "4010",
        run: rule_4010,
    },
    Rule {
        code: "4011",
        run: rule_4011,
    },
    Rule {
        code: "4012Q",
        run: rule_4012q,
    },
    Rule {
        code: "4013",
        run: rule_4013,
    },
];

/// CIN Plan start date is missing or out of data collection period (after the
/// ReferenceDate).
fn rule_4010(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
    let end = c.reference_date();
    each_row(f, t, |r| match t.date(r, START) {
        None => true,
        Some(d) => end.is_some_and(|end| d > end),
    });
}

/// CIN Plan End Date earlier than Start Date.
fn rule_4011(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, START), t.date(r, END)), (Some(s), Some(e)) if e < s),
    );
}

/// Please check and either amend or provide a reason: CIN Plan shown as starting and
/// ending on the same day.
fn rule_4012q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, START), t.date(r, END)), (Some(s), Some(e)) if e == s),
    );
}

/// CIN Plan end date must fall within the census year.
fn rule_4013(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
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
        ($($p:expr),* $(,)?) => { concat!("<Child><ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers><ChildCharacteristics/><CINdetails>", $("<CINPlanDates>", $p, "</CINPlanDates>",)* "</CINdetails></Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "4010", children: plans!("<CINPlanStartDate>2026-04-01</CINPlanStartDate>", "<CINPlanStartDate>2026-03-31</CINPlanStartDate>", ""), flagged: &["CINplanDates:0", "CINplanDates:2"] },
        Case { rule: "4011", children: plans!("<CINPlanStartDate>2025-05-02</CINPlanStartDate><CINPlanEndDate>2025-05-01</CINPlanEndDate>", "<CINPlanStartDate>2025-05-02</CINPlanStartDate><CINPlanEndDate>2025-05-02</CINPlanEndDate>"), flagged: &["CINplanDates:0"] },
        Case { rule: "4012Q", children: plans!("<CINPlanStartDate>2025-05-02</CINPlanStartDate><CINPlanEndDate>2025-05-02</CINPlanEndDate>", "<CINPlanStartDate>2025-05-02</CINPlanStartDate><CINPlanEndDate>2025-05-03</CINPlanEndDate>"), flagged: &["CINplanDates:0"] },
        Case { rule: "4013", children: plans!("<CINPlanEndDate>2026-04-01</CINPlanEndDate>", "<CINPlanEndDate>2026-03-31</CINPlanEndDate>"), flagged: &["CINplanDates:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
