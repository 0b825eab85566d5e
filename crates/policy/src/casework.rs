//! Casework decisions: who may allocate, reallocate and close a case, and whose
//! caseload a person may see.
//!
//! **Security-sensitive**, like the rest of this crate.
//!
//! - **Allocating, reallocating (moving a case to another worker or team) and closing**
//!   are for team managers and service managers, on a case whose service their
//!   employer provides on the day, in a team of that service they hold a post in: the
//!   same scope as opening the record, but asked of the one case, open or not.
//!   Restricted records are allocated only by people named on them.
//! - **Caseloads**: everyone with casework sees their own; a team manager sees the
//!   caseloads of the teams they work in and of the people in them; a service manager
//!   those of every team of the services they work in; a director those of every team
//!   of the services their employer provides. The cases listed are still only those the
//!   viewer may see: [`CaseloadAccess`] carries the viewer's [`SearchScope`], which the
//!   store puts in the caseload's query, so a count never includes a case the viewer
//!   could not open.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use carebridge_domain::access::Grant;
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::staff::{Role, Team};
use carebridge_domain::{
    ChildId, InvolvementId, OrganisationId, ServiceId, StaffId, TeamId, UserId,
};

use crate::{
    search_scope, ChildFacts, Denial, Grounds, SearchScope, Subject, TimeLimitedGrant, Workplace,
};

/// Things done to one case (an involvement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseAction {
    /// Allocate the case to a worker and team, or move it to another (reallocate).
    Allocate,
    /// Close the case with a reason.
    Close,
}

impl CaseAction {
    /// Every action, for the role table.
    pub const ALL: [CaseAction; 2] = [CaseAction::Allocate, CaseAction::Close];

    /// The stored code, as the audit log records it.
    pub fn code(self) -> &'static str {
        match self {
            CaseAction::Allocate => "allocate",
            CaseAction::Close => "close-case",
        }
    }
}

/// Whether the role could ever take `action` on some case: the gate checked before any
/// input is read. The decision on a particular case is [`decide_case`]'s.
pub fn role_may_case(role: Role, action: CaseAction) -> bool {
    match action {
        CaseAction::Allocate | CaseAction::Close => {
            matches!(role, Role::TeamManager | Role::ServiceManager)
        }
    }
}

/// An allowed action on one case: the capability the store's casework writes ask for.
///
/// Only [`decide_case`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    child: ChildId,
    involvement: InvolvementId,
    subject: UserId,
    action: CaseAction,
    grounds: Grounds,
}

impl CaseAccess {
    /// The child whose case it is.
    pub fn child(&self) -> ChildId {
        self.child
    }

    /// The case.
    pub fn involvement(&self) -> InvolvementId {
        self.involvement
    }

    /// Who it was given to.
    pub fn subject(&self) -> UserId {
        self.subject
    }

    /// What it allows.
    pub fn action(&self) -> CaseAction {
        self.action
    }

    /// Why.
    pub fn grounds(&self) -> &Grounds {
        &self.grounds
    }
}

/// Decides a casework action on one of the child's cases at instant `at`; when
/// allowed, hands out the capability to carry it out.
pub fn decide_case(
    subject: &Subject,
    action: CaseAction,
    involvement: InvolvementId,
    facts: &ChildFacts,
    at: DateTime<Utc>,
) -> Result<CaseAccess, Denial> {
    let role = subject.role;
    if !role_may_case(role, action) {
        return Err(Denial::Role(role));
    }
    if let Some(r) = &facts.restriction {
        if !r.named.contains(&subject.user) {
            return Err(Denial::Restricted);
        }
    }
    let staff = subject.staff.ok_or(Denial::NoStaffRecord)?;
    let case = facts
        .involvements
        .iter()
        .find(|w| w.id == involvement)
        .ok_or(Denial::OutOfScope)?;
    let day = at.date_naive();
    let provided = facts
        .provision
        .iter()
        .find(|p| p.service == case.service && p.period.contains(day))
        .ok_or(Denial::OutOfScope)?;
    let w = &facts.workplace;
    let grant = w
        .employments
        .iter()
        .filter(|e| e.staff == staff && e.period.contains(day) && e.employer == provided.provider)
        .find_map(|e| {
            let post = w.posts.iter().find(|p| p.id == e.post)?;
            let team = w
                .teams
                .iter()
                .find(|t| t.id == post.team && t.service == case.service)?;
            Some(Grant {
                staff,
                employer: e.employer,
                post: post.id,
                team: team.id,
                service: case.service,
                involvement,
                provided_under: provided.started_by,
                allocated_team: case.team == Some(team.id),
            })
        })
        .ok_or(Denial::OutOfScope)?;
    Ok(CaseAccess {
        child: facts.child,
        involvement,
        subject: subject.user,
        action,
        grounds: Grounds::InScope(grant),
    })
}

