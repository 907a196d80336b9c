package outbox

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry/store"
)

// Deliveries lists deliveries, newest first, with their attempts and
// bodies; q.Environment is required. A cursor the store did not hand out
// is store.ErrInvalidCursor; a bad status or limit, store.ErrInvalidQuery.
func (o *Outbox) Deliveries(ctx context.Context, q store.OutboxQuery) (store.OutboxPage, error) {
	page, err := o.st.ListOutbox(ctx, q)
	if err != nil {
		return store.OutboxPage{}, fmt.Errorf("outbox: %w", err)
	}
	return page, nil
}

// Delivery returns one delivery, or store.ErrNotFound.
func (o *Outbox) Delivery(ctx context.Context, id string) (store.OutboxEntry, error) {
	e, err := o.st.GetOutbox(ctx, id)
	if err != nil {
		return store.OutboxEntry{}, fmt.Errorf("outbox: %w", err)
	}
	return e, nil
}

// Retry replays a delivery, whatever its status: it is due now, and
// retried for MaxAge from now. A delivery whose attempt is in flight is
// left to it. An unknown id is store.ErrNotFound.
func (o *Outbox) Retry(ctx context.Context, id string) (store.OutboxEntry, error) {
	e, err := o.st.RetryOutbox(ctx, id, o.cfg.Now())
	if err != nil {
		return store.OutboxEntry{}, fmt.Errorf("outbox: %w", err)
	}
	o.notify()
	return e, nil
}
