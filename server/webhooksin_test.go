package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

const inboxTestKey = "ferry_sk_inbox_test"

// inboxTestProviders are providers with webhook configs of their own, so
// that the tests do not depend on the built-in catalog's entries.
const inboxTestProviders = `
test-github:
    display_name: Test GitHub
    auth_mode: API_KEY
    webhook:
        signature: github
        delivery_id_header: X-GitHub-Delivery
        event_type:
            header: X-GitHub-Event
test-slack:
    display_name: Test Slack
    auth_mode: API_KEY
    webhook:
        signature: slack
        event_type:
            path: payload.type
test-plain:
    display_name: Test provider without a webhook config
    auth_mode: API_KEY
`

// inboxEnv is a server on loopback with the integrations "gh"
// (test-github, secret "gh-secret"), "sl" (test-slack, "sl-secret") and
// "plain" (no config, no secret: webhooks are not verified).
type inboxEnv struct {
	url      string
	notified atomic.Int64
}

func startInboxEnv(t testing.TB, sync bool, opts ...func(*server.Config)) *inboxEnv {
	t.Helper()
	dir := t.TempDir()
	kr, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{NoSync: !sync})
	if err != nil {
		t.Fatal(err)
	}
	own, err := providers.Load(strings.NewReader(inboxTestProviders))
	if err != nil {
		t.Fatal(err)
	}
	env := &inboxEnv{}
	cfg := server.Config{
		Store: st, Sealer: kr.Encoded(), Providers: providers.Builtin().Merge(own),
		Authorize: func(k string) bool { return k == inboxTestKey },
		Logger:    slog.New(slog.DiscardHandler),
		Inbox:     server.InboxOptions{Notify: func() { env.notified.Add(1) }},
	}
	for _, o := range opts {
		o(&cfg)
	}
	env.url = serveOnLoopback(t, cfg)
	for _, body := range []string{
		`{"unique_key":"gh","provider":"test-github","webhook_secret":"gh-secret"}`,
		`{"unique_key":"sl","provider":"test-slack","webhook_secret":"sl-secret"}`,
		`{"unique_key":"plain","provider":"test-plain"}`,
	} {
		if status := callJSON(t, env.url, inboxTestKey, "POST", "/integrations", body, nil); status != http.StatusOK {
			t.Fatalf("POST /integrations %s: %d", body, status)
		}
	}
	return env
}

// post sends a webhook (header: name, value pairs) and returns the status
// and the decoded answer.
func (env *inboxEnv) post(t testing.TB, path string, body []byte, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", env.url+path, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("POST %s: %d %q", path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func hexHMAC(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// githubHeaders sign body as GitHub does, for delivery id delivery.
func githubHeaders(secret, delivery, body string) []string {
	return []string{
		"Content-Type", "application/json", "X-GitHub-Event", "push", "X-GitHub-Delivery", delivery,
		"X-Hub-Signature-256", "sha256=" + hexHMAC(secret, body),
	}
}

func errorCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

const pushBody = `{"ref":"refs/heads/main","installation":{"id":42}}`

func TestWebhookReceiver(t *testing.T) {
	env := startInboxEnv(t, false)
	slackForm := "payload=" + `%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T1%22%7D%7D`
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	slackHeaders := func(ts, body string) []string {
		return []string{
			"Content-Type", "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp", ts,
			"X-Slack-Signature", "v0=" + hexHMAC("sl-secret", "v0:"+ts+":"+body),
		}
	}
	for _, tc := range []struct {
		name   string
		path   string
		body   string
		header []string
		status int
		want   string // the answer's status, or its error code
	}{
		{"github signed", "/webhook/dev/gh", pushBody, githubHeaders("gh-secret", "d-1", pushBody), 200, "accepted"},
		{"github redelivered", "/webhook/dev/gh", pushBody, githubHeaders("gh-secret", "d-1", pushBody), 200, "duplicate"},
		{"github other delivery, same body", "/webhook/dev/gh", pushBody, githubHeaders("gh-secret", "d-2", pushBody), 200, "accepted"},
		{"github wrong secret", "/webhook/dev/gh", pushBody, githubHeaders("other", "d-3", pushBody), 401, "invalid_signature"},
		{"github tampered body", "/webhook/dev/gh", pushBody + " ", githubHeaders("gh-secret", "d-3", pushBody), 401, "invalid_signature"},
		{"github unsigned", "/webhook/dev/gh", pushBody, []string{"X-GitHub-Delivery", "d-3"}, 401, "missing_signature"},
		{"slack form", "/webhook/dev/sl", slackForm, slackHeaders(now, slackForm), 200, "accepted"},
		{"slack stale", "/webhook/dev/sl", slackForm, slackHeaders(stale, slackForm), 401, "stale_timestamp"},
		{"unverified JSON", "/webhook/dev/plain", `{"a":1}`, nil, 200, "accepted"},
		{"unverified JSON redelivered (body hash)", "/webhook/dev/plain", `{"a":1}`, nil, 200, "duplicate"},
		{"text body", "/webhook/dev/plain", "hello", []string{"Content-Type", "text/plain"}, 400, "unsupported_body"},
		{"empty body", "/webhook/dev/plain", "", nil, 400, "unsupported_body"},
		{"unknown integration", "/webhook/dev/nope", pushBody, nil, 404, "unknown_integration"},
		{"wrong environment", "/webhook/prod/gh", pushBody, githubHeaders("gh-secret", "d-9", pushBody), 404, "unknown_environment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := env.post(t, tc.path, []byte(tc.body), tc.header...)
			got := errorCode(out)
			if status == 200 {
				got, _ = out["status"].(string)
			}
			if status != tc.status || got != tc.want {
				t.Fatalf("%d %v, want %d %s", status, out, tc.status, tc.want)
			}
		})
	}
	if n := env.notified.Load(); n != 4 {
		t.Errorf("Notify called %d times, want 4 (once per stored webhook)", n)
	}
}

