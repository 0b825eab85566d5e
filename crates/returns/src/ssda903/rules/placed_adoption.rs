//! Rules flagging rows of the PlacedAdoption table (children placed for adoption).

use super::numpy_sort::sort_values;
use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::placed_adoption::{
    DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED,
};
use crate::ssda903::TableName::PlacedAdoption;

const PLACED: &[Need] = &[Need::This(PlacedAdoption)];
const BOTH_YEARS: &[Need] = &[Need::This(PlacedAdoption), Need::Last(PlacedAdoption)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "559",
        needs: BOTH_YEARS,
        run: rule_559,
    },
    Rule {
        code: "583",
        needs: PLACED,
        run: rule_583,
    },
    Rule {
        code: "584",
        needs: BOTH_YEARS,
        run: rule_584,
    },
    Rule {
        code: "115",
        needs: PLACED,
        run: rule_115,
    },
    Rule {
        code: "116",
        needs: PLACED,
        run: rule_116,
    },
    Rule {
        code: "119",
        needs: PLACED,
        run: rule_119,
    },
    Rule {
        code: "120",
        needs: PLACED,
        run: rule_120,
    },
    Rule {
        code: "563",
        needs: PLACED,
        run: rule_563,
    },
    Rule {
        code: "522",
        needs: PLACED,
        run: rule_522,
    },
    Rule {
        code: "560",
        needs: &[Need::This(PlacedAdoption), Need::Last(PlacedAdoption)],
        run: rule_560,
    },
    Rule {
        code: "561",
        needs: &[Need::This(PlacedAdoption), Need::Last(PlacedAdoption)],
        run: rule_561,
    },
    Rule {
        code: "579",
        needs: &[Need::This(PlacedAdoption)],
        run: rule_579,
    },
];

/// 115: Date of Local Authority's (LA) decision that a child should be placed for
/// adoption is not a valid date.
fn rule_115(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(f, t, |r| {
        t.present(r, DATE_PLACED) && t.date(r, DATE_PLACED).is_none()
    });
}

/// 116: Date of Local Authority's (LA) decision that a child should no longer be placed
/// for adoption is not a valid date.
fn rule_116(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(f, t, |r| {
        t.present(r, DATE_PLACED_CEASED) && t.date(r, DATE_PLACED_CEASED).is_none()
    });
}

/// 119: If the decision is made that a child should no longer be placed for adoption,
/// then the date of this decision and the reason why this decision was made must be
/// completed.
fn rule_119(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(f, t, |r| {
        t.present(r, DATE_PLACED_CEASED) != t.present(r, REASON_PLACED_CEASED)
    });
}

/// 120: The reason for the reversal of the decision that the child should be placed for
/// adoption code is not valid.
fn rule_120(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(f, t, |r| {
        t.present(r, REASON_PLACED_CEASED)
            && !t.is_in(r, REASON_PLACED_CEASED, &["RD1", "RD2", "RD3", "RD4"])
    });
}

/// 563: The child should no longer be placed for adoption but the date of the decision
/// that the child should be placed for adoption is blank
fn rule_563(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(f, t, |r| {
        t.present(r, REASON_PLACED_CEASED)
            && t.present(r, DATE_PLACED_CEASED)
            && t.is_blank(r, DATE_PLACED)
    });
}

/// 522: Date of decision that the child should be placed for adoption must be on or
/// before the date that a child should no longer be placed for adoption.
fn rule_522(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, DATE_PLACED_CEASED), t.date(r, DATE_PLACED)), (Some(ceased), Some(placed)) if ceased < placed),
    );
}

/// 560: Date of decision that the child should be placed for adoption this year is
/// different from that recorded last year but the decision to place the child for
/// adoption did not change.
fn rule_560(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(PlacedAdoption), c.last(PlacedAdoption));
    each_row(f, t, |r| {
        last.rows_of(t.child(r)).any(|l| {
            last.present(l, DATE_PLACED)
                && last.is_blank(l, DATE_PLACED_CEASED)
                && t.text(r, DATE_PLACED) != last.text(l, DATE_PLACED)
        })
    });
}

