package outbox

import (
	"context"
	"sync"
	"time"
)

// storeRetry is the pause after the store failed to hand out work.
const storeRetry = time.Second

// Run delivers webhooks until ctx ends, then waits for the attempts in
// flight (an attempt cut short is not recorded: its delivery is released
// for the next Run) and returns nil. It picks up the deliveries a previous
// process left due, is woken at once by Enqueue and Retry, makes at most
// Workers attempts at a time, and prunes old deliveries every
// PruneInterval. A second Run while one runs is ErrRunning.
func (o *Outbox) Run(ctx context.Context) error {
	if !o.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer o.running.Store(false)

	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan struct{}, o.cfg.Workers) // an attempt ended
	inFlight := 0
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	prune := time.NewTicker(o.cfg.PruneInterval)
	defer prune.Stop()
	o.prune(ctx)

	for {
		wait := time.Duration(-1) // -1: until woken
		if free := o.cfg.Workers - inFlight; free > 0 {
			entries, err := o.st.ClaimOutbox(ctx, o.cfg.Now(), o.cfg.Lease, free)
			if err != nil && ctx.Err() == nil {
				o.log.Error("webhook outbox: claim due deliveries", "err", err)
				wait = storeRetry
			}
			for _, e := range entries {
				inFlight++
				wg.Add(1)
				go func() {
					defer wg.Done()
					o.deliver(ctx, e)
					done <- struct{}{}
				}()
			}
			if err == nil && inFlight < o.cfg.Workers {
				wait = o.untilNextDue(ctx)
			}
		}
		var fire <-chan time.Time // nil: no timer
		if wait >= 0 {
			timer.Reset(wait) // since Go 1.23, no stale tick survives a Reset
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			inFlight--
		case <-o.wake:
		case <-fire:
		case <-prune.C:
			o.prune(ctx)
		}
		timer.Stop()
	}
}

// untilNextDue is how long until the next delivery is due; -1 when none
// is pending.
func (o *Outbox) untilNextDue(ctx context.Context) time.Duration {
	at, ok, err := o.st.NextOutboxDue(ctx)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			o.log.Error("webhook outbox: next due delivery", "err", err)
		}
		return storeRetry
	case !ok:
		return -1
	}
	return max(at.Sub(o.cfg.Now()), 0)
}

// prune deletes delivered and failed deliveries older than Retention.
func (o *Outbox) prune(ctx context.Context) {
	n, err := o.st.PruneOutbox(ctx, o.cfg.Now().Add(-o.cfg.Retention))
	switch {
	case err != nil && ctx.Err() == nil:
		o.log.Error("webhook outbox: prune", "err", err)
	case n > 0:
		o.log.Info("webhook outbox: pruned old deliveries", "count", n, "older_than", o.cfg.Retention)
	}
}
