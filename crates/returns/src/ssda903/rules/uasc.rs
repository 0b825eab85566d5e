//! Rules flagging rows of the UASC table (unaccompanied asylum-seeking children).

use chrono::Months;

use super::{each_row, Ctx, Flags, Need, Rule};
use crate::ssda903::tables::cols::uasc::{DOB, DUC};
use crate::ssda903::TableName::Uasc;

const UASC: &[Need] = &[Need::This(Uasc)];

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "104",
        needs: UASC,
        run: rule_104,
    },
    Rule {
        code: "304",
        needs: UASC,
        run: rule_304,
    },
    Rule {
        code: "INT36",
        needs: UASC,
        run: rule_int36,
    },
    Rule {
        code: "303",
        needs: &[
            Need::This(Uasc),
            Need::This(crate::ssda903::TableName::Header),
        ],
        run: rule_303,
    },
];

/// 104: Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a
/// valid date.
fn rule_104(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Uasc);
    let start = c.collection_start();
    each_row(f, t, |r| match t.date(r, DUC) {
        Some(duc) => duc < start,
        None => t.present(r, DUC),
    });
}

/// 304: Date unaccompanied asylum-seeking child (UASC) status ceased must be on or
/// before the 18th birthday of a child.
fn rule_304(c: &Ctx<'_>, f: &mut Flags) {
    let t = c.this(Uasc);
    each_row(f, t, |r| {
        let eighteenth = t
            .date(r, DOB)
            .and_then(|dob| dob.checked_add_months(Months::new(12 * 18)));
        matches!((t.date(r, DUC), eighteenth), (Some(duc), Some(e)) if duc > e)
    });
}

/// INT36: Internal Check: Child should only exist once in UASC.
fn rule_int36(c: &Ctx<'_>, f: &mut Flags) {
    super::integrity::flag_repeated_children(c.this(Uasc), f);
}

/// 303: If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null,
/// UASC status must be coded 1.
///
/// The reference's Header `UASC` is 1 for children in the UASC table, so this fires
/// only when a child is in UASC twice and the derived column slips (see
/// [`Ctx::header_uasc`]).
fn rule_303(c: &Ctx<'_>, f: &mut Flags) {
    let (t, h) = (c.this(Uasc), c.this(crate::ssda903::TableName::Header));
    for hr in h.rows() {
        if c.header_uasc(hr) == Some(true) {
            continue;
        }
        for r in t.rows_of(h.child(hr)) {
            if t.present(r, DUC) {
                f.flag(t, r);
                f.flag(h, hr);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::ssda903::rules::test_support::{check, Case};
    use crate::ssda903::TableName::Uasc;

    pub(crate) const CASES: &[Case] = &[
        Case {
            rule: "104",
            this: &[(Uasc, "CHILD,DUC\n1,31/03/2026\n2,01/04/2026\n3,\n4,xx")],
            last: &[],
            flagged: &["UASC:0", "UASC:3"],
        },
        Case {
            rule: "304",
            this: &[(
                Uasc,
                "CHILD,DOB,DUC\n1,01/01/2010,02/01/2028\n2,01/01/2010,01/01/2028",
            )],
            last: &[],
            flagged: &["UASC:0"],
        },
        Case {
            rule: "INT36",
            this: &[(Uasc, "CHILD\n1\n2\n1")],
            last: &[],
            flagged: &["UASC:0", "UASC:2"],
        },
        Case {
            rule: "303",
            this: &[
                (Uasc, "CHILD,DUC\n1,\n1,\n2,01/01/2026\n4,01/01/2026"),
                (crate::ssda903::TableName::Header, "CHILD\n1\n3\n2\n4"),
            ],
            last: &[],
            flagged: &["Header:2", "UASC:2"],
        },
    ];

    #[test]
    fn uasc_rules() {
        check(CASES);
    }
}
