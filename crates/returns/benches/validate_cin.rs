//! How long reading and validating a large CIN census takes.
//!
//! `cargo bench -p carebridge-returns --bench validate_cin`: a generated census of
//! 10,000 children (about 16,000 episodes and 100,000 rows across the eleven tables),
//! read (one pass over the XML) and read then validated with every implemented rule.
//! The reference validator's time on the same input is printed by
//! `scripts/returns-oracle-cin.py run` (see `crates/returns/CIN_RULES.md`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use carebridge_returns::cin::{generate, validate, Census, TableName};
use carebridge_returns::year::CollectionYear;

const CHILDREN: usize = 10_000;

fn input() -> &'static String {
    static INPUT: OnceLock<String> = OnceLock::new();
    INPUT.get_or_init(|| generate::generate(year(), CHILDREN, 1))
}

fn year() -> CollectionYear {
    "2025-26".parse().unwrap()
}

fn main() {
    let census = Census::parse(year(), "bench.xml", input().as_bytes()).unwrap();
    let rows: usize = TableName::ALL.iter().map(|t| census.table(*t).len()).sum();
    eprintln!(
        "input: {CHILDREN} children, {rows} rows, {:.1} MB of XML",
        input().len() as f64 / 1e6
    );
    divan::main();
}

/// Reading the XML into the tables.
#[divan::bench(sample_count = 10)]
fn parse_only() -> Census {
    Census::parse(year(), "bench.xml", input().as_bytes()).unwrap()
}

/// Reading, then every implemented rule.
#[divan::bench(sample_count = 10)]
fn parse_and_validate() -> usize {
    let census = Census::parse(year(), "bench.xml", input().as_bytes()).unwrap();
    validate(&census).outcomes.len()
}

/// Every implemented rule over tables already read.
#[divan::bench(sample_count = 10)]
fn validate_only(bencher: divan::Bencher) {
    let census = Census::parse(year(), "bench.xml", input().as_bytes()).unwrap();
    bencher.bench(|| validate(&census).outcomes.len());
}
