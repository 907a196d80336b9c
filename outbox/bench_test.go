package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// BenchmarkEnqueue measures Enqueue's throughput with one destination URL
// and a ~300-byte sync payload, in batches of 1 and 100, on a store that
// fsyncs every commit (the durable default) and on one that does not.
func BenchmarkEnqueue(b *testing.B) {
	body := []byte(`{"from":"nango","type":"sync","connectionId":"conn-123","providerConfigKey":"github","syncName":"issues","syncVariant":"base","model":"Issue","success":true,"modifiedAfter":"2025-06-01T12:00:00.000Z","responseResults":{"added":12,"updated":3,"deleted":0},"queryTimeStamp":"2025-06-01T12:00:00.000Z"}`)
	for _, noSync := range []bool{false, true} {
		for _, batch := range []int{1, 100} {
			b.Run(fmt.Sprintf("fsync=%t/batch=%d", !noSync, batch), func(b *testing.B) {
				dir := b.TempDir()
				st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{NoSync: noSync})
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				kr, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				o, err := outbox.New(outbox.Config{Store: st, Sealer: kr.Encoded(), Logger: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				if err := o.ReplaceURLs(context.Background(), "dev", []string{"https://hooks.example/ferry"}); err != nil {
					b.Fatal(err)
				}
				msgs := make([]outbox.Message, batch)
				for i := range msgs {
					msgs[i] = outbox.Message{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "conn-123", Type: "sync", Body: body}
				}
				for b.Loop() {
					if err := o.Enqueue(context.Background(), msgs...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// BenchmarkDeliver measures delivery throughput to a loopback receiver that
// answers 204 at once: b.N messages are queued first (batches of 100),
// then Run delivers them all with the default 4 workers, each delivery
// being a leased claim, a signed POST and the recorded attempt.
func BenchmarkDeliver(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("fsync=%t", !noSync), func(b *testing.B) {
			dir := b.TempDir()
			st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{NoSync: noSync})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			kr, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			var got atomic.Int64
			all := make(chan struct{})
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if got.Add(1) == int64(b.N) {
					close(all)
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer rcv.Close()
			o, err := outbox.New(outbox.Config{Store: st, Sealer: kr.Encoded(), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := o.ReplaceURLs(ctx, "dev", []string{rcv.URL}); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i += 100 {
				msgs := make([]outbox.Message, min(100, b.N-i))
				for j := range msgs {
					msgs[j] = outbox.Message{Environment: "dev", Type: "sync", Body: fmt.Appendf(nil, `{"n":%d}`, i+j)}
				}
				if err := o.Enqueue(ctx, msgs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			runCtx, stop := context.WithCancel(ctx)
			ended := make(chan error, 1)
			go func() { ended <- o.Run(runCtx) }()
			<-all
			stop()
			if err := <-ended; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
