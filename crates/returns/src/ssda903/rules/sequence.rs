//! Rules reading a child's episodes in order: each episode against the one before it,
//! and this year's first episode against the episode left open at the end of last
//! year's return. They flag rows of this year's Episodes table.
//!
//! "In order" is the reference's order: by start date, rows with the same start in file
//! order, rows whose start is blank or unreadable last. "First" and "last" episode are
//! its `idxmin`/`idxmax` of the start date (the first row among equal dates); where a
//! child has no readable start date the reference raises, so such inputs are never
//! compared.

use super::{first_earliest, first_latest, sort_by_date, Ctx, Flags, Need, Rule};
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
];

/// Calls `each(previous, current)` for every pair of consecutive episodes of every
/// child (children with a blank `CHILD` are never paired: the reference compares
/// `CHILD` with the previous row's, and blank is not equal to blank).
fn consecutive(t: &Table, mut each: impl FnMut(usize, usize)) {
    let mut order = Vec::new();
    for (_, rows) in t.by_child() {
        if rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        sort_by_date(t, DECOM, rows, &mut order);
        for pair in order.windows(2) {
            each(pair[0], pair[1]);
        }
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

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Episodes;

    pub(crate) const CASES: &[Case] = &[
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
            rule: "504",
            this: &[(Episodes, "CHILD,DECOM,DEC,REC,CIN\n1,01/05/2026,,,N2\n1,01/04/2026,01/05/2026,X1,N1\n2,01/04/2026,01/05/2026,X1,N1\n2,01/05/2026,,,N1\n3,01/04/2026,01/05/2026,E11,N1\n3,01/05/2026,,,N2")],
            last: &[],
            flagged: &["Episodes:0"],
        },
    ];

    #[test]
    fn sequence_rules() {
        check(CASES);
    }
}
