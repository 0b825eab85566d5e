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
    ];

    #[test]
    fn sw_episodes_rules() {
        check(CASES);
    }
}
