//! Every rule against worked examples, most of them across bank holidays. The expected
//! dates are worked out by hand in the comments: "(1)" marks the first working day
//! counted, "BH" a bank holiday, "we" a weekend.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    crate::dates::parse_date("date", s).unwrap()
}

fn cal() -> &'static WorkingDayCalendar {
    WorkingDayCalendar::england_and_wales().unwrap()
}

fn approximate_terms() -> SchoolTerms {
    SchoolTerms::approximate_england(2010, 2029).unwrap()
}

fn due_on(case: &CaseEvents, today: &str) -> Vec<DueItem> {
    what_is_due(cal(), &approximate_terms(), case, d(today)).unwrap()
}

/// The items of one rule, as (clock started, due, status).
fn of(items: &[DueItem], rule: RuleId) -> Vec<(NaiveDate, NaiveDate, Status)> {
    items
        .iter()
        .filter(|item| item.rule == rule)
        .map(|item| (item.clock_started, item.due, item.status))
        .collect()
}

fn referral(received: &str, decided: Option<&str>) -> CaseEvents {
    CaseEvents {
        referral: Some(Referral {
            received: d(received),
            decided: decided.map(d),
        }),
        ..CaseEvents::default()
    }
}

// ---- referral decision: 1 working day ----------------------------------------------

#[test]
fn referral_decision_over_easter_2023() {
    // Received Thursday 6 April 2023. Fri 7 BH (Good Friday), 8-9 we, Mon 10 BH (Easter
    // Monday), Tue 11 (1). Due Tuesday 11 April.
    let case = referral("2023-04-06", None);
    let due = d("2023-04-11");
    assert_eq!(
        of(&due_on(&case, "2023-04-06"), RuleId::ReferralDecision),
        [(d("2023-04-06"), due, Status::DueIn { days: 5 })]
    );
    assert_eq!(
        of(&due_on(&case, "2023-04-11"), RuleId::ReferralDecision),
        [(d("2023-04-06"), due, Status::DueToday)]
    );
    let decided = referral("2023-04-06", Some("2023-04-12"));
    assert_eq!(
        of(&due_on(&decided, "2023-04-20"), RuleId::ReferralDecision),
        [(
            d("2023-04-06"),
            due,
            Status::DoneLate {
                on: d("2023-04-12"),
                days_late: 1
            }
        )]
    );
}

// ---- assessment: 45 working days from the referral ------------------------------------

#[test]
fn assessment_from_20_december_2022_crosses_christmas_and_new_year() {
    // Referral and assessment start Tuesday 20 December 2022.
    // Dec: 21 (1), 22 (2), 23 (3), 24-25 we, 26 BH Boxing Day, 27 BH Christmas
    //      (substitute), 28 (4), 29 (5), 30 (6), 31 we.
    // Jan: 1 we, 2 BH New Year (substitute), 3 (7), 4 (8), 5 (9), 6 (10);
    //      9-13 (15), 16-20 (20), 23-27 (25), 30 Jan-3 Feb (30).
    // Feb: 6-10 (35), 13-17 (40), 20-24 (45). Due Friday 24 February 2023
    // (three days later than a count that ignored the three bank holidays).
    let mut case = referral("2022-12-20", Some("2022-12-20"));
    case.assessment = Some(Assessment {
        started: d("2022-12-20"),
        completed: None,
    });
    let due = d("2023-02-24");
    assert_eq!(
        of(&due_on(&case, "2023-03-01"), RuleId::Assessment),
        [(d("2022-12-20"), due, Status::Overdue { days: 5 })]
    );
    case.assessment = Some(Assessment {
        started: d("2022-12-20"),
        completed: Some(d("2023-02-24")),
    });
    assert_eq!(
        of(&due_on(&case, "2023-03-01"), RuleId::Assessment),
        [(d("2022-12-20"), due, Status::DoneOnTime { on: due })]
    );
}

