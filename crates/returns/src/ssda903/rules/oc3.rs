//! Rules flagging rows of the OC3 table (care leavers).

use chrono::{Datelike, Months, NaiveDate};

use super::numpy_sort::sort_values;
use super::{birthday, each_row, BothYears, Ctx, Flags, Need, Rule};
use crate::ssda903::table::ChildId;
use crate::ssda903::tables::cols::oc3::{ACCOM, ACTIV, DOB, IN_TOUCH};
use crate::ssda903::TableName::{Episodes, Oc3};

const OC3: &[Need] = &[Need::This(Oc3)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "1001",
        needs: &[
            Need::This(Episodes),
            Need::This(Oc3),
            Need::This(crate::ssda903::TableName::Header),
            Need::Last(Episodes),
        ],
        run: rule_1001,
    },
    Rule {
        code: "1007",
        needs: &[Need::This(Episodes), Need::This(Oc3)],
        run: rule_1007,
    },
    Rule {
        code: "1016",
        needs: &[Need::This(Oc3), Need::This(Episodes)],
        run: rule_1016,
    },
    Rule {
        code: "131",
        needs: OC3,
        run: rule_131,
    },
    Rule {
        code: "153",
        needs: OC3,
        run: rule_153,
    },
    Rule {
        code: "344",
        needs: OC3,
        run: rule_344,
    },
    Rule {
        code: "345",
        needs: OC3,
        run: rule_345,
    },
    Rule {
        code: "1002",
        needs: &[Need::This(Episodes), Need::This(Oc3), Need::Last(Episodes)],
        run: rule_1002,
    },
    Rule {
        code: "347",
        needs: OC3,
        run: rule_347,
    },
    Rule {
        code: "348",
        needs: &[Need::This(Oc3), Need::Last(Oc3)],
        run: rule_348,
    },
    Rule {
        code: "1011",
        needs: &[Need::This(Oc3), Need::This(Episodes)],
        run: rule_1011,
    },
    Rule {
        code: "132",
        needs: OC3,
        run: rule_132,
    },
    Rule {
        code: "391",
        needs: OC3,
        run: rule_391,
    },
    Rule {
        code: "1000",
        needs: &[Need::This(Oc3), Need::This(Episodes)],
        run: rule_1000,
    },
    Rule {
        code: "133",
        needs: OC3,
        run: rule_133,
    },
    Rule {
        code: "INT34",
        needs: OC3,
        run: rule_int34,
    },
    Rule {
        code: "215",
        needs: &[Need::This(Oc3), Need::This(crate::ssda903::TableName::Oc2)],
        run: rule_215,
    },
    Rule {
        code: "1014",
        needs: &[
            Need::This(crate::ssda903::TableName::Uasc),
            Need::This(Episodes),
            Need::This(Oc3),
        ],
        run: rule_1014,
    },
    Rule {
        code: "3001",
        needs: &[
            Need::This(crate::ssda903::TableName::Header),
            Need::This(Oc3),
        ],
        run: rule_3001,
    },
    Rule {
        code: "1010",
        needs: &[Need::This(Oc3), Need::This(Episodes), Need::Last(Episodes)],
        run: rule_1010,
    },
];

/// 1000: This child is recorded as having died in care and therefore should not have the
/// care leaver information completed.
///
/// Any episode of the child ended `E2` (died), this year or, when supplied, last year.
fn rule_1000(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::REC;
    let (t, this, last) = (c.this(Oc3), c.this(Episodes), c.last(Episodes));
    each_row(f, t, |r| {
        let child = t.child(r);
        this.rows_of(child).any(|er| this.is(er, REC, "E2"))
            || last.rows_of(child).any(|er| last.is(er, REC, "E2"))
    });
}

/// Whether any of the care leaver items (in touch, activity, accommodation) is filled in.
fn has_outcomes(t: &crate::ssda903::Table, r: usize) -> bool {
    [IN_TOUCH, ACTIV, ACCOM]
        .iter()
        .any(|col| t.present(r, *col))
}

