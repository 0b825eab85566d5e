//! Rules that count English working days back from the census period's ends, with the
//! bank holidays of England and Wales from the domain's working-day calendar
//! (`carebridge_domain::timescales::calendar`, the one the timescales use).
//!
//! The reference subtracts pandas' `CustomBusinessDay(n - 1)` with its own list of
//! bank holidays: from a working day that is n - 1 working days earlier; from a day
//! that is not a working day, rolling back to the previous working day counts as the
//! first; with n = 1 (no days to go back), a day that is not a working day rolls forward.

use chrono::{Days, NaiveDate};

use carebridge_domain::timescales::calendar::WorkingDayCalendar;

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::cin_details::{REFERRAL_DATE, REFERRAL_NFA};
use crate::cin::cols::{assessments, section47};
use crate::cin::TableName::{Assessments, CINdetails, Section47};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8569Q",
        run: rule_8569q,
    },
    Rule {
        code: "8670Q",
        run: rule_8670q,
    },
    Rule {
        code: "8675Q",
        run: rule_8675q,
    },
];

/// `date - CustomBusinessDay(n - 1)` as pandas computes it; `None` when the calendar
/// does not cover the days needed (the rule then flags nothing).
fn working_days_back(date: NaiveDate, n: u32) -> Option<NaiveDate> {
    let calendar = WorkingDayCalendar::england_and_wales().ok()?;
    let working = |d: NaiveDate| calendar.is_working_day(d).ok();
    let mut day = date;
    if n <= 1 {
        while !working(day)? {
            day = day.checked_add_days(Days::new(1))?;
        }
        return Some(day);
    }
    for _ in 0..n - 1 {
        day = day.checked_sub_days(Days::new(1))?;
        while !working(day)? {
            day = day.checked_sub_days(Days::new(1))?;
        }
    }
    Some(day)
}

/// A case with referral date before one working day prior to the collection start date
/// must not be flagged as a no further action case (as the reference reads it: a
/// referral before the period's first working day whose ReferralNFA is not exactly `0`
/// or `false`).
fn rule_8569q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let Some(limit) = c
        .period()
        .and_then(|(start, _)| working_days_back(start, 1))
    else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, REFERRAL_DATE).is_some_and(|d| d < limit)
            && !t.is_in(r, REFERRAL_NFA, &["false", "0"])
    });
}

/// Assessment started more than 45 working days before the end of the census year.
/// However, there is no Assessment end date.
fn rule_8670q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    let Some(limit) = c
        .reference_date()
        .and_then(|end| working_days_back(end, 45))
    else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, assessments::AUTHORISATION).is_none()
            && t.date(r, assessments::START).is_some_and(|d| d < limit)
    });
}

/// S47 Enquiry started more than 15 working days before the end of the census year.
/// However, there is no date of Initial Child Protection Conference (and ICPCnotRequired
/// is exactly `false` or `0`).
fn rule_8675q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    let Some(limit) = c
        .reference_date()
        .and_then(|end| working_days_back(end, 15))
    else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, section47::INITIAL_CPC).is_none()
            && t.is_in(r, section47::ICPC_NOT_REQUIRED, &["false", "0"])
            && t.date(r, section47::START).is_some_and(|d| d < limit)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};
    use super::working_days_back;
    use chrono::NaiveDate;

    macro_rules! child {
        ($($cin:expr),*) => { concat!("<Child><ChildIdentifiers><LAchildID>A</LAchildID></ChildIdentifiers><ChildCharacteristics/>", $("<CINdetails>", $cin, "</CINdetails>",)* "</Child>") };
    }

    // 31 March 2026 is a Tuesday with no bank holiday in the six weeks before it: 44
    // working days back is Wednesday 28 January, 14 is Wednesday 11 March.
    pub const CASES: &[Case] = &[
        Case { rule: "8569Q", children: child!("<CINreferralDate>2025-03-31</CINreferralDate><ReferralNFA>1</ReferralNFA>", "<CINreferralDate>2025-03-31</CINreferralDate><ReferralNFA>0</ReferralNFA>", "<CINreferralDate>2025-04-01</CINreferralDate><ReferralNFA>1</ReferralNFA>"), flagged: &["CINdetails:0"] },
        Case { rule: "8670Q", children: child!("<Assessments><AssessmentActualStartDate>2026-01-27</AssessmentActualStartDate></Assessments><Assessments><AssessmentActualStartDate>2026-01-28</AssessmentActualStartDate></Assessments>"), flagged: &["Assessments:0"] },
        Case { rule: "8675Q", children: child!("<Section47><S47ActualStartDate>2026-03-10</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired></Section47><Section47><S47ActualStartDate>2026-03-11</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired></Section47><Section47><S47ActualStartDate>2026-03-10</S47ActualStartDate><ICPCnotRequired>1</ICPCnotRequired></Section47>"), flagged: &["Section47:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Over Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
        assert_eq!(
            working_days_back(ymd(2027, 3, 31), 3),
            Some(ymd(2027, 3, 25))
        );
        // A Saturday rolls back to Friday as the first step; with n = 1 forward.
        assert_eq!(
            working_days_back(ymd(2026, 3, 28), 2),
            Some(ymd(2026, 3, 27))
        );
        assert_eq!(
            working_days_back(ymd(2026, 3, 28), 1),
            Some(ymd(2026, 3, 30))
        );
    }
}
