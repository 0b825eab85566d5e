-- Documents attached to a child's record (issue 7), filed under a piece of work. The
-- bytes are kept with their SHA-256 (hex), which is checked again on every download;
-- document_type is a carebridge_domain::casefile::attachments::DocumentType code.

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children (id),
    involvement_id INTEGER NOT NULL REFERENCES involvements (id),
    title          TEXT NOT NULL,
    filename       TEXT NOT NULL,
    document_type  TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    content        BLOB NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX attachments_child ON attachments (child_id);
