//! Starting a new piece of work on a child's record: a child in need plan, a child
//! protection plan, a looked-after episode, early help, and the rest. Work is held by a
//! team of the service that does that kind of work, starts on a day that has come, and
//! never overlaps open work of the same kind (one child protection plan at a time);
//! ending work is casework (`crate::casework`, closing a case with a reason).

use chrono::NaiveDate;

use super::Problems;
use crate::child::{Involvement, InvolvementKind};
use crate::{ServiceId, TeamId};

impl InvolvementKind {
    /// The code of the service whose teams hold this kind of work.
    pub fn service_code(self) -> &'static str {
        match self {
            InvolvementKind::EarlyHelp => "EH",
            InvolvementKind::DisabledChildren => "DCS",
            InvolvementKind::VirtualSchool => "VS",
            InvolvementKind::Referral
            | InvolvementKind::ChildInNeed
            | InvolvementKind::ChildProtection
            | InvolvementKind::LookedAfter
            | InvolvementKind::CareLeaver => "CSC",
        }
    }

    /// Whether the work may start before the child is born (pre-birth assessment and
    /// planning for an unborn child).
    pub fn may_start_before_birth(self) -> bool {
        matches!(
            self,
            InvolvementKind::EarlyHelp
                | InvolvementKind::Referral
                | InvolvementKind::ChildInNeed
                | InvolvementKind::ChildProtection
        )
    }
}

/// The youngest a care leaver is when support as a care leaver starts (a "relevant
/// child" is 16 or 17; Children Act 1989 s.23A, Children (Leaving Care) Act 2000).
pub const CARE_LEAVER_FROM_AGE: u32 = 16;

/// A team someone may start work in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamChoice {
    /// The team.
    pub team: TeamId,
    /// Its name.
    pub name: String,
    /// Its service.
    pub service: ServiceId,
    /// The service's code (`CSC`, `EH`, ...).
    pub service_code: String,
}

/// New work as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkInput {
    /// What kind of work.
    pub kind: Option<InvolvementKind>,
    /// The team that will hold it.
    pub team: Option<TeamId>,
    /// Its first day.
    pub starts_on: Option<NaiveDate>,
}

/// Checked new work, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWork {
    /// What kind.
    pub kind: InvolvementKind,
    /// Held by.
    pub team: TeamId,
    /// Of the service.
    pub service: ServiceId,
    /// From.
    pub starts_on: NaiveDate,
}

