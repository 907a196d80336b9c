package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestCompactorMatchesEncodingJSON checks the hand-written scanner against
// encoding/json: the same texts are valid and compact to the same bytes.
func TestCompactorMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `0`, `-0`, `1.5e+10`, `-1E-2`, `"s"`, `true`, `false`, `null`,
		" { \"a\" : [ 1 , 2 , { } , [ ] ] ,\n\t\"b\" : \"x y\" } \r\n",
		`{"a":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"}`,
		`{"a":"héllo wörld ✓"}`,
		`[1,[2,[3,[4]]]]`,
		// invalid
		``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`, `01`, `1.`, `.5`, `1e`, `1e+`, `-`, `+1`,
		`"abc`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"a\tb\"", `tru`, `nul`, `falsey`, `[1 2]`, `{"a":1 "b":2}`,
		`{} {}`, `[`, `["a"`, `{"a":1`, "\x00", `NaN`, `Infinity`,
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			c := compactor{in: []byte(in)}
			err := c.compact()
			if valid := json.Valid([]byte(in)); valid != (err == nil) {
				t.Fatalf("compact(%q): err = %v, json.Valid = %v", in, err, valid)
			}
			if err != nil {
				return
			}
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(in)); err != nil {
				t.Fatal(err)
			}
			if string(c.out) != want.String() {
				t.Errorf("compact(%q) = %s, want %s", in, c.out, want.String())
			}
		})
	}
}

func TestCompactorDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	c := compactor{in: []byte(deep)}
	if err := c.compact(); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("err = %v, want nesting error", err)
	}
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	c = compactor{in: []byte(ok)}
	if err := c.compact(); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
}

func TestRecordID(t *testing.T) {
	tests := []struct {
		in, want string
		err      string
	}{
		{`{"id":"abc"}`, "abc", ""},
		{`{"id":12345678901234567890}`, "12345678901234567890", ""},
		{`{"id":-0}`, "0", ""},
		{`{"id":-3}`, "-3", ""},
		{`{"\u0069d":"x"}`, "x", ""},
		{`{"id":"x","id":"y"}`, "y", ""},
		{`{"id":"\u0041\n"}`, "A\n", ""},
		{`{"n":{"id":"inner"}}`, "", "id is missing"},
		{`{"id":"x","_nango_metadata":{"id":"y"}}`, "x", ""},
		{`{"id":1.0}`, "", "id 1.0 is not an integer"},
		{`{"id":[]}`, "", "got an array"},
		{`[]`, "", "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := RecordID(json.RawMessage(tc.in))
			if tc.err != "" {
				if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("RecordID = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestAppendRecordStripsMetadata(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"_nango_metadata":{},"id":"a"}`, `{"id":"a"}`},
		{`{"id":"a","_nango_metadata":{}}`, `{"id":"a"}`},
		{`{"x":1,"_nango_metadata":{},"id":"a","y":2}`, `{"x":1,"id":"a","y":2}`},
		{`{"\u005fnango_metadata":1,"id":"a"}`, `{"id":"a"}`},
		{`{"_nango_metadata":1,"_nango_metadata":2,"id":"a"}`, `{"id":"a"}`},
		{`{"id":"a","o":{"_nango_metadata":1}}`, `{"id":"a","o":{"_nango_metadata":1}}`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			out, _, err := appendRecord([]byte("prefix"), []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(out); got != "prefix"+tc.want {
				t.Errorf("got %s, want prefix%s", got, tc.want)
			}
		})
	}
}

func TestFirstSpecial(t *testing.T) {
	filler := []byte("a\xc3\xa9~\x7f\xff \"")
	for n := range 20 {
		plain := bytes.Repeat(filler, 4)[:n]
		if got := firstSpecial(plain); got != -1 {
			t.Fatalf("firstSpecial(%q) = %d, want -1", plain, got)
		}
		for pos := range n {
			for _, special := range []byte{'\\', 0, 0x1f, '\n'} {
				b := bytes.Clone(plain)
				b[pos] = special
				if got := firstSpecial(b); got != pos {
					t.Fatalf("firstSpecial(%q) = %d, want %d", b, got, pos)
				}
			}
		}
	}
}
