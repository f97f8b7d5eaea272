package notify_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/cmd/tableside/internal/notify"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/store/storetest"
)

// TestTwoInstancesNotifyOnce: two instances (two stores, two notifiers) on
// one PostgreSQL database, 200 complaints made on both, both planners and
// senders woken together, a JSON webhook and a phone: exactly 200 webhook
// deliveries and 200 pushes, each once; then, both escalating at once,
// each alert's first escalation step happens once.
func TestTwoInstancesNotifyOnce(t *testing.T) {
	dsn := storetest.NewPostgres(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)}
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn, store.WithClock(c.now), store.WithPasswordCost(bcrypt.MinCost))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	r, err := a.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/London", Currency: "GBP"})
	if err != nil {
		t.Fatal(err)
	}
	table, _ := a.CreateTable(ctx, r.ID, "Table 4")
	sam, _ := a.CreateUser(ctx, "sam@example.com", "Sam Patel", "correct horse battery")
	if _, err := a.AddMembership(ctx, sam.ID, r.ID, store.RoleManager); err != nil {
		t.Fatal(err)
	}
	notifier := func(db *store.DB) *notify.Notifier {
		n, err := notify.New(ctx, notify.Config{Subject: subject, Guard: notify.Guard{AllowPrivate: true}, Workers: 8},
			db, slog.New(slog.NewTextHandler(io.Discard, nil)), c.now)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	na, nb := notifier(a), notifier(b)
	p := newPhone(t, na.PublicKey(), subject, c.now)
	_, session, _ := a.CreateSession(ctx, sam.ID, "Chrome", "203.0.113.5")
	sub := p.subscription(sam.ID, r.ID)
	sub.SessionID = session.ID
	if _, err := a.SavePushSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	hook := newHookReceiver(t, c.now)
	w, err := a.AddWebhook(ctx, r.ID, hook.srv.URL, store.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	hook.secret = w.Secret

	// 200 complaints, half through each instance, while both plan and send.
	stop := make(chan struct{})
	var workers sync.WaitGroup
	for _, n := range []*notify.Notifier{na, nb} {
		workers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := n.Plan(ctx); err != nil {
					t.Error(err)
				}
				if _, err := n.DeliverDue(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	var diners sync.WaitGroup
	for i := range 200 {
		db := a
		if i%2 == 1 {
			db = b
		}
		diners.Go(func() {
			if _, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: table.Token, IdempotencyKey: store.NewToken(),
				Rating: 1, AtTable: true, Comment: "Cold soup"}); err != nil {
				t.Error(err)
			}
		})
	}
	diners.Wait()
	for deadline := time.Now().Add(60 * time.Second); len(hook.got()) < 200 || len(p.received()) < 200; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			break
		}
	}
	time.Sleep(300 * time.Millisecond) // anything sent twice would arrive by now
	close(stop)
	workers.Wait()
	hookIDs, alerts := map[string]int{}, map[int64]int{}
	for _, at := range hook.got() {
		hookIDs[at.ID]++
	}
	for _, m := range p.received() {
		alerts[m.Alert]++
	}
	if len(hook.got()) != 200 || len(hookIDs) != 200 || len(p.received()) != 200 || len(alerts) != 200 {
		t.Fatalf("200 complaints on two instances: %d webhook deliveries (%d ids), %d pushes (%d alerts); want 200 of each, each once",
			len(hook.got()), len(hookIDs), len(p.received()), len(alerts))
	}

	// Both instances escalate at once: each alert's first step happens once.
	c.set(c.now().Add(3 * time.Minute))
	var escalated [2]int
	var both sync.WaitGroup
	for i, db := range []*store.DB{a, b} {
		both.Go(func() {
			n, err := db.EscalateDue(ctx, c.now())
			if err != nil {
				t.Error(err)
			}
			escalated[i] = n
		})
	}
	both.Wait()
	evs, err := a.EventsAfter(ctx, r.ID, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	steps := map[int64]int{}
	for _, e := range evs {
		if e.Kind == store.EventEscalated {
			steps[e.Alert.ID]++
		}
	}
	if len(steps) != 200 || escalated[0]+escalated[1] != 200 {
		t.Fatalf("escalations: %d alerts escalated, %d+%d reported; want 200", len(steps), escalated[0], escalated[1])
	}
	for id, n := range steps {
		if n != 1 {
			t.Fatalf("alert %d escalated %d times", id, n)
		}
	}
	t.Logf("two instances: 200 complaints, 200 webhook deliveries, 200 pushes, 200 escalations (%d by one, %d by the other)", escalated[0], escalated[1])
}
