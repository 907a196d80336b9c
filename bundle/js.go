package bundle

import "unicode/utf8"

// The parts of a JS bundle (docs/JS.md): the one import that names the
// engine, and the custom section holding the script.
const (
	// EngineModule is the import module of a JS bundle's engine import.
	EngineModule = "ferry:engine"
	// EngineQuickJS is the name of the engine import that asks for
	// QuickJS-ng; it is a function of type () -> ().
	EngineQuickJS = "quickjs_ng"
	// ScriptSection is the custom section holding a JS bundle's script:
	// one classic script (esbuild's iife format), UTF-8.
	ScriptSection = "ferry.js"
)

// jsModule is a JS bundle's module before its custom sections: the header,
// a type section with the one type () -> (), and an import section with
// the one function import EngineModule.EngineQuickJS of that type.
var jsModule = func() []byte {
	out := []byte(wasmMagic + "\x01\x00\x00\x00")
	out = append(out, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00) // type section: [func () -> ()]
	imp := []byte{0x01}                                   // one import
	imp = append(imp, byte(len(EngineModule)))
	imp = append(imp, EngineModule...)
	imp = append(imp, byte(len(EngineQuickJS)))
	imp = append(imp, EngineQuickJS...)
	imp = append(imp, byte(ExternFunc), 0x00) // a function of type 0
	out = append(out, sectionImport, byte(len(imp)))
	return append(out, imp...)
}()

// NewJS returns a JS bundle holding script, with m as its manifest: a
// module with no code of its own that imports the engine
// ([EngineModule].[EngineQuickJS]) and carries the script in its
// [ScriptSection] and m in its [ManifestSection]. m's Kind must be
// [KindJS] or empty (NewJS sets it); m is validated as [Encode] does, and
// the result is a bundle [Parse] accepts. m and script are not retained.
func NewJS(m Manifest, script []byte) ([]byte, error) {
	switch m.Kind {
	case "":
		m.Kind = KindJS
	case KindJS:
	default:
		return nil, invalidManifest("kind %q: a JS bundle's kind is %q", m.Kind, KindJS)
	}
	if err := checkScript(script, 1); err != nil {
		return nil, err
	}
	module, err := WithCustomSection(jsModule, ScriptSection, script)
	if err != nil {
		return nil, err
	}
	return Encode(module, m)
}

// Script returns the script of a JS bundle (its [ScriptSection]) without
// copying it; nil for a native bundle.
func (b *Bundle) Script() []byte {
	data, _ := b.module.customSection(ScriptSection)
	return data
}

// checkCode checks that mod holds the code m's kind requires: a native
// bundle exports its entry points and carries no script; a JS bundle
// carries one script and imports the engine and nothing else.
func checkCode(m *Manifest, mod *module) error {
	script, n := mod.customSection(ScriptSection)
	if m.Kind != KindJS {
		if n > 0 {
			return invalidManifest("kind is %q but the bundle has a %q script section: a JS bundle's kind is %q",
				m.Kind, ScriptSection, KindJS)
		}
		return checkEntryPoints(m, mod.exports)
	}
	if err := checkScript(script, n); err != nil {
		return err
	}
	return checkEngineImport(mod.imports)
}

// checkScript checks a JS bundle's script: n is how many script sections
// the module has.
func checkScript(script []byte, n int) error {
	switch {
	case n == 0:
		return errorf(ErrNoEntryPoint, "js bundle has no %q script section", ScriptSection)
	case n > 1:
		return errorf(ErrNoEntryPoint, "js bundle has %d %q script sections, want 1", n, ScriptSection)
	case len(script) == 0:
		return errorf(ErrNoEntryPoint, "js bundle's %q script section is empty", ScriptSection)
	case !utf8.Valid(script):
		return errorf(ErrNoEntryPoint, "js bundle's %q script section is not valid UTF-8", ScriptSection)
	}
	return nil
}

// checkEngineImport checks that a JS bundle's only import is the engine.
func checkEngineImport(imports []Import) error {
	engine := Import{Module: EngineModule, Name: EngineQuickJS, Kind: ExternFunc}
	found := false
	for _, imp := range imports {
		if imp == engine && !found {
			found = true
			continue
		}
		return errorf(ErrUnknownImport, "js bundle imports %s %q.%q: it may import only the engine function %q.%q",
			externNoun(imp.Kind), imp.Module, imp.Name, EngineModule, EngineQuickJS)
	}
	if !found {
		return errorf(ErrNoEntryPoint, "js bundle does not import the engine function %q.%q", EngineModule, EngineQuickJS)
	}
	return nil
}
