-- Each notification is planned once, whichever instance plans it first: an
-- outbox row is unique by its message id (an event's, a channel's and a
-- target's), and a second plan of it does nothing. Duplicates made before
-- this (two instances planning one event) are dropped first, the oldest
-- kept. The same SQL on both engines.
DELETE FROM outbox WHERE id NOT IN (SELECT min(id) FROM outbox GROUP BY message_id);
CREATE UNIQUE INDEX outbox_message ON outbox (message_id);
