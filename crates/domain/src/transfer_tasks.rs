//! A transfer plan as the task list a director or service manager works through, in
//! the order they work: check the instrument and the plan, review what moves (the dry
//! run), carry out the TUPE steps, execute on or after the effective date, and read the
//! reconciliation report.
//!
//! Every status is derived here from the plan's data (its status and dates, whether it
//! can be carried out as things stand, the TUPE checklist, the report), never stored
//! or worked out in a page, so the web task list and `carebridge transfer show` say the
//! same. The statuses are the GOV.UK task list's: "Completed", "Incomplete" (something
//! to do), "Cannot start yet" (with the reason), and two of our own for what needs
//! attention: "Overdue" (a TUPE step past its date) and "Failed" (a reconciliation
//! check that did not hold).

use chrono::NaiveDate;

use crate::transfer::PlanStatus;
use crate::tupe::{ChecklistItem, ItemStatus, TupeStepKind};

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// Done (or, for a review, nothing left to decide).
    Completed,
    /// Still to do.
    Incomplete,
    /// Not done, and its date has passed.
    Overdue,
    /// Done, and what it found is wrong (a failed reconciliation check).
    Failed,
    /// Waiting on something else, said in the task's hint.
    CannotStartYet,
}

impl TaskStatus {
    /// In words, as the task list shows it.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Completed => "Completed",
            TaskStatus::Incomplete => "Incomplete",
            TaskStatus::Overdue => "Overdue",
            TaskStatus::Failed => "Failed",
            TaskStatus::CannotStartYet => "Cannot start yet",
        }
    }
}

/// Where the person does a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPlace {
    /// The plan's summary: instrument, services, providers, date.
    Plan,
    /// A part of the dry run.
    DryRun(DryRunPart),
    /// A step of the TUPE process.
    Tupe(TupeStepKind),
    /// Executing (or cancelling) the plan.
    Execute,
    /// The reconciliation report.
    Report,
}

/// The parts of the dry run a director reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRunPart {
    /// Services, teams and posts (with grade and FTE).
    Posts,
    /// Staff who change employer.
    Staff,
    /// Open cases and work due within 28 days of the effective date, per team.
    DueWork,
    /// Restricted records in scope.
    Restricted,
    /// Who keeps, loses and gains access.
    Access,
}

impl DryRunPart {
    /// The part's anchor on the dry-run page.
    pub fn anchor(self) -> &'static str {
        match self {
            DryRunPart::Posts => "posts",
            DryRunPart::Staff => "staff",
            DryRunPart::DueWork => "due-work",
            DryRunPart::Restricted => "restricted",
            DryRunPart::Access => "access",
        }
    }
}

/// One task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// What to do.
    pub name: String,
    /// Dates, counts, or why it cannot start yet.
    pub hint: Option<String>,
    /// Where it stands.
    pub status: TaskStatus,
    /// Where it is done.
    pub place: TaskPlace,
}

/// A titled group of tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSection {
    /// The section's heading.
    pub title: &'static str,
    /// Its tasks, in order.
    pub tasks: Vec<Task>,
}

/// What the dry run found, in counts (present when the plan can be carried out as
/// things stand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DryRunCounts {
    /// Services that move.
    pub services: usize,
    /// Teams that move with them.
    pub teams: usize,
    /// Posts that move.
    pub posts: usize,
    /// Staff who change employer.
    pub staff: usize,
    /// Children with work open in the services on the effective date.
    pub open_cases: usize,
    /// Things due on that work from the effective date to 28 days after it.
    pub due: usize,
    /// Things already overdue on the effective date.
    pub overdue: usize,
    /// Restricted records in scope.
    pub restricted: usize,
    /// People who lose access on the day.
    pub loses: usize,
    /// People who gain access on the day.
    pub gains: usize,
}

