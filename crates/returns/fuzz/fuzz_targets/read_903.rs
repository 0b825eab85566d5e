//! Reading a 903 file never panics, and whatever reads validates without panicking.
//!
//! The first byte chooses what the rest is: raw bytes as a whole file (the reader's
//! own checks: encoding, CSV shape, columns), or rows under the real column line of one
//! of the twelve tables (so that the fuzzer reaches the rules, not only the header
//! check), read as this year's and last year's table alongside a small Header.

#![no_main]

use carebridge_returns::ssda903::{validate, Return, Source, TableName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let year = if choice & 0x80 == 0 { "2026-27" } else { "2025-26" };
    let Ok(year) = year.parse() else {
        return;
    };
    let table = TableName::ALL[usize::from(choice & 0x7f) % TableName::ALL.len()];
    let content = if choice & 0x40 == 0 {
        rest.to_vec()
    } else {
        let mut content = table.columns().join(",").into_bytes();
        content.push(b'\n');
        content.extend_from_slice(rest);
        content
    };
    let file = Source {
        name: "fuzz.csv".to_owned(),
        content,
    };
    let header = Source {
        name: "header.csv".to_owned(),
        content: b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/2015,WBRI,UN1,,\n".to_vec(),
    };
    let this = if table == TableName::Header {
        vec![file.clone()]
    } else {
        vec![header, file.clone()]
    };
    if let Ok(ret) = Return::parse(year, &this, &[file]) {
        let _ = validate(&ret);
    }
});
