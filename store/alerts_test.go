package store_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
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
	if _, err := db.AddMembership(context.Background(), u.ID, r.ID, role); err != nil {
		t.Fatal(err)
	}
	return u
}

// follower reads a restaurant's events as a live stream does: it waits for a
// wake-up, then reads the log from the last event it saw.
type follower struct {
	db   *store.DB
	sub  *store.Subscription
	r    int64
	last int64
}

func follow(t *testing.T, db *store.DB, restaurantID, alertID int64) *follower {
	t.Helper()
	sub := db.Hub().Subscribe(restaurantID, alertID)
	t.Cleanup(sub.Close)
	last, err := db.LastEventID(context.Background(), restaurantID)
	if err != nil {
		t.Fatal(err)
	}
	return &follower{db: db, sub: sub, r: restaurantID, last: last}
}

// next returns the events committed since the last call, waiting up to wait
// for at least want of them; it checks that each names the one before it.
func (f *follower) next(t *testing.T, want int, wait time.Duration) []store.Event {
	t.Helper()
	var got []store.Event
	deadline := time.After(wait)
	for len(got) < want {
		select {
		case <-f.sub.Wake:
		case <-deadline:
			return got
		}
		for {
			evs, err := f.db.EventsAfter(context.Background(), f.r, f.last, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.Prev != f.last {
					t.Fatalf("event %d says the one before it was %d, but the last seen was %d", e.ID, e.Prev, f.last)
				}
				f.last = e.ID
			}
			got = append(got, evs...)
			if len(evs) < 100 {
				break
			}
		}
	}
	return got
}

// floorFixture is a restaurant with a table, Sam Patel on its staff, and a
// follower of its events.
func floorFixture(t *testing.T) (*store.DB, store.Restaurant, store.Table, store.User, *follower) {
	t.Helper()
	db := open(t, "")
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	return db, r, tb, sam, follow(t, db, r.ID, 0)
}

// quiet checks that nothing more was published.
func (f *follower) quiet(t *testing.T) {
	t.Helper()
	if evs := f.next(t, 1, 20*time.Millisecond); len(evs) > 0 {
		t.Fatalf("unexpected events: %+v", evs)
	}
}

func TestAlertsRaisedAcknowledgedResolved(t *testing.T) {
	ctx := context.Background()
	db, r, tb, sam, f := floorFixture(t)

	happy := submit(t, db, tb, 5, false, "food")
	hair := submit(t, db, tb, 4, false, "foreign-object")
	if _, err := db.AlertForReceipt(ctx, happy); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a happy guest raised an alert: %v", err)
	}
	a, err := db.AlertForReceipt(ctx, hair)
	if err != nil || a.State != store.StateOpen || a.TableLabel != "Table 4" || a.Rating != 4 || a.Reasons[0] != store.ReasonUrgent {
		t.Fatalf("alert %+v, %v", a, err)
	}
	if evs := f.next(t, 1, 5*time.Second); len(evs) != 1 || evs[0].Kind != "raised" || evs[0].Alert.ID != a.ID {
		t.Fatalf("events %+v", evs)
	}

	if err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if ack, _ := db.AlertByID(ctx, r.ID, a.ID); ack.State != store.StateAcknowledged || ack.AckBy != "Sam Patel" {
		t.Fatalf("acknowledged: %+v", ack)
	}
	if err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil { // a second tablet taps too
		t.Fatal(err)
	}
	stranger, _ := db.CreateUser(ctx, "stranger@example.com", "Stranger", "correct horse battery")
	if err := db.Acknowledge(ctx, r.ID, a.ID, stranger.ID); store.ErrorCode(err) != store.EInvalid {
		t.Fatalf("someone not on the staff was sent: %v", err)
	}
	for _, bad := range []store.Resolution{
		{Outcome: "shrug"},
		{Outcome: store.OutcomeCompedBill},
		{Outcome: store.OutcomeApologised, Amount: store.Money{Minor: 500, Currency: "USD"}},
		{Outcome: store.OutcomeFollowUp, FollowUpWho: "ana@example.com"},
	} {
		if err := db.Resolve(ctx, r.ID, a.ID, sam.ID, bad); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("resolution %+v: err = %v, want invalid", bad, err)
		}
	}
	if err := db.Resolve(ctx, r.ID, a.ID, sam.ID, store.Resolution{Outcome: store.OutcomeCompedBill, Amount: store.Money{Minor: 4250, Currency: "USD"}, Note: "Apologised, new salad"}); err != nil {
		t.Fatal(err)
	}
	if done, _ := db.AlertByID(ctx, r.ID, a.ID); done.State != store.StateResolved || done.Amount.Minor != 4250 || done.ResolvedBy != "Sam Patel" {
		t.Fatalf("resolved: %+v", done)
	}
	evs := f.next(t, 2, 5*time.Second)
	if len(evs) != 2 || evs[0].Kind != "acknowledged" || evs[1].Kind != "resolved" {
		t.Fatalf("events %+v", evs)
	}
	f.quiet(t) // the repeated acknowledgement published nothing
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other"})
	staffUser(t, db, other, "olga@example.com", "Olga", store.RoleManager)
	if err := db.Acknowledge(ctx, other.ID, a.ID, sam.ID); store.ErrorCode(err) != store.EInvalid {
		t.Fatalf("another restaurant's staff acknowledged it: %v", err)
	}
	olga, _ := db.UserByEmail(ctx, "olga@example.com")
	if err := db.Acknowledge(ctx, other.ID, a.ID, olga.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another restaurant acknowledged it: %v", err)
	}
}

