package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/netguard"
	"github.com/ferryhq/ferry/oplog"
	"github.com/ferryhq/ferry/store"
)

// proxyPrefix marks the request headers meant for the provider, as in
// Nango: "Nango-Proxy-X-Foo: v" is sent upstream as "X-Foo: v".
const proxyPrefix = "Nango-Proxy-"

// proxyControl are the request headers that configure the proxy (or
// authenticate to ferry) and are never sent upstream.
var proxyControl = map[string]bool{
	"Authorization": true, "Host": true, "Content-Length": true,
	"Connection-Id": true, "Provider-Config-Key": true, "Retries": true,
	"Base-Url-Override": true, "Decompress": true, "Retry-On": true,
}

// hopByHop are the headers that concern one connection only (RFC 9110
// §7.6.1); Proxy-* headers are hop-by-hop too.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true,
}

// isHopByHop reports a hop-by-hop header; named lists the headers the
// Connection header names (lower-cased).
func isHopByHop(name string, named map[string]bool) bool {
	return hopByHop[name] || strings.HasPrefix(name, "Proxy-") || len(named) > 0 && named[strings.ToLower(name)]
}

// connectionTokens are the header names a Connection header lists.
func connectionTokens(values []string) map[string]bool {
	var named map[string]bool
	for _, v := range values {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.ToLower(strings.TrimSpace(tok)); tok != "" {
				if named == nil {
					named = map[string]bool{}
				}
				named[tok] = true
			}
		}
	}
	return named
}

