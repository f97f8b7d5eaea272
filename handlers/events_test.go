package handlers_test

import (
	"context"
	"encoding/json"
	"io"
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

// liveApp is the app served over real HTTP, for streams.
func liveApp(t *testing.T, cfg handlers.Config) (*app, *httptest.Server) {
	t.Helper()
	a := newApp(t, cfg)
	ts := httptest.NewServer(a.e)
	t.Cleanup(ts.Close) // after the streams close (cleanups run last-in, first-out)
	return a, ts
}

// floorData is the data of a floor event.
type floorData struct {
	Alert int64  `json:"alert"`
	Prev  int64  `json:"prev"`
	Kind  string `json:"kind"`
	State string `json:"state"`
	HTML  string `json:"html"`
}

func decode(t *testing.T, e event) floorData {
	t.Helper()
	var d floorData
	if err := json.Unmarshal([]byte(e.data), &d); err != nil {
		t.Fatalf("event %+v: %v", e, err)
	}
	return d
}

// TestFloorEventsStartFreshOnBadLastEventID: a tablet that connects without an
// id, or with one that is forged, huge, negative or from the future, starts
// from now: no error, and no replay of the restaurant's history.
func TestFloorEventsStartFreshOnBadLastEventID(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	for i := range 5 {
		a.complain(t, "old "+strconv.Itoa(i))
	}
	for _, last := range []string{"", "99999999999", "99999999999999999999999999", "-3", "abc", "1e9", "0x10", strings.Repeat("9", 5000)} {
		s := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, last)
		a.complain(t, "new after "+last[:min(len(last), 20)])
		e, ok := s.next(t, 5*time.Second)
		if !ok || e.name != "alert" || !strings.Contains(e.data, "new after") {
			t.Fatalf("Last-Event-ID %.20q: first event %+v, want the new complaint only", last, e)
		}
		s.close()
	}
}

// TestFloorEventsChainAndGap: each event names the restaurant's event before
// it, so a tablet can tell it missed one; a tablet that reconnects with the
// id before a gap gets exactly the missing events.
func TestFloorEventsChainAndGap(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	other, _ := a.db.CreateRestaurant(context.Background(), store.Restaurant{Slug: "other", Name: "Other"})
	otherTable, _ := a.db.CreateTable(context.Background(), other.ID, "Table 9")
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	last, _ := a.db.LastEventID(context.Background(), a.restaurant.ID)
	s := openSSE(t, ts.URL, "/floor/events?r=harbour&last="+strconv.FormatInt(last, 10), cookie, "")
	var ids []string
	prev := last
	for i := range 4 {
		a.complain(t, "complaint "+strconv.Itoa(i))
		// another restaurant's event between ours: its id is not a gap
		a.post("/t/"+otherTable.Token, url.Values{"key": {store.NewToken()}, "rating": {"1"}})
		e, ok := s.next(t, 5*time.Second)
		if !ok {
			t.Fatal("the stream ended")
		}
		d := decode(t, e)
		if d.Prev != prev || d.Kind != "raised" {
			t.Fatalf("event %s names %d as the one before it, want %d", e.id, d.Prev, prev)
		}
		prev, _ = strconv.ParseInt(e.id, 10, 64)
		ids = append(ids, e.id)
	}
	s.close()
	// The tablet had seen only the first: it reconnects from there.
	s = openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, ids[0])
	for i, want := range ids[1:] {
		e, ok := s.next(t, 5*time.Second)
		if !ok || e.id != want || !strings.Contains(e.data, "complaint "+strconv.Itoa(i+1)) {
			t.Fatalf("caught-up event %d: %+v, want id %s", i, e, want)
		}
	}
	if e, ok := s.next(t, 200*time.Millisecond); ok {
		t.Fatalf("more than was missed: %+v", e)
	}
}

// TestFloorEventsTooFarBehindReloads: a tablet that missed more events than
// it is worth replaying is told to reload its page, instead of being sent
// every one of them.
func TestFloorEventsTooFarBehindReloads(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	last, _ := a.db.LastEventID(context.Background(), a.restaurant.ID)
	for range 201 {
		if _, err := a.db.LogInPerson(context.Background(), a.restaurant.ID, a.tables[0].ID, sam.ID, store.NewToken(), nil, "busy night"); err != nil {
			t.Fatal(err)
		}
	}
	s := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, strconv.FormatInt(last, 10))
	e, ok := s.next(t, 5*time.Second)
	if !ok || e.name != "reload" {
		t.Fatalf("201 events behind: %+v, want a reload", e)
	}
	if e, ok := s.next(t, time.Second); ok {
		t.Fatalf("after the reload: %+v", e)
	}
	// 200 behind is still caught up, event by event.
	last, _ = a.db.LastEventID(context.Background(), a.restaurant.ID)
	for range 200 {
		a.db.LogInPerson(context.Background(), a.restaurant.ID, a.tables[0].ID, sam.ID, store.NewToken(), nil, "busier")
	}
	s = openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, strconv.FormatInt(last, 10))
	for i := range 200 {
		if e, ok := s.next(t, 5*time.Second); !ok || e.name != "alert" {
			t.Fatalf("event %d of 200: %+v", i, e)
		}
	}
}

