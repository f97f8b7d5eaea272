package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tableside/tableside/store"
)

// latencyProxy is a TCP proxy on 127.0.0.1 in front of a PostgreSQL server
// that delays everything by the same amount each way, as a network hop
// between machines would, without limiting how much goes through: each
// direction is read as it comes and written once its delay is over.
type latencyProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration
	wg     sync.WaitGroup
}

// startLatencyProxy proxies to target (host:port) with delay each way.
func startLatencyProxy(target string, delay time.Duration) (*latencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &latencyProxy{ln: ln, target: target, delay: delay}
	p.wg.Go(p.accept)
	return p, nil
}

func (p *latencyProxy) addr() string { return p.ln.Addr().String() }

func (p *latencyProxy) close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *latencyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() {
			defer c.Close()
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				return
			}
			defer s.Close()
			var both sync.WaitGroup
			both.Go(func() { p.pipe(s, c); s.(*net.TCPConn).CloseWrite() })
			both.Go(func() { p.pipe(c, s); c.(*net.TCPConn).CloseWrite() })
			both.Wait()
		})
	}
}

// pipe copies from src to dst, each chunk delivered delay after it was read.
func (p *latencyProxy) pipe(dst io.Writer, src io.Reader) {
	type chunk struct {
		due  time.Time
		data []byte
	}
	chunks := make(chan chunk, 1024)
	var w sync.WaitGroup
	w.Go(func() {
		failed := false
		for ch := range chunks {
			if failed {
				continue
			}
			time.Sleep(time.Until(ch.due))
			if _, err := dst.Write(ch.data); err != nil {
				failed = true
			}
		}
	})
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			chunks <- chunk{due: time.Now().Add(p.delay), data: append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			break
		}
	}
	close(chunks)
	w.Wait()
}

// throughProxy is the database URL u with its host and port those of the
// proxy.
func throughProxy(u string, proxy *latencyProxy) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	parsed.Host = proxy.addr()
	return parsed.String(), nil
}

// pgHostPort is the host:port of a postgres:// URL (5432 if none).
func pgHostPort(u string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	if parsed.Port() == "" {
		return net.JoinHostPort(parsed.Hostname(), "5432"), nil
	}
	return parsed.Host, nil
}

// runScale measures how writes scale out on PostgreSQL: instances servers
// on one database, through a proxy adding latency each way, take surveys
// closed-loop (workers posting as fast as they are answered, spread over
// the servers), first for restaurants restaurants, then for one; every 303
// is checked in the database. Its last line is exactly
// "scale: restaurants=1 X/s restaurants=R Y/s ratio Z".
func runScale(ctx context.Context, stdout io.Writer, binary, pgServer string, instances, restaurants, workers, tables int,
	latency, each time.Duration) error {
	dsn, drop, err := freshDatabase(ctx, pgServer)
	if err != nil {
		return err
	}
	defer drop()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sites, err := prepareRush(ctx, db, restaurants, tables)
	if err != nil {
		return err
	}
	serverDSN := dsn
	if latency > 0 {
		hostPort, err := pgHostPort(dsn)
		if err != nil {
			return err
		}
		proxy, err := startLatencyProxy(hostPort, latency)
		if err != nil {
			return err
		}
		defer proxy.close()
		if serverDSN, err = throughProxy(dsn, proxy); err != nil {
			return err
		}
	}
	var bases []string
	for range instances {
		srv, err := startChild(ctx, binary, serverDSN)
		if err != nil {
			return err
		}
		defer srv.stop()
		bases = append(bases, srv.URL)
	}
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	stored := func() (int, error) {
		n := 0
		for _, s := range sites {
			c, err := db.CountResponses(ctx, s.ID)
			if err != nil {
				return 0, err
			}
			n += c
		}
		return n, nil
	}
	measure := func(over []rushSite) (result, error) {
		before, err := stored()
		if err != nil {
			return result{}, err
		}
		var turn atomic.Int64
		res := phase(ctx, workers, each, 1_000_000, func(rng *rand.Rand) (int, error) {
			base := bases[int(turn.Add(1))%len(bases)]
			site := over[rng.IntN(len(over))]
			return do(client, http.MethodPost, base+"/t/"+site.Tokens[rng.IntN(len(site.Tokens))], surveyForm(rng))
		})
		after, err := stored()
		if err != nil {
			return res, err
		}
		if after-before != res.ok || res.failed > 0 {
			return res, fmt.Errorf("%d answered 303, %d stored, %d failed", res.ok, after-before, res.failed)
		}
		return res, nil
	}
	many, err := measure(sites)
	if err != nil {
		return fmt.Errorf("%d restaurants: %w", restaurants, err)
	}
	one, err := measure(sites[:1])
	if err != nil {
		return fmt.Errorf("one restaurant: %w", err)
	}
	fmt.Fprintf(stdout, "scale-out of survey posts: %d servers on one PostgreSQL database, %v added each way, %d workers, %v each, %d-core machine (the database server shares it); every 303 stored\n",
		instances, latency, workers, each, runtime.NumCPU())
	fmt.Fprintf(stdout, "  %d restaurants: %d surveys, p50 %v, p99 %v\n", restaurants, len(many.latencies),
		store.Quantile(many.latencies, 0.5).Round(time.Microsecond), store.Quantile(many.latencies, 0.99).Round(time.Microsecond))
	fmt.Fprintf(stdout, "  1 restaurant: %d surveys, p50 %v, p99 %v\n", len(one.latencies),
		store.Quantile(one.latencies, 0.5).Round(time.Microsecond), store.Quantile(one.latencies, 0.99).Round(time.Microsecond))
	fmt.Fprintf(stdout, "scale: restaurants=1 %.0f/s restaurants=%d %.0f/s ratio %.2f\n", one.rate(), restaurants, many.rate(), many.rate()/one.rate())
	return nil
}
