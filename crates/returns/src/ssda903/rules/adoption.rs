//! Rules comparing the adoption tables (PlacedAdoption: the decision that a child should
//! be placed for adoption; AD1: the adoption) with the episodes and with each other.
//! They flag rows of both sides of each comparison.
//!
//! Each compares every pair of rows of one child, as the reference's joins do.

use super::{each_row, first_earliest, first_latest, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::ad1::DATE_INT;
use crate::ssda903::tables::cols::episodes::{CHILD, DEC, DECOM, LS, PLACE, REC, RNE};
use crate::ssda903::tables::cols::placed_adoption::{DATE_PLACED, DATE_PLACED_CEASED};
use crate::ssda903::TableName::{Ad1, Episodes, Header, PlacedAdoption};

const WITH_PLACED: &[Need] = &[Need::This(Episodes), Need::This(PlacedAdoption)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "117",
        needs: WITH_PLACED,
        run: rule_117,
    },
    Rule {
        code: "118",
        needs: WITH_PLACED,
        run: rule_118,
    },
    Rule {
        code: "184",
        needs: &[Need::This(Header), Need::This(PlacedAdoption)],
        run: rule_184,
    },
    Rule {
        code: "521",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_521,
    },
    Rule {
        code: "523",
        needs: &[Need::This(Ad1), Need::This(PlacedAdoption)],
        run: rule_523,
    },
    Rule {
        code: "1003",
        needs: WITH_PLACED,
        run: rule_1003,
    },
    Rule {
        code: "525",
        needs: &[Need::This(PlacedAdoption), Need::This(Ad1)],
        run: rule_525,
    },
    Rule {
        code: "552",
        needs: WITH_PLACED,
        run: rule_552,
    },
    Rule {
        code: "553",
        needs: WITH_PLACED,
        run: rule_553,
    },
    Rule {
        code: "557",
        needs: WITH_PLACED,
        run: rule_557,
    },
    Rule {
        code: "558",
        needs: WITH_PLACED,
        run: rule_558,
    },
    Rule {
        code: "601",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_601,
    },
    Rule {
        code: "602",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_602,
    },
    Rule {
        code: "331",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_331,
    },
    Rule {
        code: "334",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_334,
    },
    Rule {
        code: "335",
        needs: &[Need::This(Episodes), Need::This(Ad1)],
        run: rule_335,
    },
    Rule {
        code: "554",
        needs: WITH_PLACED,
        run: rule_554,
    },
];

/// 117: Date of decision that a child should/should no longer be placed for adoption is
/// beyond the current collection year or after the child ceased to be looked after.
///
/// Compared with the child's latest episode that did not end `X1` (among those with a
/// start date).
fn rule_117(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    let end = c.collection_end();
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(
            all.iter()
                .copied()
                .filter(|r| !t.is(*r as usize, REC, "X1")),
        );
        let Some(latest) = first_latest(t, DECOM, &rows) else {
            continue;
        };
        let dec = t.date(latest, DEC);
        for pr in p.rows_of(child) {
            let late = |d: Option<chrono::NaiveDate>| {
                d.is_some_and(|d| d > end || dec.is_some_and(|dec| d > dec))
            };
            if late(p.date(pr, DATE_PLACED)) || late(p.date(pr, DATE_PLACED_CEASED)) {
                f.flag(t, latest);
                f.flag(p, pr);
            }
        }
    }
}

/// 118: Date of decision that a child should no longer be placed for adoption is before
/// the current collection year or before the date the child started to be looked
/// after.
///
/// Compared with the child's earliest episode other than a short break (V3, V4).
fn rule_118(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    let start = c.collection_start();
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(
            all.iter()
                .copied()
                .filter(|r| !t.is_in(*r as usize, LS, &["V3", "V4"])),
        );
        let Some(earliest) = first_earliest(t, DECOM, &rows) else {
            continue;
        };
        let decom = t.date(earliest, DECOM);
        for pr in p.rows_of(child) {
            let Some(ceased) = p.date(pr, DATE_PLACED_CEASED) else {
                continue;
            };
            if decom.is_some_and(|d| ceased < d) || ceased < start {
                f.flag(t, earliest);
                f.flag(p, pr);
            }
        }
    }
}

/// 184: Date of decision that a child should be placed for adoption is before the child
/// was born.
///
/// The reference joins Header but compares with PlacedAdoption's own `DOB` (the join
/// renames Header's), so an unreadable `DOB` there is flagged too and Header only needs
/// to be supplied.
fn rule_184(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::placed_adoption::DOB;
    let p = c.this(PlacedAdoption);
    each_row(f, p, |pr| {
        p.date(pr, DATE_PLACED)
            .is_some_and(|placed| p.date(pr, DOB).is_none_or(|dob| placed < dob))
    });
}

