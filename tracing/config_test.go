package tracing

import (
	"maps"
	"strings"
	"testing"
)

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct{ endpoint, want string }{
		{"http://collector:4318", "http://collector:4318/v1/traces"},
		{"http://collector:4318/", "http://collector:4318/v1/traces"},
		{"https://otel.example.com/prefix", "https://otel.example.com/prefix/v1/traces"},
		{"https://otel.example.com/v1/traces", "https://otel.example.com/v1/traces"},
		{"http://127.0.0.1:4318/v1/traces/", "http://127.0.0.1:4318/v1/traces"},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			got, err := Config{Endpoint: tc.endpoint}.endpointURL()
			if err != nil || got != tc.want {
				t.Fatalf("%q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestNewRejectsBadConfig names what is wrong, and never shows a
// password given in the endpoint.
func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoint", Config{}, "an endpoint is required"},
		{"no scheme", Config{Endpoint: "collector:4318"}, `endpoint "collector:4318": want an http:// or https:// URL`},
		{"other scheme", Config{Endpoint: "grpc://collector:4317"}, "want an http:// or https:// URL"},
		{"no host", Config{Endpoint: "http:///v1/traces"}, "want an http:// or https:// URL with a host"},
		{"unparsable", Config{Endpoint: "http://[::1"}, `endpoint "http://[::1"`},
		{"credentials", Config{Endpoint: "https://user:hunter2@collector"}, "credentials go in a header"},
		{"query", Config{Endpoint: "http://collector:4318?x=1"}, "want no query or fragment"},
		{"header name", Config{Endpoint: "http://c", Headers: map[string]string{"bad name": "v"}}, `header "bad name": not a valid header name`},
		{"header value", Config{Endpoint: "http://c", Headers: map[string]string{"X-Key": "a\r\nInjected: 1"}}, `header "X-Key": its value holds a line break`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := New(tc.cfg)
			if err == nil {
				x.Shutdown(t.Context())
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %q, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestParseHeaders(t *testing.T) {
	for _, tc := range []struct {
		list string
		want map[string]string
		err  string
	}{
		{"", map[string]string{}, ""},
		{"  ", map[string]string{}, ""},
		{"Authorization=Bearer%20abc", map[string]string{"Authorization": "Bearer abc"}, ""},
		{" api-key = k1 ,x-team=ops", map[string]string{"api-key": "k1", "x-team": "ops"}, ""},
		{"a=b=c", map[string]string{"a": "b=c"}, ""},
		{"a=1,Authorization Bearer xyz", nil, "header 2: want key=value"},
		{"=v", nil, "header 1: want key=value"},
		{"a=%zz", nil, `header "a": value`},
	} {
		t.Run(tc.list, func(t *testing.T) {
			got, err := ParseHeaders(tc.list)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "xyz") {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("%v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// FuzzParseHeaders: any list parses or is refused, without panicking, and
// what parses has no key with spaces around it.
func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"", "a=b", "a=b,c=d", "k=%20v%20", "=", ",", "a=%zz", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		headers, err := ParseHeaders(list)
		if err != nil {
			return
		}
		for k := range headers {
			if k == "" || k != strings.TrimSpace(k) {
				t.Fatalf("key %q from %q", k, list)
			}
		}
	})
}
