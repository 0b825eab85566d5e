//! Transfers end to end on SQLite and PostgreSQL: plan, dry run, refusals, execution on
//! the effective date, the reconciliation report, and one winner when two execute at once.

// Helpers outside #[test] functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::AppError;
use carebridge_domain::transfer::PlanStatus;
use carebridge_testkit::{d, demo_app, every_backend, set_day, TransferFixture};

#[tokio::test]
async fn a_transfer_moves_provision_and_staff_and_no_child_record() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, 300).await;
        let f = TransferFixture::new(&app).await;
        let id = app
            .plan_transfer(&f.request(), "director.demo")
            .await
            .unwrap();

        let preview = app.preview_transfer(id).await.unwrap();
        assert!(preview.problem.is_none(), "{:?}", preview.problem);
        let moves = preview.moves.clone().unwrap();
        assert_eq!(moves.provision.len(), 2);
        assert!(!preview.staff.is_empty() && preview.children_in_scope > 0);
        // Everyone who moves keeps access to the moved services' records.
        let keeps = preview
            .access
            .iter()
            .filter(|a| a.change == carebridge_app::transfer::AccessChangeKind::Keeps)
            .count();
        assert_eq!(keeps, moves.employments.len(), "{}", db.label);
        assert!(preview.access.iter().any(|a| a.records > 0));
        // The dry run wrote nothing.
        let picture = app.provision_picture(d(2027, 4, 1)).await.unwrap();
        let provider = |p: &carebridge_app::overview::ProvisionPicture, s| {
            p.services
                .iter()
                .find(|x| x.service.id == s)
                .unwrap()
                .current_period()
                .unwrap()
                .provider
                .id
        };
        assert_eq!(provider(&picture, f.csc), f.council);

        // A second plan for the same services is refused while this one is a draft.
        let again = app
            .plan_transfer(&f.request(), "sm.demo")
            .await
            .unwrap_err();
        assert!(again.to_string().contains("already moves"), "{again}");

        // Not before the effective date.
        let early = app.execute_transfer(id, "director.demo").await.unwrap_err();
        assert!(early.to_string().contains("on or after"), "{early}");

        // A child with work open in a moving service on the day, and who can open their
        // record the day before, asked before the transfer is executed.
        let mut child = None;
        for (c, _) in &app
            .store()
            .scope_snapshot(&[f.csc, f.dcs], d(2027, 4, 1))
            .await
            .unwrap()
            .children
        {
            let work = app.store().involvements_of(*c).await.unwrap();
            if work.iter().any(|i| {
                (i.service == f.csc || i.service == f.dcs) && i.period.contains(d(2027, 4, 1))
            }) {
                child = Some(*c);
                break;
            }
        }
        let child = child.expect("the demo has open work in children's social care");
        let staff_of = |lines: &[carebridge_app::access::AccessLine]| {
            let mut ids: Vec<_> = lines.iter().map(|l| l.grant.staff).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let eve = app.explain_access(child, d(2027, 3, 31)).await.unwrap();
        assert!(!eve.lines.is_empty());
        assert!(eve.lines.iter().all(|l| l.grant.employer == f.council));

        set_day(&clock, 2027, 4, 1);
        let report = app.execute_transfer(id, "director.demo").await.unwrap();
        assert!(report.passed(), "{}: {:#?}", db.label, report.checks);
        assert_eq!(report.before.children_sha256, report.after.children_sha256);
        assert!(report.before.children > 0);
        assert_eq!(report.after.employers.len(), moves.employments.len());

        let picture = app.provision_picture(d(2027, 4, 1)).await.unwrap();
        assert_eq!(provider(&picture, f.csc), f.trust, "{}", db.label);
        assert_eq!(provider(&picture, f.dcs), f.trust);
        let before = app.provision_picture(d(2027, 3, 31)).await.unwrap();
        assert_eq!(provider(&before, f.csc), f.council);

        // Every mover has two employments meeting at the transfer, continuity kept.
        for m in &moves.employments {
            let jobs = app.store().employments_of(m.open.staff).await.unwrap();
            let old = jobs.iter().find(|e| e.id == m.close).unwrap();
            assert_eq!(old.period.end(), Some(d(2027, 3, 31)));
            let new = jobs
                .iter()
                .find(|e| e.period.start() == d(2027, 4, 1) && e.post == m.open.post)
                .unwrap();
            assert_eq!(new.employer, f.trust);
            assert_eq!(new.continuous_since, old.continuous_since);
        }

        // Access followed provision on the day: the same people, now employed by the
        // trust, for the reason the new instrument gives; the day before is unchanged.
        let day = app.explain_access(child, d(2027, 4, 1)).await.unwrap();
        assert!(
            day.lines.iter().all(|l| l.grant.employer == f.trust),
            "{}",
            db.label
        );
        assert!(day.lines.iter().all(|l| l.reason.contains("CAB/2027/004")));
        assert_eq!(staff_of(&day.lines), staff_of(&eve.lines));
        let eve_again = app.explain_access(child, d(2027, 3, 31)).await.unwrap();
        assert_eq!(staff_of(&eve_again.lines), staff_of(&eve.lines));
        assert!(eve_again
            .lines
            .iter()
            .all(|l| l.grant.employer == f.council));

        // Executed once only; the stored report reads back the same.
        let twice = app.execute_transfer(id, "director.demo").await.unwrap_err();
        assert!(matches!(twice, AppError::Conflict(_)), "{twice}");
        assert_eq!(app.transfer_report(id).await.unwrap(), report);
        let plan = app
            .transfer_plans()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap();
        assert_eq!(plan.status, PlanStatus::Executed);
        assert_eq!(plan.decided.unwrap().0, "director.demo");
    }
}