/// 1001: The episodes recorded for this young person suggest they are not a relevant or
/// a former relevant child and therefore should not have care leaver information
/// completed.
///
/// As the reference reads it, over this year's and last year's episodes together:
/// 1. sorted by end date with numpy's unstable sort (see [`super::numpy_sort`]), blank
///    ends last, keeping the first episode of each child and start date;
/// 2. each child's latest-starting episode is found (the first in that order) by its row
///    number in its own year's file, and every episode whose row number is one of those
///    and which has no end is taken to end on 31 March (row numbers repeat across the
///    two years, so an episode of the other year or another child can be so taken);
/// 3. each episode is paired with each of the child's Header rows whose date of birth
///    can be read, for those under 20 on 31 March; episodes whose row number is that of
///    any V3 or V4 episode are left out;
/// 4. a care leaver is flagged unless their time in care since their 14th birthday adds
///    up to 91 days and since their 16th to a day; or when one of the latest-starting
///    episodes (again by row number) of their child ended in adoption.
///
/// Nothing is flagged when no episode is left after step 3, or when any of the four
/// tables is empty. A child none of whose episodes has a readable start has no latest
/// one here (the reference fails on such a child).
fn rule_1001(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{DEC, DECOM, LS, REC};
    use crate::ssda903::tables::cols::header::DOB as HEADER_DOB;
    let (this, last, oc3) = (c.this(Episodes), c.last(Episodes), c.this(Oc3));
    let header = c.this(crate::ssda903::TableName::Header);
    if [this, last, oc3, header].iter().any(|t| t.is_empty()) {
        return;
    }
    let both = BothYears::new(this, last);
    let end = c.collection_end();
    let children = c.ret.children();
    // 1. Each episode's place in the sort by end.
    let mut rank = vec![0u32; both.len()];
    for (place, i) in (0u32..).zip(sort_values(both.len(), true, |i| {
        u32::try_from(i).ok().and_then(|i| both.date(i, DEC))
    })) {
        if let Some(slot) = rank.get_mut(i as usize) {
            *slot = place;
        }
    }
    // Each child's episodes in that order, the first of each start kept: worked out
    // once, child after child in one list (`kept_from[c]..kept_from[c + 1]`).
    let each_child = || (0..children.len()).filter_map(|i| u32::try_from(i).ok().map(ChildId));
    let mut kept_rows: Vec<u32> = Vec::with_capacity(both.len());
    let mut kept_from: Vec<usize> = Vec::with_capacity(children.len() + 1);
    let (mut rows, mut starts): (Vec<u32>, Vec<Option<NaiveDate>>) = (Vec::new(), Vec::new());
    for child in each_child() {
        kept_from.push(kept_rows.len());
        rows.clear();
        rows.extend(both.rows_of(child));
        rows.sort_by_key(|i| rank.get(*i as usize).copied());
        starts.clear();
        rows.retain(|i| {
            let start = both.date(*i, DECOM);
            let first = !starts.contains(&start);
            starts.push(start);
            first
        });
        kept_rows.extend_from_slice(&rows);
    }
    kept_from.push(kept_rows.len());
    let kept = |child: ChildId| -> &[u32] {
        let (from, to) = (
            kept_from.get(child.index()).copied().unwrap_or(0),
            kept_from.get(child.index() + 1).copied().unwrap_or(0),
        );
        kept_rows.get(from..to).unwrap_or_default()
    };
    // 2. Each child's latest-starting episode, by row number.
    let mut latest = vec![false; this.len().max(last.len())];
    for child in each_child().filter(|ch| !children.name(*ch).is_empty()) {
        let mut best: Option<(NaiveDate, u32)> = None;
        for &i in kept(child) {
            if let Some(start) = both.date(i, DECOM) {
                if best.is_none_or(|(b, _)| start > b) {
                    best = Some((start, i));
                }
            }
        }
        if let Some(slot) = best.and_then(|(_, i)| latest.get_mut(both.label(i))) {
            *slot = true;
        }
    }
    let is_latest = |i: u32| latest.get(both.label(i)).copied() == Some(true);
    // 3. Paired with the child's Header rows under 20; V3/V4 row numbers left out.
    let dobs_of = |child: ChildId| -> Vec<NaiveDate> {
        header
            .rows_of(child)
            .filter_map(|hr| header.date(hr, HEADER_DOB))
            .filter(|dob| birthday(Some(*dob), 20).is_some_and(|d| d > end))
            .collect()
    };
    let mut dropped = vec![false; latest.len()];
    for child in each_child() {
        if dobs_of(child).is_empty() {
            continue;
        }
        for &i in kept(child) {
            let (t, r) = both.at(i);
            if t.is_in(r, LS, &["V3", "V4"]) {
                if let Some(slot) = dropped.get_mut(both.label(i)) {
                    *slot = true;
                }
            }
        }
    }
    // 4. Time in care since the 14th and 16th birthdays; adoptions.
    let mut totals: Vec<Option<(i64, i64)>> = vec![None; children.len()];
    let mut adopted = vec![false; children.len()];
    let mut paired = false;
    for child in each_child() {
        let dobs = dobs_of(child);
        let blank = children.name(child).is_empty();
        for &i in kept(child) {
            let (t, r) = both.at(i);
            if is_latest(i) && t.is_in(r, REC, &["E11", "E12"]) {
                if let Some(a) = adopted.get_mut(child.index()) {
                    *a = true;
                }
            }
            if dropped.get(both.label(i)).copied() == Some(true) {
                continue;
            }
            let ends = t.date(r, DEC).or_else(|| is_latest(i).then_some(end));
            for dob in &dobs {
                paired = true;
                if blank {
                    continue;
                }
                let since =
                    |years: u32| match (ends, birthday(Some(*dob), years).max(t.date(r, DECOM))) {
                        (Some(to), Some(from)) => (to - from).num_days().max(0),
                        _ => 0,
                    };
                if let Some(total) = totals.get_mut(child.index()) {
                    let (t14, t16) = total.unwrap_or((0, 0));
                    *total = Some((t14 + since(14), t16 + since(16)));
                }
            }
        }
    }
    if !paired {
        return;
    }
    each_row(f, oc3, |r| {
        let child = oc3.child(r).index();
        let valid = !oc3.is_blank(r, crate::ssda903::tables::cols::oc3::CHILD)
            && totals
                .get(child)
                .copied()
                .flatten()
                .is_some_and(|(t14, t16)| t14 >= 91 && t16 >= 1);
        adopted.get(child).copied() == Some(true) || !valid
    });
}

