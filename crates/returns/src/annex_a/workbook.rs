//! Annex A as an .xlsx workbook: an "About" sheet (authority, window, when and by whom
//! it was produced, what each list takes and what Carebridge does not record), then one
//! sheet per list ("List 1" … "List 11", Ofsted's names), each with Ofsted's column
//! names in a bold first row that stays in view, a filter on every column, and dates as
//! real dates shown dd/mm/yyyy.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{AnnexA, Cell, NOTES};

/// Who produced the workbook, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// The authority's name.
    pub authority: String,
    /// Who (a person's name, or "the command line").
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    let month =
        u8::try_from(d.month()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    let day = u8::try_from(d.day()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, month, day)
}

fn excel_instant(t: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_timestamp(t.timestamp())
}

/// The workbook's bytes. Produced at a given instant, it is the same bytes every time
/// (the file's creation date is `produced.at`, not the clock).
pub fn write(annex: &AnnexA, produced: &Produced) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Ofsted Annex A")
            .set_company(&produced.authority)
            .set_author("Carebridge")
            .set_creation_datetime(&excel_instant(produced.at)?),
    );
    let bold = Format::new().set_bold();
    let heading = Format::new().set_bold().set_font_size(14);
    let dated = Format::new().set_num_format("dd/mm/yyyy");
    let wrapped = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);

    let about = workbook.add_worksheet();
    about.set_name("About")?;
    about.set_column_width(0, 16)?;
    about.set_column_width(1, 110)?;
    about.write_string_with_format(0, 0, "Ofsted Annex A", &heading)?;
    let facts = [
        ("Authority", produced.authority.clone()),
        (
            "Window",
            format!(
                "{} to {} (both included)",
                annex.window.from().format("%-d %B %Y"),
                annex.window.to().format("%-d %B %Y")
            ),
        ),
        (
            "Produced",
            format!(
                "{} by {}",
                produced.at.format("%-d %B %Y at %H:%M UTC"),
                produced.by
            ),
        ),
        (
            "Children",
            format!(
                "{} children appear on the lists, identified by their Carebridge id",
                annex.children().len()
            ),
        ),
    ];
    let mut row = 2;
    for (name, value) in facts {
        about.write_string_with_format(row, 0, name, &bold)?;
        about.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    for list in &annex.lists {
        let note = NOTES.get(list.number - 1).copied().unwrap_or("");
        about.write_string_with_format(row, 0, format!("List {}", list.number), &bold)?;
        about.write_string_with_format(
            row,
            1,
            format!("{} ({} rows). {note}", list.title, list.rows.len()),
            &wrapped,
        )?;
        row += 1;
    }

    for list in &annex.lists {
        let sheet = workbook.add_worksheet();
        write_list(sheet, list, &bold, &dated)?;
    }
    workbook.save_to_buffer()
}

fn write_list(
    sheet: &mut Worksheet,
    list: &super::List,
    bold: &Format,
    dated: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(format!("List {}", list.number))?;
    for (col, name) in list.columns.iter().enumerate() {
        let col = column(col)?;
        sheet.write_string_with_format(0, col, *name, bold)?;
        sheet.set_column_width(col, name.len().clamp(12, 40) as f64)?;
    }
    for (i, row) in list.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.cells.iter().enumerate() {
            let col = column(col)?;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, col, t)?;
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(r, col, &excel_date(*d)?, dated)?;
                }
                Cell::Number(n) => {
                    // Ages and counts: far below 2^53, so exact as a spreadsheet number.
                    sheet.write_number(r, col, *n as f64)?;
                }
                Cell::Blank => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(list.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    let last_col = column(list.columns.len().saturating_sub(1))?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}

fn column(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}
