package bundle

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestWithCustomSection(t *testing.T) {
	tests := []struct {
		name    string
		customs [][2]string
		want    []string // custom section names after the write, in order
	}{
		{"append to none", nil, []string{"x"}},
		{"keep others", [][2]string{{"a", "n"}, {"producers", "p"}}, []string{"a", "producers", "x"}},
		{"replace", [][2]string{{"x", "old"}, {"a", "n"}}, []string{"a", "x"}},
		{"replace every copy", [][2]string{{"x", "1"}, {"y", "y"}, {"x", "2"}}, []string{"y", "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := testModule{funcs: []string{"action"}, customs: tc.customs}.build()
			orig := bytes.Clone(in)
			out, err := WithCustomSection(in, "x", []byte("new payload"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, orig) {
				t.Error("input module was modified")
			}
			m, err := readModule(out)
			if err != nil {
				t.Fatalf("output does not parse: %v", err)
			}
			var names []string
			for _, s := range m.sections {
				if s.id == sectionCustom {
					names = append(names, s.name)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("custom sections = %q, want %q", names, tc.want)
			}
			if data, n := m.customSection("x"); string(data) != "new payload" || n != 1 {
				t.Errorf(`customSection("x") = %q, %d`, data, n)
			}
			if !slices.Equal(m.exports, []Export{{"action", ExternFunc}}) {
				t.Errorf("exports = %v", m.exports)
			}
		})
	}
}

func TestWithCustomSectionLarge(t *testing.T) {
	// A payload whose section length needs a multi-byte LEB128.
	payload := bytes.Repeat([]byte{0xab}, 300_000)
	out, err := WithCustomSection(testModule{}.build(), "big", payload)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readModule(out)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := m.customSection("big"); !bytes.Equal(data, payload) {
		t.Errorf("payload of %d bytes read back as %d bytes", len(payload), len(data))
	}
}

func TestWithCustomSectionErrors(t *testing.T) {
	tests := []struct {
		name, module, section string
		sentinel              error
		want                  string
	}{
		{"not wasm", "hello", "x", ErrNotWasm, "bad magic bytes"},
		{"truncated", header + "\x01\x09", "x", ErrNotWasm, "truncated section 1"},
		{"bad name", header, "\xff", nil, `custom section name "\xff" is not valid UTF-8`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := WithCustomSection([]byte(tc.module), tc.section, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.sentinel)
			}
		})
	}
}
