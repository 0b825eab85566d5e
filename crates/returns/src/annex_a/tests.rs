use carebridge_domain::casefile::events::EventKind;
use carebridge_domain::child::InvolvementKind;
use carebridge_domain::ChildId;
use chrono::{TimeZone, Utc};

use crate::testing::{child, d, records};

use super::workbook::{write, Produced};
use super::*;

/// The window of these tests: 1 December 2025 to 30 November 2026.
fn window() -> Window {
    Window::twelve_months_to(d("2026-11-30"))
}

fn texts(list: &List) -> Vec<Vec<String>> {
    list.rows
        .iter()
        .map(|r| r.cells.iter().map(Cell::text).collect())
        .collect()
}

fn column(list: &List, name: &str) -> Vec<String> {
    list.rows
        .iter()
        .map(|r| list.cell(r, name).map(Cell::text).unwrap_or_default())
        .collect()
}

#[test]
fn a_window_is_at_most_twelve_months_and_ends_on_or_after_it_starts() {
    let w = window();
    assert_eq!((w.from(), w.to()), (d("2025-12-01"), d("2026-11-30")));
    assert!(Window::new(d("2026-01-02"), d("2026-01-01")).is_err());
    assert!(
        Window::new(d("2025-01-01"), d("2026-01-01")).is_ok(),
        "366 days"
    );
    assert!(
        Window::new(d("2025-01-01"), d("2026-01-02")).is_err(),
        "367 days"
    );
    assert!(
        Window::new(d("2026-01-01"), d("2026-01-01")).is_ok(),
        "one day"
    );
}

#[test]
fn every_list_has_ofsteds_columns_and_the_person_columns_first() {
    let annex = build(&records(Vec::new()), window());
    assert_eq!(annex.lists.len(), 11);
    for (i, list) in annex.lists.iter().enumerate() {
        assert_eq!(list.number, i + 1);
        assert!(list.rows.is_empty());
        if list.number <= 9 {
            assert_eq!(&list.columns[..5], &PERSON_COLUMNS[..]);
        }
    }
    assert_eq!(annex.list(8).map(|l| l.columns.len()), Some(34));
}

const PERSON_COLUMNS: [&str; 5] = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
];

#[test]
fn contacts_are_those_dated_in_the_window_with_their_source() {
    let mut c = child(7);
    let w = c.work(InvolvementKind::Referral, "2025-11-01", None);
    c.event(w, EventKind::Contact, "2025-11-30", &[("source", "6")]);
    c.event(w, EventKind::Contact, "2025-12-01", &[("source", "6")]);
    c.event(w, EventKind::Contact, "2026-11-30", &[("source", "2A")]);
    c.event(w, EventKind::Contact, "2026-12-01", &[("source", "1A")]);
    let annex = build(&records(vec![c]), window());
    let list = annex.list(1).expect("list 1");
    assert_eq!(
        texts(list),
        vec![
            vec![
                "7",
                "b) Female",
                "a) WBRI",
                "15/06/2014",
                "12",
                "01/12/2025",
                "q) 6: Police"
            ],
            vec![
                "7",
                "b) Female",
                "a) WBRI",
                "15/06/2014",
                "12",
                "30/11/2026",
                "e) 2A: Schools"
            ],
        ]
    );
}

#[test]
fn a_referral_counts_the_referrals_of_the_twelve_months_up_to_it() {
    let mut c = child(8);
    let old = c.work(InvolvementKind::Referral, "2025-03-01", Some("2025-03-05"));
    let recent = c.work(InvolvementKind::Referral, "2025-06-01", Some("2025-06-03"));
    let now = c.work(InvolvementKind::Referral, "2026-05-20", None);
    c.event(
        now,
        EventKind::ReferralDecision,
        "2026-05-21",
        &[("nfa", "N")],
    );
    c.event(
        recent,
        EventKind::ReferralDecision,
        "2025-06-02",
        &[("nfa", "Y")],
    );
    c.allocate(now, "Amira Okafor", "2026-05-21", None);
    let _ = old;
    let annex = build(&records(vec![c]), window());
    let list = annex.list(3).expect("list 3");
    assert_eq!(column(list, "Date of referral"), vec!["20/05/2026"]);
    assert_eq!(
        column(list, "Number of Referrals in Last 12 Months"),
        vec!["2"]
    );
    assert_eq!(column(list, "Referral NFA?"), vec!["b) No"]);
    assert_eq!(column(list, "Referral Source"), vec!["u) 10: Unknown"]);
    assert_eq!(column(list, "Allocated Worker"), vec!["Amira Okafor"]);
    assert_eq!(
        column(list, "Allocated Team"),
        vec!["Child Protection Team 2"]
    );
}

