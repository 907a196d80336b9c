package bundle

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

const testScript = `(()=>{globalThis.__ferry={run:async()=>'{"output":null}',describe:()=>"{}"}})();`

var engineImport = Import{Module: EngineModule, Name: EngineQuickJS, Kind: ExternFunc}

// jsBundle builds a module as NewJS would, but from parts, so tests can
// leave parts out: imports, then custom sections in order.
func jsBundle(imports []Import, customs ...[2]string) []byte {
	return testModule{imports: imports, customs: customs}.build()
}

func mustNewJS(t testing.TB, manifest, script string) []byte {
	t.Helper()
	wasm, err := NewJS(mustManifest(t, manifest), []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

func TestNewJS(t *testing.T) {
	for _, manifest := range []string{actionJSON, syncJSON, webhookSyncJSON, onEventJSON} {
		m := mustManifest(t, manifest)
		t.Run(string(m.Type), func(t *testing.T) {
			wasm, err := NewJS(m, []byte(testScript))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Parse(wasm)
			if err != nil {
				t.Fatalf("Parse(NewJS()) = %v", err)
			}
			if b.Manifest.Kind != KindJS || b.Manifest.Name != m.Name || b.Manifest.Version != "0.0.1" {
				t.Errorf("manifest read back as %+v", b.Manifest)
			}
			if string(b.Script()) != testScript {
				t.Errorf("Script() = %q", b.Script())
			}
			if !slices.Equal(b.Imports, []Import{engineImport}) || len(b.Exports) != 0 {
				t.Errorf("imports %v, exports %v; want only the engine import", b.Imports, b.Exports)
			}
		})
	}
}

// TestNewJSCompiles checks that wazero accepts the module and sees the
// engine import with type () -> ().
func TestNewJSCompiles(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	compiled, err := r.CompileModule(ctx, mustNewJS(t, actionJSON, testScript))
	if err != nil {
		t.Fatal(err)
	}
	imports := compiled.ImportedFunctions()
	if len(imports) != 1 {
		t.Fatalf("%d imported functions, want 1", len(imports))
	}
	mod, name, _ := imports[0].Import()
	if mod != EngineModule || name != EngineQuickJS || len(imports[0].ParamTypes()) != 0 || len(imports[0].ResultTypes()) != 0 {
		t.Errorf("import %s.%s %v -> %v, want %s.%s () -> ()", mod, name,
			imports[0].ParamTypes(), imports[0].ResultTypes(), EngineModule, EngineQuickJS)
	}
	if got := compiled.CustomSections(); len(got) != 2 {
		t.Errorf("%d custom sections, want ferry.js and ferry.manifest", len(got))
	}
}

func TestNewJSErrors(t *testing.T) {
	native := mustManifest(t, actionJSON)
	native.Kind = KindNative
	tests := []struct {
		name     string
		manifest Manifest
		script   string
		sentinel error
		want     string
	}{
		{"native kind", native, testScript, ErrInvalidManifest, `manifest: kind "native": a JS bundle's kind is "js"`},
		{"invalid manifest", mustManifest(t, `{"name":"s","type":"sync","integration":"x","models":{"M":{}}}`),
			testScript, ErrInvalidManifest, "manifest: frequency is required for a sync"},
		{"empty script", mustManifest(t, actionJSON), "", ErrNoEntryPoint, `js bundle's "ferry.js" script section is empty`},
		{"script not UTF-8", mustManifest(t, actionJSON), "x = '\xff';", ErrNoEntryPoint, `js bundle's "ferry.js" script section is not valid UTF-8`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wasm, err := NewJS(tc.manifest, []byte(tc.script))
			if wasm != nil || !errors.Is(err, tc.sentinel) || err.Error() != tc.want {
				t.Fatalf("NewJS() = %d bytes, %v; want %q wrapping %v", len(wasm), err, tc.want, tc.sentinel)
			}
		})
	}
}

func TestParseJS(t *testing.T) {
	jsAction := strings.Replace(actionJSON, `"type"`, `"kind":"js","type"`, 1)
	tests := []struct {
		name     string
		wasm     []byte
		sentinel error // nil: Parse accepts it
		want     string
	}{
		{"sections in any order", jsBundle([]Import{engineImport}, [2]string{ManifestSection, jsAction},
			[2]string{"name", "x"}, [2]string{ScriptSection, testScript}), nil, ""},
		{"exports are allowed", testModule{imports: []Import{engineImport}, funcs: []string{"helper"},
			customs: [][2]string{{ScriptSection, testScript}, {ManifestSection, jsAction}}}.build(), nil, ""},
		{"no script", jsBundle([]Import{engineImport}, [2]string{ManifestSection, jsAction}),
			ErrNoEntryPoint, `js bundle has no "ferry.js" script section`},
		{"two scripts", jsBundle([]Import{engineImport}, [2]string{ScriptSection, testScript},
			[2]string{ScriptSection, testScript}, [2]string{ManifestSection, jsAction}),
			ErrNoEntryPoint, `js bundle has 2 "ferry.js" script sections, want 1`},
		{"empty script", jsBundle([]Import{engineImport}, [2]string{ScriptSection, ""}, [2]string{ManifestSection, jsAction}),
			ErrNoEntryPoint, `js bundle's "ferry.js" script section is empty`},
		{"script not UTF-8", jsBundle([]Import{engineImport}, [2]string{ScriptSection, "\xc3("}, [2]string{ManifestSection, jsAction}),
			ErrNoEntryPoint, `js bundle's "ferry.js" script section is not valid UTF-8`},
		{"no engine import", jsBundle(nil, [2]string{ScriptSection, testScript}, [2]string{ManifestSection, jsAction}),
			ErrNoEntryPoint, `js bundle does not import the engine function "ferry:engine"."quickjs_ng"`},
		{"another engine", jsBundle([]Import{{EngineModule, "v8", ExternFunc}}, [2]string{ScriptSection, testScript},
			[2]string{ManifestSection, jsAction}),
			ErrUnknownImport, `js bundle imports function "ferry:engine"."v8": it may import only the engine function "ferry:engine"."quickjs_ng"`},
		{"engine imported as a memory", jsBundle([]Import{{EngineModule, EngineQuickJS, ExternMemory}},
			[2]string{ScriptSection, testScript}, [2]string{ManifestSection, jsAction}),
			ErrUnknownImport, `js bundle imports memory "ferry:engine"."quickjs_ng"`},
		{"engine imported twice", jsBundle([]Import{engineImport, engineImport}, [2]string{ScriptSection, testScript},
			[2]string{ManifestSection, jsAction}),
			ErrUnknownImport, `js bundle imports function "ferry:engine"."quickjs_ng": it may import only`},
		{"host functions too", jsBundle(append([]Import{engineImport}, extismImports...),
			[2]string{ScriptSection, testScript}, [2]string{ManifestSection, jsAction}),
			ErrUnknownImport, `js bundle imports function "extism:host/env"."input_length"`},
		{"native bundle with a script", testModule{imports: extismImports, funcs: []string{"action"},
			customs: [][2]string{{ScriptSection, testScript}, {ManifestSection, actionJSON}}}.build(),
			ErrInvalidManifest, `manifest: kind is "native" but the bundle has a "ferry.js" script section: a JS bundle's kind is "js"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Parse(tc.wasm)
			if tc.sentinel == nil {
				if err != nil {
					t.Fatal(err)
				}
				if b.Manifest.Kind != KindJS || string(b.Script()) != testScript {
					t.Errorf("kind %q, script %q", b.Manifest.Kind, b.Script())
				}
				return
			}
			if b != nil || !errors.Is(err, tc.sentinel) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Parse() = %v, %v; want %q wrapping %v", b, err, tc.want, tc.sentinel)
			}
		})
	}
}

func TestScriptOfNativeBundle(t *testing.T) {
	b, err := Parse(bundleWith(actionJSON, "action"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Script() != nil {
		t.Errorf("Script() = %q, want nil", b.Script())
	}
}

// TestEncodeJS checks that Encode rewrites a JS bundle's manifest and
// keeps its script, and checks a JS manifest against the module as Parse
// does.
func TestEncodeJS(t *testing.T) {
	wasm := mustNewJS(t, actionJSON, testScript)
	m := mustManifest(t, actionJSON)
	m.Kind, m.Version = KindJS, "2.0.0"
	out, err := Encode(wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(out)
	if err != nil || b.Manifest.Version != "2.0.0" || !bytes.Equal(b.Script(), []byte(testScript)) {
		t.Fatalf("Parse(Encode()) = %+v, %v", b, err)
	}
	if _, err := Encode(bundleWith(actionJSON, "action"), m); !errors.Is(err, ErrNoEntryPoint) {
		t.Errorf("Encode(js manifest, native module) = %v, want ErrNoEntryPoint", err)
	}
	m.Kind = KindNative
	if _, err := Encode(wasm, m); !errors.Is(err, ErrInvalidManifest) {
		t.Errorf("Encode(native manifest, js module) = %v, want ErrInvalidManifest", err)
	}
}
