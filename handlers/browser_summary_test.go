package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// serveDemo runs the app on the demo restaurant's eight weeks of history.
func serveDemo(t *testing.T) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), store.WithPasswordCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SeedDemo(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	e, err := handlers.New(handlers.Config{BaseURL: base, Demo: true}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = e
	ts.Start()
	t.Cleanup(ts.Close)
	return db, base
}

// TestBrowserSummary reads the demo's last week as an owner on a phone (390
// px) and a tablet, and prints it to A4: it must fit the phone's width, show
// the three trend charts and the silent-dissatisfaction panel, and print
// without the navigation and forms.
func TestBrowserSummary(t *testing.T) {
	_, base := serveDemo(t)
	ctx := browser(t)
	browserLoginAs(t, ctx, base, store.DemoOwnerEmail, store.DemoOwnerPassword)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/summary"),
		chromedp.WaitVisible(chromedp.CSS(`.silent`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "summary-phone-390.png")
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("the summary reaches %d px past a phone's width: %s", px, who)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart svg circle, .chart svg rect').length`))
	if err != nil || charts < 8 {
		t.Errorf("trend charts drew %d marks (%v)", charts, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Average rating", "Complaints", "Response rate", "vs last week",
		"Unhappy guests, heard or not", "TARP", "Team named", "Sam"} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary does not say %q", want)
		}
	}
	err = chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(base+"/summary"),
		chromedp.WaitVisible(chromedp.CSS(`.silent`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "summary-tablet-1024.png")
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), func(p *page.PrintToPDFParams) {
		p.PrintBackground = new(true)
	}))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "summary-print-a4.pdf", pdf)
	if pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page>")) + bytes.Count(pdf, []byte("/Type /Page ")); pages > 4 {
		t.Errorf("the printed summary takes %d pages", pages)
	}
	err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/covers"), chromedp.WaitVisible(chromedp.CSS(`.days`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "covers-phone-390.png")
}

// TestBrowserFloorSurvivesRestart keeps a floor tablet open while the server
// stops; a complaint arrives while it is down; the server comes back on the
// same address and the tablet, reconnecting by itself, shows the complaint.
func TestBrowserFloorSurvivesRestart(t *testing.T) {
	shutdown := make(chan struct{})
	a := newApp(t, handlers.Config{Shutdown: shutdown})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	base := "http://" + addr
	first := &http.Server{Handler: a.e}
	go first.Serve(ln)
	ctx := browser(t)
	browserLogin(t, ctx, base, "sam@test.example")
	live := func(want string) {
		t.Helper()
		shown := map[string]string{"Live": "live", "Reconnecting…": "conn"}[want]
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById("`+shown+`").hidden && document.getElementById("`+shown+`").textContent.includes("`+want+`")`,
			chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			t.Fatalf("the tablet never said %q: %v", want, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(base+"/floor")); err != nil {
		t.Fatal(err)
	}
	live("Live")
	close(shutdown) // the server goes away, and its streams with it
	first.Close()
	live("Reconnecting…")
	_, _, err = a.db.CreateResponse(context.Background(), store.NewResponse{TableToken: a.tables[1].Token,
		IdempotencyKey: store.NewToken(), Rating: 1, AtTable: true, Comment: "Sent while the server was down"})
	if err != nil {
		t.Fatal(err)
	}
	var ln2 net.Listener
	for range 50 { // the address frees up at once, but be patient
		if ln2, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The same server again: its configuration, so the same cookies.
	e, err := handlers.New(handlers.Config{BaseURL: "https://feedback.example.com"}, a.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	second := &http.Server{Handler: e}
	go second.Serve(ln2)
	t.Cleanup(func() { second.Close() })
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".card-alert")].some(c => c.textContent.includes("Sent while the server was down"))`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("the tablet did not catch up after the restart: %v", err)
	}
	live("Live")
	shot(t, ctx, "floor-after-restart-1024.png")
}

