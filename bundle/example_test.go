package bundle_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/ferryhq/ferry/bundle"
)

// The module of a native action, as a PDK compiler would write it: it
// exports "action" and imports Extism kernel functions and one of ferry's
// host functions.
func actionModule() []byte {
	module, err := os.ReadFile("testdata/action-plugin.wasm")
	if err != nil {
		log.Fatal(err)
	}
	return module
}

func ExampleEncode() {
	wasm, err := bundle.Encode(actionModule(), bundle.Manifest{
		Name:        "create-issue",
		Type:        bundle.TypeAction,
		Integration: "github",
		Input:       []byte(`{"type":"object","properties":{"title":{"type":"string"}}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err := bundle.Parse(wasm)
	if err != nil {
		log.Fatal(err)
	}
	data, _ := b.CustomSection(bundle.ManifestSection)
	fmt.Println(string(data))
	// Output:
	// {"name":"create-issue","type":"action","integration":"github","kind":"native","version":"0.0.1","input":{"type":"object","properties":{"title":{"type":"string"}}}}
}

func ExampleParse() {
	wasm, err := os.ReadFile("testdata/sync.wasm")
	if err != nil {
		log.Fatal(err)
	}
	b, err := bundle.Parse(wasm)
	if err != nil {
		log.Fatal(err)
	}
	m := b.Manifest
	fmt.Printf("%s %s for %s, runs %q, exports %q\n", m.Type, m.Name, m.Integration, m.Frequency, m.EntryPoint())

	policy := bundle.AllowImports(map[string][]string{
		"extism:host/user":       {"http_request", "log"},
		"extism:host/env":        {"*"},
		"wasi_snapshot_preview1": {"*"},
	})
	if err := b.CheckImports(policy); err != nil {
		log.Fatal(err)
	}

	_, err = bundle.Parse(wasm[:100])
	fmt.Println(errors.Is(err, bundle.ErrNotWasm), err)
	// Output:
	// sync fetch-issues for github, runs "every hour", exports "sync"
	// true not a WebAssembly module: truncated section 2 at offset 15: length 127 exceeds the 83 bytes left
}
