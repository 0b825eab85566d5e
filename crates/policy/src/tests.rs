#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use carebridge_domain::child::InvolvementKind;
use carebridge_domain::staff::PostCode;
use carebridge_domain::{
    EmploymentId, InstrumentId, InvolvementId, OrganisationId, Period, PostId, ProvisionId, TeamId,
};
use chrono::{NaiveDate, TimeZone};
use proptest::prelude::*;

pub(crate) const COUNCIL: OrganisationId = OrganisationId(1);
pub(crate) const TRUST: OrganisationId = OrganisationId(2);
pub(crate) const CSC: ServiceId = ServiceId(1);
pub(crate) const DCS: ServiceId = ServiceId(2);

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn at(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 10, 0, 0).unwrap()
}

/// Children's social care: the trust until 31 March 2022, the council from 1 April.
pub(crate) fn provision() -> Vec<ProvisionPeriod> {
    vec![
        ProvisionPeriod {
            id: ProvisionId(1),
            service: CSC,
            provider: TRUST,
            period: Period::new("p", d(2014, 10, 1), Some(d(2022, 3, 31))).unwrap(),
            started_by: InstrumentId(1),
            ended_by: Some(InstrumentId(2)),
        },
        ProvisionPeriod {
            id: ProvisionId(2),
            service: CSC,
            provider: COUNCIL,
            period: Period::open_from(d(2022, 4, 1)),
            started_by: InstrumentId(2),
            ended_by: None,
        },
    ]
}

/// A social worker (staff 7) in a CSC team: with the trust until 31 March 2022, then
/// with the council (TUPE).
pub(crate) fn workplace(team_service: ServiceId) -> Workplace {
    Workplace {
        employments: vec![
            Employment {
                id: EmploymentId(1),
                staff: StaffId(7),
                employer: TRUST,
                post: PostId(3),
                period: Period::new("e", d(2015, 1, 5), Some(d(2022, 3, 31))).unwrap(),
                continuous_since: d(2015, 1, 5),
            },
            Employment {
                id: EmploymentId(2),
                staff: StaffId(7),
                employer: COUNCIL,
                post: PostId(3),
                period: Period::open_from(d(2022, 4, 1)),
                continuous_since: d(2015, 1, 5),
            },
        ],
        posts: vec![Post {
            id: PostId(3),
            code: PostCode::parse("SW-003").unwrap(),
            title: "Social worker".into(),
            grade: "SW2".into(),
            fte_hundredths: 100,
            team: TeamId(4),
            role: Role::SocialWorker,
        }],
        teams: vec![Team {
            id: TeamId(4),
            service: team_service,
            name: "Child in Need (North)".into(),
        }],
    }
}

pub(crate) fn facts(open_from: NaiveDate) -> ChildFacts {
    ChildFacts {
        child: ChildId(42),
        involvements: vec![Involvement {
            id: InvolvementId(1),
            child: ChildId(42),
            service: CSC,
            team: Some(TeamId(4)),
            kind: InvolvementKind::ChildInNeed,
            period: Period::new(
                "i",
                open_from,
                Some(open_from.max(d(2021, 1, 1)) + chrono::Days::new(900)),
            )
            .unwrap(),
        }],
        provision: provision(),
        workplace: workplace(CSC),
        restriction: None,
        break_glass_until: None,
        grants: Vec::new(),
    }
}

pub(crate) fn subject(role: Role) -> Subject {
    Subject {
        user: UserId(70),
        role,
        staff: Some(StaffId(7)),
    }
}

#[test]
fn a_worker_in_the_service_team_may_open_while_the_work_is_open() {
    let f = facts(d(2021, 1, 1));
    let access = decide_child(
        &subject(Role::SocialWorker),
        ChildAction::Open,
        &f,
        at(2021, 6, 1),
    )
    .unwrap();
    assert_eq!(access.child(), ChildId(42));
    assert!(access.may_read());
    let Grounds::InScope(grant) = access.grounds() else {
        panic!("{:?}", access.grounds())
    };
    assert_eq!(grant.employer, TRUST);
    assert!(grant.allocated_team);
    // After the transfer the same person reaches it through the council.
    let access = decide_child(
        &subject(Role::SocialWorker),
        ChildAction::Open,
        &f,
        at(2022, 4, 1),
    )
    .unwrap();
    let Grounds::InScope(grant) = access.grounds() else {
        panic!()
    };
    assert_eq!(grant.employer, COUNCIL);
    assert_eq!(grant.provided_under, InstrumentId(2));
    // Before the work opened, and after it closed: out of scope.
    for day in [at(2020, 12, 31), at(2023, 7, 1)] {
        assert_eq!(
            decide_child(&subject(Role::SocialWorker), ChildAction::Open, &f, day),
            Err(Denial::OutOfScope)
        );
    }
}

