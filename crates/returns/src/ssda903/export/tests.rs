use carebridge_domain::casefile::events::EventKind;
use carebridge_domain::casework::WorkerChange;
use carebridge_domain::child::InvolvementKind;

use super::*;
use crate::ssda903::{validate, Return, Source};
use crate::testing::{child, records, Building};

fn year() -> CollectionYear {
    "2026-27".parse().expect("a year")
}

fn table(tables: &[ExportedTable], name: TableName) -> Vec<Vec<String>> {
    tables
        .iter()
        .find(|t| t.table == name)
        .map(|t| t.rows.clone())
        .unwrap_or_default()
}

/// A period of care from June 2025 to March 2027 with each kind of change.
pub(crate) fn in_care() -> Building {
    let mut c = child(21);
    let care = c.work(
        InvolvementKind::LookedAfter,
        "2025-06-01",
        Some("2027-03-01"),
    );
    c.event(
        care,
        EventKind::LegalStatus,
        "2025-06-01",
        &[("ls", "V2"), ("need", "N4")],
    );
    c.event(
        care,
        EventKind::PlacementStarted,
        "2025-06-01",
        &[
            ("place", "U6"),
            ("provider", "PR1"),
            ("postcode", "NM2 3AB"),
        ],
    );
    c.event(care, EventKind::LegalStatus, "2026-05-10", &[("ls", "C1")]);
    c.event(
        care,
        EventKind::PlacementEnded,
        "2026-09-01",
        &[("reason", "CARPL")],
    );
    c.event(
        care,
        EventKind::PlacementStarted,
        "2026-09-01",
        &[
            ("place", "K2"),
            ("provider", "PR4"),
            ("postcode", "NM5 1QX"),
            ("urn", "SC123456"),
        ],
    );
    c.event(care, EventKind::LegalStatus, "2027-01-15", &[("ls", "C2")]);
    c.event(
        care,
        EventKind::PlacementEnded,
        "2027-01-15",
        &[("reason", "CHILD")],
    );
    c.event(
        care,
        EventKind::PlacementStarted,
        "2027-01-15",
        &[
            ("place", "U4"),
            ("provider", "PR1"),
            ("postcode", "NM7 2RT"),
        ],
    );
    c.event(
        care,
        EventKind::LookedAfterReview,
        "2026-07-01",
        &[("participation", "PN1")],
    );
    c.event(
        care,
        EventKind::LookedAfterReview,
        "2026-03-01",
        &[("participation", "PN1")],
    );
    c.event(
        care,
        EventKind::CeasedLookedAfter,
        "2027-03-01",
        &[("rec", "E4A")],
    );
    c.record.person.postcode = Some("NM1 4AB".to_owned());
    c.record.person.upn = Some("A123456789012".to_owned());
    c
}

