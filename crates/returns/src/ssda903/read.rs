//! Reading 903 CSV files into [`Table`]s, as the reference validator reads them:
//! the table is recognised by its set of column names; every value is upper-cased;
//! a blank cell is missing; blank lines are skipped (and not counted as rows); a row
//! with fewer cells than the header is padded with blanks. Unlike the reference, a file
//! it could not read is an error naming the file, line and field, never a crash.

use std::path::Path;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::table::{Children, Sym, Table};
use super::tables::TableName;
use crate::dates::parse_dmy;
use crate::source::{read_limited, FileError};

/// The largest file read (a 903 table of the largest authority is a few megabytes).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file could not be read as a 903 table.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read, or is larger than [`MAX_FILE_BYTES`].
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is empty (not even a header line).
    #[error("{file}: the file is empty; expected a header line naming the columns")]
    Empty {
        /// The file.
        file: String,
    },
    /// Bytes that are not UTF-8.
    #[error("{file} line {line}{field}: not UTF-8 text (save the file as UTF-8)")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// `", field NAME"` when known.
        field: String,
    },
    /// The header names no known table.
    #[error("{file} line 1: the columns {found} are not those of any 903 table{closest}")]
    UnknownColumns {
        /// The file.
        file: String,
        /// The columns found.
        found: String,
        /// The nearest table and how the columns differ from it.
        closest: String,
    },
    /// A row with more cells than the header.
    #[error("{file} line {line}: {cells} cells, but the header names {columns} columns")]
    TooManyCells {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// Cells on the line.
        cells: usize,
        /// Columns in the header.
        columns: usize,
    },
    /// Quoting the CSV reader could not follow.
    #[error("{file} line {line}: not valid CSV: {message}")]
    Csv {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// The CSV reader's description.
        message: String,
    },
    /// Two files hold the same table for the same year.
    #[error("{first} and {second} both hold the {table} table; give one file per table")]
    Duplicate {
        /// The table.
        table: TableName,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
    /// Nothing to validate.
    #[error(
        "{folder}: no 903 table found (expected CSV files such as the Header and Episodes tables)"
    )]
    NoTables {
        /// The folder or files given.
        folder: String,
    },
}

/// Reads the file at `path`, refusing one larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    Ok(read_limited(path, MAX_FILE_BYTES, "a 903 table")?)
}

