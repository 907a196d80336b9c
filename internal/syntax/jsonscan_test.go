package syntax

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestValueEnd(t *testing.T) {
	tests := []struct {
		name string
		in   string
		at   int
		want string // the value found, or "" for -1
	}{
		{name: "string", in: `"abc",1`, want: `"abc"`},
		{name: "empty string", in: `""x`, want: `""`},
		{name: "escaped quote", in: `"a\"b"]`, want: `"a\"b"`},
		{name: "escaped backslash before quote", in: `"a\\"b"`, want: `"a\\"`},
		{name: "odd backslash run", in: `"\\\"\\\\\"x",`, want: `"\\\"\\\\\"x"`},
		{name: "even backslash run", in: `"\\\\\\\\"x"`, want: `"\\\\\\\\"`},
		{name: "unicode escape", in: `"\u0022",`, want: `"\u0022"`},
		{name: "brackets in a string", in: `"]}{[,:"}`, want: `"]}{[,:"`},
		{name: "object", in: `{"a":1,"b":[2,3]},{}`, want: `{"a":1,"b":[2,3]}`},
		{name: "array", in: `[1,[2,[3]],{"x":[]}]]`, want: `[1,[2,[3]],{"x":[]}]`},
		{name: "empty containers", in: `{}[]`, want: `{}`},
		{name: "structure in nested strings", in: `{"a":"}","b":["]\"",{"c":"{\\"}]}x`, want: `{"a":"}","b":["]\"",{"c":"{\\"}]}`},
		{name: "whitespace in a container", in: "{ \"a\" :\n[ 1 ,\t2 ] }  ", want: "{ \"a\" :\n[ 1 ,\t2 ] }"},
		{name: "number", in: `-1.5e+3,`, want: `-1.5e+3`},
		{name: "number at the end", in: `42`, want: `42`},
		{name: "number before space", in: "7 \n", want: `7`},
		{name: "number before bracket", in: `0]`, want: `0`},
		{name: "true", in: `true}`, want: `true`},
		{name: "false", in: `false,`, want: `false`},
		{name: "null", in: `null`, want: `null`},
		{name: "scalar before a string", in: `1"x"`, want: `1`},
		{name: "at an offset", in: `[1,"two",{"3":3}]`, at: 9, want: `{"3":3}`},
		{name: "empty", in: ``},
		{name: "past the end", in: `1`, at: 1},
		{name: "leading space", in: ` 1`},
		{name: "comma", in: `,1`},
		{name: "closing bracket", in: `]`},
		{name: "closing brace", in: `}`},
		{name: "unterminated string", in: `"abc`},
		{name: "string ending in an escaped quote", in: `"abc\"`},
		{name: "truncated object", in: `{"a":1`},
		{name: "truncated array", in: `[1,[2]`},
		{name: "unterminated string in a container", in: `["a]`},
		{name: "lone opening bracket", in: `[`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			end := ValueEnd([]byte(tc.in), tc.at)
			if tc.want == "" {
				if end != -1 {
					t.Fatalf("ValueEnd(%q, %d) = %d, want -1", tc.in, tc.at, end)
				}
				return
			}
			if end < 0 || tc.in[tc.at:end] != tc.want {
				t.Fatalf("ValueEnd(%q, %d) = %d, want the end of %s", tc.in, tc.at, end, tc.want)
			}
		})
	}
}

func TestStringEnd(t *testing.T) {
	tests := []struct {
		in   string
		at   int
		want int
	}{
		{`"ab"c`, 0, 4},
		{`x"ab"`, 1, 5},
		{`"a\"b"`, 0, 6},
		{`"a\\"b"`, 0, 5},
		{`"\\\\\"\\"`, 0, 10},
		{`"\"`, 0, -1},
		{`"`, 0, -1},
		{`abc`, 0, -1},
		{`"a"`, 3, -1},
		{``, 0, -1},
	}
	for _, tc := range tests {
		if got := StringEnd([]byte(tc.in), tc.at); got != tc.want {
			t.Errorf("StringEnd(%q, %d) = %d, want %d", tc.in, tc.at, got, tc.want)
		}
	}
}

