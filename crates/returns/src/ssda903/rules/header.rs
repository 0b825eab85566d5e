//! Rules flagging rows of the Header table (one row per child).

use super::{Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::header;
use crate::ssda903::TableName::Header;

pub(super) const RULES: &[Rule] = &[Rule { code: "103", needs: &[Need::This(Header)], run: rule_103 }];

/// 103: The ethnicity code is either not valid or has not been entered.
fn rule_103(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Header);
    for row in t.rows() {
        let valid = matches!(
            t.text(row, header::ETHNIC),
            Some(
                "WBRI" | "WIRI" | "WOTH" | "WIRT" | "WROM" | "MWBC" | "MWBA" | "MWAS" | "MOTH" | "AIND"
                    | "APKN" | "ABAN" | "AOTH" | "BCRB" | "BAFR" | "BOTH" | "CHNE" | "OOTH" | "REFU" | "NOBT"
            )
        );
        if !valid {
            f.flag(t, row);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ssda903::rules::test_support::*;
    use crate::ssda903::TableName::Header;

    #[test]
    fn rule_103_flags_an_unknown_or_missing_ethnicity() {
        let ret = this_year(&[table(Header, "CHILD,ETHNIC\n1,WBRI\n2,XXXX\n3,\n4,wbri")]);
        assert_eq!(flagged("103", &ret), ["Header:1", "Header:2"]);
    }
}
