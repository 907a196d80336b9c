package hostfns

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry/store"
)

// The rest of Nango's object that needs the host: listRecords, getToken,
// getIntegration, getEnvironmentVariables and uncontrolledFetch.

// EnvVar is an environment variable functions read with
// getEnvironmentVariables.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ListRecords returns one page of the model's records as listRecords gives
// them (with _nango_metadata), and the cursor of the next page ("" at the
// end). It waits for the records saved ahead of it to be written.
func (n *Nango) ListRecords(ctx context.Context, model, cursor string, limit int) ([]json.RawMessage, string, error) {
	key, err := n.modelKey("listRecords", model)
	if err != nil {
		return nil, "", err
	}
	if err := n.Flush(ctx); err != nil {
		return nil, "", err
	}
	page, err := n.store.ListRecords(ctx, key, store.ListQuery{Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", errorf(CodeInvalidRequest, "listRecords: %v", err)
	}
	out := make([]json.RawMessage, len(page.Records))
	for i, r := range page.Records {
		out[i] = r.JSON()
	}
	return out, page.NextCursor, nil
}

// Token returns the connection's credentials as Nango's getToken does: the
// access token for OAuth2, an object for the other auth modes.
func (n *Nango) Token(ctx context.Context) (any, error) {
	if n.scope.Credentials == nil {
		return nil, errorf(CodeInvalidRequest, "getToken: the connection has no credentials")
	}
	c, err := n.scope.Credentials.Credentials(ctx, n.scope.Connection)
	if err != nil {
		return nil, errorf(CodeInternal, "getToken: %v", err)
	}
	mode := c.Type
	if mode == "" {
		mode = n.scope.Provider.AuthMode
	}
	switch mode {
	case AuthAPIKey:
		return map[string]any{"type": mode, "apiKey": c.APIKey}, nil
	case AuthBasic:
		return map[string]any{"type": mode, "username": c.Username, "password": c.Password}, nil
	default:
		return c.AccessToken, nil
	}
}

func handleListRecords(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req struct {
		Model  string `json:"model"`
		Cursor string `json:"cursor"`
		Limit  int    `json:"limit"`
	}
	if err := decode("list_records", in, &req); err != nil {
		return nil, err
	}
	recs, next, err := n.ListRecords(ctx, req.Model, req.Cursor, req.Limit)
	var nextCursor any
	if next != "" {
		nextCursor = next
	}
	return map[string]any{"records": recs, "next_cursor": nextCursor}, err
}

func handleGetToken(ctx context.Context, n *Nango, _ []byte) (any, error) {
	tok, err := n.Token(ctx)
	return map[string]any{"token": tok}, err
}

func handleGetIntegration(_ context.Context, n *Nango, _ []byte) (any, error) {
	p := n.scope.Provider
	return map[string]any{"integration": map[string]any{
		"unique_key": n.scope.Connection.ProviderConfigKey,
		"provider":   p.Name,
	}}, nil
}

func handleGetEnvironmentVariables(_ context.Context, n *Nango, _ []byte) (any, error) {
	vars := n.env
	if vars == nil {
		vars = []EnvVar{}
	}
	return map[string]any{"variables": vars}, nil
}

// handleFetch is uncontrolledFetch: a plain request to any URL, without
// the connection's credentials, retries or pagination. It goes through the
// host's HTTP client, so the network rules of every other call apply.
func handleFetch(ctx context.Context, n *Nango, in []byte) (any, error) {
	var req struct {
		URL     string            `json:"url"`
		Method  string            `json:"method"`
		Headers map[string]string `json:"headers"`
		Body    *string           `json:"body"`
	}
	if err := decode("fetch", in, &req); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(req.URL, "http://") && !strings.HasPrefix(req.URL, "https://") {
		return nil, errorf(CodeInvalidConfig, "uncontrolledFetch: url %q is not http(s)", req.URL)
	}
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	var body io.Reader
	if req.Body != nil {
		body = strings.NewReader(*req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, strings.ToUpper(req.Method), req.URL, body)
	if err != nil {
		return nil, errorf(CodeInvalidConfig, "uncontrolledFetch: %v", err)
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	resp, err := n.http.client.Do(hr)
	if err != nil {
		return nil, errorf(CodeNetworkError, "uncontrolledFetch %s %s: %v", hr.Method, (&secrets{}).redactURL(hr.URL), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, n.http.maxBytes+1))
	if err != nil {
		return nil, errorf(CodeNetworkError, "uncontrolledFetch %s %s: read body: %v", hr.Method, (&secrets{}).redactURL(hr.URL), err)
	}
	if int64(len(data)) > n.http.maxBytes {
		return nil, errorf(CodeNetworkError, "uncontrolledFetch %s %s: body exceeds %d bytes", hr.Method, (&secrets{}).redactURL(hr.URL), n.http.maxBytes)
	}
	headers := make(map[string]string, len(resp.Header))
	for k, v := range resp.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return map[string]any{
		"status": resp.StatusCode, "statusText": strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode))),
		"headers": headers, "body": string(data),
	}, nil
}
