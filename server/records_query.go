package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// recordsRequest is a validated GET /records query.
type recordsRequest struct {
	model, variant string
	query          store.ListQuery
}

// parseRecordsQuery reads model, variant, modified_after, limit, filter,
// cursor and ids, and rejects a bad one with a message that quotes it.
func parseRecordsQuery(c *fiber.Ctx) (recordsRequest, error) {
	req := recordsRequest{model: c.Query("model"), variant: c.Query("variant")}
	if req.model == "" {
		return req, badRequest("the model query parameter is required")
	}
	q := &req.query
	q.Cursor = c.Query("cursor")
	var err error
	if q.Limit, err = limitParam(c, 0, store.MaxListLimit); err != nil {
		return req, err
	}
	if v := c.Query("modified_after"); v != "" {
		if q.ModifiedAfter, err = parseModifiedAfter(v); err != nil {
			return req, err
		}
	}
	if v := c.Query("filter"); v != "" {
		if q.Filter, err = parseFilter(v); err != nil {
			return req, err
		}
	}
	if q.IDs, err = parseIDs(c.Context().QueryArgs().PeekMulti("ids")); err != nil {
		return req, err
	}
	return req, nil
}

// parseIDs reads the ids parameters: repeated (ids=a&ids=b), each
// comma-separated or not, at most store.MaxListLimit in all. (The
// server's read buffer, 4 KB by default, bounds the URL before that.)
func parseIDs(values [][]byte) ([]string, error) {
	var ids []string
	for _, v := range values {
		ids = append(ids, splitList(string(v))...)
		if len(ids) > store.MaxListLimit {
			return nil, badRequest("too many ids: at most %d per request", store.MaxListLimit)
		}
	}
	return ids, nil
}

// parseLimit reads a page or batch size of 1 to max from the parameter
// name.
func parseLimit(name, v string, max int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("%s %q: want a whole number from 1 to %d", name, truncateRunes(v, 32), max)
	}
	return n, nil
}

// limitParam is the limit query parameter: def when absent, else 1 to
// max.
func limitParam(c *fiber.Ctx, def, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	return parseLimit("limit", v, max)
}

// parseModifiedAfter reads an RFC 3339 time, with or without fractional
// seconds, or a date (midnight UTC).
func parseModifiedAfter(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	// An offset's "+" that the client did not escape arrives as a space.
	if fixed := strings.ReplaceAll(v, " ", "+"); fixed != v {
		if t, err := time.Parse(time.RFC3339Nano, fixed); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badRequest("modified_after %q: want an RFC 3339 time (2025-03-01T12:00:00Z, 2025-03-01T12:00:00.5+01:00) or a date (2025-03-01)", truncateRunes(v, 64))
}

// parseFilter reads a comma-separated list of added, updated and deleted,
// in any case.
func parseFilter(v string) ([]store.Action, error) {
	var out []store.Action
	for _, p := range splitList(v) {
		switch a := store.Action(strings.ToUpper(p)); a {
		case store.ActionAdded, store.ActionUpdated, store.ActionDeleted:
			out = append(out, a)
		default:
			return nil, badRequest("filter %q: unknown action %q; want added, updated or deleted, comma-separated", truncateRunes(v, 64), truncateRunes(p, 32))
		}
	}
	if len(out) == 0 {
		return nil, badRequest("filter %q: want added, updated or deleted, comma-separated", truncateRunes(v, 64))
	}
	return out, nil
}
