//! Single sign-on with OpenID Connect (an Entra ID tenant is the common case for a
//! council): the authorization code flow with PKCE, a nonce and a one-time state kept
//! server-side.
//!
//! The identity provider vouches for who the person is; Carebridge still decides what
//! they may do. The claim named in the configuration (by default
//! `preferred_username`) must match the sign-in name of an enabled Carebridge account,
//! whose role and staff record then apply exactly as for a password sign-in. An
//! identity with no account gets the same refusal as a wrong password.

use std::sync::Arc;

use chrono::Duration;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope,
};

/// How long a started sign-on may take.
const SIGN_ON_LASTS: Duration = Duration::minutes(10);

/// What an administrator configures.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer, e.g. `https://login.microsoftonline.com/TENANT/v2.0`.
    pub issuer: String,
    /// The client (application) id registered with the provider.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// Carebridge's callback as registered, ending `/sign-in/oidc/callback`.
    pub redirect_url: String,
    /// The ID token claim that holds the Carebridge sign-in name
    /// (`preferred_username` or `email`).
    pub username_claim: UsernameClaim,
}

/// Which ID token claim names the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsernameClaim {
    /// `preferred_username` (Entra ID: the user principal name).
    PreferredUsername,
    /// `email`.
    Email,
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A configured provider, discovered at start-up.
#[derive(Clone)]
pub struct Oidc {
    client: Arc<Client>,
    http: openidconnect::reqwest::Client,
    claim: UsernameClaim,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("claim", &self.claim)
            .finish_non_exhaustive()
    }
}

/// Why single sign-on could not be set up or finished.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// A setting is not a valid URL.
    #[error("single sign-on setting {0} is not a valid URL: {1}")]
    Setting(&'static str, String),
    /// The provider could not be reached or described itself wrongly.
    #[error("cannot discover the identity provider at {0}: {1}")]
    Discovery(String, String),
    /// The provider's answer did not check out.
    #[error("single sign-on failed: {0}")]
    Refused(String),
}

/// What to send the browser to, and what to keep until it comes back.
#[derive(Debug)]
pub(crate) struct Started {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

impl Oidc {
    /// Discovers the provider (its endpoints and signing keys) and builds the client.
    pub async fn discover(settings: &OidcSettings) -> Result<Oidc, OidcError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Setting("issuer", e.to_string()))?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| OidcError::Setting("redirect URL", e.to_string()))?;
        crate::install_tls_provider();
        // No redirects: following them would let a provider's answer reach elsewhere.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Discovery(settings.issuer.clone(), e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| OidcError::Discovery(settings.issuer.clone(), error_chain(&e)))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            Some(ClientSecret::new(settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(Oidc {
            client: Arc::new(client),
            http,
            claim: settings.username_claim,
        })
    }

    /// Starts a sign-on: the provider's URL, and the state, nonce and PKCE verifier to
    /// keep until the browser comes back.
    pub(crate) fn start(&self) -> Started {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        }
    }

    /// Finishes a sign-on: exchanges the code, checks the ID token (signature, issuer,
    /// audience, expiry, nonce) and returns the sign-in name it vouches for.
    pub(crate) async fn finish(
        &self,
        code: &str,
        nonce: &str,
        verifier: &str,
    ) -> Result<String, OidcError> {
        let refused = |e: String| OidcError::Refused(e);
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| refused(error_chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| refused(error_chain(&e)))?;
        let id_token = openidconnect::TokenResponse::id_token(&tokens)
            .ok_or_else(|| refused("the provider sent no ID token".to_owned()))?;
        let claims = id_token
            .claims(
                &self.client.id_token_verifier(),
                &Nonce::new(nonce.to_owned()),
            )
            .map_err(|e| refused(error_chain(&e)))?;
        let name = match self.claim {
            UsernameClaim::PreferredUsername => claims.preferred_username().map(|u| u.to_string()),
            UsernameClaim::Email => claims.email().map(|e| e.to_string()),
        };
        name.ok_or_else(|| refused("the ID token does not name the person".to_owned()))
    }

    /// How long a started sign-on may take.
    pub(crate) fn lasts() -> Duration {
        SIGN_ON_LASTS
    }
}

/// An error and its causes on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
