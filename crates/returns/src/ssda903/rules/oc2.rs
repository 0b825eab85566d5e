//! Rules flagging rows of the OC2 table (outcomes for children looked after for a year).

use chrono::Months;

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::oc2::{
    CONVICTED, DOB, HEALTH_ASSESSMENT, HEALTH_CHECK, IMMUNISATIONS, INTERVENTION_OFFERED,
    INTERVENTION_RECEIVED, SDQ_REASON, SDQ_SCORE, SUBSTANCE_MISUSE, TEETH_CHECK,
};
use crate::ssda903::TableName::Oc2;

const OC2: &[Need] = &[Need::This(Oc2)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "158",
        needs: OC2,
        run: rule_158,
    },
    Rule {
        code: "159",
        needs: OC2,
        run: rule_159,
    },
    Rule {
        code: "180",
        needs: OC2,
        run: rule_180,
    },
    Rule {
        code: "192",
        needs: OC2,
        run: rule_192,
    },
    Rule {
        code: "196",
        needs: OC2,
        run: rule_196,
    },
    Rule {
        code: "197a",
        needs: OC2,
        run: rule_197a,
    },
    Rule {
        code: "542",
        needs: OC2,
        run: rule_542,
    },
    Rule {
        code: "544",
        needs: OC2,
        run: rule_544,
    },
    Rule {
        code: "547",
        needs: OC2,
        run: rule_547,
    },
    Rule {
        code: "INT33",
        needs: OC2,
        run: rule_int33,
    },
    Rule {
        code: "193",
        needs: OC2,
        run: rule_193,
    },
    Rule {
        code: "182",
        needs: OC2,
        run: rule_182,
    },
    Rule {
        code: "188",
        needs: OC2,
        run: rule_188,
    },
    Rule {
        code: "189",
        needs: OC2,
        run: rule_189,
    },
];

/// 158: If a child has been recorded as receiving an intervention for their substance
/// misuse problem, then the additional item on whether an intervention was offered
/// should be left blank.
fn rule_158(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.is(r, INTERVENTION_RECEIVED, "1") && t.present(r, INTERVENTION_OFFERED)
    });
}

/// 159: If a child has been recorded as not receiving an intervention for their
/// substance misuse problem, then the additional item on whether an intervention was
/// offered should be completed as well.
fn rule_159(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.is(r, SUBSTANCE_MISUSE, "1")
            && t.is(r, INTERVENTION_RECEIVED, "0")
            && t.is_blank(r, INTERVENTION_OFFERED)
    });
}

/// 180: Data entry for the strengths and difficulties questionnaire (SDQ) score is
/// invalid.
fn rule_180(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.text(r, SDQ_SCORE)
            .is_some_and(|score| !is_sdq_score(score))
    });
}

/// A whole number from 0 to 40, read as pandas' `to_numeric` reads it.
fn is_sdq_score(text: &str) -> bool {
    text.trim()
        .parse::<f64>()
        .is_ok_and(|n| n.fract() == 0.0 && (0.0..=40.0).contains(&n))
}

/// 192: Child has been identified as having a substance misuse problem but the
/// additional item on whether an intervention was received has been left blank.
fn rule_192(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.is(r, SUBSTANCE_MISUSE, "1") && t.is_blank(r, INTERVENTION_RECEIVED)
    });
}

/// 196: Strengths and Difficulties (SDQ) reason is not a valid code.
fn rule_196(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.present(r, SDQ_REASON)
            && !t.is_in(r, SDQ_REASON, &["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"])
    });
}

/// 197a: Reason for no Strengths and Difficulties (SDQ) score is not required if
/// Strengths and Difficulties Questionnaire score is filled in.
fn rule_197a(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.present(r, SDQ_SCORE) && t.present(r, SDQ_REASON)
    });
}

/// 542: A child aged under 10 at 31 March should not have conviction information
/// completed.
fn rule_542(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let end = c.collection_end();
    each_row(f, t, |r| {
        t.present(r, CONVICTED)
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(Months::new(120)))
                .is_some_and(|d| d > end)
    });
}

fn any_health_item_blank(t: &crate::ssda903::Table, r: usize) -> bool {
    [
        IMMUNISATIONS,
        TEETH_CHECK,
        HEALTH_ASSESSMENT,
        SUBSTANCE_MISUSE,
    ]
    .iter()
    .any(|col| t.is_blank(r, *col))
}

/// 544: Any child who has conviction information completed must also have immunisation,
/// teeth check, health assessment and substance misuse problem identified fields
/// completed.
fn rule_544(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.is(r, CONVICTED, "1") && any_health_item_blank(t, r)
    });
}

