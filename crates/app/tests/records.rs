//! Children's records through the one policy, on every backend: openings and refusals
//! audited in the same transaction, searches scoped in the query and agreeing with the
//! policy, restricted records, break-glass with its review, and an audit log that
//! catches edits made behind the application's back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::Clock;
use carebridge_app::{App, AppError};
use carebridge_domain::ChildId;
use carebridge_store::Backend;
use carebridge_testkit::{actor, behind_the_back, demo_app, every_backend, TestDb};
use chrono::Duration;

const CHILDREN: u32 = 120;

fn meta() -> RequestMeta {
    carebridge_testkit::meta("test-request", "192.0.2.7")
}

/// Every child's id, from the ids the demo gives (1..=CHILDREN).
fn child_ids() -> impl Iterator<Item = ChildId> {
    (1..=i64::from(CHILDREN)).map(ChildId)
}

/// Which of the demo's children `who` may open today (and audits every attempt).
async fn openable(app: &App, who: &Actor) -> Vec<ChildId> {
    let mut open = Vec::new();
    for child in child_ids() {
        match app.open_record(who, &meta(), child).await {
            Ok(record) => {
                assert_eq!(record.child.id, child);
                open.push(child);
            }
            Err(AppError::Forbidden(_)) => {}
            Err(e) => panic!("child {}: {e}", child.0),
        }
    }
    open
}

#[tokio::test]
async fn openings_and_refusals_are_audited_and_searches_agree_with_the_policy() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let mut audited = 0u64;
        for username in ["sw.demo", "tm.demo", "sm.demo", "director.demo"] {
            let who = actor(&app, username).await;
            let open = openable(&app, &who).await;
            audited += u64::from(CHILDREN);
            assert!(
                !open.is_empty() && open.len() < CHILDREN as usize || username == "director.demo",
                "{username} on {}: {} of {CHILDREN} open",
                db.label,
                open.len()
            );
            // The search (scoped in its query) shows exactly the records the policy opens.
            for child in child_ids() {
                let found = app
                    .search_children(&who, &meta(), &child.0.to_string())
                    .await
                    .unwrap();
                audited += found.len() as u64;
                assert_eq!(
                    found.iter().any(|l| l.child.id == child),
                    open.contains(&child),
                    "{username}: search and policy disagree on child {} ({})",
                    child.0,
                    db.label
                );
            }
        }
        // Every attempt has its entry, with the decision and the request it came on.
        let sw = actor(&app, "sw.demo").await;
        let log = app
            .store()
            .audit_of_child(ChildId(1), Some(sw.user), 10)
            .await
            .unwrap();
        assert!(!log.is_empty());
        assert!(log
            .iter()
            .all(|e| e.entry.request_id == "test-request" && e.entry.client == "192.0.2.7"));
        let check = app.store().verify_audit(None).await.unwrap();
        assert_eq!(check.broken, None, "{}", db.label);
        assert_eq!(check.entries, audited, "{}", db.label);
        assert_eq!(
            app.store().audit_head().await.unwrap(),
            (audited as i64, check.head.clone())
        );

        // Roles without casework never open a record, and are refused with the reason.
        for username in ["analyst.demo", "ig.demo", "admin.demo"] {
            let who = actor(&app, username).await;
            let refused = app
                .open_record(&who, &meta(), ChildId(1))
                .await
                .unwrap_err();
            assert!(
                matches!(refused, AppError::Forbidden(ref why) if why.contains("role does not allow")),
                "{username}: {refused}"
            );
            assert!(matches!(
                app.search_children(&who, &meta(), "").await,
                Err(AppError::Forbidden(_))
            ));
        }
    }
}

