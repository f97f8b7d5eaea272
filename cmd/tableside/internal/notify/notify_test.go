package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/cmd/tableside/internal/notify"
	"github.com/tableside/tableside/store"
)

const subject = "mailto:ops@example.com"

// clock is a test's one clock, which it moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// world is a restaurant with a table, a manager and an owner, a store and a
// notifier on one clock.
type world struct {
	t       *testing.T
	ctx     context.Context
	clock   *clock
	db      *store.DB
	file    string
	n       *notify.Notifier
	r       store.Restaurant
	table   store.Table
	manager store.User
	owner   store.User
}

func newWorld(t *testing.T, cfg notify.Config) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)}
	file := filepath.Join(t.TempDir(), "n.db")
	db, err := store.Open(ctx, file, store.WithClock(c.now), store.WithPasswordCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{t: t, ctx: ctx, clock: c, db: db, file: file}
	if w.r, err = db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/London", Currency: "GBP"}); err != nil {
		t.Fatal(err)
	}
	w.table, _ = db.CreateTable(ctx, w.r.ID, "Table 4")
	w.manager = w.user("sam@example.com", "Sam Patel", store.RoleManager)
	w.owner = w.user("olu@example.com", "Olu Owner", store.RoleOwner)
	cfg.Subject = subject
	cfg.Guard.AllowPrivate = true // the receivers are httptest servers on 127.0.0.1
	if w.n, err = notify.New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), c.now); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) user(email, name string, role store.Role) store.User {
	w.t.Helper()
	u, err := w.db.CreateUser(w.ctx, email, name, "correct horse battery")
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.db.AddMembership(w.ctx, u.ID, w.r.ID, role); err != nil {
		w.t.Fatal(err)
	}
	return u
}

