//! Rules flagging rows of the ad1 table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