// proxy is ALL /proxy/*: the call is sent to the connection's provider with
// its credentials, and the answer (status, end-to-end headers, body) comes
// back as the upstream gave it, streamed both ways.
func (s *Server) proxy(c *fiber.Ctx) error {
	pc := &proxyCall{log: s.log, metrics: s.cfg.Metrics, ops: s.ops, start: time.Now()}
	req, key, err := s.proxyRequest(c)
	if err != nil {
		return err
	}
	pc.method, pc.key = req.Method, key
	t, _, err := s.target(c.UserContext(), key)
	if err != nil {
		return err
	}
	t.OnCall = pc.attempted

	// The context outlives the handler: the body is copied after it
	// returns. It is never canceled: closing the body (once copied, or when
	// the client goes away) is what ends the upstream exchange, and a
	// context without Done spares net/http a cancellation hook per call.
	resp, err := s.http.Stream(context.WithoutCancel(c.UserContext()), t, req)
	if err != nil {
		pc.done(0, 0, err)
		return proxyError(err)
	}
	c.Status(resp.StatusCode)
	named := connectionTokens(resp.Header.Values("Connection"))
	out := &c.Response().Header
	out.SetNoDefaultContentType(true)
	for k, vs := range resp.Header {
		if isHopByHop(k, named) || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	switch {
	case req.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified || resp.ContentLength == 0:
		resp.Body.Close()
		pc.done(resp.StatusCode, 0, nil)
		if req.Method == http.MethodHead && resp.ContentLength >= 0 {
			out.SetContentLength(int(resp.ContentLength))
			c.Context().Response.SkipBody = true
		}
		return nil
	case resp.ContentLength > 0 && resp.ContentLength <= smallBody:
		// Small bodies of known size go out in one write with the headers.
		buf := make([]byte, resp.ContentLength)
		n, err := io.ReadFull(resp.Body, buf)
		resp.Body.Close()
		pc.done(resp.StatusCode, int64(n), err)
		if err != nil {
			c.Response().Reset()
			return errorf(http.StatusBadGateway, "upstream_error", "%s %s: read the upstream's body: %v", req.Method, pc.lastURL(), err)
		}
		c.Response().SetBodyRaw(buf)
		return nil
	}
	c.Response().SetBodyStream(&proxyBody{r: resp.Body, call: pc, status: resp.StatusCode}, int(resp.ContentLength)) // -1: chunked
	return nil
}

// smallBody is the size up to which a response body of known length is
// read before it is sent: one write instead of a stream, and memory bounded.
const smallBody = 64 << 10

// proxyRequest reads the proxy's headers, endpoint and body.
func (s *Server) proxyRequest(c *fiber.Ctx) (hostfns.StreamRequest, store.Connection, error) {
	connID, pck := strings.Clone(c.Get("Connection-Id")), strings.Clone(c.Get("Provider-Config-Key"))
	switch {
	case connID == "" && pck == "":
		return hostfns.StreamRequest{}, store.Connection{}, badRequest("the proxy needs the Connection-Id and Provider-Config-Key headers")
	case connID == "":
		return hostfns.StreamRequest{}, store.Connection{}, badRequest("the proxy needs the Connection-Id header")
	case pck == "":
		return hostfns.StreamRequest{}, store.Connection{}, badRequest("the proxy needs the Provider-Config-Key header")
	}
	r := hostfns.StreamRequest{
		Method:          strings.Clone(c.Method()),
		Endpoint:        strings.TrimPrefix(string(c.Request().URI().PathOriginal()), "/proxy"),
		BaseURLOverride: strings.TrimSpace(strings.Clone(c.Get("Base-Url-Override"))),
	}
	if r.Endpoint == "" {
		r.Endpoint = "/"
	}
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		r.Endpoint += "?" + string(q)
	}
	if v := strings.TrimSpace(c.Get("Retries")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10 {
			return r, store.Connection{}, badRequest("the Retries header is %q: want a number from 0 to 10", v)
		}
		r.Retries = n
	}
	if v := strings.TrimSpace(c.Get("Retry-On")); v != "" {
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 100 || n > 599 {
				return r, store.Connection{}, badRequest("the Retry-On header is %q: want a comma-separated list of HTTP statuses", v)
			}
			r.RetryOn = append(r.RetryOn, n)
		}
	}
	if v := strings.TrimSpace(c.Get("Decompress")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return r, store.Connection{}, badRequest("the Decompress header is %q: want true or false", v)
		}
		r.Decompress = b
	}

	in := &c.Request().Header
	var named map[string]bool
	if v := in.Peek("Connection"); len(v) > 0 {
		named = connectionTokens([]string{string(v)})
	}
	r.Header = make(http.Header, in.Len())
	var prefixed http.Header // Nango-Proxy- headers: laid over the others
	in.VisitAll(func(k, v []byte) {
		if proxyControl[string(k)] {
			return // fasthttp's names are canonical: most control headers end here, uncopied
		}
		name := http.CanonicalHeaderKey(string(k))
		dst := r.Header
		if len(name) > len(proxyPrefix) && strings.EqualFold(name[:len(proxyPrefix)], proxyPrefix) {
			name = http.CanonicalHeaderKey(name[len(proxyPrefix):])
			if prefixed == nil {
				prefixed = http.Header{}
			}
			dst = prefixed
			if name == "Authorization" {
				dst[name] = append(dst[name], string(v)) // the caller's own credentials win, as in Nango
				return
			}
		}
		if proxyControl[name] || isHopByHop(name, named) {
			return
		}
		dst[name] = append(dst[name], string(v))
	})
	for k, vs := range prefixed {
		r.Header[k] = vs
	}

	if stream := c.Request().BodyStream(); stream != nil {
		r.Body, r.ContentLength = stream, int64(c.Request().Header.ContentLength())
	} else if b := c.Body(); len(b) > 0 {
		r.Body, r.ContentLength = bytes.NewReader(b), int64(len(b))
	}
	return r, s.connectionKey(pck, connID), nil
}

// proxyError maps a failed proxy call to ferry's own error answer.
func proxyError(err error) error {
	var (
		blocked *netguard.BlockedError
		ne      *hostfns.NetworkError
	)
	switch {
	case errors.As(err, &blocked):
		msg := blocked.Error()
		if errors.As(err, &ne) {
			msg = ne.Method + " " + ne.URL + ": " + msg
		}
		return errorf(http.StatusForbidden, "forbidden_destination", "%s", msg)
	case errors.Is(err, netguard.ErrBlocked):
		return errorf(http.StatusForbidden, "forbidden_destination", "%s", err)
	case errors.Is(err, hostfns.ErrInvalidConfig), errors.Is(err, hostfns.ErrTemplate):
		return errorf(http.StatusBadRequest, "invalid_request", "%s", err)
	case errors.Is(err, hostfns.ErrCredentials):
		return errorf(http.StatusBadRequest, "invalid_credentials", "%s", err)
	case errors.As(err, &ne):
		return errorf(http.StatusBadGateway, "upstream_unreachable", "%s", err)
	}
	return errorf(http.StatusBadGateway, "upstream_error", "%s", err)
}

