package webhooks

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

func providersValue(path string) providers.WebhookValue { return providers.WebhookValue{Path: path} }

func TestDeliveryID(t *testing.T) {
	gh := &providers.Webhook{DeliveryIDHeader: "X-GitHub-Delivery"}
	const bodyHash = "sha256:b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c" // sha256("foo\n")
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name string
		cfg  *providers.Webhook
		r    Request
		want string
	}{
		{"from the header", gh, req("foo\n", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
		{"header trimmed", gh, req("foo\n", "X-GitHub-Delivery", " d-1 "), "d-1"},
		{"header missing: body hash", gh, req("foo\n"), bodyHash},
		{"no config: body hash", nil, req("foo\n", "X-GitHub-Delivery", "d-1"), bodyHash},
		{"no header configured: body hash", &providers.Webhook{}, req("foo\n", "X-GitHub-Delivery", "d-1"), bodyHash},
		{"long header value hashed", gh, req("foo\n", "X-GitHub-Delivery", long), hashID([]byte(long))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DeliveryID(tc.cfg, tc.r); got != tc.want {
				t.Fatalf("DeliveryID = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEventType(t *testing.T) {
	payload := json.RawMessage(`{"event":{"type":"message","n":12345678901234567890,"ok":true,"none":null,"obj":{}},
		"items":[{"id":"a"},{"id":7}],"type":"event_callback"}`)
	for _, tc := range []struct {
		name string
		cfg  *providers.Webhook
		r    Request
		want string
	}{
		{"header", &providers.Webhook{EventType: providers.WebhookValue{Header: "X-GitHub-Event"}}, req("", "X-GitHub-Event", "push"), "push"},
		{"header absent, path", &providers.Webhook{EventType: providers.WebhookValue{Header: "X-GitHub-Event", Path: "type"}}, req(""), "event_callback"},
		{"header wins over path", &providers.Webhook{EventType: providers.WebhookValue{Header: "X-E", Path: "type"}}, req("", "X-E", "h"), "h"},
		{"nested path", &providers.Webhook{EventType: providers.WebhookValue{Path: "event.type"}}, req(""), "message"},
		{"big number keeps its digits", &providers.Webhook{EventType: providers.WebhookValue{Path: "event.n"}}, req(""), "12345678901234567890"},
		{"boolean", &providers.Webhook{EventType: providers.WebhookValue{Path: "event.ok"}}, req(""), "true"},
		{"array index", &providers.Webhook{EventType: providers.WebhookValue{Path: "items.1.id"}}, req(""), "7"},
		{"index out of range", &providers.Webhook{EventType: providers.WebhookValue{Path: "items.2.id"}}, req(""), ""},
		{"negative index", &providers.Webhook{EventType: providers.WebhookValue{Path: "items.-1.id"}}, req(""), ""},
		{"null", &providers.Webhook{EventType: providers.WebhookValue{Path: "event.none"}}, req(""), ""},
		{"object", &providers.Webhook{EventType: providers.WebhookValue{Path: "event.obj"}}, req(""), ""},
		{"through a string", &providers.Webhook{EventType: providers.WebhookValue{Path: "type.x"}}, req(""), ""},
		{"missing member", &providers.Webhook{EventType: providers.WebhookValue{Path: "action"}}, req(""), ""},
		{"nothing configured", &providers.Webhook{}, req("", "X-GitHub-Event", "push"), ""},
		{"no config", nil, req(""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := EventType(tc.cfg, tc.r, payload); got != tc.want {
				t.Fatalf("EventType = %q, want %q", got, tc.want)
			}
		})
	}
	// A form-decoded Slack payload is found by its path under "payload".
	slack := req("payload=%7B%22type%22%3A%22view_submission%22%7D", "Content-Type", "application/x-www-form-urlencoded")
	p, err := Payload(slack)
	if err != nil {
		t.Fatal(err)
	}
	if got := EventType(&providers.Webhook{EventType: providers.WebhookValue{Path: "payload.type"}}, slack, p); got != "view_submission" {
		t.Fatalf("slack interactivity type = %q", got)
	}
}

func TestLookupMalformedPayload(t *testing.T) {
	for _, p := range []string{``, `{`, `[1,`, `"x"`, `nul`, `{"a":tru}`} {
		if v, ok := Lookup(providersValue("a"), Request{Header: http.Header{}}, json.RawMessage(p)); ok {
			t.Errorf("Lookup in %q = %q", p, v)
		}
	}
}

func TestKeepHeaders(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer x"},
		"Cookie":              {"a=b"},
		"Proxy-Authorization": {"Basic y"},
		"X-Github-Event":      {"push"},
		"X-Multi":             {"a", "b"},
		"x-multi":             {"c"}, // built by hand, not canonical: merged
		"Content-Type":        {"application/json"},
	}
	kept := KeepHeaders(h)
	want := map[string]string{"x-github-event": "push", "x-multi": "a, b, c", "content-type": "application/json"}
	if len(kept) != len(want) {
		t.Fatalf("kept %v, want %v", kept, want)
	}
	for k, v := range want {
		if kept[k] != v {
			t.Errorf("kept[%q] = %q, want %q", k, kept[k], v)
		}
	}
	back := RestoreHeaders(kept)
	if back.Get("X-GitHub-Event") != "push" || back.Get("Authorization") != "" {
		t.Fatalf("restored %v", back)
	}
}

func TestRequestURL(t *testing.T) {
	for _, tc := range []struct {
		r    Request
		want string
	}{
		{Request{PublicURL: "https://f.example.com/", Path: "/webhook/dev/x"}, "https://f.example.com/webhook/dev/x"},
		{Request{PublicURL: "https://f.example.com/ferry", Path: "/webhook/dev/x", RawQuery: "a=1"}, "https://f.example.com/ferry/webhook/dev/x?a=1"},
		{Request{Header: http.Header{"Host": {"h:8080"}}, Path: "/p"}, "https://h:8080/p"},
	} {
		if got := tc.r.URL(); got != tc.want {
			t.Errorf("URL() = %q, want %q", got, tc.want)
		}
	}
}
