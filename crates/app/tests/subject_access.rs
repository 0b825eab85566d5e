//! Subject access request export on every backend: the IG lead's bundle holds every
//! note, event and piece of work the store holds (compared with a full read, not with
//! fixed values), flags planted third-party text, refuses every other role with an
//! audited refusal, refuses a restricted record until the IG lead is named on it, and
//! does not happen when its audit entry cannot be written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::subject_access::{SubjectAccessBundle, BUNDLE_FORMAT};
use carebridge_app::{App, AppError};
use carebridge_domain::casefile::events::{EventInput, EventKind};
use carebridge_domain::casefile::notes::{NoteInput, NoteKind};
use carebridge_domain::casefile::third_party::FlagKind;
use carebridge_domain::casefile::Problems;
use carebridge_domain::ChildId;
use carebridge_testkit::{actor, demo_app, every_backend};

const CHILDREN: u32 = 120;
const REFERENCE: &str = "SAR-2026-0042";
const REQUESTER: &str = "a parent with parental responsibility";

fn meta() -> RequestMeta {
    carebridge_testkit::meta("sar-test", "192.0.2.42")
}

async fn export(app: &App, who: &Actor, child: ChildId) -> Result<SubjectAccessBundle, AppError> {
    app.subject_access_export(who, &meta(), child, REFERENCE, REQUESTER, "json")
        .await
}

/// A child the social worker may record on (work open today, preferring work a contact
/// can be filed under), and the name of another child of the demo whose names share
/// no word with theirs.
async fn planted_record(app: &App, sw: &Actor) -> (ChildId, String, bool) {
    let today = app.clock().today();
    let mut chosen = None;
    for child in (1..=i64::from(CHILDREN)).map(ChildId) {
        let Ok(r) = app.open_record(sw, &meta(), child).await else {
            continue;
        };
        let Some(open) = r.involvements.iter().find(|w| w.period.contains(today)) else {
            continue;
        };
        let contact = EventKind::Contact.filed_under().contains(&open.kind);
        if chosen.is_none() || contact {
            let mut names = vec![r.child.given_name.clone(), r.child.family_name.clone()];
            for n in &r.person.other_names {
                names.push(n.given_name.clone());
                names.push(n.family_name.clone());
            }
            chosen = Some((child, open.id, contact, r.child.clone(), names));
        }
        if contact {
            break;
        }
    }
    let (child, work, contact, person, names) =
        chosen.expect("a record in the social worker's scope");
    let own: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let mut other = None;
    for id in (1..=i64::from(CHILDREN))
        .map(ChildId)
        .filter(|c| *c != child)
    {
        let c = app.store().child(id).await.unwrap().unwrap();
        if !own.contains(&c.given_name.to_lowercase())
            && !own.contains(&c.family_name.to_lowercase())
        {
            other = Some(c);
            break;
        }
    }
    let other = other.unwrap();
    let other_name = other.given_name.clone();
    let body = format!(
        "Mrs Okonkwo-Bell (mother's friend) rang on 07700 900123 and emailed kim.b@example.org. \
         She lives at NM9 7XY. Spoke with {} about {} {} who was there too.",
        person.given_name, other.given_name, other.family_name
    );
    app.add_note(
        sw,
        &meta(),
        child,
        NoteInput {
            involvement: Some(work),
            kind: Some(NoteKind::CaseNote),
            occurred_on: Some(today),
            child_seen: None,
            seen_alone: None,
            summary: "Call from a neighbour".into(),
            body,
        },
        Problems::new(),
    )
    .await
    .unwrap();
    if contact {
        app.add_event(
            sw,
            &meta(),
            child,
            EventInput {
                involvement: Some(work),
                kind: Some(EventKind::Contact),
                occurred_on: Some(today),
                details: BTreeMap::from([("source".to_owned(), "1B".to_owned())]),
            },
            Problems::new(),
        )
        .await
        .unwrap();
    }
    (child, other_name, contact)
}

