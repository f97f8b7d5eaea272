package views

import (
	"cmp"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// OfferCodeText writes an offer's code in groups, as people read it out:
// "ABCDE-FGHJK-LMN".
func OfferCodeText(code string) string {
	var parts []string
	for len(code) > 5 {
		parts, code = append(parts, code[:5]), code[5:]
	}
	return strings.Join(append(parts, code), "-")
}

// OfferView is an offer written out for staff or the guest.
type OfferView struct {
	What      string // "Dessert on us", or "£10.00 off"
	Until     string // "until 3 Jan 2027", in the restaurant's zone
	Table     string
	Complaint string
	Used      string // "Used 4 Dec 20:01 by Sam Patel", or ""
	usedWhen  string // "4 Dec 20:01 by Sam Patel"
	Expired   bool
	Code      string // for the guest's receipt only
	// QR is the code as a QR code (SVG) that opens the door's page with
	// it, on the guest's receipt while it can be used.
	QR string
}

// OfferPath is where the floor sends an apology with an offer for an
// alert of r.
func OfferPath(r store.Restaurant, alertID int64) string {
	return "/floor/alerts/" + strconv.FormatInt(alertID, 10) + "/offer?r=" + url.QueryEscape(r.Slug)
}

// OffersLine is an alert's offers for staff, as its history shows them on
// every tablet: "Offer sent, not used yet", "Offer sent and used: the
// guest came back", "2 offers sent, 1 used"; "" with none.
func OffersLine(c store.OfferCounts) string {
	switch {
	case c.Sent == 0:
		return ""
	case c.Sent == 1 && c.Redeemed == 1:
		return "Offer sent and used: the guest came back."
	case c.Sent == 1:
		return "Offer sent, not used yet."
	}
	return fmt.Sprintf("%d offers sent, %d used.", c.Sent, c.Redeemed)
}

// OfferEventNote is what every tablet is told of an offer event: sent, or
// used at the door; "" for any other event.
func OfferEventNote(kind store.EventKind, a store.Alert) string {
	table := cmp.Or(a.TableLabel, "No table")
	switch kind {
	case store.EventOfferSent:
		return table + ": an apology with an offer was sent to the guest."
	case store.EventOfferRedeemed:
		return table + ": the guest came back and used their offer."
	}
	return ""
}

// OffersState sums up a receipt's offers, sent and used ("2/1"), so that a
// receipt page open while one arrives or is used sees that it changed.
func OffersState(offers []store.Offer) string {
	used := 0
	for _, o := range offers {
		if !o.RedeemedAt.IsZero() {
			used++
		}
	}
	return fmt.Sprintf("%d/%d", len(offers), used)
}

// NewOfferView writes an offer out, at now, in the restaurant's zone.
func NewOfferView(o store.Offer, r store.Restaurant, now time.Time) *OfferView {
	v := &OfferView{What: o.Item, Until: "until " + o.ExpiresAt.In(r.Location()).Format("2 Jan 2006"), Table: o.TableLabel,
		Complaint: o.Complaint, Expired: !now.Before(o.ExpiresAt)}
	if o.Item == "" {
		v.What = FormatMoney(o.Amount) + " off"
	}
	if !o.RedeemedAt.IsZero() {
		v.usedWhen = o.RedeemedAt.In(r.Location()).Format("2 Jan 15:04") + " by " + o.RedeemedBy
		v.Used = "Used " + v.usedWhen
	}
	return v
}

// NewGuestOfferView is an offer as its guest reads it on their receipt, in
// their language: an amount "off your bill", its code and date kept left to
// right inside any script (Unicode isolates).
func NewGuestOfferView(o store.Offer, r store.Restaurant, t T, code string, now time.Time) *OfferView {
	v := NewOfferView(o, r, now)
	ltr := func(s string) string { return "\u2066" + s + "\u2069" }
	if o.Item == "" {
		v.What = t.S("receipt.offer.amount", ltr(FormatMoney(o.Amount)))
	}
	v.Code, v.Until = ltr(OfferCodeText(code)), ltr(o.ExpiresAt.In(r.Location()).Format("2006-01-02"))
	return v
}

// Redeem is the door's page: a code typed or scanned, its offer, and what
// redeeming it did.
type Redeem struct {
	Action string
	Code   string
	Offer  *OfferView
	Error  string
	Done   bool
}

// RedeemRefusal says why an offer could not be redeemed, in the
// restaurant's time: used (when, by whom), expired (since when), or the
// store's words for anything else.
func RedeemRefusal(key string, o *OfferView, otherwise string) string {
	switch key {
	case store.OfferUsed:
		return "Already used " + o.usedWhen + "."
	case store.OfferExpired:
		return "This offer has expired: it was valid " + o.Until + "."
	}
	return otherwise
}
