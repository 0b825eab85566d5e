//! Rules comparing an episode with the child's age, from the date of birth in Header:
//! who may start care, leave care for a given reason, or hold a legal status at what
//! age. They flag Episodes rows, and for some rules the Header row too.
//!
//! The reference joins each episode to every Header row of its child (a left join): a
//! child in Header twice is judged by each row, and an episode of a child missing from
//! Header is judged against a blank date of birth, which some rules flag.

use chrono::NaiveDate;

use super::{birthday, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::episodes::{DEC, DECOM, LS, REASON_PLACE_CHANGE, REC, RNE};
use crate::ssda903::tables::cols::header;
use crate::ssda903::TableName::{Episodes, Header, Oc3};

const WITH_HEADER: &[Need] = &[Need::This(Episodes), Need::This(Header)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "165",
        needs: &[Need::This(Header), Need::This(Episodes), Need::This(Oc3)],
        run: rule_165,
    },
    Rule {
        code: "234",
        needs: WITH_HEADER,
        run: rule_234,
    },
    Rule {
        code: "352",
        needs: WITH_HEADER,
        run: rule_352,
    },
    Rule {
        code: "358",
        needs: WITH_HEADER,
        run: rule_358,
    },
    Rule {
        code: "386",
        needs: WITH_HEADER,
        run: rule_386,
    },
    Rule {
        code: "387",
        needs: WITH_HEADER,
        run: rule_387,
    },
    Rule {
        code: "389",
        needs: WITH_HEADER,
        run: rule_389,
    },
    Rule {
        code: "407",
        needs: WITH_HEADER,
        run: rule_407,
    },
    Rule {
        code: "442",
        needs: WITH_HEADER,
        run: rule_442,
    },
    Rule {
        code: "460",
        needs: WITH_HEADER,
        run: rule_460,
    },
    Rule {
        code: "210",
        needs: WITH_HEADER,
        run: rule_210,
    },
    Rule {
        code: "607",
        needs: WITH_HEADER,
        run: rule_607,
    },
    Rule {
        code: "625",
        needs: WITH_HEADER,
        run: rule_625,
    },
];

/// Flags each episode for which `breaks(episode, dob)` holds for some Header row of the
/// child, or for a blank date of birth when the child is not in Header; with
/// `flag_header`, flags those Header rows too.
fn by_age(
    c: &Ctx<'_>,
    f: &mut Flags,
    flag_header: bool,
    breaks: impl Fn(usize, Option<NaiveDate>) -> bool,
) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    for r in t.rows() {
        let mut rows = h.rows_of(t.child(r)).peekable();
        if rows.peek().is_none() {
            if breaks(r, None) {
                f.flag(t, r);
            }
            continue;
        }
        for hr in rows {
            if breaks(r, h.date(hr, header::DOB)) {
                f.flag(t, r);
                if flag_header {
                    f.flag(h, hr);
                }
            }
        }
    }
}

