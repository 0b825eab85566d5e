//! Rules flagging rows of the AD1 table (adoptions).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::ad1::{
    DATE_INT, DATE_MATCH, FOSTER_CARE, LS_ADOPTR, NB_ADOPTR, SEX_ADOPTR,
};
use crate::ssda903::TableName::Ad1;

const AD1: &[Need] = &[Need::This(Ad1)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "112",
        needs: AD1,
        run: rule_112,
    },
    Rule {
        code: "113",
        needs: AD1,
        run: rule_113,
    },
    Rule {
        code: "114",
        needs: AD1,
        run: rule_114,
    },
    Rule {
        code: "175",
        needs: AD1,
        run: rule_175,
    },
    Rule {
        code: "176",
        needs: AD1,
        run: rule_176,
    },
    Rule {
        code: "177",
        needs: AD1,
        run: rule_177,
    },
    Rule {
        code: "511",
        needs: AD1,
        run: rule_511,
    },
    Rule {
        code: "514",
        needs: AD1,
        run: rule_514,
    },
    Rule {
        code: "517",
        needs: AD1,
        run: rule_517,
    },
    Rule {
        code: "518",
        needs: AD1,
        run: rule_518,
    },
    Rule {
        code: "519",
        needs: AD1,
        run: rule_519,
    },
    Rule {
        code: "520",
        needs: AD1,
        run: rule_520,
    },
    Rule {
        code: "524",
        needs: AD1,
        run: rule_524,
    },
    Rule {
        code: "INT31",
        needs: AD1,
        run: rule_int31,
    },
    Rule {
        code: "333",
        needs: AD1,
        run: rule_333,
    },
    Rule {
        code: "134",
        needs: &[Need::This(Ad1), Need::This(crate::ssda903::TableName::Oc3)],
        run: rule_134,
    },
    Rule {
        code: "151",
        needs: AD1,
        run: rule_151,
    },
];

/// 112: Date should be placed for adoption is not a valid date.
fn rule_112(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, DATE_INT) && t.date(r, DATE_INT).is_none()
    });
}

/// 113: Date matching child and adopter(s) is not a valid date.
fn rule_113(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, DATE_MATCH) && t.date(r, DATE_MATCH).is_none()
    });
}

/// 114: Data entry to record the status of former carer(s) of an adopted child is
/// invalid.
fn rule_114(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, FOSTER_CARE) && !t.is_in(r, FOSTER_CARE, &["0", "1"])
    });
}

/// 175: The number of adopter(s) code is not a valid code.
fn rule_175(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, NB_ADOPTR) && !t.is_in(r, NB_ADOPTR, &["1", "2"])
    });
}

/// 176: The gender of adopter(s) at the date of adoption code is not a valid code.
fn rule_176(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, SEX_ADOPTR) && !t.is_in(r, SEX_ADOPTR, &["M1", "F1", "MM", "FF", "MF"])
    });
}

/// 177: The legal status of adopter(s) code is not a valid code.
fn rule_177(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.present(r, LS_ADOPTR) && !t.is_in(r, LS_ADOPTR, &["L0", "L11", "L12", "L2", "L3", "L4"])
    });
}

/// 511: If reporting that the number of person(s) adopting the looked after child is
/// two adopters then the code should only be MM, FF or MF. MM = the adopting couple are
/// both males; FF = the adopting couple are both females; MF = The adopting couple are
/// male and female.
fn rule_511(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, NB_ADOPTR, "2") && t.is_in(r, SEX_ADOPTR, &["M1", "F1"])
    });
}

/// 514: Data entry on the legal status of adopters shows a single adopter but data
/// entry for the numbers of adopters shows it as a couple.
fn rule_514(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L0") && !t.is_in(r, SEX_ADOPTR, &["M1", "F1"])
    });
}

/// 517: If reporting legal status of adopters is L3 then the genders of adopters should
/// be coded as MF. MF = the adopting couple are male and female.
///
/// The reference: LS_ADOPTR L3 needs SEX_ADOPTR MF.
fn rule_517(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L3") && !t.is(r, SEX_ADOPTR, "MF")
    });
}

/// 518: If reporting legal status of adopters is L4 then the genders of adopters should
/// be coded as MM or FF. MM = the adopting couple are both males. FF = the adopting
/// couple are both females.
fn rule_518(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L4") && !t.is_in(r, SEX_ADOPTR, &["MM", "FF"])
    });
}

/// 519: Data entered on the legal status of adopters shows civil partnership couple,
/// but data entered on genders of adopters does not show it as a couple.
fn rule_519(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L2") && !t.is_in(r, SEX_ADOPTR, &["MM", "FF", "MF"])
    });
}

