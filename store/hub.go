package store

import "sync"

// Notice says that an event was committed to the event log: no more than its
// id, its restaurant and its alert. Streams read the event itself from the log,
// so a notice can be carried by anything that moves small messages (the
// in-process Hub today, PostgreSQL's NOTIFY for several instances).
type Notice struct {
	ID, RestaurantID, AlertID int64
}

// Publisher carries the notices of committed events to the streams waiting for
// them. Publish is called after commit, never with a request's context, and must
// not fail silently or block: a publisher that can lose a notice must make its
// streams catch up from the log instead.
type Publisher interface {
	Publish(notices ...Notice)
}

// Hub wakes the live streams of one process when their restaurant (or their
// one alert) has new events. A wake-up is a flag, not a message: publishing
// never blocks and never drops a stream, however slow, because each wake-up
// only says "read the log from where you are".
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[*Subscription]struct{}
}

// Subscription is one stream's interest in a restaurant's events, or in one of
// its alerts.
type Subscription struct {
	// Wake receives when there may be new events to read; several events
	// committed while the stream was busy give one wake-up.
	Wake <-chan struct{}

	wake         chan struct{}
	restaurantID int64
	alertID      int64 // 0: every alert of the restaurant
	hub          *Hub
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int64]map[*Subscription]struct{}{}} }

// Subscribe starts watching a restaurant's events, or only those of one of its
// alerts when alertID is not 0. Subscribe before reading the log, so that
// nothing committed in between goes unnoticed.
func (h *Hub) Subscribe(restaurantID, alertID int64) *Subscription {
	w := make(chan struct{}, 1)
	s := &Subscription{Wake: w, wake: w, restaurantID: restaurantID, alertID: alertID, hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[restaurantID] == nil {
		h.subs[restaurantID] = map[*Subscription]struct{}{}
	}
	h.subs[restaurantID][s] = struct{}{}
	return s
}

// SubscribeAll watches the events of every restaurant: a reader of the whole
// log, such as the notifier.
func (h *Hub) SubscribeAll() *Subscription { return h.Subscribe(allRestaurants, 0) }

// allRestaurants is the restaurant id SubscribeAll subscribes to: ids start
// at 1.
const allRestaurants = 0

// Close stops the subscription. It may be called more than once.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.subs[s.restaurantID]
	delete(subs, s)
	if len(subs) == 0 {
		delete(h.subs, s.restaurantID)
	}
}

// Publish wakes every subscription the notices concern.
func (h *Hub) Publish(notices ...Notice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range notices {
		for _, id := range [2]int64{n.RestaurantID, allRestaurants} {
			for s := range h.subs[id] {
				if s.alertID != 0 && s.alertID != n.AlertID {
					continue
				}
				select {
				case s.wake <- struct{}{}:
				default: // already woken: it will read this event too
				}
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

// WakeAll wakes every subscription: whatever they missed, they read from
// the log (a listener that lost its connection may have missed notices).
func (h *Hub) WakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for s := range subs {
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}
}
