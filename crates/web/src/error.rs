//! The one mapping from errors to HTTP. Internal errors are logged here, once, and the
//! person sees a plain page with no internals.

use std::any::Any;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use carebridge_app::AppError;

use crate::pages::Chrome;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// A form came back without the session's CSRF token.
    #[error("form token missing or wrong")]
    FormExpired,
    /// A use case failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// A template failed to render.
    #[error("rendering a page: {0}")]
    Render(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: &'static str,
    message: String,
}

/// The page for someone signed in whose role does not allow what they asked for.
pub(crate) fn forbidden_page(chrome: Chrome, why: &str) -> Response {
    page(
        StatusCode::FORBIDDEN,
        chrome,
        "You do not have permission to see this page",
        format!("{}.", capitalise(why)),
    )
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn page(status: StatusCode, chrome: Chrome, title: &'static str, message: String) -> Response {
    let page = ErrorPage {
        chrome,
        title,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: fall back to plain text rather than loop.
        Err(_) => (status, title).into_response(),
    }
}

pub(crate) fn error_page(status: StatusCode, chrome: Chrome) -> Response {
    let (title, message) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
        ),
        StatusCode::BAD_REQUEST => ("Sorry, there is a problem with that request", "Go back and try again."),
        StatusCode::FORBIDDEN => (
            "Sorry, that form has expired",
            "For your security the form could not be sent. Go back, reload the page and try again.",
        ),
        StatusCode::CONFLICT => ("That change could not be made", "It conflicts with what is already recorded."),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later. Nothing you sent has been saved unless you saw it confirmed.",
        ),
    };
    page(status, chrome, title, message.to_owned())
}

impl WebError {
    /// The error's page, in the signed-in chrome when there is a session.
    pub(crate) fn page(self, chrome: Chrome) -> Response {
        if let WebError::App(AppError::Forbidden(why)) = &self {
            return forbidden_page(chrome, why);
        }
        let status = self.status();
        error_page(status, chrome)
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound | WebError::App(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
            WebError::App(AppError::Invalid(_)) => StatusCode::BAD_REQUEST,
            WebError::App(AppError::Problems(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::App(AppError::Conflict(_)) => StatusCode::CONFLICT,
            WebError::App(AppError::Forbidden(_)) => StatusCode::FORBIDDEN,
            WebError::App(AppError::SignInRefused | AppError::SignInLocked { .. })
            | WebError::FormExpired => StatusCode::FORBIDDEN,
            WebError::App(AppError::Store(_) | AppError::Internal(_)) | WebError::Render(_) => {
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::App(AppError::Forbidden(why)) = &self {
            return forbidden_page(Chrome::anonymous(), why);
        }
        let status = match &self {
            WebError::NotFound | WebError::App(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
            WebError::App(AppError::Invalid(_)) => StatusCode::BAD_REQUEST,
            WebError::App(AppError::Problems(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::App(AppError::Conflict(_)) => StatusCode::CONFLICT,
            WebError::App(AppError::Forbidden(_)) => StatusCode::FORBIDDEN,
            WebError::App(AppError::SignInRefused | AppError::SignInLocked { .. })
            | WebError::FormExpired => StatusCode::FORBIDDEN,
            WebError::App(AppError::Store(_) | AppError::Internal(_)) | WebError::Render(_) => {
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        error_page(status, Chrome::anonymous())
    }
}

/// A handler panicked (it must not, but if it does the person gets the 500 page).
pub(crate) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "handler panicked");
    error_page(StatusCode::INTERNAL_SERVER_ERROR, Chrome::anonymous())
}
