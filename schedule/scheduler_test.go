package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// keyOf is the i-th key of a test: shaped like the sync runner's.
func keyOf(i int) string { return fmt.Sprintf("dev/github/conn-%d/issues", i) }

// noop is a Run that does nothing.
func noop(context.Context) {}

// newTestScheduler returns a Scheduler shut down at the end of the test.
func newTestScheduler(t testing.TB, opts Options) *Scheduler {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

// fixedClock is an Options.Now that never moves, for tests that do not
// Start.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestNewBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"negative MaxConcurrent", Options{MaxConcurrent: -1}, "MaxConcurrent is -1"},
		{"negative CatchUpWindow", Options{CatchUpWindow: -time.Second}, "CatchUpWindow is -1s"},
		{"negative MinInterval", Options{MinInterval: -time.Second}, "MinInterval is -1s"},
		{"MinInterval over the maximum", Options{MinInterval: MaxFrequency + 1}, "MinInterval is 744h0m0.000000001s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v, want ErrInvalidOptions saying %q", err, tc.want)
			}
		})
	}
}

func TestSetBadJob(t *testing.T) {
	s := newTestScheduler(t, Options{})
	tests := []struct {
		name string
		job  Job
		want string
	}{
		{"empty key", Job{Every: time.Hour, Run: noop}, "empty key"},
		{"no Run", Job{Key: "k", Every: time.Hour}, `"k": no Run function`},
		{"zero interval", Job{Key: "k", Run: noop}, "interval 0s is shorter than the minimum of 30s"},
		{"negative interval", Job{Key: "k", Every: -time.Minute, Run: noop}, "interval -1m0s is negative"},
		{"interval too short", Job{Key: "k", Every: 29 * time.Second, Run: noop}, "29s is shorter than the minimum of 30s"},
		{"interval too long", Job{Key: "k", Every: MaxFrequency + time.Second, Run: noop}, "is longer than the maximum of 31 days"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Set(tc.job)
			if !errors.Is(err, ErrInvalidJob) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Set: %v, want ErrInvalidJob saying %q", err, tc.want)
			}
		})
	}
	if n := s.Len(); n != 0 {
		t.Errorf("Len after bad jobs = %d, want 0", n)
	}
}

func TestSetLenRemove(t *testing.T) {
	s := newTestScheduler(t, Options{})
	for i := range 3 {
		if err := s.Set(Job{Key: keyOf(i), Every: time.Hour, Run: noop}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(Job{Key: keyOf(1), Every: 2 * time.Hour, Run: noop}); err != nil { // replaces
		t.Fatal(err)
	}
	if n := s.Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
	if !s.Remove(keyOf(1)) {
		t.Error("Remove of a set key = false")
	}
	if s.Remove(keyOf(1)) || s.Remove("unknown") {
		t.Error("Remove of an unknown key = true")
	}
	if _, ok := s.Next(keyOf(1)); ok {
		t.Error("Next of a removed key: ok")
	}
	if n := s.Len(); n != 2 {
		t.Errorf("Len = %d, want 2", n)
	}
}

func TestNext(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 123, time.UTC)
	tests := []struct {
		key   string
		every time.Duration
	}{
		{"dev/github/conn-1/issues", time.Hour},
		{"dev/github/conn-1/issues", 5 * time.Minute},
		{"dev/github/conn-2/issues", 5 * time.Minute},
		{"prod/slack/c/messages", 31 * 24 * time.Hour},
		{"prod/slack/c/users", 30 * time.Second},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s every %v", tc.key, tc.every), func(t *testing.T) {
			var first time.Time
			for run := range 2 { // a restart keeps the phase
				s := newTestScheduler(t, Options{Now: fixedClock(now)})
				if err := s.Set(Job{Key: tc.key, Every: tc.every, Run: noop}); err != nil {
					t.Fatal(err)
				}
				next, ok := s.Next(tc.key)
				if !ok {
					t.Fatal("Next: not ok")
				}
				if !next.After(now) || next.Sub(now) > tc.every {
					t.Errorf("Next = now + %v, want within (0, %v]", next.Sub(now), tc.every)
				}
				if got := (next.UnixNano() - phaseOf(tc.key, tc.every)) % int64(tc.every); got != 0 {
					t.Errorf("Next is %v off the key's phase", time.Duration(got))
				}
				if run == 1 && !next.Equal(first) {
					t.Errorf("Next after a restart = %v, want %v", next, first)
				}
				first = next
			}
		})
	}
	s := newTestScheduler(t, Options{})
	if _, ok := s.Next("unknown"); ok {
		t.Error("Next of an unknown key: ok")
	}
}

// TestSpread sets 10,000 jobs of one interval and counts their next fires
// per second: hashed phases spread them over the interval.
func TestSpread(t *testing.T) {
	const n, every = 10000, 5 * time.Minute
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newTestScheduler(t, Options{Now: fixedClock(now)})
	perSecond := make(map[int64]int)
	for i := range n {
		if err := s.Set(Job{Key: keyOf(i), Every: every, Run: noop}); err != nil {
			t.Fatal(err)
		}
		next, _ := s.Next(keyOf(i))
		perSecond[next.Unix()]++
	}
	mean := n / int(every/time.Second) // 33 per second
	if len(perSecond) != int(every/time.Second) {
		t.Errorf("fires fall in %d distinct seconds, want all %d of the interval", len(perSecond), every/time.Second)
	}
	for sec, c := range perSecond {
		if c > 2*mean {
			t.Errorf("%d of %d jobs fire in second %v, want at most %d", c, n, time.Unix(sec, 0).UTC(), 2*mean)
		}
	}
}

func TestClosed(t *testing.T) {
	s := newTestScheduler(t, Options{})
	if err := s.Set(Job{Key: "k", Every: time.Hour, Run: noop}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := s.Set(Job{Key: "k2", Every: time.Hour, Run: noop}); !errors.Is(err, ErrClosed) {
		t.Errorf("Set after Shutdown: %v, want ErrClosed", err)
	}
	if _, ok := s.Next("k"); ok {
		t.Error("Next after Shutdown: ok")
	}
	s.Start() // does nothing
	if !s.Remove("k") {
		t.Error("Remove after Shutdown = false")
	}
}

// logCounter is a slog.Handler that counts records by message.
type logCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func newLogCounter() *logCounter { return &logCounter{counts: make(map[string]int)} }

func (l *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logCounter) WithGroup(string) slog.Handler            { return l }
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.counts[r.Message]++
	l.mu.Unlock()
	return nil
}

// count reports how many records had a message starting with prefix.
func (l *logCounter) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for m, c := range l.counts {
		if strings.HasPrefix(m, prefix) {
			n += c
		}
	}
	return n
}
