//! Rules flagging rows of the Missing table (periods missing or away from placement).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::missing::{DOB, MISSING, MIS_END, MIS_START};
use crate::ssda903::TableName::Missing;

const MISSING_TABLE: &[Need] = &[Need::This(Missing)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "564",
        needs: MISSING_TABLE,
        run: rule_564,
    },
    Rule {
        code: "565",
        needs: MISSING_TABLE,
        run: rule_565,
    },
    Rule {
        code: "566",
        needs: MISSING_TABLE,
        run: rule_566,
    },
    Rule {
        code: "567",
        needs: MISSING_TABLE,
        run: rule_567,
    },
    Rule {
        code: "570",
        needs: MISSING_TABLE,
        run: rule_570,
    },
    Rule {
        code: "586",
        needs: MISSING_TABLE,
        run: rule_586,
    },
    Rule {
        code: "1006",
        needs: MISSING_TABLE,
        run: rule_1006,
    },
];

/// 564: Child was missing or away from placement without authorisation and the date
/// started is blank.
fn rule_564(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| {
        t.is_in(r, MISSING, &["M", "A"]) && t.is_blank(r, MIS_START)
    });
}

/// 565: The date that the child started to be missing or away from placement without
/// authorisation has been completed but whether the child was missing or away from
/// placement without authorisation has not been completed.
fn rule_565(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| t.present(r, MIS_START) && t.is_blank(r, MISSING));
}

/// 566: The date that the child's episode of being missing or away from placement
/// without authorisation ended has been completed but whether the child was missing or
/// away without authorisation has not been completed.
fn rule_566(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| t.is_blank(r, MISSING) && t.present(r, MIS_END));
}

/// 567: The date that the missing episode or episode that the child was away from
/// placement without authorisation ended is before the date that it started.
fn rule_567(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, MIS_START), t.date(r, MIS_END)), (Some(s), Some(e)) if s > e),
    );
}

/// 570: The date that the child started to be missing or away from placement without
/// authorisation is after the end of the collection year.
fn rule_570(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, MIS_START).is_some_and(|d| d > end));
}

/// 586: Dates of missing periods are before child’s date of birth.
fn rule_586(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, MIS_START), t.date(r, DOB)), (Some(s), Some(dob)) if s <= dob),
    );
}

/// 1006: Missing type invalid.
fn rule_1006(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| {
        t.present(r, MISSING) && !t.is_in(r, MISSING, &["M", "A"])
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Missing;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "564",
            this: &[(
                Missing,
                "CHILD,MISSING,MIS_START\n1,m,\n1,M,01/05/2026\n1,,",
            )],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "565",
            this: &[(
                Missing,
                "CHILD,MISSING,MIS_START\n1,,01/05/2026\n1,M,01/05/2026",
            )],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "566",
            this: &[(
                Missing,
                "CHILD,MISSING,MIS_END\n1,,01/05/2026\n1,A,01/05/2026",
            )],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "567",
            this: &[(
                Missing,
                "CHILD,MIS_START,MIS_END\n1,02/05/2026,01/05/2026\n1,01/05/2026,01/05/2026",
            )],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "570",
            this: &[(Missing, "CHILD,MIS_START\n1,01/04/2027\n1,31/03/2027")],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "586",
            this: &[(
                Missing,
                "CHILD,DOB,MIS_START\n1,01/05/2020,01/05/2020\n1,01/05/2020,02/05/2020",
            )],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "1006",
            this: &[(Missing, "CHILD,MISSING\n1,X\n1,A\n1,")],
            last: &[],
            flagged: &["Missing:0"],
        },
    ];

    #[test]
    fn missing_rules() {
        check(CASES);
    }
}
