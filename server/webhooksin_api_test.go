package server_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// inboxItem is an entry as GET /webhooks/inbox/:id shows it.
type inboxItem struct {
	ID                uint64            `json:"id"`
	ProviderConfigKey string            `json:"provider_config_key"`
	DeliveryID        string            `json:"delivery_id"`
	EventType         string            `json:"event_type"`
	Status            string            `json:"status"`
	Headers           map[string]string `json:"headers"`
	Payload           json.RawMessage   `json:"payload"`
}

func TestWebhookInboxAPI(t *testing.T) {
	env := startInboxEnv(t, false)
	_, out := env.post(t, "/webhook/dev/gh", []byte(pushBody), append(githubHeaders("gh-secret", "d-1", pushBody), "Authorization", "Bearer provider-token")...)
	id := uint64(out["id"].(float64))
	form := "payload=%7B%22type%22%3A%22view_submission%22%7D"
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	env.post(t, "/webhook/dev/sl", []byte(form), "Content-Type", "application/x-www-form-urlencoded",
		"X-Slack-Request-Timestamp", ts, "X-Slack-Signature", "v0="+hexHMAC("sl-secret", "v0:"+ts+":"+form))

	var item inboxItem
	if status := callJSON(t, env.url, inboxTestKey, "GET", fmt.Sprintf("/webhooks/inbox/%d", id), "", &item); status != 200 {
		t.Fatalf("GET one: %d", status)
	}
	if item.ProviderConfigKey != "gh" || item.DeliveryID != "d-1" || item.EventType != "push" || item.Status != "pending" ||
		string(item.Payload) != pushBody || item.Headers["x-github-delivery"] != "d-1" {
		t.Fatalf("entry: %+v", item)
	}
	if _, ok := item.Headers["authorization"]; ok {
		t.Fatal("the Authorization header was kept")
	}

	var page struct {
		Webhooks   []inboxItem `json:"webhooks"`
		NextCursor *string     `json:"next_cursor"`
	}
	if status := callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/inbox?integration=sl", "", &page); status != 200 || len(page.Webhooks) != 1 {
		t.Fatalf("list sl: %d %+v", status, page)
	}
	if sl := page.Webhooks[0]; sl.EventType != "view_submission" || sl.Payload != nil {
		t.Fatalf("listed slack entry: %+v", sl)
	}
	if callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/inbox?limit=1", "", &page); len(page.Webhooks) != 1 || page.NextCursor == nil || page.Webhooks[0].ProviderConfigKey != "sl" {
		t.Fatalf("first page: %+v", page)
	}
	if callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/inbox?limit=1&cursor="+*page.NextCursor, "", &page); len(page.Webhooks) != 1 || page.Webhooks[0].ID != id || page.NextCursor == nil {
		t.Fatalf("second page: %+v", page)
	}
	if callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/inbox?status=processed", "", &page); len(page.Webhooks) != 0 {
		t.Fatalf("processed: %+v", page)
	}

	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/webhooks/inbox", "", 401},
		{"/webhooks/inbox/1", "", 401},
		{"/webhooks/rejected", "", 401},
		{"/webhooks/inbox?limit=0", inboxTestKey, 400},
		{"/webhooks/inbox?limit=1001", inboxTestKey, 400},
		{"/webhooks/inbox?cursor=abc", inboxTestKey, 400},
		{"/webhooks/inbox?status=lost", inboxTestKey, 400},
		{"/webhooks/inbox/999", inboxTestKey, 404},
		{"/webhooks/inbox/x", inboxTestKey, 404},
		{"/webhooks/rejected?cursor=-", inboxTestKey, 400},
	} {
		if status := callJSON(t, env.url, tc.key, "GET", tc.path, "", nil); status != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, status, tc.status)
		}
	}
}

func TestWebhookRejectedRecorded(t *testing.T) {
	env := startInboxEnv(t, false)
	env.post(t, "/webhook/dev/gh", []byte(pushBody), githubHeaders("wrong", "d-1", pushBody)...)
	env.post(t, "/webhook/dev/gh", []byte(pushBody), "X-GitHub-Delivery", "d-2", "Cookie", "session=1")
	env.post(t, "/webhook/dev/nope", []byte(pushBody)) // unknown integration: nothing to record

	var page struct {
		Rejected []struct {
			ProviderConfigKey string            `json:"provider_config_key"`
			Reason            string            `json:"reason"`
			Headers           map[string]string `json:"headers"`
			Body              string            `json:"body"`
			BodySize          int               `json:"body_size"`
		} `json:"rejected"`
	}
	if status := callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/rejected", "", &page); status != 200 || len(page.Rejected) != 2 {
		t.Fatalf("rejected: %d %+v", status, page)
	}
	missing, bad := page.Rejected[0], page.Rejected[1]
	if !strings.Contains(missing.Reason, "no X-Hub-Signature-256 header") || missing.Headers["cookie"] != "" {
		t.Errorf("missing signature: %+v", missing)
	}
	if bad.ProviderConfigKey != "gh" || !strings.Contains(bad.Reason, "X-Hub-Signature-256 does not match") || bad.Body != pushBody || bad.BodySize != len(pushBody) {
		t.Errorf("bad signature: %+v", bad)
	}
	var inbox struct{ Webhooks []any }
	if callJSON(t, env.url, inboxTestKey, "GET", "/webhooks/inbox", "", &inbox); len(inbox.Webhooks) != 0 {
		t.Errorf("rejected webhooks reached the inbox: %v", inbox.Webhooks)
	}
}
