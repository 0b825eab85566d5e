//! Rules flagging rows of the PrevPerm table (previous permanence).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::prev_perm::{DATE_PERM, LA_PERM, PREV_PERM};
use crate::ssda903::TableName::PrevPerm;

const PREV_PERM_TABLE: &[Need] = &[Need::This(PrevPerm)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "635",
        needs: PREV_PERM_TABLE,
        run: rule_635,
    },
    Rule {
        code: "INT35",
        needs: PREV_PERM_TABLE,
        run: rule_int35,
    },
    Rule {
        code: "631",
        needs: PREV_PERM_TABLE,
        run: rule_631,
    },
];

/// 635: There are entries for date of order and local authority code where previous
/// permanence option was arranged but previous permanence code is Z1
fn rule_635(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PrevPerm);
    each_row(f, t, |r| {
        (t.present(r, LA_PERM) || t.present(r, DATE_PERM)) && t.is_blank(r, PREV_PERM)
    });
}

/// INT35: Internal Check: Child should only exist once in PrevPerm.
fn rule_int35(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(PrevPerm), f);
}

/// 631: Previous permanence option not a valid value.
fn rule_631(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PrevPerm);
    each_row(f, t, |r| {
        t.present(r, PREV_PERM) && !t.is_in(r, PREV_PERM, &["P1", "P2", "P3", "P4", "Z1"])
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::PrevPerm as P;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "635",
            this: &[(P, "CHILD,PREV_PERM,LA_PERM,DATE_PERM\n1,,1,\n2,P1,1,\n3,,,")],
            last: &[],
            flagged: &["PrevPerm:0"],
        },
        Case {
            rule: "INT35",
            this: &[(P, "CHILD\n1\n2\n2")],
            last: &[],
            flagged: &["PrevPerm:1", "PrevPerm:2"],
        },
        Case {
            rule: "631",
            this: &[(P, "CHILD,PREV_PERM\n1,P5\n2,Z1\n3,")],
            last: &[],
            flagged: &["PrevPerm:0"],
        },
    ];

    #[test]
    fn prev_perm_rules() {
        check(CASES);
    }
}
