package schedule

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// BenchmarkJitter fires 1,000 jobs of a 1 s interval for b.N rounds (run
// it with -benchtime 5x) and reports how late each run started after its
// planned instant (p50, p99, max), and the heap each firing job holds.
func BenchmarkJitter(b *testing.B) {
	const jobs, every = 1000, time.Second
	s := newTestScheduler(b, Options{MinInterval: every})
	var mu sync.Mutex
	late := make([]time.Duration, 0, jobs*(b.N+2))
	before := heapInUse()
	for i := range jobs {
		key := keyOf(i)
		phase := phaseOf(key, every)
		run := func(context.Context) {
			now := time.Now()
			d := now.Sub(lastFire(now, every, phase))
			mu.Lock()
			late = append(late, d)
			mu.Unlock()
		}
		if err := s.Set(Job{Key: key, Every: every, Run: run}); err != nil {
			b.Fatal(err)
		}
	}
	s.Start()
	b.ResetTimer()
	for range b.N {
		time.Sleep(every)
	}
	b.StopTimer()
	heap := int64(heapInUse()) - int64(before)

	mu.Lock()
	defer mu.Unlock()
	if len(late) == 0 {
		b.Fatal("no run")
	}
	slices.Sort(late)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(late[len(late)/2]), "p50-ms")
	b.ReportMetric(ms(late[len(late)*99/100]), "p99-ms")
	b.ReportMetric(ms(late[len(late)-1]), "max-ms")
	b.ReportMetric(float64(len(late)), "runs")
	b.ReportMetric(float64(heap)/jobs, "heap-B/job")
}

// BenchmarkIdleMemory sets 1,000 and 10,000 jobs of a 1 h interval on a
// started Scheduler and reports the heap in use they add (after a GC), the
// process's RSS (VmRSS) and its growth, the goroutines, and the time per
// Set. Run it with -benchtime 1x: each iteration builds the whole set.
func BenchmarkIdleMemory(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run("jobs="+strconv.Itoa(n), func(b *testing.B) {
			var heap int64
			var rss, rssGrowth uint64
			var goroutines int
			var set time.Duration
			for b.Loop() {
				heap0, rss0 := heapInUse(), vmRSS(b)
				s, err := New(Options{})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for i := range n {
					if err := s.Set(Job{Key: keyOf(i), Every: time.Hour, Run: noop}); err != nil {
						b.Fatal(err)
					}
				}
				set = time.Since(start)
				s.Start()
				heap, rss = int64(heapInUse())-int64(heap0), vmRSS(b)
				rssGrowth, goroutines = rss-min(rss, rss0), runtime.NumGoroutine()
				if err := s.Shutdown(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			const mb = 1 << 20
			b.ReportMetric(float64(heap)/float64(n), "heap-B/job")
			b.ReportMetric(float64(heap)/mb, "heap-MB")
			b.ReportMetric(float64(rss)/mb, "rss-MB")
			b.ReportMetric(float64(rssGrowth)/mb, "rss-growth-MB")
			b.ReportMetric(float64(goroutines), "goroutines")
			b.ReportMetric(float64(set.Microseconds())/float64(n), "set-µs/job")
		})
	}
}

// BenchmarkGocronSingleton is the road not taken: 1,000 plain gocron jobs
// in its singleton mode, measured after each fired once (gocron then keeps
// a runner goroutine and a 1,000-slot channel per job). Compare heap-B/job
// with BenchmarkIdleMemory and BenchmarkJitter.
func BenchmarkGocronSingleton(b *testing.B) {
	const n = 1000
	var heap int64
	var goroutines int
	for b.Loop() {
		heap0 := heapInUse()
		c, err := gocron.NewScheduler()
		if err != nil {
			b.Fatal(err)
		}
		var fired sync.WaitGroup
		fired.Add(n)
		start := time.Now().Add(100 * time.Millisecond)
		for range n {
			var once sync.Once
			_, err := c.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func() { once.Do(fired.Done) }),
				gocron.WithStartAt(gocron.WithStartDateTime(start)), gocron.WithSingletonMode(gocron.LimitModeReschedule))
			if err != nil {
				b.Fatal(err)
			}
		}
		c.Start()
		fired.Wait()
		heap, goroutines = int64(heapInUse())-int64(heap0), runtime.NumGoroutine()
		if err := c.Shutdown(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(heap)/n, "heap-B/job")
	b.ReportMetric(float64(goroutines), "goroutines")
}

// heapInUse is runtime.MemStats.HeapInuse after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// vmRSS is the process's resident set size, from /proc/self/status.
func vmRSS(b *testing.B) uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				b.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	b.Skip("no VmRSS in /proc/self/status")
	return 0
}
