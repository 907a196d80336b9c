package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sync"
)

// Bundle is a parsed bundle whose manifest is valid and whose module
// exports the entry points the manifest requires. The module itself is not
// compiled: wazero validates function bodies when the host compiles
// [Bundle.Module].
//
// A Bundle aliases the bytes given to [Parse], which must not be modified
// afterwards. It is immutable and safe for concurrent use; callers must
// not modify its fields or the slices they hold.
type Bundle struct {
	Manifest Manifest // validated, with defaults filled
	Imports  []Import // in module order
	Exports  []Export // in module order

	module   *module
	hashOnce sync.Once
	hash     string
}

// Parse reads a bundle: it checks the module's binary structure, decodes
// and validates the manifest in the [ManifestSection] custom section, and
// checks the module holds the code the manifest's kind requires: a native
// bundle exports the manifest's entry points and has no [ScriptSection]; a
// JS bundle has one non-empty UTF-8 [ScriptSection] and imports exactly
// the engine ([EngineModule].[EngineQuickJS]), and needs no exports. It only walks
// section headers and decodes the import, export and manifest sections, so
// it costs microseconds even for a module of megabytes.
//
// Errors wrap [ErrNotWasm], [ErrNoManifest], [ErrInvalidManifest],
// [ErrNoEntryPoint] or, for a JS bundle importing more than the engine,
// [ErrUnknownImport]. A native bundle's imports are not checked: the host
// owns the list of what it provides and calls [Bundle.CheckImports].
func Parse(wasm []byte) (*Bundle, error) {
	mod, err := readModule(wasm)
	if err != nil {
		return nil, err
	}
	data, n := mod.customSection(ManifestSection)
	switch {
	case n == 0:
		return nil, ErrNoManifest
	case n > 1:
		return nil, errorf(ErrInvalidManifest, "bundle has %d %q custom sections, want 1", n, ManifestSection)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, err
	}
	if err := checkCode(m, mod); err != nil {
		return nil, err
	}
	return &Bundle{Manifest: *m, Imports: mod.imports, Exports: mod.exports, module: mod}, nil
}

// Encode validates m and returns a copy of module with m written as its
// [ManifestSection], replacing any manifest already there. The result is a
// bundle [Parse] accepts: Encode also checks that module holds the code
// m's kind requires, as Parse does. module is not modified.
func Encode(module []byte, m Manifest) ([]byte, error) {
	m.Endpoints = slices.Clone(m.Endpoints) // Validate normalises them in place
	if err := m.Validate(); err != nil {
		return nil, err
	}
	mod, err := readModule(module)
	if err != nil {
		return nil, err
	}
	if err := checkCode(&m, mod); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&m); err != nil {
		return nil, errorf(ErrInvalidManifest, "manifest: encode: %v", err)
	}
	return WithCustomSection(module, ManifestSection, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// checkEntryPoints checks that exports has every function the manifest's
// type requires.
func checkEntryPoints(m *Manifest, exports []Export) error {
	for _, name := range m.requiredExports() {
		i := slices.IndexFunc(exports, func(e Export) bool { return e.Name == name })
		switch {
		case i < 0 && name == WebhookEntryPoint:
			return errorf(ErrNoEntryPoint, "sync bundle with webhookSubscriptions does not export %q", name)
		case i < 0:
			return errorf(ErrNoEntryPoint, "%s bundle does not export %q", m.Type, name)
		case exports[i].Kind != ExternFunc:
			return errorf(ErrNoEntryPoint, "%s bundle exports %q as a %s, not a function", m.Type, name, exports[i].Kind)
		}
	}
	return nil
}

// Module returns the module bytes, for the host to compile.
func (b *Bundle) Module() []byte { return b.module.raw }

// CustomSection returns the payload of the first custom section called
// name, e.g. [ManifestSection] or a section holding JavaScript, without
// copying it.
func (b *Bundle) CustomSection(name string) ([]byte, bool) {
	data, n := b.module.customSection(name)
	return data, n > 0
}

// Hash returns the lowercase hex SHA-256 of the module bytes, which
// identifies the bundle (a cache key for compiled modules). It is computed
// on first use, keeping [Parse] fast.
func (b *Bundle) Hash() string {
	b.hashOnce.Do(func() {
		sum := sha256.Sum256(b.module.raw)
		b.hash = hex.EncodeToString(sum[:])
	})
	return b.hash
}