#[tokio::test]
async fn a_restricted_record_is_invisible_except_to_the_people_named() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let tm = actor(&app, "tm.demo").await;
        let ig = actor(&app, "ig.demo").await;
        let sw_open = openable(&app, &sw).await;
        let tm_open = openable(&app, &tm).await;
        let child = *sw_open
            .iter()
            .find(|c| !tm_open.contains(c))
            .expect("a child the social worker may open and the team manager may not");

        let refused = app
            .restrict_record(&ig, &meta(), child, "", &["tm.demo".into()])
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AppError::Invalid(_)),
            "a reason is required"
        );
        let refused = app
            .restrict_record(&ig, &meta(), child, "adoption", &["no.such.person".into()])
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("no.such.person"), "{refused}");
        let refused = app
            .restrict_record(&sw, &meta(), child, "adoption", &[])
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AppError::Forbidden(_)),
            "a social worker may not restrict"
        );

        app.restrict_record(&ig, &meta(), child, "adoption", &["tm.demo".into()])
            .await
            .unwrap();
        // For the social worker it no longer exists: not found, not in search, no glass to break.
        assert!(matches!(
            app.open_record(&sw, &meta(), child).await,
            Err(AppError::NotFound(_))
        ));
        let found = app
            .search_children(&sw, &meta(), &child.0.to_string())
            .await
            .unwrap();
        assert!(found.is_empty());
        assert!(matches!(
            app.break_glass(
                &sw,
                &meta(),
                child,
                "the child is at the out-of-hours desk now"
            )
            .await,
            Err(AppError::NotFound(_))
        ));
        // The named team manager opens it although it is outside their scope, and finds it.
        let record = app.open_record(&tm, &meta(), child).await.unwrap();
        assert!(record.restricted);
        assert_eq!(record.grounds, "named on the restricted record");
        let found = app
            .search_children(&tm, &meta(), &child.0.to_string())
            .await
            .unwrap();
        assert!(found.len() == 1 && found[0].restricted);
        assert_eq!(app.store().restrictions().await.unwrap().len(), 1);

        // The refusals were audited, as refusals.
        let log = app.access_log_of_child(&ig, &meta(), child).await.unwrap();
        assert!(log.iter().any(|e| !e.entry.allowed
            && e.entry.username == "sw.demo"
            && e.entry.reason.contains("restricted")));
        // And only the IG lead may read that log.
        assert!(matches!(
            app.access_log_of_child(&tm, &meta(), child).await,
            Err(AppError::Forbidden(_))
        ));

        assert!(app.lift_restriction(&ig, &meta(), child).await.unwrap());
        assert!(app.open_record(&sw, &meta(), child).await.is_ok());
        assert!(app.store().restrictions().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn break_glass_opens_for_two_hours_and_waits_for_review() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let ig = actor(&app, "ig.demo").await;
        let open = openable(&app, &sw).await;
        let child = child_ids().find(|c| !open.contains(c)).unwrap();

        let short = app
            .break_glass(&sw, &meta(), child, "urgent")
            .await
            .unwrap_err();
        assert!(matches!(short, AppError::Invalid(_)), "{short}");
        assert!(
            app.store().break_glass_queue(10).await.unwrap().is_empty(),
            "nothing written"
        );
        let analyst = actor(&app, "analyst.demo").await;
        assert!(matches!(
            app.break_glass(
                &analyst,
                &meta(),
                child,
                "I would like to see this child's record please"
            )
            .await,
            Err(AppError::Forbidden(_))
        ));

        let until = app
            .break_glass(
                &sw,
                &meta(),
                child,
                "The child is with the out-of-hours team tonight",
            )
            .await
            .unwrap();
        assert_eq!(until, clock.now() + Duration::hours(2));
        let record = app.open_record(&sw, &meta(), child).await.unwrap();
        assert_eq!(record.break_glass_until, Some(until));
        clock.advance(Duration::minutes(119));
        assert!(app.open_record(&sw, &meta(), child).await.is_ok());
        clock.advance(Duration::minutes(1));
        assert!(matches!(
            app.open_record(&sw, &meta(), child).await,
            Err(AppError::Forbidden(_))
        ));

        let queue = app.store().break_glass_queue(10).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert!(queue[0].review.is_none());
        assert_eq!(queue[0].child, child);
        assert!(matches!(
            app.review_break_glass(&sw, &meta(), queue[0].id, false, "")
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(
            matches!(
                app.review_break_glass(&ig, &meta(), queue[0].id, true, " ")
                    .await,
                Err(AppError::Invalid(_))
            ),
            "escalating needs a note"
        );
        app.review_break_glass(
            &ig,
            &meta(),
            queue[0].id,
            true,
            "No out-of-hours call logged that night",
        )
        .await
        .unwrap();
        let queue = app.store().break_glass_queue(10).await.unwrap();
        assert_eq!(queue[0].review.as_ref().unwrap().0, "escalated");
        assert!(
            matches!(
                app.review_break_glass(&ig, &meta(), queue[0].id, false, "")
                    .await,
                Err(AppError::NotFound(_))
            ),
            "reviewed once"
        );
        let csv = carebridge_app::records::break_glass_csv(&queue).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("id,user,child,justification"), "{csv}");
        assert!(
            csv.contains("sw.demo")
                && csv.contains("escalated,No out-of-hours call logged that night"),
            "{csv}"
        );
        assert_eq!(app.store().verify_audit(None).await.unwrap().broken, None);
    }
}

