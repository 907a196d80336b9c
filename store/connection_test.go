package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestIntegrations(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	it := Integration{Environment: "dev", UniqueKey: "github-prod", Provider: "github", Config: json.RawMessage(`{"client_id":"abc"}`), Secrets: []byte{1, 2, 3}}
	created, err := s.CreateIntegration(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIntegration(ctx, it); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	clock.Advance(time.Minute)
	it.DisplayName = "GitHub (prod)"
	updated, err := s.UpdateIntegration(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	if !updated.CreatedAt.Equal(created.CreatedAt) || !updated.UpdatedAt.After(created.UpdatedAt) {
		t.Fatalf("times: created %v, updated %+v", created.CreatedAt, updated)
	}
	got, err := s.GetIntegration(ctx, "dev", "github-prod")
	if err != nil || got.DisplayName != "GitHub (prod)" || string(got.Secrets) != "\x01\x02\x03" || string(got.Config) != `{"client_id":"abc"}` {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "slack", Provider: "slack"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "prod", UniqueKey: "slack", Provider: "slack"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListIntegrations(ctx, "dev")
	if err != nil || len(list) != 2 || list[0].UniqueKey != "github-prod" || list[1].UniqueKey != "slack" {
		t.Fatalf("list: %+v %v", list, err)
	}

	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"update missing", func() error {
			_, err := s.UpdateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "nope", Provider: "x"})
			return err
		}(), ErrNotFound},
		{"get missing", func() error { _, err := s.GetIntegration(ctx, "dev", "nope"); return err }(), ErrNotFound},
		{"empty key", func() error {
			_, err := s.CreateIntegration(ctx, Integration{Environment: "dev", Provider: "x"})
			return err
		}(), ErrInvalidKey},
		{"no provider", func() error {
			_, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "x"})
			return err
		}(), ErrInvalidKey},
		{"NUL in key", func() error { _, err := s.GetIntegration(ctx, "dev", "a\x00b"); return err }(), ErrInvalidKey},
		{"delete missing", s.DeleteIntegration(ctx, "dev", "nope"), ErrNotFound},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func TestConnections(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "github", Provider: "github"}); err != nil {
		t.Fatal(err)
	}
	conn := Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "user-1"}
	entry := ConnectionEntry{Connection: conn, Provider: "github", ConnectionConfig: map[string]any{"org": "acme"}, Credentials: []byte("sealed")}
	first, created, err := s.PutConnection(ctx, entry)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	clock.Advance(time.Minute)
	entry.Credentials = []byte("sealed-2")
	second, created, err := s.PutConnection(ctx, entry)
	if err != nil || created || !second.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("replace: created=%v %+v %v", created, second, err)
	}
	if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: Connection{Environment: "dev", ProviderConfigKey: "nope", ConnectionID: "x"}}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("connection of an unknown integration: %v", err)
	}

	// Refresh-style update in one transaction.
	expires := clock.Now().Add(time.Hour)
	updated, err := s.UpdateConnection(ctx, conn, func(c *ConnectionEntry) error {
		c.Credentials, c.ExpiresAt = []byte("refreshed"), expires
		return nil
	})
	if err != nil || string(updated.Credentials) != "refreshed" || !updated.ExpiresAt.Equal(expires) {
		t.Fatalf("update: %+v %v", updated, err)
	}
	if _, err := s.UpdateConnection(ctx, conn, func(c *ConnectionEntry) error { c.ConnectionID = "other"; return nil }); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("key change: %v", err)
	}
	got, err := s.GetConnection(ctx, conn)
	if err != nil || string(got.Credentials) != "refreshed" || got.ConnectionConfig["org"] != "acme" {
		t.Fatalf("get: %+v %v", got, err)
	}

	// Listing, filtering, searching.
	for _, id := range []string{"user-2", "team-9"} {
		if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: id}, Provider: "github"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q    ConnectionQuery
		want int
	}{
		{ConnectionQuery{Environment: "dev"}, 3},
		{ConnectionQuery{Environment: "dev", ProviderConfigKey: "github"}, 3},
		{ConnectionQuery{Environment: "dev", ProviderConfigKey: "slack"}, 0},
		{ConnectionQuery{Environment: "dev", Search: "user"}, 2},
		{ConnectionQuery{Environment: "dev", Limit: 1}, 1},
		{ConnectionQuery{Environment: "prod"}, 0},
	} {
		list, err := s.ListConnections(ctx, tc.q)
		if err != nil || len(list) != tc.want {
			t.Errorf("%+v: %d connections (%v), want %d", tc.q, len(list), err, tc.want)
		}
	}

	// An integration with connections cannot go; a connection takes its
	// data with it.
	if err := s.DeleteIntegration(ctx, "dev", "github"); !errors.Is(err, ErrInUse) {
		t.Fatalf("delete integration in use: %v", err)
	}
	mustSave(t, s, ModelKey{Connection: conn, Model: "Issue"}, `{"id":"1"}`)
	if err := s.SetMetadata(ctx, conn, map[string]any{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCheckpoint(ctx, CheckpointKey{Connection: conn, Function: "f"}, json.RawMessage(`{"page":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetConnection(ctx, conn); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted connection: %v", err)
	}
	if md, _ := s.Metadata(ctx, conn); len(md) != 0 {
		t.Fatalf("metadata survived: %v", md)
	}
	if cp, _ := s.Checkpoint(ctx, CheckpointKey{Connection: conn, Function: "f"}); cp != nil {
		t.Fatalf("checkpoint survived: %s", cp)
	}
	if page, _ := s.ListRecords(ctx, ModelKey{Connection: conn, Model: "Issue"}, ListQuery{}); len(page.Records) != 0 {
		t.Fatalf("records survived: %+v", page.Records)
	}
	if err := s.DeleteConnection(ctx, conn); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.ListConnections(ctx, ConnectionQuery{Environment: "dev", Limit: -1}); !errors.Is(err, ErrInvalidQuery) {
		t.Fatalf("negative limit: %v", err)
	}
}

// TestListConnectionsPages walks connections page by page with After and
// counts them from their keys.
func TestListConnectionsPages(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	var want []string
	for _, env := range []string{"dev", "prod"} {
		for _, pck := range []string{"github", "slack"} {
			if _, err := s.CreateIntegration(ctx, Integration{Environment: env, UniqueKey: pck, Provider: pck}); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"a", "b-1", "c", "d-1", "e"} {
				c := Connection{Environment: env, ProviderConfigKey: pck, ConnectionID: id}
				if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: c, Provider: pck}); err != nil {
					t.Fatal(err)
				}
				if env == "dev" {
					want = append(want, pck+"/"+id)
				}
			}
		}
	}
	for _, size := range []int{1, 2, 3, 10} {
		var got []string
		q := ConnectionQuery{Environment: "dev", Limit: size}
		for page := 0; page < 20; page++ {
			list, err := s.ListConnections(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				got = append(got, c.ProviderConfigKey+"/"+c.ConnectionID)
			}
			if len(list) < size {
				break
			}
			q.After = &list[len(list)-1].Connection
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want %v", size, got, want)
		}
	}

	for _, tc := range []struct {
		name string
		q    ConnectionQuery
		list []string
		n    int
	}{
		{"search", ConnectionQuery{Environment: "dev", Search: "-1"}, []string{"b-1", "d-1", "b-1", "d-1"}, 4},
		{"integration after", ConnectionQuery{Environment: "dev", ProviderConfigKey: "slack", After: &Connection{"dev", "slack", "c"}}, []string{"d-1", "e"}, 5},
		{"after another integration", ConnectionQuery{Environment: "dev", ProviderConfigKey: "slack", After: &Connection{"dev", "github", "z"}}, []string{"a", "b-1", "c", "d-1", "e"}, 5},
		{"after the last", ConnectionQuery{Environment: "dev", After: &Connection{"dev", "slack", "e"}}, nil, 10},
		{"after another environment", ConnectionQuery{Environment: "dev", ProviderConfigKey: "github", After: &Connection{"aaa", "github", "x"}}, []string{"a", "b-1", "c", "d-1", "e"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.ListConnections(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range list {
				ids = append(ids, c.ConnectionID)
			}
			if !slices.Equal(ids, tc.list) {
				t.Errorf("list: %v, want %v", ids, tc.list)
			}
			if n, err := s.CountConnections(ctx, tc.q); err != nil || n != tc.n {
				t.Errorf("count: %d (%v), want %d", n, err, tc.n)
			}
		})
	}
	if _, err := s.ListConnections(ctx, ConnectionQuery{Environment: "dev", After: &Connection{"dev", "", "x"}}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("malformed after: %v", err)
	}
}
