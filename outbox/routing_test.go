package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// createConnection stores conn and its integration.
func createConnection(t *testing.T, st *store.Store, conn store.Connection) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.CreateIntegration(ctx, store.Integration{Environment: conn.Environment, UniqueKey: conn.ProviderConfigKey, Provider: "github"}); err != nil && !errors.Is(err, store.ErrExists) {
		t.Fatal(err)
	}
	if _, _, err := st.PutConnection(ctx, store.ConnectionEntry{Connection: conn, Provider: "github"}); err != nil {
		t.Fatal(err)
	}
}

func TestDestinations(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(nil)
	primary := newReceiver(t, always(http.StatusOK))
	secondary := newReceiver(t, always(http.StatusOK))
	override := newReceiver(t, always(http.StatusOK))
	setURLs(t, o, primary.srv.URL, secondary.srv.URL)
	conn := store.Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c1"}
	createConnection(t, e.st, conn)
	if err := o.SetConnectionURL(context.Background(), conn, override.srv.URL+"/c1"); err != nil {
		t.Fatal(err)
	}
	run(t, o)

	msgs := []outbox.Message{
		{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c1", Type: "sync", Body: json.RawMessage(`{"to":"override"}`)},
		{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c2", Type: "sync", Body: json.RawMessage(`{"to":"environment"}`)},
		{Environment: "dev", Type: "auth", Body: json.RawMessage(`{"to":"environment too"}`)},
		{Environment: "prod", Type: "auth", Body: json.RawMessage(`{"to":"nowhere"}`)}, // prod has no URL: not stored
	}
	if err := o.Enqueue(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, o, 5, store.OutboxDelivered)
	bodies := func(r *receiver) (out []string) {
		for _, req := range r.requests() {
			out = append(out, string(req.Body))
		}
		return out
	}
	if got := bodies(override); len(got) != 1 || got[0] != `{"to":"override"}` {
		t.Fatalf("override got %q", got)
	}
	for _, r := range []*receiver{primary, secondary} {
		if got := bodies(r); len(got) != 2 {
			t.Fatalf("environment URL got %q, want the two other messages", got)
		}
	}
	if page, err := o.Deliveries(context.Background(), store.OutboxQuery{Environment: "prod"}); err != nil || len(page.Entries) != 0 {
		t.Fatalf("prod: %+v %v", page, err)
	}
	// The two deliveries of one message are separate: own ids, own URLs.
	list := deliveries(t, o, store.OutboxQuery{ConnectionID: "c2"})
	if len(list) != 2 || list[0].ID == list[1].ID || list[0].URL == list[1].URL {
		t.Fatalf("deliveries of c2: %+v", list)
	}
	// Cleared, the override no longer applies.
	if err := o.SetConnectionURL(context.Background(), conn, ""); err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(context.Background(), msgs[0]); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, o, 7, store.OutboxDelivered)
}

func TestEnqueueBadInput(t *testing.T) {
	e := newEnv(t)
	o := e.outbox(nil)
	setURLs(t, o, "https://hooks.example/ferry")
	cases := []struct {
		name string
		msg  outbox.Message
	}{
		{"no environment", outbox.Message{Type: "sync", Body: json.RawMessage(`{}`)}},
		{"no type", outbox.Message{Environment: "dev", Body: json.RawMessage(`{}`)}},
		{"no body", outbox.Message{Environment: "dev", Type: "sync"}},
		{"body not JSON", outbox.Message{Environment: "dev", Type: "sync", Body: json.RawMessage(`{"a":`)}},
	}
	good := outbox.Message{Environment: "dev", Type: "sync", Body: json.RawMessage(`{}`)}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := o.Enqueue(context.Background(), good, tc.msg); !errors.Is(err, outbox.ErrInvalidMessage) {
				t.Fatalf("got %v, want ErrInvalidMessage", err)
			}
		})
	}
	// A bad message stores none of its batch.
	if list := deliveries(t, o, store.OutboxQuery{}); len(list) != 0 {
		t.Fatalf("%d deliveries stored", len(list))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Enqueue(ctx, good); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestNewBadConfig(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name string
		cfg  outbox.Config
	}{
		{"no store", outbox.Config{Sealer: e.sealer}},
		{"no sealer", outbox.Config{Store: e.st}},
		{"lease not longer than timeout", outbox.Config{Store: e.st, Sealer: e.sealer, Timeout: 10e9, Lease: 10e9}},
		{"max backoff below initial", outbox.Config{Store: e.st, Sealer: e.sealer, InitialBackoff: 10e9, MaxBackoff: 1e9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := outbox.New(tc.cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
}
