package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Table is one table of a restaurant. Its Token is the secret part of the URL in
// its QR code; rotating it retires the old code.
type Table struct {
	ID           int64
	RestaurantID int64
	Label        string
	Token        string
	Active       bool
}

// SurveyTarget is what the survey page needs about the table a diner scanned.
type SurveyTarget struct {
	Table      Table
	Restaurant Restaurant
}

// MaxTableLabel is the longest table label, in characters.
const MaxTableLabel = 30

func cleanLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	if strings.ContainsFunc(label, unicode.IsControl) {
		return "", Errorf(EInvalid, "A table label is one line of text.")
	}
	if label == "" || utf8.RuneCountInString(label) > MaxTableLabel {
		return "", Errorf(EInvalid, "A table label is 1–%d characters.", MaxTableLabel)
	}
	return label, nil
}

// CreateTable adds an active table with a fresh token.
func (db *DB) CreateTable(ctx context.Context, restaurantID int64, label string) (Table, error) {
	label, err := cleanLabel(label)
	if err != nil {
		return Table{}, err
	}
	t := Table{RestaurantID: restaurantID, Label: label, Token: NewToken(), Active: true}
	return t, db.update(ctx, func(tx *Tx) error { return insertTable(ctx, tx, &t) })
}

func insertTable(ctx context.Context, tx *Tx, t *Table) error {
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tables WHERE restaurant_id = ? AND label = ? AND active`,
		t.RestaurantID, t.Label).Scan(&taken); err != nil {
		return dbError(err)
	}
	if taken > 0 {
		return Errorf(EConflict, "There is already a table called %q.", t.Label)
	}
	return dbError(tx.QueryRowContext(ctx, `INSERT INTO tables (restaurant_id, label, token, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, t.RestaurantID, t.Label, t.Token, tx.nowMillis()).Scan(&t.ID))
}

const surveyTargetSQL = `SELECT t.id, t.restaurant_id, t.label, t.token, r.id, r.slug, r.name, r.time_zone, r.languages
	FROM tables t JOIN restaurants r ON r.id = t.restaurant_id
	WHERE t.token = ? AND t.active`

// SurveyTargetByToken finds the active table behind a QR token, with its
// restaurant. Unknown and retired tokens give ErrNotFound.
func (db *DB) SurveyTargetByToken(ctx context.Context, token string) (SurveyTarget, error) {
	var s SurveyTarget
	var langs string
	err := db.stmt.surveyTarget.QueryRowContext(ctx, token).
		Scan(&s.Table.ID, &s.Table.RestaurantID, &s.Table.Label, &s.Table.Token,
			&s.Restaurant.ID, &s.Restaurant.Slug, &s.Restaurant.Name, &s.Restaurant.TimeZone, &langs)
	s.Table.Active = true
	s.Restaurant.Languages = strings.Split(langs, ",")
	return s, dbError(err)
}

// ActiveTables lists a restaurant's active tables in label order (natural for
// "Table 2" before "Table 10").
func (db *DB) ActiveTables(ctx context.Context, restaurantID int64) ([]Table, error) {
	var ts []Table
	err := db.each(ctx, `SELECT id, restaurant_id, label, token FROM tables
		WHERE restaurant_id = ? AND active ORDER BY length(label), label, id`, []any{restaurantID}, func(row rowScanner) error {
		t := Table{Active: true}
		err := row.Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token)
		ts = append(ts, t)
		return err
	})
	return ts, err
}

// TableByID finds one active table of a restaurant; a table of another
// restaurant is not found, so ids cannot be probed across restaurants.
func (db *DB) TableByID(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	t := Table{Active: true}
	err := db.read.QueryRowContext(ctx, `SELECT id, restaurant_id, label, token FROM tables
		WHERE id = ? AND restaurant_id = ? AND active`, tableID, restaurantID).
		Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token)
	return t, dbError(err)
}

// UndoWithin is how long a new QR code can be undone.
const UndoWithin = 10 * time.Minute

// RotateTableToken gives a table a new token; the old QR code stops working at
// once (UndoRotate brings it back within UndoWithin). It returns the table
// with its new token.
func (db *DB) RotateTableToken(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	return db.updateTable(ctx, func(tx *Tx) (string, []any) {
		return `UPDATE tables SET previous_token = token, token = ?, rotated_at = ? WHERE id = ? AND restaurant_id = ? AND active
			RETURNING id, restaurant_id, label, token`, []any{NewToken(), tx.nowMillis(), tableID, restaurantID}
	})
}

// UndoRotate gives a table back the token it had before its latest new code,
// if that was within UndoWithin: the cards printed before work again.
func (db *DB) UndoRotate(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	t, err := db.updateTable(ctx, func(tx *Tx) (string, []any) {
		return `UPDATE tables SET token = previous_token, previous_token = NULL
			WHERE id = ? AND restaurant_id = ? AND active AND previous_token IS NOT NULL AND rotated_at >= ?
			RETURNING id, restaurant_id, label, token`, []any{tableID, restaurantID, tx.now.Add(-UndoWithin).UnixMilli()}
	})
	if errors.Is(err, ErrNotFound) {
		return t, Errorf(EConflict, "That new QR code is more than %d minutes old: it can no longer be undone.", int(UndoWithin/time.Minute))
	}
	return t, err
}

// RetireTable takes a table out of service; its QR code stops working and it no
// longer appears on the cards. Its past responses are kept, and it can be
// brought back (RestoreTable).
func (db *DB) RetireTable(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	t, err := db.updateTable(ctx, func(tx *Tx) (string, []any) {
		return `UPDATE tables SET active = FALSE, retired_at = ? WHERE id = ? AND restaurant_id = ? AND active
			RETURNING id, restaurant_id, label, token`, []any{tx.nowMillis(), tableID, restaurantID}
	})
	t.Active = false
	return t, err
}

// RestoreTable brings a retired table back into service, with the QR code it
// had: its printed cards work again. Another active table with its label is
// a conflict.
func (db *DB) RestoreTable(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	t := Table{Active: true}
	err := db.update(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT id, restaurant_id, label, token FROM tables WHERE id = ? AND restaurant_id = ? AND NOT active`,
			tableID, restaurantID).Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token); err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tables WHERE restaurant_id = ? AND label = ? AND active`,
			restaurantID, t.Label).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return Errorf(EConflict, "Another table is called %q now: retire or rename it before bringing this one back.", t.Label)
		}
		_, err := tx.ExecContext(ctx, `UPDATE tables SET active = TRUE, retired_at = NULL WHERE id = ?`, t.ID)
		return err
	})
	return t, err
}

// RetiredTables lists a restaurant's retired tables, the latest retired
// first.
func (db *DB) RetiredTables(ctx context.Context, restaurantID int64) ([]Table, error) {
	var ts []Table
	err := db.each(ctx, `SELECT id, restaurant_id, label, token FROM tables WHERE restaurant_id = ? AND NOT active
		ORDER BY coalesce(retired_at, 0) DESC, id DESC LIMIT 100`, []any{restaurantID}, func(row rowScanner) error {
		var t Table
		err := row.Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token)
		ts = append(ts, t)
		return err
	})
	return ts, err
}

// updateTable runs the UPDATE … RETURNING that statement makes, in a
// transaction, and reads the table back.
func (db *DB) updateTable(ctx context.Context, statement func(tx *Tx) (string, []any)) (Table, error) {
	t := Table{Active: true}
	err := db.update(ctx, func(tx *Tx) error {
		query, args := statement(tx)
		return tx.QueryRowContext(ctx, query, args...).Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token)
	})
	return t, err
}
