package hostfns

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/ferryhq/ferry/internal/syntax"
)

// decodeBatch decodes a batch request {"model": …, "records": [...]}.
//
// Batches are the bulk of what guests send (a 1 MB request per thousand
// records), and encoding/json validates the whole text and then walks it
// again to cut out each record. The fast path cuts the records out in one
// pass over the layout the guest packages send — "model" first, then
// "records", nothing else — and leaves validating each record to the store,
// which does it anyway. Any other layout goes the slow, general way.
func decodeBatch(in []byte) (model string, records []json.RawMessage, err error) {
	if model, records, ok := decodeBatchFast(in); ok {
		return model, records, nil
	}
	var req struct {
		Model   string            `json:"model"`
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(in, &req); err != nil {
		return "", nil, err
	}
	return req.Model, req.Records, nil
}

var (
	modelPrefix   = []byte(`{"model":`)
	recordsPrefix = []byte(`,"records":`)
)

func decodeBatchFast(in []byte) (string, []json.RawMessage, bool) {
	rest, ok := bytes.CutPrefix(in, modelPrefix)
	if !ok {
		return "", nil, false
	}
	end := syntax.StringEnd(rest, 0)
	if end < 0 {
		return "", nil, false
	}
	var model string
	if json.Unmarshal(rest[:end], &model) != nil {
		return "", nil, false
	}
	rest, ok = bytes.CutPrefix(rest[end:], recordsPrefix)
	if !ok {
		return "", nil, false
	}
	rest, ok = bytes.CutSuffix(bytes.TrimRight(rest, " \t\r\n"), []byte("}"))
	if !ok {
		return "", nil, false
	}
	records, err := splitArray(rest)
	if err != nil {
		return "", nil, false
	}
	return model, records, true
}

var errNotArray = errors.New("not a JSON array")

// splitArray cuts a JSON array into its elements without validating them:
// it checks only the array's own structure (brackets, commas, strings), and
// an element that is not valid JSON is for the caller to refuse.
func splitArray(b []byte) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, errNotArray
	}
	body := bytes.TrimSpace(b[1 : len(b)-1])
	if len(body) == 0 {
		return []json.RawMessage{}, nil
	}
	var out []json.RawMessage
	for i := 0; ; {
		end := valueEnd(body, i)
		if end <= i {
			return nil, errNotArray
		}
		out = append(out, json.RawMessage(bytes.TrimSpace(body[i:end])))
		if end == len(body) {
			return out, nil
		}
		if body[end] != ',' {
			return nil, errNotArray
		}
		i = end + 1
	}
}

// valueEnd returns the index of the ',' that ends the element starting at
// or after i (leading whitespace allowed), len(b) if none does, or -1. An
// element may hold more than one value ("1 2"): it is left for the store
// to refuse as the invalid record it is, as for any other.
func valueEnd(b []byte, i int) int {
	if i = syntax.SkipSpace(b, i); i == len(b) {
		return -1
	}
	for i < len(b) && b[i] != ',' {
		end := syntax.ValueEnd(b, i)
		if end < 0 {
			return -1
		}
		i = syntax.SkipSpace(b, end)
	}
	return i
}
