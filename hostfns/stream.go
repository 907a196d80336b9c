package hostfns

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ReplayLimit is the largest request body Stream buffers so that it can be
// sent again on a retry. A larger body (or one of unknown length that turns
// out larger) is streamed to the upstream once, and the call is not retried.
const ReplayLimit = 1 << 20

// StreamRequest is a call whose bodies are streamed rather than buffered:
// what ferry's REST proxy sends. The provider's base URL, templated
// headers and query and the auth mode's credentials are applied exactly as
// for Do; Header is laid over them.
type StreamRequest struct {
	Method   string     // default GET
	Endpoint string     // path on the base URL, with or without a query string
	Query    url.Values // extra query parameters
	Header   http.Header
	// Body is sent as is; nil sends none. Stream reads it but does not
	// close it.
	Body          io.Reader
	ContentLength int64 // of Body; -1 or 0 with a Body: unknown
	// Retries is how many times a failed attempt (network error, 5xx, 429,
	// RetryOn, the provider's retry headers) is retried; only when the body
	// is replayable (see ReplayLimit).
	Retries         int
	RetryOn         []int
	BaseURLOverride string
	// Decompress decodes a gzip or deflate response body; Content-Encoding
	// and Content-Length are dropped from the response.
	Decompress bool
}

// Stream sends r for t and returns the upstream's answer with its body
// unread: the caller copies it and closes it. Unlike Do, any status is an
// answer (the last one once retries are exhausted); no answer is a
// *NetworkError (a refusal of the network policy wraps netguard.ErrBlocked),
// and a request the capability cannot build wraps ErrInvalidConfig,
// ErrTemplate or ErrCredentials. t.OnCall is told of every attempt, once
// its response headers have arrived. ctx governs the whole call, reading
// the body included.
func (h *HTTP) Stream(ctx context.Context, t Target, r StreamRequest) (*http.Response, error) {
	p, err := newPlan(ProxyConfig{Method: r.Method, Endpoint: r.Endpoint, Retries: r.Retries, RetryOn: r.RetryOn,
		BaseURLOverride: r.BaseURLOverride, Decompress: r.Decompress}, t.Provider)
	if err != nil {
		return nil, err
	}
	p.params = r.Query
	p.header = r.Header
	body, replay, err := replayable(r.Body, r.ContentLength)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if !replay {
		p.retries = 0
	}
	for n := 0; ; n++ {
		if rs, ok := body.(io.Seeker); ok && replay {
			if _, err := rs.Seek(0, io.SeekStart); err != nil {
				return nil, fmt.Errorf("rewind request body: %w", err)
			}
		}
		resp, res, err := h.streamAttempt(ctx, t, p, n, body, r.ContentLength)
		if err != nil {
			return nil, err
		}
		done := res.ok() || n >= p.retries || ctx.Err() != nil || !p.retryable(res)
		var wait time.Duration
		if !done {
			var ok bool
			wait, ok = h.delay(p.retry, res, n, time.Now())
			deadline, has := ctx.Deadline()
			done = !ok || has && time.Until(deadline) < wait
		}
		if done {
			if res.err != nil {
				return nil, res.failure(n + 1)
			}
			return decompressed(resp, p.decompress)
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
			resp.Body.Close()
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: retry abandoned: %w", p.method, res.url(), err)
		}
	}
}

// streamAttempt sends p once with body. Its error is one no retry can fix;
// a network failure is in result.err and the response is nil.
func (h *HTTP) streamAttempt(ctx context.Context, t Target, p *plan, n int, body io.Reader, length int64) (*http.Response, *result, error) {
	out, err := t.build(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, p.method, "", body)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	req.URL, req.Host, req.Header = out.url, out.url.Host, out.header
	if body != nil && length > 0 {
		req.ContentLength = length
	}
	res := &result{method: p.method, out: out}
	start := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // its message holds the unredacted URL
		}
		res.err = err
	} else {
		res.status, res.header = resp.StatusCode, resp.Header
	}
	if t.OnCall != nil {
		c := Call{Method: p.method, URL: res.url(), RequestHeaders: out.secrets.headerMap(out.header),
			Status: res.status, Attempt: n, Duration: time.Since(start), Start: start}
		if err != nil {
			c.Err = err.Error()
		}
		t.OnCall(c)
	}
	return resp, res, nil
}

// replayable buffers a body of up to ReplayLimit bytes so that retries can
// send it again. A larger body comes back as a reader of what was read
// followed by the rest, and replay is false.
func replayable(body io.Reader, length int64) (io.Reader, bool, error) {
	switch {
	case body == nil || body == http.NoBody:
		return nil, true, nil
	case length > ReplayLimit:
		return body, false, nil
	}
	buf, err := io.ReadAll(io.LimitReader(body, ReplayLimit+1))
	if err != nil {
		return nil, false, err
	}
	if len(buf) > ReplayLimit {
		return io.MultiReader(bytes.NewReader(buf), body), false, nil
	}
	return bytes.NewReader(buf), true, nil
}

// decompressed decodes a gzip or deflate body when asked to, as it is read.
func decompressed(resp *http.Response, decompress bool) (*http.Response, error) {
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if !decompress || (enc != "gzip" && enc != "x-gzip" && enc != "deflate") {
		return resp, nil
	}
	br := bufio.NewReader(resp.Body)
	var (
		r   io.Reader
		err error
	)
	switch magic, _ := br.Peek(2); {
	case enc != "deflate":
		r, err = gzip.NewReader(br)
	case len(magic) == 2 && magic[0]&0x0f == 8 && (uint(magic[0])<<8|uint(magic[1]))%31 == 0:
		r, err = zlib.NewReader(br)
	default:
		r = flate.NewReader(br)
	}
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("decompress %s body: %w", enc, err)
	}
	resp.Body = readCloser{Reader: r, Closer: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}
