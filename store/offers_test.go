package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestOffers: a manager sends an apology with an offer for a guest's alert;
// the code (65 bits, kept only as a hash) is found however it is typed, is
// good once, is refused when used again (saying when and by whom) or when
// expired, and is not another restaurant's. Sending and redeeming are
// events of the alert.
func TestOffers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, testDSN(t, "o.db"), store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	receipt := submit(t, db, tb, 1, false, "slow")
	a, _ := db.AlertForReceipt(ctx, receipt)
	f := follow(t, db, r.ID, 0)
	f.next(t, 1, time.Second) // raised

	for _, bad := range []store.OfferInput{{Days: 30}, {Item: "Dessert", Amount: store.Money{Minor: 500, Currency: r.Currency}, Days: 30},
		{Item: "Dessert", Days: 0}, {Item: strings.Repeat("x", 61), Days: 30}, {Amount: store.Money{Minor: 999999, Currency: r.Currency}, Days: 30}} {
		if _, err := db.SendOffer(ctx, r.ID, a.ID, sam.ID, bad); len(store.Problems(err)) == 0 {
			t.Errorf("offer %+v: %v", bad, err)
		}
	}
	sent, err := db.SendOffer(ctx, r.ID, a.ID, sam.ID, store.OfferInput{Item: "Dessert on us", Days: 30})
	code := sent.Code
	if err != nil || len(code) != 13 || sent.Mailed {
		t.Fatalf("sent %+v (%v)", sent, err)
	}
	offers, err := db.OffersForReceipt(ctx, receipt)
	if err != nil || len(offers) != 1 || offers[0].Item != "Dessert on us" || db.OfferCode(offers[0]) != code {
		t.Fatalf("offers %+v (%v)", offers, err)
	}
	typed := strings.ToLower(code[:5]) + "-" + code[5:9] + " " + code[9:]
	o, err := db.OfferByCode(ctx, r.ID, typed)
	if err != nil || o.TableLabel != "Table 4" || o.Complaint != "how it went" {
		t.Fatalf("by code %+v (%v)", o, err)
	}
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other"})
	if _, err := db.OfferByCode(ctx, other.ID, code); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another restaurant's code: %v", err)
	}
	if _, err := db.RedeemOffer(ctx, r.ID, sam.ID, code); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	_, err = db.RedeemOffer(ctx, r.ID, sam.ID, code)
	if ps := store.Problems(err); len(ps) != 1 || !strings.Contains(ps[0].Message, "Already used, on 4 Dec 2026 at 20:00 UTC by Sam Patel") {
		t.Fatalf("a second use: %v", err)
	}
	evs := f.next(t, 2, time.Second)
	if len(evs) != 2 || evs[0].Kind != store.EventOfferSent || evs[1].Kind != store.EventOfferRedeemed || evs[1].Alert.ID != a.ID {
		t.Fatalf("events %+v", evs)
	}
	late, err := db.SendOffer(ctx, r.ID, a.ID, sam.ID, store.OfferInput{Amount: store.Money{Minor: 1000, Currency: r.Currency}, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(25 * time.Hour)
	if _, err := db.RedeemOffer(ctx, r.ID, sam.ID, late.Code); len(store.Problems(err)) != 1 || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("an expired offer: %v", err)
	}
	if _, err := db.RedeemOffer(ctx, r.ID, sam.ID, "AAAAAAAAAAAAA"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a made-up code: %v", err)
	}
	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W49")
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Offers; o.Sent != 2 || o.Redeemed != 1 || o.CameBack != 1 || len(o.RedeemedValue) != 0 {
		t.Fatalf("the week's offers: %+v", o)
	}
}

