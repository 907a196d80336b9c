package webhooks

import (
	"encoding/json"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

func TestEvents(t *testing.T) {
	for _, tc := range []struct {
		name, events, payload string
		want                  []string
	}{
		{"one event", "", `[{"a":1},{"a":2}]`, []string{`[{"a":1},{"a":2}]`}},
		{"the body is the array", ".", `[{"a":1},{"a":2}]`, []string{`{"a":1}`, `{"a":2}`}},
		{"an array inside", "events", `{"events":[{"id":12345678901234567890}],"x":1}`, []string{`{"id":12345678901234567890}`}},
		{"nested path", "data.items", `{"data":{"items":["x","y"]}}`, []string{`"x"`, `"y"`}},
		{"no array there", "events", `{"events":{"a":1}}`, []string{`{"events":{"a":1}}`}},
		{"empty array", ".", `[]`, []string{`[]`}},
		{"missing path", "events", `{"other":[1]}`, []string{`{"other":[1]}`}},
		{"not JSON", ".", `a=b`, []string{`a=b`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Events(providers.Webhook{Events: tc.events}, json.RawMessage(tc.payload))
			if len(got) != len(tc.want) {
				t.Fatalf("%d events %q, want %q", len(got), got, tc.want)
			}
			for i := range got {
				if string(got[i]) != tc.want[i] {
					t.Errorf("event %d: %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}
