-- The owner's review links (up to three, https, one a line), which every
-- receipt shows alike, whatever the guest rated: no review gating. The same
-- SQL on both engines.
ALTER TABLE restaurants ADD COLUMN review_links TEXT NOT NULL DEFAULT '';
