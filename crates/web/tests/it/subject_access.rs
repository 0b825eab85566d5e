//! Subject access requests over HTTP, on SQLite and PostgreSQL: the IG lead's form, the
//! CSRF check on the POST that produces the bundle, the printable page and the JSON
//! download (never cached, file names without the child's name), field errors, and the
//! refusal for everyone else.

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_domain::casefile::notes::{NoteInput, NoteKind};
use carebridge_domain::casefile::Problems;
use carebridge_domain::ChildId;

use crate::common::{client, csrf_token, get_text, servers, sign_in, start_on, Server};

/// A child the social worker may record on, with a note naming other people on it.
async fn planted(server: &Server) -> (ChildId, String) {
    let app = &server.app;
    let sw = Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let meta = RequestMeta::default();
    let today = app.clock().today();
    for child in (1..=120).map(ChildId) {
        let Ok(record) = app.open_record(&sw, &meta, child).await else {
            continue;
        };
        let Some(open) = record
            .involvements
            .iter()
            .find(|w| w.period.contains(today))
        else {
            continue;
        };
        app.add_note(
            &sw,
            &meta,
            child,
            NoteInput {
                involvement: Some(open.id),
                kind: Some(NoteKind::CaseNote),
                occurred_on: Some(today),
                child_seen: None,
                seen_alone: None,
                summary: "Call from the school".into(),
                body: "The headteacher Mr Hollis rang on 01632 960123.\nHer stepdad collected her."
                    .into(),
            },
            Problems::new(),
        )
        .await
        .unwrap();
        let name = format!("{} {}", record.child.given_name, record.child.family_name);
        return (child, name);
    }
    panic!("no record in the social worker's scope");
}

#[tokio::test]
async fn the_ig_lead_exports_a_bundle_as_a_page_and_as_json() {
    for server in servers(120).await {
        let (child, name) = planted(&server).await;
        let c = client();
        sign_in(&server, &c, "ig.demo").await;

        // From the governance page, by record number.
        let response = c
            .get(server.url(&format!("/governance/subject-access?child={}", child.0)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let form_path = format!("/children/{}/subject-access", child.0);
        assert_eq!(response.headers()["location"], form_path.as_str());
        let response = c
            .get(server.url("/governance/subject-access?child=abc"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("whole number"));

        let form = get_text(&c, server.url(&form_path)).await;
        assert!(form.contains("Request reference"), "{form}");
        let token = csrf_token(&form);

        // Without the session's token: refused, and nothing exported.
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", "forged"),
                ("reference", "SAR-1"),
                ("requester", "the child"),
                ("format", "json"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);

        // Every field's problem at once, the values kept.
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("reference", ""),
                ("requester", "a solicitor for the child"),
                ("format", "pdf"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("href=\"#reference\""), "{page}");
        assert!(page.contains("href=\"#format\""), "{page}");
        assert!(page.contains("value=\"a solicitor for the child\""));

        // The printable page.
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("reference", "SAR/2026 0042"),
                ("requester", "a parent with parental responsibility"),
                ("format", "html"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", server.db.label);
        let headers = response.headers().clone();
        assert_eq!(headers["cache-control"], "no-store");
        let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(
            disposition,
            format!(
                "inline; filename=\"subject-access-child-{}-SAR-2026-0042.html\"",
                child.0
            )
        );
        for word in name.split_whitespace() {
            assert!(!disposition.contains(word), "{disposition}");
        }
        let page = response.text().await.unwrap();
        assert!(page.contains(&format!("The record of {name}")));
        assert!(page.contains("Review before release"));
        assert!(
            page.contains("<mark id=\"marked-"),
            "flagged passages are marked"
        );
        assert!(page.contains(">Mr Hollis</mark>"), "{page}");
        assert!(page.contains(">01632 960123</mark>"), "{page}");
        assert!(page.contains(">stepdad</mark>"), "{page}");
        assert!(
            page.contains("href=\"#marked-"),
            "the checklist links to the marked passages"
        );
        assert!(
            !page.contains("govuk-service-navigation"),
            "standalone: no navigation"
        );

        // The JSON download, with the same flags.
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("reference", "SAR-2026-0042"),
                ("requester", "the child"),
                ("format", "json"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(
            headers["content-disposition"],
            format!(
                "attachment; filename=\"subject-access-child-{}-SAR-2026-0042.json\"",
                child.0
            )
            .as_str()
        );
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["format"], "carebridge-subject-access/1");
        assert_eq!(json["child"]["id"], child.0);
        let flags = json["flags"].as_array().unwrap();
        for (kind, text) in [
            ("name", "Mr Hollis"),
            ("professional", "headteacher"),
            ("phone", "01632 960123"),
            ("relationship", "stepdad"),
        ] {
            assert!(
                flags.iter().any(|f| f["kind"] == kind && f["text"] == text),
                "{kind} {text}: {flags:#?}"
            );
        }

        // Both exports and the refused one are in the access log.
        let log = get_text(&c, server.url(&format!("/children/{}/access-log", child.0))).await;
        assert_eq!(log.matches("subject-access-export").count(), 2, "{log}");
        assert!(log.contains("SAR-2026-0042") && log.contains("as json"));
    }
}

#[tokio::test]
async fn nobody_else_may_export_a_record() {
    let server = start_on(carebridge_testkit::sqlite(), 20).await;
    for username in ["sw.demo", "director.demo", "analyst.demo", "admin.demo"] {
        let c = client();
        let home = sign_in(&server, &c, username).await;
        let token = csrf_token(&home);
        let form = c
            .get(server.url("/children/1/subject-access"))
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), 403, "{username}");
        let response = c
            .post(server.url("/children/1/subject-access"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("reference", "SAR-9"),
                ("requester", "the child"),
                ("format", "json"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{username}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("permission") && !body.contains("\"flags\""),
            "{body}"
        );
    }
    // Each refused POST is in the log, with its reference.
    let c = client();
    sign_in(&server, &c, "ig.demo").await;
    let log = get_text(&c, server.url("/children/1/access-log")).await;
    assert_eq!(log.matches("SAR-9").count(), 4, "{log}");
}