#[test]
fn the_organisation_completing_early_help_is_the_provider_on_the_day() {
    let mut c = child(9);
    let w = c.work(InvolvementKind::EarlyHelp, "2025-11-20", None);
    c.event(w, EventKind::AssessmentStarted, "2025-11-20", &[]);
    c.event(w, EventKind::AssessmentCompleted, "2026-01-10", &[]);
    c.event(w, EventKind::AssessmentStarted, "2026-03-20", &[]);
    c.event(w, EventKind::AssessmentCompleted, "2026-04-02", &[]);
    c.event(w, EventKind::AssessmentStarted, "2026-10-01", &[]);
    let annex = build(&records(vec![c]), window());
    let list = annex.list(2).expect("list 2");
    assert_eq!(
        column(list, "Organisation completing assessment"),
        vec![
            "Northmoor Council",
            "Northmoor Children's Trust",
            "Northmoor Children's Trust"
        ]
    );
    assert_eq!(
        column(list, "Assessment completion date"),
        vec!["10/01/2026", "02/04/2026", ""]
    );
}

#[test]
fn an_enquiry_without_a_conference_is_unnecessary_only_once_the_work_is_closed() {
    let mut c = child(10);
    let met = c.work(InvolvementKind::ChildProtection, "2026-01-05", None);
    c.event(
        met,
        EventKind::StrategyDiscussion,
        "2026-01-05",
        &[("s47", "Y")],
    );
    c.event(
        met,
        EventKind::InitialConference,
        "2026-01-20",
        &[("plan", "Y"), ("category", "NEG")],
    );
    let mut e = child(11);
    let closed = e.work(InvolvementKind::Referral, "2026-02-01", Some("2026-02-20"));
    e.event(
        closed,
        EventKind::StrategyDiscussion,
        "2026-02-02",
        &[("s47", "Y")],
    );
    let open = e.work(InvolvementKind::Referral, "2026-11-10", None);
    e.event(
        open,
        EventKind::StrategyDiscussion,
        "2026-11-11",
        &[("s47", "Y")],
    );
    e.event(
        open,
        EventKind::StrategyDiscussion,
        "2026-11-12",
        &[("s47", "N")],
    );
    let annex = build(&records(vec![c, e]), window());
    let list = annex.list(5).expect("list 5");
    assert_eq!(
        column(
            list,
            "Was an Initial Child Protection Conference deemed unnecessary?"
        ),
        vec!["b) No", "a) Yes", ""]
    );
    assert_eq!(
        column(list, "Date of Initial Child Protection Conference"),
        vec!["20/01/2026", "", ""]
    );
    assert_eq!(
        column(list, "Number of Section 47 Enquiries in the last 12 months"),
        vec!["1", "1", "2"]
    );
}

#[test]
fn a_protection_plan_starts_at_its_conference_and_counts_earlier_plans() {
    let mut c = child(12);
    c.work(
        InvolvementKind::ChildProtection,
        "2022-01-01",
        Some("2022-09-01"),
    );
    let plan = c.work(InvolvementKind::ChildProtection, "2026-02-01", None);
    c.event(
        plan,
        EventKind::StrategyDiscussion,
        "2026-02-01",
        &[("s47", "Y")],
    );
    c.event(
        plan,
        EventKind::InitialConference,
        "2026-02-14",
        &[("plan", "Y"), ("category", "EMO")],
    );
    c.event(plan, EventKind::ReviewConference, "2026-05-12", &[]);
    c.visit(plan, "2026-11-20", true);
    c.visit(plan, "2026-12-02", false);
    let la = c.work(
        InvolvementKind::LookedAfter,
        "2026-08-01",
        Some("2026-08-02"),
    );
    c.event(la, EventKind::LegalStatus, "2026-08-01", &[("ls", "L2")]);
    let annex = build(&records(vec![c]), window());
    let list = annex.list(7).expect("list 7");
    assert_eq!(
        column(list, "Child Protection Plan Start Date"),
        vec!["14/02/2026"]
    );
    assert_eq!(
        column(list, "Initial Category of Abuse"),
        vec!["d) Emotional abuse"]
    );
    assert_eq!(
        column(list, "Date of the Last Statutory Visit"),
        vec!["20/11/2026"]
    );
    assert_eq!(column(list, "Was the Child Seen Alone?"), vec!["a) Yes"]);
    assert_eq!(
        column(list, "Date of latest review conference"),
        vec!["12/05/2026"]
    );
    assert_eq!(
        column(list, "Number of Previous Child Protection Plans"),
        vec!["1"]
    );
    assert_eq!(
        column(
            list,
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
        ),
        vec!["Y"]
    );
    let in_need = annex.list(6).expect("list 6");
    assert_eq!(
        column(in_need, "Case Status"),
        vec!["b) Child Protection plan"]
    );
    assert_eq!(column(in_need, "CIN Start Date"), vec!["01/02/2026"]);
}