#[test]
fn a_period_of_care_is_split_where_its_legal_status_or_placement_changed() {
    let tables = export(&records(vec![in_care()]), year());
    let episodes = table(&tables, TableName::Episodes);
    let brief: Vec<Vec<&str>> = episodes
        .iter()
        .map(|r| {
            // DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE
            [1, 2, 3, 4, 5, 6, 7, 8, 9]
                .iter()
                .map(|i| r[*i].as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        brief,
        vec![
            vec![
                "01/06/2025",
                "S",
                "V2",
                "N4",
                "U6",
                "PR1",
                "10/05/2026",
                "X1",
                ""
            ],
            vec![
                "10/05/2026",
                "L",
                "C1",
                "N4",
                "U6",
                "PR1",
                "01/09/2026",
                "X1",
                "CARPL"
            ],
            vec![
                "01/09/2026",
                "P",
                "C1",
                "N4",
                "K2",
                "PR4",
                "15/01/2027",
                "X1",
                "CHILD"
            ],
            vec![
                "15/01/2027",
                "B",
                "C2",
                "N4",
                "U4",
                "PR1",
                "01/03/2027",
                "E4A",
                ""
            ],
        ]
    );
    assert!(episodes.iter().all(|r| r[0] == "21" && r[10] == "NM1 4AB"));
    let reviews = table(&tables, TableName::Reviews);
    assert_eq!(
        reviews,
        vec![vec!["21", "15/06/2014", "01/07/2026", "PN1"]],
        "last year's review left out"
    );
    let header = table(&tables, TableName::Header);
    assert_eq!(
        header,
        vec![vec![
            "21",
            "F",
            "15/06/2014",
            "WBRI",
            "A123456789012",
            "0",
            ""
        ]]
    );
}

#[test]
fn a_legal_status_or_placement_recorded_again_unchanged_starts_no_episode() {
    let changes = |c: &Building| -> Vec<(String, String)> {
        table(
            &export(&records(vec![c.clone()]), year()),
            TableName::Episodes,
        )
        .iter()
        .map(|r| (r[2].clone(), r[3].clone()))
        .collect()
    };
    let plain = in_care();
    let mut again = in_care();
    let care = again.record.work[0].work.id;
    // C1 again on its own, and again with the move to K2.
    again.event(care, EventKind::LegalStatus, "2026-07-01", &[("ls", "C1")]);
    again.event(care, EventKind::LegalStatus, "2026-09-01", &[("ls", "C1")]);
    // The children's home again, with no placement ended that day.
    again.event(
        care,
        EventKind::PlacementStarted,
        "2026-10-01",
        &[
            ("place", "K2"),
            ("provider", "PR4"),
            ("postcode", "NM5 1QX"),
            ("urn", "SC123456"),
        ],
    );
    assert_eq!(changes(&again), changes(&plain));
    assert_eq!(
        changes(&plain)
            .iter()
            .map(|(rne, _)| rne.as_str())
            .collect::<Vec<_>>(),
        ["S", "L", "P", "B"]
    );
    // A status that does change is an episode.
    again.event(care, EventKind::LegalStatus, "2026-07-01", &[("ls", "C2")]);
    let changed = changes(&again);
    assert_eq!(changed.len(), changes(&plain).len() + 1, "{changed:?}");
    assert!(
        changed.contains(&("L".to_owned(), "C2".to_owned())),
        "{changed:?}"
    );
    assert!(
        changed.contains(&("B".to_owned(), "C1".to_owned())),
        "back to C1 with the move: {changed:?}"
    );
    // A placement ended and started again the same, that day: a move (of carer).
    again.event(
        care,
        EventKind::PlacementEnded,
        "2026-10-01",
        &[("reason", "CARPL")],
    );
    assert_eq!(changes(&again).len(), changed.len() + 1);
}

#[test]
fn a_registered_placement_carries_its_ofsted_urn() {
    let episodes = table(
        &export(&records(vec![in_care()]), year()),
        TableName::Episodes,
    );
    let urns: Vec<&str> = episodes.iter().map(|r| r[12].as_str()).collect();
    // The children's home from September 2026; foster care before and after.
    assert_eq!(urns, ["", "", "SC123456", ""]);
}

#[test]
fn only_episodes_with_a_day_in_the_year_and_only_children_in_care_are_returned() {
    let mut before = child(22);
    let care = before.work(
        InvolvementKind::LookedAfter,
        "2024-01-01",
        Some("2026-03-31"),
    );
    before.event(care, EventKind::LegalStatus, "2024-01-01", &[("ls", "C2")]);
    before.event(
        care,
        EventKind::PlacementStarted,
        "2024-01-01",
        &[("place", "U4")],
    );
    let mut after = child(23);
    let care = after.work(InvolvementKind::LookedAfter, "2027-04-01", None);
    after.event(care, EventKind::LegalStatus, "2027-04-01", &[("ls", "C2")]);
    let mut never = child(24);
    never.work(InvolvementKind::ChildInNeed, "2026-05-01", None);
    let mut edge = child(25);
    let care = edge.work(
        InvolvementKind::LookedAfter,
        "2024-01-01",
        Some("2026-04-01"),
    );
    edge.event(care, EventKind::LegalStatus, "2024-01-01", &[("ls", "C2")]);
    edge.record.person.uasc = true;
    edge.record.person.children_born = vec![crate::testing::d("2026-02-01")];
    let tables = export(&records(vec![before, after, never, edge]), year());
    let header = table(&tables, TableName::Header);
    assert_eq!(
        header.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        vec!["25"]
    );
    let episodes = table(&tables, TableName::Episodes);
    assert_eq!(episodes.len(), 1);
    assert_eq!(
        (episodes[0][7].as_str(), episodes[0][8].as_str()),
        ("01/04/2026", ""),
        "no reason recorded"
    );
    assert_eq!(
        table(&tables, TableName::Uasc),
        vec![vec!["25", "F", "15/06/2014", "15/06/2032"]]
    );
    assert_eq!(header[0][4], "UN5", "no UPN at 11");
    assert_eq!(
        (header[0][5].as_str(), header[0][6].as_str()),
        ("1", "01/02/2026"),
        "a mother"
    );
}

#[test]
fn the_exported_episodes_pass_the_dfe_rules_on_their_own_structure() {
    let tables = export(&records(vec![in_care()]), year());
    let sources: Vec<Source> = tables.iter().map(|t| t.source().expect("csv")).collect();
    let ret = Return::parse(year(), &sources, &[]).expect("the export reads back");
    let validation = validate(&ret);
    let fired = validation.fired();
    // Codes, the chain of episodes, and the participation codes.
    for rule in [
        "103", "143", "145", "392b", "149", "167", "178", "433", "435", "436", "441", "502", "503",
        "504",
    ] {
        assert!(
            !fired.contains(&rule),
            "rule {rule} fired on the export: {fired:?}"
        );
    }
}

#[test]
fn missing_periods_with_a_day_in_the_year_are_returned_each_with_its_end_by_31_march() {
    let mut c = in_care();
    let care = c.record.work[0].work.id;
    let went = |c: &mut Building, on: &str, kind: &str| {
        c.event(care, EventKind::Missing, on, &[("missing", kind)]);
    };
    // Ended before the year: not returned.
    went(&mut c, "2026-01-10", "M");
    c.event(care, EventKind::MissingEnded, "2026-01-12", &[]);
    // Began last year, ended this year.
    went(&mut c, "2026-03-30", "A");
    c.event(care, EventKind::MissingEnded, "2026-04-02", &[]);
    // Back the same day.
    went(&mut c, "2026-08-01", "M");
    c.event(care, EventKind::MissingEnded, "2026-08-01", &[]);
    // Still missing on 31 March: back after the year.
    went(&mut c, "2027-02-20", "M");
    c.event(care, EventKind::MissingEnded, "2027-04-03", &[]);
    let rows = table(&export(&records(vec![c]), year()), TableName::Missing);
    let brief: Vec<[&str; 3]> = rows
        .iter()
        .map(|r| [r[2].as_str(), r[3].as_str(), r[4].as_str()])
        .collect();
    assert_eq!(
        brief,
        [
            ["A", "30/03/2026", "02/04/2026"],
            ["M", "01/08/2026", "01/08/2026"],
            ["M", "20/02/2027", ""],
        ]
    );
    assert!(rows.iter().all(|r| r[0] == "21" && r[1] == rows[0][1]));
}

/// A young child in care from May 2025: a decision to place for adoption reversed,
/// a second decision, a match with adopters, adoption in February 2027; and an older
/// child deprived of liberty twice.
pub(crate) fn adopted_and_deprived() -> Vec<Building> {
    let mut young = child(22);
    young.record.person.date_of_birth = crate::testing::d("2023-03-01");
    let care = young.work(
        InvolvementKind::LookedAfter,
        "2025-05-01",
        Some("2027-02-10"),
    );
    young.event(
        care,
        EventKind::LegalStatus,
        "2025-05-01",
        &[("ls", "C2"), ("need", "N1")],
    );
    young.event(
        care,
        EventKind::PlacementStarted,
        "2025-05-01",
        &[("place", "U1"), ("provider", "PR1")],
    );
    young.event(care, EventKind::AdoptionDecision, "2025-09-01", &[]);
    young.event(
        care,
        EventKind::AdoptionDecisionReversed,
        "2026-05-20",
        &[("reason", "RD3")],
    );
    young.event(care, EventKind::AdoptionDecision, "2026-07-01", &[]);
    young.event(
        care,
        EventKind::AdoptionMatched,
        "2026-10-12",
        &[
            ("adopters", "FF"),
            ("status", "L12"),
            ("foster-carers", "N"),
        ],
    );
    young.event(
        care,
        EventKind::CeasedLookedAfter,
        "2027-02-10",
        &[("rec", "E11")],
    );
    let mut older = child(23);
    let care = older.work(InvolvementKind::LookedAfter, "2025-01-01", None);
    older.event(
        care,
        EventKind::LegalStatus,
        "2025-01-01",
        &[("ls", "C2"), ("need", "N4")],
    );
    older.event(
        care,
        EventKind::PlacementStarted,
        "2025-01-01",
        &[("place", "K2"), ("provider", "PR4")],
    );
    older.event(care, EventKind::LibertyDeprived, "2026-02-01", &[]);
    older.event(care, EventKind::LibertyDeprivedEnded, "2026-06-30", &[]);
    older.event(care, EventKind::LibertyDeprived, "2027-01-05", &[]);
    vec![young, older]
}

#[test]
fn reversed_decisions_adoptions_and_deprivations_of_liberty_are_returned() {
    let tables = export(&records(adopted_and_deprived()), year());
    assert_eq!(
        table(&tables, TableName::PlacedAdoption),
        [
            ["22", "01/03/2023", "01/09/2025", "20/05/2026", "RD3"],
            ["22", "01/03/2023", "01/07/2026", "", ""],
        ]
    );
    assert_eq!(
        table(&tables, TableName::Ad1),
        [[
            "22",
            "01/03/2023",
            "01/07/2026",
            "12/10/2026",
            "0",
            "2",
            "FF",
            "L12"
        ]]
    );
    assert_eq!(
        table(&tables, TableName::DoLo),
        [
            ["23", "15/06/2014", "01/02/2026", "30/06/2026"],
            ["23", "15/06/2014", "05/01/2027", ""],
        ]
    );
    // 2025-26 has no DoLo table, and the reversal came after its end.
    let earlier = export(
        &records(adopted_and_deprived()),
        "2025-26".parse().expect("a year"),
    );
    assert!(earlier.iter().all(|t| t.table != TableName::DoLo));
    assert_eq!(
        table(&earlier, TableName::PlacedAdoption),
        [["22", "01/03/2023", "01/09/2025", "", ""]]
    );
    assert!(table(&earlier, TableName::Ad1).is_empty());
}

/// Care for `c` from `from` (to `to`): a full care order, in foster care.
fn taken_into_care(
    c: &mut Building,
    from: &str,
    to: Option<&str>,
) -> carebridge_domain::InvolvementId {
    let care = c.work(InvolvementKind::LookedAfter, from, to);
    c.event(
        care,
        EventKind::LegalStatus,
        from,
        &[("ls", "C2"), ("need", "N1")],
    );
    c.event(
        care,
        EventKind::PlacementStarted,
        from,
        &[("place", "U1"), ("provider", "PR1")],
    );
    care
}

/// A young person born on 1 September 2008 (18 in the year), looked after from `from`
/// to `to`, care ending `rec`, with care leaver work from the day after.
fn leaver(
    id: i64,
    from: &str,
    to: &str,
    rec: &str,
) -> (Building, carebridge_domain::InvolvementId) {
    let mut c = child(id);
    c.record.person.date_of_birth = crate::testing::d("2008-09-01");
    let care = taken_into_care(&mut c, from, Some(to));
    c.event(care, EventKind::CeasedLookedAfter, to, &[("rec", rec)]);
    let after = c.work(InvolvementKind::CareLeaver, "2026-01-01", None);
    (c, after)
}

#[test]
fn care_leavers_turning_17_to_21_are_returned_with_what_was_known_around_the_birthday() {
    let (mut in_touch, work) = leaver(31, "2022-01-01", "2025-12-31", "E8");
    in_touch.event(
        work,
        EventKind::CareLeaverContact,
        "2026-08-20",
        &[
            ("in-touch", "YES"),
            ("activity", "F2"),
            ("accommodation", "D1"),
        ],
    );
    // A contact months before the birthday is not about it.
    in_touch.event(
        work,
        EventKind::CareLeaverContact,
        "2026-03-01",
        &[("in-touch", "NO")],
    );
    let (mut lost, work) = leaver(32, "2022-01-01", "2025-12-31", "E8");
    lost.event(
        work,
        EventKind::CareLeaverContact,
        "2026-09-15",
        &[("in-touch", "NO")],
    );
    let (unrecorded, _) = leaver(33, "2022-01-01", "2025-12-31", "E8");
    // Looked after only before 14: not a care leaver.
    let (too_young, _) = leaver(34, "2020-01-01", "2022-06-30", "E8");
    // Adopted: not a care leaver.
    let (adopted, _) = leaver(35, "2022-01-01", "2025-12-31", "E11");
    // Still looked after on the birthday: in Episodes, not OC3.
    let (mut still, _) = leaver(36, "2022-01-01", "2026-12-31", "E8");
    still
        .record
        .work
        .retain(|w| w.work.kind == InvolvementKind::LookedAfter);
    let tables = export(
        &records(vec![in_touch, lost, unrecorded, too_young, adopted, still]),
        year(),
    );
    assert_eq!(
        table(&tables, TableName::Oc3),
        [
            ["31", "01/09/2008", "YES", "F2", "D1"],
            ["32", "01/09/2008", "NO", "0", "0"],
            ["33", "01/09/2008", "", "", ""],
        ]
    );
    let header = table(&tables, TableName::Header);
    let ids: Vec<&str> = header.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["31", "32", "33", "36"]);
    // Motherhood is not asked of a care leaver not looked after in the year.
    assert_eq!(header[0][5..], ["", ""]);
    assert_eq!(header[3][5], "0");
    // Care leavers are not in the tables of the looked-after.
    let episodes = table(&tables, TableName::Episodes);
    assert!(episodes.iter().all(|r| r[0] == "36"));
}

#[test]
fn children_in_care_all_year_are_returned_with_the_years_health_and_wellbeing() {
    let in_care_since = |id: i64, from: &str| {
        let mut c = child(id);
        let care = taken_into_care(&mut c, from, None);
        (c, care)
    };
    // Twelve: the questionnaire and convictions are asked, development reviews not.
    let (mut older, care) = in_care_since(51, "2024-01-01");
    older.event(care, EventKind::SdqScored, "2026-06-01", &[("score", "14")]);
    older.event(
        care,
        EventKind::ImmunisationsChecked,
        "2025-12-01",
        &[("up-to-date", "N")],
    );
    older.event(
        care,
        EventKind::ImmunisationsChecked,
        "2026-10-01",
        &[("up-to-date", "Y")],
    );
    older.event(care, EventKind::DentalCheck, "2026-07-01", &[]);
    // Last year's assessment does not count for this year.
    older.event(care, EventKind::HealthAssessment, "2026-01-01", &[]);
    older.event(
        care,
        EventKind::SubstanceMisuse,
        "2026-09-01",
        &[
            ("intervention-received", "N"),
            ("intervention-offered", "Y"),
        ],
    );
    // Three, four by the year's end: no score yet, a development review.
    let (mut young, care) = in_care_since(52, "2024-01-01");
    young.record.person.date_of_birth = crate::testing::d("2022-09-01");
    young.event(
        care,
        EventKind::SdqNotScored,
        "2026-05-01",
        &[("reason", "SDQ1")],
    );
    young.event(care, EventKind::DevelopmentReview, "2026-05-08", &[]);
    // In care since June: not looked after all year.
    let (recent, _) = in_care_since(53, "2026-06-01");
    let tables = export(&records(vec![older, young, recent]), year());
    assert_eq!(
        table(&tables, TableName::Oc2),
        [
            [
                "51",
                "15/06/2014",
                "14",
                "",
                "0",
                "",
                "1",
                "1",
                "0",
                "1",
                "0",
                "1"
            ],
            [
                "52",
                "01/09/2022",
                "",
                "SDQ1",
                "",
                "1",
                "0",
                "0",
                "0",
                "0",
                "",
                ""
            ],
        ]
    );
}

/// [`in_care`] with its social workers: a registered one from the start (kept on when
/// the care moved team in June 2026), an unregistered one who took over when the first
/// left in September, and a worker on other work, not the care.
fn with_social_workers() -> Building {
    let mut c = in_care();
    let care = c.record.work[0].work.id;
    let other = c.work(InvolvementKind::ChildProtection, "2026-01-10", None);
    c.social_worker(
        care,
        (1, Some("SW100001")),
        Some(WorkerChange::FirstContact),
        ("2025-06-01", Some("2026-05-31")),
    );
    c.social_worker(
        care,
        (1, Some("SW100001")),
        Some(WorkerChange::TransferProcess),
        ("2026-06-01", Some("2026-08-31")),
    );
    c.social_worker(
        care,
        (2, None),
        Some(WorkerChange::LeftRole),
        ("2026-09-01", Some("2027-03-01")),
    );
    c.social_worker(other, (3, Some("SW100003")), None, ("2026-01-10", None));
    c
}

#[test]
fn social_worker_episodes_are_each_worker_holding_the_childs_care() {
    let tables = export(&records(vec![with_social_workers()]), year());
    assert_eq!(
        table(&tables, TableName::SwEpisodes),
        vec![
            vec![
                "21",
                "15/06/2014",
                "SW100001",
                "01/06/2025",
                "31/08/2026",
                "FCONTA"
            ],
            vec!["21", "15/06/2014", "", "01/09/2026", "01/03/2027", "LEFTRL"],
        ]
    );
    // The year before: the first worker still held the care on 31 March.
    let before = export(
        &records(vec![with_social_workers()]),
        "2025-26".parse().expect("a year"),
    );
    assert_eq!(
        table(&before, TableName::SwEpisodes),
        vec![vec![
            "21",
            "15/06/2014",
            "SW100001",
            "01/06/2025",
            "",
            "FCONTA"
        ]]
    );
    // Read back, the rules on social worker episodes find nothing but the missing
    // registration number (SW02) and, as the reference reads SW17, that the child's
    // last social worker episode has ended (with their care, before 31 March).
    let sources: Vec<Source> = tables.iter().map(|t| t.source().expect("csv")).collect();
    let ret = Return::parse(year(), &sources, &[]).expect("the export reads back");
    let fired: Vec<&str> = validate(&ret)
        .fired()
        .into_iter()
        .filter(|r| r.starts_with("SW"))
        .collect();
    assert_eq!(fired, ["SW02STG1", "SW17STG2"]);
}

#[test]
fn children_starting_care_in_the_year_are_returned_with_any_permanence_before_it() {
    // Care since last year: not in PrevPerm.
    let before = in_care();
    // In care in May 2026 after a special guardianship order broke down.
    let mut broke_down = child(31);
    let care = taken_into_care(&mut broke_down, "2026-05-04", None);
    broke_down.event(
        care,
        EventKind::PreviousPermanence,
        "2026-05-20",
        &[("option", "P2"), ("la", "886"), ("date", "ZZ/06/2019")],
    );
    // In care twice this year: the later care, where nobody has recorded it yet.
    let mut twice = child(32);
    let first = taken_into_care(&mut twice, "2026-04-10", Some("2026-06-01"));
    twice.event(
        first,
        EventKind::PreviousPermanence,
        "2026-04-10",
        &[("option", "Z1")],
    );
    taken_into_care(&mut twice, "2026-09-01", None);
    let tables = export(&records(vec![before, broke_down, twice]), year());
    assert_eq!(
        table(&tables, TableName::PrevPerm),
        vec![
            vec!["31", "15/06/2014", "P2", "886", "ZZ/06/2019"],
            vec!["32", "15/06/2014", "", "", ""],
        ]
    );
    let sources: Vec<Source> = tables.iter().map(|t| t.source().expect("csv")).collect();
    let ret = Return::parse(year(), &sources, &[]).expect("the export reads back");
    let fired = validate(&ret).fired();
    for rule in ["631", "632", "633", "634", "635", "INT35"] {
        assert!(!fired.contains(&rule), "{rule}: {fired:?}");
    }
    assert!(fired.contains(&"630"), "the blank row: {fired:?}");
}
