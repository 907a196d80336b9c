package sdkjs_test

import (
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
)

// TestCheckpoints: an incremental sync resumes from the checkpoint its
// previous run saved, and clearCheckpoint starts it over.
func TestCheckpoints(t *testing.T) {
	b := function(t, "slack/syncs/messages")
	var run atomic.Int32
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /conversations.history": func(w http.ResponseWriter, r *http.Request) {
			var msgs []any
			switch run.Load() {
			case 1, 3:
				msgs = []any{
					map[string]any{"ts": "1700000002.000200", "text": "second", "user": "U2"},
					map[string]any{"ts": "1700000001.000100", "text": "first", "user": "U1"},
				}
			case 2:
				msgs = []any{map[string]any{"ts": "1700000003.000300", "text": "third", "user": "U1"}}
			}
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "messages": msgs, "has_more": false})
		},
	})
	e.setMetadata("slack", map[string]any{"channel": "C123"})

	run.Store(1)
	e.mustRun(b, "")
	if cp := e.checkpoint("slack", "messages"); asJSON(t, cp) != `{"latestTs":"1700000002.000200","runs":1}` {
		t.Fatalf("checkpoint after the first run: %v", cp)
	}
	run.Store(2)
	e.mustRun(b, "")
	if cp := e.checkpoint("slack", "messages"); asJSON(t, cp) != `{"latestTs":"1700000003.000300","runs":2}` {
		t.Fatalf("checkpoint after the second run: %v", cp)
	}
	// A full resync asked through the metadata clears the checkpoint.
	e.setMetadata("slack", map[string]any{"channel": "C123", "fullResync": true})
	run.Store(3)
	e.mustRun(b, "")
	if cp := e.checkpoint("slack", "messages"); asJSON(t, cp) != `{"latestTs":"1700000002.000200","runs":1}` {
		t.Fatalf("checkpoint after the resync: %v", cp)
	}
	if md := e.metadata("slack"); asJSON(t, md) != `{"channel":"C123","fullResync":false}` {
		t.Errorf("metadata after the resync: %v", md)
	}

	var oldest []string
	for _, r := range e.api.requests() {
		if r.Query.Get("channel") != "C123" || r.Query.Get("limit") != "200" {
			t.Errorf("query %s", r.Query.Encode())
		}
		oldest = append(oldest, r.Query.Get("oldest"))
	}
	if want := []string{"", "1700000002.000200", ""}; !reflect.DeepEqual(oldest, want) {
		t.Fatalf("oldest sent %q, want %q", oldest, want)
	}
	if n := len(e.records("slack", "SlackMessage")); n != 3 {
		t.Errorf("%d messages stored, want 3", n)
	}
}

// TestMetadata: setMetadata replaces, updateMetadata merges, getMetadata
// reads the current state within the same execution.
func TestMetadata(t *testing.T) {
	b := function(t, "slack/actions/configure-channel")
	e := newEnv(t, nil)
	e.setMetadata("slack", map[string]any{"channel": "C-old", "legacy": true})
	res, _ := e.mustRun(b, `{"channel":"C123","notify":true}`)
	want := `{"after":{"channel":"C123","configuredBy":"ferry","notify":true},"before":{"channel":"C-old","legacy":true}}`
	if got := asJSON(t, decode[map[string]any](t, res.Output)); got != want {
		t.Fatalf("output %s, want %s", got, want)
	}
	if got := asJSON(t, e.metadata("slack")); got != `{"channel":"C123","configuredBy":"ferry","notify":true}` {
		t.Fatalf("stored metadata %s", got)
	}
}

// TestConnectionTokenEnvironmentAndLogs: getConnection (with its
// connection_config and metadata), getToken, getEnvironmentVariables, and log lines
// from nango.log and console with their levels and meta.
func TestConnectionTokenEnvironmentAndLogs(t *testing.T) {
	b := function(t, "slack/actions/connection-info")
	e := newEnv(t, nil)
	e.config = map[string]any{"team.id": "T024BE7LD", "team.name": "Ferry HQ"}
	e.creds = hostfns.StaticCredentials{Type: "OAUTH2", AccessToken: "xoxb-17653672481-19874698323"}
	e.setMetadata("slack", map[string]any{"channel": "C123"})
	e.vars = []hostfns.EnvVar{{Name: "SLACK_SIGNING_SECRET", Value: "8f742231b10e8888abcd99yyyzzz85a5"}, {Name: "OTHER", Value: "x"}}
	res, n := e.mustRun(b, `{}`)

	want := map[string]any{
		"connectionId":             testConn,
		"providerConfigKey":        "slack",
		"teamId":                   "T024BE7LD",
		"metadata":                 map[string]any{"channel": "C123"},
		"token":                    "xoxb-17653672481-19874698323",
		"signingSecret":            "8f742231b10e8888abcd99yyyzzz85a5",
		"contextConnectionId":      testConn,
		"contextProviderConfigKey": "slack",
	}
	if got := decode[map[string]any](t, res.Output); !reflect.DeepEqual(got, want) {
		t.Fatalf("output %s, want %s", asJSON(t, got), asJSON(t, want))
	}

	wantLogs := []logLine{
		{Level: "debug", Message: "Reading the connection"},
		{Level: "info", Message: "Connection conn-1 belongs to team T024BE7LD"},
		{Level: "warn", Message: "The token expires soon"},
		{Level: "error", Message: "Could not read the bot scopes"},
		{Level: "info", Message: "Connection details", Meta: map[string]any{"teamName": "Ferry HQ", "environment": testEnv}},
		{Level: "debug", Message: "Scopes granted", Meta: map[string]any{"scopes": []any{"chat:write", "channels:history"}}},
		{Level: "info", Message: "console.log says 42 { ok: true }"},
		{Level: "warn", Message: "console.warn says careful"},
		{Level: "error", Message: "console.error says chat.postMessage failed"},
	}
	if got := logs(n); !reflect.DeepEqual(got, wantLogs) {
		t.Fatalf("logs:\n got %+v\nwant %+v", got, wantLogs)
	}
	for _, l := range n.Report().Logs {
		if l.Time.IsZero() {
			t.Errorf("log line %q has no time", l.Message)
		}
	}
}
