//! One access decision: who may open a child's record on a day, derived from the
//! demo's provision history (2010 to today, 16 years) and its whole workforce history
//! (every employment since 2010), with the standard workforce (389 posts) and the
//! issue's full size (2,700 posts, over 2,000 staff employed today). The reference
//! measured beside each is one pass over the same employments doing nothing but
//! compare dates, the floor for any derivation that looks at every employment.
//!
//! Run: `cargo bench -p carebridge-app --bench access`. Target: under 50 µs.

// A benchmark stops at the first failure, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use carebridge_demo::DemoParams;
use carebridge_domain::access::who_may_open;
use chrono::NaiveDate;

fn main() {
    divan::main();
}

struct World {
    authority: carebridge_demo::DemoAuthority,
    work: Vec<carebridge_domain::child::Involvement>,
    day: NaiveDate,
}

/// The size: 2,700 posts, over 2,000 of them filled today.
const LARGE_POSTS: u32 = 2700;

fn world(posts: u32) -> World {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let params = DemoParams {
        posts,
        ..DemoParams::standard(day)
    };
    let authority = carebridge_demo::authority(&params).unwrap();
    // The first child with open work today.
    let (_, work) = carebridge_demo::children(&params, &authority, 0..params.children)
        .into_iter()
        .find(|(_, work)| work.iter().any(|i| i.period.contains(day)))
        .unwrap();
    World {
        authority,
        work,
        day,
    }
}

#[divan::bench(args = [carebridge_demo::STANDARD_POSTS, LARGE_POSTS])]
fn reference_one_pass_over_employments(bencher: divan::Bencher, posts: u32) {
    let w = world(posts);
    bencher.bench(|| {
        divan::black_box(&w.authority.employments)
            .iter()
            .filter(|e| e.period.contains(w.day))
            .count()
    });
}

#[divan::bench(args = [carebridge_demo::STANDARD_POSTS, LARGE_POSTS])]
fn who_may_open_one_record(bencher: divan::Bencher, posts: u32) {
    let w = world(posts);
    let a = &w.authority;
    let employed: std::collections::BTreeSet<_> = a
        .employments
        .iter()
        .filter(|e| e.period.contains(w.day))
        .map(|e| e.staff)
        .collect();
    eprintln!(
        "(provision periods: {} since {}, posts: {}, staff employed today: {}, employments since 2010: {}, the child's involvements: {})",
        a.provision.len(),
        a.provision.iter().map(|p| p.period.start()).min().unwrap(),
        a.posts.len(),
        employed.len(),
        a.employments.len(),
        w.work.len()
    );
    bencher.bench(|| {
        who_may_open(
            divan::black_box(&w.work),
            &a.provision,
            &a.teams,
            &a.posts,
            &a.employments,
            w.day,
        )
    });
}
