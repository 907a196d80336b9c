package nango

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ProxyConfig is Nango's ProxyConfiguration: what to call on the
// connection's API. Only Endpoint is required; the host adds the base URL,
// credentials and the provider's defaults.
type ProxyConfig struct {
	Endpoint        string            `json:"endpoint"`
	Method          string            `json:"method,omitempty"`
	Headers         map[string]string `json:"headers,omitempty"`
	Params          url.Values        `json:"params,omitempty"`
	Data            any               `json:"data,omitempty"`
	Retries         int               `json:"retries,omitempty"`
	RetryOn         []int             `json:"retryOn,omitempty"`
	RetryHeader     *RetryHeader      `json:"retryHeader,omitempty"`
	BaseURLOverride string            `json:"baseUrlOverride,omitempty"`
	Decompress      bool              `json:"decompress,omitempty"`
	ResponseType    string            `json:"responseType,omitempty"`
	Paginate        *PaginateConfig   `json:"paginate,omitempty"`
}

// RetryHeader names the headers that tell when to retry.
type RetryHeader struct {
	At        string `json:"at,omitempty"`
	After     string `json:"after,omitempty"`
	Remaining string `json:"remaining,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
}

// Response is the axios-like answer of an HTTP call.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Data    json.RawMessage   `json:"data"`
}

// JSON decodes the response data into v.
func (r *Response) JSON(v any) error {
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("decode response data: %w", err)
	}
	return nil
}

// HTTPError is returned when the upstream API answers outside 2xx after
// retries. Returned from an entry point, it makes an action fail with
// script_http_error carrying the upstream status, headers and body.
type HTTPError struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
	Message string            `json:"-"`
}

func (e *HTTPError) Error() string { return e.Message }

// Proxy makes the HTTP call cfg describes (GET unless cfg.Method is set).
func Proxy(cfg ProxyConfig) (*Response, error) {
	var res Response
	if err := call("request", cfg, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Get makes a GET call.
func Get(cfg ProxyConfig) (*Response, error) { return withMethod("GET", cfg) }

// Post makes a POST call.
func Post(cfg ProxyConfig) (*Response, error) { return withMethod("POST", cfg) }

// Put makes a PUT call.
func Put(cfg ProxyConfig) (*Response, error) { return withMethod("PUT", cfg) }

// Patch makes a PATCH call.
func Patch(cfg ProxyConfig) (*Response, error) { return withMethod("PATCH", cfg) }

// Delete makes a DELETE call.
func Delete(cfg ProxyConfig) (*Response, error) { return withMethod("DELETE", cfg) }

func withMethod(method string, cfg ProxyConfig) (*Response, error) {
	cfg.Method = strings.ToUpper(method)
	return Proxy(cfg)
}
