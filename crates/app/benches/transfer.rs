//! Executing a transfer costs what its staff and posts cost, not what its children
//! cost: the same transfer (children's social care and the disabled children's service,
//! council to trust, with the demo's workforce) executed over authorities of 10,000 and
//! 100,000 children. The 10,000-child figure is the reference for the 100,000 one
//! (target: at most 1.5 times it, and under 1 second).
//!
//! Two figures per size: the execution itself (working out the moves and the one write
//! transaction, `execute`), and the whole command with its reconciliation report
//! (`execute_and_reconcile`), which reads every child record in scope twice and so does
//! grow with the number of children.
//!
//! Run: `cargo bench -p carebridge-app --bench transfer`.

// A benchmark stops at the first failure, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use carebridge_app::{App, DatabaseUrl, FixedClock, Store};
use carebridge_demo::DemoParams;
use carebridge_domain::TransferPlanId;
use chrono::{NaiveDate, TimeZone, Utc};

fn main() {
    divan::main();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn app_at(path: &Path, day: NaiveDate) -> App {
    let store = Store::open(&DatabaseUrl::sqlite(path)).await.unwrap();
    let clock = FixedClock::new(Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap()));
    App::new(store, Arc::new(clock))
}

/// A database with the demo authority of `children` children and a planned transfer,
/// made once per size and copied for each sample (a plan executes once).
fn prepared(children: u32) -> &'static (tempfile::TempDir, PathBuf, TransferPlanId) {
    use std::sync::OnceLock;
    static SMALL: OnceLock<(tempfile::TempDir, PathBuf, TransferPlanId)> = OnceLock::new();
    static LARGE: OnceLock<(tempfile::TempDir, PathBuf, TransferPlanId)> = OnceLock::new();
    let cell = if children <= 10_000 { &SMALL } else { &LARGE };
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authority.sqlite");
        let id = runtime().block_on(async {
            let app = app_at(&path, d(2026, 11, 23)).await;
            let params = DemoParams {
                children,
                ..DemoParams::standard(d(2026, 11, 23))
            };
            app.load_demo(&params, |_, _| {}).await.unwrap();
            let request = carebridge_testkit::TransferFixture::new(&app)
                .await
                .request();
            let id = app.plan_transfer(&request, "bench").await.unwrap();
            app.store().close().await;
            id
        });
        (dir, path, id)
    })
}

/// A fresh copy of the prepared database, opened on the effective date.
fn copy(children: u32, rt: &tokio::runtime::Runtime) -> (tempfile::TempDir, App, TransferPlanId) {
    let (_, path, id) = prepared(children);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.sqlite");
    std::fs::copy(path, &target).unwrap();
    // The write-ahead log too, if SQLite has not folded it into the file yet.
    let wal = path.with_extension("sqlite-wal");
    if wal.exists() {
        std::fs::copy(&wal, target.with_extension("sqlite-wal")).unwrap();
    }
    let app = rt.block_on(app_at(&target, d(2027, 4, 1)));
    (dir, app, *id)
}

#[divan::bench(args = [10_000, 100_000], sample_count = 5, sample_size = 1)]
fn execute(bencher: divan::Bencher, children: u32) {
    let rt = runtime();
    bencher
        .with_inputs(|| copy(children, &rt))
        .bench_local_values(|(dir, app, id)| {
            rt.block_on(async {
                let plan = app
                    .transfer_plans()
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|p| p.id == id)
                    .unwrap();
                let moves = app.transfer_moves(&plan.request).await.unwrap();
                app.store()
                    .execute_transfer(id, &moves, "bench", app.clock().now())
                    .await
                    .unwrap();
            });
            (dir, app)
        });
}

#[divan::bench(args = [10_000, 100_000], sample_count = 3, sample_size = 1)]
fn execute_and_reconcile(bencher: divan::Bencher, children: u32) {
    let rt = runtime();
    bencher
        .with_inputs(|| copy(children, &rt))
        .bench_local_values(|(dir, app, id)| {
            let report = rt.block_on(app.execute_transfer(id, "bench")).unwrap();
            assert!(report.passed());
            (dir, app)
        });
}
