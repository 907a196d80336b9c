package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// pruneBody is PATCH /records/prune, as Nango takes it.
type pruneBody struct {
	Model       string `json:"model"`
	Variant     string `json:"variant"`
	UntilCursor string `json:"until_cursor"`
	Limit       *int   `json:"limit"` // default store.DefaultPruneLimit
}

// pruneRecords is PATCH /records/prune: the data of the model's records
// whose last change is at or before until_cursor is dropped (ids and
// change tracking stay; GET /records shows them with pruned_at), up to
// limit records per call. It answers {count, has_more}; has_more means
// another call would prune more.
func (s *Server) pruneRecords(c *fiber.Ctx) error {
	conn, err := s.recordsConnection(c)
	if err != nil {
		return err
	}
	var body pruneBody
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	switch {
	case body.Model == "" && body.UntilCursor == "":
		return badRequest("model and until_cursor are required")
	case body.Model == "":
		return badRequest("model is required")
	case body.UntilCursor == "":
		return badRequest("until_cursor is required: the cursor of the last record to prune")
	}
	limit := store.DefaultPruneLimit
	if body.Limit != nil {
		if limit = *body.Limit; limit < 1 || limit > store.MaxPruneLimit {
			return badRequest("limit %d: want a whole number from 1 to %d", limit, store.MaxPruneLimit)
		}
	}
	ctx := c.UserContext()
	if err := s.checkConnection(ctx, conn); err != nil {
		return err
	}
	key := store.ModelKey{Connection: conn, Model: storeModel(body.Model, body.Variant)}
	res, err := s.cfg.Store.PruneRecords(ctx, key, body.UntilCursor, limit)
	if err != nil {
		return recordsError(err, body.UntilCursor)
	}
	if res.Pruned == 0 {
		if err := s.checkModel(ctx, key, body.Model, body.Variant); err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"count": res.Pruned, "has_more": res.HasMore})
}
