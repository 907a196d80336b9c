package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// listExecutions is GET /executions (ferry's, older than
// /logs/operations, which it shares its filters with): recorded runs,
// newest first, paged with before (the next_before of the page before).
func (s *Server) listExecutions(c *fiber.Ctx) error {
	q, err := s.operationsQuery(c, "before", "before cursor")
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.ListExecutions(c.UserContext(), q)
	if err != nil {
		return storeError(err)
	}
	return c.JSON(fiber.Map{"executions": list, "next_before": nextID(list, q.Limit)})
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
