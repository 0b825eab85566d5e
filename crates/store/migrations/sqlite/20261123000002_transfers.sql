-- Transfer plans: services moving from one provider to another on a date, under an
-- instrument. Executing a plan writes provision and employment rows (never child
-- records) and the plan's reconciliation report, in one transaction.

CREATE TABLE transfer_plans (
    id             INTEGER PRIMARY KEY,
    authority_id   INTEGER NOT NULL REFERENCES organisations (id),
    title          TEXT NOT NULL,
    instrument_id  INTEGER NOT NULL REFERENCES instruments (id),
    from_org       INTEGER NOT NULL REFERENCES organisations (id),
    to_org         INTEGER NOT NULL REFERENCES organisations (id),
    effective_from TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'executed', 'cancelled')),
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    CHECK (from_org <> to_org)
);

CREATE TABLE transfer_plan_services (
    plan_id    INTEGER NOT NULL REFERENCES transfer_plans (id),
    service_id INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (plan_id, service_id)
);

-- The reconciliation report written when the plan is executed (JSON).
CREATE TABLE transfer_reports (
    plan_id INTEGER PRIMARY KEY REFERENCES transfer_plans (id),
    report  TEXT NOT NULL
);
