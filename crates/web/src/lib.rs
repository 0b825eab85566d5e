//! Carebridge's web front: an axum router of server-rendered pages in the GOV.UK
//! Frontend style.
//!
//! Thin by design: handlers parse the request, call a use case in `carebridge-app`, and
//! render a template. Sessions, CSRF and security headers live here because they are
//! about HTTP; who may do what lives in the app and policy layers.

mod assets;
mod error;
mod form;
mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod oidc;
mod pages;
mod security;
mod session;
mod timeline;

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use carebridge_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::WebError;

/// How the web front behaves.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Single sign-on, when configured.
    pub oidc: Option<oidc::Oidc>,
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// The largest request body accepted (forms are small; documents have their own limit).
const BODY_LIMIT: usize = 64 * 1024;

/// The largest body of a document upload.
const UPLOAD_LIMIT: usize = 2 * carebridge_domain::casefile::attachments::MAX_ATTACHMENT_BYTES;

/// Every route of the product. `routes()` is the list the route × role test walks.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config };
    Router::new()
        .route("/", get(pages::home::show))
        .route(
            "/sign-in",
            get(pages::sign_in::show).post(pages::sign_in::submit),
        )
        .route("/sign-in/oidc", get(pages::sign_in::sign_on))
        .route(
            "/sign-in/oidc/callback",
            get(pages::sign_in::sign_on_callback),
        )
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/organisations", get(pages::organisations::list))
        .route("/organisations/{id}", get(pages::organisations::show))
        .route("/provision", get(pages::provision::show))
        .route("/services", get(pages::workforce::services))
        .route("/teams", get(pages::workforce::teams))
        .route("/posts", get(pages::workforce::posts))
        .route("/staff", get(pages::workforce::staff))
        .route(
            "/transfers",
            get(pages::transfers::list).post(pages::transfers::create),
        )
        .route("/transfers/new", get(pages::transfers::new))
        .route("/instruments", post(pages::instruments::create))
        .route("/instruments/new", get(pages::instruments::new))
        .route("/transfers/{id}", get(pages::transfers::show))
        .route("/transfers/{id}/dry-run", get(pages::transfers::dry_run))
        .route("/transfers/{id}/tupe", get(pages::transfers::tupe))
        .route(
            "/transfers/{id}/execute",
            get(pages::transfers::execute_page).post(pages::transfers::execute),
        )
        .route("/transfers/{id}/cancel", post(pages::transfers::cancel))
        .route("/transfers/{id}/steps", post(pages::transfers::record_step))
        .route("/transfers/{id}/report", get(pages::transfers::report))
        .route(
            "/transfers/{id}/report.csv",
            get(pages::transfers::report_csv),
        )
        .route(
            "/children",
            get(pages::children::list).post(pages::children::register),
        )
        .route("/children/new", get(pages::children::register_form))
        .route("/children/{id}", get(pages::children::show))
        .route(
            "/children/{id}/break-glass",
            get(pages::children::break_glass_form).post(pages::children::break_glass),
        )
        .route(
            "/children/{id}/restriction",
            get(pages::children::restriction_form).post(pages::children::restrict),
        )
        .route(
            "/children/{id}/access",
            get(pages::children::who_could_open),
        )
        .route(
            "/children/{id}/access-log",
            get(pages::children::access_log),
        )
        .route(
            "/children/{id}/access-log.csv",
            get(pages::children::access_log_csv),
        )
        .route(
            "/children/{id}/subject-access",
            get(pages::subject_access::form).post(pages::subject_access::export),
        )
        .route(
            "/children/{id}/notes/new",
            get(pages::casefile::note_form).post(pages::casefile::add_note),
        )
        .route(
            "/children/{id}/events/new",
            get(pages::casefile::event_form).post(pages::casefile::add_event),
        )
        .route(
            "/children/{id}/documents/{document}",
            get(pages::casefile::download_document),
        )
        .route(
            "/children/{id}/person",
            get(pages::children::person_form).post(pages::children::edit_person),
        )
        .route(
            "/children/{id}/work/new",
            get(pages::casefile::work_form).post(pages::casefile::open_work),
        )
        .route(
            "/children/{id}/relationships/new",
            get(pages::casefile::relationship_form).post(pages::casefile::add_relationship),
        )
        .route(
            "/children/{id}/relationships/{relationship}/end",
            get(pages::casefile::relationship_end_form).post(pages::casefile::end_relationship),
        )
        .route(
            "/children/{id}/drafts/{form}",
            post(pages::casefile::save_draft),
        )
        .route(
            "/children/{id}/drafts/{form}/discard",
            post(pages::casefile::discard_draft),
        )
        .route(
            "/children/{id}/chronology",
            get(pages::casefile::chronology_page),
        )
        .route("/due", get(pages::casefile::due_work))
        .route(
            "/returns/ssda903",
            post(pages::returns::ssda903_from_records),
        )
        .route("/returns/cin", post(pages::returns::cin_from_records))
        .route(
            "/returns/annex-a",
            get(pages::annex_a::form).post(pages::annex_a::download),
        )
        .route("/caseloads", get(pages::casework::mine))
        .route("/caseloads/staff/{id}", get(pages::casework::of_staff))
        .route("/caseloads/teams/{id}", get(pages::casework::of_team))
        .route("/cases/{id}", get(pages::casework::show))
        .route(
            "/cases/{id}/allocate",
            get(pages::casework::allocate_form).post(pages::casework::allocate),
        )
        .route(
            "/cases/{id}/close",
            get(pages::casework::close_form).post(pages::casework::close),
        )
        .route("/governance", get(pages::governance::show))
        .route(
            "/governance/break-glass/{id}",
            post(pages::governance::review),
        )
        .route(
            "/governance/break-glass.csv",
            get(pages::governance::break_glass_csv),
        )
        .route(
            "/governance/restricted.csv",
            get(pages::governance::restricted_csv),
        )
        .route(
            "/governance/subject-access",
            get(pages::subject_access::choose),
        )
        .route("/governance/person", get(pages::governance::person))
        .route("/governance/person.csv", get(pages::governance::person_csv))
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Documents have their own limit: twice the largest accepted, so a file a little
        // too large still reaches the form and is refused there with the limit named
        // (the form keeps no more than the limit of it).
        .merge(
            Router::new()
                .route(
                    "/children/{id}/documents/new",
                    get(pages::casefile::document_form).post(pages::casefile::add_document),
                )
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
                .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT)),
        )
        // Return files are larger; the handler counts the bytes itself and names the
        // limit when it is passed.
        .merge(
            Router::new()
                .route(
                    "/returns",
                    get(pages::returns::form).post(pages::returns::validate),
                )
                .layer(axum::extract::DefaultBodyLimit::max(
                    pages::returns::RETURNS_UPLOAD_LIMIT + 1024 * 1024,
                ))
                .layer(RequestBodyLimitLayer::new(
                    pages::returns::RETURNS_UPLOAD_LIMIT + 1024 * 1024,
                )),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security::headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The paths of every page route, with an example for each parameter, for tests that
/// must visit them all.
pub const PAGE_ROUTES: &[&str] = &[
    "/",
    "/organisations",
    "/organisations/1",
    "/provision",
    "/services",
    "/teams",
    "/posts",
    "/staff",
    "/due",
];

/// Pages only directors and service managers may open (everyone else gets 403).
pub const MANAGER_ROUTES: &[&str] = &["/transfers", "/transfers/new", "/instruments/new"];

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Makes aws-lc-rs the process's TLS crypto provider, if none is set yet. Call it once
/// before building an HTTPS client (single sign-on does): the build compiles exactly one
/// provider, and reqwest's rustls is built without choosing one.
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race; either way a provider is set.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}

/// How long a request may take before the server gives up on it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
