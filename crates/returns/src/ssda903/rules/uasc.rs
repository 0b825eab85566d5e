//! Rules flagging rows of the uasc table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