#[tokio::test]
async fn the_ig_lead_exports_the_whole_record_with_third_parties_flagged() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let ig = actor(&app, "ig.demo").await;
        let (child, other_name, contact) = planted_record(&app, &sw).await;
        // The store's full read, as the social worker's chronology reads it.
        let full = app.open_record_in_full(&sw, &meta(), child).await.unwrap();

        let bundle = export(&app, &ig, child).await.unwrap();
        assert_eq!(bundle.format, BUNDLE_FORMAT);
        assert_eq!(bundle.request.reference, REFERENCE);
        assert_eq!(bundle.request.requester, REQUESTER);
        assert_eq!(bundle.request.produced_by, "ig.demo");
        assert_eq!(bundle.child.id, child);
        assert_eq!(bundle.child.given_name, full.child.given_name);
        assert_eq!(bundle.child.date_of_birth, full.child.date_of_birth);
        assert_eq!(
            bundle.child.other_names.len(),
            full.person.other_names.len()
        );
        assert_eq!(bundle.child.addresses.len(), full.person.addresses.len());
        // Every piece of work, event and note the store holds, in full.
        let work: Vec<i64> = full.involvements.iter().map(|w| w.id.0).collect();
        assert_eq!(
            bundle.work.iter().map(|w| w.id).collect::<Vec<_>>(),
            work,
            "{}",
            db.label
        );
        assert!(bundle
            .work
            .iter()
            .all(|w| !w.service.is_empty() && !w.providers.is_empty()));
        assert_eq!(bundle.notes.len(), full.notes.len(), "{}", db.label);
        for (b, n) in bundle.notes.iter().zip(&full.notes) {
            assert_eq!(
                (b.id, &b.summary, &b.body, &b.recorded_by, b.occurred_on),
                (n.id.0, &n.summary, &n.body, &n.recorded_by, n.occurred_on)
            );
        }
        // Every family member (each flagged as someone else's information) and every
        // document, as the record holds them.
        assert_eq!(
            bundle
                .family
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            full.family
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            "{}",
            db.label
        );
        assert!(!bundle.family.is_empty(), "every demo child has a mother");
        for f in &bundle.family {
            assert!(bundle
                .flags
                .iter()
                .any(|flag| flag.item == f.item && flag.kind == FlagKind::Relationship));
        }
        assert_eq!(bundle.documents.len(), full.attachments.len());
        assert_eq!(bundle.events.len(), full.events.len(), "{}", db.label);
        for (b, e) in bundle.events.iter().zip(&full.events) {
            assert_eq!(
                (b.id, b.kind.code.as_str(), b.occurred_on),
                (e.id.0, e.kind.code(), e.occurred_on)
            );
            let codes: BTreeMap<String, String> = b
                .details
                .iter()
                .map(|d| (d.name.clone(), d.code.clone()))
                .collect();
            assert_eq!(codes, e.details);
            // Every code with its DfE meaning.
            assert!(b.details.iter().all(|d| d.meaning.is_some()), "{b:?}");
        }
        // The chronology lists every note and event once.
        let in_chronology =
            |kind: &str| bundle.chronology.iter().filter(|l| l.kind == kind).count();
        assert_eq!(in_chronology("note"), full.notes.len());
        assert_eq!(in_chronology("event"), full.events.len());

        // The planted third-party text is flagged, at the right place.
        let planted = bundle
            .notes
            .iter()
            .find(|n| n.body.contains("Okonkwo-Bell"))
            .unwrap();
        let flags: Vec<_> = bundle.flags_in(&planted.item, "body").collect();
        let found = |kind: FlagKind, text: &str| {
            flags
                .iter()
                .any(|f| f.kind == kind && f.text.contains(text))
        };
        assert!(found(FlagKind::Name, "Mrs Okonkwo-Bell"), "{flags:#?}");
        assert!(found(FlagKind::Relationship, "mother"), "{flags:#?}");
        assert!(found(FlagKind::Phone, "07700 900123"), "{flags:#?}");
        assert!(found(FlagKind::Email, "kim.b@example.org"), "{flags:#?}");
        assert!(found(FlagKind::Postcode, "NM9 7XY"), "{flags:#?}");
        assert!(found(FlagKind::OtherChild, &other_name), "{flags:#?}");
        for f in &flags {
            let (s, e) = (f.start.unwrap(), f.end.unwrap());
            assert_eq!(&planted.body[s..e], f.text);
        }
        // The child's own name is never flagged.
        assert!(!flags.iter().any(|f| f.text == full.child.given_name));
        // Referrers, authors and the access log are flagged by what they are.
        for e in &bundle.events {
            if let Some(source) = e.details.iter().find(|d| d.name == "source") {
                let flagged = bundle.flags_in(&e.item, "details.source").count() == 1;
                assert_eq!(
                    flagged,
                    !["1C", "9", "10"].contains(&source.code.as_str()),
                    "{e:?}"
                );
            }
        }
        if contact {
            assert!(bundle
                .flags
                .iter()
                .any(|f| f.kind == FlagKind::Referrer && f.text.contains("1B")));
        }
        assert!(bundle
            .flags
            .iter()
            .any(|f| f.kind == FlagKind::Author && f.text == sw.display_name));
        assert!(bundle.flags.iter().any(|f| f.kind == FlagKind::AccessLog));
        // Flags are numbered in order, and the numbering is the anchor.
        for (i, f) in bundle.flags.iter().enumerate() {
            assert_eq!(f.id, format!("flag-{}", i + 1));
        }
        // The access log up to the export: the social worker's openings are in it.
        assert!(bundle
            .access_log
            .iter()
            .any(|l| l.username == "sw.demo" && l.action == "open"));
        assert!(bundle.access_log.windows(2).all(|w| w[0].seq < w[1].seq));

        // The export itself is audited with its reference, requester and format.
        let log = app.access_log_of_child(&ig, &meta(), child).await.unwrap();
        let entry = log
            .iter()
            .find(|e| e.entry.action == "subject-access-export")
            .unwrap();
        assert!(entry.entry.allowed);
        assert!(entry.entry.reason.contains(REFERENCE) && entry.entry.reason.contains(REQUESTER));
        assert!(
            entry.entry.reason.contains("as json"),
            "{}",
            entry.entry.reason
        );
        assert_eq!(entry.entry.request_id, "sar-test");
        // The JSON's field names are the documented ones.
        let json = serde_json::to_value(&bundle).unwrap();
        for key in [
            "format",
            "request",
            "child",
            "restriction",
            "work",
            "events",
            "notes",
            "chronology",
            "access_log",
            "flags",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["flags"][0]["id"], "flag-1");
        assert_eq!(app.store().verify_audit(None).await.unwrap().broken, None);
    }
}