/// 1007: Care leaver information is not required for 17- or 18-year olds who are still
/// looked after [on their 17th or 18th birthday.]
///
/// A care leaver aged 17 or 18 on 31 March with the items filled in, and an episode that
/// had begun by their last birthday and ended after it (an episode with no end does not
/// count). Someone born on 29 February has their birthday on 28 February in other years
/// (where the reference fails); unreadable episode dates are taken as blank (where it
/// fails too).
fn rule_1007(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{DEC, DECOM};
    let (t, e) = (c.this(Oc3), c.this(Episodes));
    let end = c.collection_end();
    each_row(f, t, |r| {
        let Some(dob) = t.date(r, DOB) else {
            return false;
        };
        let aged = birthday(Some(dob), 17).is_some_and(|d| d <= end)
            && birthday(Some(dob), 19).is_some_and(|d| d > end);
        if !aged || !has_outcomes(t, r) {
            return false;
        }
        let this_year = dob
            .with_year(end.year())
            .or_else(|| NaiveDate::from_ymd_opt(end.year(), 2, 28));
        let Some(last_birthday) = this_year.and_then(|b| {
            if b > end {
                b.checked_sub_months(Months::new(12))
            } else {
                Some(b)
            }
        }) else {
            return false;
        };
        e.rows_of(t.child(r)).any(|er| {
            matches!((e.date(er, DECOM), e.date(er, DEC)),
                (Some(from), Some(to)) if from <= last_birthday && to > last_birthday)
        })
    });
}

/// 1016: Care leaver information is not required for 17- or 18-year olds who cease to
/// be looked after, after their birthday.
///
/// Ages as the reference measures them: days to 31 March against numpy's years of
/// 365.2425 days. A care leaver aged 17 with an episode ending on or after their 17th
/// birthday, or aged 18 with one ending on or after their 18th, with the items filled in.
/// An unreadable date of birth counts as blank (where the reference fails).
fn rule_1016(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::DEC;
    /// numpy's `timedelta64(1, "Y")`, in seconds.
    const YEAR_SECONDS: i64 = 31_556_952;
    let (t, e) = (c.this(Oc3), c.this(Episodes));
    let end = c.collection_end();
    each_row(f, t, |r| {
        let Some(dob) = t.date(r, DOB) else {
            return false;
        };
        let seconds = (end - dob).num_days() * 86_400;
        let aged = |years: i64| seconds >= years * YEAR_SECONDS;
        let age = if aged(17) && !aged(18) {
            17
        } else if aged(18) && !aged(19) {
            18
        } else {
            return false;
        };
        let Some(since) = birthday(Some(dob), age) else {
            return false;
        };
        has_outcomes(t, r)
            && e.rows_of(t.child(r))
                .any(|er| e.date(er, DEC).is_some_and(|d| d >= since))
    });
}

