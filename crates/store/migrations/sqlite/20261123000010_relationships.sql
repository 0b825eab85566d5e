-- A child's family and significant people (issue 7). The other person is either
-- another child with a record (other_child_id) or a related person (person_id): one
-- row per person, shared by every child they are related to. responsibility holds how
-- the other person has parental responsibility for the child (a basis code from
-- carebridge_domain::relationships), NULL when they have none.

CREATE TABLE related_people (
    id            INTEGER PRIMARY KEY,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    date_of_birth TEXT,
    recorded_by   INTEGER NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL
);

CREATE TABLE relationships (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children (id),
    kind           TEXT NOT NULL,
    other_child_id INTEGER REFERENCES children (id),
    person_id      INTEGER REFERENCES related_people (id),
    responsibility TEXT,
    starts_on      TEXT,
    ends_on        TEXT,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL,
    CHECK ((other_child_id IS NULL) <> (person_id IS NULL)),
    CHECK (other_child_id IS NULL OR other_child_id <> child_id),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX relationships_child ON relationships (child_id);
CREATE INDEX relationships_other_child ON relationships (other_child_id);
CREATE INDEX relationships_person ON relationships (person_id);
