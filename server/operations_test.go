package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

// seedOperations records n operations in dev (connection c<i%2>, type
// proxy for odd i, sync for even, every third one failed, a minute apart
// from t0) and one in prod; it returns the dev ids.
func seedOperations(t *testing.T, st *store.Store, t0 time.Time, n int) []uint64 {
	t.Helper()
	var recs []store.ExecutionRecord
	for i := range n {
		e := store.Execution{
			Type: store.ExecutionTypeSync, Environment: "dev", Integration: "demo", ConnectionID: fmt.Sprintf("c%d", i%2),
			Function: "issues", Status: store.ExecutionSuccess, StartedAt: t0.Add(time.Duration(i) * time.Minute),
		}
		if i%2 == 1 {
			e.Type, e.Function = store.ExecutionTypeProxy, ""
		}
		if i%3 == 0 {
			e.Status = store.ExecutionFailed
		}
		recs = append(recs, store.ExecutionRecord{Execution: e, Report: json.RawMessage(fmt.Sprintf(
			`{"logs":[{"time":%q,"level":"info","message":"op %d"}],"calls":[{"method":"GET","url":"https://api.example.com/","status":500,"attempt":0,"duration":2000000,"start":%q}]}`,
			e.StartedAt.Format(time.RFC3339Nano), i, e.StartedAt.Add(time.Second).Format(time.RFC3339Nano)))})
	}
	recs = append(recs, store.ExecutionRecord{Execution: store.Execution{Type: store.ExecutionTypeSync, Environment: "prod", Integration: "demo",
		ConnectionID: "c0", Status: store.ExecutionFailed, StartedAt: t0}})
	ids, err := st.RecordExecutions(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	return ids[:n]
}

func TestOperationsAPI(t *testing.T) {
	h := newFnHarness(t, nil)
	t0 := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	ids := seedOperations(t, h.st, t0, 10)
	opIDs := func(out map[string]any) string {
		var got []string
		for _, op := range out["operations"].([]any) {
			got = append(got, fmt.Sprint(op.(map[string]any)["id"]))
		}
		return strings.Join(got, ",")
	}
	want := func(is ...int) string {
		var s []string
		for _, i := range is {
			s = append(s, fmt.Sprint(ids[i]))
		}
		return strings.Join(s, ",")
	}

	for _, tc := range []struct {
		name, query, want string
	}{
		{"all", "", want(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)},
		{"connection", "connection_id=c1&provider_config_key=demo", want(9, 7, 5, 3, 1)},
		{"type", "type=proxy", want(9, 7, 5, 3, 1)},
		{"function", "function=issues", want(8, 6, 4, 2, 0)},
		{"status", "status=failed", want(9, 6, 3, 0)},
		{"connection and status", "connection_id=c0&status=failed", want(6, 0)},
		{"time range", "from=" + t0.Add(2*time.Minute).Format(time.RFC3339) + "&to=" + t0.Add(5*time.Minute).Format(time.RFC3339), want(4, 3, 2)},
		{"other integration", "provider_config_key=slack", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := h.must(http.StatusOK, "GET", "/logs/operations?"+tc.query, nil)
			if got := opIDs(out); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if out["next_cursor"] != nil {
				t.Fatalf("next_cursor %v on the last page", out["next_cursor"])
			}
		})
	}

	// Paging: 4, 4, 2.
	var pages []string
	cursor := ""
	for range 4 {
		out := h.must(http.StatusOK, "GET", "/logs/operations?limit=4&cursor="+cursor, nil)
		pages = append(pages, opIDs(out))
		next, ok := out["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if got := strings.Join(pages, "|"); got != want(9, 8, 7, 6)+"|"+want(5, 4, 3, 2)+"|"+want(1, 0) {
		t.Fatalf("pages %s", got)
	}

	// One operation, without its report.
	op := h.must(http.StatusOK, "GET", fmt.Sprintf("/logs/operations/%d", ids[3]), nil)
	if op["type"] != "proxy" || op["connection_id"] != "c1" || op["status"] != "failed" || op["report"] != nil {
		t.Fatalf("operation: %v", op)
	}

	// Its messages, one per page.
	var kinds []string
	cursor = ""
	for range 3 {
		out := h.must(http.StatusOK, "GET", fmt.Sprintf("/logs/operations/%d/messages?limit=1&cursor=%s", ids[3], cursor), nil)
		for _, m := range out["messages"].([]any) {
			m := m.(map[string]any)
			kinds = append(kinds, fmt.Sprintf("%v %v %v %v", m["kind"], m["message"], m["status"], m["duration_ms"]))
		}
		next, ok := out["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if got := strings.Join(kinds, "; "); got != "log op 3 <nil> <nil>; http <nil> 500 2" {
		t.Fatalf("messages: %s", got)
	}
}

func TestOperationsAPIBadInput(t *testing.T) {
	h := newFnHarness(t, nil)
	ids := seedOperations(t, h.st, time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), 2)
	prod := ids[1] + 1
	for _, tc := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"malformed from", "/logs/operations?from=yesterday", 400, `from "yesterday" is not an RFC 3339 time`},
		{"malformed to", "/logs/operations?to=2026-01-02", 400, `to "2026-01-02" is not an RFC 3339 time`},
		{"from after to", "/logs/operations?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "is not before to"},
		{"unknown type", "/logs/operations?type=cron", 400, `type "cron" is not one of sync, webhook, action, proxy, auth`},
		{"unknown status", "/logs/operations?status=done", 400, `status "done" is not one of running, success, failed`},
		{"malformed cursor", "/logs/operations?cursor=abc", 400, `malformed cursor "abc"`},
		{"zero cursor", "/logs/operations?cursor=0", 400, `malformed cursor "0"`},
		{"limit zero", "/logs/operations?limit=0", 400, `limit "0": want a whole number from 1 to 1000`},
		{"limit too large", "/logs/operations?limit=1001", 400, `limit "1001"`},
		{"limit not a number", "/logs/operations?limit=ten", 400, `limit "ten"`},
		{"malformed id", "/logs/operations/abc", 400, `operation id "abc" is not a positive number`},
		{"unknown id", "/logs/operations/999", 404, "execution 999"},
		{"other environment", fmt.Sprintf("/logs/operations/%d", prod), 404, fmt.Sprintf("no operation %d", prod)},
		{"messages of another environment", fmt.Sprintf("/logs/operations/%d/messages", prod), 404, "no operation"},
		{"messages of an unknown id", "/logs/operations/999/messages", 404, "execution 999"},
		{"messages cursor", fmt.Sprintf("/logs/operations/%d/messages?cursor=x", ids[0]), 400, `malformed cursor "x"`},
		{"messages cursor past the end", fmt.Sprintf("/logs/operations/%d/messages?cursor=9", ids[0]), 400, `malformed cursor "9"`},
		{"messages limit", fmt.Sprintf("/logs/operations/%d/messages?limit=5000", ids[0]), 400, `limit "5000"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := h.do("GET", tc.path, nil)
			var body struct {
				Error struct{ Message string } `json:"error"`
			}
			if err := json.Unmarshal(out, &body); err != nil {
				t.Fatalf("%d %s: %v", status, out, err)
			}
			if status != tc.status || !strings.Contains(body.Error.Message, tc.message) {
				t.Fatalf("%d %s, want %d with %q", status, out, tc.status, tc.message)
			}
		})
	}

	// Without the secret key.
	for _, path := range []string{"/logs/operations", fmt.Sprintf("/logs/operations/%d", ids[0]), fmt.Sprintf("/logs/operations/%d/messages", ids[0])} {
		res, err := h.srv.app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d", path, res.StatusCode)
		}
	}
}
