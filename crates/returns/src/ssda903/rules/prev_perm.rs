//! Rules flagging rows of the prev_perm table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