// TestReceiptStreamCaps: a receipt has at most four streams; anonymous
// streams are capped per address and in all, with 503 and Retry-After; the
// staff's streams are not counted and keep working.
func TestReceiptStreamCaps(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour, ReceiptStreamsPerAddress: 6, ReceiptStreams: 8})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	get := func(path string) *http.Response {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		} else {
			t.Cleanup(func() { res.Body.Close() })
		}
		return res
	}
	first := a.complain(t, "one")
	for i := range handlers.MaxStreamsPerReceipt {
		if res := get(first + "/events"); res.StatusCode != http.StatusOK {
			t.Fatalf("stream %d of one receipt: %d", i+1, res.StatusCode)
		}
	}
	if res := get(first + "/events"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a fifth stream of one receipt: %d, want 429", res.StatusCode)
	}
	second := a.complain(t, "two")
	for range 2 {
		if res := get(second + "/events"); res.StatusCode != http.StatusOK {
			t.Fatalf("another receipt's stream: %d", res.StatusCode)
		}
	}
	res := get(second + "/events") // the seventh from this address
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("past the per-address cap: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// The staff's streams are not anonymous: they still open.
	s := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, "")
	a.complain(t, "three")
	if e, ok := s.next(t, 5*time.Second); !ok || !strings.Contains(e.data, "three") {
		t.Fatalf("a floor tablet with anonymous streams at their cap: %+v", e)
	}
}

// TestReceiptStreamFollowsTheGuest: a diner's stream tells them what is
// true at each step, and goes on once their alert is resolved: an offer
// sent afterwards (the guest has left) and its use reach the open page, as
// does a resolution undone. A receipt opened later gets its state and its
// offers at once.
func TestReceiptStreamFollowsTheGuest(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	receipt := a.complain(t, "cold soup")
	ctx := context.Background()
	alert, _ := a.db.AlertForReceipt(ctx, strings.TrimPrefix(receipt, "/r/"))
	s := openSSE(t, ts.URL, receipt+"/events", "", "")
	step := func(s *sse, name, want string) {
		t.Helper()
		e, ok := s.next(t, 5*time.Second)
		if !ok || e.name != name || !strings.Contains(e.data, want) {
			t.Fatalf("%s %+v, want %q", name, e, want)
		}
	}
	step(s, "state", "A manager has been told")
	step(s, "offers", `"0/0"`)
	if _, err := a.db.EscalateDue(ctx, time.Now().Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	step(s, "state", "still finding someone")
	a.db.Acknowledge(ctx, a.restaurant.ID, alert.ID, sam.ID)
	step(s, "state", "Sam is on the way")
	a.db.Resolve(ctx, a.restaurant.ID, alert.ID, sam.ID, store.Resolution{Outcome: store.OutcomeReplaced})
	step(s, "state", "Sam has taken care of it")
	if err := a.db.UndoResolve(ctx, a.restaurant.ID, alert.ID); err != nil {
		t.Fatal(err)
	}
	step(s, "state", "Sam is on the way")
	a.db.Resolve(ctx, a.restaurant.ID, alert.ID, sam.ID, store.Resolution{Outcome: store.OutcomeApologised})
	step(s, "state", "Sam has taken care of it")
	floor := openSSE(t, ts.URL, "/floor/events?r=harbour", a.login(t, "sam@test.example").cookieHeader(), "")
	sent, err := a.db.SendOffer(ctx, a.restaurant.ID, alert.ID, sam.ID, store.OfferInput{Item: "Dessert on us", Days: 30})
	if err != nil {
		t.Fatal(err)
	}
	step(s, "offers", `"1/0"`)
	// Every tablet hears of it, though the alert's card is gone.
	for {
		e, ok := floor.next(t, 5*time.Second)
		if !ok {
			t.Fatal("the floor did not hear of the offer")
		}
		if strings.Contains(e.data, `"kind":"offer-sent"`) {
			if !strings.Contains(e.data, `"note":"Table 1: an apology with an offer was sent to the guest."`) {
				t.Fatalf("the floor's offer event %s", e.data)
			}
			break
		}
	}
	if _, err := a.db.RedeemOffer(ctx, a.restaurant.ID, sam.ID, sent.Code); err != nil {
		t.Fatal(err)
	}
	step(s, "offers", `"1/1"`)
	later := openSSE(t, ts.URL, receipt+"/events", "", "")
	step(later, "state", "Sam has taken care of it")
	step(later, "offers", `"1/1"`)
	if page := a.get(receipt).Body.String(); !strings.Contains(page, `data-offers="1/1"`) || !strings.Contains(page, "receipt") {
		t.Fatalf("the receipt page does not carry its offers' state:\n%.3000s", page)
	}
}

// TestStreamsEndOnShutdown: when the server begins to shut down, every open
// stream is told and ends, so that shutting down never waits on them.
func TestStreamsEndOnShutdown(t *testing.T) {
	shutdown := make(chan struct{})
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour, Shutdown: shutdown})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	receipt := a.complain(t, "cold soup")
	floor := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, "")
	diner := openSSE(t, ts.URL, receipt+"/events", "", "")
	for _, want := range []string{"state", "offers"} {
		if e, ok := diner.next(t, 5*time.Second); !ok || e.name != want {
			t.Fatalf("first %s: %+v", want, e)
		}
	}
	close(shutdown)
	for name, s := range map[string]*sse{"floor": floor, "receipt": diner} {
		if e, ok := s.next(t, 2*time.Second); !ok || e.name != "bye" {
			t.Fatalf("%s stream at shutdown: %+v, want bye", name, e)
		}
		if e, ok := s.next(t, 2*time.Second); ok {
			t.Fatalf("%s stream went on after bye: %+v", name, e)
		}
	}
}

