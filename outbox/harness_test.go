package outbox_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// testKey signs the tests' webhooks.
const testKey = "test-signing-key-0123456789"

// env is a store file, a keyring and the outboxes opened on them.
type env struct {
	t      *testing.T
	path   string
	sealer outbox.Sealer
	st     *store.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	kr, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, path: filepath.Join(dir, "ferry.db"), sealer: kr.Encoded()}
	e.open()
	return e
}

// open (re)opens the store file.
func (e *env) open() {
	e.t.Helper()
	st, err := store.Open(e.path, store.Options{NoSync: true})
	if err != nil {
		e.t.Fatal(err)
	}
	e.st = st
	e.t.Cleanup(func() { st.Close() })
}

// outbox returns an outbox on the store with short waits, changed by
// adjust when not nil.
func (e *env) outbox(adjust func(*outbox.Config)) *outbox.Outbox {
	e.t.Helper()
	cfg := outbox.Config{
		Store: e.st, Sealer: e.sealer,
		Logger:         slog.New(slog.DiscardHandler),
		Timeout:        2 * time.Second,
		InitialBackoff: 5 * time.Millisecond,
		MaxBackoff:     20 * time.Millisecond,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	o, err := outbox.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := o.ResolveSigningKey(context.Background(), "dev", testKey, ""); err != nil {
		e.t.Fatal(err)
	}
	return o
}

// run runs o until the returned stop is called (or the test ends).
func run(t *testing.T, o *outbox.Outbox) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- o.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-ended; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// received is one request a receiver got.
type received struct {
	Header http.Header
	Body   []byte
}

// receiver is an httptest server that records the requests it gets.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []received
}

// newReceiver answers the n-th request (from 1) with the status reply
// returns.
func newReceiver(t *testing.T, reply func(n int) int) *receiver {
	return newHandlerReceiver(t, func(w http.ResponseWriter, _ *http.Request, n int) { w.WriteHeader(reply(n)) })
}

// newHandlerReceiver answers the n-th request with h.
func newHandlerReceiver(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		n := len(r.got)
		r.mu.Unlock()
		h(w, req, n)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func always(status int) func(int) int { return func(int) int { return status } }

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// waitFor polls cond until it holds, failing the test after a generous
// bound (a hang, not a slow machine).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// setURLs configures env dev's webhook URLs.
func setURLs(t *testing.T, o *outbox.Outbox, urls ...string) {
	t.Helper()
	if err := o.ReplaceURLs(context.Background(), "dev", urls); err != nil {
		t.Fatal(err)
	}
}

// deliveries lists every delivery of env dev, newest first.
func deliveries(t *testing.T, o *outbox.Outbox, q store.OutboxQuery) []store.OutboxEntry {
	t.Helper()
	q.Environment, q.Limit = "dev", store.MaxOutboxLimit
	page, err := o.Deliveries(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return page.Entries
}

// waitStatus waits until every delivery of env dev has status s, and
// returns them.
func waitStatus(t *testing.T, o *outbox.Outbox, n int, s store.OutboxStatus) []store.OutboxEntry {
	t.Helper()
	var list []store.OutboxEntry
	waitFor(t, "deliveries "+string(s), func() bool {
		list = deliveries(t, o, store.OutboxQuery{Status: s})
		return len(list) == n
	})
	return list
}
