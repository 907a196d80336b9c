package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsProject is jscompile's test project: TypeScript functions in Nango's
// layout. They import zod from the repository's node_modules (npm ci).
var jsProject = filepath.Join("..", "..", "jscompile", "testdata", "project")

// inspectManifest returns the manifest ferry inspect shows for a bundle.
func inspectManifest(t *testing.T, path string) map[string]any {
	t.Helper()
	stdout, stderr, ok := ferry(t, "inspect", path)
	if !ok {
		t.Fatalf("inspect %s: %s", path, stderr)
	}
	var inspected struct{ Manifest map[string]any }
	if err := json.Unmarshal([]byte(stdout), &inspected); err != nil {
		t.Fatalf("inspect output %q: %v", stdout, err)
	}
	return inspected.Manifest
}

func TestCompileTypeScript(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "..", "node_modules", "zod")); err != nil {
		t.Fatalf("zod is not installed: run npm ci at the repository's root (%v)", err)
	}
	out := t.TempDir()
	github := filepath.Join(jsProject, "nango", "github")
	stdout, stderr, ok := ferry(t, "compile", "--out", out, github)
	if !ok {
		t.Fatalf("compile failed: %s", stderr)
	}
	for _, want := range []string{
		"compiled " + filepath.Join(github, "actions", "create-issue.ts") + " -> " + filepath.Join(out, "github", "create-issue.wasm"),
		"compiled " + filepath.Join(github, "syncs", "fetch-issues.ts") + " -> " + filepath.Join(out, "github", "fetch-issues.wasm"),
		"2 functions compiled",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	sync := inspectManifest(t, filepath.Join(out, "github", "fetch-issues.wasm"))
	if sync["kind"] != "js" || sync["type"] != "sync" || sync["frequency"] != "every hour" || sync["models"] == nil {
		t.Errorf("sync manifest %v", sync)
	}
	action := inspectManifest(t, filepath.Join(out, "github", "create-issue.wasm"))
	if action["kind"] != "js" || action["type"] != "action" || action["input"] == nil {
		t.Errorf("action manifest %v", action)
	}
}

// TestCompileGoAndTypeScript compiles a folder holding both kinds.
func TestCompileGoAndTypeScript(t *testing.T) {
	modules, err := filepath.Abs(filepath.Join("..", "..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"crm/actions/go-hello/go.mod":        "module hello\n\ngo 1.26\n",
		"crm/actions/go-hello/main.go":       "package main\n\n//go:wasmexport action\nfunc action() int32 { return 0 }\n\nfunc main() {}\n",
		"crm/actions/go-hello/manifest.json": `{"name":"go-hello","type":"action","integration":"crm"}`,
		"crm/actions/ts-hello.ts": "import { createAction } from 'nango';\n\n" +
			"export default createAction({ description: 'says hello', exec: async () => ({ hello: 'world' }) });\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, ok := ferry(t, "compile", "--out", out, dir)
	if !ok || !strings.Contains(stdout, "2 functions compiled") {
		t.Fatalf("compile: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}
	if m := inspectManifest(t, filepath.Join(out, "crm", "go-hello.wasm")); m["kind"] != "native" {
		t.Errorf("Go function's kind %v", m["kind"])
	}
	if m := inspectManifest(t, filepath.Join(out, "crm", "ts-hello.wasm")); m["kind"] != "js" {
		t.Errorf("TypeScript function's kind %v", m["kind"])
	}
}

func TestCompileTypeScriptErrors(t *testing.T) {
	broken := filepath.Join(jsProject, "broken")
	// Files outside the working directory are named by absolute paths.
	abs := func(parts ...string) string {
		path, err := filepath.Abs(filepath.Join(append([]string{broken}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return path
	}

	noZod := t.TempDir()
	noZodFile := filepath.Join(noZod, "github", "actions", "hello.ts")
	if err := os.MkdirAll(filepath.Dir(noZodFile), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(noZod, "package.json"), []byte(`{"dependencies":{"zod":"^4"}}`), 0o644)
	os.WriteFile(noZodFile, []byte("import { createAction } from 'nango';\nimport { z } from 'zod';\n\n"+
		"export default createAction({ description: 'x', input: z.object({}), exec: async () => ({}) });\n"), 0o644)

	tests := []struct {
		name string
		path string
		want []string
	}{
		{"named relative to the working directory", filepath.Join("testdata", "ts"),
			[]string{"testdata/ts/github/actions/broken.ts:3:98: Expected \")\" but found \";\""}},
		{"syntax error", filepath.Join(broken, "syntax"),
			[]string{abs("syntax", "github", "actions", "create.ts") + `:5:5: Expected "}" but found "exec"`}},
		{"no default export", filepath.Join(broken, "no-default", "github", "syncs", "issues.ts"),
			[]string{abs("no-default", "github", "syncs", "issues.ts") + ": no default export: export default createSync({...})"}},
		{"unknown import", filepath.Join(broken, "unknown-import"),
			[]string{`unknown import "qjs:os" in ` + abs("unknown-import", "github", "actions", "run.ts") + ":2:21: ferry functions may import nango, zod, crypto, url, buffer and relative files"}},
		{"missing zod", noZod,
			[]string{`cannot find package "zod" imported by`, "hello.ts:2:19: run npm install in " + noZod}},
		{"outside the layout", filepath.Join(jsProject, "nango", "github", "mappers", "issue.ts"),
			[]string{"a function must be in <integration>/syncs, <integration>/actions or <integration>/on-events"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			stdout, stderr, ok := ferry(t, "compile", "--out", out, tc.path)
			if ok {
				t.Fatalf("compile succeeded: %s", stdout)
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q lacks %q", stderr, want)
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("a failed compile wrote %d entries", len(entries))
			}
		})
	}
}

// TestCompileReportsEveryFailure checks that one failing function does not
// stop the others, and that the exit status still says it failed.
func TestCompileReportsEveryFailure(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, ok := ferry(t, "compile", "--out", out, filepath.Join(jsProject, "mixed"))
	if ok {
		t.Fatal("compile succeeded")
	}
	if !strings.Contains(stdout, "1 function compiled") || !strings.Contains(stderr, "2 of 3 functions failed to compile") ||
		!strings.Contains(stderr, "bad.ts:3:82") || !strings.Contains(stderr, "headless.ts: no default export") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "github", "ok.wasm")); err != nil {
		t.Errorf("the function that compiles was not written: %v", err)
	}
}
