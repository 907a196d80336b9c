package syncs

import (
	"context"
	"strings"
	"time"

	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
)

// jobKey names a sync's schedule. NUL cannot occur in store keys, so
// distinct syncs never share a key.
func jobKey(k store.SyncKey) string {
	return strings.Join([]string{k.Environment, k.ProviderConfigKey, k.ConnectionID, k.Sync}, "\x00")
}

// plan schedules (or reschedules) one sync of one connection.
func (e *Engine) plan(sy syncInfo, st store.SyncState) error {
	key := st.Key
	return e.sched.Set(schedule.Job{
		Key:     jobKey(key),
		Every:   sy.every(st),
		LastRun: st.LastStartedAt,
		Run: func(context.Context) {
			e.start(key, TriggerSchedule, TriggerOptions{})
		},
	})
}

// unplan removes a sync's schedule, if any.
func (e *Engine) unplan(key store.SyncKey) { e.sched.Remove(jobKey(key)) }

// next is when a sync is planned to run next (zero: not scheduled).
func (e *Engine) next(key store.SyncKey) time.Time {
	t, _ := e.sched.Next(jobKey(key))
	return t
}

// start runs a sync in the background, unless it is running already: then
// a manual trigger or a resume runs it once more when the run in flight
// ends (they coalesce); a scheduled or initial run is dropped, the run in
// flight being as good.
func (e *Engine) start(key store.SyncKey, trigger string, opts TriggerOptions) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return
	}
	if f := e.active[key]; f != nil {
		if trigger == TriggerManual || trigger == TriggerResume {
			f.again, f.trigger = true, trigger
			f.opts.Reset = f.opts.Reset || opts.Reset
			f.opts.EmptyCache = f.opts.EmptyCache || opts.EmptyCache
		}
		return
	}
	e.active[key] = &flight{}
	e.wg.Add(1)
	go e.loop(key, trigger, opts)
}

// loop runs a sync, then again as long as triggers came during the run.
func (e *Engine) loop(key store.SyncKey, trigger string, opts TriggerOptions) {
	defer e.wg.Done()
	for {
		select {
		case e.slots <- struct{}{}:
			e.run(e.runCtx, key, trigger, opts)
			<-e.slots
		case <-e.runCtx.Done():
		}
		e.mu.Lock()
		f := e.active[key]
		if !f.again || e.stopped {
			delete(e.active, key)
			e.mu.Unlock()
			return
		}
		trigger, opts = f.trigger, f.opts
		e.active[key] = &flight{}
		e.mu.Unlock()
	}
}

// running reports whether a sync has a run in flight.
func (e *Engine) running(key store.SyncKey) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active[key] != nil
}
