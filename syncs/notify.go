package syncs

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// syncWebhook is Nango's `sync` webhook: one per model with changes after
// a successful run, one for the sync after a failed run.
type syncWebhook struct {
	From              string        `json:"from"` // "nango"
	Type              string        `json:"type"` // "sync"
	ConnectionID      string        `json:"connectionId"`
	ProviderConfigKey string        `json:"providerConfigKey"`
	SyncName          string        `json:"syncName"`
	SyncVariant       string        `json:"syncVariant"`
	Model             string        `json:"model"`
	SyncType          string        `json:"syncType"` // INITIAL, INCREMENTAL or FULL
	Success           bool          `json:"success"`
	ModifiedAfter     string        `json:"modifiedAfter,omitempty"`
	QueryTimeStamp    string        `json:"queryTimeStamp,omitempty"` // deprecated alias of modifiedAfter
	ResponseResults   *resultCounts `json:"responseResults,omitempty"`
	Error             *webhookError `json:"error,omitempty"`
	StartedAt         string        `json:"startedAt,omitempty"`
	FailedAt          string        `json:"failedAt,omitempty"`
	Execution         uint64        `json:"executionId"` // ferry's: GET /executions/:id
}

type resultCounts struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
}

type webhookError struct {
	Type        string `json:"type"`
	Description string `json:"description"`
}

// notify hands the run's webhooks to the outbox.
func (r *run) notify(ctx context.Context, e store.Execution) error {
	if r.e.cfg.Webhooks == nil {
		return nil
	}
	base := syncWebhook{
		From: "nango", Type: "sync", ConnectionID: r.key.ConnectionID, ProviderConfigKey: r.key.ProviderConfigKey,
		SyncName: r.key.Sync, SyncVariant: "base", SyncType: r.syncType(), Execution: e.ID,
	}
	var msgs []outbox.Message
	if e.Status == store.ExecutionFailed && r.exec.Trigger == TriggerWebhook {
		return nil // the dispatcher retries it; a failure webhook per attempt would be noise
	}
	if e.Status == store.ExecutionFailed {
		w := base
		w.Model = strings.Join(r.info.Models, ",")
		w.Error = &webhookError{Type: e.Error.Type, Description: e.Error.Message}
		w.StartedAt, w.FailedAt = stamp(e.StartedAt), stamp(e.EndedAt)
		msg, err := r.message(w)
		if err != nil {
			return err
		}
		msgs = append(msgs, msg)
	} else {
		for _, model := range r.info.Models {
			c := e.Records[model]
			if c.Added+c.Updated+c.Deleted == 0 {
				continue
			}
			w := base
			w.Model, w.Success = model, true
			w.ModifiedAfter = stamp(e.StartedAt)
			w.QueryTimeStamp = w.ModifiedAfter
			w.ResponseResults = &resultCounts{Added: c.Added, Updated: c.Updated, Deleted: c.Deleted}
			msg, err := r.message(w)
			if err != nil {
				return err
			}
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return r.e.cfg.Webhooks.Enqueue(ctx, msgs...)
}

func (r *run) message(w syncWebhook) (outbox.Message, error) {
	body, err := json.Marshal(w)
	if err != nil {
		return outbox.Message{}, err
	}
	return outbox.Message{
		Environment: r.key.Environment, ProviderConfigKey: r.key.ProviderConfigKey, ConnectionID: r.key.ConnectionID,
		Type: "sync", Body: body,
	}, nil
}

// syncType is what Nango's webhook calls the run: INITIAL for a sync's
// first run, WEBHOOK for a webhook handler's, else the sync's type.
func (r *run) syncType() string {
	switch r.exec.Trigger {
	case TriggerInitial:
		return "INITIAL"
	case TriggerWebhook:
		return "WEBHOOK"
	}
	return r.info.SyncType
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
