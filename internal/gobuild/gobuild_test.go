package gobuild_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/internal/gobuild"
)

const goodManifest = `{"name":"hello","type":"action","integration":"test","description":"says hello"}`

// writeFunction writes a function directory with its own module.
func writeFunction(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module hello\n\ngo 1.26\n"
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuild(t *testing.T) {
	const action = "package main\n\n//go:wasmexport action\nfunc action() int32 { return 0 }\n\nfunc main() {}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  error
		msg   string
	}{
		{"builds", map[string]string{"main.go": action, "manifest.json": goodManifest}, nil, ""},
		{"no manifest", map[string]string{"main.go": action}, gobuild.ErrNotGoFunction, "manifest.json"},
		{"no Go files", map[string]string{"manifest.json": goodManifest}, gobuild.ErrNotGoFunction, "main package"},
		{"bad manifest", map[string]string{"main.go": action, "manifest.json": `{"name":"hello"`}, bundle.ErrInvalidManifest, "manifest.json"},
		{"compile error", map[string]string{"main.go": "package main\n\nfunc main() { undefined() }\n", "manifest.json": goodManifest}, nil, "undefined"},
		{"entry point missing", map[string]string{"main.go": "package main\n\nfunc main() {}\n", "manifest.json": goodManifest}, bundle.ErrNoEntryPoint, `"action"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wasm, err := gobuild.Build(context.Background(), writeFunction(t, tc.files))
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				b, err := bundle.Parse(wasm)
				if err != nil || b.Manifest.Name != "hello" {
					t.Fatalf("built bundle: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}
