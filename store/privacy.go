package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// A guest's personal data is what they typed about themselves (their name,
// phone or email, and their comment) and what staff wrote about them (a
// follow-up's contact, notes). It is kept for the reply they asked for, then
// let go: ForgetContacts clears contact details after the retention period,
// and an owner can export or erase everything held about one guest.

// GuestData is everything a restaurant holds about one guest, found by
// their phone or email: what an owner exports for them.
type GuestData struct {
	Contact   string          `json:"contact"`
	Responses []GuestResponse `json:"responses"`
	// InPerson are complaints told to staff whose follow-up names the guest.
	InPerson []GuestAlert `json:"told_in_person"`
}

// GuestResponse is one of the guest's responses, with what was done about it.
type GuestResponse struct {
	Receipt   string      `json:"receipt"`
	At        time.Time   `json:"at"`
	Table     string      `json:"table"`
	Rating    int         `json:"rating"`
	Tags      []string    `json:"tags"`
	Comment   string      `json:"comment"`
	Name      string      `json:"name"`
	Contact   string      `json:"contact"`
	Language  string      `json:"language"`
	Check     string      `json:"check_number"`
	Alert     *GuestAlert `json:"alert,omitempty"`
	responseI int64
}

// GuestAlert is what staff did about a guest's response.
type GuestAlert struct {
	At              time.Time `json:"at"`
	State           string    `json:"state"`
	Outcome         string    `json:"outcome,omitempty"`
	FollowUpContact string    `json:"follow_up_contact,omitempty"`
	Note            string    `json:"note,omitempty"`
	ResolutionNote  string    `json:"resolution_note,omitempty"`
	// Offers are the apologies with an offer sent to the guest for it.
	Offers  []GuestOffer `json:"offers,omitempty"`
	alertID int64
}

// GuestOffer is an offer sent to a guest: an item, or an amount in minor
// units of its currency.
type GuestOffer struct {
	SentAt      time.Time  `json:"sent_at"`
	Item        string     `json:"item,omitempty"`
	AmountMinor int64      `json:"amount_minor,omitempty"`
	Currency    string     `json:"currency,omitempty"`
	ExpiresAt   time.Time  `json:"expires_at"`
	RedeemedAt  *time.Time `json:"redeemed_at,omitempty"`
}

// guestOffers reads the offers sent for an alert.
func (db *DB) guestOffers(ctx context.Context, alertID int64) ([]GuestOffer, error) {
	var out []GuestOffer
	err := db.each(ctx, offerSQL+` WHERE o.alert_id = ? ORDER BY o.created_at`, []any{alertID}, func(row rowScanner) error {
		o, _, err := scanOffer(row)
		if err != nil {
			return err
		}
		g := GuestOffer{SentAt: o.CreatedAt, Item: o.Item, AmountMinor: o.Amount.Minor, Currency: o.Amount.Currency, ExpiresAt: o.ExpiresAt}
		if !o.RedeemedAt.IsZero() {
			g.RedeemedAt = &o.RedeemedAt
		}
		out = append(out, g)
		return nil
	})
	return out, err
}

