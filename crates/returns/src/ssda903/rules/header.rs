//! Rules flagging rows of the Header table (one row per child).

use chrono::{Datelike, Months};

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::header::{DOB, ETHNIC, MC_DOB, MOTHER, SEX, UPN};
use crate::ssda903::TableName::Header;

const HEADER: &[Need] = &[Need::This(Header)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "231",
        needs: &[
            Need::This(Header),
            Need::This(crate::ssda903::TableName::Uasc),
        ],
        run: rule_231,
    },
    Rule {
        code: "101",
        needs: HEADER,
        run: rule_101,
    },
    Rule {
        code: "102",
        needs: HEADER,
        run: rule_102,
    },
    Rule {
        code: "103",
        needs: HEADER,
        run: rule_103,
    },
    Rule {
        code: "168",
        needs: HEADER,
        run: rule_168,
    },
    Rule {
        code: "171",
        needs: HEADER,
        run: rule_171,
    },
    Rule {
        code: "174",
        needs: HEADER,
        run: rule_174,
    },
    Rule {
        code: "232",
        needs: HEADER,
        run: rule_232,
    },
    Rule {
        code: "611",
        needs: HEADER,
        run: rule_611,
    },
    Rule {
        code: "612",
        needs: HEADER,
        run: rule_612,
    },
    Rule {
        code: "620",
        needs: HEADER,
        run: rule_620,
    },
    Rule {
        code: "624",
        needs: &[Need::This(Header), Need::Last(Header)],
        run: rule_624,
    },
    Rule {
        code: "INT32",
        needs: HEADER,
        run: rule_int32,
    },
    Rule {
        code: "105",
        needs: HEADER,
        run: rule_105,
    },
    Rule {
        code: "393",
        needs: &[
            Need::This(Header),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_393,
    },
    Rule {
        code: "621",
        needs: HEADER,
        run: rule_621,
    },
    Rule {
        code: "301",
        needs: HEADER,
        run: rule_301,
    },
    Rule {
        code: "351",
        needs: HEADER,
        run: rule_351,
    },
    Rule {
        code: "444",
        needs: HEADER,
        run: rule_444,
    },
    Rule {
        code: "628",
        needs: &[
            Need::This(crate::ssda903::TableName::Episodes),
            Need::This(Header),
            Need::This(crate::ssda903::TableName::Oc3),
        ],
        run: rule_628,
    },
    Rule {
        code: "209",
        needs: HEADER,
        run: rule_209,
    },
    Rule {
        code: "EPI",
        needs: HEADER,
        run: rule_epi,
    },
];

/// 101: The child or young person’s reported sex is not valid.
fn rule_101(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| !t.is_in(r, SEX, &["M", "F", "U"]));
}

/// 102: Date of birth is not a valid date.
fn rule_102(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| t.date(r, DOB).is_none());
}

/// 103: The ethnicity code is either not valid or has not been entered.
fn rule_103(c: &Ctx<'_>, f: &mut Flags) {
    const CODES: &[&str] = &[
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
        "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    ];
    let t = c.this(Header);
    each_row(f, t, |r| !t.is_in(r, ETHNIC, CODES));
}

/// 168: Unique Pupil Number (UPN) is not valid. If unknown, default codes should be
/// UN1, UN2, UN3, UN4 or UN5.
///
/// A letter other than I, O or S, then twelve digits or eleven digits and a letter.
fn rule_168(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| {
        t.text(r, UPN).is_some_and(|upn| !is_valid_upn(upn))
    });
}

fn is_valid_upn(upn: &str) -> bool {
    // Python's `$` also matches before one final newline.
    let upn = upn.strip_suffix('\n').unwrap_or(upn);
    if matches!(upn, "UN1" | "UN2" | "UN3" | "UN4" | "UN5") {
        return true;
    }
    let b = upn.as_bytes();
    if b.len() != 13 || !b[0].is_ascii_uppercase() || matches!(b[0], b'I' | b'O' | b'S') {
        return false;
    }
    b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

/// 171: Date of birth of mother's child is not a valid date.
fn rule_171(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| {
        t.present(r, MC_DOB) && t.date(r, MC_DOB).is_none()
    });
}

