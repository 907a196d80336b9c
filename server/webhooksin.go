package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/webhooks"
)

// InboxOptions configures the webhook receiver. The zero value is
// production's.
type InboxOptions struct {
	// Notify is called after a webhook is stored in the inbox (not for a
	// duplicate), on the request's goroutine, so it must not block: it
	// wakes the dispatcher that handles the inbox instead of letting it
	// poll (a webhooks.Dispatcher's Notify). nil: the server's own
	// dispatcher's, when it has one (webhookdispatch.go).
	Notify func()
	// DedupeWindow is how long a delivery is remembered: the same
	// delivery id within it is acknowledged and not stored again
	// (default store.DefaultDedupeWindow, 7 days).
	DedupeWindow time.Duration

	// discard answers webhooks without storing them: the baseline of the
	// receiver's benchmark, set only by tests.
	discard bool
}

// maxWebhookBody caps webhook bodies (the app's BodyLimit is larger, for
// bundle uploads).
const maxWebhookBody = store.MaxInboxBody

// webhookInRoutes registers the webhook receiver, which is public (a
// provider authenticates its webhooks by their signature), and the
// inbox's routes for operators, which take the secret key.
func (s *Server) webhookInRoutes(app *fiber.App) {
	app.Post("/webhook/:environment/:integration", s.receiveWebhook)
	app.Get("/webhooks/inbox", s.authenticate, s.listInbox)
	app.Get("/webhooks/inbox/:id", s.authenticate, s.getInboxEntry)
	app.Get("/webhooks/rejected", s.authenticate, s.listRejectedWebhooks)
}

// webhookAck answers a webhook taken: "accepted" with its inbox id, or
// "duplicate" with the id of the delivery it repeats.
type webhookAck struct {
	Status string `json:"status"`
	ID     uint64 `json:"id"`
}

// receiveWebhook takes one webhook: it verifies the signature, checks
// that the body is an event (JSON or a form), stores the request in the
// inbox, durably and deduplicated, and answers 200. No handler runs in
// the request: the dispatcher takes the entry from the inbox.
func (s *Server) receiveWebhook(c *fiber.Ctx) error {
	received := time.Now()
	env, key := pathParam(c, "environment"), pathParam(c, "integration")
	if env != s.cfg.Environment {
		return errorf(http.StatusNotFound, "unknown_environment", "environment %q: this server serves %q", env, s.cfg.Environment)
	}
	ctx := c.UserContext()
	it, err := s.cfg.Store.GetIntegration(ctx, env, key)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "unknown_integration", "no integration %q in environment %q", key, env)
	}
	if err != nil {
		return storeError(err)
	}
	// The raw bytes, as signed: c.Body() would undo a Content-Encoding.
	body := c.Request().Body()
	if len(body) > maxWebhookBody {
		return errorf(http.StatusRequestEntityTooLarge, "payload_too_large", "a webhook body of %d bytes is over the %d-byte limit", len(body), maxWebhookBody)
	}
	secrets, err := s.openIntegrationSecrets(it)
	if err != nil {
		return err
	}
	cfg, err := s.webhookConfig(it)
	if err != nil {
		return err
	}
	uri := c.Request().URI()
	r := webhooks.Request{
		Method: c.Method(), Path: string(uri.PathOriginal()), RawQuery: string(uri.QueryString()),
		Header: requestHeader(c), Body: body, ReceivedAt: received, PublicURL: s.publicURL(c),
	}
	if err := webhooks.Verify(cfg, secrets.WebhookSecret, r); err != nil {
		return s.rejectWebhook(c, it.UniqueKey, r, err)
	}
	payload, err := webhooks.Payload(r)
	if err != nil {
		return errorf(http.StatusBadRequest, "unsupported_body", "%s", err)
	}
	if challenge, ok := slackChallenge(cfg, secrets.WebhookSecret, payload); ok {
		return c.JSON(fiber.Map{"challenge": challenge})
	}
	e := store.InboxEntry{
		Environment: env, Integration: it.UniqueKey, ReceivedAt: received,
		DeliveryID: webhooks.DeliveryID(cfg, r), EventType: webhooks.FirstEventType(cfg, r, payload),
		Header: webhooks.KeepHeaders(r.Header), Body: body,
	}
	if s.cfg.Inbox.discard {
		return c.JSON(webhookAck{Status: "accepted"})
	}
	stored, duplicate, err := s.cfg.Store.AppendInbox(ctx, e, s.cfg.Inbox.DedupeWindow)
	if err != nil {
		return storeError(err)
	}
	if duplicate {
		return c.JSON(webhookAck{Status: "duplicate", ID: stored.ID})
	}
	if s.cfg.Inbox.Notify != nil {
		s.cfg.Inbox.Notify()
	}
	return c.JSON(webhookAck{Status: "accepted", ID: stored.ID})
}

