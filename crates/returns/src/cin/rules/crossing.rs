//! Rules comparing dates across tables: an activity before its episode's referral, or
//! after the child's death. Each flags the rows of both tables that disagree.

use super::{each_pair, each_row, Ctx, Flags, Rule};
use crate::cin::cols::child_identifiers::DEATH;
use crate::cin::cols::cin_details::{REASON_FOR_CLOSURE, REFERRAL_DATE};
use crate::cin::cols::{assessments, cin_plans, cpp, section47};
use crate::cin::TableName::{
    Assessments, CINdetails, CINplanDates, ChildIdentifiers, ChildProtectionPlans, Section47,
};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "1103",
        run: rule_1103,
    },
    Rule {
        code: "1104",
        run: rule_1104,
    },
    Rule {
        code: "1105",
        run: rule_1105,
    },
    Rule {
        code: "2889",
        run: rule_2889,
    },
    Rule {
        code: "4015",
        run: rule_4015,
    },
    Rule {
        code: "8615",
        run: rule_8615,
    },
    Rule {
        code: "8915",
        run: rule_8915,
    },
    Rule {
        code: "8920",
        run: rule_8920,
    },
    Rule {
        code: "4008",
        run: rule_4008,
    },
    Rule {
        code: "4009Q",
        run: rule_4009q,
    },
    Rule {
        code: "8555Q",
        run: rule_8555q,
    },
    Rule {
        code: "8585Q",
        run: rule_8585q,
    },
];

/// The assessment start date cannot be before the referral date.
fn rule_1103(c: &Ctx<'_>, f: &mut Flags) {
    let (a, e) = (c.table(Assessments), c.table(CINdetails));
    each_pair(
        f,
        (a, e),
        true,
        |ra, re| matches!((a.date(ra, assessments::START), e.date(re, REFERRAL_DATE)), (Some(s), Some(r)) if s < r),
    );
}

/// The date of the initial child protection conference cannot be before the referral
/// date.
fn rule_1104(c: &Ctx<'_>, f: &mut Flags) {
    let (s, e) = (c.table(Section47), c.table(CINdetails));
    each_pair(
        f,
        (s, e),
        true,
        |rs, re| matches!((s.date(rs, section47::INITIAL_CPC), e.date(re, REFERRAL_DATE)), (Some(d), Some(r)) if d < r),
    );
}

/// The child protection plan start date cannot be before the referral date.
fn rule_1105(c: &Ctx<'_>, f: &mut Flags) {
    let (p, e) = (c.table(ChildProtectionPlans), c.table(CINdetails));
    each_pair(
        f,
        (p, e),
        true,
        |rp, re| matches!((p.date(rp, cpp::START), e.date(re, REFERRAL_DATE)), (Some(s), Some(r)) if r > s),
    );
}

/// The S47 start date cannot be before the referral date.
fn rule_2889(c: &Ctx<'_>, f: &mut Flags) {
    let (s, e) = (c.table(Section47), c.table(CINdetails));
    each_pair(
        f,
        (s, e),
        true,
        |rs, re| matches!((s.date(rs, section47::START), e.date(re, REFERRAL_DATE)), (Some(d), Some(r)) if d < r),
    );
}

/// The CIN Plan start date cannot be before the referral date.
fn rule_4015(c: &Ctx<'_>, f: &mut Flags) {
    let (p, e) = (c.table(CINplanDates), c.table(CINdetails));
    each_pair(
        f,
        (p, e),
        true,
        |rp, re| matches!((p.date(rp, cin_plans::START), e.date(re, REFERRAL_DATE)), (Some(s), Some(r)) if s < r),
    );
}

/// Section 47 Enquiry Start Date must be present and cannot be later than the date of
/// the initial Child Protection Conference.
fn rule_8615(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Section47);
    each_row(f, t, |r| {
        match (
            t.date(r, section47::START),
            t.date(r, section47::INITIAL_CPC),
        ) {
            (Some(s), Some(d)) => s > d,
            (None, Some(_)) => true,
            _ => false,
        }
    });
}

/// Child Protection Plan shown as starting after the child's Date of Death.
fn rule_8915(c: &Ctx<'_>, f: &mut Flags) {
    let (p, ci) = (c.table(ChildProtectionPlans), c.table(ChildIdentifiers));
    each_pair(
        f,
        (p, ci),
        false,
        |rp, rc| matches!((p.date(rp, cpp::START), ci.date(rc, DEATH)), (Some(s), Some(d)) if s > d),
    );
}

/// Child Protection Plan cannot end after the child's Date of Death.
fn rule_8920(c: &Ctx<'_>, f: &mut Flags) {
    let (p, ci) = (c.table(ChildProtectionPlans), c.table(ChildIdentifiers));
    each_pair(
        f,
        (p, ci),
        false,
        |rp, rc| matches!((p.date(rp, cpp::END), ci.date(rc, DEATH)), (Some(e), Some(d)) if e > d),
    );
}

/// CIN Plan shown as starting after the child's Date of Death.
fn rule_4008(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, p) = (c.table(ChildIdentifiers), c.table(CINplanDates));
    each_pair(
        f,
        (ci, p),
        false,
        |rc, rp| matches!((ci.date(rc, DEATH), p.date(rp, cin_plans::START)), (Some(d), Some(s)) if d < s),
    );
}

/// CIN Plan cannot end after the child's Date of Death.
fn rule_4009q(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, p) = (c.table(ChildIdentifiers), c.table(CINplanDates));
    each_pair(
        f,
        (ci, p),
        false,
        |rc, rp| matches!((ci.date(rc, DEATH), p.date(rp, cin_plans::END)), (Some(d), Some(e)) if d < e),
    );
}

