//! Rules flagging rows of the DoLo table (deprivations of liberty, from 2026-27).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::dolo::{DOLO_END, DOLO_START};
use crate::ssda903::TableName::{DoLo, Episodes};

const DOLO: &[Need] = &[Need::This(DoLo)];
const WITH_EPISODES: &[Need] = &[Need::This(DoLo), Need::This(Episodes)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "709",
        needs: WITH_EPISODES,
        run: rule_709,
    },
    Rule {
        code: "710",
        needs: WITH_EPISODES,
        run: rule_710,
    },
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
    Rule {
        code: "708",
        needs: DOLO,
        run: rule_708,
    },
    Rule {
        code: "702",
        needs: DOLO,
        run: rule_702,
    },
    Rule {
        code: "704",
        needs: DOLO,
        run: rule_704,
    },
    Rule {
        code: "705",
        needs: DOLO,
        run: rule_705,
    },
    Rule {
        code: "706",
        needs: &[Need::This(DoLo), Need::Last(DoLo)],
        run: rule_706,
    },
    Rule {
        code: "707",
        needs: &[
            Need::This(DoLo),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_707,
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

/// 708: Dates of DoLOs are before child’s date of birth.
fn rule_708(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::dolo::DOB;
    let t = c.this(DoLo);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, DOLO_START), t.date(r, DOB)), (Some(s), Some(dob)) if s <= dob),
    );
}

/// 702: The date that the DoLO ended is before the date that it started.
fn rule_702(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(DoLo);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, DOLO_START), t.date(r, DOLO_END)), (Some(s), Some(e)) if e <= s),
    );
}

/// 704: The date that the DoLO ended is before the start or after the end of the
/// collection year.
fn rule_704(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(DoLo);
    let year = c.collection_start()..=c.collection_end();
    each_row(f, t, |r| {
        t.date(r, DOLO_END).is_some_and(|d| !year.contains(&d))
    });
}

/// 705: A DoLO cannot start when the previous DoLO is still open.
fn rule_705(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::dolo::CHILD;
    super::overlapping_periods(f, c.this(DoLo), CHILD, DOLO_START, DOLO_END);
}

/// 706: There is an open DoLO in last year’s return and there is no corresponding DoLO
/// recorded at the start of this year..
///
/// A DoLO of last year with no end written, with no DoLO this year of the same child
/// and start (as written). The reference reports last year's row number as a row of
/// this year's DoLo table, so that is what is flagged.
fn rule_706(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(DoLo), c.last(DoLo));
    for lr in last.rows() {
        if last.present(lr, DOLO_END) {
            continue;
        }
        let start = last.text(lr, DOLO_START);
        if !t
            .rows_of(last.child(lr))
            .any(|r| t.text(r, DOLO_START) == start)
        {
            f.flag(t, lr);
        }
    }
}

/// 707: Child ceased to be looked after but there is a DoLO without an end date.
///
/// As rule 577 for missing periods: a DoLO outside every period of care of the child.
fn rule_707(c: &Ctx<'_>, f: &mut Flags) {
    super::outside_periods_of_care(
        c,
        f,
        c.this(DoLo),
        (DOLO_START, DOLO_END),
        super::missing::open_outside_care,
    );
}

/// Flags each DoLO with a start and an end, and each episode of its child overlapping
/// it (begun by the DoLO's end, and not ended before its start), whose placement is
/// `wrong`.
///
/// The reference cannot run rules 709 and 710 (it reads a column `PLACEMENT` that no
/// table has), so this is the DfE's rule as written, not compared with it.
fn dolo_placements(c: &Ctx<'_>, f: &mut Flags, wrong: impl Fn(Option<&str>) -> bool) {
    use crate::ssda903::tables::cols::episodes::{DEC, DECOM, PLACE};
    let (t, e) = (c.this(DoLo), c.this(Episodes));
    for r in t.rows() {
        let (Some(start), Some(end)) = (t.date(r, DOLO_START), t.date(r, DOLO_END)) else {
            continue;
        };
        for er in e.rows_of(t.child(r)) {
            let overlaps = e.date(er, DECOM).is_some_and(|d| d <= end)
                && e.date(er, DEC).is_none_or(|d| d >= start);
            if overlaps && wrong(e.text(er, PLACE)) {
                f.flag(t, r);
                f.flag(e, er);
            }
        }
    }
}

