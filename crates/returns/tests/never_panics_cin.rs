//! Reading a CIN census never panics: arbitrary bytes, and arbitrary elements and
//! text inside a real census's structure, are a census or a clear error naming the
//! file, and whatever reads can be validated.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_returns::cin::{validate, Census};
use carebridge_returns::dates::parse_iso;
use proptest::prelude::*;

const ELEMENTS: &[&str] = &[
    "Message",
    "Header",
    "CollectionDetails",
    "ReferenceDate",
    "Children",
    "Child",
    "ChildIdentifiers",
    "LAchildID",
    "UPN",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "Sex",
    "PersonDeathDate",
    "ChildCharacteristics",
    "Ethnicity",
    "Disabilities",
    "Disability",
    "CINdetails",
    "CINreferralDate",
    "CINclosureDate",
    "ReferralNFA",
    "Assessments",
    "AssessmentActualStartDate",
    "AssessmentAuthorisationDate",
    "FactorsIdentifiedAtAssessment",
    "AssessmentFactors",
    "CINPlanDates",
    "CINPlanStartDate",
    "CINPlanEndDate",
    "Section47",
    "S47ActualStartDate",
    "DateOfInitialCPC",
    "ChildProtectionPlans",
    "CPPstartDate",
    "CPPendDate",
    "Reviews",
    "CPPreviewDate",
    "X",
];

/// A random tree of census elements (well-formed, any nesting) as XML.
fn tree() -> impl Strategy<Value = String> {
    let leaf = (0..ELEMENTS.len(), "[0-9A-Za-z/ -]{0,11}")
        .prop_map(|(e, text)| format!("<{0}>{text}</{0}>", ELEMENTS[e]));
    leaf.prop_recursive(5, 64, 6, |inner| {
        (0..ELEMENTS.len(), proptest::collection::vec(inner, 0..6))
            .prop_map(|(e, kids)| format!("<{0}>{1}</{0}>", ELEMENTS[e], kids.concat()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let year = "2025-26".parse().unwrap();
        match Census::parse(year, "arbitrary.xml", &bytes) {
            Ok(census) => { let _ = validate(&census); }
            Err(error) => prop_assert!(error.to_string().starts_with("arbitrary.xml"), "{error}"),
        }
    }

    #[test]
    fn arbitrary_children_validate(children in proptest::collection::vec(tree(), 0..8), cut in any::<prop::sample::Index>()) {
        let year = "2026-27".parse().unwrap();
        let xml = format!(
            "<Message><Header><CollectionDetails><ReferenceDate>2027-03-31</ReferenceDate></CollectionDetails></Header><Children><Child>{}</Child></Children></Message>",
            children.concat()
        );
        let census = Census::parse(year, "tree.xml", xml.as_bytes()).unwrap();
        let _ = validate(&census);
        // The same document cut short anywhere is an error, never a panic.
        let end = cut.index(xml.len());
        if let Err(error) = Census::parse(year, "cut.xml", &xml.as_bytes()[..end]) {
            prop_assert!(error.to_string().starts_with("cut.xml"), "{error}");
        }
    }

    #[test]
    fn any_text_is_a_date_or_not(text in "\\PC{0,14}") {
        let _ = parse_iso(&text);
    }
}

#[test]
fn a_broken_document_names_the_line_and_element() {
    let year = "2025-26".parse().unwrap();
    let xml = "<Message>\n<Header></Header>\n<Children>\n<Child><ChildIdentifiers></Child>\n</Children></Message>";
    let error = Census::parse(year, "broken.xml", xml.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("broken.xml line 4, in <ChildIdentifiers>: not well-formed XML"),
        "{error}"
    );
    let error = Census::parse(year, "other.xml", b"<Message><Children/></Message>")
        .unwrap_err()
        .to_string();
    assert!(error.contains("no <Header>"), "{error}");
    let error = Census::parse(year, "bad.xml", b"<Message>\n\xff</Message>")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "bad.xml line 2: not UTF-8 text (save the file as UTF-8)"
    );
}
