package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/tracing"
	"github.com/ferryhq/ferry/tracing/tracingtest"
)

// withTracer gives the harness's server a tracer exporting to rcv; it
// flushes and stops after the server.
func withTracer(t testing.TB, rcv *tracingtest.Receiver) func(*Config) {
	return func(c *Config) {
		x, err := tracing.New(tracing.Config{Endpoint: rcv.URL, BatchTimeout: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Shutdown(context.Background()) })
		c.Tracer = x
	}
}

// waitSpan waits for a span named name.
func waitSpan(t testing.TB, rcv *tracingtest.Receiver, name string) (tracingtest.Span, []tracingtest.Span) {
	t.Helper()
	for n := 1; ; n++ {
		spans := rcv.WaitSpans(n)
		if s, ok := tracingtest.Find(spans, name); ok {
			return s, spans
		}
	}
}

// TestTracingExportsOperations runs a sync and a proxy call that gets a
// 500 on a connection with a known API key, and finds both as traces at
// an OTLP receiver: each operation's span with its attributes, its
// upstream calls as child spans, and the key nowhere in what was sent.
func TestTracingExportsOperations(t *testing.T) {
	const apiKey = "tok-trace-0123456789-s3cret"
	rcv := tracingtest.NewReceiver(t)
	api := newTicketAPI(t, "1=one", "2=two", "3=three")
	h := newFnHarness(t, nil, withTracer(t, rcv))
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"`+apiKey+`"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")

	t.Run("sync run", func(t *testing.T) {
		h.deploy("demo/syncs/tickets")
		if runs := h.waitRuns("tickets", 1); runs[0]["status"] != "success" {
			t.Fatalf("sync run: %v", runs[0])
		}
		run, spans := waitSpan(t, rcv, "sync tickets")
		if run.Kind != "internal" || run.Status != "unset" {
			t.Errorf("run span: %+v", run)
		}
		checkSpanAttrs(t, run.Attributes, map[string]any{
			"ferry.operation.type": "sync", "ferry.environment": "dev", "ferry.integration": "demo",
			"ferry.connection_id": "conn-1", "ferry.function": "tickets", "ferry.trigger": "initial",
			"ferry.status": "success", "ferry.records.Ticket.added": int64(3),
		})
		if id, _ := run.Attributes["ferry.operation.id"].(int64); id <= 0 {
			t.Errorf("ferry.operation.id = %v", run.Attributes["ferry.operation.id"])
		}
		calls := tracingtest.Children(spans, run)
		if len(calls) == 0 {
			t.Fatal("no call spans under the run")
		}
		for _, c := range calls {
			auth, _ := c.Attributes["http.request.header.authorization"].([]any)
			if c.Kind != "client" || c.Attributes["http.response.status_code"] != int64(200) || len(auth) != 1 || auth[0] != "REDACTED" {
				t.Errorf("call span: %+v", c)
			}
		}
	})

	t.Run("proxy call answered 500", func(t *testing.T) {
		api.mu.Lock()
		api.fail = true
		api.mu.Unlock()
		status, out := h.do("GET", "/proxy/tickets?page=1", nil, "Connection-Id", "conn-1", "Provider-Config-Key", "demo", "Base-Url-Override", api.URL)
		if status != http.StatusInternalServerError {
			t.Fatalf("proxy: %d %s", status, out)
		}
		op, spans := waitSpan(t, rcv, "proxy GET /tickets")
		if op.Kind != "server" || op.Status != "error" || op.StatusMessage != "the upstream answered 500" {
			t.Errorf("proxy span: %+v", op)
		}
		checkSpanAttrs(t, op.Attributes, map[string]any{
			"ferry.operation.type": "proxy", "ferry.environment": "dev", "ferry.integration": "demo",
			"ferry.connection_id": "conn-1", "ferry.function": "GET /tickets", "ferry.trigger": "api",
			"ferry.status": "failed", "error.type": "http_error",
		})
		calls := tracingtest.Children(spans, op)
		if len(calls) != 1 || calls[0].Status != "error" || calls[0].Attributes["http.response.status_code"] != int64(500) ||
			calls[0].Attributes["url.full"] != api.URL+"/tickets?page=1" {
			t.Fatalf("the proxied call's span: %+v", calls)
		}
	})

	if raw := rcv.Received(); len(raw) == 0 || bytes.Contains(raw, []byte(apiKey)) {
		t.Fatalf("the connection's API key left ferry (or nothing did: %d bytes)", len(raw))
	}
}

func checkSpanAttrs(t *testing.T, got, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
}
