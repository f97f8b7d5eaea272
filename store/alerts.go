package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Alert states, in the order an alert goes through them.
const (
	StateOpen         = "open"
	StateAcknowledged = "acknowledged"
	StateResolved     = "resolved"
)

// Outcomes of a resolved alert: what the manager did.
const (
	OutcomeApologised = "apologised"
	OutcomeReplaced   = "replaced"
	OutcomeCompedItem = "comped-item"
	OutcomeCompedBill = "comped-bill"
	OutcomeDiscount   = "discount"
	OutcomeFollowUp   = "follow-up"
	OutcomeGuestLeft  = "guest-left"
)

// Outcomes lists the outcomes in the order the floor tablet offers them.
var Outcomes = []string{OutcomeApologised, OutcomeReplaced, OutcomeCompedItem, OutcomeCompedBill,
	OutcomeDiscount, OutcomeFollowUp, OutcomeGuestLeft}

// OutcomeNeedsAmount reports whether an outcome gives money back.
func OutcomeNeedsAmount(o string) bool {
	return o == OutcomeCompedItem || o == OutcomeCompedBill || o == OutcomeDiscount
}

// OutcomeGuestPresent reports whether a resolved alert's outcome put it
// right while the guest was there: every outcome but a follow-up and "guest
// had left".
func OutcomeGuestPresent(o string) bool {
	return o != OutcomeGuestLeft && o != OutcomeFollowUp
}

// Alert is a complaint the floor must act on: raised by a survey response or
// told to a manager in person.
type Alert struct {
	ID           int64
	RestaurantID int64
	ReceiptID    string // the response's public id; "" for in-person complaints
	TableLabel   string
	Reasons      []string
	Rating       int // 0 for in-person complaints
	Tags         []string
	Comment      string // the diner's comment, or what the manager heard
	AtTable      bool
	GuestName    string
	Contact      string
	State        string
	CreatedAt    time.Time
	Escalated    bool
	// EscalationStep is how far the alert has escalated (0: not yet; see
	// EscalationAt).
	EscalationStep int
	Language       string // the diner's, from Accept-Language; "" in person
	AckBy          string // staff name
	AckAt          time.Time
	ResolvedBy     string
	ResolvedAt     time.Time
	Outcome        string
	Amount         Money // given back, for a comp or a discount
	FollowUpAt     time.Time
	FollowUpWho    string
	Note           string // the resolution note
	Offers         OfferCounts
}

// alertFields and alertJoins read an alert (as a) with everything the floor
// shows about it; alertColumns is the query they make.
const (
	alertFields = `a.id, a.restaurant_id, coalesce(r.public_id, ''), coalesce(t.label, ''), a.reasons,
		coalesce(r.rating, 0), coalesce(r.tags, a.tags), coalesce(nullif(r.comment, ''), a.note),
		coalesce(r.at_table, FALSE), coalesce(r.guest_name, ''), coalesce(r.contact, ''), a.state, a.created_at,
		a.escalated_at IS NOT NULL, coalesce(nullif(ackm.name, ''), ack.name, ''), coalesce(a.acknowledged_at, 0),
		coalesce(nullif(resm.name, ''), res.name, ''), coalesce(a.resolved_at, 0), coalesce(a.outcome, ''), coalesce(a.amount_minor, 0), rs.currency,
		coalesce(a.follow_up_at, 0), a.follow_up_contact, a.resolution_note, a.escalation_step, coalesce(r.language, ''), ` + offerCountsSQL
	alertJoins = `
	JOIN restaurants rs ON rs.id = a.restaurant_id
	LEFT JOIN responses r ON r.id = a.response_id
	LEFT JOIN tables t ON t.id = a.table_id
	LEFT JOIN users ack ON ack.id = a.acknowledged_by
	LEFT JOIN memberships ackm ON ackm.user_id = a.acknowledged_by AND ackm.restaurant_id = a.restaurant_id
	LEFT JOIN users res ON res.id = a.resolved_by
	LEFT JOIN memberships resm ON resm.user_id = a.resolved_by AND resm.restaurant_id = a.restaurant_id`
	alertColumns = `SELECT ` + alertFields + ` FROM alerts a` + alertJoins
)

type rowScanner interface{ Scan(...any) error }

