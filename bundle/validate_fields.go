package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/schedule"
)

// checkSchemas checks that every schema is a JSON object and every model
// name looks like an identifier. Models are checked in name order so the
// error is deterministic.
func (m *Manifest) checkSchemas() error {
	for _, s := range []struct {
		field  string
		schema json.RawMessage
	}{{"input", m.Input}, {"output", m.Output}, {"metadata", m.Metadata}, {"checkpoint", m.Checkpoint}} {
		if s.schema != nil {
			if err := checkSchema(s.schema); err != nil {
				return invalidManifest("%s: %s", s.field, err)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Models)) {
		if !modelNameRE.MatchString(name) {
			return invalidManifest("model %q: invalid name", name)
		}
		if err := checkSchema(m.Models[name]); err != nil {
			return invalidManifest("model %q: %s", name, err)
		}
	}
	return nil
}

// checkSchema checks that a JSON Schema document is a JSON object. It does
// not check that the object is a meaningful schema.
func checkSchema(schema json.RawMessage) error {
	trimmed := bytes.TrimSpace(schema)
	switch {
	case !json.Valid(trimmed):
		return errors.New("schema is not valid JSON")
	case trimmed[0] != '{':
		return errors.New("schema must be a JSON object")
	}
	return nil
}

func (m *Manifest) checkSync() error {
	if m.Type != TypeSync {
		return nil
	}
	switch {
	case len(m.Models) == 0:
		return invalidManifest("models: at least one model is required for a sync")
	case strings.TrimSpace(m.Frequency) == "":
		return invalidManifest("frequency is required for a sync")
	case !slices.Contains(syncTypes, m.SyncType):
		return invalidManifest("syncType %q is not one of %s", m.SyncType, strings.Join(syncTypes, ", "))
	}
	if _, err := schedule.ParseFrequency(m.Frequency); err != nil {
		return invalidManifest("frequency: %v", err)
	}
	for i, sub := range m.WebhookSubscriptions {
		if strings.TrimSpace(sub) == "" {
			return invalidManifest("webhookSubscriptions[%d] is empty", i)
		}
	}
	return nil
}

func (m *Manifest) checkOnEvent() error {
	switch {
	case m.Type != TypeOnEvent:
		return nil
	case m.Event == "":
		return invalidManifest("event is required for an on-event function")
	case !slices.Contains(events, m.Event):
		return invalidManifest("event %q is not one of %s", m.Event, strings.Join(events, ", "))
	}
	return nil
}

func (m *Manifest) checkScopes() error {
	for i, scope := range m.Scopes {
		if strings.TrimSpace(scope) == "" {
			return invalidManifest("scopes[%d] is empty", i)
		}
	}
	return nil
}

func (m *Manifest) checkEndpoints() error {
	seen := make(map[Endpoint]bool, len(m.Endpoints))
	for i, e := range m.Endpoints {
		switch {
		case !slices.Contains(httpMethods, e.Method):
			return invalidManifest("endpoints[%d]: method %q is not one of %s",
				i, e.Method, strings.Join(httpMethods, ", "))
		case !strings.HasPrefix(e.Path, "/") || strings.ContainsAny(e.Path, " \t\r\n?#"):
			return invalidManifest("endpoints[%d]: path %q must start with '/' and have no spaces, query or fragment", i, e.Path)
		}
		key := Endpoint{Method: e.Method, Path: e.Path}
		if seen[key] {
			return invalidManifest("endpoints[%d]: duplicate endpoint %s %s", i, e.Method, e.Path)
		}
		seen[key] = true
	}
	return nil
}
