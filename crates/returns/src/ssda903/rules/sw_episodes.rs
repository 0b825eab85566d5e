//! Rules flagging rows of the sw_episodes table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