/// Reads one CSV file's content (named `file` in errors) as the 903 table its columns
/// name. `children` numbers the `CHILD` values across all tables.
pub fn parse_table(
    file: &str,
    content: &[u8],
    children: &mut Children,
) -> Result<Table, ReadError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content);
    let mut record = csv::ByteRecord::new();
    let csv_error = |error: csv::Error| {
        let line = error.position().map_or(0, csv::Position::line);
        ReadError::Csv {
            file: file.to_owned(),
            line,
            message: error.to_string(),
        }
    };

    let mut lines_seen = LineCounter::default();
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err(ReadError::Empty {
            file: file.to_owned(),
        });
    }
    let header_line = lines_seen.line_of(content, &record);
    let mut header = Vec::with_capacity(record.len());
    for (i, name) in record.iter().enumerate() {
        let name = std::str::from_utf8(name).map_err(|_| ReadError::NotUtf8 {
            file: file.to_owned(),
            line: header_line,
            field: format!(", column {}", i + 1),
        })?;
        header.push(name.to_owned());
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let name =
        TableName::recognise(&header_refs).ok_or_else(|| unknown_columns(file, &header_refs))?;
    let columns = name.columns();
    // Where each published column sits in this file.
    let position_in_file: Vec<usize> = columns
        .iter()
        .map(|column| {
            header_refs
                .iter()
                .position(|h| h == column)
                .unwrap_or(usize::MAX)
        })
        .collect();
    let child_column = 0;

    let mut strings: Vec<Box<str>> = vec!["".into()];
    let mut lookup: FxHashMap<Box<str>, Sym> = FxHashMap::default();
    let mut cells: Vec<Vec<Sym>> = vec![Vec::new(); columns.len()];
    let mut lines = Vec::new();
    let mut child = Vec::new();
    let mut upper = String::new();

    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = lines_seen.line_of(content, &record);
        if record.len() > header.len() {
            return Err(ReadError::TooManyCells {
                file: file.to_owned(),
                line,
                cells: record.len(),
                columns: header.len(),
            });
        }
        for (c, at) in position_in_file.iter().enumerate() {
            let raw = record.get(*at).unwrap_or(b"");
            let sym = if raw.is_empty() {
                Sym::EMPTY
            } else {
                let text = std::str::from_utf8(raw).map_err(|_| ReadError::NotUtf8 {
                    file: file.to_owned(),
                    line,
                    field: format!(", field {}", columns.get(c).copied().unwrap_or("?")),
                })?;
                let text = if text
                    .bytes()
                    .any(|b| b.is_ascii_lowercase() || !b.is_ascii())
                {
                    upper.clear();
                    upper.extend(text.chars().flat_map(char::to_uppercase));
                    upper.as_str()
                } else {
                    text
                };
                intern(text, &mut strings, &mut lookup)
            };
            if c == child_column {
                let id = children.id(strings.get(sym.0 as usize).map_or("", |s| s));
                child.push(id);
            }
            if let Some(column) = cells.get_mut(c) {
                column.push(sym);
            }
        }
        // Bytes outside the published columns must be text too: the reference decodes
        // the whole file.
        for (i, raw) in record.iter().enumerate() {
            if std::str::from_utf8(raw).is_err() {
                return Err(ReadError::NotUtf8 {
                    file: file.to_owned(),
                    line,
                    field: format!(", field {}", header.get(i).map_or("?", String::as_str)),
                });
            }
        }
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
    }

    let dates = columns
        .iter()
        .zip(&cells)
        .map(|(column, syms)| TableName::is_date_column(column).then(|| read_dates(syms, &strings)))
        .collect();
    Ok(Table {
        name,
        last_year: false,
        file: file.to_owned(),
        lines,
        columns: cells,
        strings,
        dates,
        child,
        by_child_start: Vec::new(),
        by_child_rows: Vec::new(),
    })
}

/// The 1-based line each record starts on. (The CSV reader's own line numbers count
/// from where it started reading, before the blank lines it skips.)
#[derive(Debug, Default)]
struct LineCounter {
    /// Bytes up to here have been counted…
    counted_to: usize,
    /// …and hold this many line ends.
    line_ends: u64,
}

