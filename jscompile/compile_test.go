package jscompile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/jscompile"
)

// options compiles with Node describing.
func options(t testing.TB) jscompile.Options {
	return jscompile.Options{Describe: hostDescriber(t)}
}

// names lists compiled functions as integration/name (type).
func names(fns []jscompile.Function) []string {
	var out []string
	for _, fn := range fns {
		out = append(out, fn.Integration+"/"+fn.Name+" ("+string(fn.Type)+")")
	}
	return out
}

func TestCompile(t *testing.T) {
	nango := filepath.Join(project, "nango")
	all := []string{"github/create-issue (action)", "github/fetch-issues (sync)", "slack/validate (on-event)"}
	tests := []struct {
		name string
		path string
		want []string
	}{
		{"project root", nango, all},
		{"integration folder", filepath.Join(nango, "github"), all[:2]},
		{"type folder", filepath.Join(nango, "github", "syncs"), all[1:2]},
		{"one file", filepath.Join(nango, "slack", "on-events", "validate.ts"), all[2:]},
		{"index.ts selects", filepath.Join(project, "indexed"), []string{"github/create (action)", "github/issues (sync)"}},
		{"dynamic import is inlined", filepath.Join(project, "broken", "dynamic-import"), []string{"github/lazy (action)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fns, err := jscompile.Compile(context.Background(), tc.path, options(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(fns); !slices.Equal(got, tc.want) {
				t.Fatalf("compiled %v, want %v", got, tc.want)
			}
			for _, fn := range fns {
				checkFunction(t, fn)
			}
		})
	}
}

// checkFunction checks a compiled function's bundle against its fields
// and that the runtime script carries no import() and no describe code.
func checkFunction(t *testing.T, fn jscompile.Function) {
	t.Helper()
	b, err := bundle.Parse(fn.Wasm)
	if err != nil {
		t.Fatalf("%s: bundle: %v", fn.Name, err)
	}
	m := b.Manifest
	if m.Kind != bundle.KindJS || m.Name != fn.Name || m.Integration != fn.Integration || m.Type != fn.Type {
		t.Errorf("%s: manifest %+v", fn.Name, m)
	}
	script := string(b.Script())
	if len(script) != fn.ScriptSize || fn.ScriptSize == 0 {
		t.Errorf("%s: ScriptSize %d, script %d bytes", fn.Name, fn.ScriptSize, len(script))
	}
	if strings.Contains(script, "import(") {
		t.Errorf("%s: import() survived into the script", fn.Name)
	}
	if fn.Type == bundle.TypeOnEvent && strings.Contains(script, "$ZodType") {
		// Only the describe script links zod; this function does not
		// import it.
		t.Errorf("%s: the runtime script links zod", fn.Name)
	}
}

// TestGoldenManifests compares the manifests written into the example
// project's bundles with testdata/golden; go test -update rewrites them.
func TestGoldenManifests(t *testing.T) {
	fns, err := jscompile.Compile(context.Background(), filepath.Join(project, "nango"), options(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range fns {
		t.Run(fn.Integration+"/"+fn.Name, func(t *testing.T) {
			b, err := bundle.Parse(fn.Wasm)
			if err != nil {
				t.Fatal(err)
			}
			section, _ := b.CustomSection(bundle.ManifestSection)
			var got bytes.Buffer
			if err := json.Indent(&got, section, "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", "golden", fn.Integration, fn.Name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("manifest differs from %s (go test -update rewrites it):\n%s", path, got.Bytes())
			}
		})
	}
}

// TestCompiler compiles a project's functions concurrently with one
// Compiler, twice: the bundles must be the same each time (builds share
// esbuild's state but not their results), and the same as Compile's.
func TestCompiler(t *testing.T) {
	sources, err := jscompile.Find(filepath.Join(project, "nango"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := jscompile.Compile(context.Background(), filepath.Join(project, "nango"), options(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := jscompile.NewCompiler(options(t))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]byte, 2*len(sources))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			fn, err := c.Compile(context.Background(), sources[i%len(sources)])
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = fn.Wasm
		})
	}
	wg.Wait()
	for i, wasm := range got {
		if !bytes.Equal(wasm, want[i%len(sources)].Wasm) {
			t.Errorf("%s: compile %d differs", sources[i%len(sources)], i)
		}
	}
	c.Close()
	if _, err := c.Compile(context.Background(), sources[0]); err == nil {
		t.Error("Compile after Close succeeded")
	}
}

// TestCompileKeepsGoing checks that a folder with failing functions still
// compiles the others and reports every failure.
func TestCompileKeepsGoing(t *testing.T) {
	fns, err := jscompile.Compile(context.Background(), filepath.Join(project, "mixed"), options(t))
	if got := names(fns); !slices.Equal(got, []string{"github/ok (action)"}) {
		t.Errorf("compiled %v", got)
	}
	want := "github/actions/bad.ts:3:82: Expected identifier but found \")\"\n" +
		"github/syncs/headless.ts: no default export: export default createSync({...})"
	if err == nil || err.Error() != want || !errors.Is(err, jscompile.ErrBuild) || !errors.Is(err, jscompile.ErrNoDefaultExport) {
		t.Fatalf("err = %v, want\n%s", err, want)
	}
}

func TestWarnings(t *testing.T) {
	fns, err := jscompile.Compile(context.Background(), filepath.Join(project, "broken", "warning"), options(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`github/actions/dup.ts:5:32: Duplicate key "a" in object literal`}
	if !slices.Equal(fns[0].Warnings, want) {
		t.Errorf("warnings %q, want %q", fns[0].Warnings, want)
	}
}

func TestCompileCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	opts := options(t)
	opts.Describe = func(ctx context.Context, _ []byte) (json.RawMessage, error) {
		cancel()
		return nil, errors.New("engine stopped")
	}
	_, err := jscompile.Compile(ctx, filepath.Join(project, "nango"), opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestOptions(t *testing.T) {
	_, err := jscompile.Compile(context.Background(), filepath.Join(project, "nango"), jscompile.Options{})
	if err == nil || err.Error() != "jscompile: Options.Describe is nil" {
		t.Errorf("Compile without a describer = %v", err)
	}
}

// TestCustomSDK compiles with another sdk-js (testdata/sdk, a fake whose
// runtime imports a sibling file) than the embedded one.
func TestCustomSDK(t *testing.T) {
	opts := options(t)
	opts.SDK = os.DirFS("testdata/sdk")
	fns, err := jscompile.Compile(context.Background(), filepath.Join(project, "nango", "slack"), opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Parse(fns[0].Wasm)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b.Script()), "ferry:globals did not run before the function") {
		t.Error("the script is not built from the fake sdk")
	}
}
