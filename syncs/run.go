package syncs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

// run is one run of a sync for one connection, from its durable start to
// its recorded end.
type run struct {
	e       *Engine
	key     store.SyncKey
	fn      Function
	info    syncInfo
	exec    store.Execution
	nango   *hostfns.Nango
	resumed bool // the run started from a saved checkpoint
}

// run runs a sync once. Every outcome is recorded in its execution and its
// state, except a shutdown: a canceled run stays marked running, to be
// resumed at the next start.
func (e *Engine) run(ctx context.Context, key store.SyncKey, trigger string, opts TriggerOptions) {
	fn, err := e.cfg.Functions.Acquire(ctx, store.FunctionKey{Environment: key.Environment, Integration: key.ProviderConfigKey, Name: key.Sync})
	if err != nil {
		e.log.Warn("sync not run", "sync", key.String(), "err", err)
		if errors.Is(err, store.ErrNotFound) {
			e.unplan(key)
		}
		return
	}
	defer fn.Release()
	info, err := newSyncInfo(fn.Manifest)
	if err != nil {
		e.log.Error("sync not run", "sync", key.String(), "err", err)
		return
	}
	r := &run{e: e, key: key, fn: fn, info: info}
	if err := r.begin(ctx, trigger); err != nil {
		e.log.Error("sync not run", "sync", key.String(), "err", err)
		return
	}
	runErr := r.execute(ctx, opts)
	if ctx.Err() != nil && e.runCtx.Err() != nil {
		e.log.Info("sync run interrupted by shutdown", "sync", key.String(), "execution", r.exec.ID)
		return
	}
	if err := r.finish(context.WithoutCancel(ctx), runErr); err != nil {
		e.log.Error("record sync run", "sync", key.String(), "execution", r.exec.ID, "err", err)
	}
}

// begin records the run as started: an execution, and the sync's state
// pointing at it (so a crash from here on is found at the next start).
func (r *run) begin(ctx context.Context, trigger string) error {
	k := r.key
	exec, err := r.e.cfg.Store.CreateExecution(ctx, store.Execution{
		Type: "sync", Environment: k.Environment, Integration: k.ProviderConfigKey, ConnectionID: k.ConnectionID,
		Function: k.Sync, Trigger: trigger, Status: store.ExecutionRunning, StartedAt: time.Now().UTC(),
	})
	if err != nil {
		return err
	}
	r.exec = exec
	_, err = r.e.cfg.Store.UpdateSyncState(ctx, k, func(st *store.SyncState) error {
		st.Running, st.LastStartedAt = exec.ID, exec.StartedAt
		return nil
	})
	return err
}