/// 174: Mother's child date of birth is recorded but sex shows that the child is a
/// male.
fn rule_174(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| t.is(r, SEX, "M") && t.present(r, MC_DOB));
}

/// 232: Sex of the child/young person has been reported as unknown.
fn rule_232(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| t.is(r, SEX, "U"));
}

/// 611: Date of birth field is blank, but child is a mother.
fn rule_611(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| t.is(r, MOTHER, "1") && t.is_blank(r, MC_DOB));
}

/// 612: Date of birth field has been completed but mother field indicates child is not
/// a mother.
fn rule_612(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| {
        (t.is(r, MOTHER, "0") || t.is_blank(r, MOTHER)) && t.is(r, SEX, "F") && t.present(r, MC_DOB)
    });
}

/// 620: Child has been recorded as a mother, but date of birth shows that the mother is
/// under 11 years of age.
fn rule_620(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let start = c.collection_start();
    each_row(f, t, |r| {
        t.is(r, MOTHER, "1")
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(Months::new(12 * 11)))
                .is_some_and(|d| d > start)
    });
}

/// 624: Date of birth of the first child contradicts the date of birth of the first
/// child previously recorded.
fn rule_624(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Header), c.last(Header));
    each_row(f, t, |r| {
        last.rows_of(t.child(r))
            .any(|l| last.present(l, MC_DOB) && t.text(r, MC_DOB) != last.text(l, MC_DOB))
    });
}

/// INT32: Internal Check: Child should only exist once in Header.
fn rule_int32(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(Header), f);
}

/// 105: Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is
/// invalid or blank.
///
/// The status is derived from the UASC table when the return is a set of CSV files, so
/// it cannot be invalid: like the reference, nothing is flagged (it checks XML returns).
fn rule_105(_: &Ctx<'_>, _: &mut Flags) {}

/// 393: Child is looked after but mother field is not completed.
fn rule_393(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes;
    let (t, e) = (c.this(Header), c.this(crate::ssda903::TableName::Episodes));
    each_row(f, t, |r| {
        t.is(r, SEX, "F")
            && t.is_blank(r, MOTHER)
            && e.rows_of(t.child(r))
                .any(|er| !e.is_in(er, episodes::LS, &["V3", "V4"]))
    });
}

/// 621: Mother’s field has been completed but date of birth shows that the mother is
/// younger than her child.
fn rule_621(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    each_row(f, t, |r| match (t.date(r, MC_DOB), t.date(r, DOB)) {
        (Some(mc), Some(dob)) => mc <= dob,
        (Some(_), None) => true,
        _ => false,
    });
}

/// 301: Date of birth falls after the year ended.
fn rule_301(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, DOB).is_some_and(|dob| dob > end));
}

/// 351: Child was over 21 at the start of the current collection year.
///
/// The reference checks 25 years.
fn rule_351(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let start = c.collection_start();
    each_row(f, t, |r| {
        t.date(r, DOB)
            .and_then(|dob| dob.checked_add_months(Months::new(12 * 25)))
            .is_some_and(|d| start > d)
    });
}

/// 444: A child should only have one UPN … (every row sharing a UPN other than UN1–UN5
/// with another row is flagged; a blank UPN never is).
fn rule_444(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let mut counts: rustc_hash::FxHashMap<&str, u32> = rustc_hash::FxHashMap::default();
    for r in t.rows() {
        if let Some(upn) = t
            .text(r, UPN)
            .filter(|u| !matches!(*u, "UN1" | "UN2" | "UN3" | "UN4" | "UN5"))
        {
            *counts.entry(upn).or_default() += 1;
        }
    }
    each_row(f, t, |r| {
        t.text(r, UPN)
            .is_some_and(|upn| counts.get(upn).is_some_and(|n| *n > 1))
    });
}

