package outbox_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
)

// The Standard Webhooks reference vector (the specification's and every
// reference library's test).
const (
	vectorKey  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID   = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS   = 1614265330
	vectorBody = `{"test": 2432232314}`
	vectorSig  = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignKnownVector(t *testing.T) {
	h := http.Header{}
	if err := outbox.Sign(h, vectorKey, vectorID, time.Unix(vectorTS, 0), []byte(vectorBody)); err != nil {
		t.Fatal(err)
	}
	if got := h.Get(outbox.HeaderSignature); got != vectorSig {
		t.Fatalf("webhook-signature %q, want %q", got, vectorSig)
	}
	if h.Get(outbox.HeaderID) != vectorID || h.Get(outbox.HeaderTimestamp) != strconv.Itoa(vectorTS) {
		t.Fatalf("id and timestamp: %v", h)
	}
}

func TestSignMatchesIndependentComputation(t *testing.T) {
	body := []byte(`{"from":"nango","type":"auth","success":true}`)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, key := range []string{"plain-key-0123456789abcdef", vectorKey} {
		t.Run(key, func(t *testing.T) {
			h := http.Header{}
			if err := outbox.Sign(h, key, "msg_1", at, body); err != nil {
				t.Fatal(err)
			}
			// What @nangohq/node checks: HMAC-SHA256 of the body under the
			// key string, in hex.
			m := hmac.New(sha256.New, []byte(key))
			m.Write(body)
			if want := hex.EncodeToString(m.Sum(nil)); h.Get(outbox.HeaderHMAC) != want {
				t.Fatalf("%s %q, want %q", outbox.HeaderHMAC, h.Get(outbox.HeaderHMAC), want)
			}
			legacy := sha256.Sum256(append([]byte(key), body...))
			if want := hex.EncodeToString(legacy[:]); h.Get(outbox.HeaderLegacySignature) != want {
				t.Fatalf("%s %q, want %q", outbox.HeaderLegacySignature, h.Get(outbox.HeaderLegacySignature), want)
			}
			skey := []byte(key)
			if key == vectorKey {
				skey, _ = base64.StdEncoding.DecodeString(key[len("whsec_"):])
			}
			m = hmac.New(sha256.New, skey)
			fmt.Fprintf(m, "msg_1.%d.%s", at.Unix(), body)
			if want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)); h.Get(outbox.HeaderSignature) != want {
				t.Fatalf("%s %q, want %q", outbox.HeaderSignature, h.Get(outbox.HeaderSignature), want)
			}
			if err := outbox.Verify(h, key, body, at, time.Minute); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	const key = "plain-key-0123456789abcdef"
	body := []byte(`{"n":1}`)
	at := time.Unix(1700000000, 0)
	signed := func() http.Header {
		h := http.Header{}
		if err := outbox.Sign(h, key, "msg_1", at, body); err != nil {
			t.Fatal(err)
		}
		return h
	}
	cases := []struct {
		name   string
		change func(h http.Header) (string, []byte, time.Time)
		want   error
	}{
		{"other key", func(h http.Header) (string, []byte, time.Time) { return "another-key-0123456789", body, at }, outbox.ErrBadSignature},
		{"changed body", func(h http.Header) (string, []byte, time.Time) { return key, []byte(`{"n":2}`), at }, outbox.ErrBadSignature},
		{"no nango signature", func(h http.Header) (string, []byte, time.Time) {
			h.Del(outbox.HeaderHMAC)
			return key, body, at
		}, outbox.ErrMissingSignature},
		{"no standard signature", func(h http.Header) (string, []byte, time.Time) {
			h.Del(outbox.HeaderSignature)
			return key, body, at
		}, outbox.ErrMissingSignature},
		{"bad legacy signature", func(h http.Header) (string, []byte, time.Time) {
			h.Set(outbox.HeaderLegacySignature, "00")
			return key, body, at
		}, outbox.ErrBadSignature},
		{"other id", func(h http.Header) (string, []byte, time.Time) {
			h.Set(outbox.HeaderID, "msg_2")
			return key, body, at
		}, outbox.ErrBadSignature},
		{"other timestamp", func(h http.Header) (string, []byte, time.Time) {
			h.Set(outbox.HeaderTimestamp, strconv.FormatInt(at.Unix()+1, 10))
			return key, body, at
		}, outbox.ErrBadSignature},
		{"timestamp not a number", func(h http.Header) (string, []byte, time.Time) {
			h.Set(outbox.HeaderTimestamp, "soon")
			return key, body, at
		}, outbox.ErrBadSignature},
		{"stale", func(h http.Header) (string, []byte, time.Time) { return key, body, at.Add(10 * time.Minute) }, outbox.ErrStaleTimestamp},
		{"signature of another version", func(h http.Header) (string, []byte, time.Time) {
			h.Set(outbox.HeaderSignature, "v2,"+h.Get(outbox.HeaderSignature)[3:])
			return key, body, at
		}, outbox.ErrBadSignature},
		{"whsec key not base64", func(h http.Header) (string, []byte, time.Time) { return "whsec_!!!!", body, at }, outbox.ErrInvalidSigningKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := signed()
			k, b, now := tc.change(h)
			if err := outbox.Verify(h, k, b, now, 5*time.Minute); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// Several signatures (a receiver mid key rotation): any v1 match is enough.
	h := signed()
	h.Set(outbox.HeaderSignature, "v1,bm9wZQ== "+h.Get(outbox.HeaderSignature))
	if err := outbox.Verify(h, key, body, at, 0); err != nil {
		t.Fatalf("with another signature first: %v", err)
	}
}

func ExampleVerify() {
	body := []byte(`{"from":"nango","type":"sync","model":"Issue"}`)
	h := http.Header{}
	at := time.Unix(1614265330, 0)
	_ = outbox.Sign(h, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", at, body)
	fmt.Println(outbox.Verify(h, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", body, at, 5*time.Minute))
	fmt.Println(outbox.Verify(h, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", []byte(`{}`), at, 5*time.Minute))
	// Output:
	// <nil>
	// X-Nango-Hmac-Sha256: outbox: signature mismatch
}