/// 165: Data entry for mother status is invalid.
///
/// For a child with an episode (other than a short break) this year, flags the Header
/// row, and the child's OC3 rows, when `MOTHER` is not 0 or 1, is given for a boy (sex
/// 1), is blank for a girl (sex 2) looked after this year, or is given for a girl not
/// looked after this year who has care-leaver items (those OC3 rows alone count then).
fn rule_165(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::CHILD;
    use crate::ssda903::tables::cols::oc3::{ACCOM, ACTIV, IN_TOUCH};
    let (t, h, o) = (c.this(Episodes), c.this(Header), c.this(Oc3));
    let (start, end) = (c.collection_start(), c.collection_end());
    for (child, rows) in t.by_child() {
        let rows = || {
            rows.iter()
                .map(|r| *r as usize)
                .filter(|r| !t.is_in(*r, LS, &["V3", "V4"]))
        };
        if rows().next().is_none() {
            continue;
        }
        // Blank CHILD: the reference's per-child count is NaN, never above 0.
        let in_year = rows().next().is_some_and(|r| t.present(r, CHILD))
            && rows().any(|r| {
                t.date(r, DEC).unwrap_or(end) >= start && t.date(r, DECOM).is_some_and(|d| d <= end)
            });
        for hr in h.rows_of(child) {
            let mother = h.text(hr, header::MOTHER);
            let sex = h.text(hr, header::SEX);
            let wrong = mother.is_some_and(|m| m != "0" && m != "1")
                || (mother.is_some() && sex == Some("1"))
                || (mother.is_none() && sex == Some("2") && in_year);
            let leaver = mother.is_some() && sex == Some("2") && !in_year;
            let mut any_oc3 = false;
            for or in o.rows_of(child) {
                let has_oc3 = [IN_TOUCH, ACTIV, ACCOM]
                    .iter()
                    .any(|col| o.present(or, *col));
                if wrong || (leaver && has_oc3) {
                    f.flag(o, or);
                    any_oc3 = true;
                }
            }
            if wrong || any_oc3 {
                f.flag(h, hr);
            }
        }
    }
}

/// 234: A child aged under 10 can not change placement due to being admitted to custody
///
/// Dates are read day first (ISO dates too), as the reference reads them here.
fn rule_234(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    let dayfirst = crate::ssda903::parse_dayfirst;
    for r in t.rows() {
        if !t.is(r, REASON_PLACE_CHANGE, "CUSTOD") {
            continue;
        }
        let decom = t.text(r, DECOM).and_then(dayfirst);
        for hr in h.rows_of(t.child(r)) {
            let tenth = birthday(h.text(hr, header::DOB).and_then(dayfirst), 10);
            if matches!((tenth, decom), (Some(b), Some(d)) if b > d) {
                f.flag(t, r);
                f.flag(h, hr);
            }
        }
    }
}

/// 352: Child who started to be looked after was aged 18 or over.
fn rule_352(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, false, |r, dob| {
        t.is(r, RNE, "S")
            && matches!((birthday(dob, 18), t.date(r, DECOM)), (Some(b), Some(d)) if b <= d)
    });
}

/// 358: Child with this legal status should not be under 10.
fn rule_358(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, true, |r, dob| {
        t.is_in(r, LS, &["J1", "J2", "J3"])
            && matches!((birthday(dob, 10), t.date(r, DECOM)), (Some(b), Some(d)) if b >= d)
    });
}

/// 386: Reason episode ceased is adopted but child has reached age 18.
fn rule_386(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, false, |r, dob| {
        t.is_in(r, REC, &["E11", "E12"])
            && matches!((birthday(dob, 18), t.date(r, DEC)), (Some(b), Some(d)) if b <= d)
    });
}

/// 387: Reason episode ceased is child moved into independent living arrangement, but
/// the child is aged under 14.
///
/// A blank or unreadable date of birth counts as under 14.
fn rule_387(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, false, |r, dob| {
        let Some(dec) = t.date(r, DEC) else {
            return false;
        };
        t.is_in(r, REC, &["E5", "E6"]) && birthday(dob, 14).is_none_or(|b| b > dec)
    });
}

/// 389: Reason episode ceased is that child transferred to care of adult social care
/// services, but child is aged under 16.
///
/// A blank or unreadable date of birth or end date counts as under 16.
fn rule_389(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, false, |r, dob| {
        t.is(r, REC, "E7")
            && !matches!((birthday(dob, 16), t.date(r, DEC)), (Some(b), Some(d)) if b <= d)
    });
}

/// 407: Reason episode ceased is Special Guardianship Order, but child has reached age
/// 18.
fn rule_407(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, true, |r, dob| {
        t.is_in(r, REC, &["E45", "E46", "E47", "E48"])
            && matches!((birthday(dob, 18), t.date(r, DEC)), (Some(b), Some(d)) if b < d)
    });
}

