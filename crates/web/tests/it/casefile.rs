//! Recording on a child's record over real HTTP, on SQLite and PostgreSQL: a visit
//! through the GOV.UK form (every problem in the error summary, values kept, nothing
//! saved when invalid), the chronology it lands in, what is due, and a draft that
//! survives the session ending.

use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;
use carebridge_domain::ChildId;
use chrono::Duration;

use crate::common::{
    client, csrf_token, get_text, post_sign_in, servers, sign_in, start_on, Server,
};

/// A child the demo's social worker may record on, with work open today, and the id
/// of that work.
async fn workers_child(server: &Server) -> (ChildId, i64) {
    let app = &server.app;
    let sw = Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let today = app.clock().today();
    for child in (1..=120).map(ChildId) {
        if let Ok(r) = app.open_record(&sw, &RequestMeta::default(), child).await {
            if let Some(w) = r.involvements.iter().find(|w| w.period.contains(today)) {
                return (child, w.id.0);
            }
        }
    }
    panic!("the social worker has no open work among the first 120 children");
}

/// The number of notes on a child's record.
async fn notes_on(server: &Server, child: ChildId) -> usize {
    let app = &server.app;
    let sw = Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    app.open_record(&sw, &RequestMeta::default(), child)
        .await
        .unwrap()
        .notes
        .len()
}

#[tokio::test]
async fn a_visit_is_recorded_through_the_form_and_lands_in_the_chronology() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, work) = workers_child(&server).await;
        let form_path = format!("/children/{child}/notes/new");
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(form.contains("Record a visit or note"), "{form}");
        assert!(form.contains(&format!("data-autosave=\"/children/{child}/drafts/note\"")));
        let token = csrf_token(&form);

        // Empty apart from a summary: every problem named, linked to its field, the
        // summary kept, nothing saved.
        let before = notes_on(&server, child).await;
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "visit"),
                ("occurred_day", "31"),
                ("occurred_month", "2"),
                ("occurred_year", "2026"),
                ("summary", "Kept on error"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("<title>Error: "), "{page}");
        for (anchor, message) in [
            ("#involvement", "Select the piece of work this is about"),
            ("#occurred_day", "The date it happened must be a real date"),
            ("#child_seen", "Select whether the child was seen"),
            ("#body", "Enter the note"),
        ] {
            assert!(
                page.contains(&format!("<a href=\"{anchor}\">{message}</a>")),
                "{anchor} {message}:\n{page}"
            );
        }
        assert!(page.contains("value=\"Kept on error\""));
        assert!(page.contains("value=\"31\""));
        assert_eq!(notes_on(&server, child).await, before);

        // A good one.
        let today = server.app.clock().today();
        let (d, m, y) = (
            today.format("%-d").to_string(),
            today.format("%-m").to_string(),
            today.format("%Y").to_string(),
        );
        let work = work.to_string();
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("involvement", work.as_str()),
                ("kind", "visit"),
                ("occurred_day", d.as_str()),
                ("occurred_month", m.as_str()),
                ("occurred_year", y.as_str()),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
                ("summary", "Statutory visit at home"),
                (
                    "body",
                    "Saw the child alone in their room.\nThey showed me their drawings.",
                ),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("/children/{child}/chronology?recorded=note-")));
        assert_eq!(notes_on(&server, child).await, before + 1);

        let chronology = get_text(&c, server.url(&location)).await;
        assert!(chronology.contains("Saved to the record"));
        assert!(chronology.contains("Visit: Statutory visit at home"));
        assert!(chronology.contains("Child seen alone"));
        assert!(chronology.contains("They showed me their drawings."));
        // Filtering to events only hides it.
        let events_only = get_text(
            &c,
            server.url(&format!("/children/{child}/chronology?type=event")),
        )
        .await;
        assert!(!events_only.contains("Statutory visit at home"));

        // The child page offers recording and shows what is due.
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(record.contains("What is due"));
        assert!(record.contains(&form_path));
    }
}

