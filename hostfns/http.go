package hostfns

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
