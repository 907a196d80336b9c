package schedule

import (
	"math/bits"
	"time"
)

// FNV-1a, 64 bits (hash/fnv without the allocation of a hash.Hash).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// keyHash is the FNV-1a hash of key: stable across processes and
// releases, so a key keeps its phase across restarts.
func keyHash(key string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= fnvPrime
	}
	return h
}

// phaseOf is where in each interval the job of key fires: its hash modulo
// every, in nanoseconds after each multiple of every since the Unix epoch.
func phaseOf(key string, every time.Duration) int64 {
	return int64(keyHash(key) % uint64(every))
}

// lastFire is the latest fire instant at or before t of a job with this
// interval and phase.
func lastFire(t time.Time, every time.Duration, phase int64) time.Time {
	n := t.UnixNano() - phase
	k := n / int64(every)
	if n%int64(every) < 0 {
		k-- // floor division before 1970
	}
	return time.Unix(0, phase+k*int64(every))
}

// nextFire is the first fire instant strictly after t.
func nextFire(t time.Time, every time.Duration, phase int64) time.Time {
	return lastFire(t, every, phase).Add(every)
}

// catchUpOffset is how long after Start (or after Set, once started) the
// catch-up run of key waits: a hash of the key within window, so that the
// catch-up runs of a restart spread over the window. The hash bits are
// rotated so that the offset does not follow the phase.
func catchUpOffset(key string, window time.Duration) time.Duration {
	if window <= 0 {
		return 0
	}
	return time.Duration(bits.RotateLeft64(keyHash(key), 32) % uint64(window))
}

// missed reports whether a job that last started at lastRun missed a fire
// instant by now: one lies in (lastRun, now]. A zero lastRun (never run)
// missed nothing: the caller starts first runs itself.
func missed(lastRun, now time.Time, every time.Duration, phase int64) bool {
	return !lastRun.IsZero() && lastFire(now, every, phase).After(lastRun)
}

// catchUpAt is when the catch-up run of a job that missed a fire instant
// starts, counting from start (Start, or Set once started), and whether it
// is needed at all: when the next regular fire comes no later, that fire is
// the catch-up.
func catchUpAt(key string, start time.Time, every time.Duration, phase int64, window time.Duration) (time.Time, bool) {
	at := start.Add(catchUpOffset(key, window))
	return at, at.Before(nextFire(start, every, phase))
}
