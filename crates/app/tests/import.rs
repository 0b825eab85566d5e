//! Importing a CIN census made by another system, on every backend: what a census made
//! from one authority's records holds comes back into another's as the same census;
//! importing it again changes nothing; a later census updates what changed; a file with
//! a problem writes nothing, and says where the problem is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::import::ImportError;
use carebridge_app::returns::Producer;
use carebridge_returns::cin::{self, Census, TableName};
use carebridge_returns::ssda903::CollectionYear;
use carebridge_testkit::{behind_the_back, demo_app, every_backend, read_behind_the_back, sqlite};

fn year() -> CollectionYear {
    "2025-26".parse().unwrap()
}

fn sizes(xml: &str) -> Vec<usize> {
    let census = Census::parse(year(), "c.xml", xml.as_bytes()).unwrap();
    TableName::ALL
        .iter()
        .map(|t| census.table(*t).len())
        .collect()
}

fn fired(xml: &str) -> Vec<&'static str> {
    let census = Census::parse(year(), "c.xml", xml.as_bytes()).unwrap();
    cin::validate(&census).fired()
}

#[tokio::test]
async fn a_census_from_another_system_is_imported_once_updated_later_and_refused_whole() {
    // The census of one authority, made from its records.
    let source = sqlite();
    let (from, _) = demo_app(&source, 150).await;
    let made = from
        .cin_export(Producer::Operator, year())
        .await
        .unwrap()
        .xml;

    for db in every_backend().await {
        let (app, _) = demo_app(&db, 0).await;
        let counts = app
            .import_cin(year(), "CIN-2025-26.xml", made.as_bytes(), "CSC")
            .await
            .unwrap();
        let children = sizes(&made)[TableName::ChildIdentifiers.index()];
        assert_eq!(counts.children_created, children, "{}", db.label);
        assert!(counts.work_created >= sizes(&made)[TableName::CINdetails.index()]);
        assert!(counts.events_created > 0);

        // Made again from the imported records: the same tables, the same rules fire.
        let again = app.cin_export(Producer::Operator, year()).await.unwrap();
        assert_eq!(sizes(&again.xml), sizes(&made), "{}", db.label);
        assert_eq!(fired(&again.xml), fired(&made), "{}", db.label);
        // Each child imported has it in their access log.
        let first = again.children[0];
        let log = app.store().audit_of_child(first, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "cin-listed");
        let log = app.store().audit_of_child(first, None, 5).await.unwrap();
        assert!(
            log.iter().any(|e| e.entry.action == "imported"),
            "{}",
            db.label
        );

        // Again: nothing new.
        let twice = app
            .import_cin(year(), "CIN-2025-26.xml", made.as_bytes(), "CSC")
            .await
            .unwrap();
        assert_eq!(
            (
                twice.children_created,
                twice.work_created,
                twice.events_created,
                twice.children_updated,
                twice.work_updated
            ),
            (0, 0, 0, 0, 0),
            "{}",
            db.label
        );
        assert_eq!(
            twice.unchanged,
            counts.children_created + counts.work_created + counts.events_created
        );

        // A later census where a child's ethnicity was corrected: that child is updated.
        let first_ethnicity = made.find("<Ethnicity>").unwrap();
        let end = made[first_ethnicity..].find("</Ethnicity>").unwrap() + first_ethnicity;
        let corrected = format!(
            "{}<Ethnicity>NOBT{}",
            &made[..first_ethnicity],
            &made[end..]
        );
        let later = app
            .import_cin(year(), "CIN-2025-26.xml", corrected.as_bytes(), "CSC")
            .await
            .unwrap();
        assert_eq!(later.children_updated, 1, "{}", db.label);
        assert_eq!(later.children_created, 0);

        // A file with a problem writes nothing, and names the line.
        let stored = |db| async move {
            read_behind_the_back(db, "SELECT CAST(COUNT(*) AS TEXT) FROM case_events")
                .await
                .unwrap()[0][0]
                .clone()
        };
        let before = stored(&db).await;
        let at = made.find("<CINreferralDate>").unwrap() + "<CINreferralDate>".len();
        let broken = format!("{}2025-02-30{}", &made[..at], &made[at + 10..]);
        let line = made[..at].lines().count() as u64;
        match app
            .import_cin(year(), "CIN-2025-26.xml", broken.as_bytes(), "CSC")
            .await
        {
            Err(ImportError::Rejected(problems)) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert_eq!(problems[0].line, line);
                assert_eq!(problems[0].field, "CINreferralDate");
            }
            other => panic!("{}: {other:?}", db.label),
        }
        assert_eq!(stored(&db).await, before, "{}", db.label);

        // An unknown service: nothing written either.
        assert!(matches!(
            app.import_cin(year(), "c.xml", made.as_bytes(), "NOPE")
                .await,
            Err(ImportError::UnknownService(_))
        ));
    }
}

