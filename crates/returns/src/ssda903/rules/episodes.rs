//! Rules flagging rows of the Episodes table (episodes of care).

use chrono::{Duration, Months, NaiveDate};

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::episodes::{
    DEC, DECOM, HOME_POST, LS, PLACE, PLACE_PROVIDER, PL_POST, REC, RNE, URN,
};
use crate::ssda903::tables::cols::header;
use crate::ssda903::TableName::{Episodes, Header};

const EPISODES: &[Need] = &[Need::This(Episodes)];
const WITH_HEADER: &[Need] = &[Need::This(Episodes), Need::This(Header)];

/// Temporary placements (T0–T4).
const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];
/// Short breaks (respite): legal statuses V3 and V4.
const SHORT_BREAK: &[&str] = &["V3", "V4"];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "141",
        needs: EPISODES,
        run: rule_141,
    },
    Rule {
        code: "143",
        needs: EPISODES,
        run: rule_143,
    },
    Rule {
        code: "147",
        needs: EPISODES,
        run: rule_147,
    },
    Rule {
        code: "148",
        needs: EPISODES,
        run: rule_148,
    },
    Rule {
        code: "213",
        needs: EPISODES,
        run: rule_213,
    },
    Rule {
        code: "214",
        needs: EPISODES,
        run: rule_214,
    },
    Rule {
        code: "242",
        needs: EPISODES,
        run: rule_242,
    },
    Rule {
        code: "353",
        needs: EPISODES,
        run: rule_353,
    },
    Rule {
        code: "354",
        needs: EPISODES,
        run: rule_354,
    },
    Rule {
        code: "355",
        needs: EPISODES,
        run: rule_355,
    },
    Rule {
        code: "356",
        needs: EPISODES,
        run: rule_356,
    },
    Rule {
        code: "366",
        needs: EPISODES,
        run: rule_366,
    },
    Rule {
        code: "371",
        needs: WITH_HEADER,
        run: rule_371,
    },
    Rule {
        code: "372",
        needs: WITH_HEADER,
        run: rule_372,
    },
    Rule {
        code: "373",
        needs: WITH_HEADER,
        run: rule_373,
    },
    Rule {
        code: "374",
        needs: WITH_HEADER,
        run: rule_374,
    },
    Rule {
        code: "375",
        needs: WITH_HEADER,
        run: rule_375,
    },
    Rule {
        code: "376",
        needs: WITH_HEADER,
        run: rule_376,
    },
    Rule {
        code: "378",
        needs: EPISODES,
        run: rule_378,
    },
    Rule {
        code: "379",
        needs: WITH_HEADER,
        run: rule_379,
    },
    Rule {
        code: "380",
        needs: EPISODES,
        run: rule_380,
    },
    Rule {
        code: "381",
        needs: EPISODES,
        run: rule_381,
    },
    Rule {
        code: "382",
        needs: EPISODES,
        run: rule_382,
    },
    Rule {
        code: "384",
        needs: EPISODES,
        run: rule_384,
    },
    Rule {
        code: "385",
        needs: EPISODES,
        run: rule_385,
    },
    Rule {
        code: "390",
        needs: EPISODES,
        run: rule_390,
    },
    Rule {
        code: "392d",
        needs: EPISODES,
        run: rule_392d,
    },
    Rule {
        code: "398",
        needs: EPISODES,
        run: rule_398,
    },
    Rule {
        code: "408",
        needs: EPISODES,
        run: rule_408,
    },
    Rule {
        code: "516",
        needs: EPISODES,
        run: rule_516,
    },
    Rule {
        code: "526",
        needs: EPISODES,
        run: rule_526,
    },
    Rule {
        code: "527",
        needs: EPISODES,
        run: rule_527,
    },
    Rule {
        code: "528",
        needs: EPISODES,
        run: rule_528,
    },
    Rule {
        code: "530",
        needs: EPISODES,
        run: rule_530,
    },
    Rule {
        code: "531",
        needs: EPISODES,
        run: rule_531,
    },
    Rule {
        code: "550",
        needs: EPISODES,
        run: rule_550,
    },
];

/// 141: Date episode began is not a valid date.
fn rule_141(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, DECOM) && t.date(r, DECOM).is_none());
}

/// 143: The reason for new episode code is not a valid code.
fn rule_143(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.present(r, RNE) && !t.is_in(r, RNE, &["S", "P", "L", "T", "U", "B"])
    });
}

/// 147: Date episode ceased is not a valid date.
fn rule_147(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, DEC) && t.date(r, DEC).is_none());
}

