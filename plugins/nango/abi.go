package nango

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"unsafe"
)

// The direct binding of docs/ABI.md: the request and the answer move
// through this guest's own memory, one copy each way.
//
//	ferry_call(name, request) -> answer length; ferry_answer(buffer)

//go:wasmimport extism:host/user ferry_call
func ferryCall(name unsafe.Pointer, nameLen uint32, req unsafe.Pointer, reqLen uint32) uint32

//go:wasmimport extism:host/user ferry_answer
func ferryAnswer(buf unsafe.Pointer)

// Error is an error the host answered with: {"error":{"code","message"}}.
// An upstream API's non-2xx answer comes back as *HTTPError instead.
type Error struct {
	Code     string     `json:"code"`
	Message  string     `json:"message"`
	Upstream *HTTPError `json:"upstream,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// noRequest is the request of host functions that take none.
var noRequest = []byte("{}")

// call sends req as JSON to the host function name and decodes its answer
// into res (res may be nil). A nil req sends {}.
func call(name string, req, res any) error {
	if req == nil {
		return callRaw(name, noRequest, res)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", name, err)
	}
	return callRaw(name, body, res)
}

// callRaw is call with an already encoded request. It yields afterwards so
// the guest's garbage collector can make progress.
func callRaw(name string, body []byte, res any) error {
	defer runtime.Gosched()
	answer := exchange(name, body)
	// The host starts every error answer with {"error": and no result
	// has that key, so most answers need no second decode.
	if bytes.HasPrefix(answer, errorPrefix) {
		var envelope struct {
			Error *Error `json:"error"`
		}
		if err := json.Unmarshal(answer, &envelope); err != nil || envelope.Error == nil {
			return fmt.Errorf("%s: decode error answer %q: %v", name, answer, err)
		}
		e := envelope.Error
		if e.Upstream != nil {
			e.Upstream.Message = e.Message
			return e.Upstream
		}
		return e
	}
	if res == nil {
		return nil
	}
	if err := json.Unmarshal(answer, res); err != nil {
		return fmt.Errorf("%s: decode answer: %w", name, err)
	}
	return nil
}

var errorPrefix = []byte(`{"error":`)

// exchange runs one host call and returns the answer's bytes.
func exchange(name string, body []byte) []byte {
	n := ferryCall(unsafe.Pointer(unsafe.StringData(name)), uint32(len(name)),
		unsafe.Pointer(unsafe.SliceData(body)), uint32(len(body)))
	runtime.KeepAlive(name)
	runtime.KeepAlive(body)
	answer := make([]byte, n)
	if n > 0 {
		ferryAnswer(unsafe.Pointer(unsafe.SliceData(answer)))
	}
	return answer
}