/// 520: Data entry on the legal status of adopters shows different gender married
/// couple but data entry on genders of adopters shows it as a same gender couple.
fn rule_520(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L11") && !t.is(r, SEX_ADOPTR, "MF")
    });
}

/// 524: If reporting legal status of adopters is L12 then the genders of adopters
/// should be coded as MM or FF. MM = the adopting couple are both males. FF = the
/// adopting couple are both females
fn rule_524(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        t.is(r, LS_ADOPTR, "L12") && !t.is_in(r, SEX_ADOPTR, &["MM", "FF"])
    });
}

/// INT31: Internal Check: Child should only exist once in AD1.
fn rule_int31(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(Ad1), f);
}

/// 333: Date should be placed for adoption must be on or prior to the date of matching
/// child with adopter(s).
fn rule_333(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        match (t.date(r, DATE_MATCH), t.date(r, DATE_INT)) {
            (Some(matched), Some(decided)) => decided > matched,
            (Some(_), None) => true,
            _ => false,
        }
    });
}

/// The AD1 items of an adoption.
const ADOPTION: [crate::ssda903::Col; 6] = [
    DATE_INT,
    DATE_MATCH,
    FOSTER_CARE,
    NB_ADOPTR,
    SEX_ADOPTR,
    LS_ADOPTR,
];

/// 134: Data on adoption should not be entered for the OC3 cohort.
///
/// An AD1 row with any item, for a child with an OC3 row with any item.
fn rule_134(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc3::{ACCOM, ACTIV, IN_TOUCH};
    let (t, o) = (c.this(Ad1), c.this(crate::ssda903::TableName::Oc3));
    each_row(f, t, |r| {
        ADOPTION.iter().any(|col| t.present(r, *col))
            && o.rows_of(t.child(r)).any(|or| {
                [IN_TOUCH, ACTIV, ACCOM]
                    .iter()
                    .any(|col| o.present(or, *col))
            })
    });
}

/// 151: All data items relating to a childs adoption must be coded or left blank.
fn rule_151(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Ad1);
    each_row(f, t, |r| {
        let given = ADOPTION.iter().filter(|col| t.present(r, **col)).count();
        given > 0 && given < ADOPTION.len()
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Ad1;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "112",
            this: &[(Ad1, "CHILD,DATE_INT\n1,32/01/2026\n2,01/01/2026\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "113",
            this: &[(Ad1, "CHILD,DATE_MATCH\n1,32/01/2026\n2,01/01/2026\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "114",
            this: &[(Ad1, "CHILD,FOSTER_CARE\n1,2\n2,1\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "175",
            this: &[(Ad1, "CHILD,NB_ADOPTR\n1,3\n2,2\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "176",
            this: &[(Ad1, "CHILD,SEX_ADOPTR\n1,M2\n2,MF\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "177",
            this: &[(Ad1, "CHILD,LS_ADOPTR\n1,L1\n2,L11\n3,")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "511",
            this: &[(Ad1, "CHILD,NB_ADOPTR,SEX_ADOPTR\n1,2,M1\n2,2,MF")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "514",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L0,MF\n2,L0,F1")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "517",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L3,MM\n2,L3,MF")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "518",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L4,MF\n2,L4,FF")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "519",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L2,M1\n2,L2,MF")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "520",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L11,MM\n2,L11,MF")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "524",
            this: &[(Ad1, "CHILD,LS_ADOPTR,SEX_ADOPTR\n1,L12,MF\n2,L12,MM")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case {
            rule: "INT31",
            this: &[(Ad1, "CHILD\n1\n2\n2")],
            last: &[],
            flagged: &["AD1:1", "AD1:2"],
        },
        Case { rule: "333", this: &[(Ad1, "CHILD,DATE_INT,DATE_MATCH\n1,02/01/2026,01/01/2026\n2,01/01/2026,01/01/2026\n3,,01/01/2026\n4,01/01/2026,")], last: &[], flagged: &["AD1:0", "AD1:2"] },
        Case {
            rule: "134",
            this: &[(Ad1, "CHILD,DATE_INT\n1,01/01/2026\n2,01/01/2026\n3,"), (crate::ssda903::TableName::Oc3, "CHILD,IN_TOUCH\n1,YES\n2,\n3,YES")],
            last: &[],
            flagged: &["AD1:0"],
        },
        Case { rule: "151", this: &[(Ad1, "CHILD,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n1,01/01/2026,,,,,\n2,01/01/2026,01/01/2026,0,1,M1,L0\n3,,,,,,")], last: &[], flagged: &["AD1:0"] },
    ];

    #[test]
    fn ad1_rules() {
        check(CASES);
    }
}
