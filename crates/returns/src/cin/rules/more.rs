//! The remaining rules: the header's reference date, return-level counts, plans and
//! episodes that overlap or stay open, and closed episodes with unfinished work.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{each_pair, each_row, Ctx, Flags, Rule};
use crate::cin::cols::child_identifiers::{EXPECTED_BIRTH, SEX};
use crate::cin::cols::cin_details::{CLOSURE_DATE, INITIAL_CPC, REFERRAL_DATE, REFERRAL_NFA};
use crate::cin::cols::header::{REFERENCE_DATE, YEAR};
use crate::cin::cols::{assessments, cin_plans, cpp, reviews, section47};
use crate::cin::Key;
use crate::cin::TableName::{
    Assessments, CINdetails, CINplanDates, ChildIdentifiers, ChildProtectionPlans, Header, Reviews,
    Section47,
};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "100",
        run: rule_100,
    },
    Rule {
        code: "2883",
        run: rule_2883,
    },
    Rule {
        code: "2886Q",
        run: rule_2886q,
    },
    Rule {
        code: "4001",
        run: rule_4001,
    },
    Rule {
        code: "8530Q",
        run: rule_8530q,
    },
    Rule {
        code: "8815",
        run: rule_8815,
    },
    Rule {
        code: "8820",
        run: rule_8820,
    },
    Rule {
        code: "8841",
        run: rule_8841,
    },
    Rule {
        code: "8867",
        run: rule_8867,
    },
    Rule {
        code: "8868",
        run: rule_8868,
    },
    Rule {
        code: "8870Q",
        run: rule_8870q,
    },
    Rule {
        code: "8940",
        run: rule_8940,
    },
    Rule {
        code: "4003",
        run: rule_4003,
    },
    Rule {
        code: "4014",
        run: rule_4014,
    },
    Rule {
        code: "4016",
        run: rule_4016,
    },
    Rule {
        code: "4017",
        run: rule_4017,
    },
    Rule {
        code: "8816",
        run: rule_8816,
    },
];

/// Whether `start` falls in a period from `from` to `to` (or, `to` missing, up to the
/// ReferenceDate): on or after `from`, and before `to` (on or before it when
/// `to_inclusive`) or on or before the ReferenceDate.
fn starts_within(
    start: NaiveDate,
    from: NaiveDate,
    to: Option<NaiveDate>,
    to_inclusive: bool,
    reference: Option<NaiveDate>,
) -> bool {
    start >= from
        && match to {
            Some(to) => start < to || (to_inclusive && start == to),
            None => reference.is_some_and(|d| start <= d),
        }
}

/// A CPP review date is shown as being held at the same time as an open CIN Plan. As
/// the reference reads it: a review (joined with its plan by LAchildID and CPPID only)
/// on or after a CIN plan of the child starts and before it ends, where the protection
/// plan has an end date that is not the review's date. The protection plan, CIN plan
/// and review are flagged.
fn rule_4003(c: &Ctx<'_>, f: &mut Flags) {
    let (p, plans, rv) = (
        c.table(ChildProtectionPlans),
        c.table(CINplanDates),
        c.table(Reviews),
    );
    let mut reviews: FxHashMap<(Key, u32), Vec<usize>> = FxHashMap::default();
    for r in rv.rows() {
        reviews.entry((rv.key(r), rv.cpp(r))).or_default().push(r);
    }
    let mut by_child: FxHashMap<Key, Vec<usize>> = FxHashMap::default();
    for r in plans.rows() {
        by_child.entry(plans.key(r)).or_default().push(r);
    }
    for rp in p.rows() {
        let Some(end) = p.date(rp, cpp::END) else {
            continue;
        };
        for &r in reviews
            .get(&(p.key(rp), p.cpp(rp)))
            .map_or(&[][..], Vec::as_slice)
        {
            let Some(review) = rv.date(r, reviews::DATE).filter(|d| *d != end) else {
                continue;
            };
            for &rc in by_child.get(&p.key(rp)).map_or(&[][..], Vec::as_slice) {
                let during = matches!(
                    (plans.date(rc, cin_plans::START), plans.date(rc, cin_plans::END)),
                    (Some(s), Some(e)) if review >= s && review < e
                );
                if during {
                    f.flag(p, rp);
                    f.flag(plans, rc);
                    f.flag(rv, r);
                }
            }
        }
    }
}

