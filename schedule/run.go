package schedule

import (
	"context"
	"runtime/debug"
	"time"
)

// fire starts a run of e unless its key is busy. gocron calls it (through
// e.task) at each planned instant, on a goroutine of its own.
func (s *Scheduler) fire(e *entry) {
	s.mu.Lock()
	run, ok := s.admit(e)
	s.mu.Unlock()
	if ok {
		go s.execute(e.key, run)
	}
}

// fireCatchUp is the catch-up timer of plan gen of e going off.
func (s *Scheduler) fireCatchUp(e *entry, gen uint32) {
	s.mu.Lock()
	if e.catchUp == nil || e.catchUpGen != gen { // stopped, or replaced by a newer plan
		s.mu.Unlock()
		return
	}
	e.catchUp, e.catchUpAt = nil, time.Time{}
	run, ok := s.admit(e)
	s.mu.Unlock()
	if ok {
		go s.execute(e.key, run)
	}
}

// admit decides, under s.mu, whether a fire of e starts a run, and if so
// marks its key busy and counts the run. A fire of a removed or replaced
// entry, after Shutdown or while the key is busy starts nothing.
func (s *Scheduler) admit(e *entry) (func(context.Context), bool) {
	if s.closed || s.jobs[e.key] != e {
		return nil, false
	}
	if _, busy := s.busy[e.key]; busy {
		s.log.Debug("schedule: fire skipped: the previous run is still in flight", "key", e.key)
		return nil, false
	}
	s.busy[e.key] = struct{}{}
	s.runs.Add(1)
	return e.run, true
}

// execute runs run once a slot is free, and marks key idle after it. A
// panic of run is logged, not fatal.
func (s *Scheduler) execute(key string, run func(context.Context)) {
	defer s.runs.Done()
	defer s.release(key)
	select {
	case s.slots <- struct{}{}:
	case <-s.runCtx.Done():
		return
	}
	defer func() { <-s.slots }()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("schedule: run panicked", "key", key, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	run(s.runCtx)
}

// release marks key idle.
func (s *Scheduler) release(key string) {
	s.mu.Lock()
	delete(s.busy, key)
	s.mu.Unlock()
}

// planCatchUp arms the catch-up run of e, counting from now (Start, or Set
// once started), unless the next regular fire comes first. Under s.mu.
func (s *Scheduler) planCatchUp(e *entry, now time.Time) {
	e.catchUpPending = false
	at, ok := catchUpAt(e.key, now, e.every, e.phase, s.window)
	if !ok {
		return
	}
	e.catchUpGen++
	gen := e.catchUpGen
	e.catchUp = time.AfterFunc(at.Sub(now), func() { s.fireCatchUp(e, gen) })
	e.catchUpAt = at
	s.log.Debug("schedule: catch-up run planned", "key", e.key, "at", at)
}

// stopCatchUp cancels the catch-up run of e, pending or armed. Under s.mu.
func (e *entry) stopCatchUp() {
	if e.catchUp != nil {
		e.catchUp.Stop()
	}
	e.catchUp, e.catchUpAt, e.catchUpPending = nil, time.Time{}, false
}
