-- Single sign-on in progress: the state sent to the identity provider, with the nonce
-- and PKCE verifier that must come back with it. Kept server-side, used once, valid
-- for ten minutes.
CREATE TABLE oidc_logins (
    state      TEXT PRIMARY KEY,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
