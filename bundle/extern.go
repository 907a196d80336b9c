package bundle

import "fmt"

// ExternKind is the kind of an imported or exported definition, as encoded
// in the import and export sections.
type ExternKind byte

// The extern kinds of WebAssembly 2.0, plus tags (exception handling).
const (
	ExternFunc   ExternKind = 0x00
	ExternTable  ExternKind = 0x01
	ExternMemory ExternKind = 0x02
	ExternGlobal ExternKind = 0x03
	ExternTag    ExternKind = 0x04
)

// String returns the kind's keyword in the WebAssembly text format.
func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	case ExternTag:
		return "tag"
	}
	return fmt.Sprintf("ExternKind(%#02x)", byte(k))
}

// Import is one entry of a module's import section, e.g.
// {Module: "extism:host/env", Name: "output_set", Kind: ExternFunc}.
type Import struct {
	Module string
	Name   string
	Kind   ExternKind
}

// Export is one entry of a module's export section, e.g.
// {Name: "sync", Kind: ExternFunc}.
type Export struct {
	Name string
	Kind ExternKind
}

// decodeImports decodes an import section payload. It reads each import's
// type only far enough to skip it; wazero validates types at compile time.
func decodeImports(d *decoder) ([]Import, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	// Every import takes at least 4 bytes, so a huge count cannot make us
	// allocate more than the payload justifies.
	imports := make([]Import, 0, min(uint64(n), uint64(d.len()/4)))
	for i := range n {
		imp, err := decodeImport(d)
		if err != nil {
			return nil, fmt.Errorf("import %d: %w", i, err)
		}
		imports = append(imports, imp)
	}
	return imports, nil
}

func decodeImport(d *decoder) (imp Import, err error) {
	if imp.Module, err = d.name(); err != nil {
		return imp, err
	}
	if imp.Name, err = d.name(); err != nil {
		return imp, err
	}
	at := d.offset()
	kind, err := d.byte()
	if err != nil {
		return imp, err
	}
	imp.Kind = ExternKind(kind)
	switch imp.Kind {
	case ExternFunc:
		_, err = d.u32() // type index
	case ExternTable:
		if err = d.skipValType(); err == nil {
			err = d.skipLimits()
		}
	case ExternMemory:
		err = d.skipLimits()
	case ExternGlobal:
		if err = d.skipValType(); err == nil {
			err = d.skipMutability()
		}
	case ExternTag:
		if _, err = d.byte(); err == nil { // attribute
			_, err = d.u32() // type index
		}
	default:
		err = fmt.Errorf("unknown import kind %#02x at offset %d", kind, at)
	}
	return imp, err
}

// decodeExports decodes an export section payload.
func decodeExports(d *decoder) ([]Export, error) {
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	exports := make([]Export, 0, min(uint64(n), uint64(d.len()/3)))
	for i := range n {
		name, err := d.name()
		if err != nil {
			return nil, fmt.Errorf("export %d: %w", i, err)
		}
		at := d.offset()
		kind, err := d.byte()
		if err == nil && ExternKind(kind) > ExternTag {
			err = fmt.Errorf("unknown export kind %#02x at offset %d", kind, at)
		}
		if err == nil {
			_, err = d.u32() // index
		}
		if err != nil {
			return nil, fmt.Errorf("export %d %q: %w", i, name, err)
		}
		exports = append(exports, Export{Name: name, Kind: ExternKind(kind)})
	}
	return exports, nil
}
