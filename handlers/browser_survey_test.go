package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// offerAll makes the test restaurant offer all ten diner languages, English
// first.
func offerAll(t *testing.T, a *app) {
	t.Helper()
	r := a.restaurant
	if err := a.db.SaveSettings(context.Background(), r.ID, store.RestaurantSettings{Name: r.Name, TimeZone: r.TimeZone, Currency: "EUR",
		Languages: store.DinerLanguages, Rules: store.DefaultAlertRules(), VoiceRate: store.DefaultVoiceRate}); err != nil {
		t.Fatal(err)
	}
}

// firstScreen measures, on the page at hand, how far below the first
// screen the at-table box and the first Send button end (0: inside it).
const firstScreen = `(() => {
	const below = sel => Math.max(0, Math.ceil(document.querySelector(sel).getBoundingClientRect().bottom - innerHeight));
	return [below('label.urgent'), below('#survey button[type=submit]')];
})()`

// overflowing lists the elements whose own text runs past their box (a word
// too long for a rating tile or a chip), which sideways cannot see when the
// box itself fits the screen.
const overflowing = `[...document.querySelectorAll('main *')].filter(e => {
	const s = getComputedStyle(e);
	return e.clientWidth > 0 && s.overflowX === 'visible' && e.scrollWidth > e.clientWidth + 1;
}).map(e => e.tagName.toLowerCase() + ' "' + e.textContent.trim().slice(0, 30) + '"')`

// TestBrowserSurveyInLanguages opens the survey on phones (390x844 and
// 360x740) in English, Arabic, Japanese and German (the longest words), with
// Chromium's real fonts: the rating, the at-table box and Send are in the
// first screen; no text leaves its box or the screen, on either side; the
// rating is chosen with the keyboard; at 200% zoom nothing scrolls
// sideways. The Arabic page is right to left, and each receipt is in the
// survey's language. Screenshots: survey-LANG-390.png (the first screen).
func TestBrowserSurveyInLanguages(t *testing.T) {
	a, base := serve(t)
	offerAll(t, a)
	ctx := browser(t)
	survey := base + "/t/" + a.tables[0].Token
	for _, lang := range []string{"en", "ar", "ja", "de"} {
		tr := views.Translator(lang)
		for _, size := range [][2]int64{{390, 844}, {360, 740}} {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1], chromedp.EmulateMobile, chromedp.EmulateScale(2)),
				chromedp.Navigate(survey+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`#survey`)))
			if err != nil {
				t.Fatal(err)
			}
			if size[0] == 390 {
				viewShot(t, ctx, "survey-"+lang+"-390.png")
			}
			below, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](firstScreen))
			if err != nil || below[0] > 0 || below[1] > 0 {
				t.Errorf("%s at %dx%d: the at-table box ends %d px and Send %d px below the first screen (%v)", lang, size[0], size[1], below[0], below[1], err)
			}
			if px, who := sidewaysBoth(t, ctx, size[0]); px > 0 {
				t.Errorf("%s at %d px: %d px off the screen: %s", lang, size[0], px, who)
			}
			if over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowing)); err != nil || len(over) > 0 {
				t.Errorf("%s at %d px: text runs out of its box: %q (%v)", lang, size[0], over, err)
			}
		}
		html, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.lang, document.documentElement.dir, document.querySelector('h1').textContent]`))
		if err != nil || html[0] != lang || html[1] != views.TextDirection(lang) || html[2] != tr.S("survey.heading") {
			t.Errorf("%s: html lang %q dir %q, heading %q (%v)", lang, html[0], html[1], html[2], err)
		}
		// The rating by keyboard: into the group, then the arrow keys (down
		// is "next" in either direction of writing).
		err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=rating]').focus()`),
			chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('input[name=rating]:checked')?.value || ''`)); err != nil || got != "4" {
			t.Errorf("%s: three arrow presses from the first rating chose %q, want 4 (%v)", lang, got, err)
		}
		// At 200% zoom (half the CSS pixels), still nothing sideways.
		err = chromedp.Do(ctx, chromedp.EmulateViewport(195, 422, chromedp.EmulateMobile, chromedp.EmulateScale(4)), chromedp.Evaluate[chromedp.Void](`void 0`))
		if err != nil {
			t.Fatal(err)
		}
		if px, who := sidewaysBoth(t, ctx, 195); px > 0 {
			t.Errorf("%s at 200%% zoom: %d px off the screen: %s", lang, px, who)
		}
		// Sent: the receipt is in the survey's language.
		err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Click(chromedp.CSS(`label.urgent`)), chromedp.Click(chromedp.CSS(`#survey button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`p.big`)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.lang, document.documentElement.dir, document.querySelector('h1').textContent, document.getElementById('alert-text')?.textContent || '']`))
		if err != nil || got[0] != lang || got[1] != views.TextDirection(lang) || got[2] != tr.S("receipt.thanks") || got[3] != tr.S("alert.asked") {
			t.Errorf("%s: the receipt is %q (%v)", lang, got, err)
		}
		if lang == "ar" || lang == "ja" {
			viewShot(t, ctx, "receipt-"+lang+"-390.png")
		}
	}
}