// rejectWebhook records a webhook that failed verification and answers
// 401 (500 when the provider's config is at fault).
func (s *Server) rejectWebhook(c *fiber.Ctx, integration string, r webhooks.Request, verr error) error {
	rec := store.RejectedWebhook{
		At: r.ReceivedAt, Environment: s.cfg.Environment, Integration: integration,
		Reason: verr.Error(), Header: webhooks.KeepHeaders(r.Header), Body: r.Body,
	}
	if err := s.cfg.Store.RecordRejectedWebhook(c.UserContext(), rec); err != nil {
		s.log.Error("record a rejected webhook", "integration", integration, "err", err)
	}
	switch {
	case errors.Is(verr, webhooks.ErrInvalidConfig):
		return errorf(http.StatusInternalServerError, "invalid_webhook_config", "integration %s: %s", integration, verr)
	case errors.Is(verr, webhooks.ErrNoSecret):
		return errorf(http.StatusUnauthorized, "missing_webhook_secret", "%s: set it with PATCH /integrations/%s", verr, integration)
	case errors.Is(verr, webhooks.ErrMissingSignature):
		return errorf(http.StatusUnauthorized, "missing_signature", "%s", verr)
	case errors.Is(verr, webhooks.ErrStaleTimestamp):
		return errorf(http.StatusUnauthorized, "stale_timestamp", "%s", verr)
	}
	return errorf(http.StatusUnauthorized, "invalid_signature", "%s", verr)
}

// webhookConfig is how an integration's webhooks are taken: its
// provider's rules (the catalog's webhook block, else those of Nango's
// routing script; the zero config for a provider that left the catalog)
// with the integration's own signature scheme over them, if it has one.
func (s *Server) webhookConfig(it store.Integration) (*providers.Webhook, error) {
	cfg := s.cfg.Providers.WebhookConfig(it.Provider) // its own block, else the rules of Nango's routing script
	ic, err := integrationConfigOf(it)
	if err != nil {
		return nil, err
	}
	cfg = ic.WebhookSignature.apply(cfg)
	return &cfg, nil
}

// requestHeader copies the request's headers into an http.Header.
func requestHeader(c *fiber.Ctx) http.Header {
	h := make(http.Header, 16)
	c.Request().Header.VisitAll(func(k, v []byte) {
		h.Add(http.CanonicalHeaderKey(string(k)), string(v))
	})
	return h
}

// slackChallenge answers Slack's url_verification handshake, which Slack
// sends (signed) before it sends any event to a new URL: the challenge is
// echoed, and nothing is stored.
func slackChallenge(cfg *providers.Webhook, secret string, payload json.RawMessage) (string, bool) {
	if webhooks.Scheme(cfg, secret) != webhooks.SchemeSlack {
		return "", false
	}
	var hs struct{ Type, Challenge string }
	if json.Unmarshal(payload, &hs) != nil || hs.Type != "url_verification" {
		return "", false
	}
	return hs.Challenge, true
}