#[tokio::test]
async fn a_cancelled_plan_cannot_be_executed() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, 20).await;
        let f = TransferFixture::new(&app).await;
        let id = app.plan_transfer(&f.request(), "sm.demo").await.unwrap();
        app.cancel_transfer(id, "sm.demo").await.unwrap();
        set_day(&clock, 2027, 4, 2);
        assert!(app.execute_transfer(id, "sm.demo").await.is_err());
        assert!(app.cancel_transfer(id, "sm.demo").await.is_err());
        // With the draft gone, the services can be planned again.
        app.plan_transfer(&f.request(), "sm.demo").await.unwrap();
    }
}

#[tokio::test]
async fn bad_plans_are_refused_and_write_nothing() {
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 20).await;
        let f = TransferFixture::new(&app).await;
        let plans_before = app.transfer_plans().await.unwrap().len();
        let mut wrong_provider = f.request();
        std::mem::swap(&mut wrong_provider.from, &mut wrong_provider.to);
        let err = app
            .plan_transfer(&wrong_provider, "sm.demo")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("does not provide"), "{err}");

        let mut too_early = f.request();
        too_early.effective_from = d(2027, 1, 1);
        let err = app.plan_transfer(&too_early, "sm.demo").await.unwrap_err();
        assert!(err.to_string().contains("only made on 2027-01-20"), "{err}");

        let mut no_title = f.request();
        no_title.title = "  ".into();
        assert!(app.plan_transfer(&no_title, "sm.demo").await.is_err());
        assert_eq!(app.transfer_plans().await.unwrap().len(), plans_before);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_executions_at_once_exactly_one_wins() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, 50).await;
        let f = TransferFixture::new(&app).await;
        let id = app
            .plan_transfer(&f.request(), "director.demo")
            .await
            .unwrap();
        set_day(&clock, 2027, 4, 1);
        let (a, b) = tokio::join!(
            app.execute_transfer(id, "one"),
            app.execute_transfer(id, "two")
        );
        assert_eq!(
            u8::from(a.is_ok()) + u8::from(b.is_ok()),
            1,
            "{}: {a:?} / {b:?}",
            db.label
        );
        let winner = if a.is_ok() { "one" } else { "two" };
        let plan = app
            .transfer_plans()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap();
        assert_eq!(plan.decided.unwrap().0, winner);
        // The services moved once: one period each from the effective date.
        let periods = app.store().provision_periods().await.unwrap();
        let opened = periods
            .iter()
            .filter(|p| p.period.start() == d(2027, 4, 1))
            .count();
        assert_eq!(opened, 2, "{}", db.label);
    }
}

#[tokio::test]
async fn the_dry_run_lists_restricted_records_in_scope_with_who_is_named() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, 300).await;
        let f = TransferFixture::new(&app).await;
        let id = app
            .plan_transfer(&f.request(), "director.demo")
            .await
            .unwrap();
        assert!(app
            .preview_transfer(id)
            .await
            .unwrap()
            .restricted_in_scope
            .is_empty());
        let in_scope = app
            .store()
            .scope_snapshot(&f.request().services, f.request().effective_from)
            .await
            .unwrap()
            .children;
        let (child, _) = in_scope[in_scope.len() / 2].clone();
        let out_of_scope = (1..=300)
            .map(carebridge_domain::ChildId)
            .find(|c| in_scope.iter().all(|(x, _)| x != c))
            .unwrap();
        let ig = carebridge_app::accounts::Actor::from(
            &app.store()
                .user_by_username("ig.demo")
                .await
                .unwrap()
                .unwrap(),
        );
        let meta = carebridge_app::records::RequestMeta::default();
        for c in [child, out_of_scope] {
            app.restrict_record(&ig, &meta, c, "adoption", &["tm.demo".into()])
                .await
                .unwrap();
        }
        let preview = app.preview_transfer(id).await.unwrap();
        assert_eq!(
            preview.restricted_in_scope,
            vec![(child, vec!["tm.demo".to_owned()])],
            "{}",
            db.label
        );
    }
}

