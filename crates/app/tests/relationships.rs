//! A child's family and significant people on every backend: added through the policy
//! and audited with the write; invalid input writes nothing; a person recorded once is
//! offered for the siblings; a relationship with another child shows on both records;
//! a restricted child is left out of everyone else's family list.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, AppError, Clock};
use carebridge_domain::casefile::Problems;
use carebridge_domain::relationships::{
    OtherInput, RelationshipInput, RelationshipKind, ResponsibilityBasis,
};
use carebridge_domain::ChildId;
use carebridge_testkit::{actor, demo_app, every_backend};

const CHILDREN: u32 = 120;

fn meta() -> RequestMeta {
    carebridge_testkit::meta("relationships-test", "192.0.2.10")
}

/// Children the social worker may add to, and one they may not open.
async fn recordable(app: &App, sw: &Actor) -> (Vec<ChildId>, ChildId) {
    let mut inside = Vec::new();
    let mut outside = None;
    for child in (1..=i64::from(CHILDREN)).map(ChildId) {
        match app.relationship_form(sw, &meta(), child).await {
            Ok(_) => inside.push(child),
            Err(AppError::Forbidden(_) | AppError::NotFound(_)) if outside.is_none() => {
                outside = Some(child);
            }
            Err(_) => {}
        }
    }
    (inside, outside.unwrap())
}

fn mother() -> RelationshipInput {
    RelationshipInput {
        kind: Some(RelationshipKind::Mother),
        other: OtherInput::New {
            given_name: "Dawn".into(),
            family_name: "Ashworth".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1991, 6, 2),
        },
        responsibility: Some(true),
        basis: Some(ResponsibilityBasis::BirthMother),
        from: None,
    }
}

fn sibling(of: ChildId) -> RelationshipInput {
    RelationshipInput {
        kind: Some(RelationshipKind::HalfSibling),
        other: OtherInput::Child(Some(of)),
        responsibility: Some(false),
        basis: None,
        from: None,
    }
}

async fn audit_len(app: &App) -> i64 {
    app.store().audit_head().await.unwrap().0
}

#[tokio::test]
async fn family_members_are_added_audited_shared_and_shown_on_both_records() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let (inside, outside) = recordable(&app, &sw).await;
        let (first, second) = (inside[0], inside[1]);

        // The mother, recorded on the first child's record, audited with the write.
        let before = audit_len(&app).await;
        app.add_relationship(&sw, &meta(), first, mother(), Problems::new())
            .await
            .unwrap();
        assert_eq!(audit_len(&app).await, before + 1, "{}", db.label);
        let log = app.store().audit_of_child(first, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "add-relationship");
        assert!(
            log[0].entry.reason.starts_with("Mother ("),
            "{}",
            log[0].entry.reason
        );

        // The second child is the first's half-sibling: shown on both records.
        app.add_relationship(&sw, &meta(), second, sibling(first), Problems::new())
            .await
            .unwrap();
        let one = app.open_record(&sw, &meta(), first).await.unwrap();
        let two = app.open_record(&sw, &meta(), second).await.unwrap();
        let dawn = one
            .family
            .iter()
            .find(|r| r.name == "Dawn Ashworth")
            .expect("the new mother is on the record");
        assert_eq!(dawn.label, "Mother", "{}", db.label);
        assert_eq!(dawn.responsibility, Some(ResponsibilityBasis::BirthMother));
        assert!(dawn.person.is_some() && dawn.other_child.is_none());
        let half = one
            .family
            .iter()
            .find(|r| r.other_child == Some(second))
            .expect("the half-sibling shows on the first record too");
        assert!(half.recorded_on_other);
        assert_eq!(half.label, "Half-sibling");
        assert_eq!(
            half.name,
            format!("{} {}", two.child.given_name, two.child.family_name)
        );
        assert!(two
            .family
            .iter()
            .any(|r| r.other_child == Some(first) && !r.recorded_on_other));
        // Parents and carers come before siblings.
        let position = |f: &dyn Fn(&carebridge_domain::relationships::Relationship) -> bool| {
            one.family.iter().position(f).unwrap()
        };
        assert!(
            position(&|r| r.name == "Dawn Ashworth") < position(&|r| r.other_child == Some(second))
        );

        // Dawn is offered on the sibling's form, and choosing her shares the row.
        let form = app.relationship_form(&sw, &meta(), second).await.unwrap();
        let offered = form
            .known
            .iter()
            .find(|p| p.name == "Dawn Ashworth")
            .expect("the sibling's relatives are offered");
        let shared = RelationshipInput {
            other: OtherInput::Known(Some(offered.id)),
            ..mother()
        };
        app.add_relationship(&sw, &meta(), second, shared, Problems::new())
            .await
            .unwrap();
        let two = app.open_record(&sw, &meta(), second).await.unwrap();
        let shared = two
            .family
            .iter()
            .find(|r| r.name == "Dawn Ashworth")
            .unwrap();
        assert_eq!(shared.person, dawn.person, "one person, two children");

        // Invalid input, and a child the person may not name, write nothing.
        let before = audit_len(&app).await;
        let family_before = app.open_record(&sw, &meta(), first).await.unwrap().family;
        let after_open = audit_len(&app).await;
        assert_eq!(after_open, before + 1);
        let bad = RelationshipInput {
            kind: Some(RelationshipKind::Father),
            basis: Some(ResponsibilityBasis::BirthMother),
            ..mother()
        };
        match app
            .add_relationship(&sw, &meta(), first, bad, Problems::new())
            .await
        {
            Err(AppError::Problems(p)) => assert!(p.of("basis").is_some()),
            other => panic!("{other:?}"),
        }
        match app
            .add_relationship(
                &sw,
                &meta(),
                first,
                sibling(ChildId(9_999_999)),
                Problems::new(),
            )
            .await
        {
            Err(AppError::Problems(p)) => {
                assert_eq!(
                    p.of("other_child"),
                    Some("No child's record has that Carebridge ID")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(audit_len(&app).await, after_open, "{}", db.label);
        let family_after = app.open_record(&sw, &meta(), first).await.unwrap().family;
        assert_eq!(family_before, family_after);

        // Out of scope: refused, and the refusal audited.
        let before = audit_len(&app).await;
        let refused = app
            .add_relationship(&sw, &meta(), outside, mother(), Problems::new())
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AppError::Forbidden(_) | AppError::NotFound(_)),
            "{refused:?}"
        );
        assert_eq!(audit_len(&app).await, before + 1);
        let log = app.store().audit_of_child(outside, None, 1).await.unwrap();
        assert!(!log[0].entry.allowed);

        // A restricted child disappears from the other's family list (and cannot be
        // named), unless the reader is named on the restriction.
        let ig = actor(&app, "ig.demo").await;
        app.restrict_record(&ig, &meta(), second, "adoption", &["tm.demo".into()])
            .await
            .unwrap();
        let one = app.open_record(&sw, &meta(), first).await.unwrap();
        assert!(
            one.family.iter().all(|r| r.other_child != Some(second)),
            "{}",
            db.label
        );
        match app
            .add_relationship(&sw, &meta(), first, sibling(second), Problems::new())
            .await
        {
            Err(AppError::Problems(p)) => assert!(p.of("other_child").is_some()),
            other => panic!("{other:?}"),
        }
        app.lift_restriction(&ig, &meta(), second).await.unwrap();
        let one = app.open_record(&sw, &meta(), first).await.unwrap();
        assert!(one.family.iter().any(|r| r.other_child == Some(second)));
    }
}

