//! Rules flagging rows of the SWEpisodes table (social worker episodes).

use chrono::Duration;

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::sw_episodes::{CHILD, SW_DEC, SW_DECOM, SW_ID};
use crate::ssda903::TableName::SwEpisodes;

const SW: &[Need] = &[Need::This(SwEpisodes)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "SW11bSTG2",
        needs: SW,
        run: rule_sw11bstg2,
    },
    Rule {
        code: "SW02STG1",
        needs: SW,
        run: rule_sw02stg1,
    },
    Rule {
        code: "SW04STG1",
        needs: SW,
        run: rule_sw04stg1,
    },
    Rule {
        code: "SW05STG1",
        needs: SW,
        run: rule_sw05stg1,
    },
    Rule {
        code: "SW19STG2",
        needs: SW,
        run: rule_sw19stg2,
    },
    Rule {
        code: "SW06STG2",
        needs: SW,
        run: rule_sw06stg2,
    },
    Rule {
        code: "SW07STG2",
        needs: SW,
        run: rule_sw07stg2,
    },
    Rule {
        code: "SW09STG2",
        needs: SW,
        run: rule_sw09stg2,
    },
    Rule {
        code: "SW18STG2",
        needs: SW,
        run: rule_sw18stg2,
    },
    Rule {
        code: "SW13STG1",
        needs: SW,
        run: rule_sw13stg1,
    },
    Rule {
        code: "SW12STG2",
        needs: &[
            Need::This(SwEpisodes),
            Need::This(crate::ssda903::TableName::Episodes),
        ],
        run: rule_sw12stg2,
    },
    Rule {
        code: "SW08STG2",
        needs: SW,
        run: rule_sw08stg2,
    },
    Rule {
        code: "SW10STG2",
        needs: SW,
        run: rule_sw10stg2,
    },
    Rule {
        code: "SW10aSTG2",
        needs: SW,
        run: rule_sw10astg2,
    },
    Rule {
        code: "SW10bSTG2",
        needs: SW,
        run: rule_sw10bstg2,
    },
    Rule {
        code: "SW17STG2",
        needs: SW,
        run: rule_sw17stg2,
    },
];

/// SW02STG1: Social worker ID does not begin with the characters ‘SW’ or ‘XX’.
fn rule_sw02stg1(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(f, t, |r| match t.text(r, SW_ID) {
        None => true,
        Some(id) => {
            let prefix: String = id.chars().take(2).collect();
            !matches!(prefix.as_str(), "SW" | "XX") || id.chars().count() < 4
        }
    });
}

/// SW04STG1: Date social worker episode began is not a valid date.
fn rule_sw04stg1(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(f, t, |r| {
        t.present(r, SW_DECOM) && t.date(r, SW_DECOM).is_none()
    });
}

/// SW05STG1: Date social worker episode began is not a valid date.
fn rule_sw05stg1(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(f, t, |r| {
        t.present(r, SW_DEC) && t.date(r, SW_DEC).is_none()
    });
}

/// SW19STG2: There are 2 social worker episodes for the child starting on the same
/// date.
fn rule_sw19stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(f, t, |r| {
        let child = t.child(r);
        let decom = t.sym(r, SW_DECOM);
        t.rows_of(child)
            .take_while(|other| *other < r)
            .any(|other| t.sym(other, SW_DECOM) == decom)
    });
}

/// SW06STG2: Social worker episode start date is after the end of the collection year.
fn rule_sw06stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, SW_DECOM).is_some_and(|d| d > end));
}

/// SW07STG2: Social worker episode end date is before the start of the previous
/// collection year or after the end of this one.
///
/// The reference goes back 365.2425 days from 1 April, so the earliest date allowed is
/// 365 days before it.
fn rule_sw07stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    let (earliest, end) = (
        c.collection_start() - chrono::Duration::days(365),
        c.collection_end(),
    );
    each_row(f, t, |r| {
        t.date(r, SW_DEC).is_some_and(|d| d < earliest || d > end)
    });
}

