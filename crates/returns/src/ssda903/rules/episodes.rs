//! Rules flagging rows of the Episodes table (episodes of care).

use chrono::{Duration, Months, NaiveDate};

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::episodes::{
    CHILD, CIN, DEC, DECOM, HOME_POST, LS, PLACE, PLACE_PROVIDER, PL_POST, REASON_PLACE_CHANGE,
    REC, RNE, URN,
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
        code: "233",
        needs: EPISODES,
        run: rule_233,
    },
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
    Rule {
        code: "365",
        needs: EPISODES,
        run: rule_365,
    },
    Rule {
        code: "426",
        needs: EPISODES,
        run: rule_426,
    },
    Rule {
        code: "446",
        needs: EPISODES,
        run: rule_446,
    },
    Rule {
        code: "1012",
        needs: EPISODES,
        run: rule_1012,
    },
    Rule {
        code: "145",
        needs: EPISODES,
        run: rule_145,
    },
    Rule {
        code: "217",
        needs: EPISODES,
        run: rule_217,
    },
    Rule {
        code: "359",
        needs: WITH_HEADER,
        run: rule_359,
    },
    Rule {
        code: "377",
        needs: EPISODES,
        run: rule_377,
    },
    Rule {
        code: "580",
        needs: &[
            Need::This(Episodes),
            Need::This(crate::ssda903::TableName::Missing),
        ],
        run: rule_580,
    },
    Rule {
        code: "529",
        needs: EPISODES,
        run: rule_529,
    },
    Rule {
        code: "551",
        needs: &[
            Need::This(Episodes),
            Need::This(crate::ssda903::TableName::PlacedAdoption),
        ],
        run: rule_551,
    },
    Rule {
        code: "582",
        needs: &[
            Need::This(Episodes),
            Need::This(crate::ssda903::TableName::Ad1),
        ],
        run: rule_582,
    },
    Rule {
        code: "144",
        needs: EPISODES,
        run: rule_144,
    },
    Rule {
        code: "146",
        needs: EPISODES,
        run: rule_146,
    },
    Rule {
        code: "149",
        needs: EPISODES,
        run: rule_149,
    },
    Rule {
        code: "178",
        needs: EPISODES,
        run: rule_178,
    },
    Rule {
        code: "1009",
        needs: EPISODES,
        run: rule_1009,
    },
    Rule {
        code: "222",
        needs: EPISODES,
        run: rule_222,
    },
    Rule {
        code: "392b",
        needs: EPISODES,
        run: rule_392b,
    },
    Rule {
        code: "399",
        needs: &[
            Need::This(Episodes),
            Need::This(Header),
            Need::This(crate::ssda903::TableName::Reviews),
        ],
        run: rule_399,
    },
    Rule {
        code: "367",
        needs: EPISODES,
        run: rule_367,
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

/// 365: Any individual short- term respite placement must not exceed 17 days.
///
/// An open episode counts as ending on 31 March.
fn rule_365(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let end = c.collection_end();
    each_row(f, t, |r| {
        let dec = if t.is_blank(r, DEC) {
            Some(end)
        } else {
            t.date(r, DEC)
        };
        t.is(r, LS, "V3")
            && matches!((dec, t.date(r, DECOM)), (Some(dec), Some(decom)) if dec > decom + Duration::days(17))
    });
}

/// 426: A child receiving respite care cannot be recorded under a legal status of V3 and
/// V4 in the same year.
fn rule_426(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        let other = match t.text(r, LS) {
            Some("V3") => "V4",
            Some("V4") => "V3",
            _ => return false,
        };
        t.rows_of(t.child(r)).any(|o| t.is(o, LS, other))
    });
}

/// 446: E1 episodes must be on or after the start date of the Adoption and Children Act
/// 2002 (1 December 2005).
fn rule_446(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let act = NaiveDate::from_ymd_opt(2005, 12, 1);
    each_row(f, t, |r| {
        t.is(r, LS, "E1") && t.date(r, DECOM).is_some_and(|d| Some(d) < act)
    });
}