impl LineCounter {
    fn line_of(&mut self, content: &[u8], record: &csv::ByteRecord) -> u64 {
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        while matches!(content.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let from = self.counted_to.min(start);
        for (i, byte) in content.get(from..start).unwrap_or(&[]).iter().enumerate() {
            let ends_line =
                *byte == b'\n' || (*byte == b'\r' && content.get(from + i + 1) != Some(&b'\n'));
            if ends_line {
                self.line_ends += 1;
            }
        }
        self.counted_to = self.counted_to.max(start);
        self.line_ends + 1
    }
}

fn intern(text: &str, strings: &mut Vec<Box<str>>, lookup: &mut FxHashMap<Box<str>, Sym>) -> Sym {
    if let Some(sym) = lookup.get(text) {
        return *sym;
    }
    let sym = Sym(u32::try_from(strings.len()).unwrap_or(u32::MAX));
    strings.push(text.into());
    lookup.insert(text.into(), sym);
    sym
}

/// Each row's date, reading each distinct text once.
fn read_dates(syms: &[Sym], strings: &[Box<str>]) -> Vec<Option<NaiveDate>> {
    let by_sym: Vec<Option<NaiveDate>> = strings.iter().map(|s| parse_dmy(s)).collect();
    syms.iter()
        .map(|sym| by_sym.get(sym.0 as usize).copied().flatten())
        .collect()
}

fn unknown_columns(file: &str, header: &[&str]) -> ReadError {
    let found = if header.iter().all(|h| h.is_empty()) {
        "(none)".to_owned()
    } else {
        header.join(", ")
    };
    let closest = TableName::ALL
        .into_iter()
        .map(|table| {
            let expected = table.columns();
            let missing: Vec<&str> = expected
                .iter()
                .copied()
                .filter(|c| !header.contains(c))
                .collect();
            let unexpected: Vec<&str> = header
                .iter()
                .copied()
                .filter(|h| !expected.contains(h))
                .collect();
            (missing.len() + unexpected.len(), table, missing, unexpected)
        })
        .min_by_key(|(distance, ..)| *distance);
    let closest = match closest {
        Some((distance, table, missing, unexpected)) if distance < table.columns().len() => {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("missing {}", missing.join(", ")));
            }
            if !unexpected.is_empty() {
                parts.push(format!("unexpected {}", unexpected.join(", ")));
            }
            if parts.is_empty() {
                parts.push("a column is repeated".to_owned());
            }
            format!("; nearest is {table} ({})", parts.join("; "))
        }
        _ => String::new(),
    };
    ReadError::UnknownColumns {
        file: file.to_owned(),
        found,
        closest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssda903::tables::cols::reviews;

    fn parse(content: &str) -> Result<Table, ReadError> {
        parse_table("reviews.csv", content.as_bytes(), &mut Children::default())
    }

    #[test]
    fn reads_values_upper_cased_with_blanks_missing_and_blank_lines_skipped() {
        let table =
            parse("REVIEW_CODE,CHILD,DOB,REVIEW\r\npn1,c1,01/01/2015,1/4/2026\n\n,c2,,\n").unwrap();
        assert_eq!(table.name(), TableName::Reviews);
        assert_eq!(table.len(), 2);
        assert_eq!(table.text(0, reviews::REVIEW_CODE), Some("PN1"));
        assert_eq!(table.text(0, reviews::CHILD), Some("C1"));
        assert_eq!(
            table.date(0, reviews::REVIEW),
            NaiveDate::from_ymd_opt(2026, 4, 1)
        );
        assert_eq!(table.text(1, reviews::REVIEW_CODE), None);
        assert_eq!(table.line(0), 2);
        assert_eq!(table.line(1), 4);
    }

    #[test]
    fn short_rows_are_padded_and_long_rows_refused() {
        let table = parse("CHILD,DOB,REVIEW,REVIEW_CODE\nc1\n").unwrap();
        assert!(table.is_blank(0, reviews::REVIEW_CODE));
        let error = parse("CHILD,DOB,REVIEW,REVIEW_CODE\nc1,,,,x\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "reviews.csv line 2: 5 cells, but the header names 4 columns"
        );
    }

    #[test]
    fn unknown_columns_name_the_nearest_table() {
        let error = parse("CHILD,DOB,REVIEW,REVIEWCODE\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "reviews.csv line 1: the columns CHILD, DOB, REVIEW, REVIEWCODE are not those of any 903 table; nearest is Reviews (missing REVIEW_CODE; unexpected REVIEWCODE)"
        );
    }

    #[test]
    fn broken_utf8_names_line_and_field() {
        let error = parse_table(
            "reviews.csv",
            b"CHILD,DOB,REVIEW,REVIEW_CODE\nc1,,,PN1\nc2,,,P\xffN\n",
            &mut Children::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "reviews.csv line 3, field REVIEW_CODE: not UTF-8 text (save the file as UTF-8)"
        );
    }

    #[test]
    fn an_empty_file_and_a_byte_order_mark() {
        assert!(matches!(parse(""), Err(ReadError::Empty { .. })));
        let table = parse("\u{feff}CHILD,DOB,REVIEW,REVIEW_CODE\nc1,,,\n").unwrap();
        assert_eq!(table.len(), 1);
    }
}
