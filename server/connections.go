package server

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// Credentials are a connection's secrets as Nango's API shows and takes
// them; the store keeps them sealed.
type Credentials struct {
	Type         string         `json:"type"` // OAUTH2, OAUTH2_CC, API_KEY, BASIC or NONE
	AccessToken  string         `json:"access_token,omitempty"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	ExpiresAt    *time.Time     `json:"expires_at,omitempty"`
	APIKey       string         `json:"apiKey,omitempty"`
	Username     string         `json:"username,omitempty"`
	Password     string         `json:"password,omitempty"`
	Raw          map[string]any `json:"raw,omitempty"`
}

// check validates credentials of an import.
func (cr *Credentials) check() error {
	switch cr.Type {
	case "OAUTH2", "OAUTH2_CC":
		if cr.AccessToken == "" {
			return badRequest("%s credentials need access_token", cr.Type)
		}
	case "API_KEY":
		if cr.APIKey == "" {
			return badRequest("API_KEY credentials need apiKey")
		}
	case "BASIC":
		if cr.Username == "" {
			return badRequest("BASIC credentials need username")
		}
	case "NONE":
	case "":
		return badRequest("credentials need a type: OAUTH2, OAUTH2_CC, API_KEY, BASIC or NONE")
	default:
		return badRequest("credentials type %q: want OAUTH2, OAUTH2_CC, API_KEY, BASIC or NONE", cr.Type)
	}
	return nil
}

// importBody is POST /connections, and the flat form of the older POST
// /connection.
type importBody struct {
	ConnectionID      string         `json:"connection_id"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Credentials       *Credentials   `json:"credentials"`
	ConnectionConfig  map[string]any `json:"connection_config"`
	Metadata          map[string]any `json:"metadata"`
	// The older flat form.
	AccessToken  string     `json:"access_token"`
	RefreshToken string     `json:"refresh_token"`
	ExpiresAt    *time.Time `json:"expires_at"`
	APIKey       string     `json:"api_key"`
	Username     string     `json:"username"`
	Password     string     `json:"password"`
}

func (b importBody) credentials() Credentials {
	if b.Credentials != nil {
		return *b.Credentials
	}
	cr := Credentials{AccessToken: b.AccessToken, RefreshToken: b.RefreshToken, ExpiresAt: b.ExpiresAt, APIKey: b.APIKey, Username: b.Username, Password: b.Password}
	switch {
	case b.AccessToken != "":
		cr.Type = "OAUTH2"
	case b.APIKey != "":
		cr.Type = "API_KEY"
	case b.Username != "":
		cr.Type = "BASIC"
	}
	return cr
}

func (s *Server) connectionKey(providerConfigKey, id string) store.Connection {
	return store.Connection{Environment: s.cfg.Environment, ProviderConfigKey: providerConfigKey, ConnectionID: id}
}

// connectionAAD binds sealed credentials to their connection.
func (s *Server) connectionAAD(k store.Connection) []byte {
	return vault.AAD("credentials", k.Environment, k.ProviderConfigKey, k.ConnectionID)
}

func (s *Server) importConnection(c *fiber.Ctx) error {
	var body importBody
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if body.ConnectionID == "" || body.ProviderConfigKey == "" {
		return badRequest("connection_id and provider_config_key are required")
	}
	cr := body.credentials()
	if err := cr.check(); err != nil {
		return err
	}
	ctx := c.UserContext()
	it, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, body.ProviderConfigKey)
	if err != nil {
		return storeError(err)
	}
	key := s.connectionKey(body.ProviderConfigKey, body.ConnectionID)
	entry := store.ConnectionEntry{Connection: key, Provider: it.Provider, ConnectionConfig: body.ConnectionConfig}
	if err := s.sealCredentials(&entry, cr); err != nil {
		return err
	}
	saved, created, err := s.cfg.Store.PutConnection(ctx, entry)
	if err != nil {
		return storeError(err)
	}
	if body.Metadata != nil {
		if err := s.cfg.Store.SetMetadata(ctx, key, body.Metadata); err != nil {
			return storeError(err)
		}
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.connectionAdded(ctx, key)
	}
	view, err := s.connectionView(c, saved, true)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(view)
}

