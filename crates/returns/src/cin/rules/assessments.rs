//! Rules flagging rows of Assessments (one row per assessment) and their factors.

use rustc_hash::FxHashMap;

use super::{each_row, Ctx, Flags, Rule};
use crate::cin::cols::assessment_factors::FACTOR;
use crate::cin::cols::assessments::{AUTHORISATION, START};
use crate::cin::Key;
use crate::cin::TableName::{AssessmentFactorsList, Assessments};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "8608",
        run: rule_8608,
    },
    Rule {
        code: "8614",
        run: rule_8614,
    },
    Rule {
        code: "8696",
        run: rule_8696,
    },
    Rule {
        code: "8736",
        run: rule_8736,
    },
    Rule {
        code: "8896",
        run: rule_8896,
    },
    Rule {
        code: "8897Q",
        run: rule_8897q,
    },
    Rule {
        code: "8898",
        run: rule_8898,
    },
    Rule {
        code: "8869",
        run: never,
    },
    Rule {
        code: "8945Q",
        run: never,
    },
    Rule {
        code: "8950Q",
        run: never,
    },
];

/// Rules 8869, 8945Q and 8950Q: the reference compares the assessment's factors with
/// a single code (`"21"`, `"18A"`, `"19A"`), but it holds them as a list, which never
/// equals a code; so they never flag a census read from XML, and neither does
/// Carebridge (they agree, and the oracle checks it). See `CIN_RULES.md`.
fn never(_: &Ctx<'_>, _: &mut Flags) {}

/// Assessment Start Date cannot be later than its End Date.
fn rule_8608(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    each_row(
        f,
        t,
        |r| matches!((t.date(r, START), t.date(r, AUTHORISATION)), (Some(s), Some(a)) if s > a),
    );
}

/// Parental or child factors at assessment should only be present for a completed
/// assessment.
fn rule_8614(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    each_row(f, t, |r| {
        t.date(r, AUTHORISATION).is_none() && t.factor_rows(r).is_some()
    });
}

/// Assessment end date must fall within the census year.
fn rule_8696(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    let Some((start, end)) = c.period() else {
        return;
    };
    each_row(f, t, |r| {
        t.date(r, AUTHORISATION)
            .is_some_and(|d| d < start || d > end)
    });
}

/// For an Assessment that has not been completed, the start date must fall within the
/// census year (a missing start does not).
fn rule_8736(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    let period = c.period();
    each_row(f, t, |r| {
        t.date(r, AUTHORISATION).is_none()
            && !matches!((period, t.date(r, START)), (Some((s, e)), Some(d)) if s <= d && d <= e)
    });
}

/// Within one CINDetails group there are 2 or more open Assessments groups: every
/// assessment of such an episode is flagged (episodes of children with no LAchildID are
/// not counted, as pandas' `groupby` drops them).
fn rule_8896(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.table(Assessments);
    let mut open: FxHashMap<(Key, u32), u32> = FxHashMap::default();
    for r in t.rows().filter(|r| t.date(*r, AUTHORISATION).is_none()) {
        if t.key(r) != Key::MISSING {
            *open.entry((t.key(r), t.cin(r))).or_default() += 1;
        }
    }
    each_row(f, t, |r| {
        open.get(&(t.key(r), t.cin(r))).is_some_and(|n| *n > 1)
    });
}

const FACTORS: &[&str] = &[
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A",
    "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A",
    "16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
];

/// Parental or child factors at assessment information is missing from a completed
/// assessment. As the reference reads it: an assessment authorised in the census
/// period is flagged unless every factor it is joined with is a known code, where the
/// join is on LAchildID and AssessmentID only (so an assessment also meets the factors
/// of the assessment with the same number in the child's other episodes).
fn rule_8897q(c: &Ctx<'_>, f: &mut Flags) {
    let (t, list) = (c.table(Assessments), c.table(AssessmentFactorsList));
    let Some((start, _)) = c.period() else { return };
    let mut factors: FxHashMap<(Key, u32), Vec<usize>> = FxHashMap::default();
    for r in list.rows() {
        factors
            .entry((list.key(r), list.assessment(r)))
            .or_default()
            .push(r);
    }
    each_row(f, t, |r| {
        if t.date(r, AUTHORISATION).is_none_or(|d| d < start) {
            return false;
        }
        let joined = factors
            .get(&(t.key(r), t.assessment(r)))
            .map_or(&[][..], Vec::as_slice);
        let listed = t.factor_rows(r).is_some();
        joined.is_empty() || !listed || joined.iter().any(|x| !list.is_in(*x, FACTOR, FACTORS))
    });
}

/// The assessment has more than one parental or child factors with the same code. (The
/// reference joins on LAchildID, CINdetailsID and AssessmentID, so assessments of
/// children with the same or no LAchildID share their factors.)
fn rule_8898(c: &Ctx<'_>, f: &mut Flags) {
    let (t, list) = (c.table(Assessments), c.table(AssessmentFactorsList));
    type Group = (Key, u32, u32);
    let mut assessments: FxHashMap<Group, u32> = FxHashMap::default();
    for r in t.rows() {
        *assessments
            .entry((t.key(r), t.cin(r), t.assessment(r)))
            .or_default() += 1;
    }
    let mut counts: FxHashMap<(Group, Option<&str>), u32> = FxHashMap::default();
    for r in list.rows() {
        *counts
            .entry((
                (list.key(r), list.cin(r), list.assessment(r)),
                list.text(r, FACTOR),
            ))
            .or_default() += 1;
    }
    let mut repeated: rustc_hash::FxHashSet<Group> = rustc_hash::FxHashSet::default();
    for ((group, _), n) in &counts {
        if n * assessments.get(group).copied().unwrap_or(0) > 1 {
            repeated.insert(*group);
        }
    }
    each_row(f, t, |r| {
        repeated.contains(&(t.key(r), t.cin(r), t.assessment(r)))
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{check, Case};

    macro_rules! assessments {
        ($($a:expr),* $(,)?) => { concat!("<Child><ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers><ChildCharacteristics/><CINdetails>", $("<Assessments>", $a, "</Assessments>",)* "</CINdetails></Child>") };
    }

    pub const CASES: &[Case] = &[
        Case { rule: "8608", children: assessments!("<AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate>", "<AssessmentActualStartDate>2025-05-01</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate>"), flagged: &["Assessments:0"] },
        Case { rule: "8614", children: assessments!("<FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>", "<AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>", "<FactorsIdentifiedAtAssessment/>"), flagged: &["Assessments:0"] },
        Case { rule: "8696", children: assessments!("<AssessmentAuthorisationDate>2025-03-31</AssessmentAuthorisationDate>", "<AssessmentAuthorisationDate>2025-04-01</AssessmentAuthorisationDate>"), flagged: &["Assessments:0"] },
        Case { rule: "8736", children: assessments!("<AssessmentActualStartDate>2025-03-31</AssessmentActualStartDate>", "<AssessmentActualStartDate>2025-04-01</AssessmentActualStartDate>", "<AssessmentActualStartDate>2025-03-31</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate>"), flagged: &["Assessments:0"] },
        Case { rule: "8896", children: concat!(assessments!("", "", "<AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate>"), "<Child><ChildIdentifiers><LAchildID>C2</LAchildID></ChildIdentifiers><ChildCharacteristics/><CINdetails><Assessments/></CINdetails><CINdetails><Assessments/></CINdetails></Child>"), flagged: &["Assessments:0", "Assessments:1", "Assessments:2"] },
        Case { rule: "8897Q", children: assessments!("<AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate>", "<AssessmentAuthorisationDate>2025-05-01</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>", "<AssessmentAuthorisationDate>2025-03-01</AssessmentAuthorisationDate>"), flagged: &["Assessments:0"] },
        Case { rule: "8898", children: assessments!("<FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors><AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>", "<FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors><AssessmentFactors>2A</AssessmentFactors></FactorsIdentifiedAtAssessment>"), flagged: &["Assessments:0"] },
        Case { rule: "8869", children: assessments!("<FactorsIdentifiedAtAssessment><AssessmentFactors>21</AssessmentFactors><AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>"), flagged: &[] },
        Case { rule: "8945Q", children: assessments!("<FactorsIdentifiedAtAssessment><AssessmentFactors>18A</AssessmentFactors></FactorsIdentifiedAtAssessment>"), flagged: &[] },
        Case { rule: "8950Q", children: assessments!("<FactorsIdentifiedAtAssessment><AssessmentFactors>19A</AssessmentFactors></FactorsIdentifiedAtAssessment>"), flagged: &[] },
    ];

    #[test]
    fn cases() {
        check(CASES);
    }
}
