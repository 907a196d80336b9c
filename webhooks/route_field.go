package webhooks

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry/providers"
)

// jsonText is a connection field as text, and whether it was a number
// (numbers compare by value, see sameText).
type jsonText struct {
	text   string
	number bool
}

// fieldText finds a dotted path in a connection's config or metadata
// (providers.ValueAt) as text.
func fieldText(m map[string]any, path string) (jsonText, bool) {
	if m == nil {
		return jsonText{}, false
	}
	v, ok := providers.ValueAt(m, path)
	if !ok {
		return jsonText{}, false
	}
	return valueText(v)
}

// valueText renders a decoded JSON value (or a Go scalar a caller put in a
// config map) as text; nil is absent.
func valueText(v any) (jsonText, bool) {
	switch x := v.(type) {
	case nil:
		return jsonText{}, false
	case string:
		return jsonText{text: x}, true
	case bool:
		return jsonText{text: strconv.FormatBool(x)}, true
	case json.Number:
		return jsonText{text: x.String(), number: true}, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return jsonText{}, false
		}
		return jsonText{text: strconv.FormatFloat(x, 'f', -1, 64), number: true}, true
	case float32:
		return valueText(float64(x))
	case int:
		return jsonText{text: strconv.Itoa(x), number: true}, true
	case int64:
		return jsonText{text: strconv.FormatInt(x, 10), number: true}, true
	case int32:
		return jsonText{text: strconv.FormatInt(int64(x), 10), number: true}, true
	case uint64:
		return jsonText{text: strconv.FormatUint(x, 10), number: true}, true
	case uint32:
		return jsonText{text: strconv.FormatUint(uint64(x), 10), number: true}, true
	case uint:
		return jsonText{text: strconv.FormatUint(uint64(x), 10), number: true}, true
	default: // objects and arrays: as compact JSON, which no routed value equals
		b, err := json.Marshal(x)
		if err != nil {
			return jsonText{}, false
		}
		return jsonText{text: string(b)}, true
	}
}

// sameText reports whether a routed value equals a connection field: the
// same text, or, when the field is a number, the same number (the value
// "123" equals 123, "1.0" equals 1, "1e3" equals 1000). Integers compare
// by their digits, so ids beyond 2^53 stay exact.
func sameText(value string, field jsonText) bool {
	if value == field.text {
		return true
	}
	if !field.number {
		return false
	}
	kv, ok := numberKey(value)
	if !ok {
		return false
	}
	kf, ok := numberKey(field.text)
	return ok && kv == kf
}

// maxExactFloat is the largest integer below which every float64 integer
// is exact (2^53).
const maxExactFloat = 1 << 53

// numberKey is the canonical text of a JSON number: an integer literal as
// written ("-0" as "0"), another number as its float64 value (an integral
// one below 2^53 as an integer). ok is false for text that is not a JSON
// number.
func numberKey(s string) (string, bool) {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) || !json.Valid([]byte(s)) {
		return "", false
	}
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			return "0", true
		}
		return s, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", false
	}
	if f == math.Trunc(f) && math.Abs(f) < maxExactFloat {
		return strconv.FormatInt(int64(f), 10), true
	}
	return strconv.FormatFloat(f, 'g', -1, 64), true
}
