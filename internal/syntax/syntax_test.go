package syntax

import "testing"

func TestJSONKind(t *testing.T) {
	for in, want := range map[string]string{
		``: "nothing", `  `: "nothing", `{"a":1}`: "object", ` [1]`: "array", `"x"`: "string",
		`true`: "boolean", `false`: "boolean", `null`: "null", `-1.5`: "number", `7`: "number",
	} {
		if got := JSONKind([]byte(in)); got != want {
			t.Errorf("JSONKind(%q) = %q, want %q", in, got, want)
		}
	}
	for kind, want := range map[string]string{"object": "an object", "array": "an array", "string": "a string", "null": "a null"} {
		if got := Article(kind); got != want {
			t.Errorf("Article(%q) = %q, want %q", kind, got, want)
		}
	}
}

func TestIsHTTPToken(t *testing.T) {
	for s, want := range map[string]bool{
		"GET": true, "X-Custom_Header.1": true, "": false, "GE T": false, "a:b": false, "é": false, "a\tb": false, "x{": false,
	} {
		if got := IsHTTPToken(s); got != want {
			t.Errorf("IsHTTPToken(%q) = %v, want %v", s, got, want)
		}
	}
}