#[tokio::test]
async fn an_event_form_asks_for_its_coded_details() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, _) = workers_child(&server).await;
        let chooser = get_text(&c, server.url(&format!("/children/{child}/events/new"))).await;
        assert!(chooser.contains("What happened?"));
        let form = get_text(
            &c,
            server.url(&format!(
                "/children/{child}/events/new?kind=placement-started"
            )),
        )
        .await;
        assert!(form.contains("Placement type"));
        assert!(form.contains("Children&#39;s home") || form.contains("Children's home"));
        let token = csrf_token(&form);
        let response = c
            .post(server.url(&format!("/children/{child}/events/new")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "placement-started"),
                ("place", "H5"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("<a href=\"#place\">"), "{page}");
        assert!(page.contains("<a href=\"#occurred_day\">Enter the date it happened</a>"));
    }
}

#[tokio::test]
async fn a_draft_survives_the_session_ending_and_comes_back_after_sign_in() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, _) = workers_child(&server).await;
        let form_path = format!("/children/{child}/notes/new");
        let draft_url = server.url(&format!("/children/{child}/drafts/note"));
        let token = csrf_token(&get_text(&c, server.url(&form_path)).await);
        let typed = "Twenty minutes of an assessment, typed before the session ended";
        let response = c
            .post(&draft_url)
            .form(&[
                ("csrf_token", token.as_str()),
                ("summary", "Assessment visit"),
                ("body", typed),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: serde_json::Value = response.json().await.unwrap();
        assert!(answer["saved_at"].as_str().unwrap().contains(':'));

        // The idle timeout passes: autosave is told the session ended...
        server.clock.advance(Duration::minutes(31));
        let response = c
            .post(&draft_url)
            .form(&[("csrf_token", token.as_str()), ("body", "lost")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // ...the form sends the person to sign in, and back to the form after.
        let response = c.get(server.url(&form_path)).send().await.unwrap();
        assert_eq!(response.status(), 303);
        let to = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(to, format!("/sign-in?next={form_path}"));
        let signed_in = post_sign_in(
            &server,
            &c,
            &to,
            "sw.demo",
            carebridge_demo::DEMO_PASSWORD,
            &form_path,
        )
        .await;
        assert_eq!(signed_in.status(), 303);
        assert_eq!(signed_in.headers()["location"], form_path.as_str());
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(form.contains("has been put back into the form"), "{form}");
        assert!(form.contains(typed));
        assert!(form.contains("value=\"Assessment visit\""));

        // Discarding it empties the form.
        let token = csrf_token(&form);
        let response = c
            .post(server.url(&format!("/children/{child}/drafts/note/discard")))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(!form.contains(typed));
    }
}

/// The chronology page of a record with a visit and a conference recorded at fixed
/// times, as text (the demo and the clock are deterministic).
#[tokio::test]
async fn the_chronology_reads_as_it_did() {
    let server = start_on(carebridge_testkit::sqlite(), 120).await;
    let c = client();
    sign_in(&server, &c, "sw.demo").await;
    let app = &server.app;
    let sw = Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let today = app.clock().today();
    // The social worker's child with the longest history, so it crosses the 2022
    // change of provider.
    let mut best = None;
    for id in (1..=120).map(ChildId) {
        if let Ok(r) = app.open_record(&sw, &RequestMeta::default(), id).await {
            if let Some(w) = r.involvements.iter().find(|w| w.period.contains(today)) {
                let first = r
                    .involvements
                    .iter()
                    .map(|w| w.period.start())
                    .min()
                    .unwrap();
                if best.as_ref().is_none_or(|(_, _, f)| first < *f) {
                    best = Some((id, w.id.0, first));
                }
            }
        }
    }
    let (child, work, _) = best.unwrap();
    app.add_note(
        &sw,
        &RequestMeta::default(),
        child,
        carebridge_domain::casefile::notes::NoteInput {
            involvement: Some(carebridge_domain::InvolvementId(work)),
            kind: Some(carebridge_domain::casefile::notes::NoteKind::Visit),
            occurred_on: Some(today),
            child_seen: Some(true),
            seen_alone: Some(false),
            summary: "Home visit".into(),
            body: "Saw the child with their grandmother.".into(),
        },
        Default::default(),
    )
    .await
    .unwrap();
    let html = get_text(&c, server.url(&format!("/children/{child}/chronology"))).await;
    let start = html
        .find("<table class=\"govuk-table cb-chronology\">")
        .unwrap();
    let end = html[start..].find("</table>").unwrap() + start;
    insta::assert_snapshot!(text_of(&html[start..end]));
}

/// The visible text of some HTML, a line per row or paragraph.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match ch {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' => {
                in_tag = false;
                if tag.starts_with("/tr") || tag.starts_with("br") || tag.starts_with("/p") {
                    out.push('\n');
                } else if tag.starts_with("/td") || tag.starts_with("/th") {
                    out.push_str(" | ");
                }
            }
            _ if in_tag => tag.push(ch),
            _ => out.push(ch),
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .replace("&#39;", "'")
}

