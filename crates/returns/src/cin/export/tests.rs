use carebridge_domain::casefile::events::EventKind;
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::InvolvementKind;
use chrono::TimeZone;

use super::*;
use crate::cin::cols::{
    assessments, child_identifiers as ids, cin_details, cin_plans, cpp, reviews, section47,
};
use crate::cin::{validate, Census, Table, TableName};
use crate::testing::{child, d, records, Building};

pub(crate) fn year() -> CollectionYear {
    "2025-26".parse().expect("a year")
}

pub(crate) fn sender() -> Sender<'static> {
    Sender {
        la_number: Some("990"),
        at: Utc
            .with_ymd_and_hms(2026, 5, 2, 10, 30, 0)
            .single()
            .expect("an instant"),
    }
}

/// The census made from `children`, read back by the census reader.
fn census(children: Vec<Building>) -> (CinExport, Census) {
    let made = export(&records(children), year(), &sender());
    let read = Census::parse(year(), "census.xml", made.xml.as_bytes()).expect("it reads back");
    (made, read)
}

/// The rules that flagged a row (not those about the return as a whole, which a census
/// of a few children always breaks, such as 2887Q: fewer than 8 disability codes).
fn fired_on_rows(census: &Census) -> Vec<&'static str> {
    let v = validate(census);
    v.outcomes
        .iter()
        .filter(|o| o.flags.iter().any(|f| f.table.is_some()))
        .map(|o| o.facts.code)
        .collect()
}

fn texts(t: &Table, col: crate::cin::Col) -> Vec<Option<&str>> {
    t.rows().map(|r| t.text(r, col)).collect()
}

/// A referral in May 2025, assessed (two factors), then a child in need plan that
/// closes after the census date.
pub(crate) fn referred_then_supported() -> Building {
    let mut c = child(7);
    let referral = c.work(InvolvementKind::Referral, "2025-05-01", Some("2025-06-10"));
    c.closed(referral, ClosureReason::ServicesCeased);
    c.event(
        referral,
        EventKind::Contact,
        "2025-05-01",
        &[("source", "2A")],
    );
    c.event(
        referral,
        EventKind::ReferralDecision,
        "2025-05-02",
        &[("nfa", "N"), ("need", "N5")],
    );
    c.event(referral, EventKind::AssessmentStarted, "2025-05-03", &[]);
    c.event(
        referral,
        EventKind::AssessmentCompleted,
        "2025-06-10",
        &[("need", "N4"), ("factors", "3B 4B")],
    );
    let plan = c.work(
        InvolvementKind::ChildInNeed,
        "2025-06-11",
        Some("2026-09-30"),
    );
    c.closed(plan, ClosureReason::ServicesCeased);
    c
}

#[test]
fn work_without_a_break_is_one_episode_as_at_the_census_date() {
    let (made, census) = census(vec![referred_then_supported()]);
    assert_eq!(made.children, vec![ChildId(7)]);
    let e = census.table(TableName::CINdetails);
    assert_eq!(e.len(), 1);
    assert_eq!(e.date(0, cin_details::REFERRAL_DATE), Some(d("2025-05-01")));
    assert_eq!(e.text(0, cin_details::REFERRAL_SOURCE), Some("2A"));
    // The assessment's need, not the referral decision's.
    assert_eq!(e.text(0, cin_details::PRIMARY_NEED), Some("N4"));
    assert_eq!(e.text(0, cin_details::REFERRAL_NFA), Some("false"));
    // The plan closed after 31 March 2026: open on the census date, no reason yet.
    assert_eq!(e.text(0, cin_details::CLOSURE_DATE), None);
    assert_eq!(e.text(0, cin_details::REASON_FOR_CLOSURE), None);
    let a = census.table(TableName::Assessments);
    assert_eq!(a.len(), 1);
    assert_eq!(a.date(0, assessments::START), Some(d("2025-05-03")));
    assert_eq!(a.date(0, assessments::AUTHORISATION), Some(d("2025-06-10")));
    let factors = census.table(TableName::AssessmentFactorsList);
    assert_eq!(
        texts(factors, crate::cin::cols::assessment_factors::FACTOR),
        vec![Some("3B"), Some("4B")]
    );
    let p = census.table(TableName::CINplanDates);
    assert_eq!(p.len(), 1);
    assert_eq!(p.date(0, cin_plans::START), Some(d("2025-06-11")));
    assert_eq!(p.text(0, cin_plans::END), None);
    let i = census.table(TableName::ChildIdentifiers);
    assert_eq!(i.text(0, ids::LA_CHILD_ID), Some("7"));
    // Of school age with no UPN recorded: not yet obtained.
    assert_eq!(i.text(0, ids::UPN_UNKNOWN), Some("UN4"));
    assert_eq!(i.text(0, ids::SEX), Some("F"));
    let header = census.table(TableName::Header);
    assert_eq!(
        header.text(0, crate::cin::cols::header::REFERENCE_DATE),
        Some("2026-03-31")
    );
    assert!(made.xml.contains("<LEA>990</LEA>"), "{}", made.xml);
    assert_eq!(fired_on_rows(&census), Vec::<&str>::new());
}