/// What the plan lists for each child: (rule, due date, overdue by then).
type Listed =
    std::collections::BTreeMap<carebridge_domain::ChildId, Vec<(String, chrono::NaiveDate, bool)>>;

/// The plan's due work for `request`, checked child by child against the record page's
/// own clocks: every child with work open in the plan's services on the effective date
/// (found from their involvements, not from the plan) is counted once, and the things
/// listed for them are exactly what `due_on` (the child's page) says is outstanding as
/// at the effective date and due no later than 28 days after it.
async fn due_work_agrees_with_due_on(
    app: &carebridge_app::App,
    request: &carebridge_domain::transfer::TransferRequest,
    children: i64,
) -> (Listed, Listed) {
    use carebridge_domain::timescales::Status;
    let day = request.effective_from;
    let last = day + chrono::Days::new(28);
    let plan = app.due_at_transfer(request).await.unwrap();
    assert_eq!(plan.until, Some(last));
    let director = carebridge_app::accounts::Actor::from(
        &app.store()
            .user_by_username("director.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let meta = carebridge_app::records::RequestMeta::default();
    let mut listed: Listed = Default::default();
    for d in &plan.items {
        listed.entry(d.child).or_default().push((
            format!("{:?}", d.item.rule),
            d.item.due,
            matches!(d.item.status, Status::Overdue { .. }),
        ));
    }
    let mut expected: Listed = Default::default();
    let mut later: Listed = Default::default();
    let mut open = 0;
    for child in (1..=children).map(carebridge_domain::ChildId) {
        let work = app.store().involvements_of(child).await.unwrap();
        if !work
            .iter()
            .any(|w| request.services.contains(&w.service) && w.period.contains(day))
        {
            continue;
        }
        open += 1;
        let record = app.open_record(&director, &meta, child).await.unwrap();
        for item in carebridge_app::casefile::due_on(&record, day).unwrap() {
            if !item.status.is_outstanding() {
                continue;
            }
            let line = (
                format!("{:?}", item.rule),
                item.due,
                matches!(item.status, Status::Overdue { .. }),
            );
            if item.due <= last {
                expected.entry(child).or_default().push(line);
            } else if item.clock_started <= day {
                later.entry(child).or_default().push(line);
            }
        }
    }
    for list in listed.values_mut().chain(expected.values_mut()) {
        list.sort();
    }
    assert_eq!(plan.open_cases(), open, "open cases on {day}");
    assert_eq!(listed, expected, "due work on {day}");
    let overdue: usize = expected.values().flatten().filter(|l| l.2).count();
    assert_eq!(plan.overdue(), overdue);
    assert_eq!(plan.due() + plan.overdue(), plan.items.len());
    (listed, later)
}

#[tokio::test]
async fn the_dry_run_lists_work_due_within_28_days_as_the_childs_page_does() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, 300).await;
        let f = TransferFixture::new(&app).await;
        let request = f.request();
        let (listed, later) = due_work_agrees_with_due_on(&app, &request, 300).await;
        assert!(
            !listed.is_empty(),
            "{}: nothing due on the moving cases",
            db.label
        );
        assert!(
            listed.values().flatten().any(|l| l.2),
            "{}: nothing overdue by the effective date",
            db.label
        );
        // The plan page shows the same, per team.
        let id = app.plan_transfer(&request, "director.demo").await.unwrap();
        let preview = app.preview_transfer(id).await.unwrap();
        assert_eq!(
            preview.due.items.len(),
            listed.values().map(Vec::len).sum::<usize>()
        );
        assert!(preview.due.teams.iter().all(|t| t.open_cases > 0));

        // The first thing due after the window: with the effective date moved so it
        // falls on day 28 it is listed; on day 29 it is not.
        let (child, (rule, due, _)) = later
            .iter()
            .flat_map(|(c, lines)| lines.iter().map(move |l| (*c, l.clone())))
            .min_by_key(|(c, l)| (l.1, *c))
            .expect("something is due after the window");
        for (days_before, listed_then) in [(28, true), (29, false)] {
            let moved = carebridge_domain::transfer::TransferRequest {
                effective_from: due - chrono::Days::new(days_before),
                ..request.clone()
            };
            let (listed, _) = due_work_agrees_with_due_on(&app, &moved, 300).await;
            let found = listed
                .get(&child)
                .is_some_and(|lines| lines.iter().any(|l| l.0 == rule && l.1 == due));
            assert_eq!(
                found, listed_then,
                "{}: {rule} due {due} for child {child}, effective {}",
                db.label, moved.effective_from
            );
        }
    }
}
