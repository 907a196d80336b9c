package hostfns

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/ferryhq/ferry/store"
)

// Store is the persistence the nango object writes to; *store.Store
// implements it.
type Store interface {
	SavePrepared(ctx context.Context, key store.ModelKey, records *store.PreparedRecords) (store.BatchResult, error)
	UpdateRecords(ctx context.Context, key store.ModelKey, partials []json.RawMessage) (store.BatchResult, error)
	DeleteRecords(ctx context.Context, key store.ModelKey, ids []string) (store.BatchResult, error)
	DeleteRecordsExcept(ctx context.Context, key store.ModelKey, keep func(id string) bool) ([]string, store.BatchResult, error)
	GetRecords(ctx context.Context, key store.ModelKey, ids []string) (map[string]store.Record, error)
	ListRecords(ctx context.Context, key store.ModelKey, q store.ListQuery) (store.RecordPage, error)
	Checkpoint(ctx context.Context, key store.CheckpointKey) (json.RawMessage, error)
	SaveCheckpoint(ctx context.Context, key store.CheckpointKey, checkpoint json.RawMessage) error
	ClearCheckpoint(ctx context.Context, key store.CheckpointKey) error
	Metadata(ctx context.Context, conn store.Connection) (map[string]any, error)
	SetMetadata(ctx context.Context, conn store.Connection, md map[string]any) error
	UpdateMetadata(ctx context.Context, conn store.Connection, md map[string]any) error
}

// Scope is what one execution is allowed to touch: one connection, one
// function and the models that function declares.
type Scope struct {
	Connection  Connection
	Provider    Provider
	Credentials CredentialsProvider // nil: calls go out without credentials
	Function    string              // function name; keys its checkpoint
	Models      []string            // models the function declares; records of others are refused
}

// Nango is the nango object of one execution. It is safe for concurrent
// use, though a guest calls it from one thread.
type Nango struct {
	scope    Scope
	http     *HTTP
	store    Store
	clock    func() time.Time
	observer Observer
	tracker  deletionTracker
	env      []EnvVar

	mu     sync.Mutex
	report Report

	writeMu  sync.Mutex
	writing  chan struct{} // closed when the record write in flight ends
	writeErr error         // the first record write that failed
}

// Options carries the shared services a Nango uses.
type Options struct {
	HTTP  *HTTP            // required
	Store Store            // required
	Now   func() time.Time // default time.Now
	// MaxLogLines caps the log lines, and separately the upstream calls,
	// kept in the report (default 10,000); past it they are counted, not
	// kept.
	MaxLogLines int
	// Observer, when set, is told of every accepted record call (see
	// Observer).
	Observer Observer
	// Environment is what getEnvironmentVariables answers.
	Environment []EnvVar
}

// New returns the nango object of one execution scoped to scope.
func New(scope Scope, opts Options) *Nango {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxLogLines <= 0 {
		opts.MaxLogLines = 10_000
	}
	return &Nango{
		scope:    scope,
		http:     opts.HTTP,
		store:    opts.Store,
		clock:    opts.Now,
		observer: opts.Observer,
		env:      opts.Environment,
		report:   Report{maxLogs: opts.MaxLogLines},
	}
}

// Scope returns what the execution is scoped to.
func (n *Nango) Scope() Scope { return n.scope }

// Report returns a copy of what the execution has done so far.
func (n *Nango) Report() Report {
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.report
	r.Logs = slices.Clone(r.Logs)
	r.Calls = slices.Clone(r.Calls)
	r.Records = make(map[string]store.BatchResult, len(n.report.Records))
	for k, v := range n.report.Records {
		r.Records[k] = v
	}
	return r
}

func (n *Nango) connection() store.Connection {
	c := n.scope.Connection
	return store.Connection{Environment: c.Environment, ProviderConfigKey: c.ProviderConfigKey, ConnectionID: c.ID}
}

func (n *Nango) target() Target {
	return Target{
		Connection:  n.scope.Connection,
		Provider:    n.scope.Provider,
		Credentials: n.scope.Credentials,
		OnCall:      n.recordCall,
	}
}

// storeError maps a store failure to the code a guest sees.
func storeError(op string, err error) error {
	switch {
	case errors.Is(err, store.ErrInvalidRecord):
		return errorf(CodeInvalidRecord, "%s: %w", op, err)
	case errors.Is(err, store.ErrInvalidCheckpoint), errors.Is(err, store.ErrInvalidKey), errors.Is(err, store.ErrInvalidMetadata):
		return errorf(CodeInvalidRequest, "%s: %w", op, err)
	default:
		return errorf(CodeInternal, "%s: %w", op, err)
	}
}
