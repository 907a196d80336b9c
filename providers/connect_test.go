package providers

import (
	"encoding/json"
	"maps"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestValueAt(t *testing.T) {
	var doc any
	json.Unmarshal([]byte(`{"team":{"id":"T1","name":"Blue"},"team.id":"dotted","list":[{"portalId":7},{"x":null}],"ok":true}`), &doc)
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"team.name", "Blue", true},
		{"team.id", "dotted", true}, // the whole rest as one key first, as Nango stores it
		{"list.0.portalId", 7.0, true},
		{"list.1.x", nil, true},
		{"ok", true, true},
		{"list.2.portalId", nil, false},
		{"list.-1", nil, false},
		{"team.name.more", nil, false},
		{"nope", nil, false},
		{"", nil, false},
	} {
		got, ok := ValueAt(doc, tc.path)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ValueAt(%q) = %v, %v; want %v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
	var list any
	json.Unmarshal([]byte(`[{"portalId":9}]`), &list)
	if got, ok := ValueAt(list, "0.portalId"); !ok || got != 9.0 {
		t.Errorf("ValueAt on an array: %v %v", got, ok)
	}
}

func TestConnectionMetadata(t *testing.T) {
	p := Provider{TokenResponseMetadata: []string{"team.id", "ok", "instance_url", "authed_user", "missing"}, RedirectURIMetadata: []string{"realmId", "absent"}}
	var token map[string]any
	json.Unmarshal([]byte(`{"access_token":"secret","ok":true,"team":{"id":"T1"},"instance_url":"https://x.my.salesforce.com","authed_user":{"id":"U1"}}`), &token)
	got := p.ConnectionMetadata(token, url.Values{"realmId": {"123"}, "code": {"c"}})
	want := map[string]any{"team.id": "T1", "ok": true, "instance_url": "https://x.my.salesforce.com", "realmId": "123"}
	if !maps.Equal(got, want) {
		t.Errorf("ConnectionMetadata = %v, want %v", got, want)
	}
}

// TestPostConnectionRequests checks every post-connection request ferry
// knows: the built-in catalog's and the Nango scripts'.
func TestPostConnectionRequests(t *testing.T) {
	cat := Builtin()
	for _, name := range cat.Names() {
		p, err := cat.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if pc := p.PostConnectionRequest(); pc != nil {
			if err := pc.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	for _, script := range []string{"hubspotPostConnection", "linearPostConnection", "jiraPostConnection", "xeroPostConnection"} {
		pc := scriptPostConnection(script)
		if pc == nil {
			t.Fatalf("%s: unknown", script)
		}
		if err := pc.Validate(); err != nil {
			t.Errorf("%s: %v", script, err)
		}
	}
	for name, want := range map[string]string{"hubspot": "portalId", "linear": "organizationId", "jira": "cloudId", "confluence": "cloudId", "xero": "tenant_id"} {
		p, _ := cat.Get(name)
		if pc := p.PostConnectionRequest(); pc == nil || pc.Set[want] == "" {
			t.Errorf("%s: post-connection request %+v does not fill %s", name, pc, want)
		}
	}

	for _, tc := range []struct {
		name string
		pc   PostConnection
		msg  string
	}{
		{"method", PostConnection{Method: "PUT", URL: "https://x.test/a", Set: map[string]string{"a": "b"}}, `method "PUT"`},
		{"relative url", PostConnection{URL: "/a", Set: map[string]string{"a": "b"}}, `url "/a"`},
		{"nothing set", PostConnection{URL: "https://x.test/a"}, "set: name at least one"},
		{"empty path part", PostConnection{URL: "https://x.test/a", Set: map[string]string{"a": "b..c"}}, "set.a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.pc.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Validate: %v, want %q", err, tc.msg)
			}
		})
	}
}

// TestCatalogWebhookConfig: the cached rules equal the decoded ones, and
// a caller changing its copy changes nobody else's.
func TestCatalogWebhookConfig(t *testing.T) {
	cat := Builtin()
	for _, name := range []string{"github", "slack", "hubspot", "nope"} {
		want := Webhook{}
		if p, err := cat.Get(name); err == nil {
			want = p.WebhookConfig()
		}
		for range 2 { // decoded, then cached
			got := cat.WebhookConfig(name)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v, want %+v", name, got, want)
			}
			if len(got.Routing) > 0 {
				got.Routing[0].ConnectionConfig = "changed"
			}
		}
	}
	var nilCat *Catalog
	if w := nilCat.WebhookConfig("github"); !reflect.DeepEqual(w, Webhook{}) {
		t.Fatalf("nil catalog: %+v", w)
	}
}

func BenchmarkCatalogWebhookConfig(b *testing.B) {
	cat := Builtin()
	b.Run("get-and-decode", func(b *testing.B) {
		for b.Loop() {
			p, _ := cat.Get("hubspot")
			_ = p.WebhookConfig()
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			_ = cat.WebhookConfig("hubspot")
		}
	})
}
