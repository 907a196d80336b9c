package host_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/jscompile"
)

// benchAction is the small action of the JS benchmarks.
const (
	benchAction      = "testdata/jsfunctions/bench/actions/shape-issue.ts"
	benchActionInput = `{"title":"  Fix the Login page ","labels":[" bug ","ui"]}`
)

// compileBenchAction compiles benchAction with the real compiler.
func compileBenchAction(tb testing.TB, h *host.Host) []byte {
	tb.Helper()
	fns, err := jscompile.Compile(context.Background(), benchAction, jscompile.Options{Describe: h.DescribeJS})
	if err != nil {
		tb.Fatal(err)
	}
	return fns[0].Wasm
}

func runBench(b *testing.B, e *env, bun *host.Bundle) []time.Duration {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	var mem uint64
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		res, err := bun.Run(context.Background(), host.Execution{Nango: e.nango(bun, "bench", ""), Input: []byte(benchActionInput)})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		mem = res.Memory
	}
	b.StopTimer()
	b.ReportMetric(float64(mem)/(1<<20), "MiB/exec")
	return ds
}

// BenchmarkJSAction times the small action end to end (host.Bundle.Run:
// fresh instance, zod-validated input, run, output). "prewarmed": the pool
// has a restored instance ready; "cold": no pool, the instance is
// restored from the bundle's snapshot during the call; "load+run": the
// first execution after a deploy (evaluate the script, snapshot, run).
func BenchmarkJSAction(b *testing.B) {
	b.Run("prewarmed", func(b *testing.B) {
		e := newEnv(b, host.Config{})
		bun := loadWasm(b, e, compileBenchAction(b, e.host))
		waitPrewarmed(b, bun)
		reportP50(b, runBench(b, e, bun))
	})
	b.Run("cold", func(b *testing.B) {
		e := newEnv(b, host.Config{Prewarm: -1})
		bun := loadWasm(b, e, compileBenchAction(b, e.host))
		reportP50(b, runBench(b, e, bun))
	})
	b.Run("load+run", func(b *testing.B) {
		e := newEnv(b, host.Config{Prewarm: -1})
		wasm := compileBenchAction(b, e.host)
		ds := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for range b.N {
			start := time.Now()
			bun := loadWasm(b, e, wasm)
			if _, err := bun.Run(context.Background(), host.Execution{Nango: e.nango(bun, "bench", ""), Input: []byte(benchActionInput)}); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
			bun.Close(context.Background())
		}
		reportP50(b, ds)
	})
	// The baseline: the same script in Node's vm module, a new context per
	// execution, as Nango runs functions (bench/nodevm/run.mjs).
	b.Run("node-vm", func(b *testing.B) {
		e := newEnv(b, host.Config{})
		parsed, err := bundle.Parse(compileBenchAction(b, e.host))
		if err != nil {
			b.Fatal(err)
		}
		script := filepath.Join(b.TempDir(), "function.js")
		if err := os.WriteFile(script, parsed.Script(), 0o644); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		out, err := exec.Command("node", "../bench/nodevm/run.mjs", script, "action", benchActionInput, strconv.Itoa(max(b.N, 50))).Output()
		b.StopTimer()
		if err != nil {
			b.Fatalf("node: %v", err)
		}
		var r struct {
			P50 float64 `json:"p50_ns"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			b.Fatalf("node said %s: %v", out, err)
		}
		b.ReportMetric(r.P50/1e3, "p50-µs")
	})
}

func loadWasm(tb testing.TB, e *env, wasm []byte) *host.Bundle {
	tb.Helper()
	bun, err := e.host.Load(context.Background(), wasm)
	if err != nil {
		tb.Fatal(err)
	}
	return bun
}

func waitPrewarmed(tb testing.TB, bun *host.Bundle) {
	for deadline := time.Now().Add(10 * time.Second); bun.Prewarmed() == 0; {
		if time.Now().After(deadline) {
			tb.Fatal("the pool never filled")
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkJSTenThousandExecutions runs the small action 10,000 times on
// fresh instances and reports how the process grew: the Go heap after GC
// and the resident set. Every instance is a whole Wasm instance closed
// after its execution, so neither should grow with the count.
func BenchmarkJSTenThousandExecutions(b *testing.B) {
	e := newEnv(b, host.Config{})
	bun := loadWasm(b, e, compileBenchAction(b, e.host))
	run := func(n int) {
		for range n {
			if _, err := bun.Run(context.Background(), host.Execution{Nango: e.nango(bun, "bench", ""), Input: []byte(benchActionInput)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for range b.N {
		run(200) // reach the steady state first
		heap0, rss0 := heapAndRSS()
		run(10_000)
		heap1, rss1 := heapAndRSS()
		b.ReportMetric(float64(int64(heap1)-int64(heap0))/(1<<20), "heap-growth-MiB")
		b.ReportMetric(float64(int64(rss1)-int64(rss0))/(1<<20), "rss-growth-MiB")
		b.ReportMetric(float64(rss1)/(1<<20), "rss-MiB")
	}
}

// heapAndRSS returns the Go heap in use after a GC and the process's
// resident set size (Linux), in bytes.
func heapAndRSS() (heap, rss uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			rss = n << 10
		}
	}
	return m.HeapAlloc, rss
}