/// The 903 of `year` made from `app`'s records, as the files it writes.
async fn exported(
    app: &carebridge_app::App,
    year: CollectionYear,
) -> Vec<carebridge_returns::ssda903::Source> {
    app.ssda903_export(Producer::Operator, year)
        .await
        .unwrap()
        .iter()
        .map(|t| t.source().unwrap())
        .collect()
}

/// Every row of each table without its first column (the child's id, which the
/// importing authority gives anew). A child's first episode in the file starts their
/// care once imported (`RNE` S) even where the return shows it as a change in a period
/// that began before the year (the return does not say when): its `RNE` is left out.
fn without_ids(tables: &[carebridge_returns::ssda903::Source]) -> Vec<(String, Vec<String>)> {
    tables
        .iter()
        .map(|t| {
            let text = String::from_utf8_lossy(&t.content).into_owned();
            let mut last_child = String::new();
            let rows = text
                .lines()
                .map(|l| {
                    let (child, rest) = l.split_once(',').unwrap_or((l, ""));
                    let first = child != last_child;
                    last_child = child.to_owned();
                    match rest.split_once(',') {
                        Some((decom, after)) if t.name == "Episodes.csv" && first => {
                            let after = after.split_once(',').map_or("", |(_, a)| a);
                            format!("{decom},(first),{after}")
                        }
                        _ => rest.to_owned(),
                    }
                })
                .collect();
            (t.name.clone(), rows)
        })
        .collect()
}

