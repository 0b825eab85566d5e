//! Every form and query entry point (`carebridge_web::fuzzing`, what the fuzz targets in
//! `crates/web/fuzz` run) takes arbitrary bodies without a panic: raw bytes, and
//! well-formed bodies of each form's own field names with arbitrary values, so that the
//! values reach the date readers and the domain's checks. CI runs this on stable; the
//! fuzzers go further (crates/web/fuzz/README.md).

use carebridge_web::fuzzing::FORMS;
use proptest::prelude::*;

/// Field names the forms read, so that generated bodies get past deserialization.
const FIELDS: &[&str] = &[
    "csrf_token",
    "given_name",
    "family_name",
    "sex",
    "born_day",
    "born_month",
    "born_year",
    "expected_day",
    "expected_month",
    "expected_year",
    "nhs_number",
    "upn",
    "postcode",
    "ethnicity",
    "involvement",
    "kind",
    "occurred_day",
    "occurred_month",
    "occurred_year",
    "child_seen",
    "seen_alone",
    "summary",
    "body",
    "source",
    "nfa",
    "s47",
    "plan",
    "category",
    "ls",
    "place",
    "reason",
    "missing",
    "worker",
    "team",
    "from_day",
    "from_month",
    "from_year",
    "closure_reason",
    "closed_day",
    "closed_month",
    "closed_year",
    "made_day",
    "made_month",
    "made_year",
    "starts_day",
    "starts_month",
    "starts_year",
    "ends_day",
    "ends_month",
    "ends_year",
    "effective_day",
    "effective_month",
    "effective_year",
    "provider",
    "issuer",
    "addressed_to",
    "served_by",
    "served_on",
    "notice_days",
    "immediate",
    "mutual",
    "title",
    "instrument",
    "services",
    "from",
    "to",
    "day",
    "month",
    "year",
    "notes",
    "justification",
    "action",
    "named",
    "outcome",
    "note",
    "username",
    "password",
    "next",
    "everywhere",
    "reference",
    "requester",
    "format",
    "q",
    "page",
];

/// Values that reach the interesting branches, and anything at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "29",
            "2",
            "2024",
            "-1",
            "99999999999999999999",
            "yes",
            "no",
            "Y",
            "visit",
            "contact",
            "1A",
            "C2",
            "RC1",
            "html",
            "json",
            "service_contract",
            "government_direction",
            "notice_served",
            "cabinet_decision",
            "improvement_notice",
            "//evil.example",
            "/children?q=1",
            "9990000018",
            "NM1 2AB",
            "\u{0}",
            "é",
            "𝔘",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,40}",
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn raw_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..300)) {
        for (_, entry) in FORMS {
            entry(&body);
        }
    }

    #[test]
    fn well_formed_bodies_with_any_values_never_panic(
        pairs in prop::collection::vec((prop::sample::select(FIELDS.to_vec()), value()), 0..24)
    ) {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut read = 0;
        for (_, entry) in FORMS {
            if entry(body.as_bytes()) {
                read += 1;
            }
        }
        // Without repeated single-valued fields, every form reads the body.
        let mut names: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        names.sort_unstable();
        let repeated = names.windows(2).any(|w| w[0] == w[1]);
        if !repeated {
            prop_assert_eq!(read, FORMS.len(), "{}", body);
        }
    }
}

#[test]
fn every_form_reads_its_own_fields() {
    let bodies = [
        ("registration", "given_name=Kim&family_name=Lee&sex=2&born_day=1&born_month=2&born_year=2015&postcode=NM1+2AB"),
        ("note", "involvement=1&kind=visit&occurred_day=2&occurred_month=3&occurred_year=2020&child_seen=yes&seen_alone=no&summary=s&body=b"),
        ("event", "involvement=2&kind=contact&occurred_day=2&occurred_month=3&occurred_year=2021&source=1A"),
        ("subject_access", "reference=SAR-1&requester=the+child&format=json"),
        ("sign_in", "username=sw.demo&password=x&csrf_token=t&next=%2F%2Fevil"),
    ];
    for (name, body) in bodies {
        let (_, entry) = FORMS.iter().find(|(n, _)| *n == name).unwrap();
        assert!(entry(body.as_bytes()), "{name}");
    }
}
