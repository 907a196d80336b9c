package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/oplog"
	"github.com/ferryhq/ferry/store"
)

// startOperationsLog starts the recorder of the operations that happen on
// request paths (proxy calls, actions, auth events); Shutdown writes what
// is queued. Syncs and webhook handlers record their runs themselves. The
// tracer, if any, exports what is recorded.
func (s *Server) startOperationsLog() error {
	if s.cfg.DisableOperationsLog {
		return nil
	}
	opts := oplog.Options{Logger: s.log}
	if s.cfg.Tracer != nil { // a nil *Exporter in the interface would not be nil
		opts.Exporter = s.cfg.Tracer
	}
	r, err := oplog.New(s.cfg.Store, opts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	s.ops, s.stopOps = r, func() { cancel(); <-done }
	return nil
}

// recordAction adds an action's run to the operations log, with its log
// lines and upstream calls.
func (s *Server) recordAction(conn hostfns.Connection, name string, nango *hostfns.Nango, start time.Time, fail *actionFailure) {
	if s.ops == nil {
		return
	}
	e := store.Execution{
		Type: "action", Environment: conn.Environment, Integration: conn.ProviderConfigKey, ConnectionID: conn.ID,
		Function: name, Trigger: "api", Status: store.ExecutionSuccess, StartedAt: start.UTC(), EndedAt: time.Now().UTC(),
	}
	if fail != nil {
		e.Status, e.Error = store.ExecutionFailed, &store.RunError{Type: fail.Body.Code, Message: fail.Body.Message}
	}
	report, _ := json.Marshal(nango.Report())
	s.ops.Record(e, report)
}

// recordAuth adds an auth event (a connection created, a refresh that
// failed…) to the operations log.
func (s *Server) recordAuth(ev AuthEvent) {
	if s.ops == nil {
		return
	}
	now := time.Now().UTC()
	e := store.Execution{
		Type: "auth", Environment: ev.Environment, Integration: ev.ProviderConfigKey, ConnectionID: ev.ConnectionID,
		Function: ev.Operation, Trigger: "oauth", Status: store.ExecutionSuccess, StartedAt: now, EndedAt: now,
	}
	if ev.Error != nil {
		e.Status, e.Error = store.ExecutionFailed, &store.RunError{Type: ev.Error.Type, Message: ev.Error.Description}
	}
	s.ops.Record(e, nil)
}
