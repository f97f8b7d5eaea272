package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tableside/tableside/store"
)

// runStreams measures what idle floor streams cost: it starts a server as a
// child process, signs a manager in, opens n streams of one restaurant's
// floor as n tablets would, and reports the server's resident memory before
// and with them open; then one complaint is posted and the time until each
// stream has it is measured.
func runStreams(ctx context.Context, stdout io.Writer, binary, file string, n int) error {
	db, site, srv, err := startOne(ctx, binary, file, 2)
	if err != nil {
		return err
	}
	db.Close()
	defer srv.stop()
	cookie, _, err := login(srv.URL, site.Email, rushPassword)
	if err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond) // let the start's garbage be collected
	before, err := srv.memory("VmRSS")
	if err != nil {
		return err
	}

	// Each stream waits for the first alert after the complaint is posted.
	streams, stop := context.WithCancel(ctx)
	defer stop()
	transport := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: -1, DisableCompression: true}
	client := &http.Client{Transport: transport}
	var opened, failed atomic.Int64
	var posted atomic.Int64 // UnixNano of the complaint's POST
	arrivals := make([]time.Duration, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // open 64 at a time, as tablets coming online would
	start := time.Now()
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(streams, http.MethodGet, srv.URL+"/floor/events?r="+site.Slug, nil)
			req.Header.Set("Cookie", cookie)
			res, err := client.Do(req)
			<-sem
			if err != nil || res.StatusCode != http.StatusOK {
				failed.Add(1)
				if res != nil {
					res.Body.Close()
				}
				return
			}
			defer res.Body.Close()
			opened.Add(1)
			lines := bufio.NewScanner(res.Body)
			lines.Buffer(make([]byte, 64<<10), 1<<20)
			for lines.Scan() {
				if strings.HasPrefix(lines.Text(), "event: alert") {
					arrivals[i] = time.Duration(time.Now().UnixNano() - posted.Load())
					return
				}
			}
		})
	}
	for opened.Load()+failed.Load() < int64(n) && time.Since(start) < 2*time.Minute {
		time.Sleep(50 * time.Millisecond)
	}
	openTook := time.Since(start)
	time.Sleep(2 * time.Second) // idle
	idle, err := srv.memory("VmRSS")
	if err != nil {
		return err
	}
	posted.Store(time.Now().UnixNano())
	form := url.Values{"key": {store.NewFormKey(time.Now())}, "rating": {"1"}, "at_table": {"1"}, "comment": {"fan-out"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(srv.URL+"/t/"+site.Tokens[0], form)
	if err != nil {
		return err
	}
	res.Body.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	stop()
	<-done
	peak, _ := srv.peakMemory()
	var got []time.Duration
	for _, d := range arrivals {
		if d > 0 {
			got = append(got, d)
		}
	}
	slices.Sort(got)
	q := func(p float64) time.Duration { return store.Quantile(got, p).Round(time.Microsecond) }
	fmt.Fprintf(stdout, "streams: %d floor streams of one restaurant opened in %v (%d refused or failed), server on %s\n",
		opened.Load(), openTook.Round(time.Millisecond), failed.Load(), srv.URL)
	fmt.Fprintf(stdout, "server memory (RSS): %.1f MiB before, %.1f MiB with %d idle streams (%.1f KiB each); peak %.1f MiB\n",
		mib(before), mib(idle), opened.Load(), float64(idle-before)/1024/float64(max(opened.Load(), 1)), mib(peak))
	if len(got) > 0 {
		fmt.Fprintf(stdout, "one complaint reached %d of %d streams: p50 %v, p99 %v, last %v after its POST\n",
			len(got), opened.Load(), q(0.5), q(0.99), q(1))
	}
	if int64(len(got)) != opened.Load() || failed.Load() > 0 {
		return fmt.Errorf("%d streams failed to open, %d of %d never got the alert", failed.Load(), opened.Load()-int64(len(got)), opened.Load())
	}
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
