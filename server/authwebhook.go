package server

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/ferryhq/ferry/outbox"
)

// outboxAuth delivers auth events as Nango's `auth` webhooks through the
// outbox: the server's AuthNotifier when it has an outbox and was given
// no other.
type outboxAuth struct {
	ob  *outbox.Outbox
	log *slog.Logger
}

// NotifyAuth queues the event; a failure to queue it is logged (the
// operation it reports has happened either way).
func (a outboxAuth) NotifyAuth(ctx context.Context, ev AuthEvent) {
	body, err := json.Marshal(ev)
	if err == nil {
		err = a.ob.Enqueue(ctx, outbox.Message{
			Environment: ev.Environment, ProviderConfigKey: ev.ProviderConfigKey, ConnectionID: ev.ConnectionID,
			Type: "auth", Body: body,
		})
	}
	if err != nil {
		a.log.Error("queue auth webhook", "connection", ev.ConnectionID, "integration", ev.ProviderConfigKey, "err", err)
	}
}
