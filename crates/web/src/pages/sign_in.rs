//! Signing in and out.
//!
//! The sign-in form carries a CSRF token that is also set in a short-lived cookie
//! (double submit), because there is no session yet to hold it. A refused sign-in says
//! the same thing whether the username is unknown or the password wrong.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use carebridge_app::accounts::random_token;
use carebridge_app::AppError;
use carebridge_store::PendingSignOn;
use serde::Deserialize;

use super::{optional_session, see_other, Chrome};
use crate::session::{
    constant_time_eq, cookie, safe_next, ClientAddress, Session, SESSION_COOKIE, SIGN_IN_COOKIE,
};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf_token: String,
    next: String,
    username: String,
    error: Option<&'static str>,
    signed_out: bool,
    sso: bool,
}

/// The sign-in page's query.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// What the sign-in form sends.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

impl SignInForm {
    /// Where to go after signing in: only a path on this site.
    pub(crate) fn next(&self) -> String {
        safe_next(Some(&self.next))
    }
}

/// Renders the form with a fresh CSRF token in both the form and the cookie.
fn form(
    state: &AppState,
    jar: CookieJar,
    next: String,
    username: String,
    error: Option<&'static str>,
    signed_out: bool,
) -> Result<Response, WebError> {
    let csrf_token = random_token();
    let page = SignInPage {
        chrome: Chrome::anonymous(),
        csrf_token: csrf_token.clone(),
        next,
        username,
        error,
        signed_out,
        sso: state.config.oidc.is_some(),
    };
    let html = page.render()?;
    let jar = jar.add(cookie(
        SIGN_IN_COOKIE,
        csrf_token,
        state.config.secure_cookies,
    ));
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, jar, axum::response::Html(html)).into_response())
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let jar = CookieJar::from_headers(&headers);
    let next = safe_next(query.next.as_deref());
    if optional_session(&headers, &state).await?.is_some() {
        return Ok(see_other(&next));
    }
    form(
        &state,
        jar,
        next,
        String::new(),
        None,
        query.signed_out.is_some(),
    )
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    Form(input): Form<SignInForm>,
) -> Result<Response, WebError> {
    let next = input.next();
    let expected = jar
        .get(SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), input.csrf_token.as_bytes()) {
        return form(
            &state,
            jar,
            next,
            input.username,
            Some("Your sign-in form had expired. Enter your username and password again"),
            false,
        );
    }
    if input.username.trim().is_empty() || input.password.is_empty() {
        return form(
            &state,
            jar,
            next,
            input.username,
            Some("Enter your username and password"),
            false,
        );
    }
    match state
        .app
        .sign_in_from(&input.username, &input.password, &client)
        .await
    {
        Ok(signed_in) => {
            let jar = jar
                .remove(Cookie::build(SIGN_IN_COOKIE).path("/"))
                .add(cookie(
                    SESSION_COOKIE,
                    signed_in.token,
                    state.config.secure_cookies,
                ));
            tracing::info!(user = %signed_in.actor.username, "signed in");
            Ok((jar, see_other(&next)).into_response())
        }
        Err(AppError::SignInLocked { .. }) => {
            tracing::warn!(client = %client, "sign-in refused: name locked after repeated failures");
            form(
                &state,
                jar,
                next,
                input.username,
                Some("You have tried to sign in too many times with this username. Wait 15 minutes, then try again"),
                false,
            )
        }
        Err(AppError::SignInRefused) => {
            tracing::info!("sign-in refused");
            form(
                &state,
                jar,
                next,
                input.username,
                Some("Enter a correct username and password"),
                false,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// What the sign-out form sends.
#[derive(Debug, Deserialize)]
pub(crate) struct SignOutForm {
    #[serde(default)]
    csrf_token: String,
    /// "yes" to end every session of the account, on every device.
    #[serde(default)]
    everywhere: String,
}

pub(crate) async fn sign_out(
    session: Session,
    State(state): State<AppState>,
    jar: CookieJar,
    Form(input): Form<SignOutForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&input.csrf_token)?;
    if input.everywhere == "yes" {
        let ended = state.app.sign_out_everywhere(session.actor.user).await?;
        tracing::info!(user = %session.actor.username, sessions = ended, "signed out everywhere");
    } else {
        state.app.sign_out(&session.token).await?;
        tracing::info!(user = %session.actor.username, "signed out");
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, see_other("/sign-in?signed_out=1")).into_response())
}

/// The start of single sign-on's query.
#[derive(Debug, Deserialize)]
pub(crate) struct SignOnQuery {
    next: Option<String>,
}

/// Starts single sign-on: remembers state, nonce and PKCE verifier, and sends the
/// browser to the identity provider.
pub(crate) async fn sign_on(
    State(state): State<AppState>,
    Query(query): Query<SignOnQuery>,
) -> Result<Response, WebError> {
    let Some(oidc) = &state.config.oidc else {
        return Err(WebError::NotFound);
    };
    let started = oidc.start();
    state
        .app
        .store()
        .save_sign_on(
            &started.state,
            &PendingSignOn {
                nonce: started.nonce,
                verifier: started.verifier,
                next: safe_next(query.next.as_deref()),
                created_at: state.app.clock().now(),
            },
        )
        .await
        .map_err(AppError::from)?;
    Ok(see_other(&started.url))
}

/// What the identity provider sends back.
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
}

/// Finishes single sign-on: checks the state (once, within ten minutes), the code and
/// the ID token, then signs in the Carebridge account the identity names.
pub(crate) async fn sign_on_callback(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    let Some(oidc) = state.config.oidc.clone() else {
        return Err(WebError::NotFound);
    };
    let now = state.app.clock().now();
    let pending = if query.error.is_empty() && !query.state.is_empty() {
        state
            .app
            .store()
            .take_sign_on(&query.state, now - crate::oidc::Oidc::lasts())
            .await
            .map_err(AppError::from)?
    } else {
        None
    };
    let Some(pending) = pending else {
        tracing::info!(error = %query.error, "single sign-on did not complete");
        return form(
            &state,
            jar,
            "/".to_owned(),
            String::new(),
            Some("Signing in with your organisation's account did not complete. Try again"),
            false,
        );
    };
    let name = match oidc
        .finish(&query.code, &pending.nonce, &pending.verifier)
        .await
    {
        Ok(name) => name,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on refused");
            return form(
                &state,
                jar,
                pending.next,
                String::new(),
                Some("Your organisation's sign-in could not be checked. Try again"),
                false,
            );
        }
    };
    match state.app.sign_in_vouched(&name, &client).await {
        Ok(signed_in) => {
            let jar = jar.add(cookie(
                SESSION_COOKIE,
                signed_in.token,
                state.config.secure_cookies,
            ));
            tracing::info!(user = %signed_in.actor.username, "signed in with single sign-on");
            Ok((jar, see_other(&pending.next)).into_response())
        }
        Err(AppError::SignInRefused) => form(
            &state,
            jar,
            pending.next,
            String::new(),
            Some("Your organisation signed you in, but you do not have a Carebridge account. Ask your manager to request one"),
            false,
        ),
        Err(e) => Err(e.into()),
    }
}
