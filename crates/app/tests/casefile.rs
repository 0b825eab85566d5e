//! Adding to children's records on every backend: visits, notes and events through the
//! policy, audited with the write; invalid input writes nothing; drafts saved, put back
//! and removed when the form is saved; what is due follows what is recorded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use carebridge_app::accounts::Actor;
use carebridge_app::casefile::{due_on, DraftForm};
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, AppError};
use carebridge_domain::casefile::events::{EventInput, EventKind};
use carebridge_domain::casefile::notes::{NoteInput, NoteKind};
use carebridge_domain::casefile::Problems;
use carebridge_domain::child::InvolvementKind;
use carebridge_domain::timescales::{RuleId, Status};
use carebridge_domain::ChildId;
use carebridge_policy::CaseloadOf;
use carebridge_testkit::{actor, demo_app, every_backend};

const CHILDREN: u32 = 120;

fn meta() -> RequestMeta {
    carebridge_testkit::meta("casefile-test", "192.0.2.9")
}

/// A child the social worker may record on, with a piece of work open today, and one
/// they may not open at all.
async fn in_and_out_of_scope(app: &App, sw: &Actor) -> (ChildId, ChildId) {
    let today = app.clock().today();
    let mut inside = None;
    let mut outside = None;
    for child in (1..=i64::from(CHILDREN)).map(ChildId) {
        match app.open_record(sw, &meta(), child).await {
            Ok(r)
                if inside.is_none() && r.involvements.iter().any(|w| w.period.contains(today)) =>
            {
                inside = Some(child);
            }
            Err(AppError::Forbidden(_)) if outside.is_none() => outside = Some(child),
            _ => {}
        }
    }
    (inside.unwrap(), outside.unwrap())
}

fn visit(involvement: carebridge_domain::InvolvementId, on: chrono::NaiveDate) -> NoteInput {
    NoteInput {
        involvement: Some(involvement),
        kind: Some(NoteKind::Visit),
        occurred_on: Some(on),
        child_seen: Some(true),
        seen_alone: Some(true),
        summary: "Statutory visit at home".into(),
        body: "Saw the child in their bedroom; they showed me their drawings.".into(),
    }
}

#[tokio::test]
async fn a_visit_and_an_event_are_recorded_audited_and_read_back() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let (child, _) = in_and_out_of_scope(&app, &sw).await;
        let today = app.clock().today();
        let record = app.open_record(&sw, &meta(), child).await.unwrap();
        let open = record
            .involvements
            .iter()
            .find(|w| w.period.contains(today))
            .unwrap();

        let note = app
            .add_note(&sw, &meta(), child, visit(open.id, today), Problems::new())
            .await
            .unwrap();
        // The record page reads notes without their text; the chronology with it.
        let light = app.open_record(&sw, &meta(), child).await.unwrap();
        let brief = light.notes.iter().find(|n| n.id == note).unwrap();
        assert!(brief.body.is_empty() && brief.occurred_on == today);
        let after = app.open_record_in_full(&sw, &meta(), child).await.unwrap();
        let saved = after.notes.iter().find(|n| n.id == note).unwrap();
        assert!(saved.body.contains("drawings"));
        assert_eq!(saved.kind, NoteKind::Visit);
        assert_eq!(
            (saved.child_seen, saved.seen_alone),
            (Some(true), Some(true))
        );
        assert_eq!(saved.recorded_by, sw.display_name, "{}", db.label);

        // An event filed under work of a kind it does not belong to is refused by field.
        let wrong = EventInput {
            involvement: Some(open.id),
            kind: Some(EventKind::ShortBreak),
            occurred_on: Some(today),
            details: BTreeMap::new(),
        };
        let fits = EventKind::ShortBreak.filed_under().contains(&open.kind);
        let result = app
            .add_event(&sw, &meta(), child, wrong, Problems::new())
            .await;
        if !fits {
            match result {
                Err(AppError::Problems(p)) => assert!(p.of("involvement").is_some()),
                other => panic!("{other:?}"),
            }
        }
        // A strategy discussion, where the work allows one.
        let kind = EventKind::ALL
            .iter()
            .copied()
            .find(|k| k.filed_under().contains(&open.kind) && k.details().is_empty())
            .unwrap();
        let event = app
            .add_event(
                &sw,
                &meta(),
                child,
                EventInput {
                    involvement: Some(open.id),
                    kind: Some(kind),
                    occurred_on: Some(today),
                    details: BTreeMap::new(),
                },
                Problems::new(),
            )
            .await
            .unwrap();
        let after = app.open_record(&sw, &meta(), child).await.unwrap();
        assert!(after.events.iter().any(|e| e.id == event && e.kind == kind));
        // The brief read (one aggregated row per list) agrees with the full one on
        // everything but the text and authors, demo history included.
        let full = app.open_record_in_full(&sw, &meta(), child).await.unwrap();
        let strip_event = |e: &carebridge_domain::casefile::events::Event| {
            let mut e = e.clone();
            e.recorded_by.clear();
            e
        };
        let strip_note = |n: &carebridge_domain::casefile::notes::Note| {
            let mut n = n.clone();
            n.recorded_by.clear();
            n.summary.clear();
            n.body.clear();
            n
        };
        assert_eq!(
            after.events,
            full.events.iter().map(strip_event).collect::<Vec<_>>()
        );
        assert_eq!(
            after.notes,
            full.notes.iter().map(strip_note).collect::<Vec<_>>()
        );
        assert!(!full.events.is_empty() && !full.notes.is_empty());

        // Both writes are in the child's audit log, with who and why.
        let log = app
            .store()
            .audit_of_child(child, Some(sw.user), 100)
            .await
            .unwrap();
        for action in ["add-note", "add-event"] {
            let entry = log.iter().find(|e| e.entry.action == action).unwrap();
            assert!(entry.entry.allowed);
            assert_eq!(entry.entry.request_id, "casefile-test");
        }
    }
}

