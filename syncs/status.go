package syncs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ferryhq/ferry/store"
)

// Sync statuses, as Nango's API names them.
const (
	StatusRunning = "RUNNING"
	StatusPaused  = "PAUSED"
	StatusSuccess = "SUCCESS"
	StatusError   = "ERROR"
	// StatusStopped is a sync that is not paused but has not run yet.
	StatusStopped = "STOPPED"
)

// Status is one sync of one connection as GET /sync/status shows it.
type Status struct {
	ID                  string                       `json:"id"`
	ConnectionID        string                       `json:"connection_id"`
	ProviderConfigKey   string                       `json:"provider_config_key"`
	Name                string                       `json:"name"`
	Variant             string                       `json:"variant"`
	Type                string                       `json:"type"` // INCREMENTAL or FULL
	Status              string                       `json:"status"`
	Frequency           string                       `json:"frequency"`
	FinishedAt          *time.Time                   `json:"finishedAt"`
	NextScheduledSyncAt *time.Time                   `json:"nextScheduledSyncAt"`
	LatestResult        map[string]store.ModelCounts `json:"latestResult"`
	LatestExecution     uint64                       `json:"latestExecutionId,omitempty"`
	Error               *store.RunError              `json:"error,omitempty"`
	RecordCount         map[string]int               `json:"recordCount"`
	Checkpoint          json.RawMessage              `json:"checkpoint"`
}

// Status reports the selected syncs.
func (e *Engine) Status(ctx context.Context, sel Selection) ([]Status, error) {
	targets, err := e.resolve(ctx, sel)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(targets))
	for _, t := range targets {
		s, err := e.status(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (e *Engine) status(ctx context.Context, t target) (Status, error) {
	s, err := e.summary(ctx, t)
	if err != nil {
		return Status{}, err
	}
	for _, model := range t.info.Models {
		n, err := e.cfg.Store.CountRecords(ctx, store.ModelKey{Connection: t.key.Connection, Model: model})
		if err != nil {
			return Status{}, err
		}
		s.RecordCount[model] = n
	}
	cp, err := e.cfg.Store.Checkpoint(ctx, store.CheckpointKey{Connection: t.key.Connection, Function: t.key.Sync})
	if err != nil {
		return Status{}, err
	}
	if len(cp) > 0 {
		s.Checkpoint = cp
	}
	return s, nil
}

// summary is a sync's status from its state and schedule alone: no
// record counts, no checkpoint.
func (e *Engine) summary(ctx context.Context, t target) (Status, error) {
	st, err := e.cfg.Store.SyncState(ctx, t.key)
	if err != nil {
		return Status{}, err
	}
	s := Status{
		ID: t.key.String(), ConnectionID: t.key.ConnectionID, ProviderConfigKey: t.key.ProviderConfigKey,
		Name: t.info.Name, Variant: "base", Type: t.info.SyncType, Frequency: t.info.frequency(st),
		LatestResult: st.LastResult, LatestExecution: st.LastExecution, Error: st.LastError,
		RecordCount: map[string]int{}, Checkpoint: json.RawMessage("null"),
	}
	if s.LatestResult == nil {
		s.LatestResult = map[string]store.ModelCounts{}
	}
	switch {
	case st.Running != 0 || e.running(t.key):
		s.Status = StatusRunning
	case st.Paused:
		s.Status = StatusPaused
	case st.LastStatus == store.ExecutionFailed:
		s.Status = StatusError
	case st.LastStatus == store.ExecutionSuccess:
		s.Status = StatusSuccess
	default:
		s.Status = StatusStopped
	}
	if !st.LastFinishedAt.IsZero() {
		s.FinishedAt = &st.LastFinishedAt
	}
	if next := e.next(t.key); !next.IsZero() {
		s.NextScheduledSyncAt = &next
	}
	return s, nil
}

// Overview reports every deployed sync of each connection, in order, as
// Status does but without record counts or checkpoints: cheap enough to
// list a page of many connections.
func (e *Engine) Overview(ctx context.Context, conns []store.Connection) ([][]Status, error) {
	deployed, err := e.deployedSyncs(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([][]Status, len(conns))
	for i, c := range conns {
		out[i] = make([]Status, 0, len(deployed[c.ProviderConfigKey]))
		for _, info := range deployed[c.ProviderConfigKey] {
			s, err := e.summary(ctx, target{info: info, key: store.SyncKey{Connection: c, Sync: info.Name}})
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], s)
		}
	}
	return out, nil
}
