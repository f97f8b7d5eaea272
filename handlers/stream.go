package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
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
	// MaxStreamsPerSession is how many floor streams one sign-in may have
	// open: a tablet with a few tabs, never a stolen cookie's thousands.
	MaxStreamsPerSession = 8
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

// stream is one server-sent-events response, on a connection taken over from
// the HTTP server or, where that cannot be done, on the server's response.
type stream struct {
	ctx  context.Context // ends when the client goes
	path string          // its route, for the log
	w    io.Writer
	// conn is the connection taken over, nil on the server's response.
	conn net.Conn
	// flush sends what was written, on the server's response.
	flush func() error
	buf   bytes.Buffer
	gone  bool // a write failed: the client has gone
}

// streamWriteTimeout bounds one write to a stream: a client that stops
// reading is cut off, and catches up from the log when it reconnects.
const streamWriteTimeout = 10 * time.Second

// serveStream answers with an event stream (of kind floor or receipt, for
// the metrics) that body runs, then calls end
// (which it also calls if the stream cannot start).
//
// An event stream is long and nearly always idle, and a restaurant group may
// keep thousands open. So on HTTP/1.1 the connection is taken over from the
// HTTP server (hijacked): the server's goroutine, buffers and request are
// freed, and body runs on a goroutine of its own that needs a few kilobytes,
// with another that notices the client going. Such a stream is outside the
// server's own bookkeeping, so it counts in Config.Streams, which the server
// waits for after Shutdown, and it ends on Config.Shutdown. Where the connection cannot be
// taken over (HTTP/2, a test's recorder), body runs in the handler.
func (h *Handler) serveStream(c echo.Context, kind string, end func(), body func(*stream)) error {
	open := h.metrics.streams.WithLabelValues(kind)
	open.Inc()
	end = func(end func()) func() { return func() { open.Dec(); end() } }(end)
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	path := c.Path()                   // the route ("/r/:receipt"): logs never hold a receipt id
	conn, rw, err := http.NewResponseController(c.Response()).Hijack()
	if errors.Is(err, http.ErrNotSupported) || c.Request().ProtoMajor != 1 {
		defer end()
		s, err := startInline(c)
		if err != nil {
			return err
		}
		body(s)
		return nil
	}
	if err != nil {
		end()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &stream{ctx: ctx, path: path, w: conn, conn: conn}
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\n")
	hdr.Write(&head)
	head.WriteString("\r\n")
	rw.Reader.Reset(nil) // nothing more is read through the server's buffers
	h.streamsRunning.Add(1)
	go func() {
		defer h.streamsRunning.Done()
		defer end()
		defer conn.Close()
		defer cancel()
		defer h.recoverStream(path)
		go func() { // the client sends nothing: any end of reading is its going
			var b [1]byte
			for {
				if _, err := conn.Read(b[:]); err != nil {
					cancel()
					return
				}
			}
		}()
		s.buf.Write(head.Bytes())
		if s.write(fmt.Sprintf("retry: %d\n\n", reconnectAfter.Milliseconds())) == nil {
			body(s)
		}
	}()
	return nil
}

// recoverStream keeps a panic in a stream's goroutine, which runs outside
// the server's requests and their recovery, from taking the server down:
// the stream ends, and the log says why. Deferred by the goroutine.
func (h *Handler) recoverStream(route string) {
	if err := recover(); err != nil {
		h.log.Error("panic in a live stream", "route", route, "err", err, "stack", string(debug.Stack()))
	}
}

// startInline starts a stream on the server's response, which lives as long
// as the request (the server's write timeout is lifted for it).
func startInline(c echo.Context) (*stream, error) {
	w := c.Response()
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, err
	}
	w.WriteHeader(http.StatusOK)
	s := &stream{ctx: c.Request().Context(), path: c.Path(), w: w, flush: func() error {
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}}
	return s, s.write(fmt.Sprintf("retry: %d\n\n", reconnectAfter.Milliseconds()))
}

// write sends what is buffered and text, at once.
func (s *stream) write(text string) error {
	s.buf.WriteString(text)
	defer s.buf.Reset()
	if s.conn != nil {
		s.conn.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	}
	_, err := s.w.Write(s.buf.Bytes())
	if err == nil && s.flush != nil {
		err = s.flush()
	}
	if err != nil {
		s.gone = true
	}
	return err
}

// send writes one event, with an id when id > 0, and sends it.
func (s *stream) send(id int64, event string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if id > 0 {
		s.buf.WriteString("id: " + strconv.FormatInt(id, 10) + "\n")
	}
	return s.write("event: " + event + "\ndata: " + string(b) + "\n\n")
}

