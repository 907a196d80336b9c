package bundle

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestValidateErrors(t *testing.T) {
	const sync = `"name":"s","type":"sync","integration":"github","frequency":"every hour"`
	const action = `"name":"a","type":"action","integration":"github"`
	tests := []struct {
		name, json, want string
	}{
		{"no name", `{"type":"action","integration":"github"}`, "manifest: name is required"},
		{"bad name", `{"name":"fetch issues","type":"action","integration":"github"}`, `manifest: name "fetch issues" is invalid`},
		{"long name", `{"name":"` + strings.Repeat("a", 65) + `","type":"action","integration":"github"}`, "is invalid: use 1 to 64"},
		{"no type", `{"name":"a","integration":"github"}`, "manifest: type is required"},
		{"bad type", `{"name":"a","type":"webhook","integration":"github"}`, `manifest: type "webhook" is not one of sync, action, on-event`},
		{"no integration", `{"name":"a","type":"action"}`, "manifest: integration is required"},
		{"bad integration", `{"name":"a","type":"action","integration":"git/hub"}`, `manifest: integration "git/hub" is invalid`},
		{"bad kind", `{` + action + `,"kind":"python"}`, `manifest: kind "python" is not one of native, js`},
		{"bad version", `{` + action + `,"version":"1 0"}`, `manifest: version "1 0" is invalid`},
		{"sync without models", `{` + sync + `}`, "manifest: models: at least one model is required for a sync"},
		{"sync with empty models", `{` + sync + `,"models":{}}`, "manifest: models: at least one model is required for a sync"},
		{"sync without frequency", `{"name":"s","type":"sync","integration":"github","models":{"M":{}}}`, "manifest: frequency is required for a sync"},
		{"sync with blank frequency", `{` + sync + `,"models":{"M":{}},"frequency":" "}`, "manifest: frequency is required for a sync"},
		{"sync too frequent", `{` + sync + `,"models":{"M":{}},"frequency":"every 10 seconds"}`, "manifest: frequency: "},
		{"sync frequency unreadable", `{` + sync + `,"models":{"M":{}},"frequency":"every full moon"}`, "manifest: frequency: "},
		{"bad model name", `{` + sync + `,"models":{"1bad":{}}}`, `manifest: model "1bad": invalid name`},
		{"dashed model name", `{` + sync + `,"models":{"Git-Issue":{}}}`, `manifest: model "Git-Issue": invalid name`},
		{"model not object", `{` + sync + `,"models":{"M":[1]}}`, `manifest: model "M": schema must be a JSON object`},
		{"model null", `{` + sync + `,"models":{"M":null}}`, `manifest: model "M": schema must be a JSON object`},
		{"bad sync type", `{` + sync + `,"models":{"M":{}},"syncType":"partial"}`, `manifest: syncType "partial" is not one of incremental, full`},
		{"empty webhook", `{` + sync + `,"models":{"M":{}},"webhookSubscriptions":[""]}`, "manifest: webhookSubscriptions[0] is empty"},
		{"input not object", `{` + action + `,"input":"string"}`, "manifest: input: schema must be a JSON object"},
		{"frequency on action", `{` + action + `,"frequency":"every hour"}`, "manifest: frequency is not allowed for an action"},
		{"autoStart on action", `{` + action + `,"autoStart":false}`, "manifest: autoStart is not allowed for an action"},
		{"input on sync", `{` + sync + `,"models":{"M":{}},"input":{}}`, "manifest: input is not allowed for a sync"},
		{"event on action", `{` + action + `,"event":"validate-connection"}`, "manifest: event is not allowed for an action"},
		{"models on on-event", `{"name":"e","type":"on-event","integration":"x","event":"validate-connection","models":{"M":{}}}`, "manifest: models is not allowed for an on-event function"},
		{"on-event without event", `{"name":"e","type":"on-event","integration":"x"}`, "manifest: event is required for an on-event function"},
		{"bad event", `{"name":"e","type":"on-event","integration":"x","event":"post-sync"}`, `manifest: event "post-sync" is not one of post-connection-creation`},
		{"empty scope", `{` + action + `,"scopes":["repo",""]}`, "manifest: scopes[1] is empty"},
		{"bad method", `{` + action + `,"endpoints":[{"method":"FETCH","path":"/x"}]}`, `manifest: endpoints[0]: method "FETCH" is not one of GET`},
		{"bad path", `{` + action + `,"endpoints":[{"method":"get","path":"x"}]}`, `manifest: endpoints[0]: path "x" must start with '/'`},
		{"duplicate endpoint", `{` + action + `,"endpoints":[{"method":"GET","path":"/x"},{"method":"get","path":"/x","group":"g"}]}`, "manifest: endpoints[1]: duplicate endpoint GET /x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.json))
			if !errors.Is(err, ErrInvalidManifest) {
				t.Fatalf("err = %v, want ErrInvalidManifest", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestValidateDefaults(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(*Manifest) bool
	}{
		{"kind", actionJSON, func(m *Manifest) bool { return m.Kind == KindNative }},
		{"version", actionJSON, func(m *Manifest) bool { return m.Version == "0.0.1" }},
		{"sync autoStart", syncJSON, func(m *Manifest) bool { return m.AutoStart != nil && *m.AutoStart }},
		{"explicit autoStart", strings.Replace(syncJSON, `"name"`, `"autoStart":false,"name"`, 1),
			func(m *Manifest) bool { return m.AutoStart != nil && !*m.AutoStart }},
		{"sync syncType", syncJSON, func(m *Manifest) bool { return m.SyncType == SyncIncremental }},
		{"action has no sync defaults", actionJSON, func(m *Manifest) bool { return m.AutoStart == nil && m.SyncType == "" }},
		{"empty sync fields allowed on action", strings.Replace(actionJSON, `"name"`, `"webhookSubscriptions":[],"trackDeletes":false,"name"`, 1),
			func(m *Manifest) bool { return len(m.WebhookSubscriptions) == 0 }},
		{"null schema dropped", strings.Replace(actionJSON, `"input":{"type":"object"}`, `"input":null`, 1),
			func(m *Manifest) bool { return m.Input == nil }},
		{"method upper-cased", strings.Replace(actionJSON, `"name"`, `"endpoints":[{"method":"post","path":"/issues"}],"name"`, 1),
			func(m *Manifest) bool { return m.Endpoints[0].Method == "POST" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseManifest([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(m) {
				t.Errorf("defaults not filled: %+v", m)
			}
		})
	}
}

// TestValidateIdempotent checks that a validated manifest survives a JSON
// round trip and a second Validate unchanged.
func TestValidateIdempotent(t *testing.T) {
	for _, in := range []string{actionJSON, syncJSON, webhookSyncJSON, onEventJSON} {
		m, err := ParseManifest([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		first, _ := json.Marshal(m)
		again, err := ParseManifest(first)
		if err != nil {
			t.Fatalf("re-parse %s: %v", first, err)
		}
		if second, _ := json.Marshal(again); string(first) != string(second) {
			t.Errorf("not idempotent:\n%s\n%s", first, second)
		}
	}
}
