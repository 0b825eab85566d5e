//! Rules reading a child's episodes in order: each episode against the one before it,
//! and this year's first episode against the episode left open at the end of last
//! year's return. They flag rows of this year's Episodes table.
//!
//! "In order" is the reference's order: by start date, rows with the same start in file
//! order, rows whose start is blank or unreadable last. "First" and "last" episode are
//! its `idxmin`/`idxmax` of the start date (the first row among equal dates); where a
//! child has no readable start date the reference raises, so such inputs are never
//! compared.

use chrono::NaiveDate;

use super::numpy_sort::argsort;
use super::{first_earliest, first_latest, sort_by_date, BothYears, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::episodes::{
    CHILD, CIN, DEC, DECOM, LS, PLACE, PLACE_PROVIDER, REASON_PLACE_CHANGE, REC, RNE, URN,
};
use crate::ssda903::tables::Col;
use crate::ssda903::Table;
use crate::ssda903::TableName::Episodes;

const EPISODES: &[Need] = &[Need::This(Episodes)];
const BOTH_YEARS: &[Need] = &[Need::This(Episodes), Need::Last(Episodes)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "199",
        needs: EPISODES,
        run: rule_199,
    },
    Rule {
        code: "562",
        needs: BOTH_YEARS,
        run: rule_562,
    },
    Rule {
        code: "388",
        needs: EPISODES,
        run: rule_388,
    },
    Rule {
        code: "302",
        needs: &[
            Need::This(Episodes),
            Need::This(crate::ssda903::TableName::Header),
        ],
        run: rule_302,
    },
    Rule {
        code: "357",
        needs: EPISODES,
        run: rule_357,
    },
    Rule {
        code: "383",
        needs: EPISODES,
        run: rule_383,
    },
    Rule {
        code: "431",
        needs: EPISODES,
        run: rule_431,
    },
    Rule {
        code: "432",
        needs: EPISODES,
        run: rule_432,
    },
    Rule {
        code: "433",
        needs: EPISODES,
        run: rule_433,
    },
    Rule {
        code: "434",
        needs: EPISODES,
        run: rule_434,
    },
    Rule {
        code: "435",
        needs: EPISODES,
        run: rule_435,
    },
    Rule {
        code: "436",
        needs: EPISODES,
        run: rule_436,
    },
    Rule {
        code: "437",
        needs: EPISODES,
        run: rule_437,
    },
    Rule {
        code: "142",
        needs: EPISODES,
        run: rule_142,
    },
    Rule {
        code: "501",
        needs: EPISODES,
        run: rule_501,
    },
    Rule {
        code: "502",
        needs: BOTH_YEARS,
        run: rule_502,
    },
    Rule {
        code: "503A",
        needs: BOTH_YEARS,
        run: rule_503a,
    },
    Rule {
        code: "503B",
        needs: BOTH_YEARS,
        run: rule_503b,
    },
    Rule {
        code: "503C",
        needs: BOTH_YEARS,
        run: rule_503c,
    },
    Rule {
        code: "503D",
        needs: BOTH_YEARS,
        run: rule_503d,
    },
    Rule {
        code: "503E",
        needs: BOTH_YEARS,
        run: rule_503e,
    },
    Rule {
        code: "503F",
        needs: BOTH_YEARS,
        run: rule_503f,
    },
    Rule {
        code: "225",
        needs: EPISODES,
        run: rule_225,
    },
    Rule {
        code: "226",
        needs: EPISODES,
        run: rule_226,
    },
    Rule {
        code: "504",
        needs: EPISODES,
        run: rule_504,
    },
    Rule {
        code: "336",
        needs: EPISODES,
        run: rule_336,
    },
    Rule {
        code: "NoE",
        needs: BOTH_YEARS,
        run: rule_noe,
    },
    Rule {
        code: "361",
        needs: EPISODES,
        run: rule_361,
    },
    Rule {
        code: "362",
        needs: EPISODES,
        run: rule_362,
    },
    Rule {
        code: "363",
        needs: EPISODES,
        run: rule_363,
    },
    Rule {
        code: "364",
        needs: EPISODES,
        run: rule_364,
    },
];

/// Calls `each(previous, current)` for every pair of consecutive episodes of every
/// child (children with a blank `CHILD` are never paired: the reference compares
/// `CHILD` with the previous row's, and blank is not equal to blank).
fn consecutive(t: &Table, mut each: impl FnMut(usize, usize)) {
    in_order(
        t,
        |t, rows, order| sort_by_date(t, DECOM, rows, order),
        |order| {
            for pair in order.windows(2) {
                each(pair[0], pair[1]);
            }
        },
    );
}

