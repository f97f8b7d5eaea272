package store

import "sync"

// Event is one change on a restaurant's floor, as tablets receive it: an alert
// raised, acknowledged, resolved or escalated, with the alert as it stands
// after the change.
type Event struct {
	ID           int64 // events.id, which is the SSE event id
	RestaurantID int64
	Kind         string
	Alert        Alert
}

// Hub fans events out to the live streams of one process. Publishing never
// blocks: a subscriber whose buffer is full is dropped (its channel closed), and
// its tablet reconnects and replays what it missed from the event log.
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[*Subscription]struct{}
}

// Subscription receives the events of one restaurant on C until it is closed
// or dropped.
type Subscription struct {
	C            <-chan Event
	c            chan Event
	restaurantID int64
	hub          *Hub
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int64]map[*Subscription]struct{}{}} }

// Subscribe starts receiving a restaurant's events, with room for buffer of
// them in flight.
func (h *Hub) Subscribe(restaurantID int64, buffer int) *Subscription {
	c := make(chan Event, buffer)
	s := &Subscription{C: c, c: c, restaurantID: restaurantID, hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[restaurantID] == nil {
		h.subs[restaurantID] = map[*Subscription]struct{}{}
	}
	h.subs[restaurantID][s] = struct{}{}
	return s
}

// Close stops the subscription; it is safe after the hub dropped it.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.remove(s)
}

// remove takes s out and closes its channel; h.mu must be held.
func (h *Hub) remove(s *Subscription) {
	subs := h.subs[s.restaurantID]
	if _, ok := subs[s]; !ok {
		return
	}
	delete(subs, s)
	if len(subs) == 0 {
		delete(h.subs, s.restaurantID)
	}
	close(s.c)
}

// Publish sends each event to its restaurant's subscribers, in order. Call it
// after the transaction that made the events has committed.
func (h *Hub) Publish(events ...Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		for s := range h.subs[e.RestaurantID] {
			select {
			case s.c <- e:
			default:
				h.remove(s) // too slow: it will catch up from the log
			}
		}
	}
}

// Subscribers counts the live subscriptions of a restaurant.
func (h *Hub) Subscribers(restaurantID int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[restaurantID])
}
