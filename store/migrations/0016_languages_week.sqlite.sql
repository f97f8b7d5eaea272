-- The summary counts a week's responses by the language they were written
-- in too: the covering index carries it, so the week is still read from the
-- index alone.
DROP INDEX responses_restaurant_week;
CREATE INDEX responses_restaurant_week ON responses (restaurant_id, created_at, rating, at_table, tags, language);