/// 131: Data entry for being in touch after leaving care is invalid.
fn rule_131(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        !t.is_in(r, IN_TOUCH, &["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"])
    });
}

/// 153: All data items relating to a child's activity or accommodation after leaving
/// care must be coded or left blank.
fn rule_153(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        let present = [IN_TOUCH, ACTIV, ACCOM].map(|col| t.present(r, col));
        present.iter().any(|p| *p) && !present.iter().all(|p| *p)
    });
}

/// 344: The record shows the young person has died or returned home to live with
/// parent(s) or someone with parental responsibility for a continuous period of 6
/// months or more, but activity and/or accommodation on leaving care have been
/// completed.
fn rule_344(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        t.is_in(r, IN_TOUCH, &["DIED", "RHOM"])
            && (t.pd_str(r, ACTIV) != "0" || t.pd_str(r, ACCOM) != "0")
    });
}

/// 345: The data collection record shows the local authority is in touch with this
/// young person, but activity and/or accommodation data items are zero.
fn rule_345(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        t.is(r, IN_TOUCH, "YES") && (t.pd_str(r, ACTIV) == "0" || t.pd_str(r, ACCOM) == "0")
    });
}

/// 1002: This child has no previous episodes of care, therefore should not have care
/// leaver information recorded. [NOTE: This tool can only test the current and previous
/// year data loaded into the tool - this check may generate false positives if a child
/// had episodes prior to last year's collection.]
fn rule_1002(c: &Ctx<'_>, f: &mut Flags) {
    let (t, episodes, last) = (c.this(Oc3), c.this(Episodes), c.last(Episodes));
    each_row(f, t, |r| {
        !episodes.has_child(t.child(r)) && !last.has_child(t.child(r))
    });
}

/// 347: Care leaver's accommodation is recorded as 'T' (in custody?) ... (the reference:
/// ACCOM `T` for a care leaver under 18 at the start of the year, counting a year as
/// 365.2425 days).
///
/// Like the reference, nothing is flagged when any date of birth is unreadable (the
/// reference stops on it).
fn rule_347(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc3::DOB;
    let t = c.this(Oc3);
    if t.rows()
        .any(|r| t.present(r, DOB) && t.date(r, DOB).is_none())
    {
        return;
    }
    let start = c.collection_start();
    each_row(f, t, |r| {
        // 18 years of 365.2425 days is 6574.365 days.
        t.is(r, ACCOM, "T")
            && t.date(r, DOB)
                .is_some_and(|dob| (start - dob).num_days() <= 6574)
    });
}

/// 348: Care leaver recorded as having died last year but is recorded as something other
/// than died this year.
fn rule_348(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Oc3), c.last(Oc3));
    each_row(f, t, |r| {
        !t.is(r, IN_TOUCH, "DIED")
            && last
                .rows_of(t.child(r))
                .any(|l| last.is(l, IN_TOUCH, "DIED"))
    });
}

/// 1011: This child is recorded as having his/her care transferred to another local
/// authority for the final episode and therefore should not have the care leaver
/// information completed.
///
/// The final episode is the one with the latest start (the first of several on that day);
/// a child whose episodes have no readable start has none.
fn rule_1011(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes;
    let (t, e) = (c.this(Oc3), c.this(Episodes));
    each_row(f, t, |r| {
        let mut last: Option<(chrono::NaiveDate, usize)> = None;
        for er in e.rows_of(t.child(r)) {
            if let Some(decom) = e.date(er, episodes::DECOM) {
                if last.is_none_or(|(best, _)| decom > best) {
                    last = Some((decom, er));
                }
            }
        }
        last.is_some_and(|(_, er)| e.is(er, episodes::REC, "E3"))
            && [IN_TOUCH, ACTIV, ACCOM]
                .iter()
                .any(|col| t.present(r, *col))
    });
}

