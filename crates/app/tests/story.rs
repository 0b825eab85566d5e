//! The foundation's story, end to end through the use cases, on SQLite and on
//! PostgreSQL: the demo authority loads once, its provision reads back exactly as
//! generated on any date, a provision change that breaks the rule is refused by the
//! database and writes nothing, and sign-in sessions start, expire and end.

// Helpers outside #[test] functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::AppError;
use carebridge_demo::{authority, DEMO_PASSWORD};
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::provision::{NewProvision, ProvisionEdit, ProvisionHistory};
use carebridge_domain::{InstrumentId, Period};
use carebridge_testkit::{d, demo_app, every_backend, small_demo, today};
use chrono::Duration;

#[tokio::test]
async fn the_demo_loads_once_and_reads_back_as_generated() {
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 150).await;
        let again = app.load_demo(&small_demo(150), |_, _| {}).await.unwrap();
        assert_eq!(
            again,
            carebridge_app::demo::DemoLoaded::Reused,
            "{}",
            db.label
        );

        let generated = authority(&small_demo(150)).unwrap();
        // Every day on which provision changed, the day before, and today: the store's
        // answer must be the generator's.
        let mut days: Vec<_> = generated
            .provision
            .iter()
            .flat_map(|p| [p.period.start(), p.period.start().pred_opt().unwrap()])
            .chain([today(), d(2010, 4, 1), d(2022, 4, 1)])
            .collect();
        days.sort();
        days.dedup();
        for &day in &days {
            let picture = app.provision_picture(day).await.unwrap();
            assert_eq!(picture.services.len(), generated.services.len());
            for s in &picture.services {
                let expected = generated
                    .provision
                    .iter()
                    .find(|p| p.service == s.service.id && p.period.contains(day))
                    .map(|p| p.provider);
                assert_eq!(
                    s.current_period().map(|p| p.provider.id),
                    expected,
                    "{}: {} on {day}",
                    db.label,
                    s.service.name
                );
            }
        }

        // Staff employed on a date: the store's count is the generator's.
        for day in [
            d(2014, 9, 30),
            d(2014, 10, 1),
            d(2022, 3, 31),
            d(2022, 4, 1),
            today(),
        ] {
            let mut expected: Vec<_> = generated
                .employments
                .iter()
                .filter(|e| e.period.contains(day))
                .map(|e| e.staff)
                .collect();
            expected.sort();
            expected.dedup();
            let staff = app.staff(day).await.unwrap();
            assert_eq!(staff.len(), expected.len(), "{}: staff on {day}", db.label);
            for s in &staff {
                let (employment, ..) = s.row.employment.as_ref().unwrap();
                assert!(employment.period.contains(day));
            }
        }

        let home = app.home().await.unwrap().unwrap();
        assert_eq!(home.children, 150, "{}", db.label);
        assert_eq!(home.authority.id, generated.authority);
    }
}

#[tokio::test]
async fn the_database_refuses_overlapping_provision_and_writes_nothing() {
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 10).await;
        let before = app.store().provision_periods().await.unwrap();
        let instruments_before = app.store().instruments().await.unwrap().len();
        let service = before[0].service;
        let other_provider = app
            .directory()
            .await
            .unwrap()
            .organisations
            .iter()
            .find(|o| o.kind.can_provide() && o.id != before[0].provider)
            .unwrap()
            .id;
        let instrument = Instrument {
            id: InstrumentId(0),
            authority: app.store().authority().await.unwrap().unwrap().id,
            reference: "TEST/1".into(),
            title: "A contract that ignores the rule".into(),
            made_on: d(2015, 1, 1),
            details: InstrumentDetails::CabinetDecision {
                decision: "Move it".into(),
                recommendation: "Move it".into(),
            },
        };
        // Opens a second provider for a service that already has one, without closing
        // the first: the domain would never plan this, so the database must refuse it.
        let edit = ProvisionEdit {
            close: None,
            open: NewProvision {
                service,
                provider: other_provider,
                period: Period::open_from(d(2015, 2, 1)),
                started_by: InstrumentId(0),
            },
        };
        let err = app
            .store()
            .record_provision_change(&instrument, &[edit])
            .await
            .unwrap_err();
        assert!(err.is_conflict(), "{}: {err}", db.label);
        assert_eq!(
            app.store().provision_periods().await.unwrap(),
            before,
            "{}",
            db.label
        );
        assert_eq!(
            app.store().instruments().await.unwrap().len(),
            instruments_before,
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn a_planned_change_is_written_whole() {
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 10).await;
        let directory = app.directory().await.unwrap();
        let early_help = directory
            .services
            .iter()
            .find(|s| s.name == "Early help")
            .unwrap();
        let periods = app.store().provision_of(early_help.id).await.unwrap();
        let history = ProvisionHistory::new(&early_help.name, periods, |o| o.to_string()).unwrap();
        let current = history.on(today()).unwrap().clone();
        let trust = directory
            .organisations
            .iter()
            .find(|o| o.kind.can_provide() && o.id != current.provider)
            .unwrap();
        let instrument = Instrument {
            id: InstrumentId(0),
            authority: early_help.authority,
            reference: "CAB/2027/01".into(),
            title: "Early help to the trust".into(),
            made_on: d(2027, 1, 10),
            details: InstrumentDetails::CabinetDecision {
                decision: "Commission early help from the trust".into(),
                recommendation: "Agree".into(),
            },
        };
        let change = carebridge_domain::provision::ProvisionChange {
            service: early_help.id,
            service_name: &early_help.name,
            provider: trust.id,
            effective_from: d(2027, 2, 1),
            instrument: &instrument,
        };
        let edit = history.plan_change(&change, |o| o.to_string()).unwrap();
        app.store()
            .record_provision_change(&instrument, &[edit])
            .await
            .unwrap();
        let on = |day| {
            let app = app.clone();
            async move {
                app.provision_picture(day)
                    .await
                    .unwrap()
                    .services
                    .iter()
                    .find(|s| s.service.name == "Early help")
                    .and_then(|s| s.current_period().map(|p| p.provider.id))
            }
        };
        assert_eq!(
            on(d(2027, 1, 31)).await,
            Some(current.provider),
            "{}",
            db.label
        );
        assert_eq!(on(d(2027, 2, 1)).await, Some(trust.id), "{}", db.label);
        // The same change again is refused by the domain rule.
        let periods = app.store().provision_of(early_help.id).await.unwrap();
        let history = ProvisionHistory::new(&early_help.name, periods, |o| o.to_string()).unwrap();
        assert!(history.plan_change(&change, |o| o.to_string()).is_err());
    }
}

