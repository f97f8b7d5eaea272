-- A guest who only asks for someone need not rate: rating becomes NULL for
-- them (only at the table). The day cache is emptied: its figures now count
-- rated answers apart.
ALTER TABLE responses ALTER COLUMN rating DROP NOT NULL;
ALTER TABLE responses ADD CONSTRAINT responses_rated_or_at_table CHECK (rating IS NOT NULL OR at_table);
DELETE FROM day_stats;