// proxyCall is one proxied call as its log line tells it: what the
// handler knows, the attempts Stream reports, and how the body's copy
// ended. It is safe for concurrent use.
type proxyCall struct {
	log     *slog.Logger
	metrics *metrics.Metrics // nil: not recorded
	ops     *oplog.Recorder  // nil: not recorded in the operations log
	start   time.Time
	method  string
	key     store.Connection

	mu       sync.Mutex
	url      string // of the last attempt, secrets redacted
	attempts int
}

// attempted is the target's OnCall: it counts the attempts and keeps the
// last one's URL.
func (pc *proxyCall) attempted(call hostfns.Call) {
	pc.mu.Lock()
	pc.url, pc.attempts = call.URL, pc.attempts+1
	pc.mu.Unlock()
}

// lastURL is the URL of the last attempt, secrets redacted.
func (pc *proxyCall) lastURL() string {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.url
}

// done logs and counts the call: its answer's status (0: none), the
// bytes of body copied, and what went wrong, if anything.
func (pc *proxyCall) done(status int, size int64, err error) {
	pc.metrics.UpstreamCall(metrics.SourceProxy, pc.key.ProviderConfigKey, status)
	pc.mu.Lock()
	url, attempts := pc.url, pc.attempts
	pc.mu.Unlock()
	pc.record(status, url, attempts, err)
	level, msg := slog.LevelInfo, "proxy call"
	if err != nil {
		level, msg = slog.LevelWarn, "proxy call failed"
	}
	ctx := context.Background()
	if !pc.log.Enabled(ctx, level) {
		return
	}
	// Typed attributes: a []any of key, value pairs would box each value.
	attrs := [...]slog.Attr{
		slog.String("method", pc.method), slog.String("url", url), slog.Int("status", status),
		slog.Int("attempts", attempts), slog.Duration("duration", time.Since(pc.start)), slog.Int64("bytes", size),
		slog.String("connection_id", pc.key.ConnectionID), slog.String("provider_config_key", pc.key.ProviderConfigKey),
		slog.Any("err", err),
	}
	n := len(attrs)
	if err == nil {
		n--
	}
	pc.log.LogAttrs(ctx, level, msg, attrs[:n]...)
}

// record adds the call to the operations log: failed when no answer came
// or the upstream answered 4xx or 5xx, with the call (URL with secrets
// redacted, status, attempts) as its report.
func (pc *proxyCall) record(status int, url string, attempts int, err error) {
	if pc.ops == nil {
		return
	}
	end := time.Now().UTC()
	e := store.Execution{
		Type: "proxy", Environment: pc.key.Environment, Integration: pc.key.ProviderConfigKey, ConnectionID: pc.key.ConnectionID,
		Function: pc.method + " " + urlPath(url), Trigger: "api", Status: store.ExecutionSuccess, StartedAt: pc.start.UTC(), EndedAt: end,
	}
	call := hostfns.Call{Method: pc.method, URL: url, Status: status, Attempt: max(attempts-1, 0), Duration: end.Sub(pc.start), Start: pc.start.UTC()}
	switch {
	case err != nil:
		e.Status, e.Error, call.Err = store.ExecutionFailed, &store.RunError{Type: "upstream_error", Message: err.Error()}, err.Error()
	case status >= 400:
		e.Status, e.Error = store.ExecutionFailed, &store.RunError{Type: "http_error", Message: fmt.Sprintf("the upstream answered %d", status)}
	}
	if e.Status == store.ExecutionSuccess {
		// The summary says it all (method, path, times); a report per
		// call would be most of what the log costs the proxy.
		pc.ops.Record(e, nil)
		return
	}
	report, _ := json.Marshal(hostfns.Report{Calls: []hostfns.Call{call}})
	pc.ops.Record(e, report)
}

// urlPath is a URL's path, for naming a proxied call ("" if unparsable).
func urlPath(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

// proxyBody is an upstream body being copied to the client; the call is
// logged once, when fasthttp closes it (copied, or the client went away).
type proxyBody struct {
	r      io.ReadCloser
	call   *proxyCall
	status int
	size   int64
	err    error
	once   sync.Once
}

func (b *proxyBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.size += int64(n)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (b *proxyBody) Close() error {
	err := b.r.Close()
	b.once.Do(func() { b.call.done(b.status, b.size, b.err) })
	return err
}
