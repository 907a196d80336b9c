package syncs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/store"
)

// webhookTimeout bounds one webhook handler, as Nango's (1 hour).
const webhookTimeout = time.Hour

// WebhookSync is a deployed sync that handles webhooks.
type WebhookSync struct {
	Name          string
	Subscriptions []string // webhookSubscriptions: event types, "*" = all
}

// WebhookSyncs lists an integration's deployed syncs that subscribe to
// webhooks.
func (e *Engine) WebhookSyncs(ctx context.Context, integration string) ([]WebhookSync, error) {
	all, err := e.deployedSyncs(ctx, integration)
	if err != nil {
		return nil, err
	}
	var out []WebhookSync
	for _, info := range all[integration] {
		if len(info.Subscriptions) > 0 {
			out = append(out, WebhookSync{Name: info.Name, Subscriptions: info.Subscriptions})
		}
	}
	return out, nil
}

// RunWebhook runs a sync's webhook handler (onWebhook) for one connection
// with an event's payload, on a fresh instance of the active version, as
// an execution of its own (type "webhook"). Its record changes feed
// change tracking and the `sync` webhooks like a scheduled run's. It
// returns the handler's failure, for the caller to retry.
func (e *Engine) RunWebhook(ctx context.Context, key store.SyncKey, payload json.RawMessage) error {
	fn, err := e.cfg.Functions.Acquire(ctx, store.FunctionKey{Environment: key.Environment, Integration: key.ProviderConfigKey, Name: key.Sync})
	if err != nil {
		return fmt.Errorf("webhook handler of %s: %w", key, err)
	}
	defer fn.Release()
	info, err := newSyncInfo(fn.Manifest)
	if err != nil {
		return err
	}
	exec, err := e.cfg.Store.CreateExecution(ctx, store.Execution{
		Type: "webhook", Environment: key.Environment, Integration: key.ProviderConfigKey, ConnectionID: key.ConnectionID,
		Function: key.Sync, Trigger: TriggerWebhook, Status: store.ExecutionRunning, StartedAt: time.Now().UTC(),
	})
	if err != nil {
		return err
	}
	r := &run{e: e, key: key, fn: fn, info: info, exec: exec}
	runErr := r.handle(ctx, payload)
	if _, err := r.record(context.WithoutCancel(ctx), runErr); err != nil {
		e.log.Error("record webhook run", "sync", key.String(), "execution", exec.ID, "err", err)
	}
	if runErr != nil {
		return fmt.Errorf("webhook handler of %s (execution %d): %w", key, exec.ID, runErr)
	}
	return nil
}

// handle runs the handler itself.
func (r *run) handle(ctx context.Context, payload json.RawMessage) error {
	if err := r.newNango(ctx); err != nil {
		return err
	}
	_, err := r.fn.Bundle.Run(ctx, host.Execution{Nango: r.nango, Entry: bundle.WebhookEntryPoint, Input: payload, Timeout: webhookTimeout})
	return err
}
