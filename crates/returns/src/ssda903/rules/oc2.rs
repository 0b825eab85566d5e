//! Rules flagging rows of the oc2 table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
