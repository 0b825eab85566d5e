//! The twelve 903 tables and their columns, from `data/ssda903_tables.tsv`.
//!
//! A CSV file is recognised by its set of column names (exactly, in any order), not by
//! its file name, as the reference validator does. Columns are addressed in rules by
//! the constants in [`cols`], named as the DfE names them.

use std::fmt;

/// The table definitions as published: `table, column, position`.
const TABLES_TSV: &str = include_str!("../../data/ssda903_tables.tsv");

/// A 903 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableName {
    /// One row per child: sex, date of birth, ethnicity, UPN, motherhood.
    Header,
    /// Episodes of care: legal status, placement, reason for new episode and ending.
    Episodes,
    /// Reviews of the child's case.
    Reviews,
    /// Unaccompanied asylum-seeking children.
    Uasc,
    /// Outcomes for children looked after continuously for 12 months (health, offending).
    Oc2,
    /// Care leavers: in touch, activity, accommodation.
    Oc3,
    /// Adoptions.
    Ad1,
    /// Children placed for adoption.
    PlacedAdoption,
    /// Previous permanence.
    PrevPerm,
    /// Periods missing or away from placement.
    Missing,
    /// Social worker episodes.
    SwEpisodes,
    /// Deprivations of liberty (from 2026-27).
    DoLo,
}

impl TableName {
    /// Every table, in the order of the published definitions.
    pub const ALL: [TableName; 12] = [
        TableName::Header,
        TableName::Episodes,
        TableName::Reviews,
        TableName::Uasc,
        TableName::Oc2,
        TableName::Oc3,
        TableName::Ad1,
        TableName::PlacedAdoption,
        TableName::PrevPerm,
        TableName::Missing,
        TableName::SwEpisodes,
        TableName::DoLo,
    ];