/// 132: Data entry for activity after leaving care is invalid.
fn rule_132(c: &Ctx<'_>, f: &mut Flags) {
    const CODES: &[&str] = &[
        "F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0",
    ];
    let t = c.this(Oc3);
    each_row(f, t, |r| !t.is_in(r, ACTIV, CODES));
}

/// 391: Young person was not 17 to 21 at the end of the year … but care leaver
/// information was completed (the reference checks only under 17).
fn rule_391(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc3::DOB;
    let t = c.this(Oc3);
    let end = c.collection_end();
    each_row(f, t, |r| {
        [IN_TOUCH, ACTIV, ACCOM]
            .iter()
            .any(|col| t.present(r, *col))
            && t.date(r, DOB)
                .and_then(|dob| dob.checked_add_months(chrono::Months::new(12 * 17)))
                .is_some_and(|d| d > end)
    });
}

/// 133: Data entry for accommodation after leaving care is invalid. If reporting on a
/// childs accommodation after leaving care the data entry must be valid
///
/// A blank is flagged too.
fn rule_133(c: &Ctx<'_>, f: &mut Flags) {
    const VALID: &[&str] = &[
        "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1",
        "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2",
        "0",
    ];
    let t = c.this(Oc3);
    each_row(f, t, |r| !t.is_in(r, ACCOM, VALID));
}

/// INT34: Internal Check: Child should only exist once in OC3.
fn rule_int34(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc3::CHILD;
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        t.present(r, CHILD) && t.rows_of(t.child(r)).len() > 1
    });
}

/// Whether the OC3 row has any care-leaver item.
fn any_leaver_item(t: &crate::ssda903::Table, r: usize) -> bool {
    [IN_TOUCH, ACTIV, ACCOM]
        .iter()
        .any(|col| t.present(r, *col))
}

/// 215: Child has care leaver information but one or more data items relating to
/// children looked after for 12 months have been completed.
///
/// Flags both the OC3 row and the child's OC2 row.
fn rule_215(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::oc2;
    const OUTCOMES: &[crate::ssda903::Col] = &[
        oc2::CONVICTED,
        oc2::HEALTH_CHECK,
        oc2::IMMUNISATIONS,
        oc2::TEETH_CHECK,
        oc2::HEALTH_ASSESSMENT,
        oc2::SUBSTANCE_MISUSE,
        oc2::INTERVENTION_RECEIVED,
        oc2::INTERVENTION_OFFERED,
    ];
    let (t, o) = (c.this(Oc3), c.this(crate::ssda903::TableName::Oc2));
    for r in t.rows() {
        if !any_leaver_item(t, r) {
            continue;
        }
        for or in o.rows_of(t.child(r)) {
            if OUTCOMES.iter().any(|col| o.present(or, *col)) {
                f.flag(t, r);
                f.flag(o, or);
            }
        }
    }
}

/// 1014: UASC information is not required for care leavers
///
/// A child in UASC and OC3 with episodes none of which falls in the year: flags the
/// child's OC3 rows with care-leaver items and, when there are any, its UASC rows.
fn rule_1014(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{CHILD, DEC, DECOM};
    let (t, e, u) = (
        c.this(Oc3),
        c.this(Episodes),
        c.this(crate::ssda903::TableName::Uasc),
    );
    let (start, end) = (c.collection_start(), c.collection_end());
    for (child, rows) in e.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| e.is_blank(r, CHILD)) || !u.has_child(child) {
            continue;
        }
        // Started by 31 March and ended from 1 April, or with no readable end.
        let in_year = rows().any(|r| {
            e.date(r, DECOM).is_some_and(|d| d <= end) && e.date(r, DEC).is_none_or(|d| d >= start)
        });
        if in_year {
            continue;
        }
        let mut any = false;
        for r in t.rows_of(child) {
            if any_leaver_item(t, r) {
                f.flag(t, r);
                any = true;
            }
        }
        if any {
            for r in u.rows_of(child) {
                f.flag(u, r);
            }
        }
    }
}

