package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Offer is an apology with something to come back for: a named item
// ("dessert on us") or an amount in the restaurant's currency, valid until
// ExpiresAt, good once.
type Offer struct {
	ID, AlertID  int64
	Item         string
	Amount       Money // zero for an item
	ExpiresAt    time.Time
	CreatedAt    time.Time
	RedeemedAt   time.Time // zero until used
	RedeemedBy   string
	TableLabel   string // of the alert it answers
	Complaint    string // the comment or note of that alert
	ReceiptID    string
	RestaurantID int64
}

// OfferCounts are the offers sent for an alert, and how many were used:
// its history on every tablet.
type OfferCounts struct{ Sent, Redeemed int }

// offerCountsSQL reads the OfferCounts of the alert a.
const offerCountsSQL = `(SELECT count(*) FROM offers o WHERE o.alert_id = a.id),
		(SELECT count(o.redeemed_at) FROM offers o WHERE o.alert_id = a.id)`

// OfferInput is what a manager offers: an item or an amount, for days.
type OfferInput struct {
	Item   string
	Amount Money
	Days   int
	// Letter words the email to a guest who consented to be contacted by
	// email; nil sends none.
	Letter func(OfferLetter) (EmailMessage, error)
}

// OfferLetter is what an offer's email is written from: the offer (with
// the table and complaint it answers), its code, and the guest it goes to,
// in the language of their survey.
type OfferLetter struct {
	Offer     Offer
	Code      string
	To        string // an email address the guest consented to be contacted at
	GuestName string
	Language  string
}

// SentOffer is an offer just sent: its code (shown once: only its hash is
// kept) and whether it was emailed to the guest as well as shown on their
// receipt.
type SentOffer struct {
	Code   string
	Mailed bool
}

// Limits of an offer.
const (
	MaxOfferItem = 60 // characters
	MaxOfferDays = 365
)

// offerCodeLength is an offer code's length: 13 base32 characters, 65 bits.
const offerCodeLength = 13

// OfferCode is an offer's code: derived from its id with the server's
// secret (as receipt ids are), so the guest's receipt can show it again
// while the database keeps only its hash.
func (db *DB) OfferCode(o Offer) string {
	mac := hmac.New(sha256.New, db.receiptKey)
	fmt.Fprintf(mac, "offer:%d", o.ID)
	return base32.StdEncoding.EncodeToString(mac.Sum(nil))[:offerCodeLength]
}

// NormalizeOfferCode reads a code as typed or scanned: letters upper-cased,
// spaces and dashes left out.
func NormalizeOfferCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '2' && r <= '7':
			return r
		}
		return -1
	}, code)
}

func offerCodeHash(code string) []byte {
	h := sha256.Sum256([]byte("tableside-offer:" + NormalizeOfferCode(code)))
	return h[:]
}

