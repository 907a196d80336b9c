package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

var syncBody = json.RawMessage(`{"from":"nango","type":"sync","connectionId":"c1","model":"Issue","responseResults":{"added":1,"updated":0,"deleted":0}}`)

func TestDeliveredOnceSigned(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(nil)
	rcv := newReceiver(t, always(http.StatusOK))
	setURLs(t, o, rcv.srv.URL+"/hooks")
	run(t, o)
	if err := o.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
		t.Fatal(err)
	}
	d := waitStatus(t, o, 1, store.OutboxDelivered)[0]
	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	r := got[0]
	if string(r.Body) != string(syncBody) {
		t.Fatalf("body %s, want the message's bytes", r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if err := outbox.Verify(r.Header, testKey, r.Body, time.Now(), time.Minute); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if r.Header.Get(outbox.HeaderID) != d.ID || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 200 {
		t.Fatalf("delivery %+v, header id %q", d, r.Header.Get(outbox.HeaderID))
	}
}

func TestRetriesUntilDelivered(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(nil)
	const failures = 3
	rcv := newReceiver(t, func(n int) int {
		if n <= failures {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	setURLs(t, o, rcv.srv.URL)
	run(t, o)
	if err := o.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
		t.Fatal(err)
	}
	d := waitStatus(t, o, 1, store.OutboxDelivered)[0]
	if len(d.Attempts) != failures+1 {
		t.Fatalf("%d attempts, want %d", len(d.Attempts), failures+1)
	}
	for i, a := range d.Attempts {
		want := http.StatusServiceUnavailable
		if i == failures {
			want = http.StatusNoContent
		}
		if a.StatusCode != want || a.At.IsZero() || (i > 0 && a.At.Before(d.Attempts[i-1].At)) {
			t.Fatalf("attempt %d: %+v, want status %d", i, a, want)
		}
	}
	// Every attempt carries the same id and a valid signature.
	for _, r := range rcv.requests() {
		if r.Header.Get(outbox.HeaderID) != d.ID {
			t.Fatalf("webhook-id %q, want %q", r.Header.Get(outbox.HeaderID), d.ID)
		}
		if err := outbox.Verify(r.Header, testKey, r.Body, time.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFailedAttemptsAreRecorded(t *testing.T) {
	closed := newReceiver(t, always(200))
	closed.srv.Close() // connection refused
	cases := []struct {
		name      string
		reply     func(w http.ResponseWriter, r *http.Request, n int)
		url       string
		status    int
		errSubstr string
	}{
		{"server error", func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, "busy", 500) }, "", 500, ""},
		{"client error", func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, "no", 404) }, "", 404, ""},
		{"redirect", func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, "", 302, "redirects are not followed"},
		{"timeout", func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() }, "", 0, "deadline exceeded"},
		{"refused", nil, closed.srv.URL, 0, "refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			o := e.outbox(func(c *outbox.Config) {
				c.Timeout = 100 * time.Millisecond
				c.InitialBackoff, c.MaxBackoff = time.Hour, time.Hour // one attempt only
			})
			url := tc.url
			if url == "" {
				url = newHandlerReceiver(t, tc.reply).srv.URL
			}
			setURLs(t, o, url)
			run(t, o)
			if err := o.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
				t.Fatal(err)
			}
			var d store.OutboxEntry
			waitFor(t, "an attempt", func() bool {
				list := deliveries(t, o, store.OutboxQuery{})
				d = list[0]
				return len(d.Attempts) == 1 && !d.Leased
			})
			a := d.Attempts[0]
			if d.Status != store.OutboxPending || a.StatusCode != tc.status || (tc.errSubstr == "") != (a.Error == "") || !strings.Contains(a.Error, tc.errSubstr) {
				t.Fatalf("delivery %s, attempt %+v", d.Status, a)
			}
			if wait := d.NextAttemptAt.Sub(a.At); wait < 30*time.Minute || wait > time.Hour+time.Second {
				t.Fatalf("next attempt %s after the first, want 30m to 1h", wait)
			}
		})
	}
}

func TestGivesUpThenReplays(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(func(c *outbox.Config) { c.MaxAge = 50 * time.Millisecond })
	healthy := make(chan struct{})
	rcv := newReceiver(t, func(int) int {
		select {
		case <-healthy:
			return http.StatusOK
		default:
			return http.StatusBadGateway
		}
	})
	setURLs(t, o, rcv.srv.URL)
	run(t, o)
	ctx := context.Background()
	if err := o.Enqueue(ctx, outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
		t.Fatal(err)
	}
	d := waitStatus(t, o, 1, store.OutboxFailed)[0]
	last := d.Attempts[len(d.Attempts)-1]
	if ended := last.At.Add(last.Duration).Sub(d.CreatedAt); len(d.Attempts) < 2 || ended < 50*time.Millisecond || !d.NextAttemptAt.IsZero() {
		t.Fatalf("gave up after %d attempts, the last ending at +%s: %+v", len(d.Attempts), ended, d)
	}
	close(healthy)
	if _, err := o.Retry(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	replayed := waitStatus(t, o, 1, store.OutboxDelivered)[0]
	if replayed.ID != d.ID || len(replayed.Attempts) != len(d.Attempts)+1 {
		t.Fatalf("replay: %+v", replayed)
	}
	if _, err := o.Retry(ctx, "msg_unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retry of an unknown id: %v", err)
	}
}

func TestDeliveredAfterRestart(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, always(http.StatusOK))
	first := e.outbox(nil)
	setURLs(t, first, rcv.srv.URL)
	// Queued by a process that stops before delivering anything.
	if err := first.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "auth", Body: []byte(`{"type":"auth"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	second := e.outbox(nil)
	run(t, second)
	waitStatus(t, second, 1, store.OutboxDelivered)
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestStopReleasesAttemptInFlight(t *testing.T) {
	e := newEnv(t)
	arrived := make(chan struct{}, 1)
	rcv := newHandlerReceiver(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	o := e.outbox(func(c *outbox.Config) { c.Timeout = time.Minute })
	setURLs(t, o, rcv.srv.URL)
	stop := run(t, o)
	if err := o.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
		t.Fatal(err)
	}
	<-arrived
	stop()
	d := deliveries(t, o, store.OutboxQuery{})[0]
	if d.Status != store.OutboxPending || d.Leased || len(d.Attempts) != 0 || d.NextAttemptAt.After(time.Now()) {
		t.Fatalf("after stop: %+v", d)
	}
}

func TestRunTwice(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(nil)
	rcv := newReceiver(t, always(http.StatusOK))
	setURLs(t, o, rcv.srv.URL)
	run(t, o)
	if err := o.Enqueue(context.Background(), outbox.Message{Environment: "dev", Type: "sync", Body: syncBody}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, o, 1, store.OutboxDelivered) // the first Run is running
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Run(ctx); !errors.Is(err, outbox.ErrRunning) {
		t.Fatalf("second Run: %v", err)
	}
}
