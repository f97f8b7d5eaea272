package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/cmd/tableside/internal/mailer/mailtest"
	"github.com/tableside/tableside/store"
)

// TestOfferByEmail: the way back for a guest who left unhappy, end to end
// through the real program and a real SMTP server. A French guest complains
// after leaving and consents to be contacted by email; the manager sends an
// offer from the floor; the guest gets it by email in French (text and
// HTML) with its code and a link to their receipt, which shows it with a QR
// code; at the door it is redeemed once and refused the second time; the
// owner's summary counts one sent and one redeemed.
func TestOfferByEmail(t *testing.T) {
	box := mailtest.Start(t, "127.0.0.1:0")
	db := filepath.Join(t.TempDir(), "offer.db")
	m := startMain(t, db, "-demo", "-smtp", box.URL(), "-mail-from", "feedback@demo.test")
	defer m.Close()
	base := m.URL()

	var tables bytes.Buffer
	if err := run(context.Background(), []string{"tables", "-db", db, "-base-url", base}, &tables, io.Discard); err != nil {
		t.Fatal(err)
	}
	survey := regexp.MustCompile(`http://\S+/t/\S+`).FindString(tables.String())
	receipt := submitSurvey(t, survey+"?lang=fr", url.Values{"rating": {"1"}, "tag": {"slow"}, "comment": {"Nous avons attendu une heure."},
		"name": {"Amélie"}, "contact": {"amelie@example.fr"}, "consent": {"1"}, "lang": {"fr"}})

	manager := newBrowser(t)
	if res := signIn(t, manager, base, store.DemoManagerEmail, store.DemoManagerPassword, "/floor?r=demo"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	floor := fetch(t, manager, base+"/floor?r=demo")
	var action string
	for _, card := range strings.Split(floor, "<article") {
		if strings.Contains(card, "Nous avons attendu une heure.") {
			action = regexp.MustCompile(`/floor/alerts/\d+/offer\?r=demo`).FindString(card)
		}
	}
	if action == "" {
		t.Fatalf("no card with an offer form for the complaint:\n%.3000s", floor)
	}
	res, err := manager.PostForm(base+action, url.Values{"csrf": {csrfOf(t, floor)}, "item": {"Dessert on us"}, "days": {"30"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=offer-mailed") {
		t.Fatalf("send the offer: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	mails := box.WaitTo("amelie@example.fr", 15*time.Second)
	if len(mails) != 1 {
		t.Fatalf("%d emails to the guest, want 1", len(mails))
	}
	mail := mails[0]
	code := regexp.MustCompile(`[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{3}`).FindString(mail.Text)
	if len(mail.To) != 1 || mail.To[0] != "amelie@example.fr" || mail.Subject != "Toutes nos excuses, de la part de Demo Bistro" || code == "" {
		t.Fatalf("the email to %v, %q, code %q:\n%s", mail.To, mail.Subject, code, mail.Raw)
	}
	link := regexp.MustCompile(`https?://\S+(/r/[A-Za-z0-9_-]+)`).FindStringSubmatch(mail.Text)
	if link == nil || link[1] != receipt {
		t.Fatalf("the email's receipt link %q, want %q:\n%s", link, receipt, mail.Text)
	}
	for _, want := range []string{"Bonjour Amélie,", "Dessert on us", "Montrez ce code à votre retour", "parce que vous avez demandé à Demo Bistro"} {
		if !strings.Contains(mail.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, mail.Text)
		}
	}
	for _, want := range []string{`<html lang="fr" dir="ltr">`, "Bonjour Amélie,", code, `href="` + link[0] + `"`} {
		if !strings.Contains(mail.HTML, want) {
			t.Errorf("the HTML lacks %q:\n%s", want, mail.HTML)
		}
	}
	if strings.Contains(mail.HTML, "<script") || strings.Contains(mail.HTML, "<form") {
		t.Error("the email carries a script or a form")
	}

	onReceipt := fetch(t, newBrowser(t), base+receipt)
	for _, want := range []string{"Pour votre prochaine visite", code, `class="offer-qr"`, "<svg"} {
		if !strings.Contains(onReceipt, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}

	door := fetch(t, manager, base+"/floor/redeem?r=demo")
	redeem := func() (int, string) {
		res, err := manager.PostForm(base+"/floor/redeem?r=demo", url.Values{"csrf": {csrfOf(t, door)}, "code": {strings.ToLower(code)}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if status, body := redeem(); status != http.StatusOK || !strings.Contains(body, "Redeemed:") {
		t.Fatalf("redeem: %d\n%.2000s", status, body)
	}
	if status, body := redeem(); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Already used") || !strings.Contains(body, "Sam Patel") {
		t.Fatalf("a second redemption: %d\n%.2000s", status, body)
	}

	owner := newBrowser(t)
	signIn(t, owner, base, store.DemoOwnerEmail, store.DemoOwnerPassword, "/")
	r, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	week := store.WeekOf(time.Now(), r).String()
	if doc := fetch(t, owner, base+"/summary.json?r=demo&week="+week); !strings.Contains(doc, `"offers":{"sent":1,"redeemed":1,`) {
		t.Fatalf("summary.json does not count 1 sent, 1 redeemed:\n%s", doc)
	}
}

// fetch GETs a page with a client and returns its body, failing on any
// status but 200.
func fetch(t *testing.T, client *http.Client, u string) string {
	t.Helper()
	res, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.2000s", u, res.StatusCode, body)
	}
	return string(body)
}

// csrfOf is the CSRF token of a page's forms.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%.2000s", page)
	}
	return m[1]
}
