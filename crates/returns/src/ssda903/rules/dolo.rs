//! Rules flagging rows of the DoLo table (deprivations of liberty, from 2026-27).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::dolo::{DOLO_END, DOLO_START};
use crate::ssda903::TableName::DoLo;

const DOLO: &[Need] = &[Need::This(DoLo)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "700",
        needs: DOLO,
        run: rule_700,
    },
    Rule {
        code: "701",
        needs: DOLO,
        run: rule_701,
    },
    Rule {
        code: "703",
        needs: DOLO,
        run: rule_703,
    },
];

/// 700: The start date of the DoLO is not a valid date.
fn rule_700(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(DoLo);
    each_row(f, t, |r| t.date(r, DOLO_START).is_none());
}

/// 701: The end date of the DoLO is not a valid date.
fn rule_701(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(DoLo);
    each_row(f, t, |r| {
        t.present(r, DOLO_END) && t.date(r, DOLO_END).is_none()
    });
}

/// 703: The date that the DoLO started is after the end of the collection year.
fn rule_703(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(DoLo);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, DOLO_START).is_some_and(|d| d > end));
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::DoLo;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "700",
            this: &[(DoLo, "CHILD,DOLO_START\n1,\n2,01/01/2027\n3,x")],
            last: &[],
            flagged: &["DoLo:0", "DoLo:2"],
        },
        Case {
            rule: "701",
            this: &[(DoLo, "CHILD,DOLO_END\n1,x\n2,01/01/2027\n3,")],
            last: &[],
            flagged: &["DoLo:0"],
        },
        Case {
            rule: "703",
            this: &[(DoLo, "CHILD,DOLO_START\n1,01/04/2027\n2,31/03/2027")],
            last: &[],
            flagged: &["DoLo:0"],
        },
    ];

    #[test]
    fn dolo_rules() {
        check(CASES);
    }
}
