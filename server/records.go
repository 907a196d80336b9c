package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// recordRoutes registers Nango's records API: the change-tracked records
// syncs saved, read page by page (GET /records) and pruned once the
// customer has copied them (PATCH /records/prune).
func (s *Server) recordRoutes(api fiber.Router) {
	api.Get("/records", s.listRecords)
	api.Patch("/records/prune", s.pruneRecords)
}

// listRecords is GET /records: one page of a model's changes, in cursor
// order, as {records: [...], next_cursor: string|null}.
func (s *Server) listRecords(c *fiber.Ctx) error {
	conn, err := s.recordsConnection(c)
	if err != nil {
		return err
	}
	req, err := parseRecordsQuery(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := s.checkConnection(ctx, conn); err != nil {
		return err
	}
	key := store.ModelKey{Connection: conn, Model: storeModel(req.model, req.variant)}
	page, err := s.cfg.Store.ListRecords(ctx, key, req.query)
	if err != nil {
		return recordsError(err, req.query.Cursor)
	}
	if len(page.Records) == 0 {
		if err := s.checkModel(ctx, key, req.model, req.variant); err != nil {
			return err
		}
	}
	body, err := recordPageJSON(page)
	if err != nil {
		return errorf(http.StatusInternalServerError, "internal_error", "render records of %s: %v", key, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// recordPageJSON renders a page as Nango's API answers it, into one
// buffer sized for the whole page: no value per record is built.
func recordPageJSON(page store.RecordPage) ([]byte, error) {
	n := len(`{"records":[],"next_cursor":""}`) + len(page.NextCursor)
	for i := range page.Records {
		n += len(page.Records[i].Data) + store.MetadataJSONSize + 1
	}
	dst := make([]byte, 0, n)
	dst = append(dst, `{"records":[`...)
	for i := range page.Records {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = page.Records[i].AppendJSON(dst); err != nil {
			return nil, err
		}
	}
	dst = append(dst, `],"next_cursor":`...)
	if page.NextCursor == "" {
		dst = append(dst, "null"...)
	} else {
		// The store's cursors are unpadded base64url: nothing to escape.
		dst = append(dst, '"')
		dst = append(dst, page.NextCursor...)
		dst = append(dst, '"')
	}
	return append(dst, '}'), nil
}

// recordsConnection is the connection the Connection-Id and
// Provider-Config-Key headers name.
func (s *Server) recordsConnection(c *fiber.Ctx) (store.Connection, error) {
	id, pck := c.Get("Connection-Id"), c.Get("Provider-Config-Key")
	var missing []string
	if id == "" {
		missing = append(missing, "Connection-Id")
	}
	if pck == "" {
		missing = append(missing, "Provider-Config-Key")
	}
	switch len(missing) {
	case 0:
		return s.connectionKey(pck, id), nil
	case 1:
		return store.Connection{}, badRequest("the %s header is required", missing[0])
	}
	return store.Connection{}, badRequest("the Connection-Id and Provider-Config-Key headers are required")
}

// checkConnection answers 404 unless the connection exists.
func (s *Server) checkConnection(ctx context.Context, conn store.Connection) error {
	_, err := s.cfg.Store.GetConnection(ctx, conn)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "unknown_connection", "no connection %q for integration %q", conn.ConnectionID, conn.ProviderConfigKey)
	}
	if err != nil {
		return storeError(err)
	}
	return nil
}

// storeModel is the model name the store keeps a variant's records under:
// Nango's "Model::variant", or the model itself for the base variant.
func storeModel(model, variant string) string {
	if variant == "" || variant == "base" {
		return model
	}
	return model + "::" + variant
}

// checkModel answers 404 for a model (key: of the variant) that has no
// records and that no deployed sync of the integration declares: a typo,
// most likely, which an empty page would hide. It runs only when a page
// came back empty.
func (s *Server) checkModel(ctx context.Context, key store.ModelKey, model, variant string) error {
	fns, err := s.cfg.Store.ListFunctions(ctx, key.Environment)
	if err != nil {
		return storeError(err)
	}
	for _, fn := range fns {
		if fn.Integration != key.ProviderConfigKey || fn.Type != "sync" {
			continue
		}
		var m struct {
			Models map[string]json.RawMessage `json:"models"`
		}
		if err := json.Unmarshal(fn.Manifest, &m); err != nil {
			return errorf(http.StatusInternalServerError, "internal_error", "function %s: manifest: %v", fn.FunctionKey, err)
		}
		if _, ok := m.Models[model]; ok {
			return nil
		}
	}
	probe, err := s.cfg.Store.ListRecords(ctx, key, store.ListQuery{Limit: 1})
	if err != nil {
		return storeError(err)
	}
	switch {
	case len(probe.Records) > 0:
	case key.Model != model:
		return errorf(http.StatusNotFound, "unknown_model", "model %q is not declared by any deployed sync of integration %q, and its variant %q has no records", model, key.ProviderConfigKey, variant)
	default:
		return errorf(http.StatusNotFound, "unknown_model", "model %q is not declared by any deployed sync of integration %q", model, key.ProviderConfigKey)
	}
	return nil
}

// recordsError maps the store's errors of a records call; cursor is the
// one the request passed.
func recordsError(err error, cursor string) error {
	if errors.Is(err, store.ErrInvalidCursor) {
		return errorf(http.StatusBadRequest, "invalid_cursor", "malformed cursor %q: pass a next_cursor or a record's _nango_metadata.cursor as ferry returned it", truncateRunes(cursor, 64))
	}
	return storeError(err)
}

// truncateRunes shortens s to n runes, for messages that quote input.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
