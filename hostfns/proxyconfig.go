package hostfns

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Errors of the HTTP capability. Upstream failures are typed instead:
// *HTTPError (non-2xx answer) and *NetworkError (no answer).
var (
	// ErrInvalidConfig: the function sent a ProxyConfig (or paginate
	// settings) that cannot be used; the message says which field.
	ErrInvalidConfig = errors.New("invalid proxy config")
	// ErrTemplate: a provider template (base URL, header, query) names a
	// value the connection does not have.
	ErrTemplate = errors.New("unresolved template")
	// ErrCredentials: the connection's credentials could not be read or lack
	// what the provider's auth mode needs.
	ErrCredentials = errors.New("unusable credentials")
	// ErrResponseTooLarge: the upstream body passed HTTPOptions.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("response too large")
)

// ProxyConfig is Nango's ProxyConfiguration as a function sends it (JSON).
type ProxyConfig struct {
	Endpoint        string            `json:"endpoint"`
	Method          string            `json:"method,omitempty"` // default GET; any verb, uppercased
	Headers         map[string]string `json:"headers,omitempty"`
	Params          Params            `json:"params,omitempty"`
	Data            json.RawMessage   `json:"data,omitempty"` // a JSON string is sent as raw text
	Retries         int               `json:"retries,omitempty"`
	RetryOn         []int             `json:"retryOn,omitempty"`
	RetryHeader     *RetryHeader      `json:"retryHeader,omitempty"`
	BaseURLOverride string            `json:"baseUrlOverride,omitempty"`
	Decompress      bool              `json:"decompress,omitempty"`
	ResponseType    string            `json:"responseType,omitempty"` // json (default) | text | arraybuffer
	Paginate        *PaginateConfig   `json:"paginate,omitempty"`
	// ProviderConfigKey and ConnectionID proxy through another connection;
	// the caller resolves them into a Target, the HTTP capability ignores them.
	ProviderConfigKey string `json:"providerConfigKey,omitempty"`
	ConnectionID      string `json:"connectionId,omitempty"`
}

// RetryHeader names the response headers that say when to retry: At holds
// a reset time (epoch seconds or milliseconds, or a date), After a number of
// seconds; Remaining at "0" makes a response retryable; ErrorCode, when set,
// replaces the default retryable statuses (5xx, 429) with a comma-separated
// list of rules such as "429,5xx,500-502".
type RetryHeader struct {
	At        string `json:"at,omitempty"`
	After     string `json:"after,omitempty"`
	Remaining string `json:"remaining,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
}

// Params are query parameters. In JSON they are an object whose values are
// strings, numbers, booleans or arrays of those (repeated keys), or a query
// string such as "a=1&b=2".
type Params map[string][]string

// UnmarshalJSON accepts an object or a query string; null values are dropped.
func (p *Params) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*p = nil
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%w: params: %w", ErrInvalidConfig, err)
		}
		v, err := url.ParseQuery(strings.TrimPrefix(s, "?"))
		if err != nil {
			return fmt.Errorf("%w: params %q is not a query string: %w", ErrInvalidConfig, s, err)
		}
		*p = Params(v)
		return nil
	case b[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%w: params: %w", ErrInvalidConfig, err)
		}
		out := make(Params, len(m))
		for k, raw := range m {
			vals, err := scalarValues(raw)
			if err != nil {
				return fmt.Errorf("%w: params.%s: %w", ErrInvalidConfig, k, err)
			}
			if vals != nil {
				out[k] = vals
			}
		}
		*p = out
		return nil
	}
	return fmt.Errorf("%w: params must be an object or a query string, not %s", ErrInvalidConfig, aKind(jsonKind(b)))
}

// MarshalJSON writes an object: one value as a string, several as an array.
func (p Params) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	m := make(map[string]any, len(p))
	for k, v := range p {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// scalarValues turns a JSON string, number, boolean or array of those into
// query values; null gives nil.
func scalarValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok, err := scalarString(it)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, ok, err := scalarString(raw)
	if err != nil || !ok {
		return nil, err
	}
	return []string{s}, nil
}

// scalarString renders a JSON scalar as text; ok is false for null.
func scalarString(raw json.RawMessage) (s string, ok bool, err error) {
	raw = bytes.TrimSpace(raw)
	switch kind := jsonKind(raw); kind {
	case "null":
		return "", false, nil
	case "string":
		err = json.Unmarshal(raw, &s)
		return s, err == nil, err
	case "number", "boolean":
		return string(raw), true, nil
	default:
		return "", false, fmt.Errorf("%s cannot be a query or form value", aKind(kind))
	}
}

// aKind is a JSON kind with its article, for messages: "an object".
func aKind(kind string) string {
	if kind == "object" || kind == "array" {
		return "an " + kind
	}
	return "a " + kind
}

// jsonKind names the JSON type of an encoded value.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

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
	case !isToken(p.method):
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
		if !isToken(k) || strings.ContainsFunc(v, isCTL) {
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

// encodeBody turns data into the request body and sets the content type
// when the function did not: a JSON string is sent as text, an object with
// a form content type form-encoded, anything else as JSON.
func encodeBody(data json.RawMessage, h http.Header) ([]byte, error) {
	data = bytes.TrimSpace(data)
	kind := jsonKind(data)
	if kind == "nothing" || kind == "null" {
		return nil, nil
	}
	ct := h.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(ct)
	switch {
	case kind == "string":
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("%w: data: %w", ErrInvalidConfig, err)
		}
		if ct == "" {
			h.Set("Content-Type", "text/plain; charset=utf-8")
		}
		return []byte(s), nil
	case mediaType == "application/x-www-form-urlencoded":
		if kind != "object" {
			return nil, fmt.Errorf("%w: data must be an object to be form-encoded, not %s", ErrInvalidConfig, aKind(kind))
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, fmt.Errorf("%w: data: %w", ErrInvalidConfig, err)
		}
		form := make(url.Values, len(fields))
		for k, raw := range fields {
			vals, err := scalarValues(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: data.%s: %w", ErrInvalidConfig, k, err)
			}
			if vals != nil {
				form[k] = vals
			}
		}
		return []byte(form.Encode()), nil
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("%w: data is not valid JSON", ErrInvalidConfig)
	}
	if ct == "" {
		h.Set("Content-Type", "application/json")
	}
	return data, nil
}

// mergeRetryHeader lays the function's retry header names over the provider's.
func mergeRetryHeader(prov, fn *RetryHeader) RetryHeader {
	var r RetryHeader
	for _, src := range []*RetryHeader{prov, fn} {
		if src == nil {
			continue
		}
		r.At = cmp.Or(src.At, r.At)
		r.After = cmp.Or(src.After, r.After)
		r.Remaining = cmp.Or(src.Remaining, r.Remaining)
		r.ErrorCode = cmp.Or(src.ErrorCode, r.ErrorCode)
	}
	return r
}

// isToken reports whether s is an RFC 9110 token (a method or header name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// isCTL reports control characters that may not appear in a header value.
func isCTL(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }
