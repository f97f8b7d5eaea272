// Package browsertest drives Debian's Chromium for the tests that look at
// pages as a person does: it finds the browser (or skips, unless
// TABLESIDE_REQUIRE_BROWSER is set, as CI does), starts it headless, and
// saves screenshots and PDFs for people to look at. Only tests import it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium finds Debian's Chromium. Where there is none the test skips,
// unless TABLESIDE_REQUIRE_BROWSER is set, when it fails. Under -short,
// and on a suite's second run on PostgreSQL (what a page shows does not
// depend on the engine; the engine's own tests run there), it skips saying
// so.
func Chromium(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	if os.Getenv("TABLESIDE_TEST_ENGINE") == "postgres" {
		t.Skip("browser test skipped on PostgreSQL: it ran on SQLite, and pages do not depend on the engine")
	}
	for _, p := range []string{os.Getenv("TABLESIDE_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("TABLESIDE_REQUIRE_BROWSER") != "" {
		t.Fatal("TABLESIDE_REQUIRE_BROWSER is set but there is no Chromium: apt-get install -y chromium")
	}
	t.Skip("browser test skipped: no Chromium (apt-get install -y chromium, or set TABLESIDE_CHROMIUM)")
	return ""
}

// Browser starts a headless Chromium for the test and returns its context,
// bounded to 90 seconds.
func Browser(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("hide-scrollbars", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser outside any timeout
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Artifact saves a screenshot or PDF outside the repository, for people to
// look at: in $TABLESIDE_ARTIFACTS, or a tableside-artifacts folder in the
// system's temp directory.
func Artifact(t testing.TB, name string, data []byte) {
	t.Helper()
	dir := os.Getenv("TABLESIDE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tableside-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", path)
}

// Shot saves the whole page.
func Shot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	Artifact(t, name, buf)
}

// ViewShot saves what the screen shows (the viewport, not the whole page).
func ViewShot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	Artifact(t, name, buf)
}

// Poll waits up to 10 seconds for a JavaScript condition (a promise is
// awaited) and fails the test, saying what, if it never holds.
func Poll(t testing.TB, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
