package hostfns

import (
	"context"
	"encoding/json"
)

func handleRequest(ctx context.Context, n *Nango, in []byte) (any, error) {
	var cfg ProxyConfig
	if err := decode("request", in, &cfg); err != nil {
		return nil, err
	}
	return n.Request(ctx, cfg)
}

func handlePaginate(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req struct {
		Config       ProxyConfig `json:"config"`
		State        *PageState  `json:"state"`
		WithResponse bool        `json:"withResponse"`
	}
	if err := decode("paginate", in, &req); err != nil {
		return nil, err
	}
	page, err := n.NextPage(ctx, req.Config, req.State)
	if !req.WithResponse {
		page.Response = nil
	}
	return page, err
}

func handleBatch(name string, op func(*Nango, context.Context, string, []json.RawMessage) error) handler {
	return func(ctx context.Context, n *Nango, in []byte) (any, error) {
		model, records, err := decodeBatch(in)
		if err != nil {
			return nil, errorf(CodeInvalidRequest, "%s: malformed request JSON: %v", name, err)
		}
		return struct{}{}, op(n, ctx, model, records)
	}
}

var (
	handleBatchSave   = handleBatch("batch_save", (*Nango).BatchSave)
	handleBatchUpdate = handleBatch("batch_update", (*Nango).BatchUpdate)
	handleBatchDelete = handleBatch("batch_delete", (*Nango).BatchDelete)
)

func handleGetRecordsByIDs(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req struct {
		Model string   `json:"model"`
		IDs   []string `json:"ids"`
	}
	if err := decode("get_records_by_ids", in, &req); err != nil {
		return nil, err
	}
	recs, err := n.GetRecordsByIDs(ctx, req.Model, req.IDs)
	return map[string]any{"records": recs}, err
}

func handleGetCheckpoint(ctx context.Context, n *Nango, _ []byte) (any, error) {
	cp, err := n.Checkpoint(ctx)
	if cp == nil {
		cp = json.RawMessage("null")
	}
	return map[string]any{"checkpoint": cp}, err
}

func handleSaveCheckpoint(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req struct {
		Checkpoint json.RawMessage `json:"checkpoint"`
	}
	if err := decode("save_checkpoint", in, &req); err != nil {
		return nil, err
	}
	return struct{}{}, n.SaveCheckpoint(ctx, req.Checkpoint)
}

func handleClearCheckpoint(ctx context.Context, n *Nango, _ []byte) (any, error) {
	return struct{}{}, n.ClearCheckpoint(ctx)
}

func handleGetMetadata(ctx context.Context, n *Nango, _ []byte) (any, error) {
	md, err := n.Metadata(ctx)
	return map[string]any{"metadata": md}, err
}

type metadataRequest struct {
	Metadata map[string]any `json:"metadata"`
}

func handleSetMetadata(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req metadataRequest
	if err := decode("set_metadata", in, &req); err != nil {
		return nil, err
	}
	return struct{}{}, n.SetMetadata(ctx, req.Metadata)
}

func handleUpdateMetadata(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req metadataRequest
	if err := decode("update_metadata", in, &req); err != nil {
		return nil, err
	}
	return struct{}{}, n.UpdateMetadata(ctx, req.Metadata)
}

func handleGetConnection(ctx context.Context, n *Nango, _ []byte) (any, error) {
	c, err := n.GetConnection(ctx)
	return map[string]any{"connection": c}, err
}

func handleLog(_ context.Context, n *Nango, in []byte) (any, error) {
	var line LogLine
	if err := decode("log", in, &line); err != nil {
		return nil, err
	}
	line.Time = n.clock().UTC()
	return struct{}{}, n.Log(line)
}

type modelRequest struct {
	Model string `json:"model"`
}

func handleTrackDeletesStart(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req modelRequest
	if err := decode("track_deletes_start", in, &req); err != nil {
		return nil, err
	}
	return struct{}{}, n.TrackDeletesStart(ctx, req.Model)
}

func handleTrackDeletesEnd(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req modelRequest
	if err := decode("track_deletes_end", in, &req); err != nil {
		return nil, err
	}
	deleted, err := n.TrackDeletesEnd(ctx, req.Model)
	if deleted == nil {
		deleted = []string{}
	}
	return map[string]any{"deletedKeys": deleted}, err
}
