package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// integrationCredentials are an integration's OAuth app credentials, as
// Nango's API takes and shows them.
type integrationCredentials struct {
	Type         string `json:"type"` // OAUTH2, OAUTH2_CC or APP
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	Scopes       string `json:"scopes,omitempty"` // comma-separated
}

// integrationConfig is what the store keeps in clear.
type integrationConfig struct {
	CredentialsType  string            `json:"credentials_type,omitempty"`
	ClientID         string            `json:"client_id,omitempty"`
	Scopes           string            `json:"scopes,omitempty"`
	WebhookSignature *webhookSignature `json:"webhook_signature,omitempty"`
}

// webhookSignature is how an integration's webhooks are signed when it
// overrides its provider's scheme: e.g. a generic HMAC for a provider
// ferry's catalog knows nothing of.
type webhookSignature struct {
	Scheme   string `json:"scheme"`             // github, slack, stripe, hubspot-v3, hmac-sha256 or none
	Header   string `json:"header,omitempty"`   // hmac-sha256: the signature's header (default X-Signature)
	Encoding string `json:"encoding,omitempty"` // hmac-sha256: hex (default) or base64
	Prefix   string `json:"prefix,omitempty"`   // hmac-sha256: e.g. "sha256="
}

// apply lays the override over a provider's webhook rules.
func (w *webhookSignature) apply(cfg providers.Webhook) providers.Webhook {
	if w == nil {
		return cfg
	}
	cfg.Signature, cfg.SignatureHeader, cfg.SignatureEncoding, cfg.SignaturePrefix = w.Scheme, w.Header, w.Encoding, w.Prefix
	return cfg
}

