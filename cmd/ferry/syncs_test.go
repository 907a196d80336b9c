package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
)

// ticketAPI is a paginated loopback API: two tickets a page, an optional
// delay per page, and a log of the pages asked for.
type ticketAPI struct {
	*httptest.Server
	mu      sync.Mutex
	tickets []map[string]string
	delay   time.Duration
	pages   []int
}

func newTicketAPI(t *testing.T) *ticketAPI {
	a := &ticketAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		a.mu.Lock()
		a.pages = append(a.pages, page)
		delay, tickets := a.delay, a.tickets
		a.mu.Unlock()
		time.Sleep(delay)
		from := min((page-1)*2, len(tickets))
		to := min(from+2, len(tickets))
		var next any
		if to < len(tickets) {
			next = page + 1
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"tickets": tickets[from:to], "next": next})
	}))
	t.Cleanup(a.Close)
	return a
}

// set replaces the tickets ("id=title" each) and the delay per page.
func (a *ticketAPI) set(delay time.Duration, tickets ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.delay, a.tickets, a.pages = delay, nil, nil
	for _, tk := range tickets {
		id, title, _ := strings.Cut(tk, "=")
		a.tickets = append(a.tickets, map[string]string{"id": id, "title": title})
	}
}

func (a *ticketAPI) pagesAsked() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]int(nil), a.pages...)
}

// webhookReceiver is the customer's backend: it verifies each webhook's
// signatures and keeps the good ones; until it accepts, it answers 503.
type webhookReceiver struct {
	*httptest.Server
	key    string
	mu     sync.Mutex
	accept bool
	got    []map[string]any
	bad    int
}

