package providers

import (
	"strconv"
	"strings"
)

// ValueAt finds a dotted path ("team.id", "0.portalId") in decoded JSON,
// as Nango's catalog paths name fields: at each level the rest of the path
// is first tried as one key, since Nango stores some fields under keys
// that hold dots ("team.id" in a connection's config); then its first part
// is an object key or an array index and the search goes on below it.
func ValueAt(v any, path string) (any, bool) {
	if path == "" {
		return nil, false
	}
	rest := path
	for {
		key, after, more := strings.Cut(rest, ".")
		switch x := v.(type) {
		case map[string]any:
			if found, ok := x[rest]; ok {
				return found, true
			}
			next, ok := x[key]
			if !ok || !more {
				return nil, false
			}
			v, rest = next, after
		case []any:
			i, ok := arrayIndex(key)
			if !ok || i >= len(x) {
				return nil, false
			}
			if !more {
				return x[i], true
			}
			v, rest = x[i], after
		default:
			return nil, false
		}
	}
}

// arrayIndex reads an array index: decimal digits only, no sign.
func arrayIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