// execute prepares the connection's data as the trigger asks and runs the
// function; deletions of a full sync are applied only after a successful
// run.
func (r *run) execute(ctx context.Context, opts TriggerOptions) error {
	st := r.e.cfg.Store
	cp := store.CheckpointKey{Connection: r.key.Connection, Function: r.key.Sync}
	if opts.Reset {
		if err := st.ClearCheckpoint(ctx, cp); err != nil {
			return err
		}
	}
	if opts.EmptyCache {
		for _, model := range r.info.Models {
			if _, err := st.EmptyRecords(ctx, store.ModelKey{Connection: r.key.Connection, Model: model}); err != nil {
				return err
			}
		}
	}
	checkpoint, err := st.Checkpoint(ctx, cp)
	if err != nil {
		return err
	}
	r.resumed = len(checkpoint) > 0
	if err := r.newNango(ctx); err != nil {
		return err
	}
	// A run resumed from a checkpoint sees only part of the records, so it
	// cannot tell which ones are gone: it deletes nothing.
	trackDeletes := r.info.TrackDeletes && !r.resumed
	if r.info.TrackDeletes && r.resumed {
		r.e.log.Info("full sync resumed from a checkpoint: deletions are detected at the next complete run", "sync", r.key.String())
	}
	if trackDeletes {
		for _, model := range r.info.Models {
			if err := r.nango.TrackDeletesStart(ctx, model); err != nil {
				return err
			}
		}
	}
	if _, err := r.fn.Bundle.Run(ctx, host.Execution{Nango: r.nango, Timeout: r.e.cfg.RunTimeout}); err != nil {
		return err
	}
	if trackDeletes {
		for _, model := range r.info.Models {
			if _, err := r.nango.TrackDeletesEnd(ctx, model); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish records the run's end and the sync's state.
func (r *run) finish(ctx context.Context, runErr error) error {
	e, err := r.record(ctx, runErr)
	if err != nil {
		return err
	}
	now := e.EndedAt
	_, err = r.e.cfg.Store.UpdateSyncState(ctx, r.key, func(st *store.SyncState) error {
		if st.Running == e.ID {
			st.Running = 0
		}
		st.LastFinishedAt, st.LastStatus, st.LastExecution, st.LastError = now, e.Status, e.ID, e.Error
		if runErr == nil {
			st.LastResult = e.Records
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // the connection was deleted during the run
	}
	return err
}

// newNango builds the run's nango object, scoped to its connection.
func (r *run) newNango(ctx context.Context) error {
	target, err := r.e.cfg.Targets.Target(ctx, r.key.Connection)
	if err != nil {
		return &failure{Type: "auth_error", Message: fmt.Sprintf("credentials of connection %q: %v", r.key.ConnectionID, err)}
	}
	r.nango = hostfns.New(hostfns.Scope{
		Connection: target.Connection, Provider: target.Provider, Credentials: target.Credentials,
		Function: r.key.Sync, Models: r.info.Models,
	}, hostfns.Options{HTTP: r.e.cfg.HTTP, Store: r.e.cfg.Store})
	return nil
}

// record records the run's end: webhooks first (so that a crash between
// the two runs it again rather than losing them), then the execution with
// its report.
func (r *run) record(ctx context.Context, runErr error) (store.Execution, error) {
	e := r.exec
	e.EndedAt, e.Status = time.Now().UTC(), store.ExecutionSuccess
	var report hostfns.Report
	if r.nango != nil {
		report = r.nango.Report()
	}
	e.Records = countsOf(report.Records)
	if runErr != nil {
		e.Status, e.Error = store.ExecutionFailed, runError(runErr)
	}
	r.observe(e, report)
	if err := r.notify(ctx, e); err != nil {
		return e, fmt.Errorf("enqueue webhooks: %w", err)
	}
	raw, err := json.Marshal(report)
	if err != nil {
		return e, err
	}
	if err := r.e.cfg.Store.FinishExecution(ctx, e, raw); err != nil {
		return e, err
	}
	r.e.export(e, raw)
	return e, nil
}

// export tells the engine's exporter, if any, of a run recorded as
// finished.
func (e *Engine) export(exec store.Execution, report json.RawMessage) {
	if e.cfg.Exporter != nil {
		e.cfg.Exporter.Operation(exec, report)
	}
}

// observe tells the engine's observer, if any, how the run ended and of
// its upstream calls (those the report kept).
func (r *run) observe(e store.Execution, report hostfns.Report) {
	obs := r.e.cfg.Metrics
	if obs == nil {
		return
	}
	obs.Execution(e.Type, e.Status, e.EndedAt.Sub(e.StartedAt), e.Records)
	for _, c := range report.Calls {
		obs.UpstreamCall("function", e.Integration, c.Status)
	}
}

// countsOf turns a report's per-model results into a run's counts.
func countsOf(results map[string]store.BatchResult) map[string]store.ModelCounts {
	out := make(map[string]store.ModelCounts, len(results))
	for model, r := range results {
		out[model] = store.ModelCounts{Added: r.Added, Updated: r.Updated, Deleted: r.Deleted}
	}
	return out
}

// runError says why a run failed, typed as the execution's failure kind
// or the function's own error code.
func runError(err error) *store.RunError {
	var f *failure
	if errors.As(err, &f) {
		return &store.RunError{Type: f.Type, Message: f.Message}
	}
	var ee *host.ExecError
	if !errors.As(err, &ee) {
		return &store.RunError{Type: "internal_error", Message: err.Error()}
	}
	if fe := ee.Function; ee.Kind == host.KindFunction && fe != nil {
		return &store.RunError{Type: fe.Code, Message: fe.Message}
	}
	return &store.RunError{Type: string(ee.Kind), Message: ee.Message}
}

// interrupted records a run that a previous process did not finish.
func (e *Engine) interrupted(ctx context.Context, st store.SyncState) error {
	rerr := &store.RunError{Type: "interrupted", Message: "ferry stopped during the run; the sync runs again from its last checkpoint"}
	exec, _, err := e.cfg.Store.Execution(ctx, st.Running)
	if err == nil {
		exec.Status, exec.EndedAt, exec.Error = store.ExecutionFailed, time.Now().UTC(), rerr
		if err = e.cfg.Store.FinishExecution(ctx, exec, nil); err == nil {
			e.export(exec, nil)
		}
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err = e.cfg.Store.UpdateSyncState(ctx, st.Key, func(s *store.SyncState) error {
		s.Running, s.LastStatus, s.LastError, s.LastExecution = 0, store.ExecutionFailed, rerr, st.Running
		return nil
	})
	return err
}

// failure is a run that failed before its function ran.
type failure struct{ Type, Message string }

func (f *failure) Error() string { return f.Type + ": " + f.Message }
