//! What is due on a case, and what is overdue: the facts of the case in, a list out.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rules::{Interval, Rule, RuleId, Timescale};
use super::terms::{SchoolTerm, SchoolTerms};
use super::WorkingDayCalendar;
use crate::DomainError;

/// The events on one child's open case that start and stop statutory clocks.
///
/// Each part is present only while it applies: a child protection part while a
/// conference is pending or a plan is open, a looked-after part while the child is (or
/// until recently was) looked after. Lists of dates need not be sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvents {
    /// The referral to children's social care.
    pub referral: Option<Referral>,
    /// The child and family assessment.
    pub assessment: Option<Assessment>,
    /// Section 47 enquiries and what followed them.
    pub child_protection: Option<ChildProtection>,
    /// The child's time being looked after.
    pub looked_after: Option<LookedAfter>,
    /// A care leaver's pathway plan.
    pub pathway_plan: Option<PathwayPlan>,
}

/// A referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// The day it was received.
    pub received: NaiveDate,
    /// The day a decision on the response was made, if it has been.
    pub decided: Option<NaiveDate>,
}

/// A child and family assessment. Its clock runs from the referral when there is one,
/// else from the day the assessment started (e.g. a new assessment of an open case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The day it started.
    pub started: NaiveDate,
    /// The day it was completed (authorised), if it has been.
    pub completed: Option<NaiveDate>,
}

/// Section 47 enquiries and their conferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildProtection {
    /// The strategy discussion at which the section 47 enquiries were started (if more
    /// than one was held, that one, not the latest).
    pub strategy_discussion: NaiveDate,
    /// The initial child protection conference, once held.
    pub initial_conference: Option<NaiveDate>,
    /// The child protection plan, if a conference made one.
    pub plan: Option<ChildProtectionPlan>,
}

/// A child protection plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildProtectionPlan {
    /// The day of the conference that made the plan (normally the initial conference).
    pub started: NaiveDate,
    /// The day it ended, if it has.
    pub ended: Option<NaiveDate>,
    /// Review conferences held.
    pub review_conferences: Vec<NaiveDate>,
    /// Visits to the child by the lead social worker.
    pub visits: Vec<NaiveDate>,
}

/// A period of being looked after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookedAfter {
    /// The day the child became looked after.
    pub started: NaiveDate,
    /// The day they ceased to be, if they have.
    pub ended: Option<NaiveDate>,
    /// Reviews of the child's case held.
    pub reviews: Vec<NaiveDate>,
    /// Placements, each from its start to its end.
    pub placements: Vec<Placement>,
    /// Visits by the authority's representative (a visit counts for the placement it
    /// falls in).
    pub visits: Vec<NaiveDate>,
    /// The personal education plan, when the child needs one (of school age, or as the
    /// authority decides): `None` means no PEP is due.
    pub education: Option<PersonalEducationPlan>,
}

/// A placement of a looked-after child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// First day.
    pub started: NaiveDate,
    /// Last day, if it has ended.
    pub ended: Option<NaiveDate>,
}

/// The personal education plan's reviews.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalEducationPlan {
    /// Days the PEP was reviewed (a PEP meeting).
    pub reviews: Vec<NaiveDate>,
}

/// A care leaver's pathway plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathwayPlan {
    /// The day the plan was made.
    pub made: NaiveDate,
    /// Reviews held.
    pub reviews: Vec<NaiveDate>,
    /// The day the duty ended (e.g. the young person reached 21 or 25), if it has.
    pub ended: Option<NaiveDate>,
}

/// Where a rule stands on `today`. Days are calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Not done; the due date is `days` ahead.
    DueIn {
        /// Calendar days until the due date.
        days: u32,
    },
    /// Not done; due today.
    DueToday,
    /// Not done; the due date passed `days` ago.
    Overdue {
        /// Calendar days since the due date.
        days: u32,
    },
    /// Done on or before the due date.
    DoneOnTime {
        /// When.
        on: NaiveDate,
    },
    /// Done after the due date.
    DoneLate {
        /// When.
        on: NaiveDate,
        /// Calendar days after the due date.
        days_late: u32,
    },
    /// Not done, and it no longer can be: the plan, placement, care episode or pathway
    /// duty ended on `window_closed` after the due date, or (for a termly PEP) the term
    /// ended without one.
    Missed {
        /// The day the chance ended.
        window_closed: NaiveDate,
    },
}

impl Status {
    /// Whether it still needs doing: due, due today or overdue.
    pub fn is_outstanding(self) -> bool {
        matches!(
            self,
            Status::DueIn { .. } | Status::DueToday | Status::Overdue { .. }
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        match *self {
            Status::DueIn { days } => write!(f, "due in {days} day{}", plural(days)),
            Status::DueToday => f.write_str("due today"),
            Status::Overdue { days } => write!(f, "overdue by {days} day{}", plural(days)),
            Status::DoneOnTime { on } => write!(f, "done on time on {on}"),
            Status::DoneLate { on, days_late } => {
                write!(f, "done {days_late} day{} late on {on}", plural(days_late))
            }
            Status::Missed { window_closed } => write!(f, "not done before {window_closed}"),
        }
    }
}

/// What a due item is about, beyond the case itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DueFor {
    /// The case as a whole (referral, conference, review, ...).
    Case,
    /// The placement that started on this day.
    Placement {
        /// Its first day.
        started: NaiveDate,
    },
    /// This school term.
    Term(SchoolTerm),
}

