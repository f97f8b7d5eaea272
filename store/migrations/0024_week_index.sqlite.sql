-- The week's covering index carries each answer's section and table too, so
-- the summary's questions by section, by person and of This week are
-- answered from the index alone, as its counts are.
DROP INDEX responses_restaurant_week;
CREATE INDEX responses_restaurant_week ON responses (restaurant_id, created_at, rating, at_table, tags, language, section_id, table_id);
