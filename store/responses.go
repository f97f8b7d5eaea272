package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Limits on what a diner can type, stated on the survey page and held by
// NewResponse.Check.
const (
	MaxComment = 500 // characters
	MaxName    = 40
	MaxContact = 100
	MaxCheck   = 20
)

// NewResponse is a validated survey submission, ready to store.
type NewResponse struct {
	TableToken     string // the table is found by its QR token, in the insert itself
	IdempotencyKey string
	Rating         int // 1 to 5, or 0: none given, by a guest at the table who only asked for someone
	Tags           []string
	Comment        string
	AtTable        bool
	GuestName      string
	Contact        string // empty unless ContactConsent
	ContactConsent bool
	CheckNumber    string
	Language       string
}

// Response is a stored survey response.
type Response struct {
	ID             int64
	PublicID       string // the receipt id: unguessable, safe to show the diner
	RestaurantID   int64
	RestaurantName string
	TableID        int64
	TableLabel     string
	Rating         int
	Tags           []string
	Comment        string
	AtTable        bool
	GuestName      string
	Contact        string
	ContactConsent bool
	CheckNumber    string
	Language       string
	CreatedAt      time.Time
	// AlertID is the alert the response raised, if any (RecentResponses
	// only), and Offers the offers sent for it.
	AlertID int64
	Offers  OfferCounts
}

// Outcome is what CreateResponse did with a form.
type Outcome int

// The outcomes of a form sent once and sent again.
const (
	// Created: a new response.
	Created Outcome = iota + 1
	// Replayed: the same form again (a double tap, a resend after a dropped
	// connection), the same answers: nothing changed.
	Replayed
	// Amended: the same form with changed answers (Back, an edit, Send):
	// the response now says what the diner last sent, and raises the alert
	// it now calls for.
	Amended
	// Unamended: changed answers, but the response had raised its alert
	// already, which the floor may be acting on: the response was left as
	// it was, and the diner is told so.
	Unamended
)

// CreateResponse stores a survey response and returns its public id. It is
// idempotent: a second call with the same table and idempotency key stores
// no second response and returns the public id of the first, with what was
// done (Replayed, Amended or Unamended; Created the first time).
func (db *DB) CreateResponse(ctx context.Context, in NewResponse) (publicID string, outcome Outcome, err error) {
	if err := Invalid(in.Check()); err != nil {
		return "", 0, err
	}
	if in.IdempotencyKey == "" {
		return "", 0, Errorf(EInvalid, "A response needs an idempotency key.")
	}
	sub := &submission{in: in, at: db.nowMillis(), done: make(chan struct{})}
	if err := db.enqueue(ctx, sub); err != nil {
		return "", 0, err
	}
	return sub.publicID, sub.outcome, nil
}

const insertResponseSQL = `INSERT INTO responses (public_id, restaurant_id, table_id, section_id,
		rating, tags, comment, at_table, guest_name, contact, contact_consent, check_number, language, created_at)
	SELECT ?, restaurant_id, id, section_id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM tables WHERE token = ? AND active
	ON CONFLICT (public_id) DO NOTHING
	RETURNING id, restaurant_id`

// replayedSQL reads the response a resent form made, and whether it
// raised an alert.
const replayedSQL = `SELECT r.id, r.restaurant_id, coalesce(r.rating, 0), r.tags, r.comment, r.at_table, r.guest_name, r.contact,
		r.contact_consent, EXISTS (SELECT 1 FROM alerts a WHERE a.response_id = r.id), r.created_at
	FROM responses r WHERE r.public_id = ?`

const amendSQL = `UPDATE responses SET rating = ?, tags = ?, comment = ?, at_table = ?, guest_name = ?, contact = ?,
		contact_consent = ?, language = ? WHERE id = ?`

// insertResponse inserts one response under its receipt id with the prepared
// statement insert (of tx, on the write connection), and returns its id and
// restaurant. It returns sql.ErrNoRows when the receipt id is taken (a replay)
// or no active table has the token.
func insertResponse(ctx context.Context, insert *sql.Stmt, in NewResponse, publicID string, createdAt int64) (id, restaurantID int64, err error) {
	err = insert.QueryRowContext(ctx, publicID, nullRating(in.Rating), strings.Join(in.Tags, " "), in.Comment, in.AtTable,
		in.GuestName, in.Contact, in.ContactConsent, in.CheckNumber, in.Language, createdAt, in.TableToken).Scan(&id, &restaurantID)
	return id, restaurantID, err
}

