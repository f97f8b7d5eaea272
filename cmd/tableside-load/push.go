package main

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tableside/tableside/store"
)

// pushLoad measures alerts reaching phones. phones staff members each
// subscribe one phone whose push endpoint is a push service on 127.0.0.1
// (the server runs with -allow-private-hooks), and the restaurant has one
// JSON webhook there too. Diners post complaints at rate per second for
// duration; for each complaint and each phone it times the gap from sending
// the POST to the push request arriving at the push service (its Topic
// names the alert). It does so three times: with everything answering; with
// the webhook hanging (a dead tool must not hold up the phones); and with
// both hanging (the diners must not notice).
type pushLoad struct {
	base     string
	db       *store.DB
	site     rushSite
	phones   int
	rate     int
	duration time.Duration
}

// pushService is a push service and a webhook receiver on 127.0.0.1 that
// notes when each request for an alert arrives, and can be made to hang.
type pushService struct {
	URL string
	srv *http.Server
	// hangPush and hangHooks make the push service or the webhook take
	// requests and never answer them.
	hangPush, hangHooks atomic.Bool
	release             chan struct{}

	mu      sync.Mutex
	pushes  map[int64][]time.Time // by alert ID, one per phone
	hooks   map[int64]time.Time   // by alert ID, the first webhook delivery
	hung    int
	badPush int
	before  int64 // alerts up to this ID belong to an earlier run
}

var (
	topicRE     = regexp.MustCompile(`^alert-(\d+)$`)
	hookAlertRE = regexp.MustCompile(`^\{"type":"alert\.raised".*?"alert":(\d+)`)
)