func TestSkipSpace(t *testing.T) {
	tests := []struct {
		in       string
		at, want int
	}{
		{"", 0, 0},
		{"a", 0, 0},
		{" \t\r\nx", 0, 4},
		{"x  ", 1, 3},
		{"\v", 0, 0}, // not JSON whitespace
		{"x", 5, 5},
	}
	for _, tc := range tests {
		if got := SkipSpace([]byte(tc.in), tc.at); got != tc.want {
			t.Errorf("SkipSpace(%q, %d) = %d, want %d", tc.in, tc.at, got, tc.want)
		}
	}
}

// FuzzValueEnd checks ValueEnd against encoding/json. On any input it
// claims a slice within b, and wherever json.Decoder reads a value that
// could stand there in valid JSON, ValueEnd ends it at the same byte. On
// valid JSON the claimed slice is the whole value, valid, also when the
// value is nested in an array or an object.
func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2,{"b":"]}"}],"c":null}`, `["\\",  "\"", 1.5e3, true, false]`, `"x\\\"y"`,
		`-0.5 `, ` {"k\u00e9":{}} `, `[[[[]]]]`, `{"a" 1}`, `[}`, `tru`, `1 2`, `"abc`, `{"a":"b`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for i := range len(b) + 1 {
			end := ValueEnd(b, i)
			if end != -1 && (end <= i || end > len(b)) {
				t.Fatalf("ValueEnd(%q, %d) = %d, outside (%d, %d]", b, i, end, i, len(b))
			}
			if i == len(b) || isSpace(b[i]) {
				continue // the decoder skips what ValueEnd refuses
			}
			if i > 0 && strings.IndexByte(" \t\r\n,:[{", b[i-1]) < 0 {
				continue // not where a value starts in JSON: spare the decoder
			}
			dec := json.NewDecoder(bytes.NewReader(b[i:]))
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				continue
			}
			// The decoder ends a number or literal where its grammar does
			// ("0" of "00", "true" of "truex"); valid JSON would delimit it.
			want := i + int(dec.InputOffset())
			if scalar := b[i] != '"' && b[i] != '{' && b[i] != '['; scalar && want < len(b) && !endsScalar(b[want]) {
				continue
			}
			if end != want {
				t.Fatalf("ValueEnd(%q, %d) = %d; json.Decoder read %s, ending at %d", b, i, end, raw, want)
			}
		}
		if !json.Valid(b) {
			return
		}
		start := SkipSpace(b, 0)
		v := bytes.TrimRight(b[start:], " \t\r\n")
		if end := ValueEnd(b, start); end != start+len(v) || !json.Valid(b[start:end]) {
			t.Fatalf("ValueEnd(%q, %d) = %d, want %d", b, start, end, start+len(v))
		}
		for _, wrap := range [][2]string{{`[`, `]`}, {`[`, `,0]`}, {`{"k":`, `}`}, {`{"k":`, `,"l":0}`}, {`[ `, "\n]"}} {
			doc := []byte(wrap[0] + string(v) + wrap[1])
			at := len(wrap[0])
			if end := ValueEnd(doc, at); end != at+len(v) {
				t.Fatalf("ValueEnd(%q, %d) = %d, want %d", doc, at, end, at+len(v))
			}
		}
	})
}

// BenchmarkValueEnd skips a 1 KB record of short and long strings,
// numbers, literals and nested containers.
func BenchmarkValueEnd(b *testing.B) {
	rec := []byte(`{"id":"issue-1","number":1,"state":"open","locked":false,"comments":null,` +
		`"user":{"login":"octocat","id":583231,"site_admin":false},"labels":[{"name":"bug"},{"name":"p1"}],` +
		`"title":"a \"quoted\" title","body":"` + strings.Repeat("lorem ipsum ", 70) + `"}`)
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		if ValueEnd(rec, 0) != len(rec) {
			b.Fatal("wrong end")
		}
	}
}
