package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/store"
)

func TestExampleSyncTracksChanges(t *testing.T) {
	e := newEnv(t, host.Config{})
	gh := newFakeGitHub(t, 250)
	sync := e.example("github/syncs/fetch-issues")
	e.setMetadata("github", "conn-1", map[string]any{"owner": "o", "repo": "r"})
	ctx := context.Background()

	n := e.nango(sync, "conn-1", gh.srv.URL)
	if _, err := sync.Run(ctx, host.Execution{Nango: n}); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if got := n.Report().Records["Issue"]; got.Added != 250 || got.Updated != 0 {
		t.Fatalf("first run counts = %+v, want 250 added", got)
	}
	if gh.pages != 3 {
		t.Errorf("pages fetched = %d, want 3", gh.pages)
	}
	before := cursors(e.records("github", "conn-1", "Issue"))
	if len(before) != 250 {
		t.Fatalf("stored %d records, want 250", len(before))
	}

	gh.retitle(10)
	n = e.nango(sync, "conn-1", gh.srv.URL)
	if _, err := sync.Run(ctx, host.Execution{Nango: n}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if got := n.Report().Records["Issue"]; got.Updated != 10 || got.Added != 0 || got.Unchanged != 240 {
		t.Fatalf("second run counts = %+v, want 10 updated, 240 unchanged", got)
	}
	after := e.records("github", "conn-1", "Issue")
	updated := 0
	for _, r := range after {
		switch r.Meta.LastAction {
		case store.ActionUpdated:
			updated++
			if r.Meta.Cursor == before[r.ID] {
				t.Errorf("updated record %s kept its cursor", r.ID)
			}
		case store.ActionAdded:
			if r.Meta.Cursor != before[r.ID] {
				t.Errorf("unchanged record %s got a new cursor", r.ID)
			}
		}
	}
	if updated != 10 {
		t.Errorf("records marked UPDATED = %d, want 10", updated)
	}
	if logs := n.Report().Logs; len(logs) == 0 || logs[len(logs)-1].Message != "fetched issues" {
		t.Errorf("last log line = %+v, want \"fetched issues\"", logs)
	}
}

func cursors(recs []store.Record) map[string]string {
	m := make(map[string]string, len(recs))
	for _, r := range recs {
		m[r.ID] = r.Meta.Cursor
	}
	return m
}

func TestExampleAction(t *testing.T) {
	e := newEnv(t, host.Config{})
	gh := newFakeGitHub(t, 0)
	action := e.example("github/actions/create-issue")
	e.setMetadata("github", "conn-1", map[string]any{"owner": "o", "repo": "r"})

	tests := []struct {
		name     string
		input    string
		want     map[string]any
		wantCode string
		status   int
	}{
		{name: "created", input: `{"title":"Hello"}`, want: map[string]any{"id": "1001", "number": float64(1), "url": "https://github.test/o/r/issues/1", "state": "open"}},
		{name: "action error", input: `{"title":""}`, wantCode: "action_error"},
		{name: "upstream refuses", input: `{"title":"fail"}`, wantCode: "script_http_error", status: 422},
		{name: "bad input", input: `{"title":42}`, wantCode: "invalid_input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := e.nango(action, "conn-1", gh.srv.URL)
			res, err := action.Run(context.Background(), host.Execution{Nango: n, Input: []byte(tc.input)})
			if tc.wantCode != "" {
				var xe *host.ExecError
				if !errors.As(err, &xe) || xe.Kind != host.KindFunction || xe.Function.Code != tc.wantCode {
					t.Fatalf("err = %v, want function error %s", err, tc.wantCode)
				}
				if tc.status != 0 && (xe.Function.Upstream == nil || xe.Function.Upstream.Status != tc.status) {
					t.Fatalf("upstream = %+v, want status %d", xe.Function.Upstream, tc.status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(res.Output, &got); err != nil {
				t.Fatalf("output %q: %v", res.Output, err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("output[%s] = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}