#[test]
fn the_assessment_clock_runs_from_the_referral_not_the_assessment_start() {
    // Referral Tuesday 20 December 2022 (due 24 February 2023, as above); the
    // assessment only starts on 3 January, which does not move the deadline. Without a
    // referral the start would be day 0: 3 Jan + 45 working days: 4-6 (3), then eight
    // full weeks to Fri 3 Mar (43), Mon 6 (44), Tue 7 March (45).
    let mut case = referral("2022-12-20", Some("2022-12-21"));
    case.assessment = Some(Assessment {
        started: d("2023-01-03"),
        completed: None,
    });
    assert_eq!(
        of(&due_on(&case, "2023-01-10"), RuleId::Assessment)[0].1,
        d("2023-02-24")
    );
    case.referral = None;
    assert_eq!(
        of(&due_on(&case, "2023-01-10"), RuleId::Assessment)[0].1,
        d("2023-03-07")
    );
}

// ---- initial child protection conference: 15 working days --------------------------

fn enquiry(strategy: &str, icpc: Option<&str>) -> CaseEvents {
    CaseEvents {
        child_protection: Some(ChildProtection {
            strategy_discussion: d(strategy),
            initial_conference: icpc.map(d),
            plan: None,
        }),
        ..CaseEvents::default()
    }
}

#[test]
fn initial_conference_due_across_easter_2024() {
    // Strategy discussion Monday 18 March 2024.
    // 19 (1), 20 (2), 21 (3), 22 (4), 23-24 we, 25 (5), 26 (6), 27 (7), 28 (8),
    // Fri 29 BH Good Friday, 30-31 we, Mon 1 Apr BH Easter Monday,
    // 2 (9), 3 (10), 4 (11), 5 (12), 6-7 we, 8 (13), 9 (14), 10 (15).
    // Due Wednesday 10 April 2024.
    let case = enquiry("2024-03-18", None);
    assert_eq!(
        of(&due_on(&case, "2024-04-08"), RuleId::InitialConference),
        [(d("2024-03-18"), d("2024-04-10"), Status::DueIn { days: 2 })]
    );
    let held = enquiry("2024-03-18", Some("2024-04-10"));
    assert_eq!(
        of(&due_on(&held, "2024-04-30"), RuleId::InitialConference)[0].2,
        Status::DoneOnTime {
            on: d("2024-04-10")
        }
    );
}

#[test]
fn initial_conference_across_the_royal_wedding_2011() {
    // Strategy discussion Wednesday 20 April 2011.
    // Thu 21 (1), Fri 22 BH Good Friday, we, Mon 25 BH Easter Monday, 26 (2), 27 (3),
    // 28 (4), Fri 29 BH royal wedding, we, Mon 2 May BH early May, 3 (5), 4 (6), 5 (7),
    // 6 (8), 9 (9), 10 (10), 11 (11), 12 (12), 13 (13), 16 (14), Tue 17 May (15).
    let case = enquiry("2011-04-20", Some("2011-05-18"));
    assert_eq!(
        of(&due_on(&case, "2011-06-01"), RuleId::InitialConference),
        [(
            d("2011-04-20"),
            d("2011-05-17"),
            Status::DoneLate {
                on: d("2011-05-18"),
                days_late: 1
            }
        )]
    );
}

#[test]
fn initial_conference_across_the_2012_diamond_jubilee() {
    // Strategy discussion Tuesday 22 May 2012. The spring bank holiday moved from
    // Monday 28 May to Monday 4 June, so 28 May is a working day.
    // 23 (1), 24 (2), 25 (3), we, Mon 28 (4), 29 (5), 30 (6), 31 (7), Fri 1 Jun (8), we,
    // Mon 4 BH spring, Tue 5 BH jubilee, 6 (9), 7 (10), 8 (11), 11 (12), 12 (13),
    // 13 (14), Thu 14 June (15).
    let case = enquiry("2012-05-22", None);
    assert_eq!(
        of(&due_on(&case, "2012-05-22"), RuleId::InitialConference)[0].1,
        d("2012-06-14")
    );
}

// ---- child protection reviews: 3 months, then 6 months --------------------------------

