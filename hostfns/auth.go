package hostfns

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AuthMode is a provider's auth_mode. Modes other than the constants pass
// through: they get a Bearer access token when the credentials have one.
type AuthMode string

// The auth modes the HTTP capability knows how to inject.
const (
	AuthOAuth2   AuthMode = "OAUTH2"
	AuthOAuth2CC AuthMode = "OAUTH2_CC"
	AuthAPIKey   AuthMode = "API_KEY"
	AuthBasic    AuthMode = "BASIC"
	AuthNone     AuthMode = "NONE"
)

// Credentials are a connection's current secrets.
type Credentials struct {
	Type        AuthMode // overrides Provider.AuthMode when set
	APIKey      string
	AccessToken string
	Username    string
	Password    string
	ExpiresAt   time.Time
	Raw         map[string]any // every field, for ${credentials.x} templates
}

// Connection is the connection an execution is scoped to.
type Connection struct {
	ID                string         `json:"connection_id"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Provider          string         `json:"provider"`
	Environment       string         `json:"environment"`
	ConnectionConfig  map[string]any `json:"connection_config"`
}

// CredentialsProvider supplies a connection's current credentials (stored,
// decrypted, refreshed on demand). Implementations are safe for concurrent
// use. The HTTP capability asks once per attempt, so a retry after a long
// wait gets a refreshed token.
type CredentialsProvider interface {
	Credentials(ctx context.Context, conn Connection) (Credentials, error)
}

// Provider is the proxy part of a provider catalog entry (Nango's
// providers.yaml proxy section plus auth_mode). BaseURL, Headers and Query
// values are templates (see templateScope); BaseURL may list alternatives
// separated by "||", the first that resolves wins.
type Provider struct {
	Name       string
	AuthMode   AuthMode
	BaseURL    string
	Headers    map[string]string
	Query      map[string]string
	Paginate   *PaginateConfig
	Retry      *RetryHeader
	Decompress bool
}

// Target is everything the HTTP capability needs about the connection
// making a call.
type Target struct {
	Connection  Connection
	Provider    Provider
	Credentials CredentialsProvider // nil: no credentials
	OnCall      func(Call)          // optional; called once per attempt
}

// outgoing is the URL and headers of one attempt, with what must be
// redacted when the attempt is logged.
type outgoing struct {
	url     *url.URL
	header  http.Header
	secrets secrets
}

// build assembles one attempt of p for t: credentials are read afresh,
// provider templates resolved, default auth injected, then the function's
// own headers applied last.
func (t Target) build(ctx context.Context, p *plan) (*outgoing, error) {
	sc := templateScope{config: t.Connection.ConnectionConfig}
	if t.Credentials != nil {
		c, err := t.Credentials.Credentials(ctx, t.Connection)
		if err != nil {
			return nil, fmt.Errorf("%w: connection %q: %w", ErrCredentials, t.Connection.ID, err)
		}
		sc.creds = &c
	}
	out := &outgoing{header: make(http.Header, len(t.Provider.Headers)+len(p.header)+2)}
	out.secrets.add(sc.creds)
	var err error
	if out.url, err = t.url(sc, p); err != nil {
		return nil, err
	}

	credInQuery := false
	if len(t.Provider.Query) > 0 || (p.link == "" && len(p.params) > 0) {
		q := url.Values{}
		if p.link != "" {
			q = out.url.Query() // re-encoded below: provider values replace the link's
		} else {
			for k, vs := range p.params {
				q[k] = append(q[k], vs...)
			}
		}
		for k, tmpl := range t.Provider.Query {
			v, secret, err := sc.expand(tmpl)
			if err != nil {
				return nil, fmt.Errorf("provider query %s: %w", k, err)
			}
			q.Set(k, v)
			if secret {
				out.secrets.query = append(out.secrets.query, k)
				credInQuery = true
			}
		}
		out.url.RawQuery = joinQuery(out.url.RawQuery, q.Encode(), p.link != "")
	}

	h := out.header
	h.Set("Accept", "application/json, text/plain, */*") // axios's default
	credInHeader := false
	for k, tmpl := range t.Provider.Headers {
		v, secret, err := sc.expand(tmpl)
		if err != nil {
			return nil, fmt.Errorf("provider header %s: %w", k, err)
		}
		h.Set(k, v)
		if secret {
			out.secrets.headers = append(out.secrets.headers, http.CanonicalHeaderKey(k))
			credInHeader = true
		}
	}
	if h.Get("Authorization") == "" && !credInHeader {
		if err := authorize(h, t.Provider.AuthMode, sc.creds, credInQuery); err != nil {
			return nil, fmt.Errorf("connection %q: %w", t.Connection.ID, err)
		}
	}
	for k, vs := range p.header {
		h[k] = vs
	}
	if p.decompress && h.Get("Accept-Encoding") == "" {
		h.Set("Accept-Encoding", "gzip, deflate")
	}
	return out, nil
}

// authorize injects the auth mode's default Authorization header: Bearer
// access token for OAuth2 and unknown modes, Basic for BASIC, Bearer API key
// for API_KEY unless a provider query template already carries it.
func authorize(h http.Header, mode AuthMode, c *Credentials, credInQuery bool) error {
	if c == nil {
		return nil
	}
	if c.Type != "" {
		mode = c.Type
	}
	switch mode {
	case AuthNone:
	case AuthBasic:
		if c.Username == "" {
			return fmt.Errorf("%w: BASIC credentials have no username", ErrCredentials)
		}
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password)))
	case AuthAPIKey:
		if credInQuery {
			return nil
		}
		if c.APIKey == "" {
			return fmt.Errorf("%w: API_KEY credentials have no API key", ErrCredentials)
		}
		h.Set("Authorization", "Bearer "+c.APIKey)
	default:
		if c.AccessToken != "" {
			h.Set("Authorization", "Bearer "+c.AccessToken)
		} else if mode == AuthOAuth2 || mode == AuthOAuth2CC {
			return fmt.Errorf("%w: %s credentials have no access token", ErrCredentials, mode)
		}
	}
	return nil
}

// joinQuery appends extra to an existing raw query, or replaces it when the
// query was parsed into extra already.
func joinQuery(raw, extra string, replace bool) string {
	switch {
	case replace || raw == "":
		return extra
	case extra == "":
		return raw
	}
	return raw + "&" + extra
}

// url resolves the attempt's URL: the base URL (templates resolved) joined
// with the endpoint, or the next-page link. Like Nango, an endpoint that
// already starts with the base URL is used as is.
func (t Target) url(sc templateScope, p *plan) (*url.URL, error) {
	if strings.TrimSpace(p.baseURL) == "" {
		return nil, fmt.Errorf("%w: no base URL: provider %q has none and baseUrlOverride is empty", ErrInvalidConfig, t.Provider.Name)
	}
	base, err := expandBase(sc, p.baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if p.link != "" {
		bu, err := parseHTTPURL(base)
		if err != nil {
			return nil, fmt.Errorf("base URL: %w", err)
		}
		return linkURL(bu, p.link)
	}
	if strings.HasPrefix(p.endpoint, strings.TrimSuffix(base, "/")+"/") {
		return parseHTTPURL(p.endpoint)
	}
	if eu, err := url.Parse(p.endpoint); err == nil && (eu.Scheme == "http" || eu.Scheme == "https") {
		return nil, fmt.Errorf("%w: endpoint %q is an absolute URL outside the base URL %q", ErrInvalidConfig, p.endpoint, base)
	}
	return parseHTTPURL(joinURL(base, p.endpoint))
}

// expandBase resolves a base URL template; alternatives separated by "||"
// are tried in order (Nango: "${connectionConfig.api_base_url} || https://…").
func expandBase(sc templateScope, tmpl string) (string, error) {
	var err error
	for _, alt := range strings.Split(tmpl, "||") {
		var s string
		if s, _, err = sc.expand(strings.TrimSpace(alt)); err == nil {
			return s, nil
		}
	}
	return "", err
}

// joinURL joins a base URL and an endpoint with exactly one slash.
func joinURL(base, endpoint string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(endpoint, "/")
}

// parseHTTPURL parses an absolute http or https URL.
func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an absolute http(s) URL", ErrInvalidConfig, s)
	}
	return u, nil
}

// Call describes one upstream attempt, for logs, with secrets redacted.
type Call struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`                      // secret query values are "REDACTED"
	RequestHeaders map[string]string `json:"requestHeaders,omitempty"` // secret values are "REDACTED"
	Status         int               `json:"status"`                   // 0 when no answer came
	Err            string            `json:"error,omitempty"`
	Attempt        int               `json:"attempt"` // 0-based
	Duration       time.Duration     `json:"duration"`
	Start          time.Time         `json:"start"`
}

