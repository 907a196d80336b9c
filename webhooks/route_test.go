package webhooks

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

// scriptRules are the rules of one of Nango's routing scripts, as a
// catalog entry naming it gets them.
func scriptRules(script string) providers.Webhook {
	return providers.Provider{WebhookRoutingScript: script}.WebhookConfig()
}

// rule is a routing rule on a payload path, for the tables below.
func rule(path, config string) providers.WebhookRoute {
	return providers.WebhookRoute{WebhookValue: providers.WebhookValue{Path: path}, ConnectionConfig: config}
}

// config is a connection config or metadata from JSON, as the store
// decodes it (numbers as float64).
func config(t *testing.T, js string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("config %s: %v", js, err)
	}
	return m
}

func TestAttribute(t *testing.T) {
	github := scriptRules("githubAppWebhookRouting")
	slack := scriptRules("slackWebhookRouting")
	hubspot := scriptRules("hubspotWebhookRouting")
	ghConns := []Candidate{
		{ConnectionID: "acme", ConnectionConfig: config(t, `{"installation_id":"123","appPublicLink":"https://github.com/apps/x"}`)},
		{ConnectionID: "globex", ConnectionConfig: config(t, `{"installation_id":456}`)},
		{ConnectionID: "initech", ConnectionConfig: config(t, `{}`)},
	}
	slackConns := []Candidate{
		{ConnectionID: "nango-style", ConnectionConfig: config(t, `{"team.id":"T111","bot_user_id":"U1"}`)},
		{ConnectionID: "nested", ConnectionConfig: config(t, `{"team":{"id":"T222"}}`)},
	}
	hubspotConns := []Candidate{
		{ConnectionID: "portal-1", ConnectionConfig: config(t, `{"portalId":62515}`)},
		{ConnectionID: "portal-2", ConnectionConfig: config(t, `{"portalId":"99"}`)},
	}
	zoom := providers.Webhook{Routing: []providers.WebhookRoute{{WebhookValue: providers.WebhookValue{Path: "payload.account_id"}, Metadata: "accountId"}}}
	zoomConns := []Candidate{
		{ConnectionID: "z1", Metadata: config(t, `{"accountId":"AbC"}`)},
		{ConnectionID: "z2", Metadata: config(t, `{"accountId":"xYz"}`), ConnectionConfig: config(t, `{"accountId":"AbC"}`)},
		{ConnectionID: "z3"},
	}
	byHeader := providers.Webhook{Routing: []providers.WebhookRoute{
		{WebhookValue: providers.WebhookValue{Header: "X-Shop-Id"}, ConnectionConfig: "shop.id"},
		rule("shop_id", "shop.id"),
	}}
	shopConns := []Candidate{
		{ConnectionID: "s1", ConnectionConfig: config(t, `{"shop":{"id":"s-1"}}`)},
		{ConnectionID: "s2", ConnectionConfig: config(t, `{"shop":{"id":"s-2"}}`)},
	}
	numbers := providers.Webhook{Routing: []providers.WebhookRoute{rule("id", "id")}}

	tests := []struct {
		name       string
		cfg        providers.Webhook
		header     http.Header
		payload    string
		candidates []Candidate
		want       []string
		reason     string
	}{
		{
			name:       "github installation: a number in the payload, a string in the config",
			cfg:        github,
			header:     http.Header{"X-Github-Event": {"issues"}},
			payload:    `{"action":"opened","installation":{"id":123,"node_id":"MDIz"}}`,
			candidates: ghConns, want: []string{"acme"}, reason: "rule:installation.id=123",
		},
		{
			name:       "github installation: a number in the config",
			cfg:        github,
			payload:    `{"installation":{"id":456}}`,
			candidates: ghConns, want: []string{"globex"}, reason: "rule:installation.id=456",
		},
		{
			name:       "github installation nobody has: no connection, not fan-out",
			cfg:        github,
			payload:    `{"installation":{"id":789}}`,
			candidates: ghConns, want: nil, reason: "no match: rule:installation.id=789",
		},
		{
			name:       "github repository webhook without installation: fan-out",
			cfg:        github,
			payload:    `{"zen":"Keep it logically awesome.","hook_id":1}`,
			candidates: ghConns, want: []string{"acme", "globex", "initech"}, reason: "fan-out",
		},
		{
			name:    "fan-out without candidates",
			cfg:     github,
			payload: `{}`,
			want:    nil, reason: "fan-out: no candidates",
		},
		{
			name:       "no rules: fan-out",
			payload:    `{"installation":{"id":123}}`,
			candidates: ghConns, want: []string{"acme", "globex", "initech"}, reason: "fan-out",
		},
		{
			name:       "slack events API: team_id, connection_config key \"team.id\"",
			cfg:        slack,
			payload:    `{"type":"event_callback","team_id":"T111","event":{"type":"message"}}`,
			candidates: slackConns, want: []string{"nango-style"}, reason: "rule:team_id=T111",
		},
		{
			name:       "slack interactivity: team.id, nested config",
			cfg:        slack,
			payload:    `{"type":"block_actions","team":{"id":"T222","domain":"globex"}}`,
			candidates: slackConns, want: []string{"nested"}, reason: "rule:team.id=T222",
		},
		{
			name:       "slack form-encoded interactivity, as Payload decodes it",
			cfg:        slack,
			payload:    `{"payload":{"type":"view_submission","team":{"id":"T111"}}}`,
			candidates: slackConns, want: []string{"nango-style"}, reason: "rule:payload.team.id=T111",
		},
		{
			name:       "slack: an empty team_id is absent, the next rule decides",
			cfg:        slack,
			payload:    `{"team_id":"","team":{"id":"T222"}}`,
			candidates: slackConns, want: []string{"nested"}, reason: "rule:team.id=T222",
		},
		{
			name:       "slack url_verification names no team: fan-out",
			cfg:        slack,
			payload:    `{"type":"url_verification","challenge":"3eZbrw1aB"}`,
			candidates: slackConns, want: []string{"nango-style", "nested"}, reason: "fan-out",
		},
		{
			// HubSpot's array is split first (Events): each event is routed.
			name:       "hubspot: one event of an array",
			cfg:        hubspot,
			payload:    string(Events(hubspot, json.RawMessage(`[{"eventId":1,"subscriptionType":"contact.creation","portalId":62515,"objectId":123},{"eventId":2,"portalId":1}]`))[0]),
			candidates: hubspotConns, want: []string{"portal-1"}, reason: "rule:portalId=62515",
		},
		{
			name:       "hubspot: one event as an object, string id in the config",
			cfg:        hubspot,
			payload:    `{"subscriptionType":"deal.creation","portalId":99}`,
			candidates: hubspotConns, want: []string{"portal-2"}, reason: "rule:portalId=99",
		},
		{
			name:       "hubspot: an empty array: fan-out",
			cfg:        hubspot,
			payload:    `[]`,
			candidates: hubspotConns, want: []string{"portal-1", "portal-2"}, reason: "fan-out",
		},
		{
			name:       "metadata routing ignores connection_config",
			cfg:        zoom,
			payload:    `{"event":"meeting.started","payload":{"account_id":"AbC"}}`,
			candidates: zoomConns, want: []string{"z1"}, reason: "rule:payload.account_id=AbC",
		},
		{
			name:       "metadata routing is case-sensitive",
			cfg:        zoom,
			payload:    `{"payload":{"account_id":"abc"}}`,
			candidates: zoomConns, want: nil, reason: "no match: rule:payload.account_id=abc",
		},
		{
			name:       "header rule",
			cfg:        byHeader,
			header:     http.Header{"X-Shop-Id": {"s-2"}},
			payload:    `{"shop_id":"s-1"}`,
			candidates: shopConns, want: []string{"s2"}, reason: "rule:header:X-Shop-Id=s-2",
		},
		{
			name:       "header rule without the header: the next rule",
			cfg:        byHeader,
			payload:    `{"shop_id":"s-1"}`,
			candidates: shopConns, want: []string{"s1"}, reason: "rule:shop_id=s-1",
		},
		{
			name:       "header rule on a body that is not JSON",
			cfg:        byHeader,
			header:     http.Header{"X-Shop-Id": {"s-1"}},
			payload:    `shop_id=s-2`,
			candidates: shopConns, want: []string{"s1"}, reason: "rule:header:X-Shop-Id=s-1",
		},
		{
			name:       "a body that is not JSON: fan-out",
			cfg:        github,
			payload:    `installation.id=123`,
			candidates: ghConns[:2], want: []string{"acme", "globex"}, reason: "fan-out",
		},
		{
			name:       "connection id routing",
			cfg:        scriptRules("unauthenticatedWebhookRouting"),
			payload:    `{"type":"ping","connectionId":"globex"}`,
			candidates: ghConns, want: []string{"globex"}, reason: "rule:connectionId=globex",
		},
		{
			name:       "connection id routing, unknown id",
			cfg:        scriptRules("salesforceWebhookRouting"),
			payload:    `{"nango":{"connectionId":"umbrella","eventType":"created"}}`,
			candidates: ghConns, want: nil, reason: "no match: rule:nango.connectionId=umbrella",
		},
		{
			name:       "numbers: 1.0 in the payload is 1 in the config",
			cfg:        numbers,
			payload:    `{"id":1.0}`,
			candidates: []Candidate{{ConnectionID: "one", ConnectionConfig: map[string]any{"id": 1}}, {ConnectionID: "float", ConnectionConfig: map[string]any{"id": 1.0}}, {ConnectionID: "text", ConnectionConfig: map[string]any{"id": "1"}}},
			want:       []string{"one", "float"}, reason: "rule:id=1.0",
		},
		{
			name:       "numbers: a number field compares as a number, a text field as text",
			cfg:        numbers,
			payload:    `{"id":"1e3"}`,
			candidates: []Candidate{{ConnectionID: "n", ConnectionConfig: map[string]any{"id": 1000}}, {ConnectionID: "s", ConnectionConfig: map[string]any{"id": "1000"}}},
			want:       []string{"n"}, reason: "rule:id=1e3",
		},
		{
			name:       "numbers: ids beyond 2^53 keep every digit",
			cfg:        numbers,
			payload:    `{"id":9007199254740993}`,
			candidates: []Candidate{{ConnectionID: "near", ConnectionConfig: map[string]any{"id": json.Number("9007199254740992")}}, {ConnectionID: "exact", ConnectionConfig: map[string]any{"id": json.Number("9007199254740993")}}},
			want:       []string{"exact"}, reason: "rule:id=9007199254740993",
		},
		{
			name:       "booleans compare as text",
			cfg:        numbers,
			payload:    `{"id":true}`,
			candidates: []Candidate{{ConnectionID: "t", ConnectionConfig: map[string]any{"id": true}}, {ConnectionID: "s", ConnectionConfig: map[string]any{"id": "true"}}, {ConnectionID: "f", ConnectionConfig: map[string]any{"id": false}}},
			want:       []string{"t", "s"}, reason: "rule:id=true",
		},
		{
			name:       "an object is not a value: the rule finds nothing",
			cfg:        numbers,
			payload:    `{"id":{"a":1}}`,
			candidates: []Candidate{{ConnectionID: "a", ConnectionConfig: map[string]any{"id": map[string]any{"a": 1}}}},
			want:       []string{"a"}, reason: "fan-out",
		},
		{
			name:       "null is absent",
			cfg:        github,
			payload:    `{"installation":null}`,
			candidates: ghConns[:1], want: []string{"acme"}, reason: "fan-out",
		},
		{
			name: "a rule naming no connection field is skipped",
			cfg: providers.Webhook{Routing: []providers.WebhookRoute{
				{WebhookValue: providers.WebhookValue{Path: "installation.id"}},
				rule("installation.id", "installation_id"),
			}},
			payload:    `{"installation":{"id":"456"}}`,
			candidates: ghConns, want: []string{"globex"}, reason: "rule:installation.id=456",
		},
		{
			name:       "the first rule that finds a value decides, even without a match",
			cfg:        providers.Webhook{Routing: []providers.WebhookRoute{rule("a", "x"), rule("b", "x")}},
			payload:    `{"a":"nobody","b":"1"}`,
			candidates: []Candidate{{ConnectionID: "c", ConnectionConfig: map[string]any{"x": "1"}}},
			want:       nil, reason: "no match: rule:a=nobody",
		},
		{
			name:       "an array in the config",
			cfg:        providers.Webhook{Routing: []providers.WebhookRoute{rule("org", "orgs.1.id")}},
			payload:    `{"org":"o2"}`,
			candidates: []Candidate{{ConnectionID: "c", ConnectionConfig: config(t, `{"orgs":[{"id":"o1"},{"id":"o2"}]}`)}},
			want:       []string{"c"}, reason: "rule:org=o2",
		},
		{
			name:       "a connection listed twice is attributed once",
			cfg:        github,
			payload:    `{"installation":{"id":123}}`,
			candidates: []Candidate{ghConns[0], ghConns[0]},
			want:       []string{"acme"}, reason: "rule:installation.id=123",
		},
		{
			name:    "a long or unprintable value is cut in the reason",
			cfg:     numbers,
			payload: `{"id":"` + strings.Repeat("é", 40) + `\n"}`,
			want:    nil, reason: "no match: rule:id=" + strings.Repeat("é", 32) + "…",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := Attribute(tc.cfg, tc.header, json.RawMessage(tc.payload), tc.candidates)
			if !slices.Equal(got, tc.want) || reason != tc.reason {
				t.Errorf("Attribute = %q, %q\nwant        %q, %q", got, reason, tc.want, tc.reason)
			}
		})
	}
}

