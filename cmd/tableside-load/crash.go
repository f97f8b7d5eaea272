package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tableside/tableside/store"
)

// crashReport is what a crash run counted.
type crashReport struct {
	kills, done      int
	seed             uint64
	sent, answered   int64
	committed, recvd int
	twice, connects  int
	restaurant       string
}

func (r crashReport) print(w io.Writer) {
	fmt.Fprintf(w, "%d kills (seed %d): %d surveys sent, %d answered 303 before their kill, every one stored once; integrity ok each time\n",
		r.done, r.seed, r.sent, r.answered)
	fmt.Fprintf(w, "%d kills: %d alerts committed at %s, %d received by a tablet that connected %d times, %d twice\n",
		r.done, r.committed, r.restaurant, r.recvd, r.connects, r.twice)
}

// runCrash rushes a server on file, kills it with SIGKILL at a random moment
// (after its managers have signed in and its tablets follow, so every kill
// falls in the rush), and checks the database: every survey answered 303
// before the kill is stored exactly once, and PRAGMA integrity_check is ok;
// then it restarts the server on the same file and does it again, kills
// times. All along, a floor tablet that reconnects as a browser does, with
// Last-Event-ID, follows one restaurant: at the end it must have received
// every alert committed there, once. seed decides the kill times, so a run
// can be replayed.
func runCrash(ctx context.Context, binary, file string, kills int, seed uint64) (crashReport, error) {
	rep := crashReport{kills: kills, seed: seed}
	setup, err := store.Open(ctx, file)
	if err != nil {
		return rep, err
	}
	sites, err := prepareRush(ctx, setup, 2, 10)
	if err != nil {
		setup.Close()
		return rep, err
	}
	firstEvent, err := setup.LastEventID(ctx, sites[0].ID)
	setup.Close()
	if err != nil {
		return rep, err
	}
	rep.restaurant = sites[0].Slug
	rng := rand.New(rand.NewPCG(seed, 1))
	var base atomic.Pointer[string]
	tablet := &reconnectingTablet{slug: sites[0].Slug, last: firstEvent, raised: map[int64]int{}}
	tabletCtx, stopTablet := context.WithCancel(ctx)
	tabletDone := make(chan struct{})
	started := false
	defer func() {
		stopTablet()
		if started {
			<-tabletDone
		}
	}()
	for k := range kills {
		srv, err := startChild(ctx, binary, file)
		if err != nil {
			return rep, fmt.Errorf("start %d: %w", k+1, err)
		}
		url := srv.URL
		base.Store(&url)
		if !started {
			if tablet.cookie, _, err = login(srv.URL, sites[0].Email, rushPassword); err != nil {
				srv.kill()
				return rep, err
			}
			started = true
			go func() { defer close(tabletDone); tablet.follow(tabletCtx, &base) }()
		}
		r := &rush{bases: []string{srv.URL}, sites: append([]rushSite(nil), sites...), tablets: 2, rate: 150, duration: 4 * time.Second,
			maxRequests: 1000, started: make(chan struct{}), client: &http.Client{Timeout: 5 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		db, err := store.Open(ctx, file)
		if err != nil {
			srv.kill()
			return rep, err
		}
		err = r.mark(ctx, db)
		db.Close()
		if err != nil {
			srv.kill()
			return rep, err
		}
		rushCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- r.run(rushCtx) }()
		select { // the kill comes once the managers have signed in and the tablets follow
		case <-r.started:
		case err := <-done:
			stop()
			srv.kill()
			return rep, fmt.Errorf("kill %d: the rush could not start: %w", k+1, err)
		}
		time.Sleep(time.Duration(300+rng.IntN(2000)) * time.Millisecond)
		srv.kill() // SIGKILL: no shutdown, no checkpoint
		stop()
		if err := <-done; err != nil {
			return rep, fmt.Errorf("kill %d: the rush failed: %w", k+1, err)
		}
		db, err = store.Open(ctx, file)
		if err != nil {
			return rep, fmt.Errorf("after kill %d the database does not open: %w", k+1, err)
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			db.Close()
			return rep, fmt.Errorf("after kill %d: %w", k+1, err)
		}
		missing, _, stored, err := r.verify(ctx, db)
		db.Close()
		if err != nil {
			return rep, err
		}
		if missing > 0 || int64(stored) > r.keysSent.Load() || stored < len(r.receipts) {
			return rep, fmt.Errorf("kill %d: %d of %d receipts answered 303 are missing; %d stored for %d forms sent",
				k+1, missing, len(r.receipts), stored, r.keysSent.Load())
		}
		rep.done++
		rep.answered += int64(len(r.receipts))
		rep.sent += r.keysSent.Load()
	}
	// The last restart serves again, and the tablet catches up with it.
	srv, err := startChild(ctx, binary, file)
	if err != nil {
		return rep, err
	}
	url := srv.URL
	base.Store(&url)
	db, err := store.Open(ctx, file)
	if err != nil {
		srv.kill()
		return rep, err
	}
	committed, err := raisedSince(ctx, db, sites[0].ID, firstEvent)
	db.Close()
	if err != nil {
		srv.kill()
		return rep, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for tablet.count() < len(committed) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop()
	stopTablet()
	<-tabletDone
	started = false
	rep.committed, rep.recvd, rep.connects = len(committed), tablet.count(), tablet.connects
	for id, n := range tablet.raised {
		if !committed[id] {
			return rep, fmt.Errorf("the tablet received alert %d, which was never committed", id)
		}
		if n > 1 {
			rep.twice++
		}
	}
	if rep.answered == 0 {
		return rep, fmt.Errorf("no survey was answered before any kill")
	}
	if rep.recvd != rep.committed || rep.twice > 0 {
		return rep, fmt.Errorf("the tablet received %d of %d alerts committed (%d twice)", rep.recvd, rep.committed, rep.twice)
	}
	return rep, nil
}

// raisedSince reads the alerts raised at a restaurant after an event.
func raisedSince(ctx context.Context, db *store.DB, restaurantID, after int64) (map[int64]bool, error) {
	raised := map[int64]bool{}
	for {
		evs, err := db.EventsAfter(ctx, restaurantID, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Kind == "raised" {
				raised[e.Alert.ID] = true
			}
			after = e.ID
		}
		if len(evs) < 1000 {
			return raised, nil
		}
	}
}

// reconnectingTablet follows a floor stream as a browser's EventSource does:
// when the connection drops it reconnects, to whichever server now answers,
// with the id of the last event it received.
type reconnectingTablet struct {
	slug, cookie string
	last         int64
	connects     int

	mu     sync.Mutex
	raised map[int64]int // alert id → times received
}

func (tb *reconnectingTablet) count() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.raised)
}

func (tb *reconnectingTablet) follow(ctx context.Context, base *atomic.Pointer[string]) {
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, *base.Load()+"/floor/events?r="+tb.slug, nil)
		req.Header.Set("Cookie", tb.cookie)
		req.Header.Set("Last-Event-ID", strconv.FormatInt(tb.last, 10))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			sleepCtx(ctx, 50*time.Millisecond)
			continue
		}
		tb.connects++
		var id int64
		lines := bufio.NewScanner(res.Body)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		for lines.Scan() {
			line := lines.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id, _ = strconv.ParseInt(v, 10, 64)
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok && id > 0 {
				var e struct {
					Alert int64  `json:"alert"`
					Kind  string `json:"kind"`
				}
				if json.Unmarshal([]byte(v), &e) == nil && e.Kind == "raised" {
					tb.mu.Lock()
					tb.raised[e.Alert]++
					tb.mu.Unlock()
				}
				tb.last, id = id, 0
			}
		}
		res.Body.Close()
	}
}