/// 709: Child with a DoLO is in an unexpected placement type.
///
/// A placement during a DoLO other than K2, Z12 or Z13 (see [`dolo_placements`]).
fn rule_709(c: &Ctx<'_>, f: &mut Flags) {
    dolo_placements(c, f, |place| {
        !place.is_some_and(|p| ["K2", "Z12", "Z13"].contains(&p))
    });
}

/// 710: Child with a DoLO can not be placed in secure children's homes, with parents,
/// young offender institutions, or supported accommodation.
///
/// A placement during a DoLO in K1, P1, R5 or K3 (see [`dolo_placements`]).
fn rule_710(c: &Ctx<'_>, f: &mut Flags) {
    dolo_placements(c, f, |place| {
        place.is_some_and(|p| ["K1", "P1", "R5", "K3"].contains(&p))
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{DoLo, Episodes};

    pub(crate) const CASES: &[Case] = &[
        // 1 is in a children's home (K2) during the DoLO, then in foster care (U1)
        // after it began; 2's foster placement ended the day before; 3's DoLO has no end.
        Case {
            rule: "709",
            this: &[
                (DoLo, "CHILD,DOLO_START,DOLO_END\n1,01/06/2026,01/09/2026\n2,01/06/2026,01/09/2026\n3,01/06/2026,"),
                (
                    Episodes,
                    "CHILD,DECOM,DEC,PLACE\n1,01/05/2026,01/07/2026,K2\n1,01/07/2026,,U1\n2,01/01/2026,31/05/2026,U1\n3,01/01/2026,,U1",
                ),
            ],
            last: &[],
            flagged: &["Episodes:1", "DoLo:0"],
        },
        // 1 is in secure accommodation (K1) during the DoLO; 2 in a children's home.
        Case {
            rule: "710",
            this: &[
                (DoLo, "CHILD,DOLO_START,DOLO_END\n1,01/06/2026,01/09/2026\n2,01/06/2026,01/09/2026"),
                (
                    Episodes,
                    "CHILD,DECOM,DEC,PLACE\n1,01/05/2026,,K1\n2,01/05/2026,,K2",
                ),
            ],
            last: &[],
            flagged: &["Episodes:0", "DoLo:0"],
        },
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
        Case {
            rule: "708",
            this: &[(
                DoLo,
                "CHILD,DOB,DOLO_START\n1,01/01/2015,01/01/2015\n2,01/01/2015,02/01/2015",
            )],
            last: &[],
            flagged: &["DoLo:0"],
        },
        Case {
            rule: "702",
            this: &[(
                DoLo,
                "CHILD,DOLO_START,DOLO_END\n1,02/01/2027,02/01/2027\n2,01/01/2027,02/01/2027",
            )],
            last: &[],
            flagged: &["DoLo:0"],
        },
        Case { rule: "704", this: &[(DoLo, "CHILD,DOLO_END\n1,31/03/2026\n1,01/04/2026\n1,01/04/2027\n1,")], last: &[], flagged: &["DoLo:0", "DoLo:2"] },
        Case {
            rule: "705",
            this: &[(DoLo, "CHILD,DOLO_START,DOLO_END\n1,01/04/2026,01/06/2026\n1,01/05/2026,01/07/2026\n2,01/04/2026,01/05/2026\n2,01/05/2026,01/06/2026\n3,01/04/2026,\n3,01/06/2026,01/07/2026")],
            last: &[],
            flagged: &["DoLo:1", "DoLo:5"],
        },
        Case {
            rule: "706",
            this: &[(DoLo, "CHILD,DOLO_START\n1,01/01/2026\n2,01/02/2026")],
            last: &[(DoLo, "CHILD,DOLO_START,DOLO_END\n3,01/01/2026,\n1,01/01/2026,\n2,01/01/2026,\n2,01/01/2025,01/02/2025")],
            flagged: &["DoLo:0", "DoLo:2"],
        },
        Case {
            rule: "707",
            this: &[
                (DoLo, "CHILD,DOLO_START,DOLO_END\n1,01/05/2026,\n1,01/05/2026,02/05/2026"),
                (crate::ssda903::TableName::Episodes, "CHILD,DECOM,DEC\n1,01/04/2026,01/06/2026"),
            ],
            last: &[],
            flagged: &["DoLo:0"],
        },
    ];

    #[test]
    fn dolo_rules() {
        check(CASES);
    }
}
