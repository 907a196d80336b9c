package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// DefaultCatchUpWindow is how long after Start the catch-up runs of missed
// jobs are spread over, unless Options.CatchUpWindow says otherwise.
const DefaultCatchUpWindow = 10 * time.Second

// Options configures a Scheduler. The zero value is ready to use.
type Options struct {
	// Now is the clock the scheduler plans with (default time.Now). Timers
	// wait in real time, so a replacement must advance at the real rate
	// (tests shift it).
	Now func() time.Time

	// Logger receives skipped fires and catch-up plans (debug) and panics
	// of runs (error). Default: slog.Default().
	Logger *slog.Logger

	// MaxConcurrent bounds the runs in flight across all keys; a run that
	// finds no free slot waits for one. Default: 2×GOMAXPROCS.
	MaxConcurrent int

	// CatchUpWindow is how long after Start the catch-up runs of missed
	// jobs are spread over, each key at a stable offset (default
	// DefaultCatchUpWindow).
	CatchUpWindow time.Duration

	// MinInterval is the shortest Job.Every that Set accepts. For tests
	// only: production code leaves it zero, which means MinFrequency.
	MinInterval time.Duration
}

// Scheduler fires one job per key on a fixed interval (see the package
// documentation for its promises). It is safe for concurrent use. Call
// Shutdown to release it, whether it was started or not.
type Scheduler struct {
	now    func() time.Time
	log    *slog.Logger
	window time.Duration
	min    time.Duration
	cron   gocron.Scheduler
	slots  chan struct{} // one token per run in flight

	// runCtx is the scheduler's lifetime, not a request's: every run gets
	// it, and Shutdown cancels it.
	runCtx context.Context
	cancel context.CancelFunc
	runs   sync.WaitGroup

	mu      sync.Mutex
	jobs    map[string]*entry
	busy    map[string]struct{} // keys with a run in flight or waiting for a slot
	started bool
	closed  bool
}

// New validates opts and returns a Scheduler that fires nothing until
// Start.
func New(opts Options) (*Scheduler, error) {
	switch {
	case opts.MaxConcurrent < 0:
		return nil, fmt.Errorf("%w: MaxConcurrent is %d, want 0 (default) or more", ErrInvalidOptions, opts.MaxConcurrent)
	case opts.CatchUpWindow < 0:
		return nil, fmt.Errorf("%w: CatchUpWindow is %v, want 0 (default) or more", ErrInvalidOptions, opts.CatchUpWindow)
	case opts.MinInterval < 0 || opts.MinInterval > MaxFrequency:
		return nil, fmt.Errorf("%w: MinInterval is %v, want 0 (default) to %v", ErrInvalidOptions, opts.MinInterval, MaxFrequency)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxConcurrent == 0 {
		opts.MaxConcurrent = 2 * runtime.GOMAXPROCS(0)
	}
	if opts.CatchUpWindow == 0 {
		opts.CatchUpWindow = DefaultCatchUpWindow
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = MinFrequency
	}
	c, err := newCron(opts.Now, opts.Logger)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		now:    opts.Now,
		log:    opts.Logger,
		window: opts.CatchUpWindow,
		min:    opts.MinInterval,
		cron:   c,
		slots:  make(chan struct{}, opts.MaxConcurrent),
		runCtx: ctx,
		cancel: cancel,
		jobs:   make(map[string]*entry),
		busy:   make(map[string]struct{}),
	}, nil
}

// Start begins firing: regular fires at each job's planned instants, and
// the catch-up runs of jobs Set with a missed fire, spread over the
// catch-up window. Start after Start or Shutdown does nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		return
	}
	s.started = true
	now := s.now()
	for _, e := range s.jobs {
		if e.catchUpPending {
			s.planCatchUp(e, now)
		}
	}
	s.mu.Unlock()
	s.cron.Start()
}

// Len reports how many jobs are set.
func (s *Scheduler) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.jobs)
}

// Shutdown stops firing, cancels the context of the runs in flight and
// waits for them to return, or for ctx to end (then it returns an error
// wrapping ctx's). Calls after Shutdown fail with ErrClosed, but Shutdown
// itself may be called again to wait once more.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	for _, e := range s.jobs {
		e.stopCatchUp()
	}
	s.mu.Unlock()

	var cronErr error
	if first {
		cronErr = s.cron.ShutdownWithContext(ctx)
	}
	s.cancel()
	done := make(chan struct{})
	go func() {
		s.runs.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("schedule: shutdown: runs still in flight: %w", ctx.Err())
	}
	if cronErr != nil {
		return fmt.Errorf("schedule: shutdown: gocron: %w", cronErr)
	}
	return nil
}
