package hostfns_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

func TestTrackDeletes(t *testing.T) {
	n, st := newNango(t)
	ctx := context.Background()
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"1"}`, `{"id":"2"}`, `{"id":"3"}`, `{"id":"4"}`)); err != nil {
		t.Fatal(err)
	}
	if err := n.TrackDeletesStart(ctx, "Issue"); err != nil {
		t.Fatal(err)
	}
	// Seen: 1 saved again unchanged, 2 updated; 3 and 4 are not seen.
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"1"}`)); err != nil {
		t.Fatal(err)
	}
	if err := n.BatchUpdate(ctx, "Issue", raw(`{"id":"2","x":1}`)); err != nil {
		t.Fatal(err)
	}
	deleted, err := n.TrackDeletesEnd(ctx, "Issue")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(deleted, []string{"3", "4"}) {
		t.Fatalf("deleted %v, want [3 4]", deleted)
	}
	key := store.ModelKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c1"}, Model: "Issue"}
	recs, err := st.GetRecords(ctx, key, []string{"1", "3"})
	if err != nil {
		t.Fatal(err)
	}
	if recs["1"].Meta.LastAction == store.ActionDeleted || recs["3"].Meta.LastAction != store.ActionDeleted {
		t.Fatalf("records after tracking: %+v", recs)
	}
	if got := n.Report().Records["Issue"].Deleted; got != 2 {
		t.Fatalf("report counts %d deleted, want 2", got)
	}

	// Bad calls.
	if _, err := n.TrackDeletesEnd(ctx, "Issue"); err == nil || !strings.Contains(err.Error(), "was not called first") {
		t.Fatalf("end without start: %v", err)
	}
	if err := n.TrackDeletesStart(ctx, "Nope"); err == nil {
		t.Fatal("unknown model accepted")
	}
	answer := string(hostfns.Invoke(hostfns.WithNango(ctx, n), "track_deletes_end", []byte(`{"model":"Issue"}`)))
	if !strings.Contains(answer, `"code":"invalid_request"`) {
		t.Fatalf("answer %s", answer)
	}
}
