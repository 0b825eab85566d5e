//! Rules flagging rows of the UASC table (unaccompanied asylum-seeking children).

use chrono::{Months, NaiveDate};

use super::{birthday, derived_uasc, each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::table::Table;
use crate::ssda903::tables::cols::uasc::{DOB, DUC, SEX};
use crate::ssda903::TableName::{Header, Uasc};

const UASC: &[Need] = &[Need::This(Uasc)];
const BOTH_YEARS: &[Need] = &[Need::This(Uasc), Need::Last(Uasc)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "104",
        needs: UASC,
        run: rule_104,
    },
    Rule {
        code: "304",
        needs: UASC,
        run: rule_304,
    },
    Rule {
        code: "INT36",
        needs: UASC,
        run: rule_int36,
    },
    Rule {
        code: "205A",
        needs: BOTH_YEARS,
        run: rule_205a,
    },
    Rule {
        code: "205B",
        needs: BOTH_YEARS,
        run: rule_205b,
    },
    Rule {
        code: "205C",
        needs: BOTH_YEARS,
        run: rule_205c,
    },
    Rule {
        code: "205D",
        needs: BOTH_YEARS,
        run: rule_205d,
    },
    Rule {
        code: "303",
        needs: &[
            Need::This(Uasc),
            Need::This(crate::ssda903::TableName::Header),
        ],
        run: rule_303,
    },
];

/// 104: Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a
/// valid date.
fn rule_104(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Uasc);
    let start = c.collection_start();
    each_row(f, t, |r| match t.date(r, DUC) {
        Some(duc) => duc < start,
        None => t.present(r, DUC),
    });
}

/// 304: Date unaccompanied asylum-seeking child (UASC) status ceased must be on or
/// before the 18th birthday of a child.
fn rule_304(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Uasc);
    each_row(f, t, |r| {
        let eighteenth = t
            .date(r, DOB)
            .and_then(|dob| dob.checked_add_months(Months::new(12 * 18)));
        matches!((t.date(r, DUC), eighteenth), (Some(duc), Some(e)) if duc > e)
    });
}

/// INT36: Internal Check: Child should only exist once in UASC.
fn rule_int36(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(Uasc), f);
}

/// 303: If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null,
/// UASC status must be coded 1.
///
/// The reference's Header `UASC` is 1 for children in the UASC table, so this fires
/// only when a child is in UASC twice and the derived column slips (see
/// [`Ctx::header_uasc`]).
fn rule_303(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Uasc), c.this(crate::ssda903::TableName::Header));
    for hr in h.rows() {
        if c.header_uasc(hr) == Some(true) {
            continue;
        }
        for r in t.rows_of(h.child(hr)) {
            if t.present(r, DUC) {
                f.flag(t, r);
                f.flag(h, hr);
            }
        }
    }
}

/// One year's Header as the reference's rules 205A–D see it: each row with its `UASC`
/// (1 or 0). When the year's Header was supplied it is that table with the column the
/// reference derives from the UASC table (see [`Ctx::header_uasc`]); otherwise the
/// reference makes one from the UASC table, a row per UASC row, 1 when its `SEX` or
/// `DUC` is filled in.
struct UascHeader<'a> {
    table: &'a Table,
    uasc: Vec<bool>,
    /// Whether this is the supplied Header (whose rows the rules flag too).
    supplied: bool,
}

impl<'a> UascHeader<'a> {
    fn new(header: Option<&'a Table>, uasc: &'a Table) -> UascHeader<'a> {
        match header {
            Some(h) => UascHeader {
                table: h,
                uasc: derived_uasc(h, uasc),
                supplied: true,
            },
            None => UascHeader {
                table: uasc,
                uasc: uasc
                    .rows()
                    .map(|r| uasc.present(r, SEX) || uasc.present(r, DUC))
                    .collect(),
                supplied: false,
            },
        }
    }

    fn value(&self, row: usize) -> bool {
        self.uasc.get(row).copied().unwrap_or(false)
    }
}

/// One row of the reference's join for rules 205A–C: a row of this year's UASC, one of
/// its child's Header rows (none when the child has none), and one of its child's rows
/// of last year's UASC with last year's Header `UASC` (none when there is none).
struct Joined {
    uasc: usize,
    header: Option<usize>,
    now: Option<bool>,
    last: Option<(usize, Option<bool>)>,
}

