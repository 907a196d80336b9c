package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// The operations log (issue 7): every recorded execution — sync runs,
// webhook handlers, actions, proxy calls, auth events — with its messages.
// Cursors are opaque strings: an operation id for the list, a position for
// the messages.

// listOperations is GET /logs/operations: operations newest first;
// filters connection_id, provider_config_key, function, type, status, from
// and to (RFC 3339, from inclusive, to exclusive); paging with limit
// (1–1000, default 100) and cursor (the next_cursor of the page before).
func (s *Server) listOperations(c *fiber.Ctx) error {
	q, err := s.operationsQuery(c, "cursor", "cursor")
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.ListExecutions(c.UserContext(), q)
	if err != nil {
		return storeError(err)
	}
	return c.JSON(fiber.Map{"operations": list, "next_cursor": nextID(list, q.Limit)})
}

// operationsQuery reads the filters and paging of a list of operations;
// the page cursor is the parameter cursorParam (what ends "malformed
// <what>" messages names it).
func (s *Server) operationsQuery(c *fiber.Ctx, cursorParam, what string) (store.ExecutionQuery, error) {
	q := store.ExecutionQuery{
		Environment:  s.cfg.Environment,
		Integration:  strings.Clone(c.Query("provider_config_key")),
		ConnectionID: strings.Clone(c.Query("connection_id")),
		Function:     strings.Clone(c.Query("function")),
		Type:         strings.Clone(c.Query("type")),
		Status:       strings.Clone(c.Query("status")),
	}
	if q.Type != "" && !store.ValidExecutionType(q.Type) {
		return q, badRequest("type %q is not one of sync, webhook, action, proxy, auth", q.Type)
	}
	if q.Status != "" && !store.ValidExecutionStatus(q.Status) {
		return q, badRequest("status %q is not one of running, success, failed", q.Status)
	}
	var err error
	if q.From, err = queryTime(c, "from"); err != nil {
		return q, err
	}
	if q.To, err = queryTime(c, "to"); err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return q, badRequest("from %s is not before to %s", c.Query("from"), c.Query("to"))
	}
	if q.Limit, err = limitParam(c, 100, 1000); err != nil {
		return q, err
	}
	if v := c.Query(cursorParam); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil || id == 0 {
			return q, badRequest("malformed %s %q: use the next_%s of a previous page", what, v, cursorParam)
		}
		q.Before = id
	}
	return q, nil
}

// nextID is the cursor of the page after list: its last id when the page
// is full, else nil.
func nextID(list []store.Execution, limit int) *string {
	if len(list) < limit || len(list) == 0 {
		return nil
	}
	v := strconv.FormatUint(list[len(list)-1].ID, 10)
	return &v
}

// getOperation is GET /logs/operations/:id: one operation without its
// messages.
func (s *Server) getOperation(c *fiber.Ctx) error {
	e, err := s.operation(c)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// operation reads the operation the :id parameter names; one of another
// environment is not found.
func (s *Server) operation(c *fiber.Ctx) (store.Execution, error) {
	id, err := s.operationID(c)
	if err != nil {
		return store.Execution{}, err
	}
	e, err := s.cfg.Store.ExecutionSummary(c.UserContext(), id)
	if err != nil {
		return e, storeError(err)
	}
	if e.Environment != s.cfg.Environment {
		return e, errorf(http.StatusNotFound, "not_found", "no operation %d", id)
	}
	return e, nil
}

// operationMessages is GET /logs/operations/:id/messages: the
// operation's log lines and upstream calls in time order, paged with
// limit (1–1000, default 100) and cursor.
func (s *Server) operationMessages(c *fiber.Ctx) error {
	limit, err := limitParam(c, 100, 1000)
	if err != nil {
		return err
	}
	e, err := s.operation(c)
	if err != nil {
		return err
	}
	cursor := c.Query("cursor")
	msgs, next, err := s.cfg.Store.ExecutionMessages(c.UserContext(), e.ID, cursor, limit)
	if errors.Is(err, store.ErrInvalidCursor) {
		return badRequest("malformed cursor %q: use the next_cursor of a previous page", cursor)
	}
	if err != nil {
		return storeError(err)
	}
	return c.JSON(fiber.Map{"messages": msgs, "next_cursor": cursorOrNil(next)})
}

// operationID is the :id parameter, an operation id.
func (s *Server) operationID(c *fiber.Ctx) (uint64, error) {
	raw := pathParam(c, "id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("operation id %q is not a positive number", raw)
	}
	return id, nil
}

// queryTime is an RFC 3339 time parameter; zero when absent.
func queryTime(c *fiber.Ctx, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, badRequest("%s %q is not an RFC 3339 time (e.g. 2026-01-02T15:04:05Z)", name, v)
	}
	return t, nil
}