func startPushService() (*pushService, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &pushService{URL: "http://" + ln.Addr().String(), release: make(chan struct{}),
		pushes: map[int64][]time.Time{}, hooks: map[int64]time.Time{}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

func (p *pushService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	hook := strings.HasPrefix(r.URL.Path, "/hook")
	if (hook && p.hangHooks.Load()) || (!hook && p.hangPush.Load()) {
		p.mu.Lock()
		p.hung++
		p.mu.Unlock()
		select {
		case <-p.release:
		case <-r.Context().Done():
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if hook {
		if m := hookAlertRE.FindSubmatch(body); m != nil {
			id, _ := strconv.ParseInt(string(m[1]), 10, 64)
			if _, seen := p.hooks[id]; !seen {
				p.hooks[id] = at
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// A push: encrypted (aes128gcm), signed (VAPID), with its Topic.
	m := topicRE.FindStringSubmatch(r.Header.Get("Topic"))
	if m == nil || r.Header.Get("Content-Encoding") != "aes128gcm" || !strings.HasPrefix(r.Header.Get("Authorization"), "vapid t=") {
		p.badPush++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	p.pushes[id] = append(p.pushes[id], at)
	w.WriteHeader(http.StatusCreated)
}

func (p *pushService) close() {
	close(p.release)
	p.srv.Close()
}

// phoneKeys are a browser's subscription keys: a P-256 public key and a
// 16-byte secret, base64url.
func phoneKeys() (p256dh, auth string, err error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(secret), nil
}

// subscribe gives the restaurant phones managers, each with a phone on the
// push service, and a webhook to it.
func (l *pushLoad) subscribe(ctx context.Context, service *pushService) error {
	for i := range l.phones {
		email := fmt.Sprintf("phone-%d@%s.test", i+1, l.site.Slug)
		u, err := l.db.CreateUser(ctx, email, fmt.Sprintf("Phone %d", i+1), rushPassword)
		if err != nil {
			return err
		}
		if _, err := l.db.AddMembership(ctx, u.ID, l.site.ID, store.RoleManager); err != nil {
			return err
		}
		p256dh, auth, err := phoneKeys()
		if err != nil {
			return err
		}
		if _, err := l.db.SavePushSubscription(ctx, store.PushSubscription{UserID: u.ID, RestaurantID: l.site.ID,
			Endpoint: fmt.Sprintf("%s/push/%d", service.URL, i+1), P256dh: p256dh, Auth: auth}); err != nil {
			return err
		}
	}
	_, err := l.db.AddWebhook(ctx, l.site.ID, service.URL+"/hook", store.FormatJSON)
	return err
}

// complaints posts n complaints at the load's rate, marked from first, and
// returns when each was sent and how long each took to be answered (zero for
// a failure).
func (l *pushLoad) complaints(first, n int) (sent []time.Time, took []time.Duration, failed int) {
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64}}
	sent, took = make([]time.Time, n), make([]time.Duration, n)
	var posts sync.WaitGroup
	var mu sync.Mutex
	tick := time.NewTicker(time.Second / time.Duration(l.rate))
	defer tick.Stop()
	for i := range n {
		<-tick.C
		posts.Go(func() {
			form := url.Values{"key": {store.NewFormKey(time.Now())}, "rating": {"1"}, "at_table": {"1"}, "tag": {"cold-food"},
				"comment": {fmt.Sprintf("load-%d- The soup is cold.", first+i)}}
			start := time.Now()
			status, err := do(client, http.MethodPost, l.base+"/t/"+l.site.Tokens[i%len(l.site.Tokens)], form)
			mu.Lock()
			defer mu.Unlock()
			sent[i] = start
			if err != nil || status != http.StatusSeeOther {
				failed++
				return
			}
			took[i] = time.Since(start)
		})
	}
	posts.Wait()
	return sent, took, failed
}

// pushRun is what one run of complaints saw.
type pushRun struct {
	total, failed int
	submit        []time.Duration // POST → 303
	perPush, last []time.Duration // POST sent → a push arrives; → the last phone's
	hooks         []time.Duration // POST sent → the webhook arrives
	arrived       int
}

// measure posts total complaints (marked from first) and waits up to 15 s
// for their pushes (and, unless the webhook hangs, their webhook calls).
func (l *pushLoad) measure(ctx context.Context, service *pushService, first, total int) (pushRun, error) {
	sent, took, failed := l.complaints(first, total)
	r := pushRun{total: total, failed: failed, submit: nonZero(took)}
	want := (total - failed) * l.phones
	count := func() (pushes, hooks int, ids []int64) {
		service.mu.Lock()
		defer service.mu.Unlock()
		for id, ts := range service.pushes {
			if id > service.before {
				pushes += len(ts)
				ids = append(ids, id)
			}
		}
		for id := range service.hooks {
			if id > service.before {
				hooks++
			}
		}
		return pushes, hooks, ids
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		pushes, hooks, _ := count()
		if (pushes >= want || service.hangPush.Load()) && (hooks >= total-failed || service.hangHooks.Load()) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, _, ids := count()
	number := map[int64]int{} // alert ID → complaint number in this run
	for _, id := range ids {
		a, err := l.db.AlertByID(ctx, l.site.ID, id)
		if err != nil {
			return r, fmt.Errorf("alert %d: %w", id, err)
		}
		if m := markRE.FindStringSubmatch(a.Comment); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= first && n < first+total {
				number[id] = n - first
			}
		}
	}
	service.mu.Lock()
	defer service.mu.Unlock()
	for id, ts := range service.pushes {
		n, ok := number[id]
		if !ok {
			continue
		}
		var last time.Duration
		for _, at := range ts {
			r.perPush = append(r.perPush, at.Sub(sent[n]))
			last = max(last, at.Sub(sent[n]))
		}
		r.arrived += len(ts)
		if len(ts) == l.phones {
			r.last = append(r.last, last)
		}
	}
	for id, at := range service.hooks {
		if n, ok := number[id]; ok {
			r.hooks = append(r.hooks, at.Sub(sent[n]))
		}
	}
	// The next run counts only its own alerts.
	for id := range service.pushes {
		service.before = max(service.before, id)
	}
	return r, nil
}

func (l *pushLoad) run(ctx context.Context, stdout io.Writer) error {
	service, err := startPushService()
	if err != nil {
		return err
	}
	defer service.close()
	if err := l.subscribe(ctx, service); err != nil {
		return err
	}
	total := l.rate * int(l.duration/time.Second)
	q := func(d []time.Duration, p float64) time.Duration {
		return store.Quantile(d, p).Round(10 * time.Microsecond)
	}
	stats := func(d []time.Duration) string {
		if len(d) == 0 {
			return "none"
		}
		return fmt.Sprintf("p50 %v, p99 %v, max %v (%d)", q(d, 0.5), q(d, 0.99), q(d, 1), len(d))
	}
	fmt.Fprintf(stdout, "push: %d phones and a webhook on 127.0.0.1, %d complaints/s for %v per run\n", l.phones, l.rate, l.duration)
	var problems []string
	for i, run := range []struct {
		name             string
		hangPush, hangHk bool
	}{
		{"everything answers", false, false},
		{"the webhook hangs", false, true},
		{"push service and webhook hang", true, true},
	} {
		service.hangPush.Store(run.hangPush)
		service.hangHooks.Store(run.hangHk)
		r, err := l.measure(ctx, service, i*total, total)
		if err != nil {
			return err
		}
		service.mu.Lock()
		hung, bad := service.hung, service.badPush
		service.mu.Unlock()
		fmt.Fprintf(stdout, "\n%s: %d posted, %d failed; %d requests hanging so far, %d malformed pushes\n", run.name, r.total, r.failed, hung, bad)
		fmt.Fprintf(stdout, "  diner's submit, POST → 303:            %s\n", stats(r.submit))
		if !run.hangPush {
			fmt.Fprintf(stdout, "  POST sent → a push arrives:            %s; %d of %d arrived\n", stats(r.perPush), r.arrived, (r.total-r.failed)*l.phones)
			fmt.Fprintf(stdout, "  POST sent → the last of %d phones:     %s\n", l.phones, stats(r.last))
			if r.arrived < (r.total-r.failed)*l.phones {
				problems = append(problems, fmt.Sprintf("%s: %d of %d pushes arrived", run.name, r.arrived, (r.total-r.failed)*l.phones))
			}
		}
		if !run.hangHk {
			fmt.Fprintf(stdout, "  POST sent → the webhook arrives:       %s\n", stats(r.hooks))
		}
		if r.failed > 0 || bad > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d posts failed, %d malformed pushes", run.name, r.failed, bad))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func nonZero(ds []time.Duration) []time.Duration {
	var out []time.Duration
	for _, d := range ds {
		if d > 0 {
			out = append(out, d)
		}
	}
	return out
}
