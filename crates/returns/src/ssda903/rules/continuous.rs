//! Rules about children looked after continuously for the whole year (the OC2 cohort):
//! the OC2 items (health, offending, SDQ) are required for them and only for them, and
//! adoption and care-leaver items are not expected of them. "Continuously looked after"
//! is the reference's derivation from this year's episodes
//! ([`Ctx::continuously_looked_after`]).

use chrono::{Months, NaiveDate};

use super::{each_row, first_earliest, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::episodes::DECOM;
use crate::ssda903::tables::cols::{ad1, oc2, oc3};
use crate::ssda903::tables::Col;
use crate::ssda903::Table;
use crate::ssda903::TableName::{Ad1, Episodes, Oc2, Oc3};

const OC2_EPISODES: &[Need] = &[Need::This(Oc2), Need::This(Episodes)];

/// The OC2 items for children looked after for 12 months.
const OUTCOMES: &[Col] = &[
    oc2::CONVICTED,
    oc2::HEALTH_CHECK,
    oc2::IMMUNISATIONS,
    oc2::TEETH_CHECK,
    oc2::HEALTH_ASSESSMENT,
    oc2::SUBSTANCE_MISUSE,
    oc2::INTERVENTION_RECEIVED,
    oc2::INTERVENTION_OFFERED,
];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "157",
        needs: OC2_EPISODES,
        run: rule_157,
    },
    Rule {
        code: "181",
        needs: &[Need::This(Oc2)],
        run: rule_181,
    },
    Rule {
        code: "185",
        needs: OC2_EPISODES,
        run: rule_185,
    },
    Rule {
        code: "186",
        needs: OC2_EPISODES,
        run: rule_186,
    },
    Rule {
        code: "187",
        needs: &[Need::This(Oc3), Need::This(Ad1), Need::This(Episodes)],
        run: rule_187,
    },
    Rule {
        code: "190",
        needs: OC2_EPISODES,
        run: rule_190,
    },
    Rule {
        code: "191",
        needs: OC2_EPISODES,
        run: rule_191,
    },
    Rule {
        code: "197B",
        needs: OC2_EPISODES,
        run: rule_197b,
    },
    Rule {
        code: "198",
        needs: OC2_EPISODES,
        run: rule_198,
    },
    Rule {
        code: "543",
        needs: OC2_EPISODES,
        run: rule_543,
    },
    Rule {
        code: "545",
        needs: OC2_EPISODES,
        run: rule_545,
    },
    Rule {
        code: "546",
        needs: OC2_EPISODES,
        run: rule_546,
    },
];

/// The OC2 row's child's `years`th birthday (29 February becomes 28 February), if its
/// date of birth can be read.
fn birthday(t: &Table, row: usize, years: u32) -> Option<NaiveDate> {
    t.date(row, oc2::DOB)
        .and_then(|dob| dob.checked_add_months(Months::new(12 * years)))
}

/// Whether the row's child was looked after continuously.
fn cla(c: &Ctx<'_>, t: &Table, row: usize) -> bool {
    c.continuously_looked_after(t.child(row))
}

/// 157: Child is aged 4 years or over at the beginning of the year or 16 years or under
/// at the end of the year and Strengths and Difficulties Questionnaire (SDQ) 1 has been
/// recorded as the reason for no Strengths and Difficulties Questionnaire (SDQ) score.
fn rule_157(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let (start, end) = (c.collection_start(), c.collection_end());
    each_row(f, t, |r| {
        cla(c, t, r)
            && birthday(t, r, 4).is_some_and(|d| d <= start)
            && birthday(t, r, 16).is_some_and(|d| d >= end)
            && t.is_blank(r, oc2::SDQ_SCORE)
            && t.is(r, oc2::SDQ_REASON, "SDQ1")
    });
}

/// 181: Data items relating to children looked after continuously for 12 months should
/// be completed with a 0 or 1.
fn rule_181(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        OUTCOMES
            .iter()
            .any(|col| t.present(r, *col) && !t.is_in(r, *col, &["0", "1"]))
    });
}

/// 185: Child has not been looked after continuously for at least 12 months at 31 March
/// but a Strengths and Difficulties (SDQ) score has been completed.
fn rule_185(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| t.present(r, oc2::SDQ_SCORE) && !cla(c, t, r));
}

