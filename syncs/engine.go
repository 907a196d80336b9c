package syncs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
)

// Functions gives the engine the active version of deployed functions.
type Functions interface {
	// Acquire returns the active version of a function, loaded; a function
	// not deployed is store.ErrNotFound. The caller calls Release when done.
	Acquire(ctx context.Context, key store.FunctionKey) (Function, error)
}

// Function is a deployed function's active version, loaded in the host.
type Function struct {
	Version  store.FunctionVersion
	Manifest bundle.Manifest
	Bundle   *host.Bundle
	Release  func()
}

// Targets gives the engine what a connection's calls need: its provider
// and its credentials (refreshed on use).
type Targets interface {
	Target(ctx context.Context, conn store.Connection) (hostfns.Target, error)
}

// Webhooks takes the webhooks a run produces; *outbox.Outbox is one.
type Webhooks interface {
	Enqueue(ctx context.Context, msgs ...outbox.Message) error
}

// Observer is told how runs end, for metrics; *metrics.Metrics is one.
// It is called from the runs' goroutines: it must be safe for concurrent
// use and fast.
type Observer interface {
	// Execution is a run that ended: kind is "sync" or "webhook", status
	// store.ExecutionSuccess or store.ExecutionFailed, records the run's
	// changes per model.
	Execution(kind, status string, d time.Duration, records map[string]store.ModelCounts)
	// UpstreamCall is one upstream HTTP attempt of the run (source
	// "function"); status 0: no answer came.
	UpstreamCall(source, integration string, status int)
}

// Exporter is told of every run once it is recorded as finished, e.g. to
// send it as a trace; *tracing.Exporter is one. It is called from the
// runs' goroutines: it must be safe for concurrent use and must not block.
type Exporter interface {
	// Operation is a finished run (an execution of type sync or webhook)
	// and its report (nil for none).
	Operation(e store.Execution, report json.RawMessage)
}

// Config configures an Engine; Store, Functions, Targets and HTTP are
// required.
type Config struct {
	Store       *store.Store
	Functions   Functions
	Targets     Targets
	HTTP        *hostfns.HTTP
	Webhooks    Webhooks // nil: runs send no webhooks
	Metrics     Observer // nil: runs are not observed
	Exporter    Exporter // nil: runs are not exported
	Environment string   // default "dev"
	Logger      *slog.Logger
	// MaxConcurrentRuns bounds the syncs running at once (default 4 per
	// CPU); more wait their turn.
	MaxConcurrentRuns int
	// RunTimeout bounds one run (default 24 hours, Nango's).
	RunTimeout time.Duration
	// MinInterval is the shortest frequency accepted; default 30 s. For
	// tests only.
	MinInterval time.Duration
	// Retention is how long finished runs stay recorded (default 15
	// days); older ones are pruned every hour.
	Retention time.Duration
	// CatchUpWindow spreads the runs missed while ferry was down over the
	// first moments after Start (default schedule.DefaultCatchUpWindow).
	CatchUpWindow time.Duration
}

// Engine schedules and runs the syncs of one environment. It is safe for
// concurrent use.
type Engine struct {
	cfg   Config
	log   *slog.Logger
	sched *schedule.Scheduler
	slots chan struct{}

	// runCtx is the context of every run; Shutdown cancels it.
	runCtx    context.Context
	cancelRun context.CancelFunc
	wg        sync.WaitGroup

	mu      sync.Mutex
	active  map[store.SyncKey]*flight // runs in flight
	stopped bool
}

// flight is a sync run in flight; a trigger that comes meanwhile asks for
// one more run after it.
type flight struct {
	again   bool
	trigger string
	opts    TriggerOptions
}

// TriggerOptions are a manual trigger's options, as Nango's.
type TriggerOptions struct {
	// Reset clears the sync's checkpoint first: the run starts over.
	Reset bool
	// EmptyCache deletes the sync's records first, without recording
	// deletions.
	EmptyCache bool
}

// Errors the engine's callers map to answers.
var (
	// ErrUnknownSync reports a sync that is not deployed for the
	// integration.
	ErrUnknownSync = errors.New("syncs: unknown sync")
	// ErrStopped reports a call after Shutdown.
	ErrStopped = errors.New("syncs: engine stopped")
)

// Trigger names for executions.
const (
	TriggerSchedule = "schedule" // the schedule fired
	TriggerInitial  = "initial"  // first run after a deploy or a new connection
	TriggerManual   = "manual"   // POST /sync/trigger
	TriggerResume   = "resume"   // a run interrupted by a crash or a shutdown, run again
	TriggerWebhook  = "webhook"  // a webhook handler (onWebhook) for an incoming webhook
)