// redacted replaces secret values in logged calls.
const redacted = "REDACTED"

// secrets is what an attempt must not log: headers and query keys filled
// from credentials, and the credential values themselves wherever they
// appear (a function may copy a token into a header of its own).
type secrets struct {
	values  []string
	headers []string // canonical names
	query   []string
}

func (s *secrets) add(c *Credentials) {
	if c == nil {
		return
	}
	for _, v := range []string{c.APIKey, c.AccessToken, c.Password} {
		if len(v) >= 4 {
			s.values = append(s.values, v)
		}
	}
}

// hides reports whether a value must be redacted: it came from credentials,
// its name says it is secret, or it holds a credential.
func (s *secrets) hides(fromCreds bool, v string) bool {
	if fromCreds {
		return true
	}
	for _, secret := range s.values {
		if strings.Contains(v, secret) {
			return true
		}
	}
	return false
}

// headerMap flattens request headers for a Call, redacting secret ones.
func (s *secrets) headerMap(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if s.hides(slices.Contains(s.headers, k) || secretHeader(k), v) {
			v = redacted
		}
		m[k] = v
	}
	return m
}

// redactURL is u with secret query values and any password replaced.
func (s *secrets) redactURL(u *url.URL) string {
	c := *u
	if _, ok := c.User.Password(); ok {
		c.User = url.UserPassword(c.User.Username(), redacted)
	}
	if c.RawQuery == "" {
		return c.String()
	}
	q, changed := c.Query(), false
	for k, vs := range q {
		for i, v := range vs {
			if s.hides(slices.Contains(s.query, k) || secretQuery(k), v) {
				vs[i], changed = redacted, true
			}
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// secretHeader reports header names that carry secrets by convention.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "cookie", "token", "secret", "password", "api-key", "apikey", "api_key", "session", "signature"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretQuery reports query keys that carry secrets by convention.
func secretQuery(key string) bool {
	switch strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(key)) {
	case "apikey", "key", "token", "accesstoken", "refreshtoken", "secret", "clientsecret",
		"password", "signature", "sig", "auth", "authorization", "code":
		return true
	}
	return false
}