    /// The table's name as the DfE and the reference validator spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Header => "Header",
            TableName::Episodes => "Episodes",
            TableName::Reviews => "Reviews",
            TableName::Uasc => "UASC",
            TableName::Oc2 => "OC2",
            TableName::Oc3 => "OC3",
            TableName::Ad1 => "AD1",
            TableName::PlacedAdoption => "PlacedAdoption",
            TableName::PrevPerm => "PrevPerm",
            TableName::Missing => "Missing",
            TableName::SwEpisodes => "SWEpisodes",
            TableName::DoLo => "DoLo",
        }
    }

    /// Whether the return of `year` has this table (DoLo from 2026-27).
    pub fn is_collected_in(self, year: crate::year::CollectionYear) -> bool {
        self != TableName::DoLo || year.start_year() >= 2026
    }

    /// The table spelt `name` (the DfE's spelling).
    pub fn from_name(name: &str) -> Option<TableName> {
        TableName::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Position in [`TableName::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The table's columns, in the published order.
    pub fn columns(self) -> Vec<&'static str> {
        TABLES_TSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let (table, column) = (cells.next()?, cells.next()?);
                (table == self.as_str()).then_some(column)
            })
            .collect()
    }

    /// The table whose columns are exactly `header` (in any order), if any.
    pub fn recognise(header: &[&str]) -> Option<TableName> {
        let mut given: Vec<&str> = header.to_vec();
        given.sort_unstable();
        TableName::ALL.into_iter().find(|table| {
            let mut expected = table.columns();
            expected.sort_unstable();
            expected == given
        })
    }

    /// Whether the column holds a date (`DD/MM/YYYY`), read once when the file is read.
    pub(crate) fn is_date_column(column: &str) -> bool {
        matches!(
            column,
            "DOB"
                | "MC_DOB"
                | "DECOM"
                | "DEC"
                | "REVIEW"
                | "DUC"
                | "DATE_INT"
                | "DATE_MATCH"
                | "DATE_PLACED"
                | "DATE_PLACED_CEASED"
                | "DATE_PERM"
                | "MIS_START"
                | "MIS_END"
                | "SW_DECOM"
                | "SW_DEC"
                | "DOLO_START"
                | "DOLO_END"
        )
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column of one table: the table and the column's published position (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub(crate) table: TableName,
    pub(crate) index: u8,
}

const fn col(table: TableName, index: u8) -> Col {
    Col { table, index }
}

/// Column constants per table, named as the DfE names them. A test checks each
/// against `data/ssda903_tables.tsv`.
#[allow(missing_docs)]
pub mod cols {
    use super::{col, Col, TableName as T};

    pub mod header {
        use super::*;
        pub const CHILD: Col = col(T::Header, 0);
        pub const SEX: Col = col(T::Header, 1);
        pub const DOB: Col = col(T::Header, 2);
        pub const ETHNIC: Col = col(T::Header, 3);
        pub const UPN: Col = col(T::Header, 4);
        pub const MOTHER: Col = col(T::Header, 5);
        pub const MC_DOB: Col = col(T::Header, 6);
    }
    pub mod episodes {
        use super::*;
        pub const CHILD: Col = col(T::Episodes, 0);
        pub const DECOM: Col = col(T::Episodes, 1);
        pub const RNE: Col = col(T::Episodes, 2);
        pub const LS: Col = col(T::Episodes, 3);
        pub const CIN: Col = col(T::Episodes, 4);
        pub const PLACE: Col = col(T::Episodes, 5);
        pub const PLACE_PROVIDER: Col = col(T::Episodes, 6);
        pub const DEC: Col = col(T::Episodes, 7);
        pub const REC: Col = col(T::Episodes, 8);
        pub const REASON_PLACE_CHANGE: Col = col(T::Episodes, 9);
        pub const HOME_POST: Col = col(T::Episodes, 10);
        pub const PL_POST: Col = col(T::Episodes, 11);
        pub const URN: Col = col(T::Episodes, 12);
    }
    pub mod reviews {
        use super::*;
        pub const CHILD: Col = col(T::Reviews, 0);
        pub const DOB: Col = col(T::Reviews, 1);
        pub const REVIEW: Col = col(T::Reviews, 2);
        pub const REVIEW_CODE: Col = col(T::Reviews, 3);
    }
    pub mod uasc {
        use super::*;
        pub const CHILD: Col = col(T::Uasc, 0);
        pub const SEX: Col = col(T::Uasc, 1);
        pub const DOB: Col = col(T::Uasc, 2);
        pub const DUC: Col = col(T::Uasc, 3);
    }
    pub mod oc2 {
        use super::*;
        pub const CHILD: Col = col(T::Oc2, 0);
        pub const DOB: Col = col(T::Oc2, 1);
        pub const SDQ_SCORE: Col = col(T::Oc2, 2);
        pub const SDQ_REASON: Col = col(T::Oc2, 3);
        pub const CONVICTED: Col = col(T::Oc2, 4);
        pub const HEALTH_CHECK: Col = col(T::Oc2, 5);
        pub const IMMUNISATIONS: Col = col(T::Oc2, 6);
        pub const TEETH_CHECK: Col = col(T::Oc2, 7);
        pub const HEALTH_ASSESSMENT: Col = col(T::Oc2, 8);
        pub const SUBSTANCE_MISUSE: Col = col(T::Oc2, 9);
        pub const INTERVENTION_RECEIVED: Col = col(T::Oc2, 10);
        pub const INTERVENTION_OFFERED: Col = col(T::Oc2, 11);
    }
    pub mod oc3 {
        use super::*;
        pub const CHILD: Col = col(T::Oc3, 0);
        pub const DOB: Col = col(T::Oc3, 1);
        pub const IN_TOUCH: Col = col(T::Oc3, 2);
        pub const ACTIV: Col = col(T::Oc3, 3);
        pub const ACCOM: Col = col(T::Oc3, 4);
    }
    pub mod ad1 {
        use super::*;
        pub const CHILD: Col = col(T::Ad1, 0);
        pub const DOB: Col = col(T::Ad1, 1);
        pub const DATE_INT: Col = col(T::Ad1, 2);
        pub const DATE_MATCH: Col = col(T::Ad1, 3);
        pub const FOSTER_CARE: Col = col(T::Ad1, 4);
        pub const NB_ADOPTR: Col = col(T::Ad1, 5);
        pub const SEX_ADOPTR: Col = col(T::Ad1, 6);
        pub const LS_ADOPTR: Col = col(T::Ad1, 7);
    }
    pub mod placed_adoption {
        use super::*;
        pub const CHILD: Col = col(T::PlacedAdoption, 0);
        pub const DOB: Col = col(T::PlacedAdoption, 1);
        pub const DATE_PLACED: Col = col(T::PlacedAdoption, 2);
        pub const DATE_PLACED_CEASED: Col = col(T::PlacedAdoption, 3);
        pub const REASON_PLACED_CEASED: Col = col(T::PlacedAdoption, 4);
    }
    pub mod prev_perm {
        use super::*;
        pub const CHILD: Col = col(T::PrevPerm, 0);
        pub const DOB: Col = col(T::PrevPerm, 1);
        pub const PREV_PERM: Col = col(T::PrevPerm, 2);
        pub const LA_PERM: Col = col(T::PrevPerm, 3);
        pub const DATE_PERM: Col = col(T::PrevPerm, 4);
    }
    pub mod missing {
        use super::*;
        pub const CHILD: Col = col(T::Missing, 0);
        pub const DOB: Col = col(T::Missing, 1);
        pub const MISSING: Col = col(T::Missing, 2);
        pub const MIS_START: Col = col(T::Missing, 3);
        pub const MIS_END: Col = col(T::Missing, 4);
    }
    pub mod sw_episodes {
        use super::*;
        pub const CHILD: Col = col(T::SwEpisodes, 0);
        pub const DOB: Col = col(T::SwEpisodes, 1);
        pub const SW_ID: Col = col(T::SwEpisodes, 2);
        pub const SW_DECOM: Col = col(T::SwEpisodes, 3);
        pub const SW_DEC: Col = col(T::SwEpisodes, 4);
        pub const SW_REASON: Col = col(T::SwEpisodes, 5);
    }
    pub mod dolo {
        use super::*;
        pub const CHILD: Col = col(T::DoLo, 0);
        pub const DOB: Col = col(T::DoLo, 1);
        pub const DOLO_START: Col = col(T::DoLo, 2);
        pub const DOLO_END: Col = col(T::DoLo, 3);
    }

    /// Every constant with its name, for the test against the published definitions.
    #[cfg(test)]
    pub(crate) fn all() -> Vec<(&'static str, Col)> {
        macro_rules! list {
            ($($m:ident :: $c:ident),* $(,)?) => { vec![$((stringify!($c), $m::$c)),*] };
        }
        list![
            header::CHILD,
            header::SEX,
            header::DOB,
            header::ETHNIC,
            header::UPN,
            header::MOTHER,
            header::MC_DOB,
            episodes::CHILD,
            episodes::DECOM,
            episodes::RNE,
            episodes::LS,
            episodes::CIN,
            episodes::PLACE,
            episodes::PLACE_PROVIDER,
            episodes::DEC,
            episodes::REC,
            episodes::REASON_PLACE_CHANGE,
            episodes::HOME_POST,
            episodes::PL_POST,
            episodes::URN,
            reviews::CHILD,
            reviews::DOB,
            reviews::REVIEW,
            reviews::REVIEW_CODE,
            uasc::CHILD,
            uasc::SEX,
            uasc::DOB,
            uasc::DUC,
            oc2::CHILD,
            oc2::DOB,
            oc2::SDQ_SCORE,
            oc2::SDQ_REASON,
            oc2::CONVICTED,
            oc2::HEALTH_CHECK,
            oc2::IMMUNISATIONS,
            oc2::TEETH_CHECK,
            oc2::HEALTH_ASSESSMENT,
            oc2::SUBSTANCE_MISUSE,
            oc2::INTERVENTION_RECEIVED,
            oc2::INTERVENTION_OFFERED,
            oc3::CHILD,
            oc3::DOB,
            oc3::IN_TOUCH,
            oc3::ACTIV,
            oc3::ACCOM,
            ad1::CHILD,
            ad1::DOB,
            ad1::DATE_INT,
            ad1::DATE_MATCH,
            ad1::FOSTER_CARE,
            ad1::NB_ADOPTR,
            ad1::SEX_ADOPTR,
            ad1::LS_ADOPTR,
            placed_adoption::CHILD,
            placed_adoption::DOB,
            placed_adoption::DATE_PLACED,
            placed_adoption::DATE_PLACED_CEASED,
            placed_adoption::REASON_PLACED_CEASED,
            prev_perm::CHILD,
            prev_perm::DOB,
            prev_perm::PREV_PERM,
            prev_perm::LA_PERM,
            prev_perm::DATE_PERM,
            missing::CHILD,
            missing::DOB,
            missing::MISSING,
            missing::MIS_START,
            missing::MIS_END,
            sw_episodes::CHILD,
            sw_episodes::DOB,
            sw_episodes::SW_ID,
            sw_episodes::SW_DECOM,
            sw_episodes::SW_DEC,
            sw_episodes::SW_REASON,
            dolo::CHILD,
            dolo::DOB,
            dolo::DOLO_START,
            dolo::DOLO_END,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_constants_match_the_published_definitions() {
        let constants = cols::all();
        let published: usize = TableName::ALL.iter().map(|t| t.columns().len()).sum();
        assert_eq!(constants.len(), published);
        for (name, col) in constants {
            assert_eq!(col.table.columns()[usize::from(col.index)], name, "{col:?}");
        }
    }

    #[test]
    fn a_file_is_recognised_by_its_set_of_columns() {
        let mut header = TableName::Reviews.columns();
        header.reverse();
        assert_eq!(TableName::recognise(&header), Some(TableName::Reviews));
        header.pop();
        assert_eq!(TableName::recognise(&header), None);
        assert_eq!(TableName::recognise(&[]), None);
    }

    #[test]
    fn every_table_has_a_published_definition() {
        for table in TableName::ALL {
            assert!(table.columns().first() == Some(&"CHILD"), "{table}");
            assert_eq!(TableName::from_name(table.as_str()), Some(table));
        }
    }
}