/// 148: Date episode ceased and reason episode ceased must both be coded, or both left
/// blank.
fn rule_148(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, DEC) != t.present(r, REC));
}

/// 213: Placement provider information not required.
fn rule_213(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(
            r,
            PLACE,
            &["T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"],
        ) && t.present(r, PLACE_PROVIDER)
    });
}

/// 214: Placement location information not required.
fn rule_214(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, LS, SHORT_BREAK) && (t.present(r, PL_POST) || t.present(r, URN))
    });
}

/// 242: URN = 'XXXXXXX' can only be used for regional adoption agencies
fn rule_242(c: &Ctx<'_>, f: &mut Flags) {
    const EXEMPT: &[&str] = &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is(r, URN, "XXXXXXX") && !t.is_in(r, PLACE, EXEMPT)
    });
}

/// 353: No episode submitted can start before 14 October 1991.
fn rule_353(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let earliest = NaiveDate::from_ymd_opt(1991, 10, 14);
    each_row(f, t, |r| {
        t.date(r, DECOM).is_some_and(|d| Some(d) < earliest)
    });
}

/// 354: Date episode ceased must be on or before the end of the current collection
/// year.
///
/// The reference compares the date the episode *started* with the year end.
fn rule_354(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, DECOM).is_some_and(|d| d > end));
}

/// 355: Episode appears to have lasted for less than 24 hours
///
/// The reference flags an episode whose start and end are written the same, including
/// both blank.
fn rule_355(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.pd_str(r, DECOM) == t.pd_str(r, DEC));
}

/// 356: The date the episode ceased is before the date the same episode started.
fn rule_356(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, DEC), t.date(r, DECOM)), (Some(dec), Some(decom)) if dec < decom),
    );
}

/// 366: A child cannot change placement during the course of an individual short-term
/// respite break.
fn rule_366(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.is(r, LS, "V3") && !t.is(r, RNE, "S"));
}

/// Episodes with placement `place` starting before the child was `years` old (by any
/// Header row of the child), among those with a start, an end and a date of birth.
fn starts_before_age(c: &Ctx<'_>, f: &mut Flags, place: &str, years: u32) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    each_row(f, t, |r| {
        let (Some(decom), Some(_)) = (t.date(r, DECOM), t.date(r, DEC)) else {
            return false;
        };
        t.is(r, PLACE, place)
            && h.rows_of(t.child(r)).any(|hr| {
                h.date(hr, header::DOB)
                    .and_then(|dob| dob.checked_add_months(Months::new(12 * years)))
                    .is_some_and(|age| decom < age)
            })
    });
}

/// Episodes with placement `place` lasting more than `days` days (the child must be in
/// Header with a date of birth).
fn lasts_longer_than(c: &Ctx<'_>, f: &mut Flags, place: &str, days: i64) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    each_row(f, t, |r| {
        let (Some(decom), Some(dec)) = (t.date(r, DECOM), t.date(r, DEC)) else {
            return false;
        };
        t.is(r, PLACE, place)
            && dec > decom + Duration::days(days)
            && h.rows_of(t.child(r))
                .any(|hr| h.date(hr, header::DOB).is_some())
    });
}

/// 371: Child in supported accomodation not subject to children’s homes regulations
/// should be at least 16.
fn rule_371(c: &Ctx<'_>, f: &mut Flags) {
    starts_before_age(c, f, "K3", 16);
}

/// 372: Child in youth custody or prison should be at least 10.
fn rule_372(c: &Ctx<'_>, f: &mut Flags) {
    starts_before_age(c, f, "R5", 10);
}

/// 373: Child placed in a school should be at least 4 years old.
fn rule_373(c: &Ctx<'_>, f: &mut Flags) {
    starts_before_age(c, f, "S1", 4);
}

/// 374: Child in residential employment should be at least 14 years old.
fn rule_374(c: &Ctx<'_>, f: &mut Flags) {
    starts_before_age(c, f, "P3", 14);
}

/// 375: Hospitalisation coded as a temporary placement exceeds six weeks.
fn rule_375(c: &Ctx<'_>, f: &mut Flags) {
    lasts_longer_than(c, f, "T1", 42);
}

/// 376: Temporary placements coded as being due to holiday of usual foster carer(s)
/// cannot exceed three weeks.
fn rule_376(c: &Ctx<'_>, f: &mut Flags) {
    lasts_longer_than(c, f, "T3", 21);
}

