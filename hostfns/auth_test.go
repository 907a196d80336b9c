package hostfns

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// credsFunc adapts a function to CredentialsProvider.
type credsFunc func(context.Context, Connection) (Credentials, error)

func (f credsFunc) Credentials(ctx context.Context, c Connection) (Credentials, error) {
	return f(ctx, c)
}

func staticCreds(c Credentials) CredentialsProvider {
	return credsFunc(func(context.Context, Connection) (Credentials, error) { return c, nil })
}

func TestAuthInjection(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:s3cret!"))
	tests := []struct {
		name       string
		provider   Provider
		creds      *Credentials
		cfg        ProxyConfig
		wantHeader map[string]string // "" = must be absent
		wantQuery  url.Values
	}{
		{name: "OAUTH2 bearer", provider: Provider{AuthMode: AuthOAuth2},
			creds:      &Credentials{AccessToken: "tok-123"},
			wantHeader: map[string]string{"Authorization": "Bearer tok-123"}},
		{name: "OAUTH2_CC bearer", provider: Provider{AuthMode: AuthOAuth2CC},
			creds:      &Credentials{AccessToken: "cc-tok"},
			wantHeader: map[string]string{"Authorization": "Bearer cc-tok"}},
		{name: "credentials type wins", provider: Provider{AuthMode: AuthOAuth2},
			creds:      &Credentials{Type: AuthBasic, Username: "ann", Password: "s3cret!"},
			wantHeader: map[string]string{"Authorization": basic}},
		{name: "BASIC", provider: Provider{AuthMode: AuthBasic},
			creds:      &Credentials{Username: "ann", Password: "s3cret!"},
			wantHeader: map[string]string{"Authorization": basic}},
		{name: "API_KEY header template", provider: Provider{AuthMode: AuthAPIKey, Headers: map[string]string{"X-Api-Key": "${apiKey}"}},
			creds:      &Credentials{APIKey: "key-abc"},
			wantHeader: map[string]string{"X-Api-Key": "key-abc", "Authorization": ""}},
		{name: "API_KEY query template", provider: Provider{AuthMode: AuthAPIKey, Query: map[string]string{"api_key": "${apiKey}"}},
			creds:      &Credentials{APIKey: "key-abc"},
			cfg:        ProxyConfig{Params: Params{"q": {"x"}, "api_key": {"function-value"}}},
			wantHeader: map[string]string{"Authorization": ""},
			wantQuery:  url.Values{"api_key": {"key-abc"}, "q": {"x"}}},
		{name: "API_KEY default bearer", provider: Provider{AuthMode: AuthAPIKey},
			creds:      &Credentials{APIKey: "key-abc"},
			wantHeader: map[string]string{"Authorization": "Bearer key-abc"}},
		{name: "provider Authorization template", provider: Provider{AuthMode: AuthAPIKey, Headers: map[string]string{"Authorization": "Token token=${apiKey}"}},
			creds:      &Credentials{APIKey: "key-abc"},
			wantHeader: map[string]string{"Authorization": "Token token=key-abc"}},
		{name: "base64 template", provider: Provider{AuthMode: AuthAPIKey, Headers: map[string]string{"Authorization": "Basic ${base64(${apiKey}:)}"}},
			creds:      &Credentials{APIKey: "key-abc"},
			wantHeader: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("key-abc:"))}},
		{name: "OAUTH2 custom token header", provider: Provider{AuthMode: AuthOAuth2, Headers: map[string]string{"X-Access-Token": "${accessToken}", "Accept": "application/vnd.x+json"}},
			creds:      &Credentials{AccessToken: "tok-123"},
			wantHeader: map[string]string{"X-Access-Token": "tok-123", "Authorization": "", "Accept": "application/vnd.x+json"}},
		{name: "connection config header", provider: Provider{AuthMode: AuthOAuth2, Headers: map[string]string{"X-Tenant": "${connectionConfig.tenant.id}"}},
			creds:      &Credentials{AccessToken: "tok-123"},
			wantHeader: map[string]string{"X-Tenant": "t-9", "Authorization": "Bearer tok-123"}},
		{name: "raw credential field", provider: Provider{AuthMode: "SIGNATURE", Headers: map[string]string{"X-Sig": "${credentials.sig}"}},
			creds:      &Credentials{Raw: map[string]any{"sig": "abc1"}},
			wantHeader: map[string]string{"X-Sig": "abc1", "Authorization": ""}},
		{name: "NONE", provider: Provider{AuthMode: AuthNone},
			creds:      &Credentials{AccessToken: "tok-123"},
			wantHeader: map[string]string{"Authorization": ""}},
		{name: "no credentials provider", provider: Provider{AuthMode: AuthOAuth2},
			wantHeader: map[string]string{"Authorization": ""}},
		{name: "function headers last", provider: Provider{AuthMode: AuthOAuth2, Headers: map[string]string{"X-Version": "1"}},
			creds:      &Credentials{AccessToken: "tok-123"},
			cfg:        ProxyConfig{Headers: map[string]string{"authorization": "Bearer mine", "x-version": "2", "Accept": "text/csv"}},
			wantHeader: map[string]string{"Authorization": "Bearer mine", "X-Version": "2", "Accept": "text/csv"}},
		{name: "axios Accept by default", provider: Provider{AuthMode: AuthNone},
			wantHeader: map[string]string{"Accept": "application/json, text/plain, */*"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, jsonReply(200, `{}`))
			tc.provider.BaseURL = rec.URL
			tg := Target{
				Connection: Connection{ID: "c1", ConnectionConfig: map[string]any{"tenant": map[string]any{"id": "t-9"}}},
				Provider:   tc.provider,
			}
			if tc.creds != nil {
				tg.Credentials = staticCreds(*tc.creds)
			}
			tc.cfg.Endpoint = "/me"
			if _, err := testHTTP().Do(context.Background(), tg, tc.cfg); err != nil {
				t.Fatal(err)
			}
			got := rec.requests()[0]
			for k, want := range tc.wantHeader {
				if v := got.Header.Get(k); v != want {
					t.Errorf("%s = %q, want %q", k, v, want)
				}
			}
			if tc.wantQuery != nil && got.Query.Encode() != tc.wantQuery.Encode() {
				t.Errorf("query = %s, want %s", got.Query.Encode(), tc.wantQuery.Encode())
			}
		})
	}
}

