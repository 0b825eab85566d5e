//! Single sign-on against a small OpenID Connect provider run inside the test: discovery,
//! the authorization code flow with PKCE, signed ID tokens. It signs people in whose
//! identity names a Carebridge account, and refuses a replayed state, a token with the
//! wrong nonce, a token signed with another key, and an identity with no account.
//!
//! The provider's RSA keys (`oidc-test-key.pem`, `oidc-other-key.pem`) are test
//! fixtures made for this test and used nowhere else.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use carebridge_web::oidc::{Oidc, OidcSettings, UsernameClaim};
use carebridge_web::WebConfig;
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
    CoreTokenResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalClaims, EmptyAdditionalProviderMetadata,
    EmptyExtraTokenFields, EndUserUsername, IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, Nonce,
    PrivateSigningKey, ResponseTypes, StandardClaims, SubjectIdentifier, TokenUrl,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::common::{client, get_text};

/// What the provider does wrong, if anything, for the next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mischief {
    None,
    WrongNonce,
    OtherKey,
}

#[derive(Clone)]
struct Provider {
    issuer: String,
    key: Arc<CoreRsaPrivateSigningKey>,
    other_key: Arc<CoreRsaPrivateSigningKey>,
    /// The person the provider says is signing in.
    user: Arc<Mutex<String>>,
    mischief: Arc<Mutex<Mischief>>,
    /// Code → (nonce, PKCE challenge, client id).
    codes: Arc<Mutex<HashMap<String, (String, String)>>>,
}

fn key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("test-key".into()))).unwrap()
}

async fn discovery(State(p): State<Provider>) -> Response {
    let metadata = CoreProviderMetadata::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        AuthUrl::new(format!("{}/authorize", p.issuer)).unwrap(),
        JsonWebKeySetUrl::new(format!("{}/jwks", p.issuer)).unwrap(),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        EmptyAdditionalProviderMetadata {},
    )
    .set_token_endpoint(Some(TokenUrl::new(format!("{}/token", p.issuer)).unwrap()));
    Json(metadata).into_response()
}

async fn jwks(State(p): State<Provider>) -> Response {
    Json(CoreJsonWebKeySet::new(vec![p.key.as_verification_key()])).into_response()
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
}

/// Signs the person in at once (no login form) and sends them back with a code.
async fn authorize(State(p): State<Provider>, Query(q): Query<AuthorizeQuery>) -> Response {
    let code = format!("code-{}", p.codes.lock().unwrap().len() + 1);
    p.codes
        .lock()
        .unwrap()
        .insert(code.clone(), (q.nonce, q.code_challenge));
    Redirect::to(&format!("{}?code={code}&state={}", q.redirect_uri, q.state)).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    code_verifier: String,
}

// The ID token's times are checked by openidconnect against the real clock, so the
// provider must issue them on it.
#[allow(clippy::disallowed_methods)]
async fn token(State(p): State<Provider>, Form(f): Form<TokenForm>) -> Response {
    let Some((nonce, challenge)) = p.codes.lock().unwrap().remove(&f.code) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(f.code_verifier.as_bytes()));
    assert_eq!(computed, challenge, "PKCE verifier matches the challenge");
    let mischief = *p.mischief.lock().unwrap();
    let user = p.user.lock().unwrap().clone();
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        vec![Audience::new("carebridge".into())],
        Utc::now() + Duration::minutes(5),
        Utc::now(),
        StandardClaims::new(SubjectIdentifier::new(format!("sub-{user}")))
            .set_preferred_username(Some(EndUserUsername::new(user))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(if mischief == Mischief::WrongNonce {
        "another nonce".into()
    } else {
        nonce
    })));
    let access = AccessToken::new("access-token".into());
    let signer = if mischief == Mischief::OtherKey {
        &p.other_key
    } else {
        &p.key
    };
    let id_token = CoreIdToken::new(
        claims,
        signer.as_ref(),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access),
        None,
    )
    .unwrap();
    Json(CoreTokenResponse::new(
        access,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    ))
    .into_response()
}

