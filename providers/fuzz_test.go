package providers_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

// FuzzLoad feeds arbitrary documents to the catalog reader: it must never
// panic, and every entry of a catalog it accepts must either decode and
// convert or fail with an error.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"nango-shapes.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a:\n  alias: b\nb:\n  alias: a\n"))
	f.Add([]byte("x: &x {proxy: {paginate: {type: link, limit: 3}}}\ny: {<<: *x, alias: x}\n"))
	f.Add([]byte("github:\n  proxy:\n    retry: {at: [a, b], error_code: 429}\n"))
	f.Add([]byte("s:\n  webhook_routing_script: slackWebhookRouting\nw:\n  webhook:\n    event_type: {header: X-E}\n    routing: [{path: a.0.b, connection_config: c.d}, {header: X-A, connection_id: true}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := providers.Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, name := range c.Names() {
			p, err := c.Get(name)
			if err != nil {
				continue
			}
			_ = p.HostProvider()
			_ = p.TokenURL.For(p.AuthMode)
			_ = p.WebhookConfig().Validate()
		}
	})
}