#[test]
fn a_period_of_care_shows_its_legal_status_placements_and_checks_on_the_last_day() {
    let mut c = child(13);
    let care = c.work(InvolvementKind::LookedAfter, "2025-06-01", None);
    c.event(
        care,
        EventKind::LegalStatus,
        "2025-06-01",
        &[("ls", "V2"), ("need", "N5")],
    );
    c.event(care, EventKind::LegalStatus, "2026-02-10", &[("ls", "C1")]);
    c.event(care, EventKind::LegalStatus, "2026-12-10", &[("ls", "C2")]);
    c.event(
        care,
        EventKind::PlacementStarted,
        "2025-06-01",
        &[("place", "U6")],
    );
    c.event(
        care,
        EventKind::PlacementStarted,
        "2026-03-01",
        &[
            ("place", "K2"),
            ("provider", "PR4"),
            ("postcode", "NM3 9QT"),
        ],
    );
    c.event(care, EventKind::HealthAssessment, "2026-06-30", &[]);
    c.event(care, EventKind::Missing, "2026-04-02", &[("missing", "M")]);
    c.event(care, EventKind::Missing, "2026-04-09", &[("missing", "M")]);
    c.event(
        care,
        EventKind::MissingEnded,
        "2026-04-10",
        &[("interview-offered", "N")],
    );
    c.event(care, EventKind::Missing, "2026-05-01", &[("missing", "A")]);
    c.event(
        care,
        EventKind::MissingEnded,
        "2026-05-02",
        &[("interview-offered", "Y"), ("interview-accepted", "N")],
    );
    c.event(care, EventKind::AdoptionDecision, "2026-07-01", &[]);
    let annex = build(&records(vec![c]), window());
    let list = annex.list(8).expect("list 8");
    assert_eq!(column(list, "Child's Legal Status"), vec!["C1: ICO"]);
    assert_eq!(
        column(list, "Start date of current legal status"),
        vec!["10/02/2026"]
    );
    assert_eq!(
        column(list, "Number of Placements in the Last 12 months"),
        vec!["2"]
    );
    assert_eq!(column(list, "Placement Type"), vec!["K2: Children's home"]);
    assert_eq!(
        column(list, "Placement Provider"),
        vec!["e) PR4: Private provision"]
    );
    assert_eq!(column(list, "Placement postcode"), vec!["NM3 9QT"]);
    assert_eq!(
        column(list, "Child's Category of Need"),
        vec!["N5 - Family dysfunction"]
    );
    assert_eq!(column(list, "Date Ceased to be Looked After"), vec![""]);
    assert_eq!(
        column(list, "Date of Last Health Assessment"),
        vec!["30/06/2026"]
    );
    assert_eq!(
        column(list, "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"),
        vec!["2"]
    );
    assert_eq!(
        column(list, "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"),
        vec!["1"]
    );
    // The interview after the last time, not the one before.
    assert_eq!(
        column(
            list,
            "Was the child offered a Return Interview after their last missing episode (Y/N)?"
        ),
        vec!["Y"]
    );
    assert_eq!(
        column(
            list,
            "Did the child accept a Return Interview after their last missing episode (Y/N)?"
        ),
        vec!["N"]
    );
    let adoption = annex.list(10).expect("list 10");
    assert_eq!(
        column(
            adoption,
            "Date of Decision that Child Should be Placed for Adoption"
        ),
        vec!["01/07/2026"]
    );
    assert_eq!(
        annex.children().into_iter().collect::<Vec<_>>(),
        vec![ChildId(13)]
    );
}

#[test]
fn work_outside_the_window_lists_nobody() {
    let mut c = child(14);
    let before = c.work(
        InvolvementKind::ChildProtection,
        "2024-01-01",
        Some("2025-11-30"),
    );
    c.event(
        before,
        EventKind::StrategyDiscussion,
        "2024-01-01",
        &[("s47", "Y")],
    );
    let after = c.work(InvolvementKind::LookedAfter, "2026-12-01", None);
    c.event(after, EventKind::LegalStatus, "2026-12-01", &[("ls", "C1")]);
    let annex = build(&records(vec![c]), window());
    assert!(annex.children().is_empty(), "{:?}", annex.lists);
}

