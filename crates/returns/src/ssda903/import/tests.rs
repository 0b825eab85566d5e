use carebridge_domain::statutory::StatutoryRecords;

use super::*;
use crate::ssda903::export::{export, tests::in_care};
use crate::ssda903::{CollectionYear, Source};
use crate::testing::records;

fn year() -> CollectionYear {
    "2026-27".parse().expect("a year")
}

fn planned(files: &[Source]) -> Result<Vec<ImportedChild>, Vec<ImportProblem>> {
    plan(&Return::parse(year(), files, &[]).expect("it reads"))
}

fn csv(name: &str, text: &str) -> Source {
    Source {
        name: name.to_owned(),
        content: text.as_bytes().to_vec(),
    }
}

/// A return made from the records, imported, and made again from what was imported, is
/// the same return.
#[test]
fn a_return_imported_and_made_again_is_the_same() {
    let mut child = in_care();
    let care = child.record.work[0].work.id;
    child.event(care, EventKind::AdoptionDecision, "2026-06-01", &[]);
    child.event(care, EventKind::Missing, "2026-08-01", &[("missing", "M")]);
    child.event(care, EventKind::MissingEnded, "2026-08-03", &[]);
    child.event(care, EventKind::Missing, "2027-02-20", &[("missing", "A")]);
    let mut children = vec![child];
    children.extend(crate::ssda903::export::tests::adopted_and_deprived());
    let first: Vec<Source> = export(&records(children), year())
        .iter()
        .map(|t| t.source().expect("csv"))
        .collect();
    let imported = planned(&first).expect("it imports");
    let again: StatutoryRecords = crate::cin::import::tests::as_records(&imported);
    let made: Vec<Source> = export(&again, year())
        .iter()
        .map(|t| t.source().expect("csv"))
        .collect();
    let placed = first
        .iter()
        .find(|s| s.name == "PlacedAdoption.csv")
        .expect("the table");
    assert_eq!(
        String::from_utf8_lossy(&placed.content).lines().nth(1),
        Some("21,15/06/2014,01/06/2026,,")
    );
    for table in ["AD1.csv", "DoLo.csv"] {
        let file = first.iter().find(|s| s.name == table).expect("the table");
        assert!(
            String::from_utf8_lossy(&file.content).lines().count() > 1,
            "{table}"
        );
    }
    let missing = first
        .iter()
        .find(|s| s.name == "Missing.csv")
        .expect("the table");
    assert_eq!(
        String::from_utf8_lossy(&missing.content)
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        [
            "21,15/06/2014,M,01/08/2026,03/08/2026",
            "21,15/06/2014,A,20/02/2027,"
        ]
    );
    for (a, b) in first.iter().zip(&made) {
        assert_eq!(
            String::from_utf8_lossy(&a.content),
            String::from_utf8_lossy(&b.content),
            "{}",
            a.name
        );
    }
}

#[test]
fn a_period_of_care_runs_through_its_x1_episodes() {
    let header = csv(
        "Header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2012,WBRI,UN5,0,\n",
    );
    let episodes = csv(
        "Episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         C1,01/05/2025,S,V2,N4,U6,PR1,01/09/2025,X1,CARPL,NM1 1AA,NM2 2BB,\n\
         C1,01/09/2025,P,V2,N4,K2,PR4,10/01/2026,E4A,,NM1 1AA,NM3 3CC,\n\
         C1,01/03/2026,S,C2,N1,U4,PR1,,,,NM1 1AA,NM2 2BB,\n",
    );
    let reviews = csv(
        "Reviews.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/02/2012,20/06/2025,PN1\n",
    );
    let uasc = csv(
        "UASC.csv",
        "CHILD,SEX,DOB,DUC\nC1,F,01/02/2012,01/02/2030\n",
    );
    let children = planned(&[header, episodes, reviews, uasc]).expect("it imports");
    let [child] = children.as_slice() else {
        panic!("one child");
    };
    assert_eq!(child.uasc, Some(true));
    assert_eq!(child.upn, None);
    let periods: Vec<(&str, Option<String>, Option<ClosureReason>)> = child
        .work
        .iter()
        .map(|w| (w.key.as_str(), w.end.map(|e| e.to_string()), w.closure))
        .collect();
    assert_eq!(
        periods,
        vec![
            (
                "looked_after/2025-05-01",
                Some("2026-01-10".to_owned()),
                Some(ClosureReason::ServicesCeased)
            ),
            ("looked_after/2026-03-01", None, None),
        ]
    );
    let first: Vec<(&str, String)> = child.work[0]
        .events
        .iter()
        .map(|e| (e.kind.code(), e.on.to_string()))
        .collect();
    assert_eq!(
        first,
        vec![
            ("legal-status", "2025-05-01".to_owned()),
            ("placement-started", "2025-05-01".to_owned()),
            ("cla-review", "2025-06-20".to_owned()),
            ("placement-ended", "2025-09-01".to_owned()),
            ("placement-started", "2025-09-01".to_owned()),
            ("ceased-looked-after", "2026-01-10".to_owned()),
        ]
    );
    let ended = &child.work[0].events[3];
    assert_eq!(
        ended.details.get("reason").map(String::as_str),
        Some("CARPL")
    );
}

