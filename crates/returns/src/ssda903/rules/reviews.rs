//! Rules flagging rows of the Reviews table.

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::reviews::{REVIEW, REVIEW_CODE};
use crate::ssda903::TableName::Reviews;

const REVIEWS: &[Need] = &[Need::This(Reviews)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "166",
        needs: REVIEWS,
        run: rule_166,
    },
    Rule {
        code: "167",
        needs: REVIEWS,
        run: rule_167,
    },
];

/// 166: Date of review is invalid or blank.
fn rule_166(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Reviews);
    each_row(f, t, |r| t.date(r, REVIEW).is_none());
}

/// 167: Data entry for participation is invalid or blank.
fn rule_167(c: &Ctx<'_>, f: &mut Flags) {
    const CODES: &[&str] = &["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"];
    let t = c.this(Reviews);
    each_row(f, t, |r| {
        let fine = (t.present(r, REVIEW) && t.is_in(r, REVIEW_CODE, CODES))
            || (t.is_blank(r, REVIEW) && t.is_blank(r, REVIEW_CODE));
        !fine
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Reviews;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "166",
            this: &[(Reviews, "CHILD,REVIEW\n1,\n2,01/01/2027")],
            last: &[],
            flagged: &["Reviews:0"],
        },
        Case {
            rule: "167",
            this: &[(
                Reviews,
                "CHILD,REVIEW,REVIEW_CODE\n1,01/01/2027,PN9\n2,01/01/2027,PN1\n3,,\n4,,PN1",
            )],
            last: &[],
            flagged: &["Reviews:0", "Reviews:3"],
        },
    ];

    #[test]
    fn reviews_rules() {
        check(CASES);
    }
}
