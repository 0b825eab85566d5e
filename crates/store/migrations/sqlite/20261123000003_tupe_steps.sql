-- The TUPE process around a transfer plan: each step recorded as done, with its date
-- and notes (employee liability information, measures letter, consultation meetings,
-- individual staff letters).

CREATE TABLE tupe_steps (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES transfer_plans (id),
    kind     TEXT NOT NULL CHECK (kind IN ('eli', 'measures_letter', 'consultation', 'staff_letters')),
    done_on  TEXT NOT NULL,
    notes    TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX tupe_steps_plan ON tupe_steps (plan_id, done_on);