/// Calls `each` with each child's episodes (not those of a blank `CHILD`) put in order
/// by `sort`, in one buffer reused from child to child.
fn in_order(
    t: &Table,
    sort: impl Fn(&Table, &[u32], &mut Vec<usize>),
    mut each: impl FnMut(&[usize]),
) {
    let mut order = Vec::new();
    for (_, rows) in t.by_child() {
        if rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        sort(t, rows, &mut order);
        each(&order);
    }
}

/// 142: A new episode has started, but the previous episode has not ended.
///
/// Every episode with a start date but no (readable) end or no reason ended, other than
/// the child's latest; when any of the child's episodes has no readable start, the
/// reference counts that one as the latest, so none of the dated ones is spared. Of
/// episodes sharing the latest start the last in the file is spared.
fn rule_142(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    for (_, rows) in t.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| t.is_blank(r, CHILD)) {
            continue;
        }
        let latest = if rows().any(|r| t.date(r, DECOM).is_none()) {
            None
        } else {
            rows().max_by_key(|r| t.date(*r, DECOM))
        };
        for r in rows() {
            if Some(r) != latest
                && t.date(r, DECOM).is_some()
                && (t.date(r, DEC).is_none() || t.is_blank(r, REC))
            {
                f.flag(t, r);
            }
        }
    }
}

/// 501: A new episode has started before the end date of the previous episode.
fn rule_501(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        if matches!((t.date(cur, DECOM), t.date(prev, DEC)), (Some(start), Some(end)) if start < end)
        {
            f.flag(t, cur);
        }
    });
}

/// 502: Last year's record ended with an open episode. The date on which that episode
/// started does not match the start date of the first episode on this year’s record.
///
/// Open means a blank end date as written; a last-year start that cannot be read never
/// matches.
fn rule_502(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Episodes), c.last(Episodes));
    for (child, rows) in t.by_child() {
        let Some(first) = first_earliest(t, DECOM, rows) else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        let start = t.date(first, DECOM);
        if last
            .rows_of(child)
            .any(|lr| last.is_blank(lr, DEC) && last.date(lr, DECOM) != start)
        {
            f.flag(t, first);
        }
    }
}

/// 199: Episode information shows child has been previously adopted from care.
///
/// This year's and last year's episodes (when supplied) with a readable start, in order
/// of start as the reference's unstable sort leaves them (see [`super::numpy_sort`]),
/// counting each child's adoptions (ended E11 or E12) so far: this year's episodes are
/// flagged once the count is above zero, except the first adoption itself.
fn rule_199(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Episodes), c.last(Episodes));
    let both = BothYears::new(t, last);
    let dated: Vec<(u32, NaiveDate)> = (0..both.len())
        .zip(0u32..)
        .filter_map(|(_, i)| both.date(i, DECOM).map(|d| (i, d)))
        .collect();
    let at = |k: u32| dated.get(k as usize).copied();
    let mut adoptions = vec![0u32; c.ret.children().len()];
    for k in argsort(dated.len(), |a, b| at(a).map(|x| x.1) < at(b).map(|x| x.1)) {
        let Some((i, _)) = at(k) else {
            continue;
        };
        let (table, r) = both.at(i);
        if table.is_blank(r, CHILD) {
            continue;
        }
        let adopted = table.is_in(r, REC, &["E11", "E12"]);
        let Some(count) = adoptions.get_mut(table.child(r).index()) else {
            continue;
        };
        *count += u32::from(adopted);
        if both.is_this_year(i) && *count > 0 && !(adopted && *count == 1) {
            f.flag(t, r);
        }
    }
}

/// 562: Episode commenced before the start of the current collection year but there is
/// a missing continuous episode in the previous year.
///
/// Of a child's episodes starting before 1 April, the first with the earliest start is
/// flagged unless it starts on the day last year's latest episode (the first with the
/// latest readable start) started.
fn rule_562(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Episodes), c.last(Episodes));
    let start = c.collection_start();
    let (mut before, mut last_rows) = (Vec::new(), Vec::new());
    for (child, rows) in t.by_child() {
        before.clear();
        before.extend(
            rows.iter()
                .copied()
                .filter(|r| t.date(*r as usize, DECOM).is_some_and(|d| d < start)),
        );
        let Some(first) = first_earliest(t, DECOM, &before) else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        last_rows.clear();
        last_rows.extend(
            last.rows_of(child)
                .map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        );
        let latest = first_latest(last, DECOM, &last_rows).and_then(|lr| last.date(lr, DECOM));
        if latest != t.date(first, DECOM) {
            f.flag(t, first);
        }
    }
}

