// Command bench is a sync used by the host's benchmarks: it saves batches
// of 1 KB records, or makes many tiny host calls, as its input says.
package main

import (
	"encoding/json"
	"strconv"
	"unsafe"

	"github.com/extism/go-pdk"

	"github.com/ferryhq/ferry/plugins/nango"
)

type plan struct {
	Batches    int  `json:"batches"`
	BatchSize  int  `json:"batchSize"`
	RecordSize int  `json:"recordSize"`
	Roundtrips int  `json:"roundtrips"`
	Raw        bool `json:"raw"` // round trips without the guest package's JSON
	Generation int  `json:"generation"`
}

// records builds one batch as a JSON array without encoding/json: the
// benchmark measures ferry's path, not the guest's JSON encoder.
func records(p plan, batch int) json.RawMessage {
	pad := make([]byte, p.RecordSize-64)
	for i := range pad {
		pad[i] = 'x'
	}
	buf := make([]byte, 0, p.BatchSize*p.RecordSize+2)
	buf = append(buf, '[')
	for i := 0; i < p.BatchSize; i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":"`...)
		buf = strconv.AppendInt(buf, int64(batch*p.BatchSize+i), 10)
		buf = append(buf, `","generation":`...)
		buf = strconv.AppendInt(buf, int64(p.Generation), 10)
		buf = append(buf, `,"pad":"`...)
		buf = append(buf, pad...)
		buf = append(buf, `"}`...)
	}
	return append(buf, ']')
}

//go:wasmimport extism:host/user ferry_call
func ferryCall(name unsafe.Pointer, nameLen uint32, req unsafe.Pointer, reqLen uint32) uint32

//go:wasmimport extism:host/user ferry_answer
func ferryAnswer(buf unsafe.Pointer)

var (
	rawName    = []byte("get_checkpoint")
	rawRequest = []byte("{}")
	rawAnswer  = make([]byte, 64)
)

// rawRoundtrip is one get_checkpoint call through the direct binding, with
// no JSON work in the guest: the cost of the ABI itself.
func rawRoundtrip() {
	n := ferryCall(unsafe.Pointer(&rawName[0]), uint32(len(rawName)), unsafe.Pointer(&rawRequest[0]), uint32(len(rawRequest)))
	if int(n) > len(rawAnswer) {
		rawAnswer = make([]byte, n)
	}
	ferryAnswer(unsafe.Pointer(&rawAnswer[0]))
}

func run() error {
	var p plan
	if err := json.Unmarshal(pdk.Input(), &p); err != nil {
		return err
	}
	for i := 0; i < p.Roundtrips; i++ {
		if p.Raw {
			rawRoundtrip()
			continue
		}
		if _, err := nango.GetCheckpoint(&struct{}{}); err != nil {
			return err
		}
	}
	for b := 0; b < p.Batches; b++ {
		if _, err := nango.BatchSave(records(p, b), "Record"); err != nil {
			return err
		}
	}
	return nil
}

//go:wasmexport sync
func sync() int32 { return nango.RunSync(run) }

func main() {}
