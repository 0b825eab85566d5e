//! Ofsted's Annex A: the lists of children an inspection of local authority children's
//! services (ILACS) asks for on its first day, made from the records for a window
//! (normally the twelve months before the inspection).
//!
//! Lists 1 to 11 and their columns are Ofsted's, with the column names and the coded
//! values ("a) Male", "b) 1B: Individual", "C2: FCO" …) as Ofsted's Annex A template
//! and the Data to Insight tools that read it spell them. Each list says which records
//! it takes; [`NOTES`] says, per list, which columns Carebridge derives and which it does
//! not record (those are left blank, never guessed). Children are identified by their
//! Carebridge id: no names.
//!
//! Pure: [`build`] takes the records (`carebridge_domain::statutory`) and a window;
//! [`workbook`] writes the lists as an .xlsx workbook.

mod lists;
pub mod workbook;

use std::collections::BTreeSet;

use carebridge_domain::statutory::StatutoryRecords;
use carebridge_domain::ChildId;
use chrono::NaiveDate;

pub use lists::{COLUMNS, NOTES, TITLES};

/// The days the lists cover, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    from: NaiveDate,
    to: NaiveDate,
}

/// The longest window: Ofsted asks for twelve months (a leap year has 366 days, and a
/// window may start on any day).
pub const LONGEST_WINDOW_DAYS: i64 = 366;

impl Window {
    /// A window from `from` to `to`, both included: `to` not before `from`, and at most
    /// [`LONGEST_WINDOW_DAYS`] days.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Window, String> {
        if to < from {
            return Err(format!(
                "the window ends ({to}) before it starts ({from}): the last day must be on or after the first"
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > LONGEST_WINDOW_DAYS {
            return Err(format!(
                "the window is {days} days long: Annex A covers at most twelve months ({LONGEST_WINDOW_DAYS} days)"
            ));
        }
        Ok(Window { from, to })
    }

    /// The twelve months ending on `last` (for example 1 December 2025 to 30 November
    /// 2026).
    pub fn twelve_months_to(last: NaiveDate) -> Window {
        let from = last
            .checked_sub_months(chrono::Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(last);
        Window { from, to: last }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `day` is in the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether a period from `start` to `end` (open if `None`) has a day in the window.
    pub fn overlaps(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        start <= self.to && end.is_none_or(|e| e >= self.from)
    }
}

/// One cell of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text (identifiers, coded values, names).
    Text(String),
    /// A date (written as a date, shown dd/mm/yyyy).
    Date(NaiveDate),
    /// A whole number (ages, counts).
    Number(i64),
    /// Not recorded, or not applicable.
    Blank,
}

impl Cell {
    /// The cell as text, as a CSV or a test reads it (dates dd/mm/yyyy).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Blank => String::new(),
        }
    }
}

/// One row: a child (or a piece of their work) and its cells, in the list's column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Whose row.
    pub child: ChildId,
    /// The cells.
    pub cells: Vec<Cell>,
}

/// One of Ofsted's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// Its number, 1 to 11.
    pub number: usize,
    /// Ofsted's title, e.g. "Contacts".
    pub title: &'static str,
    /// Ofsted's column names.
    pub columns: &'static [&'static str],
    /// The rows, by child id then date.
    pub rows: Vec<Row>,
}

impl List {
    /// The cell of `row` under column `name`.
    pub fn cell<'r>(&self, row: &'r Row, name: &str) -> Option<&'r Cell> {
        let i = self.columns.iter().position(|c| *c == name)?;
        row.cells.get(i)
    }
}

/// The eleven lists for a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexA {
    /// The window.
    pub window: Window,
    /// Lists 1 to 11, in order.
    pub lists: Vec<List>,
}

impl AnnexA {
    /// Every child on some list: whose records the lists disclose.
    pub fn children(&self) -> BTreeSet<ChildId> {
        self.lists
            .iter()
            .flat_map(|l| l.rows.iter().map(|r| r.child))
            .collect()
    }

    /// List `number` (1 to 11).
    pub fn list(&self, number: usize) -> Option<&List> {
        self.lists.iter().find(|l| l.number == number)
    }
}

/// The lists for `window` from the records (read for that window by
/// `RecordTx::statutory_records`).
pub fn build(records: &StatutoryRecords, window: Window) -> AnnexA {
    AnnexA {
        window,
        lists: lists::all(records, window),
    }
}

#[cfg(test)]
mod tests;
