// Package notify makes a call for help reach people, not just a screen: it
// reads the event log, puts a notification in the outbox for every staff
// phone (Web Push), webhook and, at the last escalation step, every owner
// with no phone (email) that should hear of each event, and sends them, at
// least once, with retries. The diner's request never waits for any of it:
// the notifier follows the log after the commit, and the outbox survives a
// restart.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tableside/tableside/cmd/tableside/internal/mailer"
	"github.com/tableside/tableside/store"
)

// Config says how notifications are sent.
type Config struct {
	// Subject is the VAPID contact push services may write to about this
	// server: "mailto:…" or an https URL.
	Subject string
	// BaseURL makes links in emails absolute; Icon is the URL of the icon a
	// phone shows beside a push (the site's hashed icon-192.png).
	BaseURL, Icon string
	Guard         Guard
	// Mailer sends escalation emails to owners with no phone; nil, none.
	Mailer *mailer.Mailer
	// Timeout bounds one delivery (default 10 s); Workers is how many are
	// sent at once (default 16), so that slow receivers do not hold up the
	// others.
	Timeout time.Duration
	Workers int
	// PushTTL is how long a push service keeps trying a phone that is off,
	// and how long a push is retried (default 10 min): a call for help that
	// old is better read on the floor.
	PushTTL time.Duration
}

// cursorName is the notifier's place in the event log (store.Cursor).
const cursorName = "notify"

// Notifier plans and sends notifications. Run it once per server.
type Notifier struct {
	cfg    Config
	db     *store.DB
	log    *slog.Logger
	now    func() time.Time
	keys   store.VAPIDKeys
	client *http.Client
	kick   chan struct{}
	slots  chan struct{}
	sends  sync.WaitGroup
	mu     sync.Mutex
	busy   map[store.Target]int // deliveries being sent, by target
	// refused are the targets the guard refused and the log has named,
	// once each.
	refused map[store.Target]bool
}

// New loads the VAPID keys (made on the first start) and checks the
// configuration.
func New(ctx context.Context, cfg Config, db *store.DB, log *slog.Logger, now func() time.Time) (*Notifier, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.PushTTL <= 0 {
		cfg.PushTTL = 10 * time.Minute
	}
	if !strings.HasPrefix(cfg.Subject, "mailto:") && !strings.HasPrefix(cfg.Subject, "https://") {
		return nil, fmt.Errorf("the VAPID subject %q is neither mailto: nor https: (-vapid-subject)", cfg.Subject)
	}
	keys, err := db.VAPIDKeys(ctx)
	if err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, db: db, log: log, now: now, keys: keys, client: cfg.Guard.Client(cfg.Timeout),
		kick: make(chan struct{}, 1), slots: make(chan struct{}, cfg.Workers), busy: map[store.Target]int{}}, nil
}

// PublicKey is the VAPID public key browsers subscribe with.
func (n *Notifier) PublicKey() string { return n.keys.Public }

// CheckTarget refuses a webhook URL or push endpoint the guard refuses.
func (n *Notifier) CheckTarget(ctx context.Context, raw string, push bool) error {
	return n.cfg.Guard.Check(ctx, raw, push)
}