// TestAttributeControlCharacters checks that a reason never carries the
// sender's control characters (it ends up in logs and in the API).
func TestAttributeControlCharacters(t *testing.T) {
	cfg := providers.Webhook{Routing: []providers.WebhookRoute{rule("id", "id")}}
	_, reason := Attribute(cfg, nil, json.RawMessage(`{"id":"a\nb\u0000c\u001b[31m"}`), nil)
	if reason != "no match: rule:id=a?b?c?[31m" {
		t.Errorf("reason = %q", reason)
	}
}

func TestFieldText(t *testing.T) {
	m := config(t, `{"team.id":"T1","team":{"id":"T2","name.full":"Acme"},"n":12,"list":[{"id":"x"}],"nil":null,"obj":{"a":1}}`)
	tests := []struct {
		path, want string
		number, ok bool
	}{
		{"team.id", "T1", false, true}, // the literal key first, as Nango stores it
		{"team.name.full", "Acme", false, true},
		{"n", "12", true, true},
		{"list.0.id", "x", false, true},
		{"obj", `{"a":1}`, false, true},
		{"list.1.id", "", false, false},
		{"list.x", "", false, false},
		{"list.-1", "", false, false},
		{"n.x", "", false, false},
		{"nil", "", false, false},
		{"missing", "", false, false},
		{"", "", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, ok := fieldText(m, tc.path)
			if ok != tc.ok || got.text != tc.want || got.number != tc.number {
				t.Errorf("fieldText(%q) = %+v, %v; want %q (number %v), %v", tc.path, got, ok, tc.want, tc.number, tc.ok)
			}
		})
	}
	if _, ok := fieldText(nil, "a"); ok {
		t.Error("fieldText(nil) found a value")
	}
}

