package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// listExecutions is GET /executions (ferry's): recorded runs, newest
// first; filters provider_config_key, connection_id, function, status;
// paging with limit (1–1000, default 100) and before (the next page's
// cursor, an execution id).
func (s *Server) listExecutions(c *fiber.Ctx) error {
	q := store.ExecutionQuery{
		Environment:  s.cfg.Environment,
		Integration:  strings.Clone(c.Query("provider_config_key")),
		ConnectionID: strings.Clone(c.Query("connection_id")),
		Function:     strings.Clone(c.Query("function")),
		Status:       strings.Clone(c.Query("status")),
	}
	switch q.Status {
	case "", store.ExecutionRunning, store.ExecutionSuccess, store.ExecutionFailed:
	default:
		return badRequest("status %q is not one of running, success, failed", q.Status)
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("limit %q is not a number from 1 to 1000", v)
		}
		q.Limit = n
	}
	if v := c.Query("before"); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil || id == 0 {
			return badRequest("malformed before cursor %q: use the next_before of a previous page", v)
		}
		q.Before = id
	}
	list, err := s.cfg.Store.ListExecutions(c.UserContext(), q)
	if err != nil {
		return storeError(err)
	}
	limit := q.Limit
	if limit == 0 {
		limit = 100
	}
	var next *string
	if len(list) == limit {
		v := strconv.FormatUint(list[len(list)-1].ID, 10)
		next = &v
	}
	return c.JSON(fiber.Map{"executions": list, "next_before": next})
}

// getExecution is GET /executions/:id: one run with its report (log lines
// and upstream calls).
func (s *Server) getExecution(c *fiber.Ctx) error {
	raw := pathParam(c, "id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return badRequest("execution id %q is not a number", raw)
	}
	e, report, err := s.cfg.Store.Execution(c.UserContext(), id)
	if err != nil {
		return storeError(err)
	}
	if e.Environment != s.cfg.Environment {
		return errorf(http.StatusNotFound, "not_found", "no execution %d", id)
	}
	if report == nil {
		report = json.RawMessage("null")
	}
	return c.JSON(struct {
		store.Execution
		Report json.RawMessage `json:"report"`
	}{e, report})
}
