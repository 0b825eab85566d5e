//! The web app over real HTTP: sign-in, sessions, CSRF, every page, errors and headers.

use crate::common::{client, csrf_token, get_text, post_sign_in, sign_in, start};
use carebridge_testkit::d;
use carebridge_web::PAGE_ROUTES;

#[tokio::test]
async fn every_page_needs_sign_in_and_keeps_where_you_were_going() {
    let server = start(20).await;
    let c = client();
    for path in PAGE_ROUTES
        .iter()
        .chain(&["/no-such-page", "/provision?day=1&month=4&year=2022"])
    {
        let response = c.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/sign-in"), "{path} -> {location}");
        if *path != "/" {
            assert!(
                location.contains("next=%2F") || location.contains("next=/"),
                "{path} -> {location}"
            );
        }
    }
    assert_eq!(
        c.get(server.url("/sign-in")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        c.get(server.url("/healthz")).send().await.unwrap().status(),
        200
    );
    let css = c
        .get(server.url("/assets/carebridge.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(
        c.get(server.url("/assets/nothing.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_refused_sign_in_says_the_same_whatever_was_wrong() {
    let server = start(5).await;
    let c = client();
    let mut bodies = Vec::new();
    for (username, password) in [
        ("sw.demo", "wrong password!"),
        ("nobody.at.all", carebridge_demo::DEMO_PASSWORD),
    ] {
        let response = post_sign_in(&server, &c, "/sign-in", username, password, "/").await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.unwrap();
        assert!(body.contains("Enter a correct username and password"));
        assert!(body.contains("govuk-error-summary"));
        bodies.push(
            body.replace(username, "USER")
                .replace(&csrf_token(&body), "TOKEN"),
        );
    }
    assert_eq!(
        bodies[0], bodies[1],
        "the page must not tell which part was wrong"
    );
    // Still not signed in.
    assert_eq!(c.get(server.url("/")).send().await.unwrap().status(), 303);

    // Four more failures lock the name: then even the right password is refused.
    for _ in 0..4 {
        post_sign_in(&server, &c, "/sign-in", "sw.demo", "wrong password!", "/").await;
    }
    let locked = post_sign_in(
        &server,
        &c,
        "/sign-in",
        "sw.demo",
        carebridge_demo::DEMO_PASSWORD,
        "/",
    )
    .await;
    assert_eq!(locked.status(), 422);
    assert!(locked
        .text()
        .await
        .unwrap()
        .contains("tried to sign in too many times"));
    assert_eq!(c.get(server.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn sign_in_needs_the_forms_token_and_only_redirects_locally() {
    let server = start(5).await;
    let c = client();
    let _ = c.get(server.url("/sign-in")).send().await.unwrap();
    let forged = c
        .post(server.url("/sign-in"))
        .form(&[
            ("username", "sw.demo"),
            ("password", carebridge_demo::DEMO_PASSWORD),
            ("csrf_token", "forged"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 422);
    assert_eq!(c.get(server.url("/")).send().await.unwrap().status(), 303);

    let response = post_sign_in(
        &server,
        &c,
        "/sign-in?next=//evil.example/",
        "sw.demo",
        carebridge_demo::DEMO_PASSWORD,
        "//evil.example/",
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let session_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("carebridge_session="))
        .unwrap_or(cookie);
    assert!(session_cookie.contains("HttpOnly"), "{session_cookie}");
    assert!(
        session_cookie.contains("SameSite=Strict"),
        "{session_cookie}"
    );
}

#[tokio::test]
async fn signed_in_every_page_renders_and_errors_are_pages() {
    let server = start(40).await;
    let c = client();
    let home = sign_in(&server, &c, "tm.demo").await;
    assert!(home.contains("Northmoor Metropolitan Borough Council"));
    for path in PAGE_ROUTES {
        let response = c.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        assert!(headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'"));
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY");
        let body = response.text().await.unwrap();
        assert!(body.contains("<h1"), "{path} has a heading");
        assert!(body.contains("Sign out"), "{path} shows who is signed in");
    }
    for path in [
        "/no-such-page",
        "/organisations/99999",
        "/organisations/not-a-number",
    ] {
        let response = c.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
}

/// The "Provision on DATE" table of the provision page: (service, provider) pairs.
fn provision_on(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"on-date\"").unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table
        .split("<tr class=\"govuk-table__row\">")
        .skip(2)
        .map(|row| {
            let text = |from: &str| {
                let i = row.find(from).unwrap() + from.len();
                let rest = &row[i..];
                let inner = &rest[rest.find('>').unwrap() + 1..];
                let inner = inner.trim_start();
                let inner = if inner.starts_with("<a") {
                    &inner[inner.find('>').unwrap() + 1..]
                } else {
                    inner
                };
                inner[..inner.find('<').unwrap()]
                    .replace("&#x27;", "'")
                    .replace("&#39;", "'")
            };
            (text("<th"), text("<td"))
        })
        .collect()
}

#[tokio::test]
async fn the_provision_page_answers_for_any_date() {
    let server = start(5).await;
    let c = client();
    sign_in(&server, &c, "director.demo").await;
    let generated = carebridge_demo::authority(&carebridge_testkit::small_demo(5)).unwrap();
    for day in [
        d(2014, 9, 30),
        d(2014, 10, 1),
        d(2016, 6, 21),
        d(2022, 3, 31),
        d(2022, 4, 1),
        d(2026, 11, 23),
    ] {
        let url = server.url(&format!(
            "/provision?day={}&month={}&year={}",
            day.format("%-d"),
            day.format("%-m"),
            day.format("%Y")
        ));
        let html = c.get(url).send().await.unwrap().text().await.unwrap();
        let shown = provision_on(&html);
        assert_eq!(shown.len(), generated.services.len());
        for (service_name, provider_name) in shown {
            let service = generated
                .services
                .iter()
                .find(|s| s.name == service_name)
                .unwrap();
            let expected = generated
                .provision
                .iter()
                .find(|p| p.service == service.id && p.period.contains(day))
                .and_then(|p| generated.organisations.iter().find(|o| o.id == p.provider))
                .unwrap();
            assert_eq!(provider_name, expected.name, "{service_name} on {day}");
        }
    }
    let bad = c
        .get(server.url("/provision?day=31&month=2&year=2022"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Date must be a real date"));
    assert!(html.contains("govuk-input--error"));
}

#[tokio::test]
async fn signing_out_needs_the_token_and_ends_the_session() {
    let server = start(5).await;
    let c = client();
    let home = sign_in(&server, &c, "sw.demo").await;
    let refused = c
        .post(server.url("/sign-out"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        c.get(server.url("/")).send().await.unwrap().status(),
        200,
        "still signed in"
    );
    let out = c
        .post(server.url("/sign-out"))
        .form(&[("csrf_token", &csrf_token(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/sign-in?signed_out=1");
    let page = c
        .get(server.url("/sign-in?signed_out=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("You have signed out"));
    assert_eq!(c.get(server.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn signing_out_on_every_device_ends_every_session_of_the_account() {
    let server = start(5).await;
    let (laptop, phone, other) = (client(), client(), client());
    let home = sign_in(&server, &laptop, "sw.demo").await;
    sign_in(&server, &phone, "sw.demo").await;
    sign_in(&server, &other, "tm.demo").await;
    let done = laptop
        .post(server.url("/sign-out"))
        .form(&[
            ("csrf_token", csrf_token(&home).as_str()),
            ("everywhere", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    for (c, expected) in [(&laptop, 303), (&phone, 303), (&other, 200)] {
        assert_eq!(
            c.get(server.url("/")).send().await.unwrap().status(),
            expected
        );
    }
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let server = start(5).await;
    let c = client();
    sign_in(&server, &c, "sw.demo").await;
    server.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        c.get(server.url("/staff")).send().await.unwrap().status(),
        200
    );
    server.clock.advance(chrono::Duration::minutes(31));
    let response = c.get(server.url("/staff")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in?next=/staff");
}

#[tokio::test]
async fn the_same_pages_work_on_postgres() {
    let Some(db) = carebridge_testkit::postgres().await else {
        return;
    };
    let server = crate::common::start_on(db, 20).await;
    let c = client();
    sign_in(&server, &c, "sm.demo").await;
    for path in PAGE_ROUTES {
        assert_eq!(
            c.get(server.url(path)).send().await.unwrap().status(),
            200,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_server_error_is_a_plain_page_with_no_internals() {
    use sqlx::Connection;
    let server = start(5).await;
    let c = client();
    sign_in(&server, &c, "sw.demo").await;
    // Damage the data behind Carebridge's back: an organisation kind it does not know.
    let carebridge_app::DatabaseUrl::Sqlite(path) = &server.db.url else {
        unreachable!("start() serves SQLite");
    };
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    // (The schema has a CHECK on kind; a tool editing the file need not respect it.)
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE organisations SET kind = 'secret_internal_value'")
        .execute(&mut conn)
        .await
        .unwrap();
    let response = c.get(server.url("/organisations")).send().await.unwrap();
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    assert!(body.contains("Sorry, there is a problem with the service"));
    assert!(
        !body.contains("secret_internal_value"),
        "no internals on the page"
    );
    assert!(
        !body.contains("organisation kind"),
        "no internals on the page"
    );
}

#[tokio::test]
async fn only_directors_and_service_managers_see_transfers() {
    let server = start(5).await;
    for (user, allowed) in [
        ("sw.demo", false),
        ("tm.demo", false),
        ("analyst.demo", false),
        ("ig.demo", false),
        ("admin.demo", false),
        ("sm.demo", true),
        ("director.demo", true),
    ] {
        let c = client();
        let home = sign_in(&server, &c, user).await;
        assert_eq!(
            home.contains("href=\"/transfers\""),
            allowed,
            "{user}: the menu"
        );
        for path in carebridge_web::MANAGER_ROUTES {
            let response = c.get(server.url(path)).send().await.unwrap();
            let expected = if allowed { 200 } else { 403 };
            assert_eq!(response.status(), expected, "{user} {path}");
            if !allowed {
                assert!(response
                    .text()
                    .await
                    .unwrap()
                    .contains("You do not have permission"));
            }
        }
        let forged = c
            .post(server.url("/transfers/999/execute"))
            .form(&[("csrf_token", csrf_token(&home))])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), if allowed { 404 } else { 403 }, "{user}");
    }
}

#[tokio::test]
async fn a_director_plans_dry_runs_and_executes_a_transfer_on_the_web() {
    let server = start(60).await;
    let f = carebridge_testkit::TransferFixture::new(&server.app).await;
    let c = client();
    let home = sign_in(&server, &c, "director.demo").await;
    let token = csrf_token(&home);
    let form = |day: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("title", "Children's services to the trust".to_owned()),
            ("instrument", f.decision.to_string()),
            ("services", f.csc.to_string()),
            ("services", f.dcs.to_string()),
            ("from", f.council.to_string()),
            ("to", f.trust.to_string()),
            ("day", day.to_owned()),
            ("month", "4".to_owned()),
            ("year", "2027".to_owned()),
        ]
    };
    // A date that does not exist is an error on the form, with what was typed kept.
    let bad = c
        .post(server.url("/transfers"))
        .form(&form("31"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("must be a real date"));
    assert!(html.contains("value=\"31\""));
    assert_eq!(
        server.app.transfer_plans().await.unwrap().len(),
        3,
        "nothing was planned"
    );

    // The demo's history is already there: three executed plans, each reconciled.
    let list = crate::common::get_text(&c, server.url("/transfers")).await;
    assert_eq!(list.matches(">Executed<").count(), 3, "{list}");
    for id in 1..=3 {
        let report =
            crate::common::get_text(&c, server.url(&format!("/transfers/{id}/report"))).await;
        assert!(report.contains("Every check passed"), "plan {id}");
    }

    let made = c
        .post(server.url("/transfers"))
        .form(&form("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let plan = made.headers()["location"].to_str().unwrap().to_owned();
    // The plan's front page is a GOV.UK task list in the order a director works,
    // each task linking to where it is done, with its status.
    let page = crate::common::get_text(&c, server.url(&plan)).await;
    assert!(page.contains("class=\"govuk-task-list\""), "{page}");
    let sections = [
        "The instrument and the plan",
        "Review what moves",
        "TUPE process",
        "Execute",
        "Reconciliation",
    ];
    let at: Vec<usize> = sections.iter().map(|s| page.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    for link in [
        "/dry-run#due-work",
        "/dry-run#access",
        "/tupe?step=eli#record",
        "/execute",
        "/report",
    ] {
        assert!(page.contains(&format!("href=\"{plan}{link}\"")), "{link}");
    }
    // Before the effective date, execution and the report cannot start yet.
    assert!(page.contains("Can be executed on or after 1 April 2027"));
    assert_eq!(
        page.matches("govuk-task-list__status--cannot-start-yet")
            .count(),
        2,
        "{page}"
    );
    let dry_run = crate::common::get_text(&c, server.url(&format!("{plan}/dry-run"))).await;
    assert!(dry_run.contains("Dry run: what executing it writes"));
    assert!(dry_run.contains("staff change employer"));
    assert!(dry_run.contains("Open cases and work due within 28 days"));
    let preview = server
        .app
        .preview_transfer(plan.rsplit('/').next().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert!(dry_run.contains(&format!(
        "{} children have work open in these services",
        preview.due.open_cases()
    )));
    for team in &preview.due.teams {
        assert!(dry_run.contains(&team.team), "{}", team.team);
    }

    // The TUPE checklist: information given on time, a step in the future refused.
    let tupe = crate::common::get_text(&c, server.url(&format!("{plan}/tupe?step=eli"))).await;
    assert!(tupe.contains("Employee liability information given"));
    assert!(tupe.contains("<option value=\"eli\" selected>"));
    let step = |kind: &str, day: &str, month: &str, year: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("kind", kind.to_owned()),
            ("day", day.to_owned()),
            ("month", month.to_owned()),
            ("year", year.to_owned()),
            ("notes", "Sent to the trust's HR lead".to_owned()),
        ]
    };
    let recorded = c
        .post(server.url(&format!("{plan}/steps")))
        .form(&step("eli", "20", "11", "2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), 303);
    assert_eq!(
        recorded.headers()["location"].to_str().unwrap(),
        format!("{plan}/tupe")
    );
    let page = crate::common::get_text(&c, server.url(&format!("{plan}/tupe"))).await;
    assert!(
        page.contains("Done 20 November 2026: Sent to the trust"),
        "{page}"
    );
    // The task list shows the step completed with its date.
    let tasks = crate::common::get_text(&c, server.url(&plan)).await;
    assert!(tasks.contains("Done on 20 November 2026"), "{tasks}");
    let future = c
        .post(server.url(&format!("{plan}/steps")))
        .form(&step("consultation", "1", "1", "2027"))
        .send()
        .await
        .unwrap();
    assert_eq!(future.status(), 409);
    assert!(future.text().await.unwrap().contains("is in the future"));
    let unknown = c
        .post(server.url(&format!("{plan}/steps")))
        .form(&step("party", "1", "11", "2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 409);

    // Too early: the page says why and nothing moves.
    let early = c
        .post(server.url(&format!("{plan}/execute")))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409);
    assert!(early
        .text()
        .await
        .unwrap()
        .contains("it can be executed on or after that day"));

    // Months later (the old session has long expired): sign in again and execute.
    carebridge_testkit::set_day(&server.clock, 2027, 4, 1);
    let token = csrf_token(&sign_in(&server, &c, "director.demo").await);
    let done = c
        .post(server.url(&format!("{plan}/execute")))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        format!("{plan}/report")
    );
    let report = crate::common::get_text(&c, server.url(&format!("{plan}/report"))).await;
    assert!(report.contains("Every check passed"), "{report}");
    let csv = c
        .get(server.url(&format!("{plan}/report.csv")))
        .send()
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("plan,check,result,compared,failure"));
    assert_eq!(csv.matches(",PASS,").count(), 4, "{csv}");

    let again = c
        .post(server.url(&format!("{plan}/execute")))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn a_service_manager_records_a_direction_after_seeing_its_effect() {
    let server = start(5).await;
    let c = client();
    let home = sign_in(&server, &c, "sm.demo").await;
    let token = csrf_token(&home);
    let directory = server.app.directory().await.unwrap();
    let dfe = directory
        .organisations
        .iter()
        .find(|o| o.kind == carebridge_domain::organisation::OrganisationKind::GovernmentDepartment)
        .unwrap()
        .id
        .to_string();
    let chooser = crate::common::get_text(&c, server.url("/instruments/new")).await;
    assert!(chooser.contains("What kind of instrument is it?"));
    let form =
        crate::common::get_text(&c, server.url("/instruments/new?kind=government_direction")).await;
    assert!(form.contains("With immediate effect"));

    let fields = |step: &str, made_day: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("step", step.to_owned()),
            ("kind", "government_direction".to_owned()),
            ("reference", "DfE/2026/DIR/11".to_owned()),
            ("title", "Direction about early help".to_owned()),
            ("made_day", made_day.to_owned()),
            ("made_month", "11".to_owned()),
            ("made_year", "2026".to_owned()),
            ("issuer", dfe.clone()),
            ("addressed_to", dfe.clone()),
            ("immediate", "yes".to_owned()),
            ("power", "Education Act 1996 s.497A".to_owned()),
        ]
    };
    let count = || async { server.app.directory().await.unwrap().instruments.len() };
    let before = count().await;
    let missing = c
        .post(server.url("/instruments"))
        .form(&fields("check", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("The date it was made must include a day, month and year"));

    let check = c
        .post(server.url("/instruments"))
        .form(&fields("check", "20"))
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), 200);
    let check = check.text().await.unwrap();
    assert!(check.contains("Check its effect before you save it"));
    assert!(check.contains("there is no time for 28 days"), "{check}");
    assert_eq!(count().await, before, "checking saves nothing");

    let saved = c
        .post(server.url("/instruments"))
        .form(&fields("save", "20"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let to = saved.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/transfers?recorded="), "{to}");
    assert_eq!(count().await, before + 1);
    let list = crate::common::get_text(&c, server.url(&to)).await;
    assert!(list.contains("Instrument recorded: Direction about early help"));

    // A social worker cannot record one.
    let sw = client();
    let sw_home = sign_in(&server, &sw, "sw.demo").await;
    let refused = sw
        .post(server.url("/instruments"))
        .form(&[("csrf_token", csrf_token(&sw_home))])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// An open case of the team manager's service (children's social care), allocated
/// before today, and another worker of its team to move it to; found through the
/// service manager's team caseloads. Returns (case, worker, team, old and new names).
async fn team_case(server: &crate::common::Server) -> (i64, i64, i64, String, String) {
    use carebridge_app::accounts::Actor;
    use carebridge_policy::CaseloadOf;
    let app = &server.app;
    let meta = carebridge_app::records::RequestMeta::default();
    let sm = Actor::from(
        &app.store()
            .user_by_username("sm.demo")
            .await
            .unwrap()
            .unwrap(),
    );
    for team in app.caseload(&sm, &meta, None).await.unwrap().teams {
        let cases = app
            .caseload(&sm, &meta, Some(CaseloadOf::Team(team.id)))
            .await
            .unwrap();
        let (_, workers) = app
            .allocation_choices(
                &Actor::from(
                    &app.store()
                        .user_by_username("tm.demo")
                        .await
                        .unwrap()
                        .unwrap(),
                ),
                team.service,
            )
            .await
            .unwrap();
        for e in &cases.caseload.entries {
            if e.since >= carebridge_testkit::today() {
                continue;
            }
            if let Some(w) = workers
                .iter()
                .find(|w| w.team == team.id && w.staff != e.worker)
            {
                return (
                    e.case.id.0,
                    w.staff.0,
                    team.id.0,
                    e.worker_name.clone(),
                    w.name.clone(),
                );
            }
        }
    }
    panic!("no case to move");
}

#[tokio::test]
async fn a_team_manager_moves_and_closes_a_case_and_invalid_forms_save_nothing() {
    let server = start(150).await;
    let (case, other, team, old_name, new_name) = team_case(&server).await;
    let store = server.app.store();
    let rows = |c| async move {
        store
            .allocations_of(carebridge_domain::InvolvementId(c))
            .await
            .unwrap()
    };
    let before = rows(case).await;
    let c = client();
    sign_in(&server, &c, "tm.demo").await;
    let page = get_text(&c, server.url(&format!("/cases/{case}"))).await;
    assert!(page.contains(&old_name), "{page}");
    let form = get_text(&c, server.url(&format!("/cases/{case}/allocate"))).await;
    assert!(form.contains("not a change of provider"), "{form}");
    let token = csrf_token(&form);
    let url = server.url(&format!("/cases/{case}/allocate"));
    let (other_s, team_s) = (other.to_string(), team.to_string());

    // Every field wrong: each in the summary, linked to its field; values kept.
    let response = c
        .post(&url)
        .form(&[
            ("csrf_token", token.as_str()),
            ("worker", ""),
            ("team", ""),
            ("from_day", "31"),
            ("from_month", "2"),
            ("from_year", "2026"),
            ("reason", ""),
            ("change", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("There is a problem"), "{body}");
    for anchor in ["#worker", "#team", "#from_day", "#reason", "#change"] {
        assert!(
            body.contains(&format!("href=\"{anchor}\"")),
            "{anchor}: {body}"
        );
    }
    assert!(body.contains("value=\"31\""), "{body}");
    assert!(body.contains("govuk-form-group--error"));
    // A date before the case started: the rule's message, at the date.
    let response = c
        .post(&url)
        .form(&[
            ("csrf_token", token.as_str()),
            ("worker", other_s.as_str()),
            ("team", team_s.as_str()),
            ("from_day", "1"),
            ("from_month", "1"),
            ("from_year", "1990"),
            ("reason", "Worker leaving"),
            ("change", "MANAGE"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("href=\"#from_day\""), "{body}");
    assert!(body.contains("when the case started"), "{body}");
    assert!(body.contains("Worker leaving"), "the reason typed is kept");
    assert_eq!(rows(case).await, before, "an invalid form saved something");
    // Without the form's token: refused, nothing saved.
    let forged = c
        .post(&url)
        .form(&[
            ("csrf_token", "forged"),
            ("worker", other_s.as_str()),
            ("team", team_s.as_str()),
            ("from_day", "23"),
            ("from_month", "11"),
            ("from_year", "2026"),
            ("reason", "Worker leaving"),
            ("change", "MANAGE"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(rows(case).await, before);

    // Valid: the old allocation ends yesterday, the new one starts today.
    let response = c
        .post(&url)
        .form(&[
            ("csrf_token", token.as_str()),
            ("worker", other_s.as_str()),
            ("team", team_s.as_str()),
            ("from_day", "23"),
            ("from_month", "11"),
            ("from_year", "2026"),
            ("reason", "Worker leaving the team"),
            ("change", "MANAGE"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = rows(case).await;
    assert_eq!(after.len(), before.len() + 1);
    let page = get_text(&c, server.url(&format!("/cases/{case}"))).await;
    for text in [
        old_name.as_str(),
        new_name.as_str(),
        "22 November 2026",
        "23 November 2026",
        "Worker leaving the team",
        "Social worker changed: A manager&#39;s decision",
        "tm.demo",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }

    // Closing: invalid, then valid.
    let close = server.url(&format!("/cases/{case}/close"));
    let response = c
        .post(&close)
        .form(&[
            ("csrf_token", token.as_str()),
            ("closure_reason", ""),
            ("closed_day", ""),
            ("closed_month", ""),
            ("closed_year", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("href=\"#closure_reason\""), "{body}");
    assert!(body.contains("href=\"#closed_day\""), "{body}");
    assert_eq!(rows(case).await, after);
    let response = c
        .post(&close)
        .form(&[
            ("csrf_token", token.as_str()),
            ("closure_reason", "RC8"),
            ("closed_day", "23"),
            ("closed_month", "11"),
            ("closed_year", "2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = get_text(&c, server.url(&format!("/cases/{case}"))).await;
    assert!(page.contains("RC8"), "{page}");
    assert!(
        !page.contains("Close the case"),
        "a closed case offers no closing"
    );
    let last = rows(case).await;
    assert_eq!(last.last().unwrap().period.end(), Some(d(2026, 11, 23)));
}

#[tokio::test]
async fn caseload_pages_show_counts_by_type() {
    let server = start(150).await;
    let c = client();
    let home = sign_in(&server, &c, "sm.demo").await;
    assert!(home.contains("href=\"/caseloads\""), "the menu");
    let mine = get_text(&c, server.url("/caseloads")).await;
    assert!(mine.contains("My caseload"), "{mine}");
    assert!(mine.contains("/caseloads/teams/"), "{mine}");
    let (_, _, team, _, _) = team_case(&server).await;
    let page = get_text(&c, server.url(&format!("/caseloads/teams/{team}"))).await;
    assert!(
        page.contains("Cases by type") && page.contains("Total"),
        "{page}"
    );
    assert!(page.contains("/cases/"), "{page}");
    let c = client();
    let home = sign_in(&server, &c, "analyst.demo").await;
    assert!(!home.contains("href=\"/caseloads\""), "the analyst's menu");
}

/// The registration form's fields, as a browser would send them.
pub(crate) fn registration(token: &str, nhs: &str, postcode: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf_token", token.to_owned()),
        ("given_name", "Ada".to_owned()),
        ("family_name", "Brightwater".to_owned()),
        ("sex", "2".to_owned()),
        ("born_day", "14".to_owned()),
        ("born_month", "3".to_owned()),
        ("born_year", "2015".to_owned()),
        ("nhs_number", nhs.to_owned()),
        ("upn", String::new()),
        ("postcode", postcode.to_owned()),
        ("ethnicity", "WBRI".to_owned()),
    ]
}

#[tokio::test]
async fn registering_a_child_on_the_web_keeps_values_on_error_and_saves_nothing() {
    let server = start(20).await;
    let c = client();
    let home = sign_in(&server, &c, "sw.demo").await;
    let token = csrf_token(&home);
    let list = crate::common::get_text(&c, server.url("/children")).await;
    assert!(
        list.contains("href=\"/children/new\""),
        "the list offers registration"
    );
    let form = crate::common::get_text(&c, server.url("/children/new")).await;
    assert!(form.contains("Register a child") && form.contains("White British (WBRI)"));
    let next = carebridge_domain::ChildId(21);

    // Invalid: 422, an error summary linking to each field, values kept, nothing saved.
    let bad = c
        .post(server.url("/children"))
        .form(&registration(&token, "999 123 456", "NOWHERE"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(page.contains("There is a problem"), "{page}");
    assert!(page.contains("href=\"#nhs_number\""), "{page}");
    assert!(page.contains("href=\"#postcode\""), "{page}");
    assert!(page.contains("value=\"Brightwater\""), "values kept");
    assert!(page.contains("value=\"999 123 456\""), "values kept");
    assert!(server.app.store().child(next).await.unwrap().is_none());

    // Without the form's token: refused, nothing saved.
    let mut forged = registration("wrong", "", "NM1 2AB");
    forged.remove(0);
    let refused = c
        .post(server.url("/children"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error());
    assert!(server.app.store().child(next).await.unwrap().is_none());

    // Valid: redirected to the new child's page, which shows the person.
    let nhs = (999_999_100..)
        .find_map(carebridge_domain::identifiers::NhsNumber::with_check_digit)
        .unwrap();
    let good = c
        .post(server.url("/children"))
        .form(&registration(&token, &nhs.spaced(), "nm3 4ab"))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    assert_eq!(
        good.headers()["location"].to_str().unwrap(),
        format!("/children/{}", next.0)
    );
    let child = crate::common::get_text(&c, server.url(&format!("/children/{}", next.0))).await;
    assert!(child.contains("Ada Brightwater"));
    assert!(child.contains(&nhs.spaced()), "{child}");
    assert!(child.contains("NM3 4AB"));
    assert!(child.contains("White British (WBRI)"));

    // And the one search box finds her by a misspelling, NHS number and postcode.
    for q in ["Adah Brytewater", &nhs.spaced(), "NM3 4AB"] {
        let url = server.url(&format!("/children?q={}", q.replace(' ', "+")));
        let found = crate::common::get_text(&c, url).await;
        assert!(found.contains("Ada Brightwater"), "{q}: {found}");
    }

    // An analyst may not register anyone.
    let a = client();
    let home = sign_in(&server, &a, "analyst.demo").await;
    let analyst = a
        .post(server.url("/children"))
        .form(&registration(&csrf_token(&home), "", "NM1 2AB"))
        .send()
        .await
        .unwrap();
    assert_eq!(analyst.status(), 403);
    assert!(server
        .app
        .store()
        .child(carebridge_domain::ChildId(22))
        .await
        .unwrap()
        .is_none());
}
