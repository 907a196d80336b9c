package hostfns_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
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
		op      func() error
		want    store.BatchResult // the report's counts after the op
		errCode string
	}{
		{"save", func() error {
			return n.BatchSave(ctx, "Issue", raw(`{"id":"1","t":"a"}`, `{"id":2,"t":"b"}`))
		}, store.BatchResult{Added: 2}, ""},
		{"save with a duplicate id", func() error {
			return n.BatchSave(ctx, "Issue", raw(`{"id":"3","t":"x"}`, `{"id":"3","t":"y"}`))
		}, store.BatchResult{Added: 3}, ""},
		{"save a bad record", func() error {
			return n.BatchSave(ctx, "Issue", raw(`{"id":"4"}`, `{"no":"id"}`))
		}, store.BatchResult{Added: 3}, hostfns.CodeInvalidRecord},
		{"update", func() error {
			return n.BatchUpdate(ctx, "Issue", raw(`{"id":"1","t":"c"}`))
		}, store.BatchResult{Added: 3, Updated: 1}, ""},
		{"delete by numeric id", func() error {
			return n.BatchDelete(ctx, "Issue", raw(`{"id":2}`))
		}, store.BatchResult{Added: 3, Updated: 1, Deleted: 1}, ""},
		{"undeclared model", func() error {
			return n.BatchSave(ctx, "Ghost", raw(`{"id":"1"}`))
		}, store.BatchResult{Added: 3, Updated: 1, Deleted: 1}, hostfns.CodeUnknownModel},
		{"delete without id", func() error {
			return n.BatchDelete(ctx, "Issue", raw(`{"t":"no id"}`))
		}, store.BatchResult{Added: 3, Updated: 1, Deleted: 1}, hostfns.CodeInvalidRecord},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.op()
			if tc.errCode != "" {
				var he *hostfns.Error
				if !errors.As(err, &he) || he.Code != tc.errCode {
					t.Fatalf("err = %v, want code %s", err, tc.errCode)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if err := n.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			got := n.Report().Records["Issue"]
			if got.Added != tc.want.Added || got.Updated != tc.want.Updated || got.Deleted != tc.want.Deleted {
				t.Fatalf("report counts = %+v, want %+v", got, tc.want)
			}
		})
	}
	recs, err := n.GetRecordsByIDs(ctx, "Issue", []string{"1", "3", "4", "nope"})
	if err != nil || string(recs["1"]) != `{"id":"1","t":"c"}` || string(recs["3"]) != `{"id":"3","t":"y"}` || len(recs) != 2 {
		t.Fatalf("GetRecordsByIDs = %s, %v", recs, err)
	}
	logs := n.Report().Logs
	if len(logs) != 1 || logs[0].Level != "warn" || !strings.Contains(logs[0].Message, "duplicate ids") {
		t.Errorf("report logs = %+v, want one duplicate-id warning", logs)
	}
}

// TestWritesLandBeforeReadsAndCheckpoints saves many batches back to back
// and reads after each: every read sees every batch saved before it.
func TestWritesLandBeforeReadsAndCheckpoints(t *testing.T) {
	n, st := newNango(t)
	ctx := context.Background()
	for i := range 50 {
		id := strconv.Itoa(i)
		if err := n.BatchSave(ctx, "Issue", raw(`{"id":"`+id+`"}`)); err != nil {
			t.Fatal(err)
		}
		recs, err := n.GetRecordsByIDs(ctx, "Issue", []string{id})
		if err != nil || len(recs) != 1 {
			t.Fatalf("batch %d not visible to the next read: %v, %v", i, recs, err)
		}
	}
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"last"}`)); err != nil {
		t.Fatal(err)
	}
	if err := n.SaveCheckpoint(ctx, json.RawMessage(`{"after":"last"}`)); err != nil {
		t.Fatal(err)
	}
	key := store.ModelKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c1"}, Model: "Issue"}
	recs, err := st.GetRecords(ctx, key, []string{"last"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("a checkpoint became durable before the records saved before it: %v %v", recs, err)
	}
}

// TestFailedWriteFailsTheExecution closes the store under a pending write:
// the failure reaches the next call and every Flush after it.
func TestFailedWriteFailsTheExecution(t *testing.T) {
	n, st := newNango(t)
	ctx := context.Background()
	st.Close()
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"1"}`)); err != nil {
		t.Fatalf("validation should pass: %v", err)
	}
	for i := range 2 {
		if err := n.Flush(ctx); err == nil {
			t.Fatalf("flush %d after a failed write: no error", i)
		}
	}
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"2"}`)); err == nil {
		t.Fatal("save after a failed write: no error")
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
