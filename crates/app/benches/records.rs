//! What the policy check and the audit entry cost a child's record page, and how fast
//! the audit chain verifies.
//!
//! - `open_record_checked_and_audited`: `App::open_record` — one transaction that loads
//!   the policy's facts, decides, appends the hash-chained audit entry and reads the
//!   record, then commits (on SQLite with synchronous=FULL, so the commit waits for the
//!   disk). Reference beside it: `reference_read_unchecked`, the same record read with
//!   no policy, no audit and no transaction. The difference is what policy + audit add.
//! - `verify_audit`: `Store::verify_audit` over a chain of 200,000 entries; divan prints
//!   entries per second. Target: at least 1,000,000 a second.
//!
//! Run: `cargo bench -p carebridge-app --bench records`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, FixedClock, Store};
use carebridge_domain::ChildId;
use carebridge_store::audit::NewAuditEntry;
use carebridge_testkit::{morning, small_demo};

fn main() {
    divan::main();
}

const CHAIN: usize = 200_000;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: App,
    actor: Actor,
    child: ChildId,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = carebridge_app::DatabaseUrl::sqlite(&dir.path().join("bench.sqlite"));
    let (app, actor, child) = rt.block_on(async {
        let store = Store::open(&url).await.unwrap();
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
        _dir: dir,
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
    let f = fixture();
    f.rt.block_on(async {
        let mut tx = f.app.store().begin_records().await.unwrap();
        for i in 0..CHAIN {
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
