//! Rules about what may happen within an episode: activity on a case closed with no
//! further action, open plans and enquiries that overlap, and the UPN-unknown reason
//! for such cases. Each flags the rows of every table involved, as the reference does.

use chrono::Months;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{each_pair, Ctx, Flags, Rule};
use crate::cin::cols::assessment_factors::FACTOR;
use crate::cin::cols::child_identifiers::{BIRTH, UPN, UPN_UNKNOWN};
use crate::cin::cols::cin_details::{CLOSURE_DATE, INITIAL_CPC, REASON_FOR_CLOSURE, REFERRAL_NFA};
use crate::cin::cols::{assessments, cin_plans, cpp, section47};
use crate::cin::TableName::{
    AssessmentFactorsList, Assessments, CINdetails, CINplanDates, ChildIdentifiers,
    ChildProtectionPlans, Section47,
};
use crate::cin::{Key, Table};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8772",
        run: rule_8772,
    },
    Rule {
        code: "8775Q",
        run: rule_8775q,
    },
    Rule {
        code: "8825Q",
        run: rule_8825q,
    },
    Rule {
        code: "4000",
        run: rule_4000,
    },
    Rule {
        code: "8832",
        run: rule_8832,
    },
    Rule {
        code: "8831",
        run: rule_8831,
    },
    Rule {
        code: "2991Q",
        run: rule_2991q,
    },
    Rule {
        code: "4004",
        run: rule_4004,
    },
    Rule {
        code: "8935",
        run: rule_8935,
    },
    Rule {
        code: "8839",
        run: rule_8839,
    },
    Rule {
        code: "2884",
        run: rule_2884,
    },
    Rule {
        code: "2885",
        run: rule_2885,
    },
    Rule {
        code: "8565",
        run: rule_8565,
    },
    Rule {
        code: "2990",
        run: rule_2990,
    },
    Rule {
        code: "8770Q",
        run: rule_8770q,
    },
    Rule {
        code: "8873Q",
        run: rule_8873q,
    },
    Rule {
        code: "8863Q",
        run: rule_8863q,
    },
    Rule {
        code: "8890",
        run: rule_8890,
    },
];

/// An Assessment is shown as starting when there is another Assessment ongoing in the
/// episode: it starts on or after the other starts, and on or before the other's
/// authorisation (or, the other not authorised, on or before the ReferenceDate). Two
/// assessments with the same start and the same (or no) authorisation date are not
/// compared, as in the reference. Both are flagged.
fn rule_8863q(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    let reference = c.reference_date();
    each_pair(f, (t, t), true, |r1, r2| {
        let (Some(s1), Some(s2)) = (
            t.date(r1, assessments::START),
            t.date(r2, assessments::START),
        ) else {
            return false;
        };
        let e2 = t.date(r2, assessments::AUTHORISATION);
        if s1 == s2 && t.date(r1, assessments::AUTHORISATION) == e2 {
            return false;
        }
        s1 >= s2
            && match e2 {
                Some(e) => s1 <= e,
                None => reference.is_some_and(|d| s1 <= d),
            }
    });
}

/// A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry
/// ongoing in the episode: on or after the other starts, and on or before its initial
/// conference (or, none held and one not marked as not required, on or before the
/// ReferenceDate). Enquiries with the same start and the same (or no) conference date
/// are not compared. Both are flagged.
fn rule_8890(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    let reference = c.reference_date();
    each_pair(f, (t, t), true, |r1, r2| {
        let (Some(s1), Some(s2)) = (t.date(r1, section47::START), t.date(r2, section47::START))
        else {
            return false;
        };
        let cpc2 = t.date(r2, section47::INITIAL_CPC);
        if s1 == s2 && t.date(r1, section47::INITIAL_CPC) == cpc2 {
            return false;
        }
        let not_required = t
            .text(r2, section47::ICPC_NOT_REQUIRED)
            .is_some_and(|v| matches!(v.to_lowercase().as_str(), "1" | "true"));
        s1 >= s2
            && match cpc2 {
                Some(d) => s1 <= d,
                None => !not_required && reference.is_some_and(|d| s1 <= d),
            }
    });
}

