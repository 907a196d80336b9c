package webhooks

import (
	"bytes"
	"encoding/json"

	"github.com/ferryhq/ferry/providers"
)

// Events splits a webhook's payload into the events it carries, as
// cfg.Events says (HubSpot's array, Xero's "events"), each as its own
// JSON; numbers keep every digit. A payload without the array, or with an
// empty one, is one event: itself.
func Events(cfg providers.Webhook, payload json.RawMessage) []json.RawMessage {
	single := []json.RawMessage{payload}
	if cfg.Events == "" {
		return single
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return single
	}
	list := doc
	if cfg.Events != "." {
		v, ok := providers.ValueAt(doc, cfg.Events)
		if !ok {
			return single
		}
		list = v
	}
	items, ok := list.([]any)
	if !ok || len(items) == 0 {
		return single
	}
	out := make([]json.RawMessage, len(items))
	for i, item := range items {
		raw, err := json.Marshal(item)
		if err != nil {
			return single
		}
		out[i] = raw
	}
	return out
}

// FirstEventType is the type of the payload's first event (see Events and
// EventType): what the inbox lists for a webhook that carries several.
func FirstEventType(cfg *providers.Webhook, r Request, payload json.RawMessage) string {
	if cfg == nil {
		return ""
	}
	return EventType(cfg, r, Events(*cfg, payload)[0])
}
