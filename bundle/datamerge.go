package bundle

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
)

// Section ids MergeDataSegments deals with.
const (
	sectionData      = 11
	sectionDataCount = 12
)

// dataSegment is an active data segment of memory 0 placed at a constant
// offset: the only kind MergeDataSegments rewrites.
type dataSegment struct {
	offset uint32
	init   []byte
}

// MergeDataSegments returns module with neighbouring data segments merged:
// segments less than maxGap bytes apart become one, the gap filled with the
// zeros memory holds there anyway. The memory image after instantiation is
// the same; instantiation is faster, because a runtime evaluates and copies
// each segment on its own — Go's linker emits tens of thousands of small
// segments (split at runs of zeros), which cost wazero ~1 ms per instance.
//
// It leaves module unchanged (returning it as is) unless every segment is
// active, targets memory 0 at an i32.const offset, no two segments overlap
// (then their order cannot matter), and there is no data count section
// (whose presence means code may name segments by index).
func MergeDataSegments(module []byte, maxGap int) ([]byte, error) {
	m, err := readModule(module)
	if err != nil {
		return nil, err
	}
	idx := -1
	for i, s := range m.sections {
		switch s.id {
		case sectionDataCount:
			return module, nil
		case sectionData:
			idx = i
		}
	}
	if idx < 0 {
		return module, nil
	}
	segs, ok := decodeDataSegments(m.sections[idx].data)
	if !ok || len(segs) < 2 {
		return module, nil
	}
	merged := mergeSegments(segs, maxGap)
	payload := encodeDataSegments(merged)
	s := m.sections[idx]
	out := make([]byte, 0, len(module)-(s.end-s.start)+len(payload)+6)
	out = append(out, module[:s.start]...)
	out = append(out, sectionData)
	out = binary.AppendUvarint(out, uint64(len(payload)))
	out = append(out, payload...)
	out = append(out, module[s.end:]...)
	if _, err := readModule(out); err != nil {
		return nil, fmt.Errorf("merge data segments: %w", err)
	}
	return out, nil
}

// decodeDataSegments reads the data section and returns its segments
// sorted by offset; ok is false when a segment is of a kind
// MergeDataSegments does not rewrite, or two segments overlap (then the
// order they are applied in matters, and sorting would change the image).
func decodeDataSegments(payload []byte) (segs []dataSegment, ok bool) {
	d := &decoder{buf: payload}
	n, err := d.u32()
	if err != nil {
		return nil, false
	}
	for i := uint32(0); i < n; i++ {
		seg, ok := decodeActiveSegment(d)
		if !ok {
			return nil, false
		}
		segs = append(segs, seg)
	}
	if d.len() != 0 {
		return nil, false
	}
	slices.SortStableFunc(segs, func(a, b dataSegment) int { return cmp.Compare(a.offset, b.offset) })
	for i := 1; i < len(segs); i++ {
		if uint64(segs[i].offset) < uint64(segs[i-1].offset)+uint64(len(segs[i-1].init)) {
			return nil, false
		}
	}
	return segs, true
}

// decodeActiveSegment reads `0x00 (i32.const offset) end vec(byte)`.
func decodeActiveSegment(d *decoder) (dataSegment, bool) {
	flags, err := d.u32()
	if err != nil || flags != 0 {
		return dataSegment{}, false
	}
	if op, err := d.byte(); err != nil || op != 0x41 { // i32.const
		return dataSegment{}, false
	}
	offset, err := d.sleb32()
	if err != nil || offset < 0 {
		return dataSegment{}, false
	}
	if op, err := d.byte(); err != nil || op != 0x0b { // end
		return dataSegment{}, false
	}
	size, err := d.u32()
	if err != nil {
		return dataSegment{}, false
	}
	init, err := d.bytes(uint64(size))
	if err != nil {
		return dataSegment{}, false
	}
	return dataSegment{offset: uint32(offset), init: init}, true
}

// mergeSegments joins sorted, disjoint segments closer than maxGap.
func mergeSegments(segs []dataSegment, maxGap int) []dataSegment {
	out := []dataSegment{{offset: segs[0].offset, init: append([]byte(nil), segs[0].init...)}}
	for _, s := range segs[1:] {
		last := &out[len(out)-1]
		gap := int64(s.offset) - (int64(last.offset) + int64(len(last.init)))
		if gap <= int64(maxGap) {
			last.init = append(last.init, make([]byte, gap)...)
			last.init = append(last.init, s.init...)
			continue
		}
		out = append(out, dataSegment{offset: s.offset, init: append([]byte(nil), s.init...)})
	}
	return out
}

func encodeDataSegments(segs []dataSegment) []byte {
	out := binary.AppendUvarint(nil, uint64(len(segs)))
	for _, s := range segs {
		out = append(out, 0x00, 0x41) // active, memory 0; i32.const
		out = appendSLEB32(out, int32(s.offset))
		out = append(out, 0x0b)
		out = binary.AppendUvarint(out, uint64(len(s.init)))
		out = append(out, s.init...)
	}
	return out
}

// appendSLEB32 appends v as signed LEB128.
func appendSLEB32(out []byte, v int32) []byte {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}
