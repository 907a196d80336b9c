package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ferryhq/ferry/providers"
)

// Signature schemes, the values of providers.Webhook.Signature.
const (
	// SchemeNone accepts every request.
	SchemeNone = "none"
	// SchemeHMACSHA256 is the generic scheme: the header
	// Webhook.SignatureHeader (default DefaultSignatureHeader) carries
	// Webhook.SignaturePrefix (default none) + the HMAC-SHA256 of the
	// body, encoded as Webhook.SignatureEncoding: "hex" (the default) or
	// "base64". With no prefix configured, a leading "sha256=" is
	// tolerated.
	SchemeHMACSHA256 = "hmac-sha256"
	// SchemeGitHub: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret,
	// body)>.
	SchemeGitHub = "github"
	// SchemeSlack: X-Slack-Signature: v0=<hex HMAC-SHA256(secret,
	// "v0:" + X-Slack-Request-Timestamp + ":" + body)>, the timestamp in
	// Unix seconds within Tolerance.
	SchemeSlack = "slack"
	// SchemeStripe: Stripe-Signature: t=<Unix seconds>,v1=<hex
	// HMAC-SHA256(secret, t + "." + body)>, possibly several v1 (during a
	// secret's rotation: any one matching is enough), t within Tolerance.
	SchemeStripe = "stripe"
	// SchemeHubSpotV3: X-HubSpot-Signature-v3: base64(HMAC-SHA256(secret,
	// method + URL + body + X-HubSpot-Request-Timestamp)), the timestamp
	// in Unix milliseconds within Tolerance; URL is Request.URL() with
	// the characters HubSpot decodes (%3A %2F %3F %40 %21 %24 %27 %28
	// %29 %2A %2C %3B) decoded.
	SchemeHubSpotV3 = "hubspot-v3"
)

// DefaultSignatureHeader is the generic scheme's header when the config
// names none.
const DefaultSignatureHeader = "X-Signature"

// Scheme is the scheme Verify applies: cfg.Signature, or when that is
// empty (or cfg is nil) SchemeHMACSHA256 if the integration has a secret
// and SchemeNone if not.
func Scheme(cfg *providers.Webhook, secret string) string {
	if cfg != nil && cfg.Signature != "" {
		return cfg.Signature
	}
	if secret != "" {
		return SchemeHMACSHA256
	}
	return SchemeNone
}

// Verify checks r's signature under the scheme Scheme(cfg, secret)
// names. A nil cfg is the zero config. Every scheme but SchemeNone needs
// a secret: without one, Verify fails with ErrNoSecret rather than let
// unsigned requests in. MACs are compared in constant time.
func Verify(cfg *providers.Webhook, secret string, r Request) error {
	scheme := Scheme(cfg, secret)
	if scheme == SchemeNone {
		return nil
	}
	verify, ok := verifiers[scheme]
	if !ok {
		return fmt.Errorf("%w: unknown signature scheme %q (want github, slack, stripe, hubspot-v3, hmac-sha256 or none)", ErrInvalidConfig, scheme)
	}
	if secret == "" {
		return fmt.Errorf("%w: the %q scheme needs the integration's webhook_secret", ErrNoSecret, scheme)
	}
	if cfg == nil {
		cfg = &providers.Webhook{}
	}
	return verify(cfg, []byte(secret), r)
}

// verifiers are the schemes' checks, by name.
var verifiers = map[string]func(cfg *providers.Webhook, secret []byte, r Request) error{
	SchemeHMACSHA256: verifyGeneric,
	SchemeGitHub:     verifyGitHub,
	SchemeSlack:      verifySlack,
	SchemeStripe:     verifyStripe,
	SchemeHubSpotV3:  verifyHubSpotV3,
}

func verifyGitHub(_ *providers.Webhook, secret []byte, r Request) error {
	const header = "X-Hub-Signature-256"
	v, err := signatureHeader(r, header)
	if err != nil {
		return err
	}
	sig, ok := strings.CutPrefix(v, "sha256=")
	if !ok {
		return fmt.Errorf("%w: %s does not start with \"sha256=\"", ErrBadSignature, header)
	}
	return compareHex(header, sig, sign(secret, r.Body))
}

func verifyGeneric(cfg *providers.Webhook, secret []byte, r Request) error {
	header := orDefault(cfg.SignatureHeader, DefaultSignatureHeader)
	encoding := orDefault(cfg.SignatureEncoding, "hex")
	if encoding != "hex" && encoding != "base64" {
		return fmt.Errorf("%w: signature_encoding %q: want hex or base64", ErrInvalidConfig, encoding)
	}
	v, err := signatureHeader(r, header)
	if err != nil {
		return err
	}
	sig, ok := strings.CutPrefix(v, cfg.SignaturePrefix)
	if !ok {
		return fmt.Errorf("%w: %s does not start with %q", ErrBadSignature, header, cfg.SignaturePrefix)
	}
	if cfg.SignaturePrefix == "" {
		sig = strings.TrimPrefix(sig, "sha256=")
	}
	want := sign(secret, r.Body)
	if encoding == "base64" {
		return compareBase64(header, sig, want)
	}
	return compareHex(header, sig, want)
}

// sign is the HMAC-SHA256 of the concatenated parts under secret.
func sign(secret []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// signatureHeader is r's header, or an ErrMissingSignature naming it.
func signatureHeader(r Request, header string) (string, error) {
	v := strings.TrimSpace(r.Header.Get(header))
	if v == "" {
		return "", fmt.Errorf("%w: no %s header", ErrMissingSignature, header)
	}
	return v, nil
}

// compareHex compares the hex signature sig (any case) with want.
func compareHex(header, sig string, want []byte) error {
	got, err := hex.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: %s is not hexadecimal", ErrBadSignature, header)
	}
	return compare(header, got, want)
}

// compareBase64 compares the base64 signature sig (standard or URL
// alphabet, padded or not) with want.
func compareBase64(header, sig string, want []byte) error {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if got, err := enc.DecodeString(sig); err == nil {
			return compare(header, got, want)
		}
	}
	return fmt.Errorf("%w: %s is not base64", ErrBadSignature, header)
}

func compare(header string, got, want []byte) error {
	if !hmac.Equal(got, want) {
		return fmt.Errorf("%w: %s does not match the request (wrong secret, or the body was altered)", ErrBadSignature, header)
	}
	return nil
}

// orDefault is v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
