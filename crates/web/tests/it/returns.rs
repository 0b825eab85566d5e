//! Checking a statutory return in the browser: an analyst uploads a generated 903
//! return and sees every rule that flagged rows with its count and rows, the same as
//! the validator finds in-process; a broken CIN census or a missing file is named on the
//! form; people whose role does not make returns are refused.

use carebridge_returns::ssda903::{self, CollectionYear, Return, Source};

use crate::common::{client, csrf_token, get_text, sign_in, start};

fn upload(
    token: &str,
    kind: &str,
    year: &str,
    files: &[(String, Vec<u8>)],
) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token.to_owned())
        .text("kind", kind.to_owned())
        .text("year", year.to_owned());
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()),
        );
    }
    form
}

/// Posts the form; the status and the page.
async fn post(
    c: &reqwest::Client,
    server: &crate::common::Server,
    form: reqwest::multipart::Form,
) -> (u16, String) {
    let response = c
        .post(server.url("/returns"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The report lists exactly the rules that fired, each with its count.
fn lists_the_rules(page: &str, fired: &[&ssda903::RuleOutcome]) {
    let rows: usize = fired.iter().map(|o| o.flags.len()).sum();
    assert!(
        page.contains(&format!("{} rules flagged {rows} rows", fired.len())),
        "{page}"
    );
    assert_eq!(
        page.matches("<details class=\"govuk-details\" id=\"rule-")
            .count(),
        fired.len()
    );
    for o in fired {
        assert!(
            page.contains(&format!("Rule {}: {} rows", o.facts.code, o.flags.len())),
            "rule {}",
            o.facts.code
        );
    }
}

#[tokio::test]
async fn an_analyst_checks_a_903_return_and_a_broken_census_is_named() {
    let server = start(20).await;
    let c = client();
    sign_in(&server, &c, "analyst.demo").await;
    let home = get_text(&c, server.url("/")).await;
    assert!(
        home.contains("href=\"/returns\""),
        "Returns is in the navigation"
    );
    let form = get_text(&c, server.url("/returns")).await;
    let token = csrf_token(&form);

    // A generated return with deliberate errors: the page lists exactly the rules the
    // validator flags, each with its count.
    let year: CollectionYear = "2026-27".parse().unwrap();
    let generated = ssda903::generate::generate(year, 200, 3);
    let files: Vec<(String, Vec<u8>)> = generated
        .this
        .iter()
        .map(|(t, csv)| (format!("{}.csv", t.as_str()), csv.clone().into_bytes()))
        .collect();
    let sources: Vec<Source> = files
        .iter()
        .map(|(n, b)| Source {
            name: n.clone(),
            content: b.clone(),
        })
        .collect();
    let expected = ssda903::validate(&Return::parse(year, &sources, &[]).unwrap());
    let fired: Vec<_> = expected
        .outcomes
        .iter()
        .filter(|o| !o.flags.is_empty())
        .collect();
    assert!(!fired.is_empty());
    let (status, page) = post(&c, &server, upload(&token, "ssda903", "2026-27", &files)).await;
    assert_eq!(status, 200);
    lists_the_rules(&page, &fired);
    assert!(page.contains("Episodes line "), "rows say where they are");
    assert!(
        page.contains("Needs "),
        "rules comparing years are listed as not run"
    );

    // The same files in one zip archive (in a folder, with what a Mac adds): the same
    // rules and counts, the rows named inside the archive.
    let archive = {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in &files {
            zip.start_file(format!("903/{name}"), options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.start_file("__MACOSX/903/._header.csv", options)
            .unwrap();
        zip.write_all(b"\0\x05\x16\x07").unwrap();
        zip.finish().unwrap().into_inner()
    };
    let zip_upload = upload(
        &token,
        "ssda903",
        "2026-27",
        &[("return.zip".into(), archive)],
    );
    let (status, zipped) = post(&c, &server, zip_upload).await;
    assert_eq!(status, 200);
    lists_the_rules(&zipped, &fired);
    assert!(
        zipped.contains("return.zip/903/"),
        "rows named inside the archive"
    );

    // An archive cut short: named on the form, nothing else.
    let (status, page) = post(
        &c,
        &server,
        upload(
            &token,
            "ssda903",
            "2026-27",
            &[("cut.zip".into(), b"PK\x03\x04 not really".to_vec())],
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("<a href=\"#files\">cut.zip: not a readable zip archive"),
        "{page}"
    );

    // A CIN census that is not well-formed XML: the form again, the file's problem named.
    let (status, page) = post(
        &c,
        &server,
        upload(
            &token,
            "cin",
            "2025-26",
            &[(
                "census.xml".into(),
                b"<Message><Header>\n<Collection>CIN</Header>".to_vec(),
            )],
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("<a href=\"#files\">census.xml line 2"),
        "{page}"
    );
    assert!(page.contains("value=\"cin\" checked"), "the choice is kept");

    // No files, no kind: each named.
    let (status, page) = post(&c, &server, upload(&token, "", "2026-27", &[])).await;
    assert_eq!(status, 422);
    assert!(page.contains("<a href=\"#kind\">Select which return the files are"));
    assert!(
        page.contains("<a href=\"#files\">Select the return&#39;s CSV files"),
        "{page}"
    );

    // A social worker does not make returns.
    let sw = client();
    sign_in(&server, &sw, "sw.demo").await;
    let refused = sw.get(server.url("/returns")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn an_analyst_downloads_annex_a_for_a_window_and_a_wrong_window_is_named() {
    use calamine::{Reader, Xlsx};
    let server = start(60).await;
    let c = client();
    sign_in(&server, &c, "analyst.demo").await;
    let returns = get_text(&c, server.url("/returns")).await;
    assert!(
        returns.contains("href=\"/returns/annex-a\""),
        "linked from Returns"
    );
    let form = get_text(&c, server.url("/returns/annex-a")).await;
    let token = csrf_token(&form);
    // The twelve months to today are filled in (the test clock's today).
    let today = carebridge_testkit::today();
    let from = today - chrono::Months::new(12) + chrono::Days::new(1);
    use chrono::Datelike;
    assert!(
        form.contains(&format!(
            "name=\"to_year\" type=\"text\" inputmode=\"numeric\" value=\"{}\"",
            today.year()
        )),
        "{form}"
    );
    assert!(
        form.contains(&format!(
            "name=\"from_day\" type=\"text\" inputmode=\"numeric\" value=\"{}\"",
            from.day()
        )),
        "{form}"
    );

    let fields = |from: (&str, &str, &str), to: (&str, &str, &str)| {
        vec![
            ("csrf_token", token.clone()),
            ("from_day", from.0.to_owned()),
            ("from_month", from.1.to_owned()),
            ("from_year", from.2.to_owned()),
            ("to_day", to.0.to_owned()),
            ("to_month", to.1.to_owned()),
            ("to_year", to.2.to_owned()),
        ]
    };
    let response = c
        .post(server.url("/returns/annex-a"))
        .form(&fields(("1", "12", "2025"), ("30", "11", "2026")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"annex-a-2025-12-01-to-2026-11-30.xlsx\""
    );
    assert_eq!(headers["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names()[0], "About");
    let about = book.worksheet_range("About").unwrap();
    let text: Vec<String> = about
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    let analyst = server
        .app
        .store()
        .user_by_username("analyst.demo")
        .await
        .unwrap()
        .unwrap();
    assert!(
        text.iter()
            .any(|t| t.ends_with(&format!(" by {}", analyst.display_name))),
        "{text:?}"
    );
    assert!(text
        .iter()
        .any(|t| t == "1 December 2025 to 30 November 2026 (both included)"));
    let list = book.worksheet_range("List 8").unwrap();
    let header: Vec<String> = list
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header[5],
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
    );

    // Not a date, and a window the wrong way round: the form again, each named.
    for (sent, message) in [
        (
            fields(("31", "2", "2026"), ("30", "11", "2026")),
            "The first day must be a real date",
        ),
        (
            fields(("1", "12", "2026"), ("30", "11", "2026")),
            "the window ends (2026-11-30) before it starts (2026-12-01)",
        ),
        (
            fields(("1", "1", "2024"), ("30", "11", "2026")),
            "Annex A covers at most twelve months",
        ),
        (
            fields(("", "", ""), ("30", "11", "2026")),
            "Enter the first day",
        ),
    ] {
        let response = c
            .post(server.url("/returns/annex-a"))
            .form(&sent)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("There is a problem") && page.contains(message),
            "{message}: {page}"
        );
        assert!(page.contains("value=\"30\""), "values kept");
    }

    // A social worker is refused, and the refusal is in the audit log.
    let c = client();
    let page = sign_in(&server, &c, "sw.demo").await;
    let token = csrf_token(&page);
    let refused = c
        .post(server.url("/returns/annex-a"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("to_day", "30"),
            ("to_month", "11"),
            ("to_year", "2026"),
            ("from_day", "1"),
            ("from_month", "12"),
            ("from_year", "2025"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let sw = server
        .app
        .store()
        .user_by_username("sw.demo")
        .await
        .unwrap()
        .unwrap();
    let last = server.app.store().audit_of_user(sw.id, 1).await.unwrap();
    assert_eq!(
        (last[0].entry.action.as_str(), last[0].entry.allowed),
        ("annex-a", false)
    );
}

#[tokio::test]
async fn an_analyst_makes_the_903_from_the_records_and_reaches_a_flagged_childs_record() {
    let server = start(80).await;
    let c = client();
    sign_in(&server, &c, "analyst.demo").await;
    let form = get_text(&c, server.url("/returns")).await;
    let token = csrf_token(&form);
    assert!(
        form.contains("action=\"/returns/ssda903\""),
        "offered on Returns"
    );

    // The CSV files, as one zip archive that reads back as the 903 tables.
    let response = c
        .post(server.url("/returns/ssda903"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("export_year", "2025-26"),
            ("action", "download"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"ssda903-2025-26.zip\""
    );
    let archive = Source {
        name: "ssda903-2025-26.zip".to_owned(),
        content: response.bytes().await.unwrap().to_vec(),
    };
    let files = carebridge_returns::source::unzip(vec![archive], 1 << 30).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    // Each table the records make for the year (no DoLo table before 2026-27).
    let expected: Vec<String> = ssda903::export::produced("2025-26".parse().unwrap())
        .iter()
        .map(|t| format!("ssda903-2025-26.zip/{}.csv", t.as_str()))
        .collect();
    assert_eq!(names, expected);
    assert!(names.contains(&"ssda903-2025-26.zip/Missing.csv"));
    assert!(!names.iter().any(|n| n.ends_with("DoLo.csv")));
    let ret = Return::parse("2025-26".parse().unwrap(), &files, &[]).unwrap();
    let header = ret.table(ssda903::TableName::Header).unwrap();
    assert!(!header.is_empty());

    // A child looked after that year recorded with sex not known: rule 232 flags them,
    // and the report links to their record.
    let child: i64 = {
        let text = String::from_utf8(files[0].content.clone()).unwrap();
        text.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    carebridge_testkit::behind_the_back(
        &server.db,
        &format!("UPDATE children SET sex = '0' WHERE id = {child}"),
    )
    .await
    .unwrap();
    let response = c
        .post(server.url("/returns/ssda903"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("export_year", "2025-26"),
            ("action", "report"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("SSDA903 2025-26: "), "{page}");
    assert!(page.contains("Rule 232: 1 rows"), "{page}");
    assert!(
        page.contains(&format!(
            "<a class=\"govuk-link\" href=\"/children/{child}\">{child}</a>"
        )),
        "{page}"
    );
    assert!(page.contains("Header.csv"));

    // No year: named on the form.
    let response = c
        .post(server.url("/returns/ssda903"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("export_year", "1999-00"),
            ("action", "report"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Select the collection year"));
}

#[tokio::test]
async fn an_analyst_makes_the_cin_census_from_the_records_and_reaches_a_flagged_childs_record() {
    use carebridge_returns::cin::{self, cols::cin_details, Census, TableName};

    let server = start(80).await;
    let c = client();
    sign_in(&server, &c, "analyst.demo").await;
    let form = get_text(&c, server.url("/returns")).await;
    let token = csrf_token(&form);
    assert!(
        form.contains("action=\"/returns/cin\""),
        "offered on Returns"
    );

    // The XML file, which reads back as a census.
    let response = c
        .post(server.url("/returns/cin"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("cin_year", "2025-26"),
            ("action", "download"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"CIN-2025-26.xml\""
    );
    let xml = response.bytes().await.unwrap();
    let year: CollectionYear = "2025-26".parse().unwrap();
    let census = Census::parse(year, "CIN-2025-26.xml", &xml).unwrap();
    let ids = census.table(TableName::ChildIdentifiers);
    assert!(!ids.is_empty());

    // A child whose episode closed in the year loses the reason it closed (as if it
    // had been recorded without one): rule 8805 flags them, and the report links to
    // their record.
    let episodes = census.table(TableName::CINdetails);
    let row = episodes
        .rows()
        .find(|r| episodes.date(*r, cin_details::CLOSURE_DATE).is_some())
        .expect("an episode closed in the year");
    let child: i64 = ids
        .text(
            episodes.child(row),
            cin::cols::child_identifiers::LA_CHILD_ID,
        )
        .unwrap()
        .parse()
        .unwrap();
    carebridge_testkit::behind_the_back(
        &server.db,
        &format!("UPDATE involvements SET closure_reason = NULL WHERE child_id = {child}"),
    )
    .await
    .unwrap();
    let response = c
        .post(server.url("/returns/cin"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("cin_year", "2025-26"),
            ("action", "report"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Rule 8805: "), "{page}");
    assert!(
        page.contains(&format!(
            "<a class=\"govuk-link\" href=\"/children/{child}\">{child}</a>"
        )),
        "{page}"
    );
    assert!(page.contains("CIN-2025-26.xml"));

    // No year: named on the form.
    let response = c
        .post(server.url("/returns/cin"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("cin_year", ""),
            ("action", "report"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Select the collection year"));
}
