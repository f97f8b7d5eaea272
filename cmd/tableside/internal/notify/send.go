package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/SherClockHolmes/webpush-go"

	"github.com/tableside/tableside/cmd/tableside/internal/mailer"
	"github.com/tableside/tableside/store"
)

// lease is how long a claimed delivery is held: a process that dies while
// sending leaves it to be tried again after this.
const lease = time.Minute

// giveUpAfter is how long a webhook or an email is retried.
const giveUpAfter = 24 * time.Hour

// backoff is the wait before retry n (1 is the first retry): within 10 s,
// then growing to every few hours.
func backoff(n int) time.Duration {
	steps := []time.Duration{10 * time.Second, 30 * time.Second, 2 * time.Minute, 5 * time.Minute, 15 * time.Minute,
		30 * time.Minute, time.Hour, 2 * time.Hour}
	if n < 1 {
		n = 1
	}
	if n > len(steps) {
		return 4 * time.Hour
	}
	return steps[n-1]
}

// perTarget is how many deliveries are sent to one phone or webhook at
// once: a receiver that hangs holds up two workers at most, never the
// others' deliveries, and never a diner.
const perTarget = 2

// dispatch claims what is due, as many as there are free workers and at
// most perTarget for a target, and sends each on a goroutine of its own.
func (n *Notifier) dispatch(ctx context.Context) {
	free := cap(n.slots) - len(n.slots)
	if free == 0 || ctx.Err() != nil {
		return
	}
	n.mu.Lock()
	busy := maps.Clone(n.busy)
	n.mu.Unlock()
	ds, err := n.db.ClaimDeliveries(ctx, n.now(), lease, free, perTarget, busy)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Error("claiming notifications", "err", err)
		}
		return
	}
	n.start(ctx, ds, true)
}

// start sends each delivery on a goroutine of its own, counting it busy for
// its target until it is recorded; wake, when done, runs dispatch again.
func (n *Notifier) start(ctx context.Context, ds []store.Delivery, wake bool) {
	for _, d := range ds {
		t := store.Target{Channel: d.Channel, ID: d.TargetID}
		n.mu.Lock()
		n.busy[t]++
		n.mu.Unlock()
		n.slots <- struct{}{}
		n.sends.Go(func() {
			defer func() {
				n.mu.Lock()
				if n.busy[t]--; n.busy[t] <= 0 {
					delete(n.busy, t)
				}
				n.mu.Unlock()
				<-n.slots
				if wake {
					n.wake()
				}
			}()
			n.deliver(ctx, d)
		})
	}
}

// DeliverDue sends everything due now and waits for it: what Run does in
// the background, for a command or a test.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	ds, err := n.db.ClaimDeliveries(ctx, n.now(), lease, 1000, 0, nil)
	if err != nil {
		return 0, err
	}
	n.start(ctx, ds, false)
	n.sends.Wait()
	return len(ds), nil
}

// outcome is how one attempt went.
type outcome struct {
	status string // store.DeliverySent, DeliveryFailed, DeliveryGone, or "" to retry
	code   int
	err    error
}

// deliver makes one attempt and records it. Its records are written even if
// ctx ends meanwhile: an attempt made is an attempt counted.
func (n *Notifier) deliver(ctx context.Context, d store.Delivery) {
	var o outcome
	switch d.Channel {
	case store.ChannelPush:
		o = n.push(ctx, d)
	case store.ChannelWebhook:
		o = n.webhook(ctx, d)
	case store.ChannelEmail:
		o = n.email(ctx, d)
	default:
		o = outcome{status: store.DeliveryFailed, err: fmt.Errorf("unknown channel %q", d.Channel)}
	}
	// A refusal by the address guard is the target's, not the moment's:
	// trying again would be refused again.
	refused := errors.Is(o.err, errPrivate)
	if refused {
		o.status = store.DeliveryFailed
	}
	errText := ""
	if o.err != nil {
		o.err = redacted(o.err)
		errText = o.err.Error()
	}
	rec := context.WithoutCancel(ctx)
	limit := giveUpAfter
	if d.Channel == store.ChannelPush {
		limit = n.cfg.PushTTL
	}
	next := n.now().Add(backoff(d.Attempts))
	var err error
	switch {
	case o.status == store.DeliveryGone && d.Channel == store.ChannelPush:
		err = n.db.ForgetPushSubscription(rec, d.TargetID)
		if err == nil {
			err = n.db.FinishDelivery(rec, d.ID, store.DeliveryGone, o.code, errText)
		}
	case o.status != "":
		err = n.db.FinishDelivery(rec, d.ID, o.status, o.code, errText)
	case next.Sub(d.CreatedAt) > limit:
		err = n.db.FinishDelivery(rec, d.ID, store.DeliveryFailed, o.code, "gave up after "+limit.String()+": "+errText)
	default:
		err = n.db.RetryDelivery(rec, d.ID, next, o.code, errText)
	}
	if err != nil {
		n.log.Error("recording a notification", "id", d.ID, "err", err)
	}
	switch {
	case refused:
		if n.firstRefusal(store.Target{Channel: d.Channel, ID: d.TargetID}) {
			n.log.Warn("notifications refused: the target's address is private or local", "channel", d.Channel, "target", d.TargetID, "err", o.err)
		}
	case o.status != store.DeliverySent && o.err != nil:
		n.log.Warn("notification not sent", "channel", d.Channel, "id", d.ID, "attempt", d.Attempts, "code", o.code, "err", o.err)
	}
}

