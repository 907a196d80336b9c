package hostfns

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/ferryhq/ferry/internal/syntax"
)

// pagePath is jsonPath (template.go) for the pages of paginate: the value
// at a dotted path (response_path, cursor_path_in_response, …) in doc, with
// the same rules — a top-level key equal to the whole path wins, the last
// of duplicate keys wins, a numeric segment indexes an array — found by
// walking doc's structure rather than decoding it. A page is often a
// megabyte of records next to a cursor; jsonPath decoded all of it into a
// map for each lookup, which cost more than everything else the host does
// with the page.
//
// doc must be valid JSON, as a Response's Data always is (decodeData
// checked it): pagePath checks structure only, and malformed JSON yields
// not found or a value that is no more valid than doc.
func pagePath(doc json.RawMessage, path string) (v json.RawMessage, found bool) {
	cur := bytes.TrimSpace(doc)
	segs := splitPath(path)
	for step, seg := range segs {
		switch syntax.JSONKind(cur) {
		case "object":
			whole := ""
			if step == 0 && len(segs) > 1 {
				whole = path
			}
			next, wholeValue, ok := objectMember(cur, seg, whole)
			if wholeValue != nil {
				return wholeValue, true
			}
			if !ok {
				return nil, false
			}
			cur = next
		case "array":
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 {
				return nil, false
			}
			next, ok := arrayElement(cur, i)
			if !ok {
				return nil, false
			}
			cur = next
		default:
			return nil, false
		}
	}
	return cur, len(cur) > 0
}

// objectMember returns the value of the last member named key of the JSON
// object obj and, when whole is not empty, that of the last member named
// whole (nil if none), in one pass. ok is false when key is absent or obj
// is malformed.
func objectMember(obj []byte, key, whole string) (v, wholeValue []byte, ok bool) {
	i := syntax.SkipSpace(obj, 1)
	if i < len(obj) && obj[i] == '}' {
		return nil, nil, false
	}
	for i < len(obj) {
		end := syntax.StringEnd(obj, i)
		if end < 0 {
			return nil, nil, false
		}
		name := obj[i:end]
		i = syntax.SkipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return nil, nil, false
		}
		start := syntax.SkipSpace(obj, i+1)
		i = syntax.ValueEnd(obj, start)
		if i < 0 {
			return nil, nil, false
		}
		value := obj[start:i]
		if keyIs(name, key) {
			v, ok = value, true
		}
		if whole != "" && keyIs(name, whole) {
			wholeValue = value
		}
		i = syntax.SkipSpace(obj, i)
		if i >= len(obj) {
			break
		}
		switch obj[i] {
		case ',':
			i = syntax.SkipSpace(obj, i+1)
		case '}':
			return v, wholeValue, ok
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// arrayElement returns element n of the JSON array arr.
func arrayElement(arr []byte, n int) ([]byte, bool) {
	i := syntax.SkipSpace(arr, 1)
	if i < len(arr) && arr[i] == ']' {
		return nil, false
	}
	for k := 0; i < len(arr); k++ {
		end := syntax.ValueEnd(arr, i)
		if end < 0 {
			return nil, false
		}
		if k == n {
			return arr[i:end], true
		}
		i = syntax.SkipSpace(arr, end)
		if i >= len(arr) || arr[i] != ',' {
			return nil, false
		}
		i = syntax.SkipSpace(arr, i+1)
	}
	return nil, false
}

// keyIs reports whether the quoted JSON string name is key, as
// encoding/json decodes names. Only names with escapes (or invalid UTF-8,
// which decodes to U+FFFD) pay for a decode.
func keyIs(name []byte, key string) bool {
	inner := name[1 : len(name)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner) == key
	}
	var s string
	return json.Unmarshal(name, &s) == nil && s == key
}
