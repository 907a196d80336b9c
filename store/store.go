// Package store is ferry's embedded persistence: one bbolt file holding
// change-tracked records, function checkpoints and connection metadata (and,
// as the project grows, integrations, connections, executions and the
// webhook outbox).
//
// Each kind of data lives under its own top-level bucket ("records",
// "checkpoints", "metadata", ...), and below it under one nested bucket per
// connection, so that a connection's data can be found and dropped as a unit.
// Every batch is validated completely before the single write transaction
// that applies it, so a bad record leaves the store unchanged.
package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Top-level bucket names. Add new kinds here; Open creates them all.
var topBuckets = [][]byte{bucketRecords, bucketCheckpoints, bucketMetadata, bucketIntegrations, bucketConnections, bucketSyncs, bucketExecutions, bucketOutbox, bucketOutboxBodies, bucketOutboxDue, bucketWebhookSettings, bucketConnectionWebhooks, bucketInbox, bucketInboxBodies, bucketInboxPending, bucketInboxDedupe, bucketInboxDedupeExp, bucketInboxRejected}

var (
	bucketRecords      = []byte("records")
	bucketCheckpoints  = []byte("checkpoints")
	bucketMetadata     = []byte("metadata")
	bucketIntegrations = []byte("integrations")
	bucketConnections  = []byte("connections")
	bucketSyncs        = []byte("syncs")
	bucketExecutions   = []byte("executions")
)

// initialMmapSize is the address space mapped at Open (not memory used).
const initialMmapSize = 1 << 30

// Options configures Open. The zero value is usable.
type Options struct {
	// Now is the clock used for every timestamp; default time.Now. Times are
	// stored in UTC.
	Now func() time.Time
	// NoSync skips fsync on commit. Only for tests and benchmarks: a crash
	// can lose or corrupt recent writes.
	NoSync bool
	// Timeout bounds the wait for the file lock held by another process;
	// default 1s.
	Timeout time.Duration
}

// Store is ferry's bbolt-backed persistence. It is safe for concurrent use:
// reads run in parallel, writes are serialised by bbolt.
type Store struct {
	db    *bolt.DB
	now   func() time.Time
	group groupCommit // updateBatch's queue
}

// Open opens (creating with mode 0600 if needed) the store file at path and
// makes sure every top-level bucket exists.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	bopts := &bolt.Options{
		Timeout:      opts.Timeout,
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType, // O(1) allocation in large files
	}
	if runtime.GOOS != "windows" { // there the file would grow to this size at once
		// Reserve address space up front: growing the map means remapping,
		// which waits for every read transaction and re-copies dirty nodes.
		bopts.InitialMmapSize = initialMmapSize
	}
	db, err := bolt.Open(path, 0o600, bopts)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := checkFormat(tx); err != nil {
			return err
		}
		for _, name := range topBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		for _, name := range [][]byte{bucketSummary, bucketReport} {
			if _, err := tx.Bucket(bucketExecutions).CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s/%s: %w", bucketExecutions, name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
	}
	return &Store{db: db, now: func() time.Time { return clock().UTC() }}, nil
}

// Close releases the file. Calls in flight finish first.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// update runs fn in one write transaction. It commits only when fn reports a
// change; otherwise (or on error) it rolls back, which costs no fsync.
func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx) (changed bool, err error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.db.Begin(true)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	changed, err := fn(tx)
	if err != nil || !changed {
		return errors.Join(err, ignoreRollback(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// maxGroupCommit bounds the functions one group commit runs.
const maxGroupCommit = 1024

// groupCommit gathers the write functions of concurrent callers
// (updateBatch) into shared transactions. One transaction runs at a time;
// the functions that arrive meanwhile wait and all run in the next one,
// so a batch is as large as the arrivals during one commit: one fsync for
// all of them, and no timer adding latency when the store is idle
// (bbolt's DB.Batch waits a fixed delay to fill each batch).
type groupCommit struct {
	mu      sync.Mutex
	queue   []batchCall
	running bool // a goroutine is committing the queue
}

type batchCall struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// updateBatch runs fn in a write transaction shared with concurrent
// callers and returns once that is committed (durable unless
// Options.NoSync). fn may run more than once — when another function of
// its batch fails, the batch is rolled back and the others run again — so
// it must derive everything it writes, and every result it hands back,
// from the transaction on each call. ctx is checked before the wait only.
func (s *Store) updateBatch(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	call := batchCall{fn: fn, done: make(chan error, 1)}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, call)
	if !g.running {
		g.running = true
		go s.commitQueue()
	}
	g.mu.Unlock()
	return <-call.done
}

// commitQueue commits the queued functions, a batch per transaction,
// until the queue is empty.
func (s *Store) commitQueue() {
	g := &s.group
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroupCommit)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		calls := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		s.commitBatch(calls)
	}
}

// commitBatch runs calls in one transaction. When one fails, the
// transaction is rolled back, that one runs alone (its error is its own)
// and the others run again together.
func (s *Store) commitBatch(calls []batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := safeCall(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range calls {
				c.done <- err // nil, or the commit's error for all
			}
			return
		}
		c := calls[failed]
		c.done <- s.db.Update(func(tx *bolt.Tx) error { return safeCall(c.fn, tx) })
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}

// safeCall runs fn, turning a panic into an error so that one caller's
// bug does not fail the others' writes or leave them waiting.
func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a batched write: %v", p)
		}
	}()
	return fn(tx)
}

// view runs fn in one read transaction.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func ignoreRollback(err error) error {
	if errors.Is(err, bolt.ErrTxClosed) {
		return nil
	}
	return err
}