#[test]
fn employment_by_someone_other_than_the_provider_gives_no_scope() {
    let mut f = facts(d(2021, 1, 1));
    // Without the TUPE move: still employed by the trust after it stopped providing.
    f.workplace.employments.truncate(1);
    f.workplace.employments[0].period = Period::open_from(d(2015, 1, 5));
    assert!(decide_child(
        &subject(Role::SocialWorker),
        ChildAction::Open,
        &f,
        at(2022, 3, 31)
    )
    .is_ok());
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::Open,
            &f,
            at(2022, 4, 1)
        ),
        Err(Denial::OutOfScope)
    );
    // A team in another service gives no scope either.
    let mut f = facts(d(2021, 1, 1));
    f.workplace = workplace(DCS);
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::Open,
            &f,
            at(2022, 6, 1)
        ),
        Err(Denial::OutOfScope)
    );
}

#[test]
fn a_director_oversees_every_service_their_employer_provides() {
    // The director's post is in a corporate team, outside the service.
    let mut f = facts(d(2021, 1, 1));
    f.workplace = workplace(ServiceId(9));
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::Open,
            &f,
            at(2022, 6, 1)
        ),
        Err(Denial::OutOfScope)
    );
    let access = decide_child(
        &subject(Role::Director),
        ChildAction::Open,
        &f,
        at(2022, 6, 1),
    )
    .unwrap();
    assert_eq!(
        access.grounds(),
        &Grounds::Oversight {
            employer: COUNCIL,
            service: CSC
        }
    );
    let scope = search_scope(
        &subject(Role::Director),
        &f.workplace,
        &f.provision,
        &[],
        at(2022, 6, 1),
    )
    .unwrap();
    assert_eq!(scope.reach(), &Reach::Services(vec![CSC]));
    // Once the work has closed, no more.
    assert_eq!(
        decide_child(
            &subject(Role::Director),
            ChildAction::Open,
            &f,
            at(2024, 1, 1)
        ),
        Err(Denial::OutOfScope)
    );
}

#[test]
fn who_may_ask_who_could_open_a_record() {
    let f = facts(d(2021, 1, 1));
    let now = at(2022, 6, 1);
    let ig = subject(Role::InformationGovernanceLead);
    assert!(decide_child(&ig, ChildAction::ExplainAccess, &f, now).is_ok());
    // A manager asks about records within their scope only.
    assert!(decide_child(
        &subject(Role::ServiceManager),
        ChildAction::ExplainAccess,
        &f,
        now
    )
    .is_ok());
    let mut elsewhere = f.clone();
    elsewhere.workplace = workplace(DCS);
    assert_eq!(
        decide_child(
            &subject(Role::ServiceManager),
            ChildAction::ExplainAccess,
            &elsewhere,
            now
        ),
        Err(Denial::OutOfScope)
    );
    for role in [
        Role::SocialWorker,
        Role::PerformanceAnalyst,
        Role::Inspector,
    ] {
        assert_eq!(
            decide_child(&subject(role), ChildAction::ExplainAccess, &f, now),
            Err(Denial::Role(role))
        );
    }
    let explain = decide_child(&ig, ChildAction::ExplainAccess, &f, now).unwrap();
    assert!(
        !explain.may_read(),
        "explaining access is not reading the record"
    );
}

#[test]
fn roles_without_casework_never_open_records() {
    let f = facts(d(2021, 1, 1));
    for role in [
        Role::PerformanceAnalyst,
        Role::SystemAdministrator,
        Role::InformationGovernanceLead,
    ] {
        assert_eq!(
            decide_child(&subject(role), ChildAction::Open, &f, at(2022, 6, 1)),
            Err(Denial::Role(role)),
            "{role:?}"
        );
        assert_eq!(
            decide_child(&subject(role), ChildAction::BreakGlass, &f, at(2022, 6, 1)),
            Err(Denial::Role(role)),
        );
    }
    // The IG lead sees who accessed it, and may restrict it.
    let ig = subject(Role::InformationGovernanceLead);
    assert!(decide_child(&ig, ChildAction::ViewAccessLog, &f, at(2022, 6, 1)).is_ok());
    assert!(decide_child(&ig, ChildAction::Restrict, &f, at(2022, 6, 1)).is_ok());
    assert_eq!(
        decide_child(
            &subject(Role::Director),
            ChildAction::ViewAccessLog,
            &f,
            at(2022, 6, 1)
        ),
        Err(Denial::Role(Role::Director))
    );
}