/// UPN is missing or reason UPN is missing or is UN1 for a child who is of school age:
/// born on or before the school-start cut-off (the ReferenceDate plus four months and
/// 31 days, less six years), with an episode whose ReferralNFA is `0` or `false` (any
/// case), no UPN and no UPNunknown reason UN2–UN7.
fn rule_8770q(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, e) = (c.table(ChildIdentifiers), c.table(CINdetails));
    let Some(cutoff) = c
        .reference_date()
        .and_then(|d| d.checked_add_months(Months::new(4)))
        .and_then(|d| d.checked_add_days(chrono::Days::new(31)))
        .and_then(|d| d.checked_sub_months(Months::new(72)))
    else {
        return;
    };
    let further: rustc_hash::FxHashSet<Key> = e
        .rows()
        .filter(|r| {
            e.is(*r, REFERRAL_NFA, "0")
                || e.text(*r, REFERRAL_NFA)
                    .is_some_and(|v| v.to_lowercase() == "false")
        })
        .map(|r| e.key(r))
        .collect();
    const REASONS: &[&str] = &["UN2", "UN3", "UN4", "UN5", "UN6", "UN7"];
    for r in ci.rows() {
        let school_age = ci.date(r, BIRTH).is_some_and(|b| b <= cutoff);
        let reason = ci
            .text(r, UPN_UNKNOWN)
            .is_some_and(|u| REASONS.contains(&u.to_uppercase().as_str()));
        if school_age && further.contains(&ci.key(r)) && ci.text(r, UPN).is_none() && !reason {
            f.flag(ci, r);
        }
    }
}

/// When there is only one assessment on the episode and the factors code "21 No factors
/// identified" has been used for the completed assessment, the reason for closure RC8
/// or RC9 should be used. As the reference reads it: an assessment alone in its episode
/// (no other AssessmentID there) with a factor containing "21", whose episode (if any)
/// is not closed RC8 or RC9; the assessment and the episode are flagged.
fn rule_8873q(c: &Ctx<'_>, f: &mut Flags) {
    let (a, list, e) = (
        c.table(Assessments),
        c.table(AssessmentFactorsList),
        c.table(CINdetails),
    );
    let mut ids: FxHashMap<(Key, u32), FxHashSet<u32>> = FxHashMap::default();
    for r in a.rows() {
        ids.entry((a.key(r), a.cin(r)))
            .or_default()
            .insert(a.assessment(r));
    }
    let mut with_21: FxHashSet<(Key, u32, u32)> = FxHashSet::default();
    for r in list.rows() {
        if list.text(r, FACTOR).is_some_and(|t| t.contains("21")) {
            with_21.insert((list.key(r), list.cin(r), list.assessment(r)));
        }
    }
    for r in a.rows() {
        let (key, cin) = (a.key(r), a.cin(r));
        let alone = ids.get(&(key, cin)).is_none_or(|set| set.len() <= 1);
        if !alone || !with_21.contains(&(key, cin, a.assessment(r))) {
            continue;
        }
        let episodes = c.rows_of_episode(CINdetails, key, cin);
        if episodes.is_empty() {
            f.flag(a, r);
        }
        for &re in episodes {
            if !e.is_in(re as usize, REASON_FOR_CLOSURE, &["RC8", "RC9"]) {
                f.flag(a, r);
                f.flag(e, re as usize);
            }
        }
    }
}

/// ReferralNFA exactly `true` or `1` (the reference's test in 4000 and 8831).
fn nfa_exactly(t: &Table, r: usize) -> bool {
    t.is_in(r, REFERRAL_NFA, &["true", "1"])
}

/// UPN unknown reason is UN7 (Referral with no further action) but at least one CIN
/// details is a referral going on to further action (or the child has none).
fn rule_8772(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, e) = (c.table(ChildIdentifiers), c.table(CINdetails));
    let mut episodes: FxHashMap<Key, Vec<usize>> = FxHashMap::default();
    for r in e.rows() {
        episodes.entry(e.key(r)).or_default().push(r);
    }
    for r in ci.rows().filter(|r| ci.is(*r, UPN_UNKNOWN, "UN7")) {
        let own = episodes.get(&ci.key(r)).map_or(&[][..], Vec::as_slice);
        if own.is_empty() {
            f.flag(ci, r);
        }
        for &re in own {
            let nfa = e
                .text(re, REFERRAL_NFA)
                .is_some_and(|v| matches!(v.to_lowercase().as_str(), "true" | "1"));
            if !nfa {
                f.flag(ci, r);
                f.flag(e, re);
            }
        }
    }
}

