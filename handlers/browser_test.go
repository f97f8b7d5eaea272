package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/handlers/browsertest"
	"github.com/tableside/tableside/store"
)

// The browser tests' tools (browsertest) under their short names.
var (
	browser  = browsertest.Browser
	artifact = browsertest.Artifact
	shot     = browsertest.Shot
	viewShot = browsertest.ViewShot
	poll     = browsertest.Poll
)

// serve runs the app on a real listener, with BaseURL pointing at it so that QR
// codes lead back to it.
func serve(t *testing.T) (*app, string) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	a := newApp(t, handlers.Config{BaseURL: base})
	ts.Config.Handler = a.e
	ts.Start()
	t.Cleanup(ts.Close)
	return a, base
}

// TestBrowserSurveyWithoutJavaScript is a diner on a phone (390x844) with
// JavaScript off: open the table's URL, tap a rating, write a comment, send,
// and read the thank-you page.
func TestBrowserSurveyWithoutJavaScript(t *testing.T) {
	a, base := serve(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/t/"+a.tables[0].Token),
		chromedp.WaitVisible(chromedp.CSS(`form`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "survey-phone-390.png")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=rating][value="2"] + span`)),
		chromedp.Click(chromedp.CSS(`input[name=tag][value="cold-food"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "The soup arrived cold."),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.big`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "Thank you") || !strings.Contains(body, "The soup arrived cold.") || !strings.Contains(body, "2 out of 5") {
		t.Fatalf("after sending: %q\n%s", heading, body)
	}
	shot(t, ctx, "receipt-phone-390.png")
	if n := a.count(t); n != 1 {
		t.Fatalf("%d responses stored", n)
	}
}

// TestBrowserSurveyLayout checks what a thumb needs: every control is at least
// 44 px tall, nothing scrolls sideways at 320 px, and errors show by their
// fields; it also saves the survey at tablet size and with errors.
func TestBrowserSurveyLayout(t *testing.T) {
	a, base := serve(t)
	ctx := browser(t)
	survey := base + "/t/" + a.tables[0].Token
	const smallTargets = `[...document.querySelectorAll('.pick span, .chip span, button, .check, summary, textarea')]
		.filter(e => e.getBoundingClientRect().height < 44).map(e => e.textContent.trim())`
	for _, width := range []int64{320, 390} {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile), chromedp.Navigate(survey),
			chromedp.WaitVisible(chromedp.CSS(`form`)))
		if err != nil {
			t.Fatal(err)
		}
		small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTargets))
		if err != nil || len(small) > 0 {
			t.Errorf("at %d px, targets under 44 px: %q (%v)", width, small, err)
		}
		if px, who := sideways(t, ctx, width); px > 0 {
			t.Errorf("at %d px the page reaches %d px past the screen: %s", width, px, who)
		}
		unlabelled, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('input:not([type=hidden]), textarea')]
			.filter(e => !e.closest('label') && !document.querySelector('label[for="' + e.id + '"]')).length`))
		if err != nil || unlabelled > 0 {
			t.Errorf("%d inputs have no label (%v)", unlabelled, err)
		}
	}
	// The browser's own check would stop a form with no rating; take it away to
	// see the server's answer, as an old browser would.
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(survey), chromedp.WaitVisible(chromedp.CSS(`form`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))`),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "Waited 40 minutes."),
		chromedp.Click(chromedp.CSS(`summary`)),
		chromedp.SendKeys(chromedp.CSS(`#contact`), "ana@example.com"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.err`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	comment, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#comment`)))
	if err != nil || comment != "Waited 40 minutes." {
		t.Fatalf("comment after the error: %q (%v)", comment, err)
	}
	shot(t, ctx, "survey-errors-phone-390.png")
	err = chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(survey), chromedp.WaitVisible(chromedp.CSS(`form`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "survey-tablet-1024.png")
}

