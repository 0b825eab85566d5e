-- Who may see what: restricted records, break-glass, time-limited grants, and the
-- tamper-evident audit log every read and write of a child's record is written to.

-- The audit log. Append-only (the triggers below refuse UPDATE and DELETE) and
-- hash-chained: each entry's `hash` is the SHA-256 of its content and the previous
-- entry's hash (see crates/store/src/audit.rs for the exact bytes hashed), so an edit
-- behind the application's back breaks the chain at that entry and `carebridge audit
-- verify` says where.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    employer_id INTEGER,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    child_id    INTEGER,
    decision    TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),
    reason      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    client      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_child ON audit_log (child_id, seq);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The chain's head: one row, updated in the transaction that appends, so appends are
-- serialised and each entry links to the one before.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- A restricted record opens only for the accounts named on it; for everyone else it
-- does not exist. Lifting a restriction deletes its row (the audit log keeps the story).
CREATE TABLE record_restrictions (
    child_id      INTEGER PRIMARY KEY REFERENCES children (id),
    reason        TEXT NOT NULL CHECK (length(reason) > 0),
    restricted_by INTEGER NOT NULL REFERENCES users (id),
    restricted_at TEXT NOT NULL
);
CREATE TABLE restriction_named (
    child_id INTEGER NOT NULL REFERENCES record_restrictions (child_id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (child_id, user_id)
);

-- Break-glass: a record opened outside one's scope with a justification, for a limited
-- time, reviewed afterwards by the information governance lead.
CREATE TABLE break_glass (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    child_id      INTEGER NOT NULL REFERENCES children (id),
    justification TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    review        TEXT CHECK (review IN ('accepted', 'escalated')),
    review_note   TEXT,
    reviewed_by   INTEGER REFERENCES users (id),
    reviewed_at   TEXT,
    CHECK (expires_at > opened_at),
    CHECK ((review IS NULL) = (reviewed_by IS NULL))
);
CREATE INDEX break_glass_user_child ON break_glass (user_id, child_id, expires_at);
CREATE INDEX break_glass_queue ON break_glass (review, opened_at);

-- Time-limited read access: an inspection (every unrestricted record) or a partner
-- professional's access to one child.
CREATE TABLE access_grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('inspection', 'partner')),
    child_id   INTEGER REFERENCES children (id),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK ((kind = 'partner') = (child_id IS NOT NULL))
);
CREATE INDEX access_grants_user ON access_grants (user_id, ends_at);