/// CIN Plan data contains overlapping dates: a plan starting on or after another plan
/// of the child starts, and on or before it ends (or, it still open, on or before the
/// ReferenceDate). Both are flagged.
fn rule_4014(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
    let reference = c.reference_date();
    each_pair(f, (t, t), false, |r1, r2| {
        let (Some(s1), Some(s2)) = (t.date(r1, cin_plans::START), t.date(r2, cin_plans::START))
        else {
            return false;
        };
        r1 != r2 && starts_within(s1, s2, t.date(r2, cin_plans::END), true, reference)
    });
}

/// A CIN Plan has been reported as open at the same time as a Child Protection Plan:
/// a CIN plan starting during a protection plan of the child.
fn rule_4016(c: &Ctx<'_>, f: &mut Flags) {
    let (plans, p) = (c.table(CINplanDates), c.table(ChildProtectionPlans));
    let reference = c.reference_date();
    each_pair(f, (plans, p), false, |rc, rp| {
        let (Some(start), Some(from)) = (plans.date(rc, cin_plans::START), p.date(rp, cpp::START))
        else {
            return false;
        };
        starts_within(start, from, p.date(rp, cpp::END), false, reference)
    });
}

/// A CIN Plan has been reported as open at the same time as a Child Protection Plan:
/// a protection plan starting during a CIN plan of the child.
fn rule_4017(c: &Ctx<'_>, f: &mut Flags) {
    let (p, plans) = (c.table(ChildProtectionPlans), c.table(CINplanDates));
    let reference = c.reference_date();
    each_pair(f, (p, plans), false, |rp, rc| {
        let (Some(start), Some(from)) = (p.date(rp, cpp::START), plans.date(rc, cin_plans::START))
        else {
            return false;
        };
        starts_within(
            start,
            from,
            plans.date(rc, cin_plans::END),
            false,
            reference,
        )
    });
}

/// An open CIN episode is shown and case is not a referral with no further action, but
/// it is not the latest episode: such an episode is flagged, and so is the child's
/// latest (the first with the latest referral date). For children with no LAchildID
/// there is no latest, and every such open episode is flagged.
fn rule_8816(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let mut latest: FxHashMap<Key, (NaiveDate, usize)> = FxHashMap::default();
    for r in t.rows() {
        let (Some(d), key) = (t.date(r, REFERRAL_DATE), t.key(r)) else {
            continue;
        };
        if key == Key::MISSING {
            continue;
        }
        let entry = latest.entry(key).or_insert((d, r));
        if d > entry.0 {
            *entry = (d, r);
        }
    }
    for r in t.rows() {
        if t.date(r, REFERRAL_DATE).is_none()
            || t.date(r, CLOSURE_DATE).is_some()
            || !t.is_in(r, REFERRAL_NFA, &["false", "0"])
        {
            continue;
        }
        match latest.get(&t.key(r)) {
            Some((_, first)) if *first == r => {}
            Some((_, first)) => {
                f.flag(t, r);
                f.flag(t, *first);
            }
            None => f.flag(t, r),
        }
    }
}

/// Reference Date is incorrect: it must be 31 March of the header's `Year`.
fn rule_100(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Header);
    let expected = t
        .text(0, YEAR)
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok())
        .and_then(|y| NaiveDate::from_ymd_opt(y, 3, 31));
    each_row(f, t, |r| match (t.date(r, REFERENCE_DATE), expected) {
        (Some(d), Some(e)) => d != e,
        _ => true,
    });
}

fn in_period(period: Option<(NaiveDate, NaiveDate)>, date: Option<NaiveDate>) -> bool {
    matches!((period, date), (Some((s, e)), Some(d)) if s <= d && d <= e)
}

/// There are more child protection plans starting than initial conferences taking
/// place (in the census period; a query about the return as a whole).
fn rule_2883(c: &Ctx<'_>, f: &mut Flags) {
    let period = c.period();
    let count = |name, col| {
        let t = c.table(name);
        t.rows()
            .filter(|r| in_period(period, t.date(*r, col)))
            .count()
    };
    let plans = count(ChildProtectionPlans, cpp::START);
    if plans > count(CINdetails, INITIAL_CPC) + count(Section47, section47::INITIAL_CPC) {
        f.flag_return();
    }
}

