package bundle

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/tetratelabs/wazero"
)

// dataModule builds a module with one exported memory page and the given
// data section payload (and an optional data count section).
func dataModule(dataSection []byte, dataCount bool) []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	out = appendSection(out, 5, vec(1, []byte{0x00, 0x01}))                            // memory: min 1
	out = appendSection(out, 7, vec(1, append(appendName(nil, "memory"), 0x02, 0x00))) // export memory 0
	if dataCount {
		out = appendSection(out, 12, binary.AppendUvarint(nil, uint64(dataSection[0])))
	}
	return appendSection(out, 11, dataSection)
}

// segments encodes active segments at the given offsets.
func segments(segs ...dataSegment) []byte {
	return encodeDataSegments(segs)
}

// memoryImage instantiates module with wazero and returns its memory.
func memoryImage(t *testing.T, module []byte) []byte {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	mod, err := r.Instantiate(ctx, module)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	b, _ := mod.Memory().Read(0, mod.Memory().Size())
	return bytes.Clone(b)
}

func dataSegmentCount(t *testing.T, module []byte) int {
	t.Helper()
	m, err := readModule(module)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.sections {
		if s.id == sectionData {
			n, _ := (&decoder{buf: s.data}).u32()
			return int(n)
		}
	}
	return 0
}

func TestMergeDataSegments(t *testing.T) {
	seg := func(off uint32, s string) dataSegment { return dataSegment{offset: off, init: []byte(s)} }
	tests := []struct {
		name      string
		module    []byte
		wantCount int
	}{
		{"neighbours merge", dataModule(segments(seg(16, "ab"), seg(20, "cd"), seg(100, "ef")), false), 2},
		{"out of order but disjoint", dataModule(segments(seg(100, "ef"), seg(16, "ab"), seg(20, "cd")), false), 2},
		{"adjacent", dataModule(segments(seg(0, "ab"), seg(2, "cd")), false), 1},
		{"overlap left alone", dataModule(segments(seg(16, "abcd"), seg(18, "XY")), false), 2},
		{"data count left alone", dataModule(segments(seg(16, "ab"), seg(20, "cd")), true), 2},
		{"passive segment left alone", dataModule(append([]byte{0x03, 0x01, 0x02, 'p', 'q'}, segments(seg(16, "ab"), seg(20, "cd"))[1:]...), false), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			merged, err := MergeDataSegments(tc.module, 64)
			if err != nil {
				t.Fatal(err)
			}
			if got := dataSegmentCount(t, merged); got != tc.wantCount {
				t.Errorf("segments after merge = %d, want %d", got, tc.wantCount)
			}
			if !bytes.Equal(memoryImage(t, tc.module), memoryImage(t, merged)) {
				t.Error("merging changed the memory image")
			}
		})
	}
}

func TestMergeDataSegmentsRefusesBadInput(t *testing.T) {
	if _, err := MergeDataSegments([]byte("nope"), 64); err == nil {
		t.Error("not Wasm: no error")
	}
	plain := testModule{funcs: []string{"action"}}.build()
	if out, err := MergeDataSegments(plain, 64); err != nil || !bytes.Equal(out, plain) {
		t.Errorf("module without data: changed (%v)", err)
	}
}

func FuzzMergeDataSegments(f *testing.F) {
	f.Add(dataModule(segments(dataSegment{16, []byte("ab")}, dataSegment{20, []byte("cd")}), false))
	f.Fuzz(func(t *testing.T, module []byte) {
		out, err := MergeDataSegments(module, 64)
		if err != nil {
			return
		}
		if _, err := readModule(out); err != nil {
			t.Fatalf("merge produced an unreadable module: %v", err)
		}
	})
}
