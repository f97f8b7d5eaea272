package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestCrashSafety builds the server, rushes it, kills it with SIGKILL at a
// random moment, and checks the database: every survey answered 303 before
// the kill is stored exactly once and the file passes the integrity check;
// then it restarts the server on the same file and does it again, ten times.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and kills it ten times")
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "tableside")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	file := filepath.Join(dir, "crash.db")
	setup, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	sites, err := prepareRush(ctx, setup, 2, 10)
	setup.Close()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	const kills = 10
	answered, sent := 0, int64(0)
	for k := range kills {
		srv, err := startChild(ctx, binary, file)
		if err != nil {
			t.Fatalf("start %d: %v", k+1, err)
		}
		r := &rush{base: srv.URL, sites: append([]rushSite(nil), sites...), tablets: 2, rate: 150, duration: 4 * time.Second,
			maxRequests: 1000, client: &http.Client{Timeout: 5 * time.Second,
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
		time.Sleep(time.Duration(300+rng.IntN(2000)) * time.Millisecond)
		srv.kill() // SIGKILL: no shutdown, no checkpoint
		stop()
		if err := <-done; err != nil {
			t.Fatalf("kill %d: the rush could not start: %v", k+1, err)
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
	// The last restart serves again.
	srv, err := startChild(ctx, binary, file)
	if err != nil {
		t.Fatal(err)
	}
	srv.stop()
	t.Logf("%d kills: %d surveys sent, %d answered 303 before their kill, every one stored once; integrity ok each time", kills, sent, answered)
	if answered == 0 {
		t.Fatal("no survey was answered before any kill")
	}
}