func TestWebhookReceiverTooLarge(t *testing.T) {
	env := startInboxEnv(t, false)
	big := []byte(`{"a":"` + strings.Repeat("x", 5<<20) + `"}`)
	status, out := env.post(t, "/webhook/dev/gh", big, githubHeaders("gh-secret", "big", string(big))...)
	if status != http.StatusRequestEntityTooLarge || errorCode(out) != "payload_too_large" {
		t.Fatalf("5 MiB body: %d %v", status, out)
	}
	// Just under the limit is taken.
	under := []byte(`{"a":"` + strings.Repeat("x", store.MaxInboxBody-8) + `"}`)
	if status, out := env.post(t, "/webhook/dev/gh", under, githubHeaders("gh-secret", "under", string(under))...); status != 200 {
		t.Fatalf("body at the limit: %d %v", status, out)
	}
}

func TestWebhookSecretRequired(t *testing.T) {
	env := startInboxEnv(t, false)
	if status := callJSON(t, env.url, inboxTestKey, "POST", "/integrations", `{"unique_key":"gh2","provider":"test-github"}`, nil); status != 200 {
		t.Fatalf("create gh2: %d", status)
	}
	status, out := env.post(t, "/webhook/dev/gh2", []byte(pushBody), githubHeaders("", "d-1", pushBody)...)
	if status != 401 || errorCode(out) != "missing_webhook_secret" {
		t.Fatalf("github scheme without a secret: %d %v", status, out)
	}
}

// TestWebhookSlackChallenge answers Slack's signed url_verification
// handshake with its challenge, storing nothing.
func TestWebhookSlackChallenge(t *testing.T) {
	env := startInboxEnv(t, false)
	body := `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	status, out := env.post(t, "/webhook/dev/sl", []byte(body), "Content-Type", "application/json",
		"X-Slack-Request-Timestamp", ts, "X-Slack-Signature", "v0="+hexHMAC("sl-secret", "v0:"+ts+":"+body))
	if status != http.StatusOK || out["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("handshake: %d %v", status, out)
	}
	if n := env.notified.Load(); n != 0 {
		t.Fatalf("the handshake was stored (%d notifications)", n)
	}
	if status, _ := env.post(t, "/webhook/dev/sl", []byte(body), "Content-Type", "application/json"); status != http.StatusUnauthorized {
		t.Fatalf("an unsigned handshake: %d", status)
	}
}

// TestWebhookIntegrationSignature gives an integration its own generic
// HMAC scheme (header, encoding, prefix) over a provider that has none.
func TestWebhookIntegrationSignature(t *testing.T) {
	env := startInboxEnv(t, false)
	patch := func(body string) (int, map[string]any) {
		var out map[string]any
		status := callJSON(t, env.url, inboxTestKey, "PATCH", "/integrations/plain", body, &out)
		return status, out
	}
	for _, bad := range []string{
		`{"webhook_signature":{"scheme":"md5"}}`,
		`{"webhook_signature":{"scheme":"hmac-sha256","encoding":"base32"}}`,
	} {
		if status, out := patch(bad); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out), "webhook_signature") {
			t.Fatalf("PATCH %s: %d %v", bad, status, out)
		}
	}
	status, out := patch(`{"webhook_secret":"acme-secret","webhook_signature":{"scheme":"hmac-sha256","header":"X-Acme-Signature","encoding":"base64","prefix":"v1="}}`)
	if status != http.StatusOK {
		t.Fatalf("PATCH: %d %v", status, out)
	}
	body := `{"event":"order.created","id":"o-1"}`
	m := hmac.New(sha256.New, []byte("acme-secret"))
	m.Write([]byte(body))
	sig := "v1=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
	if status, out := env.post(t, "/webhook/dev/plain", []byte(body), "Content-Type", "application/json", "X-Acme-Signature", sig); status != 200 || out["status"] != "accepted" {
		t.Fatalf("signed webhook: %d %v", status, out)
	}
	if status, out := env.post(t, "/webhook/dev/plain", []byte(body), "Content-Type", "application/json", "X-Acme-Signature", "v1=AAAA"); status != 401 {
		t.Fatalf("badly signed webhook: %d %v", status, out)
	}
	if status, _ := env.post(t, "/webhook/dev/plain", []byte(body), "Content-Type", "application/json"); status != 401 {
		t.Fatalf("unsigned webhook: %d", status)
	}
	// An empty scheme goes back to the provider's: none here, so with a
	// secret set, the default generic scheme (hex in X-Signature).
	if status, out := patch(`{"webhook_signature":{"scheme":""}}`); status != http.StatusOK {
		t.Fatalf("reset: %d %v", status, out)
	}
	next := `{"id":"o-2"}`
	if status, out := env.post(t, "/webhook/dev/plain", []byte(next), "Content-Type", "application/json", "X-Signature", hexHMAC("acme-secret", next)); status != 200 {
		t.Fatalf("webhook after the reset: %d %v", status, out)
	}
}
