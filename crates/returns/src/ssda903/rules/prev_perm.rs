//! Rules flagging rows of the PrevPerm table (previous permanence).

use chrono::{Months, NaiveDate};

use carebridge_domain::casefile::events::LOCAL_AUTHORITY_CODES;

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::prev_perm::{DATE_PERM, LA_PERM, PREV_PERM};
use crate::ssda903::TableName::Episodes;
use crate::ssda903::TableName::PrevPerm;

const PREV_PERM_TABLE: &[Need] = &[Need::This(PrevPerm)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "635",
        needs: PREV_PERM_TABLE,
        run: rule_635,
    },
    Rule {
        code: "INT35",
        needs: PREV_PERM_TABLE,
        run: rule_int35,
    },
    Rule {
        code: "631",
        needs: PREV_PERM_TABLE,
        run: rule_631,
    },
    Rule {
        code: "630",
        needs: &[Need::This(PrevPerm), Need::This(Episodes)],
        run: rule_630,
    },
    Rule {
        code: "632",
        needs: &[Need::This(PrevPerm), Need::This(Episodes)],
        run: rule_632,
    },
    Rule {
        code: "633",
        needs: PREV_PERM_TABLE,
        run: rule_633,
    },
    Rule {
        code: "634",
        needs: &[Need::This(PrevPerm), Need::This(Episodes)],
        run: rule_634,
    },
];

/// 635: There are entries for date of order and local authority code where previous
/// permanence option was arranged but previous permanence code is Z1
fn rule_635(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PrevPerm);
    each_row(f, t, |r| {
        (t.present(r, LA_PERM) || t.present(r, DATE_PERM)) && t.is_blank(r, PREV_PERM)
    });
}

/// INT35: Internal Check: Child should only exist once in PrevPerm.
fn rule_int35(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(PrevPerm), f);
}

/// 631: Previous permanence option not a valid value.
fn rule_631(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PrevPerm);
    each_row(f, t, |r| {
        t.present(r, PREV_PERM) && !t.is_in(r, PREV_PERM, &["P1", "P2", "P3", "P4", "Z1"])
    });
}

/// 630: Information on previous permanence option should be returned.
///
/// An episode starting a period of care (`RNE` S) this year, of a child not in
/// PrevPerm, or with a row whose option is blank, or is not Z1 with the local authority
/// or date blank.
fn rule_630(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{DECOM, RNE};
    let (t, p) = (c.this(Episodes), c.this(PrevPerm));
    let start = c.collection_start();
    each_row(f, t, |r| {
        if !(t.is(r, RNE, "S") && t.date(r, DECOM).is_some_and(|d| d >= start)) {
            return false;
        }
        let mut rows = p.rows_of(t.child(r)).peekable();
        rows.peek().is_none()
            || rows.any(|pr| {
                p.is_blank(pr, PREV_PERM)
                    || (!p.is(pr, PREV_PERM, "Z1")
                        && (p.is_blank(pr, LA_PERM) || p.is_blank(pr, DATE_PERM)))
            })
    });
}

/// A previous permanence date as the reference reads it: `DD/MM/YYYY` where an unknown
/// day or month may be `ZZ` (an unknown year `ZZZZ` reads as 2000). An unknown day
/// means the month's last day; an unknown month, the day before the date a year on.
fn perm_date(text: &str) -> Option<NaiveDate> {
    #[derive(Clone, Copy)]
    enum Unknown {
        Day,
        Month,
    }
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let mut unknown = None;
    let mut known = |part: &'static str, which: Option<Unknown>, given: &str| -> String {
        if given == "ZZ" {
            // The reference keeps the last unknown part's rule (a year of ZZ has none).
            unknown = which;
            part.to_owned()
        } else if given == "ZZZZ" {
            "2000".to_owned()
        } else {
            given.to_owned()
        }
    };
    let joined = format!(
        "{}/{}/{}",
        known("01", Some(Unknown::Day), day),
        known("01", Some(Unknown::Month), month),
        known("01", None, year)
    );
    let date = crate::ssda903::parse_dmy(&joined)?;
    match unknown {
        None => Some(date),
        Some(Unknown::Day) => date.checked_add_months(Months::new(1))?.pred_opt(),
        Some(Unknown::Month) => date.checked_add_months(Months::new(12))?.pred_opt(),
    }
}

