package hostfns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/ferryhq/ferry/internal/syntax"
)

// encodeBody turns data into the request body and sets the content type
// when the function did not: a JSON string is sent as text, an object with
// a form content type form-encoded, anything else as JSON.
func encodeBody(data json.RawMessage, h http.Header) ([]byte, error) {
	data = bytes.TrimSpace(data)
	kind := syntax.JSONKind(data)
	if kind == "nothing" || kind == "null" {
		return nil, nil
	}
	ct := h.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(ct)
	switch {
	case kind == "string":
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("%w: data: %w", ErrInvalidConfig, err)
		}
		if ct == "" {
			h.Set("Content-Type", "text/plain; charset=utf-8")
		}
		return []byte(s), nil
	case mediaType == "application/x-www-form-urlencoded":
		if kind != "object" {
			return nil, fmt.Errorf("%w: data must be an object to be form-encoded, not %s", ErrInvalidConfig, syntax.Article(kind))
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, fmt.Errorf("%w: data: %w", ErrInvalidConfig, err)
		}
		form := make(url.Values, len(fields))
		for k, raw := range fields {
			vals, err := scalarValues(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: data.%s: %w", ErrInvalidConfig, k, err)
			}
			if vals != nil {
				form[k] = vals
			}
		}
		return []byte(form.Encode()), nil
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("%w: data is not valid JSON", ErrInvalidConfig)
	}
	if ct == "" {
		h.Set("Content-Type", "application/json")
	}
	return data, nil
}
