//! Static assets (GOV.UK Frontend CSS and JS compiled by `scripts/build-frontend`),
//! compiled into the binary so the product is one file.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Path under `/assets/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "carebridge.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/carebridge.css"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/govuk-frontend.min.js"),
    ),
    (
        "drafts.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/drafts.js"),
    ),
    (
        "init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/init.js"),
    ),
    (
        "manifest.json",
        "application/manifest+json",
        include_bytes!("../assets/manifest.json"),
    ),
    (
        "GOVUK-FRONTEND-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/GOVUK-FRONTEND-LICENSE.txt"),
    ),
    (
        "images/favicon.ico",
        "image/x-icon",
        include_bytes!("../assets/images/favicon.ico"),
    ),
    (
        "images/favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/images/favicon.svg"),
    ),
    (
        "images/govuk-crest.svg",
        "image/svg+xml",
        include_bytes!("../assets/images/govuk-crest.svg"),
    ),
    (
        "images/govuk-icon-180.png",
        "image/png",
        include_bytes!("../assets/images/govuk-icon-180.png"),
    ),
    (
        "images/govuk-icon-192.png",
        "image/png",
        include_bytes!("../assets/images/govuk-icon-192.png"),
    ),
    (
        "images/govuk-icon-512.png",
        "image/png",
        include_bytes!("../assets/images/govuk-icon-512.png"),
    ),
    (
        "images/govuk-icon-mask.svg",
        "image/svg+xml",
        include_bytes!("../assets/images/govuk-icon-mask.svg"),
    ),
];

pub(crate) async fn serve(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(p, _, _)| *p == path) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
