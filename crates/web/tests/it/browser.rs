//! The web app in a real headless Chromium, driven through chromedriver: a person signs
//! in, visits every page, asks for the provision picture on a past date, makes a
//! mistake in the date, hits a missing page and signs out — and axe-core finds no
//! accessibility violation (WCAG 2.1 A and AA, and best practice) on any page seen.
//!
//! Needs `CHROMEDRIVER`, `CHROMIUM` and `CAREBRIDGE_AXE_JS` (scripts/test sets them).
//! Without them the test is skipped with a note, unless `CAREBRIDGE_REQUIRE_BROWSER` is
//! set, when it fails.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use carebridge_web::PAGE_ROUTES;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

struct Browser {
    client: Client,
    driver: Child,
    axe: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver and a headless Chromium, or None when they are not configured.
async fn browser() -> Option<Browser> {
    let (Ok(driver_path), Ok(chromium), Ok(axe_path)) = (
        std::env::var("CHROMEDRIVER"),
        std::env::var("CHROMIUM"),
        std::env::var("CAREBRIDGE_AXE_JS"),
    ) else {
        if std::env::var_os("CAREBRIDGE_REQUIRE_BROWSER").is_some() {
            panic!("CAREBRIDGE_REQUIRE_BROWSER is set but CHROMEDRIVER, CHROMIUM or CAREBRIDGE_AXE_JS is not: run scripts/test");
        }
        eprintln!("note: CHROMEDRIVER, CHROMIUM and CAREBRIDGE_AXE_JS are not all set; skipping the browser test (scripts/test sets them)");
        return None;
    };
    let axe = std::fs::read_to_string(&axe_path)
        .unwrap_or_else(|e| panic!("reading axe-core at {axe_path}: {e}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {driver_path}: {e}"));
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let capabilities = match capabilities {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..100 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver,
                    axe,
                    _profile: profile,
                })
            }
            Err(e) => {
                last_error = Some(e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("chromedriver did not start: {last_error:?}");
}

impl Browser {
    /// Runs axe-core on the current page and fails the test on any violation.
    async fn assert_accessible(&self, what: &str) {
        self.client.execute(&self.axe, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))))
                   .catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                vec![],
            )
            .await
            .unwrap();
        let violations = result.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "axe found accessibility violations on {what}:\n{}",
            serde_json::to_string_pretty(&violations).unwrap()
        );
    }

    /// The text of the element with this id.
    async fn text_of(&self, id: &str) -> String {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Types a date into the as-at control and shows the picture for it.
    async fn show_as_at(&self, day: &str, month: &str, year: &str) {
        self.fill("as-at-day", day).await;
        self.fill("as-at-month", month).await;
        self.fill("as-at-year", year).await;
        self.click_button("Show").await;
    }

    /// The text of the page's error summary.
    async fn error_summary(&self) -> String {
        let summary = self
            .client
            .find(Locator::Css(".govuk-error-summary"))
            .await
            .unwrap();
        summary.text().await.unwrap()
    }

    /// Fills in the sign-in form on the current page and sends it.
    async fn sign_in_as(&self, username: &str, password: &str) {
        self.fill("username", username).await;
        self.fill("password", password).await;
        self.click_button("Sign in").await;
    }

    async fn heading(&self) -> String {
        self.client
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn fill(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the button labelled `label` and waits for the next page to load.
    async fn click_button(&self, label: &str) {
        let old_page = self.client.find(Locator::Css("html")).await.unwrap();
        let xpath = format!("//button[normalize-space(.)='{label}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        for _ in 0..100 {
            // The old page's root goes stale once the browser has moved on.
            if old_page.tag_name().await.is_err() {
                let ready = self
                    .client
                    .execute("return document.readyState", vec![])
                    .await
                    .unwrap();
                if ready == "complete" {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("clicking {label:?} did not load a new page");
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_signs_in_looks_around_and_signs_out() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(60).await;

    // A page that needs sign-in sends the person to sign in, then back.
    b.client.goto(&server.url("/staff")).await.unwrap();
    assert_eq!(b.path().await, "/sign-in?next=/staff");
    assert_eq!(b.heading().await, "Sign in to Carebridge");
    b.assert_accessible("the sign-in page").await;

    b.sign_in_as("sw.demo", "not my password").await;
    assert!(b
        .error_summary()
        .await
        .contains("Enter a correct username and password"));
    b.assert_accessible("the sign-in page with an error").await;

    b.sign_in_as("sw.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    assert_eq!(b.path().await, "/staff");

    for path in PAGE_ROUTES {
        b.client.goto(&server.url(path)).await.unwrap();
        let title = b.client.title().await.unwrap();
        assert!(!title.starts_with("Page not found"), "{path}: {title}");
        b.assert_accessible(path).await;
    }

    // The provision picture on the day the services came back to the council.
    b.client.goto(&server.url("/provision")).await.unwrap();
    b.show_as_at("31", "3", "2022").await;
    assert_eq!(
        b.heading().await,
        "Who provides each service on 31 March 2022"
    );
    let on_date = b.text_of("on-date").await;
    assert!(on_date.contains("Northmoor Children's Trust"), "{on_date}");
    b.assert_accessible("the provision page as at 31 March 2022")
        .await;
    if let Ok(dir) = std::env::var("CAREBRIDGE_SCREENSHOTS") {
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(std::path::Path::new(&dir).join("provision.png"), png).unwrap();
    }

    b.show_as_at("1", "4", "2022").await;
    let on_date = b.text_of("on-date").await;
    assert!(
        !on_date.contains("Trust"),
        "everything is back with the council on 1 April 2022: {on_date}"
    );

    // A date that does not exist gets the GOV.UK error pattern.
    b.show_as_at("30", "2", "2022").await;
    let error = b.text_of("as-at-error").await;
    assert!(error.contains("Date must be a real date"), "{error}");
    b.assert_accessible("the provision page with a date error")
        .await;

    b.client.goto(&server.url("/no-such-page")).await.unwrap();
    assert_eq!(b.heading().await, "Page not found");
    b.assert_accessible("the 404 page").await;

    b.client.goto(&server.url("/")).await.unwrap();
    b.click_button("Sign out").await;
    assert_eq!(b.path().await, "/sign-in?signed_out=1");
    let banner = b
        .client
        .find(Locator::Css(".govuk-notification-banner"))
        .await
        .unwrap();
    assert!(banner.text().await.unwrap().contains("You have signed out"));
    b.assert_accessible("the signed-out page").await;
    b.client.goto(&server.url("/")).await.unwrap();
    assert!(b.path().await.starts_with("/sign-in"));

    b.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_director_executes_a_transfer_and_reads_the_report() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(30).await;
    let f = carebridge_testkit::TransferFixture::new(&server.app).await;
    b.client.goto(&server.url("/sign-in")).await.unwrap();
    b.sign_in_as("director.demo", carebridge_demo::DEMO_PASSWORD)
        .await;

    b.client.goto(&server.url("/transfers")).await.unwrap();
    assert_eq!(b.heading().await, "Transfers of services");
    b.assert_accessible("the transfers page").await;

    b.client.goto(&server.url("/transfers/new")).await.unwrap();
    b.assert_accessible("the plan form").await;
    b.click_button("Save the plan").await;
    assert!(b
        .error_summary()
        .await
        .contains("Enter the date the transfer takes effect"));
    b.assert_accessible("the plan form with an error").await;

    // Record a cabinet decision: choose the kind, fill it in, check its effect, save.
    b.client
        .goto(&server.url("/instruments/new"))
        .await
        .unwrap();
    b.assert_accessible("the instrument kind page").await;
    b.client
        .find(Locator::Id("kind-cabinet_decision"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click_button("Continue").await;
    b.assert_accessible("the cabinet decision form").await;
    b.fill("reference", "CAB/2026/031").await;
    b.fill("title", "Decision to review early help").await;
    b.fill("made_day", "10").await;
    b.fill("made_month", "11").await;
    b.fill("made_year", "2026").await;
    b.click_button("Continue").await;
    assert_eq!(b.heading().await, "Check its effect before you save it");
    b.assert_accessible("the instrument check page").await;
    b.click_button("Save the instrument").await;
    let banner = b
        .client
        .find(Locator::Css(".govuk-notification-banner"))
        .await
        .unwrap();
    assert!(banner
        .text()
        .await
        .unwrap()
        .contains("Decision to review early help"));
    b.assert_accessible("the transfers page after recording")
        .await;

    let id = server
        .app
        .plan_transfer(&f.request(), "director.demo")
        .await
        .unwrap();
    b.client
        .goto(&server.url(&format!("/transfers/{id}")))
        .await
        .unwrap();
    assert_eq!(b.heading().await, "Children's services to the trust");
    b.assert_accessible("the plan's task list").await;
    for (page, heading) in [
        ("dry-run", "Dry run: what executing it writes"),
        ("tupe", "TUPE process"),
        ("execute", "Execute the transfer"),
    ] {
        b.client
            .goto(&server.url(&format!("/transfers/{id}/{page}")))
            .await
            .unwrap();
        assert_eq!(b.heading().await, heading);
        b.assert_accessible(page).await;
    }
    b.client
        .goto(&server.url(&format!("/transfers/{id}")))
        .await
        .unwrap();

    // Months later (the session has long expired): signing in returns to the plan.
    carebridge_testkit::set_day(&server.clock, 2027, 4, 1);
    b.client.refresh().await.unwrap();
    assert_eq!(b.path().await, format!("/sign-in?next=/transfers/{id}"));
    b.sign_in_as("director.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    assert_eq!(b.path().await, format!("/transfers/{id}"));
    // The task list's "Execute the transfer" task leads to the button.
    b.client
        .find(Locator::LinkText("Execute the transfer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.path().await, format!("/transfers/{id}/execute"));
    b.assert_accessible("the execute page on the day").await;
    b.click_button("Execute the transfer").await;
    assert_eq!(b.path().await, format!("/transfers/{id}/report"));
    assert_eq!(b.heading().await, "Reconciliation report");
    let panel = b.client.find(Locator::Css(".govuk-panel")).await.unwrap();
    assert!(panel.text().await.unwrap().contains("Every check passed"));
    b.assert_accessible("the reconciliation report").await;
    b.client
        .goto(&server.url(&format!("/transfers/{id}")))
        .await
        .unwrap();
    b.assert_accessible("the task list of an executed plan")
        .await;
    b.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_breaks_the_glass_and_the_ig_lead_escalates_it() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(400).await;
    let app = &server.app;
    let sw = carebridge_app::accounts::Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let found = app
        .search_children(&sw, &Default::default(), "")
        .await
        .unwrap();
    let mine = found
        .first()
        .expect("children in the social worker's scope")
        .child
        .id;
    let outside = (1..=400)
        .map(carebridge_domain::ChildId)
        .find(|c| !found.iter().any(|l| l.child.id == *c))
        .unwrap();

    b.client.goto(&server.url("/sign-in")).await.unwrap();
    b.sign_in_as("sw.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    b.client.goto(&server.url("/children")).await.unwrap();
    assert_eq!(b.heading().await, "Children");
    b.assert_accessible("the children list").await;
    b.client
        .goto(&server.url(&format!("/children/{}", mine.0)))
        .await
        .unwrap();
    let page = b.client.source().await.unwrap();
    assert!(page.contains("Why you can see this record"), "{page}");
    assert!(page.contains("Delivered by"));
    b.assert_accessible("a child's record").await;

    b.client
        .goto(&server.url(&format!("/children/{}", outside.0)))
        .await
        .unwrap();
    assert_eq!(
        b.heading().await,
        "You do not have permission to open this record"
    );
    b.assert_accessible("a refused record").await;
    b.client
        .find(Locator::LinkText("break the glass"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.heading().await, "Break the glass");
    b.assert_accessible("the break-glass form").await;
    b.fill("justification", "urgent").await;
    b.click_button("Open the record").await;
    assert!(b.error_summary().await.contains("at least 20 characters"));
    b.assert_accessible("the break-glass form with an error")
        .await;
    b.fill(
        "justification",
        "Police have brought the child to the out-of-hours team",
    )
    .await;
    b.click_button("Open the record").await;
    assert_eq!(b.path().await, format!("/children/{}", outside.0));
    let warning = b
        .client
        .find(Locator::Css(".govuk-warning-text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(warning.contains("breaking the glass"), "{warning}");
    b.assert_accessible("a record opened by breaking the glass")
        .await;
    b.client.goto(&server.url("/")).await.unwrap();
    b.click_button("Sign out").await;

    b.sign_in_as("ig.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    b.client.goto(&server.url("/governance")).await.unwrap();
    let page = b.client.source().await.unwrap();
    assert!(page.contains("1 to review"), "{page}");
    assert!(page.contains("Police have brought the child"));
    b.assert_accessible("the information governance page").await;
    b.fill("note-1", "No out-of-hours call was logged").await;
    b.click_button("Escalate").await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("escalated by ig.demo"), "{page}");
    b.client
        .goto(&server.url(&format!("/children/{}/access-log", outside.0)))
        .await
        .unwrap();
    let page = b.client.source().await.unwrap();
    for action in ["break-glass", "open", "review-break-glass"] {
        assert!(page.contains(action), "{action}");
    }
    assert!(
        page.contains("Refused"),
        "the first refused attempt is there"
    );
    b.assert_accessible("a child's access log").await;

    // A subject access request for the same child: the form, its errors, the bundle.
    b.client
        .find(Locator::LinkText(
            "Export the whole record for a subject access request",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.heading().await, "Subject access request");
    b.assert_accessible("the subject access request form").await;
    b.click_button("Export the record").await;
    let summary = b.error_summary().await;
    assert!(
        summary.contains("reference") && summary.contains("who made the request"),
        "{summary}"
    );
    b.assert_accessible("the subject access request form with errors")
        .await;
    b.fill("reference", "SAR-2026-0042").await;
    b.fill("requester", "the child").await;
    b.click_button("Export the record").await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("Review before release"), "{page}");
    assert!(page.contains("Police have brought the child") || page.contains("break-glass"));
    b.assert_accessible("a subject access bundle").await;

    // Who could open it on the day the services came back to the council, and why.
    b.client
        .goto(&server.url(&format!("/children/{}/access", mine.0)))
        .await
        .unwrap();
    b.show_as_at("1", "4", "2022").await;
    assert!(
        b.heading().await.ends_with("on 1 April 2022"),
        "{}",
        b.heading().await
    );
    b.assert_accessible("who could open a record on a date")
        .await;

    b.client.clone().close().await.unwrap();
}

/// Waits until the element matching `css` has text containing `wanted`.
async fn wait_for_text(b: &Browser, css: &str, wanted: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(element) = b.client.find(Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(wanted) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never said {wanted:?}; last: {last:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_finds_a_child_records_a_visit_and_keeps_their_draft_through_a_timeout() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(120).await;
    let app = &server.app;
    let sw = carebridge_app::accounts::Actor::from(
        &app.store()
            .user_by_username("sw.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    let today = app.clock().today();
    let mut mine = None;
    for child in (1..=120).map(carebridge_domain::ChildId) {
        if let Ok(r) = app.open_record(&sw, &Default::default(), child).await {
            if r.involvements.iter().any(|w| w.period.contains(today)) {
                mine = Some(r.child);
                break;
            }
        }
    }
    let child = mine.expect("a child with open work in the social worker's scope");

    // Search, then the child's page.
    b.client.goto(&server.url("/sign-in")).await.unwrap();
    b.sign_in_as("sw.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    b.client
        .goto(&server.url(&format!("/children?q={}", child.family_name)))
        .await
        .unwrap();
    b.client
        .find(Locator::Css(&format!("a[href='/children/{}']", child.id.0)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.path().await, format!("/children/{}", child.id.0));
    b.client
        .find(Locator::LinkText("Record a visit or note"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.heading().await, "Record a visit or note");
    b.assert_accessible("the visit and note form").await;

    // Sending it empty: the error summary, accessible.
    b.click_button("Save to the record").await;
    assert!(b.error_summary().await.contains("Select the piece of work"));
    b.assert_accessible("the visit and note form with errors")
        .await;

    // Typing saves a draft without a page load.
    let typed = "Visited at home after school. The child talked about their new friend.";
    b.fill("summary", "Home visit after school").await;
    b.fill("body", typed).await;
    let status = wait_for_text(&b, "[data-autosave-status]", "Draft saved at").await;
    assert!(status.contains("Draft saved at"), "{status}");

    // The session times out; the next save says so and keeps what was saved.
    server.clock.advance(chrono::Duration::minutes(31));
    b.fill("summary", "Home visit after school (1)").await;
    wait_for_text(&b, "[data-autosave-status]", "Your session has ended").await;

    // Coming back to the form means signing in again, and lands on the form with the text.
    let form = format!("/children/{}/notes/new", child.id.0);
    b.client.goto(&server.url(&form)).await.unwrap();
    assert!(
        b.path().await.starts_with("/sign-in?next="),
        "{}",
        b.path().await
    );
    b.sign_in_as("sw.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    assert_eq!(b.path().await, form);
    let body = b
        .client
        .find(Locator::Id("body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(body, typed);
    assert!(b
        .client
        .source()
        .await
        .unwrap()
        .contains("has been put back into the form"));
    b.assert_accessible("the form with its draft put back")
        .await;

    // Finish it and save: it is in the chronology.
    b.client
        .find(Locator::Css("#involvement option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Id("kind"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("occurred_day", &today.format("%-d").to_string())
        .await;
    b.fill("occurred_month", &today.format("%-m").to_string())
        .await;
    b.fill("occurred_year", &today.format("%Y").to_string())
        .await;
    b.client
        .find(Locator::Id("child_seen"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Id("seen_alone"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click_button("Save to the record").await;
    assert!(b.path().await.starts_with(&format!(
        "/children/{}/chronology?recorded=note-",
        child.id.0
    )));
    let page = b.client.source().await.unwrap();
    assert!(page.contains("Visit: Home visit after school"), "{page}");
    assert!(page.contains(typed));
    b.assert_accessible("the chronology").await;

    // The event form, both steps.
    b.client
        .goto(&server.url(&format!("/children/{}/events/new", child.id.0)))
        .await
        .unwrap();
    b.assert_accessible("the event chooser").await;
    b.click_button("Continue").await;
    b.assert_accessible("an event form").await;
    // The assessment's factors are checkboxes in a fieldset.
    b.client
        .goto(&server.url(&format!(
            "/children/{}/events/new?kind=assessment-completed",
            child.id.0
        )))
        .await
        .unwrap();
    b.assert_accessible("the assessment form with its factors")
        .await;
    // Permanence before care: typed answers with their hints; sent with an order but
    // neither its authority nor its date, the summary names both, accessibly.
    b.client
        .goto(&server.url(&format!(
            "/children/{}/events/new?kind=previous-permanence",
            child.id.0
        )))
        .await
        .unwrap();
    b.assert_accessible("the permanence before care form").await;
    b.client
        .find(Locator::Id("option"))
        .await
        .unwrap()
        .select_by_value("P2")
        .await
        .unwrap();
    b.fill("la", "12").await;
    b.click_button("Save to the record").await;
    let summary = b.error_summary().await;
    assert!(summary.contains("three-digit DfE code"), "{summary}");
    assert!(summary.contains("date of the order"), "{summary}");
    b.assert_accessible("the permanence before care form with errors")
        .await;

    // The form to correct the person's details.
    b.client
        .goto(&server.url(&format!("/children/{}/person", child.id.0)))
        .await
        .unwrap();
    b.assert_accessible("the person's details form").await;

    // The form to attach a document, and its error summary.
    b.client
        .goto(&server.url(&format!("/children/{}/documents/new", child.id.0)))
        .await
        .unwrap();
    b.assert_accessible("the document form").await;
    b.click_button("Attach to the record").await;
    assert!(b.error_summary().await.contains("Select a file"));
    b.assert_accessible("the document form with errors").await;

    // The form to start new work, and its error summary.
    b.client
        .goto(&server.url(&format!("/children/{}/work/new", child.id.0)))
        .await
        .unwrap();
    b.assert_accessible("the new work form").await;
    b.click_button("Start the work").await;
    assert!(b
        .error_summary()
        .await
        .contains("Select what kind of work this is"));
    b.assert_accessible("the new work form with errors").await;

    // A family member: the form with its revealed fields, a mistake, then the record.
    b.client
        .goto(&server.url(&format!("/children/{}/relationships/new", child.id.0)))
        .await
        .unwrap();
    b.assert_accessible("the family member form").await;
    b.client
        .find(Locator::Id("kind"))
        .await
        .unwrap()
        .select_by_value("grandparent")
        .await
        .unwrap();
    b.client
        .find(Locator::Id("other-new"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("given_name", "Maureen").await;
    b.fill("family_name", "Hollins").await;
    b.client
        .find(Locator::Id("responsibility"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click_button("Add to the record").await;
    let summary = b.error_summary().await;
    assert!(
        summary.contains("Select how they have parental responsibility"),
        "{summary}"
    );
    b.assert_accessible("the family member form with an error")
        .await;
    b.client
        .find(Locator::Id("basis"))
        .await
        .unwrap()
        .select_by_value("special-guardianship-order")
        .await
        .unwrap();
    b.click_button("Add to the record").await;
    assert!(b
        .path()
        .await
        .starts_with(&format!("/children/{}?added=relationship-", child.id.0)));
    let page = b.client.source().await.unwrap();
    assert!(page.contains("Maureen Hollins"), "{page}");
    assert!(page.contains("Yes: special guardianship order"));
    b.assert_accessible("the record with a family member").await;

    // The order ends: "Record the end", a blank date refused, then yesterday.
    let end = page
        .split("href=\"")
        .filter_map(|h| h.split('"').next())
        .find(|h| h.ends_with("/end"))
        .expect("a link to record the end")
        .to_owned();
    b.client.goto(&server.url(&end)).await.unwrap();
    b.assert_accessible("the form to end a relationship").await;
    b.click_button("Record the end").await;
    assert!(b
        .error_summary()
        .await
        .contains("Enter the date the relationship ended"));
    b.assert_accessible("the form to end a relationship with an error")
        .await;
    let yesterday = server.app.clock().today().pred_opt().unwrap();
    {
        use chrono::Datelike;
        b.fill("ended_day", &yesterday.day().to_string()).await;
        b.fill("ended_month", &yesterday.month().to_string()).await;
        b.fill("ended_year", &yesterday.year().to_string()).await;
    }
    b.click_button("Record the end").await;
    assert!(b.path().await.contains("?ended=relationship-"));
    let page = b.client.source().await.unwrap();
    assert!(page.contains("ended with the relationship"), "{page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_manager_reads_caseloads_and_moves_a_case() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(400).await;
    let app = &server.app;
    let actor = |name: &'static str| async move {
        carebridge_app::accounts::Actor::from(
            &app.store().user_by_username(name).await.unwrap().unwrap(),
        )
    };
    let (sm, tm) = (actor("sm.demo").await, actor("tm.demo").await);
    let meta = carebridge_app::records::RequestMeta::default();
    // An allocated case of the team manager's service.
    let mut found = None;
    for team in app.caseload(&sm, &meta, None).await.unwrap().teams {
        let load = app
            .caseload(
                &sm,
                &meta,
                Some(carebridge_policy::CaseloadOf::Team(team.id)),
            )
            .await
            .unwrap();
        if let Some(e) = load.caseload.entries.first() {
            found = Some((team.id, e.case.id, e.case.service));
            break;
        }
    }
    let (team, case, service) = found.expect("an allocated case");
    let (_, workers) = app.allocation_choices(&tm, service).await.unwrap();
    let worker = workers.iter().find(|w| w.team == team).unwrap();

    b.client.goto(&server.url("/sign-in")).await.unwrap();
    b.sign_in_as("tm.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    b.client.goto(&server.url("/caseloads")).await.unwrap();
    assert_eq!(b.heading().await, "My caseload");
    b.assert_accessible("my caseload").await;
    b.client
        .goto(&server.url(&format!("/caseloads/teams/{}", team.0)))
        .await
        .unwrap();
    b.assert_accessible("a team caseload").await;
    b.client
        .goto(&server.url(&format!("/cases/{}", case.0)))
        .await
        .unwrap();
    b.assert_accessible("a case with its allocation history")
        .await;
    b.client
        .goto(&server.url(&format!("/cases/{}/allocate", case.0)))
        .await
        .unwrap();
    b.assert_accessible("the allocation form").await;
    // Sent empty: the error summary lists every field, and the page stays accessible.
    b.click_button("Save the allocation").await;
    let summary = b.error_summary().await;
    assert!(summary.contains("Select the worker"), "{summary}");
    assert!(summary.contains("Enter the start date"), "{summary}");
    assert!(summary.contains("Select why the child"), "{summary}");
    b.assert_accessible("the allocation form with errors").await;
    let select = |id: &'static str, value: String| {
        let client = b.client.clone();
        async move {
            client
                .find(Locator::Css(&format!("#{id} option[value='{value}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    select("worker", worker.staff.0.to_string()).await;
    select("team", team.0.to_string()).await;
    b.fill("from_day", "23").await;
    b.fill("from_month", "11").await;
    b.fill("from_year", "2026").await;
    b.fill("reason", "Caseload balancing in the team").await;
    b.client
        .find(Locator::Css("#change-MANAGE"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click_button("Save the allocation").await;
    let page = b.client.source().await.unwrap();
    if b.path().await != format!("/cases/{}", case.0) {
        // The drawn worker may already hold the case: the form says so, accessibly.
        assert!(page.contains("already allocated"), "{page}");
    } else {
        assert!(page.contains("Caseload balancing in the team"), "{page}");
    }
    b.client
        .goto(&server.url(&format!("/cases/{}/close", case.0)))
        .await
        .unwrap();
    b.assert_accessible("the close form").await;
    b.click_button("Close the case").await;
    assert!(
        b.error_summary().await.contains("Reason for closure")
            || b.error_summary().await.contains("closure")
    );
    b.assert_accessible("the close form with errors").await;

    b.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_analyst_uploads_a_return_and_reads_the_errors_by_rule() {
    let Some(b) = browser().await else {
        return;
    };
    let server = crate::common::start(20).await;
    // A generated 903 return with deliberate errors, as files on disk to choose.
    let dir = tempfile::tempdir().unwrap();
    let year = "2026-27".parse().unwrap();
    let generated = carebridge_returns::ssda903::generate::generate(year, 60, 5);
    for (table, csv) in &generated.this {
        std::fs::write(dir.path().join(format!("{}.csv", table.as_str())), csv).unwrap();
    }
    let episodes = dir.path().join("Episodes.csv");

    b.client
        .goto(&server.url("/sign-in?next=/returns"))
        .await
        .unwrap();
    b.sign_in_as("analyst.demo", carebridge_demo::DEMO_PASSWORD)
        .await;
    assert_eq!(b.path().await, "/returns");
    b.assert_accessible("the return upload form").await;
    b.click_button("Check the return").await;
    assert!(b
        .error_summary()
        .await
        .contains("Select which return the files are"));
    b.assert_accessible("the return upload form with errors")
        .await;

    b.client
        .find(Locator::Id("kind"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(&episodes.display().to_string())
        .await
        .unwrap();
    b.click_button("Check the return").await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("SSDA903 2026-27: "), "{page}");
    assert!(page.contains("Episodes.csv"));
    b.assert_accessible("the report of a return").await;
    // Drill down: open the first rule's rows.
    let first = b
        .client
        .find(Locator::Css("details.govuk-details summary"))
        .await
        .unwrap();
    first.click().await.unwrap();
    b.assert_accessible("the report with a rule's rows open")
        .await;

    // Annex A: the form, a wrong window named on it.
    b.client
        .find(Locator::LinkText(
            "produce Ofsted's Annex A lists from the records",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.path().await, "/returns/annex-a");
    b.assert_accessible("the Annex A form").await;
    b.fill("from_year", "2030").await;
    b.click_button("Download Annex A (.xlsx)").await;
    assert!(b.error_summary().await.contains("before it starts"));
    b.assert_accessible("the Annex A form with errors").await;

    // The 903 made from the records and checked: the report, its children linked.
    b.client.goto(&server.url("/returns")).await.unwrap();
    b.client
        .find(Locator::Id("export_year"))
        .await
        .unwrap()
        .select_by_value("2025-26")
        .await
        .unwrap();
    b.click_button("Make and check the return").await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("SSDA903 2025-26: "), "{page}");
    assert!(page.contains("Header.csv"));
    b.assert_accessible("the 903 made from the records").await;

    // The CIN census made from the records and checked.
    b.client.goto(&server.url("/returns")).await.unwrap();
    b.client
        .find(Locator::Id("cin_year"))
        .await
        .unwrap()
        .select_by_value("2025-26")
        .await
        .unwrap();
    b.click_button("Make and check the census").await;
    let page = b.client.source().await.unwrap();
    assert!(page.contains("CIN-2025-26.xml"), "{page}");
    b.assert_accessible("the CIN census made from the records")
        .await;
}