func TestAuthFailures(t *testing.T) {
	fail := errors.New("vault sealed")
	tests := []struct {
		name     string
		provider Provider
		creds    CredentialsProvider
		want     error
		contains string
	}{
		{name: "provider error", provider: Provider{AuthMode: AuthOAuth2},
			creds: credsFunc(func(context.Context, Connection) (Credentials, error) { return Credentials{}, fail }),
			want:  fail, contains: `connection "c1"`},
		{name: "OAUTH2 without token", provider: Provider{AuthMode: AuthOAuth2}, creds: staticCreds(Credentials{}),
			want: ErrCredentials, contains: "no access token"},
		{name: "API_KEY without key", provider: Provider{AuthMode: AuthAPIKey}, creds: staticCreds(Credentials{}),
			want: ErrCredentials, contains: "no API key"},
		{name: "BASIC without username", provider: Provider{AuthMode: AuthBasic}, creds: staticCreds(Credentials{Password: "p"}),
			want: ErrCredentials, contains: "no username"},
		{name: "missing connection config", provider: Provider{BaseURL: "https://${connectionConfig.subdomain}.example.com"},
			want: ErrTemplate, contains: "${connectionConfig.subdomain}"},
		{name: "missing credential", provider: Provider{AuthMode: AuthAPIKey, Headers: map[string]string{"X-Key": "${apiKey}"}},
			creds: staticCreds(Credentials{}), want: ErrTemplate, contains: "provider header X-Key: unresolved template: ${apiKey}"},
		{name: "template without credentials", provider: Provider{Query: map[string]string{"k": "${apiKey}"}},
			want: ErrTemplate, contains: "no credentials"},
		{name: "no base URL", provider: Provider{Name: "acme"}, want: ErrInvalidConfig, contains: `provider "acme" has none`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, jsonReply(200, `{}`))
			if tc.provider.BaseURL == "" && tc.provider.Name == "" {
				tc.provider.BaseURL = rec.URL
			}
			tg := Target{Connection: Connection{ID: "c1"}, Provider: tc.provider, Credentials: tc.creds}
			_, err := testHTTP().Do(context.Background(), tg, ProxyConfig{Endpoint: "/", Retries: 3})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contains) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.want, tc.contains)
			}
			if n := len(rec.requests()); n != 0 {
				t.Errorf("requests = %d, want none", n)
			}
		})
	}
}

