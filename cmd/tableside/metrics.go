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
	reg.MustRegister(outboxCollector{db: db, now: m.Now})
	return reg, handlers.NewMetrics(reg)
}

// outboxCollector reports the outbox at each scrape, from one query:
// tableside_outbox_pending and tableside_outbox_oldest_seconds.
type outboxCollector struct {
	db  *store.DB
	now func() time.Time
}

var (
	outboxPending = prometheus.NewDesc("tableside_outbox_pending",
		"Notifications (pushes, webhooks, emails) waiting to be sent; -1 if the database did not answer.", nil, nil)
	outboxOldest = prometheus.NewDesc("tableside_outbox_oldest_seconds",
		"How long the oldest notification waiting to be sent has waited (0: none).", nil, nil)
)

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxPending
	ch <- outboxOldest
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, oldest, err := c.db.OutboxPending(ctx)
	waited := 0.0
	switch {
	case err != nil:
		n = -1
	case !oldest.IsZero():
		waited = max(0, c.now().Sub(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(outboxPending, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, waited)
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
