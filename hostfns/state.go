package hostfns

import (
	"context"
	"encoding/json"
	"maps"

	"github.com/ferryhq/ferry/store"
)

func (n *Nango) checkpointKey() store.CheckpointKey {
	return store.CheckpointKey{Connection: n.connection(), Function: n.scope.Function}
}

// Checkpoint returns the function's saved checkpoint, or nil.
func (n *Nango) Checkpoint(ctx context.Context) (json.RawMessage, error) {
	cp, err := n.store.Checkpoint(ctx, n.checkpointKey())
	if err != nil {
		return nil, storeError("getCheckpoint", err)
	}
	return cp, nil
}

// SaveCheckpoint durably saves the function's checkpoint, after the
// records saved before it.
func (n *Nango) SaveCheckpoint(ctx context.Context, checkpoint json.RawMessage) error {
	if err := n.Flush(ctx); err != nil {
		return err
	}
	if err := n.store.SaveCheckpoint(ctx, n.checkpointKey(), checkpoint); err != nil {
		return storeError("saveCheckpoint", err)
	}
	return nil
}

// ClearCheckpoint removes the function's checkpoint.
func (n *Nango) ClearCheckpoint(ctx context.Context) error {
	if err := n.store.ClearCheckpoint(ctx, n.checkpointKey()); err != nil {
		return storeError("clearCheckpoint", err)
	}
	return nil
}

// Metadata returns the connection's metadata (an empty map when none).
func (n *Nango) Metadata(ctx context.Context) (map[string]any, error) {
	md, err := n.store.Metadata(ctx, n.connection())
	if err != nil {
		return nil, storeError("getMetadata", err)
	}
	return md, nil
}

// SetMetadata replaces the connection's metadata.
func (n *Nango) SetMetadata(ctx context.Context, md map[string]any) error {
	if err := n.store.SetMetadata(ctx, n.connection(), md); err != nil {
		return storeError("setMetadata", err)
	}
	return nil
}

// UpdateMetadata merges md's top-level keys into the connection's metadata.
func (n *Nango) UpdateMetadata(ctx context.Context, md map[string]any) error {
	if err := n.store.UpdateMetadata(ctx, n.connection(), md); err != nil {
		return storeError("updateMetadata", err)
	}
	return nil
}

// ConnectionInfo is what getConnection returns: the connection with its
// metadata, never its credentials.
type ConnectionInfo struct {
	Connection
	Metadata map[string]any `json:"metadata"`
}

// GetConnection returns the connection the execution is scoped to.
func (n *Nango) GetConnection(ctx context.Context) (ConnectionInfo, error) {
	md, err := n.Metadata(ctx)
	if err != nil {
		return ConnectionInfo{}, err
	}
	c := n.scope.Connection
	c.ConnectionConfig = maps.Clone(c.ConnectionConfig)
	if c.ConnectionConfig == nil {
		c.ConnectionConfig = map[string]any{}
	}
	return ConnectionInfo{Connection: c, Metadata: md}, nil
}
