package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tableside/tableside/store"
)

// consoleErrors collects what a page logs as an error: its console, the
// browser's own interventions (a blocked vibration is one), and exceptions.
func consoleErrors(t *testing.T, ctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				errs = append(errs, fmt.Sprintf("console: %v", ev.Args))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Source == log.EntrySourceIntervention {
				errs = append(errs, "browser: "+ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), errs...) }
}

// watchShifts sums the page's layout shifts from its first paint on, as
// Cumulative Layout Shift does (shifts right after a tap do not count).
const watchShifts = `window.shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.shifts.push(e.value); })
	.observe({type: 'layout-shift', buffered: true});`

// untouched waits for expr as poll does, without the user gesture that
// chromedp's Poll lends the page (which would let it vibrate).
func untouched(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
	}
	t.Fatalf("%s: timed out", what)
}

// TestBrowserFloorBoard is the floor as a board at 1280x800 (a tablet on its
// side) and 800x1280 (upright): with eight open alerts, one escalated, and a
// ninth arriving while the page is at the top and untouched, every open
// alert's table lies in the first screen, the page did not scroll, nothing
// shifted, nothing was logged as an error (no vibration before a tap), the
// escalated alert is first, and what is read from a metre away is big.
func TestBrowserFloorBoard(t *testing.T) {
	for _, size := range []struct{ w, h int64 }{{1280, 800}, {800, 1280}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a, base := serve(t)
			a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
			ctx := context.Background()
			for i := range 8 {
				rec := a.post("/t/"+a.tables[i%len(a.tables)].Token, url.Values{"key": {store.NewToken()}, "rating": {"2"},
					"tag": {"cold-food"}, "comment": {fmt.Sprintf("Complaint %d", i+1)}, "at_table": {"1"}})
				if rec.Code != http.StatusSeeOther {
					t.Fatalf("complaint %d: %d", i+1, rec.Code)
				}
				if i == 0 { // the first waits past the escalation time
					if _, err := a.db.EscalateDue(ctx, time.Now().Add(4*time.Minute)); err != nil {
						t.Fatal(err)
					}
				}
			}
			signIn := browser(t)
			browserLogin(t, signIn, base, "sam@test.example")
			// The floor in a tab of its own, never touched: signing in was a
			// tap, which would let the page vibrate.
			b, cancel := chromedp.NewContext(signIn)
			t.Cleanup(cancel)
			errs := consoleErrors(t, b)
			if _, err := chromedp.Call(b, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchShifts}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(b, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(base+"/floor")); err != nil {
				t.Fatal(err)
			}
			untouched(t, b, "the stream never went live", `!document.getElementById('live').classList.contains('pending')`)
			untouched(t, b, "the switches were not filled in", `!document.querySelector('.status .pending')`)
			time.Sleep(300 * time.Millisecond) // let the page settle: a late shift would count

			rec := a.post("/t/"+a.tables[1].Token, url.Values{"key": {store.NewToken()}, "rating": {"1"},
				"tag": {"allergy"}, "comment": {"The ninth, arriving now"}, "at_table": {"1"}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("the ninth: %d", rec.Code)
			}
			untouched(t, b, "the ninth alert did not arrive", `document.querySelectorAll('#alerts .card-alert').length === 9`)
			if touched, err := chromedp.Run(b, chromedp.Evaluate[bool](`navigator.userActivation.hasBeenActive`)); err != nil || touched {
				t.Fatalf("the test touched the page before the alert came (%v)", err)
			}
			time.Sleep(300 * time.Millisecond)
			viewShot(t, b, fmt.Sprintf("floor-board-9-%dx%d.png", size.w, size.h))

			got, err := chromedp.Run(b, chromedp.Evaluate[map[string]any](`(() => {
				const cards = [...document.querySelectorAll('#alerts .card-alert')];
				const out = cards.filter(c => { const r = c.querySelector('.table').getBoundingClientRect();
					return r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth; }).map(c => c.dataset.table + ' ' + c.querySelector('.table').getBoundingClientRect().bottom);
				const px = (el) => parseFloat(getComputedStyle(el).fontSize), weight = (el) => Number(getComputedStyle(el).fontWeight);
				const small = [];
				for (const c of cards) {
					if (px(c.querySelector('.table')) < 40) small.push('table ' + px(c.querySelector('.table')));
					const w = c.querySelector('.waiting');
					if (px(w) < 24 || weight(w) < 700) small.push('waiting ' + px(w) + '/' + weight(w));
					for (const r of c.querySelectorAll('.why > *')) if (getComputedStyle(r).display !== 'none' && (px(r) < 24 || weight(r) < 700)) small.push('reason ' + r.textContent + ' ' + px(r) + '/' + weight(r));
				}
				return {out: out.join(', '), scrollY: scrollY, shifts: window.shifts.reduce((a, b) => a + b, 0), small: small.join(', '),
					firstEscalated: cards[0].classList.contains('escalated'), last: cards[8].textContent.includes('Allergy')};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if got["out"] != "" {
				t.Errorf("alerts out of sight: %v", got["out"])
			}
			if got["scrollY"] != float64(0) {
				t.Errorf("the page scrolled by itself to %v", got["scrollY"])
			}
			if got["shifts"] != float64(0) {
				t.Errorf("layout shifts add up to %v, want 0", got["shifts"])
			}
			if got["small"] != "" {
				t.Errorf("too small to read from a metre: %v", got["small"])
			}
			if got["firstEscalated"] != true || got["last"] != true {
				t.Errorf("order: the escalated alert first %v, the newest last %v", got["firstEscalated"], got["last"])
			}
			if e := errs(); len(e) > 0 {
				t.Errorf("the page logged errors: %s", strings.Join(e, "; "))
			}

			// A row opens on tap and shows the guest's words and the actions;
			// opening another closes it.
			err = chromedp.Do(b, chromedp.Click(chromedp.CSS(`#alerts .card-alert:nth-child(2) .head`)))
			if err != nil {
				t.Fatal(err)
			}
			poll(t, b, "a tapped row does not open", `(() => { const c = document.querySelector('#alerts .card-alert:nth-child(2)');
				return c.querySelector('.body').offsetParent !== null && c.querySelector('.quote').textContent.startsWith('Complaint') && !!c.querySelector('.ackform button'); })()`)
			viewShot(t, b, fmt.Sprintf("floor-board-open-%dx%d.png", size.w, size.h))
			err = chromedp.Do(b, chromedp.Click(chromedp.CSS(`#alerts .card-alert:nth-child(3) .head`)))
			if err != nil {
				t.Fatal(err)
			}
			poll(t, b, "two rows stay open", `document.querySelectorAll('#alerts .opener:checked').length === 1 && document.querySelector('#alerts .card-alert:nth-child(3) .opener').checked`)
		})
	}
}

// TestBrowserResolveUndo: after Resolve the floor says what was done, with
// Undo; Undo puts the card back as it was, on this tablet and in the store.
func TestBrowserResolveUndo(t *testing.T) {
	a, base := serve(t)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	a.complain(t, "Soup was cold")
	b := browser(t)
	browserLogin(t, b, base, "sam@test.example")
	if err := chromedp.Do(b, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/floor")); err != nil {
		t.Fatal(err)
	}
	poll(t, b, "the stream never went live", `!document.getElementById('live').classList.contains('pending')`)
	err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`#alerts .card-alert details.resolve summary`)),
		chromedp.Click(chromedp.CSS(`#alerts .card-alert input[value=comped-bill] + span`)),
		chromedp.SendKeys(chromedp.CSS(`#alerts .card-alert input[name=amount]`), "12.50"),
		chromedp.Click(chromedp.CSS(`#alerts .card-alert details.resolve button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	poll(t, b, "Resolve did not say what it did", `!document.getElementById('toast').hidden && /^Table 1 resolved · Comped the bill · .*12\.50/.test(document.getElementById('toast-text').textContent) && document.querySelectorAll('#alerts .card-alert').length === 0`)
	viewShot(t, b, "floor-resolved-undo-1280.png")
	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`#toast-undo button`))); err != nil {
		t.Fatal(err)
	}
	poll(t, b, "Undo did not bring the card back", `document.getElementById('toast').hidden && document.querySelectorAll('#alerts .card-alert').length === 1`)
	alerts, err := a.db.ActiveAlerts(context.Background(), a.restaurant.ID)
	if err != nil || len(alerts) != 1 || alerts[0].State != store.StateOpen || alerts[0].Amount.Minor != 0 {
		t.Fatalf("after Undo: %+v (%v)", alerts, err)
	}
}

