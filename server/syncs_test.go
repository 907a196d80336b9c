package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// ticketAPI is a paginated loopback API of tickets, two per page, whose
// content a test changes between runs.
type ticketAPI struct {
	*httptest.Server
	mu      sync.Mutex
	tickets []map[string]string
	fail    bool
}

func newTicketAPI(t testing.TB, tickets ...string) *ticketAPI {
	api := &ticketAPI{}
	api.set(tickets...)
	api.Server = httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(api.Close)
	return api
}

// set replaces the tickets: "id=title" each.
func (a *ticketAPI) set(tickets ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tickets = nil
	for _, tk := range tickets {
		id, title, _ := strings.Cut(tk, "=")
		a.tickets = append(a.tickets, map[string]string{"id": id, "title": title})
	}
}

func (a *ticketAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail {
		http.Error(w, `{"message":"down"}`, http.StatusInternalServerError)
		return
	}
	page := 1
	fmt.Sscan(r.URL.Query().Get("page"), &page)
	from := min((page-1)*2, len(a.tickets))
	to := min(from+2, len(a.tickets))
	var next any
	if to < len(a.tickets) {
		next = page + 1
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"tickets": a.tickets[from:to], "next": next})
}

// webhookSink receives webhooks and keeps those whose signatures verify.
type webhookSink struct {
	*httptest.Server
	key string
	mu  sync.Mutex
	got []map[string]any
	bad int
}