#[tokio::test]
async fn invalid_input_and_refusals_write_nothing() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let (child, outside) = in_and_out_of_scope(&app, &sw).await;
        let today = app.clock().today();
        let record = app.open_record(&sw, &meta(), child).await.unwrap();
        let open = record
            .involvements
            .iter()
            .find(|w| w.period.contains(today))
            .unwrap();
        let before = record.notes.len();

        // Every problem at once; the form's own reading problem wins for its field.
        let mut bad = visit(open.id, today);
        bad.occurred_on = None;
        bad.summary = String::new();
        let mut reading = Problems::new();
        reading.add("occurred", "The date it happened must be a real date");
        match app.add_note(&sw, &meta(), child, bad, reading).await {
            Err(AppError::Problems(p)) => {
                assert_eq!(
                    p.of("occurred"),
                    Some("The date it happened must be a real date")
                );
                assert_eq!(p.of("summary"), Some("Enter a summary"));
            }
            other => panic!("{other:?}"),
        }
        // A future date.
        let tomorrow = today.succ_opt().unwrap();
        assert!(matches!(
            app.add_note(
                &sw,
                &meta(),
                child,
                visit(open.id, tomorrow),
                Problems::new()
            )
            .await,
            Err(AppError::Problems(_))
        ));
        let after = app.open_record(&sw, &meta(), child).await.unwrap();
        assert_eq!(after.notes.len(), before, "{}", db.label);

        // Out of scope: refused, and the refusal is audited.
        let other = app
            .open_record(&actor(&app, "director.demo").await, &meta(), outside)
            .await;
        let work = other
            .ok()
            .and_then(|r| r.involvements.first().map(|w| w.id));
        if let Some(work) = work {
            assert!(matches!(
                app.add_note(&sw, &meta(), outside, visit(work, today), Problems::new())
                    .await,
                Err(AppError::Forbidden(_))
            ));
        }
        assert!(matches!(
            app.recording_form(&sw, &meta(), outside, DraftForm::Note)
                .await,
            Err(AppError::Forbidden(_))
        ));
        let log = app
            .store()
            .audit_of_child(outside, Some(sw.user), 100)
            .await
            .unwrap();
        assert!(
            log.iter()
                .any(|e| e.entry.action == "record" && !e.entry.allowed),
            "{log:?}"
        );

        // Directors oversee but do not write.
        let director = actor(&app, "director.demo").await;
        assert!(matches!(
            app.add_note(
                &director,
                &meta(),
                child,
                visit(open.id, today),
                Problems::new()
            )
            .await,
            Err(AppError::Forbidden(_))
        ));
    }
}

