package hostfns

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestTemplateAlternatives covers "||" in header, query and base URL
// templates: the first alternative that resolves wins, as in Nango's
// github-pat header "${connectionConfig.version} || 2022-11-28".
func TestTemplateAlternatives(t *testing.T) {
	creds := &Credentials{APIKey: "ak", AccessToken: "at"}
	config := map[string]any{"version": "2024-01-01", "sub": "acme", "empty": ""}
	tests := []struct {
		name, in, want string
		secret         bool
		err            string // substring of an ErrTemplate error
	}{
		{name: "first resolves", in: "${connectionConfig.version} || 2022-11-28", want: "2024-01-01"},
		{name: "fallback literal", in: "${connectionConfig.missing} || 2022-11-28", want: "2022-11-28"},
		{name: "empty value falls back", in: "${connectionConfig.empty} || default", want: "default"},
		{name: "no spaces", in: "${connectionConfig.missing}||x", want: "x"},
		{name: "three alternatives", in: "${connectionConfig.a} || ${connectionConfig.b} || https://${connectionConfig.sub}.example.test", want: "https://acme.example.test"},
		{name: "credential in the winner", in: "${connectionConfig.missing} || Bearer ${apiKey}", want: "Bearer ak", secret: true},
		{name: "secret only from the winner", in: "${connectionConfig.version} || ${apiKey}", want: "2024-01-01"},
		{name: "empty fallback", in: "${connectionConfig.missing} ||", want: ""},
		{name: "literal without template is kept", in: "a || b", want: "a || b"},
		{name: "bars inside base64 stay inside", in: "${base64(${connectionConfig.missing} || u:p)}", want: "dTpw"},
		{name: "none resolves: last error", in: "${connectionConfig.a} || ${connectionConfig.b}", err: `the connection config has no "b"`},
		{name: "unclosed in an alternative", in: "${connectionConfig.missing} || ${apiKey", err: "unclosed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := templateScope{creds: creds, config: config}
			got, secret, err := sc.expand(tc.in)
			if tc.err != "" {
				if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrTemplate with %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || secret != tc.secret {
				t.Errorf("expand = %q, %v, %v; want %q, %v", got, secret, err, tc.want, tc.secret)
			}
		})
	}
}

func TestAlternatives(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a", []string{"a"}},
		{"a||b", []string{"a", "b"}},
		{"${x} || ${y} || z", []string{"${x} ", " ${y} ", " z"}},
		{"${f(${a}||${b})}||c", []string{"${f(${a}||${b})}", "c"}},
		{"|||", []string{"", "|"}},
		{"${x||", []string{"${x||"}},
	}
	for _, tc := range tests {
		got := alternatives(tc.in)
		if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
			t.Errorf("alternatives(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestProviderTemplateAlternatives sends one request through the HTTP
// capability and checks that header and query alternatives reach the wire.
func TestProviderTemplateAlternatives(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]any
		header string
		query  string
	}{
		{"connection sets the version", map[string]any{"version": "2025-01-01"}, "2025-01-01", "2025-01-01"},
		{"default version", nil, "2022-11-28", "2022-11-28"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *http.Request
			client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				got = r
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
			})}
			target := Target{
				Connection: Connection{ID: "c1", ConnectionConfig: tc.config},
				Provider: Provider{
					Name: "github-pat", AuthMode: AuthAPIKey,
					BaseURL: "${connectionConfig.base} || https://api.github.test",
					Headers: map[string]string{"x-github-api-version": "${connectionConfig.version} || 2022-11-28"},
					Query:   map[string]string{"v": "${connectionConfig.version}||2022-11-28"},
				},
				Credentials: staticCredentials{APIKey: "ghp"},
			}
			if _, err := NewHTTP(HTTPOptions{Client: client}).Do(context.Background(), target, ProxyConfig{Endpoint: "/user"}); err != nil {
				t.Fatal(err)
			}
			if got.URL.Host != "api.github.test" || got.Header.Get("X-Github-Api-Version") != tc.header || got.URL.Query().Get("v") != tc.query {
				t.Fatalf("sent %s with headers %v", got.URL, got.Header)
			}
			if got.Header.Get("Authorization") != "Bearer ghp" {
				t.Errorf("Authorization = %q: a header without a credential must not stop the default auth", got.Header.Get("Authorization"))
			}
		})
	}
}

// TestJSONPathWholeKey: a top-level key holding dots is found as one key
// before the path is split, as lodash's get does.
func TestJSONPathWholeKey(t *testing.T) {
	doc := json.RawMessage(`{"@odata.nextLink":"https://graph.test/next","value":[1],"a":{"b":"nested"},"a.b":"whole"}`)
	tests := []struct {
		path, want string
		found      bool
	}{
		{"@odata.nextLink", `"https://graph.test/next"`, true},
		{"a.b", `"whole"`, true},
		{"value.0", `1`, true},
		{"@odata", "", false},
	}
	for _, tc := range tests {
		got, found := jsonPath(doc, tc.path)
		if found != tc.found || string(got) != tc.want {
			t.Errorf("jsonPath(%q) = %s, %v; want %s, %v", tc.path, got, found, tc.want, tc.found)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type staticCredentials Credentials

func (c staticCredentials) Credentials(context.Context, Connection) (Credentials, error) {
	return Credentials(c), nil
}
