package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/tableside/tableside/store"
)

// rush simulates a dinner service against a server on the loopback address:
// diners at the restaurants' tables post surveys at a steady rate (most happy,
// some complaining, some still at the table, some resending the same form),
// each diner's phone then loads its receipt, floor tablets follow the event
// stream, and a manager in each restaurant acknowledges and resolves every
// alert.
type rush struct {
	// bases are the instances' URLs (one, or several on one PostgreSQL):
	// diners post to them in turn and read their receipts from the next,
	// tablets are spread over them.
	bases       []string
	sites       []rushSite
	tablets     int
	rate        int
	duration    time.Duration
	maxRequests int
	client      *http.Client

	mu        sync.Mutex
	endpoints map[string]*result
	receipts  map[string]string // form key → receipt id, for each 303
	answered  map[int]time.Time // complaint number → when its 303 arrived
	keysSent  atomic.Int64
	mismatch  int                 // retries answered with another receipt
	missed    []string            // the first alerts a tablet never got, for the report
	arrivals  []map[int64]bool    // per tablet: alert ids seen
	before    []rushMark          // per site: where the database stood at the start
	arrivedAt []map[int]time.Time // per tablet: when each complaint's alert came, by complaint number
	sitesOf   []int               // per tablet: its site
	postedOn  map[int]int         // complaint number → the instance it was posted to
	acting    sync.WaitGroup
	// started, when set, is closed once the managers are signed in and the
	// tablets follow their streams, before the first diner.
	started chan struct{}
}

// rushMark is a restaurant's responses and last event before a run, so that
// a run against a database used before checks only its own.
type rushMark struct {
	responses int
	event     int64
}

// mark notes where each restaurant's data stands.
func (r *rush) mark(ctx context.Context, db *store.DB) error {
	r.before = make([]rushMark, len(r.sites))
	for i, site := range r.sites {
		n, err := db.CountResponses(ctx, site.ID)
		if err != nil {
			return err
		}
		last, err := db.LastEventID(ctx, site.ID)
		if err != nil {
			return err
		}
		r.before[i] = rushMark{responses: n, event: last}
	}
	return nil
}

// rushSite is one restaurant of the simulation and its manager's login.
type rushSite struct {
	ID            int64
	Slug          string
	Tokens        []string
	Email, Cookie string
	csrf          string
}

const rushPassword = "rush-manager-password"

// prepareRush makes (or finds again) restaurants rush-1 … rush-N with their
// tables and a manager each, in the server's database file.
func prepareRush(ctx context.Context, db *store.DB, restaurants, tables int) ([]rushSite, error) {
	var sites []rushSite
	for i := range restaurants {
		slug := fmt.Sprintf("rush-%d", i+1)
		r, err := db.RestaurantBySlug(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			r, err = db.CreateRestaurant(ctx, store.Restaurant{Slug: slug, Name: fmt.Sprintf("Rush Diner %d", i+1)})
		}
		if err != nil {
			return nil, err
		}
		have, err := db.ActiveTables(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for j := len(have); j < tables; j++ {
			if _, err := db.CreateTable(ctx, r.ID, fmt.Sprintf("Table %d", j+1)); err != nil {
				return nil, err
			}
		}
		if have, err = db.ActiveTables(ctx, r.ID); err != nil {
			return nil, err
		}
		site := rushSite{ID: r.ID, Slug: slug, Email: "manager@" + slug + ".test"}
		for _, t := range have[:tables] {
			site.Tokens = append(site.Tokens, t.Token)
		}
		if _, err := db.UserByEmail(ctx, site.Email); errors.Is(err, store.ErrNotFound) {
			u, err := db.CreateUser(ctx, site.Email, "Manager "+strconv.Itoa(i+1), rushPassword)
			if err != nil {
				return nil, err
			}
			if _, err := db.AddMembership(ctx, u.ID, r.ID, store.RoleManager); err != nil {
				return nil, err
			}
		}
		sites = append(sites, site)
	}
	return sites, nil
}

// loopbackOnly refuses a target that is not this machine.
func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("-target must be an http URL on 127.0.0.1, not %q", target)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-target must be on the loopback address, not %s", host)
	}
	return nil
}

func (r *rush) record(endpoint string, d time.Duration, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.endpoints[endpoint]
	if e == nil {
		e = &result{}
		r.endpoints[endpoint] = e
	}
	e.latencies = append(e.latencies, d)
	if failed {
		e.failed++
	} else {
		e.ok++
	}
}