#[test]
fn a_restricted_record_opens_only_for_named_people_and_hides_from_the_rest() {
    let mut f = facts(d(2021, 1, 1));
    f.restriction = Some(Restriction {
        reason: "adoption".into(),
        named: vec![UserId(99)],
    });
    let denied = decide_child(
        &subject(Role::SocialWorker),
        ChildAction::Open,
        &f,
        at(2022, 6, 1),
    );
    assert_eq!(denied, Err(Denial::Restricted));
    assert!(denied.unwrap_err().hides_record());
    let named = Subject {
        user: UserId(99),
        ..subject(Role::TeamManager)
    };
    assert_eq!(
        decide_child(&named, ChildAction::Open, &f, at(2022, 6, 1))
            .unwrap()
            .grounds(),
        &Grounds::Named
    );
    // Break-glass cannot open it, even for someone out of scope.
    f.workplace = workplace(DCS);
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::BreakGlass,
            &f,
            at(2022, 6, 1)
        ),
        Err(Denial::Restricted)
    );
    // And a live break-glass from before the restriction does not either.
    f.break_glass_until = Some(at(2022, 6, 2));
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::Open,
            &f,
            at(2022, 6, 1)
        ),
        Err(Denial::Restricted)
    );
}

#[test]
fn break_glass_opens_out_of_scope_records_for_a_limited_time() {
    let mut f = facts(d(2021, 1, 1));
    f.workplace = workplace(DCS);
    let sw = subject(Role::SocialWorker);
    let now = at(2022, 6, 1);
    let glass = decide_child(&sw, ChildAction::BreakGlass, &f, now).unwrap();
    let Grounds::BreakGlass { until } = glass.grounds().clone() else {
        panic!()
    };
    assert_eq!(until, now + BREAK_GLASS_LASTS);
    assert!(!glass.may_read(), "breaking the glass is not itself a read");
    f.break_glass_until = Some(until);
    assert!(decide_child(&sw, ChildAction::Open, &f, now + Duration::minutes(119)).is_ok());
    assert_eq!(
        decide_child(&sw, ChildAction::Open, &f, until),
        Err(Denial::OutOfScope)
    );
    // In scope already: no glass to break.
    assert_eq!(
        decide_child(&sw, ChildAction::BreakGlass, &facts(d(2021, 1, 1)), now),
        Err(Denial::AlreadyInScope)
    );
}

#[test]
fn inspectors_and_partners_read_only_within_their_grant() {
    let mut f = facts(d(2021, 1, 1));
    let window = |kind, child| TimeLimitedGrant {
        kind,
        child,
        starts_at: at(2022, 6, 1),
        ends_at: at(2022, 6, 8),
    };
    let inspector = subject(Role::Inspector);
    let partner = subject(Role::PartnerReadOnly);
    assert_eq!(
        decide_child(&inspector, ChildAction::Open, &f, at(2022, 6, 2)),
        Err(Denial::NoLiveGrant)
    );
    f.grants = vec![
        window(GrantKind::Inspection, None),
        window(GrantKind::Partner, Some(ChildId(41))),
    ];
    assert!(decide_child(&inspector, ChildAction::Open, &f, at(2022, 6, 2)).is_ok());
    assert_eq!(
        decide_child(&inspector, ChildAction::Open, &f, at(2022, 6, 8)),
        Err(Denial::NoLiveGrant),
        "the window has closed"
    );
    assert_eq!(
        decide_child(&partner, ChildAction::Open, &f, at(2022, 6, 2)),
        Err(Denial::NoLiveGrant),
        "a partner's grant is for another child"
    );
    f.grants.push(window(GrantKind::Partner, Some(ChildId(42))));
    assert!(decide_child(&partner, ChildAction::Open, &f, at(2022, 6, 2)).is_ok());
    assert_eq!(
        decide_child(&partner, ChildAction::BreakGlass, &f, at(2022, 6, 2)),
        Err(Denial::Role(Role::PartnerReadOnly))
    );
}

