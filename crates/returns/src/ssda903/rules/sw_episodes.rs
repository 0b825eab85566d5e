//! Rules flagging rows of the SWEpisodes table (social worker episodes).

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::sw_episodes::{SW_DEC, SW_DECOM, SW_ID};
use crate::ssda903::TableName::SwEpisodes;

const SW: &[Need] = &[Need::This(SwEpisodes)];

pub(super) const RULES: &[Rule] = &[
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

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::SwEpisodes as S;

    pub(crate) const CASES: &[Case] = &[
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
    ];

    #[test]
    fn sw_episodes_rules() {
        check(CASES);
    }
}