// TestAskedForSomeoneReachesTheFloor: a happy guest who only asks for someone
// is heard: the floor shows why, and the receipt says someone is coming.
func TestAskedForSomeoneReachesTheFloor(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	rec := a.post("/t/"+a.tables[1].Token, url.Values{"key": {store.NewToken()}, "rating": {"5"},
		"tag": {"food"}, "comment": {"Could we see the dessert menu?"}, "at_table": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("survey: %d", rec.Code)
	}
	receipt := a.get(rec.Header().Get("Location")).Body.String()
	if !strings.Contains(receipt, "asked someone to come to your table") {
		t.Fatalf("the receipt of a guest who asked for someone:\n%s", receipt)
	}
	floor := cl.get("/floor").Body.String()
	if !strings.Contains(floor, "asked for someone") || !strings.Contains(floor, "dessert menu") || !strings.Contains(floor, "<title>(1) Floor — Harbour Kitchen</title>") {
		t.Fatalf("the floor does not show the request:\n%s", floor)
	}
	// A happy guest who is not asking for anyone raises nothing.
	a.post("/t/"+a.tables[1].Token, url.Values{"key": {store.NewToken()}, "rating": {"5"}})
	if alerts, _ := a.db.ActiveAlerts(context.Background(), a.restaurant.ID); len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
}

// TestFloorActionsForTheScript: the tablet's script asks for JSON and gets the
// card back, or the mistake, without a page load; "On my way" can name
// another member of staff, and a resent in-person complaint is logged once.
func TestFloorActionsForTheScript(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "tablet@test.example", "Floor Tablet", store.RoleManager)
	priya := a.staff(t, a.restaurant, "priya@test.example", "Priya Shah", store.RoleManager)
	outsider, _ := a.db.CreateUser(context.Background(), "x@test.example", "Outsider", testPassword)
	cl := a.login(t, "tablet@test.example")
	receipt := a.complain(t, "cold soup")
	alert, _ := a.db.AlertForReceipt(context.Background(), strings.TrimPrefix(receipt, "/r/"))
	path := "/floor/alerts/" + strconv.FormatInt(alert.ID, 10)
	page := cl.get("/floor").Body.String()
	if !strings.Contains(page, `<option value="`+strconv.FormatInt(priya.ID, 10)+`">Priya Shah</option>`) {
		t.Fatal("On my way does not offer the restaurant's staff")
	}
	jsonPost := func(target string, form url.Values) (int, map[string]any) {
		t.Helper()
		form.Set("csrf", cl.csrf())
		req := httptestPost(target, form)
		req.Header.Set("Accept", "application/json")
		rec := cl.request(req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		return rec.Code, body
	}
	if code, body := jsonPost(path+"/ack?r=harbour", url.Values{"who": {strconv.FormatInt(outsider.ID, 10)}}); code != http.StatusUnprocessableEntity || body["error"] == "" {
		t.Fatalf("sending someone not on the staff: %d %v", code, body)
	}
	code, body := jsonPost(path+"/ack?r=harbour", url.Values{"who": {strconv.FormatInt(priya.ID, 10)}})
	if code != http.StatusOK || body["state"] != "acknowledged" || !strings.Contains(body["html"].(string), "Priya Shah") {
		t.Fatalf("ack: %d %v", code, body)
	}
	if got := a.get(receipt).Body.String(); !strings.Contains(got, "Priya is on the way.") {
		t.Fatal("the receipt does not name who is going")
	}
	code, body = jsonPost(path+"/resolve?r=harbour", url.Values{"outcome": {"comped-item"}})
	if code != http.StatusUnprocessableEntity || body["error"] != "Enter the amount given back." {
		t.Fatalf("resolve without an amount: %d %v", code, body)
	}
	code, body = jsonPost(path+"/resolve?r=harbour", url.Values{"outcome": {"comped-item"}, "amount": {"6.50"}})
	if code != http.StatusOK || body["state"] != "resolved" || body["html"] != nil {
		t.Fatalf("resolve: %d %v", code, body)
	}
	form := url.Values{"table": {strconv.FormatInt(a.tables[0].ID, 10)}, "note": {"Told at the bar"}, "key": {store.NewToken()}}
	for range 2 { // the Wi-Fi dropped the answer, so the manager sent it again
		if rec := cl.post("/floor/in-person?r=harbour", form); rec.Code != http.StatusSeeOther {
			t.Fatalf("in person: %d", rec.Code)
		}
	}
	if alerts, _ := a.db.ActiveAlerts(context.Background(), a.restaurant.ID); len(alerts) != 1 {
		t.Fatalf("%d open alerts after one complaint sent twice", len(alerts))
	}
}

// TestHungUpRequestsStillReachTheFloor: managers log complaints over a
// connection that drops at random moments, some before the server reads the
// form, some while it writes, some after it commits. Every complaint that was
// committed reaches a tablet that is following the floor, once.
func TestHungUpRequestsStillReachTheFloor(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	cookie := cl.cookieHeader()
	s := openSSE(t, ts.URL, "/floor/events?r=harbour", cookie, "")
	// The complaints go to a server of their own, whose Close waits for every
	// request it began, even those whose client hung up.
	posts := httptest.NewServer(a.e)
	const n = 300
	table := strconv.FormatInt(a.tables[0].ID, 10)
	var answered int
	for i := range n {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%7)*150*time.Microsecond)
		form := url.Values{"table": {table}, "note": {"hung up " + strconv.Itoa(i)}, "key": {store.NewToken()}, "csrf": {cl.csrf()}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, posts.URL+"/floor/in-person?r=harbour", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		if res, err := http.DefaultTransport.RoundTrip(req); err == nil {
			if res.StatusCode == http.StatusSeeOther {
				answered++
			}
			res.Body.Close()
		}
		cancel()
	}
	posts.Close() // every request the server began has ended
	alerts, err := a.db.ActiveAlerts(context.Background(), a.restaurant.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for len(seen) < len(alerts) {
		e, ok := s.next(t, 5*time.Second)
		if !ok {
			break
		}
		seen[decode(t, e).Alert]++
	}
	t.Logf("%d in-person complaints sent over dropping connections: %d answered, %d committed, %d reached the tablet",
		n, answered, len(alerts), len(seen))
	for _, al := range alerts {
		if seen[al.ID] != 1 {
			t.Errorf("alert %d (%q) reached the tablet %d times", al.ID, al.Comment, seen[al.ID])
		}
	}
	if answered > len(alerts) || len(alerts) == 0 {
		t.Fatalf("%d answered, %d committed", answered, len(alerts))
	}
}

// TestFloorStreamsPerSession: one sign-in may follow the floor on a few
// screens, not on thousands (a stolen cookie); another sign-in is not held
// up, and a screen closed frees its place.
func TestFloorStreamsPerSession(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{PingEvery: time.Hour})
	a.staff(t, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cookie := a.login(t, "sam@test.example").cookieHeader()
	open := func(cookie string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/floor/events?r=harbour", nil)
		req.Header.Set("Cookie", cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	var first *http.Response
	for i := range handlers.MaxStreamsPerSession {
		res := open(cookie)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("floor stream %d of one sign-in: %d", i+1, res.StatusCode)
		}
		if first == nil {
			first = res
		}
	}
	if res := open(cookie); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("one stream past the sign-in's cap: %d, want 429", res.StatusCode)
	}
	if res := open(a.login(t, "sam@test.example").cookieHeader()); res.StatusCode != http.StatusOK {
		t.Fatalf("another sign-in's stream: %d", res.StatusCode)
	}
	first.Body.Close()
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res := open(cookie)
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("a closed screen's place was not freed: %d", res.StatusCode)
		}
	}
}
