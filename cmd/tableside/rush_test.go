package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestRushAgainstRunningServer runs a short rush against a server started in
// this process and checks its report: nothing lost, every alert delivered,
// and ack and resolve exercised.
func TestRushAgainstRunningServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rush.db")
	m := startMain(t, db, "-survey-limit", "0")
	defer m.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"loadtest", "-target", m.URL(), "-db", db, "-duration", "2s", "-rate", "60",
		"-restaurants", "2", "-tables", "5", "-tablets", "4"}, &out, io.Discard)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"POST /t/TOKEN", "GET /r/RECEIPT", "POST ack", "POST resolve",
		"receipts answered but not stored: 0; alerts that never reached a tablet: 0", "alert delivery"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	for _, target := range []string{"http://192.0.2.1:8080", "https://127.0.0.1", "http://example.com"} {
		if err := run(context.Background(), []string{"loadtest", "-target", target, "-db", db, "-duration", "1s"}, io.Discard, io.Discard); err == nil {
			t.Errorf("a rush against %s was not refused", target)
		}
	}
}

// buildServer builds the tableside binary into a test's temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
	binary := filepath.Join(t.TempDir(), "tableside")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	return binary
}

// crashKills is how many times TestCrashSafety kills the server:
// TABLESIDE_CRASH_KILLS, or 10.
func crashKills(t *testing.T) int {
	if v := os.Getenv("TABLESIDE_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("TABLESIDE_CRASH_KILLS=%q: want a positive number", v)
		}
		return n
	}
	return 10
}

// TestCrashSafety builds the server, rushes it, kills it with SIGKILL at a
// random moment, and checks the database: every survey answered 303 before
// the kill is stored exactly once and the file passes the integrity check;
// then it restarts the server on the same file and does it again, ten times
// (TABLESIDE_CRASH_KILLS). All along, a floor tablet that reconnects as a
// browser does, with Last-Event-ID, follows one restaurant: at the end it
// must have received every alert committed there, each once.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and kills it ten times")
	}
	binary := buildServer(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "crash.db")
	setup, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	sites, err := prepareRush(ctx, setup, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	firstEvent, err := setup.LastEventID(ctx, sites[0].ID)
	setup.Close()
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	kills := crashKills(t)
	answered, sent := 0, int64(0)
	var base atomic.Pointer[string]
	tablet := &reconnectingTablet{slug: sites[0].Slug, last: firstEvent, raised: map[int64]int{}}
	tabletCtx, stopTablet := context.WithCancel(ctx)
	tabletDone := make(chan struct{})
	defer func() { stopTablet(); <-tabletDone }()
	for k := range kills {
		srv, err := startChild(ctx, binary, file)
		if err != nil {
			t.Fatalf("start %d: %v", k+1, err)
		}
		url := srv.URL
		base.Store(&url)
		if k == 0 {
			if tablet.cookie, err = login(srv.URL, sites[0].Email, rushPassword); err != nil {
				t.Fatal(err)
			}
			go func() { defer close(tabletDone); tablet.follow(tabletCtx, &base) }()
		}
		r := &rush{base: srv.URL, sites: append([]rushSite(nil), sites...), tablets: 2, rate: 150, duration: 4 * time.Second,
			maxRequests: 1000, started: make(chan struct{}), client: &http.Client{Timeout: 5 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		db, err := store.Open(ctx, file)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.mark(ctx, db); err != nil {
			t.Fatal(err)
		}
		db.Close()
		rushCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- r.run(rushCtx) }()
		select { // the kill comes once the managers have signed in and the tablets follow
		case <-r.started:
		case err := <-done:
			t.Fatalf("kill %d: the rush could not start: %v", k+1, err)
		}
		time.Sleep(time.Duration(300+rng.IntN(2000)) * time.Millisecond)
		srv.kill() // SIGKILL: no shutdown, no checkpoint
		stop()
		if err := <-done; err != nil {
			t.Fatalf("kill %d: the rush failed: %v", k+1, err)
		}

		db, err = store.Open(ctx, file)
		if err != nil {
			t.Fatalf("after kill %d the database does not open: %v", k+1, err)
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatalf("after kill %d: %v", k+1, err)
		}
		missing, _, stored, err := r.verify(ctx, db)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if missing > 0 || int64(stored) > r.keysSent.Load() || stored < len(r.receipts) {
			t.Fatalf("kill %d: %d of %d receipts answered 303 are missing; %d stored for %d forms sent",
				k+1, missing, len(r.receipts), stored, r.keysSent.Load())
		}
		answered += len(r.receipts)
		sent += r.keysSent.Load()
	}
	// The last restart serves again, and the tablet catches up with it.
	srv, err := startChild(ctx, binary, file)
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL
	base.Store(&url)
	db, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := raisedSince(ctx, db, sites[0].ID, firstEvent)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for tablet.count() < len(committed) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop()
	stopTablet()
	<-tabletDone
	received, twice := tablet.count(), 0
	for id := range committed {
		if tablet.raised[id] > 1 {
			twice++
		}
	}
	for id := range tablet.raised {
		if !committed[id] {
			t.Errorf("the tablet received alert %d, which was never committed", id)
		}
	}
	t.Logf("%d kills: %d surveys sent, %d answered 303 before their kill, every one stored once; integrity ok each time", kills, sent, answered)
	t.Logf("%d kills: %d alerts committed at %s, %d received by a tablet that connected %d times, %d twice",
		kills, len(committed), sites[0].Slug, received, tablet.connects, twice)
	if answered == 0 {
		t.Fatal("no survey was answered before any kill")
	}
	if received != len(committed) || twice > 0 {
		t.Fatalf("the tablet received %d of %d alerts committed (%d twice)", received, len(committed), twice)
	}
}

// raisedSince reads the alerts raised at a restaurant after an event.
func raisedSince(ctx context.Context, db *store.DB, restaurantID, after int64) (map[int64]bool, error) {
	raised := map[int64]bool{}
	for {
		evs, err := db.EventsAfter(ctx, restaurantID, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Kind == "raised" {
				raised[e.Alert.ID] = true
			}
			after = e.ID
		}
		if len(evs) < 1000 {
			return raised, nil
		}
	}
}

// reconnectingTablet follows a floor stream as a browser's EventSource does:
// when the connection drops it reconnects, to whichever server now answers,
// with the id of the last event it received.
type reconnectingTablet struct {
	slug, cookie string
	last         int64
	connects     int

	mu     sync.Mutex
	raised map[int64]int // alert id → times received
}

func (tb *reconnectingTablet) count() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.raised)
}