#[test]
fn every_problem_names_its_file_and_line() {
    let header = csv(
        "Header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,31/02/2012,WBRI,,0,\nC2,X,01/01/2013,WBRI,,,\nC1,M,01/01/2014,WBRI,,,\n",
    );
    let episodes = csv(
        "Episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         C2,01/05/2025,S,Q9,N4,U6,PR1,,,,,,\n",
    );
    let problems = planned(&[header, episodes]).expect_err("rejected");
    let found: Vec<(String, u64, &str)> = problems
        .iter()
        .map(|p| (p.file.clone(), p.line, p.field))
        .collect();
    assert_eq!(
        found,
        vec![
            ("Header.csv".to_owned(), 2, "DOB"),
            ("Header.csv".to_owned(), 3, "SEX"),
            ("Episodes.csv".to_owned(), 2, "LS"),
            ("Header.csv".to_owned(), 4, "CHILD"),
        ]
    );
    assert!(problems[0]
        .to_string()
        .starts_with("Header.csv line 2 (child C1), DOB: \"31/02/2012\" is not a date"));
}

/// Header and Episodes for one girl, C1, in care from 1 May 2025.
fn one_child_in_care() -> [Source; 2] {
    [
        csv(
            "Header.csv",
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/01/2012,WBRI,,0,\n",
        ),
        csv(
            "Episodes.csv",
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             C1,01/05/2025,S,C2,N4,U6,PR1,,,,,,\n",
        ),
    ]
}

#[test]
fn a_missing_period_needs_its_start_and_kind_and_cannot_end_before_it_starts() {
    let [header, episodes] = one_child_in_care();
    let missing = csv(
        "Missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2012,M,,\nC1,01/01/2012,,01/06/2025,\n\
         C1,01/01/2012,A,10/06/2025,09/06/2025\nC1,01/01/2012,A,01/01/2025,\nC1,01/01/2012,M,01/07/2025,02/07/2025\n",
    );
    let problems = planned(&[header.clone(), episodes.clone(), missing]).expect_err("rejected");
    let found: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.field)).collect();
    assert_eq!(
        found,
        [
            (2, "MIS_START"),
            (3, "MISSING"),
            (4, "MIS_END"),
            (5, "MIS_START")
        ]
    );
    let fine = csv(
        "Missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2012,M,01/07/2025,02/07/2025\n",
    );
    let children = planned(&[header, episodes, fine]).expect("it imports");
    let kinds: Vec<EventKind> = children[0].work[0].events.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::Missing) && kinds.contains(&EventKind::MissingEnded));
}

/// Generated returns, with their deliberate errors, are planned or refused, never a
/// panic.
#[test]
fn generated_returns_are_planned_or_refused_without_panicking() {
    for seed in 1..=8 {
        let files = crate::ssda903::generate::generate(year(), 40, seed);
        let this: Vec<Source> = files
            .this
            .into_iter()
            .map(|(table, text)| csv(&format!("{table}.csv"), &text))
            .collect();
        if let Ok(ret) = Return::parse(year(), &this, &[]) {
            match plan(&ret) {
                Ok(children) => assert!(!children.is_empty()),
                Err(problems) => assert!(problems.iter().all(|p| p.line >= 1)),
            }
        }
    }
}

#[test]
fn a_reversal_a_match_and_an_order_are_refused_when_incomplete_or_backwards() {
    let [header, episodes] = one_child_in_care();
    let placed = csv(
        "PlacedAdoption.csv",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n\
         C1,01/01/2012,01/06/2025,01/07/2025,\nC1,01/01/2012,01/08/2025,01/07/2025,RD1\n",
    );
    let adoption = csv(
        "AD1.csv",
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n\
         C1,01/01/2012,01/08/2025,01/09/2025,0,2,,L11\n",
    );
    let liberty = csv(
        "DoLo.csv",
        "CHILD,DOB,DOLO_START,DOLO_END\nC1,01/01/2012,01/10/2025,01/09/2025\n",
    );
    let files = [header.clone(), episodes.clone(), placed, adoption, liberty];
    let problems = planned(&files).expect_err("rejected");
    let found: Vec<(&str, u64, &str)> = problems
        .iter()
        .map(|p| (p.file.as_str(), p.line, p.field))
        .collect();
    assert_eq!(
        found,
        [
            ("PlacedAdoption.csv", 2, "REASON_PLACED_CEASED"),
            ("PlacedAdoption.csv", 3, "DATE_PLACED_CEASED"),
            ("AD1.csv", 2, "DATE_MATCH"),
            ("DoLo.csv", 2, "DOLO_END"),
        ]
    );
    // Complete, they are read as events on the period of care.
    let placed = csv(
        "PlacedAdoption.csv",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n\
         C1,01/01/2012,01/06/2025,01/07/2025,RD1\n",
    );
    let children = planned(&[header, episodes, placed]).expect("it imports");
    let reversed = children[0].work[0]
        .events
        .iter()
        .find(|e| e.kind == EventKind::AdoptionDecisionReversed)
        .expect("the reversal");
    assert_eq!(
        reversed.details.get("reason").map(String::as_str),
        Some("RD1")
    );
}

