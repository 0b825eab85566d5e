//! Rules flagging rows of the placed_adoption table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
