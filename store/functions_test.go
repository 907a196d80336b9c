package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestFunctions(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	key := FunctionKey{Environment: "dev", Integration: "github", Name: "create-issue"}
	v := FunctionVersion{FunctionKey: key, Type: "action", Version: "1.0.0", Hash: "h1", Manifest: []byte(`{"name":"create-issue"}`)}

	if _, err := s.DeployFunction(ctx, v, []byte("wasm1")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deploy without integration: %v", err)
	}
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "github", Provider: "github"}); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListFunctions(ctx, "dev"); err != nil || len(list) != 0 {
		t.Fatalf("empty list: %v %v", list, err)
	}
	if _, err := s.Function(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get before deploy: %v", err)
	}

	v1, err := s.DeployFunction(ctx, v, []byte("wasm1"))
	if err != nil || v1.Deploy != 1 || !v1.Active || v1.Size != 5 || v1.DeployedAt.IsZero() {
		t.Fatalf("deploy 1: %+v %v", v1, err)
	}
	v.Version, v.Hash = "1.1.0", "h2"
	v2, err := s.DeployFunction(ctx, v, []byte("wasm2"))
	if err != nil || v2.Deploy != 2 {
		t.Fatalf("deploy 2: %+v %v", v2, err)
	}
	if got, err := s.Function(ctx, key); err != nil || got.Deploy != 2 || got.Version != "1.1.0" || !got.Active {
		t.Fatalf("active after deploy 2: %+v %v", got, err)
	}
	versions, err := s.FunctionVersions(ctx, key)
	if err != nil || len(versions) != 2 || versions[0].Active || !versions[1].Active {
		t.Fatalf("versions: %+v %v", versions, err)
	}

	if got, err := s.ActivateFunction(ctx, key, 1); err != nil || got.Deploy != 1 || !got.Active {
		t.Fatalf("activate 1: %+v %v", got, err)
	}
	if got, err := s.Function(ctx, key); err != nil || got.Hash != "h1" {
		t.Fatalf("active after activate: %+v %v", got, err)
	}
	if wasm, err := s.FunctionBundle(ctx, key, 1); err != nil || string(wasm) != "wasm1" {
		t.Fatalf("bundle 1: %q %v", wasm, err)
	}
	if _, err := s.ActivateFunction(ctx, key, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("activate unknown version: %v", err)
	}
	if _, err := s.FunctionBundle(ctx, key, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown bundle: %v", err)
	}

	other := FunctionKey{Environment: "dev", Integration: "github", Name: "fetch-issues"}
	if _, err := s.DeployFunction(ctx, FunctionVersion{FunctionKey: other, Type: "sync"}, []byte("w")); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListFunctions(ctx, "dev")
	if err != nil || len(list) != 2 || list[0].Name != "create-issue" || list[0].Deploy != 1 || list[1].Name != "fetch-issues" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if list, _ := s.ListFunctions(ctx, "prod"); len(list) != 0 {
		t.Fatalf("prod list: %+v", list)
	}

	if err := s.DeleteFunction(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFunction(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.Function(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if list, _ := s.ListFunctions(ctx, "dev"); len(list) != 1 {
		t.Fatalf("list after delete: %+v", list)
	}
	// A redeploy after a delete starts a new history.
	if got, err := s.DeployFunction(ctx, v, []byte("wasm3")); err != nil || got.Deploy != 1 {
		t.Fatalf("redeploy: %+v %v", got, err)
	}
	if _, err := s.Function(ctx, FunctionKey{Environment: "dev", Integration: "github", Name: ""}); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("empty name: %v", err)
	}
}

func TestFunctionVersionsPruned(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "github", Provider: "github"}); err != nil {
		t.Fatal(err)
	}
	key := FunctionKey{Environment: "dev", Integration: "github", Name: "a"}
	for i := range KeepFunctionVersions + 3 {
		if _, err := s.DeployFunction(ctx, FunctionVersion{FunctionKey: key, Type: "action"}, fmt.Appendf(nil, "wasm%d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	versions, err := s.FunctionVersions(ctx, key)
	if err != nil || len(versions) != KeepFunctionVersions || versions[0].Deploy != 4 || versions[len(versions)-1].Deploy != KeepFunctionVersions+3 {
		t.Fatalf("versions: %d %v", len(versions), err)
	}
	if _, err := s.FunctionBundle(ctx, key, 3); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned bundle: %v", err)
	}
}
