package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
)

// Limits on live streams. A diner has one phone, so a receipt needs one stream
// (a few, for a reload or a second tab); anonymous streams as a whole are
// capped per address and in total so that they can never take the server's
// memory or file descriptors from the staff, whose streams are not counted.
const (
	// MaxStreamsPerReceipt is how many streams one receipt may have open.
	MaxStreamsPerReceipt = 4
	// DefaultReceiptStreamsPerAddress and DefaultReceiptStreams are the
	// defaults of Config.ReceiptStreamsPerAddress and Config.ReceiptStreams.
	DefaultReceiptStreamsPerAddress = 64
	DefaultReceiptStreams           = 2000
	// maxReplay is how many missed events a reconnecting floor tablet is sent;
	// one further behind is told to reload, which costs one page.
	maxReplay = 200
	// eventBatch is how many events a stream reads from the log in one query.
	eventBatch = 100
	// reconnectAfter is what streams ask browsers to wait before reconnecting.
	reconnectAfter = 2 * time.Second
)

// stream is one server-sent-events response.
type stream struct {
	c    echo.Context
	rc   *http.ResponseController
	gone bool // a write failed: the client has gone
}

// startStream answers with an event stream that may outlive the server's write
// timeout: it lives as long as the request, or until the server shuts down.
func startStream(c echo.Context) (*stream, error) {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, err
	}
	w.WriteHeader(http.StatusOK)
	s := &stream{c: c, rc: rc}
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", reconnectAfter.Milliseconds()); err != nil {
		return nil, err
	}
	return s, s.flush()
}

func (s *stream) flush() error {
	if err := s.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		s.gone = true
		return err
	}
	return nil
}

// send writes one event, with an id when id > 0, and flushes it.
func (s *stream) send(id int64, event string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	w := s.c.Response()
	if id > 0 {
		fmt.Fprintf(w, "id: %d\n", id)
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		s.gone = true
		return err
	}
	return s.flush()
}

// follow runs a stream: catchUp sends what is new, once at the start and again
// each time the subscription wakes, until it reports done; a ping goes out
// every pingEvery, as an event a page can watch to know its stream is alive.
// The stream ends when the client goes, when catchUp fails (the client
// reconnects and resumes), or when the server shuts down: then the client is
// told, and reconnects to the next server by itself.
func (h *Handler) follow(ctx context.Context, s *stream, sub *store.Subscription, catchUp func() (done bool, err error)) {
	done, err := catchUp()
	ping := time.NewTicker(h.pingEvery)
	defer ping.Stop()
	for !done && err == nil {
		select {
		case <-ctx.Done():
			return
		case <-h.cfg.Shutdown:
			s.send(0, "bye", map[string]string{"reason": "The server is restarting."})
			return
		case <-ping.C:
			err = s.send(0, "ping", struct{}{})
		case <-sub.Wake:
			done, err = catchUp()
		}
	}
	if err != nil && !s.gone && ctx.Err() == nil {
		h.log.Warn("stream ended early", "path", s.c.Request().URL.Path, "err", err)
	}
}

// streamCaps counts the anonymous streams open (receipts'), per receipt, per
// client address and in all.
type streamCaps struct {
	perAddress, total int
	log               *slog.Logger

	mu        sync.Mutex
	byReceipt map[string]int
	byAddress map[string]int
	open      int
	refused   map[string]int       // refusals since the last log line, by cap
	logged    map[string]time.Time // when each cap was last logged
}

func newStreamCaps(perAddress, total int, log *slog.Logger) *streamCaps {
	return &streamCaps{perAddress: perAddress, total: total, log: log,
		byReceipt: map[string]int{}, byAddress: map[string]int{}, refused: map[string]int{}, logged: map[string]time.Time{}}
}

// acquire counts a new stream for receipt from address, or refuses it: 429
// past the receipt's cap, 503 past the address's or the server's. release
// must be called when the stream ends.
func (sc *streamCaps) acquire(receipt, address string) (release func(), err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	switch {
	case sc.byReceipt[receipt] >= MaxStreamsPerReceipt:
		sc.refuse("per receipt", receipt)
		return nil, store.Errorf(store.ELimit, "This page is already open on %d screens. Close one, then reload this page.", MaxStreamsPerReceipt)
	case sc.perAddress > 0 && sc.byAddress[address] >= sc.perAddress:
		sc.refuse("per address", address)
		return nil, errStreamsFull
	case sc.total > 0 && sc.open >= sc.total:
		sc.refuse("total", "")
		return nil, errStreamsFull
	}
	sc.byReceipt[receipt]++
	sc.byAddress[address]++
	sc.open++
	var once sync.Once
	return func() { once.Do(func() { sc.release(receipt, address) }) }, nil
}

var errStreamsFull = store.Errorf(store.EUnavailable,
	"Too many pages are following live updates just now. This page will show the latest when you reload it.")

func (sc *streamCaps) release(receipt, address string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.byReceipt[receipt]--; sc.byReceipt[receipt] <= 0 {
		delete(sc.byReceipt, receipt)
	}
	if sc.byAddress[address]--; sc.byAddress[address] <= 0 {
		delete(sc.byAddress, address)
	}
	sc.open--
}

// refuse logs that a cap was hit: at once the first time, then at most once a
// minute per cap with the number refused meanwhile, so an attack cannot flood
// the log. sc.mu must be held.
func (sc *streamCaps) refuse(cap, key string) {
	sc.refused[cap]++
	if time.Since(sc.logged[cap]) < time.Minute {
		return
	}
	sc.log.Warn("stream refused: cap reached", "cap", cap, "key", key, "refused", sc.refused[cap],
		"open", sc.open, "per_receipt", MaxStreamsPerReceipt, "per_address", sc.perAddress, "total", sc.total)
	sc.refused[cap], sc.logged[cap] = 0, time.Now()
}
