package nango

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"

	"github.com/extism/go-pdk"
)

// ActionError is returned by an action to fail with a structured payload
// the caller receives as is (Nango's ActionError).
type ActionError struct {
	Payload any
}

func (e *ActionError) Error() string {
	b, _ := json.Marshal(e.Payload)
	return "action error: " + string(b)
}

// failure is the JSON an entry point leaves as its Extism error; the host
// decodes it into a typed function error.
type failure struct {
	Code     string     `json:"code"`
	Message  string     `json:"message"`
	Payload  any        `json:"payload,omitempty"`
	Upstream *HTTPError `json:"upstream,omitempty"`
}

// RunSync runs a sync's body; export it as "sync":
//
//	//go:wasmexport sync
//	func sync() int32 { return nango.RunSync(fetchIssues) }
func RunSync(fn func() error) int32 {
	defer runtime.Gosched()
	if _, warm := input(); warm {
		return 0
	}
	return finish(fn())
}

// RunOnEvent runs an on-event hook's body; export it as "on_event".
func RunOnEvent(fn func() error) int32 {
	defer runtime.Gosched()
	if _, warm := input(); warm {
		return 0
	}
	return finish(fn())
}

// RunOnWebhook runs a sync's webhook handler with the decoded payload;
// export it as "on_webhook".
func RunOnWebhook[P any](fn func(payload P) error) int32 {
	defer runtime.Gosched()
	raw, warm := input()
	if warm {
		warmTypes[P]()
		return 0
	}
	var payload P
	if err := json.Unmarshal(raw, &payload); err != nil {
		return finish(&failure{Code: "invalid_payload", Message: err.Error()})
	}
	return finish(fn(payload))
}

// RunAction decodes the action's input into I, runs fn and returns its
// output as JSON; export it as "action":
//
//	//go:wasmexport action
//	func action() int32 { return nango.RunAction(createIssue) }
func RunAction[I, O any](fn func(input I) (O, error)) int32 {
	defer runtime.Gosched()
	raw, warm := input()
	if warm {
		warmTypes[I]()
		warmTypes[O]()
		return 0
	}
	var in I
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			return finish(&failure{Code: "invalid_input", Message: err.Error()})
		}
	}
	output, err := fn(in)
	if err != nil {
		return finish(err)
	}
	out, err := json.Marshal(output)
	if err != nil {
		return finish(&failure{Code: "invalid_output", Message: err.Error()})
	}
	exchange("output", out)
	return 0
}

func (f *failure) Error() string { return f.Message }

// finish turns an entry point's error into its Extism error and exit code.
func finish(err error) int32 {
	if err == nil {
		return 0
	}
	f := &failure{Code: "function_error", Message: err.Error()}
	var (
		fe  *failure
		ae  *ActionError
		he  *HTTPError
		hse *Error
	)
	switch {
	case errors.As(err, &fe):
		f = fe
	case errors.As(err, &ae):
		f.Code, f.Payload = "action_error", ae.Payload
	case errors.As(err, &he):
		f.Code, f.Upstream = "script_http_error", he
	case errors.As(err, &hse):
		f.Code = hse.Code
	}
	b, _ := json.Marshal(f)
	pdk.SetErrorString(string(b))
	return 1
}

// warmInput is what the host answers for the input when it calls an entry
// point to warm a fresh instance (docs/ABI.md): not JSON, so never an input.
var warmInput = []byte("\x00ferry:warm")

// input returns the execution's input, or reports warm mode.
func input() (raw []byte, warm bool) {
	raw = exchange("input", noRequest)
	return raw, bytes.Equal(raw, warmInput)
}

// warmTypes makes encoding/json build its encoder and decoder for T, which
// it otherwise does on the first use in every fresh instance.
func warmTypes[T any]() {
	var v T
	b, err := json.Marshal(v)
	if err == nil {
		_ = json.Unmarshal(b, &v)
	}
}

// warmJSON runs encoding/json once, so that its package-level state and
// the heap's first spans are ready before an execution needs them: every
// execution starts on a fresh instance, so this is paid once per instance,
// ahead of time, instead of in the execution (it halves a noop action).
func warmJSON() {
	var v struct {
		S string          `json:"s"`
		R json.RawMessage `json:"r"`
	}
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &v)
}

// prewarm lets the host initialise the Go runtime of a fresh instance before
// any execution takes it, so executions do not pay for that start.
//
//go:wasmexport ferry_prewarm
func prewarm() int32 {
	warmJSON()
	runtime.Gosched()
	return 0
}
