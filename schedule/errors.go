package schedule

import "errors"

// Sentinel errors. Every error the package returns wraps one of them, so
// callers (the HTTP layer, deploys) can map them with errors.Is; the
// wrapping message quotes the offending input.
var (
	// ErrInvalidFrequency reports a frequency that is not Nango's syntax or
	// lies outside MinFrequency to MaxFrequency.
	ErrInvalidFrequency = errors.New("schedule: invalid frequency")

	// ErrInvalidJob reports a Job with an empty key, no Run function or an
	// interval outside the allowed range.
	ErrInvalidJob = errors.New("schedule: invalid job")

	// ErrInvalidOptions reports Options with a negative or out-of-range
	// field.
	ErrInvalidOptions = errors.New("schedule: invalid options")

	// ErrClosed reports a call on a Scheduler that has been shut down.
	ErrClosed = errors.New("schedule: scheduler is shut down")
)
