//! Integrity checks (`INT`): every child in a table must be in Header, and tables with one
//! row per child must not repeat a child.

use super::{Flags, Rule};
use crate::ssda903::Table;

pub(super) const RULES: &[Rule] = &[];

/// Flags every row whose child has more than one row in `table`. A blank `CHILD` is
/// never flagged (the reference's grouping drops it).
pub(super) fn flag_repeated_children(table: &Table, f: &mut Flags) {
    for row in table.rows() {
        let child = table.child(row);
        if table.present(
            row,
            crate::ssda903::Col {
                table: table.name(),
                index: 0,
            },
        ) && table.rows_of(child).len() > 1
        {
            f.flag(table, row);
        }
    }
}