/// The return without what an import does not read: OC2 (a year's outcomes, without
/// the dates of what happened), OC3 with the Header rows of care leavers not looked
/// after in the year (it says nothing of when they left care), and SWEpisodes (social
/// workers are staff, whom an import does not create).
fn without_unread(
    files: &[carebridge_returns::ssda903::Source],
) -> Vec<carebridge_returns::ssda903::Source> {
    let text = |name: &str| {
        files
            .iter()
            .find(|f| f.name == name)
            .map(|f| String::from_utf8_lossy(&f.content).into_owned())
            .unwrap_or_default()
    };
    let ids = |name: &str| -> Vec<String> {
        text(name)
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_owned())
            .collect()
    };
    let in_care = ids("Episodes.csv");
    let leavers: Vec<String> = ids("OC3.csv")
        .into_iter()
        .filter(|c| !in_care.contains(c))
        .collect();
    files
        .iter()
        .map(|f| {
            let content = String::from_utf8_lossy(&f.content);
            let mut lines = content.lines();
            let mut out: String = lines.next().map(|h| format!("{h}\n")).unwrap_or_default();
            for line in lines {
                let child = line.split(',').next().unwrap_or("");
                let dropped = f.name == "OC3.csv"
                    || f.name == "OC2.csv"
                    || f.name == "SWEpisodes.csv"
                    || (f.name == "Header.csv" && leavers.iter().any(|l| l == child));
                if !dropped {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            carebridge_returns::ssda903::Source {
                name: f.name.clone(),
                content: out.into_bytes(),
            }
        })
        .collect()
}

#[tokio::test]
async fn a_903_return_from_another_system_comes_back_as_the_same_return() {
    let source = sqlite();
    let (from, _) = demo_app(&source, 150).await;
    let made = exported(&from, year()).await;

    for db in every_backend().await {
        let (app, _) = demo_app(&db, 0).await;
        let counts = app
            .import_ssda903(year(), "903", &made, "CSC")
            .await
            .unwrap();
        assert!(counts.children_created > 0, "{}", db.label);
        let again = exported(&app, year()).await;
        assert_eq!(
            without_ids(&without_unread(&again)),
            without_ids(&without_unread(&made)),
            "{}",
            db.label
        );

        let twice = app
            .import_ssda903(year(), "903", &made, "CSC")
            .await
            .unwrap();
        assert_eq!(
            (
                twice.children_created,
                twice.work_created,
                twice.events_created
            ),
            (0, 0, 0),
            "{}",
            db.label
        );

        // A date of birth that is no date: the file and line, and nothing written.
        let mut broken = made.clone();
        let header = broken.iter_mut().find(|s| s.name == "Header.csv").unwrap();
        let text = String::from_utf8_lossy(&header.content).into_owned();
        let second = text.lines().nth(2).unwrap().to_owned();
        let mut cells: Vec<&str> = second.split(',').collect();
        cells[2] = "31/02/2015";
        header.content = text.replace(&second, &cells.join(",")).into_bytes();
        let before = read_behind_the_back(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM case_events")
            .await
            .unwrap();
        match app.import_ssda903(year(), "903", &broken, "CSC").await {
            Err(ImportError::Rejected(problems)) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert_eq!(
                    (
                        problems[0].file.as_str(),
                        problems[0].line,
                        problems[0].field
                    ),
                    ("Header.csv", 3, "DOB")
                );
            }
            other => panic!("{}: {other:?}", db.label),
        }
        let after = read_behind_the_back(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM case_events")
            .await
            .unwrap();
        assert_eq!(before, after, "{}", db.label);
    }
}

/// [`without_ids`], each table's rows in order (children are numbered afresh by each
/// import, in the order it meets them).
fn in_order(tables: &[carebridge_returns::ssda903::Source]) -> Vec<(String, Vec<String>)> {
    let mut tables = without_ids(&without_unread(tables));
    for (_, rows) in &mut tables {
        rows.sort();
    }
    tables
}

#[tokio::test]
async fn two_years_of_903_returns_make_one_record_of_each_period_of_care_in_either_order() {
    let later: CollectionYear = "2026-27".parse().unwrap();
    let source = sqlite();
    let (from, _) = demo_app(&source, 150).await;
    let mut made = Vec::new();
    for y in [year(), later] {
        let tables = exported(&from, y).await;
        made.push((y, tables));
    }
    let overlapping = "SELECT CAST(COUNT(*) AS TEXT) FROM involvements a JOIN involvements b \
                       ON a.child_id = b.child_id AND a.id < b.id \
                       AND a.kind = 'looked_after' AND b.kind = 'looked_after' \
                       AND a.starts_on <= COALESCE(b.ends_on, '9999-12-31') \
                       AND b.starts_on <= COALESCE(a.ends_on, '9999-12-31')";
    let mut exports = Vec::new();
    for order in [[0, 1], [1, 0]] {
        for db in every_backend().await {
            let (app, _) = demo_app(&db, 0).await;
            let before_later = format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM case_events WHERE occurred_on < '{}'",
                later.start_date()
            );
            let mut known = Vec::new();
            for i in order {
                let (y, tables) = &made[i];
                app.import_ssda903(*y, "903", tables, "CSC").await.unwrap();
                known.push(read_behind_the_back(&db, &before_later).await.unwrap());
            }
            if order == [0, 1] {
                // The later return restates the care it shows begun before its year
                // (legal status and placement at its first episode); the earlier one
                // already holds all of it, so nothing before the later year is added.
                assert_eq!(known[0], known[1], "{}", db.label);
            }
            // Care running from one year into the next is one period of care.
            assert_eq!(
                read_behind_the_back(&db, overlapping).await.unwrap(),
                vec![vec!["0".to_owned()]],
                "{} {order:?}",
                db.label
            );
            let mut again = Vec::new();
            for (y, tables) in &made {
                let exported = exported(&app, *y).await;
                assert_eq!(
                    in_order(&exported),
                    in_order(tables),
                    "{} {order:?} {y}",
                    db.label
                );
                again.push(in_order(&exported));
            }
            exports.push((db.label, order, again));
        }
    }
    // Whichever year came first, each backend makes the same returns, row for row.
    for (label, order, again) in &exports {
        assert_eq!(again, &exports[0].2, "{label} {order:?}");
    }
}

#[tokio::test]
async fn a_child_first_imported_without_a_home_is_given_the_one_an_earlier_return_shows() {
    let file = |name: &str, text: &str| carebridge_returns::ssda903::Source {
        name: name.to_owned(),
        content: text.as_bytes().to_vec(),
    };
    let header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nL7,F,01/01/2008,WBRI,UN1,,\n";
    // In the later return only as a care leaver: no episode, so no home.
    let later = [file("Header.csv", header)];
    let earlier = [
        file("Header.csv", header),
        file(
            "Episodes.csv",
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             L7,01/05/2025,S,V2,N4,U1,PR1,01/01/2026,E13,,NM1 1AA,NM2 2BB,\n",
        ),
    ];
    let homes = "SELECT a.postcode FROM person_addresses a JOIN imported_records r \
                 ON r.record_id = a.child_id AND r.kind = 'child' AND r.key = 'L7'";
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 0).await;
        app.import_ssda903("2026-27".parse().unwrap(), "903", &later, "CSC")
            .await
            .unwrap();
        assert!(read_behind_the_back(&db, homes).await.unwrap().is_empty());
        for _ in 0..2 {
            app.import_ssda903(year(), "903", &earlier, "CSC")
                .await
                .unwrap();
            assert_eq!(
                read_behind_the_back(&db, homes).await.unwrap(),
                vec![vec!["NM1 1AA".to_owned()]],
                "{}",
                db.label
            );
        }
    }
}

