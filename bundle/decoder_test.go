package bundle

import (
	"strings"
	"testing"
)

func TestDecoderLEB128(t *testing.T) {
	tests := []struct {
		in   string
		bits uint
		want uint64
		err  string
	}{
		{"\x00", 32, 0, ""},
		{"\xe5\x8e\x26", 32, 624485, ""},
		{"\xff\xff\xff\xff\x0f", 32, 1<<32 - 1, ""},
		{"\x80\x00", 32, 0, ""}, // padded encodings are allowed within the width
		{"\xff\xff\xff\xff\x1f", 32, 0, "overflows"},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 64, 1<<64 - 1, ""},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 64, 0, "overflows"},
		{"\x80", 32, 0, "unexpected end"},
	}
	for _, tc := range tests {
		d := decoder{buf: []byte(tc.in)}
		got, err := d.uleb(tc.bits)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("uleb(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("uleb(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestDecoderSkip(t *testing.T) {
	tests := []struct {
		name, in string
		skip     func(*decoder) error
		err      string // "" when the whole input is skipped without error
	}{
		{"i32", "\x7f", (*decoder).skipValType, ""},
		{"funcref", "\x70", (*decoder).skipValType, ""},
		{"typed ref", "\x63\x7f", (*decoder).skipValType, ""},
		{"typed ref long heap type", "\x64\x80\x80\x80\x80\x00", (*decoder).skipValType, ""},
		{"typed ref heap type too long", "\x64\x80\x80\x80\x80\x80\x00", (*decoder).skipValType, "integer too long"},
		{"bad value type", "\x40", (*decoder).skipValType, "invalid value type 0x40 at offset 0"},
		{"limits min", "\x00\x01", (*decoder).skipLimits, ""},
		{"limits min max", "\x01\x01\x80\x02", (*decoder).skipLimits, ""},
		{"shared memory", "\x03\x01\x02", (*decoder).skipLimits, ""},
		{"memory64", "\x05\xff\xff\xff\xff\xff\x01\x80\x80\x80\x80\x80\x01", (*decoder).skipLimits, ""},
		{"memory32 overflow", "\x00\xff\xff\xff\xff\xff\x01", (*decoder).skipLimits, "integer overflows 32 bits"},
		{"limits missing max", "\x01\x01", (*decoder).skipLimits, "unexpected end of data at offset 2"},
		{"bad limits flags", "\x10\x00", (*decoder).skipLimits, "invalid limits flags 0x10"},
		{"mutable", "\x01", (*decoder).skipMutability, ""},
		{"bad mutability", "\x02", (*decoder).skipMutability, "invalid mutability 0x02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decoder{buf: []byte(tc.in)}
			err := tc.skip(&d)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tc.err == "" && d.len() != 0:
				t.Errorf("%d bytes left unread", d.len())
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}