async fn start_provider() -> Provider {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let provider = Provider {
        issuer: format!("http://{}", listener.local_addr().unwrap()),
        key: Arc::new(key(include_str!("oidc-test-key.pem"))),
        other_key: Arc::new(key(include_str!("oidc-other-key.pem"))),
        user: Arc::new(Mutex::new("sw.demo".into())),
        mischief: Arc::new(Mutex::new(Mischief::None)),
        codes: Arc::new(Mutex::new(HashMap::new())),
    };
    let router = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    provider
}

/// Carebridge with single sign-on through `provider`; returns its base URL.
async fn start_carebridge(provider: &Provider) -> (String, crate::common::Server) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let db = carebridge_testkit::sqlite();
    let (app, clock) = carebridge_testkit::demo_app(&db, 5).await;
    let oidc = Oidc::discover(&OidcSettings {
        issuer: provider.issuer.clone(),
        client_id: "carebridge".into(),
        client_secret: "test secret".into(),
        redirect_url: format!("{base}/sign-in/oidc/callback"),
        username_claim: UsernameClaim::PreferredUsername,
    })
    .await
    .unwrap();
    let router = carebridge_web::router(
        app.clone(),
        WebConfig {
            secure_cookies: false,
            oidc: Some(oidc),
        },
    );
    tokio::spawn(carebridge_web::serve(
        listener,
        router,
        std::future::pending(),
    ));
    (
        base.clone(),
        crate::common::Server {
            base,
            app,
            clock,
            db,
        },
    )
}

/// Follows one redirect: the response's Location, made absolute against `base`.
fn location(response: &reqwest::Response, base: &str) -> String {
    let to = response.headers()["location"].to_str().unwrap().to_owned();
    if to.starts_with('/') {
        format!("{base}{to}")
    } else {
        to
    }
}

/// Runs the whole dance from Carebridge's button; returns the callback's response and
/// the callback URL (to replay it).
async fn sign_on(c: &reqwest::Client, base: &str) -> (reqwest::Response, String) {
    let start = c
        .get(format!("{base}/sign-in/oidc?next=/staff"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let at_provider = location(&start, base);
    assert!(
        at_provider.contains("code_challenge_method=S256"),
        "{at_provider}"
    );
    let back = c.get(&at_provider).send().await.unwrap();
    assert_eq!(back.status(), 303);
    let callback = location(&back, base);
    (c.get(&callback).send().await.unwrap(), callback)
}

#[tokio::test]
async fn single_sign_on_signs_in_the_account_the_identity_names_and_nothing_else() {
    let provider = start_provider().await;
    let (base, _server) = start_carebridge(&provider).await;

    let c = client();
    let page = get_text(&c, format!("{base}/sign-in")).await;
    assert!(
        page.contains("Sign in with your organisation&#x27;s account")
            || page.contains("Sign in with your organisation's account"),
        "{page}"
    );
    let (done, callback) = sign_on(&c, &base).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/staff");
    assert_eq!(
        c.get(format!("{base}/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let home = get_text(&c, format!("{base}/")).await;
    assert!(
        home.contains("Social worker"),
        "signed in as the social worker"
    );

    // The state is used once: replaying the callback signs nobody in.
    let replay = client();
    let again = replay.get(&callback).send().await.unwrap();
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("did not complete"));
    assert_eq!(
        replay
            .get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );

    for (mischief, user, expected) in [
        (Mischief::WrongNonce, "sw.demo", "could not be checked"),
        (Mischief::OtherKey, "sw.demo", "could not be checked"),
        (
            Mischief::None,
            "nobody.here",
            "do not have a Carebridge account",
        ),
    ] {
        *provider.mischief.lock().unwrap() = mischief;
        *provider.user.lock().unwrap() = user.into();
        let c = client();
        let (refused, _) = sign_on(&c, &base).await;
        assert_eq!(refused.status(), 422, "{mischief:?}");
        assert!(
            refused.text().await.unwrap().contains(expected),
            "{mischief:?}"
        );
        assert_eq!(
            c.get(format!("{base}/")).send().await.unwrap().status(),
            303,
            "{mischief:?}: not signed in"
        );
    }
}