/// 547: Any child who has health promotion information completed must also have
/// immunisation, teeth check, health assessment and substance misuse problem identified
/// fields completed.
fn rule_547(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        t.is(r, HEALTH_CHECK, "1") && any_health_item_blank(t, r)
    });
}

/// INT33: Internal Check: Child should only exist once in OC2.
fn rule_int33(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(Oc2), f);
}

/// 193: Child not identified as having a substance misuse problem but at least one of the
/// two additional items on whether an intervention were offered and received have been
/// completed.
fn rule_193(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        (t.is_blank(r, SUBSTANCE_MISUSE) || t.is(r, SUBSTANCE_MISUSE, "0"))
            && (t.present(r, INTERVENTION_RECEIVED) || t.present(r, INTERVENTION_OFFERED))
    });
}

/// 182: Data entries on immunisations, teeth checks, health assessments and substance
/// misuse problem identified should be completed with either 0 or 1.
///
/// Flagged when one of them is blank but some other OC2 item is completed.
fn rule_182(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        any_health_item_blank(t, r)
            && [
                CONVICTED,
                HEALTH_CHECK,
                INTERVENTION_RECEIVED,
                INTERVENTION_OFFERED,
            ]
            .iter()
            .any(|col| t.present(r, *col))
    });
}

/// 188: Child is aged under 4 years at the end of the year, but a Strengths and
/// Difficulties (SDQ) score or a reason for no SDQ score has been completed.
fn rule_188(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let end = c.collection_end();
    each_row(f, t, |r| {
        (t.present(r, SDQ_SCORE) || t.present(r, SDQ_REASON))
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(Months::new(48)))
                .is_some_and(|d| d > end)
    });
}

/// 189: Child is aged 17 years or over at the beginning of the year, but an Strengths and
/// Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score has
/// been completed.
fn rule_189(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let start = c.collection_start();
    each_row(f, t, |r| {
        (t.present(r, SDQ_SCORE) || t.present(r, SDQ_REASON))
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(Months::new(12 * 17)))
                .is_some_and(|d| d < start)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Oc2;

    pub(crate) const CASES: &[Case] = &[
        Case { rule: "158", this: &[(Oc2, "CHILD,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n1,1,0\n2,1,\n3,0,1")], last: &[], flagged: &["OC2:0"] },
        Case {
            rule: "159",
            this: &[(Oc2, "CHILD,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n1,1,0,\n2,1,0,1")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case { rule: "180", this: &[(Oc2, "CHILD,SDQ_SCORE\n1,41\n2,40\n3,\n4,x\n5,3.0")], last: &[], flagged: &["OC2:0", "OC2:3"] },
        Case { rule: "192", this: &[(Oc2, "CHILD,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED\n1,1,\n2,1,0")], last: &[], flagged: &["OC2:0"] },
        Case { rule: "196", this: &[(Oc2, "CHILD,SDQ_REASON\n1,SDQ6\n2,SDQ1\n3,")], last: &[], flagged: &["OC2:0"] },
        Case { rule: "197a", this: &[(Oc2, "CHILD,SDQ_SCORE,SDQ_REASON\n1,10,SDQ1\n2,10,")], last: &[], flagged: &["OC2:0"] },
        Case { rule: "542", this: &[(Oc2, "CHILD,DOB,CONVICTED\n1,01/04/2017,0\n2,31/03/2017,1")], last: &[], flagged: &["OC2:0"] },
        Case {
            rule: "544",
            this: &[(Oc2, "CHILD,CONVICTED,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE\n1,1,1,,1,1\n2,1,1,1,1,1")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "547",
            this: &[(Oc2, "CHILD,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE\n1,1,,1,1,1\n2,1,1,1,1,1")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case { rule: "INT33", this: &[(Oc2, "CHILD\n1\n1\n2")], last: &[], flagged: &["OC2:0", "OC2:1"] },
        Case { rule: "193", this: &[(Oc2, "CHILD,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n1,0,1,\n2,1,1,\n3,,,")], last: &[], flagged: &["OC2:0"] },
        Case {
            rule: "182",
            this: &[(Oc2, "CHILD,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,CONVICTED\n1,1,,1,1,0\n2,1,,1,1,\n3,1,1,1,1,0")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case { rule: "188", this: &[(Oc2, "CHILD,DOB,SDQ_SCORE\n1,01/04/2023,10\n2,31/03/2023,10\n3,01/04/2023,")], last: &[], flagged: &["OC2:0"] },
        Case { rule: "189", this: &[(Oc2, "CHILD,DOB,SDQ_REASON\n1,31/03/2009,SDQ1\n2,01/04/2009,SDQ1")], last: &[], flagged: &["OC2:0"] },
    ];

    #[test]
    fn oc2_rules() {
        check(CASES);
    }
}
