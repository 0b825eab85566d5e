//! Rules flagging rows of the Reviews table.

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::reviews::{REVIEW, REVIEW_CODE};
use crate::ssda903::TableName::Reviews;
use chrono::Months;

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
    Rule {
        code: "440",
        needs: REVIEWS,
        run: rule_440,
    },
    Rule {
        code: "441",
        needs: REVIEWS,
        run: rule_441,
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

fn fourth_birthday(t: &crate::ssda903::Table, r: usize) -> Option<chrono::NaiveDate> {
    use crate::ssda903::tables::cols::reviews::DOB;
    t.date(r, DOB)
        .and_then(|dob| dob.checked_add_months(Months::new(48)))
}

/// 440: Participation code indicates child was under 4 years old at the time of the
/// review, but date of birth is more than 4 years before the review.
fn rule_440(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Reviews);
    each_row(f, t, |r| {
        t.is(r, REVIEW_CODE, "PN0")
            && matches!((t.date(r, REVIEW), fourth_birthday(t, r)), (Some(review), Some(four)) if review > four)
    });
}

/// 441: Participation code indicates child was 4 years or older at the time of the
/// review, but date of birth is less than 4 years before the review.
fn rule_441(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Reviews);
    each_row(f, t, |r| {
        t.is_in(
            r,
            REVIEW_CODE,
            &["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"],
        ) && matches!((t.date(r, REVIEW), fourth_birthday(t, r)), (Some(review), Some(four)) if review < four)
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
        Case { rule: "440", this: &[(Reviews, "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2020,02/01/2024,PN0\n2,01/01/2020,01/01/2024,PN0")], last: &[], flagged: &["Reviews:0"] },
        Case { rule: "441", this: &[(Reviews, "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2020,31/12/2023,PN1\n2,01/01/2020,01/01/2024,PN1")], last: &[], flagged: &["Reviews:0"] },
    ];

    #[test]
    fn reviews_rules() {
        check(CASES);
    }
}
