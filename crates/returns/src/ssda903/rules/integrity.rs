//! Integrity checks (`INT`): every child in a table must be in Header with the same date
//! of birth (and sex, for UASC), and tables with one row per child must not repeat one.

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols;
use crate::ssda903::{Col, Table, TableName};

use TableName::{
    Ad1, Episodes, Header, Missing, Oc2, Oc3, PlacedAdoption, PrevPerm, Reviews, Uasc,
};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "INT01",
        needs: &[Need::This(Header), Need::This(Ad1)],
        run: |c, f| not_in_header(c, f, Ad1),
    },
    Rule {
        code: "INT02",
        needs: &[Need::This(Header), Need::This(PlacedAdoption)],
        run: |c, f| not_in_header(c, f, PlacedAdoption),
    },
    Rule {
        code: "INT03",
        needs: &[Need::This(Header), Need::This(Episodes)],
        run: |c, f| not_in_header(c, f, Episodes),
    },
    Rule {
        code: "INT04",
        needs: &[Need::This(Header), Need::This(Missing)],
        run: |c, f| not_in_header(c, f, Missing),
    },
    Rule {
        code: "INT05",
        needs: &[Need::This(Header), Need::This(Oc2)],
        run: |c, f| not_in_header(c, f, Oc2),
    },
    Rule {
        code: "INT06",
        needs: &[Need::This(Header), Need::This(Oc3)],
        run: |c, f| not_in_header(c, f, Oc3),
    },
    Rule {
        code: "INT07",
        needs: &[Need::This(Header), Need::This(PrevPerm)],
        run: |c, f| not_in_header(c, f, PrevPerm),
    },
    Rule {
        code: "INT08",
        needs: &[Need::This(Header), Need::This(Reviews)],
        run: |c, f| not_in_header(c, f, Reviews),
    },
    Rule {
        code: "INT09",
        needs: &[Need::This(Header), Need::This(Uasc)],
        run: |c, f| not_in_header(c, f, Uasc),
    },
    Rule {
        code: "INT11",
        needs: &[Need::This(Header), Need::This(Ad1)],
        run: |c, f| dob_differs(c, f, cols::ad1::DOB),
    },
    Rule {
        code: "INT12",
        needs: &[Need::This(Header), Need::This(PlacedAdoption)],
        run: |c, f| dob_differs(c, f, cols::placed_adoption::DOB),
    },
    Rule {
        code: "INT13",
        needs: &[Need::This(Header), Need::This(Missing)],
        run: |c, f| dob_differs(c, f, cols::missing::DOB),
    },
    Rule {
        code: "INT14",
        needs: &[Need::This(Header), Need::This(Oc2)],
        run: |c, f| dob_differs(c, f, cols::oc2::DOB),
    },
    Rule {
        code: "INT15",
        needs: &[Need::This(Header), Need::This(Oc3)],
        run: |c, f| dob_differs(c, f, cols::oc3::DOB),
    },
    Rule {
        code: "INT16",
        needs: &[Need::This(Header), Need::This(PrevPerm)],
        run: |c, f| dob_differs(c, f, cols::prev_perm::DOB),
    },
    Rule {
        code: "INT17",
        needs: &[Need::This(Header), Need::This(Reviews)],
        run: |c, f| dob_differs(c, f, cols::reviews::DOB),
    },
    Rule {
        code: "INT18",
        needs: &[Need::This(Header), Need::This(Uasc)],
        run: |c, f| dob_differs(c, f, cols::uasc::DOB),
    },
    Rule {
        code: "INT21",
        needs: &[Need::This(Header), Need::This(Uasc)],
        run: rule_int21,
    },
];

/// INT01–INT09: Child in `table` does not exist in Header.
fn not_in_header(c: &Ctx<'_>, f: &mut Flags, table: TableName) {
    let (t, header) = (c.this(table), c.this(Header));
    each_row(f, t, |r| !header.has_child(t.child(r)));
}

/// INT11–INT18: Child's date of birth in the table (`dob`) differs from Header's (both
/// readable dates).
fn dob_differs(c: &Ctx<'_>, f: &mut Flags, dob: Col) {
    let (t, header) = (c.this(dob.table), c.this(Header));
    each_row(f, t, |r| {
        let Some(here) = t.date(r, dob) else {
            return false;
        };
        header.rows_of(t.child(r)).any(|h| {
            header
                .date(h, cols::header::DOB)
                .is_some_and(|there| there != here)
        })
    });
}

