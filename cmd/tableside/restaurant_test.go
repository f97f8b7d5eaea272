package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRestaurantSetup is a new restaurant's first hour, from an empty
// database, without -demo: `restaurant add`, `user add -role owner`, the
// owner signs in and finds the restaurant's name, zone and currency in its
// settings. What is not a zone, a currency or a free slug is refused.
func TestRestaurantSetup(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.db")
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(args[:2:2], append([]string{"-db", db}, args[2:]...)...), &out, io.Discard)
		return out.String(), err
	}
	slug, err := cli("restaurant", "add", "-name", "Café Lumière", "-time-zone", "Europe/Paris", "-currency", "eur", "-languages", "fr,en")
	if err != nil || slug != "cafe-lumiere\n" {
		t.Fatalf("restaurant add: %q %v", slug, err)
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"-name", "Mars Bar", "-time-zone", "Mars/Olympus", "-currency", "EUR"}, "Unknown time zone"},
		{[]string{"-name", "Mars Bar", "-time-zone", "Local", "-currency", "EUR"}, "Unknown time zone"},
		{[]string{"-name", "Mars Bar", "-time-zone", "UTC", "-currency", "EURO"}, "three-letter code"},
		{[]string{"-name", "Mars Bar", "-time-zone", "UTC", "-currency", "XYZ"}, "not a currency code"},
		{[]string{"-name", "Mars Bar", "-time-zone", "UTC", "-currency", "EUR", "-languages", "en,tlh"}, "not a language"},
		{[]string{"-name", "Café Lumière", "-time-zone", "Europe/Paris", "-currency", "EUR"}, "exists already"},
		{[]string{"-name", "新宿食堂", "-time-zone", "Asia/Tokyo", "-currency", "JPY"}, "slug"},
		{[]string{"-name", "Bar\r\nX-Evil: 1", "-time-zone", "UTC", "-currency", "EUR"}, "one line"},
		{[]string{"-name", "Mars Bar", "-currency", "EUR"}, "required"},
	} {
		if _, err := cli(append([]string{"restaurant", "add"}, c.args...)...); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("restaurant add %q: %v; want an error saying %q", c.args, err, c.says)
		}
	}
	if slug, err := cli("restaurant", "add", "-name", "新宿食堂", "-slug", "shinjuku-shokudo", "-time-zone", "Asia/Tokyo", "-currency", "JPY", "-languages", "ja,en"); err != nil || slug != "shinjuku-shokudo\n" {
		t.Fatalf("with a slug: %q %v", slug, err)
	}
	list, err := cli("restaurant", "list")
	if err != nil || list != "cafe-lumiere\tCafé Lumière\tEurope/Paris\tEUR\tfr,en\nshinjuku-shokudo\t新宿食堂\tAsia/Tokyo\tJPY\tja,en\n" {
		t.Fatalf("list:\n%s(%v)", list, err)
	}

	out, err := cli("user", "add", "-email", "amelie@lumiere.example", "-name", "Amélie", "-restaurant", "cafe-lumiere", "-role", "owner")
	if err != nil {
		t.Fatal(err)
	}
	password := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(out)
	if password == nil {
		t.Fatalf("user add printed %q", out)
	}
	m := startMain(t, db)
	defer m.Close()
	client := newBrowser(t)
	res := signIn(t, client, m.URL(), "amelie@lumiere.example", password[1], "/restaurants/cafe-lumiere/settings")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/restaurants/cafe-lumiere/settings" {
		t.Fatalf("sign in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, err = client.Get(m.URL() + "/restaurants/cafe-lumiere/settings")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`value="Café Lumière"`, `value="Europe/Paris"`, `value="EUR"`, `value="fr" checked`, `<option value="fr" selected`} {
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Fatalf("the owner's settings (%d) lack %s:\n%s", res.StatusCode, want, body)
		}
	}

	// A server with no mail resets a password from the command line; every
	// session of the account ends.
	if _, err := cli("user", "reset-password", "-email", "nobody@lumiere.example"); err == nil {
		t.Fatal("reset-password for no account did not fail")
	}
	out, err = cli("user", "reset-password", "-email", "amelie@lumiere.example")
	fresh := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(out)
	if err != nil || fresh == nil || fresh[1] == password[1] {
		t.Fatalf("reset-password: %q %v", out, err)
	}
	if res, err := client.Get(m.URL() + "/restaurants/cafe-lumiere/settings"); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the old session after reset-password: %v %v", res.StatusCode, err)
	}
	if res := signIn(t, newBrowser(t), m.URL(), "amelie@lumiere.example", fresh[1], ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d", res.StatusCode)
	}
}