#[test]
fn a_decision_made_before_the_first_episode_of_care_begun_earlier_belongs_to_that_care() {
    let header = csv(
        "Header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/01/2019,WBRI,,,\nC2,M,01/01/2019,WBRI,,,\n",
    );
    // C1's care began before its first episode here (a move, P); C2's begins with it (S).
    let episodes = csv(
        "Episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         C1,01/10/2024,P,E1,N1,U4,PR1,,,,,,\n\
         C2,01/10/2024,S,E1,N1,U4,PR1,,,,,,\n",
    );
    let placed = csv(
        "PlacedAdoption.csv",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n\
         C1,01/01/2019,01/03/2024,,\nC2,01/01/2019,01/03/2024,,\n",
    );
    let problems = planned(&[header.clone(), episodes.clone(), placed.clone()])
        .expect_err("C2's decision is before their care");
    let found: Vec<(Option<&str>, u64, &str)> = problems
        .iter()
        .map(|p| (p.child.as_deref(), p.line, p.field))
        .collect();
    assert_eq!(found, vec![(Some("C2"), 3, "DATE_PLACED")]);

    let episodes = csv(
        "Episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         C1,01/10/2024,P,E1,N1,U4,PR1,,,,,,\n",
    );
    let placed = csv(
        "PlacedAdoption.csv",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\nC1,01/01/2019,01/03/2024,,\n",
    );
    let children = planned(&[header, episodes, placed]).expect("it imports");
    let care = &children[0].work[0];
    assert!(care.began_before);
    assert_eq!(
        (care.key.as_str(), care.end),
        ("looked_after/2024-03-01", None)
    );
    let events: Vec<(&str, String)> = care
        .events
        .iter()
        .map(|e| (e.kind.code(), e.on.to_string()))
        .collect();
    assert_eq!(
        events,
        vec![
            ("adoption-decision", "2024-03-01".to_owned()),
            ("legal-status", "2024-10-01".to_owned()),
            ("placement-started", "2024-10-01".to_owned()),
        ]
    );
}

#[test]
fn permanence_before_care_is_read_onto_the_childs_latest_care() {
    let [header, episodes] = one_child_in_care();
    let perm = |rows: &str| {
        csv(
            "PrevPerm.csv",
            &format!("CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n{rows}"),
        )
    };
    let children = planned(&[
        header.clone(),
        episodes.clone(),
        perm("C1,01/01/2012,P2,886,zz/06/2019\n"),
    ])
    .expect("it imports");
    let before: Vec<_> = children[0].work[0]
        .events
        .iter()
        .filter(|e| e.kind == EventKind::PreviousPermanence)
        .map(|e| (e.on.to_string(), e.details.clone()))
        .collect();
    assert_eq!(
        before,
        vec![(
            "2025-05-01".to_owned(),
            [("date", "ZZ/06/2019"), ("la", "886"), ("option", "P2")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        )]
    );
    // None: an authority typed anyway is not kept.
    let children = planned(&[
        header.clone(),
        episodes.clone(),
        perm("C1,01/01/2012,Z1,886,\n"),
    ])
    .expect("it imports");
    let none = children[0].work[0]
        .events
        .iter()
        .find(|e| e.kind == EventKind::PreviousPermanence)
        .expect("the row");
    assert_eq!(none.details.len(), 1);
    // An order without its date; an authority not on the list; a date that is none.
    for (rows, field) in [
        ("C1,01/01/2012,P1,886,\n", "PREV_PERM"),
        ("C1,01/01/2012,P1,123,01/01/2019\n", "LA_PERM"),
        ("C1,01/01/2012,P3,886,31/02/2019\n", "DATE_PERM"),
        ("C1,01/01/2012,P9,886,01/01/2019\n", "PREV_PERM"),
    ] {
        let problems =
            planned(&[header.clone(), episodes.clone(), perm(rows)]).expect_err("refused");
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert!(fields.contains(&field), "{rows}: {problems:?}");
        assert!(problems.iter().all(|p| p.line == 2), "{problems:?}");
    }
}