#[test]
fn search_scope_follows_provision() {
    let w = workplace(CSC);
    let p = provision();
    let scope = search_scope(&subject(Role::SocialWorker), &w, &p, &[], at(2022, 6, 1)).unwrap();
    assert_eq!(scope.reach(), &Reach::Services(vec![CSC]));
    // Still with the trust after the service left it: nothing.
    let mut stayed = w.clone();
    stayed.employments.truncate(1);
    stayed.employments[0].period = Period::open_from(d(2015, 1, 5));
    let scope = search_scope(
        &subject(Role::SocialWorker),
        &stayed,
        &p,
        &[],
        at(2022, 6, 1),
    )
    .unwrap();
    assert_eq!(scope.reach(), &Reach::Services(vec![]));
    assert_eq!(
        search_scope(
            &subject(Role::PerformanceAnalyst),
            &w,
            &p,
            &[],
            at(2022, 6, 1)
        ),
        Err(Denial::Role(Role::PerformanceAnalyst))
    );
}

/// The expected outcome of every authority action for every role, allow and deny both
/// written out: a new role or action fails to compile here until it has its row.
#[test]
fn authority_actions_by_role() {
    use AuthorityAction as A;
    for role in Role::ALL {
        let expected: &[A] = match role {
            Role::SocialWorker | Role::SeniorPractitioner | Role::TeamManager => &[
                A::ViewAuthority,
                A::ListChildren,
                A::ViewDueWork,
                A::ViewCaseloads,
                A::RegisterChild,
            ],
            Role::ServiceManager => &[
                A::ViewAuthority,
                A::ManageTransfers,
                A::ListChildren,
                A::ViewDueWork,
                A::ViewCaseloads,
                A::RegisterChild,
                A::ValidateReturns,
            ],
            Role::Director => &[
                A::ViewAuthority,
                A::ManageTransfers,
                A::ListChildren,
                A::ViewDueWork,
                A::ViewCaseloads,
                A::ValidateReturns,
                A::ProduceReturns,
            ],
            Role::PerformanceAnalyst => &[A::ViewAuthority, A::ValidateReturns, A::ProduceReturns],
            Role::SystemAdministrator => &[A::ViewAuthority],
            Role::InformationGovernanceLead => &[A::ViewAuthority, A::Govern],
            Role::Inspector => &[A::ViewAuthority, A::ListChildren],
            Role::PartnerReadOnly => &[A::ListChildren],
        };
        for action in AuthorityAction::ALL {
            assert_eq!(
                decide(&subject(role), action).is_ok(),
                expected.contains(&action),
                "{role:?} {action:?}"
            );
        }
    }
}

fn any_role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

proptest! {
    /// Whatever the facts, a restricted record opens only for the people named on it,
    /// roles without casework never open a record, and a decision is a pure function
    /// of its inputs.
    #[test]
    fn invariants_hold_for_any_facts(
        role in any_role(),
        named in any::<bool>(),
        restricted in any::<bool>(),
        glass in prop::option::of(0i64..400),
        open_from in 0u64..4000,
        when in 0i64..5000,
        team_in_csc in any::<bool>(),
    ) {
        let mut f = facts(d(2014, 1, 1) + chrono::Days::new(open_from));
        if !team_in_csc {
            f.workplace = workplace(DCS);
        }
        let now = at(2014, 1, 1) + Duration::days(when);
        f.break_glass_until = glass.map(|m| now + Duration::minutes(m - 200));
        let s = subject(role);
        if restricted {
            f.restriction = Some(Restriction {
                reason: "high profile".into(),
                named: if named { vec![s.user] } else { vec![UserId(1)] },
            });
        }
        let decision = decide_child(&s, ChildAction::Open, &f, now);
        prop_assert_eq!(&decision, &decide_child(&s, ChildAction::Open, &f, now));
        if matches!(role, Role::PerformanceAnalyst | Role::SystemAdministrator | Role::InformationGovernanceLead) {
            prop_assert_eq!(decision.clone(), Err(Denial::Role(role)));
        }
        if restricted && decision.is_ok() {
            prop_assert!(named);
        }
        let export = decide_child(&s, ChildAction::SubjectAccessExport, &f, now);
        prop_assert_eq!(
            export.is_ok(),
            role == Role::InformationGovernanceLead && (!restricted || named)
        );
        if let Ok(access) = &decision {
            prop_assert_eq!(access.child(), f.child);
            prop_assert_eq!(access.subject(), s.user);
            if let Grounds::BreakGlass { until } = access.grounds() {
                prop_assert!(now < *until);
            }
        }
    }
}