/// One thing due on a case under one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    /// The rule.
    pub rule: RuleId,
    /// What it is about.
    pub due_for: DueFor,
    /// The event the due date counts from (for a termly rule, the term's first day, or
    /// the day the child became looked after if later).
    pub clock_started: NaiveDate,
    /// The last day on which it is on time.
    pub due: NaiveDate,
    /// Where it stands.
    pub status: Status,
}

impl DueItem {
    /// The rule, with its timescale and source.
    pub fn rule(&self) -> &'static Rule {
        self.rule.rule()
    }

    /// The last working day on or before the due date: the day to plan for when a
    /// calendar-month or weekly deadline falls on a weekend or bank holiday.
    pub fn plan_by(&self, calendar: &WorkingDayCalendar) -> Result<NaiveDate, DomainError> {
        calendar.working_day_on_or_before(self.due)
    }
}

/// Everything due, overdue or done on `case` as at `today`, sorted by due date.
///
/// Events dated after `today` are not yet known and are ignored, as are clocks that
/// start after it, so asking about an earlier day gives the answer as it stood then.
/// Repeating work (visits, reviews) lists every occurrence so far, each due a set time
/// after the one before it actually happened, then the next one due.
///
/// Fails only if a working-day deadline falls outside the bank-holiday calendar (or a
/// date is beyond what can be represented).
pub fn what_is_due(
    calendar: &WorkingDayCalendar,
    terms: &SchoolTerms,
    case: &CaseEvents,
    today: NaiveDate,
) -> Result<Vec<DueItem>, DomainError> {
    let clocks = Clocks {
        calendar,
        today,
        items: Vec::new(),
    };
    clocks.run(terms, case)
}

/// The working state of [`what_is_due`].
struct Clocks<'a> {
    calendar: &'a WorkingDayCalendar,
    today: NaiveDate,
    items: Vec<DueItem>,
}