#[tokio::test]
async fn drafts_are_kept_put_back_and_removed_when_the_form_is_saved() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let (child, outside) = in_and_out_of_scope(&app, &sw).await;
        let today = app.clock().today();

        let typed: BTreeMap<String, String> = [
            ("csrf_token", "not kept"),
            ("summary", "Home visit"),
            ("body", "Half an assessment, typed before the session ended"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        app.save_draft(&sw, &meta(), child, DraftForm::Note, typed.clone())
            .await
            .unwrap();
        let mut more = typed.clone();
        more.insert("body".into(), "Half an assessment, and a bit more".into());
        app.save_draft(&sw, &meta(), child, DraftForm::Note, more)
            .await
            .unwrap();

        let form = app
            .recording_form(&sw, &meta(), child, DraftForm::Note)
            .await
            .unwrap();
        let draft = form.draft.unwrap();
        assert_eq!(
            draft.fields.get("body").unwrap(),
            "Half an assessment, and a bit more"
        );
        assert!(!draft.fields.contains_key("csrf_token"));
        assert_eq!(app.my_drafts(&sw).await.unwrap().len(), 1);
        // Only the first save is audited.
        let log = app
            .store()
            .audit_of_child(child, Some(sw.user), 100)
            .await
            .unwrap();
        assert_eq!(
            log.iter()
                .filter(|e| e.entry.action == "start-draft")
                .count(),
            1
        );

        // Another person does not see it.
        let sp = actor(&app, "tm.demo").await;
        if let Ok(form) = app
            .recording_form(&sp, &meta(), child, DraftForm::Note)
            .await
        {
            assert!(form.draft.is_none());
        }
        // No draft about a child out of scope.
        assert!(app
            .save_draft(&sw, &meta(), outside, DraftForm::Note, typed.clone())
            .await
            .is_err());

        // Saving the note removes the draft.
        let open = form.work.iter().find(|w| w.period.contains(today)).unwrap();
        app.add_note(&sw, &meta(), child, visit(open.id, today), Problems::new())
            .await
            .unwrap();
        let form = app
            .recording_form(&sw, &meta(), child, DraftForm::Note)
            .await
            .unwrap();
        assert!(form.draft.is_none());
        assert!(app.my_drafts(&sw).await.unwrap().is_empty(), "{}", db.label);
    }
}

#[tokio::test]
async fn a_recorded_visit_restarts_the_visiting_clock() {
    'db: for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let today = app.clock().today();
        // Any child in a case worker's scope with a statutory visit outstanding.
        for username in ["sw.demo", "tm.demo", "sm.demo"] {
            let who = actor(&app, username).await;
            for child in (1..=i64::from(CHILDREN)).map(ChildId) {
                let Ok(record) = app.open_record(&who, &meta(), child).await else {
                    continue;
                };
                let before = due_on(&record, today).unwrap();
                let Some(item) = before.iter().find(|d| {
                    d.status.is_outstanding()
                        && matches!(
                            d.rule,
                            RuleId::ChildProtectionVisit | RuleId::PlacementVisit
                        )
                }) else {
                    continue;
                };
                let kind = if item.rule == RuleId::ChildProtectionVisit {
                    InvolvementKind::ChildProtection
                } else {
                    InvolvementKind::LookedAfter
                };
                let work = record
                    .involvements
                    .iter()
                    .find(|w| w.kind == kind && w.period.contains(today))
                    .unwrap();
                if app
                    .add_note(&who, &meta(), child, visit(work.id, today), Problems::new())
                    .await
                    .is_err()
                {
                    continue; // in sight (a director's oversight) but not theirs to record
                }
                let after = app.open_record(&who, &meta(), child).await.unwrap();
                let items = due_on(&after, today).unwrap();
                assert!(
                    items.iter().any(|d| d.rule == item.rule
                        && matches!(d.status, Status::DoneOnTime { on } | Status::DoneLate { on, .. } if on == today)),
                    "{items:?}"
                );
                let next = items
                    .iter()
                    .find(|d| d.rule == item.rule && d.status.is_outstanding())
                    .unwrap();
                assert!(
                    next.due > item.due && next.clock_started == today,
                    "{next:?} after {item:?}"
                );
                continue 'db;
            }
        }
        panic!("no statutory visit outstanding in the demo on {}", db.label);
    }
}