/// 442: Unique Pupil Number (UPN) field is not completed.
///
/// Flags the Header row of a child with a blank UPN and an episode other than a short
/// break (V3, V4).
fn rule_442(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    for hr in h.rows() {
        if h.is_blank(hr, header::UPN)
            && t.rows_of(h.child(hr))
                .any(|r| !t.is_in(r, LS, &["V3", "V4"]))
        {
            f.flag(h, hr);
        }
    }
}

/// 460: Reason episode ceased is that child stayed with current carers at age 18 (or
/// above), but child is aged under 18.
fn rule_460(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Episodes);
    by_age(c, f, false, |r, dob| {
        t.is(r, REC, "E17")
            && matches!((birthday(dob, 18), t.date(r, DEC)), (Some(b), Some(d)) if b > d)
    });
}

/// 210: Children looked after for more than a week at 31 March should not have an
/// unknown Unique Pupil Number (UPN) code of UN4.
///
/// Flags episodes starting on or after 24 March of the year's end, and the child's
/// Header rows with UPN `UN4`.
fn rule_210(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    let from = c.collection_end() - chrono::Duration::days(7);
    for r in t.rows() {
        if t.date(r, DECOM).is_none_or(|d| d < from) {
            continue;
        }
        for hr in h.rows_of(t.child(r)) {
            if h.is(hr, header::UPN, "UN4") {
                f.flag(t, r);
                f.flag(h, hr);
            }
        }
    }
}

/// 607: Child ceased to be looked after in the year, but mother field has not been
/// completed.
///
/// The reference asks for sex `F` (not the code 2) here.
fn rule_607(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Episodes), c.this(Header));
    let year = c.collection_start()..=c.collection_end();
    for r in t.rows() {
        let ceased = t.date(r, DEC).is_some_and(|d| year.contains(&d))
            && t.present(r, REC)
            && !t.is(r, REC, "X1")
            && !t.is_in(r, LS, &["V3", "V4"]);
        if !ceased {
            continue;
        }
        for hr in h.rows_of(t.child(r)) {
            if h.is(hr, header::SEX, "F") && h.is_blank(hr, header::MOTHER) {
                f.flag(t, r);
                f.flag(h, hr);
            }
        }
    }
}

