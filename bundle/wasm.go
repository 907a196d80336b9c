package bundle

import "encoding/binary"

// The module header: magic bytes and the only binary format version.
const (
	wasmMagic   = "\x00asm"
	wasmVersion = 1
	headerSize  = 8
)

// Section ids of the WebAssembly binary format.
const (
	sectionCustom = 0
	sectionImport = 2
	sectionExport = 7
)

// sectionRank gives the position each non-custom section must keep in a
// module; the tag section (13) sits between memory (5) and global (6), and
// data count (12) between element (9) and code (10).
var sectionRank = [...]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// section locates one section within the module bytes.
type section struct {
	id         byte
	start, end int    // offsets of the id byte and just past the payload
	name       string // custom sections only
	data       []byte // payload; for custom sections, after the name
}

// module is the part of a WebAssembly module this package needs. All
// slices alias the input, which must not be modified afterwards.
type module struct {
	raw      []byte
	sections []section
	imports  []Import
	exports  []Export
}

// readModule checks the header and walks the sections of a binary module,
// decoding the import, export and custom sections and only skipping the
// others, so its cost grows with the number of sections, not their size.
func readModule(b []byte) (*module, error) {
	if err := checkHeader(b); err != nil {
		return nil, err
	}
	m := &module{raw: b}
	rank := 0
	for pos := headerSize; pos < len(b); {
		s, err := readSection(b, pos)
		if err != nil {
			return nil, err
		}
		if s.id != sectionCustom {
			if int(s.id) >= len(sectionRank) || sectionRank[s.id] == 0 {
				return nil, notWasm("unknown section id %d at offset %d", s.id, s.start)
			}
			if sectionRank[s.id] <= rank {
				return nil, notWasm("section %d at offset %d is out of order or repeated", s.id, s.start)
			}
			rank = sectionRank[s.id]
		}
		if err := m.decode(&s); err != nil {
			return nil, err
		}
		m.sections = append(m.sections, s)
		pos = s.end
	}
	return m, nil
}

func checkHeader(b []byte) error {
	n := min(len(b), len(wasmMagic))
	switch {
	case len(b) == 0:
		return notWasm("empty input")
	case string(b[:n]) != wasmMagic[:n]:
		return notWasm("bad magic bytes")
	case len(b) < headerSize:
		return notWasm("truncated header: %d bytes", len(b))
	}
	if v := binary.LittleEndian.Uint32(b[4:headerSize]); v != wasmVersion {
		if v>>16 == 1 { // layer 1: the component model
			return notWasm("unsupported version %#x: a component, not a core module", v)
		}
		return notWasm("unsupported version %d", v)
	}
	return nil
}

// readSection reads the header of the section starting at pos and slices
// out its payload.
func readSection(b []byte, pos int) (section, error) {
	s := section{id: b[pos], start: pos}
	d := decoder{buf: b[pos+1:], base: pos + 1}
	size, err := d.u32()
	if err != nil {
		return s, notWasm("section %d at offset %d: malformed length: %v", s.id, pos, err)
	}
	payload := d.offset()
	if left := len(b) - payload; uint64(size) > uint64(left) {
		return s, notWasm("truncated section %d at offset %d: length %d exceeds the %d bytes left",
			s.id, pos, size, left)
	}
	s.end = payload + int(size)
	s.data = b[payload:s.end]
	return s, nil
}

// decode decodes the sections readModule keeps: the names of custom
// sections, and the entries of the import and export sections.
func (m *module) decode(s *section) error {
	d := decoder{buf: s.data, base: s.end - len(s.data)}
	var err error
	switch s.id {
	case sectionCustom:
		if s.name, err = d.name(); err != nil {
			return notWasm("custom section at offset %d: name: %v", s.start, err)
		}
		s.data = s.data[d.pos:]
		return nil
	case sectionImport:
		if m.imports, err = decodeImports(&d); err != nil {
			return notWasm("import section: %v", err)
		}
	case sectionExport:
		if m.exports, err = decodeExports(&d); err != nil {
			return notWasm("export section: %v", err)
		}
	default:
		return nil
	}
	if d.len() != 0 {
		return notWasm("section %d at offset %d: %d unexpected bytes at offset %d",
			s.id, s.start, d.len(), d.offset())
	}
	return nil
}

// customSection returns the payload of the first custom section called
// name, and how many custom sections have that name.
func (m *module) customSection(name string) (data []byte, count int) {
	for _, s := range m.sections {
		if s.id == sectionCustom && s.name == name {
			if count == 0 {
				data = s.data
			}
			count++
		}
	}
	return data, count
}