/// Drops the append-only triggers, as someone with the database's owner rights could.
async fn drop_triggers(db: &TestDb) {
    let sql = match db.url.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update_or_delete ON audit_log;",
    };
    behind_the_back(db, sql).await.unwrap();
}

#[tokio::test]
async fn the_audit_log_refuses_edits_and_verify_catches_them_behind_its_back() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, 20).await;
        let sw = actor(&app, "sw.demo").await;
        for child in (1..=20).map(ChildId) {
            let _ = app.open_record(&sw, &meta(), child).await;
        }
        let (entries, head) = app.store().audit_head().await.unwrap();
        assert_eq!(entries, 20);
        let check = app.store().verify_audit(Some(&head)).await.unwrap();
        assert_eq!((check.broken.clone(), check.extends), (None, Some(true)));

        // The database itself refuses to change or remove an entry.
        for sql in [
            "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 5",
            "DELETE FROM audit_log WHERE seq = 20",
        ] {
            let refused = behind_the_back(&db, sql).await.unwrap_err();
            assert!(
                refused.to_string().contains("append-only"),
                "{}: {refused}",
                db.label
            );
        }

        // Someone drops the triggers and cuts off the newest entry: the head catches it.
        drop_triggers(&db).await;
        behind_the_back(&db, "DELETE FROM audit_log WHERE seq = 20")
            .await
            .unwrap();
        let broken = app
            .store()
            .verify_audit(None)
            .await
            .unwrap()
            .broken
            .unwrap();
        assert_eq!(broken.seq, 20, "{}", db.label);
        assert!(
            broken.problem.contains("head says 20"),
            "{}",
            broken.problem
        );

        // Then edits entry 5: verify names entry 5.
        behind_the_back(
            &db,
            "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 5",
        )
        .await
        .unwrap();
        let check = app.store().verify_audit(None).await.unwrap();
        let broken = check.broken.unwrap();
        assert_eq!(broken.seq, 5, "{}", db.label);
        assert!(
            broken.problem.contains("content does not match"),
            "{}",
            broken.problem
        );
        assert_eq!(check.entries, 4);

        // Recomputing that entry's hash moves the break to the link of entry 6.
        let stored = app
            .store()
            .audit_of_child(ChildId(5), None, 1)
            .await
            .unwrap();
        let forged = carebridge_store::audit::entry_hash(5, &stored[0].entry, &stored[0].prev_hash);
        behind_the_back(
            &db,
            &format!("UPDATE audit_log SET hash = '{forged}' WHERE seq = 5"),
        )
        .await
        .unwrap();
        let broken = app
            .store()
            .verify_audit(None)
            .await
            .unwrap()
            .broken
            .unwrap();
        assert_eq!(
            (broken.seq, broken.problem.contains("link")),
            (6, true),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn an_action_whose_audit_entry_cannot_be_written_does_not_happen() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let open = openable(&app, &sw).await;
        let child = child_ids().find(|c| !open.contains(c)).unwrap();
        let before = app.store().audit_head().await.unwrap();
        // The audit log stops accepting entries (a full disk, a broken table…).
        carebridge_testkit::break_the_audit_log(&db).await.unwrap();
        assert!(
            app.open_record(&sw, &meta(), open[0]).await.is_err(),
            "no read without its audit entry"
        );
        assert!(app
            .break_glass(
                &sw,
                &meta(),
                child,
                "The child is with the out-of-hours team tonight"
            )
            .await
            .is_err());
        assert!(
            app.store().break_glass_queue(10).await.unwrap().is_empty(),
            "nothing written"
        );
        assert_eq!(app.store().audit_head().await.unwrap(), before);
        assert_eq!(app.store().verify_audit(None).await.unwrap().broken, None);
    }
}

