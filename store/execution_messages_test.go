package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExecutionMessages(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	at := func(s int) string { return opsStart.Add(time.Duration(s) * time.Second).Format(time.RFC3339Nano) }
	report := `{"logs":[{"time":"` + at(1) + `","level":"info","message":"start","meta":{"page":1}},{"time":"` + at(3) + `","level":"error","message":"boom"}],` +
		`"calls":[{"method":"GET","url":"https://api.example.com/a","requestHeaders":{"Authorization":"REDACTED"},"status":500,"attempt":1,"duration":1500000,"start":"` + at(2) + `"},` +
		`{"method":"POST","url":"https://api.example.com/b","status":0,"error":"dial: refused","attempt":0,"duration":0,"start":"` + at(4) + `"}]}`
	ids, err := s.RecordExecutions(ctx, []ExecutionRecord{
		{Execution: testOp(1), Report: json.RawMessage(report)},
		{Execution: testOp(2)},
	})
	if err != nil {
		t.Fatal(err)
	}

	page, next, err := s.ExecutionMessages(ctx, ids[0], "", 3)
	if err != nil || next == "" || len(page) != 3 {
		t.Fatalf("first page: %v %q %v", page, next, err)
	}
	got, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"time":"` + at(1) + `","kind":"log","level":"info","message":"start","meta":{"page":1}},` +
		`{"time":"` + at(2) + `","kind":"http","method":"GET","url":"https://api.example.com/a","status":500,"attempt":1,"duration_ms":1.5,"request_headers":{"Authorization":"REDACTED"}},` +
		`{"time":"` + at(3) + `","kind":"log","level":"error","message":"boom"}]`
	if string(got) != want {
		t.Fatalf("first page:\n%s\nwant\n%s", got, want)
	}
	page, last, err := s.ExecutionMessages(ctx, ids[0], next, 3)
	if err != nil || last != "" || len(page) != 1 || page[0].Kind != "http" || page[0].Error != "dial: refused" {
		t.Fatalf("second page: %+v %q %v", page, last, err)
	}
	if page, next, err := s.ExecutionMessages(ctx, ids[1], "", 0); err != nil || len(page) != 0 || next != "" {
		t.Fatalf("no report: %v %q %v", page, next, err)
	}

	for _, tc := range []struct {
		name   string
		id     uint64
		cursor string
		limit  int
		want   error
		msg    string
	}{
		{"unknown execution", 999, "", 0, ErrNotFound, "execution 999"},
		{"cursor not a number", ids[0], "abc", 0, ErrInvalidCursor, `cursor "abc"`},
		{"negative cursor", ids[0], "-1", 0, ErrInvalidCursor, `cursor "-1"`},
		{"zero cursor", ids[0], "0", 0, ErrInvalidCursor, `cursor "0"`},
		{"cursor past the end", ids[0], "5", 0, ErrInvalidCursor, "past the end"},
		{"limit too large", ids[0], "", 1001, ErrInvalidQuery, "limit 1001"},
		{"negative limit", ids[0], "", -1, ErrInvalidQuery, "limit -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := s.ExecutionMessages(ctx, tc.id, tc.cursor, tc.limit)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %v with %q", err, tc.want, tc.msg)
			}
		})
	}
}
