package main_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const hookSecret = "e2e-github-webhook-secret"

// sendGitHubHook posts a GitHub-style webhook (signed with secret) and
// returns the status and answer.
func sendGitHubHook(t testing.TB, s *server, secret, delivery string, installation, issue int, title string) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"action":"opened","issue":{"id":%d,"title":%q},"installation":{"id":%d}}`, issue, title, installation)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	req, _ := http.NewRequest("POST", s.url+"/webhook/dev/hooks", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// setupHooks creates integration hooks (GitHub, with a webhook secret)
// with connections c1 and c2 of installations 111 and 222, and deploys its
// webhook-handling sync.
func setupHooks(t *testing.T, s *server) {
	t.Helper()
	k := testSecretKey
	if st, v := s.call("POST", "/integrations", k, `{"unique_key":"hooks","provider":"github","webhook_secret":"`+hookSecret+`"}`); st != 200 {
		t.Fatalf("create integration: %d %v", st, v)
	}
	for conn, inst := range map[string]int{"c1": 111, "c2": 222} {
		body := fmt.Sprintf(`{"provider_config_key":"hooks","connection_id":%q,"credentials":{"type":"OAUTH2","access_token":"tok"},"connection_config":{"installation_id":%d}}`, conn, inst)
		if st, v := s.call("POST", "/connections", k, body); st != 201 {
			t.Fatalf("create connection: %d %v", st, v)
		}
	}
	project := syncProject(t, s)
	if out, errOut, ok := ferry(t, "deploy", filepath.Join(project, "hooks"), "--host", s.url, "--secret-key", k); !ok {
		t.Fatalf("deploy: %s\n%s", out, errOut)
	}
}

// issueRecords reads every Issue record of a connection of hooks.
func (s *server) issueRecords(t testing.TB, conn string) []map[string]any {
	t.Helper()
	return s.readRecords(t, "hooks", conn, "Issue", "", 1000)
}

// waitNoPending waits until the inbox has no pending webhook.
func (s *server) waitNoPending(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		_, v := s.call("GET", "/webhooks/inbox?status=pending&limit=1", testSecretKey, "")
		if list, _ := v["webhooks"].([]any); len(list) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooks still pending after %v", within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeWebhooksEndToEnd drives the real binary: a signed GitHub-style
// webhook for an installation reaches its connection's handler, whose
// record appears in GET /records; a bad signature is refused; the same
// delivery twice is processed once; the forward reaches a receiver that
// verifies its signature; ferry webhooks lists what came.
func TestServeWebhooksEndToEnd(t *testing.T) {
	const signingKey = "e2e-forward-signing-key"
	rc := newWebhookReceiver(t, signingKey, true)
	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey, "FERRY_WEBHOOK_URL="+rc.URL, "FERRY_WEBHOOK_SIGNING_KEY="+signingKey)
	setupHooks(t, s)

	if st, answer := sendGitHubHook(t, s, hookSecret, "delivery-1", 111, 7, "first issue"); st != 200 || !strings.Contains(answer, "accepted") {
		t.Fatalf("webhook: %d %s", st, answer)
	}
	if st, answer := sendGitHubHook(t, s, hookSecret, "delivery-1", 111, 7, "first issue"); st != 200 || !strings.Contains(answer, "duplicate") {
		t.Fatalf("redelivery: %d %s", st, answer)
	}
	if st, answer := sendGitHubHook(t, s, "not-the-secret", "delivery-2", 111, 8, "forged"); st != 401 {
		t.Fatalf("bad signature: %d %s", st, answer)
	}
	s.waitNoPending(t, 30*time.Second)
	recs := s.issueRecords(t, "c1")
	if len(recs) != 1 || recs[0]["title"] != "first issue" || recs[0]["_nango_metadata"].(map[string]any)["last_action"] != "ADDED" {
		t.Fatalf("c1's records: %v", recs)
	}
	if other := s.issueRecords(t, "c2"); len(other) != 0 {
		t.Fatalf("c2 got c1's webhook: %v", other)
	}
	st, v := s.call("GET", "/executions?function=issues", testSecretKey, "")
	if runs := v["executions"].([]any); st != 200 || len(runs) != 1 || runs[0].(map[string]any)["type"] != "webhook" {
		t.Fatalf("handler runs: %d %v", st, v)
	}

	// Two webhooks out: the event forwarded, and the handler's changes.
	byType := map[string]map[string]any{}
	for _, w := range rc.wait(t, 2) {
		byType[w["type"].(string)] = w
	}
	if w := byType["forward"]; w["connectionId"] != "c1" || w["providerConfigKey"] != "hooks" || w["payload"].(map[string]any)["action"] != "opened" {
		t.Fatalf("forward: %v", w)
	}
	if w := byType["sync"]; w["syncType"] != "WEBHOOK" || w["model"] != "Issue" || w["responseResults"].(map[string]any)["added"] != 1.0 {
		t.Fatalf("sync webhook of the handler: %v", w)
	}

	cli := []string{"--host", s.url, "--secret-key", testSecretKey}
	out, errOut, ok := ferry(t, append([]string{"webhooks"}, cli...)...)
	if !ok || !strings.Contains(out, "processed") || !strings.Contains(out, "delivery-1") || !strings.Contains(out, "c1:done") {
		t.Fatalf("ferry webhooks: %s\n%s", out, errOut)
	}
	_, rejected := s.call("GET", "/webhooks/rejected", testSecretKey, "")
	if list, _ := rejected["rejected"].([]any); len(list) != 1 {
		t.Fatalf("rejected webhooks: %v", rejected)
	}
	if out, errOut, ok := ferry(t, append([]string{"webhooks", "replay", "abc"}, cli...)...); ok || !strings.Contains(errOut, "not a number") {
		t.Fatalf("replay abc: %s\n%s", out, errOut)
	}
}

// TestServeWebhooksSurviveKill sends a burst of 1,000 webhooks, kills the
// server with SIGKILL right after the last 200, and restarts it: every
// webhook is handled, each exactly once.
func TestServeWebhooksSurviveKill(t *testing.T) {
	dir := t.TempDir()
	env := []string{"FERRY_SECRET_KEY=" + testSecretKey}
	s := startServer(t, dir, env...)
	setupHooks(t, s)

	const burst = 1000
	var wg sync.WaitGroup
	errs := make(chan string, burst)
	next := make(chan int, burst)
	for i := range burst {
		next <- i
	}
	close(next)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				inst := []int{111, 222}[i%2]
				if st, answer := sendGitHubHook(t, s, hookSecret, fmt.Sprintf("burst-%d", i), inst, 1000+i, fmt.Sprintf("issue %d", i)); st != 200 {
					errs <- fmt.Sprintf("webhook %d: %d %s", i, st, answer)
				}
			}
		}()
	}
	wg.Wait()
	s.cmd.Process.Kill() // SIGKILL, right after the last 200
	<-s.done
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}

	s = startServer(t, dir, env...)
	s.waitNoPending(t, 3*time.Minute)
	_, v := s.call("GET", "/webhooks/inbox?status=processed&limit=1000", testSecretKey, "")
	deliveries := map[string]bool{}
	for _, w := range v["webhooks"].([]any) {
		deliveries[w.(map[string]any)["delivery_id"].(string)] = true
	}
	if n := len(v["webhooks"].([]any)); n != burst || len(deliveries) != burst {
		t.Fatalf("%d processed webhooks, %d deliveries, want %d", n, len(deliveries), burst)
	}
	for _, conn := range []string{"c1", "c2"} {
		recs := s.issueRecords(t, conn)
		seen := map[string]bool{}
		for _, r := range recs {
			md := r["_nango_metadata"].(map[string]any)
			if md["last_action"] != "ADDED" {
				t.Fatalf("%s: record %v handled twice (%v)", conn, r["id"], md["last_action"])
			}
			seen[r["id"].(string)] = true
		}
		if len(recs) != burst/2 || len(seen) != burst/2 {
			t.Fatalf("%s: %d records, %d ids, want %d", conn, len(recs), len(seen), burst/2)
		}
	}
}
