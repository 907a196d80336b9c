package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/syncs"
)

// Handlers runs the webhook handlers of syncs; *syncs.Engine is one.
type Handlers interface {
	// WebhookSyncs lists an integration's syncs that take webhooks.
	WebhookSyncs(ctx context.Context, integration string) ([]syncs.WebhookSync, error)
	// RunWebhook runs one sync's handler for one connection.
	RunWebhook(ctx context.Context, key store.SyncKey, payload json.RawMessage) error
}

// Forwarder takes the `forward` webhooks for the customer's backend;
// *outbox.Outbox is one.
type Forwarder interface {
	Enqueue(ctx context.Context, msgs ...outbox.Message) error
}

// DispatcherConfig configures a Dispatcher; Store, Providers and Handlers
// are required.
type DispatcherConfig struct {
	Store       *store.Store
	Providers   *providers.Catalog
	Handlers    Handlers
	Forward     Forwarder // nil: events are not forwarded
	Environment string    // default "dev"
	Logger      *slog.Logger
	// Workers bounds the handlers running at once, each for a different
	// connection (default 4).
	Workers int
	// MaxAttempts is how many times a failing handler runs before its
	// event is parked for that connection (default 8).
	MaxAttempts int
	// InitialBackoff is the wait after a first failure; it doubles up to
	// MaxBackoff (defaults 1 s and 10 min).
	InitialBackoff, MaxBackoff time.Duration
	// Batch is how many pending events one pass reads (default 1000).
	Batch int
	// Retention is how long processed events are kept (default 7 days,
	// the dedupe window); Run prunes older ones hourly. Parked and
	// unattributed events stay until replayed.
	Retention time.Duration
}

// Target statuses: how one event stands for one connection.
const (
	TargetPending  = "pending"  // not handled yet
	TargetRetrying = "retrying" // a handler failed; tried again after NextAttemptAt
	TargetDone     = "done"     // every subscribed handler succeeded
	TargetParked   = "parked"   // failed MaxAttempts times; waits for a replay
)

// ErrNotReplayable reports a replay of an event that is neither parked
// nor unattributed.
var ErrNotReplayable = errors.New("webhooks: event is not parked or unattributed")

// Dispatcher handles the events of the durable inbox: it attributes each
// to its connections, forwards it, and runs the subscribed handlers,
// per connection in arrival order; a failing handler is retried with
// backoff, then parked. It is safe for concurrent use; Run runs once.
type Dispatcher struct {
	cfg  DispatcherConfig
	log  *slog.Logger
	wake chan struct{}

	mu       sync.Mutex
	inflight map[string]bool // connections with a handler running
	running  int
}

// NewDispatcher validates cfg and returns a dispatcher; Run starts it.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("webhooks: dispatcher config needs a store")
	case cfg.Providers == nil:
		return nil, errors.New("webhooks: dispatcher config needs a providers catalog")
	case cfg.Handlers == nil:
		return nil, errors.New("webhooks: dispatcher config needs handlers")
	}
	if cfg.Environment == "" {
		cfg.Environment = "dev"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.InitialBackoff <= 0 {
		cfg.InitialBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	if cfg.Retention <= 0 {
		cfg.Retention = store.DefaultDedupeWindow
	}
	return &Dispatcher{cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1), inflight: map[string]bool{}}, nil
}

// Notify wakes the dispatcher: an event arrived.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run handles events until ctx ends, then waits for the handlers in
// flight. Events left by a previous process are handled first.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() { defer wg.Done(); d.pruneLoop(ctx) }()
	for {
		next, err := d.pass(ctx, &wg)
		if err != nil && ctx.Err() == nil {
			d.log.Error("webhook dispatch", "err", err)
			next = time.Now().Add(time.Second)
		}
		if !d.sleep(ctx, next) {
			return nil
		}
	}
}