fn plan(started: &str, reviews: &[&str], visits: &[&str], ended: Option<&str>) -> CaseEvents {
    CaseEvents {
        child_protection: Some(ChildProtection {
            strategy_discussion: d(started) - chrono::Duration::days(14),
            initial_conference: Some(d(started)),
            plan: Some(ChildProtectionPlan {
                started: d(started),
                ended: ended.map(d),
                review_conferences: reviews.iter().map(|r| d(r)).collect(),
                visits: visits.iter().map(|v| d(v)).collect(),
            }),
        }),
        ..CaseEvents::default()
    }
}

#[test]
fn first_review_three_months_clamped_to_a_leap_february_then_six_months() {
    // Plan made at the conference on Thursday 30 November 2023: 30 November + 3 months
    // has no 30 February, so the last day of February: Thursday 29 February 2024 (leap).
    // Review held Wednesday 28 February; the next is 6 months after that: 28 August
    // 2024 (Wednesday; the summer bank holiday on Monday 26 August is irrelevant to a
    // calendar-month rule). On 1 September it is 4 days overdue.
    let case = plan("2023-11-30", &["2024-02-28"], &[], None);
    let items = due_on(&case, "2024-09-01");
    assert_eq!(
        of(&items, RuleId::FirstReviewConference),
        [(
            d("2023-11-30"),
            d("2024-02-29"),
            Status::DoneOnTime {
                on: d("2024-02-28")
            }
        )]
    );
    assert_eq!(
        of(&items, RuleId::ReviewConference),
        [(
            d("2024-02-28"),
            d("2024-08-28"),
            Status::Overdue { days: 4 }
        )]
    );
}

#[test]
fn review_due_on_boxing_day_stays_due_on_boxing_day_but_is_planned_before_christmas() {
    // Plan Friday 26 August 2022 → first review by Saturday 26 November 2022 (a calendar
    // date, not moved off the weekend; plan by Friday 25th). Held Friday 25 November →
    // next by 25 May 2023; held Monday 26 June 2023, 32 days late (6 days to 31 May,
    // then 26). The next is due Tuesday 26 December 2023, Boxing Day: plan by Friday
    // 22 December (23-24 weekend, 25 Christmas Day); on 1 December that is 25 days off.
    let case = plan("2022-08-26", &["2022-11-25", "2023-06-26"], &[], None);
    let items = due_on(&case, "2023-12-01");
    let reviews: Vec<_> = items
        .iter()
        .filter(|i| {
            matches!(
                i.rule,
                RuleId::FirstReviewConference | RuleId::ReviewConference
            )
        })
        .collect();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0].due, d("2022-11-26"));
    assert_eq!(reviews[0].plan_by(cal()).unwrap(), d("2022-11-25"));
    assert_eq!(reviews[1].due, d("2023-05-25"));
    assert_eq!(
        reviews[1].status,
        Status::DoneLate {
            on: d("2023-06-26"),
            days_late: 32
        }
    );
    assert_eq!(reviews[2].due, d("2023-12-26"));
    assert_eq!(reviews[2].plan_by(cal()).unwrap(), d("2023-12-22"));
    assert_eq!(reviews[2].status, Status::DueIn { days: 25 });
}

// ---- child protection visits: every 10 working days -------------------------------------

#[test]
fn child_protection_visits_across_the_2022_state_funeral() {
    // Plan from Tuesday 30 August 2022.
    // Visit 1 due: 31 (1), 1 Sep (2), 2 (3), 5 (4), 6 (5), 7 (6), 8 (7), 9 (8), 12 (9),
    //   Tue 13 Sep (10). Visited 13 September: on time.
    // Visit 2 due: 14 (1), 15 (2), 16 (3), Mon 19 BH state funeral, 20 (4), 21 (5),
    //   22 (6), 23 (7), 26 (8), 27 (9), Wed 28 Sep (10). Visited 28th: on time (a count
    //   ignoring the funeral would have said 27th and called it late).
    // Visit 3 due: 29 (1), 30 (2), 3 Oct (3) .. 7 (7), 10 (8), 11 (9), Wed 12 Oct (10).
    //   Not visited by Friday 14 October: overdue by 2 days.
    let case = plan("2022-08-30", &[], &["2022-09-13", "2022-09-28"], None);
    assert_eq!(
        of(&due_on(&case, "2022-10-14"), RuleId::ChildProtectionVisit),
        [
            (
                d("2022-08-30"),
                d("2022-09-13"),
                Status::DoneOnTime {
                    on: d("2022-09-13")
                }
            ),
            (
                d("2022-09-13"),
                d("2022-09-28"),
                Status::DoneOnTime {
                    on: d("2022-09-28")
                }
            ),
            (
                d("2022-09-28"),
                d("2022-10-12"),
                Status::Overdue { days: 2 }
            ),
        ]
    );
}

