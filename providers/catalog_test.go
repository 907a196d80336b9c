package providers_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/providers"
)

func load(t *testing.T, yaml string) *providers.Catalog {
	t.Helper()
	c, err := providers.Load(strings.NewReader(yaml))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

func TestBuiltin(t *testing.T) {
	c := providers.Builtin()
	if c.Len() < 5 {
		t.Fatalf("built-in catalog has %d providers", c.Len())
	}
	for _, name := range c.Names() {
		p, err := c.Get(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if p.DisplayName == "" || p.AuthMode == "" || p.Proxy == nil || p.Proxy.BaseURL == "" {
			t.Errorf("%s: display_name, auth_mode and proxy.base_url are required in the built-in catalog: %+v", name, p)
		}
		_ = p.HostProvider()
	}
}

// TestBuiltinPagination pins the pagination defaults functions rely on.
func TestBuiltinPagination(t *testing.T) {
	tests := []struct {
		name string
		want hostfns.PaginateConfig
	}{
		{"github", hostfns.PaginateConfig{Type: "link", LimitNameInRequest: "per_page", LinkRelInResponseHeader: "next"}},
		{"github-app", hostfns.PaginateConfig{Type: "link", LimitNameInRequest: "per_page", LinkRelInResponseHeader: "next"}},
		{"hubspot", hostfns.PaginateConfig{Type: "cursor", CursorPathInResponse: "paging.next.after", CursorNameInRequest: "after", LimitNameInRequest: "limit", ResponsePath: "results"}},
		{"slack", hostfns.PaginateConfig{Type: "cursor", CursorPathInResponse: "response_metadata.next_cursor", CursorNameInRequest: "cursor", LimitNameInRequest: "limit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := providers.Builtin().Get(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			hp := p.HostProvider()
			if hp.Paginate == nil || !reflect.DeepEqual(*hp.Paginate, tc.want) {
				t.Fatalf("paginate = %+v, want %+v", hp.Paginate, tc.want)
			}
		})
	}
}

func TestNangoShapes(t *testing.T) {
	c, err := providers.LoadFile(filepath.Join("testdata", "nango-shapes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Get("acme")
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL.For("APP") != "https://acme.test/app/${connectionConfig.installation_id}/token" || p.TokenURL.For("OAUTH2") != "https://acme.test/oauth/token" {
		t.Errorf("token_url = %+v", p.TokenURL)
	}
	if p.ConnectionConfig["subdomain"].Order != 1 || !p.Credentials["apiKey"].Secret {
		t.Errorf("fields = %+v %+v", p.ConnectionConfig, p.Credentials)
	}
	got := p.HostProvider()
	want := hostfns.Provider{
		Name:       "acme",
		AuthMode:   "OAUTH2",
		BaseURL:    "https://${connectionConfig.subdomain}.acme.test/api || https://acme.test/api",
		Headers:    map[string]string{"x-version": "2024-01-01"},
		Query:      map[string]string{"key": "${apiKey}"},
		Retry:      &hostfns.RetryHeader{At: "x-ratelimit-reset", After: "retry-after", ErrorCode: "403,5xx"},
		Decompress: true,
		Paginate: &hostfns.PaginateConfig{Type: "offset", OffsetNameInRequest: "offset", LimitNameInRequest: "count",
			Limit: ptr(50), OffsetStartValue: ptr(1), OffsetCalculationMethod: "per-page", ResponsePath: "data.items"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("host provider =\n%+v\nwant\n%+v", got, want)
	}

	// An alias inherits every top-level field it does not set; proxy is
	// replaced as a whole, as in Nango.
	mcp, err := c.Get("acme-mcp")
	if err != nil {
		t.Fatal(err)
	}
	if mcp.Alias != "acme" || mcp.AuthMode != "MCP_OAUTH2" || mcp.Docs != "https://acme.test/docs" || mcp.Proxy.BaseURL != "https://mcp.acme.test" || mcp.Proxy.Paginate != nil {
		t.Errorf("alias = %+v proxy %+v", mcp, mcp.Proxy)
	}
}

func TestMerge(t *testing.T) {
	over := load(t, `
github:
    display_name: My GitHub
    auth_mode: API_KEY
    proxy:
        base_url: https://ghe.example.test/api/v3
acme:
    alias: github
    display_name: Acme on GitHub
`)
	c := providers.Builtin().Merge(over)
	gh, err := c.Get("github")
	if err != nil {
		t.Fatal(err)
	}
	if gh.DisplayName != "My GitHub" || gh.Proxy.BaseURL != "https://ghe.example.test/api/v3" || gh.Proxy.Paginate != nil {
		t.Errorf("over's entry should replace the built-in one as a whole: %+v", gh)
	}
	acme, err := c.Get("acme")
	if err != nil || acme.AuthMode != "API_KEY" || acme.DisplayName != "Acme on GitHub" {
		t.Errorf("an alias in over resolves against the merged catalog: %+v %v", acme, err)
	}
	if _, err := c.Get("hubspot"); err != nil {
		t.Errorf("built-in entries stay: %v", err)
	}
	if b, _ := providers.Builtin().Get("github"); b.DisplayName == "My GitHub" {
		t.Error("Merge changed the built-in catalog")
	}
	if n := (*providers.Catalog)(nil).Merge(over).Len(); n != 2 {
		t.Errorf("nil.Merge(over) has %d entries", n)
	}
}

func TestGetErrors(t *testing.T) {
	c := load(t, `
a:
    alias: b
b:
    alias: a
c:
    alias: missing
`)
	tests := []struct {
		name, want string
		unknown    bool
	}{
		{"nope", `provider "nope": unknown provider`, true},
		{"a", "alias loop a → b → a", false},
		{"c", `provider "c": alias "missing": unknown provider`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Get(tc.name)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if errors.Is(err, providers.ErrUnknownProvider) != tc.unknown {
				t.Fatalf("errors.Is(ErrUnknownProvider) = %v", !tc.unknown)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"syntax", "github:\n  display_name: [unclosed\n", "providers: line 1: did not find expected ',' or ']'"},
		{"tabs", "github:\n\tauth_mode: OAUTH2\n", "providers: line 2: found character that cannot start any token"},
		{"not a mapping", "- github\n- hubspot\n", "providers:1: want a mapping of provider names to entries, not a list"},
		{"entry not a mapping", "github: yes\n", `providers:1: provider "github": want a mapping of fields, not a scalar`},
		{"duplicate", "a:\n  auth_mode: NONE\nb:\n  auth_mode: NONE\na:\n  auth_mode: NONE\n", `providers:5: provider "a" is defined twice (first at line 1)`},
		{"wrong type", "github:\n  display_name: GitHub\n  categories: dev-tools\n  proxy:\n    base_url: [a, b]\n", `providers: provider "github": line 3: cannot unmarshal !!str`},
		{"wrong retry", "github:\n  proxy:\n    retry:\n      after: {a: b}\n", `provider "github": line 4: want a name or a list of names, not a mapping`},
		{"bad pagination type", "github:\n  proxy:\n    base_url: https://api.github.com\n    paginate:\n      type: pages\n", `providers:5: provider "github": proxy.paginate.type: unknown type "pages"`},
		{"bad limit", "github:\n  proxy:\n    paginate:\n      type: link\n      limit: 0\n", `providers:5: provider "github": proxy.paginate.limit: 0, want more than 0`},
		{"bad base url", "github:\n  proxy:\n    base_url: api.github.com\n", `providers:3: provider "github": proxy.base_url: "api.github.com" is not an http(s) URL`},
		{"empty name", "'': {auth_mode: NONE}\n", "providers:1: a provider name must be a non-empty string"},
		{"merge key at top", "base: &b {auth_mode: NONE}\n<<: *b\n", "merge keys are not supported between providers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := providers.Load(strings.NewReader(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.yaml")
	os.WriteFile(path, []byte("x:\n  proxy:\n    paginate: {type: nope}\n"), 0o644)
	_, err := providers.LoadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":3: ") {
		t.Fatalf("err = %v, want it to start with the file and line", err)
	}
	if _, err := providers.LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("a missing file loaded")
	}
	empty := load(t, "# nothing yet\n")
	if empty.Len() != 0 {
		t.Fatalf("empty file: %d providers", empty.Len())
	}
}

func TestYAMLFeatures(t *testing.T) {
	// Anchors and merge keys inside entries work as in any YAML reader.
	c := load(t, `
common: &common
    auth_mode: API_KEY
    proxy:
        base_url: https://api.example.test
        retry: {after: retry-after}
one:
    <<: *common
    display_name: One
`)
	p, err := c.Get("one")
	if err != nil {
		t.Fatal(err)
	}
	if p.AuthMode != "API_KEY" || p.DisplayName != "One" || p.HostProvider().Retry.After != "retry-after" {
		t.Fatalf("merged entry = %+v", p)
	}
}