// pruneLoop deletes processed events past the retention, hourly.
func (d *Dispatcher) pruneLoop(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if _, err := d.cfg.Store.PruneInbox(ctx, time.Now().Add(-d.cfg.Retention)); err != nil && ctx.Err() == nil {
			d.log.Error("prune webhook inbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sleep waits for a Notify, for next (zero: no deadline) or for ctx; it
// reports false when ctx ended.
func (d *Dispatcher) sleep(ctx context.Context, next time.Time) bool {
	var timer <-chan time.Time
	if !next.IsZero() {
		t := time.NewTimer(max(time.Until(next), time.Millisecond))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-d.wake:
	case <-timer:
	}
	return true
}

// pass reads the pending events in arrival order, attributes new ones and
// starts the handlers that may run now. It returns when the next retry is
// due (zero: none waits).
func (d *Dispatcher) pass(ctx context.Context, wg *sync.WaitGroup) (time.Time, error) {
	entries, err := d.cfg.Store.PendingInbox(ctx, 0, d.cfg.Batch)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	blocked := map[string]bool{} // an earlier event still waits for this connection
	now := time.Now()
	for _, en := range entries {
		if en.Targets == nil {
			if en, err = d.attribute(ctx, en); err != nil {
				return next, err
			}
		}
		for _, t := range en.Targets {
			if t.Status == TargetDone || t.Status == TargetParked || blocked[t.ConnectionID] {
				continue
			}
			blocked[t.ConnectionID] = true
			if t.NextAttemptAt.After(now) {
				if next.IsZero() || t.NextAttemptAt.Before(next) {
					next = t.NextAttemptAt
				}
				continue
			}
			if !d.claim(t.ConnectionID) {
				continue
			}
			wg.Add(1)
			go func(id uint64, conn string) {
				defer wg.Done()
				defer d.release(conn)
				d.handle(ctx, id, conn)
			}(en.ID, t.ConnectionID)
		}
	}
	if len(entries) == d.cfg.Batch && next.IsZero() {
		next = now.Add(100 * time.Millisecond) // more wait behind this batch
	}
	return next, nil
}

// claim reserves a worker for a connection with no handler running.
func (d *Dispatcher) claim(conn string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inflight[conn] || d.running >= d.cfg.Workers {
		return false
	}
	d.inflight[conn] = true
	d.running++
	return true
}

func (d *Dispatcher) release(conn string) {
	d.mu.Lock()
	delete(d.inflight, conn)
	d.running--
	d.mu.Unlock()
	d.Notify()
}

// request rebuilds the HTTP request an entry keeps.
func request(en store.InboxEntry) Request {
	return Request{Method: http.MethodPost, Header: RestoreHeaders(en.Header), Body: en.Body, ReceivedAt: en.ReceivedAt}
}

// status is an event's status from its targets'.
func status(targets []store.InboxTarget) string {
	parked := false
	for _, t := range targets {
		switch t.Status {
		case TargetPending, TargetRetrying:
			return store.InboxPending
		case TargetParked:
			parked = true
		}
	}
	if parked {
		return store.InboxParked
	}
	return store.InboxProcessed
}

// backoff is the wait before attempt n+1 after n failures.
func (d *Dispatcher) backoff(n int) time.Duration {
	wait := d.cfg.InitialBackoff
	for i := 1; i < n && wait < d.cfg.MaxBackoff; i++ {
		wait *= 2
	}
	return min(wait, d.cfg.MaxBackoff)
}

// Replay makes a parked or unattributed event pending again: parked
// connections are tried afresh; an unattributed event is attributed again
// (after the missing connection was created, say).
func (d *Dispatcher) Replay(ctx context.Context, id uint64) (store.InboxEntry, error) {
	en, err := d.cfg.Store.UpdateInbox(ctx, id, func(e *store.InboxEntry) error {
		switch e.Status {
		case store.InboxUnattributed:
			e.Targets = nil
		case store.InboxParked:
			for i := range e.Targets {
				if e.Targets[i].Status == TargetParked {
					e.Targets[i] = store.InboxTarget{ConnectionID: e.Targets[i].ConnectionID, Status: TargetPending}
				}
			}
		default:
			return fmt.Errorf("event %d is %s: %w", e.ID, e.Status, ErrNotReplayable)
		}
		e.Status, e.LastError = store.InboxPending, ""
		return nil
	})
	if err != nil {
		return en, err
	}
	d.Notify()
	return en, nil
}