// TestBrowserSummaryFirstScreen: the owner's Monday starts with what to do
// and the estimate. At 390x844 and 1440x900 the demo's last week shows its
// first action and the estimate's headline inside the first screen, and on
// the phone the heading is one line.
func TestBrowserSummaryFirstScreen(t *testing.T) {
	_, base := serveDemo(t)
	ctx := browser(t)
	browserLoginAs(t, ctx, base, store.DemoOwnerEmail, store.DemoOwnerPassword)
	for _, size := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1440, 900, false}} {
		opts := []chromedp.EmulateViewportOption{}
		if size.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
		}
		err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h, opts...), chromedp.Navigate(base+"/summary"),
			chromedp.WaitVisible(chromedp.CSS(`.silent`)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
			const box = s => document.querySelector(s).getBoundingClientRect();
			const h1 = document.querySelector('.sum-head h1');
			return {action: box('.action-list li').bottom, headline: box('.silent .big-range').bottom, height: innerHeight,
				h1Lines: Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight))};
		})()`))
		viewShot(t, ctx, fmt.Sprintf("summary-first-screen-%d.png", size.w))
		if err != nil {
			t.Fatal(err)
		}
		if got["action"] > got["height"] || got["headline"] > got["height"] {
			t.Errorf("%dx%d: the first action ends at %.0f px and the estimate's headline at %.0f px, below the first screen (%.0f)",
				size.w, size.h, got["action"], got["headline"], got["height"])
		}
		if got["h1Lines"] != 1 {
			t.Errorf("%dx%d: the heading takes %.0f lines", size.w, size.h, got["h1Lines"])
		}
	}
}

// TestBrowserShiftsAndMyWeek: on the demo, the manager opens "Who serves
// where" on the floor tablet (800x1280) and their own week on a phone
// (390x844); neither reaches past the screen's width.
func TestBrowserShiftsAndMyWeek(t *testing.T) {
	_, base := serveDemo(t)
	ctx := browser(t)
	browserLoginAs(t, ctx, base, store.DemoManagerEmail, store.DemoManagerPassword)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 1280), chromedp.Navigate(base+"/floor"),
		chromedp.Click(chromedp.CSS(`#shift-h summary`)), chromedp.WaitVisible(chromedp.CSS(`form.shift`)),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('shift-h').scrollIntoView()`))
	if err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "floor-shifts-800.png")
	on, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('form.shift input[name=person]:checked')].map(i => i.value)`))
	if err != nil || strings.Join(on, ",") != "Sam,Priya,Tom,Jo" {
		t.Errorf("who serves now: %v (%v)", on, err)
	}
	err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/floor/week?r=demo"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "my-week-390.png")
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(text, "Sam's week") || !strings.Contains(text, "Answers while you served") {
		t.Errorf("Sam's week says: %s", text)
	}
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("my week reaches %d px past a phone's width: %s", px, who)
	}
}

// TestBrowserRedeemAtTheDoor: on a tablet at the door (800x1280) staff type
// a guest's code and see the offer with the complaint it answers, then
// redeem it.
func TestBrowserRedeemAtTheDoor(t *testing.T) {
	a, base := serve(t)
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	a.complain(t, "We waited an hour and left")
	alert := mustAlert(t, a, "We waited an hour")
	sent, err := a.db.SendOffer(context.Background(), a.restaurant.ID, alert, sam.ID, store.OfferInput{Item: "A bottle of wine on us", Days: 30})
	code := sent.Code
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	browserLogin(t, ctx, base, "sam@test.example")
	err = chromedp.Do(ctx, chromedp.EmulateViewport(800, 1280), chromedp.Navigate(base+"/floor/redeem"),
		chromedp.WaitVisible(chromedp.CSS(`#code`)), chromedp.SendKeys(chromedp.CSS(`#code`), strings.ToLower(code[:5])+" "+code[5:]))
	if err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "redeem-typed-800.png")
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/floor/redeem?code="+code), chromedp.WaitVisible(chromedp.CSS(`.offer-card`)))
	if err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "redeem-offer-800.png")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[type=submit].wide`)), chromedp.WaitVisible(chromedp.CSS(`.ok`))); err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "redeem-done-800.png")
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(text, "Redeemed: A bottle of wine on us") {
		t.Fatalf("after Redeem: %s", text)
	}
}

// TestBrowserOfferReachesTheOpenReceipt: a guest's receipt is open on their
// phone (390x844) after their complaint was resolved; the manager sends an
// apology with an offer; the page shows it, with its code and a QR code,
// without the guest doing anything; once used at the door it says so.
func TestBrowserOfferReachesTheOpenReceipt(t *testing.T) {
	a, base := serve(t)
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	receipt := a.complain(t, "We waited an hour and left")
	alert := mustAlert(t, a, "We waited an hour")
	ctx := context.Background()
	if err := a.db.Resolve(ctx, a.restaurant.ID, alert, sam.ID, store.Resolution{Outcome: store.OutcomeApologised}); err != nil {
		t.Fatal(err)
	}
	diner := browser(t)
	err := chromedp.Do(diner, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+receipt), chromedp.WaitVisible(chromedp.CSS(`#alert-state`)))
	if err != nil {
		t.Fatal(err)
	}
	manager := browser(t)
	browserLogin(t, manager, base, "sam@test.example")
	if err := chromedp.Do(manager, chromedp.EmulateViewport(800, 1280), chromedp.Navigate(base+"/floor"), chromedp.WaitVisible(chromedp.CSS(`#live`))); err != nil {
		t.Fatal(err)
	}
	untouched(t, manager, "the floor's stream connects", `!document.getElementById('live').classList.contains('pending')`)
	// Whether the stream is open yet or not, the offer reaches the page: a
	// stream's first word is the offers' state, which the page compares.
	sent, err := a.db.SendOffer(ctx, a.restaurant.ID, alert, sam.ID, store.OfferInput{Item: "A bottle of wine on us", Days: 30})
	if err != nil {
		t.Fatal(err)
	}
	// The page reloads itself to show it: untouched retries across that.
	untouched(t, diner, "the offer reaches the open receipt", `!!document.querySelector('.offer .offer-qr svg')`)
	// The floor, where the alert's card is gone, is told, with nothing to undo.
	untouched(t, manager, "the floor hears of the offer", `!document.getElementById('toast').hidden &&
		document.getElementById('toast-text').textContent === 'Table 1: an apology with an offer was sent to the guest.' &&
		document.getElementById('toast-undo').hidden`)
	shot(t, manager, "floor-offer-sent-800.png")
	text, _ := chromedp.Run(diner, chromedp.Text(chromedp.CSS(`.offer`)))
	if !strings.Contains(text, "A bottle of wine on us") || !strings.Contains(text, views.OfferCodeText(sent.Code)) {
		t.Fatalf("the receipt's offer reads %q", text)
	}
	if err := chromedp.Do(diner, chromedp.ScrollIntoView(chromedp.CSS(`.offer`))); err != nil {
		t.Fatal(err)
	}
	viewShot(t, diner, "receipt-offer-390.png")
	if _, err := a.db.RedeemOffer(ctx, a.restaurant.ID, sam.ID, sent.Code); err != nil {
		t.Fatal(err)
	}
	untouched(t, diner, "the receipt says the offer was used",
		`!document.querySelector('.offer-qr') && document.querySelector('.offer').textContent.includes('Thank you for coming back')`)
}
