package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

var offerCodeRE = regexp.MustCompile(`[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{3}`)

// TestOfferFromFloorToDoor: a manager sends the guest of an alert an
// apology with an offer; the guest's receipt shows it with its code (never
// the floor's URL); at the door the code, typed however, shows the offer
// with the complaint it answers and is redeemed once; a second redemption
// is refused saying when and by whom; guessing codes is cut off.
func TestOfferFromFloorToDoor(t *testing.T) {
	a := newApp(t, handlers.Config{BaseURL: "http://tableside.test"})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	sam := a.login(t, "sam@test.example")
	receipt := a.complain(t, "The soup was cold")
	alert := mustAlert(t, a, "The soup was cold")
	path := "/floor/alerts/" + itoa64(alert) + "/offer?r=harbour"
	if rec := sam.post(path, url.Values{"item": {"Dessert on us"}, "amount": {"5"}, "days": {"30"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "an item or an amount, not both") {
		t.Fatalf("both: %d", rec.Code)
	}
	rec := sam.post(path, url.Values{"item": {"Dessert on us"}, "days": {"30"}})
	if rec.Code != http.StatusSeeOther || offerCodeRE.MatchString(rec.Header().Get("Location")) {
		t.Fatalf("send: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if floor := sam.get("/floor?r=harbour").Body.String(); strings.Count(floor, "Offer sent, not used yet.") != 2 {
		t.Fatal("the floor's card and its recent feedback do not say an offer was sent")
	}
	page := a.get(receipt).Body.String()
	code := offerCodeRE.FindString(page)
	if code == "" || !strings.Contains(page, "Dessert on us") || !strings.Contains(page, "For your next visit") {
		t.Fatalf("the receipt lacks the offer:\n%s", page)
	}
	// The receipt's QR code opens the door's page with the code, on a staff
	// member's tablet or phone.
	svg := regexp.MustCompile(`(?s)<div class="offer-qr"[^>]*>(<svg.*?</svg>)`).FindStringSubmatch(page)
	if svg == nil {
		t.Fatal("the receipt has no QR code of the offer")
	}
	scanned := handlers.ScanQR(t, svg[1])
	if want := "http://tableside.test/floor/redeem?code=" + strings.ReplaceAll(code, "-", "") + "&r=harbour"; scanned != want {
		t.Fatalf("the QR code opens %q, want %q", scanned, want)
	}
	if door := sam.get(strings.TrimPrefix(scanned, "http://tableside.test")).Body.String(); !strings.Contains(door, "Dessert on us") {
		t.Fatal("the scanned QR code does not open the offer at the door")
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	preview := sam.get("/floor/redeem?r=harbour&code=" + url.QueryEscape(typed)).Body.String()
	if !strings.Contains(preview, "Dessert on us") || !strings.Contains(preview, "The soup was cold") {
		t.Fatalf("the door does not show the offer and its complaint:\n%.2000s", preview)
	}
	if rec := sam.post("/floor/redeem?r=harbour", url.Values{"code": {typed}}); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Redeemed:") {
		t.Fatalf("redeem: %d", rec.Code)
	}
	if floor := sam.get("/floor?r=harbour").Body.String(); !strings.Contains(floor, "Offer sent and used: the guest came back.") {
		t.Fatal("the floor does not say the offer was used")
	}
	again := sam.post("/floor/redeem?r=harbour", url.Values{"code": {code}})
	if again.Code != http.StatusUnprocessableEntity || !strings.Contains(again.Body.String(), "Already used") || !strings.Contains(again.Body.String(), "Sam Patel") {
		t.Fatalf("a second redemption: %d", again.Code)
	}
	if page := a.get(receipt).Body.String(); !strings.Contains(page, "Thank you for coming back") || strings.Contains(page, `class="offer-qr"`) {
		t.Fatal("the receipt does not say the offer was used, or still shows its QR code")
	}
	week := store.WeekOf(time.Now(), a.restaurant.Location()).String()
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	if body := owner.get("/summary?week=" + week).Body.String(); !strings.Contains(body, "1 sent, 1 redeemed; 1 of the 1 guests sent one came back so far") {
		t.Fatal("the summary does not count the offer")
	}
	if body := owner.get("/summary.json?r=harbour&week=" + week).Body.String(); !strings.Contains(body, `"offers":{"sent":1,"redeemed":1,"redeemed_value":[],"came_back":1}`) {
		t.Fatalf("summary.json: %s", body)
	}
	limited := false
	for range 25 {
		if rec := sam.post("/floor/redeem?r=harbour", url.Values{"code": {"AAAAA-AAAAA-AAA"}}); rec.Code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("25 guesses a minute were not cut off")
	}
}