/// 388: Reason episode ceased is coded new episode begins, but there is no continuation
/// episode.
///
/// A child's episodes in order of start (an unreadable start counts as 1 January 1901),
/// rows with the same start in file order. An episode followed by another is flagged
/// when it ended X1 on another day than the next began, or ended otherwise on the day
/// the next began; the child's last episode when it ended X1. Episodes with a blank
/// `CHILD` are never anyone's last, and have no next.
fn rule_388(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let long_ago = NaiveDate::from_ymd_opt(1901, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut order: Vec<usize> = Vec::new();
    for (_, rows) in t.by_child() {
        order.clear();
        order.extend(rows.iter().map(|r| *r as usize));
        order.sort_by_key(|r| t.date(*r, DECOM).unwrap_or(long_ago));
        let blank_child = order.first().is_some_and(|r| t.is_blank(*r, CHILD));
        for (i, &r) in order.iter().enumerate() {
            let next = order.get(i + 1).filter(|_| !blank_child);
            let Some(dec) = t.date(r, DEC) else {
                continue;
            };
            let x1 = t.is(r, REC, "X1");
            let breaks = match next {
                Some(&n) => {
                    let next_start = t.date(n, DECOM).unwrap_or(long_ago);
                    if x1 {
                        dec != next_start
                    } else {
                        t.present(r, REC) && dec == next_start
                    }
                }
                None => x1 && !blank_child,
            };
            if breaks {
                f.flag(t, r);
            }
        }
    }
}

/// This year's first episode of each child whose `col` differs (as written) from that of
/// last year's latest episode, when that one had no readable end date.
fn differs_from_last_year(c: &Ctx<'_>, f: &mut Flags, col: Col) {
    let (t, last) = (c.this(Episodes), c.last(Episodes));
    let mut latest_last: Vec<Option<usize>> = vec![None; last.by_child_start.len()];
    for (child, rows) in last.by_child() {
        if let Some(slot) = latest_last.get_mut(child.index()) {
            *slot = first_latest(last, DECOM, rows);
        }
    }
    for (child, rows) in t.by_child() {
        let Some(first) = first_earliest(t, DECOM, rows) else {
            continue;
        };
        let Some(Some(open)) = latest_last.get(child.index()).copied() else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        if last.date(open, DEC).is_none() && t.text(first, col) != last.text(open, col) {
            f.flag(t, first);
        }
    }
}

/// 503A: The reason for new episode in the first episode does not match open episode at
/// end of last year.
fn rule_503a(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, RNE);
}

/// 503B: The legal status in the first episode does not match open episode at end of
/// last year.
fn rule_503b(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, LS);
}

/// 503C: The category of need in the first episode does not match open episode at end
/// of last year.
fn rule_503c(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, CIN);
}

/// 503D: The placement type in the first episode does not match open episode at end of
/// last year.
fn rule_503d(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, PLACE);
}

/// 503E: The placement provider in the first episode does not match open episode at end
/// of last year.
fn rule_503e(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, PLACE_PROVIDER);
}

/// 503F: The Ofsted URN in the first episode does not match open episode at end of last
/// year.
fn rule_503f(c: &Ctx<'_>, f: &mut Flags) {
    differs_from_last_year(c, f, URN);
}

/// 504: The category of need code differs from that reported at start of current period
/// of being looked after
///
/// An episode continuing the one before it (which ended `X1` on the day this one
/// started) with a different category of need; a blank category differs from any.
fn rule_504(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        let continues = t.is(prev, REC, "X1")
            && t.date(prev, DEC).is_some()
            && t.date(prev, DEC) == t.date(cur, DECOM);
        let same_need = t.present(cur, CIN) && t.text(cur, CIN) == t.text(prev, CIN);
        if continues && !same_need {
            f.flag(t, cur);
        }
    });
}

/// Temporary placements.
const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];

/// 225: Reason for placement change must be recorded.
///
/// Flags an episode ended `X1` with no reason for the placement change, not temporary,
/// followed by a non-temporary episode that changes placement (`RNE` P, B, T or U).
fn rule_225(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        if t.is(prev, REC, "X1")
            && t.is_blank(prev, REASON_PLACE_CHANGE)
            && !t.is_in(prev, PLACE, TEMPORARY)
            && t.is_in(cur, RNE, &["P", "B", "T", "U"])
            && !t.is_in(cur, PLACE, TEMPORARY)
        {
            f.flag(t, prev);
        }
    });
}

/// 226: Reason for placement change is not required for temporary placements.
///
/// A temporary placement with a reason, or whose previous episode has one.
fn rule_226(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    for r in t.rows() {
        if t.is_in(r, PLACE, TEMPORARY) && t.present(r, REASON_PLACE_CHANGE) {
            f.flag(t, r);
        }
    }
    consecutive(t, |prev, cur| {
        if t.is_in(cur, PLACE, TEMPORARY) && t.present(prev, REASON_PLACE_CHANGE) {
            f.flag(t, cur);
        }
    });
}

