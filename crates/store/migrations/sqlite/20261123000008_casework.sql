-- Casework (SQLite): a case (an involvement) allocated to a worker in a team, with the
-- history kept as effective-dated rows, and the reason a case was closed.
--
-- A reallocation never edits the worker or team of a row: it ends the current row on
-- the day before the new one starts and inserts the new one, so the history says who
-- held the case on every day. Rows name the person (staff), not their employer: when
-- a service changes provider, staff move employer under TUPE and keep their cases.

CREATE TABLE allocations (
    id                INTEGER PRIMARY KEY,
    involvement_id    INTEGER NOT NULL REFERENCES involvements (id),
    staff_id          INTEGER NOT NULL REFERENCES staff (id),
    team_id           INTEGER NOT NULL REFERENCES teams (id),
    starts_on         TEXT NOT NULL,
    ends_on           TEXT,
    -- Who allocated it: a sign-in name (or the demo loader), and the account if any.
    allocated_by      TEXT NOT NULL,
    allocated_by_user INTEGER REFERENCES users (id),
    reason            TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX allocations_involvement ON allocations (involvement_id, starts_on);
CREATE INDEX allocations_staff ON allocations (staff_id, ends_on);
CREATE INDEX allocations_team ON allocations (team_id, ends_on);

-- One worker at a time: the allocations of one case never share a day, enforced by the
-- database as well as by the domain (as provision periods are).
CREATE TRIGGER allocations_no_overlap_insert
BEFORE INSERT ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.involvement_id = NEW.involvement_id
      AND (a.ends_on IS NULL OR a.ends_on >= NEW.starts_on)
      AND (NEW.ends_on IS NULL OR NEW.ends_on >= a.starts_on)
)
BEGIN
    SELECT RAISE(ABORT, 'allocations of one case must not overlap');
END;

CREATE TRIGGER allocations_no_overlap_update
BEFORE UPDATE ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.involvement_id = NEW.involvement_id
      AND a.id <> NEW.id
      AND (a.ends_on IS NULL OR a.ends_on >= NEW.starts_on)
      AND (NEW.ends_on IS NULL OR NEW.ends_on >= a.starts_on)
)
BEGIN
    SELECT RAISE(ABORT, 'allocations of one case must not overlap');
END;

-- Closing a case: the last day is the involvement's ends_on; the reason is a children
-- in need census "reason for closure" code (RC1 to RC9), with who recorded it and when.
ALTER TABLE involvements ADD COLUMN closure_reason TEXT
    CHECK (closure_reason IS NULL OR closure_reason IN ('RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9'));
ALTER TABLE involvements ADD COLUMN closed_by TEXT;
ALTER TABLE involvements ADD COLUMN closed_at TEXT;