func TestSameText(t *testing.T) {
	num := func(s string) jsonText { return jsonText{text: s, number: true} }
	tests := []struct {
		value string
		field jsonText
		want  bool
	}{
		{"123", jsonText{text: "123"}, true},
		{"123", num("123"), true},
		{"123.0", num("123"), true},
		{"1e3", num("1000"), true},
		{"-0", num("0"), true},
		{"0.5", num("0.5"), true},
		{"0123", num("123"), false}, // not a JSON number
		{"123", num("124"), false},
		{"1e3", jsonText{text: "1000"}, false}, // text compares as text
		{"abc", num("1"), false},
		{"9007199254740993", num("9007199254740992"), false},
		{"", jsonText{}, true},
	}
	for _, tc := range tests {
		if got := sameText(tc.value, tc.field); got != tc.want {
			t.Errorf("sameText(%q, %+v) = %v, want %v", tc.value, tc.field, got, tc.want)
		}
	}
}

func TestValueText(t *testing.T) {
	tests := []struct {
		v      any
		want   string
		number bool
		ok     bool
	}{
		{"s", "s", false, true},
		{true, "true", false, true},
		{float64(62515), "62515", true, true},
		{1.5, "1.5", true, true},
		{float32(2), "2", true, true},
		{int64(-3), "-3", true, true},
		{int32(4), "4", true, true},
		{uint(5), "5", true, true},
		{uint32(6), "6", true, true},
		{uint64(7), "7", true, true},
		{json.Number("8"), "8", true, true},
		{[]any{"a"}, `["a"]`, false, true},
		{nil, "", false, false},
		{math.NaN(), "", false, false},
		{func() {}, "", false, false},
	}
	for _, tc := range tests {
		got, ok := valueText(tc.v)
		if ok != tc.ok || got.text != tc.want || got.number != tc.number {
			t.Errorf("valueText(%#v) = %+v, %v; want %q (number %v), %v", tc.v, got, ok, tc.want, tc.number, tc.ok)
		}
	}
}
