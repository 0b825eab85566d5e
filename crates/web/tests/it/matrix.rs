//! The route × role matrix: every route of the router, with the expected outcome for
//! every role, allowed and refused both asserted over real HTTP. A route added to the
//! router without a row here fails `every_route_has_a_row`.
//!
//! "Allowed" means the role gets past the policy (the page, a redirect, or a form or
//! not-found error about the input); "refused" means 403. Which *records* a role may
//! open within its scope is tested in `crates/app/tests/records.rs`; here the record
//! is chosen to fit the story each row tells.

use std::collections::BTreeSet;

use carebridge_app::accounts::Actor;
use carebridge_app::records::{AccessGrantRequest, RequestMeta};
use carebridge_demo::DEMO_PASSWORD;
use carebridge_domain::staff::Role;
use carebridge_domain::ChildId;
use carebridge_policy::CaseloadOf;
use chrono::Duration;

use crate::common::{client, csrf_token, sign_in, start, Server};

/// Public routes: no sign-in, so no role.
const PUBLIC: &[&str] = &[
    "/sign-in",
    "/sign-in/oidc",
    "/sign-in/oidc/callback",
    "/sign-out",
    "/healthz",
    "/assets/{*path}",
];

/// The roles, in the order of each row's outcomes.
const ROLES: [(Role, &str); 10] = [
    (Role::SocialWorker, "sw.demo"),
    (Role::SeniorPractitioner, "sp.test"),
    (Role::TeamManager, "tm.demo"),
    (Role::ServiceManager, "sm.demo"),
    (Role::Director, "director.demo"),
    (Role::PerformanceAnalyst, "analyst.demo"),
    (Role::InformationGovernanceLead, "ig.demo"),
    (Role::SystemAdministrator, "admin.demo"),
    (Role::Inspector, "inspector.test"),
    (Role::PartnerReadOnly, "partner.test"),
];

const A: bool = true;
const D: bool = false;