/// 1012: No other data should be returned for OC3 children who had no episodes in the
/// current year.
///
/// Flags rows of PlacedAdoption, Missing, Reviews, AD1, PrevPerm and OC2 (those supplied)
/// whose child has no episode.
fn rule_1012(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::TableName::{Ad1, Missing, Oc2, PlacedAdoption, PrevPerm, Reviews};
    let episodes = c.this(Episodes);
    for table in [PlacedAdoption, Missing, Reviews, Ad1, PrevPerm, Oc2] {
        let t = c.this(table);
        each_row(f, t, |r| !episodes.has_child(t.child(r)));
    }
}

/// 145: Category of need code is not a valid code.
fn rule_145(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.present(r, CIN) && !t.is_in(r, CIN, &["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"])
    });
}

/// 217: Children who are placed for adoption with current consent … (placed for adoption,
/// A3 or A5, from 1 April 2015, must start a new period of care or change legal status:
/// RNE S, T or U).
fn rule_217(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let from = NaiveDate::from_ymd_opt(2015, 4, 1);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, &["A3", "A5"])
            && t.date(r, DECOM).is_some_and(|d| Some(d) >= from)
            && !t.is_in(r, RNE, &["S", "T", "U"])
    });
}

/// 359: Child being looked after following 18th birthday must be accommodated under
/// section 20(5) (V2) in a semi-independent placement (K2).
fn rule_359(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    let end = c.collection_end();
    each_row(f, t, |r| {
        t.is_blank(r, DEC)
            && !(t.is(r, LS, "V2") && t.is(r, PLACE, "K2"))
            && h.rows_of(t.child(r)).any(|hr| {
                h.date(hr, header::DOB)
                    .and_then(|dob| dob.checked_add_months(Months::new(12 * 18)))
                    .is_some_and(|d| d < end)
            })
    });
}

/// 377: Only two temporary placements coded as being due to holiday of usual foster
/// carer(s) are allowed in any 12-month period.
///
/// Every T3 episode of a child with more than two of them is flagged.
fn rule_377(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is(r, PLACE, "T3")
            && t.present(r, crate::ssda903::tables::cols::episodes::CHILD)
            && t.rows_of(t.child(r))
                .filter(|o| t.is(*o, PLACE, "T3"))
                .count()
                > 2
    });
}

/// 580: Child is missing or away from placement without authorisation on the date of
/// their 18th birthday and the episode ended that day, but the reason the episode ended
/// is not E8.
fn rule_580(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::missing;
    let (t, m) = (c.this(Episodes), c.this(crate::ssda903::TableName::Missing));
    each_row(f, t, |r| {
        let Some(dec) = t.date(r, DEC) else {
            return false;
        };
        !t.is(r, REC, "E8")
            && m.rows_of(t.child(r)).any(|mr| {
                let eighteenth = m
                    .date(mr, missing::DOB)
                    .and_then(|dob| dob.checked_add_months(Months::new(12 * 18)));
                m.date(mr, missing::MIS_END) == Some(dec) && eighteenth == Some(dec)
            })
    });
}

/// 529: Placement provider code of PR3 cannot be associated with placement A3, A4, A5,
/// A6, K1, K2, P1, U1–U6.
fn rule_529(c: &Ctx<'_>, f: &mut Flags) {
    const PLACES: &[&str] = &[
        "A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, PLACES) && t.is(r, PLACE_PROVIDER, "PR3")
    });
}

/// 551: Child has been placed for adoption but there is no date of the decision that the
/// child should be placed for adoption.
fn rule_551(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::placed_adoption::DATE_PLACED;
    let (t, p) = (
        c.this(Episodes),
        c.this(crate::ssda903::TableName::PlacedAdoption),
    );
    each_row(f, t, |r| {
        t.is_in(r, PLACE, &["A3", "A4", "A5", "A6"]) && {
            let mut rows = p.rows_of(t.child(r)).peekable();
            rows.peek().is_none() || rows.any(|pr| p.is_blank(pr, DATE_PLACED))
        }
    });
}

/// 582: Child is adopted but the date the episode ended is the same as the date of
/// matching (the reference compares the dates as written).
fn rule_582(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::ad1::DATE_MATCH;
    let (t, a) = (c.this(Episodes), c.this(crate::ssda903::TableName::Ad1));
    each_row(f, t, |r| {
        t.is_in(r, REC, &["E11", "E12"])
            && t.present(r, DEC)
            && a.rows_of(t.child(r))
                .any(|ar| a.text(ar, DATE_MATCH) == t.text(r, DEC))
    });
}

