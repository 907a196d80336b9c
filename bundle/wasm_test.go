package bundle

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadModule(t *testing.T) {
	wasm := testModule{
		imports: []Import{
			{Module: "extism:host/env", Name: "output_set", Kind: ExternFunc},
			{Module: "env", Name: "memory", Kind: ExternMemory},
			{Module: "env", Name: "table", Kind: ExternTable},
			{Module: "env", Name: "g", Kind: ExternGlobal},
		},
		funcs:         []string{"sync", "on_webhook"},
		globalExports: []string{"version"},
		customs:       [][2]string{{"a", "first"}, {"b", ""}, {"a", "second"}},
	}.build()

	m, err := readModule(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if want := 4; len(m.imports) != want || m.imports[1] != (Import{"env", "memory", ExternMemory}) {
		t.Errorf("imports = %v", m.imports)
	}
	wantExports := []Export{{"sync", ExternFunc}, {"on_webhook", ExternFunc}, {"version", ExternGlobal}}
	if !slices.Equal(m.exports, wantExports) {
		t.Errorf("exports = %v, want %v", m.exports, wantExports)
	}
	for _, tc := range []struct {
		name  string
		data  string
		count int
	}{{"a", "first", 2}, {"b", "", 1}, {"missing", "", 0}} {
		data, count := m.customSection(tc.name)
		if string(data) != tc.data || count != tc.count {
			t.Errorf("customSection(%q) = %q, %d; want %q, %d", tc.name, data, count, tc.data, tc.count)
		}
	}
}

// header is the magic and version of a valid module.
const header = "\x00asm\x01\x00\x00\x00"

func TestReadModuleErrors(t *testing.T) {
	valid := string(testModule{funcs: []string{"action"}}.build())
	tests := []struct {
		name, wasm, want string
	}{
		{"empty", "", "not a WebAssembly module: empty input"},
		{"wrong magic", "\x7fELF\x02\x01\x01\x00", "not a WebAssembly module: bad magic bytes"},
		{"short wrong magic", "\x00b", "bad magic bytes"},
		{"text format", "(module)", "bad magic bytes"},
		{"truncated magic", "\x00as", "truncated header: 3 bytes"},
		{"truncated version", "\x00asm\x01", "truncated header: 5 bytes"},
		{"wrong version", "\x00asm\x02\x00\x00\x00", "not a WebAssembly module: unsupported version 2"},
		{"component", "\x00asm\x0d\x00\x01\x00", "unsupported version 0x1000d: a component, not a core module"},
		{"truncated section", header + "\x01\x05\x01\x60", "truncated section 1 at offset 8: length 5 exceeds the 2 bytes left"},
		{"truncated in length", header + "\x01\x85", "section 1 at offset 8: malformed length: unexpected end of data at offset 10"},
		{"length overflow", header + "\x01\xff\xff\xff\xff\x7f", "section 1 at offset 8: malformed length: integer overflows 32 bits at offset 9"},
		{"length too long", header + "\x01\x80\x80\x80\x80\x80\x00", "section 1 at offset 8: malformed length: integer too long at offset 9"},
		{"unknown section", header + "\x0e\x00", "unknown section id 14 at offset 8"},
		{"out of order", header + "\x07\x01\x00\x02\x01\x00", "section 2 at offset 11 is out of order or repeated"},
		{"repeated", header + "\x07\x01\x00\x07\x01\x00", "section 7 at offset 11 is out of order or repeated"},
		{"custom without name", header + "\x00\x00", "custom section at offset 8: name: unexpected end of data at offset 10"},
		{"custom name too long", header + "\x00\x02\x05a", "need 5 bytes, have 1"},
		{"custom name not utf-8", header + "\x00\x02\x01\xff", "name is not valid UTF-8 at offset 11"},
		{"import count too big", header + "\x02\x01\x05", "import section: import 0: unexpected end of data"},
		{"unknown import kind", header + "\x02\x06\x01\x01m\x01n\x09", "import 0: unknown import kind 0x09 at offset 15"},
		{"bad global type", header + "\x02\x08\x01\x01m\x01n\x03\x10\x00", "invalid value type 0x10 at offset 16"},
		{"bad mutability", header + "\x02\x08\x01\x01m\x01n\x03\x7f\x02", "invalid mutability 0x02 at offset 17"},
		{"bad limits", header + "\x02\x08\x01\x01m\x01n\x02\x08\x00", "invalid limits flags 0x08 at offset 16"},
		{"import trailing bytes", header + "\x02\x02\x00\x00", "section 2 at offset 8: 1 unexpected bytes at offset 11"},
		{"unknown export kind", header + "\x07\x05\x01\x01e\x07\x00", `export 0 "e": unknown export kind 0x07 at offset 13`},
		{"export name not utf-8", header + "\x07\x05\x01\x01\xc3\x00\x00", "export section: export 0: name is not valid UTF-8 at offset 12"},
		{"trailing garbage", valid + "\x01", "section 1 at offset " + strconv.Itoa(len(valid)) + ": malformed length"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readModule([]byte(tc.wasm))
			if !errors.Is(err, ErrNotWasm) {
				t.Fatalf("err = %v, want ErrNotWasm", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