/// Percentage of children with no sex recorded is more than 2% (excluding unborns): as
/// the reference counts it, children with sex missing or `U` and no expected birth date,
/// over all children. (With no children the reference fails; Carebridge flags nothing.)
fn rule_2886q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let missing = t
        .rows()
        .filter(|r| {
            (t.text(*r, SEX).is_none() || t.is(*r, SEX, "U"))
                && t.date(*r, EXPECTED_BIRTH).is_none()
        })
        .count();
    if !t.is_empty() && missing * 50 > t.len() {
        f.flag_return();
    }
}

/// A CIN Plan cannot run concurrently with a Child Protection Plan: an open protection
/// plan and an open CIN plan in the same episode.
fn rule_4001(c: &Ctx<'_>, f: &mut Flags) {
    let (p, plan) = (c.table(ChildProtectionPlans), c.table(CINplanDates));
    each_pair(f, (p, plan), true, |rp, rc| {
        p.date(rp, cpp::END).is_none()
            && plan.date(rc, cin_plans::START).is_some()
            && plan.date(rc, cin_plans::END).is_none()
    });
}

/// Expected Date of Birth is outside the expected range for this census: from 30 days
/// before the ReferenceDate to 9 months after it, both ends excluded.
fn rule_8530q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildIdentifiers);
    let Some(reference) = c.reference_date() else {
        return;
    };
    let (Some(earliest), Some(latest)) = (
        reference.checked_sub_days(Days::new(30)),
        reference.checked_add_months(Months::new(9)),
    ) else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, EXPECTED_BIRTH)
            .is_some_and(|d| d >= latest || d <= earliest)
    });
}

/// More than one open CIN Details episode (no closure date) for this child and case is
/// not a referral with no further action: the child's open episodes are flagged.
fn rule_8815(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let open = |r: usize| t.date(r, CLOSURE_DATE).is_none();
    let mut count: FxHashMap<Key, u32> = FxHashMap::default();
    for r in t.rows() {
        if open(r) && t.is_in(r, REFERRAL_NFA, &["false", "0"]) && t.key(r) != Key::MISSING {
            *count.entry(t.key(r)).or_default() += 1;
        }
    }
    let bad: FxHashSet<(Key, u32)> = t
        .rows()
        .filter(|r| open(*r) && count.get(&t.key(*r)).is_some_and(|n| *n > 1))
        .map(|r| (t.key(r), t.cin(r)))
        .collect();
    each_row(f, t, |r| bad.contains(&(t.key(r), t.cin(r))));
}

/// The dates on the CIN episodes for this child overlap: an episode starting on or
/// after another's start, before its close (or, the other still open and not a
/// no-further-action case, before the ReferenceDate). Both are flagged.
fn rule_8820(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINdetails);
    let reference = c.reference_date();
    each_pair(f, (t, t), false, |r1, r2| {
        let (Some(s1), Some(s2)) = (t.date(r1, REFERRAL_DATE), t.date(r2, REFERRAL_DATE)) else {
            return false;
        };
        if r1 == r2 || s1 < s2 {
            return false;
        }
        match t.date(r2, CLOSURE_DATE) {
            Some(end) => s1 < end,
            None => {
                reference.is_some_and(|d| s1 < d)
                    && t.text(r2, REFERRAL_NFA)
                        .is_some_and(|v| matches!(v.to_lowercase().as_str(), "false" | "0"))
            }
        }
    });
}

/// The review date cannot be on the same day or before the Child protection Plan start
/// date.
fn rule_8841(c: &Ctx<'_>, f: &mut Flags) {
    let (p, rv) = (c.table(ChildProtectionPlans), c.table(Reviews));
    let mut by_plan: FxHashMap<(Key, u32, u32), Vec<usize>> = FxHashMap::default();
    for r in rv.rows() {
        by_plan
            .entry((rv.key(r), rv.cin(r), rv.cpp(r)))
            .or_default()
            .push(r);
    }
    for rp in p.rows() {
        let Some(start) = p.date(rp, cpp::START) else {
            continue;
        };
        for &r in by_plan
            .get(&(p.key(rp), p.cin(rp), p.cpp(rp)))
            .map_or(&[][..], Vec::as_slice)
        {
            if rv.date(r, reviews::DATE).is_some_and(|d| d <= start) {
                f.flag(p, rp);
                f.flag(rv, r);
            }
        }
    }
}

