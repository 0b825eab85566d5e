//! What the policy check and the audit entry cost a child's record page, and how fast
//! the audit chain verifies.
//!
//! - `open_record_checked_and_audited`: `App::open_record` — one transaction that loads
//!   the policy's facts, decides, appends the hash-chained audit entry and reads the
//!   record, then commits (on SQLite with synchronous=FULL, so the commit waits for the
//!   disk). Reference beside it: `reference_read_unchecked`, the same record read with
//!   no policy, no audit and no transaction. The difference is what policy + audit add.
//! - `verify_audit`: `Store::verify_audit` over a chain of 200,000 entries; divan prints
//!   entries per second. Target: at least 1,000,000 a second. `verify_audit_postgres`:
//!   the same on PostgreSQL when `TEST_DATABASE_URL` names a server.
//!
//! Run: `cargo bench -p carebridge-app --bench records` (with
//! `eval "$(scripts/pg start)"` first for the PostgreSQL figure).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, FixedClock, Store};
use carebridge_domain::ChildId;
use carebridge_store::audit::NewAuditEntry;
use carebridge_testkit::{morning, postgres, small_demo, sqlite, TestDb};

fn main() {
    divan::main();
}

const CHAIN: usize = 200_000;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: App,
    actor: Actor,
    child: ChildId,
    _db: TestDb,
}

/// A 1,000-child demo on SQLite.
fn fixture() -> Fixture {
    fixture_on(sqlite)
}

/// The same on the PostgreSQL server of `TEST_DATABASE_URL`, if there is one.
fn postgres_fixture() -> Option<Fixture> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(postgres())?;
    Some(fixture_on(move || db))
}

fn fixture_on(db: impl FnOnce() -> TestDb) -> Fixture {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = db();
    let (app, actor, child) = rt.block_on(async {
        let store = Store::open(&db.url).await.unwrap();
        let app = App::new(store, Arc::new(FixedClock::new(morning())));
        app.load_demo(&small_demo(1000), |_, _| {}).await.unwrap();
        let actor = Actor::from(
            &app.store()
                .user_by_username("sw.demo")
                .await
                .unwrap()
                .unwrap(),
        );
        let child = app
            .search_children(&actor, &RequestMeta::default(), "")
            .await
            .unwrap()[0]
            .child
            .id;
        (app, actor, child)
    });
    Fixture {
        rt,
        app,
        actor,
        child,
        _db: db,
    }
}

#[divan::bench(sample_count = 200)]
fn open_record_checked_and_audited(bencher: divan::Bencher) {
    let f = fixture();
    let meta = RequestMeta {
        request_id: "bench".into(),
        client: "127.0.0.1".into(),
    };
    bencher.bench_local(|| {
        f.rt.block_on(f.app.open_record(&f.actor, &meta, f.child))
            .unwrap()
    });
}

#[divan::bench(sample_count = 200)]
fn reference_read_unchecked(bencher: divan::Bencher) {
    let f = fixture();
    bencher.bench_local(|| {
        f.rt.block_on(async {
            let child = f.app.store().child(f.child).await.unwrap();
            let work = f.app.store().involvements_of(f.child).await.unwrap();
            (child, work)
        })
    });
}

#[divan::bench(sample_count = 10)]
fn verify_audit(bencher: divan::Bencher) {
    bench_verify(bencher, &fixture());
}

/// The same chain on PostgreSQL (`TEST_DATABASE_URL`; nothing is measured without it).
#[divan::bench(sample_count = 10)]
fn verify_audit_postgres(bencher: divan::Bencher) {
    match postgres_fixture() {
        Some(f) => bench_verify(bencher, &f),
        None => eprintln!("verify_audit_postgres: TEST_DATABASE_URL is not set, not measured"),
    }
}

/// Appends a chain of [`CHAIN`] entries, then measures `verify_audit` over it.
fn bench_verify(bencher: divan::Bencher, f: &Fixture) {
    f.rt.block_on(async {
        // In transactions of 1,000: on PostgreSQL every append updates the head row,
        // and 200,000 versions of one row in one transaction make each update slower.
        let mut tx = f.app.store().begin_records().await.unwrap();
        for i in 0..CHAIN {
            if i % 1000 == 999 {
                tx.commit().await.unwrap();
                tx = f.app.store().begin_records().await.unwrap();
            }
            tx.audit(&NewAuditEntry {
                at: morning(),
                user: Some(f.actor.user),
                username: f.actor.username.clone(),
                employer: None,
                role: "social_worker".into(),
                action: "open".into(),
                child: Some(ChildId(1 + (i % 1000) as i64)),
                allowed: true,
                reason: "in scope: staff 12 employed by organisation 1 in post 40 (team 3) of service 2, which that organisation provides under instrument 4".into(),
                request_id: format!("{i:032x}"),
                client: "192.0.2.1".into(),
            })
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    });
    let entries = f.rt.block_on(f.app.store().audit_head()).unwrap().0;
    bencher
        .counter(divan::counter::ItemsCount::new(entries as usize))
        .bench_local(|| {
            let report = f.rt.block_on(f.app.store().verify_audit(None)).unwrap();
            assert!(report.broken.is_none());
            report
        });
}
