package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"
)

const hookSecret = "github-webhook-secret"

// githubHook sends a GitHub-style signed webhook to the receiver.
func (h *fnHarness) githubHook(delivery, event string, installation int, action, title string, issue int) map[string]any {
	h.t.Helper()
	body := fmt.Sprintf(`{"action":%q,"issue":{"id":%d,"title":%q},"installation":{"id":%d}}`, action, issue, title, installation)
	mac := hmac.New(sha256.New, []byte(hookSecret))
	mac.Write([]byte(body))
	return h.must(http.StatusOK, "POST", "/webhook/dev/hooks", []byte(body), "Content-Type", "application/json",
		"X-GitHub-Delivery", delivery, "X-GitHub-Event", event, "X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
}

// waitInbox waits until the event is no longer pending and returns it.
func (h *fnHarness) waitInbox(id any) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		en := h.must(http.StatusOK, "GET", fmt.Sprintf("/webhooks/inbox/%v", id), nil)
		if en["status"] != "pending" {
			return en
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("event %v still pending: %v", id, en)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *fnHarness) issues(conn string) map[string]string {
	h.t.Helper()
	out := h.must(http.StatusOK, "GET", "/records?model=Issue", nil, "Connection-Id", conn, "Provider-Config-Key", "hooks")
	got := map[string]string{}
	for _, r := range out["records"].([]any) {
		r := r.(map[string]any)
		got[r["id"].(string)] = r["title"].(string) + "/" + r["action"].(string)
	}
	return got
}

// TestWebhooksReachTheirConnection sends GitHub-style webhooks through the
// receiver: each reaches the handler of the connection of its
// installation, is forwarded signed, and a redelivery is handled once; a
// failing handler is retried, then parked, and can be replayed; an event
// of an unknown installation is kept as unattributed.
func TestWebhooksReachTheirConnection(t *testing.T) {
	sink := newWebhookSink(t, "dispatch-signing-key-1")
	h := newFnHarness(t, nil, withOutbox(t, sink), func(c *Config) {
		c.Syncs.WebhookAttempts, c.Syncs.WebhookBackoff = 2, 10*time.Millisecond
	})
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"hooks","provider":"github","webhook_secret":"`+hookSecret+`"}`), "Content-Type", "application/json")
	for conn, inst := range map[string]int{"c1": 111, "c2": 222} {
		h.must(http.StatusCreated, "POST", "/connections", []byte(fmt.Sprintf(`{"connection_id":%q,"provider_config_key":"hooks",
			"credentials":{"type":"OAUTH2","access_token":"tok"},"connection_config":{"installation_id":%d}}`, conn, inst)), "Content-Type", "application/json")
	}
	h.deploy("hooks/syncs/issues")
	if err := h.srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}

	first := h.githubHook("d-1", "issues", 111, "opened", "one", 1)
	if en := h.waitInbox(first["id"]); en["status"] != "processed" {
		t.Fatalf("event: %v", en)
	}
	if got := h.issues("c1"); got["1"] != "one/opened" || len(got) != 1 {
		t.Fatalf("c1's issues: %v", got)
	}
	if got := h.issues("c2"); len(got) != 0 {
		t.Fatalf("c2 got c1's event: %v", got)
	}
	if again := h.githubHook("d-1", "issues", 111, "opened", "one", 1); again["status"] != "duplicate" {
		t.Fatalf("redelivery: %v", again)
	}

	// Per connection in order: an edit after the opening wins.
	h.githubHook("d-2", "issues", 222, "opened", "two", 2)
	last := h.githubHook("d-3", "issues", 222, "edited", "two, edited", 2)
	h.waitInbox(last["id"])
	if got := h.issues("c2"); got["2"] != "two, edited/edited" {
		t.Fatalf("c2's issues: %v", got)
	}

	// Not subscribed: forwarded, no handler.
	push := h.githubHook("d-4", "push", 111, "", "", 0)
	if en := h.waitInbox(push["id"]); en["status"] != "processed" {
		t.Fatalf("push event: %v", en)
	}

	// A handler that fails: retried, then parked; a replay tries again.
	bad := h.githubHook("d-5", "issues", 111, "opened", "fail", 5)
	en := h.waitInbox(bad["id"])
	target := en["targets"].([]any)[0].(map[string]any)
	if en["status"] != "parked" || target["status"] != "parked" || target["attempts"] != 2.0 {
		t.Fatalf("failing event: %v", en)
	}
	replayed := h.must(http.StatusOK, "POST", fmt.Sprintf("/webhooks/inbox/%v/replay", bad["id"]), nil)
	if replayed["status"] != "pending" {
		t.Fatalf("replay: %v", replayed)
	}
	if en := h.waitInbox(bad["id"]); en["status"] != "parked" {
		t.Fatalf("replayed failing event: %v", en)
	}
	if status, _ := h.do("POST", fmt.Sprintf("/webhooks/inbox/%v/replay", first["id"]), nil); status != http.StatusConflict {
		t.Fatalf("replay of a processed event: %d", status)
	}

	// No installation of ours: unattributed, visible.
	stray := h.githubHook("d-6", "issues", 999, "opened", "stray", 6)
	if en := h.waitInbox(stray["id"]); en["status"] != "unattributed" {
		t.Fatalf("stray event: %v", en)
	}
	list := h.must(http.StatusOK, "GET", "/webhooks/inbox?status=unattributed", nil)
	if n := len(list["webhooks"].([]any)); n != 1 {
		t.Fatalf("unattributed list: %v", list)
	}

	// Forwards: one per attributed connection (and one for the stray).
	deadline := time.Now().Add(10 * time.Second)
	forwards := 0
	for time.Now().Before(deadline) {
		forwards = 0
		for _, w := range sink.list() {
			if w["type"] == "forward" {
				forwards++
			}
		}
		if forwards >= 6 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if forwards != 6 {
		t.Fatalf("%d forwards, want 6: %v", forwards, sink.list())
	}
}

// TestBatchedWebhooksAreSplit posts one HubSpot-style body carrying events
// of two portals and of two types: each event reaches its own portal's
// connection alone, and only the subscribed type is handled.
func TestBatchedWebhooksAreSplit(t *testing.T) {
	h := newFnHarness(t, nil)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"hs","provider":"hubspot","webhook_signature":{"scheme":"none"}}`), "Content-Type", "application/json")
	for conn, portal := range map[string]int{"p1": 1001, "p2": 1002} {
		h.must(http.StatusCreated, "POST", "/connections", []byte(fmt.Sprintf(`{"connection_id":%q,"provider_config_key":"hs",
			"credentials":{"type":"OAUTH2","access_token":"tok"},"connection_config":{"portalId":%d}}`, conn, portal)), "Content-Type", "application/json")
	}
	h.deploy("hs/syncs/contacts")
	if err := h.srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := `[{"objectId":11,"portalId":1001,"subscriptionType":"contact.creation"},
		{"objectId":21,"portalId":1002,"subscriptionType":"contact.creation"},
		{"objectId":12,"portalId":1001,"subscriptionType":"contact.deletion"},
		{"objectId":13,"portalId":1001,"subscriptionType":"contact.creation"},
		{"objectId":99,"portalId":4040,"subscriptionType":"contact.creation"}]`
	ack := h.must(http.StatusOK, "POST", "/webhook/dev/hs", []byte(body), "Content-Type", "application/json")
	en := h.waitInbox(ack["id"])
	if en["status"] != "processed" || en["event_type"] != "contact.creation" {
		t.Fatalf("event: %v", en)
	}
	contacts := func(conn string) map[string]string {
		out := h.must(http.StatusOK, "GET", "/records?model=Contact", nil, "Connection-Id", conn, "Provider-Config-Key", "hs")
		got := map[string]string{}
		for _, r := range out["records"].([]any) {
			r := r.(map[string]any)
			got[r["id"].(string)] = r["portal"].(string)
		}
		return got
	}
	if got := contacts("p1"); len(got) != 2 || got["11"] != "1001" || got["13"] != "1001" {
		t.Errorf("p1's contacts: %v", got)
	}
	if got := contacts("p2"); len(got) != 1 || got["21"] != "1002" {
		t.Errorf("p2's contacts: %v", got)
	}
}