/// 302: First episode starts before child was born.
///
/// The child's first episode (earliest start), and each Header row of the child whose
/// date of birth is after that start.
fn rule_302(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::header::DOB;
    let (t, h) = (c.this(Episodes), c.this(crate::ssda903::TableName::Header));
    for (child, rows) in t.by_child() {
        let Some(first) = first_earliest(t, DECOM, rows) else {
            continue;
        };
        if t.is_blank(first, CHILD) {
            continue;
        }
        let start = t.date(first, DECOM);
        for hr in h.rows_of(child) {
            if matches!((h.date(hr, DOB), start), (Some(dob), Some(start)) if dob > start) {
                f.flag(t, first);
                f.flag(h, hr);
            }
        }
    }
}

/// 357: If this is the first episode ever for this child, reason for new episode must
/// be S. Check whether there is an episode immediately preceding this one, which has
/// been left out. If not the reason for new episode code must be amended to S.
///
/// Only first episodes starting this year are checked.
fn rule_357(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let start = c.collection_start();
    for (_, rows) in t.by_child() {
        let Some(first) = first_earliest(t, DECOM, rows) else {
            continue;
        };
        if t.present(first, CHILD)
            && t.date(first, DECOM).is_some_and(|d| d >= start)
            && !t.is(first, RNE, "S")
        {
            f.flag(t, first);
        }
    }
}

/// 383: A child in a temporary placement must subsequently return to his/her normal
/// placement.
///
/// The episode after a temporary one must change placement (`RNE` P) back to the
/// placement and postcode of the episode before it (blank never matches). Starts are
/// read day first here.
fn rule_383(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::PL_POST;
    let t = c.this(Episodes);
    let sort = |t: &Table, rows: &[u32], order: &mut Vec<usize>| {
        order.clear();
        order.extend(rows.iter().map(|r| *r as usize));
        order.sort_by_key(|r| {
            let date = t.text(*r, DECOM).and_then(crate::ssda903::parse_dayfirst);
            (date.is_none(), date)
        });
    };
    in_order(t, sort, |order| {
        for w in order.windows(3) {
            let (before, temporary, cur) = (w[0], w[1], w[2]);
            let same = |col| t.present(cur, col) && t.text(cur, col) == t.text(before, col);
            if t.is_in(temporary, PLACE, TEMPORARY)
                && (!t.is(cur, RNE, "P") || !same(PLACE) || !same(PL_POST))
            {
                f.flag(t, cur);
            }
        }
    });
}

/// 431: The reason for new episode is started to be looked after, but the previous
/// episode ended on the same day.
fn rule_431(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        if t.is(cur, RNE, "S")
            && matches!((t.date(cur, DECOM), t.date(prev, DEC)), (Some(s), Some(e)) if s <= e)
        {
            f.flag(t, cur);
        }
    });
}

/// 432: The child ceased to be looked after at the end of the previous episode but the
/// reason for the new episode is not started to be looked after.
fn rule_432(c: &Ctx<'_>, f: &mut Flags) {
    const CEASED: &[&str] = &[
        "E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13", "E14", "E15",
        "E16", "E17", "E41", "E45", "E46", "E47", "E48",
    ];
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        if t.is_in(prev, REC, CEASED) && !t.is(cur, RNE, "S") {
            f.flag(t, cur);
        }
    });
}

/// 433: The reason for new episode suggests that this is a continuation episode, but the
/// episode does not start on the same day as the last episode finished.
///
/// Episodes are ordered by start then end here; the dates are compared as written.
fn rule_433(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let sort = |t: &Table, rows: &[u32], order: &mut Vec<usize>| {
        order.clear();
        order.extend(rows.iter().map(|r| *r as usize));
        order.sort_by_key(|r| {
            let (start, end) = (t.date(*r, DECOM), t.date(*r, DEC));
            (start.is_none(), start, end.is_none(), end)
        });
    };
    in_order(t, sort, |order| {
        for pair in order.windows(2) {
            let (prev, cur) = (pair[0], pair[1]);
            let continues = t.present(cur, DECOM) && t.text(prev, DEC) == t.text(cur, DECOM);
            if t.is_in(cur, RNE, &["P", "L", "T", "U", "B"]) && !continues {
                f.flag(t, cur);
            }
        }
    });
}

/// Whether the placement (type, postcode, URN, provider) is written the same in both
/// episodes; `blank_matches` says whether two blanks are the same.
fn same_placement(t: &Table, a: usize, b: usize, blank_matches: bool) -> bool {
    use crate::ssda903::tables::cols::episodes::PL_POST;
    [PLACE, PL_POST, URN, PLACE_PROVIDER]
        .iter()
        .all(|col| t.text(a, *col) == t.text(b, *col) && (blank_matches || t.present(a, *col)))
}

/// 434: Reason for new episode is that child's legal status has changed but not the
/// placement, but this is not reflected in the episode data.
fn rule_434(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        let same_status = t.present(cur, LS) && t.text(cur, LS) == t.text(prev, LS);
        if t.is(cur, RNE, "L") && (same_status || !same_placement(t, cur, prev, true)) {
            f.flag(t, cur);
        }
    });
}

