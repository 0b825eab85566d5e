//! How fast the one search box answers: `App::search_children` — the policy's scope
//! worked out and put in the SQL, the tiered key lookups (exact, phonetic, fuzzy), the
//! ranking in one snapshot, and one audit entry per result shown, appended together and
//! committed before the results are handed back — for each kind of query, as p50 and
//! p95 over many runs.
//!
//! The reference in the same run is the lookup of one child by Carebridge id through the
//! same use case (scope and audit included): what a search costs beyond it is the
//! name matching.
//!
//! Target (issue 7): p95 under 20 ms over 1,000,000 persons.
//!
//! Run: `cargo bench -p carebridge-app --bench search` (generates 20,000 children into
//! a temp file first; `CAREBRIDGE_BENCH_CHILDREN=N` for another size), or over a database
//! made by `carebridge demo generate --children 1000000 --database FILE`:
//! `CAREBRIDGE_BENCH_DB=FILE cargo bench -p carebridge-app --bench search`
//! (`bench/search` does both steps, generating as at 2026-11-23; a database generated as
//! at another day needs `CAREBRIDGE_BENCH_TODAY=YYYY-MM-DD`, so people's scopes are
//! worked out on the day the demo's work is open). Percentiles are what divan does not report, so
//! this bench times its own runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_app::{App, FixedClock, Store};
use carebridge_domain::ChildId;
use carebridge_testkit::{morning, small_demo};

const RUNS: usize = 300;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let (app, label) = match std::env::var("CAREBRIDGE_BENCH_DB") {
        Ok(path) => {
            let url = carebridge_app::DatabaseUrl::parse(&path).unwrap();
            let store = Store::open(&url).await.unwrap();
            // The clock as the database was generated (demo generate's today).
            let now = match std::env::var("CAREBRIDGE_BENCH_TODAY") {
                Ok(day) => day
                    .parse::<chrono::NaiveDate>()
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap()
                    .and_utc(),
                Err(_) => morning(),
            };
            let app = App::new(store, Arc::new(FixedClock::new(now)));
            (app, path)
        }
        Err(_) => {
            let n: u32 = std::env::var("CAREBRIDGE_BENCH_CHILDREN")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(20_000);
            let url = carebridge_app::DatabaseUrl::sqlite(&dir.path().join("bench.sqlite"));
            let store = Store::open(&url).await.unwrap();
            let app = App::new(store, Arc::new(FixedClock::new(morning())));
            let started = Instant::now();
            app.load_demo(&small_demo(n), |_, _| {}).await.unwrap();
            println!(
                "generated {n} children in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            (app, format!("{n} generated children"))
        }
    };
    let meta = RequestMeta {
        request_id: "bench".into(),
        client: "127.0.0.1".into(),
    };
    for username in ["sw.demo", "director.demo"] {
        let actor = Actor::from(
            &app.store()
                .user_by_username(username)
                .await
                .unwrap()
                .unwrap(),
        );
        // Queries about children the actor may see: the first page of the list.
        let listed = app.search_children(&actor, &meta, "").await.unwrap();
        let mut samples = Vec::new();
        for l in listed.iter().take(20) {
            let record = app.open_record(&actor, &meta, l.child.id).await.unwrap();
            samples.push((l.child.clone(), record.person));
        }
        assert!(!samples.is_empty(), "{username} sees no children");
        let misspell = |s: &str| {
            s.replacen('i', "y", 1)
                .replacen("ph", "f", 1)
                .replacen("ck", "k", 1)
                .replacen('e', "a", 1)
        };
        let mut kinds: Vec<(&str, Vec<String>)> = vec![
            (
                "reference: Carebridge id",
                samples.iter().map(|(c, _)| c.id.0.to_string()).collect(),
            ),
            (
                "exact name",
                samples
                    .iter()
                    .map(|(c, _)| format!("{} {}", c.given_name, c.family_name))
                    .collect(),
            ),
            (
                "misspelt name",
                samples
                    .iter()
                    .map(|(c, _)| {
                        format!("{} {}", misspell(&c.given_name), misspell(&c.family_name))
                    })
                    .collect(),
            ),
            (
                "family name only",
                samples.iter().map(|(c, _)| c.family_name.clone()).collect(),
            ),
            (
                "date of birth",
                samples
                    .iter()
                    .map(|(c, _)| c.date_of_birth.format("%d/%m/%Y").to_string())
                    .collect(),
            ),
            (
                "NHS number (spaced)",
                samples
                    .iter()
                    .filter_map(|(_, p)| p.nhs_number.as_ref().map(|n| n.spaced()))
                    .collect(),
            ),
            (
                "postcode",
                samples
                    .iter()
                    .filter_map(|(_, p)| p.latest_address().map(|a| a.postcode.to_string()))
                    .collect(),
            ),
        ];
        kinds.retain(|(_, q)| !q.is_empty());
        println!("\n{label}, searching as {username} ({RUNS} runs per kind):");
        println!(
            "{:<26} {:>9} {:>9} {:>9} {:>8}",
            "query", "p50 ms", "p95 ms", "max ms", "results"
        );
        for (kind, queries) in &kinds {
            let mut times = Vec::with_capacity(RUNS);
            let mut results = 0usize;
            for i in 0..RUNS {
                let q = &queries[i % queries.len()];
                let started = Instant::now();
                let found = app.search_children(&actor, &meta, q).await.unwrap();
                times.push(started.elapsed());
                results += found.len();
            }
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "{:<26} {:>9.2} {:>9.2} {:>9.2} {:>8.1}",
                kind,
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.95)),
                ms(*times.last().unwrap()),
                results as f64 / RUNS as f64
            );
        }
    }
    let _ = ChildId(0);
}
