-- A new QR code or a retired table can be undone: the token a table had
-- before its latest new code is kept (for a few minutes' undo), and a
-- retired table knows when it was retired and can be brought back.
ALTER TABLE tables ADD COLUMN previous_token TEXT;
ALTER TABLE tables ADD COLUMN retired_at INTEGER;