func TestEventsAfterReadsWhatWasMissed(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other"})
	otherTable, _ := db.CreateTable(ctx, other.ID, "Table 9")
	submit(t, db, tb, 1, true)
	last, err := db.LastEventID(ctx, r.ID)
	if err != nil || last == 0 {
		t.Fatalf("last event %d, %v", last, err)
	}
	var want []string
	for range 3 {
		want = append(want, submit(t, db, tb, 2, false))
		submit(t, db, otherTable, 1, false) // interleaved ids of another restaurant
	}
	evs, err := db.EventsAfter(ctx, r.ID, last, 100)
	if err != nil || len(evs) != 3 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	prev := last
	for i, e := range evs {
		if e.Alert.ReceiptID != want[i] || e.Kind != "raised" || e.Prev != prev || e.RestaurantID != r.ID {
			t.Fatalf("event %d: %+v (prev %d)", i, e, prev)
		}
		prev = e.ID
	}
	if n, err := db.CountEventsAfter(ctx, r.ID, last, 2); err != nil || n != 2 {
		t.Fatalf("counted %d up to 2, %v", n, err)
	}
	if evs, _ := db.EventsAfter(ctx, r.ID, last, 2); len(evs) != 2 {
		t.Fatalf("a batch of 2 read %d", len(evs))
	}
}

// TestCommittedEventsSurviveCancellation cancels the request's context between
// the commit and publishing, on every path that writes floor events: the
// caller is told it worked, and the event reaches a stream.
func TestCommittedEventsSurviveCancellation(t *testing.T) {
	db, r, tb, sam, f := floorFixture(t)
	ids := map[string]int64{}
	for _, tc := range []struct {
		kind  store.EventKind
		write func(ctx context.Context) error
	}{
		{"raised", func(ctx context.Context) error {
			_, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(),
				Rating: 1, AtTable: true})
			return err
		}},
		{"raised", func(ctx context.Context) error {
			id, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, store.NewToken(), []string{"slow"}, "Told at the bar")
			ids["in-person"] = id
			return err
		}},
		{"acknowledged", func(ctx context.Context) error { return db.Acknowledge(ctx, r.ID, ids["in-person"], sam.ID) }},
		{"resolved", func(ctx context.Context) error {
			return db.Resolve(ctx, r.ID, ids["in-person"], sam.ID, store.Resolution{Outcome: store.OutcomeApologised})
		}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		db.SetAfterCommit(cancel)
		err := tc.write(ctx)
		db.SetAfterCommit(nil)
		if err != nil {
			t.Fatalf("%s: the write committed but answered %v", tc.kind, err)
		}
		if ctx.Err() == nil {
			t.Fatalf("%s: the hook never ran", tc.kind)
		}
		if evs := f.next(t, 1, 5*time.Second); len(evs) != 1 || evs[0].Kind != tc.kind {
			t.Fatalf("%s: a stream read %+v", tc.kind, evs)
		}
	}
	// A context cancelled before the write does not stop a write that has
	// begun either: a manager's tap that reached the server counts.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, store.NewToken(), nil, "Told at the door"); err != nil {
		t.Fatalf("in person, cancelled: %v", err)
	}
	if evs := f.next(t, 1, 5*time.Second); len(evs) != 1 {
		t.Fatalf("read %+v", evs)
	}
}