// SendOffer makes an offer for a restaurant's alert, by userID. An item is
// one line of at most 60 characters; an amount is in the restaurant's
// currency and at most its ceiling; it is valid 1 to 365 days. Problems are
// on the fields item, amount and days. Sending is an event of the alert
// ("offer-sent"). When the guest consented to be contacted at an email
// address (on the survey, or as the follow-up's contact), in.Letter's email
// goes into the outbox in the same transaction, tied to that event, so it
// is sent once and erased with the guest.
func (db *DB) SendOffer(ctx context.Context, restaurantID, alertID, userID int64, in OfferInput) (SentOffer, error) {
	in.Item = CleanText(in.Item, false)
	var ps []Problem
	switch {
	case in.Item == "" && in.Amount.Minor <= 0:
		ps = append(ps, Problem{Field: "item", Message: "Offer something: an item (such as dessert on us) or an amount."})
	case in.Item != "" && in.Amount.Minor != 0:
		ps = append(ps, Problem{Field: "item", Message: "Offer an item or an amount, not both."})
	case utf8.RuneCountInString(in.Item) > MaxOfferItem:
		ps = append(ps, Problem{Field: "item", Message: fmt.Sprintf("Keep the item to %d characters.", MaxOfferItem)})
	}
	if in.Days < 1 || in.Days > MaxOfferDays {
		ps = append(ps, Problem{Field: "days", Message: fmt.Sprintf("An offer is valid for 1 to %d days.", MaxOfferDays)})
	}
	if err := Invalid(ps); err != nil {
		return SentOffer{}, err
	}
	var sent SentOffer
	err := db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		var currency string
		var ceiling int64
		var g OfferLetter
		var consented bool
		var followUp string
		if err := tx.QueryRowContext(ctx, `SELECT r.currency, r.offer_ceiling_minor, coalesce(t.label, ''), coalesce(nullif(g.comment, ''), a.note),
				coalesce(g.contact, ''), coalesce(g.contact_consent, FALSE), coalesce(g.guest_name, ''), coalesce(g.language, ''), coalesce(g.public_id, ''),
				a.follow_up_contact
			FROM restaurants r JOIN alerts a ON a.restaurant_id = r.id LEFT JOIN responses g ON g.id = a.response_id LEFT JOIN tables t ON t.id = a.table_id
			WHERE r.id = ? AND a.id = ?`, restaurantID, alertID).Scan(&currency, &ceiling, &g.Offer.TableLabel, &g.Offer.Complaint,
			&g.To, &consented, &g.GuestName, &g.Language, &g.Offer.ReceiptID, &followUp); err != nil {
			return nil, err
		}
		var amount any
		if in.Amount.Minor > 0 {
			if in.Amount.Currency != currency {
				return nil, Invalid([]Problem{{Field: "amount", Message: "The amount must be in the restaurant's currency, " + currency + "."}})
			}
			if in.Amount.Minor > ceiling {
				return nil, Invalid([]Problem{{Field: "amount", Message: "That is more than the owner's ceiling for offers, " +
					Money{Minor: ceiling, Currency: currency}.Decimal() + " " + currency + "."}})
			}
			amount = in.Amount.Minor
		}
		now := tx.nowMillis()
		expires := now + int64(in.Days)*24*time.Hour.Milliseconds()
		var id int64
		placeholder := []byte(rand.Text()) // unique until the code's hash replaces it
		if err := tx.QueryRowContext(ctx, `INSERT INTO offers (restaurant_id, alert_id, item, amount_minor, code_hash, expires_at, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, restaurantID, alertID, in.Item, amount, placeholder,
			expires, now, userID).Scan(&id); err != nil {
			return nil, err
		}
		sent.Code = db.OfferCode(Offer{ID: id})
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET code_hash = ? WHERE id = ?`, offerCodeHash(sent.Code), id); err != nil {
			return nil, err
		}
		e, err := db.insertEvent(ctx, tx, restaurantID, alertID, EventOfferSent, now, 0)
		if err != nil {
			return nil, err
		}
		to, ok := EmailAddress(g.To)
		if !ok || !consented {
			to, ok = EmailAddress(followUp) // given to the manager for a follow-up
		}
		if !ok || in.Letter == nil {
			return []Notice{e}, nil
		}
		g.To, g.Code = to, sent.Code
		g.Offer.ID, g.Offer.AlertID, g.Offer.RestaurantID, g.Offer.Item = id, alertID, restaurantID, in.Item
		g.Offer.CreatedAt, g.Offer.ExpiresAt = millis(now), millis(expires)
		if in.Amount.Minor > 0 {
			g.Offer.Amount = in.Amount
		}
		m, err := in.Letter(g)
		if err != nil {
			return nil, err
		}
		payload, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		sent.Mailed = true
		return []Notice{e}, tx.enqueue(ctx, []Delivery{{Channel: ChannelEmail, RestaurantID: restaurantID, EventID: e.ID,
			MessageID: fmt.Sprintf("msg_offer_%d", id), Payload: string(payload)}})
	})
	return sent, err
}

