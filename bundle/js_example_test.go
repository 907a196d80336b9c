package bundle_test

import (
	"fmt"
	"log"

	"github.com/ferryhq/ferry/bundle"
)

func ExampleNewJS() {
	script := []byte(`(()=>{globalThis.__ferry={run:async()=>'{"output":null}',describe:()=>"{}"}})();`)
	wasm, err := bundle.NewJS(bundle.Manifest{
		Name:        "validate",
		Type:        bundle.TypeOnEvent,
		Integration: "slack",
		Event:       bundle.EventValidateConnection,
	}, script)
	if err != nil {
		log.Fatal(err)
	}
	b, err := bundle.Parse(wasm)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Manifest.Kind, b.Imports[0].Module, b.Imports[0].Name, len(b.Script()) == len(script))
	// Output:
	// js ferry:engine quickjs_ng true
}
