package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		wasm       []byte
		entryPoint string
	}{
		{"action", bundleWith(actionJSON, "action"), "action"},
		{"sync", bundleWith(syncJSON, "sync"), "sync"},
		{"sync with webhooks", bundleWith(webhookSyncJSON, "sync", "on_webhook"), "sync"},
		{"on-event", bundleWith(onEventJSON, "on_event"), "on_event"},
		{"extra exports", bundleWith(actionJSON, "_start", "action", "helper"), "action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Parse(tc.wasm)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Manifest.EntryPoint(); got != tc.entryPoint {
				t.Errorf("EntryPoint() = %q, want %q", got, tc.entryPoint)
			}
			if !slices.Equal(b.Imports, extismImports) {
				t.Errorf("Imports = %v", b.Imports)
			}
			if !bytes.Equal(b.Module(), tc.wasm) {
				t.Error("Module() differs from the parsed bytes")
			}
			if b.Manifest.Kind != KindNative || b.Manifest.Version != "0.0.1" {
				t.Errorf("defaults not filled: kind %q, version %q", b.Manifest.Kind, b.Manifest.Version)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	twoManifests := testModule{funcs: []string{"action"},
		customs: [][2]string{{ManifestSection, actionJSON}, {ManifestSection, actionJSON}}}.build()
	tests := []struct {
		name     string
		wasm     []byte
		sentinel error
		want     string
	}{
		{"empty", nil, ErrNotWasm, "not a WebAssembly module: empty input"},
		{"wrong magic", []byte("PK\x03\x04zipfile"), ErrNotWasm, "not a WebAssembly module: bad magic bytes"},
		{"wrong version", []byte("\x00asm\x02\x00\x00\x00"), ErrNotWasm, "not a WebAssembly module: unsupported version 2"},
		{"truncated", bundleWith(actionJSON, "action")[:40], ErrNotWasm, "not a WebAssembly module: truncated section"},
		{"no manifest", testModule{funcs: []string{"action"}}.build(), ErrNoManifest, `bundle has no "ferry.manifest" custom section`},
		{"two manifests", twoManifests, ErrInvalidManifest, `bundle has 2 "ferry.manifest" custom sections, want 1`},
		{"malformed JSON", bundleWith(`{"name":`, "action"), ErrInvalidManifest, "manifest: unexpected end of JSON"},
		{"unknown field", bundleWith(`{"name":"a","type":"action","integration":"x","runs":"1h"}`, "action"),
			ErrInvalidManifest, `manifest: unknown field "runs"`},
		{"sync without models", bundleWith(`{"name":"s","type":"sync","integration":"x","frequency":"every day"}`, "sync"),
			ErrInvalidManifest, "manifest: models: at least one model is required for a sync"},
		{"sync without frequency", bundleWith(`{"name":"s","type":"sync","integration":"x","models":{"M":{}}}`, "sync"),
			ErrInvalidManifest, "manifest: frequency is required for a sync"},
		{"action missing export", bundleWith(actionJSON, "sync"), ErrNoEntryPoint, `action bundle does not export "action"`},
		{"on-event missing export", bundleWith(onEventJSON, "onEvent"), ErrNoEntryPoint, `on-event bundle does not export "on_event"`},
		{"webhooks without on_webhook", bundleWith(webhookSyncJSON, "sync"), ErrNoEntryPoint,
			`sync bundle with webhookSubscriptions does not export "on_webhook"`},
		{"entry point not a function", testModule{globalExports: []string{"action"},
			customs: [][2]string{{ManifestSection, actionJSON}}}.build(),
			ErrNoEntryPoint, `action bundle exports "action" as a global, not a function`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Parse(tc.wasm)
			if b != nil || !errors.Is(err, tc.sentinel) {
				t.Fatalf("Parse() = %v, %v; want error wrapping %v", b, err, tc.sentinel)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %q, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	module := testModule{imports: extismImports, funcs: []string{"sync", "on_webhook"},
		customs: [][2]string{{"ferry.js.source", "export default {}"}, {ManifestSection, "stale"}}}.build()
	m := mustManifest(t, webhookSyncJSON)
	m.Endpoints = []Endpoint{{Method: "get", Path: "/issues"}}

	out, err := Encode(module, m)
	if err != nil {
		t.Fatal(err)
	}
	if m.Endpoints[0].Method != "get" || m.AutoStart != nil {
		t.Error("Encode modified the caller's manifest")
	}
	b, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(Encode()) = %v", err)
	}
	if b.Manifest.Name != "fetch-issues" || b.Manifest.Endpoints[0].Method != "GET" || !*b.Manifest.AutoStart {
		t.Errorf("manifest read back as %+v", b.Manifest)
	}
	if data, ok := b.CustomSection("ferry.js.source"); !ok || string(data) != "export default {}" {
		t.Errorf(`CustomSection("ferry.js.source") = %q, %v`, data, ok)
	}
	if data, _ := b.CustomSection(ManifestSection); bytes.Contains(data, []byte("\n")) {
		t.Errorf("manifest section has a newline: %q", data)
	}
	if _, ok := b.CustomSection("js.source"); ok {
		t.Error(`CustomSection("js.source") found a missing section`)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name     string
		module   []byte
		manifest string
		sentinel error
	}{
		{"invalid manifest", testModule{funcs: []string{"sync"}}.build(), `{"name":"s","type":"sync","integration":"x"}`, ErrInvalidManifest},
		{"not wasm", []byte("nope"), actionJSON, ErrNotWasm},
		{"missing entry point", testModule{funcs: []string{"sync"}}.build(), actionJSON, ErrNoEntryPoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Encode(tc.module, mustManifest(t, tc.manifest)); !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.sentinel)
			}
		})
	}
}

func TestHash(t *testing.T) {
	wasm := bundleWith(actionJSON, "action")
	b, err := Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	want := hex.EncodeToString(sum[:])
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := b.Hash(); got != want {
				t.Errorf("Hash() = %s, want %s", got, want)
			}
		})
	}
	wg.Wait()
}