/// INT21: Internal Check: SEX in UASC is different to SEX in Header.
fn rule_int21(c: &Ctx<'_>, f: &mut Flags) {
    let (t, header) = (c.this(Uasc), c.this(Header));
    each_row(f, t, |r| {
        let Some(here) = t.text(r, cols::uasc::SEX) else {
            return false;
        };
        header.rows_of(t.child(r)).any(|h| {
            header
                .text(h, cols::header::SEX)
                .is_some_and(|there| there != here)
        })
    });
}

/// Flags every row whose child has more than one row in `table`. A blank `CHILD` is
/// never flagged (the reference's grouping drops it).
pub(super) fn flag_repeated_children(table: &Table, f: &mut Flags) {
    let child_column = Col {
        table: table.name(),
        index: 0,
    };
    each_row(f, table, |r| {
        table.present(r, child_column) && table.rows_of(table.child(r)).len() > 1
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{
        Ad1, Episodes, Header, Missing, Oc2, Oc3, PlacedAdoption, PrevPerm, Reviews, Uasc,
    };

    const HEADER: (crate::ssda903::TableName, &str) =
        (Header, "CHILD,SEX,DOB\n1,M,01/01/2015\n2,F,");

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "INT01",
            this: &[HEADER, (Ad1, "CHILD\n1\n3")],
            last: &[],
            flagged: &["AD1:1"],
        },
        Case {
            rule: "INT02",
            this: &[HEADER, (PlacedAdoption, "CHILD\n3\n1")],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
        Case {
            rule: "INT03",
            this: &[HEADER, (Episodes, "CHILD\n1\n3")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "INT04",
            this: &[HEADER, (Missing, "CHILD\n1\n3")],
            last: &[],
            flagged: &["Missing:1"],
        },
        Case {
            rule: "INT05",
            this: &[HEADER, (Oc2, "CHILD\n1\n3")],
            last: &[],
            flagged: &["OC2:1"],
        },
        Case {
            rule: "INT06",
            this: &[HEADER, (Oc3, "CHILD\n1\n3")],
            last: &[],
            flagged: &["OC3:1"],
        },
        Case {
            rule: "INT07",
            this: &[HEADER, (PrevPerm, "CHILD\n1\n3")],
            last: &[],
            flagged: &["PrevPerm:1"],
        },
        Case {
            rule: "INT08",
            this: &[HEADER, (Reviews, "CHILD\n1\n3")],
            last: &[],
            flagged: &["Reviews:1"],
        },
        Case {
            rule: "INT09",
            this: &[HEADER, (Uasc, "CHILD\n1\n3")],
            last: &[],
            flagged: &["UASC:1"],
        },
        Case {
            rule: "INT11",
            this: &[
                HEADER,
                (Ad1, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015\n2,01/01/2015"),
            ],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "INT12",
            this: &[
                HEADER,
                (PlacedAdoption, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015"),
            ],
            last: &[],
            flagged: &["PlacedAdoption:0"],
        },
        Case {
            rule: "INT13",
            this: &[HEADER, (Missing, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["Missing:0"],
        },
        Case {
            rule: "INT14",
            this: &[HEADER, (Oc2, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "INT15",
            this: &[HEADER, (Oc3, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "INT16",
            this: &[HEADER, (PrevPerm, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["PrevPerm:0"],
        },
        Case {
            rule: "INT17",
            this: &[HEADER, (Reviews, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["Reviews:0"],
        },
        Case {
            rule: "INT18",
            this: &[HEADER, (Uasc, "CHILD,DOB\n1,02/01/2015\n1,01/01/2015")],
            last: &[],
            flagged: &["UASC:0"],
        },
        Case {
            rule: "INT21",
            this: &[HEADER, (Uasc, "CHILD,SEX\n1,F\n1,M\n2,")],
            last: &[],
            flagged: &["UASC:0"],
        },
    ];

    #[test]
    fn integrity_rules() {
        check(CASES);
    }
}
