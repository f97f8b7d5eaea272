-- The week's covering index carries each answer's section and table too
-- (see the SQLite file of the same number).
DROP INDEX responses_restaurant_week;
CREATE INDEX responses_restaurant_week ON responses (restaurant_id, created_at) INCLUDE (rating, at_table, tags, language, section_id, table_id);
