// Command probe is a sync that calls one host function with raw bytes from
// its input and returns the host's raw answer: it exercises the ABI with
// requests the guest package would never send.
package main

import (
	"encoding/json"

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

type call struct {
	Fn      string `json:"fn"`
	Request string `json:"request"`
}

//go:wasmexport sync
func sync() int32 {
	var c call
	if err := json.Unmarshal(pdk.Input(), &c); err != nil {
		pdk.SetError(err)
		return 1
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