/// Child is over 25 years old: born more than 25 years before the ReferenceDate, with
/// an episode not closed by the 25th birthday.
fn rule_8775q(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, e) = (c.table(ChildIdentifiers), c.table(CINdetails));
    let Some(reference) = c.reference_date() else {
        return;
    };
    let Some(limit) = reference.checked_sub_months(Months::new(300)) else {
        return;
    };
    each_pair(f, (ci, e), false, |rc, re| {
        let Some(birth) = ci.date(rc, BIRTH).filter(|b| *b < limit) else {
            return false;
        };
        match e.date(re, CLOSURE_DATE) {
            None => true,
            Some(closed) => birth
                .checked_add_months(Months::new(300))
                .is_some_and(|b25| closed > b25),
        }
    });
}

/// Reason for Closure RC8 or RC9 but no assessment in the episode.
fn rule_8825q(c: &Ctx<'_>, f: &mut Flags) {
    let e = c.table(CINdetails);
    for r in e.rows() {
        if e.is_in(r, REASON_FOR_CLOSURE, &["RC8", "RC9"])
            && c.rows_of_episode(Assessments, e.key(r), e.cin(r))
                .is_empty()
        {
            f.flag(e, r);
        }
    }
}

/// CIN Plan details provided for a referral with no further action.
fn rule_4000(c: &Ctx<'_>, f: &mut Flags) {
    let (e, p) = (c.table(CINdetails), c.table(CINplanDates));
    each_pair(f, (e, p), true, |re, _| nfa_exactly(e, re));
}

/// Child Protection details provided for a referral with no further action (ReferralNFA
/// `true` in any case, or `1`).
///
/// Reproduces the reference's mix-up: its merge gives the episode's row number the
/// plan's suffix and the other way round, so for each such episode and plan it flags the
/// *plan* whose row number is the episode's and the *episode* (if itself no further
/// action) whose row number is the plan's.
fn rule_8832(c: &Ctx<'_>, f: &mut Flags) {
    let (e, p) = (c.table(CINdetails), c.table(ChildProtectionPlans));
    let nfa = |re: usize| {
        e.text(re, REFERRAL_NFA)
            .is_some_and(|v| v.to_lowercase() == "true" || v == "1")
    };
    for re in e.rows().filter(|r| nfa(*r)) {
        for &rp in c.rows_of_episode(ChildProtectionPlans, e.key(re), e.cin(re)) {
            if re < p.len() {
                f.flag(p, re);
            }
            let rp = rp as usize;
            if rp < e.len() && nfa(rp) {
                f.flag(e, rp);
            }
        }
    }
}

/// Activity is recorded against a case marked as a referral with no further action:
/// an initial conference on the episode, or an enquiry or assessment with a date.
fn rule_8831(c: &Ctx<'_>, f: &mut Flags) {
    let (e, s, a) = (
        c.table(CINdetails),
        c.table(Section47),
        c.table(Assessments),
    );
    for r in e.rows().filter(|r| nfa_exactly(e, *r)) {
        let (key, cin) = (e.key(r), e.cin(r));
        let enquiries = c.rows_of_episode(Section47, key, cin);
        if enquiries.is_empty() && e.date(r, INITIAL_CPC).is_some() {
            f.flag(e, r);
        }
        for &rs in enquiries {
            if e.date(r, INITIAL_CPC).is_some() || s.date(rs as usize, section47::START).is_some() {
                f.flag(e, r);
                f.flag(s, rs as usize);
            }
        }
        for &ra in c.rows_of_episode(Assessments, key, cin) {
            let ra = ra as usize;
            if a.date(ra, assessments::START).is_some()
                || a.date(ra, assessments::AUTHORISATION).is_some()
            {
                f.flag(e, r);
                f.flag(a, ra);
            }
        }
    }
}

