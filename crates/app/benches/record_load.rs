//! Record pages under load: 250 concurrent sessions each opening records, with the
//! policy check and audit entry (`App::open_record`), beside the same reads with
//! neither (the reference), in the same run on the same database. Prints p50/p95/p99
//! latency for each and what policy + audit add at p95, twice: with each session
//! pausing between openings as a person does (0 to 2 s, one a second on average: 250
//! sessions offer about 250 openings a second), and saturated (no pause: 250 requests
//! always in flight, which measures throughput).
//!
//! Run on PostgreSQL (the server backend; the target is under 1 ms added at p95):
//!   eval "$(scripts/pg start)"; cargo bench -p carebridge-app --bench record_load
//! Without `TEST_DATABASE_URL` it runs on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, FixedClock, Store};
use carebridge_domain::ChildId;
use carebridge_testkit::{morning, small_demo};

const SESSIONS: usize = 250;
const REQUESTS_EACH: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn run(
    app: &App,
    who: &[(Actor, Vec<ChildId>)],
    checked: bool,
    think: bool,
) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for s in 0..SESSIONS {
        let app = app.clone();
        let (actor, children) = who[s % who.len()].clone();
        tasks.push(tokio::spawn(async move {
            let meta = RequestMeta {
                request_id: format!("load-{s}"),
                client: "127.0.0.1".into(),
            };
            let mut times = Vec::with_capacity(REQUESTS_EACH);
            // A small deterministic generator for the pauses (the same in every run).
            let mut state = (s as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            for r in 0..REQUESTS_EACH {
                if think {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    tokio::time::sleep(Duration::from_millis((state >> 33) % 2000)).await;
                }
                let child = children[(s + r) % children.len()];
                let t = Instant::now();
                if checked {
                    app.open_record(&actor, &meta, child).await.unwrap();
                } else {
                    app.store().child(child).await.unwrap().unwrap();
                    app.store().involvements_of(child).await.unwrap();
                }
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    (all, started.elapsed())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = match carebridge_testkit::postgres().await {
            Some(db) => db,
            None => carebridge_testkit::sqlite(),
        };
        let store = Store::open(&db.url).await.unwrap();
        let app = App::new(store, Arc::new(FixedClock::new(morning())));
        app.load_demo(&small_demo(3000), |_, _| {}).await.unwrap();
        // Each case-holding demo account with the records it may open.
        let mut who = Vec::new();
        for name in ["sw.demo", "tm.demo", "sm.demo", "director.demo"] {
            let actor = Actor::from(&app.store().user_by_username(name).await.unwrap().unwrap());
            let children: Vec<ChildId> = app
                .search_children(&actor, &RequestMeta::default(), "")
                .await
                .unwrap()
                .iter()
                .map(|l| l.child.id)
                .collect();
            if !children.is_empty() {
                who.push((actor, children));
            }
        }
        println!(
            "{} on a 3,000-child demo: {SESSIONS} concurrent sessions x {REQUESTS_EACH} record openings",
            db.label
        );
        // Warm up both paths, then measure the reference first and policy + audit second.
        run(&app, &who, false, false).await;
        run(&app, &who, true, false).await;
        for (think, title) in [
            (true, "sessions pausing 0-2 s between openings (about 250 openings/s offered)"),
            (false, "saturated: no pauses, 250 requests always in flight"),
        ] {
            println!("\n{title}");
            let (plain, plain_wall) = run(&app, &who, false, think).await;
            let (checked, checked_wall) = run(&app, &who, true, think).await;
            for (label, times, wall) in [
                ("reference: read, no policy, no audit", &plain, plain_wall),
                ("open_record: policy + audit + read", &checked, checked_wall),
            ] {
                println!(
                    "  {label:<40} p50 {:>8.2?}  p95 {:>8.2?}  p99 {:>8.2?}  ({:.0} requests/s)",
                    percentile(times, 0.50),
                    percentile(times, 0.95),
                    percentile(times, 0.99),
                    times.len() as f64 / wall.as_secs_f64()
                );
            }
            let added = percentile(&checked, 0.95).saturating_sub(percentile(&plain, 0.95));
            println!("  policy + audit add at p95: {added:.2?} (target: under 1 ms)");
        }
        let check = app.store().verify_audit(None).await.unwrap();
        println!("audit log after the run: {} entries, intact: {}", check.entries, check.broken.is_none());
    });
}
