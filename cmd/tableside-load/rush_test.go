package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestRushAgainstRunningServer runs a short rush against a running server and
// checks its report: nothing lost, every alert delivered, and ack and resolve
// exercised.
func TestRushAgainstRunningServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rush.db")
	srv, err := startChild(context.Background(), buildServer(t), db)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	var out bytes.Buffer
	err = run(context.Background(), []string{"-target", srv.URL, "-db", db, "-duration", "2s", "-rate", "60",
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
		if err := run(context.Background(), []string{"-target", target, "-db", db, "-duration", "1s"}, io.Discard, io.Discard); err == nil {
			t.Errorf("a rush against %s was not refused", target)
		}
	}
}

// buildServer builds the tableside binary into a test's temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("load test skipped under -short: it builds the server and runs it as a child process")
	}
	binary, err := serverBinary(context.Background(), "", t.TempDir())
	if err != nil {
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

// TestCrashSafety runs the crash driver (runCrash): ten SIGKILLs at random
// moments of rushes (TABLESIDE_CRASH_KILLS for more; TABLESIDE_CRASH_SEED
// replays a run), and fails if any survey answered 303 is lost or stored
// twice, if the database fails its integrity check, or if the tablet that
// follows one restaurant throughout did not receive every alert committed
// there exactly once.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and kills it ten times")
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("TABLESIDE_CRASH_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("TABLESIDE_CRASH_SEED=%q: %v", v, err)
		}
	}
	t.Logf("seed %d (TABLESIDE_CRASH_SEED=%d replays this run)", seed, seed)
	rep, err := runCrash(context.Background(), buildServer(t), filepath.Join(t.TempDir(), "crash.db"), crashKills(t), seed)
	var out bytes.Buffer
	rep.print(&out)
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		t.Log(line)
	}
	if err != nil {
		t.Fatal(err)
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
	cookie, _, err := login(srv.URL, sites[0].Email, rushPassword)
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

// TestPushLoad runs the push measurement briefly: every push arrives,
// encrypted, signed and with its Topic, while everything answers and while
// the webhook hangs; no diner's post fails while both hang.
func TestPushLoad(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-push", "3", "-rate", "20", "-duration", "1s", "-server", buildServer(t)}, &out, io.Discard)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"everything answers: 20 posted, 0 failed", "the webhook hangs: 20 posted, 0 failed",
		"push service and webhook hang: 20 posted, 0 failed", "; 60 of 60 arrived", "0 malformed pushes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report does not say %q", want)
		}
	}
}
