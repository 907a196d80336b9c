package server

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

// waitOperations waits for n operations of a type in the log.
func (h *fnHarness) waitOperations(typ string, n int) []store.Execution {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := h.st.ListExecutions(context.Background(), store.ExecutionQuery{Environment: "dev", Type: typ})
		if err != nil {
			h.t.Fatal(err)
		}
		if len(list) >= n || time.Now().After(deadline) {
			if len(list) < n {
				h.t.Fatalf("%d %s operations, want %d", len(list), typ, n)
			}
			return list
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOperationsLogRecordsRequests checks that actions (with their
// report) and auth events land in the operations log.
func TestOperationsLogRecordsRequests(t *testing.T) {
	h := newFnHarness(t, nil)
	h.setup()
	h.deploy("demo/actions/echo")
	conn := []string{"Connection-Id", "conn-1", "Provider-Config-Key", "demo", "Content-Type", "application/json"}
	h.must(http.StatusOK, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"hello"}}`), conn...)
	h.must(http.StatusInternalServerError, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"refuse"}}`), conn...)
	ops := h.waitOperations("action", 2)
	if ops[0].Status != store.ExecutionFailed || ops[0].Error == nil || ops[0].Error.Type != "action_error" ||
		ops[1].Status != store.ExecutionSuccess || ops[1].Function != "echo" || ops[1].ConnectionID != "conn-1" {
		t.Fatalf("action operations: %+v", ops)
	}
	if _, report, err := h.st.Execution(context.Background(), ops[1].ID); err != nil || len(report) == 0 {
		t.Fatalf("an action's report: %s %v", report, err)
	}

	h.srv.notifyAuth(context.Background(), AuthEvent{ConnectionID: "conn-1", ProviderConfigKey: "demo", Operation: "refresh"}, "refresh_failed", errors.New("invalid_grant"))
	auth := h.waitOperations("auth", 1)
	if auth[0].Status != store.ExecutionFailed || auth[0].Function != "refresh" || auth[0].Error.Message != "invalid_grant" {
		t.Fatalf("auth operation: %+v", auth[0])
	}
}
