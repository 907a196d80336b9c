package outbox

import "errors"

// Sentinel errors. Errors for bad input wrap one of these; the wrapping
// message says what was wrong.
var (
	// ErrInvalidMessage reports a message without an environment or a
	// type, or whose body is not JSON.
	ErrInvalidMessage = errors.New("outbox: invalid message")

	// ErrInvalidURL reports a webhook URL that is not an absolute http or
	// https URL, or more URLs than an environment may have.
	ErrInvalidURL = errors.New("outbox: invalid webhook URL")

	// ErrInvalidSigningKey reports a signing key shorter than
	// MinSigningKeyLen bytes, or a "whsec_" key that is not base64.
	ErrInvalidSigningKey = errors.New("outbox: invalid signing key")

	// ErrRunning reports a second Run of an Outbox while one is running.
	ErrRunning = errors.New("outbox: already running")

	// ErrMissingSignature reports a request to Verify without one of the
	// signatures ferry sends.
	ErrMissingSignature = errors.New("outbox: missing signature")

	// ErrBadSignature reports a signature that does not match the body.
	ErrBadSignature = errors.New("outbox: signature mismatch")

	// ErrStaleTimestamp reports a webhook-timestamp outside Verify's
	// tolerance.
	ErrStaleTimestamp = errors.New("outbox: timestamp out of tolerance")
)
