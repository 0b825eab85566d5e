//! From the record to the clocks: a child's involvements, events and visits turned into
//! the [`CaseEvents`] that [`crate::timescales::what_is_due`] reads.
//!
//! Conventions (each the reading a practitioner would expect):
//!
//! - Only work open on `today` starts clocks, except a child protection plan or care
//!   episode that ended, whose last items show as done or missed. The latest piece of
//!   work of each kind is the one that counts.
//! - An event counts for the piece of work it was filed under, or (for the referral's
//!   assessment and the section 47 enquiries, which are filed under the referral or the
//!   case that preceded the plan) for the latest such event on or before `today`.
//! - A visit counts when it is a visit at which the child was seen, dated within the
//!   plan or care episode.
//! - A looked-after child of compulsory school age (5 to 16 on `today`) needs a PEP.

use chrono::{Datelike, NaiveDate};

use super::events::{Event, EventKind};
use super::notes::Note;
use crate::child::{Involvement, InvolvementKind};
use crate::timescales::{
    Assessment, CaseEvents, ChildProtection, ChildProtectionPlan, LookedAfter, PathwayPlan,
    PersonalEducationPlan, Placement, Referral,
};

/// The facts of a child's case that start and stop statutory clocks, as at `today`.
pub fn case_events(
    date_of_birth: NaiveDate,
    work: &[Involvement],
    events: &[Event],
    notes: &[Note],
    today: NaiveDate,
) -> CaseEvents {
    let known: Vec<&Event> = events.iter().filter(|e| e.occurred_on <= today).collect();
    let latest = |kind: InvolvementKind| {
        work.iter()
            .filter(|w| w.kind == kind && w.period.start() <= today)
            .max_by_key(|w| w.period.start())
    };
    let open = |w: &&Involvement| w.period.end().is_none_or(|e| e >= today);
    let dates = |kind: EventKind, from: NaiveDate, to: Option<NaiveDate>| -> Vec<NaiveDate> {
        known
            .iter()
            .filter(|e| {
                e.kind == kind && e.occurred_on >= from && to.is_none_or(|t| e.occurred_on <= t)
            })
            .map(|e| e.occurred_on)
            .collect()
    };
    let first_after = |kind: EventKind, from: NaiveDate| dates(kind, from, None).into_iter().min();
    let visits = |from: NaiveDate, to: Option<NaiveDate>| -> Vec<NaiveDate> {
        notes
            .iter()
            .filter(|n| {
                n.is_visit_seen()
                    && n.occurred_on <= today
                    && n.occurred_on >= from
                    && to.is_none_or(|t| n.occurred_on <= t)
            })
            .map(|n| n.occurred_on)
            .collect()
    };

    let referral_work = latest(InvolvementKind::Referral).filter(open);
    let referral = referral_work.map(|w| Referral {
        received: w.period.start(),
        decided: first_after(EventKind::ReferralDecision, w.period.start()),
    });

    // The assessment: the latest started on an open case, completed by the first
    // completion after it.
    let open_case = work.iter().any(|w| {
        w.period.start() <= today
            && w.period.end().is_none_or(|e| e >= today)
            && matches!(
                w.kind,
                InvolvementKind::Referral
                    | InvolvementKind::ChildInNeed
                    | InvolvementKind::ChildProtection
                    | InvolvementKind::EarlyHelp
                    | InvolvementKind::DisabledChildren
            )
    });
    let assessment = known
        .iter()
        .filter(|e| e.kind == EventKind::AssessmentStarted)
        .map(|e| e.occurred_on)
        .max()
        .filter(|_| open_case)
        .map(|started| Assessment {
            started,
            completed: first_after(EventKind::AssessmentCompleted, started),
        });

    let plan_work = latest(InvolvementKind::ChildProtection);
    let strategy = known
        .iter()
        .filter(|e| e.kind == EventKind::StrategyDiscussion && e.yes("s47"))
        .map(|e| e.occurred_on)
        .filter(|d| plan_work.is_none_or(|p| *d <= p.period.start() || open(&p)))
        .max();
    let child_protection = strategy.and_then(|strategy_discussion| {
        let plan = plan_work
            .filter(|p| p.period.start() >= strategy_discussion)
            .map(|p| ChildProtectionPlan {
                started: p.period.start(),
                ended: p.period.end(),
                review_conferences: dates(
                    EventKind::ReviewConference,
                    p.period.start(),
                    p.period.end(),
                ),
                visits: visits(p.period.start(), p.period.end()),
            });
        let initial_conference = first_after(EventKind::InitialConference, strategy_discussion);
        // Enquiries that ended without a conference and without an open case are over.
        (plan.is_some() || open_case).then_some(ChildProtection {
            strategy_discussion,
            initial_conference,
            plan,
        })
    });

    let looked_after = latest(InvolvementKind::LookedAfter).map(|w| {
        let (from, to) = (w.period.start(), w.period.end());
        let mut starts = dates(EventKind::PlacementStarted, from, to);
        starts.sort();
        let mut ends = dates(EventKind::PlacementEnded, from, to);
        ends.sort();
        // Each placement ends at the first end recorded on or after its start and no
        // later than the next placement's start (each end used once, earliest
        // placement first); else when the next one starts, or when the care ends.
        let mut unused = ends.into_iter().peekable();
        let placements: Vec<Placement> = starts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let next = starts.get(i + 1).copied();
                while unused.next_if(|e| e < s).is_some() {}
                let ended = unused
                    .next_if(|e| next.is_none_or(|n| *e <= n))
                    .or(next)
                    .or(to);
                Placement { started: *s, ended }
            })
            .collect();
        let age = years_between(date_of_birth, today);
        LookedAfter {
            started: from,
            ended: to,
            reviews: dates(EventKind::LookedAfterReview, from, to),
            placements,
            visits: visits(from, to),
            education: (5..16).contains(&age).then(|| PersonalEducationPlan {
                reviews: dates(EventKind::PepMeeting, from, to),
            }),
        }
    });

    let pathway_plan = latest(InvolvementKind::CareLeaver)
        .filter(open)
        .and_then(|w| {
            let made = dates(EventKind::PathwayPlanMade, w.period.start(), None)
                .into_iter()
                .max()?;
            Some(PathwayPlan {
                made,
                reviews: dates(EventKind::PathwayPlanReview, made, None),
                ended: w.period.end(),
            })
        });

    CaseEvents {
        referral,
        assessment,
        child_protection,
        looked_after,
        pathway_plan,
    }
}

