package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/webhooks"
)

// inboxView is a received webhook as the API shows it; Header and
// Payload only for one entry (GET /webhooks/inbox/:id).
type inboxView struct {
	ID                uint64            `json:"id"`
	ProviderConfigKey string            `json:"provider_config_key"`
	DeliveryID        string            `json:"delivery_id"`
	EventType         string            `json:"event_type"`
	ReceivedAt        time.Time         `json:"received_at"`
	Status            string            `json:"status"`
	Targets           []inboxTargetView `json:"targets"`
	Attempts          int               `json:"attempts"`
	NextAttemptAt     *time.Time        `json:"next_attempt_at"`
	LastError         string            `json:"last_error,omitempty"`
	UpdatedAt         time.Time         `json:"updated_at"`
	Headers           map[string]string `json:"headers,omitempty"`
	// Payload is the event as JSON (Payload decodes forms); Body the raw
	// body as text when it is neither.
	Payload json.RawMessage `json:"payload,omitempty"`
	Body    *string         `json:"body,omitempty"`
}

// inboxTargetView is how a webhook stands for one connection.
type inboxTargetView struct {
	ConnectionID  string     `json:"connection_id"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
}

func newInboxView(e store.InboxEntry, full bool) inboxView {
	v := inboxView{
		ID: e.ID, ProviderConfigKey: e.Integration, DeliveryID: e.DeliveryID, EventType: e.EventType,
		ReceivedAt: e.ReceivedAt, Status: e.Status, Targets: make([]inboxTargetView, len(e.Targets)),
		Attempts: e.Attempts, NextAttemptAt: timeOrNil(e.NextAttemptAt), LastError: e.LastError, UpdatedAt: e.UpdatedAt,
	}
	for i, t := range e.Targets {
		v.Targets[i] = inboxTargetView{ConnectionID: t.ConnectionID, Status: t.Status, Attempts: t.Attempts, NextAttemptAt: timeOrNil(t.NextAttemptAt), LastError: t.LastError}
	}
	if full {
		v.Headers = e.Header
		payload, err := webhooks.Payload(webhooks.Request{Header: webhooks.RestoreHeaders(e.Header), Body: e.Body})
		if err == nil {
			v.Payload = payload
		} else {
			text := string(e.Body)
			v.Body = &text
		}
	}
	return v
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// rejectedView is a refused webhook as the API shows it.
type rejectedView struct {
	ID                uint64            `json:"id"`
	At                time.Time         `json:"at"`
	ProviderConfigKey string            `json:"provider_config_key"`
	Reason            string            `json:"reason"`
	Headers           map[string]string `json:"headers"`
	Body              string            `json:"body"` // at most its first 64 KiB
	BodySize          int               `json:"body_size"`
	BodyTruncated     bool              `json:"body_truncated"`
}

// listInbox is GET /webhooks/inbox?status=&connection_id=&integration=
// (or provider_config_key=)&cursor=&limit=: received webhooks, newest
// first, without their payloads.
func (s *Server) listInbox(c *fiber.Ctx) error {
	q := store.InboxQuery{
		Environment:  s.cfg.Environment,
		Integration:  c.Query("integration", c.Query("provider_config_key")),
		Status:       c.Query("status"),
		ConnectionID: c.Query("connection_id"),
		Cursor:       c.Query("cursor"),
	}
	var err error
	if q.Limit, err = limitParam(c, 0, store.MaxInboxLimit); err != nil {
		return err
	}
	page, err := s.cfg.Store.ListInbox(c.UserContext(), q)
	if err != nil {
		return webhookError(err)
	}
	views := make([]inboxView, len(page.Entries))
	for i, e := range page.Entries {
		views[i] = newInboxView(e, false)
	}
	return c.JSON(fiber.Map{"webhooks": views, "next_cursor": cursorOrNil(page.NextCursor)})
}

// getInboxEntry is GET /webhooks/inbox/:id: one webhook with its headers
// and payload.
func (s *Server) getInboxEntry(c *fiber.Ctx) error {
	raw := pathParam(c, "id")
	id, err := strconv.ParseUint(raw, 10, 64)
	var e store.InboxEntry
	if err == nil {
		e, err = s.cfg.Store.GetInbox(c.UserContext(), id)
	}
	if err == nil && e.Environment != s.cfg.Environment {
		err = store.ErrNotFound
	}
	if err != nil {
		return errorf(http.StatusNotFound, "not_found", "no received webhook %q", raw)
	}
	return c.JSON(newInboxView(e, true))
}

// listRejectedWebhooks is GET /webhooks/rejected?integration=&cursor=&
// limit=: the webhooks refused for their signature, newest first.
func (s *Server) listRejectedWebhooks(c *fiber.Ctx) error {
	q := store.RejectedQuery{
		Environment: s.cfg.Environment,
		Integration: c.Query("integration", c.Query("provider_config_key")),
		Cursor:      c.Query("cursor"),
	}
	var err error
	if q.Limit, err = limitParam(c, 0, store.MaxInboxLimit); err != nil {
		return err
	}
	page, err := s.cfg.Store.ListRejectedWebhooks(c.UserContext(), q)
	if err != nil {
		return webhookError(err)
	}
	views := make([]rejectedView, len(page.Entries))
	for i, r := range page.Entries {
		views[i] = rejectedView{
			ID: r.ID, At: r.At, ProviderConfigKey: r.Integration, Reason: r.Reason, Headers: r.Header,
			Body: string(r.Body), BodySize: r.BodySize, BodyTruncated: r.BodySize > len(r.Body),
		}
	}
	return c.JSON(fiber.Map{"rejected": views, "next_cursor": cursorOrNil(page.NextCursor)})
}

func cursorOrNil(cursor string) *string {
	if cursor == "" {
		return nil
	}
	return &cursor
}