// TestBrowserOnlyAskForSomeone: a guest at 390x844 ticks only "I'm still at
// the table" and presses Send: no rating is asked of them, the receipt says
// someone is being sent, and the floor's board shows "asked for someone".
func TestBrowserOnlyAskForSomeone(t *testing.T) {
	a, base := serve(t)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	manager, diner := browser(t), browser(t)
	browserLogin(t, manager, base, "sam@test.example")
	if err := chromedp.Do(manager, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/floor")); err != nil {
		t.Fatal(err)
	}
	poll(t, manager, "the stream never went live", `!document.getElementById('live').classList.contains('pending')`)
	err := chromedp.Do(diner,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/t/"+a.tables[1].Token),
		chromedp.WaitVisible(chromedp.CSS(`form`)),
		chromedp.Click(chromedp.CSS(`input[name=at_table]`)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#alert-state`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	viewShot(t, diner, "receipt-asked-only-390.png")
	told, err := chromedp.Run(diner, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(told, "You asked for someone to come to your table.") || strings.Contains(told, "Rating:") ||
		!strings.Contains(told, "Keep this page open") {
		t.Fatalf("the receipt says (%v):\n%s", err, told)
	}
	poll(t, manager, "the floor did not show the call", `[...document.querySelectorAll('#alerts .card-alert')].some(c => c.dataset.table === 'Table 2' && c.querySelector('.why').textContent.includes('asked for someone'))`)
	viewShot(t, manager, "floor-asked-only-1280.png")
	alerts, err := a.db.ActiveAlerts(context.Background(), a.restaurant.ID)
	if err != nil || len(alerts) != 1 || alerts[0].Rating != 0 || len(alerts[0].Reasons) != 1 || alerts[0].Reasons[0] != store.ReasonAsked {
		t.Fatalf("alerts %+v (%v)", alerts, err)
	}
}
