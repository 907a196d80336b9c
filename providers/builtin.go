package providers

import (
	_ "embed"
	"sync"
)

// catalogYAML is ferry's built-in catalog. To add a provider, add an entry
// to catalog.yaml in Nango's providers.yaml format; TestBuiltin checks that
// every entry decodes and converts.
//
//go:embed catalog.yaml
var catalogYAML []byte

var builtin = sync.OnceValues(func() (*Catalog, error) { return parse("catalog.yaml", catalogYAML) })

// Builtin returns ferry's built-in catalog. It panics if the embedded
// catalog does not parse, which the package's tests rule out.
func Builtin() *Catalog {
	c, err := builtin()
	if err != nil {
		panic("providers: built-in catalog: " + err.Error())
	}
	return c
}
