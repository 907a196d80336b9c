package providers_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

// route is a routing rule on a payload path, for the tables below.
func route(path, config string) providers.WebhookRoute {
	return providers.WebhookRoute{WebhookValue: providers.WebhookValue{Path: path}, ConnectionConfig: config}
}

// TestWebhookConfig checks where a provider's webhook rules come from: its
// own webhook: block, else the script it names, else nothing.
func TestWebhookConfig(t *testing.T) {
	c := load(t, `
own:
    display_name: Own
    webhook:
        signature: hmac-sha256
        signature_header: X-Own-Signature
        signature_encoding: base64
        signature_prefix: 'v1='
        delivery_id_header: X-Own-Delivery
        event_type:
            header: X-Own-Event
        routing:
            - header: X-Own-Account
              metadata: account.id
            - path: data.owner
              connection_config: owner
            - path: nango.connectionId
              connection_id: true
nango-slack:
    display_name: Slack, as Nango's providers.yaml has it
    webhook_routing_script: slackWebhookRouting
both:
    webhook_routing_script: slackWebhookRouting
    webhook:
        signature: none
emptied:
    alias: nango-slack
    webhook: {}
unknown-script:
    webhook_routing_script: someFutureWebhookRouting
plain:
    display_name: Plain
`)
	tests := []struct {
		name string
		want providers.Webhook
	}{
		{"own", providers.Webhook{
			Signature: "hmac-sha256", SignatureHeader: "X-Own-Signature", SignatureEncoding: "base64", SignaturePrefix: "v1=",
			DeliveryIDHeader: "X-Own-Delivery",
			EventType:        providers.WebhookValue{Header: "X-Own-Event"},
			Routing: []providers.WebhookRoute{
				{WebhookValue: providers.WebhookValue{Header: "X-Own-Account"}, Metadata: "account.id"},
				route("data.owner", "owner"),
				{WebhookValue: providers.WebhookValue{Path: "nango.connectionId"}, ConnectionID: true},
			},
		}},
		{"nango-slack", providers.Webhook{
			Signature: "slack",
			EventType: providers.WebhookValue{Path: "type"},
			Routing:   []providers.WebhookRoute{route("team_id", "team.id"), route("team.id", "team.id"), route("payload.team.id", "team.id")},
		}},
		{"both", providers.Webhook{Signature: "none"}}, // the block wins, whole
		{"emptied", providers.Webhook{}},               // an empty block turns the script off
		{"unknown-script", providers.Webhook{}},
		{"plain", providers.Webhook{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := c.Get(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			got := p.WebhookConfig()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("WebhookConfig() =\n%+v\nwant\n%+v", got, tc.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// TestWebhookConfigCopies checks that a caller changing the result changes
// neither the provider nor the next result.
func TestWebhookConfigCopies(t *testing.T) {
	for _, p := range []providers.Provider{
		{Webhook: &providers.Webhook{Routing: []providers.WebhookRoute{route("a", "b")}}},
		{WebhookRoutingScript: "githubAppWebhookRouting"},
	} {
		first := p.WebhookConfig()
		first.Routing[0].Path = "changed"
		if again := p.WebhookConfig(); again.Routing[0].Path == "changed" {
			t.Errorf("%+v: a change to one result shows in the next", p)
		}
	}
}

// TestWebhookScripts pins the Nango routing scripts ferry knows: each
// gives valid rules that route on something.
func TestWebhookScripts(t *testing.T) {
	tests := []struct {
		script, signature string
		eventType         providers.WebhookValue
		first             providers.WebhookRoute
	}{
		{"githubAppWebhookRouting", "github", providers.WebhookValue{Header: "X-GitHub-Event"}, route("installation.id", "installation_id")},
		{"githubAppOauthWebhookRouting", "github", providers.WebhookValue{Header: "X-GitHub-Event"}, route("installation.id", "installation_id")},
		{"slackWebhookRouting", "slack", providers.WebhookValue{Path: "type"}, route("team_id", "team.id")},
		{"hubspotWebhookRouting", "hubspot-v3", providers.WebhookValue{Path: "subscriptionType"}, route("portalId", "portalId")},
		{"linearWebhookRouting", "hmac-sha256", providers.WebhookValue{Path: "type"}, route("organizationId", "organizationId")},
		{"jiraWebhookRouting", "", providers.WebhookValue{Path: "payload.webhookEvent"}, route("payload.user.accountId", "accountId")},
		{"xeroWebhookRouting", "hmac-sha256", providers.WebhookValue{Path: "eventType"}, route("tenantId", "tenant_id")},
		{"attioWebhookRouting", "hmac-sha256", providers.WebhookValue{Path: "event_type"}, route("id.workspace_id", "workspace_id")},
		{"notionWebhookRouting", "hmac-sha256", providers.WebhookValue{Path: "type"}, route("workspace_id", "workspace_id")},
		{"calendlyWebhookRouting", "", providers.WebhookValue{Path: "event"}, route("created_by", "owner")},
		{"salesforceWebhookRouting", "", providers.WebhookValue{Path: "nango.eventType"}, providers.WebhookRoute{WebhookValue: providers.WebhookValue{Path: "nango.connectionId"}, ConnectionID: true}},
		{"unauthenticatedWebhookRouting", "", providers.WebhookValue{Path: "type"}, providers.WebhookRoute{WebhookValue: providers.WebhookValue{Path: "connectionId"}, ConnectionID: true}},
	}
	for _, tc := range tests {
		t.Run(tc.script, func(t *testing.T) {
			w := providers.Provider{WebhookRoutingScript: tc.script}.WebhookConfig()
			if err := w.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if w.Signature != tc.signature || w.EventType != tc.eventType || len(w.Routing) == 0 || w.Routing[0] != tc.first {
				t.Errorf("got %+v", w)
			}
		})
	}
}

// TestBuiltinWebhooks pins the built-in catalog's webhook rules, checks
// them, and checks that an entry whose provider Nango routes with a script
// ferry knows routes the same way.
func TestBuiltinWebhooks(t *testing.T) {
	tests := map[string]struct {
		signature, delivery, script string
		eventType                   providers.WebhookValue
		routes                      int
	}{
		"github":     {"github", "X-GitHub-Delivery", "githubAppWebhookRouting", providers.WebhookValue{Header: "X-GitHub-Event"}, 1},
		"github-app": {"github", "X-GitHub-Delivery", "githubAppWebhookRouting", providers.WebhookValue{Header: "X-GitHub-Event"}, 1},
		"github-pat": {"github", "X-GitHub-Delivery", "githubAppWebhookRouting", providers.WebhookValue{Header: "X-GitHub-Event"}, 1},
		"slack":      {"slack", "", "slackWebhookRouting", providers.WebhookValue{Path: "type"}, 3},
		"hubspot":    {"hubspot-v3", "", "hubspotWebhookRouting", providers.WebhookValue{Path: "subscriptionType"}, 1},
		"linear":     {"hmac-sha256", "Linear-Delivery", "linearWebhookRouting", providers.WebhookValue{Path: "type"}, 1},
		"notion":     {"hmac-sha256", "", "notionWebhookRouting", providers.WebhookValue{Path: "type"}, 1},
		"xero":       {"hmac-sha256", "", "xeroWebhookRouting", providers.WebhookValue{Path: "eventType"}, 1},
		"attio":      {"hmac-sha256", "", "attioWebhookRouting", providers.WebhookValue{Path: "event_type"}, 1},
		"quickbooks": {"hmac-sha256", "", "", providers.WebhookValue{Path: "dataChangeEvent.entities.0.name"}, 1},
		"stripe":     {"stripe", "", "", providers.WebhookValue{Path: "type"}, 0},
	}
	c := providers.Builtin()
	for _, name := range c.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := c.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			w := p.WebhookConfig()
			if err := w.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			want, ok := tests[name]
			if !ok {
				if !reflect.DeepEqual(w, providers.Webhook{}) {
					t.Errorf("has webhook rules %+v: add a row to this test", w)
				}
				return
			}
			if w.Signature != want.signature || w.DeliveryIDHeader != want.delivery || w.EventType != want.eventType || len(w.Routing) != want.routes {
				t.Errorf("got %+v", w)
			}
			if want.script == "" {
				return
			}
			if script := (providers.Provider{WebhookRoutingScript: want.script}).WebhookConfig(); !reflect.DeepEqual(w, script) {
				t.Errorf("the built-in rules differ from %s's:\n%+v\n%+v", want.script, w, script)
			}
		})
	}
}

// TestWebhookValidate checks the mistakes Validate reports.
func TestWebhookValidate(t *testing.T) {
	path := func(p string) providers.WebhookValue { return providers.WebhookValue{Path: p} }
	tests := []struct {
		name    string
		w       providers.Webhook
		wantErr string
	}{
		{"zero", providers.Webhook{}, ""},
		{"generic with defaults", providers.Webhook{Signature: "hmac-sha256"}, ""},
		{"unknown scheme", providers.Webhook{Signature: "sha1"}, `signature: unknown scheme "sha1"`},
		{"unknown encoding", providers.Webhook{SignatureEncoding: "base32"}, `signature_encoding: "base32"`},
		{"event type in two places", providers.Webhook{EventType: providers.WebhookValue{Header: "X-Event", Path: "type"}}, "event_type: set header or path, not both"},
		{"event type path with an empty part", providers.Webhook{EventType: path("event..type")}, `event_type: path "event..type" has an empty part`},
		{"events path with an empty part", providers.Webhook{Events: "events."}, `events "events." has an empty part`},
		{"header name with a colon", providers.Webhook{EventType: providers.WebhookValue{Header: "X-Event:"}}, "is not a header name"},
		{"rule without a source", providers.Webhook{Routing: []providers.WebhookRoute{{ConnectionConfig: "a"}}}, "routing[0]: set header or path"},
		{"rule without a target", providers.Webhook{Routing: []providers.WebhookRoute{{WebhookValue: path("a")}}}, "routing[0]: set exactly one of"},
		{"rule with two targets", providers.Webhook{Routing: []providers.WebhookRoute{route("a", "b"), {WebhookValue: path("a"), Metadata: "b", ConnectionID: true}}}, "routing[1]: set exactly one of"},
		{"rule field with an empty part", providers.Webhook{Routing: []providers.WebhookRoute{route("a", "team.")}}, `routing[0]: connection_config "team." has an empty part`},
		{"metadata with an empty part", providers.Webhook{Routing: []providers.WebhookRoute{{WebhookValue: path("a"), Metadata: ".x"}}}, `metadata ".x" has an empty part`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.w.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestWebhookBadYAML checks that a webhook: block of the wrong shape is
// refused when the catalog is read, with the provider's name.
func TestWebhookBadYAML(t *testing.T) {
	for _, doc := range []string{
		"x:\n  webhook: github\n",
		"x:\n  webhook:\n    routing: {path: a}\n",
		"x:\n  webhook:\n    routing:\n      - connection_id: maybe\n",
		"x:\n  webhook:\n    event_type: [type]\n",
	} {
		_, err := providers.Load(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), `provider "x"`) {
			t.Errorf("%q: err = %v, want one naming provider \"x\"", doc, err)
		}
	}
}
