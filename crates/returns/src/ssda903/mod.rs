//! The SSDA903 return (children looked after): its tables read from CSV files and
//! checked against every DfE validation rule of the collection year.
//!
//! ```text
//! Source (file name + bytes) ──parse_table──▶ Table (typed columns, rows by child)
//! Return { this year's tables, last year's tables, year } ──validate──▶ Validation
//! ```
//!
//! The rules agree row for row with the Data to Insight reference validator
//! (`csc-validator-be-903` 0.1.17), which `scripts/returns-oracle-903` checks on
//! generated returns; `crates/returns/RULES.md` lists which rules are implemented and
//! checked. A rule not yet implemented is reported as such, never as passed.

pub mod export;
pub mod generate;
pub mod import;
mod read;
pub mod rules;
mod table;
pub mod tables;
mod validate;

pub use crate::catalogue::{rules_of, RuleFacts};
pub use crate::dates::{parse_dayfirst, parse_dmy};
pub use crate::year::{CollectionYear, UnknownYear, SUPPORTED_YEARS};
pub use read::{parse_table, read_file, ReadError, MAX_FILE_BYTES};
pub use table::{ChildId, Children, Table};
pub use tables::{Col, TableName};
pub use validate::{
    validate, validate_with_progress, Flag, Progress, RuleOutcome, RuleStatus, Validation,
};

pub use crate::source::Source;

impl Source {
    /// Reads the file at `path` (refusing one over [`MAX_FILE_BYTES`]).
    pub fn read(path: &std::path::Path) -> Result<Source, ReadError> {
        Ok(Source {
            name: path.display().to_string(),
            content: read_file(path)?,
        })
    }
}

/// A 903 return: this year's tables and, where supplied, last year's, for one
/// collection year.
#[derive(Debug)]
pub struct Return {
    year: CollectionYear,
    this: [Option<Table>; 12],
    last: [Option<Table>; 12],
    children: Children,
    /// Stand-ins for tables not supplied (rules needing them are not run).
    empty: [Table; 12],
}

impl Return {
    /// Reads this year's files and last year's (each recognised by its columns).
    /// Errors name the file, line and field; two files holding one table is an error.
    pub fn parse(
        year: CollectionYear,
        this: &[Source],
        last: &[Source],
    ) -> Result<Return, ReadError> {
        Return::parse_each(year, this.iter().map(Ok), last.iter().map(Ok))
    }

    /// As [`Return::parse`], taking each file as it comes (e.g. read from disk one at a
    /// time), so that only one file's bytes are held beside the tables.
    pub fn parse_each<S: std::borrow::Borrow<Source>>(
        year: CollectionYear,
        this: impl IntoIterator<Item = Result<S, ReadError>>,
        last: impl IntoIterator<Item = Result<S, ReadError>>,
    ) -> Result<Return, ReadError> {
        let mut children = Children::default();
        fn read<S: std::borrow::Borrow<Source>>(
            sources: impl IntoIterator<Item = Result<S, ReadError>>,
            last_year: bool,
            children: &mut Children,
        ) -> Result<[Option<Table>; 12], ReadError> {
            let mut tables: [Option<Table>; 12] = Default::default();
            for source in sources {
                let source = source?;
                let source = source.borrow();
                let mut table = parse_table(&source.name, &source.content, children)?;
                table.last_year = last_year;
                let slot = &mut tables[table.name.index()];
                if let Some(first) = slot {
                    return Err(ReadError::Duplicate {
                        table: table.name,
                        first: first.file.clone(),
                        second: table.file,
                    });
                }
                *slot = Some(table);
            }
            Ok(tables)
        }
        let mut this = read(this, false, &mut children)?;
        let mut last = read(last, true, &mut children)?;
        let count = children.len();
        for table in this.iter_mut().chain(last.iter_mut()).flatten() {
            table.index_children(count);
        }
        let empty = TableName::ALL.map(|name| Table::empty(name, count));
        Ok(Return {
            year,
            this,
            last,
            children,
            empty,
        })
    }

    /// The collection year.
    pub fn year(&self) -> CollectionYear {
        self.year
    }

    /// This year's table, if supplied.
    pub fn table(&self, name: TableName) -> Option<&Table> {
        self.this[name.index()].as_ref()
    }

    /// Last year's table, if supplied.
    pub fn last_year_table(&self, name: TableName) -> Option<&Table> {
        self.last[name.index()].as_ref()
    }

    /// Every child id seen, with its identifier.
    pub fn children(&self) -> &Children {
        &self.children
    }

    /// Whether any of this year's tables was supplied.
    pub fn is_empty(&self) -> bool {
        self.this.iter().all(Option::is_none)
    }

    /// This year's table, or an empty stand-in.
    pub(crate) fn this_or_empty(&self, name: TableName) -> &Table {
        self.this[name.index()]
            .as_ref()
            .unwrap_or(&self.empty[name.index()])
    }

    /// Last year's table, or an empty stand-in.
    pub(crate) fn last_or_empty(&self, name: TableName) -> &Table {
        self.last[name.index()]
            .as_ref()
            .unwrap_or(&self.empty[name.index()])
    }
}