/// 378: A child who is placed with parent(s) cannot be looked after under a single
/// period of accommodation under Section 20 of the Children Act 1989.
fn rule_378(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| t.is(r, PLACE, "P1") && t.is(r, LS, "V2"));
}

/// 379: Temporary placements for unspecified reason (placement code T4) cannot exceed
/// seven days.
fn rule_379(c: &Ctx<'_>, f: &mut Flags) {
    lasts_longer_than(c, f, "T4", 7);
}

/// 380: A period of care cannot start with a temporary placement.
fn rule_380(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, TEMPORARY) && !t.is_in(r, RNE, &["P", "B"])
    });
}

/// 381: A period of care cannot end with a temporary placement.
fn rule_381(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, TEMPORARY) && t.present(r, REC) && !t.is(r, REC, "X1")
    });
}

/// 382: A child receiving respite care cannot be in a temporary placement.
fn rule_382(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, LS, SHORT_BREAK) && t.is_in(r, PLACE, TEMPORARY)
    });
}

/// 384: A child receiving respite care cannot be in a long-term foster placement
fn rule_384(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, LS, SHORT_BREAK) && t.is_in(r, PLACE, &["U1", "U4"])
    });
}

/// 385: Date episode ceased must be on or before the end of the current collection
/// year.
fn rule_385(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let end = c.collection_end();
    each_row(f, t, |r| t.date(r, DEC).is_some_and(|d| d > end));
}

/// 390: Reason episode ceased is adopted but child has not been previously placed for
/// adoption.
fn rule_390(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, REC, &["E11", "E12"]) && !t.is_in(r, PLACE, &["A3", "A4", "A5", "A6"])
    });
}

/// 392d: Home and placement postcodes should not be same unless the placement type is
/// P1.
///
/// Flagged when both postcodes are given and the same, outside placements
/// with parents.
fn rule_392d(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        !t.is(r, PLACE, "P1")
            && t.present(r, HOME_POST)
            && t.text(r, HOME_POST) == t.text(r, PL_POST)
    });
}

/// 398: Distance field completed but child looked after under legal status V3 or V4.
fn rule_398(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, LS, SHORT_BREAK) && (t.present(r, HOME_POST) || t.present(r, PL_POST))
    });
}

/// 408: Child is placed for adoption with a placement order, but no placement order has
/// been recorded.
fn rule_408(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, &["A5", "A6"]) && !t.is(r, LS, "E1")
    });
}

/// 516: The episode data submitted for this child does not show that he/she was with
/// their former foster carer(s) during the year.If the code in the reason episode
/// ceased is E45 or E46 the child must have a placement code of U1 to U6.
fn rule_516(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, REC, &["E45", "E46"])
            && !t.is_in(r, PLACE, &["U1", "U2", "U3", "U4", "U5", "U6"])
    });
}

/// 526: Child is missing a placement provider code for at least one episode.
fn rule_526(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        !t.is_in(
            r,
            PLACE,
            &["T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"],
        ) && t.is_blank(r, PLACE_PROVIDER)
    });
}

/// 527: A placement provider code of PR1 cannot be associated with placements P1, R2 or
/// R5.
fn rule_527(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, &["P1", "R2", "R5"]) && t.is(r, PLACE_PROVIDER, "PR1")
    });
}

/// 528: A placement provider code of PR2 cannot be associated with placements P1, R2 or
/// R5.
fn rule_528(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, &["P1", "R2", "R5"]) && t.is(r, PLACE_PROVIDER, "PR2")
    });
}

/// 530: A placement provider code of PR4 cannot be associated with placement P1.
fn rule_530(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is(r, PLACE, "P1") && t.is(r, PLACE_PROVIDER, "PR4")
    });
}

/// 531: A placement provider code of PR5 cannot be associated with placements P1.
fn rule_531(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is(r, PLACE, "P1") && t.is(r, PLACE_PROVIDER, "PR5")
    });
}

