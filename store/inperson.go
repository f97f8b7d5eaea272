package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"
)

// LogInPerson records a complaint a guest told a manager, so that every voiced
// complaint counts; it raises an alert like any other and returns its id. key
// makes a resent form harmless: the same key gives the alert it made the
// first time.
func (db *DB) LogInPerson(ctx context.Context, restaurantID, tableID, userID int64, key string, tags []string, note string) (int64, error) {
	note = strings.TrimSpace(note)
	for _, t := range tags {
		if tag, ok := LookupTag(t); !ok || tag.Kind != Complaint {
			return 0, Errorf(EInvalid, "Choose from the complaints shown.")
		}
	}
	switch {
	case note == "" && len(tags) == 0:
		return 0, Errorf(EInvalid, "Say what the guest complained about.")
	case utf8.RuneCountInString(note) > MaxNote:
		return 0, Errorf(EInvalid, "Keep the note to %d characters.", MaxNote)
	case key == "":
		return 0, Errorf(EInvalid, "The form is missing its key: reload the page and try again.")
	}
	var id int64
	err := db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tables WHERE id = ? AND restaurant_id = ? AND active`,
			tableID, restaurantID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, Errorf(EInvalid, "Choose the guest's table.")
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO alerts (restaurant_id, table_id, reasons, note, tags, logged_by, request_key, created_at, section_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT section_id FROM tables WHERE id = ?))
			ON CONFLICT (restaurant_id, request_key) WHERE request_key IS NOT NULL DO NOTHING RETURNING id`,
			restaurantID, tableID, ReasonInPerson, note, strings.Join(tags, " "), userID, key, tx.nowMillis(), tableID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // sent before: nothing new to tell the floor
			return nil, tx.QueryRowContext(ctx, `SELECT id FROM alerts WHERE restaurant_id = ? AND request_key = ?`,
				restaurantID, key).Scan(&id)
		}
		if err != nil {
			return nil, err
		}
		e, err := db.insertEvent(ctx, tx, restaurantID, id, EventRaised, tx.nowMillis(), 0)
		return []Notice{e}, err
	})
	return id, err
}
