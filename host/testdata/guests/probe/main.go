// Command probe is a sync that calls one host function with raw bytes from
// its input, through its Extism-block import or the direct binding, and
// returns the host's raw answer: it exercises both bindings with requests
// the guest package would never send.
package main

import (
	"encoding/json"
	"runtime"
	"unsafe"

	"github.com/extism/go-pdk"
)

//go:wasmimport extism:host/user batch_save
func batchSave(uint64) uint64

//go:wasmimport extism:host/user batch_update
func batchUpdate(uint64) uint64

//go:wasmimport extism:host/user batch_delete
func batchDelete(uint64) uint64

//go:wasmimport extism:host/user save_checkpoint
func saveCheckpoint(uint64) uint64

//go:wasmimport extism:host/user request
func request(uint64) uint64

//go:wasmimport extism:host/user log
func logLine(uint64) uint64

var fns = map[string]func(uint64) uint64{
	"batch_save":      batchSave,
	"batch_update":    batchUpdate,
	"batch_delete":    batchDelete,
	"save_checkpoint": saveCheckpoint,
	"request":         request,
	"log":             logLine,
}

//go:wasmimport extism:host/user ferry_call
func ferryCall(name, nameLen, req, reqLen uint32) uint32

//go:wasmimport extism:host/user ferry_answer
func ferryAnswer(buf unsafe.Pointer)

type call struct {
	Fn      string `json:"fn"`
	Request string `json:"request"`
	// Direct calls Fn through ferry_call instead of its own import.
	Direct bool `json:"direct"`
	// OutOfBounds passes a request pointer past the end of memory.
	OutOfBounds bool `json:"outOfBounds"`
}

// direct calls fn through the direct binding and returns its answer.
func direct(c call) []byte {
	name, req := []byte(c.Fn), []byte(c.Request+" ")
	reqPtr := uint32(uintptr(unsafe.Pointer(&req[0])))
	if c.OutOfBounds {
		reqPtr = 0xFFFF0000
	}
	n := ferryCall(uint32(uintptr(unsafe.Pointer(&name[0]))), uint32(len(name)), reqPtr, uint32(len(c.Request)))
	runtime.KeepAlive(name)
	runtime.KeepAlive(req)
	answer := make([]byte, n)
	if n > 0 {
		ferryAnswer(unsafe.Pointer(&answer[0]))
	}
	return answer
}

//go:wasmexport sync
func sync() int32 {
	var c call
	if err := json.Unmarshal(pdk.Input(), &c); err != nil {
		pdk.SetError(err)
		return 1
	}
	if c.Direct {
		pdk.Output(direct(c))
		return 0
	}
	fn, ok := fns[c.Fn]
	if !ok {
		pdk.SetErrorString("unknown fn " + c.Fn)
		return 1
	}
	in := pdk.AllocateString(c.Request)
	out := pdk.FindMemory(fn(in.Offset()))
	pdk.Output(out.ReadBytes())
	return 0
}

func main() {}