// sealCredentials seals cr into entry.
func (s *Server) sealCredentials(entry *store.ConnectionEntry, cr Credentials) error {
	plain, err := json.Marshal(cr)
	if err != nil {
		return err
	}
	if entry.Credentials, err = s.cfg.Sealer.Seal(plain, s.connectionAAD(entry.Connection)); err != nil {
		return errorf(http.StatusInternalServerError, "internal_error", "seal the connection's credentials: %v", err)
	}
	entry.ExpiresAt = time.Time{}
	if cr.ExpiresAt != nil {
		entry.ExpiresAt = cr.ExpiresAt.UTC()
	}
	return nil
}

// openCredentials opens a stored connection's credentials.
func (s *Server) openCredentials(entry store.ConnectionEntry) (Credentials, error) {
	var cr Credentials
	if len(entry.Credentials) == 0 {
		return Credentials{Type: "NONE"}, nil
	}
	plain, err := s.cfg.Sealer.Open(entry.Credentials, s.connectionAAD(entry.Connection))
	if err != nil {
		return cr, errorf(http.StatusInternalServerError, "internal_error", "connection %s: open its credentials: %v", entry.Connection, err)
	}
	if err := json.Unmarshal(plain, &cr); err != nil {
		return cr, errorf(http.StatusInternalServerError, "internal_error", "connection %s: decode its credentials: %v", entry.Connection, err)
	}
	return cr, nil
}

// providerConfigKey is the integration a connection request names: the
// provider_config_key query parameter, else the Provider-Config-Key
// header (older clients).
func providerConfigKey(c *fiber.Ctx) (string, error) {
	if k := c.Query("provider_config_key"); k != "" {
		return k, nil
	}
	if k := c.Get("Provider-Config-Key"); k != "" {
		return k, nil
	}
	return "", badRequest("missing provider_config_key: pass it as a query parameter or a Provider-Config-Key header")
}

func (s *Server) getConnection(c *fiber.Ctx) error {
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	entry, err := s.cfg.Store.GetConnection(c.UserContext(), s.connectionKey(pck, pathParam(c, "id")))
	if err != nil {
		return storeError(err)
	}
	view, err := s.connectionView(c, entry, true)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) listConnections(c *fiber.Ctx) error {
	q := store.ConnectionQuery{Environment: s.cfg.Environment, ProviderConfigKey: c.Query("integrationId"), Search: c.Query("search")}
	if id := c.Query("connectionId"); id != "" {
		q.Search = id
	}
	var err error
	if q.Limit, err = limitParam(c, 0, 100_000); err != nil {
		return err
	}
	list, err := s.cfg.Store.ListConnections(c.UserContext(), q)
	if err != nil {
		return storeError(err)
	}
	exact := c.Query("connectionId")
	out := make([]fiber.Map, 0, len(list))
	for _, e := range list {
		if exact != "" && e.ConnectionID != exact {
			continue
		}
		md, err := s.cfg.Store.Metadata(c.UserContext(), e.Connection)
		if err != nil {
			return storeError(err)
		}
		out = append(out, fiber.Map{
			"id": numericID(e.Connection), "connection_id": e.ConnectionID, "provider_config_key": e.ProviderConfigKey,
			"provider": e.Provider, "created": e.CreatedAt, "metadata": md, "errors": []any{}, "end_user": nil,
		})
	}
	return c.JSON(fiber.Map{"connections": out})
}