func TestEscalation(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open(ctx, testDSN(t, "e.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	waiting := submit(t, db, tb, 1, false)
	handled := submit(t, db, tb, 1, false)
	sam := staffUser(t, db, r, "sam@example.com", "Sam", store.RoleManager)
	a, _ := db.AlertForReceipt(ctx, handled)
	if err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	// Steps at 3, 6, 9, 18, 27 … 54 minutes; one overdue by several steps
	// jumps to the furthest, in one event.
	for _, tc := range []struct {
		after time.Duration
		want  int // events made
		step  int // the waiting alert's step after
	}{
		{2*time.Minute + 59*time.Second, 0, 0}, {3 * time.Minute, 1, 1}, {5*time.Minute + 59*time.Second, 0, 1},
		{10 * time.Minute, 1, 3}, {17 * time.Minute, 0, 3}, {2 * time.Hour, 1, store.MaxEscalationSteps}, {3 * time.Hour, 0, store.MaxEscalationSteps},
	} {
		n, err := db.EscalateDue(ctx, now.Add(tc.after))
		w, _ := db.AlertForReceipt(ctx, waiting)
		if err != nil || n != tc.want || w.EscalationStep != tc.step {
			t.Fatalf("after %v: %d events (%v), step %d; want %d, step %d", tc.after, n, err, w.EscalationStep, tc.want, tc.step)
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
	db, r, tb, sam, f := floorFixture(t)
	key := store.NewToken()
	id, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, key, []string{"slow"}, "Waited 40 min for mains")
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.AlertByID(ctx, r.ID, id)
	if err != nil || a.ReceiptID != "" || a.Comment != "Waited 40 min for mains" || a.Reasons[0] != store.ReasonInPerson || a.TableLabel != "Table 4" {
		t.Fatalf("%+v, %v", a, err)
	}
	// The same form sent again, after a dropped connection, logs nothing new.
	again, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, key, []string{"slow"}, "Waited 40 min for mains")
	if err != nil || again != id {
		t.Fatalf("resent: alert %d (%v), want %d", again, err, id)
	}
	if evs := f.next(t, 2, 100*time.Millisecond); len(evs) != 1 {
		t.Fatalf("%d events for one complaint sent twice", len(evs))
	}
	for _, bad := range []struct {
		key  string
		tags []string
		note string
	}{{store.NewToken(), nil, " "}, {store.NewToken(), []string{"food"}, "praise is not a complaint"}, {"", nil, "no key"}} {
		if _, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, bad.key, bad.tags, bad.note); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}

// TestHubUnderRace subscribes, publishes and unsubscribes from many goroutines
// at once; run with -race. Publishing never blocks, and a subscriber that
// stops reading is never dropped: it finds one wake-up waiting when it looks.
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
				hub.Publish(store.Notice{ID: int64(j), RestaurantID: int64(i % 2), AlertID: int64(j % 3)})
				runtime.Gosched()
			}
		})
	}
	for i := range 8 {
		subs.Go(func() {
			for range 50 {
				s := hub.Subscribe(int64(i%2), int64(i%3))
				for range 3 {
					select {
					case <-s.Wake:
					case <-time.After(5 * time.Second):
						t.Error("a subscriber waited 5 s for a wake-up")
					}
				}
				s.Close()
				s.Close() // twice is harmless
			}
		})
	}
	slow := hub.Subscribe(0, 0)
	subs.Wait()
	close(stop)
	pubs.Wait()
	hub.Publish(store.Notice{ID: 1, RestaurantID: 0}) // at least one since slow subscribed, however the race ran
	select {
	case <-slow.Wake:
	default:
		t.Fatal("a subscriber that never read lost its wake-up")
	}
	slow.Close()
	if n := hub.Subscribers(0) + hub.Subscribers(1); n != 0 {
		t.Fatalf("%d subscriptions left behind", n)
	}
	// One alert's subscriber hears only of that alert.
	one := hub.Subscribe(1, 7)
	defer one.Close()
	hub.Publish(store.Notice{ID: 1, RestaurantID: 1, AlertID: 8}, store.Notice{ID: 2, RestaurantID: 2, AlertID: 7})
	select {
	case <-one.Wake:
		t.Fatal("woken by another alert")
	default:
	}
	hub.Publish(store.Notice{ID: 3, RestaurantID: 1, AlertID: 7})
	select {
	case <-one.Wake:
	default:
		t.Fatal("not woken by its own alert")
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
	ticks := 0 // how often the ticker read the clock
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); ticks++; return now }
	db, err := store.Open(ctx, testDSN(t, "t.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	submit(t, db, tb, 1, true)
	f := follow(t, db, r.ID, 0)
	done := make(chan struct{})
	go func() {
		db.RunEscalation(ctx, 5*time.Millisecond, clock, func(err error) { t.Error(err) })
		close(done)
	}()

	// Wait for three ticks at 20:00 (each reads the clock, as does each write):
	// nothing is due yet.
	mu.Lock()
	start := ticks
	mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); ; {
		mu.Lock()
		n := ticks - start
		mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ticker did not tick")
		}
		runtime.Gosched()
	}
	if esc, _ := db.EscalatedAlerts(ctx, r.ID); len(esc) != 0 {
		t.Fatal("escalated before its time")
	}
	mu.Lock()
	now = now.Add(3*time.Minute + time.Second)
	mu.Unlock()
	if evs := f.next(t, 1, 5*time.Second); len(evs) != 1 || evs[0].Kind != "escalated" || !evs[0].Alert.Escalated {
		t.Fatalf("after the clock passed three minutes: %+v", evs)
	}
	cancel()
	<-done
}