// Run plans and sends until ctx ends, woken by every committed event and
// every finished delivery, and at least every few seconds for retries. When
// ctx ends it waits for the deliveries under way (each bounded by Timeout);
// what they leave pending is sent after the next start.
func (n *Notifier) Run(ctx context.Context) {
	sub := n.db.Hub().SubscribeAll()
	defer sub.Close()
	defer n.sends.Wait()
	for {
		if _, err := n.Plan(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("planning notifications", "err", err)
		}
		n.dispatch(ctx)
		wait := 5 * time.Second
		if next, err := n.db.NextDelivery(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(10*time.Millisecond, next.Sub(n.now())))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-sub.Wake:
		case <-n.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// Wake makes the notifier look at the outbox now: something was queued
// outside the event log (an account email).
func (n *Notifier) Wake() { n.wake() }

// wake makes Run look again at once.
func (n *Notifier) wake() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// Plan reads the events the notifier has not seen and puts their
// notifications in the outbox, moving its place in the log in the same
// transaction. It reports how many deliveries it planned.
func (n *Notifier) Plan(ctx context.Context) (int, error) {
	return n.db.PlanEvents(ctx, cursorName, 200, func(evs []store.Event) ([]store.Delivery, error) {
		p := &planner{n: n, restaurants: map[int64]store.Restaurant{}, recipients: map[int64][]store.PushRecipient{},
			hooks: map[int64][]store.Webhook{}}
		var ds []store.Delivery
		for _, e := range evs {
			d, err := p.plan(ctx, e)
			if err != nil {
				return nil, err
			}
			ds = append(ds, d...)
		}
		return ds, nil
	})
}

// planner decides one batch's notifications, reading each restaurant's
// staff phones and webhooks once.
type planner struct {
	n           *Notifier
	restaurants map[int64]store.Restaurant
	recipients  map[int64][]store.PushRecipient
	hooks       map[int64][]store.Webhook
}

func (p *planner) plan(ctx context.Context, e store.Event) ([]store.Delivery, error) {
	r, ok := p.restaurants[e.RestaurantID]
	if !ok {
		var err error
		if r, err = p.n.db.RestaurantByID(ctx, e.RestaurantID); err != nil {
			return nil, err
		}
		p.restaurants[r.ID] = r
		if p.recipients[r.ID], err = p.n.db.PushRecipients(ctx, r.ID); err != nil {
			return nil, err
		}
		if p.hooks[r.ID], err = p.n.db.Webhooks(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	now := p.n.now()
	var ds []store.Delivery
	add := func(channel string, target int64, payload []byte, urgent bool) {
		ds = append(ds, store.Delivery{Channel: channel, TargetID: target, RestaurantID: r.ID, EventID: e.ID,
			MessageID: fmt.Sprintf("msg_%d_%s_%d", e.ID, channel, target), Payload: string(payload), Urgent: urgent})
	}
	// Phones hear of calls for help, while nobody has taken them yet.
	if (e.Kind == store.EventRaised || e.Kind == store.EventEscalated) && e.Alert.State == store.StateOpen {
		msg, err := json.Marshal(pushFor(e, r, now, p.n.cfg.Icon))
		if err != nil {
			return nil, err
		}
		local := now.In(r.Location())
		for _, rc := range p.recipients[r.ID] {
			if rc.Prefs.Wants(rc.Role, e.Kind, e.Step, urgent(e), local) {
				add(store.ChannelPush, rc.Sub.ID, msg, urgent(e))
			}
		}
	}
	for _, w := range p.hooks[r.ID] {
		body, err := webhookFor(e, r)
		if w.Format == store.FormatSlack {
			body, err = slackFor(e, r)
		}
		if err != nil {
			return nil, err
		}
		add(store.ChannelWebhook, w.ID, body, false)
	}
	// At the rung that says so (everyone told), owners with no phone are
	// emailed; later steps push again but mail nobody.
	if e.Kind == store.EventEscalated && store.EscalationRung(e.Step).Email && e.Alert.State == store.StateOpen && p.n.cfg.Mailer != nil {
		owners, err := p.n.db.OwnersWithoutPush(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		subject, text := escalationEmail(e, r, p.n.cfg.BaseURL, now)
		for _, u := range owners {
			msg, err := json.Marshal(store.EmailMessage{ToName: u.Name, To: u.Email, Subject: subject, Text: text})
			if err != nil {
				return nil, err
			}
			add(store.ChannelEmail, u.ID, msg, true)
		}
	}
	return ds, nil
}

// TestWebhook sends a webhook a test delivery, through the outbox like any
// other, so that it shows in the delivery log.
func (n *Notifier) TestWebhook(ctx context.Context, w store.Webhook, r store.Restaurant) error {
	var body []byte
	var err error
	if w.Format == store.FormatSlack {
		body, err = json.Marshal(map[string]string{"text": slackText("A test from Tableside for " + r.Name + ": this webhook works.")})
	} else {
		body, err = json.Marshal(map[string]any{"type": "test", "timestamp": rfc3339(n.now()),
			"data": map[string]any{"restaurant": map[string]string{"slug": r.Slug, "name": r.Name},
				"message": "A test from Tableside: this webhook works."}})
	}
	if err != nil {
		return err
	}
	err = n.db.Enqueue(ctx, []store.Delivery{{Channel: store.ChannelWebhook, TargetID: w.ID, RestaurantID: r.ID,
		MessageID: fmt.Sprintf("msg_test_%d_%d", w.ID, n.now().UnixNano()), Payload: string(body)}})
	n.wake()
	return err
}