#[test]
fn a_break_starts_a_new_episode_and_episodes_outside_the_year_are_left_out() {
    let mut c = child(8);
    c.record.person.upn = None;
    // Closed before the year: not in the census.
    let old = c.work(InvolvementKind::Referral, "2024-01-10", Some("2024-01-15"));
    c.closed(old, ClosureReason::ServicesCeased);
    c.event(old, EventKind::Contact, "2024-01-10", &[("source", "6")]);
    c.event(
        old,
        EventKind::ReferralDecision,
        "2024-01-11",
        &[("nfa", "Y")],
    );
    // Two referrals with no further action in the year, with a day between them.
    for (from, to) in [("2025-07-01", "2025-07-03"), ("2025-07-05", "2025-07-08")] {
        let r = c.work(InvolvementKind::Referral, from, Some(to));
        c.closed(r, ClosureReason::ServicesCeased);
        c.event(r, EventKind::Contact, from, &[("source", "1A")]);
        c.event(r, EventKind::ReferralDecision, from, &[("nfa", "Y")]);
    }
    // Early help is not a child in need episode.
    c.work(InvolvementKind::EarlyHelp, "2025-08-01", None);
    let (_, census) = census(vec![c, child(9)]);
    let e = census.table(TableName::CINdetails);
    assert_eq!(
        (0..e.len())
            .map(|r| e.date(r, cin_details::REFERRAL_DATE))
            .collect::<Vec<_>>(),
        vec![Some(d("2025-07-01")), Some(d("2025-07-05"))]
    );
    assert_eq!(texts(e, cin_details::REFERRAL_NFA), vec![Some("true"); 2]);
    assert_eq!(
        texts(e, cin_details::REASON_FOR_CLOSURE),
        vec![Some("RC7"); 2]
    );
    assert_eq!(e.date(1, cin_details::CLOSURE_DATE), Some(d("2025-07-08")));
    // Child 9 has no work: not in the census. Child 8's episodes were all no
    // further action: UN7.
    let i = census.table(TableName::ChildIdentifiers);
    assert_eq!(i.len(), 1);
    assert_eq!(i.text(0, ids::UPN_UNKNOWN), Some("UN7"));
    assert_eq!(fired_on_rows(&census), Vec::<&str>::new());
}

/// A child protected in 2023, and again from July 2025.
pub(crate) fn protected() -> Building {
    let mut c = child(11);
    let earlier = c.work(
        InvolvementKind::ChildProtection,
        "2023-02-01",
        Some("2023-12-01"),
    );
    c.closed(earlier, ClosureReason::ServicesCeased);
    let referral = c.work(InvolvementKind::Referral, "2025-06-20", Some("2025-06-30"));
    c.closed(referral, ClosureReason::ServicesCeased);
    c.event(
        referral,
        EventKind::Contact,
        "2025-06-20",
        &[("source", "6")],
    );
    c.event(
        referral,
        EventKind::ReferralDecision,
        "2025-06-20",
        &[("nfa", "N"), ("need", "N1")],
    );
    c.event(referral, EventKind::AssessmentStarted, "2025-06-21", &[]);
    c.event(
        referral,
        EventKind::AssessmentCompleted,
        "2025-06-30",
        &[("need", "N1"), ("factors", "3B 16A")],
    );
    let plan = c.work(
        InvolvementKind::ChildProtection,
        "2025-07-01",
        Some("2026-03-10"),
    );
    c.closed(plan, ClosureReason::ServicesCeased);
    c.event(
        plan,
        EventKind::StrategyDiscussion,
        "2025-07-01",
        &[("s47", "Y")],
    );
    c.event(
        plan,
        EventKind::InitialConference,
        "2025-07-14",
        &[("plan", "Y"), ("category", "NEG")],
    );
    c.event(plan, EventKind::ReviewConference, "2025-10-10", &[]);
    c
}

