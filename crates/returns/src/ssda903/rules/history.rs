//! Rules comparing a child's Header row with last year's: facts that cannot change
//! (sex, date of birth, ethnicity, motherhood once reported, UPN once known). They flag
//! rows of this year's Header.
//!
//! A child in last year's Header more than once is compared with each of those rows. The
//! reference lines its result up with this year's rows by position for rules 203, 204
//! and 208, so it raises on such inputs and they are never compared for those rules.

use super::{Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::header::{DOB, ETHNIC, MOTHER, SEX, UPN};
use crate::ssda903::tables::Col;
use crate::ssda903::TableName::{Episodes, Header};

const BOTH_YEARS: &[Need] = &[Need::This(Header), Need::Last(Header)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "202",
        needs: BOTH_YEARS,
        run: rule_202,
    },
    Rule {
        code: "203",
        needs: BOTH_YEARS,
        run: rule_203,
    },
    Rule {
        code: "204",
        needs: BOTH_YEARS,
        run: rule_204,
    },
    Rule {
        code: "207",
        needs: &[Need::This(Episodes), Need::This(Header), Need::Last(Header)],
        run: rule_207,
    },
    Rule {
        code: "208",
        needs: BOTH_YEARS,
        run: rule_208,
    },
    Rule {
        code: "626",
        needs: BOTH_YEARS,
        run: rule_626,
    },
];

/// Flags Header rows for which some row of last year's Header for the child
/// `differs(this_row, last_row)`.
fn against_last_year(c: &Ctx<'_>, f: &mut Flags, differs: impl Fn(usize, usize) -> bool) {
    let (h, last) = (c.this(Header), c.last(Header));
    for r in h.rows() {
        if last.rows_of(h.child(r)).any(|lr| differs(r, lr)) {
            f.flag(h, r);
        }
    }
}

/// Rows whose `col` is written differently last year (blank equals blank).
fn text_differs(c: &Ctx<'_>, f: &mut Flags, col: Col) {
    let (h, last) = (c.this(Header), c.last(Header));
    against_last_year(c, f, |r, lr| h.text(r, col) != last.text(lr, col));
}

/// 202: The gender code conflicts with the gender already recorded for this child.
fn rule_202(c: &Ctx<'_>, f: &mut Flags) {
    text_differs(c, f, SEX);
}

/// 203: Date of birth disagrees with the date of birth already recorded for this child.
///
/// Dates are compared as read: two unreadable dates agree.
fn rule_203(c: &Ctx<'_>, f: &mut Flags) {
    let (h, last) = (c.this(Header), c.last(Header));
    against_last_year(c, f, |r, lr| h.date(r, DOB) != last.date(lr, DOB));
}

/// 204: Ethnic origin code disagrees with the ethnic origin already recorded for this
/// child.
fn rule_204(c: &Ctx<'_>, f: &mut Flags) {
    text_differs(c, f, ETHNIC);
}

/// 207: Mother status for the current year disagrees with the mother status already
/// recorded for this child.
///
/// Only a child recorded as a mother (`1`) last year, with an episode this year, who is
/// not recorded as one now.
fn rule_207(c: &Ctx<'_>, f: &mut Flags) {
    let (h, last, episodes) = (c.this(Header), c.last(Header), c.this(Episodes));
    against_last_year(c, f, |r, lr| {
        last.is(lr, MOTHER, "1") && !h.is(r, MOTHER, "1") && episodes.has_child(h.child(r))
    });
}

/// 208: Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil
/// Number (UPN) already recorded for this child.
///
/// Allowed changes: from blank or `UN1` to `UN2`–`UN5`, and from blank or any `UN` code
/// to a real UPN.
fn rule_208(c: &Ctx<'_>, f: &mut Flags) {
    const UN2_TO_5: &[&str] = &["UN2", "UN3", "UN4", "UN5"];
    const UN: &[&str] = &["UN1", "UN2", "UN3", "UN4", "UN5"];
    let (h, last) = (c.this(Header), c.last(Header));
    against_last_year(c, f, |r, lr| {
        let (now, before) = (h.text(r, UPN), last.text(lr, UPN));
        let differs = now != before;
        let un = |upn: Option<&str>, codes: &[&str]| upn.is_some_and(|u| codes.contains(&u));
        let valid_unknown_change = (before == Some("UN1") || before.is_none()) && un(now, UN2_TO_5);
        let unknown_to_known =
            (un(before, UN) || before.is_none()) && !(un(now, UN) || now.is_none());
        differs && !valid_unknown_change && !unknown_to_known
    });
}

/// 626: Child was reported as a mother but the date of birth of the first child is
/// before the current year which contradicts with the mother status recorded last year.
///
/// `MOTHER` is read as a number, as the reference reads it.
fn rule_626(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::header::MC_DOB;
    let (h, last) = (c.this(Header), c.last(Header));
    let start = c.collection_start();
    let number = |t: &crate::ssda903::Table, r: usize| {
        t.text(r, MOTHER).and_then(|m| m.trim().parse::<f64>().ok())
    };
    against_last_year(c, f, |r, lr| {
        h.date(r, MC_DOB).is_some_and(|d| d < start)
            && number(h, r) == Some(1.0)
            && number(last, lr) == Some(0.0)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Header};

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "202",
            this: &[(Header, "CHILD,SEX\n1,M\n2,F\n3,\n4,M")],
            last: &[(Header, "CHILD,SEX\n1,F\n2,F\n3,")],
            flagged: &["Header:0"],
        },
        Case {
            rule: "203",
            this: &[(Header, "CHILD,DOB\n1,01/01/2015\n2,01/01/2015\n3,bad")],
            last: &[(Header, "CHILD,DOB\n1,02/01/2015\n2,01/01/2015\n3,worse")],
            flagged: &["Header:0"],
        },
        Case {
            rule: "204",
            this: &[(Header, "CHILD,ETHNIC\n1,WBRI\n2,WBRI")],
            last: &[(Header, "CHILD,ETHNIC\n1,WIRI\n2,wbri")],
            flagged: &["Header:0"],
        },
        Case {
            rule: "207",
            this: &[
                (Header, "CHILD,MOTHER\n1,0\n2,1\n3,\n4,0"),
                (Episodes, "CHILD\n1\n2\n3"),
            ],
            last: &[(Header, "CHILD,MOTHER\n1,1\n2,1\n3,0\n4,1")],
            flagged: &["Header:0"],
        },
        Case {
            rule: "208",
            this: &[(Header, "CHILD,UPN\n1,A123\n2,UN2\n3,A123\n4,UN1\n5,")],
            last: &[(Header, "CHILD,UPN\n1,B123\n2,UN1\n3,UN3\n4,UN3\n5,")],
            flagged: &["Header:0", "Header:3"],
        },
        Case {
            rule: "626",
            this: &[(
                Header,
                "CHILD,MOTHER,MC_DOB\n1,1,01/01/2026\n2,1,01/05/2026\n3,1,01/01/2026",
            )],
            last: &[(Header, "CHILD,MOTHER\n1,0\n2,0\n3,1")],
            flagged: &["Header:0"],
        },
    ];

    #[test]
    fn history_rules() {
        check(CASES);
    }
}
