package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
)

// submission is one CreateResponse call waiting for the group commit.
type submission struct {
	in       NewResponse
	at       int64 // when the diner's request arrived, Unix ms
	publicID string
	outcome  Outcome
	err      error
	done     chan struct{}
}

// maxBatch bounds how many submissions share one transaction;
// commitLoops is how many batches are written at once on PostgreSQL.
const (
	maxBatch    = 128
	commitLoops = 4
)

var errClosed = errors.New("store: closed")

// commitLoop writes survey submissions. It takes every submission waiting at
// that moment (up to maxBatch) and writes them in one transaction: in a rush one
// commit, with its locks and its WAL write, serves many diners instead of one,
// and a lone diner waits for nothing. Every caller returns only once its own row
// is committed. The queue is unbuffered, so no submission is ever left behind
// when the loop stops.
func (db *DB) commitLoop() {
	batch := make([]*submission, 0, maxBatch)
	for {
		select {
		case s := <-db.queue:
			batch = append(batch[:0], s)
		case <-db.quit:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case s := <-db.queue:
				batch = append(batch, s)
			default:
				break fill
			}
		}
		if err := db.writeBatch(batch); err != nil && len(batch) == 1 {
			batch[0].err = err
		} else if err != nil {
			// Whatever failed must not sink the others: write each alone.
			for _, s := range batch {
				if err := db.writeBatch([]*submission{s}); err != nil {
					s.err = err
				}
			}
		}
		for _, s := range batch {
			close(s.done)
		}
	}
}

// writeBatch inserts the submissions in one transaction. A replay gets the
// receipt of the response it repeats; an unknown table token fails only its own
// submission. Any other error fails the whole transaction and is returned.
func (db *DB) writeBatch(batch []*submission) error {
	ctx := context.Background() // a diner who hangs up still has their response saved
	return db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		insert, replayed := tx.StmtContext(ctx, db.stmt.insertResponse), tx.StmtContext(ctx, db.stmt.replayed)
		var raised []raisedAlert
		rules := map[int64]AlertRules{}
		for _, s := range batch {
			s.publicID, s.outcome, s.err = db.receiptID(s.in.TableToken, s.in.IdempotencyKey), Created, nil
			id, restaurantID, err := insertResponse(ctx, insert, s.in, s.publicID, s.at)
			if errors.Is(err, sql.ErrNoRows) {
				// A form sent again, whose response exists already, or a
				// token no active table has.
				id, restaurantID, s.outcome, err = db.resend(ctx, tx, replayed, s)
			}
			if err == nil && (s.outcome == Created || s.outcome == Amended) {
				var a raisedAlert
				var ok bool
				if a, ok, err = db.raiseAlert(ctx, tx, rules, id, restaurantID, s); ok {
					raised = append(raised, a)
				}
			}
			if err != nil {
				return nil, err
			}
		}
		// The alerts' events last, restaurant by restaurant in the order of
		// their ids: each restaurant's lock (PostgreSQL) is taken in one
		// order by every transaction that takes several, so none waits on
		// another in a circle.
		slices.SortStableFunc(raised, func(a, b raisedAlert) int { return cmp.Compare(a.restaurantID, b.restaurantID) })
		notices := make([]Notice, 0, len(raised))
		for _, a := range raised {
			n, err := db.insertEvent(ctx, tx, a.restaurantID, a.alertID, EventRaised, a.at, 0)
			if err != nil {
				return nil, err
			}
			notices = append(notices, n)
		}
		return notices, nil
	})
}

// resend handles a form sent again: the same answers are a replay; changed
// ones amend the response in tx (which then faces the alert rules again),
// unless it has raised its alert already. A token no active table has fails
// the submission alone, with ErrNotFound.
func (db *DB) resend(ctx context.Context, tx *Tx, replayed *sql.Stmt, s *submission) (id, restaurantID int64, outcome Outcome, err error) {
	var was NewResponse
	var tags string
	var alerted bool
	var created int64
	err = replayed.QueryRowContext(ctx, s.publicID).Scan(&id, &restaurantID, &was.Rating, &tags, &was.Comment, &was.AtTable,
		&was.GuestName, &was.Contact, &was.ContactConsent, &alerted, &created)
	if errors.Is(err, sql.ErrNoRows) {
		s.publicID, s.err = "", ErrNotFound
		return 0, 0, 0, nil
	}
	in := s.in
	switch {
	case err != nil:
		return 0, 0, 0, err
	case was.Rating == in.Rating && tags == strings.Join(in.Tags, " ") && was.Comment == in.Comment && was.AtTable == in.AtTable &&
		was.GuestName == in.GuestName && was.Contact == in.Contact && was.ContactConsent == in.ContactConsent:
		return id, restaurantID, Replayed, nil
	case alerted:
		return id, restaurantID, Unamended, nil
	}
	_, err = tx.ExecContext(ctx, amendSQL, nullRating(in.Rating), strings.Join(in.Tags, " "), in.Comment, in.AtTable, in.GuestName,
		in.Contact, in.ContactConsent, in.Language, id)
	if err == nil {
		err = forgetDay(ctx, tx, restaurantID, created)
	}
	return id, restaurantID, Amended, err
}

// raiseAlert applies the restaurant's alert rules to a response just inserted
// in tx and, if they say so, raises its alert in the same transaction and
// reports raised, with what its event needs (written by the caller).
func (db *DB) raiseAlert(ctx context.Context, tx *Tx, rules map[int64]AlertRules, responseID, restaurantID int64, s *submission) (a raisedAlert, raised bool, err error) {
	r, ok := rules[restaurantID]
	if !ok {
		if r, err = scanRules(tx.StmtContext(ctx, db.stmt.alertRules).QueryRowContext(ctx, restaurantID)); err != nil {
			return a, false, err
		}
		rules[restaurantID] = r
	}
	reasons := r.Reasons(s.in.Rating, s.in.Tags, s.in.AtTable)
	if len(reasons) == 0 {
		return a, false, nil
	}
	a = raisedAlert{restaurantID: restaurantID, at: s.at}
	if err := tx.StmtContext(ctx, db.stmt.insertAlert).QueryRowContext(ctx, strings.Join(reasons, " "), responseID).Scan(&a.alertID); err != nil {
		return a, false, err
	}
	return a, true, nil
}

// raisedAlert is an alert a batch raised, whose event is written at the
// batch's end.
type raisedAlert struct {
	restaurantID, alertID, at int64
}

// enqueue hands a submission to the commit loop and waits until it is written.
func (db *DB) enqueue(ctx context.Context, s *submission) error {
	select {
	case db.queue <- s:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	<-s.done // the write is under way: wait for it whatever ctx says
	return s.err
}