// post sends a form and returns the status and the Location of a redirect.
func (r *rush) post(ctx context.Context, base, endpoint, target string, form url.Values, cookie string) (int, string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	start := time.Now()
	res, err := r.client.Do(req)
	if err != nil {
		r.record(endpoint, time.Since(start), true)
		return 0, ""
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	r.record(endpoint, time.Since(start), res.StatusCode >= 400)
	return res.StatusCode, res.Header.Get("Location")
}

func (r *rush) get(ctx context.Context, base, endpoint, target string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+target, nil)
	start := time.Now()
	res, err := r.client.Do(req)
	if err != nil {
		r.record(endpoint, time.Since(start), true)
		return
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	r.record(endpoint, time.Since(start), res.StatusCode >= 400)
}

// diner is one guest's survey: the form, its answer, the receipt page, and
// for one in twenty the same form sent again (a double tap, a resend).
func (r *rush) diner(ctx context.Context, n int, rng *rand.Rand) {
	site := r.sites[n%len(r.sites)]
	token := site.Tokens[rng.IntN(len(site.Tokens))]
	form := url.Values{"key": {store.NewFormKey(time.Now())}}
	rating := []int{5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1}[rng.IntN(11)]
	form.Set("rating", strconv.Itoa(rating))
	complaint := rating <= 2 || rng.IntN(50) == 0
	switch {
	case complaint:
		form["tag"] = []string{[]string{"slow", "cold-food", "wrong-order", "rude"}[rng.IntN(4)]}
		if rng.IntN(50) == 0 {
			form.Add("tag", "allergy")
		}
		form.Set("comment", fmt.Sprintf("rush-%d- We waited a long time.", n))
		if rng.IntN(3) == 0 {
			form.Set("at_table", "1")
		}
	case rating >= 4:
		form["tag"] = []string{"food", "service"}
		if rng.IntN(3) == 0 {
			form.Set("comment", "Lovely evening, thank you!")
		}
	}
	r.keysSent.Add(1)
	on := n / len(r.sites) % len(r.bases) // every restaurant's diners on every instance
	status, loc := r.post(ctx, r.bases[on], "POST /t/TOKEN", "/t/"+token, form, "")
	if status != http.StatusSeeOther {
		return
	}
	r.mu.Lock()
	r.receipts[form.Get("key")] = loc
	if complaint {
		r.answered[n], r.postedOn[n] = time.Now(), on
	}
	r.mu.Unlock()
	r.get(ctx, r.bases[(on+1)%len(r.bases)], "GET /r/RECEIPT", loc) // the receipt from another instance, when there are several
	if rng.IntN(20) == 0 {
		if status, again := r.post(ctx, r.bases[(on+1)%len(r.bases)], "POST /t/TOKEN (resent)", "/t/"+token, form, ""); status == http.StatusSeeOther && again != loc {
			r.mu.Lock()
			r.mismatch++
			r.mu.Unlock()
		}
	}
}

// tablet follows one restaurant's floor stream. The first tablet of each
// restaurant hands every new alert to its manager.
func (r *rush) tablet(ctx context.Context, i int, ready chan<- error, manager chan<- int64) {
	site := r.sites[r.sitesOf[i]]
	followFloor(ctx, r.bases[r.tabletOn(i)], site.Slug, site.Cookie, ready, func(data string) {
		var e struct {
			Alert int64  `json:"alert"`
			Kind  string `json:"kind"`
			HTML  string `json:"html"`
		}
		if json.Unmarshal([]byte(data), &e) != nil || e.Kind != "raised" {
			return
		}
		now := time.Now()
		r.mu.Lock()
		if !r.arrivals[i][e.Alert] {
			r.arrivals[i][e.Alert] = true
			if m := rushMarkRE.FindStringSubmatch(e.HTML); m != nil {
				n, _ := strconv.Atoi(m[1])
				r.arrivedAt[i][n] = now
			}
		}
		r.mu.Unlock()
		if manager != nil {
			select {
			case manager <- e.Alert:
			default: // a manager swamped by a flood handles what they can
			}
		}
	})
}

// tabletOn is the instance tablet i follows: every restaurant has tablets
// on every instance.
func (r *rush) tabletOn(i int) int { return i / len(r.sites) % len(r.bases) }

// rushMarkRE finds a complaint's number in its alert card.
var rushMarkRE = regexp.MustCompile(`rush-(\d+)-`)

// manage is a restaurant's manager: on the way within a second or two, then
// resolved a few seconds later.
func (r *rush) manage(ctx context.Context, base string, site rushSite, alerts <-chan int64) {
	rng := rand.New(rand.NewPCG(uint64(site.ID), 11))
	for id := range alerts {
		ackAfter := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		resolveAfter := time.Duration(500+rng.IntN(2500)) * time.Millisecond
		outcome := []string{"apologised", "replaced", "comped-item"}[rng.IntN(3)]
		r.acting.Go(func() {
			path := fmt.Sprintf("/floor/alerts/%d", id)
			form := url.Values{"csrf": {site.csrf}, "r": {site.Slug}}
			if !sleepCtx(ctx, ackAfter) {
				return
			}
			r.post(ctx, base, "POST ack", path+"/ack?r="+site.Slug, form, site.Cookie)
			if !sleepCtx(ctx, resolveAfter) {
				return
			}
			form.Set("outcome", outcome)
			if outcome == "comped-item" {
				form.Set("amount", "6.50")
			}
			r.post(ctx, base, "POST resolve", path+"/resolve?r="+site.Slug, form, site.Cookie)
		})
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// run signs the managers in, starts the tablets and managers, sends diners at
// the rate for the duration, and waits for the alerts to arrive.
func (r *rush) run(ctx context.Context) error {
	r.endpoints, r.receipts, r.answered, r.postedOn = map[string]*result{}, map[string]string{}, map[int]time.Time{}, map[int]int{}
	for i := range r.sites {
		cookie, csrf, err := login(r.bases[0], r.sites[i].Email, rushPassword) // a session is good on every instance
		if err != nil {
			return err
		}
		r.sites[i].Cookie, r.sites[i].csrf = cookie, csrf
	}
	streams, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	var tablets sync.WaitGroup
	ready := make(chan error, r.tablets)
	queues := make([]chan int64, len(r.sites))
	r.arrivals, r.arrivedAt, r.sitesOf = make([]map[int64]bool, r.tablets), make([]map[int]time.Time, r.tablets), make([]int, r.tablets)
	for i := range r.tablets {
		r.arrivals[i], r.arrivedAt[i], r.sitesOf[i] = map[int64]bool{}, map[int]time.Time{}, i%len(r.sites)
		var manager chan<- int64
		if i < len(r.sites) {
			queues[i] = make(chan int64, 1024)
			manager = queues[i]
		}
		tablets.Go(func() { r.tablet(streams, i, ready, manager) })
	}
	for range r.tablets {
		if err := <-ready; err != nil {
			return err
		}
	}
	if r.started != nil {
		close(r.started)
	}
	var managers sync.WaitGroup
	for i, q := range queues {
		if q != nil {
			managers.Go(func() { r.manage(ctx, r.bases[(i+1)%len(r.bases)], r.sites[i], q) }) // not the instance of their tablet
		}
	}

	var diners sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(r.rate))
	deadline := time.After(r.duration)
	for n := 0; n < r.maxRequests; n++ {
		select {
		case <-ctx.Done():
			n = r.maxRequests
			continue
		case <-deadline:
			n = r.maxRequests
			continue
		case <-tick.C:
		}
		diners.Go(func() { r.diner(ctx, n, rand.New(rand.NewPCG(uint64(n), 3))) })
	}
	tick.Stop()
	diners.Wait()
	sleepCtx(ctx, 2*time.Second) // the last alerts reach the tablets
	stopStreams()
	tablets.Wait()
	// No tablet hands on alerts any more: the managers finish what they have.
	for _, q := range queues {
		if q != nil {
			close(q)
		}
	}
	managers.Wait()
	r.acting.Wait()
	return nil
}

// verify checks the database against what the diners were told: every
// receipt answered 303 is stored, once, and every alert raised reached every
// tablet of its restaurant.
func (r *rush) verify(ctx context.Context, db *store.DB) (missingReceipts, missingAlerts, stored int, err error) {
	for _, receipt := range r.receipts {
		if _, err := db.ResponseByPublicID(ctx, strings.TrimPrefix(receipt, "/r/")); errors.Is(err, store.ErrNotFound) {
			missingReceipts++
		} else if err != nil {
			return 0, 0, 0, err
		}
	}
	for si, site := range r.sites {
		n, err := db.CountResponses(ctx, site.ID)
		if err != nil {
			return 0, 0, 0, err
		}
		stored += n - r.before[si].responses
		var events []store.Event
		for after := r.before[si].event; ; {
			batch, err := db.EventsAfter(ctx, site.ID, after, 1000)
			if err != nil {
				return 0, 0, 0, err
			}
			events = append(events, batch...)
			if len(batch) < 1000 {
				break
			}
			after = batch[len(batch)-1].ID
		}
		for _, e := range events {
			if e.Kind != "raised" {
				continue
			}
			for t := range r.tablets {
				if r.sitesOf[t] == si && !r.arrivals[t][e.Alert.ID] {
					if missingAlerts < 20 {
						r.missed = append(r.missed, fmt.Sprintf("alert %d (event %d, %s, %q) on tablet %d", e.Alert.ID, e.ID,
							e.Alert.CreatedAt.Format("15:04:05.000"), e.Alert.Comment, t))
					}
					missingAlerts++
				}
			}
		}
	}
	return missingReceipts, missingAlerts, stored, nil
}

// print writes the run's figures.
func (r *rush) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\treq/s\tp50\tp99\tmax\terrors\t")
	names := make([]string, 0, len(r.endpoints))
	for name := range r.endpoints {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		e := r.endpoints[name]
		e.elapsed = r.duration
		e.print(tw, name)
	}
	tw.Flush()
	// An alert is published at commit, so it often reaches a tablet before
	// the diner's phone has read its 303: that counts as 0.
	var delivery, across []time.Duration
	early := 0
	for i, arrived := range r.arrivedAt {
		for n, at := range arrived {
			if answered, ok := r.answered[n]; ok {
				if at.Before(answered) {
					early++
				}
				d := max(0, at.Sub(answered))
				delivery = append(delivery, d)
				if len(r.bases) > 1 && r.postedOn[n] != r.tabletOn(i) {
					across = append(across, d)
				}
			}
		}
	}
	q := func(ds []time.Duration, p float64) time.Duration {
		return store.Quantile(ds, p).Round(10 * time.Microsecond)
	}
	if len(delivery) > 0 {
		fmt.Fprintf(w, "alert delivery, from the diner's 303 to each tablet: %d deliveries (%d before the 303 was read), p50 %v, p99 %v, max %v\n",
			len(delivery), early, q(delivery, 0.5), q(delivery, 0.99), q(delivery, 1))
	}
	if len(across) > 0 {
		fmt.Fprintf(w, "of them across instances (posted to one, tablet on another): %d, p50 %v, p99 %v, max %v\n",
			len(across), q(across, 0.5), q(across, 0.99), q(across, 1))
	}
}

type rushFlags struct {
	target, db, binary                              string
	restaurants, tables, tablets, rate, maxRequests int
	duration                                        time.Duration
	// instances is how many servers share db, a PostgreSQL URL (1: one).
	instances int
}

// runRush sets up the restaurants, starts a server unless given one, rushes
// it, and checks the database against what diners and tablets were told.
func runRush(ctx context.Context, stdout io.Writer, f rushFlags) error {
	var srv *child
	if f.target != "" {
		if err := loopbackOnly(f.target); err != nil {
			return err
		}
		if f.db == "" {
			return fmt.Errorf("with -target, give the server's database with -db")
		}
	}
	db, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	sites, err := prepareRush(ctx, db, f.restaurants, f.tables)
	if err != nil {
		return err
	}
	bases := []string{strings.TrimRight(f.target, "/")}
	if f.target == "" {
		bases = bases[:0]
		for range max(1, f.instances) {
			one, err := startChild(ctx, f.binary, f.db)
			if err != nil {
				return err
			}
			defer one.stop()
			if srv == nil {
				srv = one
			}
			bases = append(bases, one.URL)
		}
	}
	r := &rush{bases: bases, sites: sites, tablets: max(f.tablets, len(sites)), rate: f.rate,
		duration: f.duration, maxRequests: f.maxRequests,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if err := r.mark(ctx, db); err != nil {
		return err
	}
	start := time.Now()
	if err := r.run(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	missingReceipts, missingAlerts, stored, err := r.verify(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rush: %d restaurants x %d tables, %d tablets, %d surveys/s for %v against %s (%d-core machine; run took %v)\n",
		len(sites), f.tables, r.tablets, f.rate, f.duration, strings.Join(r.bases, " + "), runtime.NumCPU(), elapsed.Round(time.Millisecond))
	r.print(stdout)
	fmt.Fprintf(stdout, "surveys sent: %d (distinct forms), answered 303: %d, stored: %d, resends given another receipt: %d\n",
		r.keysSent.Load(), len(r.receipts), stored, r.mismatch)
	fmt.Fprintf(stdout, "receipts answered but not stored: %d; alerts that never reached a tablet: %d\n", missingReceipts, missingAlerts)
	for _, m := range r.missed {
		fmt.Fprintf(stdout, "  missing: %s\n", m)
	}
	if srv != nil {
		if peak, err := srv.peakMemory(); err == nil {
			fmt.Fprintf(stdout, "server peak memory (VmHWM): %.1f MiB\n", float64(peak)/(1<<20))
		}
	}
	if missingReceipts > 0 || missingAlerts > 0 || r.mismatch > 0 || int64(stored) > r.keysSent.Load() {
		return fmt.Errorf("loadtest: %d receipts missing, %d alerts undelivered, %d resends changed receipt, %d stored for %d forms",
			missingReceipts, missingAlerts, r.mismatch, stored, r.keysSent.Load())
	}
	return nil
}
