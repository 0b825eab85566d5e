//! Sessions on the web side: the cookie, the signed-in extractor and CSRF checks.
//!
//! The session cookie is HttpOnly and SameSite=Strict (and Secure when served over TLS);
//! it holds a random token whose hash is the session's key in the database. Every
//! state-changing form carries the session's CSRF token, compared in constant time.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use carebridge_app::accounts::Actor;
use carebridge_app::records::RequestMeta;

use crate::{AppState, WebError};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "carebridge_session";
/// The cookie that carries the sign-in form's CSRF token before there is a session.
pub(crate) const SIGN_IN_COOKIE: &str = "carebridge_sign_in";

/// A signed-in request: who, and the token forms must carry.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub actor: Actor,
    pub csrf_token: String,
    pub token: String,
    /// The request's id and client address, for the audit log.
    pub meta: RequestMeta,
}

impl Session {
    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if constant_time_eq(sent.as_bytes(), self.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::FormExpired)
        }
    }
}

/// Equal-length comparison whose time does not depend on where the inputs differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie with Carebridge's flags.
pub(crate) fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build()
}

/// Where to send someone after sign-in: only a path on this site.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The session of a request, if it has a live one.
pub(crate) async fn current(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<Session>, WebError> {
    let jar = CookieJar::from_headers(headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    Ok(state.app.session(&token).await?.map(|s| Session {
        actor: s.actor,
        csrf_token: s.csrf_token,
        token,
        meta: RequestMeta::default(),
    }))
}

/// The client's address, or "unknown" when the server was not started with
/// connection info (tests that call the router directly).
pub(crate) fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The client's address as an extractor (never fails).
#[derive(Debug, Clone)]
pub(crate) struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// The request's id (set by the request-id layer) and the client's address.
fn request_meta(parts: &Parts) -> RequestMeta {
    RequestMeta {
        request_id: parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        client: client_address(parts),
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current(&parts.headers, state).await {
            Ok(Some(mut session)) => {
                session.meta = request_meta(parts);
                Ok(session)
            }
            Ok(None) => {
                let here = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or_else(|| parts.uri.to_string(), |u| u.0.to_string());
                let target = if here == "/" {
                    "/sign-in".to_owned()
                } else {
                    format!("/sign-in?next={}", percent_encode(&here))
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Percent-encodes a path for a query value (RFC 3986 unreserved characters and `/` kept).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/provision?day=1")), "/provision?day=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn csrf_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(
            percent_encode("/provision?day=1&month=4"),
            "/provision%3Fday%3D1%26month%3D4"
        );
    }
}
