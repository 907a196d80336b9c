package providers_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/providers"
)

// The tests in this file check the built-in catalog against ferry's own
// HTTP capability: each template is resolved by hostfns, as a call would
// resolve it, with a recording transport in place of the network.

// probe is the endpoint every resolving call asks for.
const probe = "/ferry-probe"

// testCredentials are a connection's secrets, whatever its auth mode.
var testCredentials = staticCredentials{APIKey: "test-api-key", AccessToken: "test-access-token", Username: "test-user", Password: "test-password"}

type staticCredentials hostfns.Credentials

func (c staticCredentials) Credentials(context.Context, hostfns.Connection) (hostfns.Credentials, error) {
	return hostfns.Credentials(c), nil
}

// upstream stands in for the network: it records each request and answers
// with answer (default: 200 and {}).
type upstream struct {
	reqs   []*http.Request
	answer func(n int, r *http.Request) (http.Header, string)
}

func (u *upstream) RoundTrip(r *http.Request) (*http.Response, error) {
	u.reqs = append(u.reqs, r)
	h, body := http.Header{}, "{}"
	if u.answer != nil {
		h, body = u.answer(len(u.reqs), r)
	}
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// send makes one call to probe for a connection of hp with config cfg and
// returns the request that reached the transport.
func send(t *testing.T, hp hostfns.Provider, cfg map[string]any) (*http.Request, error) {
	t.Helper()
	u := &upstream{}
	h := hostfns.NewHTTP(hostfns.HTTPOptions{Client: &http.Client{Transport: u}})
	target := hostfns.Target{Connection: hostfns.Connection{ID: "test", ConnectionConfig: cfg}, Provider: hp, Credentials: testCredentials}
	if _, err := h.Do(context.Background(), target, hostfns.ProxyConfig{Endpoint: probe}); err != nil {
		return nil, err
	}
	if len(u.reqs) != 1 {
		t.Fatalf("%d requests sent, want 1", len(u.reqs))
	}
	return u.reqs[0], nil
}

// resolveURL resolves a URL template (an OAuth URL) through the HTTP
// capability's base URL resolution.
func resolveURL(t *testing.T, tmpl string, cfg map[string]any) (string, error) {
	t.Helper()
	r, err := send(t, hostfns.Provider{Name: "oauth-url", AuthMode: hostfns.AuthNone, BaseURL: tmpl}, cfg)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(r.URL.String(), probe), nil
}

// testConfig is a connection config holding a value for each field an
// entry declares (only the required ones when !optional): the field's
// example, else a placeholder of the field's format.
func testConfig(fields map[string]providers.Field, optional bool) map[string]any {
	cfg := map[string]any{}
	for name, f := range fields {
		if f.Optional && !optional {
			continue
		}
		label := "test-" + strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		switch {
		case f.Example != "":
			cfg[name] = f.Example
		case f.Format == "uri":
			cfg[name] = "https://" + label + ".example.test"
		default:
			cfg[name] = label
		}
	}
	return cfg
}

var configRef = regexp.MustCompile(`\$\{\s*connectionConfig\.([A-Za-z0-9_]+)`)

// templates returns every template of p: base URL, headers, query and the
// OAuth URLs.
func templates(p providers.Provider) []string {
	out := []string{p.AuthorizationURL, p.TokenURL.For(p.AuthMode), p.RefreshURL}
	if p.Proxy != nil {
		out = append(out, p.Proxy.BaseURL)
		out = slices.AppendSeq(out, maps.Values(p.Proxy.Headers))
		out = slices.AppendSeq(out, maps.Values(p.Proxy.Query))
	}
	return out
}

// TestBuiltinEntries checks what every entry must have and that all of its
// templates resolve, through the HTTP capability, with the connection
// config it declares: all fields, then the required ones alone.
func TestBuiltinEntries(t *testing.T) {
	c := providers.Builtin()
	if c.Len() < 30 {
		t.Errorf("the built-in catalog has %d providers, want 30 or more", c.Len())
	}
	for _, name := range c.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := c.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			if p.DisplayName == "" || len(p.Categories) == 0 || !strings.HasPrefix(p.Docs, "https://") || p.Proxy == nil || p.Proxy.BaseURL == "" {
				t.Errorf("display_name, categories, docs and proxy.base_url are required: %+v", p)
			}
			switch p.AuthMode {
			case "OAUTH2":
				if p.AuthorizationURL == "" || p.TokenURL.For("OAUTH2") == "" {
					t.Errorf("OAUTH2 needs authorization_url and token_url: %q, %+v", p.AuthorizationURL, p.TokenURL)
				}
			case "API_KEY", "BASIC":
				if len(p.Credentials) == 0 {
					t.Errorf("%s: say what the credentials are (credentials:)", p.AuthMode)
				}
			case "APP":
			default:
				t.Errorf("auth_mode %q: the built-in catalog sticks to modes ferry supports", p.AuthMode)
			}
			for _, tmpl := range templates(p) {
				for _, m := range configRef.FindAllStringSubmatch(tmpl, -1) {
					if _, ok := p.ConnectionConfig[m[1]]; !ok {
						t.Errorf("%q uses connectionConfig.%s, which connection_config does not declare", tmpl, m[1])
					}
				}
			}
			hp := p.HostProvider()
			for _, optional := range []bool{true, false} {
				cfg := testConfig(p.ConnectionConfig, optional)
				r, err := send(t, hp, cfg)
				if err != nil {
					t.Fatalf("config %v: %v", cfg, err)
				}
				if r.URL.Scheme != "https" || r.URL.Host == "" || strings.Contains(r.URL.String(), "$") {
					t.Errorf("config %v: sent to %s", cfg, r.URL)
				}
				for k, vs := range r.Header {
					if strings.Contains(strings.Join(vs, ","), "${") {
						t.Errorf("config %v: header %s: %q", cfg, k, vs)
					}
				}
				for _, tmpl := range []string{p.AuthorizationURL, p.TokenURL.For(p.AuthMode), p.RefreshURL} {
					if tmpl == "" {
						continue
					}
					u, err := resolveURL(t, tmpl, cfg)
					if err != nil || !strings.HasPrefix(u, "https://") || strings.Contains(u, "$") {
						t.Errorf("config %v: %q resolves to %q, %v", cfg, tmpl, u, err)
					}
				}
			}
		})
	}
}

