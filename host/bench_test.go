package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/internal/guesttest"
)

// reportP50 adds the median of ds to the benchmark's results.
func reportP50(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
}

// BenchmarkWarmNoopAction times a noop action on an instance the pool has
// pre-warmed, with the pool full: the floor of every execution. "bare" is
// an export that returns at once (the cost of the host and Extism's call);
// "noop" goes through the Go guest package (input, output, JSON).
func BenchmarkWarmNoopAction(b *testing.B) {
	const prewarm = 4
	for _, guest := range []string{"bare", "noop"} {
		b.Run(guest, func(b *testing.B) {
			e := newEnv(b, host.Config{Prewarm: prewarm})
			fn := e.guest(guest)
			ds := make([]time.Duration, 0, b.N)
			for b.Loop() {
				b.StopTimer()
				for fn.Prewarmed() < prewarm {
					time.Sleep(100 * time.Microsecond)
				}
				n := e.nango(fn, "c", "")
				b.StartTimer()
				start := time.Now()
				if _, err := fn.Run(context.Background(), host.Execution{Nango: n}); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			reportP50(b, ds)
		})
	}
}

// BenchmarkFreshInstance times a noop action with no pool: instantiate the
// compiled bundle, start the Go runtime, call, close.
func BenchmarkFreshInstance(b *testing.B) {
	e := newEnv(b, host.Config{Prewarm: -1})
	noop := e.guest("noop")
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if _, err := noop.Run(context.Background(), host.Execution{Nango: e.nango(noop, "c", "")}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportP50(b, ds)
}

// BenchmarkHostCallRoundtrip times one guest → host → guest call
// (get_checkpoint: a bbolt read and a small JSON answer): raw through the
// direct binding, and through the Go guest package (which adds its JSON
// encoding and decoding, run inside Wasm).
func BenchmarkHostCallRoundtrip(b *testing.B) {
	const calls = 10_000
	for _, raw := range []bool{true, false} {
		b.Run(fmt.Sprintf("raw=%v", raw), func(b *testing.B) {
			e := newEnv(b, host.Config{})
			guest := e.guest("bench")
			input, _ := json.Marshal(map[string]any{"roundtrips": calls, "raw": raw})
			for b.Loop() {
				if _, err := guest.Run(context.Background(), host.Execution{Nango: e.nango(guest, "c", ""), Input: input}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls)/1000, "µs/call")
		})
	}
}

// BenchmarkBatchSave saves 1 KB records in batches of 1000 through the
// whole path: guest → host → bbolt with an fsync per batch.
func BenchmarkBatchSave(b *testing.B) {
	const batches, size = 20, 1000
	e := newEnv(b, host.Config{})
	guest := e.guest("bench")
	gen := 0
	for b.Loop() {
		gen++ // new content each run, so every record is written
		input, _ := json.Marshal(map[string]int{"batches": batches, "batchSize": size, "recordSize": 1024, "generation": gen})
		if _, err := guest.Run(context.Background(), host.Execution{Nango: e.nango(guest, "c", ""), Input: input}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batches*size)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkLoadCached times Load of a bundle whose compiled code is in the
// on-disk cache, as after a restart (a new Host on the same directory).
func BenchmarkLoadCached(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "cache")
	wasm := guesttest.Build(b, filepath.Join("testdata", "guests", "noop"))
	load := func() time.Duration {
		h, err := host.New(host.Config{CacheDir: dir, Prewarm: -1})
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close(context.Background())
		start := time.Now()
		if _, err := h.Load(context.Background(), wasm); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	cold := load()
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		ds = append(ds, load())
	}
	b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
	reportP50(b, ds)
}

// BenchmarkDeadline compares a compute-bound guest with and without
// wazero's CloseOnContextDone, the mechanism behind execution deadlines.
func BenchmarkDeadline(b *testing.B) {
	input := []byte(`{"n": 20000000}`)
	for _, disabled := range []bool{false, true} {
		b.Run(fmt.Sprintf("deadline=%v", !disabled), func(b *testing.B) {
			e := newEnv(b, host.Config{DisableDeadline: disabled})
			spin := e.guest("spin")
			for b.Loop() {
				if _, err := spin.Run(context.Background(), host.Execution{Nango: e.nango(spin, "c", ""), Input: input}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
