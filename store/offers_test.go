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
	code, err := db.SendOffer(ctx, r.ID, a.ID, sam.ID, store.OfferInput{Item: "Dessert on us", Days: 30})
	if err != nil || len(code) != 13 {
		t.Fatalf("code %q (%v)", code, err)
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
	if _, err := db.RedeemOffer(ctx, r.ID, sam.ID, late); len(store.Problems(err)) != 1 || !strings.Contains(err.Error(), "expired") {
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
