package hostfns

import "encoding/json"

// RecordOp names the record call an Observer is told of.
type RecordOp string

// The record calls an Observer sees.
const (
	OpSave   RecordOp = "save"   // batchSave
	OpUpdate RecordOp = "update" // batchUpdate
	OpDelete RecordOp = "delete" // batchDelete
)

// Observer is told of every record call an execution makes once the call
// is accepted: after its records were validated (a batch the function is
// told was refused is never observed), in the order the function made the
// calls. Saves are observed when they are accepted, before the store
// commits them behind the function (see Nango.BatchSave). `ferry test`
// uses it to compare what a function saved with a fixture's expectations.
//
// Records is the batch as the function sent it and is only valid during
// the call: an Observer that keeps records must copy them. Calls come from
// the execution's guest thread; an Observer shared between executions must
// be safe for concurrent use.
type Observer interface {
	ObserveRecords(op RecordOp, model string, records []json.RawMessage)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(op RecordOp, model string, records []json.RawMessage)

// ObserveRecords calls f.
func (f ObserverFunc) ObserveRecords(op RecordOp, model string, records []json.RawMessage) {
	f(op, model, records)
}

// observe tells the execution's observer, if any, of an accepted call,
// and marks saved and updated records seen for deletion tracking.
func (n *Nango) observe(op RecordOp, model string, records []json.RawMessage) {
	if op != OpDelete {
		n.tracker.see(model, records)
	}
	if n.observer != nil {
		n.observer.ObserveRecords(op, model, records)
	}
}
