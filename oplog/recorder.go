// Package oplog records operations that happen on hot paths — proxy calls,
// actions, auth events — in ferry's operations log without slowing them:
// Record only queues the operation; Run writes the queue to the store in
// batches, one transaction (one fsync) per batch.
//
// Syncs and webhook handlers record their runs themselves (the store's
// executions): a run must be durable before it starts, for resuming after
// a crash. Operations recorded here are durable a moment after they end;
// a crash may lose the last batch, and a full queue drops operations
// (counted) rather than hold up a request. An Exporter, if given, is told
// of each operation after its write (OpenTelemetry traces: tracing).
package oplog

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ferryhq/ferry/store"
)

// Sink stores finished operations, many in one transaction; *store.Store
// is one.
type Sink interface {
	RecordExecutions(ctx context.Context, records []store.ExecutionRecord) ([]uint64, error)
}

// Exporter is told of every operation once its batch is written, e.g. to
// send it as a trace; *tracing.Exporter is one. It is called from Run's
// goroutine, so it must not block: what it does holds up the next batch.
type Exporter interface {
	// Operation is a recorded operation with the id the store gave it (0
	// if the batch could not be written) and its report (nil for none).
	Operation(e store.Execution, report json.RawMessage)
}

// Options tunes a Recorder; the zero value is production's.
type Options struct {
	// Queue is how many operations may wait to be written (default
	// 16,384); past it Record drops them.
	Queue int
	// MaxBatch caps the operations written in one transaction (default
	// 1,024).
	MaxBatch int
	// Linger is how long the first operation of a batch waits for others
	// (default 50 ms): fewer, larger transactions cost far less than one
	// per operation.
	Linger time.Duration
	Logger *slog.Logger
	// Exporter, if not nil, is told of each operation after its batch is
	// written, whether or not the write succeeded.
	Exporter Exporter
}

// Recorder queues operations and writes them in batches. It is safe for
// concurrent use; Run runs once.
type Recorder struct {
	sink    Sink
	opts    Options
	queue   chan store.ExecutionRecord
	dropped atomic.Int64
	written atomic.Int64
}

// New returns a recorder writing to sink; Run starts the writing.
func New(sink Sink, opts Options) (*Recorder, error) {
	if sink == nil {
		return nil, errors.New("oplog: a sink is required")
	}
	if opts.Queue <= 0 {
		opts.Queue = 16 << 10
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1 << 10
	}
	if opts.Linger <= 0 {
		opts.Linger = 50 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Recorder{sink: sink, opts: opts, queue: make(chan store.ExecutionRecord, opts.Queue)}, nil
}

// Record queues a finished operation and its report (log lines, upstream
// calls; nil for none). It never blocks: with the queue full, the
// operation is dropped and counted.
func (r *Recorder) Record(e store.Execution, report json.RawMessage) {
	select {
	case r.queue <- store.ExecutionRecord{Execution: e, Report: report}:
	default:
		r.dropped.Add(1)
	}
}

// Dropped is how many operations a full queue dropped.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Written is how many operations were stored.
func (r *Recorder) Written() int64 { return r.written.Load() }

// Run writes queued operations until ctx ends, then writes what is left.
func (r *Recorder) Run(ctx context.Context) error {
	batch := make([]store.ExecutionRecord, 0, r.opts.MaxBatch)
	linger := time.NewTimer(r.opts.Linger)
	linger.Stop()
	for {
		select {
		case rec := <-r.queue:
			batch = r.collect(ctx, append(batch[:0], rec), linger)
			r.write(batch)
		case <-ctx.Done():
			for {
				batch = r.drain(batch[:0])
				if len(batch) == 0 {
					return nil
				}
				r.write(batch)
			}
		}
	}
}

// collect adds to batch what comes within Linger, up to MaxBatch.
func (r *Recorder) collect(ctx context.Context, batch []store.ExecutionRecord, linger *time.Timer) []store.ExecutionRecord {
	linger.Reset(r.opts.Linger)
	defer linger.Stop()
	for len(batch) < r.opts.MaxBatch {
		select {
		case rec := <-r.queue:
			batch = append(batch, rec)
		case <-linger.C:
			return batch
		case <-ctx.Done():
			return r.drain(batch)
		}
	}
	return batch
}

// drain adds what is queued now to batch, up to MaxBatch.
func (r *Recorder) drain(batch []store.ExecutionRecord) []store.ExecutionRecord {
	for len(batch) < r.opts.MaxBatch {
		select {
		case rec := <-r.queue:
			batch = append(batch, rec)
		default:
			return batch
		}
	}
	return batch
}

// write stores a batch, then hands it to the exporter; a failure is
// logged (the operations are lost to the log: the work they describe is
// done either way).
func (r *Recorder) write(batch []store.ExecutionRecord) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, err := r.sink.RecordExecutions(ctx, batch)
	if err != nil {
		r.opts.Logger.Error("record operations", "count", len(batch), "err", err)
	} else {
		r.written.Add(int64(len(batch)))
	}
	r.export(batch, ids)
}

// export tells the exporter, if any, of a batch's operations, with the ids
// the sink gave them.
func (r *Recorder) export(batch []store.ExecutionRecord, ids []uint64) {
	if r.opts.Exporter == nil {
		return
	}
	for i, rec := range batch {
		rec.Execution.ID = 0
		if i < len(ids) {
			rec.Execution.ID = ids[i]
		}
		r.opts.Exporter.Operation(rec.Execution, rec.Report)
	}
}
