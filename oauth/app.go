package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// App is an OAuth2 client (an integration's app) at one provider, its
// URLs already resolved for the connection (see Expand).
type App struct {
	ClientID     string
	ClientSecret string
	AuthURL      string
	TokenURL     string
	Scopes       []string
	// ScopeSeparator joins Scopes in the scope parameter (default " ").
	ScopeSeparator string
	// AuthParams are extra parameters of the authorization URL;
	// TokenParams of the code exchange and client-credentials requests.
	AuthParams  map[string]string
	TokenParams map[string]string
	DisablePKCE bool
}

var templateRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// Expand resolves ${connectionConfig.name} references in a provider's
// templated value (authorization_url, token_url, their params) with a
// connection's config; a reference it cannot resolve is an error.
func Expand(tmpl string, connectionConfig map[string]any) (string, error) {
	var missing []string
	out := templateRef.ReplaceAllStringFunc(tmpl, func(ref string) string {
		expr := strings.TrimSpace(ref[2 : len(ref)-1])
		name, ok := strings.CutPrefix(expr, "connectionConfig.")
		if v, found := connectionConfig[name]; ok && found && v != nil {
			return fmt.Sprint(v)
		}
		missing = append(missing, expr)
		return ref
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%q: %w: %s", tmpl, ErrUnresolved, strings.Join(missing, ", "))
	}
	return out, nil
}

func (a App) config(redirectURI string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: a.ClientID, ClientSecret: a.ClientSecret, RedirectURL: redirectURI,
		// AutoDetect tries HTTP Basic, then client_secret_post, and
		// remembers which the token URL takes.
		Endpoint: oauth2.Endpoint{AuthURL: a.AuthURL, TokenURL: a.TokenURL, AuthStyle: oauth2.AuthStyleAutoDetect},
	}
}

func (a App) scope() string {
	sep := a.ScopeSeparator
	if sep == "" {
		sep = " "
	}
	return strings.Join(a.Scopes, sep)
}

// AuthCodeURL is where a user's browser goes to grant access: the
// authorization URL with client_id, redirect_uri, scope, state and, unless
// the provider disables PKCE, the S256 challenge of verifier.
func (a App) AuthCodeURL(state, verifier, redirectURI string) string {
	opts := []oauth2.AuthCodeOption{}
	if len(a.Scopes) > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("scope", a.scope()))
	}
	for k, v := range a.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	if !a.DisablePKCE {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	return a.config(redirectURI).AuthCodeURL(state, opts...)
}

// Exchange trades an authorization code for a token.
func (a App) Exchange(ctx context.Context, client *http.Client, code, verifier, redirectURI string) (Token, error) {
	opts := []oauth2.AuthCodeOption{}
	for k, v := range a.TokenParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	if !a.DisablePKCE {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	rec := &recorder{}
	t, err := a.config(redirectURI).Exchange(rec.context(ctx, client), code, opts...)
	if err != nil {
		return Token{}, tokenError("exchange the authorization code", err)
	}
	return newToken(t, rec), nil
}

// Refresh obtains a new token with a refresh token. A provider that does
// not rotate refresh tokens answers none; the returned token then keeps
// refreshToken.
func (a App) Refresh(ctx context.Context, client *http.Client, refreshToken string) (Token, error) {
	if refreshToken == "" {
		return Token{}, fmt.Errorf("refresh: %w", ErrNoRefreshToken)
	}
	rec := &recorder{}
	t, err := a.config("").TokenSource(rec.context(ctx, client), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return Token{}, tokenError("refresh the access token", err)
	}
	tok := newToken(t, rec)
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, nil
}

// ClientCredentials obtains a token for the app itself (grant
// client_credentials).
func (a App) ClientCredentials(ctx context.Context, client *http.Client) (Token, error) {
	cc := clientcredentials.Config{
		ClientID: a.ClientID, ClientSecret: a.ClientSecret, TokenURL: a.TokenURL,
		Scopes: a.Scopes, AuthStyle: oauth2.AuthStyleAutoDetect,
	}
	if a.ScopeSeparator != "" && a.ScopeSeparator != " " && len(a.Scopes) > 0 {
		cc.Scopes = nil
		a.TokenParams = withParam(a.TokenParams, "scope", a.scope())
	}
	if len(a.TokenParams) > 0 {
		cc.EndpointParams = map[string][]string{}
		for k, v := range a.TokenParams {
			cc.EndpointParams[k] = []string{v}
		}
	}
	rec := &recorder{}
	t, err := cc.Token(rec.context(ctx, client))
	if err != nil {
		return Token{}, tokenError("obtain a client-credentials token", err)
	}
	return newToken(t, rec), nil
}

func withParam(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for mk, mv := range m {
		out[mk] = mv
	}
	out[k] = v
	return out
}

// tokenError wraps a token endpoint's answer in a *TokenError.
func tokenError(what string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Status: re.Response.StatusCode, Code: re.ErrorCode, Description: re.ErrorDescription}
		if te.Code == "" {
			te.Description = strings.TrimSpace(string(re.Body))
			if len(te.Description) > 200 {
				te.Description = te.Description[:200] + "…"
			}
		}
		return fmt.Errorf("%s: %w", what, te)
	}
	return fmt.Errorf("%s: %w", what, err)
}