#[tokio::test]
async fn the_notification_hook_hears_of_every_break_glass_opening() {
    let db = carebridge_testkit::sqlite();
    let (app, _clock) = demo_app(&db, CHILDREN).await;
    let dir = tempfile::tempdir().unwrap();
    let heard = dir.path().join("heard.json");
    let app = app.with_break_glass_hook(format!("cat > '{}'", heard.display()));
    let sw = actor(&app, "sw.demo").await;
    let open = openable(&app, &sw).await;
    let child = child_ids().find(|c| !open.contains(c)).unwrap();
    app.break_glass(
        &sw,
        &meta(),
        child,
        "The child is with the out-of-hours team tonight",
    )
    .await
    .unwrap();
    let mut text = String::new();
    for _ in 0..100 {
        text = std::fs::read_to_string(&heard).unwrap_or_default();
        if text.ends_with('}') {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let event: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(event["event"], "break-glass");
    assert_eq!(event["user"], "sw.demo");
    assert_eq!(event["child"], child.0);
    assert_eq!(event["client"], "192.0.2.7");
}

#[tokio::test]
async fn asking_who_could_open_a_record_goes_through_the_policy_and_is_audited() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let ig = actor(&app, "ig.demo").await;
        let sw = actor(&app, "sw.demo").await;
        let day = carebridge_testkit::d(2022, 4, 1);
        let mut compared = 0;
        for child in child_ids().take(40) {
            let asked = app
                .explain_access_as(&ig, &meta(), child, day)
                .await
                .unwrap();
            let operator = app.explain_access(child, day).await.unwrap();
            let people = |a: &carebridge_app::access::AccessExplanation| {
                a.lines
                    .iter()
                    .map(|l| (l.staff.id, l.grant.involvement, l.reason.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                people(&asked),
                people(&operator),
                "child {} ({})",
                child.0,
                db.label
            );
            compared += usize::from(!asked.lines.is_empty());
        }
        assert!(
            compared > 0,
            "some children had people who could open them that day"
        );
        let log = app
            .store()
            .audit_of_child(ChildId(1), Some(ig.user), 5)
            .await
            .unwrap();
        assert_eq!(log[0].entry.action, "explain-access");
        assert!(
            log[0].entry.reason.contains("asked about 2022-04-01"),
            "{}",
            log[0].entry.reason
        );
        // A social worker may not ask; the refusal is audited too.
        assert!(matches!(
            app.explain_access_as(&sw, &meta(), ChildId(1), day).await,
            Err(AppError::Forbidden(_))
        ));
        let log = app
            .store()
            .audit_of_child(ChildId(1), Some(sw.user), 1)
            .await
            .unwrap();
        assert!(!log[0].entry.allowed && log[0].entry.action == "explain-access");
    }
}

/// A reason with the characters text formats escape (tab, newline, backslash) and
/// more than ASCII, so verify is shown to hash the stored bytes on both backends.
fn odd_reason(seq: i64) -> String {
    format!("entry {seq}\t\\N «é»\n")
}

#[tokio::test]
async fn verify_finds_an_edit_wherever_it_is_in_the_chain() {
    for db in every_backend().await {
        let store = carebridge_app::Store::open(&db.url).await.unwrap();
        for i in 0..40 {
            store
                .append_audit(&carebridge_store::audit::NewAuditEntry {
                    at: carebridge_testkit::morning(),
                    user: None,
                    username: "command line".into(),
                    employer: None,
                    role: "system".into(),
                    action: "access-explain".into(),
                    child: Some(ChildId(i + 1)),
                    allowed: true,
                    reason: odd_reason(i + 1),
                    request_id: "cli".into(),
                    client: "local".into(),
                })
                .await
                .unwrap();
        }
        let (_, head) = store.audit_head().await.unwrap();
        assert_eq!(
            store.verify_audit(Some(&head)).await.unwrap().extends,
            Some(true)
        );
        drop_triggers(&db).await;
        for seq in 1..=40 {
            let set = |reason: String| {
                format!("UPDATE audit_log SET reason = '{reason}' WHERE seq = {seq}")
            };
            behind_the_back(&db, &set("edited".into())).await.unwrap();
            let check = store.verify_audit(Some(&head)).await.unwrap();
            let broken = check.broken.expect("an edit is found");
            assert_eq!(
                (broken.seq, check.entries),
                (seq, (seq - 1) as u64),
                "{}",
                db.label
            );
            behind_the_back(&db, &set(odd_reason(seq))).await.unwrap();
            let check = store.verify_audit(Some(&head)).await.unwrap();
            assert_eq!((check.broken, check.entries), (None, 40), "{}", db.label);
        }
    }
}

/// The registration form as a social worker would fill it in.
fn john_smith(nhs: &str) -> carebridge_domain::person::NewChildForm {
    carebridge_domain::person::NewChildForm {
        given_name: "John".into(),
        family_name: "Smith".into(),
        sex: "1".into(),
        born: ("14".into(), "3".into(), "2015".into()),
        nhs_number: nhs.into(),
        upn: "B801200005001".into(),
        postcode: "nm9 9zz".into(),
        ethnicity: "WBRI".into(),
        ..Default::default()
    }
}

/// The audit log's length and whether the next child id is taken: what a refused or
/// invalid registration must leave as it was.
async fn counts(app: &App) -> (i64, bool) {
    let next = ChildId(i64::from(CHILDREN) + 1);
    (
        app.store().audit_head().await.unwrap().0,
        app.store().child(next).await.unwrap().is_some(),
    )
}

#[tokio::test]
async fn registering_a_child_is_checked_audited_and_found_by_any_identifier() {
    use carebridge_domain::identifiers::NhsNumber;
    use carebridge_domain::search::MatchTier;
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        // An NHS number in the test range that no demo child has.
        let nhs = (999_999_000..)
            .find_map(NhsNumber::with_check_digit)
            .unwrap();

        // A bad form saves nothing and says what is wrong with each field.
        let before = counts(&app).await;
        assert!(!before.1);
        let mut bad = john_smith("999 123");
        bad.postcode = "nowhere".into();
        let problems = app
            .register_child(&sw, &meta(), &bad)
            .await
            .unwrap()
            .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].starts_with("NHS number"), "{text:?}");
        assert!(text[1].starts_with("postcode"), "{text:?}");
        assert_eq!(counts(&app).await, before, "{}", db.label);

        // Roles that may not register are refused before anything is read.
        let analyst = actor(&app, "analyst.demo").await;
        assert!(matches!(
            app.register_child(&analyst, &meta(), &john_smith(&nhs.spaced()))
                .await,
            Err(AppError::Forbidden(_))
        ));

        // A good one is saved with its audit entry and is in the registrant's scope.
        let id = app
            .register_child(&sw, &meta(), &john_smith(&nhs.spaced()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(id, ChildId(i64::from(CHILDREN) + 1));
        let log = app.store().audit_of_child(id, None, 10).await.unwrap();
        assert_eq!(
            log.iter()
                .map(|e| e.entry.action.as_str())
                .collect::<Vec<_>>(),
            ["register-child"],
            "{}",
            db.label
        );
        let record = app.open_record(&sw, &meta(), id).await.unwrap();
        assert_eq!(record.person.nhs_number.as_ref(), Some(&nhs));
        assert_eq!(record.person.addresses[0].postcode.as_str(), "NM9 9ZZ");
        assert_eq!(record.involvements.len(), 1);

        // Found by a misspelt name (phonetic), exactly by name, by NHS number typed with
        // spaces, by postcode, by UPN, by date of birth and name, and by id.
        let search = |q: &'static str| {
            let (app, sw) = (&app, &sw);
            async move { app.search_children(sw, &meta(), q).await.unwrap() }
        };
        let found = search("Jon Smyth").await;
        let hit = found
            .iter()
            .find(|l| l.child.id == id)
            .expect("Jon Smyth finds John Smith");
        assert_eq!(hit.tier, Some(MatchTier::Phonetic));
        let exact = search("john smith").await;
        assert_eq!(
            exact.first().map(|l| (l.child.id, l.tier)),
            Some((id, Some(MatchTier::Exact)))
        );
        let spaced = nhs.spaced();
        let by_nhs = app.search_children(&sw, &meta(), &spaced).await.unwrap();
        assert_eq!(by_nhs.iter().map(|l| l.child.id).collect::<Vec<_>>(), [id]);
        assert_eq!(
            by_nhs[0].postcode.as_ref().map(|p| p.as_str()),
            Some("NM9 9ZZ")
        );
        for q in [
            "NM9 9ZZ",
            "nm99zz",
            "B801200005001",
            "Smith 14/03/2015",
            "2015-03-14",
        ] {
            let found = app.search_children(&sw, &meta(), q).await.unwrap();
            assert!(
                found.iter().any(|l| l.child.id == id),
                "{q} on {}",
                db.label
            );
        }
        let by_id = app
            .search_children(&sw, &meta(), &id.0.to_string())
            .await
            .unwrap();
        assert_eq!(by_id.iter().map(|l| l.child.id).collect::<Vec<_>>(), [id]);
        assert!(search("Jones 14/03/2015")
            .await
            .iter()
            .all(|l| l.child.id != id));
    }
}

/// Enough children that some in scope have previous names or aliases.
const PEOPLE: u32 = 400;

/// Which of the first `n` children `who` may open.
async fn openable_of(app: &App, who: &Actor, n: u32) -> Vec<ChildId> {
    let mut open = Vec::new();
    for child in (1..=i64::from(n)).map(ChildId) {
        if app.open_record(who, &meta(), child).await.is_ok() {
            open.push(child);
        }
    }
    open
}

#[tokio::test]
async fn search_finds_previous_names_and_never_what_is_out_of_scope() {
    // The demo's people as generated (the same data `demo_app` loaded).
    let params = carebridge_testkit::small_demo(PEOPLE);
    let authority = carebridge_demo::authority(&params).unwrap();
    let kids = carebridge_demo::children(&params, &authority, 0..PEOPLE);
    let people = carebridge_demo::people(&params, &kids);
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, PEOPLE).await;
        let director = actor(&app, "director.demo").await;
        let sw = actor(&app, "sw.demo").await;
        let mine = openable_of(&app, &sw, PEOPLE).await;
        let overseen = openable_of(&app, &director, PEOPLE).await;
        // A child with a previous name or alias, found by it, saying which name matched
        // (in the social worker's scope, or else the director's).
        let (who, child, other) = [(&sw, &mine), (&director, &overseen)]
            .into_iter()
            .find_map(|(who, scope)| {
                kids.iter()
                    .zip(&people)
                    .filter(|((c, _), _)| scope.contains(&c.id))
                    .find_map(|((c, _), p)| p.other_names.first().map(|n| (who, c, n)))
            })
            .unwrap_or_else(|| {
                panic!(
                    "a child with another name in scope: {} and {} open",
                    mine.len(),
                    overseen.len()
                )
            });
        let found = app
            .search_children(who, &meta(), &other.full())
            .await
            .unwrap();
        let hit = found
            .iter()
            .find(|l| l.child.id == child.id)
            .unwrap_or_else(|| panic!("{} finds child {}", other.full(), child.id.0));
        if other.full() != format!("{} {}", child.given_name, child.family_name) {
            assert_eq!(hit.matched_name.as_ref(), Some(other), "{}", db.label);
        }
        // No record out of the social worker's scope is ever found, by any key.
        let mut out_of_scope = 0;
        for ((c, _), p) in kids.iter().zip(&people) {
            if mine.contains(&c.id) {
                continue;
            }
            out_of_scope += 1;
            let mut queries = vec![
                format!("{} {}", c.given_name, c.family_name),
                c.id.0.to_string(),
            ];
            queries.extend(p.nhs_number.as_ref().map(|n| n.spaced()));
            queries.extend(p.addresses.iter().map(|a| a.postcode.to_string()));
            queries.extend(p.other_names.iter().map(|n| n.full()));
            for q in queries {
                let found = app.search_children(&sw, &meta(), &q).await.unwrap();
                assert!(
                    found.iter().all(|l| l.child.id != c.id),
                    "{q} on {}",
                    db.label
                );
                for l in &found {
                    assert!(
                        mine.contains(&l.child.id),
                        "{q}: {} is out of scope",
                        l.child.id.0
                    );
                }
            }
        }
        assert!(out_of_scope > 0 && !mine.is_empty(), "{}", db.label);
    }
}

