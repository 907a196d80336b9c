package hostfns

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferryhq/ferry/internal/syntax"
)

// plan is a validated ProxyConfig, ready to be sent as many times as
// retries and pages need.
type plan struct {
	method       string
	endpoint     string
	link         string // next-page link; replaces endpoint and params
	baseURL      string // template: BaseURLOverride or the provider's
	params       url.Values
	header       http.Header // the function's headers
	body         []byte      // nil: no body
	responseType string
	decompress   bool
	retries      int
	retryOn      []int
	retry        RetryHeader
}

// newPlan validates cfg against the provider's defaults.
func newPlan(cfg ProxyConfig, prov Provider) (*plan, error) {
	p := &plan{
		method:       strings.ToUpper(strings.TrimSpace(cfg.Method)),
		endpoint:     strings.TrimSpace(cfg.Endpoint),
		baseURL:      cfg.BaseURLOverride,
		params:       url.Values(cfg.Params),
		header:       make(http.Header, len(cfg.Headers)),
		responseType: strings.ToLower(cfg.ResponseType),
		decompress:   cfg.Decompress || prov.Decompress,
		retries:      cfg.Retries,
		retryOn:      cfg.RetryOn,
		retry:        mergeRetryHeader(prov.Retry, cfg.RetryHeader),
	}
	if p.method == "" {
		p.method = http.MethodGet
	}
	if p.baseURL == "" {
		p.baseURL = prov.BaseURL
	}
	switch {
	case !syntax.IsHTTPToken(p.method):
		return nil, fmt.Errorf("%w: method %q is not an HTTP method", ErrInvalidConfig, cfg.Method)
	case p.endpoint == "":
		return nil, fmt.Errorf("%w: endpoint is required", ErrInvalidConfig)
	case p.retries < 0:
		return nil, fmt.Errorf("%w: retries is %d, want 0 or more", ErrInvalidConfig, p.retries)
	}
	switch p.responseType {
	case "", "json", "text", "arraybuffer":
	default:
		return nil, fmt.Errorf("%w: responseType %q is not supported (use json, text or arraybuffer)", ErrInvalidConfig, cfg.ResponseType)
	}
	for _, s := range p.retryOn {
		if s < 100 || s > 599 {
			return nil, fmt.Errorf("%w: retryOn has %d, not an HTTP status", ErrInvalidConfig, s)
		}
	}
	for k, v := range cfg.Headers {
		if !syntax.IsHTTPToken(k) || strings.ContainsFunc(v, isCTL) {
			return nil, fmt.Errorf("%w: header %q is not a valid HTTP header", ErrInvalidConfig, k)
		}
		p.header.Set(k, v)
	}
	if p.method == http.MethodGet || p.method == http.MethodHead {
		return p, nil // like Nango, GET and HEAD never carry data
	}
	body, err := encodeBody(cfg.Data, p.header)
	if err != nil {
		return nil, err
	}
	p.body = body
	return p, nil
}

// isCTL reports control characters that may not appear in a header value.
func isCTL(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }
