package schedule

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// This file adapts gocron to the package: the timer of each job is a
// gocron duration job that starts at the key's phase, planned with the
// Scheduler's clock and logging to its logger. The task gocron runs only
// dispatches (Scheduler.fire): runs, their overlap and their concurrency
// are the package's, so gocron's shutdown never waits for a run and no
// per-job runner goroutine exists.

// newCron builds the gocron scheduler behind a Scheduler.
func newCron(now func() time.Time, log *slog.Logger) (gocron.Scheduler, error) {
	c, err := gocron.NewScheduler(
		gocron.WithClock(clock{Clock: clockwork.NewRealClock(), now: now}),
		gocron.WithLogger(cronLogger{log}),
		gocron.WithLocation(time.UTC),
	)
	if err != nil {
		return nil, fmt.Errorf("schedule: new gocron scheduler: %w", err)
	}
	return c, nil
}

// cronID is a gocron job id (a uuid.UUID, which is a [16]byte).
type cronID = [16]byte

// startAt makes a gocron job of this interval fire at the instants of
// phase: a start in the past is moved forward by whole intervals by gocron,
// which keeps the phase and cannot race with the clock.
func startAt(every time.Duration, phase int64, now time.Time) gocron.JobOption {
	return gocron.WithStartAt(gocron.WithStartDateTimePast(lastFire(now, every, phase)))
}

// addCronJob registers a gocron job that calls task at every fire instant
// of an interval with this phase after now.
func addCronJob(c gocron.Scheduler, every time.Duration, phase int64, now time.Time, task func()) (cronID, error) {
	j, err := c.NewJob(gocron.DurationJob(every), gocron.NewTask(task), startAt(every, phase, now))
	if err != nil {
		return cronID{}, fmt.Errorf("gocron: %w", err)
	}
	return j.ID(), nil
}

// replaceCronJob gives the gocron job id a new interval and phase.
func replaceCronJob(c gocron.Scheduler, id cronID, every time.Duration, phase int64, now time.Time, task func()) error {
	if _, err := c.Update(id, gocron.DurationJob(every), gocron.NewTask(task), startAt(every, phase, now)); err != nil {
		return fmt.Errorf("gocron: %w", err)
	}
	return nil
}

// clock is the time gocron plans with: Options.Now for the present, real
// timers for the waiting.
type clock struct {
	clockwork.Clock
	now func() time.Time
}

// Now reports Options.Now.
func (c clock) Now() time.Time { return c.now() }

// Since reports the time elapsed since t by Options.Now.
func (c clock) Since(t time.Time) time.Duration { return c.now().Sub(t) }

// Until reports the time left until t by Options.Now.
func (c clock) Until(t time.Time) time.Duration { return t.Sub(c.now()) }

// cronLogger passes gocron's messages to the Scheduler's logger, its
// lifecycle chatter ("scheduler started") at debug level.
type cronLogger struct{ log *slog.Logger }

// Debug logs at debug level.
func (l cronLogger) Debug(msg string, args ...any) { l.log.Debug(msg, args...) }

// Info logs at debug level: gocron's infos are lifecycle chatter.
func (l cronLogger) Info(msg string, args ...any) { l.log.Debug(msg, args...) }

// Warn logs at warn level.
func (l cronLogger) Warn(msg string, args ...any) { l.log.Warn(msg, args...) }

// Error logs at error level.
func (l cronLogger) Error(msg string, args ...any) { l.log.Error(msg, args...) }