func (tb *reconnectingTablet) follow(ctx context.Context, base *atomic.Pointer[string]) {
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, *base.Load()+"/floor/events?r="+tb.slug, nil)
		req.Header.Set("Cookie", tb.cookie)
		req.Header.Set("Last-Event-ID", strconv.FormatInt(tb.last, 10))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			sleepCtx(ctx, 50*time.Millisecond)
			continue
		}
		tb.connects++
		var id int64
		lines := bufio.NewScanner(res.Body)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		for lines.Scan() {
			line := lines.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id, _ = strconv.ParseInt(v, 10, 64)
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok && id > 0 {
				var e struct {
					Alert int64  `json:"alert"`
					Kind  string `json:"kind"`
				}
				if json.Unmarshal([]byte(v), &e) == nil && e.Kind == "raised" {
					tb.mu.Lock()
					tb.raised[e.Alert]++
					tb.mu.Unlock()
				}
				tb.last, id = id, 0
			}
		}
		res.Body.Close()
	}
}

// TestShutdownWithStreamsOpen sends SIGTERM to a server with a floor tablet
// and a diner's receipt following their streams: it must end both and exit
// with status 0 within 3 seconds.
func TestShutdownWithStreamsOpen(t *testing.T) {
	binary := buildServer(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "stop.db")
	setup, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	sites, err := prepareRush(ctx, setup, 1, 2)
	setup.Close()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startChild(ctx, binary, file)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if srv.cmd.ProcessState == nil {
			srv.kill()
		}
	}()
	cookie, err := login(srv.URL, sites[0].Email, rushPassword)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(srv.URL+"/t/"+sites[0].Tokens[0], url.Values{"key": {store.NewToken()}, "rating": {"1"}, "at_table": {"1"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("survey: %v %v", res, err)
	}
	res.Body.Close()
	var streams []*http.Response
	for _, s := range []struct{ path, cookie string }{
		{"/floor/events?r=" + sites[0].Slug, cookie},
		{res.Header.Get("Location") + "/events", ""},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+s.path, nil)
		req.Header.Set("Cookie", s.cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("open %s: %v %v", s.path, res, err)
		}
		defer res.Body.Close()
		streams = append(streams, res)
	}
	start := time.Now()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-srv.done:
		took := time.Since(start)
		t.Logf("SIGTERM with %d streams open: exited with %v after %v", len(streams), srv.cmd.ProcessState, took.Round(time.Millisecond))
		if err != nil || srv.cmd.ProcessState.ExitCode() != 0 {
			t.Fatalf("exit: %v", err)
		}
		if took > 3*time.Second {
			t.Fatalf("took %v to stop, want under 3 s", took)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM")
	}
	for _, res := range streams {
		body, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(body), "event: bye") {
			t.Errorf("%s ended without a bye:\n%s", res.Request.URL.Path, body)
		}
	}
}