/// Child cannot be referred after its recorded date of death.
fn rule_8555q(c: &Ctx<'_>, f: &mut Flags) {
    let (e, ci) = (c.table(CINdetails), c.table(ChildIdentifiers));
    each_pair(
        f,
        (e, ci),
        false,
        |re, rc| matches!((ci.date(rc, DEATH), e.date(re, REFERRAL_DATE)), (Some(d), Some(r)) if d < r),
    );
}

/// CIN episode shows Died as the Closure Reason (RC2), however child has no recorded
/// Date of Death.
fn rule_8585q(c: &Ctx<'_>, f: &mut Flags) {
    let (ci, e) = (c.table(ChildIdentifiers), c.table(CINdetails));
    each_pair(f, (ci, e), false, |rc, re| {
        e.is(re, REASON_FOR_CLOSURE, "RC2") && ci.date(rc, DEATH).is_none()
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! episode {
        ($child:expr, $cin:expr) => {
            concat!(
                "<Child><ChildIdentifiers><LAchildID>C1</LAchildID>",
                $child,
                "</ChildIdentifiers><ChildCharacteristics/><CINdetails>",
                $cin,
                "</CINdetails></Child>"
            )
        };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "1103", children: episode!("", "<CINreferralDate>2025-05-02</CINreferralDate><Assessments><AssessmentActualStartDate>2025-05-01</AssessmentActualStartDate></Assessments><Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate></Assessments>"), flagged: &["CINdetails:0", "Assessments:0"] },
        Case { rule: "1104", children: episode!("", "<CINreferralDate>2025-05-02</CINreferralDate><Section47><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><Section47><DateOfInitialCPC>2025-05-02</DateOfInitialCPC></Section47>"), flagged: &["CINdetails:0", "Section47:0"] },
        Case { rule: "1105", children: episode!("", "<CINreferralDate>2025-05-02</CINreferralDate><ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate></ChildProtectionPlans><ChildProtectionPlans><CPPstartDate>2025-05-02</CPPstartDate></ChildProtectionPlans>"), flagged: &["CINdetails:0", "ChildProtectionPlans:0"] },
        Case { rule: "2889", children: episode!("", "<CINreferralDate>2025-05-02</CINreferralDate><Section47><S47ActualStartDate>2025-05-01</S47ActualStartDate></Section47><Section47><S47ActualStartDate>2025-05-02</S47ActualStartDate></Section47>"), flagged: &["CINdetails:0", "Section47:0"] },
        Case { rule: "4015", children: episode!("", "<CINreferralDate>2025-05-02</CINreferralDate><CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-05-02</CINPlanStartDate></CINPlanDates>"), flagged: &["CINdetails:0", "CINplanDates:0"] },
        Case { rule: "8615", children: episode!("", "<Section47><S47ActualStartDate>2025-05-02</S47ActualStartDate><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><Section47><S47ActualStartDate>2025-05-01</S47ActualStartDate><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47><Section47><DateOfInitialCPC>2025-05-01</DateOfInitialCPC></Section47>"), flagged: &["Section47:0", "Section47:2"] },
        Case { rule: "8915", children: episode!("<PersonDeathDate>2025-05-01</PersonDeathDate>", "<ChildProtectionPlans><CPPstartDate>2025-05-02</CPPstartDate></ChildProtectionPlans><ChildProtectionPlans><CPPstartDate>2025-05-01</CPPstartDate></ChildProtectionPlans>"), flagged: &["ChildIdentifiers:0", "ChildProtectionPlans:0"] },
        Case { rule: "8920", children: episode!("<PersonDeathDate>2025-05-01</PersonDeathDate>", "<ChildProtectionPlans><CPPendDate>2025-05-02</CPPendDate></ChildProtectionPlans><ChildProtectionPlans><CPPendDate>2025-05-01</CPPendDate></ChildProtectionPlans>"), flagged: &["ChildIdentifiers:0", "ChildProtectionPlans:0"] },
        Case { rule: "4008", children: episode!("<PersonDeathDate>2025-05-01</PersonDeathDate>", "<CINPlanDates><CINPlanStartDate>2025-05-02</CINPlanStartDate></CINPlanDates><CINPlanDates><CINPlanStartDate>2025-05-01</CINPlanStartDate></CINPlanDates>"), flagged: &["ChildIdentifiers:0", "CINplanDates:0"] },
        Case { rule: "4009Q", children: episode!("<PersonDeathDate>2025-05-01</PersonDeathDate>", "<CINPlanDates><CINPlanEndDate>2025-05-02</CINPlanEndDate></CINPlanDates><CINPlanDates><CINPlanEndDate>2025-05-01</CINPlanEndDate></CINPlanDates>"), flagged: &["ChildIdentifiers:0", "CINplanDates:0"] },
        Case { rule: "8555Q", children: concat!(episode!("<PersonDeathDate>2025-05-01</PersonDeathDate>", "<CINreferralDate>2025-05-02</CINreferralDate>"), "<Child><ChildIdentifiers><LAchildID>C2</LAchildID><PersonDeathDate>2025-05-01</PersonDeathDate></ChildIdentifiers><ChildCharacteristics/><CINdetails><CINreferralDate>2025-05-01</CINreferralDate></CINdetails></Child>"), flagged: &["ChildIdentifiers:0", "CINdetails:0"] },
        Case { rule: "8585Q", children: concat!(episode!("", "<ReasonForClosure>RC2</ReasonForClosure>"), "<Child><ChildIdentifiers><LAchildID>C2</LAchildID><PersonDeathDate>2025-05-01</PersonDeathDate></ChildIdentifiers><ChildCharacteristics/><CINdetails><ReasonForClosure>RC2</ReasonForClosure></CINdetails></Child>"), flagged: &["ChildIdentifiers:0", "CINdetails:0"] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