// FindGuest gathers everything a restaurant holds about the guest with
// this phone or email: their responses (those that gave it, and those whose
// follow-up names it) and what staff did about each.
func (db *DB) FindGuest(ctx context.Context, restaurantID int64, contact string) (GuestData, error) {
	g := GuestData{Contact: strings.TrimSpace(contact), Responses: []GuestResponse{}, InPerson: []GuestAlert{}}
	var country string
	if err := db.read.QueryRowContext(ctx, `SELECT country FROM restaurants WHERE id = ?`, restaurantID).Scan(&country); err != nil {
		return g, dbError(err)
	}
	key := contactKey(contact, country)
	switch {
	case key != "":
	case strings.Contains(contact, "@"):
		return g, Errorf(EInvalid, "That is not an email address: write it whole, like ana@example.com.")
	case country == "":
		return g, Errorf(EInvalid, "That is not a phone number that can be matched exactly: write it with its country code, like +44 7700 900123 (or set the restaurant's country in its settings, for numbers written without one).")
	default:
		return g, Errorf(EInvalid, "That is not a phone number that can be matched exactly: check its digits, or write it with its country code, like +44 7700 900123.")
	}
	same := func(c string) bool { return c != "" && contactKey(c, country) == key }
	err := db.each(ctx, `SELECT r.id, r.public_id, r.created_at, t.label, coalesce(r.rating, 0), r.tags, r.comment, r.guest_name, r.contact,
			r.language, r.check_number, coalesce(a.id, 0), coalesce(a.state, ''), coalesce(a.outcome, ''),
			coalesce(a.follow_up_contact, ''), coalesce(a.note, ''), coalesce(a.resolution_note, '')
		FROM responses r JOIN tables t ON t.id = r.table_id LEFT JOIN alerts a ON a.response_id = r.id
		WHERE r.restaurant_id = ? AND (r.contact <> '' OR a.follow_up_contact <> '')
		ORDER BY r.created_at`, []any{restaurantID}, func(row rowScanner) error {
		var gr GuestResponse
		var ga GuestAlert
		var at int64
		var tags string
		err := row.Scan(&gr.responseI, &gr.Receipt, &at, &gr.Table, &gr.Rating, &tags, &gr.Comment, &gr.Name, &gr.Contact,
			&gr.Language, &gr.Check, &ga.alertID, &ga.State, &ga.Outcome, &ga.FollowUpContact, &ga.Note, &ga.ResolutionNote)
		if err != nil || !(same(gr.Contact) || same(ga.FollowUpContact)) {
			return err
		}
		gr.At, gr.Tags = time.UnixMilli(at).UTC(), strings.Fields(tags)
		if ga.alertID != 0 {
			ga.At = gr.At
			gr.Alert = &ga
		}
		g.Responses = append(g.Responses, gr)
		return nil
	})
	if err != nil {
		return g, err
	}
	err = db.each(ctx, `SELECT id, created_at, state, coalesce(outcome, ''), follow_up_contact, note, resolution_note FROM alerts
		WHERE restaurant_id = ? AND response_id IS NULL AND follow_up_contact <> '' ORDER BY created_at`, []any{restaurantID}, func(row rowScanner) error {
		var ga GuestAlert
		var at int64
		err := row.Scan(&ga.alertID, &at, &ga.State, &ga.Outcome, &ga.FollowUpContact, &ga.Note, &ga.ResolutionNote)
		if err != nil || !same(ga.FollowUpContact) {
			return err
		}
		ga.At = time.UnixMilli(at).UTC()
		g.InPerson = append(g.InPerson, ga)
		return nil
	})
	if err != nil {
		return g, err
	}
	alerts := []*GuestAlert{}
	for i := range g.Responses {
		if a := g.Responses[i].Alert; a != nil {
			alerts = append(alerts, a)
		}
	}
	for i := range g.InPerson {
		alerts = append(alerts, &g.InPerson[i])
	}
	for _, a := range alerts {
		if a.Offers, err = db.guestOffers(ctx, a.alertID); err != nil {
			return g, err
		}
	}
	return g, nil
}

// Erasure is what an erasure removed, as its log records it (without the
// contact).
type Erasure struct {
	Responses, Alerts, Deliveries int
}

