package providers_test

import (
	"encoding/base64"
	"testing"

	"github.com/ferryhq/ferry/providers"
)

// TestBuiltinHeaders checks the headers that reach the provider: templated
// ones, alternatives and the default auth they replace or leave in place.
func TestBuiltinHeaders(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("test-user:test-password"))
	tests := []struct {
		name     string
		provider string
		config   map[string]any
		want     map[string]string // "" : the header is absent
	}{
		{"github-pat default version", "github-pat", nil, map[string]string{"X-Github-Api-Version": "2022-11-28", "Authorization": "Bearer test-api-key", "Accept": "application/vnd.github+json"}},
		{"github-pat own version", "github-pat", map[string]any{"version": "2099-01-01"}, map[string]string{"X-Github-Api-Version": "2099-01-01"}},
		{"shopify token header, no bearer", "shopify", map[string]any{"subdomain": "acme"}, map[string]string{"X-Shopify-Access-Token": "test-access-token", "Authorization": ""}},
		{"notion version", "notion", nil, map[string]string{"Notion-Version": "2022-06-28", "Authorization": "Bearer test-access-token"}},
		{"trello key and token", "trello", map[string]any{"key": "k1"}, map[string]string{"Authorization": `OAuth oauth_consumer_key="k1", oauth_token="test-api-key"`}},
		{"freshdesk basic", "freshdesk", map[string]any{"subdomain": "acme"}, map[string]string{"Authorization": basic}},
		{"twilio basic", "twilio", nil, map[string]string{"Authorization": basic}},
		{"stripe bearer key", "stripe", nil, map[string]string{"Authorization": "Bearer test-api-key"}},
		{"quickbooks json", "quickbooks", map[string]any{"realmId": "1"}, map[string]string{"Accept": "application/json", "Authorization": "Bearer test-access-token"}},
		{"google bearer", "google-calendar", nil, map[string]string{"Authorization": "Bearer test-access-token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := providers.Builtin().Get(tc.provider)
			if err != nil {
				t.Fatal(err)
			}
			r, err := send(t, p.HostProvider(), tc.config)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestBuiltinOAuthURLs pins the OAuth URLs whose templates depend on the
// connection, with and without the optional fields.
func TestBuiltinOAuthURLs(t *testing.T) {
	tests := []struct {
		provider  string
		config    map[string]any
		authorize string
		token     string
	}{
		{"microsoft", nil, "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "https://login.microsoftonline.com/common/oauth2/v2.0/token"},
		{"outlook", map[string]any{"tenant": "contoso.onmicrosoft.com"}, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize", "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"},
		{"salesforce", map[string]any{"instance_url": "https://x.test"}, "https://login.salesforce.com/services/oauth2/authorize", "https://login.salesforce.com/services/oauth2/token"},
		{"salesforce", map[string]any{"hostname": "acme.my.salesforce.com"}, "https://acme.my.salesforce.com/services/oauth2/authorize", "https://acme.my.salesforce.com/services/oauth2/token"},
		{"zendesk", map[string]any{"subdomain": "acme"}, "https://acme.zendesk.com/oauth/authorizations/new", "https://acme.zendesk.com/oauth/tokens"},
		{"shopify", map[string]any{"subdomain": "acme"}, "https://acme.myshopify.com/admin/oauth/authorize", "https://acme.myshopify.com/admin/oauth/access_token"},
		{"github-app", map[string]any{"appPublicLink": "https://github.com/apps/acme", "installation_id": "42"}, "https://github.com/apps/acme/installations/new", "https://api.github.com/app/installations/42/access_tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.provider, func(t *testing.T) {
			p, err := providers.Builtin().Get(tc.provider)
			if err != nil {
				t.Fatal(err)
			}
			authorize, err := resolveURL(t, p.AuthorizationURL, tc.config)
			if err != nil || authorize != tc.authorize {
				t.Errorf("authorization_url = %q, %v; want %q", authorize, err, tc.authorize)
			}
			token, err := resolveURL(t, p.TokenURL.For(p.AuthMode), tc.config)
			if err != nil || token != tc.token {
				t.Errorf("token_url = %q, %v; want %q", token, err, tc.token)
			}
		})
	}
}