/// Flags, for each row of the join that `breaks`, the UASC row and (when the Header was
/// supplied) the Header row.
fn year_on_year(c: &Ctx<'_>, f: &mut Flags, breaks: impl Fn(&Joined) -> bool) {
    let (t, last) = (c.this(Uasc), c.last(Uasc));
    let header = UascHeader::new(c.ret.table(Header), t);
    let header_last = UascHeader::new(c.ret.last_year_table(Header), last);
    for r in t.rows() {
        let child = t.child(r);
        let mut headers: Vec<Option<usize>> = header.table.rows_of(child).map(Some).collect();
        if headers.is_empty() {
            headers.push(None);
        }
        let mut lasts: Vec<Option<(usize, Option<bool>)>> = Vec::new();
        for lr in last.rows_of(child) {
            let mut values: Vec<Option<bool>> = header_last
                .table
                .rows_of(child)
                .map(|hr| Some(header_last.value(hr)))
                .collect();
            if values.is_empty() {
                values.push(None);
            }
            lasts.extend(values.into_iter().map(|v| Some((lr, v))));
        }
        if lasts.is_empty() {
            lasts.push(None);
        }
        for h in &headers {
            for l in &lasts {
                let joined = Joined {
                    uasc: r,
                    header: *h,
                    now: h.map(|h| header.value(h)),
                    last: *l,
                };
                if breaks(&joined) {
                    f.flag(t, r);
                    if let Some(h) = joined.header.filter(|_| header.supplied) {
                        f.flag(header.table, h);
                    }
                }
            }
        }
    }
}

/// Whether `date` falls in last year's collection year.
fn in_last_year(c: &Ctx<'_>, date: Option<NaiveDate>) -> bool {
    let from = c.collection_start().checked_sub_months(Months::new(12));
    let to = c.collection_end().checked_sub_months(Months::new(12));
    matches!((date, from, to), (Some(d), Some(from), Some(to)) if from <= d && d <= to)
}

/// 205A: Child identified as UASC last year is no longer UASC this year, but date UASC
/// ceased in both years does not support this.
///
/// As the reference reads it: a child in this year's UASC table whose Header `UASC` is
/// not 1 (in effect, a child missing from the Header), UASC last year, with a date
/// ceased this year or last year's not in last year.
fn rule_205a(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Uasc), c.last(Uasc));
    year_on_year(c, f, |j| {
        let Some((lr, last_uasc)) = j.last else {
            return false;
        };
        j.now != Some(true)
            && last_uasc == Some(true)
            && (t.present(j.uasc, DUC) || !in_last_year(c, last.date(lr, DUC)))
    });
}

/// 205B: Child previously identified as UASC is also UASC this year, but date UASC
/// ceased in both years does not support this.
///
/// UASC in both years, and either last year's date ceased is not the 18th birthday
/// (by last year's date of birth), or this year's is neither in this year nor the same
/// as last year's.
fn rule_205b(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Uasc), c.last(Uasc));
    let (start, end) = (c.collection_start(), c.collection_end());
    year_on_year(c, f, |j| {
        let Some((lr, last_uasc)) = j.last else {
            return false;
        };
        if j.now != Some(true) || last_uasc != Some(true) {
            return false;
        }
        let (duc, duc_last) = (t.date(j.uasc, DUC), last.date(lr, DUC));
        let eighteenth = birthday(last.date(lr, DOB), 18);
        let this_year = duc.is_some_and(|d| start <= d && d <= end);
        let same_as_last = duc.is_some() && duc == duc_last;
        let last_is_eighteenth = duc_last.is_some() && duc_last == eighteenth;
        (!this_year && !same_as_last) || !last_is_eighteenth
    });
}

/// 205C: Child not identified as UASC either this year or last year but date UASC
/// ceased has been provided.
fn rule_205c(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Uasc), c.last(Uasc));
    year_on_year(c, f, |j| {
        let last_uasc = j.last.and_then(|(_, v)| v);
        let duc_last = j.last.and_then(|(lr, _)| last.date(lr, DUC));
        j.now != Some(true)
            && last_uasc != Some(true)
            && (t.date(j.uasc, DUC).is_some() || duc_last.is_some())
    });
}

