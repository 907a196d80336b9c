package tracing

import (
	"net/url"
	"testing"
)

func TestRedactHeader(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"Authorization", "Bearer abc", redacted},
		{"Proxy-Authorization", "Basic dXNlcjpwYXNz", redacted},
		{"Cookie", "session=abc", redacted},
		{"X-Api-Key", "k-123", redacted},
		{"X_API_KEY", "k-123", redacted},
		{"Private-Token", "glpat-123", redacted},
		{"X-Session-Id", "s-1", redacted},
		{"X-Hub-Signature-256", "sha256=…", redacted},
		{"X-Custom", "Bearer abc", redacted}, // a credential by its form
		{"Authorization", redacted, redacted},
		{"Accept", "application/json", "application/json"},
		{"User-Agent", "ferry", "ferry"},
		{"X-Custom", "Bearer", "Bearer"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			if got := redactHeader(tc.name, tc.value); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"https://api.example.com/repos?page=2", "https://api.example.com/repos?page=2"},
		{"https://api.example.com/x?api_key=REDACTED&page=2", "https://api.example.com/x?api_key=REDACTED&page=2"},
		{"https://api.example.com/x?page=2&api_key=k1", "https://api.example.com/x?api_key=REDACTED&page=2"},
		{"https://api.example.com/x?access_token=t&key=k&author=bob", "https://api.example.com/x?access_token=REDACTED&author=bob&key=REDACTED"},
		{"https://user:pass@api.example.com/x", "https://user:REDACTED@api.example.com/x"},
		{"https://user:REDACTED@api.example.com/x", "https://user:REDACTED@api.example.com/x"},
		{"https://ghp_token@github.com/x", "https://REDACTED@github.com/x"},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			u, err := url.Parse(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := redactURL(u, tc.raw); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}