#[test]
fn a_protection_plan_starts_at_its_conference_and_counts_earlier_plans() {
    let (_, census) = census(vec![protected()]);
    let s = census.table(TableName::Section47);
    assert_eq!(s.len(), 1);
    assert_eq!(s.date(0, section47::START), Some(d("2025-07-01")));
    // Fifteen working days after Tuesday 1 July 2025.
    assert_eq!(s.text(0, section47::ICPC_TARGET), Some("2025-07-22"));
    assert_eq!(s.date(0, section47::INITIAL_CPC), Some(d("2025-07-14")));
    assert_eq!(s.text(0, section47::ICPC_NOT_REQUIRED), None);
    let p = census.table(TableName::ChildProtectionPlans);
    assert_eq!(p.len(), 1);
    assert_eq!(p.date(0, cpp::START), Some(d("2025-07-14")));
    assert_eq!(p.date(0, cpp::END), Some(d("2026-03-10")));
    assert_eq!(p.text(0, cpp::INITIAL_CATEGORY), Some("NEG"));
    assert_eq!(p.text(0, cpp::LATEST_CATEGORY), Some("NEG"));
    assert_eq!(p.text(0, cpp::PREVIOUS), Some("1"));
    let r = census.table(TableName::Reviews);
    assert_eq!(r.len(), 1);
    assert_eq!(r.date(0, reviews::DATE), Some(d("2025-10-10")));
    let e = census.table(TableName::CINdetails);
    assert_eq!(e.len(), 1, "the plan of 2023 was an earlier episode");
    assert_eq!(e.date(0, cin_details::CLOSURE_DATE), Some(d("2026-03-10")));
    assert_eq!(e.text(0, cin_details::REASON_FOR_CLOSURE), Some("RC7"));
    // No conference on the episode itself: it is the enquiry's.
    assert_eq!(e.text(0, cin_details::INITIAL_CPC), None);
    assert_eq!(fired_on_rows(&census), Vec::<&str>::new());
}

#[test]
fn a_plan_made_after_the_census_date_is_not_yet_a_plan() {
    let mut c = protected();
    c.record.person.id = ChildId(12);
    for e in &mut c.record.events {
        e.child = ChildId(12);
        if e.kind == EventKind::InitialConference {
            e.occurred_on = d("2026-04-14");
        }
        if e.kind == EventKind::ReviewConference {
            e.occurred_on = d("2026-07-10");
        }
    }
    for w in &mut c.record.work {
        if w.work.period.start() == d("2025-07-01") {
            w.work.period = carebridge_domain::Period::open_from(d("2025-07-01"));
            w.closure = None;
        }
    }
    let (_, census) = census(vec![c]);
    let s = census.table(TableName::Section47);
    assert_eq!(s.len(), 1);
    assert_eq!(s.text(0, section47::INITIAL_CPC), None);
    assert_eq!(s.text(0, section47::ICPC_NOT_REQUIRED), Some("false"));
    assert!(census.table(TableName::ChildProtectionPlans).is_empty());
    assert!(census.table(TableName::Reviews).is_empty());
}

#[test]
fn an_unborn_child_is_sex_u_with_an_expected_birth_date() {
    let mut c = referred_then_supported();
    c.record.person.unborn = true;
    c.record.person.date_of_birth = d("2026-06-01");
    c.record.person.disabilities = Vec::new();
    c.record.person.ethnicity = Some("NOBT".to_owned());
    let (_, census) = census(vec![c]);
    let i = census.table(TableName::ChildIdentifiers);
    assert_eq!(i.date(0, ids::EXPECTED_BIRTH), Some(d("2026-06-01")));
    assert_eq!(i.text(0, ids::BIRTH), None);
    assert_eq!(i.text(0, ids::SEX), Some("U"));
    assert_eq!(i.text(0, ids::UPN_UNKNOWN), Some("UN1"));
    assert!(census.table(TableName::Disabilities).is_empty());
}

#[test]
fn a_missing_closure_reason_and_missing_need_are_flagged_not_invented() {
    let mut c = referred_then_supported();
    for w in &mut c.record.work {
        w.closure = None;
        if w.work.kind == InvolvementKind::ChildInNeed {
            w.work.period =
                carebridge_domain::Period::new("w", d("2025-06-11"), Some(d("2026-01-31")))
                    .expect("a period");
        }
    }
    c.record.events.retain(|e| {
        e.kind != EventKind::AssessmentCompleted && e.kind != EventKind::ReferralDecision
    });
    let (_, census) = census(vec![c]);
    let fired = fired_on_rows(&census);
    // Closed with no reason (8805); no decision recorded, so not "no further action",
    // and no need (8610); the assessment never completed before the case closed (8867).
    for rule in ["8805", "8610", "8867"] {
        assert!(fired.contains(&rule), "{rule} in {fired:?}");
    }
}
