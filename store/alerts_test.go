package store_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// submit stores a response and returns its receipt id.
func submit(t *testing.T, db *store.DB, tb store.Table, rating int, atTable bool, tags ...string) string {
	t.Helper()
	id, _, err := db.CreateResponse(context.Background(), store.NewResponse{TableToken: tb.Token,
		IdempotencyKey: store.NewToken(), Rating: rating, AtTable: atTable, Tags: tags, Comment: "how it went"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func staffUser(t *testing.T, db *store.DB, r store.Restaurant, email, name string, role store.Role) store.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), email, name, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddMembership(context.Background(), u.ID, r.ID, role); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAlertsRaisedAcknowledgedResolved(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	sub := db.Hub().Subscribe(r.ID, 16)
	defer sub.Close()

	happy := submit(t, db, tb, 5, false, "food")
	hair := submit(t, db, tb, 4, false, "foreign-object")
	if _, err := db.AlertForReceipt(ctx, happy); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a happy guest raised an alert: %v", err)
	}
	a, err := db.AlertForReceipt(ctx, hair)
	if err != nil || a.State != store.StateOpen || a.TableLabel != "Table 4" || a.Rating != 4 || a.Reasons[0] != store.ReasonUrgent {
		t.Fatalf("alert %+v, %v", a, err)
	}
	if e := <-sub.C; e.Kind != "raised" || e.Alert.ID != a.ID || e.ID == 0 {
		t.Fatalf("event %+v", e)
	}

	ack, err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID)
	if err != nil || ack.State != store.StateAcknowledged || ack.AckBy != "Sam Patel" {
		t.Fatalf("acknowledge: %+v, %v", ack, err)
	}
	if _, err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil { // a second tablet taps too
		t.Fatal(err)
	}
	for _, bad := range []store.Resolution{
		{Outcome: "shrug"},
		{Outcome: store.OutcomeCompedBill},
		{Outcome: store.OutcomeApologised, AmountCents: 500},
		{Outcome: store.OutcomeFollowUp, FollowUpWho: "ana@example.com"},
	} {
		if _, err := db.Resolve(ctx, r.ID, a.ID, sam.ID, bad); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("resolution %+v: err = %v, want invalid", bad, err)
		}
	}
	done, err := db.Resolve(ctx, r.ID, a.ID, sam.ID, store.Resolution{Outcome: store.OutcomeCompedBill, AmountCents: 4250, Note: "Apologised, new salad"})
	if err != nil || done.State != store.StateResolved || done.AmountCents != 4250 || done.ResolvedBy != "Sam Patel" {
		t.Fatalf("resolve: %+v, %v", done, err)
	}
	for _, want := range []string{"acknowledged", "resolved"} {
		if e := <-sub.C; e.Kind != want {
			t.Fatalf("event %q, want %q", e.Kind, want)
		}
	}
	select {
	case e := <-sub.C:
		t.Fatalf("a repeated acknowledgement published %+v", e)
	default:
	}
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other"})
	if _, err := db.Acknowledge(ctx, other.ID, a.ID, sam.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another restaurant acknowledged it: %v", err)
	}
}

