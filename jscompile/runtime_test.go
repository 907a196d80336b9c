package jscompile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/jscompile"
)

// TestRuntimeScript runs compiled bundles' scripts in Node as the host
// would, evaluating the script then calling __ferry.run, for functions
// that make no host call.
func TestRuntimeScript(t *testing.T) {
	tests := []struct {
		name, path, input string
		want              string // a JSON object the answer must contain
	}{
		{"dynamic import", filepath.Join(project, "broken", "dynamic-import"), `{}`,
			`{"output":{"greeting":"hello ferry"}}`},
		{"zod refuses the input", filepath.Join(project, "nango", "github", "actions"), `{"title":""}`,
			`{"error":{"code":"invalid_input"}}`},
	}
	const runner = `
const vm = require('vm');
vm.runInThisContext(require('fs').readFileSync(0, 'utf8'), { filename: 'function.js' });
globalThis.__ferry.run('action', process.argv[1]).then((out) => process.stdout.write(out));
`
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fns, err := jscompile.Compile(context.Background(), tc.path, options(t))
			if err != nil {
				t.Fatal(err)
			}
			b, err := bundle.Parse(fns[0].Wasm)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("node", "-e", runner, tc.input)
			cmd.Stdin = bytes.NewReader(b.Script())
			out, err := cmd.CombinedOutput()
			if err != nil || !jsonContains(t, out, tc.want) {
				t.Fatalf("run: %v: %s, want it to contain %s", err, out, tc.want)
			}
		})
	}
}

// jsonContains reports whether every field of the JSON object want is in
// the JSON object got, recursively.
func jsonContains(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	var contains func(g, w any) bool
	contains = func(g, w any) bool {
		wm, ok := w.(map[string]any)
		if !ok {
			return reflect.DeepEqual(g, w)
		}
		gm, ok := g.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range wm {
			if !contains(gm[k], v) {
				return false
			}
		}
		return true
	}
	return contains(g, w)
}

// TestZodLocales checks that zod's locales other than English are left
// out: create-issue imports { z }, the whole of zod's namespace.
func TestZodLocales(t *testing.T) {
	fns, err := jscompile.Compile(context.Background(), filepath.Join(project, "nango", "github", "actions"), options(t))
	if err != nil {
		t.Fatal(err)
	}
	script, _ := bundle.Parse(fns[0].Wasm)
	if s := string(script.Script()); !strings.Contains(s, "Invalid input") || strings.Contains(s, "Ungültige Eingabe") {
		t.Errorf("want zod's English locale alone in the script")
	}
	if fns[0].ScriptSize > 400<<10 {
		t.Errorf("script of %d KiB: were zod's locales linked?", fns[0].ScriptSize>>10)
	}
}