// scanAlert reads the alertFields of a row, after the columns of first.
func scanAlert(row rowScanner, first ...any) (Alert, error) {
	var a Alert
	var reasons, tags string
	var created, ackAt, resAt, followUp int64
	err := row.Scan(append(first, &a.ID, &a.RestaurantID, &a.ReceiptID, &a.TableLabel, &reasons, &a.Rating, &tags, &a.Comment,
		&a.AtTable, &a.GuestName, &a.Contact, &a.State, &created, &a.Escalated, &a.AckBy, &ackAt,
		&a.ResolvedBy, &resAt, &a.Outcome, &a.Amount.Minor, &a.Amount.Currency, &followUp, &a.FollowUpWho, &a.Note, &a.EscalationStep, &a.Language,
		&a.Offers.Sent, &a.Offers.Redeemed)...)
	if err != nil {
		return a, dbError(err)
	}
	a.Reasons, a.Tags = strings.Fields(reasons), strings.Fields(tags)
	a.CreatedAt = time.UnixMilli(created).UTC()
	a.AckAt, a.ResolvedAt, a.FollowUpAt = millis(ackAt), millis(resAt), millis(followUp)
	return a, nil
}

// millis turns a stored time into a time.Time, with 0 as the zero time.
func millis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func (db *DB) queryAlerts(ctx context.Context, where string, args ...any) ([]Alert, error) {
	var as []Alert
	err := db.each(ctx, alertColumns+" "+where, args, func(row rowScanner) error {
		a, err := scanAlert(row)
		as = append(as, a)
		return err
	})
	return as, err
}

// ActiveAlerts lists a restaurant's alerts not yet resolved, oldest first.
func (db *DB) ActiveAlerts(ctx context.Context, restaurantID int64) ([]Alert, error) {
	return db.queryAlerts(ctx, `WHERE a.restaurant_id = ? AND a.state != 'resolved' ORDER BY a.created_at, a.id`, restaurantID)
}

// EscalatedAlerts lists a restaurant's alerts that escalated and are still not
// acknowledged, oldest first: the owner's list.
func (db *DB) EscalatedAlerts(ctx context.Context, restaurantID int64) ([]Alert, error) {
	return db.queryAlerts(ctx, `WHERE a.restaurant_id = ? AND a.state = 'open' AND a.escalated_at IS NOT NULL
		ORDER BY a.created_at, a.id`, restaurantID)
}

// AlertByID finds one alert of a restaurant; another restaurant's is not found.
func (db *DB) AlertByID(ctx context.Context, restaurantID, alertID int64) (Alert, error) {
	return scanAlert(db.stmt.alertByID.QueryRowContext(ctx, alertID, restaurantID))
}

const alertByIDSQL = alertColumns + ` WHERE a.id = ? AND a.restaurant_id = ?`

// AlertForReceipt finds the alert a survey response raised, if it raised one.
func (db *DB) AlertForReceipt(ctx context.Context, publicID string) (Alert, error) {
	return scanAlert(db.read.QueryRowContext(ctx, alertColumns+` WHERE r.public_id = ?`, publicID))
}