// TestBuiltinResolve pins where each provider's calls go, with the example
// or placeholder connection config testConfig builds. A new provider needs
// a row.
func TestBuiltinResolve(t *testing.T) {
	want := map[string]string{
		"airtable":        "https://api.airtable.com",
		"asana":           "https://app.asana.com",
		"attio":           "https://api.attio.com",
		"bitbucket":       "https://api.bitbucket.org",
		"box":             "https://api.box.com",
		"calendly":        "https://api.calendly.com",
		"clickup":         "https://api.clickup.com",
		"confluence":      "https://api.atlassian.com",
		"discord":         "https://discord.com",
		"dropbox":         "https://api.dropboxapi.com",
		"figma":           "https://api.figma.com",
		"freshdesk":       "https://acme.freshdesk.com",
		"github":          "https://api.github.com",
		"github-app":      "https://api.github.com",
		"github-pat":      "https://api.github.com",
		"gitlab":          "https://gitlab.com",
		"gmail":           "https://gmail.googleapis.com",
		"google":          "https://www.googleapis.com",
		"google-calendar": "https://www.googleapis.com",
		"google-drive":    "https://www.googleapis.com",
		"google-mail":     "https://gmail.googleapis.com",
		"google-sheet":    "https://sheets.googleapis.com",
		"google-sheets":   "https://sheets.googleapis.com",
		"hubspot":         "https://api.hubapi.com",
		"intercom":        "https://api.intercom.io",
		"jira":            "https://api.atlassian.com",
		"linear":          "https://api.linear.app",
		"mailchimp":       "https://us21.api.mailchimp.com",
		"microsoft":       "https://graph.microsoft.com",
		"monday":          "https://api.monday.com",
		"notion":          "https://api.notion.com",
		"outlook":         "https://graph.microsoft.com",
		"pipedrive":       "https://api.pipedrive.com",
		"quickbooks":      "https://quickbooks.api.intuit.com",
		"salesforce":      "https://test-instance-url.example.test",
		"sendgrid":        "https://api.sendgrid.com",
		"shopify":         "https://acme.myshopify.com",
		"slack":           "https://slack.com/api",
		"stripe":          "https://api.stripe.com",
		"todoist":         "https://api.todoist.com",
		"trello":          "https://api.trello.com",
		"twilio":          "https://api.twilio.com",
		"typeform":        "https://api.typeform.com",
		"xero":            "https://api.xero.com",
		"zendesk":         "https://acme.zendesk.com",
		"zoom":            "https://api.zoom.us/v2",
	}
	c := providers.Builtin()
	if got := c.Names(); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("catalog names %q\nwant a row for each: %q", got, slices.Sorted(maps.Keys(want)))
	}
	for _, name := range c.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := c.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := send(t, p.HostProvider(), testConfig(p.ConnectionConfig, true))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.URL.Scheme + "://" + r.URL.Host + strings.TrimSuffix(r.URL.Path, probe); got != want[name] {
				t.Errorf("base URL = %s, want %s", got, want[name])
			}
		})
	}
}