/// 144: The legal status code is not a valid code.
fn rule_144(c: &Ctx<'_>, f: &mut Flags) {
    const VALID: &[&str] = &[
        "C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, LS) && !t.is_in(r, LS, VALID));
}

/// 146: Placement type code is not a valid code.
fn rule_146(c: &Ctx<'_>, f: &mut Flags) {
    const VALID: &[&str] = &[
        "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
        "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, PLACE) && !t.is_in(r, PLACE, VALID));
}

/// 149: Reason episode ceased code is not valid.
fn rule_149(c: &Ctx<'_>, f: &mut Flags) {
    const VALID: &[&str] = &[
        "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5",
        "E6", "E7", "E8", "E9", "E14", "E15", "E16", "E17", "X1",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| t.present(r, REC) && !t.is_in(r, REC, VALID));
}

/// 178: Placement provider code is not a valid code.
///
/// Also flags a provider given for a placement that has none (T0–T3, Z11–Z14; the
/// reference's list leaves out T4).
fn rule_178(c: &Ctx<'_>, f: &mut Flags) {
    const PROVIDERS: &[&str] = &["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"];
    const NO_PROVIDER: &[&str] = &["T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"];
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.present(r, PLACE_PROVIDER)
            && (!t.is_in(r, PLACE_PROVIDER, PROVIDERS) || t.is_in(r, PLACE, NO_PROVIDER))
    });
}

/// 1009: Reason for placement change is not a valid code.
fn rule_1009(c: &Ctx<'_>, f: &mut Flags) {
    const VALID: &[&str] = &[
        "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE",
        "CUSTOD", "OTHER",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.present(r, REASON_PLACE_CHANGE) && !t.is_in(r, REASON_PLACE_CHANGE, VALID)
    });
}

/// 222: Ofsted Unique reference number (URN) should not be recorded for this placement
/// type.
fn rule_222(c: &Ctx<'_>, f: &mut Flags) {
    const NO_URN: &[&str] = &[
        "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14",
    ];
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_in(r, PLACE, NO_URN) && t.present(r, URN) && !t.is(r, URN, "XXXXXXX")
    });
}

/// 392b: Child is looked after but no postcodes are recorded.
///
/// An episode other than a short break missing either postcode, unless the child is
/// known as UASC (the derived Header `UASC` of this year or, with last year's UASC
/// table, last year).
fn rule_392b(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::TableName::Uasc;
    let t = c.this(Episodes);
    let mut uasc = vec![false; c.ret.children().len()];
    let mut mark = |h: &crate::ssda903::Table, derived: &dyn Fn(usize) -> bool| {
        for hr in h.rows() {
            if derived(hr) {
                if let Some(slot) = uasc.get_mut(h.child(hr).index()) {
                    *slot = true;
                }
            }
        }
    };
    if c.ret.table(Header).is_some() {
        mark(c.this(Header), &|hr| c.header_uasc(hr) == Some(true));
    } else if let Some(u) = c.ret.table(Uasc) {
        mark(u, &|r| any_but_child(u, r));
    }
    if let Some(last) = c.ret.last_year_table(Header) {
        if let Some(u) = c.ret.last_year_table(Uasc) {
            let derived = super::derived_uasc(last, u);
            mark(last, &|hr| derived.get(hr).copied().unwrap_or(false));
        }
    } else if let Some(u) = c.ret.last_year_table(Uasc) {
        mark(u, &|r| any_but_child(u, r));
    }
    each_row(f, t, |r| {
        !uasc.get(t.child(r).index()).copied().unwrap_or(false)
            && !t.is_in(r, LS, SHORT_BREAK)
            && (t.is_blank(r, HOME_POST) || t.is_blank(r, PL_POST))
    });
}

/// Whether the UASC row has anything besides `CHILD`.
fn any_but_child(u: &crate::ssda903::Table, r: usize) -> bool {
    use crate::ssda903::tables::cols::uasc::{DOB, DUC, SEX};
    [SEX, DOB, DUC].iter().any(|col| u.present(r, *col))
}

