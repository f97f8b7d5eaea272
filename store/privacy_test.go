package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestEraseGuestLeavesNoCopy: a guest who left their phone on two visits,
// whose complaint was resolved with a follow-up call, and whose alerts went
// out as a webhook and a push, is erased by the number as the owner types
// it (spaces and country code differ): afterwards no text column of any
// table holds the number, the name or the comment; the ratings stay; other
// guests are untouched; the erasure is logged without the number.
func TestEraseGuestLeavesNoCopy(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = time.Date(2026, 11, 3, 19, 0, 0, 0, time.UTC)
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/Lisbon", Country: "pt"})
	if err != nil || r.Country != "PT" {
		t.Fatalf("restaurant %+v (%v)", r, err)
	}
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	send := func(rating int, name, contact, comment string) string {
		id, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: rating,
			AtTable: true, GuestName: name, Contact: contact, ContactConsent: contact != "", Comment: comment})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := send(1, "Benedita", "+351 912 345 678", "Hair in the risotto")
	send(4, "Benedita", "912345678", "Better this time, Benedita here")
	other := send(2, "Carlos", "carlos@example.com", "Cold soup")
	a, err := db.AlertForReceipt(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Resolve(ctx, r.ID, a.ID, sam.ID, store.Resolution{Outcome: store.OutcomeFollowUp, FollowUpAt: now.Add(24 * time.Hour),
		FollowUpWho: "Benedita, 912 345 678", Note: "Benedita wants a call after 6"}); err != nil {
		t.Fatal(err)
	}
	events, _ := db.EventsAfter(ctx, r.ID, 0, 100)
	var ds []store.Delivery
	for _, e := range events {
		ds = append(ds, store.Delivery{Channel: store.ChannelWebhook, TargetID: 1, RestaurantID: r.ID, EventID: e.ID,
			MessageID: "msg_" + string(e.Kind) + e.Alert.Comment, Payload: `{"guest_name":"` + e.Alert.GuestName + `","contact":"` + e.Alert.Contact + `","comment":"` + e.Alert.Comment + `"}`})
	}
	if err := db.Enqueue(ctx, ds); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"912 345 678", "Benedita", "risotto"} {
		if found, _ := db.FindText(ctx, s); len(found) == 0 {
			t.Fatalf("the test wrote no %q", s)
		}
	}

	g, err := db.FindGuest(ctx, r.ID, "00351 912-345-678")
	if err != nil || len(g.Responses) != 2 || g.Responses[0].Alert == nil || g.Responses[0].Alert.FollowUpContact == "" {
		t.Fatalf("the guest's data: %+v, %v", g, err)
	}
	e, err := db.EraseGuest(ctx, r.ID, sam.ID, "00351 912-345-678")
	if err != nil || e.Responses != 2 || e.Alerts != 2 || e.Deliveries == 0 {
		t.Fatalf("erasure %+v, %v", e, err)
	}
	for _, s := range []string{"912 345 678", "912345678", "Benedita", "risotto", "Better this time"} {
		if found, err := db.FindText(ctx, s); err != nil || len(found) > 0 {
			t.Errorf("after the erasure %q is still in %v (%v)", s, found, err)
		}
	}
	if got, _ := db.ResponseByPublicID(ctx, first); got.Rating != 1 || !got.AtTable {
		t.Errorf("the rating went too: %+v", got)
	}
	if got, _ := db.ResponseByPublicID(ctx, other); got.Contact != "carlos@example.com" || got.Comment != "Cold soup" {
		t.Errorf("another guest was erased: %+v", got)
	}
	if g, _ := db.FindGuest(ctx, r.ID, "912345678"); len(g.Responses) != 0 {
		t.Errorf("the guest is still found: %+v", g)
	}
	if n, err := db.CountErasures(ctx, r.ID); err != nil || n != 1 {
		t.Errorf("%d erasures logged (%v)", n, err)
	}
}