/// 625: Date of birth of the first child is beyond the end of this reporting year or
/// the date the child ceased to be looked after.
///
/// Compared with the child's latest-ending episode.
fn rule_625(c: &Ctx<'_>, f: &mut Flags) {
    use crate::ssda903::tables::cols::episodes::CHILD;
    let (t, h) = (c.this(Episodes), c.this(Header));
    let end = c.collection_end();
    for (child, rows) in t.by_child() {
        if rows.first().is_some_and(|r| t.is_blank(*r as usize, CHILD)) {
            continue;
        }
        let Some(latest) = super::first_latest(t, DEC, rows) else {
            continue;
        };
        let dec = t.date(latest, DEC);
        for hr in h.rows_of(child) {
            if h.date(hr, header::MC_DOB)
                .is_some_and(|d| d > end || dec.is_some_and(|dec| d > dec))
            {
                f.flag(t, latest);
                f.flag(h, hr);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::{Episodes, Header, Oc3};

    const HEADER: (crate::ssda903::TableName, &str) = (Header, "CHILD,DOB\n1,01/01/2010\n2,bad");

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "165",
            this: &[
                (Header, "CHILD,SEX,MOTHER\n1,1,0\n2,2,\n3,2,0\n4,2,1\n5,2,1\n6,2,"),
                (Episodes, "CHILD,DECOM,DEC,LS\n1,01/01/2026,,C2\n2,01/01/2026,,C2\n3,01/01/2026,,C2\n4,01/01/2025,01/01/2026,C2\n5,01/01/2025,01/01/2026,C2\n6,01/01/2026,,V3"),
                (Oc3, "CHILD,IN_TOUCH\n4,YES\n5,\n1,YES"),
            ],
            last: &[],
            flagged: &["Header:0", "Header:1", "Header:3", "OC3:0", "OC3:2"],
        },
        Case {
            rule: "234",
            this: &[HEADER, (Episodes, "CHILD,DECOM,REASON_PLACE_CHANGE\n1,31/12/2019,CUSTOD\n1,01/01/2020,CUSTOD\n1,31/12/2019,CHILD\n2,31/12/2019,CUSTOD")],
            last: &[],
            flagged: &["Header:0", "Episodes:0"],
        },
        Case {
            rule: "352",
            this: &[HEADER, (Episodes, "CHILD,DECOM,RNE\n1,01/01/2028,S\n1,31/12/2027,S\n1,01/01/2028,P\n2,01/01/2028,S")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "358",
            this: &[HEADER, (Episodes, "CHILD,DECOM,LS\n1,01/01/2020,J1\n1,02/01/2020,J1\n1,01/01/2020,C2\n2,01/01/2020,J1")],
            last: &[],
            flagged: &["Header:0", "Episodes:0"],
        },
        Case {
            rule: "386",
            this: &[HEADER, (Episodes, "CHILD,DEC,REC\n1,01/01/2028,E11\n1,31/12/2027,E11\n2,01/01/2028,E11")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "387",
            this: &[HEADER, (Episodes, "CHILD,DEC,REC\n1,31/12/2023,E5\n1,01/01/2024,E5\n2,01/01/2024,E6\n3,01/01/2024,E6\n1,,E5")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2", "Episodes:3"],
        },
        Case {
            rule: "389",
            this: &[HEADER, (Episodes, "CHILD,DEC,REC\n1,31/12/2025,E7\n1,01/01/2026,E7\n1,,E7\n2,01/01/2026,E3")],
            last: &[],
            flagged: &["Episodes:0", "Episodes:2"],
        },
        Case {
            rule: "407",
            this: &[HEADER, (Episodes, "CHILD,DEC,REC\n1,02/01/2028,E45\n1,01/01/2028,E45")],
            last: &[],
            flagged: &["Header:0", "Episodes:0"],
        },
        Case {
            rule: "442",
            this: &[(Header, "CHILD,UPN\n1,\n2,\n3,A1\n4,"), (Episodes, "CHILD,LS\n1,C2\n2,V3\n3,C2")],
            last: &[],
            flagged: &["Header:0"],
        },
        Case {
            rule: "460",
            this: &[HEADER, (Episodes, "CHILD,DEC,REC\n1,31/12/2027,E17\n1,01/01/2028,E17\n2,01/01/2020,E17")],
            last: &[],
            flagged: &["Episodes:0"],
        },
        Case {
            rule: "210",
            this: &[(Header, "CHILD,UPN\n1,UN4\n2,UN3"), (Episodes, "CHILD,DECOM\n1,24/03/2027\n1,23/03/2027\n2,24/03/2027")],
            last: &[],
            flagged: &["Header:0", "Episodes:0"],
        },
        Case {
            rule: "607",
            this: &[(Header, "CHILD,SEX,MOTHER\n1,F,\n2,F,0\n3,2,"), (Episodes, "CHILD,DEC,REC,LS\n1,01/05/2026,E3,C2\n2,01/05/2026,E3,C2\n3,01/05/2026,E3,C2\n1,01/05/2026,X1,C2")],
            last: &[],
            flagged: &["Header:0", "Episodes:0"],
        },
        Case {
            rule: "625",
            this: &[(Header, "CHILD,MC_DOB\n1,02/05/2026\n2,01/05/2026"), (Episodes, "CHILD,DEC\n1,01/04/2026\n1,01/05/2026\n2,01/05/2026")],
            last: &[],
            flagged: &["Header:0", "Episodes:1"],
        },
    ];

    #[test]
    fn ages_rules() {
        check(CASES);
    }
}
