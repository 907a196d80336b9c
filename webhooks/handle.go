package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
)

// forwardWebhook is Nango's `forward` webhook: the provider's event as it
// came, for the customer's backend.
type forwardWebhook struct {
	From              string          `json:"from"` // "nango"
	Type              string          `json:"type"` // "forward"
	ConnectionID      string          `json:"connectionId,omitempty"`
	ProviderConfigKey string          `json:"providerConfigKey"`
	Provider          string          `json:"provider"`
	Payload           json.RawMessage `json:"payload"`
}

// attribute decides which connections an event belongs to, forwards it
// (once per connection, or once without one) and records its targets;
// an event that matches no connection is recorded as unattributed.
func (d *Dispatcher) attribute(ctx context.Context, en store.InboxEntry) (store.InboxEntry, error) {
	req := request(en)
	payload, err := Payload(req)
	if err != nil { // the receiver checked it; a stored event that fails now is parked
		return d.cfg.Store.UpdateInbox(ctx, en.ID, func(e *store.InboxEntry) error {
			e.Status, e.LastError, e.Targets = store.InboxParked, err.Error(), []store.InboxTarget{}
			return nil
		})
	}
	it, err := d.cfg.Store.GetIntegration(ctx, en.Environment, en.Integration)
	if errors.Is(err, store.ErrNotFound) {
		return d.cfg.Store.UpdateInbox(ctx, en.ID, func(e *store.InboxEntry) error {
			e.Status, e.LastError, e.Targets = store.InboxUnattributed, fmt.Sprintf("integration %q no longer exists", en.Integration), []store.InboxTarget{}
			return nil
		})
	}
	if err != nil {
		return en, err
	}
	cfg := d.cfg.Providers.WebhookConfig(it.Provider)
	candidates, err := d.candidates(ctx, en)
	if err != nil {
		return en, err
	}
	// Each event the payload carries is attributed (and forwarded) on its
	// own; a connection's target lists its events when there are several.
	events := Events(cfg, payload)
	var targets []store.InboxTarget
	at := map[string]int{} // connection → index in targets
	var reason string
	for i, ev := range events {
		conns, why := Attribute(cfg, req.Header, ev, candidates)
		if i == 0 {
			reason = why
		}
		if err := d.forward(ctx, en, it.Provider, ev, conns); err != nil {
			return en, fmt.Errorf("forward event %d: %w", en.ID, err)
		}
		for _, c := range conns {
			j, ok := at[c]
			if !ok {
				j, at[c] = len(targets), len(targets)
				targets = append(targets, store.InboxTarget{ConnectionID: c, Status: TargetPending})
			}
			if len(events) > 1 {
				targets[j].Events = append(targets[j].Events, i)
			}
		}
	}
	return d.cfg.Store.UpdateInbox(ctx, en.ID, func(e *store.InboxEntry) error {
		e.Targets = append([]store.InboxTarget{}, targets...)
		e.Status, e.LastError = store.InboxPending, ""
		if len(targets) == 0 {
			e.Status, e.LastError = store.InboxUnattributed, "no connection matches: "+reason
		}
		return nil
	})
}

// candidates are the connections of the event's integration with their
// configuration and metadata.
func (d *Dispatcher) candidates(ctx context.Context, en store.InboxEntry) ([]Candidate, error) {
	conns, err := d.cfg.Store.ListConnections(ctx, store.ConnectionQuery{Environment: en.Environment, ProviderConfigKey: en.Integration})
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, 0, len(conns))
	for _, c := range conns {
		md, err := d.cfg.Store.Metadata(ctx, c.Connection)
		if err != nil {
			return nil, err
		}
		out = append(out, Candidate{ConnectionID: c.ConnectionID, ConnectionConfig: c.ConnectionConfig, Metadata: md})
	}
	return out, nil
}

