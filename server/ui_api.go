package server

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/syncs"
)

// The dashboard reads the public API (operations, records, functions,
// webhooks); these routes are the views it needs that the API has no
// shape for: a page of connections with their syncs' states, and the
// totals on its front page.
func (s *Server) uiAPIRoutes(api fiber.Router) {
	api.Get("/ui/api/connections", s.uiConnections)
	api.Get("/ui/api/overview", s.uiOverview)
}

// uiConnection is one row of the dashboard's connections: the connection
// and each of its syncs' status, schedule and latest run.
type uiConnection struct {
	ConnectionID      string         `json:"connection_id"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Provider          string         `json:"provider"`
	Created           time.Time      `json:"created"`
	Syncs             []syncs.Status `json:"syncs"`
}

// uiConnections is GET /ui/api/connections?integration=&search=&cursor=&
// limit= (1–200, default 50): connections in integration then id order,
// one page at a time, with their total.
func (s *Server) uiConnections(c *fiber.Ctx) error {
	q := store.ConnectionQuery{Environment: s.cfg.Environment, ProviderConfigKey: c.Query("integration"), Search: c.Query("search")}
	var err error
	if q.Limit, err = limitParam(c, 50, 200); err != nil {
		return err
	}
	if q.After, err = s.connectionCursor(c.Query("cursor")); err != nil {
		return err
	}
	ctx := c.UserContext()
	list, err := s.cfg.Store.ListConnections(ctx, q)
	if err != nil {
		return storeError(err)
	}
	total, err := s.cfg.Store.CountConnections(ctx, q)
	if err != nil {
		return storeError(err)
	}
	conns := make([]store.Connection, len(list))
	for i, e := range list {
		conns[i] = e.Connection
	}
	statuses := make([][]syncs.Status, len(list))
	if s.syncs != nil {
		if statuses, err = s.syncs.Overview(ctx, conns); err != nil {
			return syncError(err)
		}
	}
	out := make([]uiConnection, len(list))
	for i, e := range list {
		out[i] = uiConnection{ConnectionID: e.ConnectionID, ProviderConfigKey: e.ProviderConfigKey, Provider: e.Provider, Created: e.CreatedAt, Syncs: statuses[i]}
		if out[i].Syncs == nil {
			out[i].Syncs = []syncs.Status{}
		}
	}
	var next *string
	if len(list) == q.Limit {
		last := list[len(list)-1]
		v := base64.RawURLEncoding.EncodeToString([]byte(last.ProviderConfigKey + "\x00" + last.ConnectionID))
		next = &v
	}
	return c.JSON(fiber.Map{"connections": out, "next_cursor": next, "total": total})
}

// connectionCursor decodes a page cursor of uiConnections: the
// integration and id of the last connection of the page before.
func (s *Server) connectionCursor(v string) (*store.Connection, error) {
	if v == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	pck, id, ok := strings.Cut(string(raw), "\x00")
	if err != nil || !ok || pck == "" || id == "" {
		return nil, badRequest("malformed cursor %q: pass the next_cursor of the page before", truncateRunes(v, 64))
	}
	return &store.Connection{Environment: s.cfg.Environment, ProviderConfigKey: pck, ConnectionID: id}, nil
}

// uiOverview is GET /ui/api/overview: what the dashboard's front page
// counts.
func (s *Server) uiOverview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conns, err := s.cfg.Store.CountConnections(ctx, store.ConnectionQuery{Environment: s.cfg.Environment})
	if err != nil {
		return storeError(err)
	}
	integrations, err := s.cfg.Store.ListIntegrations(ctx, s.cfg.Environment)
	if err != nil {
		return storeError(err)
	}
	functions, err := s.cfg.Store.ListFunctions(ctx, s.cfg.Environment)
	if err != nil {
		return storeError(err)
	}
	inbox, err := s.cfg.Store.InboxCounts(ctx)
	if err != nil {
		return storeError(err)
	}
	outbox, err := s.cfg.Store.OutboxCounts(ctx)
	if err != nil {
		return storeError(err)
	}
	return c.JSON(fiber.Map{
		"environment": s.cfg.Environment, "connections": conns, "integrations": len(integrations),
		"functions":    len(functions),
		"webhooks_in":  fiber.Map{"pending": inbox.Pending, "parked": inbox.Parked, "unattributed": inbox.Unattributed},
		"webhooks_out": fiber.Map{"pending": outbox.Pending, "failed": outbox.Failed},
	})
}
