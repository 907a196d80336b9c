package host_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/host"
)

// TestBadGuestRequests sends the host functions requests the guest package
// would never send: each gets a precise error and the store is unchanged.
func TestBadGuestRequests(t *testing.T) {
	e := newEnv(t, host.Config{})
	probe := e.guest("probe")
	long := strings.Repeat("x", 256)
	tests := []struct {
		name, fn, request, code, message string
	}{
		{"malformed JSON", "batch_save", `{"model":"Issue","records":[`, "invalid_request", "malformed request JSON"},
		{"wrong shape", "batch_save", `{"model":"Issue","records":{"id":"1"}}`, "invalid_request", "malformed request JSON"},
		{"unknown model", "batch_save", `{"model":"Ghost","records":[{"id":"1"}]}`, "unknown_model", `model "Ghost" is not declared`},
		{"no model", "batch_save", `{"records":[{"id":"1"}]}`, "unknown_model", "model name is missing"},
		{"record without id", "batch_save", `{"model":"Issue","records":[{"id":"1"},{"title":"no id"}]}`, "invalid_record", "record 1"},
		{"id too long", "batch_save", `{"model":"Issue","records":[{"id":"` + long + `"}]}`, "invalid_record", "255"},
		{"record not an object", "batch_save", `{"model":"Issue","records":[42]}`, "invalid_record", "record 0"},
		{"update of unknown id", "batch_update", `{"model":"Issue","records":[{"id":"nope","a":1}]}`, "invalid_record", "nope"},
		{"delete without id", "batch_delete", `{"model":"Issue","records":[{}]}`, "invalid_record", "record 0"},
		{"nested checkpoint", "save_checkpoint", `{"checkpoint":{"a":{"b":1}}}`, "invalid_request", "checkpoint"},
		{"bad log level", "log", `{"message":"x","level":"loud"}`, "invalid_request", "level"},
		{"request without base URL", "request", `{"endpoint":"/x"}`, "invalid_config", ""},
		{"request through another connection", "request", `{"endpoint":"/x","connectionId":"other"}`, "invalid_config", "not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := json.Marshal(map[string]string{"fn": tc.fn, "request": tc.request})
			n := e.nango(probe, "conn-1", "")
			res, err := probe.Run(context.Background(), host.Execution{Nango: n, Input: in})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			var answer struct {
				Error *struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(res.Output, &answer); err != nil {
				t.Fatalf("answer %s: %v", res.Output, err)
			}
			if answer.Error == nil || answer.Error.Code != tc.code || !strings.Contains(answer.Error.Message, tc.message) {
				t.Fatalf("answer = %s, want code %s containing %q", res.Output, tc.code, tc.message)
			}
			if recs := e.records("test", "conn-1", "Issue"); len(recs) != 0 {
				t.Errorf("store changed: %d records", len(recs))
			}
		})
	}
}

func TestGoodGuestRequest(t *testing.T) {
	e := newEnv(t, host.Config{})
	probe := e.guest("probe")
	in, _ := json.Marshal(map[string]string{"fn": "batch_save", "request": `{"model":"Issue","records":[{"id":"1","title":"a"},{"id":2}]}`})
	res, err := probe.Run(context.Background(), host.Execution{Nango: e.nango(probe, "conn-1", ""), Input: in})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Output), `"added":2`) {
		t.Fatalf("answer = %s, want added 2", res.Output)
	}
	if recs := e.records("test", "conn-1", "Issue"); len(recs) != 2 {
		t.Fatalf("stored %d records, want 2", len(recs))
	}
}
