package oauth

import (
	"errors"
	"fmt"
)

// Errors of the package; match them with errors.Is.
var (
	// ErrUnresolved: a template names a value the connection lacks.
	ErrUnresolved = errors.New("unresolved template reference")
	// ErrNoRefreshToken: a refresh was asked of a token without one.
	ErrNoRefreshToken = errors.New("no refresh token")
	// ErrBadState: a callback's state is unknown, used or expired.
	ErrBadState = errors.New("unknown or expired state")
	// ErrBadConnectToken: a connect session token is malformed, forged or
	// expired.
	ErrBadConnectToken = errors.New("invalid or expired connect session token")
)

// TokenError is a token endpoint's refusal (RFC 6749 §5.2).
type TokenError struct {
	Status      int    // the HTTP status
	Code        string // error, e.g. invalid_grant
	Description string // error_description, or the start of a non-standard body
}

func (e *TokenError) Error() string {
	msg := fmt.Sprintf("token endpoint answered %d", e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}
