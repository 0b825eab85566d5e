//! Casework through the policy, on every backend: the demo's allocations keep the
//! rules (and follow people across changes of provider); a manager allocates, moves and
//! closes a case, each audited in its transaction, with refused and invalid attempts
//! changing nothing; the database refuses overlapping allocations by itself; caseloads
//! count only what the viewer may see.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::accounts::Actor;
use carebridge_app::casework::AllocationInput;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, AppError};
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::Involvement;
use carebridge_domain::{ChildId, InvolvementId, StaffId, TeamId};
use carebridge_policy::CaseloadOf;
use carebridge_testkit::{actor, behind_the_back, demo_app, every_backend, today};

const CHILDREN: u32 = 150;

fn meta() -> RequestMeta {
    carebridge_testkit::meta("casework-test", "192.0.2.9")
}

async fn open_cases(app: &App) -> Vec<Involvement> {
    let mut all = Vec::new();
    for child in (1..=i64::from(CHILDREN)).map(ChildId) {
        for w in app.store().involvements_of(child).await.unwrap() {
            if w.period.end().is_none() {
                all.push(w);
            }
        }
    }
    all
}

/// The teams `staff` holds a post in on `day`, read from the stored workforce.
async fn teams_on(app: &App, staff: StaffId, day: chrono::NaiveDate) -> Vec<TeamId> {
    let mut teams = Vec::new();
    for e in app.store().employments_of(staff).await.unwrap() {
        if e.period.contains(day) {
            teams.push(app.store().post(e.post).await.unwrap().unwrap().team);
        }
    }
    teams
}

async fn audit_len(app: &App) -> i64 {
    app.store().verify_audit(None).await.unwrap().entries as i64
}

#[tokio::test]
async fn the_demo_allocates_open_cases_to_people_in_the_team_across_changes_of_provider() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let mut allocated = 0;
        let mut across_a_change = 0;
        for case in open_cases(&app).await {
            let rows = app.store().allocations_of(case.id).await.unwrap();
            let Some(team) = case.team else {
                assert!(rows.is_empty(), "an unallocated referral has an allocation");
                continue;
            };
            assert!(rows.len() <= 1, "{} rows for case {}", rows.len(), case.id);
            let Some(a) = rows.first() else { continue };
            allocated += 1;
            assert_eq!(a.team, team);
            assert_eq!(a.period.end(), None);
            assert!(a.period.start() >= case.period.start());
            for day in [a.period.start(), today()] {
                assert!(
                    teams_on(&app, a.staff, day).await.contains(&team),
                    "case {}: staff {} not in team {} on {day}",
                    case.id,
                    a.staff,
                    team
                );
            }
            // The same person, a different employer: the allocation followed them.
            let employers: Vec<_> = app
                .store()
                .employments_of(a.staff)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.period.contains(a.period.start()) || e.period.contains(today()))
                .map(|e| e.employer)
                .collect();
            if employers.windows(2).any(|w| w[0] != w[1]) {
                across_a_change += 1;
            }
        }
        assert!(allocated > 20, "{} allocations on {}", allocated, db.label);
        assert!(
            across_a_change > 0,
            "no allocation spans a change of provider on {}",
            db.label
        );
    }
}

/// An open case of the team manager's service (children's social care), allocated
/// before today, with another worker of the same team to move it to. The policy lets a
/// team manager allocate any case of the service they work in.
async fn service_case(app: &App, tm: &Actor) -> (Involvement, StaffId, TeamId) {
    let own = teams_on(app, tm.staff.unwrap(), today()).await[0];
    let teams = app.store().teams().await.unwrap();
    let service = teams.iter().find(|t| t.id == own).unwrap().service;
    let (_, workers) = app.allocation_choices(tm, service).await.unwrap();
    for case in open_cases(app).await {
        if case.service != service {
            continue;
        }
        let rows = app.store().allocations_of(case.id).await.unwrap();
        let Some(current) = rows.first() else {
            continue;
        };
        if current.period.start() >= today() {
            continue;
        }
        if let Some(other) = workers
            .iter()
            .find(|w| w.team == current.team && w.staff != current.staff)
        {
            return (case, other.staff, current.team);
        }
    }
    panic!("no allocated case in the team manager's service");
}