/// Checks new work on a child born (or expected) on `born` with `existing` work:
/// every problem at once. `teams` are the teams the person may start work in.
pub fn check_work(
    input: WorkInput,
    teams: &[TeamChoice],
    existing: &[Involvement],
    born: NaiveDate,
    today: NaiveDate,
) -> Result<NewWork, Problems> {
    let mut problems = Problems::new();
    if input.kind.is_none() {
        problems.add("kind", "Select what kind of work this is");
    }
    let team = input
        .team
        .and_then(|id| teams.iter().find(|t| t.team == id));
    match (team, input.kind) {
        (None, _) => problems.add("team", "Select the team that will hold the work"),
        (Some(t), Some(kind)) if t.service_code != kind.service_code() => problems.add(
            "team",
            format!(
                "{} cannot hold {} work: select a team of the service that does it",
                t.name,
                kind.label().to_lowercase()
            ),
        ),
        _ => {}
    }
    match (input.starts_on, input.kind) {
        (None, _) => problems.add("starts", "Enter the date the work starts"),
        (Some(day), _) if day > today => {
            problems.add(
                "starts",
                "The date the work starts must be today or in the past",
            );
        }
        (Some(day), Some(kind)) => {
            if day < born && !kind.may_start_before_birth() {
                problems.add(
                    "starts",
                    format!(
                        "{} work cannot start before the child is born",
                        kind.label()
                    ),
                );
            } else if kind == InvolvementKind::CareLeaver
                && day.years_since(born).unwrap_or(0) < CARE_LEAVER_FROM_AGE
            {
                problems.add(
                    "starts",
                    format!("Support as a care leaver starts at {CARE_LEAVER_FROM_AGE} or older"),
                );
            } else if let Some(clash) = existing
                .iter()
                .find(|w| w.kind == kind && w.period.end().is_none_or(|end| end >= day))
            {
                problems.add(
                    "starts",
                    format!(
                        "There is already {} work from {}{}: end it first, or record under it",
                        kind.label().to_lowercase(),
                        clash.period.start().format("%-d %B %Y"),
                        clash
                            .period
                            .end()
                            .map_or_else(String::new, |e| format!(" to {}", e.format("%-d %B %Y")))
                    ),
                );
            }
        }
        (Some(_), None) => {}
    }
    match (input.kind, team, input.starts_on) {
        (Some(kind), Some(t), Some(starts_on)) if problems.is_empty() => Ok(NewWork {
            kind,
            team: t.team,
            service: t.service,
            starts_on,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChildId, InvolvementId, Period};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn teams() -> Vec<TeamChoice> {
        vec![
            TeamChoice {
                team: TeamId(3),
                name: "Assessment Team North".into(),
                service: ServiceId(1),
                service_code: "CSC".into(),
            },
            TeamChoice {
                team: TeamId(9),
                name: "Early Help Hub".into(),
                service: ServiceId(2),
                service_code: "EH".into(),
            },
        ]
    }

    fn work(kind: InvolvementKind, from: NaiveDate, to: Option<NaiveDate>) -> Involvement {
        Involvement {
            id: InvolvementId(1),
            child: ChildId(1),
            service: ServiceId(1),
            team: Some(TeamId(3)),
            kind,
            period: Period::new("work", from, to).unwrap(),
        }
    }

    const BORN: (i32, u32, u32) = (2015, 3, 14);

    fn check(
        kind: Option<InvolvementKind>,
        team: i64,
        on: Option<NaiveDate>,
        existing: &[Involvement],
    ) -> Result<NewWork, Problems> {
        check_work(
            WorkInput {
                kind,
                team: Some(TeamId(team)),
                starts_on: on,
            },
            &teams(),
            existing,
            day(BORN.0, BORN.1, BORN.2),
            day(2026, 11, 23),
        )
    }

    fn fields(p: Problems) -> Vec<&'static str> {
        p.0.iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_child_protection_plan_starts_in_a_social_care_team() {
        let w = check(
            Some(InvolvementKind::ChildProtection),
            3,
            Some(day(2026, 11, 20)),
            &[work(InvolvementKind::ChildInNeed, day(2026, 1, 5), None)],
        )
        .unwrap();
        assert_eq!((w.team, w.service), (TeamId(3), ServiceId(1)));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let p = check_work(
            WorkInput {
                kind: None,
                team: Some(TeamId(77)),
                starts_on: None,
            },
            &teams(),
            &[],
            day(2015, 3, 14),
            day(2026, 11, 23),
        )
        .unwrap_err();
        assert_eq!(fields(p), ["kind", "team", "starts"]);
        let p = check(
            Some(InvolvementKind::EarlyHelp),
            3,
            Some(day(2027, 1, 1)),
            &[],
        )
        .unwrap_err();
        assert!(p
            .of("team")
            .unwrap()
            .starts_with("Assessment Team North cannot hold early help"));
        assert!(p.of("starts").unwrap().contains("today or in the past"));
    }

    #[test]
    fn work_of_a_kind_does_not_overlap_open_or_later_work_of_that_kind() {
        let cp = |to| work(InvolvementKind::ChildProtection, day(2025, 6, 1), to);
        let on = Some(day(2026, 11, 1));
        let kind = Some(InvolvementKind::ChildProtection);
        let p = check(kind, 3, on, &[cp(None)]).unwrap_err();
        assert!(p
            .of("starts")
            .unwrap()
            .contains("already child protection work from 1 June 2025"));
        // Ended before: fine. Ending on or after the start: a clash.
        assert!(check(kind, 3, on, &[cp(Some(day(2026, 10, 31)))]).is_ok());
        assert!(check(kind, 3, on, &[cp(Some(day(2026, 11, 1)))]).is_err());
        // Other kinds never clash.
        assert!(check(Some(InvolvementKind::ChildInNeed), 3, on, &[cp(None)]).is_ok());
    }

    #[test]
    fn before_birth_only_pre_birth_work_and_care_leavers_from_sixteen() {
        let before = Some(day(2015, 1, 10));
        assert!(check(Some(InvolvementKind::ChildProtection), 3, before, &[]).is_ok());
        let p = check(Some(InvolvementKind::LookedAfter), 3, before, &[]).unwrap_err();
        assert!(p.of("starts").unwrap().contains("before the child is born"));
        let p = check(
            Some(InvolvementKind::CareLeaver),
            3,
            Some(day(2026, 11, 1)),
            &[],
        )
        .unwrap_err();
        assert!(p.of("starts").unwrap().contains("16 or older"));
    }
}
