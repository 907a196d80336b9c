package qjs

import (
	"sync/atomic"
	"time"
)

// sleeper is an instance's WASI nanosleep (QuickJS's timers wait with it):
// it ends early when the context of the call running in the instance is
// done, so a pending setTimeout cannot outlive the execution's deadline.
// wazero's own nanosleep does not watch any context.
type sleeper struct {
	done atomic.Pointer[<-chan struct{}]
}

func (s *sleeper) set(done <-chan struct{}) { s.done.Store(&done) }

func (s *sleeper) sleep(ns int64) {
	t := time.NewTimer(time.Duration(ns))
	defer t.Stop()
	var done <-chan struct{}
	if p := s.done.Load(); p != nil {
		done = *p
	}
	select {
	case <-t.C:
	case <-done:
	}
}
