// Package syntax holds the small lexical helpers ferry's parsers share: the
// kind of an encoded JSON value, for precise messages; where an encoded
// JSON value ends, for cutting values out of a document without decoding
// it (jsonscan.go); and HTTP tokens.
package syntax

import (
	"bytes"
	"strings"
)

// JSONKind names the JSON type of an encoded value: "object", "array",
// "string", "number", "boolean", "null", or "nothing" for empty input. It
// looks at the first byte only; the value is assumed well-formed.
func JSONKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// Article puts the indefinite article before a JSON kind, for messages:
// "an object", "a string".
func Article(kind string) string {
	if kind == "object" || kind == "array" {
		return "an " + kind
	}
	return "a " + kind
}

// IsHTTPToken reports whether s is an RFC 9110 token, as an HTTP method or
// header name is.
func IsHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