// firstRefusal reports whether the guard's refusal of target is news to the
// log: it is said once per target, not once per notification.
func (n *Notifier) firstRefusal(target store.Target) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.refused[target] {
		return false
	}
	if n.refused == nil {
		n.refused = map[store.Target]bool{}
	}
	n.refused[target] = true
	return true
}

// redacted is err with any URL in it cut to its scheme and host: a Slack
// webhook's path is its secret, and a push endpoint's names one phone.
func redacted(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	short := "(a URL)"
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		short = u.Scheme + "://" + u.Host + "/…"
	}
	return errors.New(strings.ReplaceAll(err.Error(), ue.URL, short))
}

// byStatus turns a receiver's answer into an outcome: 2xx is sent; 429 and
// 5xx are worth another try; other answers will not change.
func byStatus(res *http.Response) outcome {
	code := res.StatusCode
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	res.Body.Close()
	switch {
	case code >= 200 && code < 300:
		return outcome{status: store.DeliverySent, code: code}
	case code == http.StatusTooManyRequests || code >= 500:
		return outcome{code: code, err: fmt.Errorf("%s: %s", res.Status, strings.TrimSpace(string(body)))}
	}
	return outcome{status: store.DeliveryFailed, code: code, err: fmt.Errorf("%s: %s", res.Status, strings.TrimSpace(string(body)))}
}

// topicRE is what RFC 8030 allows as a Topic: up to 32 characters of the
// URL-safe base64 alphabet.
var topicRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// push sends one Web Push message (RFC 8030), encrypted for the browser
// (RFC 8291, aes128gcm) and signed with the server's VAPID key (RFC 8292).
// A push service that answers 404 or 410 has forgotten the subscription.
func (n *Notifier) push(ctx context.Context, d store.Delivery) outcome {
	sub, err := n.db.PushSubscriptionByID(ctx, d.TargetID)
	if errors.Is(err, store.ErrNotFound) {
		return outcome{status: store.DeliveryGone, err: errors.New("the subscription was removed")}
	} else if err != nil {
		return outcome{err: err}
	}
	if !strings.HasPrefix(sub.Endpoint, "https://") && !n.cfg.Guard.AllowPrivate {
		return outcome{status: store.DeliveryFailed, err: errors.New("the push endpoint is not https " + flagHint)}
	}
	urgency := webpush.UrgencyNormal
	if d.Urgent {
		urgency = webpush.UrgencyHigh
	}
	// The alert's tag is the message's Topic (RFC 8030 §5.4): a phone that
	// was off gets an alert's latest push, not each of its escalations.
	var m struct{ Tag string }
	json.Unmarshal([]byte(d.Payload), &m)
	if !topicRE.MatchString(m.Tag) {
		m.Tag = ""
	}
	res, err := webpush.SendNotificationWithContext(ctx, []byte(d.Payload),
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth}},
		&webpush.Options{HTTPClient: n.client, Subscriber: strings.TrimPrefix(n.cfg.Subject, "mailto:"),
			VAPIDPublicKey: n.keys.Public, VAPIDPrivateKey: n.keys.Private, TTL: int(n.cfg.PushTTL.Seconds()),
			Urgency: urgency, Topic: m.Tag, RecordSize: 2048})
	if err != nil {
		return outcome{err: err}
	}
	if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone {
		res.Body.Close()
		return outcome{status: store.DeliveryGone, code: res.StatusCode, err: errors.New("the push service no longer knows this subscription")}
	}
	return byStatus(res)
}

// Sign is a webhook's signature after the Standard Webhooks specification:
// "v1," and the base64 HMAC-SHA256 of "id.timestamp.body", keyed with the
// secret's bytes (base64 after "whsec_").
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// webhook posts one delivery, signed, with the same webhook-id on every
// attempt and the attempt's own timestamp.
func (n *Notifier) webhook(ctx context.Context, d store.Delivery) outcome {
	w, err := n.db.WebhookByID(ctx, 0, d.TargetID)
	if errors.Is(err, store.ErrNotFound) {
		return outcome{status: store.DeliveryGone, err: errors.New("the webhook was removed")}
	} else if err != nil {
		return outcome{err: err}
	}
	ts := n.now().Unix()
	sig, err := Sign(w.Secret, d.MessageID, ts, []byte(d.Payload))
	if err != nil {
		return outcome{status: store.DeliveryFailed, err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		return outcome{status: store.DeliveryFailed, err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tableside-Webhooks/1")
	req.Header.Set("webhook-id", d.MessageID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := n.client.Do(req)
	if err != nil {
		return outcome{err: err}
	}
	return byStatus(res)
}

// email sends an email: an escalation, an invitation, an offer to a guest.
func (n *Notifier) email(ctx context.Context, d store.Delivery) outcome {
	if n.cfg.Mailer == nil {
		return outcome{status: store.DeliveryFailed, err: errors.New("SMTP is not configured")}
	}
	var m store.EmailMessage
	if err := json.Unmarshal([]byte(d.Payload), &m); err != nil {
		return outcome{status: store.DeliveryFailed, err: err}
	}
	if err := n.cfg.Mailer.Send(ctx, mailer.Message{ToName: m.ToName, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML}); err != nil {
		return outcome{err: err}
	}
	return outcome{status: store.DeliverySent}
}