/// 435: Reason for new episode is that child’s placement has changed but not the legal
/// status, but this is not reflected in the episode data recorded.
fn rule_435(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        let same_status = t.present(cur, LS) && t.text(cur, LS) == t.text(prev, LS);
        if t.is_in(cur, RNE, &["P", "T"]) && (!same_status || same_placement(t, cur, prev, false)) {
            f.flag(t, cur);
        }
    });
}

/// 436: Reason for new episode is that both child’s placement and legal status have
/// changed, but this is not reflected in the episode data.
///
/// Here two blanks are the same.
fn rule_436(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, cur| {
        if t.is_in(cur, RNE, &["U", "B"])
            && (t.text(cur, LS) == t.text(prev, LS) || same_placement(t, cur, prev, true))
        {
            f.flag(t, cur);
        }
    });
}

/// 437: Reason episode ceased is child has died or is aged 18 or over but there are
/// further episodes.
///
/// An episode with a start date, ended E2 or E15, that is not the child's last (an
/// episode with no readable start counts as later).
fn rule_437(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    consecutive(t, |prev, _| {
        if t.date(prev, DECOM).is_some() && t.is_in(prev, REC, &["E2", "E15"]) {
            f.flag(t, prev);
        }
    });
}

/// 336: Child does not have a foster placement immediately prior to being placed for
/// adoption.
///
/// An A3 or A4 placement after an episode not in foster care or placed for adoption
/// (A3–A6, U1–U6); the child's first episode is exempt, but an episode with a blank
/// `CHILD` has no previous one and is flagged.
fn rule_336(c: &Ctx<'_>, f: &mut Flags) {
    const BEFORE: &[&str] = &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    let t = c.this(Episodes);
    for r in t.rows() {
        if t.is_blank(r, CHILD) && t.is_in(r, PLACE, &["A3", "A4"]) {
            f.flag(t, r);
        }
    }
    consecutive(t, |prev, cur| {
        if t.is_in(cur, PLACE, &["A3", "A4"]) && !t.is_in(prev, PLACE, BEFORE) {
            f.flag(t, cur);
        }
    });
}

/// NoE: This child has no episodes loaded for previous year even though child started
/// to be looked after before this current year.
fn rule_noe(c: &Ctx<'_>, f: &mut Flags) {
    let (t, last) = (c.this(Episodes), c.last(Episodes));
    let start = c.collection_start();
    for r in t.rows() {
        if t.date(r, DECOM).is_some_and(|d| d < start) && !last.has_child(t.child(r)) {
            f.flag(t, r);
        }
    }
}

/// Episodes under legal status `ls` in runs lasting more than `days` days, as rules 361
/// and 362 read them.
///
/// All episodes are put in order (children by identifier, blank last; each child's by
/// start), an end that is blank or cannot be read counting as 31 March. Among the `ls` episodes in that order, one
/// continues the run of the `ls` episode before it when that episode ended the day its
/// next episode (of any status, same child) started, even if the next was not `ls`.
/// A run (per child) is too long when its last end is more than `days` after its first
/// start. The reference then finds the run's rows again by the text of the child's
/// identifier followed by the run's number, which this reproduces, collisions
/// included.
fn legal_status_flows_longer(c: &Ctx<'_>, f: &mut Flags, ls: &str, days: i64) {
    use std::fmt::Write;
    let t = c.this(Episodes);
    let end = c.collection_end();
    let names = c.ret.children();
    let mut children: Vec<(crate::ssda903::ChildId, &[u32])> = t.by_child().collect();
    children.sort_by(|a, b| {
        let blank = |rows: &[u32]| rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD));
        (blank(a.1), names.name(a.0)).cmp(&(blank(b.1), names.name(b.0)))
    });
    let mut order: Vec<usize> = Vec::with_capacity(t.len());
    let mut buffer = Vec::new();
    for (_, rows) in &children {
        sort_by_date(t, DECOM, rows, &mut buffer);
        order.extend_from_slice(&buffer);
    }
    // The reference fills every end it cannot read, blank or not, with 31 March.
    let dec = |r: usize| Some(t.date(r, DEC).unwrap_or(end));
    // (row, run number) of each `ls` episode, and each run's span per child.
    let mut runs: Vec<(usize, u32)> = Vec::new();
    let mut run = 0u32;
    let mut previous_flows = false;
    for (i, &r) in order.iter().enumerate() {
        if !t.is(r, LS, ls) {
            continue;
        }
        if !previous_flows {
            run += 1;
        }
        runs.push((r, run));
        previous_flows = order.get(i + 1).is_some_and(|&next| {
            t.present(r, CHILD)
                && t.child(r) == t.child(next)
                && dec(r).is_some()
                && dec(r) == t.date(next, DECOM)
        });
    }
    type Span = (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>);
    let mut spans: rustc_hash::FxHashMap<(crate::ssda903::ChildId, u32), Span> =
        rustc_hash::FxHashMap::default();
    for &(r, run) in &runs {
        if t.is_blank(r, CHILD) {
            continue;
        }
        let key = (t.child(r), run);
        let (start, stop) = (t.date(r, DECOM), dec(r));
        match spans.get_mut(&key) {
            Some((first, last)) => {
                *first = match (*first, start) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                *last = match (*last, stop) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            None => {
                spans.insert(key, (start, stop));
            }
        }
    }
    let key_text = |child: crate::ssda903::ChildId, blank: bool, run: u32, out: &mut String| {
        out.clear();
        out.push_str(if blank { "nan" } else { names.name(child) });
        let _ = write!(out, "{run}");
    };
    let mut long: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for ((child, run), (first, last)) in &spans {
        if let (Some(first), Some(last)) = (first, last) {
            if (*last - *first).num_days() > days {
                let mut key = String::new();
                key_text(*child, false, *run, &mut key);
                long.insert(key);
            }
        }
    }
    let mut key = String::new();
    for &(r, run) in &runs {
        key_text(t.child(r), t.is_blank(r, CHILD), run, &mut key);
        if long.contains(&key) {
            f.flag(t, r);
        }
    }
}

