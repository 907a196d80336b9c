package providers

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
)

// PostConnection is one request ferry makes right after an OAuth
// connection is created, to fill the connection's config with what the
// provider only tells on request (HubSpot's portal, Linear's
// organization…): Nango's post_connection_script, declared. The request
// carries the new access token as a bearer token; each Set entry copies a
// path of the JSON answer (ValueAt) into a connection_config key.
type PostConnection struct {
	Method string            `yaml:"method"` // default GET
	URL    string            `yaml:"url"`    // absolute
	Body   string            `yaml:"body"`   // JSON, sent as is; empty for none
	Set    map[string]string `yaml:"set"`    // connection_config key → path in the answer
}

// Validate reports what would make the request fail every time: a method
// other than GET or POST, a URL that is not absolute http(s), nothing to
// set, or a malformed path.
func (pc PostConnection) Validate() error {
	switch pc.Method {
	case "", "GET", "POST":
	default:
		return fmt.Errorf("method %q: want GET or POST", pc.Method)
	}
	if u, err := url.Parse(pc.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("url %q: want an absolute http(s) URL", pc.URL)
	}
	if len(pc.Set) == 0 {
		return errors.New("set: name at least one connection_config key and the path of its value")
	}
	for key, path := range pc.Set {
		if key == "" || path == "" {
			return fmt.Errorf("set: %q: %q: want a key and a path", key, path)
		}
		if err := validPath("set."+key, path); err != nil {
			return err
		}
	}
	return nil
}

// PostConnectionRequest returns the request p's connections make once
// created: the entry's own `post_connection:`, else the one ferry knows for
// the Nango script the entry names (post_connection_script); nil for none.
func (p Provider) PostConnectionRequest() *PostConnection {
	if p.PostConnection != nil {
		pc := *p.PostConnection
		pc.Set = maps.Clone(pc.Set)
		return &pc
	}
	return scriptPostConnection(p.PostConnectionScript)
}

// scriptPostConnection restates Nango's post-connection scripts
// (packages/providers' *PostConnection) that are one request whose answer
// names connection_config fields. It is a function, not a map, so that no
// caller can change the table.
func scriptPostConnection(script string) *PostConnection {
	switch script {
	case "hubspotPostConnection":
		return &PostConnection{URL: "https://api.hubapi.com/account-info/v3/details", Set: map[string]string{"portalId": "portalId"}}
	case "linearPostConnection":
		return &PostConnection{
			Method: "POST", URL: "https://api.linear.app/graphql",
			Body: `{"query":"query { organization { id } }"}`,
			Set:  map[string]string{"organizationId": "data.organization.id"},
		}
	case "jiraPostConnection", "confluencePostConnection", "atlassianPostConnection":
		return &PostConnection{URL: "https://api.atlassian.com/oauth/token/accessible-resources", Set: map[string]string{"cloudId": "0.id", "baseUrl": "0.url"}}
	case "xeroPostConnection":
		return &PostConnection{URL: "https://api.xero.com/connections", Set: map[string]string{"tenant_id": "0.tenantId"}}
	}
	return nil
}

// ConnectionMetadata is what a new OAuth connection's config takes from
// the provider, as Nango does: each token_response_metadata path of the
// token response (a string, number or boolean there; "team.id" stays the
// key) and each redirect_uri_metadata parameter of the callback's query.
func (p Provider) ConnectionMetadata(token map[string]any, callback url.Values) map[string]any {
	out := map[string]any{}
	for _, path := range p.TokenResponseMetadata {
		switch v, _ := ValueAt(token, path); v.(type) {
		case string, bool, float64, int, int64:
			out[path] = v
		}
	}
	for _, name := range p.RedirectURIMetadata {
		if v := callback.Get(name); v != "" {
			out[name] = v
		}
	}
	return out
}
