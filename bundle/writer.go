package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// WithCustomSection returns a new module: module with every custom section
// called name removed and one custom section called name holding payload
// appended at the end. The other sections keep their bytes and order.
// module and payload are not modified or retained.
//
// It fails with [ErrNotWasm] if module is not a well-formed module.
func WithCustomSection(module []byte, name string, payload []byte) ([]byte, error) {
	if !utf8.ValidString(name) {
		return nil, fmt.Errorf("custom section name %q is not valid UTF-8", name)
	}
	m, err := readModule(module)
	if err != nil {
		return nil, err
	}
	size := uint64(uvarintLen(uint64(len(name)))) + uint64(len(name)) + uint64(len(payload))
	if size > math.MaxUint32 {
		return nil, errors.New("custom section is larger than 4 GiB")
	}

	kept := len(module)
	for _, s := range m.sections {
		if s.id == sectionCustom && s.name == name {
			kept -= s.end - s.start
		}
	}
	out := make([]byte, 0, kept+1+uvarintLen(size)+int(size))
	out = append(out, module[:headerSize]...)
	for _, s := range m.sections {
		if s.id != sectionCustom || s.name != name {
			out = append(out, module[s.start:s.end]...)
		}
	}
	out = append(out, sectionCustom)
	// Unsigned varints in encoding/binary are exactly unsigned LEB128.
	out = binary.AppendUvarint(out, size)
	out = binary.AppendUvarint(out, uint64(len(name)))
	out = append(out, name...)
	out = append(out, payload...)
	return out, nil
}

// uvarintLen is the length of v encoded as unsigned LEB128.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}