/// 632: Date of previous permanence order not a valid value. NOTE: This rule may result
/// in false negatives where the period of care started before the current collection
/// year
///
/// Against the child's first episode: a date that cannot be read, or is on or after
/// that episode's start.
fn rule_632(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{CHILD, DECOM};
    let (t, p) = (c.this(Episodes), c.this(PrevPerm));
    for (child, rows) in t.by_child() {
        let Some(first) = super::first_earliest(t, DECOM, rows) else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        let decom = t.date(first, DECOM);
        for pr in p.rows_of(child) {
            let Some(text) = p.text(pr, DATE_PERM) else {
                continue;
            };
            let wrong = match perm_date(text) {
                None => true,
                Some(d) => decom.is_some_and(|decom| d >= decom),
            };
            if wrong {
                f.flag(t, first);
                f.flag(p, pr);
            }
        }
    }
}

/// 633: Local authority code where previous permanence option was arranged is not a
/// valid value.
fn rule_633(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(PrevPerm);
    each_row(f, t, |r| {
        t.text(r, LA_PERM)
            .is_some_and(|la| !LOCAL_AUTHORITY_CODES.contains(&la))
    });
}

/// 634: There are entries for previous permanence options, but child has not started to
/// be looked after from 1 April 2016 onwards.
///
/// A PrevPerm row with any item, of a child whose latest episode started before this
/// year: the row and all the child's episodes are flagged.
fn rule_634(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{CHILD, DECOM};
    let (t, p) = (c.this(Episodes), c.this(PrevPerm));
    let start = c.collection_start();
    for pr in p.rows() {
        if [PREV_PERM, DATE_PERM, LA_PERM]
            .iter()
            .all(|col| p.is_blank(pr, *col))
        {
            continue;
        }
        let child = p.child(pr);
        let mut episodes = t.rows_of(child).peekable();
        let Some(first) = episodes.peek().copied() else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        let latest = t.rows_of(child).filter_map(|r| t.date(r, DECOM)).max();
        if latest.is_some_and(|d| d < start) {
            f.flag(p, pr);
            for r in episodes {
                f.flag(t, r);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::PrevPerm as P;
    use crate::ssda903::TableName::{Episodes, PrevPerm};

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "635",
            this: &[(P, "CHILD,PREV_PERM,LA_PERM,DATE_PERM\n1,,1,\n2,P1,1,\n3,,,")],
            last: &[],
            flagged: &["PrevPerm:0"],
        },
        Case {
            rule: "INT35",
            this: &[(P, "CHILD\n1\n2\n2")],
            last: &[],
            flagged: &["PrevPerm:1", "PrevPerm:2"],
        },
        Case {
            rule: "631",
            this: &[(P, "CHILD,PREV_PERM\n1,P5\n2,Z1\n3,")],
            last: &[],
            flagged: &["PrevPerm:0"],
        },
        Case {
            rule: "630",
            this: &[
                (Episodes, "CHILD,DECOM,RNE\n1,01/05/2026,S\n2,01/05/2026,S\n3,01/05/2026,S\n4,01/05/2026,S\n5,01/03/2026,S"),
                (PrevPerm, "CHILD,PREV_PERM,LA_PERM,DATE_PERM\n2,P1,800,\n3,Z1,,\n4,P1,800,01/01/2020"),
            ],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1"],
        },
        Case {
            rule: "632",
            this: &[
                (Episodes, "CHILD,DECOM\n1,01/05/2026\n2,01/05/2026\n3,01/05/2026\n4,15/05/2026"),
                (PrevPerm, "CHILD,DATE_PERM\n1,01/05/2026\n2,ZZ/04/2026\n3,31/02/2020\n4,ZZ/05/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2", "Episodes:3", "PrevPerm:0", "PrevPerm:2", "PrevPerm:3"],
        },
        Case { rule: "633", this: &[(PrevPerm, "CHILD,LA_PERM\n1,123\n2,800\n3,WAL\n4,")], last: &[], flagged: &["PrevPerm:0"] },
        Case {
            rule: "634",
            this: &[
                (Episodes, "CHILD,DECOM\n1,01/01/2026\n1,01/02/2026\n2,01/05/2026"),
                (PrevPerm, "CHILD,PREV_PERM\n1,P1\n2,P1\n1,"),
            ],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1", "PrevPerm:0"],
        },
    ];

    #[test]
    fn prev_perm_rules() {
        check(CASES);
    }
}
