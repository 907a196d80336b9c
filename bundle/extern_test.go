package bundle

import (
	"slices"
	"testing"
)

func TestExternKindString(t *testing.T) {
	tests := []struct {
		kind ExternKind
		want string
	}{
		{ExternFunc, "func"},
		{ExternTable, "table"},
		{ExternMemory, "memory"},
		{ExternGlobal, "global"},
		{ExternTag, "tag"},
		{9, "ExternKind(0x09)"},
	}
	for _, tc := range tests {
		if got := tc.kind.String(); got != tc.want {
			t.Errorf("ExternKind(%d).String() = %q, want %q", byte(tc.kind), got, tc.want)
		}
	}
}

func TestDecodeImports(t *testing.T) {
	// One import of each kind, as a toolchain would encode them.
	payload := vec(5, []byte(""+
		"\x03env\x01f\x00\x02"+ // func, type 2
		"\x03env\x01t\x01\x70\x01\x00\x10"+ // table funcref, min 0 max 16
		"\x03env\x01m\x02\x03\x01\x80\x80\x04"+ // shared memory, min 1 max 65536
		"\x03env\x01g\x03\x7e\x01"+ // mutable i64 global
		"\x03env\x01e\x04\x00\x01")) // tag, type 1
	d := decoder{buf: payload}
	got, err := decodeImports(&d)
	if err != nil {
		t.Fatal(err)
	}
	want := []Import{
		{"env", "f", ExternFunc}, {"env", "t", ExternTable}, {"env", "m", ExternMemory},
		{"env", "g", ExternGlobal}, {"env", "e", ExternTag},
	}
	if !slices.Equal(got, want) || d.len() != 0 {
		t.Errorf("decodeImports = %v with %d bytes left, want %v", got, d.len(), want)
	}
}

func TestDecodeExports(t *testing.T) {
	payload := vec(3, []byte("\x04sync\x00\x05\x06memory\x02\x00\x01g\x03\x80\x01"))
	d := decoder{buf: payload}
	got, err := decodeExports(&d)
	if err != nil {
		t.Fatal(err)
	}
	want := []Export{{"sync", ExternFunc}, {"memory", ExternMemory}, {"g", ExternGlobal}}
	if !slices.Equal(got, want) || d.len() != 0 {
		t.Errorf("decodeExports = %v with %d bytes left, want %v", got, d.len(), want)
	}
}
