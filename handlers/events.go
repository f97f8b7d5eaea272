package handlers

import (
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// floorEvent is what a floor tablet receives for each change.
type floorEvent struct {
	Alert int64 `json:"alert"`
	// Prev is the id of the restaurant's event before this one: a tablet
	// whose last event was another has missed something and catches up.
	Prev      int64           `json:"prev"`
	Kind      store.EventKind `json:"kind"`
	State     string          `json:"state"`
	Escalated bool            `json:"escalated"`
	Created   int64           `json:"created"`
	HTML      string          `json:"html"`
	// Note is what every tablet is told of an event that changes no card
	// in sight (an offer sent or used), or "".
	Note string `json:"note,omitempty"`
}

// resumeFrom reads where a reconnecting client left off: Last-Event-ID, which
// browsers send on a reconnect, else ?last=, which a page sends on its first
// connection (0 when the restaurant had no events yet). ok is false when
// there is no usable id.
func resumeFrom(c echo.Context) (last int64, ok bool) {
	v := c.Request().Header.Get("Last-Event-ID")
	if v == "" {
		v = c.QueryParam("last")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

// FloorEvents streams a restaurant's floor events: GET /floor/events?r=SLUG.
// A tablet that reconnects with Last-Event-ID gets exactly the events it
// missed, read from the log in batches, then each new one as it is committed.
// One that connects fresh, or with an id the log never gave, starts from now;
// one that missed more than maxReplay events is told to reload its page.
func (h *Handler) FloorEvents(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	me := staffOf(c)
	release, err := h.sessionStreams.acquire(me.session.ID)
	if err != nil {
		return err
	}
	sub := h.db.Hub().Subscribe(r.ID, 0) // before reading the log, so nothing falls between
	end := func() { sub.Close(); release() }
	latest, err := h.db.LastEventID(ctx, r.ID)
	if err != nil {
		end()
		return err
	}
	last, ok := resumeFrom(c)
	if !ok || last > latest {
		last = latest
	}
	behind, err := h.db.CountEventsAfter(ctx, r.ID, last, maxReplay+1)
	if err != nil {
		end()
		return err
	}
	staff, err := h.db.Staff(ctx, r.ID)
	if err != nil {
		end()
		return err
	}
	viewer := views.CardViewer{Restaurant: r, CSRF: csrfToken(c), Staff: staff, Me: me.user.ID}
	gen := h.db.AccessGeneration()
	return h.serveStream(c, "floor", end, func(s *stream) {
		if behind > maxReplay {
			s.send(0, "reload", map[string]int{"missed": behind})
			return
		}
		h.follow(s, sub, func() (bool, error) {
			// Someone may have lost access since the stream began (signed
			// out, removed): if it is this viewer, the stream ends here and
			// the page reloads, to the login page or a "not found".
			if g := h.db.AccessGeneration(); g != gen {
				gen = g
				live, err := h.db.SessionLive(s.ctx, me.session.ID)
				if err != nil {
					return false, err
				}
				isStaff, err := h.db.IsStaff(s.ctx, me.user.ID, r.ID)
				if err != nil {
					return false, err
				}
				if !live || !isStaff {
					return true, s.send(0, "reload", map[string]string{"reason": "access ended"})
				}
			}
			for {
				evs, err := h.db.EventsAfter(s.ctx, r.ID, last, eventBatch)
				if err != nil {
					return false, err
				}
				for _, e := range evs {
					if err := h.sendFloorEvent(s, e, viewer); err != nil {
						return false, err
					}
					last = e.ID
				}
				if len(evs) < eventBatch {
					return false, nil
				}
			}
		})
	})
}

// sendFloorEvent sends one event with its card as the viewer sees it.
func (h *Handler) sendFloorEvent(s *stream, e store.Event, v views.CardViewer) (err error) {
	if e.Kind == store.EventRaised {
		defer func() {
			if err == nil {
				h.metrics.delivery.Observe(max(0, h.now().Sub(e.At).Seconds()))
			}
		}()
	}
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := views.AlertCardView(views.NewAlertCard(e.Alert, v, h.now())).Render(s.ctx, buf); err != nil {
		return err
	}
	return s.send(e.ID, "alert", floorEvent{Alert: e.Alert.ID, Prev: e.Prev, Kind: e.Kind, State: e.Alert.State,
		Escalated: e.Alert.Escalated, Created: e.Alert.CreatedAt.UnixMilli(), HTML: buf.String(), Note: views.OfferEventNote(e.Kind, e.Alert)})
}

// receiptState is what a diner's phone receives about their alert.
type receiptState struct {
	State string `json:"state"`
	Text  string `json:"text"`
}

// ReceiptEvents streams the state of one receipt's alert and of the offers
// sent to its guest, and nothing else of the restaurant: GET
// /r/:receipt/events. It goes on after the alert is resolved, while the page
// is open: a resolution may be undone, and an offer may come later.
// Receipts are anonymous, so their streams are capped (streamCaps).
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
	release, err := h.streams.acquire(id, c.RealIP())
	if err != nil {
		if store.ErrorCode(err) == store.EUnavailable {
			c.Response().Header().Set("Retry-After", "30")
		}
		return err
	}
	sub := h.db.Hub().Subscribe(a.RestaurantID, a.ID)
	return h.serveStream(c, "receipt", func() { sub.Close(); release() }, func(s *stream) {
		var sent, offersSent string
		h.follow(s, sub, func() (bool, error) {
			a, err := h.db.AlertForReceipt(s.ctx, id) // read after subscribing: nothing is missed
			if err != nil {
				return false, err
			}
			ra := views.NewReceiptAlert(a, "/r/"+id+"/events")
			if text := ra.Text(); text != sent {
				if err := s.send(0, "state", receiptState{State: ra.State, Text: text}); err != nil {
					return false, err
				}
				sent = text
			}
			// An offer may come long after the alert is resolved (the guest
			// has left): the stream goes on while the page is open.
			offers, err := h.db.OffersForReceipt(s.ctx, id)
			if err != nil {
				return false, err
			}
			if state := views.OffersState(offers); state != offersSent {
				if err := s.send(0, "offers", map[string]string{"state": state}); err != nil {
					return false, err
				}
				offersSent = state
			}
			return false, nil
		})
	})
}
