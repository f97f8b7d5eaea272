package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

const evil = `<script>alert(1)</script><img src=x onerror=alert(1)>`

// complain submits an at-table complaint and returns its receipt path.
func (a *app) complain(t testing.TB, comment string) string {
	t.Helper()
	rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"1"},
		"tag": {"foreign-object"}, "comment": {comment}, "at_table": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("complaint: %d", rec.Code)
	}
	return rec.Header().Get("Location")
}

func TestFloorAcknowledgeAndResolve(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	receipt := a.complain(t, evil)
	if body := a.get(receipt).Body.String(); !strings.Contains(body, "A manager has been told") || !strings.Contains(body, `<noscript><meta http-equiv="refresh"`) {
		t.Fatalf("receipt before acknowledgement:\n%s", body)
	}

	page := cl.get("/floor").Body.String()
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("the floor page renders a diner's comment as markup")
	}
	if !strings.Contains(page, "Something in my food") || !strings.Contains(page, ">at the table<") || !strings.Contains(page, "Table 1") {
		t.Fatal("the card lacks what the manager needs")
	}
	a1, err := a.db.AlertForReceipt(context.Background(), strings.TrimPrefix(receipt, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	path := "/floor/alerts/" + strconv.FormatInt(a1.ID, 10)
	if rec := cl.post(path+"/ack?r=harbour", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("ack: %d", rec.Code)
	}
	if body := a.get(receipt).Body.String(); !strings.Contains(body, "Sam is on the way.") {
		t.Fatalf("receipt after acknowledgement:\n%s", body)
	}
	for _, tc := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"outcome": {"comped-bill"}, "note": {"kept"}}, "Enter the amount given back."},
		{url.Values{"outcome": {"comped-bill"}, "amount": {"12.345"}}, "Enter the amount as a number"},
		{url.Values{"outcome": {"follow-up"}, "follow_date": {"2026-11-30"}}, "date and time"},
		{url.Values{"outcome": {"apologised"}, "amount": {"5"}}, "An amount goes only with a comp or a discount."},
	} {
		rec := cl.post(path+"/resolve?r=harbour", tc.form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tc.msg) {
			t.Errorf("resolve %v: %d, want 422 with %q", tc.form, rec.Code, tc.msg)
		}
		if n := tc.form.Get("note"); n != "" && !strings.Contains(rec.Body.String(), `value="`+n+`"`) {
			t.Errorf("the resolve form lost the note %q", n)
		}
	}
	// Without JavaScript, too, Resolve says what it did, with Undo, and Undo
	// puts the alert back as it was (Sam on the way).
	rec := cl.post(path+"/resolve?r=harbour", url.Values{"outcome": {"apologised"}})
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "&resolved="+strconv.FormatInt(a1.ID, 10)) {
		t.Fatalf("resolve: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page = cl.get(rec.Header().Get("Location")).Body.String()
	if !strings.Contains(page, ">Table 1 resolved · Apologised<") || !strings.Contains(page, `action="`+path+`/undo?r=harbour"`) {
		t.Fatalf("the floor after Resolve does not say what was done, with Undo")
	}
	if rec := cl.post(path+"/undo?r=harbour", nil); rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "&done=undone") {
		t.Fatalf("undo: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if back, _ := a.db.AlertByID(context.Background(), a.restaurant.ID, a1.ID); back.State != store.StateAcknowledged || back.Outcome != "" {
		t.Fatalf("after Undo: %+v", back)
	}
	if page := cl.get("/floor?r=harbour&done=undone").Body.String(); !strings.Contains(page, `id="alert-`+strconv.FormatInt(a1.ID, 10)+`"`) {
		t.Fatal("after Undo the alert is not back on the floor")
	}
	if rec := cl.post(path+"/resolve?r=harbour", url.Values{"outcome": {"comped-bill"}, "amount": {"42,50"}, "note": {"New salad, bill on us"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("resolve: %d\n%s", rec.Code, rec.Body)
	}
	done, _ := a.db.AlertForReceipt(context.Background(), strings.TrimPrefix(receipt, "/r/"))
	if done.State != store.StateResolved || done.Amount.Minor != 4250 || done.Outcome != "comped-bill" {
		t.Fatalf("resolved alert: %+v", done)
	}
	if body := a.get(receipt).Body.String(); !strings.Contains(body, "Sam has taken care of it.") || strings.Contains(body, "refresh") {
		t.Fatal("the receipt does not say it was taken care of, or still refreshes")
	}
	if strings.Contains(cl.get("/floor").Body.String(), `id="alert-`) {
		t.Fatal("a resolved alert is still on the floor")
	}
}

func TestFloorInPersonComplaint(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	tableID := strconv.FormatInt(a.tables[1].ID, 10)
	bad := cl.post("/floor/in-person?r=harbour", url.Values{"table": {tableID}, "note": {"  "}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "Say what the guest complained about.") {
		t.Fatalf("empty complaint: %d", bad.Code)
	}
	rec := cl.post("/floor/in-person?r=harbour", url.Values{"table": {tableID}, "tag": {"slow"}, "note": {"Mains took 50 minutes"}, "key": {store.NewToken()}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("in person: %d\n%s", rec.Code, rec.Body)
	}
	page := cl.get(rec.Header().Get("Location")).Body.String()
	if !strings.Contains(page, "Mains took 50 minutes") || !strings.Contains(page, "told in person") || !strings.Contains(page, "Complaint logged") {
		t.Fatal("the logged complaint is not on the floor")
	}
}

// sse reads one event stream over real HTTP.
type sse struct {
	res    *http.Response
	cancel context.CancelFunc
	lines  *bufio.Scanner
}

type event struct{ id, name, data string }

func openSSE(t *testing.T, base, path, cookie, lastID string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	req.Header.Set("Cookie", cookie)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("open %s: %v %v", path, res, err)
	}
	s := &sse{res: res, cancel: cancel, lines: bufio.NewScanner(res.Body)}
	s.lines.Buffer(make([]byte, 1<<20), 1<<20)
	t.Cleanup(s.close)
	return s
}

func (s *sse) close() { s.cancel(); s.res.Body.Close() }

// next returns the next event, skipping pings; it fails the test after wait.
func (s *sse) next(t *testing.T, wait time.Duration) (event, bool) {
	t.Helper()
	got := make(chan event, 1)
	go func() {
		var e event
		for s.lines.Scan() {
			line := s.lines.Text()
			switch {
			case line == "" && e.name == "ping":
				e = event{}
			case line == "" && e.name != "":
				got <- e
				return
			case strings.HasPrefix(line, "id: "):
				e.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
		close(got)
	}()
	select {
	case e, ok := <-got:
		return e, ok
	case <-time.After(wait):
		s.close()
		<-got
		return event{}, false
	}
}

// cookieHeader is the Cookie header of a signed-in client.
func (cl *client) cookieHeader() string {
	var parts []string
	for _, c := range cl.jar {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func TestFloorEventsReplayExactlyWhatWasMissed(t *testing.T) {
	a := newApp(t, handlers.Config{PingEvery: 50 * time.Millisecond})
	ts := httptest.NewServer(a.e)
	t.Cleanup(ts.Close) // after the streams close (cleanups run last-in, first-out)
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()

	s := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, "")
	a.complain(t, "first")
	first, ok := s.next(t, 5*time.Second)
	if !ok || first.name != "alert" || !strings.Contains(first.data, "first") || first.id == "" {
		t.Fatalf("live event: %+v", first)
	}
	s.close() // the tablet loses Wi-Fi

	for _, c := range []string{"second", "third", "fourth"} {
		a.complain(t, c)
	}
	s = openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, first.id)
	var got []string
	for range 3 {
		e, ok := s.next(t, 5*time.Second)
		if !ok {
			t.Fatalf("after %v, the stream ended", got)
		}
		got = append(got, e.data)
	}
	for i, want := range []string{"second", "third", "fourth"} {
		if !strings.Contains(got[i], want) {
			t.Fatalf("replayed event %d is not %q: %.200s", i, want, got[i])
		}
	}
	if e, ok := s.next(t, 300*time.Millisecond); ok {
		t.Fatalf("an event beyond what was missed: %+v", e)
	}
}

func TestReceiptEventsFollowOnlyTheirAlert(t *testing.T) {
	a := newApp(t, handlers.Config{PingEvery: time.Hour})
	ts := httptest.NewServer(a.e)
	t.Cleanup(ts.Close) // after the streams close (cleanups run last-in, first-out)
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	mine := a.complain(t, "mine")
	other := a.complain(t, "someone else's")
	s := openSSE(t, ts.URL, mine+"/events", "", "")
	e, ok := s.next(t, 5*time.Second)
	if !ok || e.name != "state" || !strings.Contains(e.data, `"state":"open"`) {
		t.Fatalf("first state: %+v", e)
	}
	if e, ok := s.next(t, 5*time.Second); !ok || e.name != "offers" || e.data != `{"state":"0/0"}` {
		t.Fatalf("first offers: %+v", e)
	}
	ctx := context.Background()
	otherAlert, _ := a.db.AlertForReceipt(ctx, strings.TrimPrefix(other, "/r/"))
	mineAlert, _ := a.db.AlertForReceipt(ctx, strings.TrimPrefix(mine, "/r/"))
	if err := a.db.Acknowledge(ctx, a.restaurant.ID, otherAlert.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Acknowledge(ctx, a.restaurant.ID, mineAlert.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	e, ok = s.next(t, 5*time.Second)
	if !ok || !strings.Contains(e.data, "Sam is on the way.") || strings.Contains(e.data, "someone") {
		t.Fatalf("state after acknowledgement: %+v", e)
	}
	if rec := a.get("/r/" + store.NewToken() + "/events"); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown receipt's stream: %d", rec.Code)
	}
}

// TestFollowUpDone resolves a complaint with a promised call: the floor lists
// it, overdue once its time has passed, until a manager marks it done.
func TestFollowUpDone(t *testing.T) {
	a := newApp(t, handlers.Config{})
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	receipt := a.complain(t, "Hair in the risotto")
	alert, err := a.db.AlertForReceipt(context.Background(), strings.TrimPrefix(receipt, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	err = a.db.Resolve(context.Background(), a.restaurant.ID, alert.ID, sam.ID, store.Resolution{Outcome: store.OutcomeFollowUp,
		FollowUpAt: time.Now().Add(-time.Hour), FollowUpWho: "anna@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	body := cl.get("/floor").Body.String()
	done := "/floor/follow-ups/" + strconv.FormatInt(alert.ID, 10) + "/done?r=harbour"
	if !strings.Contains(body, "Follow-ups promised") || !strings.Contains(body, "overdue") || !strings.Contains(body, "anna@example.com") ||
		!strings.Contains(body, `action="`+strings.ReplaceAll(done, "&", "&amp;")+`"`) {
		t.Fatalf("the floor does not list the follow-up:\n%s", body)
	}
	if rec := cl.post(done, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("done: %d", rec.Code)
	}
	if body := cl.get("/floor?r=harbour&done=follow-up").Body.String(); strings.Contains(body, "Follow-ups promised") ||
		!strings.Contains(body, "Follow-up marked done.") {
		t.Fatalf("still listed after done:\n%s", body)
	}
	if rec := cl.post("/floor/follow-ups/999999/done?r=harbour", nil); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown follow-up: %d", rec.Code)
	}
}
