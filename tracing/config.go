package tracing

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/syntax"
)

// tracesPath is where an OTLP/HTTP receiver takes spans.
const tracesPath = "/v1/traces"

// Config configures an Exporter; Endpoint is required. Settings it does
// not name (TLS certificates, compression, the batch processor's sizes,
// sampling) are the SDK's, read from the standard OTEL_* variables.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP address: a base URL
	// (http://collector:4318, "/v1/traces" is appended) or the traces
	// endpoint itself (a path ending in /v1/traces, used as is). Plain
	// http is sent as is; use https past a trusted network.
	Endpoint string
	// Headers are sent with every export, e.g. the collector's
	// Authorization. They are never part of a span.
	Headers map[string]string
	// ServiceVersion is the resource's service.version ("" for none). The
	// service name is "ferry" unless OTEL_SERVICE_NAME says otherwise.
	ServiceVersion string
	// Timeout bounds one export request (default 10 s).
	Timeout time.Duration
	// BatchTimeout is the longest a finished span waits to be sent
	// (default 5 s, or OTEL_BSP_SCHEDULE_DELAY).
	BatchTimeout time.Duration
	// Logger gets export failures (default slog.Default()).
	Logger *slog.Logger
}

// endpointURL validates the endpoint and returns the URL spans are posted
// to.
func (c Config) endpointURL() (string, error) {
	if c.Endpoint == "" {
		return "", errors.New("tracing: an endpoint is required")
	}
	u, err := url.Parse(c.Endpoint)
	switch {
	case err != nil:
		return "", fmt.Errorf("tracing: endpoint %q: %w", c.Endpoint, err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Opaque != "":
		return "", fmt.Errorf("tracing: endpoint %q: want an http:// or https:// URL with a host", c.Endpoint)
	case u.User != nil:
		return "", fmt.Errorf("tracing: endpoint %q: credentials go in a header, not in the URL", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("tracing: endpoint %q: want no query or fragment", c.Endpoint)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(u.Path, tracesPath) {
		u.Path += tracesPath
	}
	u.RawPath = ""
	return u.String(), nil
}

// validateHeaders checks that every header can be sent as given.
func (c Config) validateHeaders() error {
	for name, v := range c.Headers {
		if !syntax.IsHTTPToken(name) {
			return fmt.Errorf("tracing: header %q: not a valid header name", name)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return fmt.Errorf("tracing: header %q: its value holds a line break or NUL", name)
		}
	}
	return nil
}

// ParseHeaders parses a list of headers in the format of
// OTEL_EXPORTER_OTLP_HEADERS: "key=value" pairs separated by commas,
// values percent-decoded, spaces around keys and values trimmed. An empty
// list is no headers; a pair without "=" or with a bad escape is an
// error. Errors name a pair by its place, not its text: it may hold a
// secret.
func ParseHeaders(list string) (map[string]string, error) {
	headers := make(map[string]string)
	if strings.TrimSpace(list) == "" {
		return headers, nil
	}
	i := 0
	for pair := range strings.SplitSeq(list, ",") {
		i++
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("header %d: want key=value", i)
		}
		dv, err := url.PathUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("header %q: value: %w", k, err)
		}
		headers[k] = strings.TrimSpace(dv)
	}
	return headers, nil
}
