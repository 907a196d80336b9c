package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRecordExecutions(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	first, err := s.CreateExecution(ctx, testOp(0))
	if err != nil {
		t.Fatal(err)
	}
	recs := []ExecutionRecord{
		{Execution: testOp(1), Report: json.RawMessage(`{"logs":[],"calls":[{"method":"GET","url":"https://x/","status":200}]}`)},
		{Execution: Execution{ID: 999, Type: ExecutionTypeAuth, Environment: "dev", Integration: "github", ConnectionID: "c1", Status: ExecutionFailed, StartedAt: opsStart}},
	}
	ids, err := s.RecordExecutions(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != first.ID+1 || ids[1] != first.ID+2 {
		t.Fatalf("ids %v after %d", ids, first.ID)
	}
	e, report, err := s.Execution(ctx, ids[0])
	if err != nil || e.Function != "prs" || string(report) != string(recs[0].Report) {
		t.Fatalf("first: %+v %s %v", e, report, err)
	}
	e, report, err = s.Execution(ctx, ids[1])
	if err != nil || e.ID != ids[1] || e.Type != ExecutionTypeAuth || report != nil {
		t.Fatalf("second: %+v %s %v", e, report, err)
	}
	if ids, err := s.RecordExecutions(ctx, nil); ids != nil || err != nil {
		t.Fatalf("no records: %v %v", ids, err)
	}
	checkIndexes(t, s)
}

func TestRecordExecutionsInvalid(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	good := ExecutionRecord{Execution: testOp(1)}
	with := func(f func(*ExecutionRecord)) []ExecutionRecord {
		bad := good
		f(&bad)
		return []ExecutionRecord{good, bad}
	}
	big := `"` + strings.Repeat("x", MaxLogMessage) + `"`
	for _, tc := range []struct {
		name    string
		records []ExecutionRecord
		want    string
	}{
		{"no environment", with(func(r *ExecutionRecord) { r.Execution.Environment = "" }), "execution 1: no environment"},
		{"unknown type", with(func(r *ExecutionRecord) { r.Execution.Type = "cron" }), `execution 1: unknown type "cron"`},
		{"no type", with(func(r *ExecutionRecord) { r.Execution.Type = "" }), `unknown type ""`},
		{"unknown status", with(func(r *ExecutionRecord) { r.Execution.Status = "done" }), `unknown status "done"`},
		{"large report not an object", with(func(r *ExecutionRecord) { r.Report = json.RawMessage(big) }), "execution 1: report"},
		{"large report with bad logs", with(func(r *ExecutionRecord) { r.Report = json.RawMessage(`{"x":` + big + `,"logs":{}}`) }), "report logs"},
		{"too many", make([]ExecutionRecord, maxRecordBatch+1), "at most 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.RecordExecutions(ctx, tc.records)
			if !errors.Is(err, ErrInvalidExecution) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if list, _ := s.ListExecutions(ctx, ExecutionQuery{}); len(list) != 0 {
				t.Fatalf("%d executions written", len(list))
			}
		})
	}
}

func TestReportCaps(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	line := func(i int, msg string) string {
		return fmt.Sprintf(`{"time":%q,"level":"info","message":%q}`, opsStart.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), msg)
	}
	call := func(i int) string {
		return fmt.Sprintf(`{"method":"GET","url":"https://api.example.com/%s","status":200,"attempt":0,"duration":1000000,"start":%q}`,
			strings.Repeat("p", 4000), opsStart.Add(time.Duration(i)*time.Second+time.Millisecond).Format(time.RFC3339Nano))
	}
	long := strings.Repeat("é", MaxLogMessage) // 2 bytes a rune
	var logs, calls []string
	for i := range 300 {
		logs = append(logs, line(i, strings.Repeat("m", 4000)))
		calls = append(calls, call(i))
	}
	for _, tc := range []struct {
		name   string
		report string
		check  func(t *testing.T, r map[string]json.RawMessage, logs []map[string]any, calls []json.RawMessage)
	}{
		{"small report kept as is", `{"logs":[` + line(0, "hi") + `],"calls":[]}`, func(t *testing.T, r map[string]json.RawMessage, logs []map[string]any, _ []json.RawMessage) {
			if len(logs) != 1 || logs[0]["message"] != "hi" || logs[0]["truncated"] != nil {
				t.Fatalf("logs %v", logs)
			}
		}},
		{"long message cut", `{"logs":[` + line(0, long) + `],"records":{"Issue":{"added":1}}}`, func(t *testing.T, r map[string]json.RawMessage, logs []map[string]any, _ []json.RawMessage) {
			msg := logs[0]["message"].(string)
			if len(msg) != MaxLogMessage || logs[0]["truncated"] != true || string(r["records"]) != `{"Issue":{"added":1}}` {
				t.Fatalf("message of %d bytes, truncated %v, records %s", len(msg), logs[0]["truncated"], r["records"])
			}
		}},
		{"large report cut in time order", `{"logs":[` + strings.Join(logs, ",") + `],"droppedLogs":5,"calls":[` + strings.Join(calls, ",") + `]}`,
			func(t *testing.T, r map[string]json.RawMessage, logs []map[string]any, calls []json.RawMessage) {
				var droppedLogs, droppedCalls int
				json.Unmarshal(r["droppedLogs"], &droppedLogs)
				json.Unmarshal(r["droppedCalls"], &droppedCalls)
				if len(logs)+droppedLogs != 305 || len(calls)+droppedCalls != 300 || len(logs) == 0 {
					t.Fatalf("%d logs + %d dropped, %d calls + %d dropped", len(logs), droppedLogs, len(calls), droppedCalls)
				}
				// The earliest entries are kept: as many lines as calls, give or take one.
				if d := len(logs) - len(calls); d < 0 || d > 1 {
					t.Fatalf("%d logs and %d calls kept", len(logs), len(calls))
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, err := s.RecordExecutions(ctx, []ExecutionRecord{{Execution: testOp(1), Report: json.RawMessage(tc.report)}})
			if err != nil {
				t.Fatal(err)
			}
			_, raw, err := s.Execution(ctx, ids[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) > MaxReportSize {
				t.Fatalf("stored report of %d bytes", len(raw))
			}
			var r map[string]json.RawMessage
			var logs []map[string]any
			var calls []json.RawMessage
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal(r["logs"], &logs)
			json.Unmarshal(r["calls"], &calls)
			tc.check(t, r, logs, calls)
		})
	}
}