func newWebhookSink(t testing.TB, key string) *webhookSink {
	s := &webhookSink{key: key}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := outbox.Verify(r.Header, s.key, body, time.Now(), 5*time.Minute); err != nil {
			s.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var v map[string]any
		json.Unmarshal(body, &v)
		s.got = append(s.got, v)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *webhookSink) list() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// withOutbox gives the harness's server an outbox that delivers to sink.
func withOutbox(t testing.TB, sink *webhookSink) func(*Config) {
	return func(c *Config) {
		ob, err := outbox.New(outbox.Config{Store: c.Store, Sealer: c.Sealer, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := ob.ReplaceURLs(ctx, "dev", []string{sink.URL}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ob.ResolveSigningKey(ctx, "dev", sink.key, ""); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { ob.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		c.Outbox = ob
	}
}

// waitRuns waits until n runs of a sync have finished and returns them,
// newest first.
func (h *fnHarness) waitRuns(sync string, n int) []map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := h.must(http.StatusOK, "GET", "/executions?function="+sync, nil)
		var done []map[string]any
		for _, e := range out["executions"].([]any) {
			if e := e.(map[string]any); e["status"] != "running" {
				done = append(done, e)
			}
		}
		if len(done) >= n {
			return done
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d runs of %s finished, want %d: %v", len(done), sync, n, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// records pages through GET /records from cursor and returns the records.
func (h *fnHarness) records(model, cursor string) []map[string]any {
	h.t.Helper()
	var all []map[string]any
	for {
		q := url.Values{"model": {model}, "limit": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		out := h.must(http.StatusOK, "GET", "/records?"+q.Encode(), nil, "Connection-Id", "conn-1", "Provider-Config-Key", "demo")
		for _, r := range out["records"].([]any) {
			all = append(all, r.(map[string]any))
		}
		next, _ := out["next_cursor"].(string)
		if next == "" {
			return all
		}
		cursor = next
	}
}

func actions(records []map[string]any) map[string]string {
	out := map[string]string{}
	for _, r := range records {
		out[r["id"].(string)] = r["_nango_metadata"].(map[string]any)["last_action"].(string)
	}
	return out
}

func lastCursor(records []map[string]any) string {
	return records[len(records)-1]["_nango_metadata"].(map[string]any)["cursor"].(string)
}

// TestSyncRunsAndTracksChanges deploys a full sync with trackDeletes,
// which runs at once for the existing connection; changes upstream show as
// ADDED, UPDATED and DELETED after a trigger, each with a signed webhook;
// a failed run deletes nothing.
func TestSyncRunsAndTracksChanges(t *testing.T) {
	api := newTicketAPI(t, "1=one", "2=two", "3=three")
	sink := newWebhookSink(t, "sync-test-signing-key-1")
	h := newFnHarness(t, nil, withOutbox(t, sink))
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/tickets")

	runs := h.waitRuns("tickets", 1)
	if runs[0]["status"] != "success" || runs[0]["trigger"] != "initial" {
		t.Fatalf("first run: %v", runs[0])
	}
	first := h.records("Ticket", "")
	if got := actions(first); len(got) != 3 || got["1"] != "ADDED" || got["3"] != "ADDED" {
		t.Fatalf("after the first run: %v", got)
	}

	api.set("1=one", "2=TWO", "4=four") // 2 changes, 3 goes, 4 comes
	h.must(http.StatusOK, "POST", "/sync/trigger", []byte(`{"syncs":["tickets"],"provider_config_key":"demo","connection_id":"conn-1"}`))
	runs = h.waitRuns("tickets", 2)
	if runs[0]["status"] != "success" || runs[0]["trigger"] != "manual" {
		t.Fatalf("second run: %v", runs[0])
	}
	changes := h.records("Ticket", lastCursor(first))
	if got := actions(changes); len(got) != 3 || got["2"] != "UPDATED" || got["3"] != "DELETED" || got["4"] != "ADDED" {
		t.Fatalf("changes after the second run: %v", got)
	}

	api.mu.Lock()
	api.fail = true
	api.mu.Unlock()
	h.must(http.StatusOK, "POST", "/sync/trigger", []byte(`{"syncs":["*"],"provider_config_key":"demo"}`))
	runs = h.waitRuns("tickets", 3)
	if e, _ := runs[0]["error"].(map[string]any); runs[0]["status"] != "failed" || e == nil {
		t.Fatalf("failed run: %v", runs[0])
	}
	if more := h.records("Ticket", lastCursor(changes)); len(more) != 0 {
		t.Fatalf("a failed run changed records: %v", more)
	}
	status := h.must(http.StatusOK, "GET", "/sync/status?syncs=tickets&provider_config_key=demo&connection_id=conn-1", nil)
	st := status["syncs"].([]any)[0].(map[string]any)
	if st["status"] != "ERROR" || st["recordCount"].(map[string]any)["Ticket"] != 3.0 || st["nextScheduledSyncAt"] == nil || st["type"] != "FULL" {
		t.Fatalf("status: %v", st)
	}

	// Webhooks: one per run with changes, and one for the failure.
	deadline := time.Now().Add(10 * time.Second)
	for len(sink.list()) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := sink.list()
	if len(got) != 3 || sink.bad != 0 {
		t.Fatalf("webhooks: %d verified, %d bad: %v", len(got), sink.bad, got)
	}
	byResult := map[string]map[string]any{}
	for _, w := range got {
		key := fmt.Sprintf("%v %v", w["success"], w["syncType"])
		byResult[key] = w
		if w["from"] != "nango" || w["type"] != "sync" || w["connectionId"] != "conn-1" || w["providerConfigKey"] != "demo" || w["syncName"] != "tickets" || w["model"] != "Ticket" {
			t.Errorf("webhook: %v", w)
		}
	}
	if r, _ := byResult["true INITIAL"]["responseResults"].(map[string]any); r["added"] != 3.0 {
		t.Errorf("first run's webhook: %v", byResult["true INITIAL"])
	}
	if r, _ := byResult["true FULL"]["responseResults"].(map[string]any); r["added"] != 1.0 || r["updated"] != 1.0 || r["deleted"] != 1.0 {
		t.Errorf("second run's webhook: %v", byResult["true FULL"])
	}
	if w := byResult["false FULL"]; w["error"] == nil || w["failedAt"] == nil {
		t.Errorf("failure webhook: %v", w)
	}

	// The run's report: its log lines and its upstream calls.
	id := fmt.Sprint(int(runs[1]["id"].(float64)))
	exec := h.must(http.StatusOK, "GET", "/executions/"+id, nil)
	report := exec["report"].(map[string]any)
	if len(report["logs"].([]any)) != 2 || len(report["calls"].([]any)) != 2 {
		t.Fatalf("report: %v", report)
	}
}

// TestSyncControl pauses, starts, and changes a sync's frequency, and
// refuses bad input precisely.
func TestSyncControl(t *testing.T) {
	api := newTicketAPI(t, "1=one")
	h := newFnHarness(t, nil)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/tickets")
	h.waitRuns("tickets", 1)

	status := func() map[string]any {
		out := h.must(http.StatusOK, "GET", "/sync/status?syncs=*&provider_config_key=demo&connection_id=conn-1", nil)
		return out["syncs"].([]any)[0].(map[string]any)
	}
	sel := []byte(`{"syncs":["tickets"],"provider_config_key":"demo","connection_id":"conn-1"}`)
	h.must(http.StatusOK, "POST", "/sync/pause", sel)
	if st := status(); st["status"] != "PAUSED" || st["nextScheduledSyncAt"] != nil {
		t.Fatalf("paused: %v", st)
	}
	h.must(http.StatusOK, "POST", "/sync/start", sel)
	if st := status(); st["status"] != "SUCCESS" || st["nextScheduledSyncAt"] == nil || st["frequency"] != "every hour" {
		t.Fatalf("started: %v", st)
	}
	out := h.must(http.StatusOK, "PUT", "/sync/update-connection-frequency", []byte(`{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":"every 5 minutes"}`))
	if out["frequency"] != "every 5 minutes" || status()["frequency"] != "every 5 minutes" {
		t.Fatalf("frequency override: %v %v", out, status())
	}
	next, _ := time.Parse(time.RFC3339Nano, status()["nextScheduledSyncAt"].(string))
	if d := time.Until(next); d > 5*time.Minute || d < 0 {
		t.Fatalf("next run in %v after a 5-minute frequency", d)
	}
	out = h.must(http.StatusOK, "PUT", "/sync/update-connection-frequency", []byte(`{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":null}`))
	if out["frequency"] != "every hour" {
		t.Fatalf("frequency reset: %v", out)
	}
	all := h.must(http.StatusOK, "GET", "/syncs", nil)
	if n := len(all["syncs"].([]any)); n != 1 {
		t.Fatalf("GET /syncs: %v", all)
	}

	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"trigger unknown sync", "POST", "/sync/trigger", `{"syncs":["nope"],"provider_config_key":"demo"}`, 404, `sync "nope" is not deployed for integration "demo"`},
		{"trigger an action", "POST", "/sync/trigger", `{"syncs":["echo"],"provider_config_key":"demo"}`, 404, `sync "echo" is not deployed`},
		{"trigger without syncs", "POST", "/sync/trigger", `{"provider_config_key":"demo"}`, 400, "syncs is required"},
		{"trigger without integration", "POST", "/sync/trigger", `{"syncs":["tickets"]}`, 400, "provider_config_key is required"},
		{"trigger unknown integration", "POST", "/sync/trigger", `{"syncs":["tickets"],"provider_config_key":"nope"}`, 404, "nope"},
		{"trigger unknown connection", "POST", "/sync/trigger", `{"syncs":["tickets"],"provider_config_key":"demo","connection_id":"nope"}`, 404, "nope"},
		{"trigger malformed", "POST", "/sync/trigger", `{"syncs":`, 400, "malformed JSON"},
		{"trigger bad syncs", "POST", "/sync/trigger", `{"syncs":"tickets","provider_config_key":"demo"}`, 400, "syncs must be an array"},
		{"trigger bad mode", "POST", "/sync/trigger", `{"syncs":["tickets"],"provider_config_key":"demo","sync_mode":"fast"}`, 400, `sync_mode "fast"`},
		{"pause unknown sync", "POST", "/sync/pause", `{"syncs":["nope"],"provider_config_key":"demo"}`, 404, "not deployed"},
		{"status without syncs", "GET", "/sync/status?provider_config_key=demo", "", 400, "syncs query parameter is required"},
		{"status without integration", "GET", "/sync/status?syncs=*", "", 400, "provider_config_key"},
		{"frequency too often", "PUT", "/sync/update-connection-frequency", `{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":"every 5 seconds"}`, 400, "every 5 seconds"},
		{"frequency unreadable", "PUT", "/sync/update-connection-frequency", `{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":"sometimes"}`, 400, "sometimes"},
		{"frequency too rare", "PUT", "/sync/update-connection-frequency", `{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":"every 40 days"}`, 400, "every 40 days"},
		{"frequency of unknown sync", "PUT", "/sync/update-connection-frequency", `{"sync_name":"nope","provider_config_key":"demo","connection_id":"conn-1","frequency":"every hour"}`, 404, "not deployed"},
		{"frequency missing fields", "PUT", "/sync/update-connection-frequency", `{"sync_name":"tickets"}`, 400, "required"},
		{"executions bad status", "GET", "/executions?status=meh", "", 400, `status "meh"`},
		{"executions bad limit", "GET", "/executions?limit=0", "", 400, "limit"},
		{"executions bad cursor", "GET", "/executions?before=x", "", 400, "malformed before cursor"},
		{"unknown execution", "GET", "/executions/999999", "", 404, "999999"},
		{"execution id not a number", "GET", "/executions/abc", "", 400, "not a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := h.do(tc.method, tc.path, []byte(tc.body), "Content-Type", "application/json")
			var answer struct{ Error struct{ Message string } }
			json.Unmarshal(out, &answer)
			if status != tc.status || !strings.Contains(answer.Error.Message, tc.message) {
				t.Fatalf("%d %s, want %d with %q", status, out, tc.status, tc.message)
			}
		})
	}
	if status, _ := h.do("POST", "/sync/trigger", sel, "Authorization", "Bearer wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d", status)
	}
}

// TestAuthWebhooksGoThroughTheOutbox checks that a server with an outbox
// and no other notifier delivers auth events as signed `auth` webhooks.
func TestAuthWebhooksGoThroughTheOutbox(t *testing.T) {
	sink := newWebhookSink(t, "auth-test-signing-key-1")
	h := newFnHarness(t, nil, withOutbox(t, sink))
	ev := AuthEvent{ConnectionID: "u1", AuthMode: "OAUTH2", ProviderConfigKey: "demo", Provider: "github", Operation: "refresh"}
	h.srv.notifyAuth(context.Background(), ev, "refresh_token_external_error", errors.New("invalid_grant"))
	deadline := time.Now().Add(10 * time.Second)
	for len(sink.list()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := sink.list()
	if len(got) != 1 {
		t.Fatalf("auth webhooks: %v", got)
	}
	w := got[0]
	e, _ := w["error"].(map[string]any)
	if w["from"] != "nango" || w["type"] != "auth" || w["operation"] != "refresh" || w["success"] != false || w["environment"] != "dev" ||
		e["type"] != "refresh_token_external_error" || e["description"] != "invalid_grant" {
		t.Fatalf("auth webhook: %v", w)
	}
}

// TestSyncScheduleSurvivesRestart restarts the server on the same store:
// the sync is scheduled again, and a run missed while it was down (its
// last run is older than its frequency) runs once at start; a redeploy
// keeps the sync's state.
func TestSyncScheduleSurvivesRestart(t *testing.T) {
	api := newTicketAPI(t, "1=one", "2=two")
	st := fnOpenStore(t)
	fast := func(c *Config) { c.Syncs.CatchUpWindow = 100 * time.Millisecond }
	h := newFnHarness(t, st, fast)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/tickets")
	h.waitRuns("tickets", 1)
	if err := h.srv.Shutdown(context.Background()); err != nil && !strings.Contains(err.Error(), "not running") {
		t.Fatal(err)
	}

	// Its last run three hours ago: an hourly sync missed runs.
	key := store.SyncKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "demo", ConnectionID: "conn-1"}, Sync: "tickets"}
	if _, err := st.UpdateSyncState(context.Background(), key, func(s *store.SyncState) error {
		s.LastStartedAt = time.Now().Add(-3 * time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sealer := h.srv.cfg.Sealer // the same keys: the credentials must open
	h = newFnHarness(t, st, fast, func(c *Config) { c.Sealer = sealer })
	if err := h.srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	runs := h.waitRuns("tickets", 2)
	if runs[0]["trigger"] != "schedule" || runs[0]["status"] != "success" {
		t.Fatalf("the missed run: %v", runs[0])
	}
	time.Sleep(300 * time.Millisecond) // past the catch-up window: no second catch-up
	if runs := h.waitRuns("tickets", 2); len(runs) != 2 {
		t.Fatalf("%d runs after the restart, want one catch-up run", len(runs)-1)
	}
	status := h.must(http.StatusOK, "GET", "/sync/status?syncs=tickets&provider_config_key=demo&connection_id=conn-1", nil)
	if s := status["syncs"].([]any)[0].(map[string]any); s["nextScheduledSyncAt"] == nil || s["recordCount"].(map[string]any)["Ticket"] != 2.0 {
		t.Fatalf("status after the restart: %v", s)
	}

	// A redeploy keeps the records and the state; the next run uses it.
	h.deploy("demo/syncs/tickets")
	h.must(http.StatusOK, "POST", "/sync/trigger", []byte(`{"syncs":["tickets"],"provider_config_key":"demo","connection_id":"conn-1"}`))
	runs = h.waitRuns("tickets", 3)
	if runs[0]["status"] != "success" {
		t.Fatalf("run after a redeploy: %v", runs[0])
	}
	if n := len(h.records("Ticket", "")); n != 2 {
		t.Fatalf("%d records after a redeploy, want 2", n)
	}
}