impl Clocks<'_> {
    fn run(mut self, terms: &SchoolTerms, case: &CaseEvents) -> Result<Vec<DueItem>, DomainError> {
        if let Some(referral) = &case.referral {
            self.once(
                RuleId::ReferralDecision,
                referral.received,
                referral.decided,
            )?;
        }
        if let Some(assessment) = &case.assessment {
            let clock = case
                .referral
                .as_ref()
                .map_or(assessment.started, |r| r.received);
            self.once(RuleId::Assessment, clock, assessment.completed)?;
        }
        if let Some(cp) = &case.child_protection {
            self.once(
                RuleId::InitialConference,
                cp.strategy_discussion,
                cp.initial_conference,
            )?;
            if let Some(plan) = &cp.plan {
                let reviews = Series {
                    leading: &[RuleId::FirstReviewConference],
                    then: RuleId::ReviewConference,
                    due_for: DueFor::Case,
                    anchor: plan.started,
                    stops: plan.ended,
                    anchor_day_counts: false,
                };
                self.series(&reviews, &plan.review_conferences)?;
                let visits = Series {
                    leading: &[],
                    then: RuleId::ChildProtectionVisit,
                    anchor_day_counts: true,
                    ..reviews
                };
                self.series(&visits, &plan.visits)?;
            }
        }
        if let Some(la) = &case.looked_after {
            self.looked_after(terms, la)?;
        }
        if let Some(pathway) = &case.pathway_plan {
            let reviews = Series {
                leading: &[],
                then: RuleId::PathwayPlanReview,
                due_for: DueFor::Case,
                anchor: pathway.made,
                stops: pathway.ended,
                anchor_day_counts: false,
            };
            self.series(&reviews, &pathway.reviews)?;
        }
        let mut items = self.items;
        items.sort_by_key(|item| (item.due, item.rule, item.clock_started));
        Ok(items)
    }

    fn looked_after(&mut self, terms: &SchoolTerms, la: &LookedAfter) -> Result<(), DomainError> {
        let reviews = Series {
            leading: &[
                RuleId::FirstLookedAfterReview,
                RuleId::SecondLookedAfterReview,
            ],
            then: RuleId::LookedAfterReview,
            due_for: DueFor::Case,
            anchor: la.started,
            stops: la.ended,
            anchor_day_counts: false,
        };
        self.series(&reviews, &la.reviews)?;
        for placement in &la.placements {
            let stops = match (placement.ended, la.ended) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let visits = Series {
                leading: &[RuleId::FirstPlacementVisit],
                then: RuleId::PlacementVisit,
                due_for: DueFor::Placement {
                    started: placement.started,
                },
                anchor: placement.started,
                stops,
                anchor_day_counts: true,
            };
            self.series(&visits, &la.visits)?;
        }
        if let Some(pep) = &la.education {
            self.termly(terms, la, &pep.reviews);
        }
        Ok(())
    }

    /// A one-off: due `rule`'s interval after `clock`, done on `done` if it has been.
    fn once(
        &mut self,
        rule: RuleId,
        clock: NaiveDate,
        done: Option<NaiveDate>,
    ) -> Result<(), DomainError> {
        if clock > self.today {
            return Ok(());
        }
        let due = interval(rule)?.after(self.calendar, clock)?;
        let done = done.filter(|on| *on <= self.today);
        self.items.push(DueItem {
            rule,
            due_for: DueFor::Case,
            clock_started: clock,
            due,
            status: self.status(due, done),
        });
        Ok(())
    }

    /// Repeating work: the k-th event (in date order, from the anchor on) answers the
    /// k-th occurrence, which is due its rule's interval after the event before it (the
    /// anchor for the first). Then the next occurrence, unless the clock stopped first.
    fn series(&mut self, series: &Series<'_>, events: &[NaiveDate]) -> Result<(), DomainError> {
        if series.anchor > self.today {
            return Ok(());
        }
        let stops = series.stops.filter(|end| *end <= self.today);
        let last_counted = stops.unwrap_or(self.today);
        let mut events: Vec<NaiveDate> = events
            .iter()
            .copied()
            .filter(|on| {
                let after_anchor = if series.anchor_day_counts {
                    *on >= series.anchor
                } else {
                    *on > series.anchor
                };
                after_anchor && *on <= last_counted
            })
            .collect();
        events.sort_unstable();
        events.dedup();

        let mut previous = series.anchor;
        for (index, on) in events.iter().copied().enumerate() {
            let rule = series.rule(index);
            let due = interval(rule)?.after(self.calendar, previous)?;
            self.items.push(DueItem {
                rule,
                due_for: series.due_for,
                clock_started: previous,
                due,
                status: self.status(due, Some(on)),
            });
            previous = on;
        }
        let rule = series.rule(events.len());
        let due = interval(rule)?.after(self.calendar, previous)?;
        let status = match stops {
            Some(end) if due >= end => return Ok(()),
            Some(end) => Status::Missed { window_closed: end },
            None => self.status(due, None),
        };
        self.items.push(DueItem {
            rule,
            due_for: series.due_for,
            clock_started: previous,
            due,
            status,
        });
        Ok(())
    }

    /// The termly PEP: one in every term the child is looked after in, due by the
    /// term's last day. A term the child left care in before its end needs none.
    fn termly(&mut self, terms: &SchoolTerms, la: &LookedAfter, reviews: &[NaiveDate]) {
        let ended = la.ended.filter(|end| *end <= self.today);
        for term in terms.terms() {
            let starts = term.first_day().max(la.started);
            if starts > self.today || starts > term.last_day() {
                continue;
            }
            if ended.is_some_and(|end| end < term.last_day()) {
                continue;
            }
            let window_ends = term.last_day().min(self.today);
            let done = reviews
                .iter()
                .copied()
                .filter(|on| starts <= *on && *on <= window_ends)
                .min();
            let status = match done {
                Some(on) => Status::DoneOnTime { on },
                None if self.today > term.last_day() => Status::Missed {
                    window_closed: term.last_day(),
                },
                None => self.status(term.last_day(), None),
            };
            self.items.push(DueItem {
                rule: RuleId::PersonalEducationPlan,
                due_for: DueFor::Term(*term),
                clock_started: starts,
                due: term.last_day(),
                status,
            });
        }
    }

    fn status(&self, due: NaiveDate, done: Option<NaiveDate>) -> Status {
        match done {
            Some(on) if on <= due => Status::DoneOnTime { on },
            Some(on) => Status::DoneLate {
                on,
                days_late: days(due, on),
            },
            None if self.today < due => Status::DueIn {
                days: days(self.today, due),
            },
            None if self.today == due => Status::DueToday,
            None => Status::Overdue {
                days: days(due, self.today),
            },
        }
    }
}

/// A run of repeating work under one clock.
#[derive(Debug, Clone, Copy)]
struct Series<'r> {
    /// The rules for the first, second, ... occurrences, if they differ from the rest.
    leading: &'r [RuleId],
    /// The rule for every occurrence after those.
    then: RuleId,
    due_for: DueFor,
    /// The event the first occurrence counts from.
    anchor: NaiveDate,
    /// When the duty ends (plan, placement or episode closed).
    stops: Option<NaiveDate>,
    /// Whether an event on the anchor day itself counts (a visit on the day a placement
    /// starts does; a review on the day a plan is made is the conference that made it).
    anchor_day_counts: bool,
}

impl Series<'_> {
    fn rule(&self, index: usize) -> RuleId {
        self.leading.get(index).copied().unwrap_or(self.then)
    }
}

fn interval(rule: RuleId) -> Result<Interval, DomainError> {
    match rule.rule().timescale {
        Timescale::Within(interval) => Ok(interval),
        Timescale::EachSchoolTerm => Err(DomainError::invalid(
            "timescale rule",
            format!(
                "{} is counted by school term, not from an event",
                rule.code()
            ),
        )),
    }
}

/// Calendar days from `from` to `to`, which is not before it.
fn days(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(u32::MAX)
}