// nullRating is a rating as stored: NULL for a guest who gave none.
func nullRating(rating int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(rating), Valid: rating > 0}
}

// ResponseByPublicID finds a response by its receipt id.
func (db *DB) ResponseByPublicID(ctx context.Context, publicID string) (Response, error) {
	var r Response
	var created int64
	var tags string
	err := db.read.QueryRowContext(ctx, `SELECT r.id, r.public_id, r.restaurant_id, rs.name, r.table_id, t.label,
			coalesce(r.rating, 0), r.comment, r.at_table, r.guest_name, r.contact, r.contact_consent, r.check_number,
			r.language, r.created_at, r.tags
		FROM responses r JOIN tables t ON t.id = r.table_id JOIN restaurants rs ON rs.id = r.restaurant_id
		WHERE r.public_id = ?`, publicID).
		Scan(&r.ID, &r.PublicID, &r.RestaurantID, &r.RestaurantName, &r.TableID, &r.TableLabel, &r.Rating, &r.Comment, &r.AtTable,
			&r.GuestName, &r.Contact, &r.ContactConsent, &r.CheckNumber, &r.Language, &created, &tags)
	if err != nil {
		return r, dbError(err)
	}
	r.CreatedAt = time.UnixMilli(created).UTC()
	r.Tags = strings.Fields(tags)
	return r, nil
}

// CountResponses counts the responses of a restaurant.
func (db *DB) CountResponses(ctx context.Context, restaurantID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE restaurant_id = ?`, restaurantID).Scan(&n)
	return n, dbError(err)
}

// RecentResponses lists a restaurant's latest responses, newest first,
// each with the alert it raised and that alert's offers.
func (db *DB) RecentResponses(ctx context.Context, restaurantID int64, limit int) ([]Response, error) {
	var rs []Response
	err := db.each(ctx, `SELECT r.public_id, t.label, coalesce(r.rating, 0), r.tags, r.comment, r.at_table, r.created_at,
			coalesce(a.id, 0), `+offerCountsSQL+`
		FROM responses r JOIN tables t ON t.id = r.table_id LEFT JOIN alerts a ON a.response_id = r.id
		WHERE r.restaurant_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, []any{restaurantID, limit}, func(row rowScanner) error {
		var r Response
		var tags string
		var created int64
		if err := row.Scan(&r.PublicID, &r.TableLabel, &r.Rating, &tags, &r.Comment, &r.AtTable, &created,
			&r.AlertID, &r.Offers.Sent, &r.Offers.Redeemed); err != nil {
			return err
		}
		r.Tags, r.CreatedAt, r.RestaurantID = strings.Fields(tags), time.UnixMilli(created).UTC(), restaurantID
		rs = append(rs, r)
		return nil
	})
	return rs, err
}

// EachResponse calls fn for each of a restaurant's responses made in
// [from, to), oldest first, without holding them all in memory.
func (db *DB) EachResponse(ctx context.Context, restaurantID int64, from, to time.Time, fn func(Response) error) error {
	return db.each(ctx, `SELECT r.id, t.label, coalesce(r.rating, 0), r.tags, r.comment, r.at_table, r.guest_name, r.contact,
			r.contact_consent, r.check_number, r.language, r.created_at
		FROM responses r JOIN tables t ON t.id = r.table_id
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.id`,
		[]any{restaurantID, from.UnixMilli(), to.UnixMilli()}, func(row rowScanner) error {
			r := Response{RestaurantID: restaurantID}
			var tags string
			var created int64
			if err := row.Scan(&r.ID, &r.TableLabel, &r.Rating, &tags, &r.Comment, &r.AtTable, &r.GuestName, &r.Contact,
				&r.ContactConsent, &r.CheckNumber, &r.Language, &created); err != nil {
				return err
			}
			r.Tags, r.CreatedAt = strings.Fields(tags), time.UnixMilli(created).UTC()
			return fn(r)
		})
}
