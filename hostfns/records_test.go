package hostfns_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

func newNango(t *testing.T) (*hostfns.Nango, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	n := hostfns.New(hostfns.Scope{
		Connection: hostfns.Connection{ID: "c1", ProviderConfigKey: "github", Environment: "dev"},
		Function:   "fetch-issues",
		Models:     []string{"Issue"},
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{}), Store: st})
	return n, st
}

func raw(records ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(records))
	for i, r := range records {
		out[i] = json.RawMessage(r)
	}
	return out
}

func TestRecordsThroughNango(t *testing.T) {
	n, _ := newNango(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		op      func() (store.BatchResult, error)
		want    store.BatchResult
		errCode string
	}{
		{"save", func() (store.BatchResult, error) {
			return n.BatchSave(ctx, "Issue", raw(`{"id":"1","t":"a"}`, `{"id":2,"t":"b"}`))
		}, store.BatchResult{Added: 2}, ""},
		{"save with a duplicate id", func() (store.BatchResult, error) {
			return n.BatchSave(ctx, "Issue", raw(`{"id":"3","t":"x"}`, `{"id":"3","t":"y"}`))
		}, store.BatchResult{Added: 1, DuplicateIDs: []string{"3"}}, ""},
		{"update", func() (store.BatchResult, error) {
			return n.BatchUpdate(ctx, "Issue", raw(`{"id":"1","t":"c"}`))
		}, store.BatchResult{Updated: 1}, ""},
		{"delete by numeric id", func() (store.BatchResult, error) {
			return n.BatchDelete(ctx, "Issue", raw(`{"id":2}`))
		}, store.BatchResult{Deleted: 1}, ""},
		{"undeclared model", func() (store.BatchResult, error) {
			return n.BatchSave(ctx, "Ghost", raw(`{"id":"1"}`))
		}, store.BatchResult{}, hostfns.CodeUnknownModel},
		{"delete without id", func() (store.BatchResult, error) {
			return n.BatchDelete(ctx, "Issue", raw(`{"t":"no id"}`))
		}, store.BatchResult{}, hostfns.CodeInvalidRecord},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.op()
			if tc.errCode != "" {
				var he *hostfns.Error
				if !errors.As(err, &he) || he.Code != tc.errCode {
					t.Fatalf("err = %v, want code %s", err, tc.errCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Added != tc.want.Added || got.Updated != tc.want.Updated || got.Deleted != tc.want.Deleted ||
				strings.Join(got.DuplicateIDs, ",") != strings.Join(tc.want.DuplicateIDs, ",") {
				t.Fatalf("result = %+v, want %+v", got, tc.want)
			}
		})
	}
	recs, err := n.GetRecordsByIDs(ctx, "Issue", []string{"1", "3", "nope"})
	if err != nil || string(recs["1"]) != `{"id":"1","t":"c"}` || string(recs["3"]) != `{"id":"3","t":"y"}` || len(recs) != 2 {
		t.Fatalf("GetRecordsByIDs = %s, %v", recs, err)
	}
	report := n.Report()
	if got := report.Records["Issue"]; got.Added != 3 || got.Updated != 1 || got.Deleted != 1 {
		t.Errorf("report counts = %+v", got)
	}
	if len(report.Logs) != 1 || report.Logs[0].Level != "warn" || !strings.Contains(report.Logs[0].Message, "duplicate ids") {
		t.Errorf("report logs = %+v, want one duplicate-id warning", report.Logs)
	}
}

func TestCheckpointsMetadataConnection(t *testing.T) {
	n, _ := newNango(t)
	ctx := context.Background()
	if cp, err := n.Checkpoint(ctx); err != nil || cp != nil {
		t.Fatalf("fresh checkpoint = %s, %v", cp, err)
	}
	if err := n.SaveCheckpoint(ctx, json.RawMessage(`{"since":"2026-01-01","page":3}`)); err != nil {
		t.Fatal(err)
	}
	if err := n.SaveCheckpoint(ctx, json.RawMessage(`{"nested":{"no":1}}`)); err == nil {
		t.Error("nested checkpoint accepted")
	}
	if cp, _ := n.Checkpoint(ctx); !strings.Contains(string(cp), `"page":3`) {
		t.Errorf("checkpoint = %s", cp)
	}
	if err := n.ClearCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.SetMetadata(ctx, map[string]any{"owner": "o", "repo": "r"}); err != nil {
		t.Fatal(err)
	}
	if err := n.UpdateMetadata(ctx, map[string]any{"repo": "r2"}); err != nil {
		t.Fatal(err)
	}
	conn, err := n.GetConnection(ctx)
	if err != nil || conn.Metadata["owner"] != "o" || conn.Metadata["repo"] != "r2" || conn.ID != "c1" || conn.ConnectionConfig == nil {
		t.Fatalf("GetConnection = %+v, %v", conn, err)
	}
	if err := n.Log(hostfns.LogLine{Level: "loud", Message: "x"}); err == nil {
		t.Error("unknown log level accepted")
	}
}
