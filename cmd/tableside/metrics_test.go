package main

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tableside/tableside/store"
)

// scrape reads the server's metrics as Prometheus does, parsed with its own
// text parser.
func scrape(t *testing.T, u string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	return families
}

// value is the value of a family's metric with the label (name, value):
// a counter's, a gauge's, or a histogram's count.
func value(f *dto.MetricFamily, name, label string) float64 {
	if f == nil {
		return -1
	}
	for _, m := range f.Metric {
		if name != "" && !hasLabel(m, name, label) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.Label {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// TestMetrics: with -metrics-addr, a scrape, a survey and a complaint (a
// manager's floor open), another scrape: the submissions counter and the
// alert-delivery histogram moved; the Go and process collectors are there;
// no label names a restaurant.
func TestMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "metrics.db")
	m := startMain(t, db, "-demo", "-metrics-addr", "127.0.0.1:0")
	defer m.Close()
	before := scrape(t, m.MetricsURL())
	for _, name := range []string{"tableside_survey_submissions_total", "tableside_alert_delivery_seconds", "tableside_streams_open",
		"tableside_outbox_pending", "tableside_outbox_oldest_seconds", "tableside_db_errors_total", "go_goroutines", "process_resident_memory_bytes"} {
		if before[name] == nil {
			t.Errorf("no %s", name)
		}
	}

	manager := newBrowser(t)
	signIn(t, manager, m.URL(), store.DemoManagerEmail, store.DemoManagerPassword, "/floor")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.URL()+"/floor/events?r=demo", nil)
	stream, err := manager.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("the floor's stream: %v", err)
	}
	defer stream.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for deadline := time.Now().Add(5 * time.Second); value(scrape(t, m.MetricsURL())["tableside_streams_open"], "kind", "floor") != 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the open floor stream is not counted")
		}
	}

	res, _ := http.Get(m.URL() + "/")
	home := new(strings.Builder)
	bufio.NewReader(res.Body).WriteTo(home)
	res.Body.Close()
	table := tableLink.FindStringSubmatch(home.String())
	if table == nil {
		t.Fatal("no table on the home page")
	}
	submitSurvey(t, m.URL()+table[1], url.Values{"rating": {"5"}, "tag": {"food"}})
	submitSurvey(t, m.URL()+table[1], url.Values{"rating": {"1"}, "tag": {"foreign-object"}, "comment": {"Glass in the risotto"}, "at_table": {"1"}})
	for deadline := time.After(10 * time.Second); ; {
		select {
		case l := <-lines:
			if !strings.Contains(l, `"kind":"raised"`) || !strings.Contains(l, "Glass in the risotto") {
				continue
			}
		case <-deadline:
			t.Fatal("the complaint did not reach the floor")
		}
		break
	}
	after := scrape(t, m.MetricsURL())
	if got, was := value(after["tableside_survey_submissions_total"], "outcome", "stored"), value(before["tableside_survey_submissions_total"], "outcome", "stored"); got != was+2 {
		t.Errorf("stored submissions went from %v to %v, want +2", was, got)
	}
	if got, was := value(after["tableside_alert_delivery_seconds"], "", ""), value(before["tableside_alert_delivery_seconds"], "", ""); got < was+1 {
		t.Errorf("alert deliveries observed went from %v to %v, want at least one more", was, got)
	}
	for _, f := range after {
		for _, metric := range f.Metric {
			for _, l := range metric.Label {
				if strings.Contains(strings.ToLower(l.GetValue()), "demo") || l.GetName() == "restaurant" {
					t.Errorf("%s has a label naming a restaurant: %s=%s", f.GetName(), l.GetName(), l.GetValue())
				}
			}
		}
	}
}
