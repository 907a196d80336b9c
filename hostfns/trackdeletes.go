package hostfns

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/ferryhq/ferry/store"
)

// Deletion tracking, as Nango's trackDeletesStart(model) and
// trackDeletesEnd(model): the execution remembers the ids it saves or
// updates between the two calls, and the end soft-deletes every live
// record of the model it did not see.

// deletionTracker is the set of ids seen per model being tracked.
type deletionTracker struct {
	mu   sync.Mutex
	seen map[string]map[string]bool // model → ids; present while tracking
}

// TrackDeletesStart starts tracking model: from now on its saved and
// updated records count as seen. Starting again restarts.
func (n *Nango) TrackDeletesStart(_ context.Context, model string) error {
	if _, err := n.modelKey("trackDeletesStart", model); err != nil {
		return err
	}
	t := &n.tracker
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = make(map[string]map[string]bool)
	}
	t.seen[model] = make(map[string]bool)
	return nil
}

// TrackDeletesEnd soft-deletes the records of model not seen since
// TrackDeletesStart and returns their ids. It waits for the records saved
// ahead of it to be written.
func (n *Nango) TrackDeletesEnd(ctx context.Context, model string) ([]string, error) {
	key, err := n.modelKey("trackDeletesEnd", model)
	if err != nil {
		return nil, err
	}
	t := &n.tracker
	t.mu.Lock()
	seen, ok := t.seen[model]
	delete(t.seen, model)
	t.mu.Unlock()
	if !ok {
		return nil, errorf(CodeInvalidRequest, "trackDeletesEnd: trackDeletesStart(%q) was not called first", model)
	}
	if err := n.Flush(ctx); err != nil {
		return nil, err
	}
	deleted, res, err := n.store.DeleteRecordsExcept(ctx, key, func(id string) bool { return seen[id] })
	if err != nil {
		return nil, storeError("trackDeletesEnd", err)
	}
	n.recordBatch(model, res)
	return deleted, nil
}

// see marks the ids of an accepted save or update as seen when model is
// tracked.
func (t *deletionTracker) see(model string, records []json.RawMessage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	seen, ok := t.seen[model]
	if !ok {
		return
	}
	for _, raw := range records {
		if id, err := store.RecordID(raw); err == nil {
			seen[id] = true
		}
	}
}