/// Everything the task list is derived from.
#[derive(Debug, Clone, Copy)]
pub struct PlanFacts<'a> {
    /// Draft, executed or cancelled.
    pub status: PlanStatus,
    /// The day the new provider takes over.
    pub effective_from: NaiveDate,
    /// Today, by the application's clock.
    pub today: NaiveDate,
    /// Why the plan cannot be carried out as things stand, if so (draft plans only).
    pub problem: Option<&'a str>,
    /// What the dry run found, when it could be run.
    pub dry_run: Option<DryRunCounts>,
    /// The TUPE checklist as it stands today.
    pub checklist: &'a [ChecklistItem],
    /// Who executed or cancelled the plan, and on which day.
    pub decided: Option<(&'a str, NaiveDate)>,
    /// Once executed: how many reconciliation checks failed, of how many.
    pub report: Option<(usize, usize)>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The plan's task list, in the order a director works.
pub fn plan_tasks(facts: &PlanFacts<'_>) -> Vec<TaskSection> {
    let day = facts.effective_from.format("%-d %B %Y").to_string();
    let cancelled = facts.status == PlanStatus::Cancelled;
    let executed = facts.status == PlanStatus::Executed;

    let plan = Task {
        name: "Check the instrument, services, providers and date".to_owned(),
        hint: match (facts.status, facts.problem) {
            (PlanStatus::Draft, Some(problem)) => Some(format!(
                "It cannot be carried out as things stand: {problem}"
            )),
            _ => Some(format!("Takes effect on {day}")),
        },
        status: match (facts.status, facts.problem) {
            (PlanStatus::Draft, Some(_)) => TaskStatus::Incomplete,
            _ => TaskStatus::Completed,
        },
        place: TaskPlace::Plan,
    };

    // The dry run is a review: there is something to read while the plan is a draft
    // that can be carried out; once executed it is settled.
    let review_status = if executed {
        TaskStatus::Completed
    } else if cancelled || facts.dry_run.is_none() {
        TaskStatus::CannotStartYet
    } else {
        TaskStatus::Incomplete
    };
    let waiting = if cancelled {
        Some("The plan was cancelled".to_owned())
    } else if executed {
        Some(
            "Executed: the dry run is no longer shown; the reconciliation report says what moved"
                .to_owned(),
        )
    } else if facts.dry_run.is_none() {
        Some("The dry run needs a plan that can be carried out as things stand".to_owned())
    } else {
        None
    };
    let review = |name: &str, part: DryRunPart, counts: &dyn Fn(&DryRunCounts) -> String| Task {
        name: name.to_owned(),
        hint: waiting
            .clone()
            .or_else(|| facts.dry_run.as_ref().map(counts)),
        status: review_status,
        place: TaskPlace::DryRun(part),
    };
    let reviews = vec![
        review("Services, teams and posts", DryRunPart::Posts, &|c| {
            format!(
                "{}, {}, {}",
                plural(c.services, "service", "services"),
                plural(c.teams, "team", "teams"),
                plural(c.posts, "post", "posts")
            )
        }),
        review("Staff who change employer", DryRunPart::Staff, &|c| {
            format!(
                "{} move to the new provider, keeping their continuity of employment",
                plural(c.staff, "person", "people")
            )
        }),
        review(
            "Open cases and work due within 28 days",
            DryRunPart::DueWork,
            &|c| {
                format!(
                    "{}; {} from {day} to 28 days after, {} by then",
                    plural(c.open_cases, "open case", "open cases"),
                    plural(c.due, "thing due", "things due"),
                    plural(c.overdue, "already overdue", "already overdue")
                )
            },
        ),
        review("Restricted records", DryRunPart::Restricted, &|c| {
            plural(c.restricted, "restricted record", "restricted records")
        }),
        review("Who loses and gains access", DryRunPart::Access, &|c| {
            format!(
                "{} {} access, {} {} it",
                plural(c.loses, "person", "people"),
                if c.loses == 1 { "loses" } else { "lose" },
                plural(c.gains, "person", "people"),
                if c.gains == 1 { "gains" } else { "gain" }
            )
        }),
    ];

    let tupe = facts
        .checklist
        .iter()
        .map(|item| {
            let due = item.due.format("%-d %B %Y");
            let done = item
                .done
                .first()
                .map(|s| format!("Done on {}", s.done_on.format("%-d %B %Y")));
            let mut hint = match item.status {
                ItemStatus::Done | ItemStatus::DoneLate => done.unwrap_or_default(),
                ItemStatus::Overdue => format!("Was due by {due}"),
                ItemStatus::ToDo => format!("Due by {due}"),
            };
            // The checklist's plain "Due by" warning says what the hint already says.
            let plain = format!("Due by {}.", item.due);
            if let Some(warning) = item.warning.as_ref().filter(|w| **w != plain) {
                hint = format!("{hint}. {warning}");
            }
            Task {
                name: item.kind.label().to_owned(),
                hint: Some(hint),
                status: match item.status {
                    ItemStatus::Done | ItemStatus::DoneLate => TaskStatus::Completed,
                    ItemStatus::Overdue => TaskStatus::Overdue,
                    ItemStatus::ToDo => TaskStatus::Incomplete,
                },
                place: TaskPlace::Tupe(item.kind),
            }
        })
        .collect();

    let decided = facts
        .decided
        .map(|(who, on)| format!("by {who} on {}", on.format("%-d %B %Y")));
    let execute = Task {
        name: "Execute the transfer".to_owned(),
        hint: Some(match facts.status {
            PlanStatus::Executed => format!("Executed {}", decided.clone().unwrap_or_default()),
            PlanStatus::Cancelled => {
                format!(
                    "The plan was cancelled {}",
                    decided.clone().unwrap_or_default()
                )
            }
            PlanStatus::Draft if facts.today < facts.effective_from => {
                format!("Can be executed on or after {day}")
            }
            PlanStatus::Draft if facts.problem.is_some() => {
                "The plan cannot be carried out as things stand".to_owned()
            }
            PlanStatus::Draft => {
                format!("Takes effect on {day}: one transaction, nothing else written")
            }
        }),
        status: match facts.status {
            PlanStatus::Executed => TaskStatus::Completed,
            PlanStatus::Cancelled => TaskStatus::CannotStartYet,
            PlanStatus::Draft if facts.today < facts.effective_from || facts.problem.is_some() => {
                TaskStatus::CannotStartYet
            }
            PlanStatus::Draft => TaskStatus::Incomplete,
        },
        place: TaskPlace::Execute,
    };

    let report = Task {
        name: "Read the reconciliation report".to_owned(),
        hint: Some(match facts.report {
            Some((0, checks)) => format!("PASS: all {checks} checks held"),
            Some((failed, checks)) => format!("FAIL: {failed} of {checks} checks failed"),
            None if cancelled => "The plan was cancelled".to_owned(),
            None => "Available once the transfer is executed".to_owned(),
        }),
        status: match facts.report {
            Some((0, _)) => TaskStatus::Completed,
            Some(_) => TaskStatus::Failed,
            None => TaskStatus::CannotStartYet,
        },
        place: TaskPlace::Report,
    };

    vec![
        TaskSection {
            title: "The instrument and the plan",
            tasks: vec![plan],
        },
        TaskSection {
            title: "Review what moves",
            tasks: reviews,
        },
        TaskSection {
            title: "TUPE process",
            tasks: tupe,
        },
        TaskSection {
            title: "Execute",
            tasks: vec![execute],
        },
        TaskSection {
            title: "Reconciliation",
            tasks: vec![report],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::{Instrument, InstrumentDetails};
    use crate::tupe::{checklist, TupeStep};
    use crate::{InstrumentId, OrganisationId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn decision(made_on: NaiveDate) -> Instrument {
        Instrument {
            id: InstrumentId(1),
            authority: OrganisationId(1),
            reference: "CAB/2027/004".into(),
            title: "Cabinet decision".into(),
            made_on,
            details: InstrumentDetails::CabinetDecision {
                decision: "Commission".into(),
                recommendation: "Agree".into(),
            },
        }
    }

    fn counts() -> DryRunCounts {
        DryRunCounts {
            services: 2,
            teams: 20,
            posts: 286,
            staff: 270,
            open_cases: 900,
            due: 41,
            overdue: 7,
            restricted: 1,
            loses: 3,
            gains: 0,
        }
    }

    fn facts<'a>(today: NaiveDate, list: &'a [ChecklistItem]) -> PlanFacts<'a> {
        PlanFacts {
            status: PlanStatus::Draft,
            effective_from: d(2027, 4, 1),
            today,
            problem: None,
            dry_run: Some(counts()),
            checklist: list,
            decided: None,
            report: None,
        }
    }

    fn statuses(sections: &[TaskSection]) -> Vec<(String, TaskStatus)> {
        sections
            .iter()
            .flat_map(|s| s.tasks.iter().map(|t| (t.name.clone(), t.status)))
            .collect()
    }

    fn find(sections: &[TaskSection], place: TaskPlace) -> &Task {
        sections
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|t| t.place == place)
            .unwrap()
    }

    #[test]
    fn sections_come_in_the_order_a_director_works() {
        let list = checklist(d(2027, 4, 1), &decision(d(2027, 1, 20)), &[], d(2027, 2, 1));
        let sections = plan_tasks(&facts(d(2027, 2, 1), &list));
        let titles: Vec<_> = sections.iter().map(|s| s.title).collect();
        assert_eq!(
            titles,
            [
                "The instrument and the plan",
                "Review what moves",
                "TUPE process",
                "Execute",
                "Reconciliation"
            ]
        );
        assert_eq!(sections[1].tasks.len(), 5);
        assert_eq!(sections[2].tasks.len(), 4);
    }

    #[test]
    fn before_the_effective_date_execution_and_the_report_cannot_start() {
        let list = checklist(d(2027, 4, 1), &decision(d(2027, 1, 20)), &[], d(2027, 2, 1));
        let sections = plan_tasks(&facts(d(2027, 2, 1), &list));
        assert_eq!(
            find(&sections, TaskPlace::Plan).status,
            TaskStatus::Completed
        );
        let execute = find(&sections, TaskPlace::Execute);
        assert_eq!(execute.status, TaskStatus::CannotStartYet);
        assert_eq!(
            execute.hint.as_deref(),
            Some("Can be executed on or after 1 April 2027")
        );
        let report = find(&sections, TaskPlace::Report);
        assert_eq!(report.status, TaskStatus::CannotStartYet);
        let due = find(&sections, TaskPlace::DryRun(DryRunPart::DueWork));
        assert_eq!(due.status, TaskStatus::Incomplete);
        assert_eq!(
            due.hint.as_deref(),
            Some("900 open cases; 41 things due from 1 April 2027 to 28 days after, 7 already overdue by then")
        );
        // Every TUPE step is still in time on 1 February.
        for kind in TupeStepKind::ALL {
            let step = find(&sections, TaskPlace::Tupe(kind));
            assert_eq!(step.status, TaskStatus::Incomplete, "{kind:?}");
            assert!(step.hint.as_deref().unwrap().starts_with("Due by "));
        }
    }

    #[test]
    fn tupe_steps_are_completed_overdue_or_explained() {
        let steps = [TupeStep {
            kind: TupeStepKind::MeasuresLetter,
            done_on: d(2027, 3, 1),
            notes: String::new(),
        }];
        let list = checklist(
            d(2027, 4, 1),
            &decision(d(2027, 1, 20)),
            &steps,
            d(2027, 3, 10),
        );
        let sections = plan_tasks(&facts(d(2027, 3, 10), &list));
        let eli = find(
            &sections,
            TaskPlace::Tupe(TupeStepKind::EmployeeLiabilityInformation),
        );
        assert_eq!(eli.status, TaskStatus::Overdue);
        assert_eq!(eli.hint.as_deref(), Some("Was due by 4 March 2027"));
        let letter = find(&sections, TaskPlace::Tupe(TupeStepKind::MeasuresLetter));
        assert_eq!(
            (letter.status, letter.hint.as_deref()),
            (TaskStatus::Completed, Some("Done on 1 March 2027"))
        );
        // A decision made 10 days before: 28 days' notice was impossible, and it says so.
        let late = checklist(
            d(2027, 4, 1),
            &decision(d(2027, 3, 22)),
            &[],
            d(2027, 3, 23),
        );
        let sections = plan_tasks(&facts(d(2027, 3, 23), &late));
        let eli = find(
            &sections,
            TaskPlace::Tupe(TupeStepKind::EmployeeLiabilityInformation),
        );
        assert_eq!(eli.status, TaskStatus::Overdue);
        assert!(eli
            .hint
            .as_deref()
            .unwrap()
            .contains("28 days' employee liability information was impossible"));
    }

    #[test]
    fn on_the_day_execution_can_start_unless_the_plan_cannot_be_carried_out() {
        let list = checklist(d(2027, 4, 1), &decision(d(2027, 1, 20)), &[], d(2027, 4, 1));
        let on_the_day = facts(d(2027, 4, 1), &list);
        let sections = plan_tasks(&on_the_day);
        assert_eq!(
            find(&sections, TaskPlace::Execute).status,
            TaskStatus::Incomplete
        );
        let broken = PlanFacts {
            problem: Some("the council does not provide Children's social care on 1 April 2027"),
            dry_run: None,
            ..on_the_day
        };
        let sections = plan_tasks(&broken);
        assert_eq!(
            find(&sections, TaskPlace::Plan).status,
            TaskStatus::Incomplete
        );
        assert_eq!(
            find(&sections, TaskPlace::Execute).status,
            TaskStatus::CannotStartYet
        );
        assert_eq!(
            find(&sections, TaskPlace::DryRun(DryRunPart::Access)).status,
            TaskStatus::CannotStartYet
        );
    }

    #[test]
    fn executed_plans_show_the_report_pass_or_fail_and_cancelled_ones_stop() {
        let list = checklist(d(2027, 4, 1), &decision(d(2027, 1, 20)), &[], d(2027, 4, 2));
        let executed = PlanFacts {
            status: PlanStatus::Executed,
            dry_run: None,
            decided: Some(("director.demo", d(2027, 4, 2))),
            report: Some((0, 4)),
            ..facts(d(2027, 4, 2), &list)
        };
        let sections = plan_tasks(&executed);
        // Everything but the TUPE steps (never recorded here, so overdue) is done.
        let all = statuses(&sections);
        let tupe: Vec<_> = sections[2].tasks.iter().map(|t| t.status).collect();
        assert_eq!(tupe, [TaskStatus::Overdue; 4]);
        assert!(
            sections
                .iter()
                .filter(|s| s.title != "TUPE process")
                .flat_map(|s| &s.tasks)
                .all(|t| t.status == TaskStatus::Completed),
            "{all:?}"
        );
        let report = find(&sections, TaskPlace::Report);
        assert_eq!(report.hint.as_deref(), Some("PASS: all 4 checks held"));
        let failed = plan_tasks(&PlanFacts {
            report: Some((1, 4)),
            ..executed
        });
        let report = find(&failed, TaskPlace::Report);
        assert_eq!(
            (report.status, report.hint.as_deref()),
            (TaskStatus::Failed, Some("FAIL: 1 of 4 checks failed"))
        );
        let cancelled = plan_tasks(&PlanFacts {
            status: PlanStatus::Cancelled,
            dry_run: None,
            decided: Some(("sm.demo", d(2027, 3, 1))),
            report: None,
            ..executed
        });
        for place in [
            TaskPlace::Execute,
            TaskPlace::Report,
            TaskPlace::DryRun(DryRunPart::Staff),
        ] {
            assert_eq!(
                find(&cancelled, place).status,
                TaskStatus::CannotStartYet,
                "{place:?}"
            );
        }
    }
}