/// 361: Police protection legal status lasted longer than maximum 72 hours allowed in
/// the Children Act 1989.
fn rule_361(c: &Ctx<'_>, f: &mut Flags) {
    legal_status_flows_longer(c, f, "L1", 3);
}

/// 362: Emergency protection order (EPO) lasted longer than 21 days
fn rule_362(c: &Ctx<'_>, f: &mut Flags) {
    legal_status_flows_longer(c, f, "L2", 21);
}

/// Episodes under legal status `ls` in runs lasting more than `days` days in all, as
/// rules 363 and 364 read them: the `ls` episodes with a readable start, in file order;
/// an episode starts a new run unless it is the same child's as the one before and
/// starts on or before its end. A run's length is the sum of its episodes' lengths (an
/// open end counting as 31 March, an unreadable one as nothing).
fn legal_status_runs_longer(c: &Ctx<'_>, f: &mut Flags, ls: &str, days: i64) {
    let t = c.this(Episodes);
    let end = c.collection_end();
    let mut run: Vec<usize> = Vec::new();
    let mut total = 0i64;
    let mut previous: Option<usize> = None;
    let close = |run: &mut Vec<usize>, total: i64, f: &mut Flags| {
        if total > days {
            for r in run.iter() {
                f.flag(t, *r);
            }
        }
        run.clear();
    };
    for r in t.rows() {
        if !t.is(r, LS, ls) {
            continue;
        }
        let Some(start) = t.date(r, DECOM) else {
            continue;
        };
        let stop = if t.is_blank(r, DEC) {
            Some(end)
        } else {
            t.date(r, DEC)
        };
        let continues = previous.is_some_and(|p| {
            t.present(r, CHILD)
                && t.child(p) == t.child(r)
                && !matches!(
                    (Some(start), if t.is_blank(p, DEC) { Some(end) } else { t.date(p, DEC) }),
                    (Some(s), Some(e)) if s > e
                )
        });
        if !continues {
            close(&mut run, total, f);
            total = 0;
        }
        run.push(r);
        total += stop.map_or(0, |s| (s - start).num_days());
        previous = Some(r);
    }
    close(&mut run, total, f);
}

/// 363: Child assessment order (CAO) lasted longer than 7 days allowed in the Children
/// Act 1989.
fn rule_363(c: &Ctx<'_>, f: &mut Flags) {
    legal_status_runs_longer(c, f, "L3", 7);
}

