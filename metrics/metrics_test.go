package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/store"
)

// fakeDepths is a Depths with fixed answers.
type fakeDepths struct {
	in  store.InboxCounts
	out store.OutboxCounts
	err error
}

func (f fakeDepths) InboxCounts(context.Context) (store.InboxCounts, error) { return f.in, f.err }
func (f fakeDepths) OutboxCounts(context.Context) (store.OutboxCounts, error) {
	return f.out, f.err
}

// fakeInstances is an Instances with a fixed answer.
type fakeInstances host.Stats

func (f fakeInstances) Stats() host.Stats { return host.Stats(f) }

func newMetrics(t testing.TB, cfg metrics.Config) *metrics.Metrics {
	t.Helper()
	cfg.NoRuntime = true
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := metrics.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCounters(t *testing.T) {
	tests := []struct {
		name   string
		record func(m *metrics.Metrics)
		want   string
		names  []string
	}{
		{
			name: "executions",
			record: func(m *metrics.Metrics) {
				m.Execution("sync", "success", time.Second, nil)
				m.Execution("sync", "success", time.Second, nil)
				m.Execution("action", "failed", time.Millisecond, nil)
			},
			want: `
# HELP ferry_executions_total Function executions that ended, by type (sync, webhook, action) and status (success, failed).
# TYPE ferry_executions_total counter
ferry_executions_total{status="failed",type="action"} 1
ferry_executions_total{status="success",type="sync"} 2
`,
			names: []string{"ferry_executions_total"},
		},
		{
			name: "records summed over models",
			record: func(m *metrics.Metrics) {
				m.Execution("sync", "success", time.Second, map[string]store.ModelCounts{
					"Issue": {Added: 3, Updated: 1}, "User": {Added: 2, Deleted: 4},
				})
			},
			want: `
# HELP ferry_records_written_total Records that executions changed, by action (added, updated, deleted).
# TYPE ferry_records_written_total counter
ferry_records_written_total{action="added"} 5
ferry_records_written_total{action="deleted"} 4
ferry_records_written_total{action="updated"} 1
`,
			names: []string{"ferry_records_written_total"},
		},
		{
			name: "upstream calls by status class",
			record: func(m *metrics.Metrics) {
				for _, status := range []int{200, 204, 429, 503, 0, 301} {
					m.UpstreamCall(metrics.SourceProxy, "github", status)
				}
				m.UpstreamCall(metrics.SourceFunction, "hubspot", 200)
			},
			want: `
# HELP ferry_upstream_calls_total Upstream HTTP calls, by source (proxy, function), integration and status class (2xx…5xx, or error when no answer came). A function's retries count once each.
# TYPE ferry_upstream_calls_total counter
ferry_upstream_calls_total{integration="github",source="proxy",status="2xx"} 2
ferry_upstream_calls_total{integration="github",source="proxy",status="3xx"} 1
ferry_upstream_calls_total{integration="github",source="proxy",status="4xx"} 1
ferry_upstream_calls_total{integration="github",source="proxy",status="5xx"} 1
ferry_upstream_calls_total{integration="github",source="proxy",status="error"} 1
ferry_upstream_calls_total{integration="hubspot",source="function",status="2xx"} 1
`,
			names: []string{"ferry_upstream_calls_total"},
		},
		{
			name: "token refreshes",
			record: func(m *metrics.Metrics) {
				m.TokenRefresh(true)
				m.TokenRefresh(false)
				m.TokenRefresh(true)
			},
			want: `
# HELP ferry_token_refreshes_total OAuth token refreshes, by result (success, failure).
# TYPE ferry_token_refreshes_total counter
ferry_token_refreshes_total{result="failure"} 1
ferry_token_refreshes_total{result="success"} 2
`,
			names: []string{"ferry_token_refreshes_total"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics(t, metrics.Config{})
			tc.record(m)
			if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(tc.want), tc.names...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDurationHistogram(t *testing.T) {
	m := newMetrics(t, metrics.Config{})
	m.Execution("webhook", "success", 3*time.Second, nil)
	m.Execution("webhook", "success", 5*time.Second, nil)
	n, err := testutil.GatherAndCount(m.Gatherer(), "ferry_execution_duration_seconds")
	if err != nil || n != 1 {
		t.Fatalf("histograms = %d, %v; want 1", n, err)
	}
	mfs, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "ferry_execution_duration_seconds" {
			continue
		}
		h := mf.GetMetric()[0].GetHistogram()
		if h.GetSampleCount() != 2 || h.GetSampleSum() != 8 {
			t.Fatalf("histogram: count %d sum %v, want 2 and 8", h.GetSampleCount(), h.GetSampleSum())
		}
	}
}

func TestGauges(t *testing.T) {
	tests := []struct {
		name  string
		cfg   metrics.Config
		want  string
		names []string
	}{
		{
			name: "depths",
			cfg:  metrics.Config{Depths: fakeDepths{in: store.InboxCounts{Pending: 3, Parked: 1}, out: store.OutboxCounts{Pending: 2, Failed: 5}}},
			want: `
# HELP ferry_webhook_inbox Received webhooks not handled, by status (pending, parked, unattributed).
# TYPE ferry_webhook_inbox gauge
ferry_webhook_inbox{status="parked"} 1
ferry_webhook_inbox{status="pending"} 3
ferry_webhook_inbox{status="unattributed"} 0
# HELP ferry_webhook_outbox Webhook deliveries not delivered, by status (pending, failed).
# TYPE ferry_webhook_outbox gauge
ferry_webhook_outbox{status="failed"} 5
ferry_webhook_outbox{status="pending"} 2
`,
			names: []string{"ferry_webhook_inbox", "ferry_webhook_outbox"},
		},
		{
			name: "instances",
			cfg:  metrics.Config{Instances: fakeInstances{Bundles: 2, Running: 1, Prewarmed: 4}},
			want: `
# HELP ferry_wasm_bundles Function bundles loaded in the host.
# TYPE ferry_wasm_bundles gauge
ferry_wasm_bundles 2
# HELP ferry_wasm_instances Wasm instances, by state (running: in an execution; prewarmed: fresh, ready in a pool).
# TYPE ferry_wasm_instances gauge
ferry_wasm_instances{state="prewarmed"} 4
ferry_wasm_instances{state="running"} 1
`,
			names: []string{"ferry_wasm_bundles", "ferry_wasm_instances"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics(t, tc.cfg)
			if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(tc.want), tc.names...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A failing store read leaves its gauges out; the rest is served.
func TestHandlerServesDespiteAFailedRead(t *testing.T) {
	m := newMetrics(t, metrics.Config{Depths: fakeDepths{err: errors.New("disk gone")}})
	m.TokenRefresh(true)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `ferry_token_refreshes_total{result="success"} 1`) || strings.Contains(body, "ferry_webhook_inbox{") {
		t.Fatalf("answer %d:\n%s", rec.Code, body)
	}
}

func TestRuntimeCollectors(t *testing.T) {
	m, err := metrics.New(metrics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes"} {
		if n, err := testutil.GatherAndCount(m.Gatherer(), name); err != nil || n != 1 {
			t.Errorf("%s: %d series, %v", name, n, err)
		}
	}
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Execution("sync", "success", time.Second, nil)
	m.UpstreamCall(metrics.SourceProxy, "github", 200)
	m.TokenRefresh(true)
}
