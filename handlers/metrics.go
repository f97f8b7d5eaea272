package handlers

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are what an operator watches (Prometheus): survey submissions by
// outcome, how long an alert takes from its commit to a tablet's stream,
// the live streams open, and the database's errors. No label names a
// restaurant.
type Metrics struct {
	surveys  *prometheus.CounterVec
	delivery prometheus.Histogram
	streams  *prometheus.GaugeVec
	dbErrors *prometheus.CounterVec
}

// NewMetrics makes the handlers' metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		surveys: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tableside_survey_submissions_total",
			Help: "Survey submissions, by outcome: stored, replayed (sent again), invalid, unavailable (the database), limited (rate)."}, []string{"outcome"}),
		delivery: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tableside_alert_delivery_seconds",
			Help:    "From an alert's commit to its event written on a floor tablet's live stream.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		streams: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tableside_streams_open",
			Help: "Live streams open, by kind: floor (staff tablets) and receipt (diners)."}, []string{"kind"}),
		dbErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tableside_db_errors_total",
			Help: "Requests the database failed, by kind: unavailable (down, full, busy) or internal."}, []string{"kind"}),
	}
	reg.MustRegister(m.surveys, m.delivery, m.streams, m.dbErrors)
	for _, o := range []string{"stored", "replayed", "invalid", "unavailable", "limited"} {
		m.surveys.WithLabelValues(o)
	}
	for _, k := range []string{"floor", "receipt"} {
		m.streams.WithLabelValues(k)
	}
	for _, k := range []string{"unavailable", "internal"} {
		m.dbErrors.WithLabelValues(k)
	}
	return m
}
