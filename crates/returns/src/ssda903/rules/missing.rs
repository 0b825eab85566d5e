//! Rules flagging rows of the Missing table (periods missing or away from placement).

use chrono::NaiveDate;

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::missing::{DOB, MISSING, MIS_END, MIS_START};
use crate::ssda903::TableName::Missing;

const MISSING_TABLE: &[Need] = &[Need::This(Missing)];
const BOTH_YEARS: &[Need] = &[Need::This(Missing), Need::Last(Missing)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "576",
        needs: BOTH_YEARS,
        run: rule_576,
    },
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
    Rule {
        code: "1004",
        needs: MISSING_TABLE,
        run: rule_1004,
    },
    Rule {
        code: "1005",
        needs: MISSING_TABLE,
        run: rule_1005,
    },
    Rule {
        code: "571",
        needs: MISSING_TABLE,
        run: rule_571,
    },
    Rule {
        code: "575",
        needs: &[
            Need::This(Missing),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_575,
    },
    Rule {
        code: "574",
        needs: MISSING_TABLE,
        run: rule_574,
    },
    Rule {
        code: "581",
        needs: &[
            Need::This(Missing),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_581,
    },
    Rule {
        code: "578",
        needs: &[
            Need::This(Missing),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_578,
    },
    Rule {
        code: "577",
        needs: &[
            Need::This(Missing),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_577,
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

/// 1004: The start date of the missing episode or episode that the child was away from
/// placement without authorisation is not a valid date.
fn rule_1004(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| t.date(r, MIS_START).is_none());
}

/// 1005: The end date of the missing episode or episode that the child was away from
/// placement without authorisation is not a valid date.
fn rule_1005(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    each_row(f, t, |r| {
        t.present(r, MIS_END) && t.date(r, MIS_END).is_none()
    });
}

/// 571: The date that the child ceased to be missing or away from placement without
/// authorisation is before the start or after the end of the collection year.
fn rule_571(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Missing);
    let (start, end) = (c.collection_start(), c.collection_end());
    each_row(f, t, |r| {
        t.date(r, MIS_END).is_some_and(|d| d < start || d > end)
    });
}

/// 575: If the placement from which the child went missing or away from placement without
/// authorisation ended, the missing or away from placement without authorisation episode
/// must also have ended.
fn rule_575(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes;
    let (t, e) = (c.this(Missing), c.this(crate::ssda903::TableName::Episodes));
    each_row(f, t, |r| {
        let Some(start) = t.date(r, MIS_START) else {
            return false;
        };
        t.is_blank(r, MIS_END)
            && e.rows_of(t.child(r)).any(|er| {
                matches!((e.date(er, episodes::DECOM), e.date(er, episodes::DEC)), (Some(decom), Some(dec)) if start >= decom && start <= dec)
            })
    });
}

/// 574: A new missing/away from placement without authorisation period cannot start
/// when the previous missing/away from placement without authorisation period is still
/// open. Missing/away from placement without authorisation periods should also not
/// overlap.
fn rule_574(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::missing::CHILD;
    super::overlapping_periods(f, c.this(Missing), CHILD, MIS_START, MIS_END);
}

/// 581: Child is missing but has not yet started to be looked after.
///
/// A missing period of a child with episodes whose start falls in none of them (an
/// episode with no readable end is open; an unreadable start falls in none).
fn rule_581(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{DEC, DECOM};
    let (t, e) = (c.this(Missing), c.this(crate::ssda903::TableName::Episodes));
    for r in t.rows() {
        let mut episodes = e.rows_of(t.child(r)).peekable();
        if episodes.peek().is_none() {
            continue;
        }
        let start = t.date(r, MIS_START);
        let in_episode = episodes.any(|er| {
            matches!((start, e.date(er, DECOM)), (Some(s), Some(d)) if s >= d)
                && e.date(er, DEC)
                    .is_none_or(|end| start.is_some_and(|s| s <= end))
        });
        if !in_episode {
            f.flag(t, r);
        }
    }
}

/// Rules 577 and 707: a period lies outside one of care when it is open but the care has
/// ended or began after it started, or when it ends after the care ended or before it
/// began.
pub(super) fn open_outside_care(
    start: NaiveDate,
    end: Option<NaiveDate>,
    care_start: NaiveDate,
    care_end: Option<NaiveDate>,
) -> bool {
    match end {
        None => care_end.is_some() || start < care_start,
        Some(end) => care_end.is_some_and(|c| end > c) || end < care_start,
    }
}

/// 578: The date that the child started to be missing is after the child ceased to be
/// looked after.
///
/// A missing period starting before, or after the end of, every period of care of the
/// child.
fn rule_578(c: &Ctx<'_>, f: &mut Flags) {
    super::outside_periods_of_care(
        c,
        f,
        c.this(Missing),
        (MIS_START, MIS_END),
        |s, _, from, to| s < from || to.is_some_and(|to| s > to),
    );
}

/// 577: Child ceased to be looked after but there is a missing/away from placement
/// without authorisation period without an end date.
///
/// A missing period outside every period of care of the child (see
/// `outside_periods_of_care`).
fn rule_577(c: &Ctx<'_>, f: &mut Flags) {
    super::outside_periods_of_care(
        c,
        f,
        c.this(Missing),
        (MIS_START, MIS_END),
        open_outside_care,
    );
}

/// 576: There is an open missing/away from placement without authorisation period in
/// last year's return and there is no corresponding period recorded at the start of
/// this year.
///
/// A child's first period this year (the first with the earliest start; an unreadable
/// start counts as 1 January 2099) is flagged when a period left open last year (blank
/// end) has a readable start that differs from it.
fn rule_576(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::missing::CHILD;
    let (t, last) = (c.this(Missing), c.last(Missing));
    let never = NaiveDate::from_ymd_opt(2099, 1, 1).unwrap_or(NaiveDate::MAX);
    for (child, rows) in t.by_child() {
        let start = |r: usize| t.date(r, MIS_START).unwrap_or(never);
        let Some(first) = rows.iter().map(|r| *r as usize).min_by_key(|r| start(*r)) else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        if last.rows_of(child).any(|lr| {
            last.is_blank(lr, MIS_END)
                && last.date(lr, MIS_START).is_some_and(|s| s != start(first))
        }) {
            f.flag(t, first);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Missing;

    pub(crate) const CASES: &[Case] = &[
        // Each child had a period open last year: 1's first period this year is another
        // (its later one matches, but is not first), 2's is the same one, 3's open
        // period started on an unreadable date.
        Case {
            rule: "576",
            this: &[(
                Missing,
                "CHILD,MIS_START\n1,10/03/2026\n1,01/03/2026\n2,xx\n2,01/03/2026\n3,01/05/2026",
            )],
            last: &[(
                Missing,
                "CHILD,MIS_START,MIS_END\n1,10/03/2026,\n2,01/03/2026,\n3,yy,\n3,01/01/2026,02/01/2026",
            )],
            flagged: &["Missing:1"],
        },
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
        Case { rule: "1004", this: &[(Missing, "CHILD,MIS_START\n1,\n1,01/05/2026\n1,x")], last: &[], flagged: &["Missing:0", "Missing:2"] },
        Case { rule: "1005", this: &[(Missing, "CHILD,MIS_END\n1,x\n1,01/05/2026\n1,")], last: &[], flagged: &["Missing:0"] },
        Case { rule: "571", this: &[(Missing, "CHILD,MIS_END\n1,31/03/2026\n1,01/04/2026\n1,01/04/2027\n1,")], last: &[], flagged: &["Missing:0", "Missing:2"] },
        Case {
            rule: "575",
            this: &[(Missing, "CHILD,MIS_START,MIS_END\n1,05/05/2026,\n1,05/05/2026,06/05/2026\n1,05/07/2026,"), (crate::ssda903::TableName::Episodes, "CHILD,DECOM,DEC\n1,01/05/2026,01/06/2026")],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "574",
            this: &[(Missing, "CHILD,MIS_START,MIS_END\n1,01/04/2026,01/06/2026\n1,01/05/2026,01/07/2026\n2,01/04/2026,01/05/2026\n2,01/05/2026,01/06/2026")],
            last: &[],
            flagged: &["Missing:1"],
        },
        Case {
            rule: "581",
            this: &[
                (Missing, "CHILD,MIS_START\n1,01/03/2026\n1,01/05/2026\n2,01/01/2020\n1,"),
                (crate::ssda903::TableName::Episodes, "CHILD,DECOM,DEC\n1,01/04/2026,\n1,01/01/2025,01/02/2025"),
            ],
            last: &[],
            flagged: &["Missing:0", "Missing:3"],
        },
        Case {
            rule: "578",
            this: &[
                (Missing, "CHILD,MIS_START\n1,02/06/2026\n1,01/06/2026\n2,01/05/2026"),
                (crate::ssda903::TableName::Episodes, "CHILD,DECOM,DEC\n1,01/04/2026,01/06/2026"),
            ],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "577",
            this: &[
                (Missing, "CHILD,MIS_START,MIS_END\n1,01/05/2026,\n1,01/05/2026,02/05/2026\n2,01/05/2026,\n3,01/05/2026,"),
                (crate::ssda903::TableName::Episodes, "CHILD,DECOM,DEC\n1,01/04/2026,01/06/2026\n2,01/04/2026,01/05/2026\n2,01/05/2026,"),
            ],
            last: &[],
            flagged: &["Missing:0"],
        },
    ];

    #[test]
    fn missing_rules() {
        check(CASES);
    }
}