/// 628: Motherhood details are not required for care leavers who have not been looked
/// after during the year.
fn rule_628(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc3;
    let t = c.this(Header);
    let (episodes, leavers) = (
        c.this(crate::ssda903::TableName::Episodes),
        c.this(crate::ssda903::TableName::Oc3),
    );
    each_row(f, t, |r| {
        let child = t.child(r);
        t.present(r, MOTHER)
            && !episodes.has_child(child)
            && leavers.rows_of(child).any(|l| {
                [oc3::IN_TOUCH, oc3::ACTIV, oc3::ACCOM]
                    .iter()
                    .any(|col| leavers.present(l, *col))
            })
    });
}

/// 209: Child looked after is of school age and should not have an unknown Unique Pupil
/// Number (UPN) code of UN1.
///
/// School age: four or older on 31 August of the year before the collection year starts.
fn rule_209(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let Some(reference) = chrono::NaiveDate::from_ymd_opt(c.collection_start().year() - 1, 8, 31)
    else {
        return;
    };
    each_row(f, t, |r| {
        t.is(r, UPN, "UN1")
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(Months::new(48)))
                .is_some_and(|d| reference >= d)
    });
}

/// EPI: WARNING: Episodes need to be loaded for this child before further validation is
/// possible
///
/// A child in Header but neither in Episodes nor in OC3 (either may be missing).
fn rule_epi(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::TableName::{Episodes, Oc3};
    let (h, e, o) = (c.this(Header), c.this(Episodes), c.this(Oc3));
    each_row(f, h, |r| {
        !e.has_child(h.child(r)) && !o.has_child(h.child(r))
    });
}

