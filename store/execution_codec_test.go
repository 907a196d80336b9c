package store

import (
	"encoding/json"
	"testing"
	"time"
)

// The hand-written summary encoding must be encoding/json's, byte for
// byte: readers decode it with encoding/json, and summaries written before
// it were written by it.
func TestAppendExecutionMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890123456, time.UTC)
	for _, tc := range []struct {
		name string
		e    Execution
	}{
		{"zero", Execution{}},
		{"proxy call", Execution{
			ID: 42, Type: ExecutionTypeProxy, Environment: "prod", Integration: "github", ConnectionID: "c-1",
			Function: "GET /repos/a/b", Trigger: "api", Status: ExecutionSuccess, StartedAt: at, EndedAt: at.Add(time.Millisecond),
		}},
		{"failed, with records", Execution{
			ID: 1<<64 - 1, Type: ExecutionTypeSync, Environment: "dev", Function: "issues", Trigger: "schedule", Status: ExecutionFailed,
			StartedAt: at.In(time.FixedZone("", -7*3600)), EndedAt: at.Add(time.Second),
			Records: map[string]ModelCounts{"Issue": {Added: 3, Updated: -1}, "Comment": {Deleted: 9}, "": {}},
			Error:   &RunError{Type: "upstream_error", Message: "dial tcp: i/o timeout"},
		}},
		{"escapes", Execution{
			Type: "a\"b\\c", Environment: "<script>&</script>", Integration: "\x00\x01\x1f\x7f\b\f\n\r\t",
			ConnectionID: "\u2028\u2029é😀", Function: "bad \xff\xfe utf-8 \xe2\x80", Trigger: "\xed\xa0\x80",
			Error: &RunError{Type: "", Message: "line\nbreak"},
		}},
		{"empty records and zero end", Execution{Status: ExecutionRunning, StartedAt: at, Records: map[string]ModelCounts{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkAppendExecution(t, tc.e)
		})
	}
}

func TestAppendExecutionRejectsWhatEncodingJSONRejects(t *testing.T) {
	e := Execution{StartedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := json.Marshal(e); err == nil {
		t.Fatal("encoding/json encodes a year past 9999")
	}
	if _, err := appendExecution(nil, &e); err == nil {
		t.Error("appendExecution encodes a year past 9999")
	}
}

func FuzzAppendExecution(f *testing.F) {
	f.Add("prod", "c-1", "GET /a?b=<c>&d", "\xff\u2028", int64(1700000000123456789), 3)
	f.Add("", "", "", "", int64(0), -1)
	f.Fuzz(func(t *testing.T, env, conn, fn, msg string, nanos int64, n int) {
		e := Execution{
			ID: uint64(nanos), Type: fn, Environment: env, Integration: msg, ConnectionID: conn, Function: fn,
			Trigger: msg, Status: env, StartedAt: time.Unix(0, nanos).UTC(), EndedAt: time.Unix(0, nanos/2),
		}
		if n > 0 {
			e.Records = map[string]ModelCounts{fn: {Added: n}, msg: {Updated: -n}}
		}
		if n%2 == 0 {
			e.Error = &RunError{Type: conn, Message: msg}
		}
		checkAppendExecution(t, e)
	})
}

func checkAppendExecution(t *testing.T, e Execution) {
	t.Helper()
	want, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendExecution([]byte("prefix"), &e)
	if err != nil {
		t.Fatalf("appendExecution: %v", err)
	}
	if string(got[:6]) != "prefix" || string(got[6:]) != string(want) {
		t.Errorf("appendExecution:\n got %s\nwant prefix%s", got, want)
	}
}