#[tokio::test]
async fn a_family_member_is_added_through_the_form_and_shown_on_the_record() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, _) = workers_child(&server).await;
        let form_path = format!("/children/{child}/relationships/new");
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(
            record.contains(&format!("href=\"{form_path}\"")),
            "{record}"
        );
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(form.contains("Add a family member or significant person"));
        let token = csrf_token(&form);

        // A father "with PR as a birth mother", no name, an impossible birth date: each
        // problem named and linked, what was typed kept, nothing saved.
        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "father"),
                ("other", "new"),
                ("family_name", "Okafor"),
                ("born_day", "30"),
                ("born_month", "2"),
                ("born_year", "1988"),
                ("responsibility", "yes"),
                ("basis", "birth-mother"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        for (anchor, message) in [
            ("#given_name", "Enter their first name"),
            ("#born_day", "Their date of birth must be a real date"),
            (
                "#basis",
                "A father can have parental responsibility only through",
            ),
        ] {
            assert!(
                page.contains(&format!("<a href=\"{anchor}\">{message}")),
                "{anchor} {message}:\n{page}"
            );
        }
        assert!(page.contains("value=\"Okafor\""));
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(!record.contains("Emeka Okafor"));

        let response = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "father"),
                ("other", "new"),
                ("given_name", "Emeka"),
                ("family_name", "Okafor"),
                ("born_day", "28"),
                ("born_month", "2"),
                ("born_year", "1988"),
                ("responsibility", "yes"),
                ("basis", "birth-registration"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.ends_with("#family"), "{location}");
        let record = get_text(&c, server.url(&location)).await;
        assert!(record.contains("Emeka Okafor"), "{record}");
        assert!(record.contains("Yes: named on the birth certificate"));
        assert!(record.contains("28 February 1988"));

        // Record the end of it, from the link on the record: a future day is refused
        // with the date kept; yesterday is saved and shown with its dates.
        let end_path = record
            .split("href=\"")
            .filter_map(|h| h.split('"').next())
            .find(|h| h.ends_with("/end") && h.contains("/relationships/"))
            .unwrap_or_else(|| panic!("no end link in\n{record}"))
            .to_owned();
        let form = get_text(&c, server.url(&end_path)).await;
        assert!(form.contains("Record that a relationship ended"), "{form}");
        assert!(form.contains("Emeka Okafor"));
        let token = csrf_token(&form);
        let today = server.app.clock().today();
        let date = |d: chrono::NaiveDate| {
            use chrono::Datelike;
            [d.day(), d.month(), d.year() as u32].map(|n| n.to_string())
        };
        let [d, m, y] = date(today + chrono::Days::new(2));
        let response = c
            .post(server.url(&end_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("ended_day", d.as_str()),
                ("ended_month", m.as_str()),
                ("ended_year", y.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("<a href=\"#ended_day\">The date it ended must be today or in the past"),
            "{page}"
        );
        assert!(page.contains(&format!("value=\"{y}\"")));
        let yesterday = today.pred_opt().unwrap();
        let [d, m, y] = date(yesterday);
        let response = c
            .post(server.url(&end_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("ended_day", d.as_str()),
                ("ended_month", m.as_str()),
                ("ended_year", y.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let record = get_text(&c, server.url(&location)).await;
        assert!(
            record.contains(&format!("Until {}", carebridge_web_day(yesterday))),
            "{record}"
        );
        assert!(
            !record.contains(&format!("href=\"{end_path}\"")),
            "ended: no link"
        );
    }
}

/// A date as the pages write it ("3 December 2026").
fn carebridge_web_day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The value of the first of a form's options (`<option value=…>`, not the blank one)
/// whose label contains `label`.
fn option_value(page: &str, label: &str) -> String {
    page.split("<option value=\"")
        .skip(1)
        .filter(|o| !o.starts_with('"'))
        .find(|o| o.split('<').next().is_some_and(|t| t.contains(label)))
        .and_then(|o| o.split('"').next())
        .unwrap_or_else(|| panic!("no option {label:?} in\n{page}"))
        .to_owned()
}

#[tokio::test]
async fn the_story_of_a_new_child_register_start_a_plan_visit_and_see_what_is_due() {
    for server in servers(20).await {
        // A social worker in children's social care (the demo's own is in the disabled
        // children's service): an account for whoever holds such a post today.
        let today = server.app.clock().today();
        let services = server.app.store().services().await.unwrap();
        let csc = services
            .iter()
            .find(|s| s.code.as_str() == "CSC")
            .unwrap()
            .id;
        let holder = server
            .app
            .store()
            .posts(today)
            .await
            .unwrap()
            .into_iter()
            .find(|p| {
                p.service == csc && p.post.role == carebridge_domain::staff::Role::SocialWorker
            })
            .and_then(|p| p.holder)
            .expect("someone holds a social worker post in children's social care")
            .0;
        server
            .app
            .create_user(
                "csc.sw",
                "Children's social worker",
                carebridge_domain::staff::Role::SocialWorker,
                carebridge_demo::DEMO_PASSWORD,
                Some(holder),
            )
            .await
            .unwrap();
        let c = client();
        let home = sign_in(&server, &c, "csc.sw").await;
        let token = csrf_token(&home);
        let nhs = (999_999_200..)
            .find_map(carebridge_domain::identifiers::NhsNumber::with_check_digit)
            .unwrap();
        let registered = c
            .post(server.url("/children"))
            .form(&crate::http::registration(&token, &nhs.spaced(), "NM4 1AA"))
            .send()
            .await
            .unwrap();
        assert_eq!(registered.status(), 303);
        let record_path = registered.headers()["location"]
            .to_str()
            .unwrap()
            .to_owned();
        let child: i64 = record_path.rsplit('/').next().unwrap().parse().unwrap();
        let record = get_text(&c, server.url(&record_path)).await;
        assert!(record.contains("Referral and assessment"), "{record}");
        assert!(!record.contains("Visit the child (child protection plan)"));

        // A strategy discussion starts section 47 enquiries under the referral: the
        // initial conference falls due.
        let event_form = get_text(
            &c,
            server.url(&format!(
                "/children/{child}/events/new?kind=strategy-discussion"
            )),
        )
        .await;
        let referral = option_value(&event_form, "Referral and assessment");
        let (d, m, y) = (
            today.format("%-d").to_string(),
            today.format("%-m").to_string(),
            today.format("%Y").to_string(),
        );
        let discussed = c
            .post(server.url(&format!("/children/{child}/events/new")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("involvement", referral.as_str()),
                ("kind", "strategy-discussion"),
                ("occurred_day", d.as_str()),
                ("occurred_month", m.as_str()),
                ("occurred_year", y.as_str()),
                ("s47", "Y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            discussed.status(),
            303,
            "{}",
            discussed.text().await.unwrap()
        );
        let record = get_text(&c, server.url(&record_path)).await;
        assert!(
            record.contains("Hold the initial child protection conference"),
            "{record}"
        );

        // The assessment is authorised with the factors it identified, ticked as
        // checkboxes (two values of one field), and the primary need.
        let assessment_form = get_text(
            &c,
            server.url(&format!(
                "/children/{child}/events/new?kind=assessment-completed"
            )),
        )
        .await;
        assert!(
            assessment_form.contains("type=\"checkbox\" value=\"16A\"")
                || assessment_form.contains("name=\"factors\" type=\"checkbox\" value=\"16A\""),
            "{assessment_form}"
        );
        let assessed = c
            .post(server.url(&format!("/children/{child}/events/new")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("involvement", referral.as_str()),
                ("kind", "assessment-completed"),
                ("occurred_day", d.as_str()),
                ("occurred_month", m.as_str()),
                ("occurred_year", y.as_str()),
                ("need", "N1"),
                ("factors", "16A"),
                ("factors", "3B"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(assessed.status(), 303, "{}", assessed.text().await.unwrap());
        let chronology = get_text(&c, server.url(&format!("/children/{child}/chronology"))).await;
        assert!(
            chronology.contains(
                "Factors identified at the assessment: Domestic abuse: concerns about a parent or carer; Abuse or neglect: neglect"
            ),
            "{chronology}"
        );
        assert!(
            chronology.contains("Primary need: Abuse or neglect"),
            "{chronology}"
        );

        // A child protection plan: in a team of the wrong kind first, then in time.
        let form_path = format!("/children/{child}/work/new");
        let form = get_text(&c, server.url(&form_path)).await;
        let team = option_value(&form, "");
        let wrong = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "early_help"),
                ("team", team.as_str()),
                ("starts_day", d.as_str()),
                ("starts_month", m.as_str()),
                ("starts_year", y.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 422);
        let page = wrong.text().await.unwrap();
        assert!(
            page.contains("<a href=\"#team\">") && page.contains("cannot hold early help work"),
            "{page}"
        );
        let started = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "child_protection"),
                ("team", team.as_str()),
                ("starts_day", d.as_str()),
                ("starts_month", m.as_str()),
                ("starts_year", y.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), 303, "{}", started.text().await.unwrap());
        let record = get_text(
            &c,
            server.url(started.headers()["location"].to_str().unwrap()),
        )
        .await;
        assert!(record.contains("Child protection"), "{record}");
        assert!(
            record.contains("Visit the child (child protection plan)"),
            "{record}"
        );
        // A second plan while this one is open is refused, by field.
        let again = c
            .post(server.url(&form_path))
            .form(&[
                ("csrf_token", token.as_str()),
                ("kind", "child_protection"),
                ("team", team.as_str()),
                ("starts_day", d.as_str()),
                ("starts_month", m.as_str()),
                ("starts_year", y.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 422);
        assert!(again
            .text()
            .await
            .unwrap()
            .contains("There is already child protection work from"));

        // A visit under the plan lands in the chronology beside the plan.
        let note_form = get_text(&c, server.url(&format!("/children/{child}/notes/new"))).await;
        let plan = option_value(&note_form, "Child protection");
        let visited = c
            .post(server.url(&format!("/children/{child}/notes/new")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("involvement", plan.as_str()),
                ("kind", "visit"),
                ("occurred_day", d.as_str()),
                ("occurred_month", m.as_str()),
                ("occurred_year", y.as_str()),
                ("child_seen", "yes"),
                ("seen_alone", "yes"),
                ("summary", "First visit under the plan"),
                ("body", "Saw Ada alone at home."),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(visited.status(), 303);
        let chronology = get_text(&c, server.url(&format!("/children/{child}/chronology"))).await;
        assert!(
            chronology.contains("First visit under the plan"),
            "{chronology}"
        );
        assert!(chronology.contains("Child protection"));
    }
}

#[tokio::test]
async fn a_document_is_uploaded_listed_and_downloaded_with_the_same_bytes() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, work) = workers_child(&server).await;
        let form_path = format!("/children/{child}/documents/new");
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(form.contains("enctype=\"multipart/form-data\""));
        let token = csrf_token(&form);
        let upload = |filename: &'static str, bytes: Vec<u8>, title: &'static str| {
            reqwest::multipart::Form::new()
                .text("csrf_token", token.clone())
                .text("involvement", work.to_string())
                .text("title", title)
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(filename),
                )
        };

        // A program renamed .pdf, and no title: both named, the title field kept empty,
        // nothing saved.
        let response = c
            .post(server.url(&form_path))
            .multipart(upload("plan.pdf", b"MZ\x90\x00program".to_vec(), ""))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("<a href=\"#title\">Enter what the document is</a>"),
            "{page}"
        );
        assert!(
            page.contains("<a href=\"#file\">The file must be a PDF"),
            "{page}"
        );

        // Larger than the limit: refused with the limit named.
        let big = vec![b'%'; carebridge_domain::casefile::attachments::MAX_ATTACHMENT_BYTES + 10];
        let response = c
            .post(server.url(&form_path))
            .multipart(upload("scan.pdf", big, "A scan"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("smaller than 20 MB"));

        // A real one: on the record, and back byte for byte with its type and name.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend((0..=255u8).cycle().take(5_000));
        let response = c
            .post(server.url(&form_path))
            .multipart(upload("Zoë's drawing.png", png.clone(), "Drawing of home"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let record = get_text(
            &c,
            server.url(response.headers()["location"].to_str().unwrap()),
        )
        .await;
        assert!(record.contains("Drawing of home"), "{record}");
        let href = record
            .split(&format!("href=\"/children/{child}/documents/"))
            .skip(1)
            .filter_map(|r| r.split('"').next())
            .find(|id| *id != "new")
            .unwrap()
            .to_owned();
        let download = c
            .get(server.url(&format!("/children/{child}/documents/{href}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers()["content-type"], "image/png");
        let disposition = download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.contains("filename*=UTF-8''Zo%C3%AB%27s%20drawing.png"),
            "{disposition}"
        );
        assert_eq!(download.headers()["cache-control"], "no-store");
        assert_eq!(download.bytes().await.unwrap().to_vec(), png);
    }
}

#[tokio::test]
async fn a_persons_details_are_corrected_keeping_the_old_name_and_address() {
    for server in servers(120).await {
        let c = client();
        sign_in(&server, &c, "sw.demo").await;
        let (child, _) = workers_child(&server).await;
        let sw = carebridge_testkit::actor(&server.app, "sw.demo").await;
        let meta = RequestMeta::default();
        let (_, as_is) = server.app.person_form(&sw, &meta, child).await.unwrap();
        let form_path = format!("/children/{child}/person");
        let form = get_text(&c, server.url(&form_path)).await;
        assert!(
            form.contains(&format!("value=\"{}\"", as_is.family_name)),
            "{form}"
        );
        let token = csrf_token(&form);
        let body = |family: &str, nhs: &str, postcode: &str| {
            vec![
                ("csrf_token", token.clone()),
                ("given_name", as_is.given_name.clone()),
                ("family_name", family.to_owned()),
                ("sex", as_is.sex.clone()),
                ("born_day", as_is.born.0.clone()),
                ("born_month", as_is.born.1.clone()),
                ("born_year", as_is.born.2.clone()),
                ("expected_day", as_is.expected.0.clone()),
                ("expected_month", as_is.expected.1.clone()),
                ("expected_year", as_is.expected.2.clone()),
                ("nhs_number", nhs.to_owned()),
                ("upn", as_is.upn.clone()),
                ("postcode", postcode.to_owned()),
                ("ethnicity", as_is.ethnicity.clone()),
                ("gender", as_is.gender.clone()),
                ("first_language", as_is.first_language.clone()),
                ("religion", as_is.religion.clone()),
                ("uasc", as_is.uasc.clone()),
                ("immigration_status", as_is.immigration_status.clone()),
            ]
            .into_iter()
            .chain(as_is.disabilities.iter().map(|d| ("disability", d.clone())))
            .collect::<Vec<_>>()
        };

        // A bad NHS number: named and linked, what was typed kept, nothing changed.
        let response = c
            .post(server.url(&form_path))
            .form(&body("Hartley-Vance", "123", "NM7 7ZZ"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("href=\"#nhs_number\""), "{page}");
        assert!(page.contains("value=\"Hartley-Vance\""));
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(!record.contains("Hartley-Vance"));

        // A new family name and a move: the old name kept as a previous name, the old
        // address ended, and search still finds the child by the old name.
        let response = c
            .post(server.url(&form_path))
            .form(&body("Hartley-Vance", &as_is.nhs_number, "NM7 7ZZ"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(
            record.contains(&format!("{} Hartley-Vance", as_is.given_name)),
            "{record}"
        );
        assert!(
            record.contains(&format!("{} {}", as_is.given_name, as_is.family_name)),
            "the previous name is on the record: {record}"
        );
        assert!(record.contains("NM7 7ZZ"));
        let opened = server.app.open_record(&sw, &meta, child).await.unwrap();
        let today = server.app.clock().today();
        assert_eq!(
            opened
                .person
                .address_on(today)
                .map(|a| a.postcode.as_str().to_owned()),
            Some("NM7 7ZZ".to_owned())
        );
        for q in [as_is.family_name.as_str(), "Hartley-Vance"] {
            let found = server.app.search_children(&sw, &meta, q).await.unwrap();
            assert!(found.iter().any(|r| r.child.id == child), "{q}");
        }
        let log = server
            .app
            .store()
            .audit_of_child(child, None, 100)
            .await
            .unwrap();
        let edit = log
            .iter()
            .find(|e| e.entry.action == "edit-person")
            .unwrap();
        assert!(
            edit.entry.reason.starts_with("changed name, address;"),
            "{}",
            edit.entry.reason
        );

        // The other details: a first language and two disabilities ticked (the field
        // repeats); "No disability" with a disability is refused, nothing changed.
        let form = get_text(&c, server.url(&form_path)).await;
        let token = csrf_token(&form);
        let mut other = body("Hartley-Vance", &as_is.nhs_number, "NM7 7ZZ");
        other.retain(|(k, _)| !matches!(*k, "csrf_token" | "disability" | "first_language"));
        other.push(("csrf_token", token.clone()));
        other.push(("first_language", "Kurdish (Sorani)".to_owned()));
        let mut refused = other.clone();
        refused.push(("disability", "NONE".to_owned()));
        refused.push(("disability", "HEAR".to_owned()));
        let response = c
            .post(server.url(&form_path))
            .form(&refused)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("href=\"#disability\""), "{page}");
        assert!(
            page.contains("value=\"Kurdish (Sorani)\""),
            "typed text kept"
        );
        assert!(page.contains("value=\"HEAR\" checked"), "ticks kept");
        other.push(("disability", "HEAR".to_owned()));
        other.push(("disability", "AUT".to_owned()));
        let response = c
            .post(server.url(&form_path))
            .form(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let record = get_text(&c, server.url(&format!("/children/{child}"))).await;
        assert!(record.contains("Kurdish (Sorani)"), "{record}");
        assert!(
            record.contains("Hearing, Autism or Asperger syndrome"),
            "{record}"
        );
        let log = server
            .app
            .store()
            .audit_of_child(child, None, 3)
            .await
            .unwrap();
        let edit = log
            .iter()
            .find(|e| e.entry.action == "edit-person")
            .unwrap();
        assert!(
            edit.entry
                .reason
                .starts_with("changed first language, disability;"),
            "{}",
            edit.entry.reason
        );
    }
}
