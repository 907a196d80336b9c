package schedule

import (
	"context"
	"fmt"
	"time"
)

// Job is one schedule: the work of one key, fired every Every.
type Job struct {
	// Key names the job, e.g. "dev/github/conn-1/issues"; one job per key.
	// Its hash sets the job's phase.
	Key string

	// Every is the interval, between Options.MinInterval and MaxFrequency
	// (ParseFrequency's range unless a test lowers the minimum).
	Every time.Duration

	// LastRun is when the job last started, from the caller's durable
	// state; zero if it never ran. A planned fire instant in (LastRun, now]
	// means the job missed a run: it runs once soon after Start.
	LastRun time.Time

	// Run is the work. Its context ends at Shutdown. The scheduler never
	// starts it twice at once for one key; runs the caller starts itself
	// (manual triggers) are the caller's to keep apart.
	Run func(ctx context.Context)
}

// entry is a job as the Scheduler keeps it. Guarded by Scheduler.mu.
type entry struct {
	key   string
	every time.Duration
	phase int64
	run   func(context.Context)
	id    cronID // the gocron job
	task  func() // what gocron calls at each fire instant

	catchUpPending bool        // a missed fire waits for Start
	catchUpGen     uint32      // counts plans, so that a stale timer knows it
	catchUp        *time.Timer // the armed catch-up run, if any
	catchUpAt      time.Time   // when it fires
}

// Set adds the job, or replaces the job of the same key: a run in flight
// finishes, and the next fire uses the new interval and Run. It fails with
// ErrInvalidJob for a bad job and ErrClosed after Shutdown.
func (s *Scheduler) Set(j Job) error {
	if err := s.validate(j); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("set %q: %w", j.Key, ErrClosed)
	}
	now := s.now()
	phase := phaseOf(j.Key, j.Every)
	e, ok := s.jobs[j.Key]
	switch {
	case !ok:
		e = &entry{key: j.Key, every: j.Every, phase: phase}
		e.task = func() { s.fire(e) }
		id, err := addCronJob(s.cron, j.Every, phase, now, e.task)
		if err != nil {
			return fmt.Errorf("schedule: set %q: %w", j.Key, err)
		}
		e.id = id
		s.jobs[j.Key] = e
	case e.every != j.Every:
		if err := replaceCronJob(s.cron, e.id, j.Every, phase, now, e.task); err != nil {
			e.stopCatchUp()
			delete(s.jobs, j.Key)
			return fmt.Errorf("schedule: set %q: job removed: %w", j.Key, err)
		}
		e.every, e.phase = j.Every, phase
	}
	e.run = j.Run
	e.stopCatchUp()
	if missed(j.LastRun, now, j.Every, phase) {
		if s.started {
			s.planCatchUp(e, now)
		} else {
			e.catchUpPending = true
		}
	}
	return nil
}

// validate checks j against the scheduler's interval range.
func (s *Scheduler) validate(j Job) error {
	switch {
	case j.Key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidJob)
	case j.Run == nil:
		return fmt.Errorf("%w %q: no Run function", ErrInvalidJob, j.Key)
	}
	if err := checkRange(float64(j.Every), s.min); err != nil {
		return fmt.Errorf("%w %q: interval %s", ErrInvalidJob, j.Key, err)
	}
	return nil
}

// Remove deletes the job of key and reports whether there was one. A run in
// flight finishes; no new one starts.
func (s *Scheduler) Remove(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[key]
	if !ok {
		return false
	}
	delete(s.jobs, key)
	e.stopCatchUp()
	if !s.closed {
		if err := s.cron.RemoveJob(e.id); err != nil {
			s.log.Debug("schedule: remove gocron job", "key", key, "err", err)
		}
	}
	return true
}

// Next reports the next planned fire time of key: its next regular
// instant, or its catch-up run if that comes first. Before Start a pending
// catch-up run has no time yet and is not reported. ok is false for an
// unknown key and after Shutdown.
func (s *Scheduler) Next(key string) (next time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[key]
	if !ok || s.closed {
		return time.Time{}, false
	}
	next = nextFire(s.now(), e.every, e.phase)
	if e.catchUp != nil && e.catchUpAt.Before(next) {
		next = e.catchUpAt
	}
	return next, true
}