// EmailAddress reads a contact as a bare email address ("ana@example.com",
// however cased or spaced around), and reports whether it is one: a phone
// number or a name is not.
func EmailAddress(contact string) (string, bool) {
	contact = strings.TrimSpace(contact)
	a, err := mail.ParseAddress(contact)
	if err != nil || a.Name != "" || a.Address != contact {
		return "", false
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	if local == "" || !strings.Contains(domain, ".") {
		return "", false
	}
	return local + "@" + strings.ToLower(domain), true
}

// offerSQL reads an offer with the alert it answers.
const offerSQL = `SELECT o.id, o.alert_id, o.restaurant_id, o.item, coalesce(o.amount_minor, 0), rs.currency, o.expires_at, o.created_at,
		coalesce(o.redeemed_at, 0), coalesce(u.name, ''), coalesce(t.label, ''), coalesce(nullif(r.comment, ''), a.note), coalesce(r.public_id, ''), o.code_hash
	FROM offers o JOIN alerts a ON a.id = o.alert_id JOIN restaurants rs ON rs.id = o.restaurant_id
	LEFT JOIN responses r ON r.id = a.response_id LEFT JOIN tables t ON t.id = a.table_id LEFT JOIN users u ON u.id = o.redeemed_by`

func scanOffer(row rowScanner) (Offer, []byte, error) {
	var o Offer
	var amount, expires, created, redeemed int64
	var currency string
	var hash []byte
	err := row.Scan(&o.ID, &o.AlertID, &o.RestaurantID, &o.Item, &amount, &currency, &expires, &created, &redeemed, &o.RedeemedBy,
		&o.TableLabel, &o.Complaint, &o.ReceiptID, &hash)
	if amount > 0 {
		o.Amount = Money{Minor: amount, Currency: currency}
	}
	o.ExpiresAt, o.CreatedAt = time.UnixMilli(expires).UTC(), time.UnixMilli(created).UTC()
	if redeemed > 0 {
		o.RedeemedAt = time.UnixMilli(redeemed).UTC()
	}
	return o, hash, err
}

// OfferByCode finds a restaurant's offer by its code, as typed or scanned;
// another restaurant's or an unknown code is not found. The hash found is
// compared again in constant time.
func (db *DB) OfferByCode(ctx context.Context, restaurantID int64, code string) (Offer, error) {
	want := offerCodeHash(code)
	o, hash, err := scanOffer(db.read.QueryRowContext(ctx, offerSQL+` WHERE o.code_hash = ? AND o.restaurant_id = ?`, want, restaurantID))
	if err != nil {
		return Offer{}, dbError(err)
	}
	if subtle.ConstantTimeCompare(hash, want) != 1 {
		return Offer{}, ErrNotFound
	}
	return o, nil
}

// Why an offer could not be redeemed: the Key of RedeemOffer's problem, so
// a page can say it in the restaurant's time.
const (
	OfferUsed    = "offer.used"
	OfferExpired = "offer.expired"
)

// RedeemOffer uses an offer, once, by userID: a second use is refused
// saying when and by whom it was used, an expired one saying so (EInvalid,
// field "code", Key OfferUsed or OfferExpired, with the offer as it
// stands). Redeeming is an event of the alert ("offer-redeemed").
func (db *DB) RedeemOffer(ctx context.Context, restaurantID, userID int64, code string) (Offer, error) {
	o, err := db.OfferByCode(ctx, restaurantID, code)
	if err != nil {
		return o, err
	}
	mine := false // this call used it, not another at the same moment
	err = db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		now := tx.nowMillis()
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE offers SET redeemed_at = ?, redeemed_by = ?
			WHERE id = ? AND redeemed_at IS NULL AND expires_at > ? RETURNING id`, now, userID, o.ID, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil // used or expired: said below, from what is stored
		}
		if err != nil {
			return nil, err
		}
		mine = true
		e, err := db.insertEvent(ctx, tx, restaurantID, o.AlertID, EventOfferRedeemed, now, 0)
		return []Notice{e}, err
	})
	if err != nil {
		return o, err
	}
	after, err := db.OfferByCode(ctx, restaurantID, code)
	if err != nil {
		return o, err
	}
	switch {
	case mine:
		return after, nil
	case !after.RedeemedAt.IsZero():
		return after, Invalid([]Problem{{Field: "code", Key: OfferUsed,
			Message: "Already used, on " + after.RedeemedAt.Format("2 Jan 2006 at 15:04 UTC") + " by " + after.RedeemedBy + "."}})
	}
	return after, Invalid([]Problem{{Field: "code", Key: OfferExpired, Message: "This offer expired on " + after.ExpiresAt.Format("2 Jan 2006") + "."}})
}

// OffersForReceipt lists the offers sent to the guest of a receipt, newest
// first.
func (db *DB) OffersForReceipt(ctx context.Context, publicID string) ([]Offer, error) {
	var out []Offer
	err := db.each(ctx, offerSQL+` WHERE r.public_id = ? ORDER BY o.created_at DESC`, []any{publicID}, func(row rowScanner) error {
		o, _, err := scanOffer(row)
		out = append(out, o)
		return err
	})
	return out, err
}

// OfferStats are a period's offers: sent in it, redeemed in it (and what
// the amounts came to, by currency; items are counted, not valued), and of
// those sent in it, how many brought their guest back so far.
type OfferStats struct {
	Sent, Redeemed, CameBack int
	RedeemedValue            []Comps
}

// offerStatsSQL reads a restaurant's offers sent or redeemed in a period.
const offerStatsSQL = `SELECT o.created_at, coalesce(o.redeemed_at, 0), coalesce(o.amount_minor, 0), rs.currency
	FROM offers o JOIN restaurants rs ON rs.id = o.restaurant_id
	WHERE o.restaurant_id = ? AND (o.created_at >= ? AND o.created_at < ? OR o.redeemed_at >= ? AND o.redeemed_at < ?)`

// offerStats counts restaurant r's offers of week w.
func (db *DB) offerStats(ctx context.Context, r Restaurant, w Week) (OfferStats, error) {
	var s OfferStats
	from, to := w.Start.UnixMilli(), w.End.UnixMilli()
	err := db.each(ctx, offerStatsSQL, []any{r.ID, from, to, from, to}, func(row rowScanner) error {
		var created, redeemed, amount int64
		var currency string
		if err := row.Scan(&created, &redeemed, &amount, &currency); err != nil {
			return err
		}
		sentIn, redeemedIn := created >= from && created < to, redeemed >= from && redeemed < to
		if sentIn {
			s.Sent++
			if redeemed > 0 {
				s.CameBack++
			}
		}
		if redeemedIn {
			s.Redeemed++
			if amount > 0 {
				s.RedeemedValue = addComps(s.RedeemedValue, Comps{Count: 1, Total: Money{Minor: amount, Currency: currency}})
			}
		}
		return nil
	})
	return s, err
}

// add adds o's offers to s.
func (s *OfferStats) add(o OfferStats) {
	s.Sent, s.Redeemed, s.CameBack = s.Sent+o.Sent, s.Redeemed+o.Redeemed, s.CameBack+o.CameBack
	for _, c := range o.RedeemedValue {
		s.RedeemedValue = addComps(s.RedeemedValue, c)
	}
}