/// 561: Date of the decision that the child should be placed for adoption this year is
/// the same as that recorded last year but the decision to place the child for adoption
/// has changed.
fn rule_561(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(PlacedAdoption), c.last(PlacedAdoption));
    each_row(f, t, |r| {
        last.rows_of(t.child(r)).any(|l| {
            t.present(r, DATE_PLACED)
                && t.text(r, DATE_PLACED) == last.text(l, DATE_PLACED)
                && (last.present(l, REASON_PLACED_CEASED) || last.present(l, DATE_PLACED_CEASED))
        })
    });
}

/// 579: A new decision that the child should be placed for adoption this year cannot
/// start when the previous decision is still open. Decisions to place the child for
/// adoption should also not overlap. The date of any new decision to place the child
/// for adoption must not be before the date placed ceased of previous decisions.
///
/// A child's decisions in order of date (unreadable last): each is flagged when the one
/// before it has no readable date ceased, or ceased after this one was made.
fn rule_579(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::placed_adoption::CHILD;
    let t = c.this(PlacedAdoption);
    let mut order = Vec::new();
    for (_, rows) in t.by_child() {
        if rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        super::sort_by_date(t, DATE_PLACED, rows, &mut order);
        for pair in order.windows(2) {
            let (prev, cur) = (pair[0], pair[1]);
            let ceased = t.date(prev, DATE_PLACED_CEASED);
            if ceased.is_none()
                || matches!((t.date(cur, DATE_PLACED), ceased), (Some(d), Some(e)) if d < e)
            {
                f.flag(t, cur);
            }
        }
    }
}

/// 559: Date of decision that a child should be placed for adoption was not in the
/// current year but the date of the decision that the child should be placed for
/// adoption was not completed in a previous return.
///
/// A decision dated before 1 April, with no row for the child in last year's table or
/// one whose date cannot be read.
fn rule_559(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(PlacedAdoption), c.last(PlacedAdoption));
    let start = c.collection_start();
    each_row(f, t, |r| {
        let mut lasts = last.rows_of(t.child(r));
        t.date(r, DATE_PLACED).is_some_and(|d| d < start)
            && (lasts.len() == 0 || lasts.any(|lr| last.date(lr, DATE_PLACED).is_none()))
    });
}

/// 583: More than one date the child should be placed for adoption has been reported,
/// but an earlier decision has not been revoked.
///
/// As the reference reads it: every row of a child but "the latest" with no date the
/// decision ceased. The latest is the first of the child's rows once the table is sorted
/// by `DATE_PLACED` as written (text, so by day of the month first), descending, blanks
/// last, with numpy's unstable sort deciding between equal dates (see
/// [`super::numpy_sort`]).
fn rule_583(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PlacedAdoption);
    let order = sort_values(t.len(), false, |r| t.text(r, DATE_PLACED));
    let mut latest = vec![false; c.ret.children().len()];
    for r in order.into_iter().map(|r| r as usize) {
        let child = t.child(r).index();
        if latest.get(child).copied() == Some(false) {
            latest[child] = true;
        } else if t.is_blank(r, DATE_PLACED_CEASED) {
            f.flag(t, r);
        }
    }
}