/// A Section 47 module is recorded and there is no assessment on the episode.
fn rule_2991q(c: &Ctx<'_>, f: &mut Flags) {
    let s = c.table(Section47);
    for r in s.rows() {
        if c.rows_of_episode(Assessments, s.key(r), s.cin(r))
            .is_empty()
        {
            f.flag(s, r);
        }
    }
}

/// Flags every row of `t` in a group (`group(row)`, rows of children with no
/// LAchildID left out) holding more than one row for which `open` holds.
fn more_than_one_open(
    f: &mut Flags,
    t: &Table,
    group: impl Fn(usize) -> (Key, u32),
    open: impl Fn(usize) -> bool,
) {
    let mut count: FxHashMap<(Key, u32), u32> = FxHashMap::default();
    for r in t.rows().filter(|r| open(*r) && t.key(*r) != Key::MISSING) {
        *count.entry(group(r)).or_default() += 1;
    }
    for r in t.rows() {
        if count.get(&group(r)).is_some_and(|n| *n > 1) {
            f.flag(t, r);
        }
    }
}

/// This child is showing more than one open CIN Plan, i.e. with no End Date (within one
/// episode, as the reference reads it).
fn rule_4004(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(CINplanDates);
    more_than_one_open(
        f,
        t,
        |r| (t.key(r), t.cin(r)),
        |r| t.date(r, cin_plans::END).is_none(),
    );
}

/// This child is showing more than one open Child Protection plan, i.e. with no End
/// Date. (The reference groups plans by LAchildID and CPPID, the plan's position within
/// its episode, so open plans at the same position in two episodes count together.)
fn rule_8935(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(ChildProtectionPlans);
    more_than_one_open(
        f,
        t,
        |r| (t.key(r), t.cpp(r)),
        |r| t.date(r, cpp::END).is_none(),
    );
}

/// Within one CINDetails group there are 2 or more open S47 Assessments: enquiries with
/// no initial conference date and not marked as not needing one.
fn rule_8839(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    let mut count: FxHashMap<(Key, u32), u32> = FxHashMap::default();
    let no_conference = |r: usize| t.date(r, section47::INITIAL_CPC).is_none();
    for r in t.rows() {
        let not_required = t.is_in(r, section47::ICPC_NOT_REQUIRED, &["true", "1"]);
        // `groupby(..., dropna=False)`: children with no LAchildID count together.
        if no_conference(r) && !not_required {
            *count.entry((t.key(r), t.cin(r))).or_default() += 1;
        }
    }
    for r in t.rows() {
        if no_conference(r) && count.get(&(t.key(r), t.cin(r))).is_some_and(|n| *n > 1) {
            f.flag(t, r);
        }
    }
}

/// An initial child protection conference is recorded at both the S47 and CIN Details
/// level (the same date on an episode and an enquiry of the child).
fn rule_2884(c: &Ctx<'_>, f: &mut Flags) {
    let (e, s) = (c.table(CINdetails), c.table(Section47));
    each_pair(
        f,
        (e, s),
        false,
        |re, rs| matches!((e.date(re, INITIAL_CPC), s.date(rs, section47::INITIAL_CPC)), (Some(a), Some(b)) if a == b),
    );
}

