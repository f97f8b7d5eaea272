-- A restaurant's country (ISO 3166-1 alpha-2, '' unknown): the region
-- phone numbers written without a country code are read in, so a guest's
-- data is found and erased by their exact number. The same SQL on both
-- engines.
ALTER TABLE restaurants ADD COLUMN country TEXT NOT NULL DEFAULT '';