// TestStreamsSeeEveryEvent: with diners complaining and managers
// acknowledging at once, a stream that follows wake-ups and reads the log sees
// every event once, in id order, each naming the one before it.
func TestStreamsSeeEveryEvent(t *testing.T) {
	ctx := context.Background()
	db, r, tb, sam, f := floorFixture(t)
	const n = 200
	var acks atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				id := submit(t, db, tb, 1, true, "slow")
				if (w+i)%2 == 0 {
					if a, err := db.AlertForReceipt(ctx, id); err == nil && db.Acknowledge(ctx, r.ID, a.ID, sam.ID) == nil {
						acks.Add(1)
					}
				}
			}
		})
	}
	var seen []store.Event
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for want := n + n/2; len(seen) < want; {
		evs := f.next(t, 1, 10*time.Second) // next checks the chain of ids
		if len(evs) == 0 {
			t.Fatalf("%d events seen, want %d", len(seen), want)
		}
		seen = append(seen, evs...)
	}
	<-done
	seen = append(seen, f.next(t, 1, 50*time.Millisecond)...)
	if want := n + int(acks.Load()); len(seen) != want {
		t.Fatalf("%d events seen, want %d", len(seen), want)
	}
}

// TestUndoResolve: a resolution taken back leaves the alert as it was before
// it (open when nobody had gone, so it escalates again; acknowledged by whoever
// had), its outcome and comp cleared, and its history with both events; a
// second undo changes nothing, and past the window it is refused.
func TestUndoResolve(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	wait := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	db, err := store.Open(ctx, testDSN(t, "u.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	f := follow(t, db, r.ID, 0)
	comp := store.Resolution{Outcome: store.OutcomeCompedBill, Amount: store.Money{Minor: 1250, Currency: r.Currency}, Note: "sorry"}

	nobody, _ := db.AlertForReceipt(ctx, submit(t, db, tb, 1, true))
	if err := db.Resolve(ctx, r.ID, nobody.ID, sam.ID, comp); err != nil {
		t.Fatal(err)
	}
	wait(10 * time.Second)
	if err := db.UndoResolve(ctx, r.ID, nobody.ID); err != nil {
		t.Fatal(err)
	}
	a, _ := db.AlertByID(ctx, r.ID, nobody.ID)
	if a.State != store.StateOpen || a.AckBy != "" || !a.AckAt.IsZero() || a.Outcome != "" || a.Amount.Minor != 0 || a.Note != "" || a.ResolvedBy != "" {
		t.Fatalf("undone, nobody had gone: %+v", a)
	}
	if err := db.UndoResolve(ctx, r.ID, nobody.ID); err != nil { // a second tap
		t.Fatal(err)
	}
	if evs := f.next(t, 3, 5*time.Second); len(evs) != 3 || evs[0].Kind != "raised" || evs[1].Kind != "resolved" || evs[2].Kind != store.EventReopened {
		t.Fatalf("history %+v", evs)
	}
	f.quiet(t)
	if due, err := db.EscalateDue(ctx, now.Add(4*time.Minute)); err != nil || due == 0 {
		t.Fatalf("the reopened alert did not escalate: %d %v", due, err)
	}

	went, _ := db.AlertForReceipt(ctx, submit(t, db, tb, 2, true))
	if err := db.Acknowledge(ctx, r.ID, went.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Resolve(ctx, r.ID, went.ID, sam.ID, comp); err != nil {
		t.Fatal(err)
	}
	if err := db.UndoResolve(ctx, r.ID, went.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.AlertByID(ctx, r.ID, went.ID); a.State != store.StateAcknowledged || a.AckBy != "Sam Patel" || a.Amount.Minor != 0 {
		t.Fatalf("undone, Sam had gone: %+v", a)
	}

	if err := db.Resolve(ctx, r.ID, went.ID, sam.ID, comp); err != nil {
		t.Fatal(err)
	}
	wait(store.UndoWindow + time.Second)
	if err := db.UndoResolve(ctx, r.ID, went.ID); store.ErrorCode(err) != store.EInvalid {
		t.Fatalf("an undo past the window: %v", err)
	}
	if a, _ := db.AlertByID(ctx, r.ID, went.ID); a.State != store.StateResolved || a.Amount.Minor != 1250 {
		t.Fatalf("a refused undo changed the alert: %+v", a)
	}
	if err := db.UndoResolve(ctx, r.ID+100, went.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another restaurant's undo: %v", err)
	}
}
