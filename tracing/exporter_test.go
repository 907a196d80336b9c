package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/tracing"
	"github.com/ferryhq/ferry/tracing/tracingtest"
)

// newExporter returns an exporter sending to a new receiver; Shutdown
// (which flushes) is the test's to call.
func newExporter(t *testing.T, cfg tracing.Config) (*tracing.Exporter, *tracingtest.Receiver) {
	t.Helper()
	rcv := tracingtest.NewReceiver(t)
	cfg.Endpoint = rcv.URL
	x, err := tracing.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Shutdown(context.Background()) })
	return x, rcv
}

func flush(t *testing.T, x *tracing.Exporter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := x.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestExporterSendsASyncRun exports a failed sync run with a log line and
// an upstream call that got a 500, and checks what the collector gets: a
// span for the run, a child span for the call, an event for the line, with
// their attributes, statuses and times; the configured header; and no
// trace of a credential a caller forgot to redact.
func TestExporterSendsASyncRun(t *testing.T) {
	const secret = "s3cr3t-upstream-token"
	x, rcv := newExporter(t, tracing.Config{
		Headers:        map[string]string{"Authorization": "Bearer collector-key"},
		ServiceVersion: "v1.2.3",
	})
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	callStart := start.Add(100 * time.Millisecond)
	report, err := json.Marshal(hostfns.Report{
		Logs: []hostfns.LogLine{{Time: start.Add(50 * time.Millisecond), Level: "warn", Message: "page 2 failed", Meta: map[string]any{"page": 2}}},
		Calls: []hostfns.Call{{
			Method: "GET", URL: "https://api.example.com:8443/repos/issues?page=2&api_key=REDACTED",
			RequestHeaders: map[string]string{"Authorization": "Bearer " + secret, "Accept": "application/json"},
			Status:         500, Attempt: 1, Duration: 250 * time.Millisecond, Start: callStart,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	x.Operation(store.Execution{
		ID: 42, Type: "sync", Environment: "dev", Integration: "github", ConnectionID: "conn-1",
		Function: "github-issues", Trigger: "schedule", Status: store.ExecutionFailed,
		StartedAt: start, EndedAt: start.Add(2 * time.Second),
		Records: map[string]store.ModelCounts{"Issue": {Added: 3, Updated: 1}},
		Error:   &store.RunError{Type: "http_error", Message: "the upstream answered 500"},
	}, report)
	flush(t, x)

	spans := rcv.Spans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2: %+v", len(spans), spans)
	}
	run, ok := tracingtest.Find(spans, "sync github-issues")
	if !ok {
		t.Fatalf("no span for the run: %+v", spans)
	}
	if run.Kind != "internal" || run.ParentID != "" || run.Status != "error" || run.StatusMessage != "the upstream answered 500" ||
		!run.Start.Equal(start) || !run.End.Equal(start.Add(2*time.Second)) {
		t.Errorf("run span: %+v", run)
	}
	checkAttrs(t, "run", run.Attributes, map[string]any{
		"ferry.operation.id": int64(42), "ferry.operation.type": "sync", "ferry.environment": "dev",
		"ferry.integration": "github", "ferry.connection_id": "conn-1", "ferry.function": "github-issues",
		"ferry.trigger": "schedule", "ferry.status": "failed", "error.type": "http_error",
		"ferry.records.Issue.added": int64(3), "ferry.records.Issue.updated": int64(1), "ferry.records.Issue.deleted": int64(0),
	})
	checkAttrs(t, "resource", run.Resource, map[string]any{"service.name": "ferry", "service.version": "v1.2.3"})
	if len(run.Events) != 1 || run.Events[0].Name != "log" || !run.Events[0].Time.Equal(start.Add(50*time.Millisecond)) {
		t.Fatalf("run events: %+v", run.Events)
	}
	checkAttrs(t, "log event", run.Events[0].Attributes, map[string]any{
		"ferry.log.level": "warn", "ferry.log.message": "page 2 failed", "ferry.log.meta": `{"page":2}`,
	})

	calls := tracingtest.Children(spans, run)
	if len(calls) != 1 {
		t.Fatalf("%d call spans under the run, want 1", len(calls))
	}
	call := calls[0]
	if call.Name != "GET" || call.Kind != "client" || call.Status != "error" ||
		!call.Start.Equal(callStart) || !call.End.Equal(callStart.Add(250*time.Millisecond)) {
		t.Errorf("call span: %+v", call)
	}
	checkAttrs(t, "call", call.Attributes, map[string]any{
		"http.request.method": "GET", "url.full": "https://api.example.com:8443/repos/issues?page=2&api_key=REDACTED",
		"server.address": "api.example.com", "server.port": int64(8443), "http.response.status_code": int64(500),
		"error.type": "500", "ferry.attempt": int64(1), "http.request.resend_count": int64(1),
		"http.request.header.authorization": []any{"REDACTED"}, "http.request.header.accept": []any{"application/json"},
	})

	headers := rcv.Headers()
	if len(headers) == 0 || headers[0].Get("Authorization") != "Bearer collector-key" {
		t.Errorf("export headers: %v", headers)
	}
	if raw := rcv.Received(); bytes.Contains(raw, []byte(secret)) {
		t.Errorf("the credential %q left ferry", secret)
	}
}

// TestExporterOperations checks each kind of operation's span: its name,
// kind and status, and that a report that does not decode still leaves
// the operation exported.
func TestExporterOperations(t *testing.T) {
	x, rcv := newExporter(t, tracing.Config{})
	now := time.Now().UTC()
	for _, tc := range []struct {
		e      store.Execution
		report string
	}{
		{store.Execution{Type: "proxy", Function: "GET /repos", Status: store.ExecutionSuccess}, ""},
		{store.Execution{Type: "action", Function: "create-issue", Status: store.ExecutionSuccess}, `{"logs":[],"calls":[{"method":"POST","url":"https://api.example.com/issues","status":201}]}`},
		{store.Execution{Type: "auth", Function: "refresh", Status: store.ExecutionFailed, Error: &store.RunError{Type: "refresh_failed", Message: "invalid_grant"}}, ""},
		{store.Execution{Type: "webhook", Function: "on-push", Status: store.ExecutionSuccess}, `{bad`},
		{store.Execution{Type: "proxy", Function: "GET /gone", Status: store.ExecutionFailed, Error: &store.RunError{Type: "upstream_error", Message: "connection refused"}},
			`{"calls":[{"method":"GET","url":"https://gone.example.com/gone","status":0,"error":"connection refused"}]}`},
	} {
		tc.e.Environment, tc.e.StartedAt, tc.e.EndedAt = "dev", now, now.Add(time.Millisecond)
		x.Operation(tc.e, json.RawMessage(tc.report))
	}
	flush(t, x)
	spans := rcv.Spans()
	for _, tc := range []struct {
		name, kind, status string
		children           int
		childStatus        string
	}{
		{"proxy GET /repos", "server", "unset", 0, ""},
		{"action create-issue", "server", "unset", 1, "unset"},
		{"auth refresh", "internal", "error", 0, ""},
		{"webhook on-push", "internal", "unset", 0, ""},
		{"proxy GET /gone", "server", "error", 1, "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := tracingtest.Find(spans, tc.name)
			if !ok {
				t.Fatalf("no span %q among %d", tc.name, len(spans))
			}
			if s.Kind != tc.kind || s.Status != tc.status {
				t.Errorf("kind %s, status %s; want %s, %s", s.Kind, s.Status, tc.kind, tc.status)
			}
			children := tracingtest.Children(spans, s)
			if len(children) != tc.children {
				t.Fatalf("%d children, want %d", len(children), tc.children)
			}
			if tc.children > 0 && children[0].Status != tc.childStatus {
				t.Errorf("child status %s, want %s", children[0].Status, tc.childStatus)
			}
		})
	}
	gone, _ := tracingtest.Find(spans, "proxy GET /gone")
	if c := tracingtest.Children(spans, gone); len(c) != 1 || c[0].StatusMessage != "connection refused" || c[0].Attributes["error.type"] != "_OTHER" {
		t.Errorf("a call that got no answer: %+v", c)
	}
}

// TestNilExporter is tracing turned off: nothing is done, nothing fails.
func TestNilExporter(t *testing.T) {
	var x *tracing.Exporter
	x.Operation(store.Execution{Type: "proxy"}, nil)
	if err := x.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func checkAttrs(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, v := range want {
		g, _ := json.Marshal(got[k])
		w, _ := json.Marshal(v)
		if _, ok := got[k]; !ok || !bytes.Equal(g, w) {
			t.Errorf("%s: %s = %s, want %s", what, k, g, w)
		}
	}
}