/// 399: Mother field, review field or participation field are completed but child is
/// looked after under legal status V3 or V4.
///
/// For a child whose every episode is a short break: flags its episodes, the Header
/// rows and the Reviews rows, wherever a Header row has `MOTHER` or a review has a date
/// or participation code.
fn rule_399(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::reviews::{REVIEW, REVIEW_CODE};
    use crate::ssda903::TableName::Reviews;
    let (t, h, v) = (c.this(Episodes), c.this(Header), c.this(Reviews));
    for (child, rows) in t.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| t.is_blank(r, CHILD))
            || !rows().all(|r| t.is_in(r, LS, SHORT_BREAK))
        {
            continue;
        }
        let mother = |hr: usize| h.present(hr, header::MOTHER);
        let reviewed = |vr: usize| v.present(vr, REVIEW) || v.present(vr, REVIEW_CODE);
        let any_mother = h.rows_of(child).any(mother);
        let any_review = v.rows_of(child).any(reviewed);
        if !(any_mother || any_review) {
            continue;
        }
        for r in rows() {
            f.flag(t, r);
        }
        for hr in h.rows_of(child) {
            if mother(hr) || any_review {
                f.flag(h, hr);
            }
        }
        for vr in v.rows_of(child) {
            if reviewed(vr) || any_mother {
                f.flag(v, vr);
            }
        }
    }
}

/// 367: The maximum amount of respite care allowable is 75 days in any 12-month period.
///
/// The child's V3 episodes within the year (a start before 1 April counts from then, a
/// blank end or one after 31 March as 31 March; an end that cannot be read drops the
/// episode) add up to more than 75 days: each of them that lasted at least a day is
/// flagged.
fn rule_367(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    let (start, end) = (c.collection_start(), c.collection_end());
    let days = |r: usize| -> Option<i64> {
        if !t.is(r, LS, "V3") || t.is_blank(r, DECOM) {
            return None;
        }
        let from = t.date(r, DECOM)?.max(start);
        let to = if t.is_blank(r, DEC) {
            end
        } else {
            t.date(r, DEC)?.min(end)
        };
        let length = (to - from).num_days();
        (length > 0).then_some(length)
    };
    for (_, rows) in t.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| t.is_blank(r, CHILD)) {
            continue;
        }
        let total: i64 = rows().filter_map(days).sum();
        if total > 75 {
            for r in rows().filter(|r| days(*r).is_some()) {
                f.flag(t, r);
            }
        }
    }
}