// Acknowledge records that a staff member of the restaurant is on the way:
// userID is who is going, whoever's tablet it was tapped on. Acknowledging an
// alert already acknowledged or resolved changes nothing, so a second tap on
// another tablet is harmless.
func (db *DB) Acknowledge(ctx context.Context, restaurantID, alertID, userID int64) error {
	return db.changeAlert(ctx, restaurantID, alertID, EventAcknowledged, func(ctx context.Context, tx *Tx) (int64, error) {
		if staff, err := isStaff(ctx, tx, userID, restaurantID); err != nil {
			return 0, err
		} else if !staff {
			return 0, Errorf(EInvalid, "Choose who is going from the restaurant's staff.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?
			WHERE id = ? AND restaurant_id = ? AND state = 'open'`, tx.nowMillis(), userID, alertID, restaurantID)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	})
}

// Resolution is what a manager did about an alert.
type Resolution struct {
	Outcome     string
	Amount      Money // in the restaurant's currency
	FollowUpAt  time.Time
	FollowUpWho string
	Note        string
}

// MaxNote is the longest resolution or in-person note, in characters.
const MaxNote = 500

// Validate checks a resolution; its messages are for the manager.
func (r Resolution) Validate() error {
	valid := false
	for _, o := range Outcomes {
		valid = valid || o == r.Outcome
	}
	switch {
	case !valid:
		return Errorf(EInvalid, "Choose what was done.")
	case OutcomeNeedsAmount(r.Outcome) && r.Amount.Minor <= 0:
		return Errorf(EInvalid, "Enter the amount given back.")
	case !OutcomeNeedsAmount(r.Outcome) && r.Amount.Minor != 0:
		return Errorf(EInvalid, "An amount goes only with a comp or a discount.")
	case r.Amount.Minor > MaxMajor*pow10(Exponent(r.Amount.Currency)):
		return Errorf(EInvalid, "That amount is too large.")
	case r.Outcome == OutcomeFollowUp && (r.FollowUpAt.IsZero() || strings.TrimSpace(r.FollowUpWho) == ""):
		return Errorf(EInvalid, "A follow-up needs a date, a time and how to reach the guest.")
	case utf8.RuneCountInString(r.Note) > MaxNote || utf8.RuneCountInString(r.FollowUpWho) > MaxContact:
		return Errorf(EInvalid, "Keep the note to %d characters.", MaxNote)
	}
	return nil
}

// Resolve records what was done. Resolving an alert that is already resolved
// changes nothing.
func (db *DB) Resolve(ctx context.Context, restaurantID, alertID, userID int64, r Resolution) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var followUp any
	if r.Outcome == OutcomeFollowUp {
		followUp = r.FollowUpAt.UnixMilli()
	} else {
		r.FollowUpWho = ""
	}
	return db.changeAlert(ctx, restaurantID, alertID, EventResolved, func(ctx context.Context, tx *Tx) (int64, error) {
		if r.Amount.Minor != 0 {
			var cur string
			if err := tx.QueryRowContext(ctx, `SELECT currency FROM restaurants WHERE id = ?`, restaurantID).Scan(&cur); err != nil {
				return 0, err
			}
			if cur != r.Amount.Currency {
				return 0, Errorf(EInvalid, "The amount must be in the restaurant's currency, %s.", cur)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_by = ?,
				acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?),
				outcome = ?, amount_minor = ?, follow_up_at = ?, follow_up_contact = ?, resolution_note = ?
			WHERE id = ? AND restaurant_id = ? AND state != 'resolved'`,
			tx.nowMillis(), userID, tx.nowMillis(), userID, r.Outcome, nullIfZero(r.Amount.Minor), followUp, strings.TrimSpace(r.FollowUpWho),
			strings.TrimSpace(r.Note), alertID, restaurantID)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	})
}

// UndoWindow is how long after resolving an alert its resolution may be
// taken back: the floor offers Undo for ten seconds; a tablet that lost its
// connection meanwhile has a little longer.
const UndoWindow = 2 * time.Minute

// UndoResolve takes back a resolution made by mistake, within UndoWindow:
// the alert is again as it was before it, acknowledged by whoever said they
// were on the way or, if nobody had, open (so it escalates again), with its
// outcome, amount, follow-up and note cleared. Its history keeps both: the
// "resolved" event and a "reopened" one, which every tablet hears. An alert
// that is not resolved changes nothing, so a second tap is harmless.
func (db *DB) UndoResolve(ctx context.Context, restaurantID, alertID int64) error {
	return db.changeAlert(ctx, restaurantID, alertID, EventReopened, func(ctx context.Context, tx *Tx) (int64, error) {
		var resolvedAt int64
		err := tx.QueryRowContext(ctx, `SELECT coalesce(resolved_at, 0) FROM alerts WHERE id = ? AND restaurant_id = ? AND state = 'resolved'`,
			alertID, restaurantID).Scan(&resolvedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		if tx.nowMillis()-resolvedAt > UndoWindow.Milliseconds() {
			return 0, Errorf(EInvalid, "It is too late to undo: it was resolved more than %d minutes ago.", int(UndoWindow.Minutes()))
		}
		// Resolving fills in who acknowledged when nobody had; the history
		// says whether anybody had.
		var acked bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE alert_id = ? AND kind = ?)`,
			alertID, EventAcknowledged).Scan(&acked); err != nil {
			return 0, err
		}
		state, keepAck := StateOpen, 0
		if acked {
			state, keepAck = StateAcknowledged, 1
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET state = ?,
				acknowledged_at = CASE WHEN ? = 1 THEN acknowledged_at END,
				acknowledged_by = CASE WHEN ? = 1 THEN acknowledged_by END,
				resolved_at = NULL, resolved_by = NULL, outcome = NULL, amount_minor = NULL,
				follow_up_at = NULL, follow_up_contact = '', follow_up_due_at = NULL, resolution_note = ''
			WHERE id = ? AND restaurant_id = ? AND state = 'resolved'`, state, keepAck, keepAck, alertID, restaurantID)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	})
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// changeAlert runs update in a transaction and, if it changed the alert,
// records and publishes the event kind. An alert of another restaurant is not
// found; one already in the state asked for changes nothing.
func (db *DB) changeAlert(ctx context.Context, restaurantID, alertID int64, kind EventKind,
	update func(ctx context.Context, tx *Tx) (int64, error)) error {
	return db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		changed, err := update(ctx, tx)
		if err != nil {
			return nil, err
		}
		if changed == 0 {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts WHERE id = ? AND restaurant_id = ?`,
				alertID, restaurantID).Scan(&n)
			if err == nil && n == 0 {
				err = ErrNotFound
			}
			return nil, err
		}
		e, err := db.insertEvent(ctx, tx, restaurantID, alertID, kind, tx.nowMillis(), 0)
		return []Notice{e}, err
	})
}
