//! Rules flagging rows of the oc3 table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
