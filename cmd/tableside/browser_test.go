package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tableside/tableside/handlers/browsertest"
)

// TestBrowserNewRestaurant is a real restaurant's first evening, without the
// demo, through the real server and Chromium: from an empty database,
// `tableside restaurant add` and `tableside user add -role owner`; the owner
// signs in with the printed password, adds two tables, prints their cards;
// a diner on a phone scans one and complains while still at the table, and
// the complaint reaches the owner's open floor.
func TestBrowserNewRestaurant(t *testing.T) {
	ctx := browsertest.Browser(t)
	db := filepath.Join(t.TempDir(), "casa.db")
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append(args[:2:2], append([]string{"-db", db}, args[2:]...)...), &out, io.Discard); err != nil {
			t.Fatalf("tableside %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	if slug := cli("restaurant", "add", "-name", "Casa Nova", "-time-zone", "Europe/Lisbon", "-currency", "EUR", "-languages", "pt,en"); slug != "casa-nova\n" {
		t.Fatalf("restaurant add printed %q", slug)
	}
	password := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(
		cli("user", "add", "-email", "rita@casanova.example", "-name", "Rita Sousa", "-restaurant", "casa-nova", "-role", "owner"))
	if password == nil {
		t.Fatal("user add printed no password")
	}
	m := startMain(t, db)
	defer m.Close()
	base := m.URL()

	// The owner signs in and adds two tables, on a tablet.
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "rita@casanova.example"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password[1]),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.staffnav`)),
		chromedp.Navigate(base+"/restaurants/casa-nova/tables"), chromedp.WaitVisible(chromedp.CSS(`#label`)))
	if err != nil {
		t.Fatal(err)
	}
	for i, label := range []string{"Mesa 1", "Mesa 2"} {
		err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#label`), label), chromedp.Submit(chromedp.CSS(`#label`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`main ul.list li:nth-child(%d)`, i+1))))
		if err != nil {
			t.Fatalf("adding %s: %v", label, err)
		}
	}
	browsertest.Poll(t, ctx, "the two tables are not listed", `[...document.querySelectorAll('main ul.list li b')].map(b => b.textContent).join() === 'Mesa 1,Mesa 2'`)
	browsertest.Shot(t, ctx, "new-restaurant-tables-1024.png")
	// Retiring asks first.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Click(chromedp.CSS(`main ul.list li:nth-child(2) details.confirm:nth-of-type(2) summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.confirm[open] button`))); err != nil {
		t.Fatal(err)
	}
	browsertest.Shot(t, ctx, "new-restaurant-tables-retire-390.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 768)); err != nil {
		t.Fatal(err)
	}

	// The cards: one page of two.
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/restaurants/casa-nova/tables/cards"), chromedp.WaitVisible(chromedp.CSS(`.card`)))
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil || !strings.Contains(heading, "Casa Nova") {
		t.Fatalf("the cards' heading: %q %v", heading, err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Artifact(t, "new-restaurant-cards.pdf", pdf)
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("two cards printed on %d pages", pages)
	}
	surveyURL, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.card .url`)))
	if err != nil || !strings.Contains(surveyURL, "/t/") { // the base URL: http://localhost:PORT
		t.Fatalf("the first card's address: %q %v", surveyURL, err)
	}

	// The owner's floor stays open, as on the tablet at the pass.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/floor?r=casa-nova")); err != nil {
		t.Fatal(err)
	}
	browsertest.Poll(t, ctx, "the floor never went live", `!document.getElementById('live').hidden`)

	// A diner, on a phone in another tab, scans the first card.
	phone, closePhone := chromedp.NewContext(ctx)
	defer closePhone()
	err = chromedp.Do(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(surveyURL), chromedp.WaitVisible(chromedp.CSS(`form`)),
		chromedp.Click(chromedp.CSS(`input[name=rating][value="1"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "Esperamos 40 minutos pelo prato principal."),
		chromedp.Click(chromedp.CSS(`input[name=at_table]`)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.big`)))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Shot(t, phone, "new-restaurant-receipt-390.png")
	browsertest.Poll(t, ctx, "the diner's complaint did not reach the floor",
		`[...document.querySelectorAll('#alerts .card-alert')].some(c => c.textContent.includes('Esperamos 40 minutos') && c.textContent.includes('Mesa 1'))`)
	browsertest.ViewShot(t, ctx, "new-restaurant-floor-1024.png")
}
