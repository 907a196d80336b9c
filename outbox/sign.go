package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of a signed webhook.
const (
	// HeaderHMAC is hex(HMAC-SHA256(signing key, body)): what
	// @nangohq/node's verifyIncomingWebhookRequest checks.
	HeaderHMAC = "X-Nango-Hmac-Sha256"
	// HeaderLegacySignature is hex(SHA-256(signing key + body)), Nango's
	// older signature.
	HeaderLegacySignature = "X-Nango-Signature"
	// HeaderID, HeaderTimestamp and HeaderSignature are Standard Webhooks'
	// (https://www.standardwebhooks.com): the delivery's id (the same on
	// every attempt), the attempt's Unix time in seconds, and
	// "v1,<base64(HMAC-SHA256(key, id.timestamp.body))>".
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// standardKeyPrefix marks a Standard Webhooks secret: base64 after it.
const standardKeyPrefix = "whsec_"

// Sign sets the signature headers of a webhook with body, delivery id and
// attempt time at, signed with key, on h.
func Sign(h http.Header, key, id string, at time.Time, body []byte) error {
	skey, err := standardKey(key)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	h.Set(HeaderHMAC, nangoHMAC(key, body))
	h.Set(HeaderLegacySignature, legacySignature(key, body))
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, "v1,"+standardSignature(skey, id, ts, body))
	return nil
}

// Verify checks the signatures Sign sets on a webhook received with
// header h and body: X-Nango-Hmac-Sha256, X-Nango-Signature when present,
// and the Standard Webhooks signature (any of its space-separated v1
// entries), whose timestamp must be within tolerance of now (tolerance 0:
// not checked). It returns nil, or an error wrapping ErrMissingSignature,
// ErrBadSignature or ErrStaleTimestamp.
func Verify(h http.Header, key string, body []byte, now time.Time, tolerance time.Duration) error {
	skey, err := standardKey(key)
	if err != nil {
		return err
	}
	got := h.Get(HeaderHMAC)
	if got == "" {
		return fmt.Errorf("no %s header: %w", HeaderHMAC, ErrMissingSignature)
	}
	if !hmac.Equal([]byte(strings.ToLower(got)), []byte(nangoHMAC(key, body))) {
		return fmt.Errorf("%s: %w", HeaderHMAC, ErrBadSignature)
	}
	if got := h.Get(HeaderLegacySignature); got != "" && !hmac.Equal([]byte(strings.ToLower(got)), []byte(legacySignature(key, body))) {
		return fmt.Errorf("%s: %w", HeaderLegacySignature, ErrBadSignature)
	}
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("the %s, %s and %s headers are needed: %w", HeaderID, HeaderTimestamp, HeaderSignature, ErrMissingSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%s %q is not Unix seconds: %w", HeaderTimestamp, ts, ErrBadSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)).Abs(); tolerance > 0 && d > tolerance {
		return fmt.Errorf("%s is %s away from now: %w", HeaderTimestamp, d, ErrStaleTimestamp)
	}
	want := []byte(standardSignature(skey, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return fmt.Errorf("%s: %w", HeaderSignature, ErrBadSignature)
}

// standardKey is the HMAC key of the Standard Webhooks signature: the
// base64-decoded bytes of a "whsec_" key, else the key's bytes.
func standardKey(key string) ([]byte, error) {
	rest, ok := strings.CutPrefix(key, standardKeyPrefix)
	if !ok {
		return []byte(key), nil
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("a %s key must be base64 after the prefix: %w", standardKeyPrefix, ErrInvalidSigningKey)
	}
	return b, nil
}

func nangoHMAC(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func legacySignature(key string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(key))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func standardSignature(key []byte, id, ts string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