// TestBrowserTableCards prints the table cards to PDF as an owner would, and
// scans a card's QR code from Chromium's own rendering of it.
func TestBrowserTableCards(t *testing.T) {
	a, base := serve(t)
	for _, label := range []string{"Table 3", "Table 4", "Terrace 1", "Terrace 2", "Bar 1", "Bar 2"} {
		if _, err := a.db.CreateTable(context.Background(), a.restaurant.ID, label); err != nil {
			t.Fatal(err)
		}
	}
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	offerAll(t, a)
	ctx := browser(t)
	browserLogin(t, ctx, base, "owner@test.example")
	// The call to scan in German (the longest) and Arabic (right to left).
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768),
		chromedp.Navigate(base+"/restaurants/harbour/tables/cards?lang=de&lang=ar"), chromedp.WaitVisible(chromedp.CSS(`.card`)))
	if err != nil {
		t.Fatal(err)
	}
	// Eight cards, four to a page, on A4 and on US Letter alike: two pages.
	pageRE := regexp.MustCompile(`/Type\s*/Page[^s]`)
	for _, paper := range []struct {
		name string
		size chromedp.PDFOption
	}{{"a4", chromedp.PDFPaper(chromedp.PaperA4)}, {"letter", chromedp.PDFPaper(chromedp.PaperLetter)}} {
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(paper.size))
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("PrintToPDF: %v", err)
		}
		artifact(t, "table-cards-"+paper.name+".pdf", pdf)
		if pages := len(pageRE.FindAll(pdf, -1)); pages != 2 {
			t.Errorf("8 cards printed on %d %s pages, want 2", pages, paper.name)
		}
	}
	shot(t, ctx, "table-cards-1024.png")
	// What the printer gets, at A4's width (210 mm less the margins).
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(703, 1032)); err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "table-cards-print-a4.png")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768)); err != nil {
		t.Fatal(err)
	}

	card, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`.card .qr`)))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "table-card-qr.png", card)
	img, err := png.Decode(bytes.NewReader(card))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the card's QR code does not scan: %v", err)
	}
	tables, err := a.db.ActiveTables(context.Background(), a.restaurant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := base + "/t/" + tables[0].Token; res.GetText() != want {
		t.Fatalf("the first card scans to %q, want %q", res.GetText(), want)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/restaurants/harbour/tables"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "tables-tablet-1024.png")
}

// browserLogin signs in through the login form.
func browserLogin(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	browserLoginAs(t, ctx, base, email, testPassword)
}

func browserLoginAs(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.staffnav`)),
	)
	if err != nil {
		t.Fatalf("signing in %s: %v", email, err)
	}
}

// TestBrowserFloorShowsHostileCommentAsText opens the floor with a comment that
// tries to run script: it must show as text, and no dialog may open.
func TestBrowserFloorShowsHostileCommentAsText(t *testing.T) {
	a, base := serve(t)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	a.complain(t, evil)
	ctx := browser(t)
	dialogs := make(chan string, 4)
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			select {
			case dialogs <- d.Message:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, base, "sam@test.example")
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/floor"),
		chromedp.WaitVisible(chromedp.CSS(`.card-alert .quote`)))
	if err != nil {
		t.Fatal(err)
	}
	// A second copy arrives live, through the event stream and the script.
	a.complain(t, evil)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('.card-alert').length === 2`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the live card did not arrive: %v", err)
	}
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.card-alert .quote')].map(e => e.textContent)`))
	if err != nil || len(texts) != 2 || texts[0] != evil || texts[1] != evil {
		t.Fatalf("comments shown as %q (%v)", texts, err)
	}
	imgs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.card-alert img, .card-alert script').length`))
	if imgs != 0 {
		t.Fatalf("the comment became %d elements", imgs)
	}
	select {
	case msg := <-dialogs:
		t.Fatalf("a dialog opened: %q", msg)
	case <-time.After(500 * time.Millisecond):
	}
}