/// 233: Reason for placement change is not required when the episode has not ceased.
///
/// An episode with no end and a reason for placement change. The reference cannot run it
/// (it reads a column `DATE_EPISODE_CEASED` that no table has), so this is the DfE's
/// rule, not compared.
fn rule_233(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    each_row(f, t, |r| {
        t.is_blank(r, DEC) && t.present(r, REASON_PLACE_CHANGE)
    });
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Header};

    const HEADER: (crate::ssda903::TableName, &str) =
        (Header, "CHILD,DOB\n1,01/01/2015\n2,01/01/2015");

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "233",
            this: &[(
                Episodes,
                "CHILD,DEC,REASON_PLACE_CHANGE\n1,,CARPL\n2,01/06/2026,CARPL\n3,,",
            )],
            last: &[],
            flagged: &["Episodes:0"],
        },
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
        Case { rule: "365", this: &[(Episodes, "CHILD,LS,DECOM,DEC\n1,V3,01/04/2026,19/04/2026\n1,V3,01/04/2026,18/04/2026\n1,V3,20/03/2027,\n1,V3,01/01/2027,")], last: &[], flagged: &["Episodes:0", "Episodes:3"] },
        Case { rule: "426", this: &[(Episodes, "CHILD,LS\n1,V3\n1,C2\n1,V4\n2,V3\n2,V3")], last: &[], flagged: &["Episodes:0", "Episodes:2"] },
        Case { rule: "446", this: &[(Episodes, "CHILD,LS,DECOM\n1,E1,30/11/2005\n1,E1,01/12/2005\n1,C2,30/11/2005")], last: &[], flagged: &["Episodes:0"] },
        Case {
            rule: "1012",
            this: &[(Episodes, "CHILD\n1"), (crate::ssda903::TableName::Reviews, "CHILD\n1\n2"), (crate::ssda903::TableName::Oc2, "CHILD\n2")],
            last: &[],
            flagged: &["Reviews:1", "OC2:0"],
        },
        Case { rule: "145", this: &[(Episodes, "CHILD,CIN\n1,N9\n1,N1\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "217", this: &[(Episodes, "CHILD,PLACE,DECOM,RNE\n1,A3,01/04/2015,P\n1,A3,01/04/2015,S\n1,A3,31/03/2015,P")], last: &[], flagged: &["Episodes:0"] },
        Case {
            rule: "359",
            this: &[(Header, "CHILD,DOB\n1,01/01/2005\n2,01/01/2015"), (Episodes, "CHILD,LS,PLACE,DEC\n1,C2,U1,\n1,V2,K2,\n2,C2,U1,\n1,C2,U1,01/01/2027")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case { rule: "377", this: &[(Episodes, "CHILD,PLACE\n1,T3\n1,T3\n1,T3\n2,T3\n2,T3\n1,U1")], last: &[], flagged: &["Episodes:0", "Episodes:1", "Episodes:2"] },
        Case {
            rule: "580",
            this: &[
                (Episodes, "CHILD,DEC,REC\n1,01/01/2026,E11\n1,01/01/2026,E8\n2,01/01/2026,E11"),
                (crate::ssda903::TableName::Missing, "CHILD,DOB,MIS_END\n1,01/01/2008,01/01/2026\n2,01/01/2008,02/01/2026"),
            ],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case { rule: "529", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,U1,PR3\n1,R1,PR3")], last: &[], flagged: &["Episodes:0"] },
        Case {
            rule: "551",
            this: &[(Episodes, "CHILD,PLACE\n1,A3\n2,A4\n3,A5\n3,U1"), (crate::ssda903::TableName::PlacedAdoption, "CHILD,DATE_PLACED\n2,01/01/2026\n3,")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2"],
        },
        Case {
            rule: "582",
            this: &[(Episodes, "CHILD,REC,DEC\n1,E11,01/01/2027\n2,E11,01/01/2027\n3,E3,01/01/2027"), (crate::ssda903::TableName::Ad1, "CHILD,DATE_MATCH\n1,01/01/2027\n2,02/01/2027\n3,01/01/2027")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case { rule: "144", this: &[(Episodes, "CHILD,LS\n1,C3\n1,C2\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "146", this: &[(Episodes, "CHILD,PLACE\n1,Z1\n1,Z11\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "149", this: &[(Episodes, "CHILD,REC\n1,E1\n1,E11\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "178", this: &[(Episodes, "CHILD,PLACE,PLACE_PROVIDER\n1,U1,PR9\n1,T0,PR1\n1,U1,PR1\n1,T4,PR1\n1,T0,")], last: &[], flagged: &["Episodes:0", "Episodes:1"] },
        Case { rule: "1009", this: &[(Episodes, "CHILD,REASON_PLACE_CHANGE\n1,OTHERS\n1,OTHER\n1,")], last: &[], flagged: &["Episodes:0"] },
        Case { rule: "222", this: &[(Episodes, "CHILD,PLACE,URN\n1,P1,SC1\n1,P1,XXXXXXX\n1,U1,SC1\n1,P1,")], last: &[], flagged: &["Episodes:0"] },
        Case {
            rule: "392b",
            this: &[
                (Episodes, "CHILD,LS,HOME_POST,PL_POST\n1,C2,M1 1AA,\n1,V3,,\n1,C2,M1 1AA,M2 2BB\n2,C2,,"),
                (Header, "CHILD\n1\n2"),
                (crate::ssda903::TableName::Uasc, "CHILD\n2"),
            ],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "399",
            this: &[
                (Episodes, "CHILD,LS\n1,V3\n1,V4\n2,V3\n2,C2\n3,V3"),
                (Header, "CHILD,MOTHER\n1,\n2,1\n3,"),
                (crate::ssda903::TableName::Reviews, "CHILD,REVIEW\n1,01/01/2026\n2,01/01/2026\n3,"),
            ],
            last: &[],
            flagged: &["Header:0", "Episodes:0", "Episodes:1", "Reviews:0"],
        },
        Case {
            rule: "367",
            this: &[(Episodes, "CHILD,LS,DECOM,DEC\n1,V3,01/01/2026,01/05/2026\n1,V3,01/06/2026,17/07/2026\n1,C2,01/08/2026,\n2,V3,01/04/2026,15/06/2026\n3,V3,01/04/2026,17/06/2026")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:1", "Episodes:4"],
        },
    ];

    #[test]
    fn episodes_rules() {
        check(CASES);
    }
}
