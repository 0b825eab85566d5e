//! The CIN census (children in need): one XML file, flattened into the eleven tables
//! the DfE's rules address and checked against every rule of the collection year.
//!
//! ```text
//! XML bytes ──read::parse (one pass, quick-xml)──▶ Tables (typed columns, keyed rows)
//! Census { tables, year } ──validate──▶ Validation (per rule: the rows it flags)
//! ```
//!
//! The rules agree row for row with the Data to Insight reference validator
//! (`csc-validator-be-cin` 0.1.13), which `scripts/returns-oracle-cin` checks on
//! generated censuses; `crates/returns/CIN_RULES.md` lists which rules are implemented
//! and checked. A rule not yet implemented is reported as such, never as passed.
//!
//! A flag names a table and a 0-based row of that table, as the reference's does
//! (for ChildIdentifiers and ChildCharacteristics the row is the child's position in
//! the document; for the other tables, [`Table::child`] gives it).

pub mod export;
pub mod generate;
pub mod import;
mod read;
pub mod rules;
mod tables;
mod validate;

pub use read::{parse, read_file, ReadError, Tables, MAX_FILE_BYTES};
pub use tables::{cols, Col, Key, Table, TableName, Text};
pub use validate::{validate, validate_with_progress, Flag, FlaggedRow, RuleOutcome, Validation};

use chrono::{Days, Months, NaiveDate};

use crate::year::CollectionYear;

/// A CIN census read for one collection year.
#[derive(Debug)]
pub struct Census {
    year: CollectionYear,
    tables: Tables,
}

impl Census {
    /// Reads a census file's content (named `file` in errors).
    pub fn parse(year: CollectionYear, file: &str, content: &[u8]) -> Result<Census, ReadError> {
        Ok(Census {
            year,
            tables: parse(file, content)?,
        })
    }

    /// The collection year whose rules apply.
    pub fn year(&self) -> CollectionYear {
        self.year
    }

    /// The tables.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// The table `name`.
    pub fn table(&self, name: TableName) -> &Table {
        self.tables.table(name)
    }

    /// The census period as the reference derives it: from the day after the Header's
    /// `ReferenceDate` a year earlier, to the `ReferenceDate` (not from the collection
    /// year given); `None` when the header has no readable `ReferenceDate`.
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        let end = self
            .table(TableName::Header)
            .date(0, cols::header::REFERENCE_DATE)?;
        let start = end
            .checked_sub_months(Months::new(12))?
            .checked_add_days(Days::new(1))?;
        Some((start, end))
    }
}