/// Child protection plan shown as starting a different day to the initial child
/// protection conference. As the reference reads it, for each plan starting in the
/// census period, with the enquiries of its episode not marked `ICPCnotRequired`
/// exactly `1`:
/// - an enquiry of the episode is flagged when no plan of the episode (in the period)
///   starts on its conference day or another enquiry's; the plan itself, when no
///   enquiry of the episode has a conference on its start day;
/// - an episode with no such enquiry is checked against its own `DateOfInitialCPC`
///   instead: the episode is flagged when no plan of it starts that day, the plan when
///   it does not (or the episode is missing).
fn rule_2885(c: &Ctx<'_>, f: &mut Flags) {
    let Some((start, end)) = c.period() else {
        return;
    };
    let (p, s, e) = (
        c.table(ChildProtectionPlans),
        c.table(Section47),
        c.table(CINdetails),
    );
    let plans: Vec<(usize, chrono::NaiveDate)> = p
        .rows()
        .filter_map(|r| {
            let d = p.date(r, cpp::START)?;
            (d >= start && d <= end).then_some((r, d))
        })
        .collect();
    let enquiries = |key: Key, cin: u32| -> Vec<usize> {
        c.rows_of_episode(Section47, key, cin)
            .iter()
            .map(|r| *r as usize)
            .filter(|r| s.text(*r, section47::ICPC_NOT_REQUIRED) != Some("1"))
            .collect()
    };
    // Episodes in which some plan of the period starts on an enquiry's (or the
    // episode's) conference day.
    let mut passes_47: FxHashSet<(Key, u32)> = FxHashSet::default();
    let mut passes_cin: FxHashSet<(Key, u32)> = FxHashSet::default();
    for &(r, d) in &plans {
        let episode = (p.key(r), p.cin(r));
        if enquiries(episode.0, episode.1)
            .iter()
            .any(|rs| s.date(*rs, section47::INITIAL_CPC) == Some(d))
        {
            passes_47.insert(episode);
        }
        if c.rows_of_episode(CINdetails, episode.0, episode.1)
            .iter()
            .any(|re| e.date(*re as usize, INITIAL_CPC) == Some(d))
        {
            passes_cin.insert(episode);
        }
    }
    for &(r, d) in &plans {
        let (key, cin) = (p.key(r), p.cin(r));
        let own = enquiries(key, cin);
        if own.is_empty() {
            let details = c.rows_of_episode(CINdetails, key, cin);
            let same_day = details
                .iter()
                .any(|re| e.date(*re as usize, INITIAL_CPC) == Some(d));
            if !same_day {
                f.flag(p, r);
            }
            if !passes_cin.contains(&(key, cin)) {
                for re in details {
                    f.flag(e, *re as usize);
                }
            }
            continue;
        }
        if !own
            .iter()
            .any(|rs| s.date(*rs, section47::INITIAL_CPC) == Some(d))
        {
            f.flag(p, r);
        }
        if !passes_47.contains(&(key, cin)) {
            for rs in own {
                f.flag(s, rs);
            }
        }
    }
}

/// Activity shown after a case has been closed: a closed episode (its `CINclosureDate`
/// a date) and every row of it dated after that day: an assessment started or
/// authorised, an enquiry started or its conference held, a protection plan ended, a
/// CIN plan started or ended, or the episode's own conference.
///
/// As the DfE writes the rule, not as the reference runs it (its rule replaces the
/// protection plans with a test table left in its code, so it cannot serve as the
/// oracle; `CIN_RULES.md`).
fn rule_8565(c: &Ctx<'_>, f: &mut Flags) {
    let e = c.table(CINdetails);
    let checks: [(&Table, &[crate::cin::Col]); 4] = [
        (
            c.table(Assessments),
            &[assessments::START, assessments::AUTHORISATION],
        ),
        (
            c.table(Section47),
            &[section47::START, section47::INITIAL_CPC],
        ),
        (c.table(ChildProtectionPlans), &[cpp::END]),
        (c.table(CINplanDates), &[cin_plans::START, cin_plans::END]),
    ];
    for re in e.rows() {
        let Some(closed) = e.date(re, CLOSURE_DATE) else {
            continue;
        };
        let mut after = e.date(re, INITIAL_CPC).is_some_and(|d| d > closed);
        for (t, cols) in &checks {
            for &r in c.rows_of_episode(t.name(), e.key(re), e.cin(re)) {
                let r = r as usize;
                if cols
                    .iter()
                    .any(|col| t.date(r, *col).is_some_and(|d| d > closed))
                {
                    f.flag(t, r);
                    after = true;
                }
            }
        }
        if after {
            f.flag(e, re);
        }
    }
}

