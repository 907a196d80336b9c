package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// prune is PATCH /records/prune for demo/conn-1; it fails the test unless
// the answer is 200.
func (env *recordsEnv) prune(t testing.TB, body string) (count int, hasMore bool) {
	t.Helper()
	status, out := env.call(t, "PATCH", "/records/prune", body, append([]string{"Content-Type", "application/json"}, demoHeaders...)...)
	var res struct {
		Count   *int  `json:"count"`
		HasMore *bool `json:"has_more"`
	}
	if err := json.Unmarshal(out, &res); err != nil || status != http.StatusOK || res.Count == nil || res.HasMore == nil {
		t.Fatalf("PATCH /records/prune %s: %d %s", body, status, out)
	}
	return *res.Count, *res.HasMore
}

func TestRecordsPrune(t *testing.T) {
	env := startRecordsServer(t)
	for i := range 5 {
		env.save(t, "Item", fmt.Sprintf(`{"id":%d,"n":%d}`, i, i))
	}
	before := env.list(t, "model=Item")
	third := before.Records[2].Metadata.Cursor

	env.clock.set(recordsT0.Add(time.Hour))
	for i, step := range []struct {
		body  string
		count int
		more  bool
	}{
		{fmt.Sprintf(`{"model":"Item","until_cursor":%q,"limit":2}`, third), 2, true},
		{fmt.Sprintf(`{"model":"Item","until_cursor":%q}`, third), 1, false},
		{fmt.Sprintf(`{"model":"Item","until_cursor":%q}`, third), 0, false},
	} {
		if count, more := env.prune(t, step.body); count != step.count || more != step.more {
			t.Fatalf("step %d: count %d, has_more %v; want %d, %v", i, count, more, step.count, step.more)
		}
	}

	// Pruned records keep their place, id and change tracking; their data
	// is gone and pruned_at says when.
	after := env.list(t, "model=Item")
	for i, r := range after.Records {
		pruned := i < 3
		if r.Metadata.Cursor != before.Records[i].Metadata.Cursor || r.Metadata.LastAction != "ADDED" || r.ID != float64(i) {
			t.Errorf("record %d moved or changed: %+v", i, r)
		}
		if (r.N == nil) != pruned || (r.Metadata.PrunedAt != nil) != pruned {
			t.Errorf("record %d: n %v, pruned_at %v; want pruned %v", i, r.N, r.Metadata.PrunedAt, pruned)
		}
		if pruned && *r.Metadata.PrunedAt != "2025-03-01T13:00:00Z" {
			t.Errorf("record %d: pruned_at %s", i, *r.Metadata.PrunedAt)
		}
	}
	_, body := env.call(t, "GET", "/records?model=Item&ids=0", "", demoHeaders...)
	if want := `{"records":[{"id":0,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z",` +
		`"last_action":"ADDED","deleted_at":null,"pruned_at":"2025-03-01T13:00:00Z","cursor":"AAAAAAAAAAE"}}],"next_cursor":null}`; string(body) != want {
		t.Fatalf("pruned record\n got %s\nwant %s", body, want)
	}

	// A sync saving a pruned record again, unchanged, hands its data back
	// as an update after the last cursor the customer saw.
	env.save(t, "Item", `{"id":0,"n":0}`)
	last := before.Records[4].Metadata.Cursor
	back := env.list(t, "model=Item&cursor="+last)
	if len(back.Records) != 1 || back.Records[0].N == nil || back.Records[0].Metadata.LastAction != "UPDATED" || back.Records[0].Metadata.PrunedAt != nil {
		t.Fatalf("saved again: %+v", back.Records)
	}

	// Variants prune on their own.
	env.save(t, "Item::v2", `{"id":"x","n":1}`)
	v2 := env.list(t, "model=Item&variant=v2").Records[0].Metadata.Cursor
	if count, _ := env.prune(t, fmt.Sprintf(`{"model":"Item","variant":"v2","until_cursor":%q}`, v2)); count != 1 {
		t.Fatalf("variant prune: %d", count)
	}
	if r := env.list(t, "model=Item&variant=v2").Records[0]; r.Metadata.PrunedAt == nil {
		t.Fatalf("variant record not pruned: %+v", r)
	}
}

func TestRecordsPruneBadInput(t *testing.T) {
	env := startRecordsServer(t)
	env.save(t, "Item", `{"id":"a"}`)
	cursor := env.list(t, "model=Item").Records[0].Metadata.Cursor
	withCursor := func(extra string) string {
		return fmt.Sprintf(`{"model":"Item","until_cursor":%q%s}`, cursor, extra)
	}
	tests := []struct {
		name, body string
		header     []string
		status     int
		code, msg  string
	}{
		{"no secret key", withCursor(""), append([]string{"Authorization", ""}, demoHeaders...), 401, "missing_auth_header", "Authorization"},
		{"no headers", withCursor(""), nil, 400, "invalid_request", "the Connection-Id and Provider-Config-Key headers are required"},
		{"no connection id", withCursor(""), []string{"Provider-Config-Key", "demo"}, 400, "invalid_request", "the Connection-Id header is required"},
		{"bad JSON", `{"model":`, demoHeaders, 400, "invalid_request", "malformed JSON body"},
		{"no body", ``, demoHeaders, 400, "invalid_request", "needs a JSON body"},
		{"wrong type", `{"model":"Item","until_cursor":7}`, demoHeaders, 400, "invalid_request", "malformed JSON body"},
		{"nothing", `{}`, demoHeaders, 400, "invalid_request", "model and until_cursor are required"},
		{"no until_cursor", `{"model":"Item"}`, demoHeaders, 400, "invalid_request", "until_cursor is required"},
		{"no model", fmt.Sprintf(`{"until_cursor":%q}`, cursor), demoHeaders, 400, "invalid_request", "model is required"},
		{"malformed cursor", `{"model":"Item","until_cursor":"abc"}`, demoHeaders, 400, "invalid_cursor", `malformed cursor "abc"`},
		{"limit zero", withCursor(`,"limit":0`), demoHeaders, 400, "invalid_request", "limit 0: want a whole number from 1 to 10000"},
		{"limit too large", withCursor(`,"limit":10001`), demoHeaders, 400, "invalid_request", "limit 10001"},
		{"unknown connection", withCursor(""), []string{"Connection-Id", "nobody", "Provider-Config-Key", "demo"}, 404, "unknown_connection", `no connection "nobody"`},
		{"unknown model", `{"model":"Itme","until_cursor":"AAAAAAAAAAE"}`, demoHeaders, 404, "unknown_model", `model "Itme" is not declared`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := append([]string{"Content-Type", "application/json"}, tc.header...)
			status, body := env.call(t, "PATCH", "/records/prune", tc.body, header...)
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil || status != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
				t.Fatalf("%d %s; want %d %s containing %q", status, body, tc.status, tc.code, tc.msg)
			}
		})
	}
}