#[test]
fn child_protection_visit_across_the_2023_coronation() {
    // Visit Thursday 27 April 2023. 28 (1), we, Mon 1 May BH early May, 2 (2), 3 (3),
    // 4 (4), 5 (5), we, Mon 8 BH coronation, 9 (6), 10 (7), 11 (8), 12 (9), we,
    // Mon 15 May (10).
    let case = plan("2023-04-20", &[], &["2023-04-27"], None);
    let visits = of(&due_on(&case, "2023-05-15"), RuleId::ChildProtectionVisit);
    assert_eq!(
        visits[1],
        (d("2023-04-27"), d("2023-05-15"), Status::DueToday)
    );
}

#[test]
fn an_ended_plan_stops_its_clocks_and_what_fell_due_before_the_end_is_missed() {
    // Plan 30 August 2022, visit due 13 September, never made; the plan ended on
    // 20 September (after the due date): missed. The first review (due 30 November)
    // was not due before the end, so it is not listed.
    let case = plan("2022-08-30", &[], &[], Some("2022-09-20"));
    let items = due_on(&case, "2022-12-01");
    assert_eq!(
        of(&items, RuleId::ChildProtectionVisit),
        [(
            d("2022-08-30"),
            d("2022-09-13"),
            Status::Missed {
                window_closed: d("2022-09-20")
            }
        )]
    );
    assert!(of(&items, RuleId::FirstReviewConference).is_empty());
}

// ---- looked-after reviews: 20 working days, 3 months, 6 months ---------------------------

fn looked_after(started: &str) -> LookedAfter {
    LookedAfter {
        started: d(started),
        ended: None,
        reviews: Vec::new(),
        placements: Vec::new(),
        visits: Vec::new(),
        education: None,
    }
}

fn case_of(la: LookedAfter) -> CaseEvents {
    CaseEvents {
        looked_after: Some(la),
        ..CaseEvents::default()
    }
}

#[test]
fn first_looked_after_review_across_christmas_2021() {
    // Looked after from Friday 10 December 2021. Christmas Day and Boxing Day 2021 fall
    // at the weekend, so Mon 27 and Tue 28 are substitute days; New Year's Day is a
    // Saturday, so Mon 3 January 2022 is too.
    // 13 (1), 14 (2), 15 (3), 16 (4), 17 (5), 20 (6), 21 (7), 22 (8), 23 (9), 24 (10),
    // 27 BH, 28 BH, 29 (11), 30 (12), 31 (13), Mon 3 Jan BH, 4 (14), 5 (15), 6 (16),
    // 7 (17), 10 (18), 11 (19), Wed 12 January 2022 (20).
    // First review held 11 January → second by 11 April 2022; held 8 April → third by
    // 8 October 2022, 7 days ahead on 1 October.
    let mut la = looked_after("2021-12-10");
    la.reviews = vec![d("2022-04-08"), d("2022-01-11")];
    let items = due_on(&case_of(la), "2022-10-01");
    assert_eq!(
        of(&items, RuleId::FirstLookedAfterReview),
        [(
            d("2021-12-10"),
            d("2022-01-12"),
            Status::DoneOnTime {
                on: d("2022-01-11")
            }
        )]
    );
    assert_eq!(
        of(&items, RuleId::SecondLookedAfterReview),
        [(
            d("2022-01-11"),
            d("2022-04-11"),
            Status::DoneOnTime {
                on: d("2022-04-08")
            }
        )]
    );
    assert_eq!(
        of(&items, RuleId::LookedAfterReview),
        [(d("2022-04-08"), d("2022-10-08"), Status::DueIn { days: 7 })]
    );
}

