//! One 903 table read into typed columns: every cell interned once (codes compare as
//! small strings, never allocated again), dates read once, rows indexed by child.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::tables::{Col, TableName};

/// A child's identifier (the `CHILD` column), numbered densely across every table of
/// both years so that rules join tables by comparing numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildId(pub(crate) u32);

impl ChildId {
    /// Position in per-child arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The `CHILD` values seen so far, each with its [`ChildId`]. An empty `CHILD` is a
/// value too (the reference's joins match an empty id with an empty id).
#[derive(Debug, Default)]
pub struct Children {
    ids: FxHashMap<Box<str>, ChildId>,
    names: Vec<Box<str>>,
}

impl Children {
    pub(crate) fn id(&mut self, child: &str) -> ChildId {
        if let Some(id) = self.ids.get(child) {
            return *id;
        }
        let id = ChildId(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        self.ids.insert(child.into(), id);
        self.names.push(child.into());
        id
    }

    /// The id of `child`, if any table holds it.
    pub fn get(&self, child: &str) -> Option<ChildId> {
        self.ids.get(child).copied()
    }

    /// The child's identifier as written (upper-cased), empty when it was missing.
    pub fn name(&self, id: ChildId) -> &str {
        self.names.get(id.index()).map_or("", |n| n)
    }

    /// How many distinct children (the bound of [`ChildId::index`]).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no table holds any row.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A cell's value: an index into its table's strings; [`Sym::EMPTY`] is a blank cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sym(pub(crate) u32);

impl Sym {
    pub(crate) const EMPTY: Sym = Sym(0);
}

/// One table of one year, as read from one file.
#[derive(Debug)]
pub struct Table {
    pub(crate) name: TableName,
    /// Whether this is last year's return of the table.
    pub(crate) last_year: bool,
    pub(crate) file: String,
    /// The 1-based line of the file each data row starts on (the header is line 1).
    pub(crate) lines: Vec<u32>,
    /// Cells, column by column in the published column order.
    pub(crate) columns: Vec<Vec<Sym>>,
    /// The distinct values, upper-cased as the reference upper-cases them; index 0 is
    /// the blank cell.
    pub(crate) strings: Vec<Box<str>>,
    /// For date columns, each row's date (`None` blank or unreadable).
    pub(crate) dates: Vec<Option<Vec<Option<NaiveDate>>>>,
    /// Each row's child.
    pub(crate) child: Vec<ChildId>,
    /// Rows grouped by child: `by_child_rows[by_child_start[c]..by_child_start[c + 1]]`
    /// are child `c`'s rows in file order.
    pub(crate) by_child_start: Vec<u32>,
    pub(crate) by_child_rows: Vec<u32>,
}

impl Table {
    /// A table with no rows (standing in for one not supplied).
    pub(crate) fn empty(name: TableName, children: usize) -> Table {
        let columns = name.columns();
        Table {
            name,
            last_year: false,
            file: String::new(),
            lines: Vec::new(),
            columns: vec![Vec::new(); columns.len()],
            strings: vec!["".into()],
            dates: vec![None; columns.len()],
            child: Vec::new(),
            by_child_start: vec![0; children + 1],
            by_child_rows: Vec::new(),
        }
    }

    /// Whether this is last year's return of the table.
    pub fn is_last_year(&self) -> bool {
        self.last_year
    }

    /// Which table this is.
    pub fn name(&self) -> TableName {
        self.name
    }

    /// The file it was read from, as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the file holds no data rows.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Row indices `0..len`, as `usize`.
    pub fn rows(&self) -> std::ops::Range<usize> {
        0..self.len()
    }

    /// The line of the file where data row `row` starts (the header is line 1).
    pub fn line(&self, row: usize) -> u32 {
        self.lines.get(row).copied().unwrap_or(0)
    }

    /// The cell at `row`, `col`, upper-cased; `None` when blank.
    pub fn text(&self, row: usize, col: Col) -> Option<&str> {
        let sym = self.sym(row, col);
        (sym != Sym::EMPTY).then(|| self.string(sym))
    }

    /// The cell at `row` of the column named `column`, upper-cased; `None` when blank
    /// or when the table has no such column.
    pub fn text_by_name(&self, row: usize, column: &str) -> Option<&str> {
        let index = self.name.columns().iter().position(|c| *c == column)?;
        let sym = *self.columns.get(index)?.get(row)?;
        (sym != Sym::EMPTY).then(|| self.string(sym))
    }

    /// The cell at `row`, `col` as a date; `None` when blank or not a date.
    pub fn date(&self, row: usize, col: Col) -> Option<NaiveDate> {
        debug_assert_eq!(col.table, self.name);
        self.dates
            .get(usize::from(col.index))
            .and_then(Option::as_ref)
            .and_then(|dates| dates.get(row).copied().flatten())
    }

    /// Whether the cell equals `code` (a blank cell equals nothing).
    pub fn is(&self, row: usize, col: Col, code: &str) -> bool {
        self.text(row, col) == Some(code)
    }

    /// Whether the cell is one of `codes` (a blank cell is none of them).
    pub fn is_in(&self, row: usize, col: Col, codes: &[&str]) -> bool {
        self.text(row, col)
            .is_some_and(|text| codes.contains(&text))
    }

    /// The cell as the reference's `astype(str)` writes it: `"nan"` when blank.
    pub fn pd_str(&self, row: usize, col: Col) -> &str {
        self.text(row, col).unwrap_or("nan")
    }

    /// Whether the cell holds something (the reference's `notna`).
    pub fn present(&self, row: usize, col: Col) -> bool {
        !self.is_blank(row, col)
    }

    /// Whether the cell is blank (the reference's NaN).
    pub fn is_blank(&self, row: usize, col: Col) -> bool {
        self.sym(row, col) == Sym::EMPTY
    }

    /// The row's child.
    pub fn child(&self, row: usize) -> ChildId {
        self.child.get(row).copied().unwrap_or(ChildId(u32::MAX))
    }

    /// The child's rows in this table, in file order.
    pub fn rows_of(&self, child: ChildId) -> impl ExactSizeIterator<Item = usize> + '_ {
        let start = self.by_child_start.get(child.index()).copied().unwrap_or(0);
        let end = self
            .by_child_start
            .get(child.index() + 1)
            .copied()
            .unwrap_or(start);
        self.by_child_rows
            .get(start as usize..end as usize)
            .unwrap_or(&[])
            .iter()
            .map(|row| *row as usize)
    }

    /// Each child with rows in this table, with its rows in file order (children in
    /// id order).
    pub fn by_child(&self) -> impl Iterator<Item = (ChildId, &[u32])> + '_ {
        self.by_child_start
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[1] > w[0])
            .map(|(id, w)| {
                let rows = self
                    .by_child_rows
                    .get(w[0] as usize..w[1] as usize)
                    .unwrap_or(&[]);
                (ChildId(u32::try_from(id).unwrap_or(u32::MAX)), rows)
            })
    }

    /// Whether the table holds any row for `child`.
    pub fn has_child(&self, child: ChildId) -> bool {
        self.rows_of(child).len() > 0
    }

    pub(crate) fn sym(&self, row: usize, col: Col) -> Sym {
        debug_assert_eq!(col.table, self.name);
        self.columns
            .get(usize::from(col.index))
            .and_then(|column| column.get(row).copied())
            .unwrap_or(Sym::EMPTY)
    }

    pub(crate) fn string(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", |s| s)
    }

    /// Groups rows by child; called once all tables are read, when the number of
    /// children is known.
    pub(crate) fn index_children(&mut self, children: usize) {
        let mut start = vec![0u32; children + 1];
        for child in &self.child {
            if let Some(count) = start.get_mut(child.index() + 1) {
                *count += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut rows = vec![0u32; self.child.len()];
        for (row, child) in self.child.iter().enumerate() {
            if let Some(slot) = next.get_mut(child.index()) {
                if let Some(cell) = rows.get_mut(*slot as usize) {
                    *cell = u32::try_from(row).unwrap_or(u32::MAX);
                }
                *slot += 1;
            }
        }
        self.by_child_start = start;
        self.by_child_rows = rows;
    }
}
