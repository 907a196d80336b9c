package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	path := "/connections/" + url.PathEscape(id) + "?provider_config_key=" + url.QueryEscape(integration)
	err := o.call(ctx, http.MethodGet, path, nil, &conn)
	var ae *apiAnswer
	if errors.As(err, &ae) && ae.status == http.StatusNotFound {
		return conn, fmt.Errorf("no connection %q in integration %q on %s: %s", id, integration, o.host, ae.message)
	}
	if err != nil {
		return conn, fmt.Errorf("get connection %q of %q: %w", id, integration, err)
	}
	if conn.Provider == "" {
		return conn, fmt.Errorf("get connection %q: the server's answer names no provider", id)
	}
	return conn, nil
}

// apiAnswer is an error answer of the server.
type apiAnswer struct {
	host    string
	status  int
	message string
}

func (a *apiAnswer) Error() string {
	if a.status == http.StatusUnauthorized {
		return fmt.Sprintf("the server at %s refused the secret key: %s (set --secret-key or FERRY_SECRET_KEY)", a.host, a.message)
	}
	return fmt.Sprintf("the server at %s answered %d: %s", a.host, a.status, a.message)
}

// call sends a request with a JSON body (nil: none) to the server's API
// and decodes its JSON answer into out (nil: ignored). An answer that is
// not 2xx is an *apiAnswer.
func (o serverOptions) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, o.host+path, rd)
	if err != nil {
		return fmt.Errorf("--host %q: %w", o.host, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	o.authorize(req)
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the ferry server at %s (start it with ferry serve, or set --host or FERRY_HOST): %w", o.host, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read the server's answer: %w", err)
	}
	if res.StatusCode/100 != 2 {
		return &apiAnswer{host: o.host, status: res.StatusCode, message: serverMessage(answer)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("the server's answer to %s %s: %w", method, path, err)
	}
	return nil
}

// printJSONLine prints v as one line of JSON (ferry logs/webhooks --json).
func printJSONLine(out io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, string(raw))
	return err
}