#[test]
fn later_looked_after_reviews_repeat_every_six_months_from_the_last_one() {
    // Looked after Monday 3 October 2022. 20 working days: 4-7 (4), 10-14 (9),
    // 17-21 (14), 24-28 (19), Mon 31 October (20). Held 31 Oct → second by 31 January
    // 2023 → held 30 Jan → third by 30 July 2023 → held 31 Aug 2023 (32 days late) →
    // fourth by 29 February 2024 (31 August + 6 months, clamped, leap year).
    let mut la = looked_after("2022-10-03");
    la.reviews = vec![d("2022-10-31"), d("2023-01-30"), d("2023-08-31")];
    let items = due_on(&case_of(la), "2024-02-29");
    let dues: Vec<_> = items.iter().map(|i| (i.rule, i.due, i.status)).collect();
    assert_eq!(
        dues,
        [
            (
                RuleId::FirstLookedAfterReview,
                d("2022-10-31"),
                Status::DoneOnTime {
                    on: d("2022-10-31")
                }
            ),
            (
                RuleId::SecondLookedAfterReview,
                d("2023-01-31"),
                Status::DoneOnTime {
                    on: d("2023-01-30")
                }
            ),
            (
                RuleId::LookedAfterReview,
                d("2023-07-30"),
                Status::DoneLate {
                    on: d("2023-08-31"),
                    days_late: 32
                }
            ),
            (RuleId::LookedAfterReview, d("2024-02-29"), Status::DueToday),
        ]
    );
}

// ---- placement visits: 1 week, then every 6 weeks --------------------------------------

#[test]
fn placement_visits_over_christmas_2022_are_counted_in_calendar_weeks() {
    // Placement from Friday 23 December 2022: first visit within a week, by Friday
    // 30 December (the bank holidays on 26 and 27 December do not extend it). Visited
    // Thursday 29 December. Next within six weeks (42 days) of that visit: 30-31 Dec
    // (2), January (33), 9 February (42): Thursday 9 February 2023. Not visited by
    // Friday 10 February: overdue by a day.
    let mut la = looked_after("2022-12-23");
    la.placements = vec![Placement {
        started: d("2022-12-23"),
        ended: None,
    }];
    la.visits = vec![d("2022-12-29")];
    let items = due_on(&case_of(la), "2023-02-10");
    assert_eq!(
        of(&items, RuleId::FirstPlacementVisit),
        [(
            d("2022-12-23"),
            d("2022-12-30"),
            Status::DoneOnTime {
                on: d("2022-12-29")
            }
        )]
    );
    assert_eq!(
        of(&items, RuleId::PlacementVisit),
        [(
            d("2022-12-29"),
            d("2023-02-09"),
            Status::Overdue { days: 1 }
        )]
    );
    assert!(items.iter().all(|i| i.due_for
        == DueFor::Placement {
            started: d("2022-12-23")
        }
        || i.due_for == DueFor::Case));
}

#[test]
fn a_first_visit_due_on_boxing_day_is_planned_for_the_friday_before() {
    // Placement Monday 19 December 2022 + 1 week = Monday 26 December (Boxing Day).
    // Plan by Friday 23 December.
    let mut la = looked_after("2022-12-19");
    la.placements = vec![Placement {
        started: d("2022-12-19"),
        ended: None,
    }];
    let items = due_on(&case_of(la), "2022-12-19");
    let first = items
        .iter()
        .find(|i| i.rule == RuleId::FirstPlacementVisit)
        .unwrap();
    assert_eq!(first.due, d("2022-12-26"));
    assert_eq!(first.plan_by(cal()).unwrap(), d("2022-12-23"));
    assert_eq!(first.status, Status::DueIn { days: 7 });
}

