//! Rules flagging rows of the integrity table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