#[tokio::test]
async fn sessions_start_expire_and_end() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, 1).await;
        let refused_wrong = app
            .sign_in("sw.demo", "not the password")
            .await
            .unwrap_err();
        let refused_unknown = app.sign_in("nobody.here", DEMO_PASSWORD).await.unwrap_err();
        assert!(matches!(refused_wrong, AppError::SignInRefused));
        assert!(matches!(refused_unknown, AppError::SignInRefused));
        assert_eq!(refused_wrong.to_string(), refused_unknown.to_string());

        let signed_in = app.sign_in("sw.demo", DEMO_PASSWORD).await.unwrap();
        let again = app.sign_in("sw.demo", DEMO_PASSWORD).await.unwrap();
        assert_ne!(
            signed_in.token, again.token,
            "a new session id at every sign-in"
        );
        assert!(app.session(&signed_in.token).await.unwrap().is_some());

        // Used every 20 minutes, a session lives until the 12-hour limit.
        for _ in 0..35 {
            clock.advance(Duration::minutes(20));
            assert!(
                app.session(&signed_in.token).await.unwrap().is_some(),
                "{}",
                db.label
            );
        }
        // 11 h 40 min so far; 12 h 01 min is past the absolute limit.
        clock.advance(Duration::minutes(21));
        assert!(
            app.session(&signed_in.token).await.unwrap().is_none(),
            "absolute timeout"
        );

        // Idle for 31 minutes: gone.
        let idle = app.sign_in("sw.demo", DEMO_PASSWORD).await.unwrap();
        clock.advance(Duration::minutes(31));
        assert!(
            app.session(&idle.token).await.unwrap().is_none(),
            "idle timeout"
        );

        // Signing out ends the session; a password reset ends them all.
        let a = app.sign_in("sw.demo", DEMO_PASSWORD).await.unwrap();
        let b = app.sign_in("sw.demo", DEMO_PASSWORD).await.unwrap();
        app.sign_out(&a.token).await.unwrap();
        assert!(app.session(&a.token).await.unwrap().is_none());
        assert!(app.session(&b.token).await.unwrap().is_some());
        app.reset_password("sw.demo", "a brand new passphrase")
            .await
            .unwrap();
        assert!(app.session(&b.token).await.unwrap().is_none());
        assert!(app.sign_in("sw.demo", DEMO_PASSWORD).await.is_err());
        assert!(app
            .sign_in("sw.demo", "a brand new passphrase")
            .await
            .is_ok());
    }
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_name_whether_or_not_it_exists() {
    for db in every_backend().await {
        let (app, clock) = demo_app(&db, 1).await;
        for name in ["tm.demo", "nobody.here"] {
            for _ in 0..carebridge_app::accounts::MAX_FAILED_SIGN_INS {
                let refused = app
                    .sign_in_from(name, "wrong password 1", "192.0.2.9")
                    .await
                    .unwrap_err();
                assert!(matches!(refused, AppError::SignInRefused), "{refused}");
            }
            // Locked: even the right password is refused, with the same words for both.
            let locked = app
                .sign_in_from(name, DEMO_PASSWORD, "192.0.2.9")
                .await
                .unwrap_err();
            assert!(
                matches!(locked, AppError::SignInLocked { minutes: 15 }),
                "{name}: {locked}"
            );
        }
        // Other names are not affected.
        assert!(app.sign_in("sw.demo", DEMO_PASSWORD).await.is_ok());
        clock.advance(Duration::minutes(14));
        assert!(
            matches!(
                app.sign_in("tm.demo", DEMO_PASSWORD).await,
                Err(AppError::SignInLocked { minutes: 1 })
            ),
            "{}",
            db.label
        );
        clock.advance(Duration::minutes(1));
        // Fifteen minutes after the last failure, the right password works again, and a
        // success clears the count.
        assert!(
            app.sign_in("tm.demo", DEMO_PASSWORD).await.is_ok(),
            "{}",
            db.label
        );
        for _ in 0..carebridge_app::accounts::MAX_FAILED_SIGN_INS - 1 {
            let _ = app.sign_in("tm.demo", "wrong password 2").await;
        }
        assert!(app.sign_in("tm.demo", DEMO_PASSWORD).await.is_ok());
    }
}