// TestOfferLetter: an offer is emailed, through the outbox in the same
// transaction and tied to its event, only to a guest who consented to be
// contacted at an email address (on the survey, or given to the manager as
// a follow-up's contact); a phone number gets none. Erasing the guest, or
// retention, takes the email (which quotes their address) with the rest.
func TestOfferLetter(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, testDSN(t, "letter.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	var letters []store.OfferLetter
	letter := func(l store.OfferLetter) (store.EmailMessage, error) {
		letters = append(letters, l)
		return store.EmailMessage{To: l.To, Subject: "Sorry", Text: "Code " + l.Code, HTML: "<p>Code " + l.Code + "</p>"}, nil
	}
	guest := func(contact string) store.Alert {
		t.Helper()
		id, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 1,
			Comment: "Cold soup", Language: "fr", GuestName: "Ana", Contact: contact, ContactConsent: contact != ""})
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.AlertForReceipt(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	emails := func() []store.Delivery {
		ds, err := db.Deliveries(ctx, store.ChannelEmail, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}

	byMail := guest(" Ana@Example.COM ")
	sent, err := db.SendOffer(ctx, r.ID, byMail.ID, sam.ID, store.OfferInput{Item: "Dessert on us", Days: 30, Letter: letter})
	if err != nil || !sent.Mailed {
		t.Fatalf("sent %+v (%v)", sent, err)
	}
	if len(letters) != 1 || letters[0].To != "Ana@example.com" || letters[0].Code != sent.Code || letters[0].Language != "fr" ||
		letters[0].GuestName != "Ana" || letters[0].Offer.Item != "Dessert on us" || letters[0].Offer.Complaint != "Cold soup" {
		t.Fatalf("the letter %+v", letters)
	}
	ds := emails()
	if len(ds) != 1 || ds[0].EventID == 0 || !strings.Contains(ds[0].Payload, sent.Code) || !strings.Contains(ds[0].Payload, `"html":"\u003cp\u003eCode`) {
		t.Fatalf("the outbox %+v", ds)
	}

	byPhone := guest("+44 7700 900123")
	if sent, err := db.SendOffer(ctx, r.ID, byPhone.ID, sam.ID, store.OfferInput{Item: "Dessert on us", Days: 30, Letter: letter}); err != nil || sent.Mailed {
		t.Fatalf("to a phone: %+v (%v)", sent, err)
	}
	if err := db.Resolve(ctx, r.ID, byPhone.ID, sam.ID, store.Resolution{Outcome: store.OutcomeFollowUp,
		FollowUpAt: time.Now().Add(24 * time.Hour), FollowUpWho: "ana.b@example.org"}); err != nil {
		t.Fatal(err)
	}
	if sent, err := db.SendOffer(ctx, r.ID, byPhone.ID, sam.ID, store.OfferInput{Item: "Coffee on us", Days: 30, Letter: letter}); err != nil || !sent.Mailed {
		t.Fatalf("to the follow-up's email: %+v (%v)", sent, err)
	}
	if len(emails()) != 2 || letters[len(letters)-1].To != "ana.b@example.org" {
		t.Fatalf("%d emails, last to %q", len(emails()), letters[len(letters)-1].To)
	}

	g, err := db.FindGuest(ctx, r.ID, "ana@example.com")
	if err != nil || len(g.Responses) != 1 || g.Responses[0].Alert == nil || len(g.Responses[0].Alert.Offers) != 1 ||
		g.Responses[0].Alert.Offers[0].Item != "Dessert on us" || g.Responses[0].Alert.Offers[0].RedeemedAt != nil {
		t.Fatalf("the guest's data does not list the offer sent to them: %+v (%v)", g, err)
	}
	if _, err := db.EraseGuest(ctx, r.ID, sam.ID, "ana@example.com"); err != nil {
		t.Fatal(err)
	}
	if ds := emails(); len(ds) != 1 || strings.Contains(ds[0].Payload, "Ana@example.com") {
		t.Fatalf("after erasing the guest, the outbox still has %+v", ds)
	}
	if _, err := db.ForgetContacts(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ds := emails(); len(ds) != 0 {
		t.Fatalf("after retention, the outbox still has %+v", ds)
	}
}

func TestEmailAddress(t *testing.T) {
	for in, want := range map[string]string{"ana@example.com": "ana@example.com", " Ana@Example.COM ": "Ana@example.com",
		"+44 7700 900123": "", "Ana <ana@example.com>": "", "ana@localhost": "", "ana": "", "": "", "ana@@example.com": ""} {
		if got, ok := store.EmailAddress(in); got != want || ok != (want != "") {
			t.Errorf("EmailAddress(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