/// 521: Date of local authority's decision (LA) that adoption is in the best interests
/// of the child (date should be placed) must be on or prior to the date the child is
/// placed for adoption.
fn rule_521(c: &Ctx<'_>, f: &mut Flags) {
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    for r in t.rows() {
        if !t.is_in(r, PLACE, &["A3", "A4", "A5", "A6"]) {
            continue;
        }
        let Some(decom) = t.date(r, DECOM) else {
            continue;
        };
        for ar in a.rows_of(t.child(r)) {
            if a.date(ar, DATE_INT).is_some_and(|d| d > decom) {
                f.flag(t, r);
                f.flag(a, ar);
            }
        }
    }
}

/// 523: Date of decision that the child should be placed for adoption should be the same
/// date as the decision that adoption is in the best interest (date should be placed).
fn rule_523(c: &Ctx<'_>, f: &mut Flags) {
    let (p, a) = (c.this(PlacedAdoption), c.this(Ad1));
    for pr in p.rows() {
        let Some(placed) = p.date(pr, DATE_PLACED) else {
            continue;
        };
        for ar in a.rows_of(p.child(pr)) {
            if a.date(ar, DATE_INT).is_some_and(|d| d != placed) {
                f.flag(p, pr);
                f.flag(a, ar);
            }
        }
    }
}

/// 1003: Date of LA's decision that a child should be placed for adoption is before the
/// child started to be looked after.
///
/// Compared with the child's earliest episode starting a period of care (`RNE` S).
fn rule_1003(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(all.iter().copied().filter(|r| t.is(*r as usize, RNE, "S")));
        let Some(first) = first_earliest(t, DECOM, &rows) else {
            continue;
        };
        let Some(decom) = t.date(first, DECOM) else {
            continue;
        };
        for pr in p.rows_of(child) {
            if p.date(pr, DATE_PLACED).is_some_and(|d| d < decom) {
                f.flag(t, first);
                f.flag(p, pr);
            }
        }
    }
}

/// 525: A child for whom the decision to be placed for adoption has been reversed cannot
/// be adopted during the year.
///
/// A PlacedAdoption row with a reversal date and any AD1 item of the child's: both
/// flagged.
fn rule_525(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::ad1::{
        DATE_MATCH, FOSTER_CARE, LS_ADOPTR, NB_ADOPTR, SEX_ADOPTR,
    };
    let (p, a) = (c.this(PlacedAdoption), c.this(Ad1));
    let adoption = [
        DATE_INT,
        DATE_MATCH,
        FOSTER_CARE,
        NB_ADOPTR,
        SEX_ADOPTR,
        LS_ADOPTR,
    ];
    for pr in p.rows() {
        if p.is_blank(pr, DATE_PLACED_CEASED) {
            continue;
        }
        for ar in a.rows_of(p.child(pr)) {
            if adoption.iter().any(|col| a.present(ar, *col)) {
                f.flag(p, pr);
                f.flag(a, ar);
            }
        }
    }
}

/// 552: Date of Decision to place a child for adoption should be on or prior to the
/// date that the child was placed for adoption.
///
/// The child's latest decision against its first adoption placement (A3–A6).
fn rule_552(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(
            all.iter()
                .copied()
                .filter(|r| t.is_in(*r as usize, PLACE, &["A3", "A4", "A5", "A6"])),
        );
        let Some(first) = first_earliest(t, DECOM, &rows) else {
            continue;
        };
        rows.clear();
        rows.extend(
            p.rows_of(child)
                .map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        );
        let Some(last) = first_latest(p, DATE_PLACED, &rows) else {
            continue;
        };
        if matches!((t.date(first, DECOM), p.date(last, DATE_PLACED)), (Some(s), Some(d)) if s < d)
        {
            f.flag(t, first);
            f.flag(p, last);
        }
    }
}

/// 553: Placement order has been granted but there is no date of decision that the
/// child should be placed for adoption.
///
/// Flags an E1 episode of a child not in PlacedAdoption, and the PlacedAdoption rows
/// with a reversal (date or reason) of a child with an open E1 episode.
fn rule_553(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::placed_adoption::REASON_PLACED_CEASED;
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    for r in t.rows() {
        if !t.is(r, LS, "E1") {
            continue;
        }
        let child = t.child(r);
        if !p.has_child(child) {
            f.flag(t, r);
        }
        if t.is_blank(r, DEC) {
            for pr in p.rows_of(child) {
                if p.present(pr, DATE_PLACED_CEASED) || p.present(pr, REASON_PLACED_CEASED) {
                    f.flag(p, pr);
                }
            }
        }
    }
}