#[tokio::test]
async fn a_manager_moves_and_closes_a_case_and_nothing_invalid_is_saved() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let tm = actor(&app, "tm.demo").await;
        let (case, other, team) = service_case(&app, &tm).await;
        let before = app.store().allocations_of(case.id).await.unwrap();
        let audited = audit_len(&app).await;
        let good = AllocationInput {
            worker: other,
            team,
            starts_on: today(),
            reason: "Worker leaving the team".into(),
            change: carebridge_domain::casework::WorkerChange::LeftRole,
        };

        // Invalid input: refused with the field named, nothing written.
        for (bad, field) in [
            (
                AllocationInput {
                    reason: "   ".into(),
                    ..good.clone()
                },
                "reason",
            ),
            (
                AllocationInput {
                    starts_on: case.period.start().pred_opt().unwrap(),
                    ..good.clone()
                },
                "start date",
            ),
            (
                AllocationInput {
                    starts_on: today().succ_opt().unwrap(),
                    ..good.clone()
                },
                "start date",
            ),
            (
                AllocationInput {
                    starts_on: before[0].period.start(),
                    ..good.clone()
                },
                "start date",
            ),
            (
                AllocationInput {
                    worker: StaffId(tm.staff.unwrap().0),
                    team: TeamId(999_999),
                    ..good.clone()
                },
                "team",
            ),
        ] {
            match app.allocate_case(&tm, &meta(), case.id, &bad).await {
                Err(AppError::Invalid(carebridge_domain::DomainError::Invalid {
                    field: f,
                    ..
                })) => {
                    assert_eq!(f, field, "{bad:?}")
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert_eq!(app.store().allocations_of(case.id).await.unwrap(), before);
        assert_eq!(
            audit_len(&app).await,
            audited,
            "an invalid write left an entry"
        );

        // A social worker's role never allocates: refused before anything is read.
        let sw = actor(&app, "sw.demo").await;
        assert!(matches!(
            app.allocate_case(&sw, &meta(), case.id, &good).await,
            Err(AppError::Forbidden(_))
        ));

        // The move: the old row ends yesterday, the new one starts today.
        app.allocate_case(&tm, &meta(), case.id, &good)
            .await
            .unwrap();
        let after = app.store().allocations_of(case.id).await.unwrap();
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(after[0].period.end(), today().pred_opt());
        assert_eq!((after[1].staff, after[1].period.start()), (other, today()));
        assert_eq!(audit_len(&app).await, audited + 1);
        let view = app.case(&tm, &meta(), case.id).await.unwrap();
        assert_eq!(view.record.allocations.len(), 2);
        assert_eq!(view.record.allocations[1].allocated_by, "tm.demo");

        // The database refuses an overlapping row written behind the application's back.
        let sql = format!(
            "INSERT INTO allocations (involvement_id, staff_id, team_id, starts_on, allocated_by, reason, recorded_at) \
             VALUES ({}, {}, {}, '{}', 'x', 'x', 'x')",
            case.id.0,
            other.0,
            team.0,
            today()
        );
        let err = behind_the_back(&db, &sql).await.unwrap_err();
        assert!(err.to_string().contains("must not overlap"), "{err}");

        // Closing: not before the case started, then on a real day, with the census code.
        let early = app
            .close_case(
                &tm,
                &meta(),
                case.id,
                ClosureReason::ServicesCeased,
                case.period.start().pred_opt().unwrap(),
            )
            .await;
        assert!(matches!(early, Err(AppError::Invalid(_))), "{early:?}");
        app.close_case(
            &tm,
            &meta(),
            case.id,
            ClosureReason::NoFurtherAction,
            today(),
        )
        .await
        .unwrap();
        let view = app.case(&tm, &meta(), case.id).await.unwrap();
        assert_eq!(view.record.case.period.end(), Some(today()));
        assert_eq!(
            view.record.closure.as_ref().map(|c| c.reason),
            Some(ClosureReason::NoFurtherAction)
        );
        assert_eq!(
            view.record.allocations[1].allocation.period.end(),
            Some(today())
        );
        // A closed case takes no allocation.
        let err = app
            .allocate_case(&tm, &meta(), case.id, &good)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("closed"), "{err}");
        assert!(app
            .store()
            .verify_audit(None)
            .await
            .unwrap()
            .broken
            .is_none());
    }
}

