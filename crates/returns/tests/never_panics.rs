//! Reading never panics: arbitrary bytes are a table or a clear error, and whatever
//! reads can be validated.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_returns::ssda903::{parse_dmy, validate, Return, Source, TableName};
use proptest::prelude::*;

fn source(content: Vec<u8>) -> Source {
    Source {
        name: "arbitrary.csv".to_owned(),
        content,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let year = "2026-27".parse().unwrap();
        match Return::parse(year, &[source(bytes)], &[]) {
            Ok(ret) => { let _ = validate(&ret); }
            Err(error) => prop_assert!(error.to_string().starts_with("arbitrary.csv")),
        }
    }

    #[test]
    fn arbitrary_rows_under_a_real_header_validate(
        table in 0..TableName::ALL.len(),
        rows in proptest::collection::vec(proptest::collection::vec("[A-Za-z0-9/ ,\"é\n]{0,12}", 0..14), 0..20),
    ) {
        let name = TableName::ALL[table];
        let mut content = name.columns().join(",");
        for row in rows {
            content.push('\n');
            content.push_str(&row.join(","));
        }
        let year = "2025-26".parse().unwrap();
        let header = Source { name: "header.csv".to_owned(), content: b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n".to_vec() };
        let sources = if name == TableName::Header { vec![source(content.into_bytes())] } else { vec![header, source(content.into_bytes())] };
        if let Ok(ret) = Return::parse(year, &sources, &sources) {
            let _ = validate(&ret);
        }
    }

    #[test]
    fn any_text_is_a_date_or_not(text in "\\PC{0,14}") {
        let _ = parse_dmy(&text);
    }
}