/// 557: Child for whom the decision was made that they should be placed for adoption
/// has left care but was not adopted and information on the decision that they should
/// no longer be placed for adoption items has not been completed.
///
/// An episode placed for adoption (A3–A6) or under a placement order (E1) that ended
/// other than in adoption or X1, of a child not in PlacedAdoption or with a row whose
/// reversal date or reason is blank (flagged too).
fn rule_557(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::placed_adoption::REASON_PLACED_CEASED;
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    for r in t.rows() {
        let placed = t.is_in(r, PLACE, &["A3", "A4", "A5", "A6"]) || t.is(r, LS, "E1");
        let not_adopted = t.present(r, REC) && !t.is_in(r, REC, &["E11", "E12", "X1"]);
        if !(placed && not_adopted) {
            continue;
        }
        let child = t.child(r);
        if !p.has_child(child) {
            f.flag(t, r);
        }
        for pr in p.rows_of(child) {
            if p.is_blank(pr, DATE_PLACED_CEASED) || p.is_blank(pr, REASON_PLACED_CEASED) {
                f.flag(t, r);
                f.flag(p, pr);
            }
        }
    }
}

/// 558: If a child has been adopted, then the decision to place them for adoption has
/// not been disrupted and the date of the decision that a child should no longer be
/// placed for adoption should be left blank.
///
/// The adoption episodes (E11, E12) of a child whose PlacedAdoption rows all have a
/// reversal date, when adoption episodes times those rows number more than one.
fn rule_558(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    for (child, rows) in t.by_child() {
        let adopted = || {
            rows.iter()
                .map(|r| *r as usize)
                .filter(|r| t.is_in(*r, REC, &["E11", "E12"]))
        };
        let episodes = adopted().count();
        if episodes == 0 || rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        let decisions = p.rows_of(child).len();
        let all_reversed =
            decisions > 0 && p.rows_of(child).all(|pr| p.present(pr, DATE_PLACED_CEASED));
        if all_reversed && episodes * decisions > 1 {
            for r in adopted() {
                f.flag(t, r);
            }
        }
    }
}

/// The AD1 items of an adoption.
const ADOPTION: [crate::ssda903::Col; 6] = {
    use crate::ssda903::tables::cols::ad1::{
        DATE_MATCH, FOSTER_CARE, LS_ADOPTR, NB_ADOPTR, SEX_ADOPTR,
    };
    [
        DATE_INT,
        DATE_MATCH,
        FOSTER_CARE,
        NB_ADOPTR,
        SEX_ADOPTR,
        LS_ADOPTR,
    ]
};

/// Whether the episode ended in adoption (E11, E12) during the year.
fn adopted_this_year(c: &Ctx<'_>, t: &crate::ssda903::Table, r: usize) -> bool {
    let year = c.collection_start()..=c.collection_end();
    t.is_in(r, REC, &["E11", "E12"]) && t.date(r, DEC).is_some_and(|d| year.contains(&d))
}

/// 601: The additional fields relating to adoption have not been completed although the
/// episode data shows that the child was adopted during the year.
fn rule_601(c: &Ctx<'_>, f: &mut Flags) {
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    for r in t.rows() {
        if !adopted_this_year(c, t, r) {
            continue;
        }
        for ar in a.rows_of(t.child(r)) {
            if ADOPTION.iter().any(|col| a.is_blank(ar, *col)) {
                f.flag(t, r);
                f.flag(a, ar);
            }
        }
    }
}

/// 602: The episode data submitted for this child does not show that he/she was adopted
/// during the year.
///
/// An AD1 row with any item, of a child with no episode ending in adoption this year.
fn rule_602(c: &Ctx<'_>, f: &mut Flags) {
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    each_row(f, a, |ar| {
        ADOPTION.iter().any(|col| a.present(ar, *col))
            && !t.rows_of(a.child(ar)).any(|r| adopted_this_year(c, t, r))
    });
}

/// 331: Date of matching child and adopter(s) should be the same as, or prior to, the
/// date of placement of adoption.
///
/// Compared with the start of each episode ending in adoption (E11, E12).
fn rule_331(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::ad1::DATE_MATCH;
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    for r in t.rows() {
        if !t.is_in(r, REC, &["E11", "E12"]) {
            continue;
        }
        let Some(decom) = t.date(r, DECOM) else {
            continue;
        };
        for ar in a.rows_of(t.child(r)) {
            if a.date(ar, DATE_MATCH).is_some_and(|d| d > decom) {
                f.flag(t, r);
                f.flag(a, ar);
            }
        }
    }
}