#[test]
fn recording_needs_the_child_in_scope_not_a_broken_glass_or_oversight() {
    let f = facts(d(2021, 1, 1));
    let now = at(2022, 6, 1);
    let worker = decide_child(&subject(Role::SocialWorker), ChildAction::Record, &f, now).unwrap();
    assert!(worker.may_write());
    assert!(!worker.may_read());
    // The same worker, out of scope but with the glass broken, may read but not write.
    let mut out = facts(d(2021, 1, 1));
    out.workplace = workplace(DCS);
    out.break_glass_until = Some(now + chrono::Duration::hours(1));
    assert!(decide_child(&subject(Role::SocialWorker), ChildAction::Open, &out, now).is_ok());
    assert_eq!(
        decide_child(&subject(Role::SocialWorker), ChildAction::Record, &out, now),
        Err(Denial::OutOfScope)
    );
    // Directors oversee; they do not write case notes. Analysts and inspectors never.
    for role in [
        Role::Director,
        Role::PerformanceAnalyst,
        Role::Inspector,
        Role::PartnerReadOnly,
    ] {
        assert_eq!(
            decide_child(&subject(role), ChildAction::Record, &f, now),
            Err(Denial::Role(role))
        );
    }
    // A restricted record: only the people named on it.
    let mut restricted = facts(d(2021, 1, 1));
    restricted.restriction = Some(Restriction {
        reason: "adoption".into(),
        named: vec![UserId(71)],
    });
    assert_eq!(
        decide_child(
            &subject(Role::SocialWorker),
            ChildAction::Record,
            &restricted,
            now
        ),
        Err(Denial::Restricted)
    );
}

#[test]
fn only_the_ig_lead_exports_a_record_for_a_subject_access_request() {
    let f = facts(d(2021, 1, 1));
    let now = at(2022, 6, 1);
    // The role table: every role, allowed or refused, asserted both ways.
    let table: [(Role, bool); 10] = [
        (Role::SocialWorker, false),
        (Role::SeniorPractitioner, false),
        (Role::TeamManager, false),
        (Role::ServiceManager, false),
        (Role::Director, false),
        (Role::PerformanceAnalyst, false),
        (Role::InformationGovernanceLead, true),
        (Role::SystemAdministrator, false),
        (Role::Inspector, false),
        (Role::PartnerReadOnly, false),
    ];
    assert_eq!(table.len(), Role::ALL.len());
    for (role, allowed) in table {
        assert_eq!(
            role_may(role, ChildAction::SubjectAccessExport),
            allowed,
            "{role:?}"
        );
        let decision = decide_child(&subject(role), ChildAction::SubjectAccessExport, &f, now);
        if allowed {
            let access = decision.unwrap();
            assert_eq!(access.grounds(), &Grounds::Role(role));
            assert!(access.may_read() && access.may_read_access_log() && !access.may_write());
        } else {
            assert_eq!(decision, Err(Denial::Role(role)), "{role:?}");
        }
    }
    // Whoever is in scope: a worker in scope still may not export (it is not casework).
    assert!(decide_child(&subject(Role::SocialWorker), ChildAction::Open, &f, now).is_ok());
    // The IG lead still never opens a record for casework.
    let ig = subject(Role::InformationGovernanceLead);
    assert_eq!(
        decide_child(&ig, ChildAction::Open, &f, now),
        Err(Denial::Role(Role::InformationGovernanceLead))
    );
    assert_eq!(
        ChildAction::SubjectAccessExport.code(),
        "subject-access-export"
    );
}

#[test]
fn a_restricted_record_is_exported_only_by_an_ig_lead_named_on_it() {
    let mut f = facts(d(2021, 1, 1));
    let now = at(2022, 6, 1);
    f.restriction = Some(Restriction {
        reason: "adoption".into(),
        named: vec![UserId(99)],
    });
    let ig = subject(Role::InformationGovernanceLead);
    let refused = decide_child(&ig, ChildAction::SubjectAccessExport, &f, now);
    assert_eq!(refused, Err(Denial::NotNamedForExport));
    // Not hidden: the IG lead lists restricted records anyway; the message says what to do.
    assert!(!Denial::NotNamedForExport.hides_record());
    assert!(Denial::NotNamedForExport
        .describe()
        .contains("name yourself"));
    let named = Subject {
        user: UserId(99),
        ..ig
    };
    assert_eq!(
        decide_child(&named, ChildAction::SubjectAccessExport, &f, now)
            .unwrap()
            .grounds(),
        &Grounds::Named
    );
    // Being named does not let anyone else export it.
    let named_worker = Subject {
        user: UserId(99),
        ..subject(Role::SocialWorker)
    };
    assert_eq!(
        decide_child(&named_worker, ChildAction::SubjectAccessExport, &f, now),
        Err(Denial::Role(Role::SocialWorker))
    );
}
