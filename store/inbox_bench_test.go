package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkAppendInbox appends 2 KB webhooks, each with its own delivery
// id, from 64 goroutines with fsync on: the store's share of the webhook
// receiver's cost (group commit under concurrency).
func BenchmarkAppendInbox(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "ferry.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := []byte(`{"x":"` + strings.Repeat("x", 2000) + `"}`)
	header := map[string]string{"x-github-event": "push", "content-type": "application/json"}
	run := time.Now().UnixNano() // delivery ids differ between b.N rounds
	var next atomic.Int64
	var wg sync.WaitGroup
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	for range 64 {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				e := InboxEntry{Environment: "dev", Integration: "github", DeliveryID: fmt.Sprintf("%d-%d", run, i), Header: header, Body: body}
				if _, _, err := s.AppendInbox(context.Background(), e, 0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
}
