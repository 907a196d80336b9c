package bundle

import "encoding/json"

// ManifestSection is the name of the custom section holding a bundle's
// manifest, as UTF-8 JSON.
const ManifestSection = "ferry.manifest"

// FunctionType says what a function does and so which export runs it.
type FunctionType string

// The function types, named as in Nango's createSync, createAction and
// createOnEvent.
const (
	TypeSync    FunctionType = "sync"
	TypeAction  FunctionType = "action"
	TypeOnEvent FunctionType = "on-event"
)

// Kind says how a bundle's code is packaged, and so how the host links it.
type Kind string

// The bundle kinds.
const (
	// KindNative is an Extism plugin built with any PDK language; its
	// exports are the entry points themselves.
	KindNative Kind = "native"
	// KindJS carries JavaScript in further custom sections and imports
	// the engine that runs it.
	KindJS Kind = "js"
)

// The values of Manifest.SyncType.
const (
	SyncIncremental = "incremental"
	SyncFull        = "full"
)

// The values of Manifest.Event: the connection lifecycle events an on-event
// function can hook.
const (
	EventPostConnectionCreation = "post-connection-creation"
	EventPreConnectionDeletion  = "pre-connection-deletion"
	EventValidateConnection     = "validate-connection"
)

// WebhookEntryPoint is the export that handles webhooks for a sync; a sync
// with WebhookSubscriptions must export it.
const WebhookEntryPoint = "on_webhook"

// Manifest describes the one function a bundle holds. It is stored as JSON
// in the bundle's [ManifestSection]; its field names follow Nango's
// function definitions. Schemas are JSON Schema documents, as the
// TypeScript compiler derives them from zod.
//
// Call [Manifest.Validate] before use: it fills defaults and rejects
// invalid manifests. [Parse] and [Encode] do so.
type Manifest struct {
	Name        string       `json:"name"`        // function name, e.g. "fetch-issues"
	Type        FunctionType `json:"type"`        // sync, action or on-event
	Integration string       `json:"integration"` // provider config key, e.g. "github"
	Kind        Kind         `json:"kind"`        // default native
	Description string       `json:"description,omitempty"`
	Version     string       `json:"version,omitempty"` // default "0.0.1"

	Models     map[string]json.RawMessage `json:"models,omitempty"` // model name → schema; ≥1 for a sync
	Input      json.RawMessage            `json:"input,omitempty"`  // action only
	Output     json.RawMessage            `json:"output,omitempty"` // action only
	Metadata   json.RawMessage            `json:"metadata,omitempty"`
	Checkpoint json.RawMessage            `json:"checkpoint,omitempty"`

	// Sync only.
	Frequency            string   `json:"frequency,omitempty"` // required, e.g. "every hour"
	AutoStart            *bool    `json:"autoStart,omitempty"` // default true
	SyncType             string   `json:"syncType,omitempty"`  // default incremental
	TrackDeletes         bool     `json:"trackDeletes,omitempty"`
	WebhookSubscriptions []string `json:"webhookSubscriptions,omitempty"` // ["*"] = all

	Event string `json:"event,omitempty"` // on-event only: one of the Event* constants

	Scopes    []string   `json:"scopes,omitempty"`
	Endpoints []Endpoint `json:"endpoints,omitempty"` // sync and action only
}

// Endpoint is an HTTP route under which a sync's records or an action are
// exposed, as in Nango's definitions.
type Endpoint struct {
	Method string `json:"method"` // GET, POST, PUT, PATCH or DELETE
	Path   string `json:"path"`   // starts with "/"
	Group  string `json:"group,omitempty"`
}

// EntryPoint returns the name of the exported function that runs m: "sync",
// "action" or "on_event"; "" for an unknown type. A sync may also export
// [WebhookEntryPoint].
func (m *Manifest) EntryPoint() string {
	switch m.Type {
	case TypeSync:
		return "sync"
	case TypeAction:
		return "action"
	case TypeOnEvent:
		return "on_event"
	}
	return ""
}

// requiredExports lists the function exports a bundle with manifest m
// must have, entry point first.
func (m *Manifest) requiredExports() []string {
	exports := []string{m.EntryPoint()}
	if m.Type == TypeSync && len(m.WebhookSubscriptions) > 0 {
		exports = append(exports, WebhookEntryPoint)
	}
	return exports
}