/// Activity is recorded against a case closed after assessment (RC8, RC9): an initial
/// conference on the episode, or any protection plan, enquiry or CIN plan in it. The
/// episode and all of those rows are flagged.
fn rule_2990(c: &Ctx<'_>, f: &mut Flags) {
    let e = c.table(CINdetails);
    let others = [ChildProtectionPlans, Section47, CINplanDates];
    for r in e
        .rows()
        .filter(|r| e.is_in(*r, REASON_FOR_CLOSURE, &["RC8", "RC9"]))
    {
        let (key, cin) = (e.key(r), e.cin(r));
        let activity = e.date(r, INITIAL_CPC).is_some()
            || others
                .iter()
                .any(|t| !c.rows_of_episode(*t, key, cin).is_empty());
        if activity {
            f.flag(e, r);
            for t in others {
                for &row in c.rows_of_episode(t, key, cin) {
                    f.flag(c.table(t), row as usize);
                }
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! child {
        ($id:expr, $child:expr, $($cin:expr),*) => { concat!("<Child><ChildIdentifiers><LAchildID>", $id, "</LAchildID>", $child, "</ChildIdentifiers><ChildCharacteristics/>", $("<CINdetails>", $cin, "</CINdetails>",)* "</Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8863Q", children: child!("A", "", "<Assessments><AssessmentActualStartDate>2025-05-01</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-06-01</AssessmentAuthorisationDate></Assessments><Assessments><AssessmentActualStartDate>2025-06-01</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-06-05</AssessmentAuthorisationDate></Assessments><Assessments><AssessmentActualStartDate>2025-06-06</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-06-08</AssessmentAuthorisationDate></Assessments>"), flagged: &["Assessments:0", "Assessments:1"] },
        Case { rule: "8890", children: child!("A", "", "<Section47><S47ActualStartDate>2025-05-01</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired></Section47><Section47><S47ActualStartDate>2025-06-01</S47ActualStartDate><ICPCnotRequired>true</ICPCnotRequired></Section47><Section47><S47ActualStartDate>2025-05-01</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired></Section47>"), flagged: &["Section47:0", "Section47:1", "Section47:2"] },
        Case { rule: "8770Q", children: concat!(child!("A", "<PersonBirthDate>2020-08-31</PersonBirthDate><UPNunknown>UN1</UPNunknown>", "<ReferralNFA>False</ReferralNFA>"), child!("B", "<PersonBirthDate>2020-09-01</PersonBirthDate>", "<ReferralNFA>0</ReferralNFA>"), child!("C", "<PersonBirthDate>2010-01-01</PersonBirthDate><UPNunknown>un2</UPNunknown>", "<ReferralNFA>0</ReferralNFA>")), flagged: &["ChildIdentifiers:0"] },
        Case { rule: "8873Q", children: child!("A", "", "<ReasonForClosure>RC1</ReasonForClosure><Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>", "<ReasonForClosure>RC8</ReasonForClosure><Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>", "<Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments><Assessments/>"), flagged: &["CINdetails:0", "Assessments:0"] },
        Case { rule: "8772", children: concat!(child!("A", "<UPNunknown>UN7</UPNunknown>", "<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>TRUE</ReferralNFA>"), child!("B", "<UPNunknown>UN7</UPNunknown>", "<ReferralNFA>1</ReferralNFA>")), flagged: &["ChildIdentifiers:0", "CINdetails:0"] },
        Case { rule: "8775Q", children: concat!(child!("A", "<PersonBirthDate>2000-01-01</PersonBirthDate>", "<CINclosureDate>2025-01-02</CINclosureDate>", "<CINclosureDate>2025-01-01</CINclosureDate>"), child!("B", "<PersonBirthDate>2001-04-01</PersonBirthDate>", "")), flagged: &["ChildIdentifiers:0", "CINdetails:0"] },
        Case { rule: "8825Q", children: child!("A", "", "<ReasonForClosure>RC8</ReasonForClosure>", "<ReasonForClosure>RC9</ReasonForClosure><Assessments/>"), flagged: &["CINdetails:0"] },
        Case { rule: "4000", children: child!("A", "", "<ReferralNFA>true</ReferralNFA><CINPlanDates/>", "<ReferralNFA>True</ReferralNFA><CINPlanDates/>"), flagged: &["CINdetails:0", "CINplanDates:0"] },
        Case { rule: "8832", children: child!("A", "", "<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>True</ReferralNFA><ChildProtectionPlans/><ChildProtectionPlans/>"), flagged: &["CINdetails:1", "ChildProtectionPlans:1"] },
        Case { rule: "8831", children: child!("A", "", "<ReferralNFA>1</ReferralNFA><Assessments><AssessmentActualStartDate>2025-05-01</AssessmentActualStartDate></Assessments>", "<ReferralNFA>1</ReferralNFA><Assessments/><Section47/>"), flagged: &["CINdetails:0", "Assessments:0"] },
        Case { rule: "2991Q", children: child!("A", "", "<Section47/>", "<Section47/><Assessments/>"), flagged: &["Section47:0"] },
        Case { rule: "4004", children: child!("A", "", "<CINPlanDates/><CINPlanDates/>", "<CINPlanDates/><CINPlanDates><CINPlanEndDate>2025-05-01</CINPlanEndDate></CINPlanDates>"), flagged: &["CINplanDates:0", "CINplanDates:1"] },
        Case { rule: "8935", children: child!("A", "", "<ChildProtectionPlans/>", "<ChildProtectionPlans/><ChildProtectionPlans/>"), flagged: &["ChildProtectionPlans:0", "ChildProtectionPlans:1"] },
        Case { rule: "8839", children: child!("A", "", "<Section47/><Section47><ICPCnotRequired>0</ICPCnotRequired></Section47>", "<Section47/><Section47><ICPCnotRequired>true</ICPCnotRequired></Section47>"), flagged: &["Section47:0", "Section47:1"] },
        Case { rule: "2884", children: child!("A", "", "<DateOfInitialCPC>2025-05-01</DateOfInitialCPC><Section47><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><Section47><DateOfInitialCPC>2025-05-02</DateOfInitialCPC></Section47>"), flagged: &["CINdetails:0", "Section47:0"] },
        // Episode 1: the plan starts on the second enquiry's conference (nothing
        // flagged); episode 2: no enquiry's conference is the plan's day (both flagged);
        // episode 3: no enquiry, and the episode's own conference is another day (both
        // flagged); episode 4: an enquiry marked as needing no conference is left out,
        // and the episode's conference is the plan's day.
        Case { rule: "2885", children: child!("A", "",
            "<Section47><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><Section47><DateOfInitialCPC>2025-06-01</DateOfInitialCPC></Section47><ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate></ChildProtectionPlans>",
            "<Section47><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><ChildProtectionPlans><CPPstartDate>2025-06-02</CPPstartDate></ChildProtectionPlans>",
            "<DateOfInitialCPC>2025-07-01</DateOfInitialCPC><ChildProtectionPlans><CPPstartDate>2025-07-02</CPPstartDate></ChildProtectionPlans>",
            "<DateOfInitialCPC>2025-08-01</DateOfInitialCPC><Section47><ICPCnotRequired>1</ICPCnotRequired></Section47><ChildProtectionPlans><CPPstartDate>2025-08-01</CPPstartDate></ChildProtectionPlans>"),
            flagged: &["CINdetails:2", "Section47:2", "ChildProtectionPlans:1", "ChildProtectionPlans:2"] },
        // Closed 1 June: an assessment authorised after, a CIN plan ended on the day;
        // an open episode with later dates; a closed one whose enquiry's conference
        // came after.
        Case { rule: "8565", children: child!("A", "",
            "<CINclosureDate>2025-06-01</CINclosureDate><Assessments><AssessmentActualStartDate>2025-05-01</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-06-02</AssessmentAuthorisationDate></Assessments><CINPlanDates><CINPlanStartDate>2025-05-02</CINPlanStartDate><CINPlanEndDate>2025-06-01</CINPlanEndDate></CINPlanDates>",
            "<Assessments><AssessmentActualStartDate>2025-08-01</AssessmentActualStartDate></Assessments>",
            "<CINclosureDate>2025-09-01</CINclosureDate><Section47><S47ActualStartDate>2025-08-01</S47ActualStartDate><DateOfInitialCPC>2025-09-03</DateOfInitialCPC></Section47>"),
            flagged: &["CINdetails:0", "CINdetails:2", "Assessments:0", "Section47:0"] },
        Case { rule: "2990", children: child!("A", "", "<ReasonForClosure>RC8</ReasonForClosure><CINPlanDates/>", "<ReasonForClosure>RC9</ReasonForClosure><Assessments/>"), flagged: &["CINdetails:0", "CINplanDates:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
