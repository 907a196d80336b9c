package hostfns_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

func TestExtraCapabilities(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("uncontrolledFetch sent credentials: %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+string(body)+" "+r.Header.Get("X-Custom"))
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	}))
	defer upstream.Close()

	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := hostfns.New(hostfns.Scope{
		Connection:  hostfns.Connection{ID: "c1", ProviderConfigKey: "gh-prod", Provider: "github", Environment: "dev"},
		Provider:    hostfns.Provider{Name: "github", AuthMode: hostfns.AuthOAuth2},
		Credentials: hostfns.StaticCredentials{AccessToken: "tok-123"},
		Function:    "fetch-issues",
		Models:      []string{"Issue"},
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{}), Store: st,
		Environment: []hostfns.EnvVar{{Name: "REGION", Value: "eu"}}})
	ctx := hostfns.WithNango(context.Background(), n)
	if err := n.BatchSave(ctx, "Issue", raw(`{"id":"1","t":"a"}`, `{"id":"2","t":"b"}`, `{"id":"3","t":"c"}`)); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, fn, req string
		want          []string
	}{
		{"token", "get_token", `{}`, []string{`{"token":"tok-123"}`}},
		{"integration", "get_integration", `{}`, []string{`"unique_key":"gh-prod"`, `"provider":"github"`}},
		{"env", "get_environment_variables", `{}`, []string{`{"variables":[{"name":"REGION","value":"eu"}]}`}},
		{"list page 1", "list_records", `{"model":"Issue","limit":2}`, []string{`"id":"1"`, `"id":"2"`, `"last_action":"ADDED"`, `"next_cursor":"`}},
		{"list unknown model", "list_records", `{"model":"Nope"}`, []string{`"code":"unknown_model"`}},
		{"list bad limit", "list_records", `{"model":"Issue","limit":100001}`, []string{`"code":"invalid_request"`}},
		{"fetch", "fetch", `{"url":"` + upstream.URL + `/x?y=1","method":"post","headers":{"X-Custom":"c"},"body":"hi"}`,
			[]string{`"status":418`, `"body":"short and stout"`, `"x-seen":"POST /x?y=1 hi c"`, `"statusText":"I'm a teapot"`}},
		{"fetch bad scheme", "fetch", `{"url":"file:///etc/passwd"}`, []string{`"code":"invalid_config"`}},
		{"fetch unreachable", "fetch", `{"url":"http://127.0.0.1:1/"}`, []string{`"code":"network_error"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(hostfns.Invoke(ctx, tc.fn, []byte(tc.req)))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer %s\nwant it to contain %s", got, w)
				}
			}
		})
	}

	// Paging through list_records yields every record once.
	var ids []string
	cursor := ""
	for {
		var page struct {
			Records    []struct{ ID string }
			NextCursor *string `json:"next_cursor"`
		}
		req, _ := json.Marshal(map[string]any{"model": "Issue", "cursor": cursor, "limit": 2})
		if err := json.Unmarshal(hostfns.Invoke(ctx, "list_records", req), &page); err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			ids = append(ids, r.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if strings.Join(ids, ",") != "1,2,3" {
		t.Fatalf("paged ids %v", ids)
	}
}

func TestTokenShapes(t *testing.T) {
	for _, tc := range []struct {
		mode  hostfns.AuthMode
		creds hostfns.StaticCredentials
		want  string
	}{
		{hostfns.AuthAPIKey, hostfns.StaticCredentials{APIKey: "k"}, `{"token":{"apiKey":"k","type":"API_KEY"}}`},
		{hostfns.AuthBasic, hostfns.StaticCredentials{Username: "u", Password: "p"}, `{"token":{"password":"p","type":"BASIC","username":"u"}}`},
		{hostfns.AuthOAuth2, hostfns.StaticCredentials{AccessToken: "a"}, `{"token":"a"}`},
	} {
		n := hostfns.New(hostfns.Scope{Provider: hostfns.Provider{AuthMode: tc.mode}, Credentials: tc.creds}, hostfns.Options{})
		if got := string(hostfns.Invoke(hostfns.WithNango(context.Background(), n), "get_token", nil)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.mode, got, tc.want)
		}
	}
	n := hostfns.New(hostfns.Scope{}, hostfns.Options{})
	if got := string(hostfns.Invoke(hostfns.WithNango(context.Background(), n), "get_token", nil)); !strings.Contains(got, "no credentials") {
		t.Errorf("no credentials: %s", got)
	}
}
