package hostfns

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

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
