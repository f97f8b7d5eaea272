package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Limits on what a diner can type, stated on the survey page and enforced here
// and by the form parser.
const (
	MaxComment = 500 // characters
	MaxName    = 40
	MaxContact = 100
	MaxCheck   = 20
)

// NewResponse is a validated survey submission, ready to store.
type NewResponse struct {
	TableID        int64
	IdempotencyKey string
	Rating         int
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
}

// CreateResponse stores a survey response and returns its public id. It is
// idempotent: a second call with the same table and idempotency key (a double
// tap, a resend after a dropped connection) stores nothing and returns the
// public id of the first, with created=false.
func (db *DB) CreateResponse(ctx context.Context, in NewResponse) (publicID string, created bool, err error) {
	if in.Rating < 1 || in.Rating > 5 {
		return "", false, Errorf(EInvalid, "A rating is 1 to 5.")
	}
	if in.IdempotencyKey == "" {
		return "", false, Errorf(EInvalid, "A response needs an idempotency key.")
	}
	for _, tag := range in.Tags {
		if _, ok := LookupTag(tag); !ok {
			return "", false, Errorf(EInvalid, "Unknown tag %q.", tag)
		}
	}
	if !in.ContactConsent {
		in.Contact = ""
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", false, dbError(err)
	}
	defer tx.Rollback()
	publicID = NewToken()
	_, err = insertResponse(ctx, tx, in, publicID, db.nowMillis())
	if err == sql.ErrNoRows {
		// Either the key was used already (a replay) or the table does not exist.
		err = tx.QueryRowContext(ctx, `SELECT public_id FROM responses WHERE table_id = ? AND idempotency_key = ?`,
			in.TableID, in.IdempotencyKey).Scan(&publicID)
		return publicID, false, dbError(err)
	}
	if err != nil {
		return "", false, dbError(err)
	}
	if err := tx.Commit(); err != nil {
		return "", false, dbError(err)
	}
	return publicID, true, nil
}

// insertResponse inserts one response and its tags in tx. It returns
// sql.ErrNoRows when the table's idempotency key is taken or the table does not
// exist.
func insertResponse(ctx context.Context, tx *sql.Tx, in NewResponse, publicID string, createdAt int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO responses (public_id, restaurant_id, table_id, idempotency_key,
			rating, comment, at_table, guest_name, contact, contact_consent, check_number, language, created_at)
		SELECT ?, restaurant_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM tables WHERE id = ?
		ON CONFLICT (table_id, idempotency_key) DO NOTHING
		RETURNING id`,
		publicID, in.IdempotencyKey, in.Rating, in.Comment, in.AtTable, in.GuestName, in.Contact,
		in.ContactConsent, in.CheckNumber, in.Language, createdAt, in.TableID).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, tag := range in.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO response_tags (response_id, tag) VALUES (?, ?)`, id, tag); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ResponseByPublicID finds a response by its receipt id.
func (db *DB) ResponseByPublicID(ctx context.Context, publicID string) (Response, error) {
	var r Response
	var created int64
	var tags sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT r.id, r.public_id, r.restaurant_id, r.table_id, t.label,
			r.rating, r.comment, r.at_table, r.guest_name, r.contact, r.contact_consent, r.check_number,
			r.language, r.created_at,
			(SELECT group_concat(tag, ' ') FROM response_tags WHERE response_id = r.id)
		FROM responses r JOIN tables t ON t.id = r.table_id
		WHERE r.public_id = ?`, publicID).
		Scan(&r.ID, &r.PublicID, &r.RestaurantID, &r.TableID, &r.TableLabel, &r.Rating, &r.Comment, &r.AtTable,
			&r.GuestName, &r.Contact, &r.ContactConsent, &r.CheckNumber, &r.Language, &created, &tags)
	if err != nil {
		return r, dbError(err)
	}
	r.CreatedAt = time.UnixMilli(created).UTC()
	r.Tags = strings.Fields(tags.String)
	return r, nil
}

// CountResponses counts the responses of a restaurant.
func (db *DB) CountResponses(ctx context.Context, restaurantID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE restaurant_id = ?`, restaurantID).Scan(&n)
	return n, dbError(err)
}
