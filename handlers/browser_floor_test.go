package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tableside/tableside/store"
)

// countWakeLocks counts the page's requests for a screen wake lock, made
// before any of the page's own scripts run.
const countWakeLocks = `window.wakeLocks = 0;
if (navigator.wakeLock) {
	const request = navigator.wakeLock.request.bind(navigator.wakeLock);
	navigator.wakeLock.request = (type) => { window.wakeLocks++; return request(type); };
}`

// TestBrowserFloorTablet is the floor tablet at 1024x768 with a busy night
// on it: the page is an installable app (Chromium reads its manifest without
// errors and the service worker registers), it asks to keep the screen on,
// the open count is in the title, a new alert is brought into sight even with
// the screen full of cards, an escalated one goes to the top with a label in
// words, the resolve form shows an amount only for a comp, and the sound
// choice survives a reload.
func TestBrowserFloorTablet(t *testing.T) {
	a, base := serve(t)
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	a.staff(t, a.restaurant, "priya@test.example", "Priya Shah", store.RoleManager)
	for i := range 8 {
		a.complain(t, fmt.Sprintf("Complaint number %d of a busy night", i+1))
	}
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: countWakeLocks}); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, base, "sam@test.example")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768), chromedp.Navigate(base+"/floor")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "the stream never went live", `!document.getElementById('live').classList.contains('pending') && document.getElementById('conn').hidden`)

	// An installable app.
	m, err := chromedp.Call(ctx, page.GetAppManifest, page.GetAppManifestParams{})
	if err != nil || !strings.HasSuffix(m.URL, "/manifest.webmanifest") || len(m.Errors) > 0 {
		t.Fatalf("manifest %q, errors %v (%v)", m.URL, m.Errors, err)
	}
	manifest, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(async m => {
		const icons = await Promise.all(m.icons.map(i => fetch(i.src).then(r => r.ok && r.headers.get('Content-Type') === 'image/png' ? i.sizes : 'broken ' + i.src)));
		return {display: m.display, start: m.start_url, theme: m.theme_color, icons: icons.join(' ')};
	})`, chromedp.EvalAwaitPromise))
	if err != nil || manifest["display"] != "standalone" || manifest["start"] != "/floor" || manifest["theme"] == "" || manifest["icons"] != "192x192 512x512" {
		t.Fatalf("manifest %v (%v)", manifest, err)
	}
	poll(t, ctx, "the service worker did not register", `navigator.serviceWorker.getRegistration('/floor').then(r => !!r && !!(r.active || r.installing || r.waiting))`)
	poll(t, ctx, "the screen wake lock was not requested", `window.wakeLocks >= 1 && !document.getElementById('wake').classList.contains('pending')`)

	// The count in the title, and a new alert in sight.
	poll(t, ctx, "the title has no count", `document.title === '(8) Floor — Harbour Kitchen'`)
	shot(t, ctx, "floor-busy-1024.png")
	a.complain(t, "The newest complaint, at the bottom of a full screen")
	poll(t, ctx, "the new alert did not arrive", `document.querySelectorAll('#alerts .card-alert').length === 9`)
	poll(t, ctx, "the title did not count the new alert", `document.title === '(9) Floor — Harbour Kitchen'`)
	poll(t, ctx, "the new alert is out of sight", `(() => {
		const card = [...document.querySelectorAll('#alerts .card-alert')].find(c => c.textContent.includes('The newest complaint'));
		const r = card.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`)
	viewShot(t, ctx, "floor-new-alert-in-sight-1024.png")

	// Escalated alerts nobody has taken go to the top, labelled in words;
	// one acknowledged meanwhile goes below them.
	if _, err := a.db.EscalateDue(context.Background(), time.Now().Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Acknowledge(context.Background(), a.restaurant.ID, mustAlert(t, a, "Complaint number 1 "), sam.ID); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "escalated cards are not first, or not labelled", `(() => {
		const cards = [...document.querySelectorAll('#alerts .card-alert')];
		const first = cards[0];
		return cards.length === 9 && first.classList.contains('escalated') && first.querySelector('.esc-label').textContent.includes('Escalated') &&
			cards[cards.length - 1].classList.contains('state-acknowledged') && !cards[cards.length - 1].classList.contains('escalated');
	})()`)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "floor-escalated-1024.png")

	// The tags are readable at arm's length; the resolve form is short and
	// shows the amount only for a comp.
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll('#alerts .card-alert .tag')].map(e => parseFloat(getComputedStyle(e).fontSize))`))
	if err != nil || len(sizes) == 0 {
		t.Fatalf("tags: %v %v", sizes, err)
	}
	for _, px := range sizes {
		if px < 18 {
			t.Fatalf("a tag is %.1f px, want 18 or more", px)
		}
	}
	// On a crowded board the card opens first, with a tap on its row.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#alerts .card-alert:last-child .head`)),
		chromedp.Click(chromedp.CSS(`#alerts .card-alert:last-child details.resolve summary`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#alerts .card-alert:last-child').scrollIntoView({block: 'start'})`))
	if err != nil {
		t.Fatal(err)
	}
	form, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const f = document.querySelector('#alerts .card-alert:last-child details.resolve');
		const amount = f.querySelector('input[name=amount]');
		return {height: f.getBoundingClientRect().height, amount: amount.offsetParent === null ? 0 : 1};
	})()`))
	viewShot(t, ctx, "floor-resolve-open-1024.png")
	if err != nil || form["height"] > 480 || form["amount"] != 0 {
		t.Fatalf("the resolve form before choosing: %v (%v)", form, err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#alerts .card-alert:last-child input[value=comped-bill] + span`)))
	if err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "choosing a comp does not ask for the amount", `document.querySelector('#alerts .card-alert:last-child input[name=amount]').offsetParent !== null`)
	viewShot(t, ctx, "floor-resolve-comp-1024.png")

	// Sound: off at first, said plainly and not as a fault (off is a
	// choice; neutral, like "Notify this phone"); the choice is kept across
	// a reload.
	poll(t, ctx, "the sound switch does not say sound is off, or looks like a fault", `(() => {
		const s = document.getElementById('sound'), n = document.getElementById('notify');
		return s.getAttribute('aria-pressed') === 'false' && s.textContent.includes('Sound off') && !s.classList.contains('warn') &&
			getComputedStyle(s).color === getComputedStyle(n).color && getComputedStyle(s).color !== 'rgb(164, 34, 26)';
	})()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#sound`)), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "the sound choice did not survive a reload", `document.getElementById('sound').getAttribute('aria-pressed') === 'true' && !document.getElementById('sound').textContent.includes('off') && localStorage.getItem('tableside.sound') === 'on'`)

	// A dim dining room: the dark theme.
	_, err = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		t.Fatal(err)
	}
	bg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if bg != "rgb(22, 20, 18)" {
		t.Fatalf("the dark theme's background is %s", bg)
	}
	viewShot(t, ctx, "floor-dark-1024.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	if px, who := sideways(t, ctx, 390); px > 0 {
		t.Errorf("the floor reaches %d px past a phone's width: %s", px, who)
	}
	viewShot(t, ctx, "floor-dark-390.png")
}

// mustAlert finds the open alert whose comment starts with prefix.
func mustAlert(t *testing.T, a *app, prefix string) int64 {
	t.Helper()
	alerts, err := a.db.ActiveAlerts(context.Background(), a.restaurant.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range alerts {
		if strings.HasPrefix(al.Comment, prefix) {
			return al.ID
		}
	}
	t.Fatalf("no alert %q", prefix)
	return 0
}