#[test]
fn a_move_of_placement_starts_a_new_one_week_clock() {
    // First placement 23 December 2022 to 31 January 2023, visited 29 December; its
    // next visit (due 9 February) falls after it ended, so it is not due. The new
    // placement from Wednesday 1 February needs a visit by Wednesday 8 February; the
    // visit of 29 December does not count for it.
    let mut la = looked_after("2022-12-23");
    la.placements = vec![
        Placement {
            started: d("2022-12-23"),
            ended: Some(d("2023-01-31")),
        },
        Placement {
            started: d("2023-02-01"),
            ended: None,
        },
    ];
    la.visits = vec![d("2022-12-29")];
    let items = due_on(&case_of(la), "2023-02-06");
    let visits: Vec<_> = items
        .iter()
        .filter(|i| matches!(i.rule, RuleId::FirstPlacementVisit | RuleId::PlacementVisit))
        .map(|i| (i.due_for, i.due, i.status))
        .collect();
    assert_eq!(
        visits,
        [
            (
                DueFor::Placement {
                    started: d("2022-12-23")
                },
                d("2022-12-30"),
                Status::DoneOnTime {
                    on: d("2022-12-29")
                }
            ),
            (
                DueFor::Placement {
                    started: d("2023-02-01")
                },
                d("2023-02-08"),
                Status::DueIn { days: 2 }
            ),
        ]
    );
}

// ---- personal education plan: each school term -------------------------------------------

/// The school terms of a (fictional) authority for 2023 to 2024: the spring term ends
/// on Thursday 28 March 2024, before Good Friday; summer starts after the Easter break.
fn authority_terms() -> SchoolTerms {
    let term = |name, first, last| SchoolTerm::new(name, 2023, d(first), d(last)).unwrap();
    SchoolTerms::new(vec![
        term(TermName::Summer, "2024-04-15", "2024-07-23"),
        term(TermName::Autumn, "2023-09-05", "2023-12-20"),
        term(TermName::Spring, "2024-01-04", "2024-03-28"),
    ])
    .unwrap()
}

fn child_in_school(peps: &[&str]) -> CaseEvents {
    let mut la = looked_after("2023-10-01");
    la.education = Some(PersonalEducationPlan {
        reviews: peps.iter().map(|p| d(p)).collect(),
    });
    case_of(la)
}

#[test]
fn pep_each_term_with_the_authoritys_own_term_dates_around_easter_2024() {
    // Looked after from 1 October 2023. Autumn term: PEP 15 November, on time. Spring
    // term (4 January to Thursday 28 March): none; a meeting on Wednesday 10 April, in
    // the Easter holiday, belongs to no term, so on Tuesday 2 April (after Easter
    // Monday) spring is missed. Summer has not started and is not listed yet; on
    // 16 April it is due by 23 July, 98 days ahead.
    let case = child_in_school(&["2023-11-15", "2024-04-10"]);
    let on_2_april = what_is_due(cal(), &authority_terms(), &case, d("2024-04-02")).unwrap();
    assert_eq!(
        of(&on_2_april, RuleId::PersonalEducationPlan),
        [
            (
                d("2023-10-01"),
                d("2023-12-20"),
                Status::DoneOnTime {
                    on: d("2023-11-15")
                }
            ),
            (
                d("2024-01-04"),
                d("2024-03-28"),
                Status::Missed {
                    window_closed: d("2024-03-28")
                }
            ),
        ]
    );
    let on_16_april = what_is_due(cal(), &authority_terms(), &case, d("2024-04-16")).unwrap();
    let summer = of(&on_16_april, RuleId::PersonalEducationPlan);
    assert_eq!(
        summer[2],
        (d("2024-04-15"), d("2024-07-23"), Status::DueIn { days: 98 })
    );
    assert!(matches!(
        on_16_april.last().map(|i| i.due_for),
        Some(DueFor::Term(term)) if term.name() == TermName::Summer
    ));
}

