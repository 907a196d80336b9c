package jscompile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/ferryhq/ferry/bundle"
)

// creators names the nango function that defines each type, and folders
// the folder it lives in.
var (
	creators = map[bundle.FunctionType]string{
		bundle.TypeSync: "createSync", bundle.TypeAction: "createAction", bundle.TypeOnEvent: "createOnEvent",
	}
	folders = map[bundle.FunctionType]string{
		bundle.TypeSync: "syncs", bundle.TypeAction: "actions", bundle.TypeOnEvent: "on-events",
	}
)

// manifestOf merges what describing src's definition gave with what its
// place in the layout says, and validates the result.
func manifestOf(src Source, described json.RawMessage) (bundle.Manifest, error) {
	file := src.rel(src.Path)
	var m bundle.Manifest
	dec := json.NewDecoder(bytes.NewReader(described))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, &compileError{sentinel: ErrDefinition, cause: err,
			msg: file + ": describing the definition gave invalid manifest fields: " + err.Error()}
	}
	switch {
	case m.Type == "":
		return m, errorf(ErrDefinition, "%s: describing the definition gave no type", file)
	case creators[m.Type] == "":
		return m, errorf(ErrDefinition, "%s: describing the definition gave type %q", file, m.Type)
	case m.Type != src.Type:
		return m, errorf(ErrLayout, "%s: defines %s with %s but is in %s/: move it to %s/",
			file, typeNoun(m.Type), creators[m.Type], folders[src.Type], folders[m.Type])
	}
	m.Name, m.Integration, m.Kind = src.Name, src.Integration, bundle.KindJS
	if err := m.Validate(); err != nil {
		return m, &compileError{sentinel: ErrDefinition, cause: err, msg: file + ": " + err.Error()}
	}
	if err := checkModels(m); err != nil {
		return m, errorf(ErrDefinition, "%s: %s", file, err)
	}
	return m, nil
}

// modelSchema is the part of a model's JSON Schema checkModels reads.
type modelSchema struct {
	Type       any                        `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	AllOf      []json.RawMessage          `json:"allOf"`
	AnyOf      []json.RawMessage          `json:"anyOf"`
	OneOf      []json.RawMessage          `json:"oneOf"`
	Ref        string                     `json:"$ref"`
}

// checkModels checks that a sync's models are objects with an id, as
// records need one. Schemas built by composition (allOf, anyOf, oneOf,
// $ref) are left to the record store, which checks every record.
func checkModels(m bundle.Manifest) error {
	if m.Type != bundle.TypeSync {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(m.Models)) {
		var s modelSchema
		if err := json.Unmarshal(m.Models[name], &s); err != nil {
			return fmt.Errorf("model %q: %v", name, err)
		}
		if s.AllOf != nil || s.AnyOf != nil || s.OneOf != nil || s.Ref != "" {
			continue
		}
		if s.Type != "object" {
			return fmt.Errorf("model %q is not an object: a sync's models are z.object({ id: z.string(), ... })", name)
		}
		if _, ok := s.Properties["id"]; !ok {
			return fmt.Errorf("model %q has no id field: a sync's models are z.object({ id: z.string(), ... })", name)
		}
	}
	return nil
}

// typeNoun names a function type with its article, for messages.
func typeNoun(t bundle.FunctionType) string {
	switch t {
	case bundle.TypeAction:
		return "an action"
	case bundle.TypeOnEvent:
		return "an on-event function"
	}
	return "a " + string(t)
}
