package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// stream is one server-sent-events response.
type stream struct {
	c  echo.Context
	rc *http.ResponseController
}

// startStream answers with an event stream that may outlive the server's write
// timeout: it lives as long as the request.
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
	return s, s.flush()
}

func (s *stream) flush() error {
	if err := s.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// send writes one event and flushes it.
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
		return err
	}
	return s.flush()
}

// ping keeps the connection (and any proxy in the way) from idling out, and
// finds out when the tablet has gone.
func (s *stream) ping() error {
	if _, err := fmt.Fprint(s.c.Response(), ": ping\n\n"); err != nil {
		return err
	}
	return s.flush()
}

// follow sends the subscription's events through send, and a ping every
// interval, until the client goes away or the hub drops the subscription as too
// slow (the client then reconnects and catches up).
func (s *stream) follow(ctx context.Context, sub *store.Subscription, every time.Duration, send func(store.Event) error) error {
	ping := time.NewTicker(every)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-sub.C:
			if !ok {
				return nil
			}
			if err := send(e); err != nil {
				return nil // the client went away
			}
		case <-ping.C:
			if err := s.ping(); err != nil {
				return nil
			}
		}
	}
}

// floorEvent is what a floor tablet receives for each change.
type floorEvent struct {
	Alert   int64  `json:"alert"`
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Created int64  `json:"created"`
	HTML    string `json:"html"`
}

// FloorEvents streams a restaurant's floor events: GET /floor/events?r=SLUG.
// A tablet that reconnects with Last-Event-ID gets, first, exactly the events it
// missed, from the log; then live ones as they are committed.
func (h *Handler) FloorEvents(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	last, _ := strconv.ParseInt(c.Request().Header.Get("Last-Event-ID"), 10, 64)
	if last == 0 {
		last, _ = strconv.ParseInt(c.QueryParam("last"), 10, 64)
	}
	ctx := c.Request().Context()
	sub := h.db.Hub().Subscribe(r.ID, 256) // before the replay, so nothing falls between
	defer sub.Close()
	missed, err := h.db.EventsSince(ctx, r.ID, last, 10_000)
	if err != nil {
		return err
	}
	s, err := startStream(c)
	if err != nil {
		return err
	}
	csrf := csrfToken(c)
	send := func(e store.Event) error {
		if e.ID <= last {
			return nil // already sent from the log
		}
		buf := templ.GetBuffer()
		defer templ.ReleaseBuffer(buf)
		if err := views.AlertCardView(alertCard(e.Alert, r, csrf, time.Now())).Render(ctx, buf); err != nil {
			return err
		}
		last = e.ID
		return s.send(e.ID, "alert", floorEvent{Alert: e.Alert.ID, Kind: e.Kind, State: e.Alert.State,
			Created: e.Alert.CreatedAt.UnixMilli(), HTML: buf.String()})
	}
	for _, e := range missed {
		if err := send(e); err != nil {
			return nil // the tablet went away
		}
	}
	return s.follow(ctx, sub, h.pingEvery, send)
}

// receiptState is what a diner's phone receives about their alert.
type receiptState struct {
	State string `json:"state"`
	Text  string `json:"text"`
}

// receiptAlert is the receipt's view of an alert.
func receiptAlert(a store.Alert, receipt string) *views.ReceiptAlert {
	ra := &views.ReceiptAlert{State: a.State, EventsURL: "/r/" + receipt + "/events"}
	switch a.State {
	case store.StateAcknowledged:
		ra.Staff = firstName(a.AckBy)
	case store.StateResolved:
		ra.Staff = firstName(a.ResolvedBy)
	}
	return ra
}

// ReceiptEvents streams the state of one receipt's alert, and nothing else of
// the restaurant: GET /r/:receipt/events.
func (h *Handler) ReceiptEvents(c echo.Context) error {
	id := c.Param("receipt")
	if !keyRE.MatchString(id) {
		return store.ErrNotFound
	}
	ctx := c.Request().Context()
	a, err := h.db.AlertForReceipt(ctx, id)
	if err != nil {
		return err
	}
	sub := h.db.Hub().Subscribe(a.RestaurantID, 64)
	defer sub.Close()
	if a, err = h.db.AlertForReceipt(ctx, id); err != nil { // again, now that nothing can be missed
		return err
	}
	s, err := startStream(c)
	if err != nil {
		return err
	}
	send := func(a store.Alert) error {
		ra := receiptAlert(a, id)
		return s.send(0, "state", receiptState{State: ra.State, Text: ra.Text()})
	}
	if err := send(a); err != nil {
		return nil
	}
	return s.follow(ctx, sub, h.pingEvery, func(e store.Event) error {
		if e.Alert.ID != a.ID {
			return nil // another table's alert: none of this diner's business
		}
		return send(e.Alert)
	})
}