#[tokio::test]
async fn a_relationship_ends_on_a_checked_day_once_and_audited() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let (inside, outside) = recordable(&app, &sw).await;
        let (first, second) = (inside[0], inside[1]);
        let started = chrono::NaiveDate::from_ymd_opt(2024, 9, 1);
        let carer = RelationshipInput {
            kind: Some(RelationshipKind::SpecialGuardian),
            basis: Some(ResponsibilityBasis::SpecialGuardianshipOrder),
            from: started,
            ..mother()
        };
        let id = app
            .add_relationship(&sw, &meta(), first, carer, Problems::new())
            .await
            .unwrap();
        let sibling_id = app
            .add_relationship(&sw, &meta(), second, sibling(first), Problems::new())
            .await
            .unwrap();
        let today = clock.now().date_naive();

        // The form shows the relationship; a bad day writes nothing.
        let (_, shown) = app.ending_form(&sw, &meta(), first, id).await.unwrap();
        assert_eq!(shown.from, started);
        let before = audit_len(&app).await;
        for (bad, field_message) in [
            (None, "Enter the date the relationship ended"),
            (
                today.succ_opt(),
                "The date it ended must be today or in the past",
            ),
            (
                chrono::NaiveDate::from_ymd_opt(2024, 8, 31),
                "The date it ended must be on or after the day it started, 2024-09-01",
            ),
        ] {
            match app
                .end_relationship(&sw, &meta(), first, id, bad, Problems::new())
                .await
            {
                Err(AppError::Problems(p)) => {
                    assert_eq!(p.of("ended"), Some(field_message), "{}", db.label)
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(audit_len(&app).await, before, "{}", db.label);

        // Ended yesterday: shown with its dates, audited with the write.
        let yesterday = today.pred_opt();
        app.end_relationship(&sw, &meta(), first, id, yesterday, Problems::new())
            .await
            .unwrap();
        assert_eq!(audit_len(&app).await, before + 1);
        let log = app.store().audit_of_child(first, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "end-relationship");
        assert!(
            log[0].entry.reason.starts_with("Special guardian ("),
            "{}",
            log[0].entry.reason
        );
        let family = app.open_record(&sw, &meta(), first).await.unwrap().family;
        let ended = family.iter().find(|r| r.id == id).unwrap();
        assert_eq!((ended.from, ended.to), (started, yesterday));
        // It cannot end twice.
        match app
            .end_relationship(&sw, &meta(), first, id, yesterday, Problems::new())
            .await
        {
            Err(AppError::Problems(p)) => assert!(p.of("ended").is_some()),
            other => panic!("{other:?}"),
        }

        // A relationship recorded on the sibling's record can be ended from this one.
        app.end_relationship(
            &sw,
            &meta(),
            first,
            sibling_id,
            Some(today),
            Problems::new(),
        )
        .await
        .unwrap();
        let two = app.open_record(&sw, &meta(), second).await.unwrap().family;
        assert_eq!(
            two.iter().find(|r| r.id == sibling_id).unwrap().to,
            Some(today)
        );

        // Not this child's relationship, or a child out of scope: refused, nothing written.
        // (the special guardian is the first child's, not the second's)
        assert!(matches!(
            app.end_relationship(&sw, &meta(), second, id, Some(today), Problems::new())
                .await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            app.end_relationship(&sw, &meta(), outside, id, Some(today), Problems::new())
                .await,
            Err(AppError::Forbidden(_) | AppError::NotFound(_))
        ));
        let family_again = app.open_record(&sw, &meta(), first).await.unwrap().family;
        assert_eq!(
            family_again.iter().find(|r| r.id == id).unwrap().to,
            yesterday
        );
    }
}
