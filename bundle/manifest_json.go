package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
)

// maxManifestSize bounds the manifest JSON, so an upload cannot make the
// server decode an arbitrarily large document.
const maxManifestSize = 1 << 20

// ParseManifest decodes manifest JSON strictly (an unknown field is an
// error) and validates it with [Manifest.Validate]. Errors wrap
// [ErrInvalidManifest].
func ParseManifest(data []byte) (*Manifest, error) {
	m, err := decodeManifest(data)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeManifest decodes manifest JSON without validating it.
func decodeManifest(data []byte) (*Manifest, error) {
	if len(data) > maxManifestSize {
		return nil, invalidManifest("%d bytes exceeds the limit of %d", len(data), maxManifestSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalidManifest("empty document")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, jsonError(err)
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, invalidManifest("unexpected data after the JSON object at offset %d", len(data)-len(rest))
	}
	return &m, nil
}

// jsonError turns an encoding/json error into an ErrInvalidManifest error
// that names the offending field or position.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return invalidManifest("invalid JSON at offset %d: %s", syntax.Offset, trimJSON(syntax.Error()))
	case errors.As(err, &typ) && typ.Field != "":
		return invalidManifest("%s: got a JSON %s, want %s", typ.Field, typ.Value, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return invalidManifest("got a JSON %s, want an object", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidManifest("unexpected end of JSON")
	}
	// Unknown fields are reported as `json: unknown field "name"`.
	return invalidManifest("%s", trimJSON(err.Error()))
}

func trimJSON(msg string) string { return strings.TrimPrefix(msg, "json: ") }

// jsonKind describes the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a " + t.Kind().String()
}
