package handlers

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// TestStreamPanicIsRecovered: a live stream runs in a goroutine of its
// own, outside the server's requests and their recovery; a panic there ends
// that stream and is logged, and the server goes on serving.
func TestStreamPanicIsRecovered(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	h := &Handler{log: slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil)), streamsRunning: new(sync.WaitGroup), metrics: NewMetrics(prometheus.NewRegistry())}
	e := echo.New()
	ended := make(chan struct{})
	e.GET("/boom", func(c echo.Context) error {
		return h.serveStream(c, "floor", func() { close(ended) }, func(*stream) { panic("a bug in a stream") })
	})
	e.GET("/ok", func(c echo.Context) error { return c.String(http.StatusOK, "still here") })
	srv := httptest.NewServer(e)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(res.Body)
	res.Body.Close()
	<-ended
	h.streamsRunning.Wait()
	res, err = http.Get(srv.URL + "/ok")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("after a stream's panic: %v %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "panic in a live stream") || !strings.Contains(logs.String(), "route=/boom") {
		t.Fatalf("the log:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
