package hostfns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// result is one attempt: the upstream's answer, or err when there was none.
type result struct {
	method string
	out    *outgoing
	status int
	header http.Header
	body   []byte // decompressed
	err    error
}

// attempt sends p once. Its error is one no retry can fix (credentials,
// templates, a response too large); network failures are in result.err.
func (h *HTTP) attempt(ctx context.Context, t Target, p *plan, n int) (*result, error) {
	out, err := t.build(ctx, p)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if p.body != nil {
		body = bytes.NewReader(p.body) // sets GetBody, so redirects can replay it
	}
	req, err := http.NewRequestWithContext(ctx, p.method, "", body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	req.URL, req.Host, req.Header = out.url, out.url.Host, out.header
	r := &result{method: p.method, out: out}
	start := time.Now()
	resp, err := h.client.Do(req)
	if err == nil {
		r.status, r.header = resp.StatusCode, resp.Header
		r.body, err = h.readBody(resp, p.decompress)
		resp.Body.Close()
	}
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = ue.Err // its message holds the unredacted URL
	}
	if err != nil && !errors.Is(err, ErrResponseTooLarge) {
		r.err = err
	}
	if t.OnCall != nil {
		c := Call{Method: p.method, URL: r.url(), RequestHeaders: out.secrets.headerMap(out.header),
			Status: r.status, Attempt: n, Duration: time.Since(start), Start: start}
		if err != nil {
			c.Err = err.Error()
		}
		if r.err != nil {
			c.Status = 0
		}
		t.OnCall(c)
	}
	if errors.Is(err, ErrResponseTooLarge) {
		return nil, fmt.Errorf("%s %s: %w", p.method, r.url(), err)
	}
	return r, nil
}

func (r *result) url() string { return r.out.secrets.redactURL(r.out.url) }

func (r *result) ok() bool { return r.err == nil && r.status >= 200 && r.status < 300 }

// failure is the error a failed attempt ends the call with.
func (r *result) failure(attempts int) error {
	if r.err != nil {
		return &NetworkError{Method: r.method, URL: r.url(), Attempts: attempts, Err: r.err}
	}
	return &HTTPError{Status: r.status, Headers: flatHeaders(r.header), Body: decodeData(r.body, ""),
		Method: r.method, URL: r.url()}
}

// response is a successful attempt as the function sees it.
func (r *result) response(responseType string) *Response {
	return &Response{Status: r.status, Headers: flatHeaders(r.header), Data: decodeData(r.body, responseType)}
}
