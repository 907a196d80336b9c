package hostfns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/ferryhq/ferry/internal/syntax"
)

// Params are query parameters. In JSON they are an object whose values are
// strings, numbers, booleans or arrays of those (repeated keys), or a query
// string such as "a=1&b=2".
type Params map[string][]string

// UnmarshalJSON accepts an object or a query string; null values are dropped.
func (p *Params) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*p = nil
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%w: params: %w", ErrInvalidConfig, err)
		}
		v, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
		if err != nil {
			return fmt.Errorf("%w: params %q is not a query string: %w", ErrInvalidConfig, s, err)
		}
		*p = Params(v)
		return nil
	case b[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%w: params: %w", ErrInvalidConfig, err)
		}
		out := make(Params, len(m))
		for k, raw := range m {
			vals, err := scalarValues(raw)
			if err != nil {
				return fmt.Errorf("%w: params.%s: %w", ErrInvalidConfig, k, err)
			}
			if vals != nil {
				out[k] = vals
			}
		}
		*p = out
		return nil
	}
	return fmt.Errorf("%w: params must be an object or a query string, not %s", ErrInvalidConfig, syntax.Article(syntax.JSONKind(b)))
}

// MarshalJSON writes an object: one value as a string, several as an array.
func (p Params) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	m := make(map[string]any, len(p))
	for k, v := range p {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// scalarValues turns a JSON string, number, boolean or array of those into
// query values; null gives nil.
func scalarValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok, err := scalarString(it)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, ok, err := scalarString(raw)
	if err != nil || !ok {
		return nil, err
	}
	return []string{s}, nil
}

// scalarString renders a JSON scalar as text; ok is false for null.
func scalarString(raw json.RawMessage) (s string, ok bool, err error) {
	raw = bytes.TrimSpace(raw)
	switch kind := syntax.JSONKind(raw); kind {
	case "null":
		return "", false, nil
	case "string":
		err = json.Unmarshal(raw, &s)
		return s, err == nil, err
	case "number", "boolean":
		return string(raw), true, nil
	default:
		return "", false, fmt.Errorf("%s cannot be a query or form value", syntax.Article(kind))
	}
}
