//! Rules flagging rows of the PlacedAdoption table (children placed for adoption).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::placed_adoption::{
    DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED,
};
use crate::ssda903::TableName::PlacedAdoption;

const PLACED: &[Need] = &[Need::This(PlacedAdoption)];

pub(super) const RULES: &[Rule] = &[
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

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::PlacedAdoption as P;

    pub(crate) const CASES: &[Case] = &[
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
