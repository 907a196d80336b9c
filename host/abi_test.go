package host_test

import (
	"context"
	"encoding/json"
	"errors"
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
		direct, outOfBounds              bool
	}{
		{name: "direct: malformed JSON", fn: "batch_save", request: `{"model":`, code: "invalid_request", message: "malformed request JSON", direct: true},
		{name: "direct: unknown model", fn: "batch_save", request: `{"model":"Ghost","records":[{"id":"1"}]}`, code: "unknown_model", message: "Ghost", direct: true},
		{name: "direct: unknown function", fn: "steal_secrets", request: `{}`, code: "invalid_request", message: `no host function "steal_secrets"`, direct: true},
		{name: "direct: request outside memory", fn: "batch_save", request: `{"model":"Issue","records":[{"id":"1"}]}`, code: "invalid_request", message: "outside guest memory", direct: true, outOfBounds: true},
		{name: "malformed JSON", fn: "batch_save", request: `{"model":"Issue","records":[`, code: "invalid_request", message: "malformed request JSON"},
		{name: "wrong shape", fn: "batch_save", request: `{"model":"Issue","records":{"id":"1"}}`, code: "invalid_request", message: "malformed request JSON"},
		{name: "unknown model", fn: "batch_save", request: `{"model":"Ghost","records":[{"id":"1"}]}`, code: "unknown_model", message: `model "Ghost" is not declared`},
		{name: "no model", fn: "batch_save", request: `{"records":[{"id":"1"}]}`, code: "unknown_model", message: "model name is missing"},
		{name: "record without id", fn: "batch_save", request: `{"model":"Issue","records":[{"id":"1"},{"title":"no id"}]}`, code: "invalid_record", message: "record 1"},
		{name: "id too long", fn: "batch_save", request: `{"model":"Issue","records":[{"id":"` + long + `"}]}`, code: "invalid_record", message: "255"},
		{name: "record not an object", fn: "batch_save", request: `{"model":"Issue","records":[42]}`, code: "invalid_record", message: "record 0"},
		{name: "update of unknown id", fn: "batch_update", request: `{"model":"Issue","records":[{"id":"nope","a":1}]}`, code: "invalid_record", message: "nope"},
		{name: "delete without id", fn: "batch_delete", request: `{"model":"Issue","records":[{}]}`, code: "invalid_record", message: "record 0"},
		{name: "nested checkpoint", fn: "save_checkpoint", request: `{"checkpoint":{"a":{"b":1}}}`, code: "invalid_request", message: "checkpoint"},
		{name: "bad log level", fn: "log", request: `{"message":"x","level":"loud"}`, code: "invalid_request", message: "level"},
		{name: "request without base URL", fn: "request", request: `{"endpoint":"/x"}`, code: "invalid_config", message: ""},
		{name: "request through another connection", fn: "request", request: `{"endpoint":"/x","connectionId":"other"}`, code: "invalid_config", message: "not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := json.Marshal(map[string]any{"fn": tc.fn, "request": tc.request, "direct": tc.direct, "outOfBounds": tc.outOfBounds})
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
	if string(res.Output) != `{}` {
		t.Fatalf("answer = %s, want {}", res.Output)
	}
	if recs := e.records("test", "conn-1", "Issue"); len(recs) != 2 {
		t.Fatalf("stored %d records, want 2", len(recs))
	}
}

// TestLostWriteFailsTheExecution: a batch the function was told it saved
// but the store could not write makes the execution fail as a host error.
func TestLostWriteFailsTheExecution(t *testing.T) {
	e := newEnv(t, host.Config{})
	probe := e.guest("probe")
	e.store.Close()
	in, _ := json.Marshal(map[string]string{"fn": "batch_save", "request": `{"model":"Issue","records":[{"id":"1"}]}`})
	_, err := probe.Run(context.Background(), host.Execution{Nango: e.nango(probe, "conn-1", ""), Input: in})
	var xe *host.ExecError
	if !errors.As(err, &xe) || xe.Kind != host.KindHost || !strings.Contains(xe.Message, "batchSave") {
		t.Fatalf("err = %v, want a host error about the lost batch", err)
	}
}
