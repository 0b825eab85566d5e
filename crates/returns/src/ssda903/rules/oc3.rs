//! Rules flagging rows of the OC3 table (care leavers).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::oc3::{ACCOM, ACTIV, IN_TOUCH};
use crate::ssda903::TableName::{Episodes, Oc3};

const OC3: &[Need] = &[Need::This(Oc3)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "131",
        needs: OC3,
        run: rule_131,
    },
    Rule {
        code: "153",
        needs: OC3,
        run: rule_153,
    },
    Rule {
        code: "344",
        needs: OC3,
        run: rule_344,
    },
    Rule {
        code: "345",
        needs: OC3,
        run: rule_345,
    },
    Rule {
        code: "1002",
        needs: &[Need::This(Episodes), Need::This(Oc3), Need::Last(Episodes)],
        run: rule_1002,
    },
];

/// 131: Data entry for being in touch after leaving care is invalid.
fn rule_131(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        !t.is_in(r, IN_TOUCH, &["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"])
    });
}

/// 153: All data items relating to a child's activity or accommodation after leaving
/// care must be coded or left blank.
fn rule_153(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        let present = [IN_TOUCH, ACTIV, ACCOM].map(|col| t.present(r, col));
        present.iter().any(|p| *p) && !present.iter().all(|p| *p)
    });
}

/// 344: The record shows the young person has died or returned home to live with
/// parent(s) or someone with parental responsibility for a continuous period of 6
/// months or more, but activity and/or accommodation on leaving care have been
/// completed.
fn rule_344(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        t.is_in(r, IN_TOUCH, &["DIED", "RHOM"])
            && (t.pd_str(r, ACTIV) != "0" || t.pd_str(r, ACCOM) != "0")
    });
}

/// 345: The data collection record shows the local authority is in touch with this
/// young person, but activity and/or accommodation data items are zero.
fn rule_345(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        t.is(r, IN_TOUCH, "YES") && (t.pd_str(r, ACTIV) == "0" || t.pd_str(r, ACCOM) == "0")
    });
}

/// 1002: This child has no previous episodes of care, therefore should not have care
/// leaver information recorded. [NOTE: This tool can only test the current and previous
/// year data loaded into the tool - this check may generate false positives if a child
/// had episodes prior to last year's collection.]
fn rule_1002(c: &Ctx<'_>, f: &mut Flags) {
    let (t, episodes, last) = (c.this(Oc3), c.this(Episodes), c.last(Episodes));
    each_row(f, t, |r| {
        !episodes.has_child(t.child(r)) && !last.has_child(t.child(r))
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Oc3};

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "131",
            this: &[(Oc3, "CHILD,IN_TOUCH\n1,MAYBE\n2,YES\n3,")],
            last: &[],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case {
            rule: "153",
            this: &[(
                Oc3,
                "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,YES,F1,\n2,YES,F1,B1\n3,,,",
            )],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "344",
            this: &[(
                Oc3,
                "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,DIED,F1,0\n2,DIED,0,0\n3,RHOM,,0",
            )],
            last: &[],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case {
            rule: "345",
            this: &[(Oc3, "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,YES,0,B1\n2,YES,F1,B1")],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "1002",
            this: &[(Oc3, "CHILD\n1\n2\n3"), (Episodes, "CHILD\n2")],
            last: &[(Episodes, "CHILD\n3")],
            flagged: &["OC3:0"],
        },
    ];

    #[test]
    fn oc3_rules() {
        check(CASES);
    }
}
