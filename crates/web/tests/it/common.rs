//! Starts Carebridge's web app on a free loopback port over a small demo authority.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use carebridge_app::{App, FixedClock};
use carebridge_testkit::{demo_app, TestDb};
use carebridge_web::WebConfig;

/// A running server; it stops when the test's runtime ends.
pub struct Server {
    pub base: String,
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub db: TestDb,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Serves a demo with `children` children on SQLite.
pub async fn start(children: u32) -> Server {
    start_on(carebridge_testkit::sqlite(), children).await
}

/// Servers of a demo with `children` children on every backend the machine has.
pub async fn servers(children: u32) -> Vec<Server> {
    let mut out = Vec::new();
    for db in carebridge_testkit::every_backend().await {
        out.push(start_on(db, children).await);
    }
    out
}

/// Serves a demo on the given database.
pub async fn start_on(db: TestDb, children: u32) -> Server {
    let (app, clock) = demo_app(&db, children).await;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = carebridge_web::router(app.clone(), WebConfig::default());
    tokio::spawn(carebridge_web::serve(
        listener,
        router,
        std::future::pending(),
    ));
    Server {
        base,
        app,
        clock,
        db,
    }
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    carebridge_web::install_tls_provider();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `csrf_token` field in `html`.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// The body of a GET.
pub async fn get_text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// Fetches the sign-in form at `form_path` and sends it back filled in.
pub async fn post_sign_in(
    server: &Server,
    client: &reqwest::Client,
    form_path: &str,
    username: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let form = get_text(client, server.url(form_path)).await;
    client
        .post(server.url("/sign-in"))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf_token", &csrf_token(&form)),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs `client` in as `username` with the demo password; returns the home page HTML.
pub async fn sign_in(server: &Server, client: &reqwest::Client, username: &str) -> String {
    let response = post_sign_in(
        server,
        client,
        "/sign-in",
        username,
        carebridge_demo::DEMO_PASSWORD,
        "/",
    )
    .await;
    assert_eq!(response.status(), 303, "sign-in as {username}");
    get_text(client, server.url("/")).await
}
