package webhooks

import "errors"

// Sentinel errors. Verify's errors wrap one of the first four, with a
// message that names the header at fault; the receiver answers them with
// 401. Payload's errors wrap ErrUnsupportedBody (400).
var (
	// ErrMissingSignature reports a request without the signature header
	// (or the timestamp header) its scheme needs.
	ErrMissingSignature = errors.New("webhooks: missing signature")

	// ErrBadSignature reports a signature that does not match the request
	// (a wrong secret, an altered body), or a malformed signature or
	// timestamp header.
	ErrBadSignature = errors.New("webhooks: bad signature")

	// ErrStaleTimestamp reports a correctly signed request whose signed
	// timestamp is more than Tolerance away from its arrival: a replay.
	ErrStaleTimestamp = errors.New("webhooks: stale timestamp")

	// ErrNoSecret reports a scheme that needs a secret for an integration
	// that has none (set its webhook_secret).
	ErrNoSecret = errors.New("webhooks: no webhook secret")

	// ErrInvalidConfig reports a webhook config naming an unknown
	// signature scheme or encoding: the provider catalog is wrong, not
	// the request.
	ErrInvalidConfig = errors.New("webhooks: invalid config")

	// ErrUnsupportedBody reports a body that is neither JSON nor
	// application/x-www-form-urlencoded.
	ErrUnsupportedBody = errors.New("webhooks: unsupported body")
)