/// Opening a record reads a snapshot that takes no write lock, so it is not held up by
/// a writer (on SQLite one writer at a time holds the whole database); its audit entry
/// is committed after the writer, before the record is handed back. A transaction that
/// only reads refuses to append an entry of its own in the middle.
#[tokio::test]
async fn a_record_is_read_beside_a_writer_and_handed_back_only_once_audited() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let who = actor(&app, "director.demo").await;
        let child = openable(&app, &who).await[0];
        let (before, _) = app.store().audit_head().await.unwrap();

        let blocking = app.store().begin_records().await.unwrap();
        let mut reading = app.store().begin_reading().await.unwrap();
        let facts = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            reading.child_facts(who.user, who.staff, child, app.clock().now()),
        )
        .await
        .unwrap_or_else(|_| panic!("{}: a read waited for the writer", db.label))
        .unwrap();
        assert!(facts.is_some(), "{}", db.label);
        let entry = carebridge_store::audit::NewAuditEntry {
            at: app.clock().now(),
            user: Some(who.user),
            username: who.username.clone(),
            employer: None,
            role: who.role.code().to_owned(),
            action: "open".to_owned(),
            child: Some(child),
            allowed: true,
            reason: "test".to_owned(),
            request_id: "test-request".to_owned(),
            client: "192.0.2.7".to_owned(),
        };
        assert!(
            reading.audit(&entry).await.is_err(),
            "{}: an entry appended in a snapshot",
            db.label
        );
        drop(reading);
        drop(blocking);

        // A writer that has appended to the audit chain (on SQLite it holds the whole
        // database; on PostgreSQL the chain's head) and has not committed yet.
        let mut writer = app.store().begin_records().await.unwrap();
        writer.audit(&entry).await.unwrap();
        // The opening reads while the writer holds on, and finishes once it commits.
        let opening = {
            let app = app.clone();
            let who = who.clone();
            tokio::spawn(async move { app.open_record(&who, &meta(), child).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            !opening.is_finished(),
            "{}: audited past the writer",
            db.label
        );
        writer.commit().await.unwrap();
        let opened = opening.await.unwrap().unwrap();
        assert_eq!(opened.child.id, child);
        let (after, _) = app.store().audit_head().await.unwrap();
        assert_eq!(
            after,
            before + 2,
            "{}: the writer's entry, then the opening's",
            db.label
        );
        let log = app.store().audit_of_child(child, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "open", "{}", db.label);
        assert_eq!(log[0].entry.username, who.username, "{}", db.label);
    }
}

