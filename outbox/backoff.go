package outbox

import (
	"math/rand/v2"
	"time"

	"github.com/ferryhq/ferry/store"
)

// backoff is the wait after the n-th failed attempt (n ≥ 1) of a round:
// initial doubled n-1 times, capped at ceiling, then jittered to between half
// of it and all of it (jitter in [0, 1) picks where), so that deliveries
// failing together spread out instead of retrying in lockstep.
func backoff(initial, ceiling time.Duration, n int, jitter float64) time.Duration {
	d := min(initial, ceiling)
	for i := 1; i < n && d < ceiling; i++ {
		if d > ceiling/2 {
			d = ceiling
		} else {
			d *= 2
		}
	}
	half := d / 2
	return half + time.Duration(jitter*float64(d-half))
}

// schedule decides what follows attempt a of delivery e, made at now:
// delivered on a 2xx answer; failed once MaxAge has passed since the
// round began; else pending until the backoff's next attempt.
func (o *Outbox) schedule(e store.OutboxEntry, a store.OutboxAttempt, now time.Time) (store.OutboxStatus, time.Time) {
	switch {
	case succeeded(a):
		return store.OutboxDelivered, time.Time{}
	case now.Sub(e.RetrySince) >= o.cfg.MaxAge:
		return store.OutboxFailed, time.Time{}
	}
	n := 1 // failures of this round, counting a
	for _, prev := range e.Attempts {
		if !prev.At.Before(e.RetrySince) && !succeeded(prev) {
			n++
		}
	}
	return store.OutboxPending, now.Add(backoff(o.cfg.InitialBackoff, o.cfg.MaxBackoff, n, rand.Float64()))
}

// succeeded reports whether an attempt got a 2xx answer.
func succeeded(a store.OutboxAttempt) bool {
	return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300
}