#[test]
fn pep_with_the_approximate_terms_is_due_on_31_march_even_on_easter_sunday() {
    // Approximate spring term 2024: 1 January to Sunday 31 March (Easter Sunday). The
    // due date is not moved; plan by Thursday 28 March (Good Friday 29th, weekend).
    // The 10 April meeting counts for the approximate summer term (1 April on).
    let case = child_in_school(&["2023-11-15", "2024-04-10"]);
    let items = due_on(&case, "2024-03-20");
    let spring = items.last().unwrap();
    assert_eq!(
        (spring.rule, spring.due, spring.status),
        (
            RuleId::PersonalEducationPlan,
            d("2024-03-31"),
            Status::DueIn { days: 11 }
        )
    );
    assert_eq!(spring.plan_by(cal()).unwrap(), d("2024-03-28"));
    let later = due_on(&case, "2024-04-12");
    assert_eq!(
        of(&later, RuleId::PersonalEducationPlan)[2].2,
        Status::DoneOnTime {
            on: d("2024-04-10")
        }
    );
}

#[test]
fn no_pep_is_due_for_a_term_the_child_left_care_in() {
    let mut case = child_in_school(&[]);
    if let Some(la) = case.looked_after.as_mut() {
        la.ended = Some(d("2023-11-30"));
    }
    assert!(of(&due_on(&case, "2024-01-10"), RuleId::PersonalEducationPlan).is_empty());
}

// ---- pathway plan: reviewed every 6 months -----------------------------------------------

fn pathway(made: &str, reviews: &[&str], ended: Option<&str>) -> CaseEvents {
    CaseEvents {
        pathway_plan: Some(PathwayPlan {
            made: d(made),
            reviews: reviews.iter().map(|r| d(r)).collect(),
            ended: ended.map(d),
        }),
        ..CaseEvents::default()
    }
}

#[test]
fn pathway_plan_review_due_on_boxing_day_2023() {
    // Plan made Monday 26 June 2023 → review by Tuesday 26 December 2023 (Boxing Day;
    // not moved; plan by Friday 22 December). Reviewed 20 December → next by 20 June
    // 2024, a day overdue on 21 June.
    let case = pathway("2023-06-26", &["2023-12-20"], None);
    let items = due_on(&case, "2024-06-21");
    assert_eq!(
        of(&items, RuleId::PathwayPlanReview),
        [
            (
                d("2023-06-26"),
                d("2023-12-26"),
                Status::DoneOnTime {
                    on: d("2023-12-20")
                }
            ),
            (
                d("2023-12-20"),
                d("2024-06-20"),
                Status::Overdue { days: 1 }
            ),
        ]
    );
    assert_eq!(items[0].plan_by(cal()).unwrap(), d("2023-12-22"));
}

#[test]
fn a_pathway_duty_that_ended_after_a_missed_review_shows_it_missed() {
    let case = pathway("2023-06-26", &["2023-12-20"], Some("2024-07-01"));
    assert_eq!(
        of(&due_on(&case, "2024-07-05"), RuleId::PathwayPlanReview)[1].2,
        Status::Missed {
            window_closed: d("2024-07-01")
        }
    );
}

// ---- the report as a whole ---------------------------------------------------------------

#[test]
fn the_report_is_as_at_today_events_after_it_are_not_yet_known() {
    // The conference on 10 April 2024 has not happened as at 8 April.
    let held = enquiry("2024-03-18", Some("2024-04-10"));
    assert_eq!(
        of(&due_on(&held, "2024-04-08"), RuleId::InitialConference)[0].2,
        Status::DueIn { days: 2 }
    );
    // A strategy discussion after today starts no clock.
    assert!(due_on(&held, "2024-03-17").is_empty());
}