func newWebhookReceiver(t *testing.T, key string, accept bool) *webhookReceiver {
	rc := &webhookReceiver{key: key, accept: accept}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := outbox.Verify(r.Header, rc.key, body, time.Now(), 5*time.Minute); err != nil {
			rc.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if !rc.accept {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var v map[string]any
		json.Unmarshal(body, &v)
		rc.got = append(rc.got, v)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *webhookReceiver) setAccept(v bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.accept = v
}

// wait waits for n verified webhooks and returns them.
func (rc *webhookReceiver) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rc.mu.Lock()
		got, bad := append([]map[string]any(nil), rc.got...), rc.bad
		rc.mu.Unlock()
		if bad > 0 {
			t.Fatalf("%d webhooks failed verification", bad)
		}
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) < n {
				t.Fatalf("%d webhooks arrived, want %d: %v", len(got), n, got)
			}
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncProject copies the server's test functions (integration "demo":
// an action and syncs, tickets among them) with zod beside it, for ferry
// deploy.
func syncProject(t *testing.T, s *server) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "zod")); err != nil {
		t.Skipf("needs zod: run npm ci at the repository's root (%v)", err)
	}
	project := t.TempDir()
	if err := os.CopyFS(project, os.DirFS(filepath.Join(root, "server", "testdata", "functions"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(project, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return project
}

// setupSyncs creates integration demo with connection conn-1 (its
// metadata points at api) and deploys the test functions.
func setupSyncs(t *testing.T, s *server, api *ticketAPI) {
	t.Helper()
	setupSyncsOn(t, s, api.URL, "tok-1")
}

// setupSyncsOn is setupSyncs with the connection's API at baseURL,
// reached with apiKey.
func setupSyncsOn(t *testing.T, s *server, baseURL, apiKey string) {
	t.Helper()
	k := testSecretKey
	if st, v := s.call("POST", "/integrations", k, `{"unique_key":"demo","provider":"github-pat"}`); st != 200 {
		t.Fatalf("create integration: %d %v", st, v)
	}
	if st, v := s.call("POST", "/connections", k, `{"provider_config_key":"demo","connection_id":"conn-1",
		"credentials":{"type":"API_KEY","apiKey":"`+apiKey+`"},"metadata":{"base_url":"`+baseURL+`"}}`); st != 201 {
		t.Fatalf("create connection: %d %v", st, v)
	}
	project := syncProject(t, s)
	if stdout, stderr, ok := ferry(t, "deploy", filepath.Join(project, "demo"), "--host", s.url, "--secret-key", k); !ok || !strings.Contains(stdout, "deployed demo/tickets (sync)") {
		t.Fatalf("deploy: %s\n%s", stdout, stderr)
	}
}

// runs returns the finished runs of the tickets sync, newest first.
func (s *server) runs(t *testing.T) []map[string]any {
	t.Helper()
	st, v := s.call("GET", "/executions?function=tickets", testSecretKey, "")
	if st != 200 {
		t.Fatalf("GET /executions: %d %v", st, v)
	}
	var done []map[string]any
	for _, e := range v["executions"].([]any) {
		if e := e.(map[string]any); e["status"] != "running" {
			done = append(done, e)
		}
	}
	return done
}

func (s *server) waitRuns(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		runs := s.runs(t)
		if len(runs) >= n {
			return runs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d runs finished, want %d\n%s", len(runs), n, s.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// records reads every change of model Ticket of demo/conn-1 after cursor,
// 3 a page.
func (s *server) records(t *testing.T, cursor string) []map[string]any {
	t.Helper()
	return s.readRecords(t, "demo", "conn-1", "Ticket", cursor, 3)
}

// readRecords pages through every change of a model of a connection after
// cursor, limit a page.
func (s *server) readRecords(t testing.TB, integration, conn, model, cursor string, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	for {
		q := url.Values{"model": {model}, "limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		st, v := s.call("GET", "/records?"+q.Encode(), testSecretKey, "", "Connection-Id", conn, "Provider-Config-Key", integration)
		if st != 200 {
			t.Fatalf("GET /records: %d %v", st, v)
		}
		for _, r := range v["records"].([]any) {
			all = append(all, r.(map[string]any))
		}
		next, _ := v["next_cursor"].(string)
		if next == "" {
			return all
		}
		cursor = next
	}
}

func lastActions(records []map[string]any) map[string]string {
	out := map[string]string{}
	for _, r := range records {
		out[r["id"].(string)] = r["_nango_metadata"].(map[string]any)["last_action"].(string)
	}
	return out
}

func cursorOf(records []map[string]any) string {
	return records[len(records)-1]["_nango_metadata"].(map[string]any)["cursor"].(string)
}

// TestServeSyncEndToEnd drives the real binary: a TypeScript sync deployed
// with ferry deploy runs at once for the connection; upstream changes
// show in GET /records as ADDED, UPDATED and DELETED after ferry syncs
// trigger; the receiver verifies every webhook; ferry syncs and ferry logs
// show it all.
func TestServeSyncEndToEnd(t *testing.T) {
	api := newTicketAPI(t)
	api.set(0, "1=one", "2=two", "3=three")
	const signingKey = "e2e-webhook-signing-key"
	rc := newWebhookReceiver(t, signingKey, true)
	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey, "FERRY_ALLOW_PRIVATE_NETWORKS=1",
		"FERRY_WEBHOOK_URL="+rc.URL, "FERRY_WEBHOOK_SIGNING_KEY="+signingKey)
	setupSyncs(t, s, api)
	k := testSecretKey

	if runs := s.waitRuns(t, 1); runs[0]["status"] != "success" {
		t.Fatalf("first run: %v", runs[0])
	}
	first := s.records(t, "")
	if got := lastActions(first); len(got) != 3 || got["2"] != "ADDED" {
		t.Fatalf("records after the first run: %v", got)
	}

	api.set(0, "1=one", "2=TWO", "4=four")
	cli := []string{"--host", s.url, "--secret-key", k}
	if out, errOut, ok := ferry(t, append([]string{"syncs", "trigger", "tickets", "--integration", "demo", "--connection", "conn-1"}, cli...)...); !ok || !strings.Contains(out, "trigger: tickets on connection conn-1 of demo") {
		t.Fatalf("ferry syncs trigger: %q\n%q", out, errOut)
	}
	s.waitRuns(t, 2)
	if got := lastActions(s.records(t, cursorOf(first))); len(got) != 3 || got["2"] != "UPDATED" || got["3"] != "DELETED" || got["4"] != "ADDED" {
		t.Fatalf("changes after the second run: %v", got)
	}

	hooks := rc.wait(t, 2)
	results := map[string]string{}
	for _, w := range hooks {
		r := w["responseResults"].(map[string]any)
		results[w["syncType"].(string)] = fmt.Sprintf("+%v ~%v -%v", r["added"], r["updated"], r["deleted"])
		if w["type"] != "sync" || w["model"] != "Ticket" || w["connectionId"] != "conn-1" || w["success"] != true {
			t.Fatalf("webhook: %v", w)
		}
	}
	if results["INITIAL"] != "+3 ~0 -0" || results["FULL"] != "+1 ~1 -1" {
		t.Fatalf("webhook results: %v", results)
	}

	out, errOut, ok := ferry(t, append([]string{"syncs", "--integration", "demo"}, cli...)...)
	if !ok || !strings.Contains(out, "tickets") || !strings.Contains(out, "SUCCESS") || !strings.Contains(out, "Ticket=3") || !strings.Contains(out, "every hour") {
		t.Fatalf("ferry syncs: %s\n%s", out, errOut)
	}
	out, errOut, ok = ferry(t, append([]string{"logs", "--function", "tickets"}, cli...)...)
	if !ok || strings.Count(out, "success") != 2 || !strings.Contains(out, "Ticket +1 ~1 -1") || !strings.Contains(out, "(manual)") {
		t.Fatalf("ferry logs: %s\n%s", out, errOut)
	}
	id := fmt.Sprint(int(s.runs(t)[0]["id"].(float64)))
	out, errOut, ok = ferry(t, append([]string{"logs", id}, cli...)...)
	if !ok || !strings.Contains(out, "page 1: 2 tickets") || !strings.Contains(out, "GET "+api.URL+"/tickets?page=2 → 200") {
		t.Fatalf("ferry logs %s: %s\n%s", id, out, errOut)
	}

	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"invalid frequency", "PUT", "/sync/update-connection-frequency", `{"sync_name":"tickets","provider_config_key":"demo","connection_id":"conn-1","frequency":"every 10 seconds"}`, 400, "invalid_frequency"},
		{"unknown sync", "POST", "/sync/trigger", `{"syncs":["nope"],"provider_config_key":"demo"}`, 404, "unknown_sync"},
		{"unknown model", "GET", "/records?model=Nope", "", 404, ""},
		{"malformed cursor", "GET", "/records?model=Ticket&cursor=zzz", "", 400, ""},
		{"limit out of range", "GET", "/records?model=Ticket&limit=10001", "", 400, ""},
	} {
		st, v := s.call(tc.method, tc.path, k, tc.body, "Connection-Id", "conn-1", "Provider-Config-Key", "demo", "Content-Type", "application/json")
		if st != tc.status || (tc.code != "" && errorCode(v) != tc.code) {
			t.Errorf("%s: %d %v, want %d %s", tc.name, st, v, tc.status, tc.code)
		}
	}
	if out, errOut, ok := ferry(t, append([]string{"syncs", "trigger", "tickets"}, cli...)...); ok || !strings.Contains(errOut, "--integration is required") {
		t.Errorf("trigger without --integration: %s\n%s", out, errOut)
	}
	if out, errOut, ok := ferry(t, append([]string{"logs", "--limit", "0"}, cli...)...); ok || !strings.Contains(errOut, "--limit 0") {
		t.Errorf("logs --limit 0: %s\n%s", out, errOut)
	}
}

// TestServeSyncResumesAfterKill kills the server with SIGKILL in the middle
// of a long sync while a webhook is still queued: after a restart the sync
// resumes from its checkpoint (not from page 1), every record is there
// exactly once, and the queued webhook is delivered.
func TestServeSyncResumesAfterKill(t *testing.T) {
	api := newTicketAPI(t)
	api.set(0, "1=a", "2=b", "3=c", "4=d")
	const signingKey = "kill-webhook-signing-key"
	rc := newWebhookReceiver(t, signingKey, false) // 503 for now: webhooks stay queued
	dir := t.TempDir()
	env := []string{"FERRY_SECRET_KEY=" + testSecretKey, "FERRY_ALLOW_PRIVATE_NETWORKS=1", "FERRY_WEBHOOK_URL=" + rc.URL, "FERRY_WEBHOOK_SIGNING_KEY=" + signingKey}
	s := startServer(t, dir, env...)
	setupSyncs(t, s, api)
	s.waitRuns(t, 1)

	// A long second run: 20 tickets, 10 pages of 300 ms.
	var tickets []string
	for i := 1; i <= 20; i++ {
		tickets = append(tickets, fmt.Sprintf("%d=t%d", i, i))
	}
	api.set(300*time.Millisecond, tickets...)
	if st, v := s.call("POST", "/sync/trigger", testSecretKey, `{"syncs":["tickets"],"provider_config_key":"demo","connection_id":"conn-1"}`); st != 200 {
		t.Fatalf("trigger: %d %v", st, v)
	}
	var page float64
	deadline := time.Now().Add(30 * time.Second)
	for page < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("the long run did not reach page 4\n%s", s.out)
		}
		time.Sleep(50 * time.Millisecond)
		_, v := s.call("GET", "/sync/status?syncs=tickets&provider_config_key=demo&connection_id=conn-1", testSecretKey, "")
		st := v["syncs"].([]any)[0].(map[string]any)
		if cp, ok := st["checkpoint"].(map[string]any); ok {
			page, _ = cp["page"].(float64)
		}
	}
	s.cmd.Process.Kill() // SIGKILL
	<-s.done
	asked := len(api.pagesAsked())

	rc.setAccept(true)
	s = startServer(t, dir, env...)
	runs := s.waitRuns(t, 3)
	if runs[1]["status"] != "failed" || runs[1]["error"].(map[string]any)["type"] != "interrupted" {
		t.Fatalf("the killed run: %v", runs[1])
	}
	if runs[0]["status"] != "success" || runs[0]["trigger"] != "resume" {
		t.Fatalf("the resumed run: %v", runs[0])
	}
	resumedFrom := api.pagesAsked()[asked]
	if resumedFrom < int(page) {
		t.Fatalf("the resumed run started at page %d, the checkpoint said %v (pages asked: %v)", resumedFrom, page, api.pagesAsked())
	}
	all := s.records(t, "")
	seen := map[string]int{}
	for _, r := range all {
		seen[r["id"].(string)]++
	}
	if len(all) != 20 || len(seen) != 20 {
		t.Fatalf("%d records, %d ids after the resumed run: %v", len(all), len(seen), seen)
	}
	hooks := rc.wait(t, 2) // the first run's, queued before the kill, and the resumed run's
	types := map[string]bool{}
	for _, w := range hooks {
		types[fmt.Sprint(w["syncType"], "/", w["executionId"])] = true
	}
	if len(types) < 2 {
		t.Fatalf("webhooks: %v", hooks)
	}
}

// TestLogsFindAFailingSyncsUpstream500 is issue 7's acceptance from the
// command line: a sync whose upstream answers 500 is listed by ferry logs
// --status failed, and ferry logs <id> shows the call, its 500 and its
// request's headers, with the credential redacted.
func TestLogsFindAFailingSyncsUpstream500(t *testing.T) {
	const secret = "ghp_cliLogsSecret9876"
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"down"}`, http.StatusInternalServerError)
	}))
	t.Cleanup(down.Close)
	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey, "FERRY_ALLOW_PRIVATE_NETWORKS=1")
	setupSyncsOn(t, s, down.URL, secret)
	if runs := s.waitRuns(t, 1); runs[0]["status"] != "failed" {
		t.Fatalf("run: %v", runs[0])
	}

	cli := []string{"--host", s.url, "--secret-key", testSecretKey}
	out, errOut, ok := ferry(t, append([]string{"logs", "--status", "failed"}, cli...)...)
	if !ok || !strings.Contains(out, "failed") || !strings.Contains(out, "demo/conn-1  sync tickets") {
		t.Fatalf("ferry logs --status failed: %s\n%s", out, errOut)
	}
	id := strings.TrimPrefix(strings.Fields(out)[2], "#")
	out, errOut, ok = ferry(t, append([]string{"logs", id}, cli...)...)
	if !ok || !strings.Contains(out, "GET "+down.URL+"/tickets?page=1 → 500") || !strings.Contains(out, "Authorization: REDACTED") {
		t.Fatalf("ferry logs %s: %s\n%s", id, out, errOut)
	}
	if strings.Contains(out, secret) {
		t.Fatalf("ferry logs %s shows the secret:\n%s", id, out)
	}
	if out, errOut, ok := ferry(t, append([]string{"logs", "--status", "broken"}, cli...)...); ok || !strings.Contains(errOut, "broken") {
		t.Errorf("logs --status broken: %s\n%s", out, errOut)
	}
}
