-- Social worker episodes (the 903's SWEpisodes, issue 6): a member of staff's Social
-- Work England registration number (SW and digits), by which the DfE knows a social
-- worker, and, on each allocation, why the child's social worker changed to this one
-- (the 903's SW_REASON codes; blank on allocations made before it was asked).

ALTER TABLE staff ADD COLUMN swe_registration TEXT;
CREATE UNIQUE INDEX staff_swe_registration ON staff (swe_registration)
    WHERE swe_registration IS NOT NULL;

ALTER TABLE allocations ADD COLUMN change_reason TEXT
    CHECK (change_reason IS NULL OR change_reason IN ('FCONTA', 'LEFTRL', 'ABSENC',
        'SWDIED', 'MANAGE', 'ORGRST', 'TSPROC', 'CHCHAN', 'PCCHAN', 'OTHERS'));

-- An import finds again, under every key a return gave it, a piece of work it merged
-- (a period of care shown by two years' returns): by the record it names.
CREATE INDEX imported_records_record ON imported_records (record_id);
