package schedule

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tick is the interval of the tests that run in real time.
const tick = 50 * time.Millisecond

// liveOptions lets jobs fire every tick and counts the log records.
func liveOptions(lc *logCounter) Options {
	return Options{MinInterval: tick, CatchUpWindow: 2 * tick, Logger: slog.New(lc)}
}

// waitFor polls cond until it holds, and fails the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gauge counts runs in flight and remembers the most at once.
type gauge struct {
	now, max, total atomic.Int32
}

func (g *gauge) enter() {
	n := g.now.Add(1)
	g.total.Add(1)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// blockingRun is a Run that holds its slot until release is closed or the
// scheduler shuts down.
func blockingRun(g *gauge, release <-chan struct{}) func(context.Context) {
	return func(ctx context.Context) {
		g.enter()
		defer g.leave()
		select {
		case <-release:
		case <-ctx.Done():
		}
	}
}

func TestNoOverlap(t *testing.T) {
	lc := newLogCounter()
	s := newTestScheduler(t, liveOptions(lc))
	var g gauge
	release := make(chan struct{})
	if err := s.Set(Job{Key: "slow", Every: tick, Run: blockingRun(&g, release)}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitFor(t, "the first run", func() bool { return g.total.Load() == 1 })
	waitFor(t, "3 skipped fires", func() bool { return lc.count("schedule: fire skipped") >= 3 })
	if n := g.total.Load(); n != 1 {
		t.Errorf("%d runs started while the first was in flight, want 1", n)
	}
	close(release)
	waitFor(t, "3 runs", func() bool { return g.total.Load() >= 3 })
	if m := g.max.Load(); m != 1 {
		t.Errorf("%d runs of one key at once, want 1", m)
	}
}

func TestMaxConcurrent(t *testing.T) {
	const jobs, limit = 6, 2
	lc := newLogCounter()
	opts := liveOptions(lc)
	opts.MaxConcurrent = limit
	s := newTestScheduler(t, opts)
	var g gauge
	release := make(chan struct{})
	ran := make([]atomic.Bool, jobs)
	for i := range jobs {
		run := blockingRun(&g, release)
		if err := s.Set(Job{Key: keyOf(i), Every: tick, Run: func(ctx context.Context) { ran[i].Store(true); run(ctx) }}); err != nil {
			t.Fatal(err)
		}
	}
	s.Start()
	waitFor(t, "the slots to fill", func() bool { return g.now.Load() == limit })
	// The other jobs wait for a slot; their next fires are skipped.
	waitFor(t, "skipped fires of waiting jobs", func() bool { return lc.count("schedule: fire skipped") >= 2*jobs })
	if m := g.max.Load(); m != limit {
		t.Errorf("%d runs at once, want %d", m, limit)
	}
	close(release)
	waitFor(t, "every job to run", func() bool {
		for i := range ran {
			if !ran[i].Load() {
				return false
			}
		}
		return true
	})
	if m := g.max.Load(); m > limit {
		t.Errorf("%d runs at once, want at most %d", m, limit)
	}
}

func TestSetReplaces(t *testing.T) {
	s := newTestScheduler(t, liveOptions(newLogCounter()))
	var old, g gauge
	if err := s.Set(Job{Key: "k", Every: 24 * time.Hour, Run: blockingRun(&old, nil)}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	release := make(chan struct{})
	if err := s.Set(Job{Key: "k", Every: tick, Run: blockingRun(&g, release)}); err != nil {
		t.Fatal(err)
	}
	if next, _ := s.Next("k"); time.Until(next) > tick {
		t.Errorf("Next after the new interval = now + %v, want within %v", time.Until(next), tick)
	}
	waitFor(t, "a run on the new interval", func() bool { return g.total.Load() == 1 })

	// Replace again while that run is in flight: it finishes, and the
	// next fire (not at the same time) runs the new function.
	var g2 gauge
	if err := s.Set(Job{Key: "k", Every: 2 * tick, Run: func(context.Context) { g.enter(); g2.enter(); g2.leave(); g.leave() }}); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitFor(t, "2 runs of the third function", func() bool { return g2.total.Load() >= 2 })
	if n := old.total.Load(); n != 0 {
		t.Errorf("the replaced function ran %d times", n)
	}
	if m := g.max.Load(); m != 1 {
		t.Errorf("%d runs of one key at once across a replace, want 1", m)
	}
	if n := s.Len(); n != 1 {
		t.Errorf("Len = %d, want 1", n)
	}
}

func TestRemoveStopsFiring(t *testing.T) {
	s := newTestScheduler(t, liveOptions(newLogCounter()))
	var g gauge
	if err := s.Set(Job{Key: "k", Every: tick, Run: func(context.Context) { g.enter(); g.leave() }}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitFor(t, "2 runs", func() bool { return g.total.Load() >= 2 })
	if !s.Remove("k") {
		t.Fatal("Remove = false")
	}
	waitFor(t, "the run in flight", func() bool { return g.now.Load() == 0 })
	n := g.total.Load()
	time.Sleep(5 * tick)
	if got := g.total.Load(); got != n {
		t.Errorf("%d runs after Remove", got-n)
	}
}

func TestCatchUp(t *testing.T) {
	const key, every = "k", 24 * time.Hour
	ago := func(d time.Duration) func(time.Time) time.Time {
		return func(now time.Time) time.Time { return now.Add(-d) }
	}
	tests := []struct {
		name       string
		lastRun    func(now time.Time) time.Time
		afterStart bool
		want       int32
	}{
		{"missed two intervals, set before Start", ago(2 * every), false, 1},
		{"missed two intervals, set after Start", ago(2 * every), true, 1},
		{"missed thirty intervals", ago(30 * every), false, 1},
		{"never ran", func(time.Time) time.Time { return time.Time{} }, false, 0},
		{"ran after the last planned instant", func(now time.Time) time.Time {
			return lastFire(now, every, phaseOf(key, every)).Add(time.Nanosecond)
		}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := liveOptions(newLogCounter())
			s := newTestScheduler(t, opts)
			var g gauge
			job := Job{Key: key, Every: every, LastRun: tc.lastRun(time.Now()), Run: func(context.Context) { g.enter(); g.leave() }}
			if !tc.afterStart {
				if err := s.Set(job); err != nil {
					t.Fatal(err)
				}
			}
			s.Start()
			if tc.afterStart {
				if err := s.Set(job); err != nil {
					t.Fatal(err)
				}
			}
			if tc.want > 0 {
				waitFor(t, "the catch-up run", func() bool { return g.total.Load() == tc.want })
			}
			time.Sleep(3 * opts.CatchUpWindow)
			if n := g.total.Load(); n != tc.want {
				t.Errorf("%d runs after Start, want %d", n, tc.want)
			}
		})
	}
}

func TestShutdownCancelsAndWaits(t *testing.T) {
	s := newTestScheduler(t, liveOptions(newLogCounter()))
	started := make(chan struct{})
	var once sync.Once
	var finished atomic.Bool
	run := func(ctx context.Context) {
		once.Do(func() { close(started) })
		<-ctx.Done()
		time.Sleep(tick) // cleanup after the cancellation
		finished.Store(true)
	}
	if err := s.Set(Job{Key: "k", Every: tick, Run: run}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitFor(t, "the run", func() bool {
		select {
		case <-started:
			return true
		default:
			return false
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if !finished.Load() {
		t.Error("Shutdown returned before the run in flight")
	}
}

func TestShutdownTimeout(t *testing.T) {
	s := newTestScheduler(t, liveOptions(newLogCounter()))
	var g gauge
	release := make(chan struct{})
	stubborn := func(context.Context) { g.enter(); <-release; g.leave() } // ignores its context
	if err := s.Set(Job{Key: "k", Every: tick, Run: stubborn}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitFor(t, "the run", func() bool { return g.now.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), tick)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a run in flight: %v, want context.DeadlineExceeded", err)
	}
	close(release) // the cleanup's Shutdown now succeeds
}

func TestPanicIsLogged(t *testing.T) {
	lc := newLogCounter()
	s := newTestScheduler(t, liveOptions(lc))
	var g gauge
	if err := s.Set(Job{Key: "k", Every: tick, Run: func(context.Context) { g.enter(); g.leave(); panic("boom") }}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitFor(t, "2 runs", func() bool { return g.total.Load() >= 2 })
	if n := lc.count("schedule: run panicked"); n == 0 {
		t.Error("no panic logged")
	}
}
