package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// TestHammer enqueues from many goroutines while Run delivers to a
// receiver that always answers 200: each message arrives exactly once.
func TestHammer(t *testing.T) {
	const (
		writers   = 8
		perWriter = 40
		batch     = 4 // every writer enqueues some messages in batches
	)
	e := newEnv(t)
	o := e.outbox(func(c *outbox.Config) { c.Workers = 8 })
	rcv := newReceiver(t, always(http.StatusOK))
	setURLs(t, o, rcv.srv.URL)
	run(t, o)

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; {
				n := 1
				if w%2 == 0 {
					n = batch
				}
				msgs := make([]outbox.Message, n)
				for j := range msgs {
					msgs[j] = outbox.Message{Environment: "dev", Type: "sync", Body: fmt.Appendf(nil, `{"writer":%d,"n":%d}`, w, i+j)}
				}
				if err := o.Enqueue(context.Background(), msgs...); err != nil {
					errs <- err
					return
				}
				i += n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := writers * perWriter
	waitStatus(t, o, total, store.OutboxDelivered)

	bodies := map[string]int{}
	ids := map[string]int{}
	for _, r := range rcv.requests() {
		bodies[string(r.Body)]++
		ids[r.Header.Get(outbox.HeaderID)]++
	}
	if len(bodies) != total || len(ids) != total {
		t.Fatalf("%d distinct bodies and %d ids received, want %d", len(bodies), len(ids), total)
	}
	for b, n := range bodies {
		if n != 1 {
			t.Fatalf("%s received %d times", b, n)
		}
	}
	for _, d := range deliveries(t, o, store.OutboxQuery{}) {
		if len(d.Attempts) != 1 {
			t.Fatalf("%s: %d attempts", d.ID, len(d.Attempts))
		}
	}
}
