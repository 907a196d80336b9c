package jscompile_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/jscompile"
)

// TestDescriber checks what the compiler does with the describer's
// answers and failures.
func TestDescriber(t *testing.T) {
	file := filepath.Join(project, "nango", "slack", "on-events", "validate.ts")
	tests := []struct {
		name     string
		answer   string
		fail     error
		sentinel error
		want     string
	}{
		{"unknown field", `{"type":"on-event","event":"validate-connection","runs":"daily"}`, nil, jscompile.ErrDefinition,
			`slack/on-events/validate.ts: describing the definition gave invalid manifest fields: json: unknown field "runs"`},
		{"no type", `{"description":"x"}`, nil, jscompile.ErrDefinition,
			`slack/on-events/validate.ts: describing the definition gave no type`},
		{"odd type", `{"type":"cron"}`, nil, jscompile.ErrDefinition,
			`slack/on-events/validate.ts: describing the definition gave type "cron"`},
		{"invalid manifest", `{"type":"on-event"}`, nil, bundle.ErrInvalidManifest,
			`slack/on-events/validate.ts: manifest: event is required for an on-event function`},
		{"type disagrees with folder", `{"type":"action"}`, nil, jscompile.ErrLayout,
			`slack/on-events/validate.ts: defines an action with createAction but is in on-events/: move it to actions/`},
		{"fails", "", errors.New("describe: Error: bad options\n    at describe (describe.js:1:2)"), jscompile.ErrDefinition,
			`slack/on-events/validate.ts: bad options`},
		{"name and integration come from the layout", `{"type":"on-event","event":"validate-connection","name":"other","integration":"x","kind":"native"}`,
			nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t)
			opts.Describe = func(context.Context, []byte) (json.RawMessage, error) {
				return json.RawMessage(tc.answer), tc.fail
			}
			fns, err := jscompile.Compile(context.Background(), file, opts)
			if tc.sentinel == nil {
				if err != nil {
					t.Fatal(err)
				}
				if m := fns[0].Manifest; m.Name != "validate" || m.Integration != "slack" || m.Kind != bundle.KindJS {
					t.Errorf("manifest %+v", m)
				}
				return
			}
			if !errors.Is(err, tc.sentinel) || err.Error() != tc.want {
				t.Errorf("err = %v, want %q wrapping %v", err, tc.want, tc.sentinel)
			}
			if tc.fail != nil && !errors.Is(err, tc.fail) {
				t.Errorf("err does not wrap the describer's error")
			}
		})
	}
}

// TestSyncModels checks the compiler's own rule for a sync's models,
// whatever sdk-js checked before: objects with an id.
func TestSyncModels(t *testing.T) {
	file := filepath.Join(project, "nango", "github", "syncs", "fetch-issues.ts")
	tests := []struct {
		name, model string
		want        string // "" for no error
	}{
		{"object with an id", `{"type":"object","properties":{"id":{"type":"string"}}}`, ""},
		{"composed", `{"allOf":[{"type":"object"}]}`, ""},
		{"no id", `{"type":"object","properties":{"title":{"type":"string"}}}`,
			`github/syncs/fetch-issues.ts: model "Issue" has no id field: a sync's models are z.object({ id: z.string(), ... })`},
		{"not an object", `{"type":"string"}`,
			`github/syncs/fetch-issues.ts: model "Issue" is not an object: a sync's models are z.object({ id: z.string(), ... })`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t)
			opts.Describe = func(context.Context, []byte) (json.RawMessage, error) {
				return json.RawMessage(`{"type":"sync","frequency":"every hour","models":{"Issue":` + tc.model + `}}`), nil
			}
			_, err := jscompile.Compile(context.Background(), file, opts)
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, jscompile.ErrDefinition)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
