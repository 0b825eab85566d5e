//! Rules flagging rows of the reviews table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