// integrationSecrets is what the store keeps sealed.
type integrationSecrets struct {
	ClientSecret  string `json:"client_secret,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

type integrationBody struct {
	UniqueKey     *string                 `json:"unique_key"`
	Provider      *string                 `json:"provider"`
	DisplayName   *string                 `json:"display_name"`
	Credentials   *integrationCredentials `json:"credentials"`
	WebhookSecret *string                 `json:"webhook_secret"`
	// WebhookSignature overrides the provider's signature scheme; an
	// empty scheme goes back to the provider's.
	WebhookSignature *webhookSignature `json:"webhook_signature"`
}

// integrationView is an integration as the API shows it.
type integrationView struct {
	UniqueKey     string                  `json:"unique_key"`
	DisplayName   string                  `json:"display_name"`
	Provider      string                  `json:"provider"`
	Logo          string                  `json:"logo"`
	CreatedAt     time.Time               `json:"created_at"`
	UpdatedAt     time.Time               `json:"updated_at"`
	Credentials   *integrationCredentials `json:"credentials,omitempty"`
	WebhookSecret *bool                   `json:"has_webhook_secret,omitempty"`
	// WebhookSignature is the integration's own signature scheme, if any.
	WebhookSignature *webhookSignature `json:"webhook_signature,omitempty"`
}

var uniqueKeyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)

// integrationAAD binds an integration's sealed secrets to it.
func (s *Server) integrationAAD(key string) []byte {
	return vault.AAD("integration", s.cfg.Environment, key)
}

func (s *Server) listIntegrations(c *fiber.Ctx) error {
	list, err := s.cfg.Store.ListIntegrations(c.UserContext(), s.cfg.Environment)
	if err != nil {
		return storeError(err)
	}
	views := make([]integrationView, 0, len(list))
	for _, it := range list {
		v, err := s.integrationView(it, false)
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	return c.JSON(fiber.Map{"data": views})
}

func (s *Server) getIntegration(c *fiber.Ctx) error {
	it, err := s.cfg.Store.GetIntegration(c.UserContext(), s.cfg.Environment, pathParam(c, "key"))
	if err != nil {
		return storeError(err)
	}
	withCreds := strings.Contains(c.Query("include"), "credentials")
	v, err := s.integrationView(it, withCreds)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"data": v})
}

func (s *Server) createIntegration(c *fiber.Ctx) error {
	var body integrationBody
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if body.UniqueKey == nil || body.Provider == nil {
		return badRequest("unique_key and provider are required")
	}
	it := store.Integration{Environment: s.cfg.Environment, UniqueKey: *body.UniqueKey, Provider: *body.Provider}
	if err := s.applyIntegration(&it, body, integrationSecrets{}); err != nil {
		return err
	}
	saved, err := s.cfg.Store.CreateIntegration(c.UserContext(), it)
	if err != nil {
		return storeError(err)
	}
	v, err := s.integrationView(saved, false)
	if err != nil {
		return err
	}
	return c.Status(http.StatusOK).JSON(fiber.Map{"data": v})
}

func (s *Server) updateIntegration(c *fiber.Ctx) error {
	var body integrationBody
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	ctx := c.UserContext()
	it, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, pathParam(c, "key"))
	if err != nil {
		return storeError(err)
	}
	if body.UniqueKey != nil && *body.UniqueKey != it.UniqueKey {
		return badRequest("unique_key cannot change (it names the integration's connections and functions)")
	}
	if body.Provider != nil && *body.Provider != it.Provider {
		return badRequest("provider cannot change: create another integration")
	}
	secrets, err := s.openIntegrationSecrets(it)
	if err != nil {
		return err
	}
	if err := s.applyIntegration(&it, body, secrets); err != nil {
		return err
	}
	saved, err := s.cfg.Store.UpdateIntegration(ctx, it)
	if err != nil {
		return storeError(err)
	}
	v, err := s.integrationView(saved, false)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"data": v})
}

func (s *Server) deleteIntegration(c *fiber.Ctx) error {
	if err := s.cfg.Store.DeleteIntegration(c.UserContext(), s.cfg.Environment, pathParam(c, "key")); err != nil {
		return storeError(err)
	}
	return c.JSON(fiber.Map{"success": true})
}

// applyIntegration validates body and lays it over it, sealing the secrets.
func (s *Server) applyIntegration(it *store.Integration, body integrationBody, secrets integrationSecrets) error {
	if !uniqueKeyPattern.MatchString(it.UniqueKey) {
		return badRequest("unique_key %q: use letters, digits, '-', '_' and '.', starting with a letter or digit (at most 255)", it.UniqueKey)
	}
	p, err := s.cfg.Providers.Get(it.Provider)
	if err != nil {
		return badRequest("provider %q is not in the providers catalog (add it with --providers FILE)", it.Provider)
	}
	cfg, err := integrationConfigOf(*it)
	if err != nil {
		return err
	}
	if body.DisplayName != nil {
		it.DisplayName = *body.DisplayName
	}
	if it.DisplayName == "" {
		it.DisplayName = p.DisplayName
	}
	if cr := body.Credentials; cr != nil {
		switch cr.Type {
		case "OAUTH2", "OAUTH2_CC", "APP":
		default:
			return badRequest("credentials.type %q: want OAUTH2, OAUTH2_CC or APP", cr.Type)
		}
		if cr.ClientID == "" || cr.ClientSecret == "" {
			return badRequest("credentials need client_id and client_secret")
		}
		cfg.CredentialsType, cfg.ClientID, cfg.Scopes = cr.Type, cr.ClientID, cr.Scopes
		secrets.ClientSecret = cr.ClientSecret
	}
	if body.WebhookSecret != nil {
		secrets.WebhookSecret = *body.WebhookSecret
	}
	if ws := body.WebhookSignature; ws != nil {
		cfg.WebhookSignature = nil
		if ws.Scheme != "" {
			if err := ws.apply(p.WebhookConfig()).Validate(); err != nil {
				return badRequest("webhook_signature: %v", err)
			}
			cfg.WebhookSignature = ws
		}
	}
	config, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	it.Config = config
	plain, err := json.Marshal(secrets)
	if err != nil {
		return err
	}
	if it.Secrets, err = s.cfg.Sealer.Seal(plain, s.integrationAAD(it.UniqueKey)); err != nil {
		return errorf(http.StatusInternalServerError, "internal_error", "seal the integration's secrets: %v", err)
	}
	return nil
}

// integrationConfigOf decodes an integration's stored configuration.
func integrationConfigOf(it store.Integration) (integrationConfig, error) {
	var cfg integrationConfig
	if len(it.Config) > 0 {
		if err := json.Unmarshal(it.Config, &cfg); err != nil {
			return cfg, errorf(http.StatusInternalServerError, "internal_error", "integration %s: stored config: %v", it.UniqueKey, err)
		}
	}
	return cfg, nil
}

func (s *Server) openIntegrationSecrets(it store.Integration) (integrationSecrets, error) {
	var sec integrationSecrets
	if len(it.Secrets) == 0 {
		return sec, nil
	}
	plain, err := s.cfg.Sealer.Open(it.Secrets, s.integrationAAD(it.UniqueKey))
	if err != nil {
		return sec, errorf(http.StatusInternalServerError, "internal_error", "integration %s: open its secrets: %v", it.UniqueKey, err)
	}
	if err := json.Unmarshal(plain, &sec); err != nil {
		return sec, errorf(http.StatusInternalServerError, "internal_error", "integration %s: decode its secrets: %v", it.UniqueKey, err)
	}
	return sec, nil
}

func (s *Server) integrationView(it store.Integration, withCredentials bool) (integrationView, error) {
	v := integrationView{UniqueKey: it.UniqueKey, DisplayName: it.DisplayName, Provider: it.Provider, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	cfg, err := integrationConfigOf(it)
	if err != nil {
		return v, err
	}
	v.WebhookSignature = cfg.WebhookSignature
	if !withCredentials {
		return v, nil
	}
	sec, err := s.openIntegrationSecrets(it)
	if err != nil {
		return v, err
	}
	if cfg.CredentialsType != "" {
		v.Credentials = &integrationCredentials{Type: cfg.CredentialsType, ClientID: cfg.ClientID, ClientSecret: sec.ClientSecret, Scopes: cfg.Scopes}
	}
	has := sec.WebhookSecret != ""
	v.WebhookSecret = &has
	return v, nil
}

// maxJSONBody caps the JSON bodies of the API (the app's own limit is
// larger, for bundle uploads).
const maxJSONBody = 8 << 20

// decodeBody reads a JSON object body into v.
func decodeBody(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(body) == 0 {
		return badRequest("the request needs a JSON body")
	}
	if len(body) > maxJSONBody {
		return errorf(http.StatusRequestEntityTooLarge, "payload_too_large", "a JSON body of %d bytes is over the %d-byte limit", len(body), maxJSONBody)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("malformed JSON body: %v", err)
	}
	return nil
}

// EnsureIntegration creates the integration uniqueKey for provider unless
// it exists, for a server that deploys functions at start (ferry serve
// --functions). It reports whether it created it.
func (s *Server) EnsureIntegration(ctx context.Context, uniqueKey, provider string) (bool, error) {
	if _, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, uniqueKey); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	it := store.Integration{Environment: s.cfg.Environment, UniqueKey: uniqueKey, Provider: provider}
	if err := s.applyIntegration(&it, integrationBody{}, integrationSecrets{}); err != nil {
		return false, err
	}
	if _, err := s.cfg.Store.CreateIntegration(ctx, it); err != nil {
		return false, err
	}
	return true, nil
}
