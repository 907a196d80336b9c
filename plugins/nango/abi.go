package nango

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/extism/go-pdk"
)

// The host functions of namespace extism:host/user. Each takes the offset of
// an Extism memory block holding a JSON request and returns the offset of a
// block holding the JSON answer: a result object, or {"error":{code,message}}.

//go:wasmimport extism:host/user request
func hostRequest(uint64) uint64

//go:wasmimport extism:host/user paginate
func hostPaginate(uint64) uint64

//go:wasmimport extism:host/user batch_save
func hostBatchSave(uint64) uint64

//go:wasmimport extism:host/user batch_update
func hostBatchUpdate(uint64) uint64

//go:wasmimport extism:host/user batch_delete
func hostBatchDelete(uint64) uint64

//go:wasmimport extism:host/user get_records_by_ids
func hostGetRecordsByIDs(uint64) uint64

//go:wasmimport extism:host/user get_checkpoint
func hostGetCheckpoint(uint64) uint64

//go:wasmimport extism:host/user save_checkpoint
func hostSaveCheckpoint(uint64) uint64

//go:wasmimport extism:host/user clear_checkpoint
func hostClearCheckpoint(uint64) uint64

//go:wasmimport extism:host/user get_metadata
func hostGetMetadata(uint64) uint64

//go:wasmimport extism:host/user set_metadata
func hostSetMetadata(uint64) uint64

//go:wasmimport extism:host/user update_metadata
func hostUpdateMetadata(uint64) uint64

//go:wasmimport extism:host/user get_connection
func hostGetConnection(uint64) uint64

//go:wasmimport extism:host/user log
func hostLog(uint64) uint64

// Error is an error the host answered with: {"error":{"code","message"}}.
// An upstream API's non-2xx answer comes back as *HTTPError instead.
type Error struct {
	Code     string     `json:"code"`
	Message  string     `json:"message"`
	Upstream *HTTPError `json:"upstream,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// call sends req as JSON to a host function and decodes its answer into res
// (res may be nil). It yields afterwards so the guest's GC can progress.
func call(fn func(uint64) uint64, name string, req, res any) error {
	defer runtime.Gosched()
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", name, err)
	}
	return callRaw(fn, name, body, res)
}

// callRaw is call with an already encoded request.
func callRaw(fn func(uint64) uint64, name string, body []byte, res any) error {
	in := pdk.AllocateBytes(body)
	outOffset := fn(in.Offset())
	in.Free()
	out := pdk.FindMemory(outOffset)
	answer := out.ReadBytes()
	out.Free()

	var envelope struct {
		Error *Error `json:"error"`
	}
	if err := json.Unmarshal(answer, &envelope); err != nil {
		return fmt.Errorf("%s: decode answer: %w", name, err)
	}
	if e := envelope.Error; e != nil {
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
