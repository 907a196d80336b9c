package hostfns

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Call describes one upstream attempt, for logs, with secrets redacted.
type Call struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`                      // secret query values are "REDACTED"
	RequestHeaders map[string]string `json:"requestHeaders,omitempty"` // secret values are "REDACTED"
	Status         int               `json:"status"`                   // 0 when no answer came
	Err            string            `json:"error,omitempty"`
	Attempt        int               `json:"attempt"` // 0-based
	Duration       time.Duration     `json:"duration"`
	Start          time.Time         `json:"start"`
}

// redacted replaces secret values in logged calls.
const redacted = "REDACTED"

// secrets is what an attempt must not log: headers and query keys filled
// from credentials, and the credential values themselves wherever they
// appear (a function may copy a token into a header of its own).
type secrets struct {
	values  []string
	headers []string // canonical names
	query   []string
}

func (s *secrets) add(c *Credentials) {
	if c == nil {
		return
	}
	for _, v := range []string{c.APIKey, c.AccessToken, c.Password} {
		if len(v) >= 4 {
			s.values = append(s.values, v)
		}
	}
}

// hides reports whether a value must be redacted: it came from credentials,
// its name says it is secret, or it holds a credential.
func (s *secrets) hides(fromCreds bool, v string) bool {
	if fromCreds {
		return true
	}
	for _, secret := range s.values {
		if strings.Contains(v, secret) {
			return true
		}
	}
	return false
}

// headerMap flattens request headers for a Call, redacting secret ones.
func (s *secrets) headerMap(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if s.hides(slices.Contains(s.headers, k) || secretHeader(k), v) {
			v = redacted
		}
		m[k] = v
	}
	return m
}

// redactURL is u with secret query values and any password replaced.
func (s *secrets) redactURL(u *url.URL) string {
	c := *u
	if _, ok := c.User.Password(); ok {
		c.User = url.UserPassword(c.User.Username(), redacted)
	}
	if c.RawQuery == "" {
		return c.String()
	}
	q, changed := c.Query(), false
	for k, vs := range q {
		for i, v := range vs {
			if s.hides(slices.Contains(s.query, k) || secretQuery(k), v) {
				vs[i], changed = redacted, true
			}
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// secretHeader reports header names that carry secrets by convention.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "cookie", "token", "secret", "password", "api-key", "apikey", "api_key", "session", "signature"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretQuery reports query keys that carry secrets by convention.
func secretQuery(key string) bool {
	switch strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(key)) {
	case "apikey", "key", "token", "accesstoken", "refreshtoken", "secret", "clientsecret",
		"password", "signature", "sig", "auth", "authorization", "code":
		return true
	}
	return false
}
