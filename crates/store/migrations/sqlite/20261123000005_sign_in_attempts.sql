-- Every sign-in attempt, by the name typed (whether or not such an account exists), so
-- repeated failures lock that name for a while without telling anyone whether it is a
-- real account (OWASP ASVS 2.2.1).
CREATE TABLE sign_in_attempts (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    client    TEXT NOT NULL,
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'locked'))
);
CREATE INDEX sign_in_attempts_username ON sign_in_attempts (username, at);
