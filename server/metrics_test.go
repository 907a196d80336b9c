package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/metrics"
)

// withMetrics gives the harness's server metrics over its store and host;
// public serves them without the secret key.
func withMetrics(t testing.TB, public bool) func(*Config) {
	return func(c *Config) {
		m, err := metrics.New(metrics.Config{Depths: c.Store, Instances: c.Host, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		c.Metrics, c.PublicMetrics = m, public
	}
}

// sample finds a series' value in a text exposition.
func sample(body, series string) (float64, bool) {
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestMetricsCountRunsAndCalls runs a sync, an action and a proxy call,
// then scrapes /metrics and finds them counted.
func TestMetricsCountRunsAndCalls(t *testing.T) {
	api := newTicketAPI(t, "1=one", "2=two", "3=three")
	h := newFnHarness(t, nil, withMetrics(t, false))
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/tickets")
	if runs := h.waitRuns("tickets", 1); runs[0]["status"] != "success" {
		t.Fatalf("sync run: %v", runs[0])
	}
	h.deploy("demo/actions/echo")
	conn := []string{"Connection-Id", "conn-1", "Provider-Config-Key", "demo"}
	h.must(http.StatusOK, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"hello"}}`), append(conn, "Content-Type", "application/json")...)
	h.must(http.StatusInternalServerError, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"refuse"}}`), append(conn, "Content-Type", "application/json")...)
	if status, out := h.do("GET", "/proxy/tickets?page=1", nil, append(conn, "Base-Url-Override", api.URL)...); status != http.StatusOK {
		t.Fatalf("proxy: %d %s", status, out)
	}

	status, out := h.do("GET", "/metrics", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", status, out)
	}
	body := string(out)
	tests := []struct {
		series string
		want   float64 // -1: present, any value
	}{
		{`ferry_executions_total{status="success",type="sync"}`, 1},
		{`ferry_executions_total{status="success",type="action"}`, 1},
		{`ferry_executions_total{status="failed",type="action"}`, 1},
		{`ferry_execution_duration_seconds_count{status="success",type="sync"}`, 1},
		{`ferry_records_written_total{action="added"}`, 3},
		{`ferry_upstream_calls_total{integration="demo",source="function",status="2xx"}`, -1},
		{`ferry_upstream_calls_total{integration="demo",source="proxy",status="2xx"}`, 1},
		{`ferry_webhook_inbox{status="pending"}`, 0},
		{`ferry_webhook_outbox{status="failed"}`, 0},
		// The test host is shared with other tests: its gauges are theirs too.
		{`ferry_wasm_instances{state="prewarmed"}`, -1},
		{`ferry_wasm_bundles`, -1},
		{`go_goroutines`, -1},
	}
	for _, tc := range tests {
		t.Run(tc.series, func(t *testing.T) {
			got, ok := sample(body, tc.series)
			if !ok || (tc.want >= 0 && got != tc.want) {
				t.Fatalf("%s = %v (found: %v), want %v", tc.series, got, ok, tc.want)
			}
		})
	}
}

func TestMetricsAuth(t *testing.T) {
	tests := []struct {
		name   string
		opts   []func(*Config)
		key    bool
		status int
	}{
		{"no key", []func(*Config){withMetrics(t, false)}, false, http.StatusUnauthorized},
		{"key", []func(*Config){withMetrics(t, false)}, true, http.StatusOK},
		{"public without key", []func(*Config){withMetrics(t, true)}, false, http.StatusOK},
		{"public with key", []func(*Config){withMetrics(t, true)}, true, http.StatusOK},
		{"no metrics", nil, true, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newFnHarness(t, nil, tc.opts...)
			req := httptest.NewRequest("GET", "/metrics", nil)
			if tc.key {
				req.Header.Set("Authorization", "Bearer "+fnTestKey)
			}
			res, err := h.srv.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status == http.StatusOK && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
				t.Fatalf("content type %q", res.Header.Get("Content-Type"))
			}
		})
	}
}
