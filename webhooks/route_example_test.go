package webhooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/webhooks"
)

// ExampleAttribute routes a GitHub App's event to the connection of its
// installation, then an event that names no installation to every
// connection, then one for an installation no connection has to none.
func ExampleAttribute() {
	p, err := providers.Builtin().Get("github-app")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := p.WebhookConfig()
	connections := []webhooks.Candidate{
		{ConnectionID: "acme", ConnectionConfig: map[string]any{"installation_id": "123"}},
		{ConnectionID: "globex", ConnectionConfig: map[string]any{"installation_id": "456"}},
	}
	header := http.Header{"X-Github-Event": {"issues"}}
	for _, payload := range []string{
		`{"action":"opened","installation":{"id":123}}`,
		`{"zen":"Design for failure.","hook_id":1}`,
		`{"action":"opened","installation":{"id":789}}`,
	} {
		ids, reason := webhooks.Attribute(cfg, header, json.RawMessage(payload), connections)
		fmt.Println(ids, reason)
	}
	// Output:
	// [acme] rule:installation.id=123
	// [acme globex] fan-out
	// [] no match: rule:installation.id=789
}
