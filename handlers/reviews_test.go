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

// TestReviewInvitationIsTheSameForEveryone: the receipt's invitation to
// review the restaurant is byte for byte the same for a 1-star complaint at
// the table and a 5-star praise: no review gating. The settings form keeps
// up to three https links and refuses anything else by its field.
func TestReviewInvitationIsTheSameForEveryone(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	for _, bad := range []string{"http://g.page/r/abc/review", "javascript:alert(1)", "https://a.example\nhttps://b.example\nhttps://c.example\nhttps://d.example", "https://user:pw@evil.example/"} {
		rec := owner.post("/restaurants/harbour/settings", settingsForm(url.Values{"reviews": {bad}}))
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `id="reviews-error"`) {
			t.Errorf("review links %q: %d", bad, rec.Code)
		}
	}
	links := "https://g.page/r/harbour-kitchen/review\r\nhttps://www.tripadvisor.com/UserReviewEdit-d123"
	if rec := owner.post("/restaurants/harbour/settings", settingsForm(url.Values{"reviews": {links}})); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.500s", rec.Code, rec.Body)
	}
	r, _ := a.db.RestaurantBySlug(context.Background(), "harbour")
	if len(r.ReviewLinks) != 2 {
		t.Fatalf("stored %q", r.ReviewLinks)
	}
	section := func(form url.Values) string {
		t.Helper()
		form.Set("key", store.NewToken())
		rec := a.post("/t/"+a.tables[0].Token, form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d", rec.Code)
		}
		body := a.get(rec.Header().Get("Location")).Body.String()
		i, j := strings.Index(body, `<section class="reviews"`), strings.Index(body, `</section>`)
		if i < 0 || j < i {
			t.Fatalf("no review invitation:\n%s", body)
		}
		return body[i : j+len("</section>")]
	}
	angry := section(url.Values{"rating": {"1"}, "tag": {"foreign-object"}, "comment": {"A hair in my risotto"}, "at_table": {"1"}})
	happy := section(url.Values{"rating": {"5"}, "tag": {"food"}, "comment": {"Wonderful"}})
	if angry != happy {
		t.Fatalf("the invitation differs:\n%s\n%s", angry, happy)
	}
	if !strings.Contains(happy, `>Google</a>`) || !strings.Contains(happy, `>Tripadvisor</a>`) || !strings.Contains(happy, `href="https://g.page/r/harbour-kitchen/review"`) {
		t.Fatalf("the invitation: %s", happy)
	}
}

// TestOfferCeiling: the owner sets the most an offer may be, in the
// restaurant's currency; a manager's larger offer is refused by its field.
func TestOfferCeiling(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	owner, sam := a.login(t, "owner@test.example"), a.login(t, "sam@test.example")
	if rec := owner.post("/restaurants/harbour/settings", settingsForm(url.Values{"offer_ceiling": {"lots"}})); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `id="offer_ceiling-error"`) {
		t.Fatalf("a ceiling that is no amount: %d", rec.Code)
	}
	if rec := owner.post("/restaurants/harbour/settings", settingsForm(url.Values{"offer_ceiling": {"12.50"}})); rec.Code != http.StatusSeeOther {
		t.Fatalf("ceiling: %d", rec.Code)
	}
	r, _ := a.db.RestaurantBySlug(context.Background(), "harbour")
	if r.OfferCeiling.Minor != 1250 {
		t.Fatalf("ceiling stored %+v", r.OfferCeiling)
	}
	a.complain(t, "Cold")
	path := "/floor/alerts/" + itoa64(mustAlert(t, a, "Cold")) + "/offer?r=harbour"
	if rec := sam.post(path, url.Values{"amount": {"20"}, "days": {"30"}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "ceiling") {
		t.Fatalf("over the ceiling: %d", rec.Code)
	}
	if rec := sam.post(path, url.Values{"amount": {"10"}, "days": {"30"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("under the ceiling: %d", rec.Code)
	}
}
