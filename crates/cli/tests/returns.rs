//! `carebridge returns validate ssda903` as a person runs it: a folder of CSV tables in,
//! a report or one JSON line per flagged row out, and exit code 0 (nothing flagged),
//! 1 (rows flagged) or 2 (input it cannot read).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn validate(folder: &str, extra: &[&str]) -> Output {
    let dir = format!(
        "{}/tests/fixtures/ssda903/{folder}",
        env!("CARGO_MANIFEST_DIR")
    );
    Command::new(env!("CARGO_BIN_EXE_carebridge"))
        .args(["returns", "validate", "ssda903", "--year", "2026-27"])
        .args(extra)
        .arg(&dir)
        .output()
        .unwrap()
}

/// Writes a zip archive at `path` holding `files` (name inside, content).
fn write_zip(path: &std::path::Path, files: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (inner, content) in files {
        zip.start_file(inner.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// The fixtures were checked against the reference validator: it flags these same rows
// (and nothing in `clean`) for every rule Carebridge implements. When a newly implemented
// rule fires on them, check it against the reference before changing the expectation.
#[test]
fn a_clean_return_exits_0_and_prints_no_rows() {
    let output = validate("clean", &["--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn flagged_rows_are_one_json_line_each_sorted_by_table_row_rule() {
    let output = validate("flagged", &["--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    // The Episodes file has a blank line before its second row: rows count data rows.
    assert_eq!(
        stdout(&output),
        concat!(
            "{\"table\":\"Episodes\",\"row\":1,\"rule\":\"214\",\"fields\":[\"PL_POST\",\"URN\"]}\n",
            "{\"table\":\"Episodes\",\"row\":1,\"rule\":\"365\",\"fields\":[\"LS\",\"DECOM\",\"DEC\"]}\n",
            "{\"table\":\"Episodes\",\"row\":1,\"rule\":\"367\",\"fields\":[\"LS\",\"DECOM\",\"DEC\"]}\n",
            "{\"table\":\"Episodes\",\"row\":1,\"rule\":\"384\",\"fields\":[\"PLACE\",\"LS\"]}\n",
            "{\"table\":\"Episodes\",\"row\":1,\"rule\":\"398\",\"fields\":[\"LS\",\"HOME_POST\",\"PL_POST\"]}\n",
            "{\"table\":\"Header\",\"row\":1,\"rule\":\"103\",\"fields\":[\"ETHNIC\"]}\n",
        )
    );
}

/// The flagged folder zipped (its files in a folder inside the archive) gives the same
/// lines; a file that is neither a folder nor an archive exits 2 saying so.
#[test]
fn a_zip_archive_of_the_tables_reads_as_the_folder_does() {
    let dir = format!(
        "{}/tests/fixtures/ssda903/flagged",
        env!("CARGO_MANIFEST_DIR")
    );
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("903.zip");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (format!("return/{name}"), std::fs::read(p).unwrap())
        })
        .collect();
    write_zip(&archive, &files);
    let run = |input: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_carebridge"))
            .args([
                "returns", "validate", "ssda903", "--year", "2026-27", "--format", "jsonl",
            ])
            .arg(input)
            .output()
            .unwrap()
    };
    let from_folder = validate("flagged", &["--format", "jsonl"]);
    let from_zip = run(&archive);
    assert_eq!(from_zip.status.code(), Some(1), "{}", stderr(&from_zip));
    assert!(!stdout(&from_zip).is_empty());
    assert_eq!(stdout(&from_zip), stdout(&from_folder));

    let text = work.path().join("notes.txt");
    std::fs::write(&text, "not a return").unwrap();
    let refused = run(&text);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("expected a folder of CSV files or a zip archive of them"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn the_report_summarises_by_rule_and_says_what_was_not_checked() {
    let output = validate("flagged", &[]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    let summary_line = report
        .lines()
        .find(|l| l.trim_start().starts_with("103 ") && l.contains("ethnicity"))
        .unwrap();
    let words: Vec<&str> = summary_line.split_whitespace().collect();
    assert_eq!(words[..3], ["103", "1", "The"], "{summary_line}");
    assert!(
        summary_line.ends_with("The ethnicity code is either not valid or has not been entered.")
    );
    // Line 4 of the file: the header, a row, a blank line, then this row.
    assert!(report.contains("Episodes line 4      child 2"), "{report}");
    // Every rule that needs nothing from outside the return is implemented.
    assert!(!report.contains("not yet implemented"), "{report}");
    assert!(report.contains("Last year: not supplied"), "{report}");
    // Rules needing data from outside the return say so, and are never reported passed.
    assert!(
        report.contains("Not run, needs Ofsted's provider lists, not supplied (7):"),
        "{report}"
    );
    assert!(
        report.contains("Not run, needs the ONS postcode lookup, not supplied (18):"),
        "{report}"
    );
}

#[test]
fn broken_utf8_exits_2_naming_file_line_and_field() {
    let output = validate("bad-utf8", &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("header.csv line 3, field ETHNIC: not UTF-8 text"),
        "{message}"
    );
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
}

#[test]
fn unknown_columns_exit_2_naming_the_nearest_table() {
    let output = validate("unknown-columns", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("nearest is Header (missing MC_DOB)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_folder_or_unknown_year_exits_2() {
    let output = validate("no-such-folder", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read the folder"),
        "{}",
        stderr(&output)
    );
    let output = Command::new(env!("CARGO_BIN_EXE_carebridge"))
        .args(["returns", "validate", "ssda903", "--year", "2019-20", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected one of 2025-26, 2026-27"),
        "{}",
        stderr(&output)
    );
}

/// `carebridge returns validate cin` on `xml` (written to a temporary file).
fn validate_cin(xml: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("census.xml");
    std::fs::write(&file, xml).unwrap();
    Command::new(env!("CARGO_BIN_EXE_carebridge"))
        .args(["returns", "validate", "cin", "--year", "2025-26"])
        .args(extra)
        .arg(&file)
        .output()
        .unwrap()
}

/// A census of `children` (XML `<Child>` elements) for 2025-26.
fn census(children: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>\n<Children>\n{children}</Children></Message>\n"
    )
}

/// A child no implemented rule objects to.
fn clean_child(n: usize, disabilities: &str) -> String {
    format!(
        "<Child><ChildIdentifiers><LAchildID>C{n}</LAchildID><UPNunknown>UN2</UPNunknown><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>\
         <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities>{disabilities}</Disabilities></ChildCharacteristics>\
         <CINdetails><CINreferralDate>2025-06-02</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA></CINdetails></Child>\n"
    )
}

fn clean_census() -> String {
    // Eight children with no disability and one with two: the return-level disability
    // queries (2887Q, 2888Q) are satisfied.
    let mut children: String = (0..8)
        .map(|n| clean_child(n, "<Disability>NONE</Disability>"))
        .collect();
    children.push_str(&clean_child(
        8,
        "<Disability>AUT</Disability><Disability>HAND</Disability>",
    ));
    census(&children)
}

#[test]
fn a_clean_census_exits_0_and_prints_no_rows() {
    let output = validate_cin(&clean_census(), &["--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_census_with_errors_lists_each_row_and_the_report_names_the_child() {
    // The first child's sex is not a code; the second child has no LAchildID.
    let xml = clean_census()
        .replace("<LAchildID>C1</LAchildID>", "")
        .replacen("<Sex>F</Sex>", "<Sex>X</Sex>", 1);
    let output = validate_cin(&xml, &["--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines = stdout(&output);
    assert!(lines.contains("{\"table\":\"ChildIdentifiers\",\"row\":0,\"rule\":\"4180\",\"fields\":[\"Sex\"],\"table_row\":0}\n"), "{lines}");
    assert!(lines.contains("{\"table\":\"ChildIdentifiers\",\"row\":1,\"rule\":\"8500\",\"fields\":[\"LAchildID\"],\"table_row\":1}\n"), "{lines}");
    let report = stdout(&validate_cin(&xml, &[]));
    assert!(
        report.contains("Rule 4180: Sex must be provided and equal M, F, or U"),
        "{report}"
    );
    assert!(
        report.contains("ChildIdentifiers row 0 (child 0 in the file) LAchildID C0"),
        "{report}"
    );
    // Every CIN rule is implemented: none is listed as not checked.
    assert!(report.contains("109 checked: "), "{report}");
    assert!(!report.contains("NOT CHECKED"), "{report}");
}

/// A census zipped is read as the XML file; an archive of two files is refused.
#[test]
fn a_zipped_census_reads_as_its_file() {
    let work = tempfile::tempdir().unwrap();
    let zip_of = |name: &str, files: &[(&str, &str)]| {
        let path = work.path().join(name);
        let files: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, t)| ((*n).to_owned(), t.as_bytes().to_vec()))
            .collect();
        write_zip(&path, &files);
        path
    };
    let run = |path: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_carebridge"))
            .args([
                "returns", "validate", "cin", "--year", "2025-26", "--format", "jsonl",
            ])
            .arg(path)
            .output()
            .unwrap()
    };
    let clean = zip_of("census.zip", &[("census.xml", &clean_census())]);
    let output = run(&clean);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let two = zip_of(
        "two.zip",
        &[("a.xml", &clean_census()), ("b.xml", &clean_census())],
    );
    let output = run(&two);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the archive holds 2 files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_census_exits_2_naming_the_line_and_element() {
    let xml = clean_census().replace(
        "</CINdetails></Child>\n<Child><ChildIdentifiers><LAchildID>C3",
        "</Child>\n<Child><ChildIdentifiers><LAchildID>C3",
    );
    let output = validate_cin(&xml, &[]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(
        error.contains("census.xml line 6, in <CINdetails>: not well-formed XML"),
        "{error}"
    );
    let output = validate_cin("not xml at all", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("census.xml line 1: not well-formed XML: text outside the root element"),
        "{}",
        stderr(&output)
    );
}
