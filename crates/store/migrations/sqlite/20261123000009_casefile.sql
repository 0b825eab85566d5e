-- What practitioners add to a child's record: case notes and visits, and the dated
-- events of statutory work, each filed under one piece of work. Drafts of long forms,
-- saved as the person types, so typed work survives a timeout, a crash or a lost
-- connection.

CREATE TABLE case_notes (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children (id),
    involvement_id INTEGER NOT NULL REFERENCES involvements (id),
    kind           TEXT NOT NULL CHECK (kind IN ('visit', 'case-note', 'call', 'meeting', 'direct-work')),
    occurred_on    TEXT NOT NULL,
    child_seen     INTEGER CHECK (child_seen IN (0, 1)),
    seen_alone     INTEGER CHECK (seen_alone IN (0, 1)),
    summary        TEXT NOT NULL,
    body           TEXT NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL,
    CHECK (kind = 'visit' OR (child_seen IS NULL AND seen_alone IS NULL)),
    CHECK (seen_alone IS NULL OR child_seen = 1)
);
CREATE INDEX case_notes_child ON case_notes (child_id, occurred_on);

CREATE TABLE case_events (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children (id),
    involvement_id INTEGER NOT NULL REFERENCES involvements (id),
    kind           TEXT NOT NULL,
    occurred_on    TEXT NOT NULL,
    -- Coded details as a JSON object of name to DfE code, checked by the domain.
    details        TEXT NOT NULL DEFAULT '{}',
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX case_events_child ON case_events (child_id, occurred_on);

-- One draft per person per form (the form's path). Deleted when the form is saved or
-- the person discards it.
CREATE TABLE drafts (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    form      TEXT NOT NULL,
    child_id  INTEGER REFERENCES children (id),
    fields    TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, form)
);
