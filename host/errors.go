package host

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Kind classifies how an execution failed.
type Kind string

// The kinds of execution failure.
const (
	KindTimeout     Kind = "timeout"      // the deadline passed
	KindCanceled    Kind = "canceled"     // the caller canceled the context
	KindMemoryLimit Kind = "memory_limit" // the guest hit its memory cap
	KindTrap        Kind = "trap"         // the guest crashed (panic, unreachable, bad access)
	KindFunction    Kind = "function"     // the function returned an error
	KindHost        Kind = "host"         // the host failed the execution (a record write failed)
)

// Sentinel errors: every *ExecError matches the one of its kind with
// errors.Is.
var (
	ErrTimeout     = errors.New("execution timed out")
	ErrCanceled    = errors.New("execution canceled")
	ErrMemoryLimit = errors.New("execution exceeded its memory limit")
	ErrTrap        = errors.New("execution trapped")
	ErrFunction    = errors.New("function failed")
	ErrHost        = errors.New("host failed the execution")
)

var kindErrors = map[Kind]error{
	KindTimeout:     ErrTimeout,
	KindCanceled:    ErrCanceled,
	KindMemoryLimit: ErrMemoryLimit,
	KindTrap:        ErrTrap,
	KindFunction:    ErrFunction,
	KindHost:        ErrHost,
}

// ExecError is a failed execution.
type ExecError struct {
	Kind    Kind
	Message string
	// Function is set for KindFunction: what the function failed with.
	Function *FunctionError
	cause    error
}

func (e *ExecError) Error() string { return fmt.Sprintf("%s: %s", e.Kind, e.Message) }

// Is matches the sentinel of e's kind.
func (e *ExecError) Is(target error) bool { return kindErrors[e.Kind] == target }

func (e *ExecError) Unwrap() error { return e.cause }

// FunctionError is the error a function returned, as the guest package
// encodes it (docs/ABI.md): a code, a message, an optional payload
// (ActionError) and, for upstream HTTP failures, the upstream answer.
type FunctionError struct {
	Code     string          `json:"code"`
	Message  string          `json:"message"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	Upstream *Upstream       `json:"upstream,omitempty"`
}

// Upstream is an external API's non-2xx answer.
type Upstream struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// parseFunctionError decodes the error a guest left; a guest that is not
// built with ferry's guest package leaves plain text.
func parseFunctionError(msg string) *FunctionError {
	var fe FunctionError
	if err := json.Unmarshal([]byte(msg), &fe); err == nil && fe.Code != "" {
		return &fe
	}
	return &FunctionError{Code: "function_error", Message: msg}
}
