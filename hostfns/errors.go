package hostfns

import (
	"errors"
	"fmt"
)

// Error codes a guest can receive in {"error":{"code","message"}}.
const (
	CodeInvalidRequest = "invalid_request" // the guest sent JSON the host cannot use
	CodeUnknownModel   = "unknown_model"   // a model the function does not declare
	CodeInvalidRecord  = "invalid_record"  // a record the store refuses (no id, id too long…)
	CodeInvalidConfig  = "invalid_config"  // a ProxyConfig the HTTP capability refuses
	CodeHTTPError      = "http_error"      // the upstream API answered non-2xx
	CodeNetworkError   = "network_error"   // the upstream API could not be reached
	CodeCanceled       = "canceled"        // the execution's deadline passed or it was canceled
	CodeNoExecution    = "no_execution"    // a host function called outside an execution
	CodeInternal       = "internal_error"  // anything else; details are in the host's log
)

// Error is a capability failure with the code a guest sees.
type Error struct {
	Code    string
	Message string
	err     error
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.err }

// errorf builds an *Error with a formatted message; a %w verb in format is
// kept as the cause.
func errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), err: errors.Unwrap(err)}
}