// TestBrowserDinerAndManagerLive is the heart of Tableside, with two browsers:
// a diner at 390x844 says there is something in their food and that they are
// still at the table; the manager's tablet at 1280x800, open on the floor,
// shows the card without reloading; the manager taps "On my way"; the diner's
// receipt says who is coming, without reloading.
func TestBrowserDinerAndManagerLive(t *testing.T) {
	a, base := serve(t)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	manager, diner := browser(t), browser(t)

	browserLogin(t, manager, base, "sam@test.example")
	err := chromedp.Do(manager, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/floor"),
		chromedp.WaitVisible(chromedp.CSS(`#live`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(manager, chromedp.Poll[bool](`!document.getElementById('live').classList.contains('pending')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the floor's stream did not connect: %v", err)
	}

	err = chromedp.Do(diner,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/t/"+a.tables[0].Token),
		chromedp.WaitVisible(chromedp.CSS(`form`)),
		chromedp.Click(chromedp.CSS(`input[name=rating][value="1"] + span`)),
		chromedp.Click(chromedp.CSS(`input[name=tag][value="foreign-object"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "There is a hair in my risotto."),
		chromedp.Click(chromedp.CSS(`input[name=at_table]`)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#alert-state`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	)
	if err != nil {
		t.Fatal(err)
	}
	told, _ := chromedp.Run(diner, chromedp.Text(chromedp.CSS(`#alert-text`)))
	if !strings.Contains(told, "A manager has been told") {
		t.Fatalf("the diner reads %q", told)
	}

	if _, err := chromedp.Run(manager, chromedp.Poll[bool](`!!document.querySelector('#alerts .card-alert') && window.notReloaded === true`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the card did not appear on the floor without a reload: %v", err)
	}
	card, _ := chromedp.Run(manager, chromedp.Text(chromedp.CSS(`#alerts .card-alert`)))
	for _, want := range []string{"Table 1", "There is a hair in my risotto.", "Something in my food", "at the table"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	shot(t, manager, "floor-new-alert-1280.png")

	if err := chromedp.Do(manager, chromedp.Click(chromedp.CSS(`#alerts .card-alert form.act button`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(manager, chromedp.Poll[bool](`!!document.querySelector('#alerts .card-alert.state-acknowledged .ack')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the card did not turn acknowledged: %v", err)
	}
	if _, err := chromedp.Run(diner, chromedp.Poll[bool](`document.getElementById('alert-text').textContent.includes('Sam is on the way') && window.notReloaded === true`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		got, _ := chromedp.Run(diner, chromedp.Text(chromedp.CSS(`#alert-text`)))
		t.Fatalf("the diner's receipt did not change without a reload: %q (%v)", got, err)
	}
	shot(t, diner, "receipt-on-the-way-390.png")
	shot(t, manager, "floor-acknowledged-1280.png")
	err = chromedp.Do(manager, chromedp.EmulateViewport(1024, 768), chromedp.WaitVisible(chromedp.CSS(`#alerts`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, manager, "floor-1024.png")
	err = chromedp.Do(manager, chromedp.EmulateViewport(800, 1280), chromedp.WaitVisible(chromedp.CSS(`#alerts`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, manager, "floor-portrait-800.png")
}

// TestBrowserOwnerPages walks an owner through their pages at tablet size and
// a phone size, with an escalated alert waiting, and saves what they see.
func TestBrowserOwnerPages(t *testing.T) {
	a, base := serve(t)
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.complain(t, "Nobody came to our table.")
	if n, err := a.db.EscalateDue(context.Background(), time.Now().Add(4*time.Minute)); err != nil || n != 1 {
		t.Fatalf("escalate: %d, %v", n, err)
	}
	ctx := browser(t)
	browserLogin(t, ctx, base, "owner@test.example")
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(base+"/restaurants/harbour"),
		chromedp.WaitVisible(chromedp.CSS(`.card-alert.escalated`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "owner-overview-escalated-1024.png")
	// Clicked by script: a node id chromedp read while the new page's
	// document was still being swapped in can be gone by the click (CI saw
	// "Could not find node with given id" here once in many runs).
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/floor"), chromedp.WaitVisible(chromedp.CSS(`.card-alert.escalated`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('details.resolve summary').click(); document.querySelector('input[value=comped-item] + span').click()`),
		chromedp.WaitVisible(chromedp.CSS(`input[name=amount]`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "floor-escalated-resolve-1024.png")
	err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/restaurants/harbour/settings"), chromedp.WaitVisible(chromedp.CSS(`#escalate`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "owner-settings-390.png")
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/restaurants/harbour/privacy"), chromedp.WaitVisible(chromedp.CSS(`#contact`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('details.confirm').open = true`))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "owner-privacy-390.png")
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("the privacy page reaches %d px past the screen: %s", px, who)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/restaurants/harbour/staff"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Nia Manager"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "nia@test.example"),
		chromedp.Click(chromedp.CSS(`main form:last-of-type button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.invite-link`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "owner-staff-invited-390.png")
	link, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.invite-link a`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS(`#current_password`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "account-390.png")
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("the account page reaches %d px past a phone's width: %s", px, who)
	}
	// On a phone the staff menu is one line, named after the page, and
	// opens on tap (a disclosure: no script needed).
	navHeight, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('nav.staffnav').getBoundingClientRect().height`))
	if err != nil || navHeight > 64 {
		t.Errorf("the staff menu takes %.0f px of a phone's screen (%v), want one line", navHeight, err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.navmenu summary`)), chromedp.WaitVisible(chromedp.CSS(`.navmenu a[href="/account"]`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "staff-menu-open-390.png")
	// The invited manager opens the link, signed out.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.navmenu form.logout button`)), chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#new_password`)))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "invitation-390.png")
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("the invitation reaches %d px past a phone's width: %s", px, who)
	}
}

// sideways measures how far a page reaches past a phone's width, by the
// right edge of its elements and of its text (what is inside a box that
// scrolls or clips on its own is not counted), and names what reaches
// furthest. The page's own width is no measure: an emulated phone widens its
// layout to fit what sticks out, as a real one zooms out.
func sideways(t *testing.T, ctx context.Context, width int64) (int, string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](fmt.Sprintf(`(() => {
		const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
		let worst = 0, who = '';
		const measure = (r, e, what) => {
			if (r.width > 0 && r.right - %d > worst && !clipped(e)) {
				worst = Math.ceil(r.right - %d);
				who = e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "' + what.trim().slice(0, 40) + '"';
			}
		};
		for (const e of document.querySelectorAll('body *')) measure(e.getBoundingClientRect(), e, e.textContent);
		const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = texts.nextNode(); n; n = texts.nextNode()) {
			const range = document.createRange();
			range.selectNodeContents(n);
			measure(range.getBoundingClientRect(), n.parentElement, n.textContent);
		}
		return [worst, who];
	})()`, width, width)))
	if err != nil || len(out) != 2 {
		t.Fatalf("measuring the page's width: %v", err)
	}
	return int(out[0].(float64)), out[1].(string)
}
