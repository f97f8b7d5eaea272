package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestInstancesShareEvents: two instances on one PostgreSQL database. A
// complaint written by A wakes B's streams, and B reads it from the log; an
// acknowledgement by B wakes A's; a session ended on A makes B's streams
// check their viewers; and when B's listening connection is cut, B
// reconnects, wakes its streams to catch up, and hears A again.
func TestInstancesShareEvents(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only: on SQLite, one process is every instance")
	}
	ctx := context.Background()
	dsn := testDSN(t, "")
	a, b := open(t, dsn), open(t, dsn)
	r, tb := fixture(t, a)
	sam := staffUser(t, a, r, "sam@example.com", "Sam Patel", store.RoleManager)
	listening := func(db *store.DB) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !db.Listening(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the instance is not listening")
			}
		}
	}
	listening(a)
	listening(b)
	woken := func(s *store.Subscription, what string) {
		t.Helper()
		select {
		case <-s.Wake:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: not woken in 10 s", what)
		}
	}
	drain := func(s *store.Subscription) {
		for {
			select {
			case <-s.Wake:
			default:
				return
			}
		}
	}

	onB := b.Hub().Subscribe(r.ID, 0)
	defer onB.Close()
	onA := a.Hub().Subscribe(r.ID, 0)
	defer onA.Close()
	drain(onA)
	drain(onB)
	receipt, _, err := a.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 1, AtTable: true})
	if err != nil {
		t.Fatal(err)
	}
	woken(onB, "a complaint on A, a stream on B")
	events, err := b.EventsAfter(ctx, r.ID, 0, 10)
	if err != nil || len(events) != 1 || events[0].Kind != "raised" {
		t.Fatalf("B reads %+v (%v)", events, err)
	}
	alert, _ := b.AlertForReceipt(ctx, receipt)
	drain(onA)
	if err := b.Acknowledge(ctx, r.ID, alert.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	woken(onA, "an acknowledgement on B, a stream on A")
	if events, _ := a.EventsAfter(ctx, r.ID, events[0].ID, 10); len(events) != 1 || events[0].Kind != "acknowledged" {
		t.Fatalf("A reads %+v", events)
	}

	// A session ended on A: B's streams check their viewers.
	_, session, err := a.CreateSession(ctx, sam.ID, "test", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	gen := b.AccessGeneration()
	drain(onB)
	if err := a.EndSession(ctx, session.ID); err != nil {
		t.Fatal(err)
	}
	woken(onB, "a session ended on A, a stream on B")
	if b.AccessGeneration() == gen {
		t.Error("B's access generation did not move")
	}

	// B's listening connection cut: it comes back, wakes everyone, hears A.
	if n, err := b.TerminateListeners(ctx); err != nil || n == 0 {
		t.Fatalf("terminated %d listeners (%v)", n, err)
	}
	woken(onB, "B's listener back")
	listening(b)
	drain(onB)
	if _, _, err := a.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2, AtTable: true}); err != nil {
		t.Fatal(err)
	}
	woken(onB, "a complaint on A after B reconnected")
}

// TestSummaryIsTheSameOnBothEngines loads one data set (the demo's eight
// weeks, seeded from one clock) into SQLite and into PostgreSQL and compares
// every week's summary: the same figures, to the estimate.
func TestSummaryIsTheSameOnBothEngines(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only: it compares the two engines")
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var dbs [2]*store.DB
	for i, dsn := range []string{filepath.Join(t.TempDir(), "same.db"), testDSN(t, "")} {
		db, err := store.Open(ctx, dsn, store.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.SeedDemo(ctx, now); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	r, err := dbs[0].RestaurantBySlug(ctx, store.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	w := store.WeekOf(now, r.Location())
	for range 9 {
		var got [2]string
		for i, db := range dbs {
			r, _ := db.RestaurantBySlug(ctx, store.DemoSlug)
			s, err := db.Summary(ctx, []store.Restaurant{r}, w.String())
			if err != nil {
				t.Fatal(err)
			}
			s.Restaurants = nil // their ids and settings rows are each engine's
			got[i] = fmt.Sprintf("%+v", s)
		}
		if got[0] != got[1] {
			t.Errorf("%s differs:\nSQLite:     %s\nPostgreSQL: %s", w, got[0], got[1])
		}
		w = w.Prev()
	}
}

// TestOneInstanceEscalates: two instances run their escalation timers at
// the same moment: each step of an alert is escalated once, not once per
// instance.
func TestOneInstanceEscalates(t *testing.T) {
	if !onPostgres {
		t.Skip("PostgreSQL only: on SQLite, one process is every instance")
	}
	ctx := context.Background()
	dsn := testDSN(t, "")
	a, b := open(t, dsn), open(t, dsn)
	r, tb := fixture(t, a)
	for range 5 {
		if _, _, err := a.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 1, AtTable: true}); err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().Add(time.Hour)
	done := make(chan int, 2)
	for _, db := range []*store.DB{a, b} {
		go func() {
			n, err := db.EscalateDue(ctx, later)
			if err != nil {
				t.Error(err)
			}
			done <- n
		}()
	}
	total := <-done + <-done
	events, _ := a.EventsAfter(ctx, r.ID, 0, 1000)
	escalated := map[[2]int64]int{}
	for _, e := range events {
		if e.Kind == "escalated" {
			escalated[[2]int64{e.Alert.ID, int64(e.Step)}]++
		}
	}
	for k, n := range escalated {
		if n != 1 {
			t.Errorf("alert %d step %d escalated %d times", k[0], k[1], n)
		}
	}
	if total != len(escalated) || len(escalated) < 5 {
		t.Errorf("%d escalations reported, %d distinct in the log", total, len(escalated))
	}
}
