package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryhq/ferry/server"
)

// remoteConnection is a connection as GET /connections/:id shows it.
type remoteConnection struct {
	ConnectionID      string             `json:"connection_id"`
	ProviderConfigKey string             `json:"provider_config_key"`
	Provider          string             `json:"provider"`
	Environment       string             `json:"environment"`
	ConnectionConfig  map[string]any     `json:"connection_config"`
	Metadata          map[string]any     `json:"metadata"`
	Credentials       server.Credentials `json:"credentials"`
}

// fetchConnection reads a connection with its credentials from the server.
func fetchConnection(ctx context.Context, o serverOptions, integration, id string) (remoteConnection, error) {
	var conn remoteConnection
	u := o.host + "/connections/" + url.PathEscape(id) + "?provider_config_key=" + url.QueryEscape(integration)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return conn, fmt.Errorf("--host %q: %w", o.host, err)
	}
	o.authorize(req)
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return conn, fmt.Errorf("cannot reach the ferry server at %s (start it with ferry serve, or set --host or FERRY_HOST): %w", o.host, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return conn, fmt.Errorf("the server at %s refused the secret key: %s (set --secret-key or FERRY_SECRET_KEY)", o.host, serverMessage(body))
	case http.StatusNotFound:
		return conn, fmt.Errorf("no connection %q in integration %q on %s: %s", id, integration, o.host, serverMessage(body))
	default:
		return conn, fmt.Errorf("get connection %q of %q: the server at %s answered %d: %s", id, integration, o.host, res.StatusCode, serverMessage(body))
	}
	if err := json.Unmarshal(body, &conn); err != nil {
		return conn, fmt.Errorf("get connection %q: the server's answer: %w", id, err)
	}
	if conn.Provider == "" {
		return conn, fmt.Errorf("get connection %q: the server's answer names no provider", id)
	}
	return conn, nil
}
