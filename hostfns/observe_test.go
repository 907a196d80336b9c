package hostfns_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

func TestObserver(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seen []string
	obs := hostfns.ObserverFunc(func(op hostfns.RecordOp, model string, records []json.RawMessage) {
		var rs []string
		for _, r := range records {
			rs = append(rs, string(r))
		}
		seen = append(seen, string(op)+" "+model+" "+strings.Join(rs, ","))
	})
	n := hostfns.New(hostfns.Scope{
		Connection: hostfns.Connection{ID: "c1", ProviderConfigKey: "github", Environment: "dev"},
		Function:   "fetch-issues",
		Models:     []string{"Issue"},
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{}), Store: st, Observer: obs})

	ctx := context.Background()
	steps := []struct {
		name string
		call func() error
		ok   bool
	}{
		{"save", func() error { return n.BatchSave(ctx, "Issue", raw(`{"id":"1","t":"a"}`, `{"id":2}`)) }, true},
		{"invalid save", func() error { return n.BatchSave(ctx, "Issue", raw(`{"id":"3"}`, `{"t":"no id"}`)) }, false},
		{"unknown model", func() error { return n.BatchSave(ctx, "Repo", raw(`{"id":"1"}`)) }, false},
		{"update", func() error { return n.BatchUpdate(ctx, "Issue", raw(`{"id":"1","t":"b"}`)) }, true},
		{"update of an unknown id", func() error { return n.BatchUpdate(ctx, "Issue", raw(`{"id":"9"}`)) }, false},
		{"delete", func() error { return n.BatchDelete(ctx, "Issue", raw(`{"id":2}`)) }, true},
	}
	for _, s := range steps {
		if err := s.call(); (err == nil) != s.ok {
			t.Fatalf("%s: err = %v", s.name, err)
		}
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`save Issue {"id":"1","t":"a"},{"id":2}`,
		`update Issue {"id":"1","t":"b"}`,
		`delete Issue {"id":2}`,
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("observed:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