/// CIN episode is shown as closed, however Assessment is not shown as completed.
fn rule_8867(c: &Ctx<'_>, f: &mut Flags) {
    let (e, a) = (c.table(CINdetails), c.table(Assessments));
    each_pair(f, (e, a), true, |re, ra| {
        e.date(re, CLOSURE_DATE).is_some() && a.date(ra, assessments::AUTHORISATION).is_none()
    });
}

/// CIN episode is shown as closed, however Section 47 enquiry is not shown as completed
/// by ICPC date or ICPC not required flag (or shows both).
fn rule_8868(c: &Ctx<'_>, f: &mut Flags) {
    let (e, s) = (c.table(CINdetails), c.table(Section47));
    each_pair(f, (e, s), true, |re, rs| {
        let conference = s.date(rs, section47::INITIAL_CPC).is_some();
        let not_required = s.is_in(rs, section47::ICPC_NOT_REQUIRED, &["1", "true"]);
        e.date(re, CLOSURE_DATE).is_some() && conference == not_required
    });
}

/// The Target Date for Initial Child Protection Conference should not be a weekend. The
/// reference reads the target only when written `DD-MM-YYYY`; a target in the schema's
/// own form (`YYYY-MM-DD`) is never flagged.
fn rule_8870q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    each_row(f, t, |r| {
        t.text(r, section47::ICPC_TARGET)
            .and_then(day_month_year)
            .is_some_and(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    });
}

