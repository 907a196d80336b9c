package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhq/ferry/providers"
)

// postConnectionTimeout bounds the request a new connection makes to fill
// its config.
const postConnectionTimeout = 15 * time.Second

// connectionConfigOf is a new OAuth connection's config: what the connect
// flow was given, then what the provider tells: the token response's and
// the callback's fields the catalog names, and the answer to its
// post-connection request. A failed post-connection request is recorded
// in the operations log and leaves those fields unset; the connection is
// made either way, as Nango makes it.
func (s *Server) connectionConfigOf(ctx context.Context, prov providers.Provider, ev AuthEvent, given map[string]any, token map[string]any, accessToken string, callback url.Values) map[string]any {
	cfg := maps.Clone(given)
	if cfg == nil {
		cfg = map[string]any{}
	}
	maps.Copy(cfg, prov.ConnectionMetadata(token, callback))
	pc := prov.PostConnectionRequest()
	if pc == nil {
		return cfg
	}
	found, err := s.postConnection(ctx, *pc, accessToken)
	if err != nil {
		s.log.Warn("post-connection request failed", "provider", prov.Name, "connection_id", ev.ConnectionID, "err", err)
		ev.Environment, ev.Operation = s.cfg.Environment, "post_connection"
		ev.Error = &AuthError{Type: "post_connection_failed", Description: err.Error()}
		s.recordAuth(ev)
		return cfg
	}
	maps.Copy(cfg, found)
	return cfg
}

// postConnection makes a provider's post-connection request with the new
// access token and returns the connection_config fields its answer
// fills.
func (s *Server) postConnection(ctx context.Context, pc providers.PostConnection, accessToken string) (map[string]any, error) {
	if err := pc.Validate(); err != nil {
		return nil, fmt.Errorf("the catalog's post-connection request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, postConnectionTimeout)
	defer cancel()
	method := pc.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if pc.Body != "" {
		body = strings.NewReader(pc.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, pc.URL, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, pc.URL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read the answer: %w", method, pc.URL, err)
	}
	if res.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: the provider answered %d", method, pc.URL, res.StatusCode)
	}
	var answer any
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, fmt.Errorf("%s %s: the answer is not JSON: %w", method, pc.URL, err)
	}
	out := map[string]any{}
	for key, path := range pc.Set {
		v, ok := providers.ValueAt(answer, path)
		if !ok || v == nil {
			return nil, fmt.Errorf("%s %s: the answer has no %s (for connection_config %s)", method, pc.URL, path, key)
		}
		out[key] = v
	}
	return out, nil
}