// EraseGuest erases everything a restaurant holds about the guest with this
// phone or email: on their responses the name, contact and comment (the
// rating, ticks and time stay, tied to no one), on their alerts the
// follow-up contact and notes, and every notification about those alerts
// (push, webhook, email: their payloads quote the guest). Freed space is
// overwritten (secure_delete), and the erasure is logged without the
// contact.
func (db *DB) EraseGuest(ctx context.Context, restaurantID, userID int64, contact string) (Erasure, error) {
	g, err := db.FindGuest(ctx, restaurantID, contact)
	if err != nil {
		return Erasure{}, err
	}
	var e Erasure
	if db.pg == nil { // PostgreSQL's dead rows go at its next vacuum
		if _, err := db.write.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return e, dbError(err)
		}
		defer db.write.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
	}
	err = db.update(ctx, func(tx *Tx) error {
		e = Erasure{}
		alerts := g.InPerson
		for _, r := range g.Responses {
			if _, err := tx.ExecContext(ctx, `UPDATE responses SET guest_name = '', contact = '', contact_consent = FALSE, comment = ''
				WHERE id = ?`, r.responseI); err != nil {
				return err
			}
			e.Responses++
			if err := forgetDay(ctx, tx, restaurantID, r.At.UnixMilli()); err != nil {
				return err
			}
			if r.Alert != nil {
				alerts = append(alerts, *r.Alert)
			}
		}
		for _, a := range alerts {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET follow_up_contact = '', note = '', resolution_note = '' WHERE id = ?`,
				a.alertID); err != nil {
				return err
			}
			e.Alerts++
			if err := forgetDay(ctx, tx, restaurantID, a.At.UnixMilli()); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE event_id IN (SELECT id FROM events WHERE alert_id = ?)`, a.alertID)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			e.Deliveries += int(n)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO erasures (restaurant_id, user_id, created_at, responses, alerts, deliveries)
			VALUES (?, ?, ?, ?, ?, ?)`, restaurantID, userID, tx.nowMillis(), e.Responses, e.Alerts, e.Deliveries)
		return err
	})
	return e, err
}

// ForgetContacts clears the contact details (name, phone or email, a
// follow-up's contact) of responses and alerts made before the given time,
// and deletes the notifications made before it (their payloads quote
// guests; by then every retry is long over). Everything else stays. It returns how many responses it cleared.
func (db *DB) ForgetContacts(ctx context.Context, before time.Time) (int, error) {
	cut := before.UnixMilli()
	var n int64
	err := db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE responses SET guest_name = '', contact = '', contact_consent = FALSE
			WHERE created_at < ? AND (guest_name <> '' OR contact <> '')`, cut)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET follow_up_contact = '' WHERE created_at < ? AND follow_up_contact <> ''`, cut); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < ?`, cut)
		return err
	})
	return int(n), err
}

// RunRetention clears contact details older than keep, now and then (every),
// until ctx ends; keep 0 keeps them.
func (db *DB) RunRetention(ctx context.Context, keep, every time.Duration, now func() time.Time, log func(n int, err error)) {
	if keep <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := db.ForgetContacts(ctx, now().Add(-keep))
		if ctx.Err() != nil {
			return
		}
		if err != nil || n > 0 {
			log(n, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CountErasures counts a restaurant's logged erasures.
func (db *DB) CountErasures(ctx context.Context, restaurantID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM erasures WHERE restaurant_id = ?`, restaurantID).Scan(&n)
	return n, dbError(err)
}

// FindText lists every column of every table (as "table.column: n rows")
// holding text that contains s: proof that an erasure left no copy.
func (db *DB) FindText(ctx context.Context, s string) ([]string, error) {
	tablesSQL, columnsSQL := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
		`SELECT name FROM pragma_table_info(?)`
	if db.pg != nil {
		tablesSQL, columnsSQL = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
			`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?`
	}
	var tables []string
	err := db.each(ctx, tablesSQL, nil, func(row rowScanner) error {
		var name string
		err := row.Scan(&name)
		tables = append(tables, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	var found []string
	for _, t := range tables {
		var cols []string
		err := db.each(ctx, columnsSQL, []any{t}, func(row rowScanner) error {
			var name string
			err := row.Scan(&name)
			cols = append(cols, name)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			var n int
			find := "instr"
			if db.pg != nil {
				find = "strpos"
			}
			if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`" WHERE `+find+`(CAST("`+c+`" AS TEXT), ?) > 0`, s).Scan(&n); err != nil {
				return nil, err
			}
			if n > 0 {
				found = append(found, fmt.Sprintf("%s.%s: %d rows", t, c, n))
			}
		}
	}
	return found, nil
}
