package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// TestPrivacyPage: the survey tells a guest how long their contact is kept
// and who sees it; an owner downloads what is held about a guest by their
// phone (written differently), and erases it only once confirmed; a
// manager cannot; the log says an erasure happened, never whose.
func TestPrivacyPage(t *testing.T) {
	a := newApp(t, handlers.Config{RetainContactsDays: 90})
	if body := a.get("/t/" + a.tables[0].Token).Body.String(); !strings.Contains(body, "deleted after 90 days") ||
		!strings.Contains(body, "seen only by this restaurant&#39;s managers") {
		t.Error("the survey does not say how long contact details are kept and who sees them")
	}
	if body := newApp(t, handlers.Config{}).get("/t/" + a.tables[0].Token).Body.String(); strings.Contains(body, "deleted after 0 days") {
		t.Error("kept contacts are said to be deleted after 0 days")
	}
	survey := "/t/" + a.tables[0].Token
	rec := a.post(survey, url.Values{"key": {a.formKey(t, a.tables[0].Token)}, "rating": {"2"}, "comment": {"The fish was off"},
		"name": {"Benedita"}, "contact": {"+351 912 345 678"}, "consent": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("survey: %d", rec.Code)
	}
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	if rec := a.login(t, "sam@test.example").get("/restaurants/harbour/privacy"); rec.Code != http.StatusNotFound {
		t.Errorf("a manager sees the privacy page: %d", rec.Code)
	}
	owner := a.login(t, "owner@test.example")
	if rec := owner.get("/restaurants/harbour/privacy"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="contact"`) {
		t.Fatalf("privacy page: %d", rec.Code)
	}
	// The restaurant's country is not set: a number is matched with its
	// country code only, and the page says so.
	if rec := owner.post("/restaurants/harbour/privacy/export", url.Values{"contact": {"912345678"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "country code") {
		t.Errorf("a local number with no country set: %d", rec.Code)
	}
	rec = owner.post("/restaurants/harbour/privacy/export", url.Values{"contact": {"+351912-345-678"}})
	var g store.GuestData
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") ||
		json.Unmarshal(rec.Body.Bytes(), &g) != nil || len(g.Responses) != 1 || g.Responses[0].Comment != "The fish was off" || g.Responses[0].Name != "Benedita" {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	if rec := owner.post("/restaurants/harbour/privacy/erase", url.Values{"contact": {"+351912345678"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("an erasure without confirming: %d", rec.Code)
	}
	if rec := owner.post("/restaurants/harbour/privacy/export", url.Values{"contact": {"12"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `value="12"`) {
		t.Errorf("a contact that is none: %d", rec.Code)
	}
	rec = owner.post("/restaurants/harbour/privacy/erase", url.Values{"contact": {"+351 912 345 678"}, "confirm": {"1"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Erased: the name, contact and comment of 1 responses") {
		t.Fatalf("erase: %d %s", rec.Code, rec.Body)
	}
	for _, s := range []string{"912 345 678", "Benedita", "fish was off"} {
		if found, err := a.db.FindText(t.Context(), s); err != nil || len(found) > 0 {
			t.Errorf("%q is still in %v", s, found)
		}
	}
	logs := a.logs.String()
	if !strings.Contains(logs, "guest data erased") || strings.Contains(logs, "912") || strings.Contains(logs, "Benedita") {
		t.Errorf("the log: %s", logs)
	}
}
