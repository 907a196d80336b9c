package host_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/internal/guesttest"
)

// importing returns a minimal module that imports module.name as a
// function of type () -> () and exports nothing else.
func importing(module, name string) []byte {
	vec := func(b ...[]byte) []byte {
		out := []byte{byte(len(b))}
		for _, x := range b {
			out = append(out, x...)
		}
		return out
	}
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	section := func(id byte, body []byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	imp := append(append(str(module), str(name)...), 0x00, 0x00) // func, type 0
	mod := []byte("\x00asm\x01\x00\x00\x00")
	mod = append(mod, section(1, vec([]byte{0x60, 0x00, 0x00}))...)
	mod = append(mod, section(2, vec(imp))...)
	// An exported function "action" of type 0 with an empty body.
	mod = append(mod, section(3, vec([]byte{0x00}))...)
	mod = append(mod, section(7, vec(append(str("action"), 0x00, 0x01)))...)
	mod = append(mod, section(10, vec([]byte{0x02, 0x00, 0x0b}))...)
	return mod
}

func TestLoadRejectsBadBundles(t *testing.T) {
	e := newEnv(t, host.Config{Prewarm: -1})
	noop := guesttest.Build(t, filepath.Join("testdata", "guests", "noop"))
	action := bundle.Manifest{Name: "x", Type: bundle.TypeAction, Integration: "test", Description: "x"}
	withManifest := func(mod []byte, m bundle.Manifest) []byte {
		out, err := bundle.Encode(mod, m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	rawManifest := func(mod []byte, payload string) []byte {
		out, err := bundle.WithCustomSection(mod, bundle.ManifestSection, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	tests := []struct {
		name string
		wasm []byte
		want error
		msg  string
	}{
		{"not wasm", []byte("hello, world"), bundle.ErrNotWasm, "not a WebAssembly module"},
		{"empty", nil, bundle.ErrNotWasm, "not a WebAssembly module"},
		{"no manifest", importing("extism:host/user", "log"), bundle.ErrNoManifest, "ferry.manifest"},
		{"manifest not JSON", rawManifest(noop, "{bad"), bundle.ErrInvalidManifest, "manifest"},
		{"manifest unknown field", rawManifest(noop, `{"name":"x","type":"action","integration":"t","colour":"red"}`), bundle.ErrInvalidManifest, "colour"},
		{"no entry point", rawManifest(noop, `{"name":"x","type":"sync","integration":"t","frequency":"every hour","models":{"A":{}}}`), bundle.ErrNoEntryPoint, `"sync"`},
		{"unknown host function", withManifest(importing("extism:host/user", "steal_secrets"), action), bundle.ErrUnknownImport, "steal_secrets"},
		{"kernel HTTP", withManifest(importing("extism:host/env", "http_request"), action), bundle.ErrUnknownImport, "http_request"},
		{"foreign module", withManifest(importing("env", "abort"), action), bundle.ErrUnknownImport, `"env"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.host.Load(context.Background(), tc.wasm)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestCompilationCacheOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	wasm := guesttest.Build(t, filepath.Join("testdata", "guests", "noop"))
	for i := 0; i < 2; i++ { // the second host starts from the cache the first wrote
		h, err := host.New(host.Config{CacheDir: dir, Prewarm: -1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Load(context.Background(), wasm); err != nil {
			t.Fatal(err)
		}
		h.Close(context.Background())
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("cache dir after load %d: %v entries, err %v", i, len(entries), err)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	if _, err := host.New(host.Config{MemoryLimitPages: 70000}); err == nil {
		t.Error("memory limit over 4 GiB accepted")
	}
	if _, err := host.New(host.Config{Timeout: -1}); err == nil {
		t.Error("negative timeout accepted")
	}
}
