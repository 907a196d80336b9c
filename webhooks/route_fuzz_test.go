package webhooks

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

// FuzzAttribute routes arbitrary payloads, paths and header values with
// the rules of real providers: Attribute must never panic, must return
// candidates only, each once, and must say how it decided consistently
// with what it returned.
func FuzzAttribute(f *testing.F) {
	f.Add([]byte(`{"installation":{"id":123}}`), "installation.id", "T1")
	f.Add([]byte(`[{"portalId":62515,"subscriptionType":"contact.creation"}]`), "0.portalId", "")
	f.Add([]byte(`{"payload":{"team":{"id":"T111"}}}`), "payload.team.id", "s-1")
	f.Add([]byte(`{"a":[[{"b":[1,{"c":"x"}]}]]}`), "a.0.0.b.1.c", "")
	f.Add([]byte(`{"id":1e400}`), "id", "")
	f.Add([]byte(`{"id":"\u0000\ud800"}`), "id", "\x00")
	f.Add([]byte(`not json`), "a..b", "x")
	f.Add([]byte(`{"a":{"a":{"a":{}}}}`), "a.a.a.a.a.a.a.a.a.a.a.a", "")
	rulesets := []providers.Webhook{
		providers.Provider{WebhookRoutingScript: "githubAppWebhookRouting"}.WebhookConfig(),
		providers.Provider{WebhookRoutingScript: "slackWebhookRouting"}.WebhookConfig(),
		providers.Provider{WebhookRoutingScript: "hubspotWebhookRouting"}.WebhookConfig(),
		providers.Provider{WebhookRoutingScript: "unauthenticatedWebhookRouting"}.WebhookConfig(),
	}
	candidates := []Candidate{
		{ConnectionID: "a", ConnectionConfig: map[string]any{"installation_id": "123", "team.id": "T111", "portalId": 62515.0, "k": "x"}},
		{ConnectionID: "b", ConnectionConfig: map[string]any{"installation_id": 123.0, "team": map[string]any{"id": "T1"}}, Metadata: map[string]any{"k": 1.0}},
		{ConnectionID: "b"},
		{ConnectionID: "c", ConnectionConfig: map[string]any{"k": []any{"x", map[string]any{"y": true}}}},
	}
	all := []string{"a", "b", "c"}
	f.Fuzz(func(t *testing.T, payload []byte, path, headerValue string) {
		header := http.Header{"X-Route": {headerValue}}
		own := providers.Webhook{Routing: []providers.WebhookRoute{
			{WebhookValue: providers.WebhookValue{Path: path}, ConnectionConfig: "k"},
			{WebhookValue: providers.WebhookValue{Path: path}, Metadata: path},
			{WebhookValue: providers.WebhookValue{Header: "X-Route"}, ConnectionConfig: path},
		}}
		for _, cfg := range append(rulesets, own) {
			ids, reason := Attribute(cfg, header, json.RawMessage(payload), candidates)
			for i, id := range ids {
				if !slices.Contains(all, id) || slices.Contains(ids[:i], id) {
					t.Fatalf("ids %q: %q is not a candidate, or twice", ids, id)
				}
			}
			switch {
			case strings.HasPrefix(reason, "rule:"):
				if len(ids) == 0 {
					t.Fatalf("reason %q with no connection", reason)
				}
			case strings.HasPrefix(reason, "no match: rule:"):
				if len(ids) != 0 {
					t.Fatalf("reason %q with connections %q", reason, ids)
				}
			case reason == "fan-out":
				if !slices.Equal(ids, all) {
					t.Fatalf("fan-out to %q, want every candidate", ids)
				}
			default:
				t.Fatalf("reason %q", reason)
			}
			if strings.ContainsFunc(reason, func(r rune) bool { return r < ' ' || r == 0x7f }) {
				t.Fatalf("reason %q carries control characters", reason)
			}
		}
	})
}

// FuzzRouteLookup checks, for arbitrary payloads and paths, that routing
// agrees with Lookup: a rule on a path Lookup finds a value at picks the
// connection holding that value (and no other); a rule on a path Lookup
// finds nothing at fans out.
func FuzzRouteLookup(f *testing.F) {
	f.Add([]byte(`{"installation":{"id":123}}`), "installation.id")
	f.Add([]byte(`[{"portalId":62515}]`), "0.portalId")
	f.Add([]byte(`{"a":{"b":[true,false,null]}}`), "a.b.1")
	f.Add([]byte(`{"a":{"b":[true,false,null]}}`), "a.b.2")
	f.Add([]byte(`{"a":"é\u2028"}`), "a")
	f.Add([]byte(`{"0":{"":1}}`), "0.")
	f.Add([]byte(`{"n":-0.0e-0}`), "n")
	f.Add([]byte(`{"a":{}} trailing`), "a")
	f.Fuzz(func(t *testing.T, payload []byte, path string) {
		v, ok := Lookup(providers.WebhookValue{Path: path}, Request{}, payload)
		cfg := providers.Webhook{Routing: []providers.WebhookRoute{{WebhookValue: providers.WebhookValue{Path: path}, ConnectionConfig: "v"}}}
		holder := Candidate{ConnectionID: "holder", ConnectionConfig: map[string]any{"v": v}}
		other := Candidate{ConnectionID: "other", ConnectionConfig: map[string]any{"v": v + "-other"}}
		ids, reason := Attribute(cfg, nil, json.RawMessage(payload), []Candidate{holder, other})
		if ok && v != "" {
			if !slices.Equal(ids, []string{"holder"}) || !strings.HasPrefix(reason, "rule:") {
				t.Fatalf("Lookup found %q; Attribute = %q, %q", v, ids, reason)
			}
			return
		}
		if reason != "fan-out" {
			t.Fatalf("Lookup found nothing (%q, %v); Attribute = %q, %q", v, ok, ids, reason)
		}
	})
}
