package bundle

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
)

var (
	// nameRE matches function names; Nango's script names use the same
	// characters ("fetch-issues").
	nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// integrationRE is Nango's rule for provider config keys.
	integrationRE = regexp.MustCompile(`^[A-Za-z0-9~:.@ _-]{1,255}$`)
	modelNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,254}$`)
	versionRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$`)
)

var (
	events      = []string{EventPostConnectionCreation, EventPreConnectionDeletion, EventValidateConnection}
	syncTypes   = []string{SyncIncremental, SyncFull}
	httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
)

// Validate fills m's defaults and checks every rule, in one step, so a
// manifest that passes is complete: Kind defaults to native, Version to
// "0.0.1", and for a sync AutoStart to true and SyncType to incremental;
// endpoint methods are upper-cased and null schemas dropped. Calling it
// again is a no-op. Errors wrap [ErrInvalidManifest] and name the field:
//
//	manifest: frequency is required for a sync
//	manifest: model "1bad": invalid name
func (m *Manifest) Validate() error {
	m.fillDefaults()
	for _, check := range []func() error{
		m.checkIdentity, m.checkFieldsForType, m.checkSchemas, m.checkSync,
		m.checkOnEvent, m.checkScopes, m.checkEndpoints,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (m *Manifest) fillDefaults() {
	if m.Kind == "" {
		m.Kind = KindNative
	}
	if m.Version == "" {
		m.Version = "0.0.1"
	}
	if m.Type == TypeSync {
		if m.AutoStart == nil {
			m.AutoStart = new(true)
		}
		if m.SyncType == "" {
			m.SyncType = SyncIncremental
		}
	}
	for _, s := range []*json.RawMessage{&m.Input, &m.Output, &m.Metadata, &m.Checkpoint} {
		if string(bytes.TrimSpace(*s)) == "null" {
			*s = nil
		}
	}
	for i := range m.Endpoints {
		m.Endpoints[i].Method = strings.ToUpper(m.Endpoints[i].Method)
	}
}

func (m *Manifest) checkIdentity() error {
	switch {
	case m.Name == "":
		return invalidManifest("name is required")
	case !nameRE.MatchString(m.Name):
		return invalidManifest("name %q is invalid: use 1 to 64 letters, digits, '_' or '-'", m.Name)
	case m.Type == "":
		return invalidManifest("type is required")
	case m.EntryPoint() == "":
		return invalidManifest("type %q is not one of sync, action, on-event", m.Type)
	case m.Integration == "":
		return invalidManifest("integration is required")
	case !integrationRE.MatchString(m.Integration):
		return invalidManifest("integration %q is invalid: use 1 to 255 letters, digits, spaces or ~:.@_-", m.Integration)
	case m.Kind != KindNative && m.Kind != KindJS:
		return invalidManifest("kind %q is not one of native, js", m.Kind)
	case !versionRE.MatchString(m.Version):
		return invalidManifest("version %q is invalid: use letters, digits and .+_- (e.g. 1.2.0)", m.Version)
	}
	return nil
}

// checkFieldsForType rejects fields that mean nothing for m's type, so a
// mistaken manifest fails at upload instead of being silently ignored.
func (m *Manifest) checkFieldsForType() error {
	syncOnly, actionOnly := []FunctionType{TypeSync}, []FunctionType{TypeAction}
	fields := []struct {
		name    string
		set     bool
		allowed []FunctionType
	}{
		{"models", len(m.Models) > 0, []FunctionType{TypeSync, TypeAction}},
		{"endpoints", len(m.Endpoints) > 0, []FunctionType{TypeSync, TypeAction}},
		{"input", m.Input != nil, actionOnly},
		{"output", m.Output != nil, actionOnly},
		{"frequency", m.Frequency != "", syncOnly},
		{"autoStart", m.AutoStart != nil, syncOnly},
		{"syncType", m.SyncType != "", syncOnly},
		{"trackDeletes", m.TrackDeletes, syncOnly},
		{"webhookSubscriptions", len(m.WebhookSubscriptions) > 0, syncOnly},
		{"event", m.Event != "", []FunctionType{TypeOnEvent}},
	}
	for _, f := range fields {
		if f.set && !slices.Contains(f.allowed, m.Type) {
			return invalidManifest("%s is not allowed for %s", f.name, typeNoun(m.Type))
		}
	}
	return nil
}

// typeNoun names a function type with its article, for messages.
func typeNoun(t FunctionType) string {
	switch t {
	case TypeAction:
		return "an action"
	case TypeOnEvent:
		return "an on-event function"
	}
	return "a " + string(t)
}
