package schedule

import (
	"hash/fnv"
	"testing"
	"time"
)

func TestKeyHashIsFNV1a(t *testing.T) {
	for _, key := range []string{"", "a", "dev/github/conn-1/issues", "ünïcode/κλειδί"} {
		h := fnv.New64a()
		h.Write([]byte(key))
		if got, want := keyHash(key), h.Sum64(); got != want {
			t.Errorf("keyHash(%q) = %#x, want %#x", key, got, want)
		}
	}
}

func TestFireInstants(t *testing.T) {
	epoch := time.Unix(0, 0)
	tests := []struct {
		name       string
		t          time.Time
		every      time.Duration
		phase      int64
		last, next time.Time
	}{
		{"on an instant", epoch.Add(10 * time.Second), 5 * time.Second, 0, epoch.Add(10 * time.Second), epoch.Add(15 * time.Second)},
		{"between instants", epoch.Add(12 * time.Second), 5 * time.Second, 0, epoch.Add(10 * time.Second), epoch.Add(15 * time.Second)},
		{"with a phase", epoch.Add(12 * time.Second), 5 * time.Second, int64(3 * time.Second), epoch.Add(8 * time.Second), epoch.Add(13 * time.Second)},
		{"just before the phase", epoch.Add(13*time.Second - 1), 5 * time.Second, int64(3 * time.Second), epoch.Add(8 * time.Second), epoch.Add(13 * time.Second)},
		{"before 1970", epoch.Add(-12 * time.Second), 5 * time.Second, 0, epoch.Add(-15 * time.Second), epoch.Add(-10 * time.Second)},
		{"before 1970 with a phase", epoch.Add(-1), 5 * time.Second, int64(time.Second), epoch.Add(-4 * time.Second), epoch.Add(time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lastFire(tc.t, tc.every, tc.phase); !got.Equal(tc.last) {
				t.Errorf("lastFire = %v, want %v", got.Sub(epoch), tc.last.Sub(epoch))
			}
			if got := nextFire(tc.t, tc.every, tc.phase); !got.Equal(tc.next) {
				t.Errorf("nextFire = %v, want %v", got.Sub(epoch), tc.next.Sub(epoch))
			}
		})
	}
}

func TestMissed(t *testing.T) {
	const every = time.Hour
	now := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	phase := int64(0) // instants on the hour: the last one is 12:00
	tests := []struct {
		name    string
		lastRun time.Time
		want    bool
	}{
		{"never ran", time.Time{}, false},
		{"two intervals ago", now.Add(-2 * every), true},
		{"just before the last instant", time.Date(2026, 3, 1, 11, 59, 59, 0, time.UTC), true},
		{"at the last instant", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), false},
		{"after the last instant", now.Add(-time.Minute), false},
		{"in the future (clock skew)", now.Add(time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := missed(tc.lastRun, now, every, phase); got != tc.want {
				t.Errorf("missed(%v) = %v, want %v", tc.lastRun, got, tc.want)
			}
		})
	}
}

func TestCatchUpAt(t *testing.T) {
	const key = "dev/github/conn-1/issues"
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	window := 10 * time.Second
	offset := catchUpOffset(key, window)
	if offset < 0 || offset >= window {
		t.Fatalf("catchUpOffset = %v, want within [0, %v)", offset, window)
	}
	if offset < 2 {
		t.Fatalf("catchUpOffset(%q) = %v: pick a key with a larger offset", key, offset)
	}
	// start is on a multiple of the hour, so with phase p the next regular
	// instant is start + p.
	tests := []struct {
		name   string
		nextIn time.Duration
		wantOK bool
	}{
		{"regular fire long after", 30 * time.Minute, true},
		{"regular fire right after the offset", offset + 1, true},
		{"regular fire at the offset", offset, false},
		{"regular fire before the offset", offset / 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, ok := catchUpAt(key, start, time.Hour, int64(tc.nextIn), window)
			if ok != tc.wantOK {
				t.Errorf("catchUpAt ok = %v, want %v (next regular fire in %v, offset %v)", ok, tc.wantOK, tc.nextIn, offset)
			}
			if !at.Equal(start.Add(offset)) {
				t.Errorf("catchUpAt = %v, want start + %v", at, offset)
			}
		})
	}
}

func TestCatchUpOffsetsSpread(t *testing.T) {
	const n, window = 10000, 10 * time.Second
	var buckets [10]int // one per second of the window
	for i := range n {
		buckets[catchUpOffset(keyOf(i), window)/time.Second]++
	}
	for sec, c := range buckets {
		if c < n/10/2 || c > n/10*2 {
			t.Errorf("second %d of the catch-up window holds %d of %d runs, want about %d", sec, c, n, n/10)
		}
	}
	if got := catchUpOffset("k", 0); got != 0 {
		t.Errorf("catchUpOffset with no window = %v, want 0", got)
	}
}
