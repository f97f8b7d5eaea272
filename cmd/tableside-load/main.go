// Command tableside-load measures a Tableside server on 127.0.0.1, apart
// from the server's own binary: a dinner rush (the default), raw throughput
// (-throughput), alert delivery to many tablets (-alerts), the memory of many
// idle floor streams (-streams N), alerts pushed to N phones and a webhook
// and the diner's latency when they hang (-push N), and crash safety (-crash N: SIGKILL the
// server N times during a rush). It starts the server it measures as a child
// process (built from this module, or -server PATH), or rushes -target. It
// never sends traffic anywhere but the loopback address, and every run is
// bounded in time and requests.
//
//	go run ./cmd/tableside-load [-restaurants 2 -tables 30 -tablets 10 -rate 200 -duration 30s]
//	go run ./cmd/tableside-load -throughput -duration 15s -workers 32
//	go run ./cmd/tableside-load -alerts -tablets 50 -rate 100 -duration 10s
//	go run ./cmd/tableside-load -streams 10000
//	go run ./cmd/tableside-load -push 20 -rate 10 -duration 20s
//	go run ./cmd/tableside-load -crash 100 [-seed N]
//	go run ./cmd/tableside-load -scale -postgres URL -instances 2 -restaurants 20 -pg-latency 1ms
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "tableside-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tableside-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 10*time.Second, "how long to send traffic (at most 5m)")
	rate := fs.Int("rate", 200, "surveys posted per second in a rush; complaints per second with -alerts (1–2000)")
	restaurants := fs.Int("restaurants", 2, "restaurants in a rush (1–100)")
	tables := fs.Int("tables", 30, "tables per restaurant")
	tablets := fs.Int("tablets", 10, "floor tablets following the event stream, spread over the restaurants (1–500)")
	maxRequests := fs.Int("max-requests", 1_000_000, "stop after this many surveys (or requests per phase)")
	target := fs.String("target", "", "a running server on 127.0.0.1 to rush instead of starting one (with -db, and -survey-limit 0 on the server)")
	dbPath := fs.String("db", "", "with -target: the server's database file, to set up the restaurants and check every receipt")
	server := fs.String("server", "", "the tableside binary to start (default: built from this module with go build)")
	throughput := fs.Bool("throughput", false, "measure raw throughput: GET /healthz, survey POSTs and a bare insert, a third of the time each")
	workers := fs.Int("workers", 32, "with -throughput: concurrent clients (1–512)")
	alerts := fs.Bool("alerts", false, "measure alert delivery to -tablets tablets at -rate complaints per second")
	streams := fs.Int("streams", 0, "measure the server's memory with this many idle floor streams open (1–15000), and one alert's fan-out to them")
	push := fs.Int("push", 0, "measure Web Push to this many phones (1–100) and a webhook, at -rate complaints per second for -duration, then the diner's latency with them hanging")
	crash := fs.Int("crash", 0, "kill the server with SIGKILL this many times during rushes (1–1000) and check that nothing answered was lost")
	postgres := fs.String("postgres", "", "a PostgreSQL server's URL: rush a new database on it (dropped after) instead of a SQLite file")
	instances := fs.Int("instances", 1, "with -postgres: servers sharing the database, the tablets and diners spread over them (1–8)")
	compare := fs.Bool("compare", false, "with -postgres: the survey's throughput on SQLite with one server and on PostgreSQL with 1 and -instances servers")
	scale := fs.Bool("scale", false, "with -postgres: the survey's throughput with -instances servers on one database for -restaurants restaurants, then for one")
	pgLatency := fs.Duration("pg-latency", 0, "with -postgres: a proxy in front of PostgreSQL adds this delay each way, as a network hop would (at most 100ms)")
	seed := fs.Uint64("seed", 0, "with -crash: the random seed of the kill times, to replay a run (default: from the clock, and printed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *duration <= 0 || *duration > 5*time.Minute:
		return fmt.Errorf("-duration must be in (0, 5m]")
	case *rate < 1 || *rate > 2000 || *tablets < 1 || *tablets > 500 || *tables < 1 || *tables > 1000:
		return fmt.Errorf("-rate must be in [1, 2000], -tablets in [1, 500], -tables in [1, 1000]")
	case *workers < 1 || *workers > 512 || *restaurants < 1 || *restaurants > 100 || *maxRequests < 1:
		return fmt.Errorf("-workers must be in [1, 512], -restaurants in [1, 100], -max-requests at least 1")
	case *streams < 0 || *streams > 15000:
		return fmt.Errorf("-streams must be in [1, 15000]")
	case *crash < 0 || *crash > 1000:
		return fmt.Errorf("-crash must be in [1, 1000]")
	case *push < 0 || *push > 100:
		return fmt.Errorf("-push must be in [1, 100]")
	case *instances < 1 || *instances > 8 || (*instances > 1 || *compare || *scale || *pgLatency != 0) && *postgres == "":
		return fmt.Errorf("-instances must be in [1, 8]; more than one, -compare, -scale and -pg-latency need -postgres")
	case *pgLatency < 0 || *pgLatency > 100*time.Millisecond:
		return fmt.Errorf("-pg-latency must be in [0, 100ms]")
	}
	if *target != "" {
		return runRush(ctx, stdout, rushFlags{target: *target, db: *dbPath, restaurants: *restaurants, tables: *tables,
			tablets: *tablets, rate: *rate, duration: *duration, maxRequests: *maxRequests})
	}
	dir, err := os.MkdirTemp("", "tableside-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary, err := serverBinary(ctx, *server, dir)
	if err != nil {
		return err
	}
	switch {
	case *scale:
		return runScale(ctx, stdout, binary, *postgres, *instances, *restaurants, *workers, *tables, *pgLatency, *duration/2)
	case *compare:
		return compareEngines(ctx, stdout, binary, dir, *postgres, max(2, *instances), *workers, *tables, *pgLatency, *duration/3)
	case *postgres != "" && !*throughput && !*alerts && *push == 0 && *streams == 0 && *crash == 0:
		db, drop, err := freshDatabase(ctx, *postgres)
		if err != nil {
			return err
		}
		defer drop()
		return runRush(ctx, stdout, rushFlags{binary: binary, db: db, restaurants: *restaurants, instances: *instances,
			tables: *tables, tablets: *tablets, rate: *rate, duration: *duration, maxRequests: *maxRequests})
	case *postgres != "":
		return fmt.Errorf("-postgres goes with a rush or -compare")
	case *crash > 0:
		if *seed == 0 {
			*seed = uint64(time.Now().UnixNano())
		}
		rep, err := runCrash(ctx, binary, filepath.Join(dir, "crash.db"), *crash, *seed)
		rep.print(stdout)
		return err
	case *streams > 0:
		return runStreams(ctx, stdout, binary, filepath.Join(dir, "streams.db"), *streams)
	case !*throughput && !*alerts && *push == 0:
		return runRush(ctx, stdout, rushFlags{binary: binary, db: filepath.Join(dir, "rush.db"), restaurants: *restaurants,
			tables: *tables, tablets: *tablets, rate: *rate, duration: *duration, maxRequests: *maxRequests})
	}

	file := filepath.Join(dir, "load.db")
	var extra []string
	if *push > 0 {
		extra = []string{"-allow-private-hooks"} // the push service and the webhook are on 127.0.0.1
	}
	db, site, srv, err := startOne(ctx, binary, file, *tables, extra...)
	if err != nil {
		return err
	}
	defer db.Close()
	defer srv.stop()
	if *push > 0 {
		l := &pushLoad{base: srv.URL, db: db, site: site, phones: *push, rate: *rate, duration: *duration}
		return l.run(ctx, stdout)
	}
	if *alerts {
		l := &alertLoad{base: srv.URL, site: site, tablets: *tablets, rate: *rate, duration: *duration}
		return l.run(ctx, stdout)
	}
	tokens := site.Tokens
	r := store.Restaurant{ID: site.ID}

	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConns: *workers, MaxIdleConnsPerHost: *workers, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	base := srv.URL
	bareURL, stopBare, err := startBareInsert(filepath.Join(dir, "bare.db"))
	if err != nil {
		return err
	}
	defer stopBare()
	each := *duration / 3
	health := phase(ctx, *workers, each, *maxRequests, func(rng *rand.Rand) (int, error) {
		return do(client, http.MethodGet, base+"/healthz", nil)
	})
	submit := phase(ctx, *workers, each, *maxRequests, func(rng *rand.Rand) (int, error) {
		return do(client, http.MethodPost, base+"/t/"+tokens[rng.IntN(len(tokens))], surveyForm(rng))
	})
	bare := phase(ctx, *workers, each, *maxRequests, func(rng *rand.Rand) (int, error) {
		return do(client, http.MethodPost, bareURL, surveyForm(rng))
	})

	stored, err := db.CountResponses(ctx, r.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(stdout, "throughput: %d workers, %v per endpoint, server on %s (a child process), %d-core machine\n",
		*workers, each, base, runtime.NumCPU())
	fmt.Fprintln(tw, "endpoint\trequests\treq/s\tp50\tp99\tmax\tnon-2xx/3xx\t")
	health.print(tw, "GET /healthz")
	submit.print(tw, "POST /t/TOKEN")
	bare.print(tw, "bare insert")
	tw.Flush()
	fmt.Fprintf(stdout, "throughput ratios: submit/healthz %.2f, submit/bare insert %.2f\n",
		submit.rate()/health.rate(), submit.rate()/bare.rate())
	fmt.Fprintf(stdout, "answered 303: %d, responses stored: %d\n", submit.ok, stored)
	if stored != submit.ok || submit.failed > 0 || health.failed > 0 {
		return fmt.Errorf("%d submissions answered 303 but %d stored; %d+%d requests failed",
			submit.ok, stored, health.failed, submit.failed)
	}
	return nil
}

// result is what one phase measured.
type result struct {
	elapsed   time.Duration
	latencies []time.Duration
	ok        int // answered 2xx or 3xx
	failed    int
}

func (r result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r result) print(w io.Writer, name string) {
	if len(r.latencies) == 0 {
		fmt.Fprintf(w, "%s\t0\t-\t-\t-\t-\t%d\t\n", name, r.failed)
		return
	}
	q := func(p float64) time.Duration { return store.Quantile(r.latencies, p).Round(time.Microsecond) }
	fmt.Fprintf(w, "%s\t%d\t%.0f\t%v\t%v\t%v\t%d\t\n", name, len(r.latencies), r.rate(), q(0.5), q(0.99), q(1), r.failed)
}

// phase runs fn from n workers until d has passed or max requests were sent.
func phase(ctx context.Context, n int, d time.Duration, max int, fn func(*rand.Rand) (int, error)) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	var sent atomic.Int64
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var lat []time.Duration
			ok, failed := 0, 0
			for ctx.Err() == nil {
				if sent.Add(1) > int64(max) {
					cancel()
					break
				}
				t0 := time.Now()
				status, err := fn(rng)
				lat = append(lat, time.Since(t0))
				if err != nil || status >= 400 {
					failed++
				} else {
					ok++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lat...)
			res.ok += ok
			res.failed += failed
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func do(client *http.Client, method, u string, form url.Values) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// surveyForm is a plausible diner's submission: mostly happy, some not.
func surveyForm(rng *rand.Rand) url.Values {
	f := url.Values{"key": {store.NewFormKey(time.Now())}, "rating": {fmt.Sprint([]int{5, 5, 5, 4, 4, 3, 2, 1}[rng.IntN(8)])}}
	switch f.Get("rating") {
	case "5", "4":
		f["tag"] = []string{"food", "service"}
		f.Set("comment", "Lovely evening, thank you!")
	default:
		f["tag"] = []string{"slow", "cold-food"}
		f.Set("comment", "We waited a long time and the soup was cold.")
		if rng.IntN(3) == 0 {
			f.Set("at_table", "1")
		}
	}
	return f
}

// startBareInsert serves, on 127.0.0.1, the yardstick for survey submissions: a
// bare Echo handler that inserts one row per POST into a WAL SQLite file with
// the pragmas Tableside uses, and nothing else.
func startBareInsert(file string) (u string, stop func(), err error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return "", nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, rating INTEGER, comment TEXT)`); err != nil {
		db.Close()
		return "", nil, err
	}
	e := echo.New()
	e.POST("/bare", func(c echo.Context) error {
		if _, err := db.ExecContext(c.Request().Context(), `INSERT INTO t (rating, comment) VALUES (?, ?)`,
			c.FormValue("rating"), c.FormValue("comment")); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/bare", func() { srv.Close(); db.Close() }, nil
}

// serverBinary is the tableside binary to measure: path, or one built from
// this module into dir.
func serverBinary(ctx context.Context, path, dir string) (string, error) {
	if path != "" {
		return path, nil
	}
	binary := filepath.Join(dir, "tableside")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, "github.com/tableside/tableside/cmd/tableside")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building the server: %w (or give one with -server)", err)
	}
	return binary, nil
}
