package bundle

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// addFiles adds every file matching pattern to the fuzz corpus.
func addFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParse checks that no input makes the reader panic, and that any
// module it accepts can be rewritten by WithCustomSection and Encode and
// read back the same.
func FuzzParse(f *testing.F) {
	addFiles(f, "testdata/*.wasm")
	f.Add(bundleWith(webhookSyncJSON, "sync", "on_webhook"))
	f.Add(mustNewJS(f, syncJSON, testScript))
	f.Add(jsBundle([]Import{engineImport}, [2]string{ScriptSection, "\xff"},
		[2]string{ManifestSection, `{"name":"a","type":"action","integration":"x","kind":"js"}`}))
	f.Add(testModule{imports: []Import{{"env", "memory", ExternMemory}, {"env", "t", ExternTable},
		{"env", "g", ExternGlobal}}, globalExports: []string{"g"}}.build())
	f.Add([]byte(header + "\x02\x08\x01\x01m\x01n\x02\x05\x00"))
	f.Add([]byte(header + "\x01\xff\xff\xff\xff\x7f"))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, wasm []byte) {
		orig := bytes.Clone(wasm)
		b, parseErr := Parse(wasm)
		if !bytes.Equal(wasm, orig) {
			t.Fatal("Parse modified its input")
		}
		mod, err := readModule(wasm)
		if err != nil {
			if parseErr == nil {
				t.Fatalf("Parse accepted a module readModule rejects: %v", err)
			}
			return
		}
		out, err := WithCustomSection(wasm, "fuzz", wasm)
		if err != nil {
			t.Fatalf("WithCustomSection on a readable module: %v", err)
		}
		again, err := readModule(out)
		if err != nil {
			t.Fatalf("WithCustomSection wrote an unreadable module: %v", err)
		}
		if data, n := again.customSection("fuzz"); n != 1 || !bytes.Equal(data, wasm) {
			t.Fatalf("custom section read back as %d sections, %d bytes", n, len(data))
		}
		if !slices.Equal(mod.imports, again.imports) || !slices.Equal(mod.exports, again.exports) {
			t.Fatal("WithCustomSection changed imports or exports")
		}
		if parseErr != nil {
			return
		}
		encoded, err := Encode(wasm, b.Manifest)
		if err != nil {
			t.Fatalf("Encode of a parsed bundle's manifest: %v", err)
		}
		if _, err := Parse(encoded); err != nil {
			t.Fatalf("Parse(Encode()) of a parsed bundle: %v", err)
		}
	})
}

// FuzzManifest checks that no JSON makes manifest decoding or validation
// panic, and that a manifest that passes is stable under a round trip.
func FuzzManifest(f *testing.F) {
	addFiles(f, "testdata/manifest/*.json")
	for _, s := range []string{actionJSON, syncJSON, webhookSyncJSON, onEventJSON,
		`{}`, `null`, `[]`, `{"models":{"":null}}`, `{"endpoints":[{}]}`, `{"input":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		first, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal a valid manifest: %v", err)
		}
		again, err := ParseManifest(first)
		if err != nil {
			t.Fatalf("re-parse %s: %v", first, err)
		}
		if second, _ := json.Marshal(again); !bytes.Equal(first, second) {
			t.Fatalf("round trip changed the manifest:\n%s\n%s", first, second)
		}
	})
}
