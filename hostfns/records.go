package hostfns

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ferryhq/ferry/store"
)

// BatchSave upserts records of model into the connection's cache. It
// validates them at once (a bad record is an error now, and nothing of the
// batch is written) and writes them in the background, so that the function
// fetches its next page while the store commits this one; see Flush.
func (n *Nango) BatchSave(ctx context.Context, model string, records []json.RawMessage) error {
	key, err := n.modelKey("batchSave", model)
	if err != nil {
		return err
	}
	prepared, err := store.PrepareRecords(records)
	if err != nil {
		return storeError("batchSave", err)
	}
	err = n.writeBehind(ctx, func(ctx context.Context) error {
		res, err := n.store.SavePrepared(ctx, key, prepared)
		if err != nil {
			return storeError("batchSave", err)
		}
		n.recordBatch(model, res)
		n.logDuplicates("batchSave", model, res.DuplicateIDs)
		return nil
	})
	if err == nil {
		n.observe(OpSave, model, records)
	}
	return err
}

// logDuplicates warns, as Nango does, that a batch named some ids more
// than once (the last record of each id was kept).
func (n *Nango) logDuplicates(op, model string, ids []string) {
	if len(ids) == 0 {
		return
	}
	const shown = 20
	meta := map[string]any{"model": model, "count": len(ids), "ids": ids[:min(len(ids), shown)]}
	_ = n.Log(LogLine{Level: "warn", Message: op + ": duplicate ids in one batch, the last record of each was kept", Meta: meta})
}

// BatchUpdate deep-merges partial records of model into stored ones.
func (n *Nango) BatchUpdate(ctx context.Context, model string, partials []json.RawMessage) error {
	key, err := n.modelKey("batchUpdate", model)
	if err != nil {
		return err
	}
	if err := n.Flush(ctx); err != nil {
		return err
	}
	res, err := n.store.UpdateRecords(ctx, key, partials)
	if err != nil {
		return storeError("batchUpdate", err)
	}
	n.recordBatch(model, res)
	n.logDuplicates("batchUpdate", model, res.DuplicateIDs)
	n.observe(OpUpdate, model, partials)
	return nil
}

// BatchDelete soft-deletes the records of model whose ids the given
// records carry (Nango passes whole records; only ids matter).
func (n *Nango) BatchDelete(ctx context.Context, model string, records []json.RawMessage) error {
	key, err := n.modelKey("batchDelete", model)
	if err != nil {
		return err
	}
	ids, err := recordIDs(records)
	if err != nil {
		return err
	}
	if err := n.Flush(ctx); err != nil {
		return err
	}
	res, err := n.store.DeleteRecords(ctx, key, ids)
	if err != nil {
		return storeError("batchDelete", err)
	}
	n.recordBatch(model, res)
	n.observe(OpDelete, model, records)
	return nil
}

// GetRecordsByIDs returns the stored records of model with the given ids,
// keyed by id; missing ids are absent.
func (n *Nango) GetRecordsByIDs(ctx context.Context, model string, ids []string) (map[string]json.RawMessage, error) {
	key, err := n.modelKey("getRecordsByIds", model)
	if err != nil {
		return nil, err
	}
	if err := n.Flush(ctx); err != nil {
		return nil, err
	}
	recs, err := n.store.GetRecords(ctx, key, ids)
	if err != nil {
		return nil, storeError("getRecordsByIds", err)
	}
	out := make(map[string]json.RawMessage, len(recs))
	for id, r := range recs {
		out[id] = r.Data
	}
	return out, nil
}

// modelKey checks that the function declares model and names its records.
func (n *Nango) modelKey(op, model string) (store.ModelKey, error) {
	if model == "" {
		return store.ModelKey{}, errorf(CodeUnknownModel, "%s: model name is missing", op)
	}
	if !slices.Contains(n.scope.Models, model) {
		return store.ModelKey{}, errorf(CodeUnknownModel, "%s: model %q is not declared by function %q (declared: %v)", op, model, n.scope.Function, n.scope.Models)
	}
	return store.ModelKey{Connection: n.connection(), Model: model}, nil
}

// recordIDs extracts the id of each record with the store's own rules.
func recordIDs(records []json.RawMessage) ([]string, error) {
	ids := make([]string, len(records))
	for i, raw := range records {
		id, err := store.RecordID(raw)
		if err != nil {
			return nil, errorf(CodeInvalidRecord, "batchDelete: record %d: %v", i, err)
		}
		ids[i] = id
	}
	return ids, nil
}