/// Whose caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseloadOf {
    /// A worker's: the cases allocated to them.
    Staff(StaffId),
    /// A team's: the cases allocated in it.
    Team(TeamId),
}

/// Permission to see one caseload, with the scope of the cases it may list.
///
/// Only [`decide_caseload`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadAccess {
    of: CaseloadOf,
    visible: SearchScope,
    grounds: Grounds,
}

impl CaseloadAccess {
    /// Whose caseload.
    pub fn of(&self) -> CaseloadOf {
        self.of
    }

    /// Which children's cases may be listed (put in the query by the store).
    pub fn visible(&self) -> &SearchScope {
        &self.visible
    }

    /// Why.
    pub fn grounds(&self) -> &Grounds {
        &self.grounds
    }
}

/// The teams the subject works in on the day, and the services those teams are in.
fn teams_of(staff: StaffId, workplace: &Workplace, day: chrono::NaiveDate) -> Vec<&Team> {
    workplace
        .employments
        .iter()
        .filter(|e| e.staff == staff && e.period.contains(day))
        .filter_map(|e| workplace.posts.iter().find(|p| p.id == e.post))
        .filter_map(|p| workplace.teams.iter().find(|t| t.id == p.team))
        .collect()
}

/// Decides whether the subject may see the caseload `of` at `at`. `target_teams` are
/// the teams the caseload belongs to: for a team, the team itself; for a worker, the
/// teams they hold a post in on the day. `workplace`, `provision` and `grants` are the
/// subject's, as [`search_scope`] takes them.
pub fn decide_caseload(
    subject: &Subject,
    of: CaseloadOf,
    target_teams: &[Team],
    workplace: &Workplace,
    provision: &[ProvisionPeriod],
    grants: &[TimeLimitedGrant],
    at: DateTime<Utc>,
) -> Result<CaseloadAccess, Denial> {
    let role = subject.role;
    crate::decide(subject, crate::AuthorityAction::ViewCaseloads)?;
    let staff = subject.staff.ok_or(Denial::NoStaffRecord)?;
    let day = at.date_naive();
    let own_teams = teams_of(staff, workplace, day);
    let grounds = if of == CaseloadOf::Staff(staff) {
        Grounds::OwnCaseload
    } else {
        let managed: Option<&Team> = match role {
            Role::TeamManager => target_teams
                .iter()
                .find(|t| own_teams.iter().any(|o| o.id == t.id)),
            Role::ServiceManager => target_teams
                .iter()
                .find(|t| own_teams.iter().any(|o| o.service == t.service)),
            Role::Director => {
                let employers: Vec<OrganisationId> = workplace
                    .employments
                    .iter()
                    .filter(|e| e.staff == staff && e.period.contains(day))
                    .map(|e| e.employer)
                    .collect();
                let provided: Vec<ServiceId> = provision
                    .iter()
                    .filter(|p| p.period.contains(day) && employers.contains(&p.provider))
                    .map(|p| p.service)
                    .collect();
                target_teams.iter().find(|t| provided.contains(&t.service))
            }
            _ => None,
        };
        Grounds::Manages {
            team: managed.ok_or(Denial::NotTheirCaseload)?.id,
        }
    };
    let visible = search_scope(subject, workplace, provision, grants, at)?;
    Ok(CaseloadAccess {
        of,
        visible,
        grounds,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::tests::{at, d, facts, provision, subject, workplace, CSC, DCS};
    use crate::Restriction;
    use proptest::prelude::*;

    /// Who may take each casework action, allow and deny both written out: a new role
    /// or action fails to compile here until it has its row.
    #[test]
    fn case_actions_by_role() {
        use CaseAction as C;
        for role in Role::ALL {
            let expected: &[C] = match role {
                Role::TeamManager | Role::ServiceManager => &[C::Allocate, C::Close],
                Role::SocialWorker
                | Role::SeniorPractitioner
                | Role::Director
                | Role::PerformanceAnalyst
                | Role::InformationGovernanceLead
                | Role::SystemAdministrator
                | Role::Inspector
                | Role::PartnerReadOnly => &[],
            };
            for action in CaseAction::ALL {
                assert_eq!(
                    role_may_case(role, action),
                    expected.contains(&action),
                    "{role:?} {action:?}"
                );
                // The decision on a case in scope agrees with the gate.
                let f = facts(d(2021, 1, 1));
                let decision =
                    decide_case(&subject(role), action, InvolvementId(1), &f, at(2022, 6, 1));
                assert_eq!(
                    decision.is_ok(),
                    expected.contains(&action),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_manager_decides_on_cases_of_their_service_only_and_closed_cases_too() {
        let s = subject(Role::TeamManager);
        // In the service's team, employed by its provider: allowed, open or closed.
        let f = facts(d(2021, 1, 1));
        let access =
            decide_case(&s, CaseAction::Close, InvolvementId(1), &f, at(2022, 6, 1)).unwrap();
        assert_eq!(
            (access.child(), access.involvement()),
            (ChildId(42), InvolvementId(1))
        );
        assert!(decide_case(
            &s,
            CaseAction::Allocate,
            InvolvementId(1),
            &f,
            at(2026, 6, 1)
        )
        .is_ok());
        // No such case on this child.
        assert_eq!(
            decide_case(
                &s,
                CaseAction::Allocate,
                InvolvementId(9),
                &f,
                at(2022, 6, 1)
            ),
            Err(Denial::OutOfScope)
        );
        // A team in another service.
        let mut other = facts(d(2021, 1, 1));
        other.workplace = workplace(DCS);
        assert_eq!(
            decide_case(
                &s,
                CaseAction::Allocate,
                InvolvementId(1),
                &other,
                at(2022, 6, 1)
            ),
            Err(Denial::OutOfScope)
        );
        // Restricted, not named: the record stays hidden.
        let mut r = facts(d(2021, 1, 1));
        r.restriction = Some(Restriction {
            reason: "x".into(),
            named: vec![UserId(1)],
        });
        assert_eq!(
            decide_case(
                &s,
                CaseAction::Allocate,
                InvolvementId(1),
                &r,
                at(2022, 6, 1)
            ),
            Err(Denial::Restricted)
        );
    }

    fn team(id: i64, service: ServiceId) -> Team {
        Team {
            id: TeamId(id),
            service,
            name: format!("Team {id}"),
        }
    }

    #[test]
    fn caseloads_by_role() {
        let w = workplace(CSC); // staff 7, team 4 in CSC
        let p = provision();
        let when = at(2022, 6, 1);
        let own_team = [team(4, CSC)];
        let other_csc_team = [team(5, CSC)];
        let dcs_team = [team(6, DCS)];
        let ok = |role: Role, of: CaseloadOf, teams: &[Team]| {
            decide_caseload(&subject(role), of, teams, &w, &p, &[], when)
        };
        for role in Role::ALL {
            let own = ok(role, CaseloadOf::Staff(StaffId(7)), &own_team);
            let team_of_own = ok(role, CaseloadOf::Team(TeamId(4)), &own_team);
            let colleague = ok(role, CaseloadOf::Staff(StaffId(8)), &own_team);
            let other_team = ok(role, CaseloadOf::Team(TeamId(5)), &other_csc_team);
            let other_service = ok(role, CaseloadOf::Team(TeamId(6)), &dcs_team);
            let got = [
                own.is_ok(),
                team_of_own.is_ok(),
                colleague.is_ok(),
                other_team.is_ok(),
                other_service.is_ok(),
            ];
            let expected = match role {
                Role::SocialWorker | Role::SeniorPractitioner => [true, false, false, false, false],
                Role::TeamManager => [true, true, true, false, false],
                // Service managers and directors (the director's employer, the council,
                // provides CSC only in these facts).
                Role::ServiceManager | Role::Director => [true, true, true, true, false],
                _ => [false; 5],
            };
            assert_eq!(got, expected, "{role:?}");
            if let Ok(a) = own {
                assert_eq!(a.grounds(), &Grounds::OwnCaseload);
                assert_eq!(a.visible().subject(), UserId(70));
            }
        }
        // Without a staff record, no caseload at all.
        let mut s = subject(Role::TeamManager);
        s.staff = None;
        assert_eq!(
            decide_caseload(
                &s,
                CaseloadOf::Team(TeamId(4)),
                &own_team,
                &w,
                &p,
                &[],
                when
            ),
            Err(Denial::NoStaffRecord)
        );
    }

    proptest! {
        /// Whatever the facts, only team and service managers ever get a case
        /// capability, it is for the case asked about, and a restricted record is
        /// allocated only by someone named on it.
        #[test]
        fn case_capabilities_only_for_managers(
            role in prop::sample::select(Role::ALL.to_vec()),
            restricted in any::<bool>(),
            named in any::<bool>(),
            open_from in 0u64..4000,
            when in 0i64..5000,
            team_in_csc in any::<bool>(),
        ) {
            let mut f = facts(d(2014, 1, 1) + chrono::Days::new(open_from));
            if !team_in_csc {
                f.workplace = workplace(DCS);
            }
            let s = subject(role);
            if restricted {
                f.restriction = Some(Restriction {
                    reason: "r".into(),
                    named: if named { vec![s.user] } else { vec![UserId(1)] },
                });
            }
            let now = at(2014, 1, 1) + chrono::Duration::days(when);
            for action in CaseAction::ALL {
                if let Ok(a) = decide_case(&s, action, InvolvementId(1), &f, now) {
                    prop_assert!(matches!(role, Role::TeamManager | Role::ServiceManager));
                    prop_assert_eq!(a.involvement(), InvolvementId(1));
                    prop_assert_eq!(a.action(), action);
                    prop_assert!(!restricted || named);
                    prop_assert!(team_in_csc);
                }
            }
        }
    }
}