#[tokio::test]
async fn every_other_role_is_refused_audited_and_bad_input_writes_nothing() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let ig = actor(&app, "ig.demo").await;
        let child = ChildId(1);
        for username in [
            "sw.demo",
            "tm.demo",
            "sm.demo",
            "director.demo",
            "analyst.demo",
            "admin.demo",
        ] {
            let who = actor(&app, username).await;
            match export(&app, &who, child).await {
                Err(AppError::Forbidden(why)) => assert!(why.contains("role"), "{why}"),
                other => panic!("{username}: {other:?}"),
            }
            // Refused with the request's details in the audit entry, even with bad input.
            let refused = app
                .subject_access_export(&who, &meta(), child, "", "", "pdf")
                .await;
            assert!(matches!(refused, Err(AppError::Forbidden(_))), "{username}");
        }
        let log = app.access_log_of_child(&ig, &meta(), child).await.unwrap();
        let refusals: Vec<_> = log
            .iter()
            .filter(|e| e.entry.action == "subject-access-export")
            .collect();
        assert_eq!(refusals.len(), 12, "{}", db.label);
        assert!(refusals.iter().all(|e| !e.entry.allowed));
        assert!(refusals.iter().any(|e| e.entry.reason.contains(REFERENCE)
            && e.entry.reason.contains(REQUESTER)
            && e.entry.username == "director.demo"));

        // The IG lead's own bad input: every field named, nothing written.
        let before = app.store().audit_head().await.unwrap();
        match app
            .subject_access_export(&ig, &meta(), child, "  ", "", "pdf")
            .await
        {
            Err(AppError::Problems(p)) => {
                assert!(
                    p.of("reference").is_some()
                        && p.of("requester").is_some()
                        && p.of("format").is_some(),
                    "{p}"
                );
            }
            other => panic!("{other:?}"),
        }
        let long = "x".repeat(61);
        match app
            .subject_access_export(&ig, &meta(), child, &long, REQUESTER, "html")
            .await
        {
            Err(AppError::Problems(p)) => assert!(p.of("reference").unwrap().contains("60")),
            other => panic!("{other:?}"),
        }
        assert_eq!(app.store().audit_head().await.unwrap(), before);
        // A child that does not exist.
        assert!(matches!(
            export(&app, &ig, ChildId(999_999)).await,
            Err(AppError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn a_restricted_record_is_exported_only_once_the_ig_lead_is_named_on_it() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let ig = actor(&app, "ig.demo").await;
        let child = ChildId(2);
        app.restrict_record(
            &ig,
            &meta(),
            child,
            "adoption: placed with Mr and Mrs Dale",
            &["tm.demo".into()],
        )
        .await
        .unwrap();
        match export(&app, &ig, child).await {
            Err(AppError::Forbidden(why)) => assert!(why.contains("name yourself"), "{why}"),
            other => panic!("{other:?}"),
        }
        app.restrict_record(
            &ig,
            &meta(),
            child,
            "adoption: placed with Mr and Mrs Dale",
            &["tm.demo".into(), "ig.demo".into()],
        )
        .await
        .unwrap();
        let bundle = export(&app, &ig, child).await.unwrap();
        assert_eq!(
            bundle.restriction.as_deref(),
            Some("adoption: placed with Mr and Mrs Dale")
        );
        assert_eq!(bundle.request.grounds, "named on the restricted record");
        // The restriction's own reason is reviewed like any text.
        assert!(bundle
            .flags_in("restriction", "reason")
            .any(|f| f.text.contains("Mrs Dale")));
        let log = app.access_log_of_child(&ig, &meta(), child).await.unwrap();
        let exports: Vec<bool> = log
            .iter()
            .filter(|e| e.entry.action == "subject-access-export")
            .map(|e| e.entry.allowed)
            .collect();
        assert_eq!(exports, vec![true, false], "newest first");
    }
}

#[tokio::test]
async fn an_export_whose_audit_entry_cannot_be_written_does_not_happen() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, 20).await;
        let ig = actor(&app, "ig.demo").await;
        assert!(export(&app, &ig, ChildId(3)).await.is_ok());
        let before = app.store().audit_head().await.unwrap();
        carebridge_testkit::break_the_audit_log(&db).await.unwrap();
        assert!(
            matches!(export(&app, &ig, ChildId(3)).await, Err(AppError::Store(_))),
            "no bundle without its audit entry"
        );
        // A refusal cannot be written either, so it fails rather than going unrecorded.
        let sw = actor(&app, "sw.demo").await;
        assert!(matches!(
            export(&app, &sw, ChildId(3)).await,
            Err(AppError::Store(_))
        ));
        assert_eq!(app.store().audit_head().await.unwrap(), before);
        assert_eq!(app.store().verify_audit(None).await.unwrap().broken, None);
    }
}
