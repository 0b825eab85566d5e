//! Rules flagging rows of the dolo table.

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