func TestEventsSinceReplaysWhatWasMissed(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	submit(t, db, tb, 1, true)
	last, err := db.LastEventID(ctx, r.ID)
	if err != nil || last == 0 {
		t.Fatalf("last event %d, %v", last, err)
	}
	var want []string
	for range 3 {
		want = append(want, submit(t, db, tb, 2, false))
	}
	evs, err := db.EventsSince(ctx, r.ID, last, 100)
	if err != nil || len(evs) != 3 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	for i, e := range evs {
		if e.Alert.ReceiptID != want[i] || e.Kind != "raised" || e.ID <= last {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
}

func TestEscalation(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open(ctx, t.TempDir()+"/e.db", store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	waiting := submit(t, db, tb, 1, false)
	handled := submit(t, db, tb, 1, false)
	sam := staffUser(t, db, r, "sam@example.com", "Sam", store.RoleManager)
	a, _ := db.AlertForReceipt(ctx, handled)
	if _, err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{2*time.Minute + 59*time.Second, 0}, {3 * time.Minute, 1}, {10 * time.Minute, 0}} {
		n, err := db.EscalateDue(ctx, now.Add(tc.after))
		if err != nil || n != tc.want {
			t.Fatalf("after %v: escalated %d (%v), want %d", tc.after, n, err, tc.want)
		}
	}
	esc, err := db.EscalatedAlerts(ctx, r.ID)
	if err != nil || len(esc) != 1 || esc[0].ReceiptID != waiting || !esc[0].Escalated {
		t.Fatalf("escalated: %+v, %v", esc, err)
	}
	// A restaurant with a longer threshold waits longer.
	rules := store.DefaultAlertRules()
	rules.EscalateAfter = 10 * time.Minute
	if err := db.SetAlertRules(ctx, r.ID, rules); err != nil {
		t.Fatal(err)
	}
	submit(t, db, tb, 2, false)
	if n, _ := db.EscalateDue(ctx, now.Add(5*time.Minute)); n != 0 {
		t.Fatalf("escalated after 5 minutes with a 10-minute threshold")
	}
}

func TestLogInPerson(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam", store.RoleManager)
	a, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, []string{"slow"}, "Waited 40 min for mains")
	if err != nil || a.ReceiptID != "" || a.Comment != "Waited 40 min for mains" || a.Reasons[0] != store.ReasonInPerson || a.TableLabel != "Table 4" {
		t.Fatalf("%+v, %v", a, err)
	}
	for _, bad := range []struct {
		tags []string
		note string
	}{{nil, " "}, {[]string{"food"}, "praise is not a complaint"}} {
		if _, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, bad.tags, bad.note); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}

// TestHubUnderRace subscribes, publishes and unsubscribes from many goroutines
// at once; run with -race. A subscriber that stops reading is dropped, never
// blocking the publishers.
func TestHubUnderRace(t *testing.T) {
	hub := store.NewHub()
	stop := make(chan struct{})
	var pubs, subs sync.WaitGroup
	for i := range 4 {
		pubs.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				hub.Publish(store.Event{ID: int64(j), RestaurantID: int64(i % 2), Kind: "raised"})
				runtime.Gosched()
			}
		})
	}
	for i := range 8 {
		subs.Go(func() {
			for range 50 {
				s := hub.Subscribe(int64(i%2), 4)
				if i%2 == 0 {
					for range 3 {
						select {
						case <-s.C:
						case <-time.After(5 * time.Second):
							t.Error("a subscriber waited 5 s for an event")
						}
					}
				}
				s.Close()
			}
		})
	}
	// A subscriber that never reads fills its buffer and is dropped: its
	// channel is closed once the buffered event is read.
	slow := hub.Subscribe(0, 1)
	time.Sleep(50 * time.Millisecond)
	drained := make(chan struct{})
	go func() {
		for range slow.C {
		}
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(10 * time.Second):
		t.Error("a subscriber that never read was not dropped")
		slow.Close()
	}
	subs.Wait()
	close(stop)
	pubs.Wait()
	if n := hub.Subscribers(0) + hub.Subscribers(1); n != 0 {
		t.Fatalf("%d subscriptions left behind", n)
	}
}

// TestEscalationTicker runs the ticker on a clock the test moves: an alert
// nobody acknowledged turns escalated once the clock passes the threshold,
// and the tablets hear of it.
func TestEscalationTicker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	db, err := store.Open(ctx, t.TempDir()+"/t.db", store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	submit(t, db, tb, 1, true)
	sub := db.Hub().Subscribe(r.ID, 8)
	defer sub.Close()
	done := make(chan struct{})
	go func() {
		db.RunEscalation(ctx, 5*time.Millisecond, clock, func(err error) { t.Error(err) })
		close(done)
	}()

	time.Sleep(50 * time.Millisecond) // ticks at 20:00: nothing is due
	if esc, _ := db.EscalatedAlerts(ctx, r.ID); len(esc) != 0 {
		t.Fatal("escalated before its time")
	}
	mu.Lock()
	now = now.Add(3*time.Minute + time.Second)
	mu.Unlock()
	select {
	case e := <-sub.C:
		if e.Kind != "escalated" || !e.Alert.Escalated {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no escalation after the clock passed three minutes")
	}
	cancel()
	<-done
}

// TestEventsPublishedInOrder: with diners complaining and managers
// acknowledging at once, a subscriber sees every event, in id order, so a
// stream that skips ids it has passed never skips a late one.
func TestEventsPublishedInOrder(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	sub := db.Hub().Subscribe(r.ID, 100_000)
	defer sub.Close()
	const n = 200
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				id := submit(t, db, tb, 1, true, "slow")
				if (w+i)%2 == 0 {
					if a, err := db.AlertForReceipt(ctx, id); err == nil {
						db.Acknowledge(ctx, r.ID, a.ID, sam.ID)
					}
				}
			}
		})
	}
	wg.Wait()
	last, seen := int64(0), 0
	for len(sub.C) > 0 {
		e := <-sub.C
		if e.ID <= last {
			t.Fatalf("event %d came after event %d", e.ID, last)
		}
		last, seen = e.ID, seen+1
	}
	if seen < n {
		t.Fatalf("%d events seen, want at least %d", seen, n)
	}
}