/// Whole years from `from` to `to`.
fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::casefile::notes::NoteKind;
    use crate::timescales::{what_is_due, RuleId, SchoolTerms, Status, WorkingDayCalendar};
    use crate::{ChildId, EventId, InvolvementId, NoteId, Period, ServiceId};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn work(id: i64, kind: InvolvementKind, from: NaiveDate, to: Option<NaiveDate>) -> Involvement {
        Involvement {
            id: InvolvementId(id),
            child: ChildId(1),
            service: ServiceId(1),
            team: None,
            kind,
            period: Period::new("work", from, to).unwrap(),
        }
    }

    fn event(kind: EventKind, on: NaiveDate, details: &[(&str, &str)]) -> Event {
        Event {
            id: EventId(0),
            child: ChildId(1),
            involvement: InvolvementId(1),
            kind,
            occurred_on: on,
            details: details
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            recorded_by: "test".into(),
            recorded_at: DateTime::<Utc>::default(),
        }
    }

    fn visit(on: NaiveDate, seen: bool) -> Note {
        Note {
            id: NoteId(0),
            child: ChildId(1),
            involvement: InvolvementId(2),
            kind: NoteKind::Visit,
            occurred_on: on,
            child_seen: Some(seen),
            seen_alone: Some(false),
            summary: "Visit".into(),
            body: "Visit".into(),
            recorded_by: "test".into(),
            recorded_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn a_referral_from_the_record_is_due_one_working_day_later() {
        // Received on Christmas Eve 2025 (a Wednesday): the decision is due on the
        // next working day, Monday 29 December.
        let w = [work(1, InvolvementKind::Referral, day(2025, 12, 24), None)];
        let case = case_events(day(2015, 1, 1), &w, &[], &[], day(2025, 12, 24));
        let due = what_is_due(
            WorkingDayCalendar::england_and_wales().unwrap(),
            &SchoolTerms::approximate_england(2024, 2026).unwrap(),
            &case,
            day(2025, 12, 24),
        )
        .unwrap();
        let decision = due
            .iter()
            .find(|d| d.rule == RuleId::ReferralDecision)
            .unwrap();
        assert_eq!(decision.due, day(2025, 12, 29));
        assert_eq!(decision.status, Status::DueIn { days: 5 });
    }

    #[test]
    fn the_decision_stops_the_referral_clock() {
        let w = [work(1, InvolvementKind::Referral, day(2026, 3, 2), None)];
        let e = [event(
            EventKind::ReferralDecision,
            day(2026, 3, 3),
            &[("nfa", "N")],
        )];
        let case = case_events(day(2015, 1, 1), &w, &e, &[], day(2026, 3, 10));
        assert_eq!(case.referral.unwrap().decided, Some(day(2026, 3, 3)));
    }

    #[test]
    fn a_plan_after_a_strategy_discussion_counts_seen_visits_only() {
        let w = [
            work(
                1,
                InvolvementKind::Referral,
                day(2026, 1, 5),
                Some(day(2026, 2, 1)),
            ),
            work(2, InvolvementKind::ChildProtection, day(2026, 2, 2), None),
        ];
        let e = [
            event(
                EventKind::StrategyDiscussion,
                day(2026, 1, 12),
                &[("s47", "Y")],
            ),
            event(
                EventKind::InitialConference,
                day(2026, 2, 2),
                &[("plan", "Y"), ("category", "NEG")],
            ),
        ];
        let n = [
            visit(day(2026, 2, 10), true),
            visit(day(2026, 2, 20), false),
        ];
        let case = case_events(day(2015, 1, 1), &w, &e, &n, day(2026, 3, 1));
        let cp = case.child_protection.unwrap();
        assert_eq!(cp.strategy_discussion, day(2026, 1, 12));
        assert_eq!(cp.initial_conference, Some(day(2026, 2, 2)));
        let plan = cp.plan.unwrap();
        assert_eq!(plan.visits, vec![day(2026, 2, 10)]);
        // The referral closed, so its clock is not running.
        assert!(case.referral.is_none());
    }

    #[test]
    fn a_strategy_discussion_without_enquiries_starts_no_clock() {
        let w = [work(1, InvolvementKind::Referral, day(2026, 1, 5), None)];
        let e = [event(
            EventKind::StrategyDiscussion,
            day(2026, 1, 12),
            &[("s47", "N")],
        )];
        let case = case_events(day(2015, 1, 1), &w, &e, &[], day(2026, 2, 1));
        assert!(case.child_protection.is_none());
    }

    #[test]
    fn placements_pair_starts_with_ends_and_school_age_needs_a_pep() {
        let w = [work(1, InvolvementKind::LookedAfter, day(2026, 1, 5), None)];
        let e = [
            event(
                EventKind::PlacementStarted,
                day(2026, 1, 5),
                &[("place", "U6")],
            ),
            event(
                EventKind::PlacementEnded,
                day(2026, 4, 1),
                &[("reason", "CARPL")],
            ),
            event(
                EventKind::PlacementStarted,
                day(2026, 4, 1),
                &[("place", "U4")],
            ),
            event(EventKind::PepMeeting, day(2026, 2, 1), &[]),
        ];
        let case = case_events(day(2016, 6, 1), &w, &e, &[], day(2026, 5, 1));
        let la = case.looked_after.unwrap();
        assert_eq!(
            la.placements,
            vec![
                Placement {
                    started: day(2026, 1, 5),
                    ended: Some(day(2026, 4, 1))
                },
                Placement {
                    started: day(2026, 4, 1),
                    ended: None
                },
            ]
        );
        assert_eq!(la.education.unwrap().reviews, vec![day(2026, 2, 1)]);
        // A baby needs no PEP.
        let case = case_events(day(2025, 6, 1), &w, &e, &[], day(2026, 5, 1));
        assert!(case.looked_after.unwrap().education.is_none());
    }

    #[test]
    fn events_after_today_are_not_known_yet() {
        let w = [work(1, InvolvementKind::Referral, day(2026, 3, 2), None)];
        let e = [event(
            EventKind::ReferralDecision,
            day(2026, 3, 9),
            &[("nfa", "N")],
        )];
        let case = case_events(day(2015, 1, 1), &w, &e, &[], day(2026, 3, 5));
        assert_eq!(case.referral.unwrap().decided, None);
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(years_between(day(2010, 3, 1), day(2026, 2, 28)), 15);
        assert_eq!(years_between(day(2010, 3, 1), day(2026, 3, 1)), 16);
    }
}