/// 550: A placement provider code of PR0 can only be associated with placement P1.
fn rule_550(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        !t.is(r, PLACE, "P1") && t.is(r, PLACE_PROVIDER, "PR0")
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Header};

    const HEADER: (crate::ssda903::TableName, &str) =
        (Header, "CHILD,DOB\n1,01/01/2015\n2,01/01/2015");

    pub(crate) const CASES: &[Case] = &[
        Case { rule: "141", this: &[(Episodes, "CHILD,DECOM\n1,01/13/2026\n1,01/12/2026\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "143", this: &[(Episodes, "CHILD,RNE\n1,X\n1,S\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "147", this: &[(Episodes, "CHILD,DEC\n1,01/13/2026\n1,01/12/2026\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "148", this: &[(Episodes, "CHILD,DEC,REC\n1,01/12/2026,\n1,01/12/2026,E11\n1,,\n1,,X1")], last: &[], flagged: &["Episodes:0", "Episodes:3"] },
        Case { rule: "213", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,T0,PR1\n1,T0,\n1,U1,PR1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "214", this: &[(Episodes, "CHILD,LS,URN\n1,V3,SC1\n1,V3,\n1,C2,SC1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "242", this: &[(Episodes, "CHILD,URN,PLACE\n1,XXXXXXX,K2\n1,XXXXXXX,U1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "353", this: &[(Episodes, "CHILD,DECOM\n1,13/10/1991\n1,14/10/1991")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "354", this: &[(Episodes, "CHILD,DECOM\n1,01/04/2027\n1,31/03/2027")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "355", this: &[(Episodes, "CHILD,DECOM,DEC\n1,01/04/2026,01/04/2026\n1,01/04/2026,02/04/2026\n1,,")], last: &[], flagged: &["Episodes:0", "Episodes:2"] },
        Case { rule: "356", this: &[(Episodes, "CHILD,DECOM,DEC\n1,02/04/2026,01/04/2026\n1,01/04/2026,01/04/2026")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "366", this: &[(Episodes, "CHILD,LS,RNE\n1,V3,P\n1,V3,S\n1,V3,")], last: &[], flagged: &["Episodes:0", "Episodes:2"] },
        Case {
            rule: "371",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2026,02/04/2026,K3\n1,01/04/2031,02/04/2031,K3\n1,01/04/2026,,K3")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "372",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2024,02/04/2024,R5\n1,01/04/2026,02/04/2026,R5")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "373",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2018,02/04/2018,S1\n1,01/04/2019,02/04/2019,S1")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "374",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2026,02/04/2026,P3\n1,01/04/2029,02/04/2029,P3")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "375",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2026,14/05/2026,T1\n1,01/04/2026,13/05/2026,T1\n3,01/04/2026,14/05/2026,T1")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "376",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2026,23/04/2026,T3\n1,01/04/2026,22/04/2026,T3")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case { rule: "378", this: &[(Episodes, "CHILD,PLACE,LS\n1,P1,V2\n1,P1,C2")], last: &[], flagged: &["Episodes:0"] },
        Case {
            rule: "379",
            this: &[HEADER, (Episodes, "CHILD,DECOM,DEC,PLACE\n1,01/04/2026,09/04/2026,T4\n1,01/04/2026,08/04/2026,T4")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case { rule: "380", this: &[(Episodes, "CHILD,PLACE,RNE\n1,T0,S\n1,T0,P\n1,T1,")], last: &[], flagged: &["Episodes:0", "Episodes:2"] },
        Case { rule: "381", this: &[(Episodes, "CHILD,PLACE,REC\n1,T0,E11\n1,T0,X1\n1,T0,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "382", this: &[(Episodes, "CHILD,LS,PLACE\n1,V4,T2\n1,V4,U1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "384", this: &[(Episodes, "CHILD,LS,PLACE\n1,V4,U4\n1,V4,U2")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "385", this: &[(Episodes, "CHILD,DEC\n1,01/04/2027\n1,31/03/2027")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "390", this: &[(Episodes, "CHILD,REC,PLACE\n1,E11,U1\n1,E12,A4")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "392d", this: &[(Episodes, "CHILD,PLACE,HOME_POST,PL_POST\n1,U1,M1 1AA,M1 1AA\n1,P1,M1 1AA,M1 1AA\n1,U1,,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "398", this: &[(Episodes, "CHILD,LS,HOME_POST\n1,V3,M1 1AA\n1,V3,\n1,C2,M1 1AA")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "408", this: &[(Episodes, "CHILD,PLACE,LS\n1,A5,C2\n1,A5,E1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "516", this: &[(Episodes, "CHILD,REC,PLACE\n1,E45,K2\n1,E46,U3")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "526", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,U1,\n1,T1,\n1,U1,PR1")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "527", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,R2,PR1\n1,R2,PR3")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "528", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,R5,PR2\n1,R5,PR3")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "530", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,P1,PR4\n1,P1,PR0")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "531", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,P1,PR5\n1,P1,PR0")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "550", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,U1,PR0\n1,P1,PR0")], last: &[], flagged: &["Episodes:0"] },
    ];

    #[test]
    fn episodes_rules() {
        check(CASES);
    }
}