fn dayfirst(
    t: &crate::ssda903::Table,
    r: usize,
    col: crate::ssda903::Col,
) -> Option<chrono::NaiveDate> {
    t.text(r, col).and_then(crate::ssda903::parse_dayfirst)
}

/// SW09STG2: A social worker episode should last at least 3 days.
///
/// Dates read day-first, as the reference reads them for this rule.
fn rule_sw09stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(
        f,
        t,
        |r| matches!((dayfirst(t, r, SW_DEC), dayfirst(t, r, SW_DECOM)), (Some(dec), Some(decom)) if (dec - decom).num_days() < 3),
    );
}

/// SW18STG2: Social worker episode end date must be after its start date.
///
/// Dates read day-first, as the reference reads them for this rule.
fn rule_sw18stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    each_row(
        f,
        t,
        |r| matches!((dayfirst(t, r, SW_DEC), dayfirst(t, r, SW_DECOM)), (Some(dec), Some(decom)) if dec <= decom),
    );
}

/// SW13STG1: The reason for social worker change is not valid.
///
/// Also flags a blank reason on an episode starting on or after 1 April 2023 (start
/// read day first; the reference raises on a start it cannot read).
fn rule_sw13stg1(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::sw_episodes::SW_REASON;
    const VALID: &[&str] = &[
        "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
        "OTHERS",
    ];
    let t = c.this(SwEpisodes);
    let from = chrono::NaiveDate::from_ymd_opt(2023, 4, 1);
    each_row(f, t, |r| {
        if t.present(r, SW_REASON) {
            !t.is_in(r, SW_REASON, VALID)
        } else {
            dayfirst(t, r, SW_DECOM).is_some_and(|d| Some(d) >= from)
        }
    });
}

/// SW12STG2: If a child is looked after on 31 March then all social worker episodes for
/// the full previous year should be reported, even those whilst they were not looked
/// after
///
/// Flags an episode that starts (`RNE` S) or ends (`REC` other than X1) a period of
/// care, ending from a year before 1 April (or open), not a short break, for which some
/// social worker episode of the child (or the lack of any) neither starts by its end
/// (when it ends a period) nor starts on or after its start (when it starts one).
fn rule_sw12stg2(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::{DEC, DECOM, LS, REC, RNE};
    let (t, sw) = (
        c.this(crate::ssda903::TableName::Episodes),
        c.this(SwEpisodes),
    );
    let earliest = c.collection_start() - chrono::Duration::days(365);
    let end = c.collection_end();
    for r in t.rows() {
        let dec = t.date(r, DEC);
        let in_window = dec.is_none_or(|d| d >= earliest && d <= end);
        let starts = t.is(r, RNE, "S");
        let ends = !t.is(r, REC, "X1");
        if !in_window || t.is_in(r, LS, &["V3", "V4"]) || !(starts || ends) {
            continue;
        }
        let decom = t.date(r, DECOM);
        let covered = |s: Option<chrono::NaiveDate>| {
            let before_end = matches!((s, dec), (Some(s), Some(d)) if s <= d) && ends;
            let after_start = matches!((s, decom), (Some(s), Some(d)) if s >= d) && starts;
            before_end || after_start
        };
        let mut rows = sw.rows_of(t.child(r)).peekable();
        let missing = if rows.peek().is_none() {
            !covered(None)
        } else {
            rows.any(|sr| !covered(sw.date(sr, SW_DECOM)))
        };
        if missing {
            f.flag(t, r);
        }
    }
}

/// SW08STG2: A new social worker episode has started, but the previous episode has not
/// ended.
///
/// As rule 142 reads episodes: every episode with a start but no readable end other
/// than the child's latest (none spared when one of the child's starts is unreadable).
fn rule_sw08stg2(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::sw_episodes::CHILD;
    let t = c.this(SwEpisodes);
    for (_, rows) in t.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| t.is_blank(r, CHILD)) {
            continue;
        }
        let latest = if rows().any(|r| t.date(r, SW_DECOM).is_none()) {
            None
        } else {
            rows().max_by_key(|r| t.date(*r, SW_DECOM))
        };
        for r in rows() {
            if Some(r) != latest && t.date(r, SW_DECOM).is_some() && t.date(r, SW_DEC).is_none() {
                f.flag(t, r);
            }
        }
    }
}