// forward queues the event's `forward` webhooks.
func (d *Dispatcher) forward(ctx context.Context, en store.InboxEntry, provider string, payload json.RawMessage, conns []string) error {
	if d.cfg.Forward == nil {
		return nil
	}
	ids := conns
	if len(ids) == 0 {
		ids = []string{""}
	}
	msgs := make([]outbox.Message, 0, len(ids))
	for _, id := range ids {
		body, err := json.Marshal(forwardWebhook{From: "nango", Type: "forward", ConnectionID: id, ProviderConfigKey: en.Integration, Provider: provider, Payload: payload})
		if err != nil {
			return err
		}
		msgs = append(msgs, outbox.Message{Environment: en.Environment, ProviderConfigKey: en.Integration, ConnectionID: id, Type: "forward", Body: body})
	}
	return d.cfg.Forward.Enqueue(ctx, msgs...)
}

// handle runs the subscribed handlers of one event for one connection and
// records the outcome.
func (d *Dispatcher) handle(ctx context.Context, id uint64, conn string) {
	en, err := d.cfg.Store.GetInbox(ctx, id)
	if err != nil {
		d.log.Error("webhook event", "id", id, "err", err)
		return
	}
	runErr := d.run(ctx, en, conn)
	if ctx.Err() != nil {
		return // shutting down: the event stays pending for the next start
	}
	now := time.Now().UTC()
	_, err = d.cfg.Store.UpdateInbox(context.WithoutCancel(ctx), id, func(e *store.InboxEntry) error {
		for i := range e.Targets {
			t := &e.Targets[i]
			if t.ConnectionID != conn {
				continue
			}
			if runErr == nil {
				t.Status, t.LastError = TargetDone, ""
				continue
			}
			t.Attempts++
			t.LastError = runErr.Error()
			t.Status, t.NextAttemptAt = TargetRetrying, now.Add(d.backoff(t.Attempts))
			if t.Attempts >= d.cfg.MaxAttempts {
				t.Status, t.NextAttemptAt = TargetParked, time.Time{}
			}
			e.LastError = fmt.Sprintf("connection %s: %s", conn, t.LastError)
		}
		e.Status, e.UpdatedAt = status(e.Targets), now
		return nil
	})
	if err != nil {
		d.log.Error("record webhook handling", "id", id, "connection", conn, "err", err)
	}
	if runErr != nil {
		d.log.Warn("webhook handler failed", "id", id, "connection", conn, "err", runErr)
	}
}

// run runs, for conn, every handler subscribed to each of its events'
// types: the whole payload when it is one event, else each event
// attributed to conn, in order, on its own (as Nango hands them).
func (d *Dispatcher) run(ctx context.Context, en store.InboxEntry, conn string) error {
	subs, err := d.cfg.Handlers.WebhookSyncs(ctx, en.Integration)
	if err != nil {
		return err
	}
	req := request(en)
	payload, err := Payload(req)
	if err != nil {
		return err
	}
	var cfg providers.Webhook
	if it, err := d.cfg.Store.GetIntegration(ctx, en.Environment, en.Integration); err == nil {
		cfg = d.cfg.Providers.WebhookConfig(it.Provider)
	}
	events := Events(cfg, payload)
	key := store.SyncKey{Connection: store.Connection{Environment: en.Environment, ProviderConfigKey: en.Integration, ConnectionID: conn}}
	var errs []error
	for _, i := range eventsOf(en, conn, len(events)) {
		ev, typ := events[i], en.EventType
		if len(events) > 1 {
			typ = EventType(&cfg, req, ev)
		}
		for _, s := range subs {
			if Subscribed(typ, s.Subscriptions) {
				key.Sync = s.Name
				errs = append(errs, d.cfg.Handlers.RunWebhook(ctx, key, ev))
			}
		}
	}
	return errors.Join(errs...)
}

// eventsOf is the indexes of the events attributed to conn: its target's
// list, or all n when it has none (a payload of one event).
func eventsOf(en store.InboxEntry, conn string, n int) []int {
	for _, t := range en.Targets {
		if t.ConnectionID == conn && len(t.Events) > 0 {
			out := make([]int, 0, len(t.Events))
			for _, i := range t.Events {
				if i >= 0 && i < n {
					out = append(out, i)
				}
			}
			return out
		}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
