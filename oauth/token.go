package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Token is a token endpoint's answer: the tokens, when the access token
// expires (nil: the provider did not say), and the whole response as the
// provider sent it.
type Token struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    *time.Time
	Raw          map[string]any
}

func newToken(t *oauth2.Token, rec *recorder) Token {
	tok := Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Raw: rec.raw()}
	if !t.Expiry.IsZero() {
		exp := t.Expiry.UTC().Truncate(time.Second)
		tok.ExpiresAt = &exp
	}
	return tok
}

// recorder keeps the last token response body so that Token.Raw holds
// every field the provider sent (x/oauth2 exposes them one at a time).
type recorder struct {
	base        http.RoundTripper
	mu          sync.Mutex
	body        []byte
	contentType string
}

func (r *recorder) context(ctx context.Context, client *http.Client) context.Context {
	if client == nil {
		client = http.DefaultClient
	}
	r.base = client.Transport
	if r.base == nil {
		r.base = http.DefaultTransport
	}
	c := *client
	c.Transport = r
	return context.WithValue(ctx, oauth2.HTTPClient, &c)
}

// maxTokenResponse matches x/oauth2's own limit.
const maxTokenResponse = 1 << 20

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.body, r.contentType = body, resp.Header.Get("Content-Type")
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (r *recorder) raw() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]any{}
	mt, _, _ := mime.ParseMediaType(r.contentType)
	if mt == "application/x-www-form-urlencoded" || mt == "text/plain" {
		if vals, err := url.ParseQuery(string(r.body)); err == nil {
			for k := range vals {
				out[k] = vals.Get(k)
			}
			return out
		}
	}
	_ = json.Unmarshal(r.body, &out)
	return out
}