func TestURLBuilding(t *testing.T) {
	tests := []struct {
		name     string
		base     string
		override string
		endpoint string
		config   map[string]any
		want     string // path?query the server sees, or an error substring
		wantErr  error
	}{
		{name: "slashes joined", base: "{srv}/v1/", endpoint: "/users", want: "/v1/users"},
		{name: "no slashes", base: "{srv}/v1", endpoint: "users", want: "/v1/users"},
		{name: "override", base: "https://unused.invalid", override: "{srv}/v2", endpoint: "users", want: "/v2/users"},
		{name: "templated base", base: "{srv}/${connectionConfig.region}/api", endpoint: "x", config: map[string]any{"region": "eu"}, want: "/eu/api/x"},
		{name: "base alternatives", base: "${connectionConfig.missing} || {srv}/fallback", endpoint: "x", want: "/fallback/x"},
		{name: "endpoint under base", base: "{srv}/v1", endpoint: "{srv}/v1/users", want: "/v1/users"},
		{name: "endpoint elsewhere", base: "{srv}/v1", endpoint: "https://evil.example/x", wantErr: ErrInvalidConfig},
		{name: "bad base", base: "ftp://x", endpoint: "x", wantErr: ErrInvalidConfig},
		{name: "missing template", base: "https://${connectionConfig.subdomain}.x.com", endpoint: "x", wantErr: ErrTemplate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, jsonReply(200, `{}`))
			fill := func(s string) string { return strings.ReplaceAll(s, "{srv}", rec.URL) }
			tg := Target{Connection: Connection{ConnectionConfig: tc.config}, Provider: Provider{BaseURL: fill(tc.base)}}
			_, err := testHTTP().Do(context.Background(), tg, ProxyConfig{Endpoint: fill(tc.endpoint), BaseURLOverride: fill(tc.override)})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.requests()[0].Path; got != tc.want {
				t.Errorf("path = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCallRedaction(t *testing.T) {
	rec := newRecorder(t, jsonReply(200, `{}`))
	tg := Target{
		Provider: Provider{BaseURL: rec.URL, AuthMode: AuthAPIKey,
			Headers: map[string]string{"X-Api-Key": "${apiKey}", "X-Plain": "visible"},
			Query:   map[string]string{"key": "${apiKey}", "tenant": "${connectionConfig.t}"}},
		Connection:  Connection{ConnectionConfig: map[string]any{"t": "acme"}},
		Credentials: staticCreds(Credentials{APIKey: "super-secret-key", AccessToken: "tok-abcdef"}),
	}
	var calls []Call
	tg.OnCall = func(c Call) { calls = append(calls, c) }
	cfg := ProxyConfig{Endpoint: "/x", Params: Params{"q": {"find me"}, "access_token": {"fn-token"}},
		Headers: map[string]string{"Cookie": "sid=1", "X-Copy": "Bearer tok-abcdef", "X-Other": "ok"}}
	if _, err := testHTTP().Do(context.Background(), tg, cfg); err != nil {
		t.Fatal(err)
	}
	if got := rec.requests()[0]; got.Header.Get("X-Api-Key") != "super-secret-key" || got.Query.Get("key") != "super-secret-key" {
		t.Fatalf("the upstream must see the real values: %v %v", got.Header, got.Query)
	}
	c := calls[0]
	u, _ := url.Parse(c.URL)
	q := u.Query()
	for k, want := range map[string]string{"key": redacted, "access_token": redacted, "tenant": "acme", "q": "find me"} {
		if q.Get(k) != want {
			t.Errorf("URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	for k, want := range map[string]string{"X-Api-Key": redacted, "Cookie": redacted, "X-Copy": redacted, "X-Plain": "visible", "X-Other": "ok"} {
		if c.RequestHeaders[k] != want {
			t.Errorf("header %s = %q, want %q", k, c.RequestHeaders[k], want)
		}
	}
	if strings.Contains(c.URL+strings.Join(mapValues(c.RequestHeaders), " "), "super-secret-key") {
		t.Errorf("secret leaked: %+v", c)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestRedactURLPassword(t *testing.T) {
	u, _ := url.Parse("https://user:pw@example.com/x?api_key=k&page=2")
	var s secrets
	got := s.redactURL(u)
	if strings.Contains(got, "pw") || !strings.Contains(got, "api_key=REDACTED") || !strings.Contains(got, "page=2") {
		t.Errorf("redactURL = %s", got)
	}
	if u.String() != "https://user:pw@example.com/x?api_key=k&page=2" {
		t.Errorf("redactURL changed its argument: %s", u)
	}
}

func TestCredentialsReadPerAttempt(t *testing.T) {
	rec := newRecorder(t, script(step{status: 503}, step{status: 200, body: `{}`}))
	var n int
	tg := Target{
		Provider: Provider{BaseURL: rec.URL, AuthMode: AuthOAuth2},
		Credentials: credsFunc(func(context.Context, Connection) (Credentials, error) {
			n++
			return Credentials{AccessToken: "tok-" + strings.Repeat("x", n)}, nil
		}),
	}
	if _, err := testHTTP().Do(context.Background(), tg, ProxyConfig{Endpoint: "/", Retries: 1}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if reqs[0].Header.Get("Authorization") != "Bearer tok-x" || reqs[1].Header.Get("Authorization") != "Bearer tok-xx" {
		t.Errorf("retry did not use refreshed credentials: %q, %q", reqs[0].Header.Get("Authorization"), reqs[1].Header.Get("Authorization"))
	}
}
