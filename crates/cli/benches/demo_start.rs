//! How long the demo takes to be ready: generating and writing the standard demo
//! authority (3,000 children) into a new SQLite file, as `serve --demo` does on a
//! first start, and opening an existing one, as on a second start.
//!
//! The reference measured in the same run is generating the same data in memory with
//! no database: the difference is what the store costs.
//!
//! Run: `cargo bench -p carebridge --bench demo_start`. Target: first start under 3 s.

// A benchmark stops at the first failure, like a test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use carebridge_app::{App, DatabaseUrl, FixedClock, Store};
use carebridge_demo::DemoParams;
use chrono::{NaiveDate, TimeZone, Utc};

fn main() {
    divan::main();
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn app_at(path: &std::path::Path) -> App {
    let store = Store::open(&DatabaseUrl::sqlite(path)).await.unwrap();
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    App::new(store, Arc::new(clock))
}

/// Reference: the standard demo generated in memory, no database.
#[divan::bench(sample_count = 5)]
fn generate_in_memory_reference() -> usize {
    let params = DemoParams::standard(today());
    let authority = carebridge_demo::authority(&params).unwrap();
    let children = carebridge_demo::children(&params, &authority, 0..params.children);
    children.len() + authority.staff.len()
}

/// First start: migrate a new SQLite file and load the standard demo into it.
#[divan::bench(sample_count = 5)]
fn first_start_load_demo(bencher: divan::Bencher) {
    let rt = runtime();
    bencher
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_local_values(|dir| {
            rt.block_on(async {
                let app = app_at(&dir.path().join("demo.sqlite")).await;
                app.load_demo(&DemoParams::standard(today()), |_, _| {})
                    .await
                    .unwrap();
                app.store().close().await;
            });
            dir
        });
}

/// Second start: open a database that already holds the demo.
#[divan::bench(sample_count = 10)]
fn second_start_reuse(bencher: divan::Bencher) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    rt.block_on(async {
        let app = app_at(&path).await;
        app.load_demo(&DemoParams::standard(today()), |_, _| {})
            .await
            .unwrap();
        app.store().close().await;
    });
    bencher.bench_local(|| {
        rt.block_on(async {
            let app = app_at(&path).await;
            app.load_demo(&DemoParams::standard(today()), |_, _| {})
                .await
                .unwrap();
            app.store().close().await;
        })
    });
}
