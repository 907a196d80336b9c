package metrics_test

import (
	"testing"
	"time"

	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/store"
)

// BenchmarkRecord measures what recording costs an execution, an upstream
// call and a refresh: the hot paths pay this once per event.
func BenchmarkRecord(b *testing.B) {
	m := newMetrics(b, metrics.Config{})
	records := map[string]store.ModelCounts{"Issue": {Added: 10, Updated: 2}}
	cases := []struct {
		name   string
		record func()
	}{
		{"execution", func() { m.Execution("sync", "success", 1500*time.Millisecond, records) }},
		{"upstream_call", func() { m.UpstreamCall(metrics.SourceProxy, "github", 200) }},
		{"token_refresh", func() { m.TokenRefresh(true) }},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					bc.record()
				}
			})
		})
	}
}
