package hostfns

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTPOptions configures an HTTP; zero values take the defaults.
type HTTPOptions struct {
	// Client sends the requests. Default: http.DefaultTransport's settings
	// (dial 30 s, TLS handshake 10 s) and no overall timeout: the context
	// of each call governs.
	Client           *http.Client
	RetryBaseDelay   time.Duration // default 3 s; attempt n waits RetryBaseDelay·2^n
	MaxRetryDelay    time.Duration // default 10 min; a Retry-After beyond it ends the retries
	MaxResponseBytes int64         // default 50 MiB, after decompression
}

// HTTP is the nango HTTP capability: Nango's proxy with credentials
// injected, retries and pagination. It is safe for concurrent use and meant
// to be shared by every execution.
type HTTP struct {
	client   *http.Client
	base     time.Duration
	maxDelay time.Duration
	maxBytes int64
}

// NewHTTP returns an HTTP with opts' defaults filled in.
func NewHTTP(opts HTTPOptions) *HTTP {
	if opts.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		opts.Client = &http.Client{Transport: tr}
	}
	if opts.RetryBaseDelay <= 0 {
		opts.RetryBaseDelay = 3 * time.Second
	}
	if opts.MaxRetryDelay <= 0 {
		opts.MaxRetryDelay = 10 * time.Minute
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 50 << 20
	}
	return &HTTP{client: opts.Client, base: opts.RetryBaseDelay, maxDelay: opts.MaxRetryDelay, maxBytes: opts.MaxResponseBytes}
}

// Response is what a function gets back, shaped like axios's.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"` // lower-cased names; values joined with ", "
	Data    json.RawMessage   `json:"data"`    // JSON, or a JSON string of text (base64 for arraybuffer); null when empty
}

// HTTPError is an upstream's non-2xx answer once retries are exhausted.
type HTTPError struct {
	Status  int
	Headers map[string]string
	Body    json.RawMessage // the body as JSON, or a JSON string of its text
	Method  string
	URL     string // secrets redacted
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: upstream answered %d", e.Method, e.URL, e.Status)
	if s := shortBody(e.Body); s != "" {
		msg += ": " + s
	}
	return msg
}

// NetworkError is a call that got no answer from the upstream once retries
// are exhausted (connection refused or reset, timeout, canceled context…).
type NetworkError struct {
	Method   string
	URL      string // secrets redacted
	Attempts int
	Err      error
}

func (e *NetworkError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s %s: %v (after %d attempts)", e.Method, e.URL, e.Err, e.Attempts)
	}
	return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Do makes the call cfg describes for t, retrying as cfg allows. A non-2xx
// answer is an *HTTPError, no answer a *NetworkError; a config the
// capability refuses wraps ErrInvalidConfig.
func (h *HTTP) Do(ctx context.Context, t Target, cfg ProxyConfig) (*Response, error) {
	p, err := newPlan(cfg, t.Provider)
	if err != nil {
		return nil, err
	}
	return h.do(ctx, t, p)
}

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

// readBody reads a response body, decompressing gzip and deflate when the
// transport has not (the function set Accept-Encoding, or decompress is on:
// then a gzip body without Content-Encoding is recognised by its magic
// bytes), and refuses bodies over the size cap.
func (h *HTTP) readBody(resp *http.Response, decompress bool) ([]byte, error) {
	var r io.Reader = resp.Body
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if enc == "gzip" || enc == "x-gzip" || enc == "deflate" || (decompress && enc == "") {
		br := bufio.NewReader(resp.Body)
		magic, _ := br.Peek(2)
		var err error
		switch {
		case enc == "deflate" && len(magic) == 2 && magic[0]&0x0f == 8 && (uint(magic[0])<<8|uint(magic[1]))%31 == 0:
			r, err = zlib.NewReader(br)
		case enc == "deflate":
			r = flate.NewReader(br)
		case enc != "" || bytes.Equal(magic, []byte{0x1f, 0x8b}):
			r, err = gzip.NewReader(br)
		default:
			r = br
		}
		if err != nil {
			return nil, fmt.Errorf("decompress %s body: %w", cmp.Or(enc, "gzip"), err)
		}
		if r != br {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
		}
	}
	if resp.ContentLength > h.maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrResponseTooLarge, resp.ContentLength, h.maxBytes)
	}
	size := bytes.MinRead
	if resp.ContentLength > 0 {
		size += int(resp.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(io.LimitReader(r, h.maxBytes+1)); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(buf.Len()) > h.maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, h.maxBytes)
	}
	return buf.Bytes(), nil
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

// decodeData is a body as JSON: parsed when it is JSON (axios parses any
// JSON body, whatever its content type), else a JSON string of its text;
// text keeps it text, arraybuffer base64-encodes it.
func decodeData(body []byte, responseType string) json.RawMessage {
	if len(body) == 0 {
		return json.RawMessage("null")
	}
	switch responseType {
	case "arraybuffer":
		return jsonString(base64.StdEncoding.EncodeToString(body))
	case "text":
		return jsonString(string(body))
	}
	if trimmed := bytes.TrimSpace(body); json.Valid(trimmed) {
		return trimmed
	}
	return jsonString(string(body))
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// flatHeaders lower-cases names and joins repeated values with ", ".
func flatHeaders(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		m[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return m
}

// shortBody is a body for an error message: text, at most 200 bytes.
func shortBody(body json.RawMessage) string {
	var s string
	if json.Unmarshal(body, &s) != nil {
		s = string(body)
	}
	if s == "null" {
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := 200
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut-- // do not split a UTF-8 sequence
		}
		s = s[:cut] + "…"
	}
	return s
}
