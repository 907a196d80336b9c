package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/webhooks"
)

// newDispatcher builds the dispatcher of received webhooks over the sync
// engine (the handlers) and the outbox (forwards); nil without an engine.
func (s *Server) newDispatcher() (*webhooks.Dispatcher, error) {
	if s.syncs == nil {
		return nil, nil
	}
	cfg := webhooks.DispatcherConfig{
		Store: s.cfg.Store, Providers: s.cfg.Providers, Handlers: s.syncs,
		Environment: s.cfg.Environment, Logger: s.log,
		MaxAttempts: s.cfg.Syncs.WebhookAttempts, InitialBackoff: s.cfg.Syncs.WebhookBackoff,
	}
	if s.cfg.Outbox != nil {
		cfg.Forward = s.cfg.Outbox
	}
	return webhooks.NewDispatcher(cfg)
}

// startDispatcher runs the dispatcher until Shutdown.
func (s *Server) startDispatcher() {
	if s.dispatcher == nil || s.stopDispatch != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.dispatcher.Run(ctx); err != nil {
			s.log.Error("webhook dispatcher stopped", "err", err)
		}
	}()
	s.stopDispatch = func() { cancel(); <-done }
}

// replayWebhook is POST /webhooks/inbox/:id/replay: a parked event is
// tried again for the connections it was parked for; an unattributed one
// is attributed again.
func (s *Server) replayWebhook(c *fiber.Ctx) error {
	if s.dispatcher == nil {
		return errNoSyncs
	}
	raw := pathParam(c, "id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return badRequest("webhook id %q is not a number", raw)
	}
	en, err := s.dispatcher.Replay(c.UserContext(), id)
	if errors.Is(err, webhooks.ErrNotReplayable) {
		return errorf(http.StatusConflict, "not_replayable", "%s", err)
	}
	if err != nil {
		return storeError(err)
	}
	return c.JSON(newInboxView(en, false))
}