#[tokio::test]
async fn a_teams_due_list_agrees_with_each_record_and_the_policy() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let today = app.clock().today();
        let mut seen = 0;
        for username in ["sw.demo", "tm.demo", "sm.demo"] {
            let who = actor(&app, username).await;
            // Their own team's list, and the list of the team holding most of the open
            // work they can see.
            let own = app.due_work(&who, &meta(), None).await.unwrap();
            if username == "sw.demo" {
                // A practitioner's own list: the cases allocated to them.
                assert_eq!(own.of, CaseloadOf::Staff(who.staff.unwrap()));
                for d in &own.due {
                    let record = app.open_record(&who, &meta(), d.child.id).await.unwrap();
                    assert!(due_on(&record, today).unwrap().contains(&d.item));
                }
            }
            let mut holders = BTreeMap::new();
            for child in (1..=i64::from(CHILDREN)).map(ChildId) {
                if let Ok(r) = app.open_record(&who, &meta(), child).await {
                    for w in r.involvements.iter().filter(|w| w.period.contains(today)) {
                        if let Some(t) = w.team {
                            *holders.entry(t).or_insert(0) += 1;
                        }
                    }
                }
            }
            let busiest = holders
                .iter()
                .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
                .map(|(t, _)| *t);
            let mut lists = Vec::new();
            if matches!(own.of, CaseloadOf::Team(_)) {
                lists.push(own);
            }
            if let Some(team) = busiest {
                lists.push(
                    app.due_work(&who, &meta(), Some(CaseloadOf::Team(team)))
                        .await
                        .unwrap(),
                );
            }
            for list in lists {
                seen += list.due.len();
                let mut listed_children = 0;
                for child in (1..=i64::from(CHILDREN)).map(ChildId) {
                    let on_list: Vec<_> = list.due.iter().filter(|d| d.child.id == child).collect();
                    match app.open_record(&who, &meta(), child).await {
                        Ok(record) => {
                            let held = record.involvements.iter().any(|w| {
                                w.team.map(CaseloadOf::Team) == Some(list.of)
                                    && w.period.contains(today)
                            });
                            if !held {
                                assert!(on_list.is_empty());
                                continue;
                            }
                            listed_children += 1;
                            let expected: Vec<_> = due_on(&record, today)
                                .unwrap()
                                .into_iter()
                                .filter(|d| d.status.is_outstanding())
                                .collect();
                            assert_eq!(on_list.len(), expected.len(), "child {}", child.0);
                            for item in expected {
                                assert!(on_list.iter().any(|d| d.item == item));
                            }
                        }
                        // A record the person may not open is never on their list.
                        Err(_) => assert!(
                            on_list.is_empty(),
                            "child {} listed for {username}",
                            child.0
                        ),
                    }
                }
                assert_eq!(listed_children, list.children, "{username} on {}", db.label);
                // Overdue first.
                let first_not_overdue = list
                    .due
                    .iter()
                    .position(|d| !matches!(d.item.status, Status::Overdue { .. }))
                    .unwrap_or(list.due.len());
                assert!(list.due[first_not_overdue..]
                    .iter()
                    .all(|d| !matches!(d.item.status, Status::Overdue { .. })));
                // Every child shown is audited.
                let log = app.store().audit_of_user(who.user, 10_000).await.unwrap();
                assert!(
                    log.iter().filter(|e| e.entry.action == "due-list").count() >= list.children
                );
            }
        }
        assert!(seen > 0, "nothing due on any list on {}", db.label);
    }
}
