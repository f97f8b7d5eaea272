package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tableside/tableside/store"
)

// alertLoad measures how fast an alert reaches the floor: tablets tablets
// follow /floor/events while diners post complaints at rate per second for
// duration; for every complaint and every tablet it times the gap between the
// POST being answered (303) and the alert arriving on the tablet.
type alertLoad struct {
	base     string
	site     rushSite // its restaurant, tables and manager
	tablets  int
	rate     int
	duration time.Duration
}

var markRE = regexp.MustCompile(`load-(\d+)-`)

func (l *alertLoad) run(ctx context.Context, stdout io.Writer) error {
	cookie, _, err := login(l.base, l.site.Email, rushPassword)
	if err != nil {
		return err
	}
	total := l.rate * int(l.duration/time.Second)
	sent, answered := make([]time.Time, total), make([]time.Time, total)
	arrived := make([][]time.Time, l.tablets) // [tablet][complaint]
	var wg sync.WaitGroup
	streamCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	ready := make(chan error, l.tablets)
	for i := range l.tablets {
		arrived[i] = make([]time.Time, total)
		wg.Go(func() { l.tablet(streamCtx, cookie, arrived[i], ready) })
	}
	for range l.tablets {
		if err := <-ready; err != nil {
			return err
		}
	}

	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64}}
	var posts sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	tick := time.NewTicker(time.Second / time.Duration(l.rate))
	for n := range total {
		<-tick.C
		posts.Go(func() {
			form := url.Values{"key": {store.NewFormKey(time.Now())}, "rating": {"1"}, "at_table": {"1"}, "tag": {"cold-food"},
				"comment": {fmt.Sprintf("load-%d- The soup is cold.", n)}}
			start := time.Now()
			status, err := do(client, http.MethodPost, l.base+"/t/"+l.site.Tokens[n%len(l.site.Tokens)], form)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || status != http.StatusSeeOther {
				failed++
				return
			}
			sent[n], answered[n] = start, time.Now()
		})
	}
	tick.Stop()
	posts.Wait()
	time.Sleep(2 * time.Second) // let the last alerts arrive
	stopStreams()
	wg.Wait()

	var lat, fromSent []time.Duration
	missing, early := 0, 0
	for n := range total {
		if answered[n].IsZero() {
			continue
		}
		for i := range l.tablets {
			at := arrived[i][n]
			switch {
			case at.IsZero():
				missing++
				continue
			case at.Before(answered[n]):
				early++ // published on commit, before the client read its 303
				lat = append(lat, 0)
			default:
				lat = append(lat, at.Sub(answered[n]))
			}
			fromSent = append(fromSent, at.Sub(sent[n]))
		}
	}
	q := func(d []time.Duration, p float64) time.Duration {
		return store.Quantile(d, p).Round(10 * time.Microsecond)
	}
	fmt.Fprintf(stdout, "alert delivery: %d tablets, %d complaints/s for %v: %d posted, %d answered 303, %d failed\n",
		l.tablets, l.rate, l.duration, total, total-failed, failed)
	fmt.Fprintf(stdout, "deliveries: %d, missing %d; %d arrived before their 303 was read (counted as 0)\n", len(lat), missing, early)
	if len(lat) > 0 {
		fmt.Fprintf(stdout, "latency from the 303 to the tablet:      p50 %v, p99 %v, max %v\n", q(lat, 0.5), q(lat, 0.99), q(lat, 1))
		fmt.Fprintf(stdout, "latency from sending the POST to tablet: p50 %v, p99 %v, max %v\n", q(fromSent, 0.5), q(fromSent, 0.99), q(fromSent, 1))
	}
	if missing > 0 || failed > 0 {
		return fmt.Errorf("%d alerts never reached a tablet, %d posts failed", missing, failed)
	}
	return nil
}

// tablet follows the floor's event stream and notes when each complaint's
// alert arrives.
func (l *alertLoad) tablet(ctx context.Context, cookie string, arrived []time.Time, ready chan<- error) {
	followFloor(ctx, l.base, l.site.Slug, cookie, ready, func(line string) {
		if !strings.Contains(line, `"kind":"raised"`) {
			return
		}
		now := time.Now()
		if m := markRE.FindStringSubmatch(line); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n < len(arrived) {
				arrived[n] = now
			}
		}
	})
}

// followFloor follows a restaurant's floor event stream as a tablet does,
// reports on ready whether it connected, and calls data with each event's
// data line until the stream or ctx ends.
func followFloor(ctx context.Context, base, slug, cookie string, ready chan<- error, data func(string)) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/floor/events?r="+url.QueryEscape(slug), nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err == nil && res.StatusCode != http.StatusOK {
		res.Body.Close()
		err = fmt.Errorf("floor events: %s", res.Status)
	}
	ready <- err
	if err != nil {
		return
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		if line, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			data(line)
		}
	}
}

// csrfField is the CSRF token in a page's forms.
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in over HTTP as a browser does and returns the Cookie header
// of the session and the CSRF token of its forms (read from the floor page:
// it is bound to the session).
func login(base, email, password string) (cookie, csrf string, err error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base + "/login")
	if err != nil {
		return "", "", err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := csrfField.FindSubmatch(page)
	if token == nil {
		return "", "", fmt.Errorf("login: no CSRF token on the page")
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {string(token[1])}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = client.Do(req)
	if err != nil {
		return "", "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", "", fmt.Errorf("login: %s", res.Status)
	}
	var parts []string
	for _, c := range res.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	cookie = strings.Join(parts, "; ")
	req, _ = http.NewRequest(http.MethodGet, base+"/floor", nil)
	req.Header.Set("Cookie", cookie)
	if res, err = client.Do(req); err != nil {
		return "", "", err
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if token = csrfField.FindSubmatch(page); token == nil {
		return "", "", fmt.Errorf("login: the floor (%s) has no CSRF token", res.Status)
	}
	return cookie, string(token[1]), nil
}
