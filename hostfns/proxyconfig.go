package hostfns

import (
	"cmp"
	"encoding/json"
	"errors"
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