/// 186: Children aged 4 or over at the start of the year and children aged under 17 at
/// the end of the year and who have been looked after for at least 12 months
/// continuously should have a Strengths and Difficulties (SDQ) score completed.
fn rule_186(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let (start, end) = (c.collection_start(), c.collection_end());
    each_row(f, t, |r| {
        birthday(t, r, 4).is_some_and(|d| d <= start)
            && birthday(t, r, 17).is_some_and(|d| d > end)
            && cla(c, t, r)
            && t.is_blank(r, oc2::SDQ_SCORE)
            && t.is_blank(r, oc2::SDQ_REASON)
    });
}

/// 187: Child cannot be looked after continuously for 12 months at 31 March (OC2) and
/// have any of adoption or care leavers returns completed.
fn rule_187(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc3);
    each_row(f, t, |r| {
        cla(c, t, r)
            && [oc3::IN_TOUCH, oc3::ACTIV, oc3::ACCOM]
                .iter()
                .any(|col| t.present(r, *col))
    });
    let t = c.this(Ad1);
    let adoption = [
        ad1::DATE_INT,
        ad1::DATE_MATCH,
        ad1::FOSTER_CARE,
        ad1::NB_ADOPTR,
        ad1::SEX_ADOPTR,
        ad1::LS_ADOPTR,
    ];
    each_row(f, t, |r| {
        cla(c, t, r) && adoption.iter().any(|col| t.present(r, *col))
    });
}

/// 190: Child has not been looked after continuously for at least 12 months at 31 March
/// but one or more data items relating to children looked after for 12 months have been
/// completed.
fn rule_190(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        !cla(c, t, r) && OUTCOMES.iter().any(|col| t.present(r, *col))
    });
}

/// 191: Child has been looked after continuously for at least 12 months at 31 March but
/// one or more data items relating to children looked after for 12 months have been
/// left blank.
///
/// Flags the OC2 row with a blank immunisations, teeth check, health assessment or
/// substance misuse item, and, for a child missing from OC2 altogether, the child's
/// first episode.
fn rule_191(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| {
        cla(c, t, r)
            && [
                oc2::IMMUNISATIONS,
                oc2::TEETH_CHECK,
                oc2::HEALTH_ASSESSMENT,
                oc2::SUBSTANCE_MISUSE,
            ]
            .iter()
            .any(|col| t.is_blank(r, *col))
    });
    let episodes = c.this(Episodes);
    for (child, rows) in episodes.by_child() {
        if c.continuously_looked_after(child) && !t.has_child(child) {
            if let Some(first) = first_earliest(episodes, DECOM, rows) {
                f.flag(episodes, first);
            }
        }
    }
}

/// 197B: SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.
///
/// Children whose 4th or 17th birthday falls in the year.
fn rule_197b(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let year = c.collection_start()..=c.collection_end();
    each_row(f, t, |r| {
        (birthday(t, r, 4).is_some_and(|d| year.contains(&d))
            || birthday(t, r, 17).is_some_and(|d| year.contains(&d)))
            && cla(c, t, r)
            && t.is_blank(r, oc2::SDQ_SCORE)
            && t.is_blank(r, oc2::SDQ_REASON)
    });
}

/// 198: Child has not been looked after continuously for at least 12 months at 31 March
/// but a reason for no Strengths and Difficulties (SDQ) score has been completed.
fn rule_198(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    each_row(f, t, |r| t.present(r, oc2::SDQ_REASON) && !cla(c, t, r));
}

/// 543: Child is aged 10 or over at 31 March and has been looked after continuously for
/// 12 months yet conviction information has not been completed.
///
/// The reference asks for the 10th birthday to be before 31 March.
fn rule_543(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let end = c.collection_end();
    each_row(f, t, |r| {
        birthday(t, r, 10).is_some_and(|d| end > d) && cla(c, t, r) && t.is_blank(r, oc2::CONVICTED)
    });
}

/// 545: Child is aged under 5 at 31 March and has been looked after continuously for 12
/// months yet health promotion information has not been completed.
fn rule_545(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let end = c.collection_end();
    each_row(f, t, |r| {
        birthday(t, r, 5).is_some_and(|d| end < d)
            && cla(c, t, r)
            && t.is_blank(r, oc2::HEALTH_CHECK)
    });
}

