-- The languages a restaurant offers its diners, its default first, as a
-- comma-separated list of tags from store.DinerLanguages.
ALTER TABLE restaurants ADD COLUMN languages TEXT NOT NULL DEFAULT 'en';