// TestBuiltinAliases checks what variants inherit from the entry they name
// and what they set themselves.
func TestBuiltinAliases(t *testing.T) {
	tests := []struct {
		name, alias, authorize, baseURL string
		scopes                          []string
		params                          map[string]string
	}{
		{"google-calendar", "google", "https://accounts.google.com/o/oauth2/v2/auth", "https://www.googleapis.com", []string{"https://www.googleapis.com/auth/calendar.readonly"}, map[string]string{"access_type": "offline", "prompt": "consent"}},
		{"google-drive", "google", "https://accounts.google.com/o/oauth2/v2/auth", "https://www.googleapis.com", []string{"https://www.googleapis.com/auth/drive.readonly"}, map[string]string{"access_type": "offline", "prompt": "consent"}},
		{"google-sheets", "google-sheet", "https://accounts.google.com/o/oauth2/v2/auth", "https://sheets.googleapis.com", []string{"https://www.googleapis.com/auth/spreadsheets.readonly"}, map[string]string{"access_type": "offline", "prompt": "consent"}},
		{"gmail", "google-mail", "https://accounts.google.com/o/oauth2/v2/auth", "https://gmail.googleapis.com", []string{"https://www.googleapis.com/auth/gmail.readonly"}, map[string]string{"access_type": "offline", "prompt": "consent"}},
		{"outlook", "microsoft", "https://login.microsoftonline.com/${connectionConfig.tenant}/oauth2/v2.0/authorize || https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "https://graph.microsoft.com", []string{"offline_access", "Mail.Read"}, nil},
		{"confluence", "jira", "https://auth.atlassian.com/authorize", "https://api.atlassian.com", []string{"offline_access"}, map[string]string{"audience": "api.atlassian.com", "prompt": "consent"}},
		{"github-app", "github", "${connectionConfig.appPublicLink}/installations/new", "https://api.github.com", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := providers.Builtin().Get(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if p.Alias != tc.alias || p.AuthorizationURL != tc.authorize || p.Proxy.BaseURL != tc.baseURL {
				t.Errorf("alias %q, authorization_url %q, base_url %q", p.Alias, p.AuthorizationURL, p.Proxy.BaseURL)
			}
			if !slices.Equal(p.DefaultScopes, tc.scopes) || !maps.Equal(p.AuthorizationParams, tc.params) {
				t.Errorf("default_scopes %q, authorization_params %v", p.DefaultScopes, p.AuthorizationParams)
			}
			if p.DisplayName == "" || p.TokenURL.For(p.AuthMode) == "" {
				t.Errorf("display name %q, token URL %+v: inherited fields are missing", p.DisplayName, p.TokenURL)
			}
		})
	}
}