// TestGuestsMatchedExactly: two guests whose numbers share their last
// eight digits (a local Portuguese number and a British one) are two
// guests: erasing one keeps the other. An email is matched whole, in any
// case; what is not a number that can be read exactly is refused, saying
// how to write it, and nothing is matched by a part of it.
func TestGuestsMatchedExactly(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "tasca", Name: "Tasca", TimeZone: "Europe/Lisbon", Country: "PT"})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := db.CreateTable(ctx, r.ID, "Table 1")
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	send := func(name, contact string) string {
		id, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2,
			GuestName: name, Contact: contact, ContactConsent: true, Comment: name + " was here"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	local := send("Inês", "912 345 678")
	british := send("Harry", "+44 7912 345678")
	mail := send("Ana", "Ana.Silva@Example.PT")
	for _, bad := range []string{"12", "2345678", "hello", "ana@", "@example.pt"} {
		if _, err := db.FindGuest(ctx, r.ID, bad); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("FindGuest(%q): %v, want a refusal", bad, err)
		}
	}
	if g, err := db.FindGuest(ctx, r.ID, "ana.silva@example.pt"); err != nil || len(g.Responses) != 1 {
		t.Fatalf("by email in another case: %+v (%v)", g, err)
	}
	if g, _ := db.FindGuest(ctx, r.ID, "+351 912 345 678"); len(g.Responses) != 1 || g.Responses[0].Name != "Inês" {
		t.Fatalf("by the local number with its country code: %+v", g)
	}
	if _, err := db.EraseGuest(ctx, r.ID, sam.ID, "912345678"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ResponseByPublicID(ctx, local); got.Contact != "" {
		t.Errorf("the guest erased by number kept their contact: %+v", got)
	}
	if got, _ := db.ResponseByPublicID(ctx, british); got.Contact != "+44 7912 345678" || got.GuestName != "Harry" {
		t.Errorf("erasing a local number erased a British guest with the same last digits: %+v", got)
	}
	if got, _ := db.ResponseByPublicID(ctx, mail); got.Contact == "" {
		t.Errorf("the guest with an email was erased: %+v", got)
	}
	// Without a country, a number is matched only with its country code.
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "nowhere", Name: "Nowhere", TimeZone: "UTC"})
	if _, err := db.FindGuest(ctx, other.ID, "912345678"); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "country code") {
		t.Errorf("a local number where the country is not set: %v", err)
	}
	if _, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "atlantis", Name: "Atlantis", TimeZone: "UTC", Country: "XX"}); store.ErrorCode(err) != store.EInvalid {
		t.Errorf("an unknown country: %v", err)
	}
}

// TestRetentionForgetsOldContacts: contact details older than the period
// are cleared, with the follow-up's contact and old notifications; the rest
// of those responses, and newer contacts, stay.
func TestRetentionForgetsOldContacts(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = time.Date(2026, 6, 1, 19, 0, 0, 0, time.UTC)
	r, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/Lisbon"})
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	old, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2,
		GuestName: "Dora", Contact: "dora@example.com", ContactConsent: true, Comment: "Slow", Tags: []string{"slow"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, []store.Delivery{{Channel: store.ChannelWebhook, TargetID: 1, RestaurantID: r.ID, MessageID: "m1",
		Payload: `{"contact":"dora@example.com"}`, Status: "sent"}}); err != nil {
		t.Fatal(err)
	}
	*now = now.AddDate(0, 3, 0)
	recent, _, _ := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 5,
		GuestName: "Eva", Contact: "eva@example.com", ContactConsent: true})
	n, err := db.ForgetContacts(ctx, now.AddDate(0, 0, -90))
	if err != nil || n != 1 {
		t.Fatalf("forgot %d (%v)", n, err)
	}
	if got, _ := db.ResponseByPublicID(ctx, old); got.Contact != "" || got.GuestName != "" || got.ContactConsent || got.Rating != 2 || got.Comment != "Slow" {
		t.Errorf("the old response: %+v", got)
	}
	if got, _ := db.ResponseByPublicID(ctx, recent); got.Contact != "eva@example.com" {
		t.Errorf("the recent contact went: %+v", got)
	}
	if found, _ := db.FindText(ctx, "dora@example.com"); len(found) > 0 {
		t.Errorf("the old contact is still in %v", found)
	}
}
