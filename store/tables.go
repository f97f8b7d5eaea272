package store

import (
	"context"
	"strings"
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
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tables WHERE restaurant_id = ? AND label = ? AND active = 1`,
		t.RestaurantID, t.Label).Scan(&taken); err != nil {
		return dbError(err)
	}
	if taken > 0 {
		return Errorf(EConflict, "There is already a table called %q.", t.Label)
	}
	return dbError(tx.QueryRowContext(ctx, `INSERT INTO tables (restaurant_id, label, token, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, t.RestaurantID, t.Label, t.Token, tx.nowMillis()).Scan(&t.ID))
}

const surveyTargetSQL = `SELECT t.id, t.restaurant_id, t.label, t.token, r.id, r.slug, r.name, r.time_zone
	FROM tables t JOIN restaurants r ON r.id = t.restaurant_id
	WHERE t.token = ? AND t.active = 1`

// SurveyTargetByToken finds the active table behind a QR token, with its
// restaurant. Unknown and retired tokens give ErrNotFound.
func (db *DB) SurveyTargetByToken(ctx context.Context, token string) (SurveyTarget, error) {
	var s SurveyTarget
	err := db.stmt.surveyTarget.QueryRowContext(ctx, token).
		Scan(&s.Table.ID, &s.Table.RestaurantID, &s.Table.Label, &s.Table.Token,
			&s.Restaurant.ID, &s.Restaurant.Slug, &s.Restaurant.Name, &s.Restaurant.TimeZone)
	s.Table.Active = true
	return s, dbError(err)
}

// ActiveTables lists a restaurant's active tables in label order (natural for
// "Table 2" before "Table 10").
func (db *DB) ActiveTables(ctx context.Context, restaurantID int64) ([]Table, error) {
	var ts []Table
	err := db.each(ctx, `SELECT id, restaurant_id, label, token FROM tables
		WHERE restaurant_id = ? AND active = 1 ORDER BY length(label), label, id`, []any{restaurantID}, func(row rowScanner) error {
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
		WHERE id = ? AND restaurant_id = ? AND active = 1`, tableID, restaurantID).
		Scan(&t.ID, &t.RestaurantID, &t.Label, &t.Token)
	return t, dbError(err)
}

// RotateTableToken gives a table a new token; the old QR code stops working at
// once. It returns the table with its new token.
func (db *DB) RotateTableToken(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	return db.updateTable(ctx, func(tx *Tx) (string, []any) {
		return `UPDATE tables SET token = ?, rotated_at = ? WHERE id = ? AND restaurant_id = ? AND active = 1
			RETURNING id, restaurant_id, label, token`, []any{NewToken(), tx.nowMillis(), tableID, restaurantID}
	})
}

// RetireTable takes a table out of service; its QR code stops working and it no
// longer appears on the cards. Its past responses are kept.
func (db *DB) RetireTable(ctx context.Context, restaurantID, tableID int64) (Table, error) {
	t, err := db.updateTable(ctx, func(*Tx) (string, []any) {
		return `UPDATE tables SET active = 0 WHERE id = ? AND restaurant_id = ? AND active = 1
			RETURNING id, restaurant_id, label, token`, []any{tableID, restaurantID}
	})
	t.Active = false
	return t, err
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
