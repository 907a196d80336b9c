package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

const webhooksTestKey = "ferry_sk_webhooks_test"

// webhooksEnv is a server with an outbox (not running unless started).
type webhooksEnv struct {
	url string
	ob  *outbox.Outbox
}

func startWebhooksEnv(t *testing.T, withOutbox bool) *webhooksEnv {
	t.Helper()
	dir := t.TempDir()
	kr, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{
		Store: st, Sealer: kr.Encoded(), Providers: providers.Builtin(),
		Authorize: func(k string) bool { return k == webhooksTestKey },
		Logger:    slog.New(slog.DiscardHandler),
	}
	env := &webhooksEnv{}
	if withOutbox {
		env.ob, err = outbox.New(outbox.Config{
			Store: st, Sealer: kr.Encoded(), Logger: slog.New(slog.DiscardHandler),
			InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Outbox = env.ob
	}
	env.url = serveOnLoopback(t, cfg)
	return env
}

// run delivers until the test ends.
func (env *webhooksEnv) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { env.ob.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// call sends a request (with the secret key unless noAuth) and decodes the
// JSON answer into out when not nil; it returns the status.
func (env *webhooksEnv) call(t *testing.T, method, path, body string, out any, noAuth ...bool) int {
	t.Helper()
	key := webhooksTestKey
	if len(noAuth) > 0 {
		key = ""
	}
	return callJSON(t, env.url, key, method, path, body, out)
}

type settingsView struct {
	WebhookURLs   []string `json:"webhook_urls"`
	SigningKeySet bool     `json:"signing_key_set"`
	Error         *struct{ Code, Message string }
}

func TestWebhookSettingsAPI(t *testing.T) {
	env := startWebhooksEnv(t, true)
	var got settingsView
	if st := env.call(t, "GET", "/environment/webhooks", "", &got); st != 200 || len(got.WebhookURLs) != 0 || got.WebhookURLs == nil || got.SigningKeySet {
		t.Fatalf("initial: %d %+v", st, got)
	}
	steps := []struct {
		name, body string
		status     int
		wantURLs   string // space-separated, after the step
	}{
		{"set two URLs and a key", `{"webhook_urls":["https://a.example/h","http://b.example/h"],"signing_key":"0123456789abcdef"}`, 200, "https://a.example/h http://b.example/h"},
		{"key only keeps URLs", `{"signing_key":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`, 200, "https://a.example/h http://b.example/h"},
		{"relative URL", `{"webhook_urls":["/hook"]}`, 400, "https://a.example/h http://b.example/h"},
		{"not http", `{"webhook_urls":["ftp://a.example/h"]}`, 400, "https://a.example/h http://b.example/h"},
		{"three URLs", `{"webhook_urls":["https://a.example","https://b.example","https://c.example"]}`, 400, "https://a.example/h http://b.example/h"},
		{"short key", `{"signing_key":"0123456789abcde"}`, 400, "https://a.example/h http://b.example/h"},
		{"empty key", `{"signing_key":""}`, 400, "https://a.example/h http://b.example/h"},
		{"URLs not a list", `{"webhook_urls":"https://a.example"}`, 400, "https://a.example/h http://b.example/h"},
		{"no body", ``, 400, "https://a.example/h http://b.example/h"},
		{"one URL", `{"webhook_urls":["https://c.example/h"]}`, 200, "https://c.example/h"},
		{"clear", `{"webhook_urls":[]}`, 200, ""},
	}
	for _, s := range steps {
		var out settingsView
		if st := env.call(t, "PATCH", "/environment/webhooks", s.body, &out); st != s.status {
			t.Fatalf("%s: %d %+v, want %d", s.name, st, out, s.status)
		}
		if s.status == 200 && !out.SigningKeySet {
			t.Fatalf("%s: %+v", s.name, out)
		}
		if s.status != 200 && (out.Error == nil || out.Error.Code != "invalid_request") {
			t.Fatalf("%s: error %+v", s.name, out.Error)
		}
		env.call(t, "GET", "/environment/webhooks", "", &got)
		if strings.Join(got.WebhookURLs, " ") != s.wantURLs {
			t.Fatalf("%s: URLs now %q, want %q", s.name, got.WebhookURLs, s.wantURLs)
		}
	}
	// The key is never shown.
	var raw map[string]any
	env.call(t, "GET", "/environment/webhooks", "", &raw)
	if len(raw) != 2 {
		t.Fatalf("GET shows %v", raw)
	}
}

func TestConnectionWebhookAPI(t *testing.T) {
	env := startWebhooksEnv(t, true)
	env.call(t, "POST", "/integrations", `{"unique_key":"gh","provider":"github"}`, nil)
	if st := env.call(t, "POST", "/connections", `{"connection_id":"c1","provider_config_key":"gh","credentials":{"type":"OAUTH2","access_token":"t"}}`, nil); st >= 300 {
		t.Fatalf("create connection: %d", st)
	}
	cases := []struct {
		name, path, body string
		status           int
	}{
		{"set", "/connections/c1/webhook?provider_config_key=gh", `{"url":"https://conn.example/h"}`, 200},
		{"clear", "/connections/c1/webhook?provider_config_key=gh", `{"url":null}`, 200},
		{"unknown connection", "/connections/nope/webhook?provider_config_key=gh", `{"url":"https://conn.example/h"}`, 404},
		{"unknown integration", "/connections/c1/webhook?provider_config_key=other", `{"url":null}`, 404},
		{"no provider_config_key", "/connections/c1/webhook", `{"url":null}`, 400},
		{"no url field", "/connections/c1/webhook?provider_config_key=gh", `{}`, 400},
		{"url not a string", "/connections/c1/webhook?provider_config_key=gh", `{"url":12}`, 400},
		{"empty url", "/connections/c1/webhook?provider_config_key=gh", `{"url":""}`, 400},
		{"relative url", "/connections/c1/webhook?provider_config_key=gh", `{"url":"/h"}`, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out map[string]any
			if st := env.call(t, "PUT", tc.path, tc.body, &out); st != tc.status {
				t.Fatalf("%d %v, want %d", st, out, tc.status)
			}
		})
	}
	// The override routes the connection's webhooks.
	var out map[string]any
	env.call(t, "PUT", "/connections/c1/webhook?provider_config_key=gh", `{"url":"https://conn.example/h"}`, &out)
	if out["url"] != "https://conn.example/h" || out["connection_id"] != "c1" {
		t.Fatalf("answer: %v", out)
	}
	if err := env.ob.Enqueue(context.Background(), outbox.Message{Environment: "dev", ProviderConfigKey: "gh", ConnectionID: "c1", Type: "sync", Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	var list deliveriesPage
	env.call(t, "GET", "/webhooks/deliveries?connection_id=c1", "", &list)
	if len(list.Deliveries) != 1 || list.Deliveries[0].URL != "https://conn.example/h" {
		t.Fatalf("deliveries: %+v", list)
	}
}

func TestWebhookRoutesWithoutOutbox(t *testing.T) {
	env := startWebhooksEnv(t, false)
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/environment/webhooks", ""},
		{"PATCH", "/environment/webhooks", `{"webhook_urls":[]}`},
		{"PUT", "/connections/c1/webhook?provider_config_key=gh", `{"url":null}`},
		{"GET", "/webhooks/deliveries", ""},
		{"GET", "/webhooks/deliveries/msg_1", ""},
		{"POST", "/webhooks/deliveries/msg_1/retry", ""},
	} {
		var out struct{ Error struct{ Code string } }
		if st := env.call(t, r.method, r.path, r.body, &out); st != http.StatusServiceUnavailable || out.Error.Code != "webhooks_disabled" {
			t.Fatalf("%s %s: %d %+v", r.method, r.path, st, out)
		}
	}
}
