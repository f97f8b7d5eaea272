package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestOutboxClaims: a delivery is claimed only when due, once per lease
// (each claim an attempt), and at most perTarget at once for a target,
// counting those already being sent; a retry keeps its message ID; a
// message planned twice is one delivery.
func TestOutboxClaims(t *testing.T) {
	db, clock := clockDB(t) // rows are stamped at the test's time, not the wall clock's
	*clock = time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	now := *clock
	ctx := context.Background()
	r, _ := fixture(t, db)
	dead, alive := store.Target{Channel: store.ChannelWebhook, ID: 1}, store.Target{Channel: store.ChannelWebhook, ID: 2}
	var ds []store.Delivery
	for i := range 5 {
		ds = append(ds, store.Delivery{Channel: dead.Channel, TargetID: dead.ID, RestaurantID: r.ID, MessageID: "msg_dead_" + string(rune('a'+i)), Payload: "{}"})
	}
	ds = append(ds, store.Delivery{Channel: alive.Channel, TargetID: alive.ID, RestaurantID: r.ID, MessageID: "msg_alive", Payload: "{}"},
		store.Delivery{Channel: alive.Channel, TargetID: alive.ID, RestaurantID: r.ID, MessageID: "msg_later", Payload: "{}", NextAt: now.Add(time.Hour)})
	if err := db.Enqueue(ctx, ds); err != nil {
		t.Fatal(err)
	}
	// A message planned again (another instance) is not a second delivery.
	if err := db.Enqueue(ctx, ds[:1]); err != nil {
		t.Fatal(err)
	}

	// One of the dead target's is being sent already: one more of its, and
	// the live one's that is due, not the one due in an hour.
	got, err := db.ClaimDeliveries(ctx, now, time.Minute, 10, 2, map[store.Target]int{dead: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MessageID != "msg_dead_a" || got[1].MessageID != "msg_alive" || got[0].Attempts != 1 {
		t.Fatalf("claimed %+v", got)
	}
	// Claimed is leased: not claimed again within the lease.
	again, err := db.ClaimDeliveries(ctx, now.Add(30*time.Second), time.Minute, 10, 0, nil)
	if err != nil || len(again) != 4 {
		t.Fatalf("within the lease: %d claimed (%v), want the dead target's other 4", len(again), err)
	}
	for _, d := range again {
		if d.MessageID == "msg_dead_a" || d.MessageID == "msg_alive" {
			t.Fatalf("claimed twice within the lease: %+v", d)
		}
	}
	// A failure is retried later, with the same message ID and a new attempt.
	if err := db.RetryDelivery(ctx, got[1].ID, now.Add(10*time.Second), 503, "down"); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishDelivery(ctx, got[0].ID, store.DeliverySent, 200, ""); err != nil {
		t.Fatal(err)
	}
	retry, err := db.ClaimDeliveries(ctx, now.Add(10*time.Second), time.Minute, 10, 2, nil)
	if err != nil || len(retry) != 1 || retry[0].MessageID != "msg_alive" || retry[0].Attempts != 2 || retry[0].LastCode != 503 {
		t.Fatalf("the retry: %+v (%v)", retry, err)
	}
	// The limit holds.
	if more, err := db.ClaimDeliveries(ctx, now.Add(2*time.Hour), time.Minute, 3, 0, nil); err != nil || len(more) != 3 {
		t.Fatalf("limit 3: claimed %d (%v)", len(more), err)
	}
	log, err := db.Deliveries(ctx, store.ChannelWebhook, dead.ID, 10)
	if err != nil || len(log) != 5 || log[4].Status != store.DeliverySent || log[0].MessageID != "msg_dead_e" {
		t.Fatalf("the dead target's log, newest first: %+v (%v)", log, err)
	}
}
