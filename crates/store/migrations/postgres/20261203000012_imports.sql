-- Records imported from returns made by a previous system (issue 6): each child, piece
-- of work and event written by an import, under its key in the return (the child's id
-- in the old system, then the work's kind and first day, then the event's kind, day
-- and number), so that importing the same return again changes nothing and a later
-- return updates what the first wrote. `source` names the import (e.g. 'cin').

CREATE TABLE imported_records (
    source    TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('child', 'work', 'event')),
    key       TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (source, kind, key)
);
