package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tableside/tableside/store"
)

// freshDatabase makes a new, empty database on the PostgreSQL server of
// serverURL for one run, and drops it after.
func freshDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("-postgres: %w", err)
	}
	defer admin.Close(ctx)
	name := "tableside_load_" + strings.ToLower(strings.ReplaceAll(store.NewToken(), "-", "_"))
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", nil, err
	}
	drop := func() {
		if admin, err := pgx.Connect(context.Background(), serverURL); err == nil {
			admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			admin.Close(context.Background())
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// engineRun is one configuration of -compare: an engine and how many
// servers share it.
type engineRun struct {
	name      string
	db        string
	instances int
}

// compareEngines measures the survey's throughput (closed loop: workers
// posting as fast as they are answered, spread over the instances) on
// SQLite with one server, and on one PostgreSQL database with one server and
// with several, one after the other on this machine, and prints them side
// by side with the ratios.
func compareEngines(ctx context.Context, stdout io.Writer, binary, dir, pgServer string, instances, workers, tables int, latency, each time.Duration) error {
	var proxy *latencyProxy
	if latency > 0 {
		hostPort, err := pgHostPort(pgServer)
		if err != nil {
			return err
		}
		if proxy, err = startLatencyProxy(hostPort, latency); err != nil {
			return err
		}
		defer proxy.close()
	}
	runs := []engineRun{{name: "SQLite, 1 server", db: filepath.Join(dir, "compare.db"), instances: 1}}
	for _, n := range []int{1, instances} {
		db, drop, err := freshDatabase(ctx, pgServer)
		if err != nil {
			return err
		}
		defer drop()
		runs = append(runs, engineRun{name: fmt.Sprintf("PostgreSQL, %d server(s)", n), db: db, instances: n})
	}
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	results := make([]result, len(runs))
	for i, run := range runs {
		db, err := store.Open(ctx, run.db)
		if err != nil {
			return err
		}
		sites, err := prepareRush(ctx, db, 1, tables)
		if err != nil {
			db.Close()
			return err
		}
		var bases []string
		var servers []*child
		serverDB := run.db
		if proxy != nil && strings.HasPrefix(run.db, "postgres") {
			if serverDB, err = throughProxy(run.db, proxy); err != nil {
				db.Close()
				return err
			}
		}
		for range run.instances {
			srv, err := startChild(ctx, binary, serverDB)
			if err != nil {
				db.Close()
				return err
			}
			servers = append(servers, srv)
			bases = append(bases, srv.URL)
		}
		tokens := sites[0].Tokens
		var turn atomic.Int64
		results[i] = phase(ctx, workers, each, 1_000_000, func(rng *rand.Rand) (int, error) {
			base := bases[int(turn.Add(1))%len(bases)]
			return do(client, http.MethodPost, base+"/t/"+tokens[rng.IntN(len(tokens))], surveyForm(rng))
		})
		stored, err := db.CountResponses(ctx, sites[0].ID)
		for _, s := range servers {
			s.stop()
		}
		db.Close()
		if err != nil {
			return err
		}
		if stored != results[i].ok || results[i].failed > 0 {
			return fmt.Errorf("%s: %d answered 303, %d stored, %d failed", run.name, results[i].ok, stored, results[i].failed)
		}
	}
	fmt.Fprintf(stdout, "throughput of survey posts: %d workers, %v each, servers as child processes, %v added each way to PostgreSQL, %d-core machine (the database server shares it)\n",
		workers, each, latency, runtime.NumCPU())
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configuration\trequests\treq/s\tp50\tp99\tmax\tnon-2xx/3xx\t")
	for i, run := range runs {
		results[i].print(tw, run.name)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "ratios: PostgreSQL %d servers / 1 server %.2f; PostgreSQL 1 server / SQLite %.2f; every 303 stored\n",
		instances, results[2].rate()/results[1].rate(), results[1].rate()/results[0].rate())
	return nil
}