func (s *Server) patchConnection(c *fiber.Ctx) error {
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	var body struct {
		ConnectionConfig map[string]any `json:"connection_config"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	entry, err := s.cfg.Store.UpdateConnection(c.UserContext(), s.connectionKey(pck, pathParam(c, "id")), func(e *store.ConnectionEntry) error {
		if body.ConnectionConfig != nil {
			e.ConnectionConfig = body.ConnectionConfig
		}
		return nil
	})
	if err != nil {
		return storeError(err)
	}
	view, err := s.connectionView(c, entry, false)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

func (s *Server) deleteConnection(c *fiber.Ctx) error {
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	key := s.connectionKey(pck, pathParam(c, "id"))
	if err := s.cfg.Store.DeleteConnection(c.UserContext(), key); err != nil {
		return storeError(err)
	}
	s.connectionRemoved(c.UserContext(), key)
	return c.SendStatus(http.StatusNoContent)
}

// setMetadata is POST (replace) and PATCH (merge) /connections/metadata:
// {connection_id: id or [ids], provider_config_key, metadata}.
func (s *Server) setMetadata(merge bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var body struct {
			ConnectionID      json.RawMessage `json:"connection_id"`
			ProviderConfigKey string          `json:"provider_config_key"`
			Metadata          map[string]any  `json:"metadata"`
		}
		if err := decodeBody(c, &body); err != nil {
			return err
		}
		if body.ProviderConfigKey == "" || body.Metadata == nil {
			return badRequest("provider_config_key and metadata (an object) are required")
		}
		var ids []string
		if err := json.Unmarshal(body.ConnectionID, &ids); err != nil {
			var one string
			if err := json.Unmarshal(body.ConnectionID, &one); err != nil || one == "" {
				return badRequest("connection_id must be a connection id or a list of them")
			}
			ids = []string{one}
		}
		for _, id := range ids {
			if err := s.writeMetadata(c, s.connectionKey(body.ProviderConfigKey, id), body.Metadata, merge); err != nil {
				return err
			}
		}
		return c.JSON(fiber.Map{"connection_id": body.ConnectionID, "provider_config_key": body.ProviderConfigKey, "metadata": body.Metadata})
	}
}

// setConnectionMetadata is the older POST/PATCH /connection/:id/metadata,
// the integration in the Provider-Config-Key header, the metadata as body.
func (s *Server) setConnectionMetadata(merge bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pck, err := providerConfigKey(c)
		if err != nil {
			return err
		}
		var md map[string]any
		if err := decodeBody(c, &md); err != nil {
			return err
		}
		if err := s.writeMetadata(c, s.connectionKey(pck, pathParam(c, "id")), md, merge); err != nil {
			return err
		}
		return c.Status(http.StatusCreated).JSON(fiber.Map{"connection_id": pathParam(c, "id"), "provider_config_key": pck, "metadata": md})
	}
}

func (s *Server) writeMetadata(c *fiber.Ctx, key store.Connection, md map[string]any, merge bool) error {
	ctx := c.UserContext()
	if _, err := s.cfg.Store.GetConnection(ctx, key); err != nil {
		return storeError(err)
	}
	write := s.cfg.Store.SetMetadata
	if merge {
		write = s.cfg.Store.UpdateMetadata
	}
	if err := write(ctx, key, md); err != nil {
		return storeError(err)
	}
	return nil
}

// connectionView is a connection as Nango's API shows it, credentials
// opened when asked.
func (s *Server) connectionView(c *fiber.Ctx, e store.ConnectionEntry, withCredentials bool) (fiber.Map, error) {
	md, err := s.cfg.Store.Metadata(c.UserContext(), e.Connection)
	if err != nil {
		return nil, storeError(err)
	}
	cfg := e.ConnectionConfig
	if cfg == nil {
		cfg = map[string]any{}
	}
	view := fiber.Map{
		"id": numericID(e.Connection), "connection_id": e.ConnectionID, "provider_config_key": e.ProviderConfigKey,
		"provider": e.Provider, "environment": e.Environment, "connection_config": cfg, "metadata": md,
		"created_at": e.CreatedAt, "updated_at": e.UpdatedAt, "errors": []any{}, "end_user": nil,
	}
	if withCredentials {
		cr, err := s.openCredentials(e)
		if err != nil {
			return nil, err
		}
		view["credentials"] = cr
	}
	return view, nil
}

// numericID is a stable number for a connection, where Nango's API has its
// database id (clients type it as a number).
func numericID(k store.Connection) uint32 {
	h := fnv.New32a()
	h.Write([]byte(strings.Join([]string{k.Environment, k.ProviderConfigKey, k.ConnectionID}, "\x00")))
	return h.Sum32()
}
