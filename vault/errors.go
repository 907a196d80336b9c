package vault

import "errors"

// Sentinel errors. Every error the package returns wraps one of these, so
// callers can branch with errors.Is. The wrapping message says what was
// wrong (a length, a key id, a file and its mode), never a key, a
// plaintext or a secret key.
var (
	// ErrInvalidKey reports bad key material: not hex or base64, the wrong
	// length, a malformed or duplicate key id, or no key at all.
	ErrInvalidKey = errors.New("vault: invalid key")

	// ErrUnknownKey reports a sealed value whose key id is not in the
	// keyring: it was sealed under a key that has since been dropped, or
	// under another installation's key. The message names the id.
	ErrUnknownKey = errors.New("vault: unknown key id")

	// ErrTampered reports a sealed value that failed authentication: its
	// bytes were changed, it was sealed for another place (different
	// additional data), or under a different key that has the same id.
	ErrTampered = errors.New("vault: sealed value does not authenticate")

	// ErrMalformed reports bytes that are not an encoded sealed value: an
	// unknown version, a truncated value, a bad key id.
	ErrMalformed = errors.New("vault: malformed sealed value")

	// ErrUnsafeFile reports a key file that others may read or write, or a
	// secret key hash file that others may write, or a path that is not a
	// regular file. vault refuses to use it rather than trust it.
	ErrUnsafeFile = errors.New("vault: unsafe file permissions")

	// ErrInvalidSecretKey reports a secret key given by the operator
	// (FERRY_SECRET_KEY) that is too short or contains characters that
	// cannot travel in an Authorization header, or a secret key hash file
	// that does not hold a hash ferry wrote.
	ErrInvalidSecretKey = errors.New("vault: invalid secret key")
)