/// 3001: Where care leavers information is being returned for a young person around
/// their 17th birthday, the accommodation cannot be with their former foster carer(s).
fn rule_3001(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::header::DOB;
    use chrono::Months;
    let (t, h) = (c.this(Oc3), c.this(crate::ssda903::TableName::Header));
    let year = c.collection_start()..=c.collection_end();
    each_row(f, t, |r| {
        t.is_in(r, ACCOM, &["Z1", "Z2"])
            && h.rows_of(t.child(r)).any(|hr| {
                h.date(hr, DOB)
                    .and_then(|dob| dob.checked_add_months(Months::new(12 * 17)))
                    .is_some_and(|d| year.contains(&d))
            })
    });
}

/// 1010: This child has no episodes loaded for current year even though there was an
/// open episode of care at the end of the previous year, and care leaver data has been
/// entered.
///
/// Last year's final episode (latest start; of equal starts the last in the file) has
/// no end written. Every episode with a blank `CHILD` counts as some child's final one.
fn rule_1010(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{CHILD, DEC, DECOM};
    let (t, this, last) = (c.this(Oc3), c.this(Episodes), c.last(Episodes));
    let open_at_year_end = |child| {
        let mut rows = last
            .rows_of(child)
            .filter(|r| last.date(*r, DECOM).is_some())
            .peekable();
        let Some(first) = rows.peek().copied() else {
            return false;
        };
        if last.is_blank(first, CHILD) {
            return rows.any(|r| last.is_blank(r, DEC));
        }
        rows.max_by_key(|r| last.date(*r, DECOM))
            .is_some_and(|r| last.is_blank(r, DEC))
    };
    each_row(f, t, |r| {
        let child = t.child(r);
        !this.has_child(child) && open_at_year_end(child)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Oc3};

    pub(crate) const CASES: &[Case] = &[
        // All turned 16 on 1 June 2024. 1 was in care for a year from then; 2 left
        // before; 3 has no episodes; 4 was in care as 1 was, but was adopted.
        Case {
            rule: "1001",
            this: &[
                (Oc3, "CHILD\n1\n2\n3\n4"),
                (
                    crate::ssda903::TableName::Header,
                    "CHILD,DOB\n1,01/06/2008\n2,01/06/2008\n3,01/06/2008\n4,01/06/2008",
                ),
                (
                    Episodes,
                    "CHILD,DECOM,DEC,REC\n1,01/06/2024,01/06/2025,E13\n2,01/01/2024,01/02/2024,E13\n4,01/06/2024,01/06/2025,E11",
                ),
            ],
            last: &[(Episodes, "CHILD,DECOM,DEC,REC\n1,01/06/2024,01/06/2025,E13")],
            flagged: &["OC3:1", "OC3:2", "OC3:3"],
        },
        // 1 (17) was in care over their birthday on 1 June 2026; 2 (17) left the day
        // before; 3 (18) was in care over it but reports nothing; 4 is 20.
        Case {
            rule: "1007",
            this: &[
                (
                    Oc3,
                    "CHILD,DOB,IN_TOUCH\n1,01/06/2009,YES\n2,01/06/2009,YES\n3,01/06/2008,\n4,01/06/2006,YES",
                ),
                (
                    Episodes,
                    "CHILD,DECOM,DEC\n1,01/01/2026,01/07/2026\n2,01/01/2026,31/05/2026\n3,01/01/2026,01/07/2026\n4,01/01/2026,01/07/2026",
                ),
            ],
            last: &[],
            flagged: &["OC3:0"],
        },
        // 1 is 17 and left care after their 17th birthday, 2 before it; 3 is 18 and
        // left after their 18th; 4 is 19.
        Case {
            rule: "1016",
            this: &[
                (
                    Oc3,
                    "CHILD,DOB,ACTIV\n1,01/06/2009,F1\n2,01/06/2009,F1\n3,01/06/2008,F1\n4,01/03/2008,F1",
                ),
                (
                    Episodes,
                    "CHILD,DEC\n1,02/06/2026\n2,31/05/2026\n3,01/06/2026\n4,01/06/2026",
                ),
            ],
            last: &[],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case {
            rule: "131",
            this: &[(Oc3, "CHILD,IN_TOUCH\n1,MAYBE\n2,YES\n3,")],
            last: &[],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case {
            rule: "153",
            this: &[(
                Oc3,
                "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,YES,F1,\n2,YES,F1,B1\n3,,,",
            )],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "344",
            this: &[(
                Oc3,
                "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,DIED,F1,0\n2,DIED,0,0\n3,RHOM,,0",
            )],
            last: &[],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case {
            rule: "345",
            this: &[(Oc3, "CHILD,IN_TOUCH,ACTIV,ACCOM\n1,YES,0,B1\n2,YES,F1,B1")],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "1002",
            this: &[(Oc3, "CHILD\n1\n2\n3"), (Episodes, "CHILD\n2")],
            last: &[(Episodes, "CHILD\n3")],
            flagged: &["OC3:0"],
        },
        Case { rule: "347", this: &[(Oc3, "CHILD,DOB,ACCOM\n1,01/04/2008,T\n2,31/03/2008,T\n3,02/04/2008,B1")], last: &[], flagged: &["OC3:0"] },
        Case {
            rule: "348",
            this: &[(Oc3, "CHILD,IN_TOUCH\n1,YES\n2,DIED\n3,YES")],
            last: &[(Oc3, "CHILD,IN_TOUCH\n1,DIED\n2,DIED\n3,NO")],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "1011",
            this: &[(Oc3, "CHILD,IN_TOUCH\n1,YES\n2,YES\n3,"), (Episodes, "CHILD,DECOM,REC\n1,01/01/2026,X1\n1,01/02/2026,E3\n2,01/02/2026,E3\n2,01/03/2026,E4A\n3,01/01/2026,E3")],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case { rule: "132", this: &[(Oc3, "CHILD,ACTIV\n1,F3\n2,F1\n3,\n4,0")], last: &[], flagged: &["OC3:0", "OC3:2"] },
        Case {
            rule: "1000",
            this: &[(Oc3, "CHILD\n1\n2\n3"), (Episodes, "CHILD,REC\n1,E2\n2,E3\n3,E3")],
            last: &[(Episodes, "CHILD,REC\n3,E2")],
            flagged: &["OC3:0", "OC3:2"],
        },
        Case { rule: "391", this: &[(Oc3, "CHILD,DOB,IN_TOUCH\n1,01/04/2010,YES\n2,31/03/2010,YES\n3,01/04/2010,")], last: &[], flagged: &["OC3:0"] },
        Case { rule: "133", this: &[(Oc3, "CHILD,ACCOM\n1,S1\n2,S2\n3,")], last: &[], flagged: &["OC3:0", "OC3:2"] },
        Case { rule: "INT34", this: &[(Oc3, "CHILD\n1\n1\n2\n\n")], last: &[], flagged: &["OC3:0", "OC3:1"] },
        Case {
            rule: "215",
            this: &[(Oc3, "CHILD,IN_TOUCH\n1,YES\n2,YES\n3,"), (crate::ssda903::TableName::Oc2, "CHILD,CONVICTED\n1,0\n2,\n3,1")],
            last: &[],
            flagged: &["OC2:0", "OC3:0"],
        },
        Case {
            rule: "1014",
            this: &[
                (Oc3, "CHILD,IN_TOUCH\n1,YES\n2,YES\n3,YES"),
                (Episodes, "CHILD,DECOM,DEC\n1,01/01/2025,01/02/2025\n2,01/01/2025,\n3,01/01/2025,01/02/2025"),
                (crate::ssda903::TableName::Uasc, "CHILD\n1\n2"),
            ],
            last: &[],
            flagged: &["UASC:0", "OC3:0"],
        },
        Case {
            rule: "3001",
            this: &[(Oc3, "CHILD,ACCOM\n1,Z1\n2,Z1\n1,B1"), (crate::ssda903::TableName::Header, "CHILD,DOB\n1,01/04/2009\n2,31/03/2009")],
            last: &[],
            flagged: &["OC3:0"],
        },
        Case {
            rule: "1010",
            this: &[(Oc3, "CHILD\n1\n2\n3"), (Episodes, "CHILD\n3")],
            last: &[(Episodes, "CHILD,DECOM,DEC\n1,01/01/2025,01/02/2025\n1,01/02/2025,\n2,01/01/2025,\n2,01/02/2025,01/03/2025\n3,01/01/2025,")],
            flagged: &["OC3:0"],
        },
    ];

    #[test]
    fn oc3_rules() {
        check(CASES);
    }
}
