package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/store/storetest"
)

// freshPostgres is a new database on the PostgreSQL server of
// TABLESIDE_TEST_POSTGRES; without one the test is skipped.
func freshPostgres(t *testing.T) string { return storetest.NewPostgres(t) }

var tableLink = regexp.MustCompile(`href="(/t/[A-Za-z0-9_-]+)"`)

// TestTwoInstancesOnePostgres runs two servers on one PostgreSQL database,
// both started with -demo (the demo is seeded once): a manager follows the
// floor on A, a diner complains on B, the complaint reaches A's tablet; the
// manager takes it on A, and the diner's receipt, served by B, says so.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dsn := freshPostgres(t)
	a := startMain(t, dsn, "-demo")
	defer a.Close()
	b := startMain(t, dsn, "-demo")
	defer b.Close()
	ctx := context.Background()
	if rs, err := b.DB.Restaurants(ctx); err != nil || len(rs) != 1 {
		t.Fatalf("after two starts with -demo: %d restaurants (%v)", len(rs), err)
	}

	manager := newBrowser(t)
	if res := signIn(t, manager, a.URL(), store.DemoManagerEmail, store.DemoManagerPassword, "/floor"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on A: %d", res.StatusCode)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL()+"/floor/events?r=demo", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := manager.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("A's floor stream: %v", err)
	}
	defer stream.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	res, err := http.Get(b.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(res.Body)
	res.Body.Close()
	link := tableLink.FindSubmatch(home)
	if link == nil {
		t.Fatalf("no table on B's home page:\n%s", home)
	}
	sent := time.Now()
	receipt := submitSurvey(t, b.URL()+string(link[1]), url.Values{"rating": {"1"}, "tag": {"foreign-object"},
		"comment": {"Glass in the risotto."}, "at_table": {"1"}})

	var alertID string
	for deadline := time.After(10 * time.Second); alertID == ""; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("A's stream ended")
			}
			if strings.HasPrefix(line, "data: ") && strings.Contains(line, `"kind":"raised"`) && strings.Contains(line, "Glass in the risotto") {
				var ev struct{ Alert int64 }
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev)
				alertID = strconv.FormatInt(ev.Alert, 10)
			}
		case <-deadline:
			t.Fatal("the complaint made on B did not reach A's tablet in 10 s")
		}
	}
	t.Logf("a complaint on B reached a tablet on A in %v", time.Since(sent).Round(time.Millisecond))

	// Taken on A.
	res, err = manager.Get(a.URL() + "/floor?r=demo")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := csrfField.FindSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token on A's floor")
	}
	res, err = manager.PostForm(a.URL()+"/floor/alerts/"+alertID+"/ack?r=demo", url.Values{"csrf": {string(csrf[1])}})
	if err != nil || (res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK) {
		t.Fatalf("acknowledge on A: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(b.URL() + receipt)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "is on the way") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receipt on B does not say someone is coming:\n%s", body)
		}
	}
}

// TestCommandsOnPostgres: the commands an operator runs work on a
// PostgreSQL URL as on a file: make a restaurant, an owner, list tables
// and restaurants; backup says to use pg_dump.
func TestCommandsOnPostgres(t *testing.T) {
	dsn := freshPostgres(t)
	ctx := context.Background()
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, args, &out, io.Discard)
		return out.String(), err
	}
	if out, err := cmd("restaurant", "add", "-db", dsn, "-name", "Casa Nova", "-time-zone", "Europe/Lisbon", "-currency", "EUR", "-languages", "pt,en"); err != nil || !strings.Contains(out, "casa-nova") {
		t.Fatalf("restaurant add: %q %v", out, err)
	}
	if out, err := cmd("user", "add", "-db", dsn, "-restaurant", "casa-nova", "-role", "owner", "-email", "rita@casanova.example", "-name", "Rita Sousa"); err != nil || !strings.Contains(out, "shown once") {
		t.Fatalf("user add: %q %v", out, err)
	}
	if out, err := cmd("restaurant", "list", "-db", dsn); err != nil || !strings.Contains(out, "casa-nova\tCasa Nova\tEurope/Lisbon\tEUR\tpt,en") {
		t.Fatalf("restaurant list: %q %v", out, err)
	}
	if out, err := cmd("tables", "-db", dsn); err != nil {
		t.Fatalf("tables: %q %v", out, err)
	}
	if _, err := cmd("backup", "-db", dsn, "-out", t.TempDir()+"/b.db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}
