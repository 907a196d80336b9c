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

// batch is one batch of records as a JSON array, built once without
// encoding/json and then only given new ids: the benchmark measures
// ferry's path, not the guest's JSON encoder.
type batch struct {
	buf []byte
	ids []int // offset of each record's fixed-width id
}

const idWidth = 12

func newBatch(p plan) *batch {
	pad := make([]byte, p.RecordSize-64)
	for i := range pad {
		pad[i] = 'x'
	}
	b := &batch{buf: make([]byte, 0, p.BatchSize*p.RecordSize+2)}
	b.buf = append(b.buf, '[')
	for i := 0; i < p.BatchSize; i++ {
		if i > 0 {
			b.buf = append(b.buf, ',')
		}
		b.buf = append(b.buf, `{"id":"`...)
		b.ids = append(b.ids, len(b.buf))
		b.buf = append(b.buf, make([]byte, idWidth)...)
		b.buf = append(b.buf, `","generation":`...)
		b.buf = strconv.AppendInt(b.buf, int64(p.Generation), 10)
		b.buf = append(b.buf, `,"pad":"`...)
		b.buf = append(b.buf, pad...)
		b.buf = append(b.buf, `"}`...)
	}
	b.buf = append(b.buf, ']')
	return b
}

// number gives the batch's records the ids first, first+1, …
func (b *batch) number(first int) json.RawMessage {
	for i, at := range b.ids {
		id := b.buf[at : at+idWidth]
		for k, n := idWidth-1, first+i; k >= 0; k, n = k-1, n/10 {
			id[k] = byte('0' + n%10)
		}
	}
	return b.buf
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
	if p.Batches == 0 {
		return nil
	}
	records := newBatch(p)
	for b := 0; b < p.Batches; b++ {
		if err := nango.BatchSave(records.number(b*p.BatchSize), "Record"); err != nil {
			return err
		}
	}
	return nil
}

//go:wasmexport sync
func sync() int32 { return nango.RunSync(run) }

func main() {}
