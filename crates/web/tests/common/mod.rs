//! Starts Carebridge's web app on a free loopback port over a small demo authority.

// Test support: a failure here should stop the test at once.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    _db: TestDb,
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
        _db: db,
    }
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
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

/// Signs `client` in as `username` with the demo password; returns the home page HTML.
pub async fn sign_in(server: &Server, client: &reqwest::Client, username: &str) -> String {
    let form = client
        .get(server.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(server.url("/sign-in"))
        .form(&[
            ("username", username),
            ("password", carebridge_demo::DEMO_PASSWORD),
            ("csrf_token", &csrf_token(&form)),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in as {username}");
    client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