/// `D-M-YYYY` (day and month of one or two digits), as pandas' `%d-%m-%Y` reads it.
fn day_month_year(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if parts.next().is_some() {
        return None;
    }
    let year = i32::try_from(digits(y, 4..=4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(m, 1..=2)?, digits(d, 1..=2)?)
}

/// Child Protection Plan data contains overlapping dates: a plan starting on or after
/// another plan of the child (a different CPPID) starts, and on or before it ends (or,
/// it still open, on or before the ReferenceDate). Both are flagged.
fn rule_8940(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    let reference = c.reference_date();
    each_pair(f, (t, t), false, |r1, r2| {
        let (Some(s1), Some(s2)) = (t.date(r1, cpp::START), t.date(r2, cpp::START)) else {
            return false;
        };
        if t.cpp(r1) == t.cpp(r2) || s1 < s2 {
            return false;
        }
        match t.date(r2, cpp::END) {
            Some(end) => s1 <= end,
            None => reference.is_some_and(|d| s1 <= d),
        }
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{census, check, flagged, Case};

    macro_rules! child {
        ($id:expr, $child:expr, $($cin:expr),*) => { concat!("<Child><ChildIdentifiers><LAchildID>", $id, "</LAchildID>", $child, "</ChildIdentifiers><ChildCharacteristics/>", $("<CINdetails>", $cin, "</CINdetails>",)* "</Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "4003", children: child!("A", "", "<CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate><CINPlanEndDate>2025-07-01</CINPlanEndDate></CINPlanDates><ChildProtectionPlans><CPPendDate>2025-08-01</CPPendDate><Reviews><CPPreviewDate>2025-06-01</CPPreviewDate></Reviews><Reviews><CPPreviewDate>2025-07-01</CPPreviewDate></Reviews></ChildProtectionPlans>"), flagged: &["CINplanDates:0", "ChildProtectionPlans:0", "Reviews:0"] },
        Case { rule: "4014", children: child!("A", "", "<CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate><CINPlanEndDate>2025-06-01</CINPlanEndDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-06-01</CINPlanStartDate><CINPlanEndDate>2025-07-01</CINPlanEndDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-07-02</CINPlanStartDate></CINPlanDates>"), flagged: &["CINplanDates:0", "CINplanDates:1"] },
        Case { rule: "4016", children: child!("A", "", "<CINPlanDates><CINPlanStartDate>2025-05-31</CINPlanStartDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-06-01</CINPlanStartDate></CINPlanDates><ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate><CPPendDate>2025-06-01</CPPendDate></ChildProtectionPlans>"), flagged: &["CINplanDates:0", "ChildProtectionPlans:0"] },
        Case { rule: "4017", children: child!("A", "", "<CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate><CINPlanEndDate>2025-06-01</CINPlanEndDate></CINPlanDates><ChildProtectionPlans><CPPstartDate>2025-05-31</CPPstartDate></ChildProtectionPlans><ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate></ChildProtectionPlans>"), flagged: &["CINplanDates:0", "ChildProtectionPlans:0"] },
        Case { rule: "8816", children: child!("A", "", "<CINreferralDate>2025-05-01</CINreferralDate><ReferralNFA>0</ReferralNFA>", "<CINreferralDate>2025-06-01</CINreferralDate><ReferralNFA>1</ReferralNFA>", "<CINreferralDate>2025-04-01</CINreferralDate><ReferralNFA>1</ReferralNFA>"), flagged: &["CINdetails:0", "CINdetails:1"] },
        Case { rule: "2883", children: child!("A", "", "<ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate></ChildProtectionPlans>"), flagged: &["Return"] },
        Case { rule: "2886Q", children: concat!(child!("A", "<Sex>U</Sex>", ""), child!("B", "<Sex>M</Sex>", "")), flagged: &["Return"] },
        Case { rule: "4001", children: child!("A", "", "<CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate><CINPlanEndDate>2025-06-01</CINPlanEndDate></CINPlanDates><ChildProtectionPlans/>"), flagged: &["CINplanDates:0", "ChildProtectionPlans:0"] },
        Case { rule: "8530Q", children: concat!(child!("A", "<ExpectedPersonBirthDate>2026-03-01</ExpectedPersonBirthDate>", ""), child!("B", "<ExpectedPersonBirthDate>2026-03-02</ExpectedPersonBirthDate>", ""), child!("C", "<ExpectedPersonBirthDate>2026-12-31</ExpectedPersonBirthDate>", "")), flagged: &["ChildIdentifiers:0", "ChildIdentifiers:2"] },
        Case { rule: "8815", children: concat!(child!("A", "", "<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>false</ReferralNFA>"), child!("B", "", "<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>1</ReferralNFA>")), flagged: &["CINdetails:0", "CINdetails:1"] },
        Case { rule: "8820", children: child!("A", "", "<CINreferralDate>2025-05-01</CINreferralDate><CINclosureDate>2025-06-01</CINclosureDate>", "<CINreferralDate>2025-05-31</CINreferralDate><CINclosureDate>2025-07-01</CINclosureDate>", "<CINreferralDate>2025-07-01</CINreferralDate><CINclosureDate>2025-08-01</CINclosureDate>"), flagged: &["CINdetails:0", "CINdetails:1"] },
        Case { rule: "8841", children: child!("A", "", "<ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate><Reviews><CPPreviewDate>2025-05-01</CPPreviewDate></Reviews><Reviews><CPPreviewDate>2025-05-02</CPPreviewDate></Reviews></ChildProtectionPlans>"), flagged: &["ChildProtectionPlans:0", "Reviews:0"] },
        Case { rule: "8867", children: child!("A", "", "<CINclosureDate>2025-05-01</CINclosureDate><Assessments/>", "<CINclosureDate>2025-05-01</CINclosureDate><Assessments><AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate></Assessments>"), flagged: &["CINdetails:0", "Assessments:0"] },
        Case { rule: "8868", children: child!("A", "", "<CINclosureDate>2025-05-01</CINclosureDate><Section47><ICPCnotRequired>0</ICPCnotRequired></Section47><Section47><ICPCnotRequired>1</ICPCnotRequired></Section47>"), flagged: &["CINdetails:0", "Section47:0"] },
        Case { rule: "8870Q", children: child!("A", "", "<Section47><InitialCPCtarget>03-05-2025</InitialCPCtarget></Section47><Section47><InitialCPCtarget>02-05-2025</InitialCPCtarget></Section47><Section47><InitialCPCtarget>2025-05-03</InitialCPCtarget></Section47>"), flagged: &["Section47:0"] },
        Case { rule: "8940", children: child!("A", "", "<ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate><CPPendDate>2025-06-01</CPPendDate></ChildProtectionPlans><ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate><CPPendDate>2025-07-01</CPPendDate></ChildProtectionPlans>"), flagged: &["ChildProtectionPlans:0", "ChildProtectionPlans:1"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
        // 100: the test header's ReferenceDate is 31 March of its Year; a near miss
        // above, and a wrong year here.
        assert!(flagged("100", &census("")).is_empty());
        let xml = "<Message><Header><CollectionDetails><Year>2027</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header><Children/></Message>";
        let wrong =
            crate::cin::Census::parse("2025-26".parse().unwrap(), "t.xml", xml.as_bytes()).unwrap();
        assert_eq!(flagged("100", &wrong), ["Header:0"]);
    }
}