// phone is a phone that u signed in on and subscribed to the restaurant's
// pushes; its session is p.session.
func (w *world) phone(u store.User) *phone {
	w.t.Helper()
	p := newPhone(w.t, w.n.PublicKey(), subject, w.clock.now)
	_, s, err := w.db.CreateSession(w.ctx, u.ID, "Mozilla/5.0 (Linux; Android 14) Chrome/131.0", "203.0.113.5")
	if err != nil {
		w.t.Fatal(err)
	}
	sub := p.subscription(u.ID, w.r.ID)
	sub.SessionID, p.session = s.ID, s.ID
	if _, err := w.db.SavePushSubscription(w.ctx, sub); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// complain is a diner at the table rating 1 with the given tags.
func (w *world) complain(comment string, tags ...string) store.Alert {
	w.t.Helper()
	receipt, _, err := w.db.CreateResponse(w.ctx, store.NewResponse{TableToken: w.table.Token, IdempotencyKey: store.NewToken(),
		Rating: 1, AtTable: true, Comment: comment, Tags: tags})
	if err != nil {
		w.t.Fatal(err)
	}
	a, err := w.db.AlertForReceipt(w.ctx, receipt)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// slackHooks gives the restaurant a Slack webhook to each receiver.
func (w *world) slackHooks(hs ...*hookReceiver) {
	w.t.Helper()
	for _, h := range hs {
		hook, err := w.db.AddWebhook(w.ctx, w.r.ID, h.srv.URL, store.FormatSlack)
		if err != nil {
			w.t.Fatal(err)
		}
		h.secret = hook.Secret
	}
}

// runInBackground runs the notifier as the server does, until the returned
// stop is called (which waits for it to end).
func (w *world) runInBackground() (stop func()) {
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() { w.n.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// run plans and sends what is due at the clock's time.
func (w *world) run() {
	w.t.Helper()
	if _, err := w.n.Plan(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.n.DeliverDue(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

// at moves the clock to after since t0, escalates what is due and runs.
func (w *world) at(t0 time.Time, after time.Duration) {
	w.t.Helper()
	w.clock.set(t0.Add(after))
	if _, err := w.db.EscalateDue(w.ctx, w.clock.now()); err != nil {
		w.t.Fatal(err)
	}
	w.run()
}

// TestPushReachesAPhone: a complaint reaches the manager's phone as an
// encrypted Web Push message the phone can read, signed with the server's
// VAPID key, naming the table and the reason in plain words; an urgent one
// says so to the push service.
func TestPushReachesAPhone(t *testing.T) {
	w := newWorld(t, notify.Config{})
	p := w.phone(w.manager)
	a := w.complain("There is a hair in my soup", "foreign-object")
	w.run()
	got := p.received()
	if len(got) != 1 {
		t.Fatalf("%d messages on the phone, want 1", len(got))
	}
	m := got[0]
	for _, want := range []string{"Table 4", "urgent", "still at the table"} {
		if !strings.Contains(m.Title, want) {
			t.Errorf("the title %q lacks %q", m.Title, want)
		}
	}
	if !strings.Contains(m.Body, "hair in my soup") || !strings.Contains(m.Body, "Something in my food") || !strings.Contains(m.Body, "waiting") {
		t.Errorf("the body %q", m.Body)
	}
	if !m.Urgent || m.Urgency != "high" || m.Alert != a.ID || m.Tag == "" || m.Topic != m.Tag || !strings.Contains(m.URL, "/floor?r=harbour#alert-") {
		t.Errorf("message %+v", m)
	}
	// An ordinary complaint is not urgent.
	w.complain("Slow", "slow")
	w.run()
	if got := p.received(); len(got) != 2 || got[1].Urgency != "normal" || got[1].Urgent {
		t.Fatalf("the second message: %+v", got)
	}
	// Nothing twice: planning again finds nothing new.
	w.run()
	if got := p.received(); len(got) != 2 {
		t.Fatalf("%d messages after planning again", len(got))
	}
}

// TestPendingPushesSurviveARestart: the server dies after a complaint is
// stored but before its push is planned, and another after its push is
// claimed but before it is sent. The next process, on the same database,
// sends both, each once: the first at once, the claimed one when its lease
// is over.
func TestPendingPushesSurviveARestart(t *testing.T) {
	w := newWorld(t, notify.Config{})
	p := w.phone(w.manager)
	first := w.complain("Cold soup")
	if _, err := w.n.Plan(w.ctx); err != nil {
		t.Fatal(err)
	}
	if claimed, err := w.db.ClaimDeliveries(w.ctx, w.clock.now(), time.Minute, 10, 0, nil); err != nil || len(claimed) != 1 {
		t.Fatalf("claimed %d (%v)", len(claimed), err)
	}
	second := w.complain("Nobody has come") // and the process dies

	db, err := store.Open(w.ctx, w.file, store.WithClock(w.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := notify.New(w.ctx, notify.Config{Subject: subject, Guard: notify.Guard{AllowPrivate: true}}, db,
		slog.New(slog.NewTextHandler(io.Discard, nil)), w.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	if n.PublicKey() != w.n.PublicKey() {
		t.Fatal("the VAPID key changed across a restart: every phone would have to subscribe again")
	}
	deliver := func() {
		if _, err := n.Plan(w.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := n.DeliverDue(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	deliver()
	if got := p.received(); len(got) != 1 || got[0].Alert != second.ID {
		t.Fatalf("after the restart: %+v, want the unplanned alert's push", got)
	}
	w.clock.set(w.clock.now().Add(61 * time.Second))
	deliver()
	deliver()
	if got := p.received(); len(got) != 2 || got[1].Alert != first.ID {
		t.Fatalf("after the lease: %+v, want the claimed alert's push, once", got)
	}
}

// TestEscalationRenotifies drives the escalation with the test's clock: the
// managers at once and again at 3 minutes, the owners at 6, everyone at 9
// with an email to owners who have no phone, and nothing once someone is on
// the way.
func TestEscalationRenotifies(t *testing.T) {
	w := newWorld(t, notify.Config{})
	managerPhone, ownerPhone := w.phone(w.manager), w.phone(w.owner)
	t0 := w.clock.now()
	a := w.complain("Cold soup")
	w.run()
	count := func(when string, manager, owner int) {
		t.Helper()
		if m, o := len(managerPhone.received()), len(ownerPhone.received()); m != manager || o != owner {
			t.Fatalf("%s: the manager's phone has %d messages, the owner's %d; want %d and %d", when, m, o, manager, owner)
		}
	}
	count("at once", 1, 0)
	w.at(t0, 2*time.Minute+59*time.Second)
	count("at 2:59", 1, 0)
	w.at(t0, 3*time.Minute)
	count("at 3:00", 2, 0)
	if last := managerPhone.received()[1]; !strings.HasPrefix(last.Title, "Still waiting") || last.Urgency != "high" {
		t.Fatalf("the escalation's push: %+v", last)
	}
	w.at(t0, 6*time.Minute)
	count("at 6:00", 2, 1)
	w.at(t0, 9*time.Minute)
	count("at 9:00", 3, 2)
	history, err := w.db.EventsAfter(w.ctx, w.r.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, e := range history {
		if e.Kind == "escalated" {
			steps = append(steps, e.Step)
		}
	}
	if len(steps) != 3 || steps[0] != 1 || steps[2] != 3 {
		t.Fatalf("the alert's history has escalation steps %v", steps)
	}
	if err := w.db.Acknowledge(w.ctx, w.r.ID, a.ID, w.manager.ID); err != nil {
		t.Fatal(err)
	}
	w.at(t0, 18*time.Minute)
	count("after On my way", 3, 2)
}

// TestQuietHoursAndLevels: a manager in quiet hours, or one who asked for
// urgent alerts only, is not pushed an ordinary complaint.
func TestQuietHoursAndLevels(t *testing.T) {
	w := newWorld(t, notify.Config{})
	quiet, picky := w.phone(w.manager), w.phone(w.user("jo@example.com", "Jo", store.RoleManager))
	jo, _ := w.db.UserByEmail(w.ctx, "jo@example.com")
	// 19:00 UTC is 19:00 in London in November: quiet from 18:00 to 02:00.
	if err := w.db.SetNotifyPrefs(w.ctx, w.manager.ID, w.r.ID, store.NotifyPrefs{Level: store.NotifyAll, QuietFrom: 18 * 60, QuietTo: 2 * 60}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetNotifyPrefs(w.ctx, jo.ID, w.r.ID, store.NotifyPrefs{Level: store.NotifyUrgent}); err != nil {
		t.Fatal(err)
	}
	w.complain("Slow", "slow")
	w.run()
	if len(quiet.received()) != 0 || len(picky.received()) != 0 {
		t.Fatal("pushed to a manager in quiet hours, or an ordinary alert to one who wants urgent ones")
	}
	w.complain("Peanuts in my salad", "allergy")
	w.run()
	if len(quiet.received()) != 0 || len(picky.received()) != 1 {
		t.Fatalf("the urgent alert: quiet %d, picky %d", len(quiet.received()), len(picky.received()))
	}
}

// TestGoneSubscriptionIsForgotten: a push service that answers 410 (or 404)
// has forgotten the phone: its subscription is deleted and nothing is sent
// to it again.
func TestGoneSubscriptionIsForgotten(t *testing.T) {
	w := newWorld(t, notify.Config{})
	p := w.phone(w.manager)
	p.answer(http.StatusGone)
	w.complain("Cold soup")
	w.run()
	if subs, _ := w.db.PushSubscriptions(w.ctx, w.manager.ID, w.r.ID); len(subs) != 0 {
		t.Fatalf("a subscription the push service forgot is still there: %+v", subs)
	}
	p.answer(http.StatusCreated)
	w.complain("Cold tea")
	w.run()
	if got := p.received(); len(got) != 0 {
		t.Fatalf("%d messages to a forgotten subscription", len(got))
	}
}

// TestWebhookRetriesWithTheSameID: a receiver that fails once is tried again
// within 10 s with the same webhook-id and a valid signature; every
// attempt is signed after the Standard Webhooks specification.
func TestWebhookRetriesWithTheSameID(t *testing.T) {
	w := newWorld(t, notify.Config{})
	h := newHookReceiver(t, w.clock.now)
	hook, err := w.db.AddWebhook(w.ctx, w.r.ID, h.srv.URL+"/hooks/tableside", store.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	h.secret = hook.Secret
	if !strings.HasPrefix(hook.Secret, "whsec_") {
		t.Fatalf("secret %q", hook.Secret)
	}
	h.fail = 1
	a := w.complain("Cold soup", "cold-food")
	w.run()
	if got := h.got(); len(got) != 1 {
		t.Fatalf("%d attempts at once", len(got))
	}
	w.clock.set(w.clock.now().Add(9 * time.Second))
	w.run()
	if got := h.got(); len(got) != 1 {
		t.Fatalf("retried before its backoff: %d attempts", len(got))
	}
	w.clock.set(w.clock.now().Add(2 * time.Second))
	w.run()
	got := h.got()
	if len(got) != 2 || got[0].ID != got[1].ID || got[0].Timestamp == got[1].Timestamp || !got[1].Verified {
		t.Fatalf("attempts %+v", got)
	}
	var body struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
		Data      struct {
			Alert   int64    `json:"alert"`
			Table   string   `json:"table"`
			Reasons []string `json:"reasons"`
			Reason  string   `json:"reason"`
			Comment string   `json:"comment"`
			Receipt string   `json:"receipt"`
			Contact *string  `json:"contact"`
		} `json:"data"`
	}
	if err := json.Unmarshal(got[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "alert.raised" || body.Data.Alert != a.ID || body.Data.Table != "Table 4" || body.Data.Reason == "" ||
		body.Data.Comment != "Cold soup" || body.Data.Receipt != a.ReceiptID || body.Data.Contact != nil || body.Timestamp == "" {
		t.Fatalf("payload %s", got[1].Body)
	}
	log, _ := w.db.Deliveries(w.ctx, store.ChannelWebhook, hook.ID, 10)
	if len(log) != 1 || log[0].Status != store.DeliverySent || log[0].Attempts != 2 {
		t.Fatalf("delivery log %+v", log)
	}
	// The rest of the alert's life goes out too: escalated, taken, resolved
	// with its comp in minor units and a follow-up promised, which falls due.
	t0 := a.CreatedAt
	w.at(t0, 3*time.Minute+time.Second)
	if err := w.db.Acknowledge(w.ctx, w.r.ID, a.ID, w.manager.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.Resolve(w.ctx, w.r.ID, a.ID, w.manager.ID, store.Resolution{Outcome: store.OutcomeCompedBill,
		Amount: store.Money{Minor: 4550, Currency: "GBP"}}); err != nil {
		t.Fatal(err)
	}
	b := w.complain("The wine was corked")
	if err := w.db.Resolve(w.ctx, w.r.ID, b.ID, w.manager.ID, store.Resolution{Outcome: store.OutcomeFollowUp,
		FollowUpAt: t0.Add(24 * time.Hour), FollowUpWho: "Sam"}); err != nil {
		t.Fatal(err)
	}
	w.run()
	w.at(t0, 24*time.Hour+time.Minute)
	got = h.got()
	types := map[string]string{}
	for _, a := range got[2:] {
		var b struct{ Type string }
		json.Unmarshal(a.Body, &b)
		types[b.Type] = string(a.Body)
	}
	// a: escalated, acknowledged, resolved; b: raised, resolved, follow-up due.
	comped := false
	for _, d := range got {
		comped = comped || strings.Contains(string(d.Body), `"type":"alert.resolved"`) && strings.Contains(string(d.Body), `"comp":{"amount_minor":4550,"currency":"GBP"}`)
	}
	if !comped {
		t.Error("no resolution with the comp in minor units and its currency")
	}
	if len(got) != 8 || !strings.Contains(types["alert.escalated"], `"escalation_step":1`) || types["alert.acknowledged"] == "" ||
		!strings.Contains(types["follow_up.due"], `"follow_up_at":`) {
		t.Fatalf("later deliveries: %d, %v", len(got), types)
	}
}

// TestSlowReceiverDelaysNobody: a receiver that hangs holds up one delivery
// until its timeout, not the others, nor the diners.
func TestSlowReceiverDelaysNobody(t *testing.T) {
	w := newWorld(t, notify.Config{Timeout: 2 * time.Second})
	slow, fast := newHookReceiver(t, w.clock.now), newHookReceiver(t, w.clock.now)
	slow.hang = make(chan struct{})
	defer close(slow.hang)
	w.slackHooks(slow, fast)
	defer w.runInBackground()()
	start := time.Now()
	w.complain("Cold soup")
	if took := time.Since(start); took > time.Second {
		t.Errorf("the diner's complaint took %v with a receiver hanging", took)
	}
	for deadline := time.Now().Add(5 * time.Second); len(fast.got()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the fast receiver got nothing while the slow one hung")
		}
	}
	if len(slow.got()) != 0 {
		t.Fatal("the hanging receiver answered")
	}
	var msg map[string]string
	if err := json.Unmarshal(fast.got()[0].Body, &msg); err != nil || !strings.Contains(msg["text"], "Table 4") {
		t.Fatalf("the Slack message %s", fast.got()[0].Body)
	}
}

// TestDeadReceiverHoldsUpOnlyItself: with a webhook that never answers and
// more alerts than workers, the other webhook still hears of every alert at
// once, and the dead one holds at most two workers. (Before each target was
// capped, the dead webhook took every worker within a few alerts.)
func TestDeadReceiverHoldsUpOnlyItself(t *testing.T) {
	w := newWorld(t, notify.Config{Timeout: 30 * time.Second, Workers: 4})
	dead, alive := newHookReceiver(t, w.clock.now), newHookReceiver(t, w.clock.now)
	dead.hang = make(chan struct{})
	defer close(dead.hang)
	w.slackHooks(dead, alive)
	defer w.runInBackground()()
	for i := range 12 {
		w.complain(fmt.Sprintf("Complaint %d", i+1))
	}
	for deadline := time.Now().Add(5 * time.Second); len(alive.got()) < 12; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the live webhook heard of %d of 12 alerts while the other hung", len(alive.got()))
		}
	}
	dead.mu.Lock()
	most := dead.most
	dead.mu.Unlock()
	if most > 2 {
		t.Fatalf("the dead webhook held %d requests at once", most)
	}
}

// TestGuardRefusesPrivateAddresses: webhooks and push endpoints may not point
// at this machine, the restaurant's network or a cloud's metadata service,
// and the refusal names the flag that allows it; the client refuses at dial
// time too, whatever the name resolved to when it was checked.
func TestGuardRefusesPrivateAddresses(t *testing.T) {
	g := notify.Guard{}
	for _, bad := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/hook",
		"http://192.168.1.20/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://[fd00::1]/hook",
		"http://100.64.0.1/hook", "http://0.0.0.0/hook",
		// IPv4 inside IPv6: compatible, 6to4, Teredo, NAT64 (well known and local).
		"http://[::7f00:1]/hook", "http://[2002:7f00:1::1]/hook", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
		"http://[64:ff9b:1::a00:1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook"} {
		err := g.Check(context.Background(), bad, false)
		if err == nil || !strings.Contains(store.ErrorMessage(err), "-allow-private-hooks") {
			t.Errorf("%s: %v, want a refusal naming the flag", bad, err)
		}
	}
	for _, bad := range []string{"ftp://example.com/x", "file:///etc/passwd", "hook", "https://user:pw@8.8.8.8/x"} {
		if err := g.Check(context.Background(), bad, false); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if err := g.Check(context.Background(), "http://8.8.8.8/push", true); err == nil || !strings.Contains(store.ErrorMessage(err), "https") {
		t.Errorf("an http push endpoint: %v", err)
	}
	for _, good := range []string{"https://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook"} {
		if err := g.Check(context.Background(), good, false); err != nil {
			t.Errorf("a public address refused: %v", err)
		}
	}
	if err := (notify.Guard{AllowPrivate: true}).Check(context.Background(), "http://127.0.0.1/hook", true); err != nil {
		t.Errorf("with the flag: %v", err)
	}
	h := newHookReceiver(t, time.Now)
	if _, err := g.Client(time.Second).Get(h.srv.URL); err == nil || !strings.Contains(err.Error(), "private or local") {
		t.Errorf("the client dialled %s: %v", h.srv.URL, err)
	}
}

// TestSlackTextIsPlain: a diner's comment cannot ping a Slack channel or
// show a disguised link: it reaches the receiver escaped as Slack asks.
func TestSlackTextIsPlain(t *testing.T) {
	w := newWorld(t, notify.Config{})
	hook := newHookReceiver(t, w.clock.now)
	w.slackHooks(hook)
	defer w.runInBackground()()
	w.complain("<!channel> pay here: <https://evil.example|https://pay.restaurant.example> & @here [ok](https://evil.example)")
	for deadline := time.Now().Add(5 * time.Second); len(hook.got()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the receiver got nothing")
		}
	}
	var msg map[string]string
	if err := json.Unmarshal(hook.got()[0].Body, &msg); err != nil {
		t.Fatal(err)
	}
	text := msg["text"]
	for _, want := range []string{"&lt;!channel&gt;", "&lt;https://evil.example|https://pay.restaurant.example&gt;", " &amp; ", "@\u2060here", "[ok]\u2060(https"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Slack text lacks %q: %q", want, text)
		}
	}
	if strings.ContainsAny(text, "<>") {
		t.Errorf("the Slack text keeps a bracket: %q", text)
	}
}

// TestPushEndsWithTheSession: a phone stops being told of guests once the
// sign-in that subscribed it ends, whichever way: signing out of it,
// "sign out everywhere else" from another browser, a password change.
func TestPushEndsWithTheSession(t *testing.T) {
	w := newWorld(t, notify.Config{})
	priya := w.user("priya@example.com", "Priya Shah", store.RoleManager)
	lost, kept, other := w.phone(w.manager), w.phone(w.manager), w.phone(priya)
	if err := w.db.EndSession(w.ctx, lost.session); err != nil {
		t.Fatal(err)
	}
	w.complain("Cold soup")
	w.run()
	if n, m, o := len(lost.received()), len(kept.received()), len(other.received()); n != 0 || m != 1 || o != 1 {
		t.Fatalf("after signing out of one phone, the phones got %d, %d and %d pushes; want 0, 1, 1", n, m, o)
	}
	_, laptop, err := w.db.CreateSession(w.ctx, w.manager.ID, "Firefox", "203.0.113.9")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.EndOtherSessions(w.ctx, w.manager.ID, laptop.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ChangePassword(w.ctx, priya.ID, "", "correct horse battery", "lantern orbit pickle"); err != nil {
		t.Fatal(err)
	}
	w.complain("Still cold")
	w.run()
	if n, m, o := len(lost.received()), len(kept.received()), len(other.received()); n != 0 || m != 1 || o != 1 {
		t.Fatalf("after signing out everywhere else and a password change, the phones got %d, %d and %d pushes; want 0, 1, 1", n, m, o)
	}
}

// TestGuardRefusalIsFinalAndSaidOnce: a webhook whose address the guard
// refuses (here 127.0.0.1, with -allow-private-hooks off) fails at once,
// for good, for each of three alerts; the log says so once for the
// target, and never shows the webhook's path (a Slack URL's path is its
// secret).
func TestGuardRefusalIsFinalAndSaidOnce(t *testing.T) {
	w := newWorld(t, notify.Config{})
	var logs bytes.Buffer
	n, err := notify.New(w.ctx, notify.Config{Subject: subject}, w.db, slog.New(slog.NewTextHandler(&logs, nil)), w.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	h := newHookReceiver(t, w.clock.now)
	if _, err := w.db.AddWebhook(w.ctx, w.r.ID, h.srv.URL+"/services/T0001/B0001/s3cretTokenPath", store.FormatSlack); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w.complain("Cold soup")
	}
	if _, err := n.Plan(w.ctx); err != nil {
		t.Fatal(err)
	}
	if sent, err := n.DeliverDue(w.ctx); err != nil || sent != 3 {
		t.Fatalf("%d delivered (%v)", sent, err)
	}
	ds, err := w.db.Deliveries(w.ctx, store.ChannelWebhook, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Status != store.DeliveryFailed || d.Attempts != 1 || strings.Contains(d.LastError, "s3cret") {
			t.Errorf("delivery %d: %s after %d attempts, %q; want failed at once, the URL's path left out", d.ID, d.Status, d.Attempts, d.LastError)
		}
	}
	w.clock.set(w.clock.now().Add(time.Hour))
	if again, _ := n.DeliverDue(w.ctx); again != 0 {
		t.Errorf("%d refused deliveries were tried again", again)
	}
	log := logs.String()
	if strings.Count(log, "msg=\"notifications refused") != 1 || strings.Count(log, "level=") != 1 || strings.Contains(log, "s3cret") || len(h.got()) != 0 {
		t.Fatalf("the log:\n%s", log)
	}
}
