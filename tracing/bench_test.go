package tracing_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/tracing"
)

// BenchmarkOperation measures what exporting an operation costs its
// caller (the operations log's writer, a sync run's goroutine): building
// its spans and queueing them; the batch processor sends them behind to
// a collector that discards them, and drops what does not fit its queue.
func BenchmarkOperation(b *testing.B) {
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer sink.Close()
	now := time.Now().UTC()
	proxy := store.Execution{
		ID: 1, Type: "proxy", Environment: "dev", Integration: "github", ConnectionID: "conn-1",
		Function: "GET /user", Trigger: "api", Status: store.ExecutionSuccess, StartedAt: now, EndedAt: now.Add(time.Millisecond),
	}
	sync := proxy
	sync.Type, sync.Function, sync.Trigger, sync.Status = "sync", "github-issues", "schedule", store.ExecutionFailed
	sync.Error = &store.RunError{Type: "http_error", Message: "the upstream answered 500"}
	sync.Records = map[string]store.ModelCounts{"Issue": {Added: 10}}
	report, _ := json.Marshal(hostfns.Report{
		Logs: []hostfns.LogLine{{Time: now, Level: "info", Message: "fetching page 2", Meta: map[string]any{"page": 2}}},
		Calls: []hostfns.Call{{Method: "GET", URL: "https://api.github.com/repos/o/r/issues?page=2", Status: 500,
			RequestHeaders: map[string]string{"Authorization": "REDACTED", "Accept": "application/json"}, Duration: time.Millisecond, Start: now}},
	})
	for _, bc := range []struct {
		name   string
		on     bool
		e      store.Execution
		report json.RawMessage
	}{
		{"off", false, proxy, nil},
		{"proxy call", true, proxy, nil},
		{"sync run with a log line and a call", true, sync, report},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var x *tracing.Exporter
			if bc.on {
				var err error
				if x, err = tracing.New(tracing.Config{Endpoint: sink.URL}); err != nil {
					b.Fatal(err)
				}
				defer x.Shutdown(context.Background())
			}
			b.ReportAllocs()
			for b.Loop() {
				x.Operation(bc.e, bc.report)
			}
		})
	}
}