/// A search that shows several children appends an entry for each, in order and in
/// one go, and the chain still verifies end to end.
#[tokio::test]
async fn every_result_of_a_search_is_audited_in_one_unbroken_chain() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let who = actor(&app, "director.demo").await;
        let mut shown = Vec::new();
        for child in openable(&app, &who).await {
            let opened = app.open_record(&who, &meta(), child).await.unwrap();
            let (before, _) = app.store().audit_head().await.unwrap();
            let found = app
                .search_children(&who, &meta(), &opened.child.family_name)
                .await
                .unwrap();
            if found.len() >= 2 {
                shown = found.iter().map(|l| l.child.id).collect::<Vec<_>>();
                let (after, _) = app.store().audit_head().await.unwrap();
                assert_eq!(after - before, found.len() as i64, "{}", db.label);
                break;
            }
        }
        assert!(shown.len() >= 2, "{}: no family name shared", db.label);
        for child in &shown {
            let last = app
                .store()
                .audit_of_child(*child, Some(who.user), 1)
                .await
                .unwrap();
            assert_eq!(last[0].entry.action, "search-result", "{}", db.label);
        }
        let check = app.store().verify_audit(None).await.unwrap();
        assert_eq!(check.broken, None, "{}", db.label);
        assert_eq!(
            app.store().audit_head().await.unwrap(),
            (check.entries as i64, check.head),
            "{}",
            db.label
        );
    }
}