/// 334: Date child started to be looked after in latest period of care must be on or
/// prior to the date should be placed for adoption.
///
/// Compared with the child's latest episode starting a period of care (`RNE` S).
fn rule_334(c: &Ctx<'_>, f: &mut Flags) {
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(all.iter().copied().filter(|r| t.is(*r as usize, RNE, "S")));
        let Some(latest) = first_latest(t, DECOM, &rows) else {
            continue;
        };
        let Some(decom) = t.date(latest, DECOM) else {
            continue;
        };
        for ar in a.rows_of(child) {
            if a.date(ar, DATE_INT).is_some_and(|d| d < decom) {
                f.flag(t, latest);
                f.flag(a, ar);
            }
        }
    }
}

/// 335: The current foster value (0) suggests that child is not adopted by current
/// foster carer, but last placement is A2, A3, or A5. Or the current foster value (1)
/// suggests that child is adopted by current foster carer, but last placement is A1,
/// A4 or A6.
///
/// Every episode ended E1, E11 or E12 is compared, not only the last.
fn rule_335(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::ad1::FOSTER_CARE;
    let (t, a) = (c.this(Episodes), c.this(Ad1));
    for r in t.rows() {
        if !t.is_in(r, REC, &["E1", "E11", "E12"]) {
            continue;
        }
        let wrong = if t.is_in(r, PLACE, &["A2", "A3", "A5"]) {
            "0"
        } else if t.is_in(r, PLACE, &["A1", "A4", "A6"]) {
            "1"
        } else {
            continue;
        };
        for ar in a.rows_of(t.child(r)) {
            if a.is(ar, FOSTER_CARE, wrong) {
                f.flag(t, r);
                f.flag(a, ar);
            }
        }
    }
}

