package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/ferryhq/ferry/store"
)

// Message is one webhook to send to the customer's backend.
type Message struct {
	Environment       string // required, e.g. "dev"
	ProviderConfigKey string // optional (empty for environment-wide messages)
	// ConnectionID is optional; when set (with ProviderConfigKey), the
	// connection's webhook URL override applies.
	ConnectionID string
	Type         string          // "sync", "auth", "forward", … (kept for listing)
	Body         json.RawMessage // the exact JSON payload to POST (Nango's shapes)
}

// Outbox is the durable queue of outgoing webhooks and their delivery. It
// is safe for concurrent use; Run runs once at a time.
type Outbox struct {
	cfg     Config
	st      *store.Store
	log     *slog.Logger
	wake    chan struct{} // Enqueue and Retry tell Run there is work
	running atomic.Bool

	mu        sync.Mutex
	fallbacks map[string]string // environment → signing key used when none is stored
}

// New validates cfg and returns an Outbox; nothing is delivered until Run.
func New(cfg Config) (*Outbox, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Outbox{
		cfg:       cfg,
		st:        cfg.Store,
		log:       cfg.Logger,
		wake:      make(chan struct{}, 1),
		fallbacks: map[string]string{},
	}, nil
}

// Enqueue stores msgs for delivery, one delivery per destination URL, in
// one transaction: when it returns nil they are committed (and fsynced,
// unless the store was opened with NoSync) and Run is woken. Destinations
// are resolved now: the connection's override URL, else the environment's
// URLs. A message with no destination is not stored (logged at debug).
func (o *Outbox) Enqueue(ctx context.Context, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	now := o.cfg.Now()
	in := make([]store.OutboxMessage, len(msgs))
	for i, m := range msgs {
		if err := m.validate(); err != nil {
			return fmt.Errorf("enqueue webhook %d: %w", i, err)
		}
		in[i] = store.OutboxMessage{
			Environment: m.Environment, ProviderConfigKey: m.ProviderConfigKey, ConnectionID: m.ConnectionID,
			Type: m.Type, Body: m.Body, CreatedAt: now,
		}
	}
	out, err := o.st.EnqueueOutbox(ctx, in)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	stored := 0
	for i, entries := range out {
		if len(entries) == 0 {
			o.log.DebugContext(ctx, "webhook not queued: no webhook URL configured",
				"environment", msgs[i].Environment, "type", msgs[i].Type,
				"provider_config_key", msgs[i].ProviderConfigKey, "connection_id", msgs[i].ConnectionID)
		}
		stored += len(entries)
	}
	if stored > 0 {
		o.notify()
	}
	return nil
}

func (m Message) validate() error {
	switch {
	case m.Environment == "":
		return fmt.Errorf("no environment: %w", ErrInvalidMessage)
	case m.Type == "":
		return fmt.Errorf("no type: %w", ErrInvalidMessage)
	case !json.Valid(m.Body):
		return fmt.Errorf("%s body is not JSON: %w", m.Type, ErrInvalidMessage)
	}
	return nil
}

// notify wakes Run without waiting.
func (o *Outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}
