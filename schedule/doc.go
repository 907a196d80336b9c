// Package schedule fires one job per key on a fixed interval: the clock
// behind ferry's scheduled syncs, one job per (connection, sync).
//
// Frequencies are written as in Nango ("every 5 minutes", "every half
// hour", "every 2 days"; see ParseFrequency) and must lie between 30
// seconds and 31 days.
//
// A Scheduler keeps three promises:
//
//   - Spread: a job fires at the instants whose distance from the Unix
//     epoch, minus a phase derived from a hash of its key, is a multiple of
//     its interval. 10,000 jobs with the same interval therefore fire spread
//     over the interval rather than in the same second, and a key keeps its
//     phase across restarts.
//   - No overlap: a key never runs twice at once. A fire that comes while
//     the key's previous run is still going (or still waiting for a slot) is
//     skipped, not queued.
//   - Missed runs: a job whose last run (from the caller's durable state)
//     predates a planned fire time that has already passed runs once soon
//     after Start, however many fire times it missed. These catch-up runs
//     are spread over the first seconds so that a restart does not start
//     them all at once.
//
// Options.MaxConcurrent bounds the runs in flight across all keys; extra
// runs wait for a slot.
//
// The timers are github.com/go-co-op/gocron/v2 duration jobs started at the
// key's phase. gocron's own singleton and concurrency-limit modes are not
// used: its singleton mode keeps a goroutine and a 1,000-slot channel per
// job once the job has fired (about 22 KB per job, measured), so the
// package enforces no-overlap and the concurrency bound itself and hands
// gocron a task that only dispatches the run. No gocron type crosses the
// package's API.
package schedule