/// Calls `each(previous, current)` for consecutive social worker episodes of each child
/// in order of start then end (unreadable last). Episodes with a blank `CHILD` are
/// paired with each other too: the reference joins on `CHILD`, where blank matches blank.
fn sw_consecutive(t: &crate::ssda903::Table, mut each: impl FnMut(usize, usize)) {
    let mut order: Vec<usize> = Vec::new();
    for (_, rows) in t.by_child() {
        order.clear();
        order.extend(rows.iter().map(|r| *r as usize));
        order.sort_by_key(|r| {
            let (start, end) = (t.date(*r, SW_DECOM), t.date(*r, SW_DEC));
            (start.is_none(), start, end.is_none(), end)
        });
        for pair in order.windows(2) {
            each(pair[0], pair[1]);
        }
    }
}

/// Episodes not starting within 7 days of the previous one's end (or where either date
/// cannot be read), unless they are a first contact (`FCONTA`).
fn not_within_a_week(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::sw_episodes::SW_REASON;
    let t = c.this(SwEpisodes);
    sw_consecutive(t, |prev, cur| {
        let near = matches!(
            (t.date(cur, SW_DECOM), t.date(prev, SW_DEC)),
            (Some(s), Some(e)) if (s - e).num_days().abs() <= 7
        );
        if !t.is(cur, SW_REASON, "FCONTA") && !near {
            f.flag(t, cur);
        }
    });
}

/// SW10STG2: A new social worker episode has started before the end date of the
/// previous social worker episode.
///
/// The reference checks the start is within 7 days either side of the previous end.
fn rule_sw10stg2(c: &Ctx<'_>, f: &mut Flags) {
    not_within_a_week(c, f);
}

/// SW10aSTG2: A new social worker episode has started and it is not within +/- 7 days of
/// a previous episode.
fn rule_sw10astg2(c: &Ctx<'_>, f: &mut Flags) {
    not_within_a_week(c, f);
}

/// SW10bSTG2: A new social worker episode has started with a reason of first contact
/// before the previous episode has ended.
fn rule_sw10bstg2(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::sw_episodes::SW_REASON;
    let t = c.this(SwEpisodes);
    sw_consecutive(t, |prev, cur| {
        if t.is(cur, SW_REASON, "FCONTA")
            && matches!((t.date(cur, SW_DECOM), t.date(prev, SW_DEC)), (Some(s), Some(e)) if s <= e)
        {
            f.flag(t, cur);
        }
    });
}

/// SW17STG2: There is no social worker episode open at 31 March
///
/// The child's latest episode (start read day first; the first in the file of equal
/// starts, or of unreadable ones when none can be read) has an end date.
fn rule_sw17stg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    for (_, rows) in t.by_child() {
        let mut latest: Option<(Option<chrono::NaiveDate>, usize)> = None;
        for r in rows.iter().map(|r| *r as usize) {
            let start = dayfirst(t, r, SW_DECOM);
            let later = match latest {
                None => true,
                Some((best, _)) => start.is_some() && (best.is_none() || start > best),
            };
            if later {
                latest = Some((start, r));
            }
        }
        if let Some((_, r)) = latest {
            if t.present(r, SW_DEC) {
                f.flag(t, r);
            }
        }
    }
}

