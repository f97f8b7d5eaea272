package main

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// metricsRegistry is the server's Prometheus registry: the handlers'
// metrics, the outbox's (read from the database at each scrape), and Go's
// and the process's own. No label names a restaurant.
func (m *Main) metricsRegistry(db *store.DB) (*prometheus.Registry, *handlers.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	pending := func() (int, time.Time) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, oldest, err := db.OutboxPending(ctx)
		if err != nil {
			return -1, time.Time{}
		}
		return n, oldest
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tableside_outbox_pending",
		Help: "Notifications (pushes, webhooks, emails) waiting to be sent; -1 if the database did not answer."},
		func() float64 { n, _ := pending(); return float64(n) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tableside_outbox_oldest_seconds",
		Help: "How long the oldest notification waiting to be sent has waited (0: none)."},
		func() float64 {
			if _, oldest := pending(); !oldest.IsZero() {
				return max(0, m.Now().Sub(oldest).Seconds())
			}
			return 0
		}))
	return reg, handlers.NewMetrics(reg)
}

// serveMetrics serves the registry at /metrics on addr, a listener of its
// own (keep it on 127.0.0.1 or a private network).
func (m *Main) serveMetrics(addr string, reg *prometheus.Registry) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	m.metricsLn = ln
	go m.metricsServer.Serve(ln)
	return nil
}
