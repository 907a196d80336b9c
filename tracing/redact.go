package tracing

import (
	"net/url"
	"slices"
	"strings"
)

// redacted replaces a secret, as the operations log does.
const redacted = "REDACTED"

// Calls come from the operations log with their secrets already redacted
// (hostfns.Call). What is here is a second net, for a caller that forgot:
// a header or query value whose name says it is secret, or a header value
// that is a credential by its form, never leaves as is. It errs on the
// side of hiding.

// secretHeaderParts are parts of header names (lowercase, "-" and "_"
// removed) that carry secrets by convention.
var secretHeaderParts = []string{"auth", "cookie", "token", "secret", "password", "passwd", "key", "session", "signature", "credential"}

// secretQueryParts are parts of query keys (normalized so) that carry
// secrets, and secretQueryKeys whole ones: narrower than for headers, so
// that ?author= or ?monkey= stay readable.
var (
	secretQueryParts = []string{"token", "secret", "password", "passwd", "apikey", "signature", "credential"}
	secretQueryKeys  = []string{"key", "sig", "code", "auth", "authorization", "session", "sessionid"}
)

// normalizer drops what separates words in a name.
var normalizer = strings.NewReplacer("-", "", "_", "")

// secretHeader reports whether a header's name says its value is secret.
func secretHeader(name string) bool {
	n := normalizer.Replace(strings.ToLower(name))
	for _, s := range secretHeaderParts {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// secretQuery reports whether a query key says its value is secret.
func secretQuery(key string) bool {
	n := normalizer.Replace(strings.ToLower(key))
	for _, s := range secretQueryParts {
		if strings.Contains(n, s) {
			return true
		}
	}
	return slices.Contains(secretQueryKeys, n)
}

// credentialValue reports a value that is a credential by its form: an
// Authorization-style "Bearer …" or "Basic …".
func credentialValue(v string) bool {
	for _, scheme := range []string{"bearer ", "basic ", "token "} {
		if len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) {
			return true
		}
	}
	return false
}

// redactHeader is a header's value as it may be exported.
func redactHeader(name, v string) string {
	if v == redacted || (!secretHeader(name) && !credentialValue(v)) {
		return v
	}
	return redacted
}

// redactURL is raw (parsed as u) with its user info (a password, or a
// user name alone, which may be a token) and secret query values
// replaced; raw itself when there is nothing to hide.
func redactURL(u *url.URL, raw string) string {
	changed := false
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != redacted {
			u.User, changed = url.UserPassword(u.User.Username(), redacted), true
		} else if !ok && u.User.Username() != redacted {
			u.User, changed = url.User(redacted), true
		}
	}
	if u.RawQuery != "" {
		q, queryChanged := u.Query(), false
		for k, vs := range q {
			if !secretQuery(k) {
				continue
			}
			for i, v := range vs {
				if v != redacted {
					vs[i], queryChanged = redacted, true
				}
			}
		}
		if queryChanged {
			u.RawQuery, changed = q.Encode(), true
		}
	}
	if !changed {
		return raw
	}
	return u.String()
}
