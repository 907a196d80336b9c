package hostfns

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
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
// values are templates (see templateScope), and each may list
// alternatives separated by "||": the first that resolves wins.
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