/// SW11bSTG2: Social worker episode has ended before 31 March and no subsequent social
/// worker episode has been provided.
///
/// As the reference reads it, an episode "ending before 31 March" is one ending in the
/// last six days of the year (26 to 31 March). The child's episodes are taken in order
/// of start (blank or unreadable starts last, equal starts in file order) and flagged:
/// - an episode with no readable start that follows one so ending;
/// - a child's only episode when it so ends;
/// - an episode so ending when the one before it in order of start, backwards (the
///   next-later start, or an equal start earlier in the file), started before its end.
fn rule_sw11bstg2(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(SwEpisodes);
    let end = c.collection_end();
    let from = end - Duration::days(5);
    let ends_late = |r: usize| t.date(r, SW_DEC).is_some_and(|d| from <= d && d <= end);
    let children = c.ret.children();
    let child = |r: usize| (!t.is_blank(r, CHILD)).then(|| children.name(t.child(r)));
    // The reference's sort by child (as text, blank last), then start (blank last).
    let key = |r: usize| {
        let (name, start) = (child(r), t.date(r, SW_DECOM));
        (name.is_none(), name, start.is_none(), start)
    };
    let mut order: Vec<usize> = t.rows().collect();
    order.sort_by_key(|r| key(*r));
    for pair in order.windows(2) {
        let (prev, cur) = (pair[0], pair[1]);
        if t.child(prev) == t.child(cur) && ends_late(prev) && t.date(cur, SW_DECOM).is_none() {
            f.flag(t, cur);
        }
    }
    for (_, rows) in t.by_child() {
        if let [only] = rows {
            let only = *only as usize;
            if t.present(only, CHILD) && ends_late(only) {
                f.flag(t, only);
            }
        }
    }
    // Descending by child and start, blanks still last, equal keys in file order.
    order.sort_by(|a, b| {
        let ((a_blank, a_name, a_none, a_start), (b_blank, b_name, b_none, b_start)) =
            (key(*a), key(*b));
        a_blank
            .cmp(&b_blank)
            .then(b_name.cmp(&a_name))
            .then(a_none.cmp(&b_none))
            .then(b_start.cmp(&a_start))
    });
    for pair in order.windows(2) {
        let (later, cur) = (pair[0], pair[1]);
        let started_before = matches!(
            (t.date(cur, SW_DECOM), t.date(later, SW_DEC)),
            (Some(start), Some(ended)) if start < ended
        );
        if t.child(later) == t.child(cur) && started_before && ends_late(later) {
            f.flag(t, later);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::SwEpisodes as S;

    pub(crate) const CASES: &[Case] = &[
        // 1: an episode ending 28 March, then one with no start. 2: an only episode
        // ending 31 March. 3: a second episode ending 27 March. 4: ended 20 March, then
        // one with no start; 5: an only episode ending 25 March.
        Case {
            rule: "SW11bSTG2",
            this: &[(
                S,
                "CHILD,SW_DECOM,SW_DEC\n1,01/01/2027,28/03/2027\n1,,\n2,01/01/2027,31/03/2027\n3,01/01/2027,01/02/2027\n3,01/02/2027,27/03/2027\n4,01/01/2027,20/03/2027\n4,,\n5,01/01/2027,25/03/2027",
            )],
            last: &[],
            flagged: &["SWEpisodes:1", "SWEpisodes:2", "SWEpisodes:4"],
        },
        Case {
            rule: "SW02STG1",
            this: &[(S, "CHILD,SW_ID\n1,AB123\n2,SW12\n3,\n4,SW1")],
            last: &[],
            flagged: &["SWEpisodes:0", "SWEpisodes:2", "SWEpisodes:3"],
        },
        Case {
            rule: "SW04STG1",
            this: &[(S, "CHILD,SW_DECOM\n1,x\n2,01/01/2026\n3,")],
            last: &[],
            flagged: &["SWEpisodes:0"],
        },
        Case {
            rule: "SW05STG1",
            this: &[(S, "CHILD,SW_DEC\n1,x\n2,01/01/2026\n3,")],
            last: &[],
            flagged: &["SWEpisodes:0"],
        },
        Case {
            rule: "SW19STG2",
            this: &[(
                S,
                "CHILD,SW_DECOM\n1,01/01/2026\n2,01/01/2026\n1,01/01/2026\n1,\n1,",
            )],
            last: &[],
            flagged: &["SWEpisodes:2", "SWEpisodes:4"],
        },
        Case { rule: "SW06STG2", this: &[(S, "CHILD,SW_DECOM\n1,01/04/2027\n2,31/03/2027\n3,")], last: &[], flagged: &["SWEpisodes:0"] },
        Case { rule: "SW07STG2", this: &[(S, "CHILD,SW_DEC\n1,31/03/2025\n2,01/04/2025\n3,01/04/2027\n4,31/03/2027")], last: &[], flagged: &["SWEpisodes:0", "SWEpisodes:2"] },
        Case { rule: "SW09STG2", this: &[(S, "CHILD,SW_DECOM,SW_DEC\n1,01/01/2027,03/01/2027\n2,01/01/2027,04/01/2027\n3,2027-01-01,2027-01-02\n4,01/01/2027,")], last: &[], flagged: &["SWEpisodes:0", "SWEpisodes:2"] },
        Case { rule: "SW18STG2", this: &[(S, "CHILD,SW_DECOM,SW_DEC\n1,02/01/2027,01/01/2027\n2,01/01/2027,02/01/2027")], last: &[], flagged: &["SWEpisodes:0"] },
        Case { rule: "SW13STG1", this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_REASON\n1,01/04/2026,XX\n1,01/04/2026,\n1,31/03/2023,\n1,01/04/2026,MANAGE")], last: &[], flagged: &["SWEpisodes:0", "SWEpisodes:1"] },
        Case {
            rule: "SW12STG2",
            this: &[
                (crate::ssda903::TableName::Episodes, "CHILD,DECOM,RNE,DEC,REC,LS\n1,01/05/2026,S,,,C2\n2,01/05/2026,S,,,C2\n3,01/05/2026,P,01/06/2026,X1,C2\n4,01/05/2026,S,,,V3\n2,01/01/2020,S,01/01/2021,E3,C2"),
                (crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM\n1,01/05/2026\n2,01/04/2026"),
            ],
            last: &[],
            flagged: &["Episodes:1"],
        },
        Case {
            rule: "SW08STG2",
            this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_DEC\n1,01/04/2026,\n1,01/05/2026,\n2,01/04/2026,01/05/2026\n2,01/05/2026,")],
            last: &[],
            flagged: &["SWEpisodes:0"],
        },
        Case {
            rule: "SW10STG2",
            this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_DEC,SW_REASON\n1,01/04/2026,01/05/2026,\n1,09/05/2026,,MANAGE\n2,01/04/2026,01/05/2026,\n2,08/05/2026,,MANAGE\n3,01/04/2026,01/05/2026,\n3,09/05/2026,,FCONTA")],
            last: &[],
            flagged: &["SWEpisodes:1"],
        },
        Case {
            rule: "SW10aSTG2",
            this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_DEC,SW_REASON\n1,01/04/2026,01/05/2026,\n1,23/04/2026,,MANAGE\n2,01/04/2026,01/05/2026,\n2,24/04/2026,,MANAGE")],
            last: &[],
            flagged: &["SWEpisodes:1"],
        },
        Case {
            rule: "SW10bSTG2",
            this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_DEC,SW_REASON\n1,01/04/2026,01/05/2026,\n1,01/05/2026,,FCONTA\n2,01/04/2026,01/05/2026,\n2,02/05/2026,,FCONTA")],
            last: &[],
            flagged: &["SWEpisodes:1"],
        },
        Case {
            rule: "SW17STG2",
            this: &[(crate::ssda903::TableName::SwEpisodes, "CHILD,SW_DECOM,SW_DEC\n1,01/04/2026,\n1,01/05/2026,01/06/2026\n2,01/05/2026,\n2,01/04/2026,01/05/2026")],
            last: &[],
            flagged: &["SWEpisodes:1"],
        },
    ];

    #[test]
    fn sw_episodes_rules() {
        check(CASES);
    }
}