// TestBrowserSurveyFeelsRight: a pressed Send says "Sending…" and cannot be
// pressed again, and works again after Back; ticked chips keep their size;
// a contact without consent comes back with the error beside the consent
// box, which has the focus and is on screen.
func TestBrowserSurveyFeelsRight(t *testing.T) {
	a, base := serve(t)
	offerAll(t, a)
	ctx := browser(t)
	survey := base + "/t/" + a.tables[0].Token + "?lang=fr"
	err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(survey), chromedp.WaitVisible(chromedp.CSS(`#survey`)))
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const chip = document.querySelector('input[value=cold-food] + span'), r0 = chip.getBoundingClientRect();
		chip.click();
		const r1 = chip.getBoundingClientRect();
		return [r0.width, r0.height, r1.width, r1.height, chip.previousElementSibling.checked ? 1 : 0];
	})()`))
	if err != nil || sizes[4] != 1 || sizes[0] != sizes[2] || sizes[1] != sizes[3] {
		t.Errorf("a chip was %vx%v and ticked is %vx%v (ticked %v, %v)", sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], err)
	}
	// Send pressed twice: the second press does nothing, the buttons say so.
	pressed, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
		const form = document.getElementById('survey');
		let submits = 0;
		form.addEventListener('submit', e => { if (!e.defaultPrevented) submits++; e.preventDefault(); });
		form.querySelector('input[name=rating][value="3"]').checked = true;
		const send = form.querySelector('button[type=submit]');
		send.click(); send.click();
		const after = [send.textContent, send.disabled, submits];
		dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}));
		return after.concat([send.textContent, send.disabled]);
	})()`))
	if err != nil || pressed[0] != views.Translator("fr").S("survey.sending") || pressed[1] != true || pressed[2].(float64) != 1 ||
		pressed[3] != views.Translator("fr").S("survey.send") || pressed[4] != false {
		t.Errorf("Send pressed twice: %v (%v)", pressed, err)
	}
	// Contact given, consent not: the error sits by the consent box, which
	// has the focus, on screen.
	err = chromedp.Do(ctx, chromedp.Navigate(survey), chromedp.WaitVisible(chromedp.CSS(`#survey`)),
		chromedp.Click(chromedp.CSS(`input[name=rating][value="2"] + span`)),
		chromedp.Click(chromedp.CSS(`details.reply summary`)),
		chromedp.SendKeys(chromedp.CSS(`#contact`), "ana@example.com"),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#survey button[type=submit]')[1].click()`),
		chromedp.WaitVisible(chromedp.CSS(`#consent-error`)))
	if err != nil {
		t.Fatal(err)
	}
	focus, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
		const a = document.activeElement, err = document.getElementById('consent-error'), r = a.getBoundingClientRect();
		return [a.name || '', r.top >= 0 && r.bottom <= innerHeight, err.nextElementSibling.contains(a), document.querySelector('[role=alert]') !== null];
	})()`))
	if err != nil || focus[0] != "consent" || focus[1] != true || focus[2] != true || focus[3] != true {
		t.Errorf("after a contact without consent: focus on %q, on screen %v, beside the error %v, announced %v (%v)", focus[0], focus[1], focus[2], focus[3], err)
	}
	viewShot(t, ctx, "survey-consent-error-fr-390.png")
}

// sidewaysBoth is sideways for a page that may be right to left: how far
// anything reaches past either edge of a width-wide screen.
func sidewaysBoth(t *testing.T, ctx context.Context, width int64) (int, string) {
	t.Helper()
	px, who := sideways(t, ctx, width)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
		let worst = 0, who = '';
		for (const e of document.querySelectorAll('body *')) {
			const r = e.getBoundingClientRect();
			if (r.width > 0 && -r.left > worst) { worst = Math.ceil(-r.left); who = e.tagName.toLowerCase() + ' "' + e.textContent.trim().slice(0, 30) + '"'; }
		}
		return [worst, who];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if left := int(out[0].(float64)); left > px {
		return left, fmt.Sprint(out[1], " (past the left edge)")
	}
	return px, strings.TrimSpace(who)
}