/// 205D: Child identified as UASC this year but not identified as UASC status provided
/// for the child last year.
///
/// Flags the Header row (the UASC row when no Header was supplied) of a child UASC this
/// year with a row in last year's Header (last year's UASC table, when no Header was
/// supplied for last year) that is not UASC.
fn rule_205d(c: &Ctx<'_>, f: &mut Flags) {
    let header = UascHeader::new(c.ret.table(Header), c.this(Uasc));
    let header_last = UascHeader::new(c.ret.last_year_table(Header), c.last(Uasc));
    for r in header.table.rows() {
        if header.value(r)
            && header_last
                .table
                .rows_of(header.table.child(r))
                .any(|lr| !header_last.value(lr))
        {
            f.flag(header.table, r);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Header, Uasc};

    pub(crate) const CASES: &[Case] = &[
        // 2, 3 and 5 are in this year's UASC table but not its Header, and were UASC
        // last year: 2 ceased before last year, 3 during it, 5 during it but has a
        // date ceased this year too. 4 is in this year's Header.
        Case {
            rule: "205A",
            this: &[
                (Header, "CHILD\n1\n4"),
                (Uasc, "CHILD,DUC\n2,\n3,\n4,\n5,01/06/2026"),
            ],
            last: &[
                (Header, "CHILD\n1\n2\n3\n4\n5"),
                (
                    Uasc,
                    "CHILD,DUC\n1,\n2,01/04/2024\n3,01/04/2025\n4,\n5,01/04/2025",
                ),
            ],
            flagged: &["UASC:0", "UASC:3"],
        },
        // 1's date ceased last year is not the 18th birthday; 2's is; 3's is, but this
        // year's is neither this year nor last year's.
        Case {
            rule: "205B",
            this: &[
                (Header, "CHILD\n1\n2\n3"),
                (Uasc, "CHILD,DUC\n1,01/06/2026\n2,01/06/2026\n3,01/06/2027"),
            ],
            last: &[
                (Header, "CHILD\n1\n2\n3"),
                (
                    Uasc,
                    "CHILD,DOB,DUC\n1,01/06/2008,02/06/2026\n2,01/06/2008,01/06/2026\n3,01/06/2008,01/06/2026",
                ),
            ],
            flagged: &["Header:0", "Header:2", "UASC:0", "UASC:2"],
        },
        // Children missing from both Headers: 1 has a date ceased, 2 none.
        Case {
            rule: "205C",
            this: &[(Header, "CHILD\n9"), (Uasc, "CHILD,DUC\n1,01/06/2026\n2,")],
            last: &[(Header, "CHILD\n9"), (Uasc, "CHILD,DUC\n3,")],
            flagged: &["UASC:0"],
        },
        // 1 is UASC this year and in last year's Header but not last year's UASC; 2 is
        // in both.
        Case {
            rule: "205D",
            this: &[(Header, "CHILD\n1\n2"), (Uasc, "CHILD,DUC\n1,\n2,")],
            last: &[(Header, "CHILD\n1\n2"), (Uasc, "CHILD,DUC\n2,")],
            flagged: &["Header:0"],
        },
        Case {
            rule: "104",
            this: &[(Uasc, "CHILD,DUC\n1,31/03/2026\n2,01/04/2026\n3,\n4,xx")],
            last: &[],
            flagged: &["UASC:0", "UASC:3"],
        },
        Case {
            rule: "304",
            this: &[(
                Uasc,
                "CHILD,DOB,DUC\n1,01/01/2010,02/01/2028\n2,01/01/2010,01/01/2028",
            )],
            last: &[],
            flagged: &["UASC:0"],
        },
        Case {
            rule: "INT36",
            this: &[(Uasc, "CHILD\n1\n2\n1")],
            last: &[],
            flagged: &["UASC:0", "UASC:2"],
        },
        Case {
            rule: "303",
            this: &[
                (Uasc, "CHILD,DUC\n1,\n1,\n2,01/01/2026\n4,01/01/2026"),
                (crate::ssda903::TableName::Header, "CHILD\n1\n3\n2\n4"),
            ],
            last: &[],
            flagged: &["Header:2", "UASC:2"],
        },
    ];

    #[test]
    fn uasc_rules() {
        check(CASES);
    }
}