/// 546: Children aged 5 or over at 31 March should not have health promotion information
/// completed.
///
/// Only children looked after continuously are flagged.
fn rule_546(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Oc2);
    let end = c.collection_end();
    each_row(f, t, |r| {
        birthday(t, r, 5).is_some_and(|d| end >= d)
            && cla(c, t, r)
            && t.present(r, oc2::HEALTH_CHECK)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Ad1, Episodes, Oc2, Oc3};

    /// Child 1 looked after all year; child 2 started to be looked after in June; child 3
    /// has a short break; child 4 left care in May.
    const EPISODES: (crate::ssda903::TableName, &str) = (
        Episodes,
        "CHILD,DECOM,RNE,LS,DEC,REC\n1,01/01/2025,S,C2,,\n2,01/06/2026,S,C2,,\n3,01/01/2025,S,V3,,\n4,01/01/2025,S,C2,01/05/2026,E11",
    );

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "157",
            this: &[EPISODES, (Oc2, "CHILD,DOB,SDQ_REASON\n1,01/04/2012,SDQ1\n1,01/04/2012,SDQ2\n2,01/04/2012,SDQ1\n1,01/04/2023,SDQ1")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "181",
            this: &[(Oc2, "CHILD,CONVICTED,HEALTH_CHECK\n1,2,\n1,0,1\n1,,")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "185",
            this: &[EPISODES, (Oc2, "CHILD,SDQ_SCORE\n2,10\n1,10\n3,\n5,1")],
            last: &[],
            flagged: &["OC2:0", "OC2:3"],
        },
        Case {
            rule: "186",
            this: &[EPISODES, (Oc2, "CHILD,DOB,SDQ_SCORE,SDQ_REASON\n1,01/04/2012,,\n1,01/04/2012,10,\n2,01/04/2012,,\n1,31/03/2010,,")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "187",
            this: &[EPISODES, (Oc3, "CHILD,IN_TOUCH\n1,YES\n2,YES\n1,"), (Ad1, "CHILD,DATE_INT\n1,01/01/2026\n4,01/01/2026")],
            last: &[],
            flagged: &["OC3:0", "AD1:0"],
        },
        Case {
            rule: "190",
            this: &[EPISODES, (Oc2, "CHILD,IMMUNISATIONS\n2,1\n1,1\n3,")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "191",
            this: &[
                (Episodes, "CHILD,DECOM,RNE,LS,DEC,REC\n1,01/01/2025,S,C2,,\n5,01/02/2025,P,C2,,\n5,01/01/2025,S,C2,01/02/2025,X1\n2,01/06/2026,S,C2,,"),
                (Oc2, "CHILD,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE\n1,1,1,1,\n1,1,1,1,0\n2,,,,"),
            ],
            last: &[],
            flagged: &["Episodes:2", "OC2:0"],
        },
        Case {
            rule: "197B",
            this: &[EPISODES, (Oc2, "CHILD,DOB,SDQ_SCORE\n1,01/05/2022,\n1,01/05/2022,5\n1,01/05/2021,\n1,31/03/2010,")],
            last: &[],
            flagged: &["OC2:0", "OC2:3"],
        },
        Case {
            rule: "198",
            this: &[EPISODES, (Oc2, "CHILD,SDQ_REASON\n4,SDQ1\n1,SDQ1")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "543",
            this: &[EPISODES, (Oc2, "CHILD,DOB,CONVICTED\n1,30/03/2017,\n1,31/03/2017,\n1,01/01/2010,0\n2,01/01/2010,")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "545",
            this: &[EPISODES, (Oc2, "CHILD,DOB,HEALTH_CHECK\n1,01/04/2022,\n1,31/03/2022,\n2,01/04/2022,")],
            last: &[],
            flagged: &["OC2:0"],
        },
        Case {
            rule: "546",
            this: &[EPISODES, (Oc2, "CHILD,DOB,HEALTH_CHECK\n1,31/03/2022,1\n1,01/04/2022,1\n2,31/03/2022,1")],
            last: &[],
            flagged: &["OC2:0"],
        },
    ];

    #[test]
    fn continuous_rules() {
        check(CASES);
    }
}