#[test]
fn every_item_names_its_rule_and_source_and_reads_in_words() {
    let case = plan("2022-08-30", &[], &["2022-09-13"], None);
    let items = due_on(&case, "2022-09-20");
    let visit = items
        .iter()
        .find(|i| i.rule == RuleId::ChildProtectionVisit && i.status.is_outstanding())
        .unwrap();
    assert_eq!(visit.rule().source.kind, SourceKind::LocalPracticeStandard);
    assert_eq!(visit.status.to_string(), "due in 8 days");
    assert_eq!(Status::Overdue { days: 1 }.to_string(), "overdue by 1 day");
    assert_eq!(Status::DueToday.to_string(), "due today");
    assert_eq!(
        Status::DoneLate {
            on: d("2023-05-16"),
            days_late: 1
        }
        .to_string(),
        "done 1 day late on 2023-05-16"
    );
}

#[test]
fn a_deadline_past_the_calendar_is_an_error_not_a_guess() {
    let case = referral("2030-12-31", None);
    let err = what_is_due(cal(), &approximate_terms(), &case, d("2030-12-31")).unwrap_err();
    assert!(
        matches!(err, crate::DomainError::OutsideCalendar { .. }),
        "{err}"
    );
}

fn some_dates(from: &'static str, span: i64, max: usize) -> impl Strategy<Value = Vec<NaiveDate>> {
    prop::collection::vec(0..span, 0..max).prop_map(move |offsets| {
        offsets
            .into_iter()
            .map(|o| d(from) + chrono::Duration::days(o))
            .collect()
    })
}

proptest! {
    /// Whatever the facts, the report is sorted, starts no clock after today, knows no
    /// event after today, and its statuses agree with its dates.
    #[test]
    fn the_report_is_consistent_for_any_case(
        start in 0i64..2000,
        today_after in 0i64..900,
        reviews in some_dates("2015-01-01", 3000, 8),
        visits in some_dates("2015-01-01", 3000, 30),
        ended_after in prop::option::of(0i64..900),
    ) {
        let started = d("2015-01-01") + chrono::Duration::days(start);
        let today = started + chrono::Duration::days(today_after);
        let ended = ended_after.map(|e| started + chrono::Duration::days(e));
        let case = CaseEvents {
            referral: Some(Referral { received: started, decided: visits.first().copied() }),
            assessment: Some(Assessment { started, completed: reviews.first().copied() }),
            child_protection: Some(ChildProtection {
                strategy_discussion: started,
                initial_conference: reviews.first().copied(),
                plan: Some(ChildProtectionPlan {
                    started,
                    ended,
                    review_conferences: reviews.clone(),
                    visits: visits.clone(),
                }),
            }),
            looked_after: Some(LookedAfter {
                started,
                ended,
                reviews: reviews.clone(),
                placements: vec![Placement { started, ended: None }],
                visits: visits.clone(),
                education: Some(PersonalEducationPlan { reviews: reviews.clone() }),
            }),
            pathway_plan: Some(PathwayPlan { made: started, reviews, ended }),
        };
        let items = what_is_due(cal(), &approximate_terms(), &case, today).unwrap();
        prop_assert!(items.windows(2).all(|w| w[0].due <= w[1].due));
        for item in &items {
            prop_assert!(item.clock_started <= today);
            prop_assert!(item.clock_started <= item.due);
            match item.status {
                Status::DueIn { days } => prop_assert_eq!(today + chrono::Duration::days(i64::from(days)), item.due),
                Status::DueToday => prop_assert_eq!(today, item.due),
                Status::Overdue { days } => prop_assert_eq!(item.due + chrono::Duration::days(i64::from(days)), today),
                Status::DoneOnTime { on } => prop_assert!(on <= item.due && on <= today),
                Status::DoneLate { on, days_late } => {
                    prop_assert!(on <= today);
                    prop_assert_eq!(item.due + chrono::Duration::days(i64::from(days_late)), on);
                }
                Status::Missed { window_closed } => prop_assert!(window_closed <= today && item.due <= window_closed),
            }
        }
        // At most one outstanding item per clock: a repeating series waits on its next one.
        let outstanding_reviews = items
            .iter()
            .filter(|i| i.status.is_outstanding())
            .filter(|i| matches!(i.rule, RuleId::FirstLookedAfterReview | RuleId::SecondLookedAfterReview | RuleId::LookedAfterReview))
            .count();
        prop_assert!(outstanding_reviews <= 1);
    }
}
