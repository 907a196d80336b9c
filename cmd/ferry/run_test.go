package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
)

func TestRunProvider(t *testing.T) {
	for _, tc := range []struct {
		name        string
		o           runOptions
		integration string
		wantBase    string
		wantPage    bool
		wantErr     string
	}{
		{"catalog by integration", runOptions{}, "hubspot", "https://api.hubapi.com", true, ""},
		{"base URL over the catalog's", runOptions{baseURL: "http://127.0.0.1:9"}, "hubspot", "http://127.0.0.1:9", true, ""},
		{"catalog by --provider", runOptions{provider: "github"}, "my-github", "https://api.github.com", true, ""},
		{"no catalog entry, base URL given", runOptions{baseURL: "http://127.0.0.1:9"}, "acme", "http://127.0.0.1:9", false, ""},
		{"no catalog entry, no base URL", runOptions{}, "acme", "", false, `--base-url is required: the catalog has no provider "acme"`},
		{"unknown --provider", runOptions{provider: "nope"}, "acme", "", false, `--provider: provider "nope": unknown provider`},
		{"bad providers file", runOptions{providers: "/nonexistent.yaml"}, "acme", "", false, "/nonexistent.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			catalog, err := tc.o.catalog()
			var p hostfns.Provider
			if err == nil {
				p, err = tc.o.hostProvider(catalog, tc.integration, hostfns.AuthOAuth2)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.BaseURL != tc.wantBase || (p.Paginate != nil) != tc.wantPage || p.AuthMode != hostfns.AuthOAuth2 {
				t.Fatalf("provider %+v", p)
			}
		})
	}
}

func TestFunctionErrorDetail(t *testing.T) {
	err := &host.ExecError{Kind: host.KindFunction, Message: "exists", Function: &host.FunctionError{
		Code: "action_error", Message: "exists", Payload: []byte(`{"email":"a@b.co"}`),
		Upstream: &host.Upstream{Status: 409, Body: []byte(`{"message":"conflict"}`)},
	}}
	want := "\n  code: action_error\n  payload: {\"email\":\"a@b.co\"}\n  upstream: 409 {\"message\":\"conflict\"}"
	if got := functionErrorDetail(err); got != want {
		t.Fatalf("got %q", got)
	}
	if got := functionErrorDetail(errors.New("plain")); got != "" {
		t.Fatalf("plain error: %q", got)
	}
}
