package outbox

import (
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		name     string
		n        int
		jitter   float64
		min, max time.Duration
	}{
		{"first, least jitter", 1, 0, 2500 * time.Millisecond, 2500 * time.Millisecond},
		{"first, most jitter", 1, 0.999999, 4999 * time.Millisecond, 5 * time.Second},
		{"second doubles", 2, 0, 5 * time.Second, 5 * time.Second},
		{"tenth", 10, 0.5, 960 * time.Second, 1920 * time.Second},
		{"capped", 12, 0, 30 * time.Minute, 30 * time.Minute},
		{"capped, most jitter", 1000, 0.999999, 59 * time.Minute, time.Hour},
		{"zero counts as first", 0, 0, 2500 * time.Millisecond, 2500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := backoff(5*time.Second, time.Hour, tc.n, tc.jitter)
			if got < tc.min || got > tc.max {
				t.Fatalf("backoff(%d, %v) = %s, want %s to %s", tc.n, tc.jitter, got, tc.min, tc.max)
			}
		})
	}
	if got := backoff(time.Hour, time.Duration(1<<62), 100, 0.999); got <= 0 {
		t.Fatalf("no overflow near the largest durations: %s", got)
	}
}

// TestScheduleOverADay walks the default schedule of a delivery that
// always fails: retried for at least 24 hours, never waiting more than an
// hour, then failed; about forty attempts.
func TestScheduleOverADay(t *testing.T) {
	cfg, err := Config{Store: &store.Store{}, Sealer: nopSealer{}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	o := &Outbox{cfg: cfg}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := store.OutboxEntry{CreatedAt: t0, RetrySince: t0}
	now := t0
	for {
		a := store.OutboxAttempt{At: now, StatusCode: 500}
		status, next := o.schedule(e, a, now)
		e.Attempts = append(e.Attempts, a)
		if status == store.OutboxFailed {
			break
		}
		if status != store.OutboxPending || next.Sub(now) > time.Hour || !next.After(now) {
			t.Fatalf("after attempt %d at +%s: %s, next at +%s", len(e.Attempts), now.Sub(t0), status, next.Sub(t0))
		}
		now = next
	}
	if span := now.Sub(t0); span < 24*time.Hour {
		t.Fatalf("gave up after %s, want at least 24h", span)
	}
	if n := len(e.Attempts); n < 30 || n > 60 {
		t.Fatalf("%d attempts over the day, want about 40", n)
	}
	// A 2xx delivers, even past MaxAge.
	if status, _ := o.schedule(e, store.OutboxAttempt{At: now, StatusCode: 204}, now); status != store.OutboxDelivered {
		t.Fatalf("2xx: %s", status)
	}
	// A replay starts a new round: its first failure waits the initial backoff.
	now = now.Add(time.Hour)
	e.RetrySince = now
	status, next := o.schedule(e, store.OutboxAttempt{At: now, StatusCode: 500}, now)
	if status != store.OutboxPending || next.Sub(now) > 5*time.Second {
		t.Fatalf("first failure of a replay: %s, next in %s", status, next.Sub(now))
	}
}

// nopSealer satisfies Sealer for tests that seal nothing.
type nopSealer struct{}

func (nopSealer) Seal(p, _ []byte) ([]byte, error) { return p, nil }
func (nopSealer) Open(s, _ []byte) ([]byte, error) { return s, nil }
