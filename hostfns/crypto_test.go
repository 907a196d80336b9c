package hostfns_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
)

func TestCryptoCapabilities(t *testing.T) {
	n, _ := newNango(t)
	ctx := hostfns.WithNango(context.Background(), n)
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct{ name, fn, req, want string }{
		// Digests of "abc" from RFC 1321, FIPS 180-2 and RFC 4231-style HMAC.
		{"md5", "crypto_digest", `{"algorithm":"md5","data":"` + b64([]byte("abc")) + `"}`, "kAFQmDzST7DWlj99KOF/cg=="},
		{"sha1", "crypto_digest", `{"algorithm":"sha1","data":"` + b64([]byte("abc")) + `"}`, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="},
		{"sha256", "crypto_digest", `{"algorithm":"sha256","data":"` + b64([]byte("abc")) + `"}`, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
		{"hmac", "crypto_digest", `{"algorithm":"sha256","data":"` + b64([]byte("what do ya want for nothing?")) + `","hmacKey":"` + b64([]byte("Jefe")) + `"}`, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="},
		{"unknown algorithm", "crypto_digest", `{"algorithm":"sha3","data":""}`, `"code":"invalid_request"`},
		{"random size 0", "random_bytes", `{"size":0}`, `"code":"invalid_request"`},
		{"random too big", "random_bytes", `{"size":70000}`, `"code":"invalid_request"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(hostfns.Invoke(ctx, tc.fn, []byte(tc.req)))
			if !strings.Contains(got, tc.want) {
				t.Fatalf("answer %s, want %s", got, tc.want)
			}
		})
	}
	var r struct{ Bytes []byte }
	if err := json.Unmarshal(hostfns.Invoke(ctx, "random_bytes", []byte(`{"size":32}`)), &r); err != nil || len(r.Bytes) != 32 {
		t.Fatalf("random_bytes: %v %d", err, len(r.Bytes))
	}
	if got := string(hostfns.Invoke(ctx, "nope", []byte(`{}`))); !strings.Contains(got, `no host function \"nope\"`) {
		t.Fatalf("unknown name: %s", got)
	}
}
