//! Rules flagging rows of the episodes table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
