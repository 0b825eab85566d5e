-- Foundation schema (SQLite). Dates are ISO-8601 TEXT ('YYYY-MM-DD'), instants are
-- RFC 3339 UTC TEXT: the same representation as the PostgreSQL schema, so one set of
-- queries serves both backends (see docs/ARCHITECTURE.md, "Store").

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    short_name  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('local_authority', 'provider_body', 'government_department', 'inspectorate')),
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE services (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES organisations (id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    UNIQUE (authority_id, code)
);

CREATE TABLE instruments (
    id                 INTEGER PRIMARY KEY,
    authority_id       INTEGER NOT NULL REFERENCES organisations (id),
    kind               TEXT NOT NULL CHECK (kind IN ('service_contract', 'government_direction', 'cabinet_decision', 'notice_served', 'improvement_notice')),
    reference          TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    made_on            TEXT NOT NULL,
    -- contract: commissioner; direction and improvement notice: issuer; notice: served by
    from_org_id        INTEGER REFERENCES organisations (id),
    -- contract: provider; direction: addressed to; notice: served on
    to_org_id          INTEGER REFERENCES organisations (id),
    -- contract: starts on; direction: date of effect
    effective_from     TEXT,
    -- contract: ends on; notice: last day of the arrangement; improvement notice: review by
    ends_on            TEXT,
    immediate_effect   INTEGER CHECK (immediate_effect IN (0, 1)),
    notice_period_days INTEGER,
    mutual_agreement   INTEGER CHECK (mutual_agreement IN (0, 1)),
    -- contract: notice terms; direction: power; decision: the decision
    terms              TEXT NOT NULL DEFAULT '',
    recommendation     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE provision_periods (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services (id),
    provider_id INTEGER NOT NULL REFERENCES organisations (id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    started_by  INTEGER NOT NULL REFERENCES instruments (id),
    ended_by    INTEGER REFERENCES instruments (id),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (ended_by IS NULL))
);
CREATE INDEX provision_periods_service ON provision_periods (service_id, starts_on);

-- The no-overlap rule, enforced by the database as well as by the domain.
CREATE TRIGGER provision_periods_no_overlap_insert
BEFORE INSERT ON provision_periods
WHEN EXISTS (
    SELECT 1 FROM provision_periods p
    WHERE p.service_id = NEW.service_id
      AND (p.ends_on IS NULL OR p.ends_on >= NEW.starts_on)
      AND (NEW.ends_on IS NULL OR NEW.ends_on >= p.starts_on)
)
BEGIN
    SELECT RAISE(ABORT, 'provision periods of one service must not overlap');
END;

CREATE TRIGGER provision_periods_no_overlap_update
BEFORE UPDATE ON provision_periods
WHEN EXISTS (
    SELECT 1 FROM provision_periods p
    WHERE p.service_id = NEW.service_id
      AND p.id <> NEW.id
      AND (p.ends_on IS NULL OR p.ends_on >= NEW.starts_on)
      AND (NEW.ends_on IS NULL OR NEW.ends_on >= p.starts_on)
)
BEGIN
    SELECT RAISE(ABORT, 'provision periods of one service must not overlap');
END;

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES organisations (id),
    occurred_on  TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE inspections (
    id              INTEGER PRIMARY KEY,
    authority_id    INTEGER NOT NULL REFERENCES organisations (id),
    inspectorate_id INTEGER NOT NULL REFERENCES organisations (id),
    published_on    TEXT NOT NULL,
    judgement       TEXT NOT NULL CHECK (judgement IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    summary         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id),
    name       TEXT NOT NULL,
    UNIQUE (service_id, name)
);

CREATE TABLE posts (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    grade          TEXT NOT NULL,
    fte_hundredths INTEGER NOT NULL CHECK (fte_hundredths > 0 AND fte_hundredths <= 100),
    team_id        INTEGER NOT NULL REFERENCES teams (id),
    role           TEXT NOT NULL
);
CREATE INDEX posts_team ON posts (team_id);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    given_name  TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE
);

CREATE TABLE employments (
    id               INTEGER PRIMARY KEY,
    staff_id         INTEGER NOT NULL REFERENCES staff (id),
    employer_id      INTEGER NOT NULL REFERENCES organisations (id),
    post_id          INTEGER NOT NULL REFERENCES posts (id),
    starts_on        TEXT NOT NULL,
    ends_on          TEXT,
    continuous_since TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX employments_staff ON employments (staff_id, starts_on);
CREATE INDEX employments_post ON employments (post_id, starts_on);

CREATE TABLE children (
    id            INTEGER PRIMARY KEY,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('0', '1', '2')),
    date_of_birth TEXT NOT NULL
);

CREATE TABLE involvements (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES children (id),
    service_id INTEGER NOT NULL REFERENCES services (id),
    team_id    INTEGER REFERENCES teams (id),
    kind       TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX involvements_child ON involvements (child_id);
CREATE INDEX involvements_service_open ON involvements (service_id, ends_on);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    staff_id      INTEGER REFERENCES staff (id),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
);

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored,
-- so a copy of the database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