#[test]
fn the_workbook_has_an_about_sheet_then_each_list_with_its_columns_and_dates() {
    use calamine::{Data, DataType, Reader, Xlsx};
    let mut c = child(15);
    let w = c.work(InvolvementKind::Referral, "2026-01-01", None);
    c.event(w, EventKind::Contact, "2026-01-01", &[("source", "3E")]);
    let annex = build(&records(vec![c]), window());
    let produced = Produced {
        authority: "Northmoor Council".to_owned(),
        by: "Priya Analyst".to_owned(),
        at: Utc
            .with_ymd_and_hms(2026, 12, 1, 10, 30, 0)
            .single()
            .expect("an instant"),
    };
    let bytes = write(&annex, &produced).expect("a workbook");
    assert_eq!(
        bytes,
        write(&annex, &produced).expect("again"),
        "same bytes twice"
    );
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx");
    let names = book.sheet_names();
    let mut expected = vec!["About".to_owned()];
    expected.extend((1..=11).map(|n| format!("List {n}")));
    assert_eq!(names, expected);
    let list = book.worksheet_range("List 1").expect("list 1");
    let header: Vec<String> = list
        .rows()
        .next()
        .expect("a header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        COLUMNS[0]
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<Vec<_>>()
    );
    let row: Vec<&Data> = list.rows().nth(1).expect("a row").iter().collect();
    assert_eq!(row[0], &Data::String("15".to_owned()));
    assert!(matches!(row[5], Data::DateTime(_)), "{:?}", row[5]);
    assert_eq!(row[5].as_date(), Some(d("2026-01-01")));
    assert_eq!(row[6], &Data::String("k) 3E: Health services".to_owned()));
    let about = book.worksheet_range("About").expect("about");
    let text: Vec<String> = about
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("1 December 2025 to 30 November 2026")),
        "{text:?}"
    );
}

#[test]
fn a_period_of_care_that_ended_shows_when_and_why() {
    let mut c = child(16);
    let care = c.work(
        InvolvementKind::LookedAfter,
        "2025-01-10",
        Some("2026-02-28"),
    );
    c.event(care, EventKind::LegalStatus, "2025-01-10", &[("ls", "C2")]);
    c.event(
        care,
        EventKind::CeasedLookedAfter,
        "2026-02-28",
        &[("rec", "E4A")],
    );
    let later = c.work(InvolvementKind::LookedAfter, "2026-10-01", None);
    c.event(later, EventKind::LegalStatus, "2026-10-01", &[("ls", "V2")]);
    let annex = build(&records(vec![c]), window());
    let list = annex.list(8).expect("list 8");
    assert_eq!(
        column(list, "Date Ceased to be Looked After"),
        vec!["28/02/2026", ""]
    );
    assert_eq!(
        column(list, "Reason Ceased to be Looked After"),
        vec![
            "E4A: Returned home to parents or others with parental responsibility, as part of the care plan",
            ""
        ]
    );
    assert_eq!(
        column(list, "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"),
        vec!["N", "Y"]
    );
    assert_eq!(
        column(list, "Child's Category of Need"),
        vec!["N0 - Not stated", "N0 - Not stated"]
    );
}

#[test]
fn care_leavers_show_their_last_recorded_home_and_activity_and_adoptions_their_match_and_reversal()
{
    let mut young = child(41);
    let after = young.work(InvolvementKind::CareLeaver, "2026-01-01", None);
    young.event(
        after,
        EventKind::CareLeaverContact,
        "2026-03-01",
        &[
            ("in-touch", "YES"),
            ("activity", "G5"),
            ("accommodation", "V2"),
        ],
    );
    young.event(
        after,
        EventKind::CareLeaverContact,
        "2026-09-01",
        &[
            ("in-touch", "YES"),
            ("activity", "F5"),
            ("accommodation", "D1"),
        ],
    );
    let mut small = child(42);
    let care = small.work(InvolvementKind::LookedAfter, "2025-06-01", None);
    small.event(care, EventKind::AdoptionDecision, "2025-10-01", &[]);
    small.event(
        care,
        EventKind::AdoptionMatched,
        "2026-02-01",
        &[
            ("adopters", "MF"),
            ("status", "L11"),
            ("foster-carers", "N"),
        ],
    );
    small.event(
        care,
        EventKind::AdoptionDecisionReversed,
        "2026-05-01",
        &[("reason", "RD3")],
    );
    let annex = build(&records(vec![young, small]), window());
    let leavers = annex.list(9).expect("list 9");
    assert_eq!(
        column(leavers, "Type of Accommodation"),
        ["D: Semi-independent or transitional accommodation"]
    );
    assert_eq!(
        column(leavers, "Suitability of Accommodation"),
        ["Suitable"]
    );
    assert_eq!(
        column(leavers, "Activity Status"),
        ["F5: Full-time training or employment"]
    );
    let adoption = annex.list(10).expect("list 10");
    assert_eq!(
        column(adoption, "Date of Matching Child and Prospective Adopters"),
        ["01/02/2026"]
    );
    assert_eq!(
        column(
            adoption,
            "Date of Decision that Child Should No Longer be Placed for Adoption"
        ),
        ["01/05/2026"]
    );
    assert_eq!(
        column(adoption, "Reason Why Child No Longer Placed for Adoption"),
        ["RD3: Prospective adopters could not be found"]
    );
    assert_eq!(column(adoption, "Date of Adoption Order"), [""]);
}