#[tokio::test]
async fn an_older_return_imported_later_moves_the_start_of_care_and_keeps_a_later_close() {
    let file = |name: &str, text: &str| carebridge_returns::ssda903::Source {
        name: name.to_owned(),
        content: text.as_bytes().to_vec(),
    };
    let header = file(
        "Header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK3,M,01/01/2012,WBRI,UN5,,\n",
    );
    let columns = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";
    // 2026-27 shows the care from the move of September 2025 to its end in June 2026.
    let later = [
        header.clone(),
        file(
            "Episodes.csv",
            &format!("{columns}\nK3,01/09/2025,P,C2,N1,U4,PR1,01/06/2026,E4A,,,,\n"),
        ),
    ];
    // 2025-26 shows it from May 2025, still open on 31 March 2026.
    let earlier = [
        header,
        file(
            "Episodes.csv",
            &format!(
                "{columns}\nK3,01/05/2025,S,C2,N1,U6,PR1,01/09/2025,X1,CARPL,,,\n\
                 K3,01/09/2025,P,C2,N1,U4,PR1,,,,,,\n"
            ),
        ),
    ];
    let care = "SELECT i.starts_on, i.ends_on, i.closure_reason, i.closed_by FROM involvements i \
                JOIN imported_records r ON r.record_id = i.child_id AND r.kind = 'child' \
                AND r.key = 'K3' WHERE i.kind = 'looked_after'";
    for db in every_backend().await {
        let (app, _) = demo_app(&db, 0).await;
        app.import_ssda903("2026-27".parse().unwrap(), "903", &later, "CSC")
            .await
            .unwrap();
        // Closed by a person since, say: theirs it stays.
        behind_the_back(
            &db,
            "UPDATE involvements SET closed_by = 'tm.demo' WHERE closed_by IS NOT NULL",
        )
        .await
        .unwrap();
        let counts = app
            .import_ssda903(year(), "903", &earlier, "CSC")
            .await
            .unwrap();
        assert_eq!(
            (counts.work_created, counts.work_updated),
            (0, 1),
            "{}",
            db.label
        );
        assert_eq!(
            read_behind_the_back(&db, care).await.unwrap(),
            vec![vec![
                "2025-05-01".to_owned(),
                "2026-06-01".to_owned(),
                "RC7".to_owned(),
                "tm.demo".to_owned()
            ]],
            "{}",
            db.label
        );
    }
}