/// 231: We expect that unaccompanied asylum seeking children are generally older young
/// people. Please check the date of birth is correct.
///
/// A child who is UASC (in the UASC table; see [`Ctx::header_uasc`]) born less than 11
/// years before 31 March. The reference cannot run it (it reads a column `UASC_STATUS`
/// that the CSV tables do not have), so this is the DfE's rule, not compared.
fn rule_231(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    let Some(eleven) = c.collection_end().checked_sub_months(Months::new(12 * 11)) else {
        return;
    };
    each_row(f, t, |r| {
        c.header_uasc(r) == Some(true) && t.date(r, DOB).is_some_and(|dob| dob > eleven)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Header, Uasc};

    pub(crate) const CASES: &[Case] = &[
        // 1 is UASC and ten; 2 is UASC and turned eleven on 31 March; 3 is ten, not UASC.
        Case {
            rule: "231",
            this: &[
                (Header, "CHILD,DOB\n1,01/04/2016\n2,31/03/2016\n3,01/04/2016"),
                (Uasc, "CHILD\n1\n2"),
            ],
            last: &[],
            flagged: &["Header:0"],
        },
        Case { rule: "101", this: &[(Header, "CHILD,SEX\n1,M\n2,1\n3,\n4,f")], last: &[], flagged: &["Header:1", "Header:2"] },
        Case { rule: "102", this: &[(Header, "CHILD,DOB\n1,01/02/2015\n2,31/02/2015\n3,")], last: &[], flagged: &["Header:1", "Header:2"] },
        Case { rule: "103", this: &[(Header, "CHILD,ETHNIC\n1,WBRI\n2,XXXX\n3,\n4,wbri")], last: &[], flagged: &["Header:1", "Header:2"] },
        Case {
            rule: "168",
            this: &[(Header, "CHILD,UPN\n1,A123456789012\n2,I123456789012\n3,UN5\n4,UN6\n5,\n6,A12345678901Z\n7,A1234")],
            last: &[],
            flagged: &["Header:1", "Header:3", "Header:6"],
        },
        Case { rule: "171", this: &[(Header, "CHILD,MC_DOB\n1,01/02/2015\n2,2015-02-01\n3,")], last: &[], flagged: &["Header:1"] },
        Case { rule: "174", this: &[(Header, "CHILD,SEX,MC_DOB\n1,M,01/01/2020\n2,F,01/01/2020\n3,M,")], last: &[], flagged: &["Header:0"] },
        Case { rule: "232", this: &[(Header, "CHILD,SEX\n1,U\n2,M")], last: &[], flagged: &["Header:0"] },
        Case { rule: "611", this: &[(Header, "CHILD,MOTHER,MC_DOB\n1,1,\n2,1,01/01/2020\n3,0,")], last: &[], flagged: &["Header:0"] },
        Case {
            rule: "612",
            this: &[(Header, "CHILD,SEX,MOTHER,MC_DOB\n1,F,0,01/01/2020\n2,F,,01/01/2020\n3,F,1,01/01/2020\n4,M,0,01/01/2020")],
            last: &[],
            flagged: &["Header:0", "Header:1"],
        },
        Case {
            rule: "620",
            this: &[(Header, "CHILD,DOB,MOTHER\n1,02/04/2015,1\n2,01/04/2015,1\n3,02/04/2015,0")],
            last: &[],
            flagged: &["Header:0"],
        },
        Case {
            rule: "624",
            this: &[(Header, "CHILD,MC_DOB\n1,01/01/2020\n2,01/01/2020\n3,")],
            last: &[(Header, "CHILD,MC_DOB\n1,02/01/2020\n2,01/01/2020\n3,")],
            flagged: &["Header:0"],
        },
        Case { rule: "INT32", this: &[(Header, "CHILD\n1\n2\n1\n3")], last: &[], flagged: &["Header:0", "Header:2"] },
        Case { rule: "105", this: &[(Header, "CHILD\n1")], last: &[], flagged: &[] },
        Case {
            rule: "393",
            this: &[(Header, "CHILD,SEX,MOTHER\n1,F,\n2,F,\n3,F,0\n4,M,"), (crate::ssda903::TableName::Episodes, "CHILD,LS\n1,C2\n2,V3\n3,C2\n4,C2")],
            last: &[],
            flagged: &["Header:0"],
        },
        Case { rule: "621", this: &[(Header, "CHILD,DOB,MC_DOB\n1,01/01/2015,01/01/2015\n2,01/01/2015,02/01/2015\n3,,01/01/2015\n4,01/01/2015,")], last: &[], flagged: &["Header:0", "Header:2"] },
        Case { rule: "301", this: &[(Header, "CHILD,DOB\n1,01/04/2027\n2,31/03/2027")], last: &[], flagged: &["Header:0"] },
        Case { rule: "351", this: &[(Header, "CHILD,DOB\n1,31/03/2001\n2,01/04/2001")], last: &[], flagged: &["Header:0"] },
        Case {
            rule: "444",
            this: &[(Header, "CHILD,UPN\n1,A123456789012\n2,A123456789012\n3,UN1\n4,UN1\n5,\n6,\n7,B123456789012")],
            last: &[],
            flagged: &["Header:0", "Header:1"],
        },
        Case {
            rule: "628",
            this: &[
                (Header, "CHILD,MOTHER\n1,1\n2,1\n3,1\n4,"),
                (crate::ssda903::TableName::Episodes, "CHILD\n2"),
                (crate::ssda903::TableName::Oc3, "CHILD,IN_TOUCH\n1,YES\n2,YES\n3,\n4,YES"),
            ],
            last: &[],
            flagged: &["Header:0"],
        },
        Case { rule: "209", this: &[(Header, "CHILD,DOB,UPN\n1,31/08/2021,UN1\n2,01/09/2021,UN1\n3,31/08/2021,UN2")], last: &[], flagged: &["Header:0"] },
        Case {
            rule: "EPI",
            this: &[(Header, "CHILD\n1\n2\n3"), (crate::ssda903::TableName::Episodes, "CHILD\n2"), (crate::ssda903::TableName::Oc3, "CHILD\n3")],
            last: &[],
            flagged: &["Header:0"],
        },
    ];

    #[test]
    fn header_rules() {
        check(CASES);
    }
}
