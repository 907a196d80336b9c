package hostfns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	extism "github.com/extism/go-sdk"
)

// Namespace is the Wasm import module of ferry's host functions.
const Namespace = "extism:host/user"

// handler is one host function: JSON request in, result value out.
type handler func(ctx context.Context, n *Nango, in []byte) (any, error)

// handlers are the host functions of docs/ABI.md, by import name.
var handlers = map[string]handler{
	"request":                   handleRequest,
	"paginate":                  handlePaginate,
	"batch_save":                handleBatchSave,
	"batch_update":              handleBatchUpdate,
	"batch_delete":              handleBatchDelete,
	"get_records_by_ids":        handleGetRecordsByIDs,
	"get_checkpoint":            handleGetCheckpoint,
	"save_checkpoint":           handleSaveCheckpoint,
	"clear_checkpoint":          handleClearCheckpoint,
	"get_metadata":              handleGetMetadata,
	"set_metadata":              handleSetMetadata,
	"update_metadata":           handleUpdateMetadata,
	"get_connection":            handleGetConnection,
	"log":                       handleLog,
	"crypto_digest":             handleCryptoDigest,
	"random_bytes":              handleRandomBytes,
	"track_deletes_start":       handleTrackDeletesStart,
	"track_deletes_end":         handleTrackDeletesEnd,
	"list_records":              handleListRecords,
	"get_token":                 handleGetToken,
	"get_integration":           handleGetIntegration,
	"get_environment_variables": handleGetEnvironmentVariables,
	"fetch":                     handleFetch,
}

// HostFunctionNames lists the functions a native bundle may import from
// Namespace, sorted: one per capability, plus the direct binding's two.
func HostFunctionNames() []string {
	names := []string{directCall, directAnswer}
	for name := range handlers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ExtismFunctions binds the nango capabilities as Extism host functions:
// one per capability, taking and returning the offset of an Extism memory
// block of JSON (what PDKs' host-function helpers expect), plus the direct
// binding ferry_call/ferry_answer over the guest's own memory. They find the
// execution's *Nango with FromContext and its memory with WithGuestMemory.
func ExtismFunctions() []extism.HostFunction {
	fns := directFunctions()
	for name, h := range handlers {
		f := extism.NewHostFunctionWithStack(name, bind(name, h),
			[]extism.ValueType{extism.ValueTypePTR}, []extism.ValueType{extism.ValueTypePTR})
		f.SetNamespace(Namespace)
		fns = append(fns, f)
	}
	return fns
}

func bind(name string, h handler) extism.HostFunctionStackCallback {
	return func(ctx context.Context, p *extism.CurrentPlugin, stack []uint64) {
		in, err := p.ReadBytes(stack[0])
		var out []byte
		if err != nil {
			out = encodeError(errorf(CodeInvalidRequest, "%s: read request: %v", name, err))
		} else {
			out = answer(ctx, name, h, in)
		}
		offset, err := p.WriteBytes(out)
		if err != nil {
			// The guest has no memory left for the answer: end the execution.
			panic(fmt.Errorf("%s: write answer: %w", name, err))
		}
		stack[0] = offset
	}
}

// answer runs h and encodes its result, or its error as {"error":{…}}.
func answer(ctx context.Context, name string, h handler, in []byte) []byte {
	n, ok := FromContext(ctx)
	if !ok {
		return encodeError(errorf(CodeNoExecution, "%s: called outside an execution", name))
	}
	res, err := h(ctx, n, in)
	if err != nil {
		return encodeError(err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return encodeError(errorf(CodeInternal, "%s: encode answer: %v", name, err))
	}
	return out
}

// wireError is the {"error":{…}} answer of a failed host call.
type wireError struct {
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Upstream *wireUpstream `json:"upstream,omitempty"`
}

type wireUpstream struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

func encodeError(err error) []byte {
	we := wireError{Code: CodeInternal, Message: err.Error()}
	var (
		e  *Error
		he *HTTPError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		we.Code = CodeCanceled
	case errors.As(err, &e):
		we.Code = e.Code
		if errors.As(err, &he) {
			we.Upstream = &wireUpstream{Status: he.Status, Headers: he.Headers, Body: he.Body}
		}
	}
	out, _ := json.Marshal(struct {
		Error wireError `json:"error"`
	}{we})
	return out
}

// decode unmarshals a guest's JSON request; malformed JSON is the guest's
// error, reported as invalid_request.
func decode(name string, in []byte, v any) error {
	if err := json.Unmarshal(in, v); err != nil {
		return errorf(CodeInvalidRequest, "%s: malformed request JSON: %v", name, err)
	}
	return nil
}

// Invoke runs the capability name with the JSON request req for the
// execution bound to ctx (WithNango) and returns its JSON answer: the
// result object, or {"error":{…}} (an unknown name is invalid_request).
// It is the binding of engines that marshal their own calls, like the
// JavaScript engine's __ferry_host.
func Invoke(ctx context.Context, name string, req []byte) []byte {
	h := handlers[name]
	if h == nil {
		return encodeError(errorf(CodeInvalidRequest, "no host function %q", name))
	}
	return answer(ctx, name, h, req)
}
