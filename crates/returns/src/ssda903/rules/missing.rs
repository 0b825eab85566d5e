//! Rules flagging rows of the missing table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
