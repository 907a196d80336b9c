package bundle

import (
	"encoding/binary"
	"encoding/json"
	"testing"
)

// testModule describes a small but valid WebAssembly module for tests.
// Every function has type () -> i32 and returns 0, like an Extism export.
type testModule struct {
	imports       []Import    // funcs, memories, globals or tables
	funcs         []string    // defined functions, exported under these names
	globalExports []string    // names exporting one defined i32 global
	dataSize      int         // bytes of a data segment, to make big modules
	customs       [][2]string // custom sections: name, payload
}

func (tm testModule) build() []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	out = appendSection(out, 1, vec(1, []byte{0x60, 0x00, 0x01, 0x7f}))

	var imports []byte
	importedFuncs := 0
	for _, imp := range tm.imports {
		imports = appendName(appendName(imports, imp.Module), imp.Name)
		imports = append(imports, byte(imp.Kind))
		switch imp.Kind {
		case ExternFunc:
			imports = append(imports, 0x00)
			importedFuncs++
		case ExternTable:
			imports = append(imports, 0x70, 0x00, 0x01)
		case ExternMemory:
			imports = append(imports, 0x01, 0x01, 0x02) // min 1, max 2
		case ExternGlobal:
			imports = append(imports, 0x7f, 0x00)
		}
	}
	if len(tm.imports) > 0 {
		out = appendSection(out, 2, vec(len(tm.imports), imports))
	}
	if len(tm.funcs) > 0 {
		out = appendSection(out, 3, vec(len(tm.funcs), make([]byte, len(tm.funcs))))
	}
	if tm.dataSize > 0 {
		pages := uint64(tm.dataSize/65536 + 1)
		out = appendSection(out, 5, vec(1, binary.AppendUvarint([]byte{0x00}, pages)))
	}
	if len(tm.globalExports) > 0 {
		out = appendSection(out, 6, vec(1, []byte{0x7f, 0x00, 0x41, 0x00, 0x0b}))
	}

	var exports []byte
	for i, name := range tm.funcs {
		exports = binary.AppendUvarint(append(appendName(exports, name), 0x00), uint64(importedFuncs+i))
	}
	for _, name := range tm.globalExports {
		exports = append(appendName(exports, name), 0x03, 0x00)
	}
	if n := len(tm.funcs) + len(tm.globalExports); n > 0 {
		out = appendSection(out, 7, vec(n, exports))
	}

	if len(tm.funcs) > 0 {
		var code []byte
		for range tm.funcs {
			code = append(code, 0x04, 0x00, 0x41, 0x00, 0x0b) // size, no locals, i32.const 0, end
		}
		out = appendSection(out, 10, vec(len(tm.funcs), code))
	}
	if tm.dataSize > 0 {
		seg := binary.AppendUvarint([]byte{0x00, 0x41, 0x00, 0x0b}, uint64(tm.dataSize))
		seg = append(seg, make([]byte, tm.dataSize)...)
		out = appendSection(out, 11, vec(1, seg))
	}
	for _, c := range tm.customs {
		out = appendSection(out, 0, append(appendName(nil, c[0]), c[1]...))
	}
	return out
}

func appendSection(out []byte, id byte, payload []byte) []byte {
	out = binary.AppendUvarint(append(out, id), uint64(len(payload)))
	return append(out, payload...)
}

func appendName(out []byte, name string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(name))), name...)
}

func vec(n int, items []byte) []byte {
	return append(binary.AppendUvarint(nil, uint64(n)), items...)
}

// Manifests used across tests, as JSON.
const (
	actionJSON = `{"name":"create-issue","type":"action","integration":"github",` +
		`"input":{"type":"object"},"output":{"type":"object"}}`
	syncJSON = `{"name":"fetch-issues","type":"sync","integration":"github",` +
		`"models":{"GithubIssue":{"type":"object"}},"frequency":"every hour"}`
	webhookSyncJSON = `{"name":"fetch-issues","type":"sync","integration":"github",` +
		`"models":{"GithubIssue":{"type":"object"}},"frequency":"every hour","webhookSubscriptions":["issues"]}`
	onEventJSON = `{"name":"check","type":"on-event","integration":"github","event":"validate-connection"}`
)

// extismImports are imports a typical native plugin has.
var extismImports = []Import{
	{Module: "extism:host/env", Name: "input_length", Kind: ExternFunc},
	{Module: "extism:host/env", Name: "output_set", Kind: ExternFunc},
	{Module: "extism:host/user", Name: "http_request", Kind: ExternFunc},
	{Module: "wasi_snapshot_preview1", Name: "fd_write", Kind: ExternFunc},
}

// bundleWith builds a module with the given manifest JSON and function
// exports, and the usual Extism imports.
func bundleWith(manifest string, funcs ...string) []byte {
	return testModule{
		imports: extismImports,
		funcs:   funcs,
		customs: [][2]string{{ManifestSection, manifest}},
	}.build()
}

// mustManifest decodes manifest JSON for tests.
func mustManifest(t testing.TB, s string) Manifest {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decode test manifest: %v", err)
	}
	return m
}