/// 554: Date of decision that the child should be placed for adoption should be on or
/// prior to the date that the placement order was granted.
///
/// Compared with the child's first episode under a placement order (E1).
fn rule_554(c: &Ctx<'_>, f: &mut Flags) {
    let (t, p) = (c.this(Episodes), c.this(PlacedAdoption));
    let mut rows = Vec::new();
    for (child, all) in t.by_child() {
        if all.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        rows.clear();
        rows.extend(all.iter().copied().filter(|r| t.is(*r as usize, LS, "E1")));
        let Some(first) = first_earliest(t, DECOM, &rows) else {
            continue;
        };
        let Some(decom) = t.date(first, DECOM) else {
            continue;
        };
        for pr in p.rows_of(child) {
            if p.date(pr, DATE_PLACED).is_some_and(|d| d > decom) {
                f.flag(t, first);
                f.flag(p, pr);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Ad1, Episodes, Header, PlacedAdoption};

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "117",
            this: &[
                (Episodes, "CHILD,DECOM,DEC,REC\n1,01/04/2026,01/05/2026,E11\n1,01/05/2026,01/06/2026,X1\n2,01/04/2026,01/05/2026,E11"),
                (PlacedAdoption, "CHILD,DATE_PLACED\n1,02/05/2026\n2,01/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "118",
            this: &[
                (Episodes, "CHILD,DECOM,LS\n1,01/05/2026,C2\n1,01/04/2026,V3\n2,01/04/2026,C2"),
                (PlacedAdoption, "CHILD,DATE_PLACED_CEASED\n1,30/04/2026\n2,01/04/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "184",
            this: &[
                (Header, "CHILD,DOB\n1,01/01/2020\n2,01/01/2020"),
                (PlacedAdoption, "CHILD,DOB,DATE_PLACED\n1,01/01/2020,31/12/2019\n2,01/01/2020,01/01/2020\n3,bad,01/01/2020\n2,01/01/2020,"),
            ],
            last: &[],
            flagged: &["PlacedAdoption:0", "PlacedAdoption:2"],
        },
        Case {
            rule: "521",
            this: &[
                (Episodes, "CHILD,DECOM,PLACE\n1,01/04/2026,A3\n1,01/04/2026,U1\n2,01/04/2026,A3"),
                (Ad1, "CHILD,DATE_INT\n1,02/04/2026\n2,01/04/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "AD1:0"],
        },
        Case {
            rule: "523",
            this: &[
                (PlacedAdoption, "CHILD,DATE_PLACED\n1,01/04/2026\n2,01/04/2026"),
                (Ad1, "CHILD,DATE_INT\n1,02/04/2026\n2,01/04/2026"),
            ],
            last: &[],
            flagged: &["AD1:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "1003",
            this: &[
                (Episodes, "CHILD,DECOM,RNE\n1,01/04/2026,S\n1,01/03/2026,P\n2,01/04/2026,S"),
                (PlacedAdoption, "CHILD,DATE_PLACED\n1,31/03/2026\n2,01/04/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "525",
            this: &[
                (PlacedAdoption, "CHILD,DATE_PLACED_CEASED\n1,01/04/2026\n2,01/04/2026\n3,"),
                (Ad1, "CHILD,DATE_MATCH\n1,01/04/2026\n2,\n3,01/04/2026"),
            ],
            last: &[],
            flagged: &["AD1:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "552",
            this: &[
                (Episodes, "CHILD,DECOM,PLACE\n1,01/05/2026,A3\n1,01/06/2026,A4\n2,01/05/2026,A3"),
                (PlacedAdoption, "CHILD,DATE_PLACED\n1,01/04/2026\n1,02/05/2026\n2,01/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:1"],
        },
        Case {
            rule: "553",
            this: &[
                (Episodes, "CHILD,LS,DEC\n1,E1,01/05/2026\n2,E1,\n3,C2,"),
                (PlacedAdoption, "CHILD,DATE_PLACED_CEASED\n2,01/04/2026\n3,01/04/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:0"],
        },
        Case {
            rule: "557",
            this: &[
                (Episodes, "CHILD,PLACE,LS,REC\n1,A3,C2,E3\n2,U1,E1,E3\n3,A3,C2,E11\n4,A3,C2,E3"),
                (PlacedAdoption, "CHILD,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n2,01/04/2026,\n4,01/04/2026,RD1"),
            ],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1", "PlacedAdoption:0"],
        },
        Case {
            rule: "558",
            this: &[
                (Episodes, "CHILD,REC\n1,E11\n2,E11\n3,E11"),
                (PlacedAdoption, "CHILD,DATE_PLACED_CEASED\n1,01/04/2026\n1,01/05/2026\n2,01/04/2026\n3,01/04/2026\n3,"),
            ],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "601",
            this: &[
                (Episodes, "CHILD,DEC,REC\n1,01/05/2026,E11\n2,01/05/2026,E11\n3,01/05/2025,E11"),
                (Ad1, "CHILD,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n1,01/01/2026,,0,1,M1,L0\n2,01/01/2026,01/01/2026,0,1,M1,L0\n3,01/01/2026,,0,1,M1,L0"),
            ],
            last: &[],
            flagged: &["Episodes:0", "AD1:0"],
        },
        Case {
            rule: "602",
            this: &[
                (Episodes, "CHILD,DEC,REC\n1,01/05/2026,E11\n2,01/05/2025,E11"),
                (Ad1, "CHILD,DATE_INT\n1,01/01/2026\n2,01/01/2026\n3,"),
            ],
            last: &[],
            flagged: &["AD1:1"],
        },
        Case {
            rule: "331",
            this: &[
                (Episodes, "CHILD,DECOM,REC\n1,01/05/2026,E11\n2,01/05/2026,E11\n3,01/05/2026,E3"),
                (Ad1, "CHILD,DATE_MATCH\n1,02/05/2026\n2,01/05/2026\n3,02/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "AD1:0"],
        },
        Case {
            rule: "334",
            this: &[
                (Episodes, "CHILD,DECOM,RNE\n1,01/01/2020,S\n1,01/05/2026,S\n2,01/05/2026,S"),
                (Ad1, "CHILD,DATE_INT\n1,30/04/2026\n2,01/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:1", "AD1:0"],
        },
        Case {
            rule: "335",
            this: &[
                (Episodes, "CHILD,REC,PLACE\n1,E11,A3\n2,E11,A4\n3,E11,A3\n4,E3,A3"),
                (Ad1, "CHILD,FOSTER_CARE\n1,0\n2,0\n3,1\n4,0"),
            ],
            last: &[],
            flagged: &["Episodes:0", "AD1:0"],
        },
        Case {
            rule: "554",
            this: &[
                (Episodes, "CHILD,DECOM,LS\n1,01/05/2026,E1\n1,01/06/2026,E1\n2,01/05/2026,E1"),
                (PlacedAdoption, "CHILD,DATE_PLACED\n1,02/05/2026\n2,01/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "PlacedAdoption:0"],
        },
    ];

    #[test]
    fn adoption_rules() {
        check(CASES);
    }
}
