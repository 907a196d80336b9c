package bundle

import "fmt"

// ImportPolicy reports whether a bundle may import name from module. The
// host owns the policy because it owns the functions it links: for native
// bundles it allows its own functions in "extism:host/user", the Extism
// kernel in "extism:host/env" and WASI in "wasi_snapshot_preview1".
type ImportPolicy func(module, name string) bool

// AllowImports returns an ImportPolicy that allows, for each module key,
// the names listed; a list holding "*" allows every name of that module:
//
//	bundle.AllowImports(map[string][]string{
//		"extism:host/user":       {"http_request", "log"},
//		"extism:host/env":        {"*"},
//		"wasi_snapshot_preview1": {"*"},
//	})
//
// The map is copied; changing it afterwards does not change the policy.
func AllowImports(allowed map[string][]string) ImportPolicy {
	set := make(map[string]map[string]bool, len(allowed))
	for module, names := range allowed {
		set[module] = make(map[string]bool, len(names))
		for _, name := range names {
			set[module][name] = true
		}
	}
	return func(module, name string) bool {
		names := set[module]
		return names["*"] || names[name]
	}
}

// CheckImports checks every import of the bundle against allowed, which
// may be nil to allow none. The error wraps [ErrUnknownImport] and names
// the first import not allowed:
//
//	bundle imports unknown host function "extism:host/user"."foo" (and 2 more)
func (b *Bundle) CheckImports(allowed ImportPolicy) error {
	var first *Import
	more := 0
	for i, imp := range b.Imports {
		if allowed != nil && allowed(imp.Module, imp.Name) {
			continue
		}
		if first == nil {
			first = &b.Imports[i]
		} else {
			more++
		}
	}
	if first == nil {
		return nil
	}
	msg := fmt.Sprintf("bundle imports unknown host %s %q.%q", externNoun(first.Kind), first.Module, first.Name)
	if more > 0 {
		msg += fmt.Sprintf(" (and %d more)", more)
	}
	return errorf(ErrUnknownImport, "%s", msg)
}

// externNoun names an import kind in messages.
func externNoun(k ExternKind) string {
	if k == ExternFunc {
		return "function"
	}
	return k.String()
}
