package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// TestReceiptRepeatsEverything: the receipt says back all the guest told us
// in their language (asked for someone, rating, ticks, comment), and its last
// line follows the alert: keep the page open while someone is being sent,
// close it once the alert is resolved. Staff read an Arabic comment right to
// left (dir="auto") on the floor.
func TestReceiptRepeatsEverything(t *testing.T) {
	a := newApp(t, handlers.Config{})
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	offerAll(t, a)
	rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"2"}, "lang": {"fr"},
		"tag": {"food", "slow"}, "comment": {"Trop lent"}, "at_table": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d", rec.Code)
	}
	receipt := rec.Header().Get("Location")
	spaces := strings.NewReplacer("\u202f", " ", "\u00a0", " ") // French sets ":" and "?" off with thin spaces
	body := spaces.Replace(a.get(receipt).Body.String())
	for _, want := range []string{"Vous avez demandé que quelqu&#39;un vienne à votre table.", "Note : 2 sur 5",
		"Qu&#39;avez-vous apprécié ?", `<span class="tick">La cuisine</span>`, `<span class="tick">Service lent</span>`, "Qu&#39;aurions-nous pu mieux faire ?",
		`<q dir="auto">Trop lent</q>`, ">Gardez cette page ouverte"} {
		if !strings.Contains(body, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	al, err := a.db.AlertForReceipt(context.Background(), strings.TrimPrefix(receipt, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Resolve(context.Background(), a.restaurant.ID, al.ID, sam.ID, store.Resolution{Outcome: store.OutcomeApologised}); err != nil {
		t.Fatal(err)
	}
	body = spaces.Replace(a.get(receipt).Body.String())
	if strings.Contains(body, ">Gardez cette page ouverte") || !strings.Contains(body, ">Vous pouvez fermer cette page.<") {
		t.Error("after the alert was resolved the receipt still asks to be kept open")
	}

	a.post("/t/"+a.tables[1].Token, url.Values{"key": {store.NewToken()}, "rating": {"1"}, "comment": {"الطعام بارد جدا"}, "at_table": {"1"}})
	floor := a.login(t, "sam@test.example").get("/floor").Body.String()
	if strings.Count(floor, `<p class="quote" dir="auto">الطعام بارد جدا</p>`) != 2 { // its card, and recent feedback
		t.Errorf("the Arabic comment is not marked dir=auto on the floor")
	}
}