/// One row: method, route pattern, the path to request (`{child}` is the chosen
/// record; `{case}` an open case of the team manager's service on another child's record;
/// `{staff}` the social worker's staff id; `{team}` the team manager's team), and for
/// each role in [`ROLES`] order whether it is allowed.
type Row = (&'static str, &'static str, &'static str, [bool; 10]);

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                                                                   SW SP TM SM DIR AN IG ADM INS PAR
    ("GET",  "/", "/",                                                                  [A, A, A, A, A, A, A, A, A, A]),
    ("GET",  "/organisations", "/organisations",                                        [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/organisations/{id}", "/organisations/1",                                 [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/provision", "/provision",                                                [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/services", "/services",                                                  [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/teams", "/teams",                                                        [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/posts", "/posts",                                                        [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/staff", "/staff",                                                        [A, A, A, A, A, A, A, A, A, D]),
    ("GET",  "/transfers", "/transfers",                                                [D, D, D, A, A, D, D, D, D, D]),
    ("POST", "/transfers", "/transfers",                                                [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/new", "/transfers/new",                                        [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/instruments/new", "/instruments/new",                                    [D, D, D, A, A, D, D, D, D, D]),
    ("POST", "/instruments", "/instruments",                                            [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}", "/transfers/999",                                       [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}/dry-run", "/transfers/999/dry-run",                       [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}/tupe", "/transfers/999/tupe",                             [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}/execute", "/transfers/999/execute",                       [D, D, D, A, A, D, D, D, D, D]),
    ("POST", "/transfers/{id}/execute", "/transfers/999/execute",                       [D, D, D, A, A, D, D, D, D, D]),
    ("POST", "/transfers/{id}/cancel", "/transfers/999/cancel",                         [D, D, D, A, A, D, D, D, D, D]),
    ("POST", "/transfers/{id}/steps", "/transfers/999/steps",                           [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}/report", "/transfers/999/report",                         [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/transfers/{id}/report.csv", "/transfers/999/report.csv",                 [D, D, D, A, A, D, D, D, D, D]),
    ("GET",  "/children", "/children",                                                  [A, A, A, A, A, D, D, D, A, A]),
    ("POST", "/children", "/children",                                                  [A, A, A, A, D, D, D, D, D, D]),
    ("GET",  "/children/new", "/children/new",                                          [A, A, A, A, D, D, D, D, D, D]),
    ("GET",  "/children/{id}", "/children/{child}",                                     [A, A, D, D, A, D, D, D, A, A]),
    ("GET",  "/children/{id}/break-glass", "/children/{child}/break-glass",             [A, A, A, A, A, D, D, D, D, D]),
    ("POST", "/children/{id}/break-glass", "/children/{child}/break-glass",             [A, A, A, A, A, D, D, D, D, D]),
    ("GET",  "/children/{id}/restriction", "/children/{child}/restriction",             [D, D, D, A, D, D, A, D, D, D]),
    ("POST", "/children/{id}/restriction", "/children/{child}/restriction",             [D, D, D, A, D, D, A, D, D, D]),
    ("GET",  "/children/{id}/notes/new", "/children/{child}/notes/new",                 [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/notes/new", "/children/{child}/notes/new",                 [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/events/new", "/children/{child}/events/new",               [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/events/new", "/children/{child}/events/new",               [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/documents/new", "/children/{child}/documents/new",         [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/documents/new", "/children/{child}/documents/new",         [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/documents/{document}", "/children/{child}/documents/1",    [A, A, D, D, A, D, D, D, A, A]),
    ("GET",  "/children/{id}/person", "/children/{child}/person",                       [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/person", "/children/{child}/person",                       [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/work/new", "/children/{child}/work/new",                   [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/work/new", "/children/{child}/work/new",                   [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/relationships/new", "/children/{child}/relationships/new", [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/relationships/new", "/children/{child}/relationships/new", [A, A, D, D, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/relationships/{relationship}/end", "/children/{child}/relationships/1/end", [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/relationships/{relationship}/end", "/children/{child}/relationships/1/end", [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/drafts/{form}", "/children/{child}/drafts/note",           [A, A, D, D, D, D, D, D, D, D]),
    ("POST", "/children/{id}/drafts/{form}/discard", "/children/{child}/drafts/note/discard", [A, A, A, A, D, D, D, D, D, D]),
    ("GET",  "/children/{id}/chronology", "/children/{child}/chronology",               [A, A, D, D, A, D, D, D, A, A]),
    ("GET",  "/children/{id}/access", "/children/{child}/access",                       [D, D, D, D, A, D, A, D, D, D]),
    ("GET",  "/children/{id}/access-log", "/children/{child}/access-log",               [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/children/{id}/subject-access", "/children/{child}/subject-access",       [D, D, D, D, D, D, A, D, D, D]),
    ("POST", "/children/{id}/subject-access", "/children/{child}/subject-access",       [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/governance/subject-access", "/governance/subject-access?child={child}",  [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/children/{id}/access-log.csv", "/children/{child}/access-log.csv",       [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/returns", "/returns",                                                    [D, D, D, A, A, A, D, D, D, D]),
    ("POST", "/returns", "/returns",                                                    [D, D, D, A, A, A, D, D, D, D]),
    ("POST", "/returns/ssda903", "/returns/ssda903",                                    [D, D, D, D, A, A, D, D, D, D]),
    ("POST", "/returns/cin", "/returns/cin",                                            [D, D, D, D, A, A, D, D, D, D]),
    ("GET",  "/returns/annex-a", "/returns/annex-a",                                    [D, D, D, D, A, A, D, D, D, D]),
    ("POST", "/returns/annex-a", "/returns/annex-a",                                    [D, D, D, D, A, A, D, D, D, D]),
    ("GET",  "/due", "/due",                                                            [A, A, A, A, A, D, D, D, D, D]),
    ("GET",  "/caseloads", "/caseloads",                                                [A, A, A, A, A, D, D, D, D, D]),
    ("GET",  "/caseloads/staff/{id}", "/caseloads/staff/{staff}",                       [A, A, D, D, A, D, D, D, D, D]),
    ("GET",  "/caseloads/teams/{id}", "/caseloads/teams/{team}",                        [D, D, A, A, A, D, D, D, D, D]),
    ("GET",  "/cases/{id}", "/cases/{case}",                                            [D, D, A, A, A, D, D, D, A, D]),
    ("GET",  "/cases/{id}/allocate", "/cases/{case}/allocate",                          [D, D, A, A, D, D, D, D, D, D]),
    ("POST", "/cases/{id}/allocate", "/cases/{case}/allocate",                          [D, D, A, A, D, D, D, D, D, D]),
    ("GET",  "/cases/{id}/close", "/cases/{case}/close",                                [D, D, A, A, D, D, D, D, D, D]),
    ("POST", "/cases/{id}/close", "/cases/{case}/close",                                [D, D, A, A, D, D, D, D, D, D]),
    ("GET",  "/governance", "/governance",                                              [D, D, D, D, D, D, A, D, D, D]),
    ("POST", "/governance/break-glass/{id}", "/governance/break-glass/999",             [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/governance/break-glass.csv", "/governance/break-glass.csv",              [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/governance/restricted.csv", "/governance/restricted.csv",                [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/governance/person", "/governance/person?username=sw.demo",               [D, D, D, D, D, D, A, D, D, D]),
    ("GET",  "/governance/person.csv", "/governance/person.csv?username=sw.demo",       [D, D, D, D, D, D, A, D, D, D]),
];

/// The routes the router declares, as (method, pattern), read from its source.
fn declared_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/lib.rs");
    let mut routes = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let start = rest.find('"').unwrap() + 1;
        let end = rest[start..].find('"').unwrap() + start;
        let path = rest[start..end].to_owned();
        let until = rest
            .find(".route(")
            .or_else(|| rest.find(".fallback("))
            .unwrap();
        let handlers = &rest[end..until];
        for (needle, method) in [("get(", "GET"), ("post(", "POST")] {
            if handlers.contains(needle) {
                routes.insert((method.to_owned(), path.clone()));
            }
        }
    }
    routes
}

#[test]
fn every_route_has_a_row() {
    let declared = declared_routes();
    assert!(declared.len() > 20, "the route reader found {declared:?}");
    let listed: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    for (method, path) in &declared {
        if PUBLIC.contains(&path.as_str()) {
            continue;
        }
        assert!(
            listed.contains(&(method.clone(), path.clone())),
            "{method} {path} has no row in the route × role matrix"
        );
    }
    for row in &listed {
        assert!(
            declared.contains(row),
            "{row:?} is in the matrix but not the router"
        );
    }
}

/// What the rows' placeholders stand for.
struct Fixture {
    child: ChildId,
    case: i64,
    staff: i64,
    team: i64,
}

impl Fixture {
    fn path(&self, path: &str) -> String {
        path.replace("{child}", &self.child.0.to_string())
            .replace("{case}", &self.case.to_string())
            .replace("{staff}", &self.staff.to_string())
            .replace("{team}", &self.team.to_string())
    }
}

/// Adds the accounts the demo has no sign-in for, with their grants, and picks the
/// record the rows about a child use: one the social worker may open in scope, the
/// team manager and the service manager may not, and the partner has been given; and
/// the case, worker and team the casework rows use.
async fn fixture(server: &Server) -> Fixture {
    let app = &server.app;
    let sw = app
        .store()
        .user_by_username("sw.demo")
        .await
        .unwrap()
        .unwrap();
    app.create_user(
        "sp.test",
        "Test senior practitioner",
        Role::SeniorPractitioner,
        DEMO_PASSWORD,
        sw.staff,
    )
    .await
    .unwrap();
    app.create_user(
        "inspector.test",
        "Test inspector",
        Role::Inspector,
        DEMO_PASSWORD,
        None,
    )
    .await
    .unwrap();
    app.create_user(
        "partner.test",
        "Test partner",
        Role::PartnerReadOnly,
        DEMO_PASSWORD,
        None,
    )
    .await
    .unwrap();
    let meta = RequestMeta::default();
    let actor = |name: &'static str| async move {
        Actor::from(&app.store().user_by_username(name).await.unwrap().unwrap())
    };
    let (sw, tm, sm) = (
        actor("sw.demo").await,
        actor("tm.demo").await,
        actor("sm.demo").await,
    );
    let mut chosen = None;
    let mut log = Vec::new();
    for child in (1..=400).map(ChildId) {
        let seen = (
            app.open_record(&sw, &meta, child).await.is_ok(),
            app.open_record(&tm, &meta, child).await.is_ok(),
            app.open_record(&sm, &meta, child).await.is_ok(),
        );
        log.push(seen);
        if seen == (true, false, false) {
            chosen = Some(child);
            break;
        }
    }
    let child =
        chosen.unwrap_or_else(|| panic!("a record in the social worker's scope only: {log:?}"));
    let now = app.clock().now();
    for (username, child) in [("inspector.test", None), ("partner.test", Some(child))] {
        app.grant_access(
            &AccessGrantRequest {
                username: username.into(),
                child,
                starts_at: now - Duration::hours(1),
                ends_at: now + Duration::days(5),
                reason: "route matrix".into(),
            },
            "test",
        )
        .await
        .unwrap();
    }
    // The team manager's own team, and an open case of their service (children's
    // social care, found through the service manager's team caseloads) whose record
    // the social worker cannot open.
    let team = app
        .caseload(&tm, &meta, None)
        .await
        .unwrap()
        .teams
        .first()
        .map(|t| t.id)
        .expect("the team manager's team");
    let mut case = None;
    'teams: for t in app.caseload(&sm, &meta, None).await.unwrap().teams {
        let load = app
            .caseload(&sm, &meta, Some(CaseloadOf::Team(t.id)))
            .await
            .unwrap();
        for e in &load.caseload.entries {
            if e.child.id != child && app.open_record(&sw, &meta, e.child.id).await.is_err() {
                case = Some(e.case.id.0);
                break 'teams;
            }
        }
    }
    Fixture {
        child,
        case: case.expect("a case of the team manager's team"),
        staff: sw.staff.expect("the social worker's staff record").0,
        team: team.0,
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let server = start(400).await;
    let fixture = fixture(&server).await;
    for (i, (role, username)) in ROLES.iter().enumerate() {
        let c = client();
        let home = sign_in(&server, &c, username).await;
        let token = csrf_token(&home);
        for (method, pattern, path, outcomes) in MATRIX {
            let url = server.url(&fixture.path(path));
            let response = match *method {
                "GET" => c.get(&url).send().await.unwrap(),
                _ => c
                    .post(&url)
                    .form(&[("csrf_token", token.as_str())])
                    .send()
                    .await
                    .unwrap(),
            };
            let status = response.status().as_u16();
            let allowed = outcomes[i];
            if allowed {
                assert_ne!(
                    status, 403,
                    "{role:?} {method} {pattern}: refused, but the matrix allows it"
                );
                assert!(status < 500, "{role:?} {method} {pattern}: {status}");
            } else {
                assert_eq!(
                    status, 403,
                    "{role:?} {method} {pattern}: allowed ({status}), but the matrix refuses it"
                );
                let body = response.text().await.unwrap();
                assert!(
                    body.contains("permission"),
                    "{role:?} {method} {pattern}: {body}"
                );
            }
        }
    }
}
