package hostfns

import "context"

// writeBehind runs write in the background, after the previous one: at
// most one record write is in flight per execution, and writes land in the
// order the function made them. A write accepted this way is carried out
// even if the execution's context ends meanwhile, because the function was
// told it succeeded.
//
// Everything that must see the records, or must not become durable before
// them — the other record calls, checkpoints, the end of the execution —
// calls Flush first. A failed write fails that Flush and every later one:
// an execution never ends well after losing a batch it was told it saved.
func (n *Nango) writeBehind(ctx context.Context, write func(context.Context) error) error {
	if err := n.Flush(ctx); err != nil {
		return err
	}
	done := make(chan struct{})
	n.writeMu.Lock()
	n.writing = done
	n.writeMu.Unlock()
	go func() {
		defer close(done)
		if err := write(context.WithoutCancel(ctx)); err != nil {
			n.writeMu.Lock()
			n.writeErr = err
			n.writeMu.Unlock()
		}
	}()
	return nil
}

// Flush waits for the record write in flight, if any, and returns the error
// of any write that failed during the execution. The host calls it when the
// function returns; the execution succeeds only if it returns nil.
func (n *Nango) Flush(ctx context.Context) error {
	n.writeMu.Lock()
	done := n.writing
	n.writeMu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	n.writeMu.Lock()
	defer n.writeMu.Unlock()
	return n.writeErr
}
