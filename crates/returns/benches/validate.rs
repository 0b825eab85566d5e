//! How long validating a large 903 return takes beside just reading it.
//!
//! `cargo bench -p carebridge-returns --bench validate`: a generated return of 50,000
//! children (about 260,000 rows across this year's and last year's tables), read (parse
//! only) and read then validated with every implemented rule. `bench/returns-903` times the
//! reference validator on the same input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use carebridge_returns::ssda903::{generate, validate, CollectionYear, Return, Source};

const CHILDREN: usize = 50_000;

fn input() -> &'static (Vec<Source>, Vec<Source>) {
    static INPUT: OnceLock<(Vec<Source>, Vec<Source>)> = OnceLock::new();
    INPUT.get_or_init(|| {
        let generated = generate::generate(year(), CHILDREN, 1);
        let sources = |files: &[(carebridge_returns::ssda903::TableName, String)]| {
            files
                .iter()
                .map(|(name, csv)| Source {
                    name: format!("{name}.csv"),
                    content: csv.clone().into_bytes(),
                })
                .collect::<Vec<_>>()
        };
        (sources(&generated.this), sources(&generated.last))
    })
}

fn year() -> CollectionYear {
    "2026-27".parse().unwrap()
}

fn main() {
    let (this, last) = input();
    let rows: usize = Return::parse(year(), this, last)
        .map(|ret| {
            carebridge_returns::ssda903::TableName::ALL
                .iter()
                .map(|t| {
                    ret.table(*t).map_or(0, |t| t.len())
                        + ret.last_year_table(*t).map_or(0, |t| t.len())
                })
                .sum()
        })
        .unwrap();
    eprintln!("input: {CHILDREN} children, {rows} rows");
    divan::main();
}

/// Reading the CSV files into typed tables (the reference point).
#[divan::bench(sample_count = 10)]
fn parse_only() -> Return {
    let (this, last) = input();
    Return::parse(year(), this, last).unwrap()
}

/// Reading, then every implemented rule.
#[divan::bench(sample_count = 10)]
fn parse_and_validate() -> usize {
    let (this, last) = input();
    let ret = Return::parse(year(), this, last).unwrap();
    validate(&ret).outcomes.len()
}

/// Every implemented rule over tables already read.
#[divan::bench(sample_count = 10)]
fn validate_only(bencher: divan::Bencher) {
    let (this, last) = input();
    let ret = Return::parse(year(), this, last).unwrap();
    bencher.bench(|| validate(&ret).outcomes.len());
}