/// 584: Date of decision that the child should be placed for adoption this year is
/// different from that recorded last year, but the decision to placed the child for
/// adoption changed and the child should no longer be placed for adoption.
///
/// As the reference reads it: each of this year's rows is joined with the child's rows of
/// last year that were reversed (a date or reason ceased). A row with a blank date is
/// flagged. Where this year's date is, as text, on or before last year's, the reference
/// flags the row whose number is that of the joined pair (the join's rows: children in
/// order of first appearance, then this year's rows, then last year's), not the row
/// itself.
fn rule_584(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(PlacedAdoption), c.last(PlacedAdoption));
    let mut seen = vec![false; c.ret.children().len()];
    let mut pair = 0usize;
    let mut reversed = Vec::new();
    for first in t.rows() {
        let child = t.child(first);
        match seen.get_mut(child.index()) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        reversed.clear();
        reversed.extend(last.rows_of(child).filter(|lr| {
            last.present(*lr, DATE_PLACED_CEASED) || last.present(*lr, REASON_PLACED_CEASED)
        }));
        if reversed.is_empty() {
            continue;
        }
        for r in t.rows_of(child) {
            for &lr in &reversed {
                let earlier = matches!(
                    (t.text(r, DATE_PLACED), last.text(lr, DATE_PLACED)),
                    (Some(now), Some(then)) if now <= then
                );
                if earlier && pair < t.len() {
                    f.flag(t, pair);
                }
                pair += 1;
            }
            if t.is_blank(r, DATE_PLACED) {
                f.flag(t, r);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::PlacedAdoption as P;

    pub(crate) const CASES: &[Case] = &[
        // 1 decided last year and reported then; 2 decided last year, not reported; 3
        // reported with an unreadable date; 4 decided this year.
        Case {
            rule: "559",
            this: &[(P, "CHILD,DATE_PLACED\n1,01/03/2026\n2,01/03/2026\n3,01/03/2026\n4,01/04/2026")],
            last: &[(P, "CHILD,DATE_PLACED\n1,01/03/2026\n3,xx")],
            flagged: &["PlacedAdoption:1", "PlacedAdoption:2"],
        },
        // 1 has two decisions, the earlier not revoked; 2 two, the earlier revoked. As
        // text "02/01/2026" sorts after "01/06/2026", so it is 1's latest.
        Case {
            rule: "583",
            this: &[(P, "CHILD,DATE_PLACED,DATE_PLACED_CEASED\n1,01/06/2026,\n1,02/01/2026,\n2,01/03/2026,01/05/2026\n2,01/06/2026,")],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
        // Last year's decisions for 1, 2 and 3 were reversed, 4's not. 2's this year is
        // later. 1's is dated the same: it is the join's second pair (4 has none), so
        // row 1 is flagged. 3's is blank.
        Case {
            rule: "584",
            this: &[(P, "CHILD,DATE_PLACED\n4,01/01/2026\n2,01/06/2026\n1,01/01/2026\n3,")],
            last: &[(P, "CHILD,DATE_PLACED,REASON_PLACED_CEASED\n1,01/01/2026,RD1\n2,01/01/2026,RD1\n3,01/01/2026,RD2\n4,01/01/2026,")],
            flagged: &["PlacedAdoption:1", "PlacedAdoption:3"],
        },
        Case { rule: "115", this: &[(P, "CHILD,DATE_PLACED\n1,2026-01-01\n2,01/01/2026\n3,")], last: &[], flagged: &["PlacedAdoption:0"] },
        Case { rule: "116", this: &[(P, "CHILD,DATE_PLACED_CEASED\n1,2026-01-01\n2,01/01/2026\n3,")], last: &[], flagged: &["PlacedAdoption:0"] },
        Case {
            rule: "119",
            this: &[(P, "CHILD,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n1,01/01/2026,\n2,01/01/2026,RD1\n3,,")],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
        Case { rule: "120", this: &[(P, "CHILD,REASON_PLACED_CEASED\n1,RD5\n2,RD1\n3,")], last: &[], flagged: &["PlacedAdoption:0"] },
        Case {
            rule: "563",
            this: &[(P, "CHILD,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n1,,01/01/2026,RD1\n2,01/01/2025,01/01/2026,RD1")],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
        Case { rule: "522", this: &[(P, "CHILD,DATE_PLACED,DATE_PLACED_CEASED\n1,02/01/2026,01/01/2026\n2,01/01/2026,01/01/2026")], last: &[], flagged: &["PlacedAdoption:0"] },
        Case {
            rule: "560",
            this: &[(P, "CHILD,DATE_PLACED\n1,02/01/2026\n2,01/01/2026\n3,")],
            last: &[(P, "CHILD,DATE_PLACED,DATE_PLACED_CEASED\n1,01/01/2026,\n2,01/01/2026,\n3,01/01/2026,01/02/2026")],
            flagged: &["PlacedAdoption:0"],
        },
        Case {
            rule: "561",
            this: &[(P, "CHILD,DATE_PLACED\n1,01/01/2026\n2,01/01/2026")],
            last: &[(P, "CHILD,DATE_PLACED,REASON_PLACED_CEASED\n1,01/01/2026,RD1\n2,01/01/2026,")],
            flagged: &["PlacedAdoption:0"],
        },
        Case {
            rule: "579",
            this: &[(P, "CHILD,DATE_PLACED,DATE_PLACED_CEASED\n1,01/05/2026,\n1,01/04/2026,01/06/2026\n2,01/04/2026,01/05/2026\n2,01/05/2026,")],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
    ];

    #[test]
    fn placed_adoption_rules() {
        check(CASES);
    }
}