/// 364: Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the
/// time a child can be detained in custody in Local Authority (LA) accommodation.
fn rule_364(c: &Ctx<'_>, f: &mut Flags) {
    legal_status_runs_longer(c, f, "J2", 21);
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Episodes;

    pub(crate) const CASES: &[Case] = &[
        // 1 was adopted last year and is back in care; 2 is adopted this year (not
        // flagged) and has a later episode; 3 was never adopted.
        Case {
            rule: "199",
            this: &[(
                Episodes,
                "CHILD,DECOM,REC\n1,01/05/2026,\n2,01/05/2026,E11\n2,01/09/2026,\n3,01/05/2026,E13",
            )],
            last: &[(Episodes, "CHILD,DECOM,REC\n1,01/05/2025,E12")],
            flagged: &["Episodes:0", "Episodes:2"],
        },
        // 1's first episode before April began when last year's latest did; 2's did
        // not (last year's latest is the later one); 3 began this year.
        Case {
            rule: "562",
            this: &[(
                Episodes,
                "CHILD,DECOM\n1,01/05/2026\n1,01/02/2026\n2,01/01/2026\n3,01/05/2026",
            )],
            last: &[(
                Episodes,
                "CHILD,DECOM\n1,01/10/2025\n1,01/02/2026\n2,01/01/2026\n2,01/03/2026",
            )],
            flagged: &["Episodes:2"],
        },
        // 1: X1 but the next began a day later; the last ended X1. 2: ended E11 the
        // day the next began (in file order, after an unreadable start). 3: a proper
        // X1 chain ending E11.
        Case {
            rule: "388",
            this: &[(
                Episodes,
                "CHILD,DECOM,DEC,REC\n1,01/05/2026,01/06/2026,X1\n1,02/06/2026,01/07/2026,X1\n2,xx,01/05/2026,E11\n2,01/05/2026,,\n3,01/05/2026,01/06/2026,X1\n3,01/06/2026,01/07/2026,E11",
            )],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1", "Episodes:2"],
        },
        Case {
            rule: "142",
            this: &[(Episodes, "CHILD,DECOM,DEC,REC\n1,01/04/2026,,\n1,01/05/2026,,\n2,01/04/2026,01/05/2026,X1\n2,01/05/2026,,\n3,01/04/2026,,\n3,bad,,")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:4"],
        },
        Case {
            rule: "501",
            this: &[(Episodes, "CHILD,DECOM,DEC\n1,01/05/2026,\n1,01/04/2026,02/05/2026\n2,01/04/2026,01/05/2026\n2,01/05/2026,")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "502",
            this: &[(Episodes, "CHILD,DECOM\n1,01/04/2026\n1,01/05/2026\n2,01/03/2026\n3,01/04/2026")],
            last: &[(Episodes, "CHILD,DECOM,DEC\n1,01/03/2026,\n2,01/03/2026,\n3,01/03/2026,01/04/2026")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503A",
            this: &[(Episodes, "CHILD,DECOM,RNE\n1,01/03/2026,P\n1,01/05/2026,S\n2,01/03/2026,S\n3,01/03/2026,P")],
            last: &[(Episodes, "CHILD,DECOM,DEC,RNE\n1,01/03/2026,,S\n2,01/03/2026,,S\n3,01/03/2026,31/03/2026,S")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503B",
            this: &[(Episodes, "CHILD,DECOM,LS\n1,01/03/2026,C2\n2,01/03/2026,C1")],
            last: &[(Episodes, "CHILD,DECOM,LS\n1,01/03/2026,C1\n2,01/03/2026,C1")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503C",
            this: &[(Episodes, "CHILD,DECOM,CIN\n1,01/03/2026,\n2,01/03/2026,N1")],
            last: &[(Episodes, "CHILD,DECOM,CIN\n1,01/03/2026,N1\n2,01/03/2026,N1")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503D",
            this: &[(Episodes, "CHILD,DECOM,PLACE\n1,01/03/2026,Z11\n2,01/03/2026,U1")],
            last: &[(Episodes, "CHILD,DECOM,PLACE\n1,01/03/2026,Z1\n2,01/02/2026,U2\n2,01/03/2026,U1")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503E",
            this: &[(Episodes, "CHILD,DECOM,PLACE_PROVIDER\n1,01/03/2026,PR1\n2,01/03/2026,PR2")],
            last: &[(Episodes, "CHILD,DECOM,PLACE_PROVIDER\n1,01/03/2026,PR2\n2,01/03/2026,PR2")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "503F",
            this: &[(Episodes, "CHILD,DECOM,URN\n1,01/03/2026,SC1\n2,01/03/2026,")],
            last: &[(Episodes, "CHILD,DECOM,URN\n1,01/03/2026,\n2,01/03/2026,")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "225",
            this: &[(Episodes, "CHILD,DECOM,REC,REASON_PLACE_CHANGE,PLACE,RNE\n1,01/04/2026,X1,,U1,S\n1,01/05/2026,,,U2,P\n2,01/04/2026,X1,CARPL,U1,S\n2,01/05/2026,,,U2,P\n3,01/04/2026,X1,,U1,S\n3,01/05/2026,,,T1,P")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "226",
            this: &[(Episodes, "CHILD,DECOM,PLACE,REASON_PLACE_CHANGE\n1,01/05/2026,T1,\n1,01/04/2026,U1,CARPL\n2,01/04/2026,T1,CARPL\n3,01/04/2026,U1,\n3,01/05/2026,T1,")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2"],
        },
        Case {
            rule: "302",
            this: &[(Episodes, "CHILD,DECOM\n1,01/01/2020\n1,01/01/2018\n2,01/01/2020"), (crate::ssda903::TableName::Header, "CHILD,DOB\n1,01/01/2019\n2,01/01/2020")],
            last: &[],
            flagged: &["Header:0", "Episodes:1"],
        },
        Case {
            rule: "357",
            this: &[(Episodes, "CHILD,DECOM,RNE\n1,01/05/2026,S\n1,01/04/2026,P\n2,01/04/2026,S\n3,01/03/2026,P")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "383",
            this: &[(Episodes, "CHILD,DECOM,PLACE,PL_POST,RNE\n1,01/04/2026,U1,M1,S\n1,01/05/2026,T1,M2,P\n1,01/06/2026,U2,M1,P\n2,01/04/2026,U1,M1,S\n2,01/05/2026,T1,M2,P\n2,01/06/2026,U1,M1,P")],
            last: &[],
            flagged: &["Episodes:2"],
        },
        Case {
            rule: "431",
            this: &[(Episodes, "CHILD,DECOM,DEC,RNE\n1,01/04/2026,01/05/2026,S\n1,01/05/2026,,S\n2,01/04/2026,01/05/2026,S\n2,02/05/2026,,S")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "432",
            this: &[(Episodes, "CHILD,DECOM,REC,RNE\n1,01/04/2026,E3,S\n1,01/05/2026,,P\n2,01/04/2026,E3,S\n2,01/05/2026,,S")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "433",
            this: &[(Episodes, "CHILD,DECOM,DEC,RNE\n1,01/04/2026,01/05/2026,S\n1,02/05/2026,,P\n2,01/04/2026,01/05/2026,S\n2,01/05/2026,,P")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "434",
            this: &[(Episodes, "CHILD,DECOM,LS,PLACE,RNE\n1,01/04/2026,C2,U1,S\n1,01/05/2026,C2,U1,L\n2,01/04/2026,C2,U1,S\n2,01/05/2026,C1,U1,L")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "435",
            this: &[(Episodes, "CHILD,DECOM,LS,PLACE,PL_POST,URN,PLACE_PROVIDER,RNE\n1,01/04/2026,C2,U1,M1,SC1,PR1,S\n1,01/05/2026,C2,U1,M1,SC1,PR1,P\n2,01/04/2026,C2,U1,M1,SC1,PR1,S\n2,01/05/2026,C2,U2,M1,SC1,PR1,P")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "436",
            this: &[(Episodes, "CHILD,DECOM,LS,PLACE,RNE\n1,01/04/2026,C2,U1,S\n1,01/05/2026,C1,U1,B\n2,01/04/2026,C2,U1,S\n2,01/05/2026,C1,U2,B")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "437",
            this: &[(Episodes, "CHILD,DECOM,REC\n1,01/04/2026,E2\n1,01/05/2026,\n2,01/04/2026,E2")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "504",
            this: &[(Episodes, "CHILD,DECOM,DEC,REC,CIN\n1,01/05/2026,,,N2\n1,01/04/2026,01/05/2026,X1,N1\n2,01/04/2026,01/05/2026,X1,N1\n2,01/05/2026,,,N1\n3,01/04/2026,01/05/2026,E11,N1\n3,01/05/2026,,,N2")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "336",
            this: &[(Episodes, "CHILD,DECOM,PLACE\n1,01/04/2026,R1\n1,01/05/2026,A3\n2,01/04/2026,U1\n2,01/05/2026,A3\n3,01/04/2026,A3")],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "NoE",
            this: &[(Episodes, "CHILD,DECOM\n1,01/03/2026\n2,01/03/2026\n3,01/04/2026")],
            last: &[(Episodes, "CHILD\n2")],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "361",
            this: &[(Episodes, "CHILD,DECOM,DEC,LS\n1,01/04/2026,03/04/2026,L1\n1,03/04/2026,06/04/2026,L1\n2,01/04/2026,04/04/2026,L1\n2,04/04/2026,05/04/2026,C2")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1"],
        },
        Case {
            rule: "362",
            this: &[(Episodes, "CHILD,DECOM,DEC,LS\n1,01/04/2026,23/04/2026,L2\n2,01/04/2026,22/04/2026,L2\n3,01/04/2026,47/3/2027,L2")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2"],
        },
        Case {
            rule: "363",
            this: &[(Episodes, "CHILD,DECOM,DEC,LS\n1,01/04/2026,05/04/2026,L3\n1,05/04/2026,09/04/2026,L3\n2,01/04/2026,08/04/2026,L3")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1"],
        },
        Case {
            rule: "364",
            this: &[(Episodes, "CHILD,DECOM,DEC,LS\n1,01/04/2026,23/04/2026,J2\n2,01/04/2026,22/04/2026,J2")],
            last: &[],
            flagged: &["Episodes:0"],
        },
    ];

    #[test]
    fn sequence_rules() {
        check(CASES);
    }
}
