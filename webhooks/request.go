package webhooks

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Request is one inbound webhook request as the receiver read it.
type Request struct {
	Method   string // e.g. "POST"
	Path     string // as the provider sent it (still escaped), e.g. "/webhook/dev/hubspot"
	RawQuery string // the query string, without '?'
	Header   http.Header
	Body     []byte
	// ReceivedAt is when the request arrived; the timestamped schemes
	// measure a signature's age from it (zero: time.Now()).
	ReceivedAt time.Time
	// PublicURL is the scheme and host (plus any path prefix a reverse
	// proxy strips) that the provider called, e.g.
	// "https://ferry.example.com": "hubspot-v3" signs the full URL. Empty:
	// "https://" + the Host header.
	PublicURL string
}

// URL is the full URL the provider called: PublicURL + Path + "?" +
// RawQuery (the query only when there is one).
func (r Request) URL() string {
	base := strings.TrimRight(r.PublicURL, "/")
	if base == "" {
		base = "https://" + r.Header.Get("Host")
	}
	u := base + r.Path
	if r.RawQuery != "" {
		u += "?" + r.RawQuery
	}
	return u
}

// now is the request's arrival time, for timestamp checks.
func (r Request) now() time.Time {
	if r.ReceivedAt.IsZero() {
		return time.Now()
	}
	return r.ReceivedAt
}

// droppedHeaders are never kept: they carry credentials of whoever sent
// the request, which handlers and operators have no business seeing.
var droppedHeaders = map[string]bool{"authorization": true, "proxy-authorization": true, "cookie": true}

// KeepHeaders is the part of h worth storing with a webhook: every header
// but Authorization, Proxy-Authorization and Cookie, under its lower-case
// name, the values of a repeated header joined with ", ".
func KeepHeaders(h http.Header) map[string]string {
	kept := make(map[string]string, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) { // sorted: "X-A" and "x-a" merge the same way every time
		values := h[name]
		name = strings.ToLower(name)
		if droppedHeaders[name] || len(values) == 0 {
			continue
		}
		if prev, ok := kept[name]; ok { // "x-a" and "X-A" both present
			values = append([]string{prev}, values...)
		}
		kept[name] = strings.Join(values, ", ")
	}
	return kept
}

// RestoreHeaders turns headers KeepHeaders kept back into an http.Header
// (canonical names), to rebuild a Request from a stored webhook.
func RestoreHeaders(kept map[string]string) http.Header {
	h := make(http.Header, len(kept))
	for name, v := range kept {
		h.Set(name, v)
	}
	return h
}
