-- The child as a person (issue 7): the fields of the record beyond name, sex and date of
-- birth, previous names and aliases, address history, and the search key table.
--
-- An unborn child has expected_date_of_birth set, and date_of_birth holds the same
-- expected date (so ordering and ages by date of birth keep working).
-- Coded fields hold DfE codes: ethnicity as CIN census Ethnicity / SSDA903 ETHNIC;
-- disabilities as CIN census Disability codes, comma-separated.
ALTER TABLE children ADD COLUMN expected_date_of_birth TEXT;
ALTER TABLE children ADD COLUMN gender TEXT;
ALTER TABLE children ADD COLUMN ethnicity TEXT;
ALTER TABLE children ADD COLUMN first_language TEXT;
ALTER TABLE children ADD COLUMN religion TEXT;
ALTER TABLE children ADD COLUMN nhs_number TEXT;
ALTER TABLE children ADD COLUMN upn TEXT;
ALTER TABLE children ADD COLUMN disabilities TEXT;
ALTER TABLE children ADD COLUMN uasc INTEGER NOT NULL DEFAULT 0 CHECK (uasc IN (0, 1));
ALTER TABLE children ADD COLUMN immigration_status TEXT;

CREATE INDEX children_date_of_birth ON children (date_of_birth);

-- Previous names and aliases; name_no numbers a child's names from 1 (0 is the current
-- name, held on children).
CREATE TABLE person_names (
    id          INTEGER PRIMARY KEY,
    child_id    INTEGER NOT NULL REFERENCES children (id),
    name_no     INTEGER NOT NULL CHECK (name_no > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('previous', 'alias')),
    given_name  TEXT NOT NULL,
    family_name TEXT NOT NULL,
    used_from   TEXT,
    used_to     TEXT,
    UNIQUE (child_id, name_no),
    CHECK (used_to IS NULL OR used_from IS NULL OR used_to >= used_from)
);

CREATE TABLE person_addresses (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES children (id),
    line       TEXT NOT NULL DEFAULT '',
    postcode   TEXT NOT NULL,
    lived_from TEXT NOT NULL,
    lived_to   TEXT,
    CHECK (lived_to IS NULL OR lived_to >= lived_from)
);
CREATE INDEX person_addresses_child ON person_addresses (child_id);

-- The search index: every key a child is found under (computed in Rust by
-- carebridge_domain::search, so both backends hold the same keys). name_no is the name
-- a name key belongs to (0 current, 1.. person_names), -1 for identifier keys.
CREATE TABLE person_search_keys (
    key      TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES children (id),
    name_no  INTEGER NOT NULL,
    PRIMARY KEY (key, child_id, name_no)
) WITHOUT ROWID;