// follow runs a stream: catchUp sends what is new, once at the start and again
// each time the subscription wakes, until it reports done; a ping goes out
// every pingEvery, as an event a page can watch to know its stream is alive.
// The stream ends when the client goes, when catchUp fails (the client
// reconnects and resumes), or when the server shuts down: then the client is
// told, and reconnects to the next server by itself.
func (h *Handler) follow(s *stream, sub *store.Subscription, catchUp func() (done bool, err error)) {
	done, err := catchUp()
	ping := time.NewTicker(h.pingEvery)
	defer ping.Stop()
	for !done && err == nil {
		select {
		case <-s.ctx.Done():
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
	if err != nil && !s.gone && s.ctx.Err() == nil {
		h.log.Warn("stream ended early", "route", s.path, "err", err)
	}
}

// streamCaps counts the anonymous streams open (receipts'), per receipt, per
// client address and in all.
type streamCaps struct {
	perAddress, total int
	log               *slog.Logger
	now               func() time.Time

	mu        sync.Mutex
	byReceipt tally
	byAddress tally
	open      int
	refused   map[string]int       // refusals since the last log line, by cap
	logged    map[string]time.Time // when each cap was last logged
}

func newStreamCaps(perAddress, total int, log *slog.Logger, now func() time.Time) *streamCaps {
	return &streamCaps{perAddress: perAddress, total: total, log: log, now: now,
		byReceipt: tally{}, byAddress: tally{}, refused: map[string]int{}, logged: map[string]time.Time{}}
}

// acquire counts a new stream for receipt from address, or refuses it: 429
// past the receipt's cap, 503 past the address's or the server's. release
// must be called when the stream ends.
func (sc *streamCaps) acquire(receipt, address string) (release func(), err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	switch {
	case sc.byReceipt[receipt] >= MaxStreamsPerReceipt:
		sc.refuse("per receipt", "") // a receipt id is the diner's: never logged
		return nil, store.Errorf(store.ELimit, "This page is already open on %d screens. Close one, then reload this page.", MaxStreamsPerReceipt)
	case sc.perAddress > 0 && sc.byAddress[address] >= sc.perAddress:
		sc.refuse("per address", address)
		return nil, errStreamsFull
	case sc.total > 0 && sc.open >= sc.total:
		sc.refuse("total", "")
		return nil, errStreamsFull
	}
	sc.byReceipt.add(receipt)
	sc.byAddress.add(address)
	sc.open++
	var once sync.Once
	return func() { once.Do(func() { sc.release(receipt, address) }) }, nil
}

// sessionStreams counts the floor streams open per sign-in.
type sessionStreams struct {
	mu   sync.Mutex
	open tally
}

// tally counts what is open, by key; a key back at zero is forgotten, so
// that keys that come and go (receipts, addresses, sessions) do not pile up.
type tally map[string]int

func (t tally) add(key string) { t[key]++ }

func (t tally) drop(key string) {
	if t[key]--; t[key] <= 0 {
		delete(t, key)
	}
}

// acquire counts a new stream for a session, or refuses it (429) past
// MaxStreamsPerSession; release must be called when the stream ends.
func (ss *sessionStreams) acquire(session string) (release func(), err error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.open[session] >= MaxStreamsPerSession {
		return nil, store.Errorf(store.ELimit, "The floor is already open on %d screens with this sign-in. Close one, then reload this page.", MaxStreamsPerSession)
	}
	if ss.open == nil {
		ss.open = tally{}
	}
	ss.open.add(session)
	var once sync.Once
	return func() {
		once.Do(func() {
			ss.mu.Lock()
			defer ss.mu.Unlock()
			ss.open.drop(session)
		})
	}, nil
}

var errStreamsFull = store.Errorf(store.EUnavailable,
	"Too many pages are following live updates just now. This page will show the latest when you reload it.")

func (sc *streamCaps) release(receipt, address string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.byReceipt.drop(receipt)
	sc.byAddress.drop(address)
	sc.open--
}

// refuse logs that a cap was hit: at once the first time, then at most once a
// minute per cap with the number refused meanwhile, so an attack cannot flood
// the log. sc.mu must be held.
func (sc *streamCaps) refuse(cap, key string) {
	sc.refused[cap]++
	if sc.now().Sub(sc.logged[cap]) < time.Minute {
		return
	}
	sc.log.Warn("stream refused: cap reached", "cap", cap, "key", key, "refused", sc.refused[cap],
		"open", sc.open, "per_receipt", MaxStreamsPerReceipt, "per_address", sc.perAddress, "total", sc.total)
	sc.refused[cap], sc.logged[cap] = 0, sc.now()
}