#[tokio::test]
async fn a_manager_outside_the_service_is_refused_and_the_refusal_is_audited() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let tm = actor(&app, "tm.demo").await;
        let sw = actor(&app, "sw.demo").await;
        // A case of the social worker's service (disabled children), not the manager's.
        let teams = app.store().teams().await.unwrap();
        let sw_team = teams_on(&app, sw.staff.unwrap(), today()).await[0];
        let dcs = teams.iter().find(|t| t.id == sw_team).unwrap().service;
        let case = open_cases(&app)
            .await
            .into_iter()
            .find(|c| c.service == dcs)
            .unwrap();
        let before = audit_len(&app).await;
        let err = app
            .close_case(
                &tm,
                &meta(),
                case.id,
                ClosureReason::ServicesCeased,
                today(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        assert_eq!(audit_len(&app).await, before + 1, "the refusal is audited");
        assert_eq!(
            app.store()
                .involvements_of(case.child)
                .await
                .unwrap()
                .iter()
                .find(|w| w.id == case.id)
                .unwrap()
                .period
                .end(),
            None
        );
        assert!(matches!(
            app.case(&tm, &meta(), InvolvementId(i64::MAX)).await,
            Err(AppError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn caseloads_count_only_what_the_viewer_may_see() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let tm = actor(&app, "tm.demo").await;
        let sm = actor(&app, "sm.demo").await;
        let director = actor(&app, "director.demo").await;

        // One's own caseload: only one's own cases, counted by kind.
        let (case, _, team) = service_case(&app, &tm).await;
        let holder = app.store().allocations_of(case.id).await.unwrap()[0].staff;
        let by_sm = app
            .caseload(&sm, &meta(), Some(CaseloadOf::Staff(holder)))
            .await
            .unwrap();
        assert!(by_sm.caseload.entries.iter().any(|e| e.case.id == case.id));
        assert!(by_sm.caseload.entries.iter().all(|e| e.worker == holder));
        let mine = app.caseload(&sw, &meta(), None).await.unwrap();
        assert_eq!(mine.of, CaseloadOf::Staff(sw.staff.unwrap()));
        for view in [&mine, &by_sm] {
            assert_eq!(
                view.caseload.by_kind.iter().map(|(_, n)| n).sum::<i64>(),
                view.caseload.total
            );
        }

        // A team's: the service manager and the director see it; a practitioner does
        // not, nor does a team manager of another team.
        let theirs = app
            .caseload(&sm, &meta(), Some(CaseloadOf::Team(team)))
            .await
            .unwrap();
        assert!(theirs.caseload.total > 0, "{}", db.label);
        assert!(theirs.teams.iter().any(|t| t.id == team));
        let by_director = app
            .caseload(&director, &meta(), Some(CaseloadOf::Team(team)))
            .await
            .unwrap();
        assert_eq!(by_director.caseload.total, theirs.caseload.total);
        assert!(matches!(
            app.caseload(&sw, &meta(), Some(CaseloadOf::Team(team)))
                .await,
            Err(AppError::Forbidden(_))
        ));
        let tm_team = teams_on(&app, tm.staff.unwrap(), today()).await[0];
        if tm_team != team {
            assert!(matches!(
                app.caseload(&tm, &meta(), Some(CaseloadOf::Team(team)))
                    .await,
                Err(AppError::Forbidden(_))
            ));
        }
        app.caseload(&tm, &meta(), Some(CaseloadOf::Team(tm_team)))
            .await
            .unwrap();

        // A restricted record the director is not named on leaves the director's
        // count, not the count of the service manager who restricted it (and is named).
        let child = theirs.caseload.entries[0].child.id;
        let cases_of_child = theirs
            .caseload
            .entries
            .iter()
            .filter(|e| e.child.id == child)
            .count() as i64;
        app.restrict_record(&sm, &meta(), child, "A member of staff's family", &[])
            .await
            .unwrap();
        let now_director = app
            .caseload(&director, &meta(), Some(CaseloadOf::Team(team)))
            .await
            .unwrap();
        assert_eq!(
            now_director.caseload.total,
            theirs.caseload.total - cases_of_child
        );
        assert!(now_director
            .caseload
            .entries
            .iter()
            .all(|e| e.child.id != child));
        let now_sm = app
            .caseload(&sm, &meta(), Some(CaseloadOf::Team(team)))
            .await
            .unwrap();
        assert_eq!(now_sm.caseload.total, theirs.caseload.total);
    }
}
