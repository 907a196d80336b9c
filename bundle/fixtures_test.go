package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fixtures are the .wasm files under testdata/, built by testModule so
// they can be regenerated with go test -update. Examples read them, and
// the fuzz targets start from them.
var fixtures = map[string][]byte{
	"action-plugin.wasm": testModule{imports: extismImports, funcs: []string{"action"}}.build(),
	"action.wasm":        bundleWith(actionJSON, "action"),
	"sync.wasm":          bundleWith(syncJSON, "sync"),
	"sync-webhook.wasm":  bundleWith(webhookSyncJSON, "sync", "on_webhook"),
	"on-event.wasm":      bundleWith(onEventJSON, "on_event"),
}

func TestFixtures(t *testing.T) {
	for name, want := range fixtures {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: run go test -update", path)
			}
			if _, err := readModule(got); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		})
	}
}