// New validates cfg and returns an engine; Start starts its schedules.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("syncs: config needs a store")
	case cfg.Functions == nil:
		return nil, errors.New("syncs: config needs functions")
	case cfg.Targets == nil:
		return nil, errors.New("syncs: config needs targets")
	case cfg.HTTP == nil:
		return nil, errors.New("syncs: config needs an HTTP client")
	}
	if cfg.Environment == "" {
		cfg.Environment = "dev"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxConcurrentRuns <= 0 {
		cfg.MaxConcurrentRuns = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = 24 * time.Hour
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 15 * 24 * time.Hour
	}
	sched, err := schedule.New(schedule.Options{
		Logger: cfg.Logger, MinInterval: cfg.MinInterval, MaxConcurrent: cfg.MaxConcurrentRuns, CatchUpWindow: cfg.CatchUpWindow,
	})
	if err != nil {
		return nil, fmt.Errorf("syncs: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	return &Engine{
		cfg: cfg, log: cfg.Logger, sched: sched,
		slots:  make(chan struct{}, cfg.MaxConcurrentRuns),
		runCtx: runCtx, cancelRun: cancel,
		active: map[store.SyncKey]*flight{},
	}, nil
}

// Start plans every active sync of every connection, resumes the runs a
// previous process did not finish, runs the syncs that never ran, and
// starts the scheduler (which runs once, soon, each sync whose planned
// run was missed while ferry was down).
func (e *Engine) Start(ctx context.Context) error {
	syncs, err := e.deployedSyncs(ctx, "")
	if err != nil {
		return fmt.Errorf("syncs: start: %w", err)
	}
	states, err := e.cfg.Store.ListSyncStates(ctx, e.cfg.Environment)
	if err != nil {
		return fmt.Errorf("syncs: start: %w", err)
	}
	known := make(map[store.SyncKey]store.SyncState, len(states))
	for _, st := range states {
		known[st.Key] = st
	}
	planned := 0
	for integration, list := range syncs {
		conns, err := e.cfg.Store.ListConnections(ctx, store.ConnectionQuery{Environment: e.cfg.Environment, ProviderConfigKey: integration})
		if err != nil {
			return fmt.Errorf("syncs: start: %w", err)
		}
		for _, c := range conns {
			for _, sy := range list {
				key := store.SyncKey{Connection: c.Connection, Sync: sy.Name}
				st, ok := known[key]
				if !ok {
					st = store.SyncState{Key: key}
				}
				if e.restore(ctx, sy, st, ok) {
					planned++
				}
			}
		}
	}
	e.sched.Start()
	e.wg.Add(1)
	go e.pruneLoop()
	e.log.Info("syncs started", "scheduled", planned)
	return nil
}

// pruneLoop deletes the runs older than the retention, hourly, until
// Shutdown.
func (e *Engine) pruneLoop() {
	defer e.wg.Done()
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		cutoff := time.Now().Add(-e.cfg.Retention)
		for {
			n, err := e.cfg.Store.PruneExecutions(e.runCtx, cutoff, 10_000)
			if err != nil && e.runCtx.Err() == nil {
				e.log.Error("prune executions", "err", err)
			}
			if err != nil || n < 10_000 {
				break
			}
		}
		select {
		case <-e.runCtx.Done():
			return
		case <-tick.C:
		}
	}
}

// restore plans one sync of one connection at start and reports whether
// it is scheduled.
func (e *Engine) restore(ctx context.Context, sy syncInfo, st store.SyncState, stored bool) bool {
	key := st.Key
	if st.Running != 0 {
		if err := e.interrupted(ctx, st); err != nil {
			e.log.Error("record interrupted run", "sync", key.String(), "err", err)
		}
		e.start(key, TriggerResume, TriggerOptions{})
	}
	if !stored && !sy.AutoStart {
		// Never started and not to start by itself: paused until /sync/start.
		if _, err := e.cfg.Store.UpdateSyncState(ctx, key, func(s *store.SyncState) error { s.Paused = true; return nil }); err != nil {
			e.log.Error("pause sync", "sync", key.String(), "err", err)
		}
		return false
	}
	if st.Paused {
		return false
	}
	if err := e.plan(sy, st); err != nil {
		e.log.Error("schedule sync", "sync", key.String(), "err", err)
		return false
	}
	if st.LastStartedAt.IsZero() && st.Running == 0 {
		e.start(key, TriggerInitial, TriggerOptions{})
	}
	return true
}

// Shutdown stops the schedules, cancels the runs in flight and waits for
// them to wind down, up to ctx. A canceled run stays marked running in
// its state: the next Start runs it again from its checkpoint.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	err := e.sched.Shutdown(ctx)
	e.cancelRun()
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, fmt.Errorf("syncs: shutdown: %w", ctx.Err()))
	}
	return err
}
