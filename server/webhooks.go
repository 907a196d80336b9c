package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// errNoOutbox answers the webhook routes of a server without an outbox.
var errNoOutbox = errorf(http.StatusServiceUnavailable, "webhooks_disabled", "this server sends no webhooks (no outbox configured)")

// webhookRoutes adds the outgoing webhooks' settings and deliveries.
func (s *Server) webhookRoutes(api fiber.Router) {
	api.Get("/environment/webhooks", s.withOutbox(s.getWebhookSettings))
	api.Patch("/environment/webhooks", s.withOutbox(s.patchWebhookSettings))
	api.Put("/connections/:id/webhook", s.withOutbox(s.putConnectionWebhook))
	api.Get("/webhooks/deliveries", s.withOutbox(s.listDeliveries))
	api.Get("/webhooks/deliveries/:id", s.withOutbox(s.getDelivery))
	api.Post("/webhooks/deliveries/:id/retry", s.withOutbox(s.retryDelivery))
}

// withOutbox answers 503 in place of h when the server has no outbox.
func (s *Server) withOutbox(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.cfg.Outbox == nil {
			return errNoOutbox
		}
		return h(c)
	}
}

// webhookError maps the outbox's errors to statuses.
func webhookError(err error) *apiError {
	switch {
	case errors.Is(err, outbox.ErrInvalidURL), errors.Is(err, outbox.ErrInvalidSigningKey):
		return badRequest("%s", err)
	case errors.Is(err, store.ErrInvalidCursor):
		return errorf(http.StatusBadRequest, "invalid_cursor", "%s", err)
	}
	return storeError(err)
}

// webhookSettingsView is GET and PATCH /environment/webhooks: never the
// key itself.
type webhookSettingsView struct {
	WebhookURLs   []string `json:"webhook_urls"`
	SigningKeySet bool     `json:"signing_key_set"`
}

func (s *Server) getWebhookSettings(c *fiber.Ctx) error {
	ws, err := s.cfg.Outbox.Settings(c.UserContext(), s.cfg.Environment)
	if err != nil {
		return webhookError(err)
	}
	return c.JSON(webhookSettingsView{WebhookURLs: ws.URLs, SigningKeySet: ws.SigningKeySet})
}

func (s *Server) patchWebhookSettings(c *fiber.Ctx) error {
	var body struct {
		WebhookURLs *[]string `json:"webhook_urls"`
		SigningKey  *string   `json:"signing_key"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	u := outbox.SettingsUpdate{URLs: body.WebhookURLs}
	if body.SigningKey != nil {
		if *body.SigningKey == "" {
			return badRequest("signing_key is empty: want at least %d bytes", outbox.MinSigningKeyLen)
		}
		u.SigningKey = *body.SigningKey
	}
	ws, err := s.cfg.Outbox.UpdateSettings(c.UserContext(), s.cfg.Environment, u)
	if err != nil {
		return webhookError(err)
	}
	return c.JSON(webhookSettingsView{WebhookURLs: ws.URLs, SigningKeySet: ws.SigningKeySet})
}

// putConnectionWebhook sets ({"url": "..."}) or clears ({"url": null}) a
// connection's webhook URL override.
func (s *Server) putConnectionWebhook(c *fiber.Ctx) error {
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	var body map[string]json.RawMessage
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	raw, ok := body["url"]
	if !ok {
		return badRequest(`url is required: a URL, or null to clear the override`)
	}
	var u *string
	if err := json.Unmarshal(raw, &u); err != nil {
		return badRequest("url: want a string or null")
	}
	ctx := c.UserContext()
	key := s.connectionKey(pck, pathParam(c, "id"))
	if _, err := s.cfg.Store.GetConnection(ctx, key); err != nil {
		return storeError(err)
	}
	set := ""
	if u != nil {
		if *u == "" {
			return badRequest("url is empty: send null to clear the override")
		}
		set = *u
	}
	if err := s.cfg.Outbox.SetConnectionURL(ctx, key, set); err != nil {
		return webhookError(err)
	}
	return c.JSON(fiber.Map{"connection_id": key.ConnectionID, "provider_config_key": key.ProviderConfigKey, "url": u})
}

func (s *Server) listDeliveries(c *fiber.Ctx) error {
	q := store.OutboxQuery{
		Environment:       s.cfg.Environment,
		Status:            store.OutboxStatus(c.Query("status")),
		ProviderConfigKey: c.Query("provider_config_key"),
		ConnectionID:      c.Query("connection_id"),
		Cursor:            c.Query("cursor"),
	}
	var err error
	if q.Limit, err = limitParam(c, 0, 100_000); err != nil {
		return err
	}
	page, err := s.cfg.Outbox.Deliveries(c.UserContext(), q)
	if err != nil {
		return webhookError(err)
	}
	views := make([]deliveryView, len(page.Entries))
	for i, e := range page.Entries {
		views[i] = newDeliveryView(e)
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return c.JSON(fiber.Map{"deliveries": views, "next_cursor": next})
}

func (s *Server) getDelivery(c *fiber.Ctx) error {
	e, err := s.delivery(c)
	if err != nil {
		return err
	}
	return c.JSON(newDeliveryView(e))
}

func (s *Server) retryDelivery(c *fiber.Ctx) error {
	e, err := s.delivery(c)
	if err != nil {
		return err
	}
	retried, err := s.cfg.Outbox.Retry(c.UserContext(), e.ID)
	if err != nil {
		return webhookError(err)
	}
	retried.Body = e.Body // never changes
	return c.JSON(newDeliveryView(retried))
}

// delivery is the delivery the route's :id names, in this server's
// environment.
func (s *Server) delivery(c *fiber.Ctx) (store.OutboxEntry, error) {
	id := pathParam(c, "id")
	e, err := s.cfg.Outbox.Delivery(c.UserContext(), id)
	if err == nil && e.Environment != s.cfg.Environment {
		err = fmt.Errorf("webhook delivery %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.OutboxEntry{}, webhookError(err)
	}
	return e, nil
}
